/**
 * Partition consumers (no group) against the real broker: start offsets, order, every codec,
 * incremental fetch sessions (KIP-227) with forgotten partitions, pause/resume, and bounded
 * prefetch.
 */
import { Config, OffsetNewest, OffsetOldest } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage, type PartitionConsumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import type { FetchSession } from '../../src/consumer/fetch-session.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';

const { bootstrap } = brokerAddress();
let admin: Cluster;
let producer: SyncProducer;

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
  producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
});
afterAll(async () => {
  await producer?.close();
  await admin?.close();
});

async function produce(topic: string, partition: number, values: string[]): Promise<void> {
  await Promise.all(values.map((v) => producer.sendMsgToPartition(topic, partition, `k-${v}`, v)));
}

async function take(pc: PartitionConsumer, n: number, timeoutMs = 10_000): Promise<ConsumerMessage[]> {
  const out: ConsumerMessage[] = [];
  const it = pc.messages();
  const deadline = setTimeout(() => pc.close(), timeoutMs);
  try {
    while (out.length < n) {
      const r = await it.next();
      if (r.done) break;
      out.push(r.value);
    }
  } finally {
    clearTimeout(deadline);
  }
  return out;
}

function sessionsOf(consumer: Consumer): Map<number, FetchSession> {
  return (consumer.fetcher as unknown as { sessions: Map<number, FetchSession> }).sessions;
}

test('reads from OffsetOldest, an explicit offset and OffsetNewest, in order', async () => {
  const topic = await createTopic(admin, uniqueTopic('pc'), 2);
  await produce(topic, 1, Array.from({ length: 50 }, (_, i) => `${i}`));
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap] }));
  try {
    const oldest = await consumer.consumePartition(topic, 1, OffsetOldest);
    const got = await take(oldest, 50);
    expect(got.map((m) => m.value!.toString())).toEqual(Array.from({ length: 50 }, (_, i) => `${i}`));
    expect(got.map((m) => m.offset)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    expect(got[3]!.key!.toString()).toBe('k-3');
    expect(oldest.highWaterMarkOffset()).toBe(50n);
    oldest.close();

    const from40 = await consumer.consumePartition(topic, 1, 40n);
    expect((await take(from40, 10)).map((m) => m.offset)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(40 + i)));
    from40.close();

    const newest = await consumer.consumePartition(topic, 1, OffsetNewest);
    const later = take(newest, 3);
    // wait until the newest offset is resolved (ListOffsets), so the next records come after it
    for (let i = 0; i < 200 && (consumer.fetcher.position(topic, 1) ?? -1n) < 0n; i++) await new Promise((r) => setTimeout(r, 25));
    expect(consumer.fetcher.position(topic, 1)).toBe(50n);
    await produce(topic, 1, ['a', 'b', 'c']);
    expect((await later).map((m) => [m.offset, m.value!.toString()])).toEqual([
      [50n, 'a'],
      [51n, 'b'],
      [52n, 'c'],
    ]);
  } finally {
    await consumer.close();
  }
});

test('reads what every codec wrote', async () => {
  const topic = await createTopic(admin, uniqueTopic('pc-codecs'), 1);
  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const p = await SyncProducer.create(new Config({ brokers: [bootstrap], compression }));
    await Promise.all(Array.from({ length: 20 }, (_, i) => p.sendMsgByte(topic, null, `${compression}-${i}`)));
    await p.close();
  }
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap] }));
  try {
    const pc = await consumer.consumePartition(topic, 0, 'oldest');
    const got = (await take(pc, 100)).map((m) => m.value!.toString());
    expect(got).toHaveLength(100);
    for (const c of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) expect(got.filter((v) => v.startsWith(`${c}-`))).toHaveLength(20);
  } finally {
    await consumer.close();
  }
});

test('uses one incremental fetch session per broker and forgets partitions no longer consumed', async () => {
  const topic = await createTopic(admin, uniqueTopic('pc-session'), 3);
  for (let p = 0; p < 3; p++) await produce(topic, p, [`p${p}-0`, `p${p}-1`]);
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], fetchMaxWaitMs: 100 }));
  try {
    const pcs = await Promise.all([0, 1, 2].map((p) => consumer.consumePartition(topic, p, OffsetOldest)));
    for (const pc of pcs) expect(await take(pc, 2)).toHaveLength(2);
    const [session] = [...sessionsOf(consumer).values()];
    expect(session).toBeDefined();
    // the broker created a session and later requests were incremental
    await new Promise((r) => setTimeout(r, 400));
    expect(session!.sessionId).not.toBe(0);
    const epoch = session!.nextEpoch;
    expect(epoch).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(session!.nextEpoch).toBeGreaterThan(epoch); // long polls keep the same session going
    // stop one partition: it leaves the session (ForgottenTopicsData), the others keep flowing
    pcs[1]!.close();
    await new Promise((r) => setTimeout(r, 400));
    await produce(topic, 0, ['p0-2']);
    await produce(topic, 1, ['p1-2']);
    expect((await take(pcs[0]!, 1))[0]!.value!.toString()).toBe('p0-2');
    expect(session!.size).toBe(2);
    expect(sessionsOf(consumer).size).toBe(1);
  } finally {
    await consumer.close();
  }
});

test('a paused partition is not fetched; resumed, it continues where it was', async () => {
  const topic = await createTopic(admin, uniqueTopic('pc-pause'), 1);
  await produce(topic, 0, ['0', '1']);
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], fetchMaxWaitMs: 50 }));
  try {
    const pc = await consumer.consumePartition(topic, 0, OffsetOldest);
    expect((await take(pc, 2)).map((m) => m.offset)).toEqual([0n, 1n]);
    pc.pause();
    await new Promise((r) => setTimeout(r, 200));
    await produce(topic, 0, ['2']);
    await new Promise((r) => setTimeout(r, 300));
    expect(consumer.fetcher.prefetchedBytes).toBe(0); // nothing fetched while paused
    pc.resume();
    expect((await take(pc, 1))[0]!.offset).toBe(2n);
  } finally {
    await consumer.close();
  }
});

test('prefetch is bounded: a slow reader stops fetching instead of buffering without end', async () => {
  const topic = await createTopic(admin, uniqueTopic('pc-bound'), 4);
  const value = 'x'.repeat(10_000);
  for (let p = 0; p < 4; p++) await produce(topic, p, Array.from({ length: 100 }, () => value));
  const prefetchBytes = 64 * 1024;
  const consumer = await Consumer.create(
    new Config({ brokers: [bootstrap], prefetchBytes, maxPartitionFetchBytes: 32 * 1024, fetchMaxBytes: 64 * 1024 }),
  );
  try {
    const pcs = await Promise.all([0, 1, 2, 3].map((p) => consumer.consumePartition(topic, p, OffsetOldest)));
    await new Promise((r) => setTimeout(r, 800)); // nobody reads
    // at most one undelivered fetch per partition, and no new fetch once over the bound
    expect(consumer.fetcher.prefetchedBytes).toBeLessThanOrEqual(prefetchBytes + 4 * 40 * 1024);
    let total = 0;
    for (const pc of pcs) total += (await take(pc, 100)).length;
    expect(total).toBe(400);
  } finally {
    await consumer.close();
  }
});

test('invalid requests fail with typed errors', async () => {
  const topic = await createTopic(admin, uniqueTopic('pc-bad'), 1);
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap] }));
  try {
    await expect(consumer.consumePartition(topic, 5, OffsetOldest)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_PARTITION' });
    await expect(consumer.consumePartition(topic, 0, -7)).rejects.toMatchObject({ code: 'ERR_INVALID_OFFSET' });
    await consumer.consumePartition(topic, 0, OffsetOldest);
    await expect(consumer.consumePartition(topic, 0, OffsetOldest)).rejects.toMatchObject({ code: 'ERR_ALREADY_CONSUMING' });
  } finally {
    await consumer.close();
  }
});
