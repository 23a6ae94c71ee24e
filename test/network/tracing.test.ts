/**
 * The tracing channels (src/network/tracing.ts) against the real broker: every channel fires its
 * start, end, asyncStart and asyncEnd (error on failures) with the documented payload fields, for
 * connections, requests, sends, batches, fetches, rebalances, commits and Multiplexer handlers;
 * failures (a refused connection, a request on a closed connection, a record the broker refuses,
 * a handler that throws) publish `error` with the typed error. Without subscribers nothing is
 * built: no payload reaches traceBegin, and no header is added to a record.
 */
import * as dc from 'node:diagnostics_channel';
import { clientScope } from '../helpers/topics.js';
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { ConnectionClosedError, ConnectionError } from '../../src/network/errors.js';
import * as tracing from '../../src/network/tracing.js';
import { TRACING_CHANNELS } from '../../src/index.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';
import { Metadata } from '../../protocol/messages/metadata.js';

jest.setTimeout(60_000);
const { bootstrap, host, port } = brokerAddress();
const scope = clientScope([bootstrap], 'tracing');

const config = (extra: ConfigOptions = {}): Config => new Config({ brokers: [bootstrap], lingerMs: 5, ...extra });

const topic = scope.topic;

type EventName = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';
interface Seen {
  event: EventName;
  /** The payload object itself (to follow one operation), and a copy of its fields at that event. */
  ctx: Record<string, unknown>;
  fields: Record<string, unknown>;
}

/** Subscribes to every kafkaesque channel and keeps what each publishes, until `stop()`. */
function record(): { of(channel: string): Seen[]; ops(channel: string): Array<Seen[]>; stop(): void } {
  const seen = new Map<string, Seen[]>();
  const subs: Array<() => void> = [];
  for (const name of Object.values(TRACING_CHANNELS)) {
    const list: Seen[] = [];
    seen.set(name, list);
    const on = (event: EventName) => (ctx: object) => list.push({ event, ctx: ctx as Record<string, unknown>, fields: { ...ctx } });
    const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
    const ch = dc.tracingChannel(name);
    ch.subscribe(handlers);
    subs.push(() => ch.unsubscribe(handlers));
  }
  return {
    of: (channel) => seen.get(channel)!,
    /** The events of each operation (one payload object), in order. */
    ops(channel) {
      const byCtx = new Map<object, Seen[]>();
      for (const s of seen.get(channel)!) {
        let l = byCtx.get(s.ctx);
        if (l === undefined) byCtx.set(s.ctx, (l = []));
        l.push(s);
      }
      return [...byCtx.values()];
    },
    stop: () => subs.forEach((off) => off()),
  };
}

const events = (op: Seen[]): EventName[] => op.map((s) => s.event);
const last = (op: Seen[]): Record<string, unknown> => op.at(-1)!.fields;

test('a send publishes connect, request, send and batch operations with their payloads', async () => {
  const name = await topic(2);
  const rec = record();
  try {
    const p = await SyncProducer.create(config({ clientInstance: 'traced-producer' }));
    scope.track(p);
    const headers = [{ key: 'h', value: 'v' }];
    for (let i = 0; i < 3; i++) await p.send({ topic: name, partition: 1, key: 'k1', value: `v${i}`, headers });
    expect(headers).toEqual([{ key: 'h', value: 'v' }]); // the caller's array is not the one traced

    const sends = rec.ops(TRACING_CHANNELS.send);
    expect(sends).toHaveLength(3);
    sends.forEach((op, i) => {
      expect(events(op)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      expect(op[0]!.fields).toEqual({ topic: name, key: 'k1', headers: [{ key: 'h', value: 'v' }], partition: 1, offset: -1n });
      expect(last(op)).toEqual({ topic: name, key: 'k1', headers: [{ key: 'h', value: 'v' }], partition: 1, offset: BigInt(i) });
    });

    const batches = rec.ops(TRACING_CHANNELS.batch);
    expect(batches).toHaveLength(3); // one record per request: each send awaited
    batches.forEach((op, i) => {
      expect(events(op)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      expect(last(op)).toEqual({
        topic: name,
        partition: 1,
        recordCount: 1,
        bytes: expect.any(Number),
        attempt: 1,
        nodeId: expect.any(Number),
        baseOffset: BigInt(i),
        retrying: false,
      });
      expect(last(op).bytes as number).toBeGreaterThan(61);
      expect(last(op).nodeId as number).toBeGreaterThanOrEqual(0);
    });

    const requests = rec.ops(TRACING_CHANNELS.request).map(last);
    const apis = new Set(requests.map((r) => r.apiName));
    for (const api of ['ApiVersions', 'Metadata', 'InitProducerId', 'Produce']) expect(apis).toContain(api);
    const produce = requests.filter((r) => r.apiName === 'Produce');
    expect(produce).toHaveLength(3);
    for (const r of produce) {
      expect(r).toEqual({
        client: 'traced-producer',
        clientId: 'kafkaesque',
        apiName: 'Produce',
        apiKey: 0,
        apiVersion: expect.any(Number),
        correlationId: expect.any(Number),
        host,
        port,
        nodeId: batches[0]![0]!.fields.nodeId,
        requestBytes: expect.any(Number),
        responseBytes: expect.any(Number),
        expectResponse: true,
        latencyMs: expect.any(Number),
      });
      expect(r.apiVersion as number).toBeGreaterThanOrEqual(3);
      expect(r.requestBytes as number).toBeGreaterThan(last(batches[0]!).bytes as number);
      expect(r.responseBytes as number).toBeGreaterThan(8);
      expect(r.latencyMs as number).toBeGreaterThan(0);
    }
    for (const op of rec.ops(TRACING_CHANNELS.request)) expect(events(op)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);

    const connects = rec.ops(TRACING_CHANNELS.connect);
    expect(connects.length).toBeGreaterThanOrEqual(1);
    for (const op of connects) {
      expect(events(op)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      expect(last(op)).toEqual({ client: 'traced-producer', host, port, nodeId: expect.any(Number), tls: false, saslMechanism: undefined, durationMs: expect.any(Number) });
      expect(last(op).durationMs as number).toBeGreaterThan(0);
    }
  } finally {
    rec.stop();
  }
});

test('failures publish error: a refused connection, a request on a closed connection, a record the broker refuses', async () => {
  const name = await topic(1, { 'max.message.bytes': '1024' });
  const rec = record();
  try {
    // nothing listens on port 1
    await expect(BrokerConnection.connect({ host: '127.0.0.1', port: 1, connectTimeoutMs: 5000 })).rejects.toBeInstanceOf(ConnectionError);
    const refused = rec.ops(TRACING_CHANNELS.connect).find((op) => op[0]!.fields.port === 1)!;
    expect(events(refused)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(last(refused).error).toBeInstanceOf(ConnectionError);

    const conn = await BrokerConnection.connect({ host, port });
    conn.close();
    const request = { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
    await expect(conn.send(Metadata, request)).rejects.toBeInstanceOf(ConnectionClosedError);
    const closed = rec.ops(TRACING_CHANNELS.request).at(-1)!;
    expect(events(closed)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(last(closed)).toMatchObject({ apiName: 'Metadata', apiKey: 3, correlationId: -1, requestBytes: 0, host, port });
    expect(last(closed).error).toBeInstanceOf(ConnectionClosedError);

    const p = await SyncProducer.create(config());
    scope.track(p);
    await expect(p.sendMsgByte(name, null, Buffer.alloc(4096, 1))).rejects.toThrow(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/);
    const [send] = rec.ops(TRACING_CHANNELS.send);
    expect(events(send!)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(last(send!)).toMatchObject({ topic: name, partition: 0, offset: -1n });
    expect((last(send!).error as { code: string }).code).toMatch(/^ERR_KAFKA_(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)$/);
    const failedBatch = rec.ops(TRACING_CHANNELS.batch).at(-1)!;
    expect(events(failedBatch)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(last(failedBatch)).toMatchObject({ topic: name, partition: 0, recordCount: 1, baseOffset: -1n, retrying: false });
  } finally {
    rec.stop();
  }
});

test.each(['classic', 'consumer'] as const)('a group consumer (%s protocol) publishes its rebalance, its fetches and its commits', async (protocol) => {
  const name = await topic(2);
  const p = await SyncProducer.create(config());
  scope.track(p);
  for (let i = 0; i < 4; i++) await p.sendMsgToPartition(name, i % 2, null, `v${i}`);
  const group = uniqueTopic('tracing-group');
  const rec = record();
  try {
    const consumer = await Consumer.create(config({ group, topics: [name], initialOffset: 'oldest', autoCommit: false, groupProtocol: protocol }));
    scope.track(consumer);
    const it = consumer.messages()[Symbol.asyncIterator]();
    const taken: ConsumerMessage[] = [];
    for (let i = 0; i < 4; i++) {
      const m = (await it.next()).value!;
      taken.push(m);
      consumer.markOffset(m);
    }
    await consumer.commitOffsets();

    const [rebalance] = rec.ops(TRACING_CHANNELS.rebalance);
    expect(events(rebalance!)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const end = last(rebalance!);
    expect(end).toEqual({
      groupId: group,
      protocol,
      memberId: expect.any(String),
      generation: expect.any(Number),
      assigned: [
        { topic: name, partition: 0 },
        { topic: name, partition: 1 },
      ],
      claimed: [
        { topic: name, partition: 0 },
        { topic: name, partition: 1 },
      ],
      released: [],
    });
    expect((end.memberId as string).length).toBeGreaterThan(0);
    expect(end.generation as number).toBeGreaterThanOrEqual(1);

    const fetches = rec.ops(TRACING_CHANNELS.fetch).filter((op) => op.at(-1)!.event === 'asyncEnd').map(last);
    const withData = fetches.filter((f) => (f.bytes as number) > 0);
    expect(withData.length).toBeGreaterThanOrEqual(1);
    const answered = withData.flatMap((f) => f.partitions as Array<Record<string, unknown>>).filter((pt) => (pt.bytes as number) > 0);
    expect(answered.map((pt) => pt.partition).sort()).toEqual([0, 1]);
    for (const pt of answered) expect(pt).toEqual({ topic: name, partition: pt.partition, fetchOffset: 0n, errorCode: 0, highWatermark: 2n, bytes: expect.any(Number) });
    expect(withData[0]).toEqual({ nodeId: expect.any(Number), maxBytes: expect.any(Number), sessionId: expect.any(Number), sessionEpoch: expect.any(Number), partitions: expect.any(Array), bytes: expect.any(Number) });
    expect(withData[0]!.nodeId as number).toBeGreaterThanOrEqual(0);

    const commits = rec.ops(TRACING_CHANNELS.commit);
    expect(commits).toHaveLength(1);
    expect(events(commits[0]!)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const commit = last(commits[0]!);
    expect(commit).toEqual({ groupId: group, memberId: end.memberId, generation: end.generation, offsets: expect.any(Array) });
    expect((commit.offsets as Array<{ partition: number }>).sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: name, partition: 0, offset: 2n },
      { topic: name, partition: 1, offset: 2n },
    ]);
  } finally {
    rec.stop();
  }
});

test('a Multiplexer handler runs inside kafkaesque:consumer:process; one that throws publishes error', async () => {
  const name = await topic(1);
  const p = await SyncProducer.create(config());
  scope.track(p);
  await p.sendMsgByte(name, 'a', 'ok');
  await p.sendMsgByte(name, 'b', 'fail');
  const group = uniqueTopic('tracing-mux');
  const rec = record();
  try {
    const mux = await Multiplexer.fromConfig(config(), group);
    scope.track(mux);
    mux.on('error', () => {});
    const conn = mux.newBytesConnection('orders');
    const inside: boolean[] = [];
    conn.consumeTopic(async (m) => {
      // the handler runs between the operation's start and its asyncStart
      const op = rec.ops(TRACING_CHANNELS.process).at(-1)!;
      inside.push(events(op).join() === 'start');
      if (m.value!.toString() === 'fail') throw new Error('handler failed');
    }, name);
    await mux.start();
    await eventually(async () => rec.ops(TRACING_CHANNELS.process).filter((op) => op.at(-1)!.event === 'asyncEnd').length === 2, 30_000, 'two handled');
    expect(inside).toEqual([true, true]);
    const [ok, failed] = rec.ops(TRACING_CHANNELS.process);
    expect(events(ok!)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(last(ok!)).toEqual({ connection: 'orders', groupId: group, topic: name, partition: 0, offset: 0n, key: Buffer.from('a'), headers: [], timestamp: expect.any(Number) });
    expect(events(failed!)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(last(failed!)).toMatchObject({ offset: 1n, key: Buffer.from('b') });
    expect((last(failed!).error as Error).message).toBe('handler failed');
  } finally {
    rec.stop();
  }
});

test('without subscribers no payload is built and no header is added', async () => {
  const name = await topic(1);
  const begin = jest.spyOn(tracing, 'traceBegin');
  const gate = jest.spyOn(tracing.sendChannel, 'hasSubscribers', 'get');
  try {
    for (const ch of Object.values(TRACING_CHANNELS)) expect(dc.tracingChannel(ch).hasSubscribers).toBe(false);
    const p = await SyncProducer.create(config());
    scope.track(p);
    for (let i = 0; i < 20; i++) await p.sendMsgByte(name, 'k', `v${i}`);
    const consumer = await Consumer.create(config({ group: uniqueTopic('tracing-off'), topics: [name], initialOffset: 'oldest' }));
    scope.track(consumer);
    const it = consumer.messages()[Symbol.asyncIterator]();
    const got: ConsumerMessage[] = [];
    for (let i = 0; i < 20; i++) got.push((await it.next()).value!);
    await consumer.commitOffsets();
    expect(got.every((m) => m.headers.length === 0)).toBe(true);
    expect(gate.mock.calls.length).toBeGreaterThanOrEqual(20); // the gate was asked on every send...
    expect(begin).not.toHaveBeenCalled(); // ...and no operation was built or published

    // the same spy sees them once someone listens
    const rec = record();
    try {
      await p.sendMsgByte(name, 'k', 'traced');
      expect(begin).toHaveBeenCalled();
      expect(rec.ops(TRACING_CHANNELS.send)).toHaveLength(1);
    } finally {
      rec.stop();
    }
  } finally {
    begin.mockRestore();
    gate.mockRestore();
  }
});
