/**
 * Admin against the real broker (single node): each call's success and its typed per-item
 * failures, which never hide the items that succeeded.
 */
import { randomBytes } from 'node:crypto';
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';


jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
let admin: Admin;
let producer: SyncProducer;

beforeAll(async () => {
  admin = await Admin.create({ brokers: [bootstrap] });
  producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
});
afterAll(async () => {
  await producer?.close();
  await admin?.close();
});

test('createTopics answers per topic: created, refused (replication factor) and existing, in one call', async () => {
  const a = uniqueTopic('admin-a');
  const b = uniqueTopic('admin-b');
  const bad = uniqueTopic('admin-bad');
  const results = await admin.createTopics([
    { name: a, numPartitions: 3 },
    { name: bad, numPartitions: 1, replicationFactor: 3 }, // one broker: INVALID_REPLICATION_FACTOR
    { name: b, numPartitions: 2, configs: { 'cleanup.policy': 'compact' } },
  ]);
  expect(results.map((r) => [r.name, r.error?.errorName ?? null])).toEqual([
    [a, null],
    [bad, 'INVALID_REPLICATION_FACTOR'],
    [b, null],
  ]);
  expect(results[0]!.numPartitions).toBe(3);
  expect(results[0]!.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const again = await admin.createTopics([{ name: a, numPartitions: 3 }]);
  expect(again[0]!.error?.errorName).toBe('TOPIC_ALREADY_EXISTS');

  const listed = (await admin.listTopics()).map((t) => t.name);
  expect(listed).toEqual(expect.arrayContaining([a, b]));
  expect(listed).not.toContain(bad);
});

test('validateOnly checks a topic without creating it', async () => {
  const name = uniqueTopic('admin-validate');
  const [r] = await admin.createTopics([{ name, numPartitions: 4 }], { validateOnly: true });
  expect(r!.error).toBeNull();
  expect((await admin.listTopics()).map((t) => t.name)).not.toContain(name);
  const [d] = await admin.describeTopics([name]);
  expect(d!.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
});

test('describeTopics gives partitions, leaders, replicas and ISR; createPartitions raises the count and refuses to lower it', async () => {
  const name = uniqueTopic('admin-parts');
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  const [d] = await admin.describeTopics([name]);
  expect(d!.error).toBeNull();
  const broker = (await admin.describeCluster()).brokers[0]!.nodeId;
  expect(d!.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
    [0, broker, [broker], [broker]],
    [1, broker, [broker], [broker]],
  ]);
  const missing = uniqueTopic('admin-missing');
  const [up, down] = await admin.createPartitions({ [name]: 5, [missing]: 2 });
  expect(up!.error).toBeNull();
  expect(down!.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  await eventually(async () => (await admin.describeTopics([name]))[0]!.partitions.length === 5, 10_000);
  const [lower] = await admin.createPartitions({ [name]: 3 });
  expect(lower!.error?.errorName).toBe('INVALID_PARTITIONS');
});

test('describeCluster names the cluster, its controller and its brokers', async () => {
  const c = await admin.describeCluster();
  expect(c.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(c.brokers).toHaveLength(1);
  expect(`${c.brokers[0]!.host}:${c.brokers[0]!.port}`).toBe(bootstrap);
});

test('listOffsets finds the earliest, latest, max-timestamp and by-timestamp offsets per partition', async () => {
  const name = uniqueTopic('admin-offsets');
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  const base = Date.now() - 60_000;
  for (let i = 0; i < 5; i++) await producer.send({ topic: name, partition: 0, value: `v${i}`, timestamp: base + i * 1000 });
  const r = await admin.listOffsets([
    { topic: name, partition: 0, spec: 'earliest' },
    { topic: name, partition: 0, spec: 'latest' },
    { topic: name, partition: 0, spec: { timestamp: base + 2500 } },
    { topic: name, partition: 0, spec: 'max-timestamp' },
    { topic: name, partition: 1, spec: 'latest' },
    { topic: uniqueTopic('admin-nowhere'), partition: 0, spec: 'latest' },
  ]);
  expect(r.map((x) => [x.offset, x.error?.message ?? null])).toEqual([[0n, null], [5n, null], [3n, null], [4n, null], [0n, null], [-1n, expect.stringContaining('UNKNOWN_TOPIC_OR_PARTITION')]]);
  expect(r[2]!.timestamp).toBe(base + 3000);
  expect(r[3]!.timestamp).toBe(base + 4000);
  expect(r.slice(0, 5).every((x) => x.error === null)).toBe(true);
  expect(r[5]!.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
});

test('a group: describeGroups while it runs and after, listGroupOffsets and groupLag from its commits', async () => {
  const name = uniqueTopic('admin-lag');
  const group = uniqueTopic('admin-group');
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  for (let i = 0; i < 5; i++) await producer.sendMsgToPartition(name, 0, null, `p0-${i}`);
  for (let i = 0; i < 4; i++) await producer.sendMsgToPartition(name, 1, null, `p1-${i}`);

  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], group, topics: [name], initialOffset: 'oldest', autoCommit: false }));
  try {
    // read all nine, then mark what was processed: up to offset 2 on partition 0, everything on 1
    const it = consumer.messages();
    for (let read = 0; read < 9; read++) await it.next();
    consumer.markOffset({ topic: name, partition: 0, offset: 2n });
    consumer.markOffset({ topic: name, partition: 1, offset: 3n });
    await consumer.commitOffsets();
    const [running] = await admin.describeGroups([group]);
    expect(running!.error).toBeNull();
    expect([running!.type, running!.state, running!.protocolType, running!.members.length]).toEqual(['classic', 'Stable', 'consumer', 1]);
    // a classic consumer member's partitions, decoded from its assignor's bytes
    expect(running!.members[0]!.assignment).toEqual([{ topic: name, partitions: [0, 1] }]);
  } finally {
    await consumer.close();
  }

  const offsets = await admin.listGroupOffsets(group);
  expect(offsets.map((o) => [o.topic, o.partition, o.offset])).toEqual([
    [name, 0, 3n],
    [name, 1, 4n],
  ]);
  for (let i = 0; i < 3; i++) await producer.sendMsgToPartition(name, 1, null, `later-${i}`);
  const lag = await admin.groupLag(group);
  expect(lag.partitions.map((p) => [p.partition, p.committed, p.end, p.lag])).toEqual([
    [0, 3n, 5n, 2n],
    [1, 4n, 7n, 3n],
  ]);
  expect(lag.total).toBe(5n);

  // alterGroupOffsets: the group is empty now, so an outside commit is taken
  const altered = await admin.alterGroupOffsets(group, [
    { topic: name, partition: 0, offset: 1n },
    { topic: name, partition: 1, offset: 6n, metadata: 'reset' },
  ]);
  expect(altered.map((a) => [a.partition, a.error])).toEqual([
    [0, null],
    [1, null],
  ]);
  expect((await admin.listGroupOffsets(group)).map((o) => [o.partition, o.offset, o.metadata])).toEqual([
    [0, 1n, ''],
    [1, 6n, 'reset'],
  ]);

  const [after] = await admin.describeGroups([group]);
  expect([after!.state, after!.members]).toEqual(['Empty', []]);
  const listed = (await admin.listGroups()).find((g) => g.groupId === group);
  expect(listed).toEqual({ groupId: group, protocolType: 'consumer', state: 'Empty', type: 'classic' });
  expect((await admin.listGroups({ states: ['Stable'] })).some((g) => g.groupId === group)).toBe(false);
  expect((await admin.listGroups({ types: ['classic'], states: ['Empty'] })).some((g) => g.groupId === group)).toBe(true);
  const deleted = await admin.deleteGroups([group, uniqueTopic('admin-never-was')]);
  expect(deleted.map((d) => d.error?.errorName ?? null)).toEqual([null, 'GROUP_ID_NOT_FOUND']);
  expect((await admin.listGroups()).some((g) => g.groupId === group)).toBe(false);
  const [unknown] = await admin.describeGroups([uniqueTopic('admin-no-group')]);
  expect(unknown!.state).toBe('Dead');
});

test('alterGroupOffsets is refused per partition while the group has an active member', async () => {
  const name = uniqueTopic('admin-busy');
  const group = uniqueTopic('admin-busy-group');
  await admin.createTopics([{ name, numPartitions: 1 }], { waitForLeaders: true });
  await producer.sendMsgToPartition(name, 0, null, 'x');
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], group, topics: [name], initialOffset: 'oldest' }));
  try {
    await consumer.messages().next(); // joined and reading
    const [r] = await admin.alterGroupOffsets(group, [{ topic: name, partition: 0, offset: 0n }]);
    expect(r!.error).not.toBeNull();
    expect(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION']).toContain(r!.error!.errorName);
  } finally {
    await consumer.close();
  }
});

test('deleteTopics answers per topic, by name or id; a deleted topic leaves the listing', async () => {
  const a = uniqueTopic('admin-del');
  const missing = uniqueTopic('admin-del-missing');
  await admin.createTopics([{ name: a, numPartitions: 1 }], { waitForLeaders: true });
  const r = await admin.deleteTopics([a, missing]);
  expect(r.map((x) => [x.name, x.error?.errorName ?? null])).toEqual([
    [a, null],
    [missing, 'UNKNOWN_TOPIC_OR_PARTITION'],
  ]);
  await eventually(async () => !(await admin.listTopics()).some((t) => t.name === a), 15_000);

  // by id (DeleteTopics v6): the answer names the topic; an id no topic has is UNKNOWN_TOPIC_ID
  const b = uniqueTopic('admin-del-id');
  const [created] = await admin.createTopics([{ name: b, numPartitions: 1 }], { waitForLeaders: true });
  const noSuchId = randomBytes(16).toString('base64url');
  const byId = await admin.deleteTopics([{ topicId: created!.topicId }, { topicId: noSuchId }]);
  expect(byId.map((x) => [x.name, x.topicId, x.error?.errorName ?? null])).toEqual([
    [b, created!.topicId, null],
    ['', noSuchId, 'UNKNOWN_TOPIC_ID'],
  ]);
  await eventually(async () => !(await admin.listTopics()).some((t) => t.name === b), 15_000);
});

test('describeConfigs and incrementalAlterConfigs: a topic override, its source, back to the default; a broker\'s configs', async () => {
  const name = uniqueTopic('admin-configs');
  await admin.createTopics([{ name, numPartitions: 1, configs: { 'cleanup.policy': 'compact' } }], { waitForLeaders: true });
  const entry = async (key: string) => (await admin.describeConfigs([{ type: 'topic', name }], { includeSynonyms: true }))[0]!.entries.find((e) => e.name === key)!;
  expect(await entry('cleanup.policy')).toMatchObject({ value: 'compact', source: 'dynamic-topic', isSensitive: false });
  const retention = await entry('retention.ms');
  expect(['default', 'static-broker']).toContain(retention.source);

  const [set] = await admin.incrementalAlterConfigs([{ type: 'topic', name, changes: [{ name: 'retention.ms', op: 'set', value: '1234567' }] }]);
  expect(set!.error).toBeNull();
  const changed = await entry('retention.ms');
  expect([changed.value, changed.source]).toEqual(['1234567', 'dynamic-topic']);
  expect(changed.synonyms[0]).toMatchObject({ name: 'retention.ms', value: '1234567', source: 'dynamic-topic' });

  const [dropped] = await admin.incrementalAlterConfigs([{ type: 'topic', name, changes: [{ name: 'retention.ms', op: 'delete' }] }]);
  expect(dropped!.error).toBeNull();
  expect((await entry('retention.ms')).source).toBe(retention.source);

  const [bad] = await admin.incrementalAlterConfigs([{ type: 'topic', name, changes: [{ name: 'no.such.config', op: 'set', value: '1' }] }]);
  expect(bad!.error?.errorName).toBe('INVALID_CONFIG');
  const [unknown] = await admin.describeConfigs([{ type: 'topic', name: uniqueTopic('admin-no-topic') }]);
  expect(unknown!.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');

  const broker = String((await admin.describeCluster()).brokers[0]!.nodeId);
  const [b] = await admin.describeConfigs([{ type: 'broker', name: broker }], { keys: ['log.dirs', 'num.partitions'] });
  expect(b!.error).toBeNull();
  expect(b!.entries.map((e) => e.name)).toEqual(['log.dirs', 'num.partitions']);
});

test('describeLogDirs lists each broker\'s log directory with its replicas and sizes', async () => {
  const name = uniqueTopic('admin-logdirs');
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  for (let i = 0; i < 3; i++) await producer.sendMsgToPartition(name, 1, null, `record ${i}`);
  const dirs = await admin.describeLogDirs();
  expect(dirs.length).toBeGreaterThanOrEqual(1);
  const dir = dirs.find((d) => d.replicas.some((r) => r.topic === name))!;
  expect(dir.error).toBeNull();
  expect(dir.totalBytes).toBeGreaterThan(0n);
  expect(dir.usableBytes).toBeGreaterThan(0n);
  const replicas = dir.replicas.filter((r) => r.topic === name).sort((a, b) => a.partition - b.partition);
  expect(replicas.map((r) => [r.partition, r.isFuture])).toEqual([
    [0, false],
    [1, false],
  ]);
  expect(replicas[0]!.size).toBe(0n);
  expect(replicas[1]!.size).toBeGreaterThan(0n);
});

test('describeGroups of a KIP-848 group: its type, epoch, assignor and each member\'s partitions', async () => {
  const name = uniqueTopic('admin-848');
  const group = uniqueTopic('admin-848-group');
  await admin.createTopics([{ name, numPartitions: 3 }], { waitForLeaders: true });
  await producer.sendMsgToPartition(name, 0, null, 'x');
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], group, topics: [name], initialOffset: 'oldest', groupProtocol: 'consumer' }));
  try {
    await consumer.messages().next();
    await eventually(async () => (await admin.describeGroups([group]))[0]!.members[0]?.assignment[0]?.partitions.length === 3, 15_000);
    const [g] = await admin.describeGroups([group]);
    expect(g!.error).toBeNull();
    expect([g!.type, g!.state, g!.protocolType]).toEqual(['consumer', 'Stable', 'consumer']);
    expect(g!.groupEpoch).toBeGreaterThan(0);
    expect(['uniform', 'range']).toContain(g!.protocol);
    expect(g!.members).toHaveLength(1);
    expect(g!.members[0]!.assignment).toEqual([{ topic: name, partitions: [0, 1, 2] }]);
    expect(g!.members[0]!.memberEpoch).toBeGreaterThan(0);
    expect((await admin.listGroups({ types: ['consumer'] })).find((x) => x.groupId === group)?.type).toBe('consumer');
  } finally {
    await consumer.close();
  }
});

test('deleteRecords moves the log start per partition; deleteGroupOffsets removes a group\'s commit', async () => {
  const name = uniqueTopic('admin-delrec');
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  for (let i = 0; i < 5; i++) await producer.sendMsgToPartition(name, 0, null, `r${i}`);
  const r = await admin.deleteRecords([
    { topic: name, partition: 0, before: 3n },
    { topic: name, partition: 1, before: 7n }, // beyond the high watermark (0)
  ]);
  expect(r.map((x) => [x.partition, x.lowWatermark, x.error?.errorName ?? null])).toEqual([
    [0, 3n, null],
    [1, -1n, 'OFFSET_OUT_OF_RANGE'],
  ]);
  const [earliest] = await admin.listOffsets([{ topic: name, partition: 0, spec: 'earliest' }]);
  expect(earliest!.offset).toBe(3n);

  const group = uniqueTopic('admin-delofs');
  await admin.alterGroupOffsets(group, [{ topic: name, partition: 0, offset: 4n }, { topic: name, partition: 1, offset: 0n }]);
  const del = await admin.deleteGroupOffsets(group, [{ topic: name, partition: 1 }]);
  expect(del.map((d) => d.error)).toEqual([null]);
  expect((await admin.listGroupOffsets(group)).map((o) => [o.partition, o.offset])).toEqual([[0, 4n]]);
});

test('a Multiplexer hands out an Admin on its own Config', async () => {
  const mux = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap] }), uniqueTopic('admin-mux'));
  try {
    const a = await mux.admin();
    try {
      expect((await a.describeCluster()).brokers.map((x) => `${x.host}:${x.port}`)).toEqual([bootstrap]);
    } finally {
      await a.close();
    }
  } finally {
    await mux.close();
  }
});

test('client quotas: set per client id, described, removed; an unknown quota key is refused', async () => {
  const clientId = uniqueTopic('quota-client');
  const [set] = await admin.alterClientQuotas([{ entity: { 'client-id': clientId }, quotas: { producer_byte_rate: 1048576, consumer_byte_rate: 2097152 } }]);
  expect(set!.error).toBeNull();
  const find = async () => (await admin.describeClientQuotas([{ entityType: 'client-id', match: clientId }])).find((q) => q.entity['client-id'] === clientId);
  await eventually(async () => (await find()) !== undefined, 10_000);
  expect((await find())!.quotas).toEqual({ producer_byte_rate: 1048576, consumer_byte_rate: 2097152 });
  const [removed] = await admin.alterClientQuotas([{ entity: { 'client-id': clientId }, quotas: { producer_byte_rate: null, consumer_byte_rate: null } }]);
  expect(removed!.error).toBeNull();
  await eventually(async () => (await find()) === undefined, 10_000);
  const [bad] = await admin.alterClientQuotas([{ entity: { 'client-id': clientId }, quotas: { no_such_quota: 1 } }]);
  expect(bad!.error?.errorName).toBe('INVALID_REQUEST');
});

test('removeMembersFromGroup: a closed static member keeps its place until removed; an unknown instance id is UNKNOWN_MEMBER_ID', async () => {
  const name = uniqueTopic('admin-static');
  const group = uniqueTopic('admin-static-group');
  await admin.createTopics([{ name, numPartitions: 1 }], { waitForLeaders: true });
  await producer.sendMsgToPartition(name, 0, null, 'x');
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], group, topics: [name], initialOffset: 'oldest', groupInstanceId: 'static-1', sessionTimeoutMs: 45_000 }));
  await consumer.messages().next();
  await consumer.close(); // a static member does not leave on close (KIP-345)
  const [before] = await admin.describeGroups([group]);
  expect(before!.members.map((m) => m.groupInstanceId)).toEqual(['static-1']);

  const [unknown] = await admin.removeMembersFromGroup(group, [{ groupInstanceId: 'nobody' }]);
  expect([unknown!.groupInstanceId, unknown!.error?.errorName]).toEqual(['nobody', 'UNKNOWN_MEMBER_ID']);
  const removed = await admin.removeMembersFromGroup(group); // every member it has
  expect(removed.map((r) => [r.groupInstanceId, r.error])).toEqual([['static-1', null]]);
  const [after] = await admin.describeGroups([group]);
  expect([after!.state, after!.members]).toEqual(['Empty', []]);
  expect(await admin.removeMembersFromGroup(group)).toEqual([]);
});

test('listGroupOffsets of several groups answers per group', async () => {
  const name = uniqueTopic('admin-groups-offsets');
  const [g1, g2, none] = [uniqueTopic('admin-go-1'), uniqueTopic('admin-go-2'), uniqueTopic('admin-go-none')];
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  expect((await admin.alterGroupOffsets(g1, [{ topic: name, partition: 0, offset: 5n }]))[0]!.error).toBeNull();
  expect((await admin.alterGroupOffsets(g2, [{ topic: name, partition: 1, offset: 7n }]))[0]!.error).toBeNull();
  const all = await admin.listGroupOffsets([g1, g2, none]);
  expect(all.map((g) => [g.groupId, g.error, g.offsets.map((o) => [o.topic, o.partition, o.offset])])).toEqual([
    [g1, null, [[name, 0, 5n]]],
    [g2, null, [[name, 1, 7n]]],
    [none, null, []],
  ]);
});

test('on one broker: a preferred election is not needed, a move onto a missing broker is refused, none is in progress', async () => {
  const name = uniqueTopic('admin-elect');
  const missing = uniqueTopic('admin-elect-missing');
  await admin.createTopics([{ name, numPartitions: 2 }], { waitForLeaders: true });
  const elected = await admin.electLeaders('preferred', [
    { topic: name, partition: 0 },
    { topic: name, partition: 1 },
    { topic: missing, partition: 0 },
  ]);
  expect(elected.map((e) => [e.topic, e.partition, e.error?.errorName ?? null])).toEqual([
    [name, 0, 'ELECTION_NOT_NEEDED'],
    [name, 1, 'ELECTION_NOT_NEEDED'],
    [missing, 0, 'UNKNOWN_TOPIC_OR_PARTITION'],
  ]);

  const moved = await admin.alterPartitionReassignments([
    { topic: name, partition: 0, replicas: [4242] },
    { topic: name, partition: 1, replicas: null }, // cancel: nothing to cancel
  ]);
  expect(moved.map((m) => [m.partition, m.error?.errorName ?? null])).toEqual([
    [0, 'INVALID_REPLICA_ASSIGNMENT'],
    [1, 'NO_REASSIGNMENT_IN_PROGRESS'],
  ]);
  expect(await admin.listPartitionReassignments([{ topic: name, partition: 0 }])).toEqual([]);
  expect(await admin.listPartitionReassignments()).toEqual([]);
});
