/**
 * Consumer.batches() against the real broker: every record once, in offset order per partition,
 * one partition's fetch per batch with its high watermark; a seek while a batch is held makes it
 * stale and the next batch starts at the new position; it and messages() are exclusive of
 * 'message' events; the heartbeat event and groupJoin() report the member.
 */
import { Config } from '../../src/client/config.js';
import { Consumer, type ConsumerBatch } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';

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

async function filled(partitions: number, perPartition: number): Promise<string> {
  const topic = await createTopic(admin, uniqueTopic('batches'), partitions);
  const sends = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) sends.push(producer.sendMsgToPartition(topic, p, `k${i}`, `p${p}-${i}`));
  await Promise.all(sends);
  return topic;
}

const groupConsumer = (topic: string, extra: Record<string, unknown> = {}): Promise<Consumer> =>
  Consumer.create(new Config({ brokers: [bootstrap], group: uniqueTopic('batches-g'), topics: [topic], initialOffset: 'oldest', heartbeatIntervalMs: 300, ...extra }));

test('every record once, in offset order per partition; each batch one partition with its high watermark', async () => {
  const topic = await filled(3, 200);
  const c = await groupConsumer(topic);
  const got = new Map<number, bigint[]>();
  const batches: ConsumerBatch[] = [];
  try {
    for await (const b of c.batches()) {
      batches.push(b);
      expect(b.messages.length).toBeGreaterThan(0);
      for (const m of b.messages) {
        expect([m.topic, m.partition]).toEqual([b.topic, b.partition]);
        (got.get(m.partition) ?? got.set(m.partition, []).get(m.partition)!).push(m.offset);
      }
      c.markOffset(b.messages[b.messages.length - 1]!);
      if ([...got.values()].reduce((n, l) => n + l.length, 0) >= 600) break;
    }
    for (const p of [0, 1, 2]) expect(got.get(p)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
    expect(batches.every((b) => b.highWatermark === 200n && !b.stale)).toBe(true);
    expect(c.metrics().consumer.recordsReceived).toBe(600);
    await c.commitOffsets();
    expect(c.metrics().consumer.partitions.map((p) => p.committed)).toEqual([200, 200, 200]);
  } finally {
    await c.close();
  }
});

test('a seek while a batch is held: the batch turns stale, the next one starts at the new position', async () => {
  const topic = await filled(1, 50);
  const c = await groupConsumer(topic);
  try {
    const it = c.batches()[Symbol.asyncIterator]();
    const first = (await it.next()).value as ConsumerBatch;
    expect(first.messages[0]!.offset).toBe(0n);
    expect(first.stale).toBe(false);
    c.seek(topic, 0, 7n);
    expect(first.stale).toBe(true);
    const next = (await it.next()).value as ConsumerBatch;
    expect(next.messages[0]!.offset).toBe(7n);
    expect(next.stale).toBe(false);
    await it.return?.(undefined);
  } finally {
    await c.close();
  }
});

test("batches() and 'message' events exclude each other; groupJoin() and 'heartbeat' report the member", async () => {
  const topic = await filled(1, 1);
  const c = await groupConsumer(topic);
  try {
    const beats: { groupId: string; memberId: string; generationId: number }[] = [];
    c.on('heartbeat', (m) => beats.push(m));
    await until(() => beats.length >= 1, 10_000, 'a heartbeat');
    expect(beats[0]).toMatchObject({ groupId: c.groupMetadata().groupId, memberId: c.groupMetadata().memberId, generationId: c.groupMetadata().generationId });
    expect(c.groupJoin()).toEqual({ leaderId: c.groupMetadata().memberId, isLeader: true, protocol: 'range' });
    c.on('message', () => {});
    await until(() => c.metrics().consumer.recordsReceived >= 1, 10_000, 'the message event');
    await expect(c.batches().next()).rejects.toMatchObject({ code: 'ERR_CONSUMER_BUSY' });
  } finally {
    await c.close();
  }
});
