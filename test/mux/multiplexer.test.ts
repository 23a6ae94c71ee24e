/**
 * The Multiplexer against the real broker: connections sharing one set of producers and one
 * group, fan-out to every subscriber, stop and restart, offsets surviving a restart, manual
 * partition consumption, backpressure, and a restart under load.
 */
import { Config, OffsetNewest, OffsetOldest, type ConfigOptions } from '../../src/client/config.js';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { MuxStartedError } from '../../src/mux/errors.js';
import { HIGH_WATER, Multiplexer } from '../../src/mux/multiplexer.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
let admin: Cluster;
const open: Multiplexer[] = [];

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  await Promise.all(open.map((m) => m.close().catch(() => {})));
  await admin?.close();
});

function config(extra: ConfigOptions = {}): Config {
  return new Config({
    brokers: [bootstrap],
    initialOffset: 'oldest',
    heartbeatIntervalMs: 300,
    sessionTimeoutMs: 6000,
    autoCommitIntervalMs: 200,
    lingerMs: 1,
    ...extra,
  });
}

async function mux(name: string, groupId?: string): Promise<Multiplexer> {
  const m = await Multiplexer.fromConfig(config(), name, groupId ? { groupId } : {});
  open.push(m);
  return m;
}


const values = (ms: ConsumerMessage[]): string[] => ms.map((m) => m.value!.toString());
const range = (n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

test('three connections share one Multiplexer, each producing and consuming its own topic', async () => {
  const topics = await Promise.all([0, 1, 2].map((i) => createTopic(admin, uniqueTopic(`mux3-${i}`), 2)));
  const mx = await mux(uniqueTopic('mux3'));
  const got: ConsumerMessage[][] = [[], [], []];
  const conns = topics.map((t, i) => {
    const c = mx.newBytesConnection(`conn-${i}`);
    c.consumeTopic((m) => {
      got[i]!.push(m);
      c.markOffset(m);
    }, t);
    return c;
  });
  await mx.start();
  expect(() => conns[0]!.consumeTopic(() => {}, 'another')).toThrow(MuxStartedError);

  // each connection produces differently: sync byte/string, async with callbacks, publishers
  const acks: Array<{ partition: number; offset: bigint }> = [];
  acks.push(await conns[0]!.sendSyncString(topics[0]!, 'k', 'c0-0'));
  acks.push(await conns[0]!.sendSyncByte(topics[0]!, 'k', Buffer.from('c0-1')));
  acks.push(await conns[0]!.newSyncPublisher(topics[0]!).put('k', 'c0-2'));
  expect(acks.every((a) => a.offset >= 0n && (a.partition === 0 || a.partition === 1))).toBe(true);

  const succeeded: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    await conns[1]!.sendAsyncString(topics[1]!, null, `c1-${i}`, { n: i }, (m) => succeeded.push(m.metadata), (e) => { throw e; });
  }
  const pub = conns[2]!.newAsyncPublisher(topics[2]!, (m) => succeeded.push(m.metadata));
  for (let i = 0; i < 3; i++) await pub.put(`k${i}`, `c2-${i}`, `p${i}`);

  await until(() => got.every((g) => g.length >= 3), 30_000, 'every connection got its messages');
  expect(values(got[0]!).sort()).toEqual(range(3, 'c0'));
  expect(values(got[1]!).sort()).toEqual(range(3, 'c1'));
  expect(values(got[2]!).sort()).toEqual(range(3, 'c2'));
  await until(() => succeeded.length === 6);
  expect(succeeded).toEqual(expect.arrayContaining([{ n: 0 }, { n: 1 }, { n: 2 }, 'p0', 'p1', 'p2']));
  await mx.close();
});

test('two connections on one topic both receive every message; offsets commit at the slower mark', async () => {
  const topic = await createTopic(admin, uniqueTopic('fan'), 1);
  const group = uniqueTopic('fan-group');
  const mx = await mux('fan', group);
  const a: ConsumerMessage[] = [];
  const b: ConsumerMessage[] = [];
  const ca = mx.newBytesConnection('a');
  const cb = mx.newBytesConnection('b');
  ca.consumeTopic((m) => {
    a.push(m);
    ca.markOffset(m);
  }, topic);
  // b marks only its first 5 messages
  cb.consumeTopic((m) => {
    b.push(m);
    if (m.offset < 5n) cb.markOffset(m);
  }, topic);
  await mx.start();
  for (const v of range(10, 'm')) await ca.sendSyncString(topic, null, v);
  await until(() => a.length === 10 && b.length === 10);
  expect(values(a)).toEqual(range(10, 'm'));
  expect(values(b)).toEqual(range(10, 'm'));
  await mx.close();

  // the group committed offset 5 (b's mark): a restarted Multiplexer starts there
  const again = await mux('fan', group);
  const c: ConsumerMessage[] = [];
  again.newBytesConnection('a').consumeTopic((m) => void c.push(m), topic);
  await again.start();
  await until(() => c.length === 5);
  expect(c.map((m) => m.offset)).toEqual([5n, 6n, 7n, 8n, 9n]);
  await again.close();
});

test('stopConsuming stops delivery; a restarted Multiplexer continues from the marked offsets', async () => {
  const topic = await createTopic(admin, uniqueTopic('stop'), 2);
  const group = uniqueTopic('stop-group');
  const mx = await mux('stopper', group);
  const got: ConsumerMessage[] = [];
  const conn = mx.newBytesConnection('c');
  conn.consumeTopic((m) => {
    got.push(m);
    conn.markOffset(m, 'seen');
  }, topic);
  await mx.start();
  for (const v of range(6, 'before')) await conn.sendSyncStringToPartition(topic, 0, null, v);
  await until(() => got.length === 6);
  await conn.commitOffsets();
  conn.stopConsuming(topic);
  expect(mx.isPaused(topic)).toBe(true);
  for (const v of range(4, 'after')) await conn.sendSyncStringToPartition(topic, 0, null, v);
  await new Promise((r) => setTimeout(r, 1500));
  expect(values(got)).toEqual(range(6, 'before'));
  await mx.close();

  const restarted = await mux('stopper', group);
  const more: ConsumerMessage[] = [];
  const c2 = restarted.newBytesConnection('c');
  c2.consumeTopic((m) => {
    more.push(m);
    c2.markOffset(m);
  }, topic);
  await restarted.start();
  await until(() => more.length === 4);
  expect(values(more)).toEqual(range(4, 'after'));
  await restarted.close();
});

test('manual connections consume a partition from oldest, newest and an explicit offset, before and after start', async () => {
  const topic = await createTopic(admin, uniqueTopic('manual'), 2);
  const mx = await mux(uniqueTopic('manual'));
  const conn = mx.newBytesManualConnection('m');
  for (const v of range(10, 'old')) await conn.sendSyncStringToPartition(topic, 1, 'k', v);
  const oldest: ConsumerMessage[] = [];
  const explicit: ConsumerMessage[] = [];
  const newest: ConsumerMessage[] = [];
  await conn.consumePartition((m) => void oldest.push(m), topic, 1, OffsetOldest); // before start
  await mx.start();
  await until(() => oldest.length === 10);
  expect(values(oldest)).toEqual(range(10, 'old'));
  conn.stopConsumingPartition(topic, 1, OffsetOldest);

  await conn.consumePartition((m) => void explicit.push(m), topic, 1, 7); // after start
  await until(() => explicit.length === 3);
  expect(explicit.map((m) => m.offset)).toEqual([7n, 8n, 9n]);
  conn.stopConsumingPartition(topic, 1, 7);

  await conn.consumePartition((m) => void newest.push(m), topic, 1, OffsetNewest);
  // the newest offset is resolved asynchronously: send until the consumer sees a new message
  for (let i = 0; newest.length === 0 && i < 60; i++) {
    await conn.sendSyncStringToPartition(topic, 1, 'k', `new-${i}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await until(() => newest.length >= 1);
  expect(newest[0]!.offset).toBeGreaterThanOrEqual(10n);
  expect(newest.every((m) => m.value!.toString().startsWith('new-'))).toBe(true);
  await expect(conn.consumePartition(() => {}, topic, 1, OffsetOldest)).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMING' });
  await mx.close();
});

test('stopConsumingPartition stops only the subscription started from the offset it names', async () => {
  const topic = await createTopic(admin, uniqueTopic('stop-offset'), 1);
  const mx = await mux(uniqueTopic('stop-offset'));
  const conn = mx.newBytesManualConnection('m');
  const other = mx.newBytesManualConnection('other');
  for (const v of range(10, 'old')) await conn.sendSyncStringToPartition(topic, 0, 'k', v);
  await mx.start();
  const got: ConsumerMessage[] = [];
  await conn.consumePartition((m) => void got.push(m), topic, 0, 7);
  await until(() => got.length === 3);
  expect(got.map((m) => m.offset)).toEqual([7n, 8n, 9n]);

  // another start offset, another connection: not this subscription; nothing stops
  const thrown = (fn: () => void): unknown => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const wrongStart = thrown(() => conn.stopConsumingPartition(topic, 0, OffsetOldest));
  expect(wrongStart).toMatchObject({ code: 'ERR_MUX_NOT_CONSUMING' });
  expect((wrongStart as Error).message).toMatch(/from OffsetOldest \(it is consumed from offset 7\)/);
  expect(thrown(() => conn.stopConsumingPartition(topic, 0, 8))).toMatchObject({ code: 'ERR_MUX_NOT_CONSUMING' });
  expect(thrown(() => other.stopConsumingPartition(topic, 0, 7))).toMatchObject({ code: 'ERR_MUX_NOT_CONSUMING' });
  await conn.sendSyncStringToPartition(topic, 0, 'k', 'still-consumed');
  await until(() => got.length === 4, 20_000, 'the subscription still delivering');
  expect(got[3]!.value!.toString()).toBe('still-consumed');

  // the start offset it was made with (7n is 7) stops it: later messages are not delivered
  conn.stopConsumingPartition(topic, 0, 7n);
  await conn.sendSyncStringToPartition(topic, 0, 'k', 'after-stop');
  await new Promise((r) => setTimeout(r, 1000));
  expect(got).toHaveLength(4);
  expect(thrown(() => conn.stopConsumingPartition(topic, 0, 7))).toMatchObject({ code: 'ERR_MUX_NOT_CONSUMING' });

  // the partition is free again; 'oldest' and OffsetOldest name the same start
  const again: ConsumerMessage[] = [];
  await conn.consumePartition((m) => void again.push(m), topic, 0, 'oldest');
  await until(() => again.length === 12);
  expect(again[11]!.value!.toString()).toBe('after-stop');
  conn.stopConsumingPartition(topic, 0, OffsetOldest);
  await mx.close();
});

test('a partition consumed through a manual connection is not also delivered through the group', async () => {
  const topic = await createTopic(admin, uniqueTopic('excl'), 2);
  const mx = await mux(uniqueTopic('excl'));
  const viaGroup: ConsumerMessage[] = [];
  const viaManual: ConsumerMessage[] = [];
  mx.newBytesConnection('g').consumeTopic((m) => void viaGroup.push(m), topic);
  const manual = mx.newBytesManualConnection('m');
  await manual.consumePartition((m) => void viaManual.push(m), topic, 0, OffsetOldest);
  await mx.start();
  for (let i = 0; i < 5; i++) {
    await manual.sendSyncStringToPartition(topic, 0, null, `p0-${i}`);
    await manual.sendSyncStringToPartition(topic, 1, null, `p1-${i}`);
  }
  await until(() => viaGroup.length === 5 && viaManual.length === 5);
  await new Promise((r) => setTimeout(r, 500));
  expect(values(viaManual)).toEqual(range(5, 'p0'));
  expect(values(viaGroup)).toEqual(range(5, 'p1'));
  await mx.close();
});

test('a slow handler backpressures its own topic only, and nothing is dropped', async () => {
  const [slowTopic, fastTopic] = await Promise.all([createTopic(admin, uniqueTopic('slow'), 1), createTopic(admin, uniqueTopic('fast'), 1)]);
  const mx = await mux(uniqueTopic('bp'));
  const producer = mx.newBytesConnection('producer');
  const n = HIGH_WATER * 2 + 200;
  for (let i = 0; i < n; i++) await producer.sendAsyncString(slowTopic, null, `s-${i}`);
  await mx.asyncProducer.flush();

  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: ConsumerMessage[] = [];
  const fast: ConsumerMessage[] = [];
  mx.newBytesConnection('slow').consumeTopic(async (m) => {
    await gate;
    slow.push(m);
  }, slowTopic);
  mx.newBytesConnection('fast').consumeTopic((m) => void fast.push(m), fastTopic);
  await mx.start();
  await until(() => mx.isPaused(slowTopic), 20_000, 'slow topic paused');
  for (const v of range(20, 'f')) await producer.sendSyncString(fastTopic, null, v);
  await until(() => fast.length === 20, 20_000, 'fast topic delivered while the slow one is stuck');
  expect(slow.length).toBe(0);
  release();
  await until(() => slow.length === n, 30_000, 'every slow message handled');
  expect(values(slow)).toEqual(range(n, 's'));
  expect(mx.isPaused(slowTopic)).toBe(false);
  await mx.close();
});

test('a Multiplexer restarted under load loses nothing that was acknowledged', async () => {
  const topic = await createTopic(admin, uniqueTopic('load'), 3);
  const group = uniqueTopic('load-group');
  const writer = await mux(uniqueTopic('writer'));
  const out = writer.newBytesConnection('out');
  const acked = new Set<string>();
  let producing = true;
  const produced = (async () => {
    let i = 0;
    while (producing) {
      const batch = [];
      for (let j = 0; j < 20; j++, i++) {
        const v = `v-${i}`;
        batch.push(out.sendSyncString(topic, `k${i}`, v).then(() => acked.add(v)));
      }
      await Promise.all(batch);
    }
  })();

  const seen = new Set<string>();
  const runConsumer = async (): Promise<Multiplexer> => {
    const m = await mux('loader', group);
    const c = m.newBytesConnection('in');
    c.consumeTopic(async (msg) => {
      if (Math.random() < 0.05) await new Promise((r) => setTimeout(r, 1));
      seen.add(msg.value!.toString());
      c.markOffset(msg);
    }, topic);
    await m.start();
    return m;
  };
  const first = await runConsumer();
  await until(() => seen.size > 200, 20_000, 'first consumer progressing');
  await first.close();
  const second = await runConsumer();
  await until(() => seen.size > acked.size * 0.8 && acked.size > 600, 20_000, 'second consumer progressing');
  producing = false;
  await produced;
  await until(() => [...acked].every((v) => seen.has(v)), 20_000, 'every acknowledged message seen');
  await second.close();
  await writer.close();
});
