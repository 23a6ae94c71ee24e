// Mixed groups: KafkaJS 2.2.4 consumers (the real module, a dev dependency) and
// kafkaesque/kafkajs consumers in one group on one topic, and producers of both on one topic.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from '../../src/kafkajs/index';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { until } from '../helpers/wait';

const requireRoot = createRequire(join(__dirname, '../../package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajs = requireRoot('kafkajs') as { Kafka: typeof Kafka; logLevel: typeof logLevel; Partitioners: typeof Partitioners };

const { bootstrap } = brokerAddress();
const ours = new Kafka({ clientId: 'kjs-mixed-ours', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const theirs = new kafkajs.Kafka({ clientId: 'kjs-mixed-kafkajs', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
const admin = ours.admin();
const producer = ours.producer();

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

type Seen = { who: string; partition: number; offset: number; value: string };

test('a KafkaJS consumer and a kafkaesque/kafkajs consumer split the partitions of one group; every message is consumed once', async () => {
  const topic = uniqueTopic('kjs-mixed');
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
  const groupId = uniqueTopic('kjs-mixed-g');
  const seen: Seen[] = [];
  const a = ours.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 20_000 });
  const b = theirs.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 20_000 });
  try {
    await a.subscribe({ topic, fromBeginning: true });
    await b.connect();
    await b.subscribe({ topic, fromBeginning: true });
    const joined = { a: 0, b: 0 };
    a.on(a.events.GROUP_JOIN, () => joined.a++);
    b.on(b.events.GROUP_JOIN, () => joined.b++);
    await a.run({ eachMessage: async ({ partition, message }) => void seen.push({ who: 'kafkaesque', partition, offset: Number(message.offset), value: message.value!.toString() }) });
    await b.run({ eachMessage: async ({ partition, message }) => void seen.push({ who: 'kafkajs', partition, offset: Number(message.offset), value: message.value!.toString() }) });
    await until(() => joined.b > 0, 60_000, 'both members in the group');
    const total = 600;
    await producer.send({ topic, messages: Array.from({ length: total }, (_, i) => ({ key: `key-${i}`, value: `m${i}` })) });
    await until(() => new Set(seen.map((s) => s.value)).size >= total, 60_000, '600 messages');
    await new Promise((r) => setTimeout(r, 500));
    const byValue = new Map<string, number>();
    for (const s of seen) byValue.set(s.value, (byValue.get(s.value) ?? 0) + 1);
    // once each, unless a rebalance moved a partition after delivery and before commit
    expect(byValue.size).toBe(total);
    const partsOf = (who: string): number[] => [...new Set(seen.filter((s) => s.who === who).map((s) => s.partition))].sort();
    const mine = partsOf('kafkaesque');
    const kjs = partsOf('kafkajs');
    expect(mine.length).toBeGreaterThan(0);
    expect(kjs.length).toBeGreaterThan(0);
    expect([...mine, ...kjs].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(mine.filter((p) => kjs.includes(p))).toEqual([]);
    expect([...byValue.values()].every((n) => n === 1)).toBe(true);
    const group = (await admin.describeGroups([groupId])).groups[0];
    expect(group.protocol).toBe('RoundRobinAssigner');
    expect(group.members).toHaveLength(2);
  } finally {
    await b.disconnect();
    await a.disconnect();
  }
}, 120_000);

/** Consumes until `count` messages were seen, then disconnects (which commits, in both clients). */
async function consumeAll(client: 'ours' | 'kafkajs', groupId: string, topic: string, count: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  const c = client === 'ours' ? ours.consumer({ groupId }) : theirs.consumer({ groupId });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await c.run({ eachMessage: async ({ partition, message }) => void seen.push({ who: client, partition, offset: Number(message.offset), value: message.value!.toString() }) });
  await until(() => seen.length >= count, 60_000, `${count} messages`);
  await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
  await c.disconnect();
  return seen;
}

test.each([
  ['ours', 'kafkajs'],
  ['kafkajs', 'ours'],
] as const)('offsets committed by a %s consumer are where a %s consumer of the group continues', async (first, second) => {
  const topic = uniqueTopic('kjs-handover');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await producer.send({ topic, messages: Array.from({ length: 8 }, (_, i) => ({ value: `m${i}` })) });
  const groupId = uniqueTopic('kjs-handover-g');
  const one = await consumeAll(first, groupId, topic, 8);
  expect(one.map((s) => s.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset;
  expect(committed).toBe('8');
  await producer.send({ topic, messages: Array.from({ length: 12 }, (_, i) => ({ value: `m${i + 8}` })) });
  const two = await consumeAll(second, groupId, topic, 12);
  expect(two.map((s) => s.offset)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset).toBe('20');
}, 120_000);

test.each([['DefaultPartitioner'], ['LegacyPartitioner']] as const)(
  'producers of both put the same keys on the same partitions (%s)',
  async (name) => {
    const topic = uniqueTopic('kjs-keys');
    await admin.createTopics({ topics: [{ topic, numPartitions: 12 }] });
    const mine = ours.producer({ createPartitioner: Partitioners[name] });
    const theirProducer = theirs.producer({ createPartitioner: kafkajs.Partitioners[name] });
    await mine.connect();
    await theirProducer.connect();
    const keys = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? `ключ-${i}-😀` : Buffer.from([i & 255, (i * 7) & 255, 0, i % 5]).toString('latin1')));
    try {
      await mine.send({ topic, messages: keys.map((key) => ({ key, value: 'ours' })) });
      await theirProducer.send({ topic, messages: keys.map((key) => ({ key, value: 'kafkajs' })) });
    } finally {
      await mine.disconnect();
      await theirProducer.disconnect();
    }
    const where = new Map<string, Map<string, number>>([
      ['ours', new Map()],
      ['kafkajs', new Map()],
    ]);
    const c = ours.consumer({ groupId: uniqueTopic('kjs-keys-g') });
    await c.subscribe({ topic, fromBeginning: true });
    let n = 0;
    await c.run({
      eachMessage: async ({ partition, message }) => {
        where.get(message.value!.toString())!.set(message.key!.toString('hex'), partition);
        n++;
      },
    });
    await until(() => n >= 600, 60_000, '600 messages');
    await c.disconnect();
    const a = where.get('ours')!;
    const b = where.get('kafkajs')!;
    expect(a.size).toBe(300);
    expect([...a].filter(([k, p]) => b.get(k) !== p)).toEqual([]);
    expect(new Set(a.values()).size).toBeGreaterThan(8); // spread over the partitions, not one
  },
  60_000,
);
