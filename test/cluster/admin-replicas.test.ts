/**
 * Admin's reassignment and leader election on the three-node cluster (issue 16): a partition
 * moved onto other brokers keeps its records; a move held back by a replication throttle is
 * listed while it runs and cancelled; a reordered replica list makes the new first replica the
 * preferred leader, and a preferred election hands it the leadership.
 */
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';
import { clusterBrokers, clusterSuite, killNode, startNode } from './cluster-helpers.js';

jest.setTimeout(120_000);

clusterSuite(() => {}); // the cluster whole before and after
let admin: Admin;
let producer: SyncProducer;

beforeAll(async () => {
  admin = await Admin.create({ brokers: clusterBrokers() });
  producer = await SyncProducer.create(new Config({ brokers: clusterBrokers(), lingerMs: 1 }));
});
afterAll(async () => {
  await producer?.close();
  await admin?.close();
});

async function replicasOf(topic: string): Promise<{ leader: number; replicas: number[]; isr: number[] }[]> {
  const [d] = await admin.describeTopics([topic]);
  if (d!.error) throw d!.error;
  return d!.partitions.map((p) => ({ leader: p.leader, replicas: p.replicas, isr: [...p.isr].sort() }));
}

async function nodeIds(): Promise<number[]> {
  return (await admin.describeCluster()).brokers.map((b) => b.nodeId);
}

test('alterPartitionReassignments moves a partition onto other brokers; its records are all there', async () => {
  const [a, b, c] = await nodeIds();
  const topic = uniqueTopic('admin-move');
  const [created] = await admin.createTopics([{ name: topic, replicaAssignment: { 0: [a!, b!] } }], { waitForLeaders: true });
  expect(created!.error).toBeNull();
  for (let i = 0; i < 20; i++) await producer.sendMsgToPartition(topic, 0, null, `r${i}`);

  const [moved] = await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [c!, b!] }]);
  expect(moved!.error).toBeNull();
  await eventually(async () => (await admin.listPartitionReassignments([{ topic, partition: 0 }])).length === 0, 60_000, 'the move to finish');
  await eventually(async () => {
    const [p] = await replicasOf(topic);
    return p!.replicas.join() === [c, b].join() && p!.isr.join() === [b!, c!].sort().join();
  }, 30_000, 'replicas [c, b] in sync');

  // the records moved with it: read back from whichever of c, b leads now
  const consumer = await Consumer.create(new Config({ brokers: clusterBrokers(), group: uniqueTopic('admin-move-group'), topics: [topic], initialOffset: 'oldest' }));
  try {
    const seen: string[] = [];
    const it = consumer.messages();
    while (seen.length < 20) seen.push((await it.next()).value!.value!.toString());
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
  } finally {
    await consumer.close();
  }
});

test('a move held back by a replication throttle is listed while it runs, and cancelled', async () => {
  const [a, b, c] = await nodeIds();
  const topic = uniqueTopic('admin-throttled');
  await admin.createTopics([{ name: topic, replicaAssignment: { 0: [a!] }, configs: { 'leader.replication.throttled.replicas': '*', 'follower.replication.throttled.replicas': '*' } }], { waitForLeaders: true });
  const big = 'x'.repeat(50_000);
  for (let i = 0; i < 10; i++) await producer.sendMsgToPartition(topic, 0, null, big);
  // 1 byte/s on every broker: the new replicas cannot catch up while the test looks
  const throttle = (op: 'set' | 'delete') =>
    admin.incrementalAlterConfigs([
      {
        type: 'broker',
        name: '',
        changes: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'].map((name) => (op === 'set' ? { name, op, value: '1' } : { name, op })),
      },
    ]);
  expect((await throttle('set'))[0]!.error).toBeNull();
  try {
    const [moved] = await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [a!, b!, c!] }]);
    expect(moved!.error).toBeNull();
    const ongoing = await admin.listPartitionReassignments([{ topic, partition: 0 }]);
    expect(ongoing).toHaveLength(1);
    expect(ongoing[0]!.replicas.sort()).toEqual([a!, b!, c!].sort());
    expect(ongoing[0]!.addingReplicas.sort()).toEqual([b!, c!].sort());
    expect(ongoing[0]!.removingReplicas).toEqual([]);
    expect((await admin.listPartitionReassignments()).some((r) => r.topic === topic)).toBe(true);

    const [cancelled] = await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: null }]);
    expect(cancelled!.error).toBeNull();
    expect(await admin.listPartitionReassignments([{ topic, partition: 0 }])).toEqual([]);
    await eventually(async () => (await replicasOf(topic))[0]!.replicas.join() === String(a), 30_000, 'the replicas back to [a]');
  } finally {
    expect((await throttle('delete'))[0]!.error).toBeNull();
  }
});

test('electLeaders: after a reorder the new preferred replica is handed the leadership; a second election is not needed', async () => {
  const [a, b, c] = await nodeIds();
  const topic = uniqueTopic('admin-preferred');
  await admin.createTopics([{ name: topic, replicaAssignment: { 0: [a!, b!, c!] } }], { waitForLeaders: true });
  await eventually(async () => (await replicasOf(topic))[0]!.isr.length === 3, 30_000, 'three replicas in sync');
  expect((await replicasOf(topic))[0]!.leader).toBe(a);

  // same replicas, b first: b is now the preferred leader, a still leads
  const [reordered] = await admin.alterPartitionReassignments([{ topic, partition: 0, replicas: [b!, a!, c!] }]);
  expect(reordered!.error).toBeNull();
  await eventually(async () => (await replicasOf(topic))[0]!.replicas.join() === [b, a, c].join(), 30_000, 'the reorder');
  expect((await replicasOf(topic))[0]!.leader).toBe(a);

  const [elected] = await admin.electLeaders('preferred', [{ topic, partition: 0 }]);
  expect(elected!.error).toBeNull();
  await eventually(async () => (await replicasOf(topic))[0]!.leader === b, 30_000, 'b to lead');
  const [again] = await admin.electLeaders('preferred', [{ topic, partition: 0 }]);
  expect(again!.error?.errorName).toBe('ELECTION_NOT_NEEDED');
  // every partition that needs one: this one does not, so it is not in the answer
  expect((await admin.electLeaders('preferred', null)).some((r) => r.topic === topic)).toBe(false);
});

test('electLeaders unclean: a partition whose in-sync replicas are all down gets an out-of-sync leader, and loses what it missed', async () => {
  const [a, b] = await nodeIds();
  const topic = uniqueTopic('admin-unclean');
  // min ISR 1: a alone may take writes; the follower is throttled so that, once restarted, it cannot catch up
  await admin.createTopics(
    [{ name: topic, replicaAssignment: { 0: [a!, b!] }, configs: { 'min.insync.replicas': '1', 'leader.replication.throttled.replicas': '*', 'follower.replication.throttled.replicas': '*' } }],
    { waitForLeaders: true },
  );
  await eventually(async () => (await replicasOf(topic))[0]!.isr.length === 2, 30_000, 'both replicas in sync');
  await producer.sendMsgToPartition(topic, 0, null, 'before');
  await eventually(async () => (await replicasOf(topic))[0]!.isr.length === 2, 30_000, 'b has the first record');
  const throttle = (op: 'set' | 'delete') =>
    admin.incrementalAlterConfigs([
      { type: 'broker', name: '', changes: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'].map((name) => (op === 'set' ? { name, op, value: '1' } : { name, op })) },
    ]);
  try {
    await killNode(b!);
    await eventually(async () => String((await replicasOf(topic))[0]!.isr) === String(a), 30_000, 'b out of the ISR');
    const missed = 'y'.repeat(50_000);
    for (let i = 0; i < 5; i++) await producer.sendMsgToPartition(topic, 0, null, missed);
    expect((await throttle('set'))[0]!.error).toBeNull();
    await startNode(b!);
    await killNode(a!);
    await eventually(async () => (await replicasOf(topic))[0]!.leader === -1, 30_000, 'no leader: the only in-sync replica is down');
    // a preferred election cannot help: b is not in sync
    const [preferred] = await admin.electLeaders('preferred', [{ topic, partition: 0 }]);
    expect(preferred!.error).not.toBeNull();
    const [unclean] = await admin.electLeaders('unclean', [{ topic, partition: 0 }]);
    expect(unclean!.error).toBeNull();
    await eventually(async () => (await replicasOf(topic))[0]!.leader === b, 30_000, 'b to lead');
    const end = (await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }]))[0]!;
    expect(end.offset).toBe(1n); // 'before' only: the five records b never had are gone
  } finally {
    await throttle('delete').catch(() => undefined);
    await startNode(a!).catch(() => undefined);
  }
});
