/**
 * The group consumer when the ground moves under it, against the real broker: a committed
 * offset the log no longer has (OFFSET_OUT_OF_RANGE resets by initialOffset, as Java's
 * auto.offset.reset does), partitions added to a subscribed topic (the group rebalances onto
 * them, classic and KIP-848), and the KIP-848 broker-side assignor chosen by `serverAssignor`.
 */
import { Config, ConfigError, type ConfigOptions } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { ProducerError } from '../../src/producer/errors.js';
import { PartitionerError } from '../../src/producer/errors.js';
import { Admin } from '../../src/client/admin.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { eventually, readMarked, until } from '../helpers/wait.js';

/** Reads `n` messages (marking each) or gives up after `timeoutMs`. */
const read = (c: Consumer, n: number, timeoutMs = 20_000): Promise<ConsumerMessage[]> => readMarked(c, n, timeoutMs);

jest.setTimeout(90_000);
const { bootstrap } = brokerAddress();
let cluster: Cluster;
let admin: Admin;
let producer: SyncProducer;

beforeAll(async () => {
  cluster = await Cluster.connect({ brokers: [bootstrap] });
  admin = await Admin.create({ brokers: [bootstrap] });
  producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
});
afterAll(async () => {
  await producer?.close();
  await admin?.close();
  await cluster?.close();
});

const open: Consumer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => {})));
});

async function consumer(options: ConfigOptions): Promise<Consumer> {
  const c = await Consumer.create(new Config({ brokers: [bootstrap], heartbeatIntervalMs: 300, sessionTimeoutMs: 6000, ...options }));
  open.push(c);
  return c;
}

async function consumer848(options: ConfigOptions): Promise<Consumer> {
  const c = await Consumer.create(new Config({ brokers: [bootstrap], groupProtocol: 'consumer', ...options }));
  open.push(c);
  return c;
}

async function produce(topic: string, partitions: number[], perPartition: number, tag: string): Promise<void> {
  const sends = [];
  for (const p of partitions) {
    for (let i = 0; i < perPartition; i++) sends.push(producer.sendMsgToPartition(topic, p, null, `${tag}-${p}-${i}`));
  }
  await Promise.all(sends);
}

/** Reads `n` messages (marking each) or gives up after `timeoutMs`. */


async function addPartitions(topic: string, count: number): Promise<void> {
  const [grown] = await admin.createPartitions({ [topic]: count });
  expect(grown!.error).toBeNull();
  // the tests produce to the new partitions next: each needs a leader first
  await eventually(
    async () => {
      const [d] = await admin.describeTopics([topic]);
      return d!.error === null && d!.partitions.length === count && d!.partitions.every((p) => p.leader >= 0);
    },
    30_000,
    `${topic}: ${count} partitions, each with a leader`,
  );
}

const values = (ms: ConsumerMessage[]): string[] => ms.map((m) => m.value!.toString()).sort();
const partitionsOf = (c: Consumer): number[] => c.assignment().map((tp) => tp.partition).sort((a, b) => a - b);

describe('a committed offset beyond the log end (OFFSET_OUT_OF_RANGE)', () => {
  // commits offset 1000 on a partition holding 5 records, as a group whose log was truncated would
  async function commitBeyondEnd(topic: string, group: string): Promise<void> {
    const c = await consumer({ group, topics: [topic], initialOffset: 'newest' });
    await until(() => c.assignment().length === 1, 30_000);
    c.markOffset({ topic, partition: 0, offset: 999n });
    await c.commitOffsets();
    await c.close();
  }

  test("initialOffset 'oldest': the member starts again from the log start and reads everything", async () => {
    const topic = await createTopic(cluster, uniqueTopic('oor'), 1);
    const group = uniqueTopic('group-oor');
    await produce(topic, [0], 5, 'a');
    await commitBeyondEnd(topic, group);

    const c = await consumer({ group, topics: [topic], initialOffset: 'oldest' });
    const got = await read(c, 5);
    expect(values(got)).toEqual(['a-0-0', 'a-0-1', 'a-0-2', 'a-0-3', 'a-0-4']);
    expect(got[0]!.offset).toBe(0n);
    // the reset position is committed like any other: a restart does not reset again
    await c.commitOffsets();
    await c.close();
    await produce(topic, [0], 1, 'b');
    const d = await consumer({ group, topics: [topic], initialOffset: 'oldest' });
    expect(values(await read(d, 1))).toEqual(['b-0-0']);
  });

  test("initialOffset 'newest': the member skips to the log end and reads only what comes after", async () => {
    const topic = await createTopic(cluster, uniqueTopic('oor'), 1);
    const group = uniqueTopic('group-oor');
    await produce(topic, [0], 5, 'a');
    await commitBeyondEnd(topic, group);

    const c = await consumer({ group, topics: [topic], initialOffset: 'newest' });
    await until(() => c.assignment().length === 1, 30_000);
    // produce until the member takes something: whenever its reset happened, the first record it
    // gets is one produced after it, never one of the five before the committed offset
    const first = c.messages().next();
    let arrived = false;
    void first.then(() => (arrived = true));
    for (let i = 0; !arrived; i++) {
      await producer.sendMsgToPartition(topic, 0, null, `b-${i}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const m = (await first).value as ConsumerMessage;
    expect(m.value!.toString()).toMatch(/^b-\d+$/);
    expect(m.offset).toBeGreaterThanOrEqual(5n);
  });
});

describe('partitions added to a subscribed topic', () => {
  test('classic: the leader notices the new partition count and the group rebalances onto them', async () => {
    const topic = await createTopic(cluster, uniqueTopic('grow'), 2);
    const group = uniqueTopic('group-grow');
    await produce(topic, [0, 1], 2, 'a');
    const notifications: Array<{ type: string; claimed: Record<string, number[]> }> = [];
    const c = await consumer({ group, topics: [topic], initialOffset: 'oldest', metadataMaxAgeMs: 1_000 });
    c.on('notification', (n) => notifications.push(n));
    expect(values(await read(c, 4))).toEqual(['a-0-0', 'a-0-1', 'a-1-0', 'a-1-1']);
    expect(partitionsOf(c)).toEqual([0, 1]);

    await addPartitions(topic, 4);
    // the producer sees the new partitions on its own metadata refresh; address them directly
    await produce(topic, [2, 3], 2, 'b');
    await until(() => partitionsOf(c).length === 4, 30_000);
    expect(partitionsOf(c)).toEqual([0, 1, 2, 3]);
    // nothing written to the new partitions before the assignment is skipped: they start at the
    // log start (no committed offset, initialOffset oldest)
    expect(values(await read(c, 4))).toEqual(['b-2-0', 'b-2-1', 'b-3-0', 'b-3-1']);
    const ok = notifications.filter((n) => n.type === 'ok');
    expect(ok.some((n) => (n.claimed[topic] ?? []).includes(2) && (n.claimed[topic] ?? []).includes(3))).toBe(true);
  });

  test("a send to a partition the producer's metadata lacks waits for it (Java's waitOnMetadata), up to maxBlockMs", async () => {
    const topic = await createTopic(cluster, uniqueTopic('grow-send'), 1);
    const p = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1, maxBlockMs: 20_000 }));
    try {
      await p.sendMsgToPartition(topic, 0, null, 'x'); // the producer now caches 1 partition
      const pending = p.sendMsgToPartition(topic, 1, null, 'y');
      await addPartitions(topic, 2);
      await expect(pending).resolves.toMatchObject({ partition: 1, offset: 0n });
    } finally {
      await p.close();
    }
    const q = await SyncProducer.create(new Config({ brokers: [bootstrap], maxBlockMs: 1_000 }));
    try {
      const started = Date.now();
      const err = await q.sendMsgToPartition(topic, 5, null, 'z').then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(ProducerError);
      expect(err!.cause).toBeInstanceOf(PartitionerError);
      expect(err!.message).toMatch(/partition 5 is not a partition of topic .* which has 2 partition/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await q.close();
    }
  });

  test('KIP-848: the broker assigns the new partitions to the members', async () => {
    const topic = await createTopic(cluster, uniqueTopic('grow848'), 2);
    const group = uniqueTopic('group-grow848');
    await produce(topic, [0, 1], 1, 'a');
    const c = await consumer848({ group, topics: [topic], initialOffset: 'oldest' });
    expect(values(await read(c, 2))).toEqual(['a-0-0', 'a-1-0']);
    await addPartitions(topic, 3);
    await produce(topic, [2], 2, 'b');
    await until(() => partitionsOf(c).length === 3, 30_000);
    expect(values(await read(c, 2))).toEqual(['b-2-0', 'b-2-1']);
  });
});

describe("KIP-848 serverAssignor (Java's group.remote.assignor)", () => {
  test("'range' co-partitions: each member gets the same partition of both topics (uniform does not)", async () => {
    // with two topics of three partitions and three members, the broker's range assignor gives
    // every member partition i of both topics; its uniform assignor spreads the six partitions
    // without regard to the number (seen here as {A0,A1} {B0,B1} {A2,B2})
    const a = await createTopic(cluster, uniqueTopic('assignor848a'), 3);
    const b = await createTopic(cluster, uniqueTopic('assignor848b'), 3);
    const group = uniqueTopic('group-assignor848');
    const members: Consumer[] = [];
    for (let i = 0; i < 3; i++) members.push(await consumer848({ group, topics: [a, b], serverAssignor: 'range' }));
    await until(() => members.every((m) => m.assignment().length === 2), 30_000);
    for (const m of members) {
      const [x, y] = m.assignment().sort((p, q) => p.topic.localeCompare(q.topic));
      expect([x!.topic, y!.topic]).toEqual([a, b].sort());
      expect(x!.partition).toBe(y!.partition);
    }
    expect(members.map((m) => m.assignment()[0]!.partition).sort()).toEqual([0, 1, 2]);
  });

  test('serverAssignor is refused with the classic protocol and for unknown names', () => {
    expect(() => new Config({ group: 'g', topics: ['t'], serverAssignor: 'range' })).toThrow(ConfigError);
    expect(() => new Config({ group: 'g', topics: ['t'], serverAssignor: 'range' })).toThrow(/serverAssignor.*groupProtocol 'consumer'/);
    expect(() => new Config({ group: 'g', topics: ['t'], groupProtocol: 'consumer', serverAssignor: 'sticky' as never })).toThrow(
      /serverAssignor.*'uniform'.*'range'/,
    );
    expect(new Config({ group: 'g', topics: ['t'], groupProtocol: 'consumer', serverAssignor: 'uniform' }).serverAssignor).toBe('uniform');
  });
});
