/**
 * The group consumer against the real broker (classic protocol): partitions spread over the
 * live members, rebalances reported, offsets committed so a restarted consumer continues where
 * the group left off, cooperative rebalancing, heartbeats independent of the handler, and a
 * stuck member leaving after maxPollIntervalMs.
 */
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import type { TopicPartition } from '../../src/consumer/assignors/index.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { readMarked, until } from '../helpers/wait.js';

/** Reads `n` messages (marking each) or gives up after `timeoutMs`. */
const read = (c: Consumer, n: number, timeoutMs = 15_000): Promise<ConsumerMessage[]> => readMarked(c, n, timeoutMs);

jest.setTimeout(60_000);
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

function groupConfig(topic: string, group: string, extra: ConfigOptions = {}): Config {
  return new Config({
    brokers: [bootstrap],
    group,
    topics: [topic],
    initialOffset: 'oldest',
    heartbeatIntervalMs: 300,
    sessionTimeoutMs: 6000,
    ...extra,
  });
}

async function produceAll(topic: string, partitions: number, perPartition: number, tag: string): Promise<void> {
  const sends = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) sends.push(producer.sendMsgToPartition(topic, p, null, `${tag}-${p}-${i}`));
  }
  await Promise.all(sends);
}

/** Reads `n` messages (marking each) or gives up after `timeoutMs`. */

const sortTp = (tps: TopicPartition[]): number[] => tps.map((t) => t.partition).sort((a, b) => a - b);


test('one member consumes every partition and a restart continues from the committed offsets', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp'), 3);
  const group = uniqueTopic('group');
  await produceAll(topic, 3, 10, 'a');
  const first = await Consumer.create(groupConfig(topic, group));
  expect(sortTp(first.assignment())).toEqual([0, 1, 2]);
  const got = await read(first, 30);
  expect(got).toHaveLength(30);
  for (let p = 0; p < 3; p++) {
    expect(got.filter((m) => m.partition === p).map((m) => m.value!.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `a-${p}-${i}`),
    );
  }
  await first.commitOffsets();
  await first.close();

  await produceAll(topic, 3, 2, 'b');
  const second = await Consumer.create(groupConfig(topic, group));
  const more = await read(second, 6);
  expect(more.map((m) => m.value!.toString()).sort()).toEqual(['b-0-0', 'b-0-1', 'b-1-0', 'b-1-1', 'b-2-0', 'b-2-1']);
  expect(await read(second, 1, 1000)).toEqual([]); // nothing read twice
  await second.close();
});

test('marked but uncommitted offsets are committed on close (auto-commit)', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-close'), 1);
  const group = uniqueTopic('group');
  await produceAll(topic, 1, 5, 'x');
  const c1 = await Consumer.create(groupConfig(topic, group, { autoCommitIntervalMs: 60_000 }));
  expect(await read(c1, 3)).toHaveLength(3);
  await c1.close(); // commits offset 3
  const c2 = await Consumer.create(groupConfig(topic, group));
  expect((await read(c2, 2)).map((m) => m.offset)).toEqual([3n, 4n]);
  await c2.close();
});

test('eager (range): partitions spread over two members, and move to the survivor when one leaves', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-range'), 4);
  const group = uniqueTopic('group');
  const a = await Consumer.create(groupConfig(topic, group, { assignors: ['range'] }));
  expect(sortTp(a.assignment())).toEqual([0, 1, 2, 3]);
  const b = await Consumer.create(groupConfig(topic, group, { assignors: ['range'] }));
  // a learns of the rebalance through its heartbeat and rejoins
  await until(() => a.assignment().length === 2 && b.assignment().length === 2);
  expect([...sortTp(a.assignment()), ...sortTp(b.assignment())].sort()).toEqual([0, 1, 2, 3]);
  const assigned: TopicPartition[][] = [];
  a.on('assigned', (p) => assigned.push(p));
  await b.close(); // LeaveGroup: a gets everything, well before b's session would time out
  await until(() => a.assignment().length === 4, 4000);
  expect(assigned.length).toBeGreaterThan(0);
  await produceAll(topic, 4, 1, 'c');
  expect((await read(a, 4)).map((m) => m.partition).sort()).toEqual([0, 1, 2, 3]);
  await a.close();
});

test('cooperative-sticky: partitions that stay are never revoked when a member joins (KIP-429)', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-coop'), 4);
  const group = uniqueTopic('group');
  const cfg = { assignors: ['cooperative-sticky'] as Array<'cooperative-sticky'> };
  const a = await Consumer.create(groupConfig(topic, group, cfg));
  expect(sortTp(a.assignment())).toEqual([0, 1, 2, 3]);
  const revoked: TopicPartition[][] = [];
  a.on('revoked', (p) => revoked.push(p));
  const b = await Consumer.create(groupConfig(topic, group, cfg));
  await until(() => a.assignment().length === 2 && b.assignment().length === 2);
  // a gave up exactly the two partitions b now owns, nothing else
  expect(revoked.flat().map((t) => t.partition).sort()).toEqual(sortTp(b.assignment()));
  // a's remaining partitions kept flowing: produce and read them
  await produceAll(topic, 4, 1, 'd');
  const mine = sortTp(a.assignment());
  expect((await read(a, 2)).map((m) => m.partition).sort()).toEqual(mine);
  await b.close();
  await a.close();
});

test('heartbeats run on their own timer: a consumer idle longer than the session timeout stays in the group', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-idle'), 2);
  const group = uniqueTopic('group');
  const c = await Consumer.create(groupConfig(topic, group, { maxPollIntervalMs: 30_000 }));
  const revoked = jest.fn();
  c.on('revoked', revoked);
  const before = sortTp(c.assignment());
  await new Promise((r) => setTimeout(r, 7500)); // > sessionTimeoutMs (6 s), nobody takes messages
  expect(revoked).not.toHaveBeenCalled();
  expect(sortTp(c.assignment())).toEqual(before);
  await c.close();
});

test('group requests have their own connection: a fetch parked for fetchMaxWaitMs never holds back a heartbeat or a join', async () => {
  // A broker answers one connection's requests in order. With the fetch parked for 10 s on an
  // empty topic, a heartbeat or JoinGroup sent on the same socket would wait up to 10 s (past
  // the 6 s session timeout): the rebalance below finishes well before the fetch would return.
  const topic = await createTopic(admin, uniqueTopic('grp-lane'), 2);
  const group = uniqueTopic('group');
  const slowFetch = { fetchMaxWaitMs: 10_000, maxPollIntervalMs: 60_000 };
  const a = await Consumer.create(groupConfig(topic, group, slowFetch));
  let b: Consumer | undefined;
  try {
    await new Promise((r) => setTimeout(r, 500)); // a's first fetch is now parked at the broker
    const started = Date.now();
    b = await Consumer.create(groupConfig(topic, group, slowFetch));
    await until(() => a.assignment().length === 1 && b!.assignment().length === 1, 9_000);
    expect(Date.now() - started).toBeLessThan(9_000);
  } finally {
    await b?.close();
    await a.close();
  }
});

test('a member that stops taking messages leaves after maxPollIntervalMs; the others take over', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-stuck'), 2);
  const group = uniqueTopic('group');
  const stuck = await Consumer.create(groupConfig(topic, group, { maxPollIntervalMs: 2000, assignors: ['range'] }));
  const healthy = await Consumer.create(groupConfig(topic, group, { maxPollIntervalMs: 30_000, assignors: ['range'] }));
  const reading = read(healthy, 1000, 12_000); // keeps taking messages
  await until(() => healthy.assignment().length === 2, 20_000);
  expect(stuck.assignment()).toEqual([]);
  await healthy.close();
  await reading;
  await stuck.close();
});

test('static membership (KIP-345): a restart within the session timeout gets its partitions back without a rebalance', async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-static'), 4);
  const group = uniqueTopic('group');
  const cfg = (id: string): Config => groupConfig(topic, group, { groupInstanceId: id, assignors: ['range'], sessionTimeoutMs: 10_000 });
  const a = await Consumer.create(cfg('instance-a'));
  const b = await Consumer.create(cfg('instance-b'));
  await until(() => a.assignment().length === 2 && b.assignment().length === 2);
  const aParts = sortTp(a.assignment());
  const bEvents = jest.fn();
  b.on('assigned', bEvents);
  b.on('revoked', bEvents);
  await a.close(); // a static member does not leave the group
  const a2 = await Consumer.create(cfg('instance-a'));
  expect(sortTp(a2.assignment())).toEqual(aParts);
  await new Promise((r) => setTimeout(r, 1500)); // b's heartbeats see no rebalance
  expect(bEvents).not.toHaveBeenCalled();
  expect(b.assignment()).toHaveLength(2);
  await a2.close();
  await b.close();
});

describe('KIP-848 consumer group protocol (groupProtocol: consumer)', () => {
  const kip848 = (topic: string, group: string, extra: ConfigOptions = {}): Config =>
    new Config({ brokers: [bootstrap], group, topics: [topic], initialOffset: 'oldest', groupProtocol: 'consumer', ...extra });

  test('the broker spreads partitions over the members, moves them when one leaves, and offsets survive a restart', async () => {
    const topic = await createTopic(admin, uniqueTopic('grp848'), 4);
    const group = uniqueTopic('group848');
    await produceAll(topic, 4, 5, 'e');
    const a = await Consumer.create(kip848(topic, group));
    await until(() => a.assignment().length === 4);
    const b = await Consumer.create(kip848(topic, group));
    await until(() => a.assignment().length === 2 && b.assignment().length === 2, 20_000);
    expect([...sortTp(a.assignment()), ...sortTp(b.assignment())].sort()).toEqual([0, 1, 2, 3]);
    const fromA = await read(a, 10);
    const fromB = await read(b, 10);
    expect([...fromA, ...fromB].map((m) => m.value!.toString()).sort()).toHaveLength(20);
    await a.commitOffsets();
    await b.close(); // leaves with epoch -1: a gets everything
    await until(() => a.assignment().length === 4, 20_000);
    await a.close();

    await produceAll(topic, 4, 1, 'f');
    const c = await Consumer.create(kip848(topic, group));
    const after = await read(c, 4);
    expect(after.map((m) => m.value!.toString()).sort()).toEqual(['f-0-0', 'f-1-0', 'f-2-0', 'f-3-0']);
    await c.close();
  });
});

test("the Go layer's surface: 'message' and 'notification' events, for await, subscriptions(), closed", async () => {
  const topic = await createTopic(admin, uniqueTopic('grp-api'), 2);
  const group = uniqueTopic('group');
  await produceAll(topic, 2, 3, 'g');
  const notifications: Array<{ type: string; claimed: Record<string, number[]>; current: Record<string, number[]> }> = [];
  const c = await Consumer.create(groupConfig(topic, group));
  c.on('notification', (n) => notifications.push(n));
  expect(c.subscriptions()).toEqual({ [topic]: [0, 1] });
  const seen: ConsumerMessage[] = [];
  c.on('message', (m) => {
    seen.push(m);
    c.markOffset(m);
  });
  await until(() => seen.length === 6);
  expect(seen.map((m) => m.value!.toString()).sort()).toEqual(['g-0-0', 'g-0-1', 'g-0-2', 'g-1-0', 'g-1-1', 'g-1-2']);
  // a second member: this one gets a start and an ok notification for the rebalance
  const d = await Consumer.create(groupConfig(topic, group));
  await until(() => notifications.some((n) => n.type === 'ok') && c.assignment().length === 1);
  expect(notifications[0]!.type).toBe('start');
  const ok = notifications.find((n) => n.type === 'ok')!;
  expect(ok.current[topic]).toHaveLength(1);
  await d.close();
  await c.close();
  await expect(c.closed).resolves.toBeUndefined();

  // for await over the consumer itself, continuing from the committed offsets
  await produceAll(topic, 2, 1, 'h');
  const e = await Consumer.create(groupConfig(topic, group));
  const got: string[] = [];
  for await (const m of e) {
    got.push(m.value!.toString());
    e.markOffset(m);
    if (got.length === 2) break;
  }
  expect(got.sort()).toEqual(['h-0-0', 'h-1-0']);
  await e.close();
});
