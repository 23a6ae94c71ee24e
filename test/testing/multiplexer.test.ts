/**
 * MockMultiplexer (kafkaesque/testing): the real connection classes over mock producers and a
 * consumption the test drives with deliver(). No broker is used.
 */
import * as protobuf from 'protobufjs';
import { OffsetNewest, OffsetOldest } from '../../src/client/config.js';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import { BytesConnection, BytesManualConnection } from '../../src/mux/connections.js';
import { MuxClosedError, MuxStartedError, MuxUsageError } from '../../src/mux/errors.js';
import { HandlerError } from '../../src/mux/errors.js';
import { GO_LAYER_DEFAULTS, HIGH_WATER } from '../../src/mux/multiplexer.js';
import { ProtoConnection, ProtoManualConnection, type ProtoMessage, binarySerializer, jsonSerializer } from '../../src/mux/proto.js';
import { ProducerClosedError, ProducerError } from '../../src/producer/errors.js';
import { ProducerMessage } from '../../src/producer/message.js';
import { PartitionerError } from '../../src/producer/errors.js';
import { murmur2, saramaPartitionForKey } from '../../src/producer/partitioner.js';
import { MockMultiplexer, MockSendError, UnexpectedSendError } from '../../src/testing/index.js';
import { sleep } from '../helpers/wait.js';

const root = protobuf.parse(`
  syntax = "proto3";
  package shop;
  message Order { string id = 1; int32 quantity = 2; }
`).root;
const Order = root.lookupType('shop.Order');

/** A handler that records what it got. */
function recorder(): { got: ConsumerMessage[]; handler: (m: ConsumerMessage) => void } {
  const got: ConsumerMessage[] = [];
  return { got, handler: (m) => void got.push(m) };
}


describe('connections', () => {
  test('are the real connection classes; newConnection is newBytesConnection', () => {
    const mock = new MockMultiplexer();
    expect(mock.newBytesConnection('a')).toBeInstanceOf(BytesConnection);
    expect(mock.newConnection('b')).toBeInstanceOf(BytesConnection);
    expect(mock.newBytesManualConnection('c')).toBeInstanceOf(BytesManualConnection);
    const proto = mock.newProtoConnection('d');
    expect(proto).toBeInstanceOf(ProtoConnection);
    expect(proto.serializer).toBe(jsonSerializer);
    expect(proto.name).toBe('d');
    const manual = mock.newProtoManualConnection('e', binarySerializer);
    expect(manual).toBeInstanceOf(ProtoManualConnection);
    expect(manual.serializer).toBe(binarySerializer);
    expect(mock.name).toBe('mock');
    expect(mock.groupId).toBe('mock');
    expect(new MockMultiplexer({ name: 'svc' }).groupId).toBe('svc');
  });

  test('a duplicate or empty connection name is a MuxUsageError, as in the Multiplexer', () => {
    const mock = new MockMultiplexer();
    mock.newBytesConnection('x');
    expect(() => mock.newProtoConnection('x')).toThrow(MuxUsageError);
    expect(() => mock.newBytesManualConnection('x')).toThrow(/a connection named 'x' already exists/);
    expect(() => mock.newConnection('')).toThrow(expect.objectContaining({ code: 'ERR_MUX_NAME' }));
  });
});

describe('sends', () => {
  test('are recorded with the partition sarama would choose and offsets 0, 1, 2... per partition', async () => {
    const mock = new MockMultiplexer({ partitions: { orders: 6 } });
    const conn = mock.newBytesConnection('orders-svc');
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const results: Array<{ partition: number; offset: bigint }> = [];
    for (const k of keys) results.push(await conn.sendSyncString('orders', k, `value of ${k}`));
    const sent = mock.sent();
    expect(sent).toHaveLength(20);
    const perPartition = new Map<number, bigint>();
    keys.forEach((k, i) => {
      const partition = saramaPartitionForKey(Buffer.from(k), 6);
      const offset = perPartition.get(partition) ?? 0n;
      perPartition.set(partition, offset + 1n);
      expect(sent[i]).toMatchObject({ topic: 'orders', partition, offset, connection: 'orders-svc', producer: 'sync', metadata: undefined });
      expect(sent[i]!.key).toEqual(Buffer.from(k));
      expect(sent[i]!.value).toEqual(Buffer.from(`value of ${k}`));
      expect(results[i]).toEqual({ partition, offset });
    });
    expect(perPartition.size).toBeGreaterThan(1);
  });

  test('a null key goes where the empty key goes (the Go layer), an explicit partition wins, a topic has 1 partition by default', async () => {
    const mock = new MockMultiplexer({ defaultPartitions: 7 });
    mock.setPartitions('one', 1);
    const conn = mock.newBytesConnection('c');
    expect(await conn.sendSyncByte('t', null, Buffer.from('a'))).toEqual({ partition: saramaPartitionForKey(Buffer.alloc(0), 7), offset: 0n });
    expect(await conn.sendSyncMessageToPartition('t', 5, 'k', 'b')).toEqual({ partition: 5, offset: 0n });
    expect(await conn.sendSyncStringToPartition('t', 5, null, 'c')).toEqual({ partition: 5, offset: 1n });
    expect(await conn.sendSyncByteToPartition('t', 6, null, new Uint8Array([1, 2]))).toEqual({ partition: 6, offset: 0n });
    expect(await conn.sendSyncMessage('one', 'k', null)).toEqual({ partition: 0, offset: 0n });
    expect(mock.sent({ topic: 'one' })[0]!.value).toBeNull();
    expect(await new MockMultiplexer().newConnection('c').sendSyncString('any', 'k', 'v')).toEqual({ partition: 0, offset: 0n });
  });

  test('partitioning defaults are the Multiplexer\'s (GO_LAYER_DEFAULTS); other settings can be chosen', async () => {
    expect(GO_LAYER_DEFAULTS).toMatchObject({ hashFunction: 'fnv1a', nullKey: 'hash-empty' });
    const java = new MockMultiplexer({ defaultPartitions: 12, hashFunction: 'murmur2' }).newConnection('c');
    expect((await java.sendSyncString('t', 'user-1', 'v')).partition).toBe((murmur2(Buffer.from('user-1')) & 0x7fffffff) % 12);
  });

  test('an explicit partition the topic does not have fails as the producer fails it (PartitionerError in a ProducerError)', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 2 } });
    const conn = mock.newBytesConnection('c');
    const err = await conn.sendSyncStringToPartition('t', 2, null, 'v').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerError);
    expect((err as ProducerError).cause).toBeInstanceOf(PartitionerError);
    expect(mock.failed()).toHaveLength(1);
    expect(mock.sent()).toHaveLength(0);
  });

  test('async sends call onSuccess with the ProducerMessage (partition, offset, metadata) after the send returns', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 3 } });
    const conn = mock.newBytesConnection('c');
    const ok: ProducerMessage<{ n: number }>[] = [];
    const onError = jest.fn();
    conn.sendAsyncString('t', 'k1', 'one', { n: 1 }, (m) => ok.push(m), onError);
    conn.sendAsyncByte('t', 'k1', Buffer.from('two'), { n: 2 }, (m) => ok.push(m), onError);
    conn.sendAsyncMessageToPartition('t', 2, null, 'three', { n: 3 }, (m) => ok.push(m), onError);
    conn.sendAsyncByteToPartition('t', 2, null, Buffer.from('four'), { n: 4 }, (m) => ok.push(m), onError);
    conn.sendAsyncStringToPartition('t', 2, null, 'five', { n: 5 }, (m) => ok.push(m), onError);
    conn.sendAsyncMessage('t', 'k1', 'six', { n: 6 }, (m) => ok.push(m), onError);
    expect(ok).toHaveLength(0); // never synchronously, as the real producer
    await mock.flush();
    const p = saramaPartitionForKey(Buffer.from('k1'), 3);
    expect(ok.map((m) => [m.metadata!.n, m.partition, m.offset])).toEqual([
      [1, p, 0n],
      [2, p, 1n],
      [3, 2, p === 2 ? 2n : 0n],
      [4, 2, p === 2 ? 3n : 1n],
      [5, 2, p === 2 ? 4n : 2n],
      [6, p, p === 2 ? 5n : 2n],
    ]);
    expect(ok[0]).toBeInstanceOf(ProducerMessage);
    expect(onError).not.toHaveBeenCalled();
    expect(mock.sent({ producer: 'async' }).map((s) => s.metadata)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }, { n: 6 }]);
  });

  test('publishers send to their topic (and partition) through the connection', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 4 } });
    const conn = mock.newBytesConnection('c');
    const sync = conn.newSyncPublisher('t');
    expect(sync.topic).toBe('t');
    expect(await sync.put('k', 'v')).toEqual({ partition: saramaPartitionForKey(Buffer.from('k'), 4), offset: 0n });
    expect(await conn.newSyncPublisherToPartition('t', 3).put(null, 'v')).toEqual({ partition: 3, offset: 0n });
    const onSuccess = jest.fn();
    conn.newAsyncPublisher('t', onSuccess).put('k', 'w', 'meta');
    conn.newAsyncPublisherToPartition('t', 3, onSuccess).put(null, 'x');
    await mock.flush();
    expect(onSuccess.mock.calls.map(([m]: [ProducerMessage]) => [m.partition, m.offset, m.metadata])).toEqual([
      [saramaPartitionForKey(Buffer.from('k'), 4), 1n, 'meta'],
      [3, 1n, undefined],
    ]);
  });

  test('proto connections encode with their serializer and send raw bytes as given', async () => {
    const mock = new MockMultiplexer();
    const json = mock.newProtoConnection('json');
    const bin = mock.newProtoConnection('bin', binarySerializer);
    await json.sendSyncMessage('t', 'k', Order.create({ id: 'o-1', quantity: 2 }));
    await bin.sendSyncMessage('t', 'k', { type: Order, value: { id: 'o-2', quantity: 3 } });
    await json.sendSyncString('t', null, 'raw');
    const [a, b, c] = mock.sent();
    expect(JSON.parse(a!.value!.toString())).toEqual({ id: 'o-1', quantity: 2 });
    expect(Order.toObject(Order.decode(b!.value!))).toEqual({ id: 'o-2', quantity: 3 });
    expect(c!.value!.toString()).toBe('raw');
    expect([a, b, c].map((s) => [s!.connection, s!.offset])).toEqual([
      ['json', 0n],
      ['bin', 1n],
      ['json', 2n],
    ]);
  });
});

describe('failure injection', () => {
  test('failNextSend: the next sync send rejects with a ProducerError, the async one calls onError; no offset is used', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newBytesConnection('c');
    const boom = new Error('broker on fire');
    mock.failNextSend(boom);
    const err = await conn.sendSyncString('t', 'k', 'v').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerError);
    expect((err as ProducerError).cause).toBe(boom);
    expect((err as ProducerError).msg.topic).toBe('t');
    expect(await conn.sendSyncString('t', 'k', 'v')).toEqual({ partition: 0, offset: 0n });

    mock.failNextSend();
    const onSuccess = jest.fn();
    const errors: ProducerError[] = [];
    conn.sendAsyncString('t', 'k', 'v', 'm-1', onSuccess, (e) => errors.push(e));
    await mock.flush();
    expect(onSuccess).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.cause).toBeInstanceOf(MockSendError);
    expect(errors[0]!.msg.metadata).toBe('m-1');
    expect(mock.failed().map((f) => [f.producer, f.offset, f.error])).toEqual([
      ['sync', -1n, boom],
      ['async', -1n, errors[0]!.cause],
    ]);
  });

  test('a matcher picks which send fails; failSends fails every match until undone', async () => {
    const mock = new MockMultiplexer();
    const a = mock.newBytesConnection('a');
    const b = mock.newBytesConnection('b');
    mock.failNextSend(undefined, { connection: 'b', topic: 'audit' });
    await expect(a.sendSyncString('audit', null, '1')).resolves.toEqual({ partition: 0, offset: 0n });
    await expect(b.sendSyncString('orders', null, '2')).resolves.toBeDefined();
    await expect(b.sendSyncString('audit', null, '3')).rejects.toBeInstanceOf(ProducerError);
    await expect(b.sendSyncString('audit', null, '4')).resolves.toEqual({ partition: 0, offset: 1n });

    const undo = mock.failSends(new Error('down'), (m) => m.value?.toString() === 'bad');
    await expect(a.sendSyncString('x', null, 'bad')).rejects.toThrow(/down/);
    await expect(a.sendSyncString('x', null, 'bad')).rejects.toThrow(/down/);
    await expect(a.sendSyncString('x', null, 'good')).resolves.toBeDefined();
    undo();
    await expect(a.sendSyncString('x', null, 'bad')).resolves.toEqual({ partition: 0, offset: 1n });
    expect(mock.failed().map((f) => f.value!.toString())).toEqual(['3', 'bad', 'bad']);
  });

  test('expectSend (strict, as sarama): sends must come in order; an unexpected one fails and verify() says so', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newBytesConnection('c');
    mock.expectSend({ topic: 'orders', key: 'k1' });
    mock.expectSend({ topic: 'orders' }).andFail(new Error('rejected'));
    mock.expectSend({ topic: 'audit' });
    await expect(conn.sendSyncString('orders', 'k1', 'v')).resolves.toEqual({ partition: 0, offset: 0n });
    await expect(conn.sendSyncString('orders', 'k2', 'v')).rejects.toThrow(/rejected/);
    expect(() => mock.verify()).toThrow(/expected send not made: \{ topic="audit" \}/);
    await expect(conn.sendSyncString('audit', null, 'v')).resolves.toBeDefined();
    expect(() => mock.verify()).not.toThrow();

    const err = await conn.sendSyncString('orders', 'k3', 'v').catch((e: unknown) => e);
    expect((err as ProducerError).cause).toBeInstanceOf(UnexpectedSendError);
    expect(() => mock.verify()).toThrow(/unexpected send to orders-0 key="k3"/);
    mock.reset();
    expect(mock.sent()).toEqual([]);
    await expect(conn.sendSyncString('orders', 'k4', 'v')).resolves.toEqual({ partition: 0, offset: 1n }); // failed sends took no offset
  });
});

describe('delivery', () => {
  test('before start() is refused; subscribing after start() is a MuxStartedError', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newBytesConnection('c');
    conn.consumeTopic(() => {}, 't');
    await expect(mock.deliver('t', { value: 'v' })).rejects.toMatchObject({ code: 'ERR_MUX_NOT_STARTED' });
    await mock.start();
    expect(mock.isStarted()).toBe(true);
    expect(() => conn.consumeTopic(() => {}, 'u')).toThrow(MuxStartedError);
    expect(() => mock.newProtoConnection('p').consumeTopic(() => {}, 'u')).toThrow(MuxStartedError);
    await expect(mock.start()).rejects.toBeInstanceOf(MuxStartedError);
    expect(() => conn.consumeTopic(() => {})).toThrow(/name at least one topic/);
  });

  test('reaches every connection consuming the topic, bytes and proto, and resolves after their handlers', async () => {
    const mock = new MockMultiplexer({ partitions: { orders: 3 } });
    const billing = mock.newBytesConnection('billing');
    const audit = mock.newProtoConnection('audit');
    const other = mock.newBytesConnection('other');
    const billed: string[] = [];
    const audited: Array<{ id: string; offset: bigint; key: string | undefined }> = [];
    billing.consumeTopic(async (m) => {
      await sleep(5);
      billed.push(`${m.partition}@${m.offset} ${m.value!.toString()}`);
    }, 'orders');
    audit.consumeTopic((m: ProtoMessage) => {
      audited.push({ id: m.getValue<{ id: string }>(Order).id, offset: m.offset, key: m.key?.toString() });
    }, 'orders');
    const o = recorder();
    other.consumeTopic(o.handler, 'other-topic');
    await mock.start();
    expect(mock.topics()).toEqual(['orders', 'other-topic']);
    expect(mock.subscribers('orders')).toEqual(['billing', 'audit']);
    expect(mock.assignment()).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
      { topic: 'orders', partition: 2 },
      { topic: 'other-topic', partition: 0 },
    ]);

    const value = jsonSerializer.encode(Order, { id: 'o-1', quantity: 1 });
    const d1 = await mock.deliver('orders', { key: 'o-1', value });
    const p = saramaPartitionForKey(Buffer.from('o-1'), 3);
    expect(d1.message).toMatchObject({ topic: 'orders', partition: p, offset: 0n });
    expect(d1.connections).toEqual(['billing', 'audit']);
    expect(d1.errors).toEqual([]);
    expect(billed).toEqual([`${p}@0 ${value.toString()}`]);
    // a protobuf value is encoded with the mock's serializer (jsonSerializer, as the audit connection's)
    await mock.deliver('orders', { key: 'o-2', value: Order.create({ id: 'o-2', quantity: 5 }), partition: 1, offset: 41 });
    expect(audited).toEqual([
      { id: 'o-1', offset: 0n, key: 'o-1' },
      { id: 'o-2', offset: 41n, key: 'o-2' },
    ]);
    expect((await mock.deliver('orders', { value: Order.create({ id: 'o-3' }), partition: 1 })).message.offset).toBe(42n);
    expect(o.got).toEqual([]);
    expect(mock.delivered().map((m) => m.offset)).toEqual([0n, 41n, 42n]);
  });

  test('keeps each connection\'s order when deliveries are not awaited one by one', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newBytesConnection('c');
    const seen: string[] = [];
    conn.consumeTopic(async (m) => {
      const v = m.value!.toString();
      await sleep(v === 'first' ? 20 : 1);
      seen.push(v);
    }, 't');
    await mock.start();
    await Promise.all([mock.deliver('t', { value: 'first' }), mock.deliver('t', { value: 'second' }), mock.deliver('t', { value: 'third' })]);
    expect(seen).toEqual(['first', 'second', 'third']);
  });

  test('headers, timestamp and a binary-serialized proto value reach the handler', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newProtoConnection('p', binarySerializer);
    let got: ProtoMessage | undefined;
    conn.watch((m) => void (got = m), 't');
    await mock.start();
    await mock.deliver('t', {
      value: { type: Order, value: { id: 'b', quantity: 9 } },
      serializer: binarySerializer,
      headers: [{ key: 'trace', value: 'abc' }],
      timestamp: new Date(1_700_000_000_000),
    });
    expect(got!.getValue(Order)).toMatchObject({ id: 'b', quantity: 9 });
    expect(got!.headers).toEqual([{ key: 'trace', value: Buffer.from('abc') }]);
    expect(got!.timestamp).toBe(1_700_000_000_000);
    expect(got!.key).toBeNull();
  });

  test('a connection that stopped consuming gets nothing more; the topic pauses when nobody consumes it', async () => {
    const mock = new MockMultiplexer();
    const a = mock.newBytesConnection('a');
    const b = mock.newProtoConnection('b');
    const ra = recorder();
    const rb: ProtoMessage[] = [];
    a.consumeTopic(ra.handler, 't');
    b.consumeTopic((m) => void rb.push(m), 't');
    await mock.start();
    await mock.deliver('t', { value: '1' });
    a.stopConsuming('t');
    expect((await mock.deliver('t', { value: '2' })).connections).toEqual(['b']);
    expect(mock.isPaused('t')).toBe(false);
    b.stopWatch('t');
    expect(mock.isPaused('t')).toBe(true);
    expect((await mock.deliver('t', { value: '3' })).connections).toEqual([]);
    expect(ra.got.map((m) => m.offset)).toEqual([0n]);
    expect(rb.map((m) => m.offset)).toEqual([0n, 1n]);
  });

  test('a handler that throws: a HandlerError on the error event, the other connections still handle it', async () => {
    const mock = new MockMultiplexer();
    const bad = mock.newBytesConnection('bad');
    const good = mock.newBytesConnection('good');
    const r = recorder();
    const cause = new Error('cannot parse');
    bad.consumeTopic(() => {
      throw cause;
    }, 't');
    good.consumeTopic(r.handler, 't');
    await mock.start();
    const events: Error[] = [];
    mock.on('error', (e) => events.push(e));
    const d = await mock.deliver('t', { value: 'v' });
    expect(r.got).toHaveLength(1);
    expect(d.errors).toHaveLength(1);
    expect(events).toEqual(d.errors);
    expect(d.errors[0]).toBeInstanceOf(HandlerError);
    expect(d.errors[0]).toMatchObject({ connection: 'bad', topic: 't', partition: 0, offset: 0n, cause, code: 'ERR_MUX_HANDLER' });
  });

  test('without an error listener, deliver rejects with the HandlerError (after every handler ran)', async () => {
    const mock = new MockMultiplexer();
    const r = recorder();
    mock.newBytesConnection('bad').consumeTopic(async () => {
      throw new Error('nope');
    }, 't');
    mock.newBytesConnection('good').consumeTopic(r.handler, 't');
    await mock.start();
    const err = await mock.deliver('t', { value: 'v' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandlerError);
    expect((err as HandlerError).message).toMatch(/connection 'bad': the handler of t-0@0 failed: nope/);
    expect(r.got).toHaveLength(1);
  });
});

describe('manual connections', () => {
  test('get their partition from their start offset; the group does not get a partition consumed manually', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 2 } });
    const group = mock.newBytesConnection('group');
    const manual = mock.newBytesManualConnection('manual');
    const g = recorder();
    const m = recorder();
    group.consumeTopic(g.handler, 't');
    await manual.consumePartition(m.handler, 't', 0, 2);
    expect(mock.partitionSubscriptions()).toEqual([{ connection: 'manual', topic: 't', partition: 0, offset: 2 }]);
    await mock.start();
    for (let i = 0; i < 5; i++) await mock.deliver('t', { value: `p0-${i}`, partition: 0 });
    await mock.deliver('t', { value: 'p1-0', partition: 1 });
    expect(m.got.map((x) => x.value!.toString())).toEqual(['p0-2', 'p0-3', 'p0-4']);
    expect(g.got.map((x) => `${x.partition}@${x.offset}`)).toEqual(['1@0']);
    // stopped: the group resumes the partition at its own position, as a Kafka consumer does;
    // it had read nothing of it (paused since start), so it reads it from the start
    manual.stopConsumingPartition('t', 0, 2n);
    await mock.deliver('t', { value: 'p0-5', partition: 0 });
    expect(g.got.map((x) => `${x.partition}@${x.offset}`)).toEqual(['1@0', '0@0', '0@1', '0@2', '0@3', '0@4', '0@5']);
  });

  test('OffsetOldest gets everything delivered from then on, OffsetNewest only what comes after it began', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 2 } });
    const manual = mock.newBytesManualConnection('m');
    const oldest = recorder();
    const newest = recorder();
    await mock.start();
    await manual.consumePartition(oldest.handler, 't', 0, OffsetOldest);
    await mock.deliver('t', { value: 'a', partition: 1 });
    await mock.deliver('t', { value: 'b', partition: 1 });
    await mock.deliver('t', { value: 'c', partition: 0 });
    await manual.consumePartition(newest.handler, 't', 1, 'newest');
    await mock.deliver('t', { value: 'd', partition: 1 });
    expect(oldest.got.map((x) => x.value!.toString())).toEqual(['c']);
    expect(newest.got.map((x) => `${x.value!.toString()}@${x.offset}`)).toEqual(['d@2']);
    manual.stopConsumingPartition('t', 1, OffsetNewest);
    expect(mock.partitionSubscriptions().map((s) => s.partition)).toEqual([0]);
  });

  test('a subscription from OffsetOldest reads its partition from the first message, also those delivered before it', async () => {
    const mock = new MockMultiplexer();
    const group = recorder();
    mock.newBytesConnection('g').consumeTopic(group.handler, 't');
    await mock.start();
    await mock.deliver('t', { value: 'a' });
    await mock.deliver('t', { value: 'b' });
    const manual = recorder();
    await mock.newBytesManualConnection('m').consumePartition(manual.handler, 't', 0, OffsetOldest);
    await mock.flush();
    await mock.deliver('t', { value: 'c' });
    expect(manual.got.map((x) => x.value!.toString())).toEqual(['a', 'b', 'c']);
    expect(group.got.map((x) => x.value!.toString())).toEqual(['a', 'b']); // the group no longer gets the partition
  });

  test('proto manual connections decode; the Multiplexer\'s partition rules and errors hold', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 2 } });
    const manual = mock.newProtoManualConnection('pm');
    const other = mock.newBytesManualConnection('other');
    const ids: string[] = [];
    await manual.watchPartition((m) => void ids.push(m.getValue<{ id: string }>(Order).id), 't', 1, 'oldest');
    await expect(other.consumePartition(() => {}, 't', 1, OffsetOldest)).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMING' });
    expect(() => other.stopConsumingPartition('t', 1)).toThrow(/it is consumed by connection 'pm'/);
    expect(() => manual.stopConsumingPartition('t', 1, 5)).toThrow(/from offset 5 \(it is consumed from OffsetOldest\)/);
    await mock.start();
    await expect(other.consumePartition(() => {}, 't', 2, OffsetOldest)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_PARTITION' });
    await expect(other.consumePartition(() => {}, 't', 0, -5)).rejects.toMatchObject({ code: 'ERR_INVALID_OFFSET' });
    expect(mock.partitionSubscriptions()).toHaveLength(1);
    await mock.deliver('t', { value: Order.create({ id: 'x' }), partition: 1 });
    expect(ids).toEqual(['x']);
    manual.stopConsumingPartition('t', 1, OffsetOldest);
    expect(() => manual.stopConsumingPartition('t', 1)).toThrow(MuxUsageError);
  });

  test('what the group reads once a manual subscription stops is handled by flush(), which rejects with a handler\'s error no deliver() reported', async () => {
    const mock = new MockMultiplexer();
    const group: string[] = [];
    mock.newBytesConnection('g').consumeTopic((m) => {
      if (m.value!.toString() === 'bad') throw new Error('cannot handle');
      group.push(m.value!.toString());
    }, 't');
    const manual = mock.newBytesManualConnection('m');
    await manual.consumePartition(() => {}, 't', 0, OffsetOldest);
    await mock.start();
    expect((await mock.deliver('t', { value: 'bad' })).connections).toEqual(['m']);
    await mock.deliver('t', { value: 'good' });
    manual.stopConsumingPartition('t', 0);
    const err = await mock.flush().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_MUX_HANDLER', connection: 'g', offset: 0n });
    expect(group).toEqual(['good']);
    await expect(mock.flush()).resolves.toBeUndefined();
  });

  test('a manual subscription to a partition the topic lacks fails at start()', async () => {
    const mock = new MockMultiplexer();
    await mock.newBytesManualConnection('m').consumePartition(() => {}, 't', 3, OffsetOldest);
    await expect(mock.start()).rejects.toMatchObject({ code: 'ERR_UNKNOWN_PARTITION' });
  });
});

describe('the Multiplexer\'s flow control', () => {
  test('a slow handler pauses its topic past HIGH_WATER queued messages; the rest comes once it catches up', async () => {
    const mock = new MockMultiplexer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: bigint[] = [];
    mock.newBytesConnection('slow').consumeTopic(async (m) => {
      await gate;
      seen.push(m.offset);
    }, 't');
    await mock.start();
    const deliveries = Array.from({ length: HIGH_WATER + 10 }, (_, i) => mock.deliver('t', { value: `${i}` }));
    while (!mock.isPaused('t')) await sleep(1);
    release();
    await Promise.all(deliveries);
    expect(mock.isPaused('t')).toBe(false);
    expect(seen).toEqual(Array.from({ length: HIGH_WATER + 10 }, (_, i) => BigInt(i)));
  });

  test('setPartitions after start: the group owns the new partitions, as after a rebalance', async () => {
    const mock = new MockMultiplexer();
    const r = recorder();
    mock.newBytesConnection('c').consumeTopic(r.handler, 't');
    await mock.start();
    expect(mock.assignment()).toEqual([{ topic: 't', partition: 0 }]);
    mock.setPartitions('t', 2);
    expect(mock.assignment()).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect((await mock.deliver('t', { value: 'v', partition: 1 })).connections).toEqual(['c']);
  });
});

describe('offsets', () => {
  test('the group mark of a partition is the least over the connections consuming the topic', async () => {
    const mock = new MockMultiplexer({ partitions: { t: 2 } });
    const a = mock.newBytesConnection('a');
    const b = mock.newProtoConnection('b');
    const msgs: ConsumerMessage[] = [];
    a.consumeTopic((m) => void msgs.push(m), 't');
    b.consumeTopic(() => {}, 't');
    await mock.start();
    for (let i = 0; i < 6; i++) await mock.deliver('t', { value: `${i}`, partition: 0 });
    a.markOffset(msgs[3]!, 'a-meta');
    expect(mock.marked()).toEqual([]); // b has marked nothing of partition 0 yet
    b.markOffset(msgs[1]!);
    expect(mock.marked()).toEqual([{ topic: 't', partition: 0, offset: 2n, metadata: undefined }]);
    b.markPartitionOffset('t', 0, 5, 'b-meta');
    expect(mock.marked()).toEqual([{ topic: 't', partition: 0, offset: 4n, metadata: 'b-meta' }]);
    expect(mock.marked('a')).toEqual([{ topic: 't', partition: 0, offset: 4n, metadata: 'a-meta' }]);
    expect(mock.marked('b')).toEqual([{ topic: 't', partition: 0, offset: 6n, metadata: 'b-meta' }]);
    a.markOffset({ topic: 't', partition: 0, offset: 2n }); // an older mark does not move back
    expect(mock.marked('a')[0]!.offset).toBe(4n);
    expect(mock.committed()).toEqual([]);
    await a.commitOffsets();
    expect(mock.committed()).toEqual([{ topic: 't', partition: 0, offset: 4n, metadata: 'b-meta' }]);
    // the laggard stops consuming: the others' marks decide
    a.stopConsuming('t');
    expect(mock.marked()).toEqual([{ topic: 't', partition: 0, offset: 6n, metadata: undefined }]);
    await mock.close();
    expect(mock.committed()).toEqual([{ topic: 't', partition: 0, offset: 6n, metadata: undefined }]);
  });

  test('marking a topic the connection does not consume is a MuxUsageError; marks before start() do not reach the group', async () => {
    const mock = new MockMultiplexer();
    const a = mock.newBytesConnection('a');
    a.consumeTopic(() => {}, 't');
    expect(() => a.markOffset({ topic: 'u', partition: 0, offset: 0n })).toThrow(/does not consume topic 'u'/);
    expect(() => a.markPartitionOffset('t', 0, -1)).toThrow(MuxUsageError);
    a.markPartitionOffset('t', 0, 0n);
    expect(mock.marked()).toEqual([]);
    expect(mock.marked('a')).toHaveLength(1);
  });
});

describe('close', () => {
  test('waits for the handler it is in, flushes async sends, then refuses: MuxClosedError, ProducerClosedError', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newBytesConnection('c');
    let handled = false;
    let began!: () => void;
    const handling = new Promise<void>((resolve) => (began = resolve));
    conn.consumeTopic(async () => {
      began();
      await sleep(10);
      handled = true;
    }, 't');
    await mock.start();
    const delivery = mock.deliver('t', { value: 'v' });
    // as the Multiplexer's close: the message a handler is on is finished, one not yet handed to a handler is not
    await handling;
    const onSuccess = jest.fn();
    conn.sendAsyncString('t', null, 'v', undefined, onSuccess);
    await mock.close();
    expect(handled).toBe(true);
    expect(onSuccess).toHaveBeenCalledTimes(1);
    await delivery;
    expect(mock.syncProducer.isClosed()).toBe(true);
    expect(mock.asyncProducer.isClosed()).toBe(true);
    const err = await conn.sendSyncString('t', null, 'v').catch((e: unknown) => e);
    expect((err as ProducerError).cause).toBeInstanceOf(ProducerClosedError);
    const onError = jest.fn();
    conn.sendAsyncString('t', null, 'v', undefined, undefined, onError);
    await mock.flush();
    expect(onError.mock.calls[0][0].cause).toBeInstanceOf(ProducerClosedError);
    expect(() => mock.newBytesConnection('late')).toThrow(MuxClosedError);
    await expect(mock.deliver('t', { value: 'v' })).rejects.toBeInstanceOf(MuxClosedError);
    await expect(mock.start()).rejects.toBeInstanceOf(MuxClosedError);
    expect(mock.assignment()).toEqual([]);
    await mock.close(); // idempotent
  });

  test('a manual subscription made after close is a MuxClosedError', async () => {
    const mock = new MockMultiplexer();
    const m = mock.newBytesManualConnection('m');
    await mock.close();
    await expect(m.consumePartition(() => {}, 't', 0, OffsetOldest)).rejects.toBeInstanceOf(MuxClosedError);
  });
});
