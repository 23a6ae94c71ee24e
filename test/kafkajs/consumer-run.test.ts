// kafkaesque/kafkajs's consumer: run() options, handler-side pause and seek, rebalances and
// isolation, from KafkaJS's documentation, against the real broker.
import { Kafka, logLevel, type InstrumentationEvent } from '../../src/kafkajs/index';
import { ClientContext } from '../../src/kafkajs/kafka';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { eventually, until } from '../helpers/wait';

const { bootstrap } = brokerAddress();
const kafka = new Kafka({ clientId: 'kjs-run-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50 } });
const admin = kafka.admin();
const producer = kafka.producer();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function topicWith(partitions: number, perPartition: number): Promise<string> {
  const topic = uniqueTopic('kjs-run');
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  const messages = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) messages.push({ value: `p${p}-${i}`, partition: p });
  if (messages.length > 0) await producer.send({ topic, messages });
  return topic;
}

const committed = async (groupId: string, topic: string): Promise<string[]> =>
  (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);

test('partitionsConsumedConcurrently: several partitions at once, each in order, every message once', async () => {
  const topic = await topicWith(4, 15);
  const c = kafka.consumer({ groupId: uniqueTopic('kjs-g'), maxWaitTimeInMs: 50 });
  await c.subscribe({ topic, fromBeginning: true });
  let active = 0;
  let maxActive = 0;
  const seen = new Map<number, number[]>();
  await c.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ partition, message }) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(5);
      (seen.get(partition) ?? seen.set(partition, []).get(partition)!).push(Number(message.offset));
      active--;
    },
  });
  await until(() => [...seen.values()].reduce((n, l) => n + l.length, 0) >= 60, 30_000, '60 messages');
  await c.disconnect();
  expect(maxActive).toBeGreaterThan(1);
  expect(maxActive).toBeLessThanOrEqual(3);
  for (const p of [0, 1, 2, 3]) expect(seen.get(p)).toEqual(Array.from({ length: 15 }, (_, i) => i));
});

test('autoCommitThreshold commits once that many messages were resolved (COMMIT_OFFSETS with the offsets)', async () => {
  const topic = await topicWith(1, 12);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId });
  const commits: InstrumentationEvent<{ groupId: string; memberId: string; groupGenerationId: number; topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }>[] = [];
  c.on(c.events.COMMIT_OFFSETS, (e) => commits.push(e as never));
  await c.subscribe({ topic, fromBeginning: true });
  let n = 0;
  // one message per batch is not guaranteed: eachBatch resolves them one by one instead
  await c.run({
    autoCommitInterval: 600_000, // only the threshold commits while running
    autoCommitThreshold: 5,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      for (const m of batch.messages) {
        resolveOffset(m.offset);
        n++;
        await commitOffsetsIfNecessary();
      }
    },
    eachBatchAutoResolve: false,
  });
  await until(() => n >= 12, 20_000, '12 messages');
  await eventually(async () => (await committed(groupId, topic))[0] === '10', 10_000, 'two threshold commits');
  expect(commits.length).toBeGreaterThanOrEqual(2);
  expect(commits[0].payload.groupId).toBe(groupId);
  expect(commits[0].payload.groupGenerationId).toBeGreaterThan(0);
  expect(commits[0].payload.topics).toEqual([{ topic, partitions: [{ partition: 0, offset: '5' }] }]);
  await c.disconnect(); // the last two are committed on the way out
  expect(await committed(groupId, topic)).toEqual(['12']);
});

test('autoCommit false: nothing is committed by itself; commitOffsets commits what it is given', async () => {
  const topic = await topicWith(2, 5);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId });
  await c.subscribe({ topic, fromBeginning: true });
  let n = 0;
  await c.run({ autoCommit: false, eachMessage: async () => void n++ });
  await until(() => n >= 10, 20_000, '10 messages');
  await sleep(300);
  expect(await committed(groupId, topic)).toEqual(['-1', '-1']);
  await c.commitOffsets([{ topic, partition: 1, offset: '3' }]);
  expect(await committed(groupId, topic)).toEqual(['-1', '3']);
  await c.disconnect();
  expect(await committed(groupId, topic)).toEqual(['-1', '3']);
});

test("KafkaJS's documented pause in eachMessage: pause(), throw, resume later; the message comes again, other partitions go on", async () => {
  const topic = await topicWith(2, 4);
  const c = kafka.consumer({ groupId: uniqueTopic('kjs-g'), maxWaitTimeInMs: 50 });
  await c.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  let failed = false;
  let resumedAt = 0;
  await c.run({
    eachMessage: async ({ partition, message, pause }) => {
      const v = message.value!.toString();
      if (partition === 0 && message.offset === '1' && !failed) {
        failed = true;
        const resume = pause();
        setTimeout(() => {
          resumedAt = seen.length;
          resume();
        }, 400);
        throw new Error('too many requests');
      }
      seen.push(v);
    },
  });
  await until(() => seen.length >= 8, 20_000, 'all 8');
  await sleep(200);
  await c.disconnect();
  expect(seen.filter((v) => v.startsWith('p1-'))).toEqual(['p1-0', 'p1-1', 'p1-2', 'p1-3']);
  expect(seen.filter((v) => v.startsWith('p0-'))).toEqual(['p0-0', 'p0-1', 'p0-2', 'p0-3']);
  // partition 1 went on while 0 was paused: its messages came before the resume
  expect(resumedAt).toBeGreaterThanOrEqual(5);
  expect(seen.indexOf('p0-1')).toBeGreaterThanOrEqual(resumedAt);
});

test('pause in eachBatch after resolving part of the batch: the rest comes after resume, nothing twice', async () => {
  const topic = await topicWith(1, 6);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId });
  await c.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  let paused = false;
  await c.run({
    eachBatch: async ({ batch, resolveOffset, pause }) => {
      for (const m of batch.messages) {
        if (m.offset === '2' && !paused) {
          paused = true;
          const resume = pause();
          setTimeout(resume, 300);
          return;
        }
        seen.push(m.offset);
        resolveOffset(m.offset);
      }
    },
  });
  await until(() => seen.length >= 6, 20_000, 'all 6');
  await sleep(200);
  await c.disconnect();
  expect(seen).toEqual(['0', '1', '2', '3', '4', '5']);
  expect(await committed(groupId, topic)).toEqual(['6']);
});

test('seek from inside eachMessage: delivery goes on from the sought offset, nothing of the old batch after it', async () => {
  const topic = await topicWith(1, 8);
  const c = kafka.consumer({ groupId: uniqueTopic('kjs-g') });
  await c.subscribe({ topic, fromBeginning: true });
  const seen: number[] = [];
  let sought = false;
  await c.run({
    eachMessage: async ({ topic: t, partition, message }) => {
      seen.push(Number(message.offset));
      if (message.offset === '5' && !sought) {
        sought = true;
        c.seek({ topic: t, partition, offset: '2' });
      }
    },
  });
  await until(() => seen.length >= 12, 20_000, 'replayed messages');
  await sleep(200);
  await c.disconnect();
  expect(seen).toEqual([0, 1, 2, 3, 4, 5, 2, 3, 4, 5, 6, 7]);
});

test('readUncommitted: aborted transactional messages are seen only with readUncommitted true', async () => {
  const topic = await topicWith(1, 0);
  const tp = kafka.producer({ transactionalId: uniqueTopic('kjs-txn'), maxInFlightRequests: 1, idempotent: true });
  await tp.connect();
  const aborted = await tp.transaction();
  await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
  await aborted.abort();
  const ok = await tp.transaction();
  await ok.send({ topic, messages: [{ value: 'committed-1' }] });
  await ok.commit();
  await tp.disconnect();
  const read = async (readUncommitted: boolean): Promise<string[]> => {
    const c = kafka.consumer({ groupId: uniqueTopic('kjs-g'), readUncommitted });
    await c.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await until(() => seen.includes('committed-1'), 20_000, 'the committed message');
    await sleep(200);
    await c.disconnect();
    return seen;
  };
  expect(await read(false)).toEqual(['committed-1']);
  expect(await read(true)).toEqual(['aborted-1', 'aborted-2', 'committed-1']);
});

test('a second member: REBALANCING, then both GROUP_JOIN with one leader, the partitions split; stop() and run() again', async () => {
  const topic = await topicWith(4, 0);
  const groupId = uniqueTopic('kjs-g');
  const joins: { who: string; payload: { memberId: string; leaderId: string; isLeader: boolean; memberAssignment: Record<string, number[]> } }[] = [];
  const rebalancing: string[] = [];
  const members = ['a', 'b'].map((who) => {
    const c = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
    c.on(c.events.GROUP_JOIN, (e) => joins.push({ who, payload: e.payload as never }));
    c.on(c.events.REBALANCING, () => rebalancing.push(who));
    return { who, c };
  });
  const seen: string[] = [];
  for (const { c } of members) await c.subscribe({ topic, fromBeginning: true }); // an empty topic: nothing is missed
  await members[0].c.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await until(() => joins.some((j) => j.who === 'a'), 20_000, 'a joined');
  await members[1].c.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await until(() => joins.some((j) => j.who === 'b'), 30_000, 'b joined');
  const lastOf = (who: string) => [...joins].reverse().find((j) => j.who === who)!.payload;
  await until(() => (lastOf('a').memberAssignment[topic]?.length ?? 0) === 2 && (lastOf('b').memberAssignment[topic]?.length ?? 0) === 2, 30_000, 'a 2/2 split');
  expect(rebalancing).toContain('a');
  const a = lastOf('a');
  const b = lastOf('b');
  expect(a.leaderId).toBe(b.leaderId);
  expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
  expect([a.memberId, b.memberId]).toContain(a.leaderId);
  expect([...a.memberAssignment[topic], ...b.memberAssignment[topic]].sort()).toEqual([0, 1, 2, 3]);
  // stop one member, produce, run it again: it joins again and the group continues
  await members[1].c.stop();
  await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ value: `after-stop-${p}`, partition: p })) });
  await until(() => seen.length >= 4, 30_000, 'the messages after the stop');
  await members[1].c.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ value: `after-run-${p}`, partition: p })) });
  await until(() => seen.length >= 8, 30_000, 'the messages after run() again');
  await sleep(300);
  expect(seen.sort()).toEqual([0, 1, 2, 3].flatMap((p) => [`after-run-${p}`, `after-stop-${p}`]).sort());
  for (const { c } of members) await c.disconnect();
}, 90_000);

test('maxBytesPerPartition bounds what one fetch hands a partition', async () => {
  const topic = await topicWith(1, 0);
  // separate sends: separate record batches (a fetch returns whole batches, at least one)
  for (let i = 0; i < 12; i++) await producer.send({ topic, messages: [{ value: Buffer.alloc(1000, 0x61) }] });
  const c = kafka.consumer({ groupId: uniqueTopic('kjs-g'), maxBytesPerPartition: 3000 });
  const sizes: number[] = [];
  c.on(c.events.START_BATCH_PROCESS, (e) => sizes.push((e.payload as { batchSize: number }).batchSize));
  await c.subscribe({ topic, fromBeginning: true });
  let n = 0;
  await c.run({ eachMessage: async () => void n++ });
  await until(() => n >= 12, 20_000, '12 messages');
  await c.disconnect();
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  expect(sizes.length).toBeGreaterThanOrEqual(4);
});

test("REQUEST: a consumer sees its own requests (group, fetch, commit), with KafkaJS's payload, and no other client's", async () => {
  const topic = await topicWith(1, 3);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId });
  const other = kafka.consumer({ groupId: uniqueTopic('kjs-g-other') });
  const mine: Record<string, unknown>[] = [];
  const theirs: Record<string, unknown>[] = [];
  c.on(c.events.REQUEST, (e) => mine.push(e.payload as Record<string, unknown>));
  other.on(other.events.REQUEST, (e) => theirs.push(e.payload as Record<string, unknown>));
  await c.subscribe({ topic, fromBeginning: true });
  let n = 0;
  await c.run({ eachMessage: async () => void n++ });
  await until(() => n >= 3, 20_000, '3 messages');
  await producer.send({ topic, messages: [{ value: 'while listening' }] }); // the producer's Produce is not the consumer's
  await until(() => n >= 4, 20_000, 'the 4th message');
  await c.disconnect(); // commits: OffsetCommit, then LeaveGroup
  const names = new Set(mine.map((p) => p.apiName));
  for (const api of ['Metadata', 'GroupCoordinator', 'JoinGroup', 'SyncGroup', 'OffsetFetch', 'Fetch', 'OffsetCommit', 'LeaveGroup']) expect(names).toContain(api);
  expect(names).not.toContain('Produce');
  expect(theirs).toEqual([]); // never connected, never run: nothing
  const join = mine.find((p) => p.apiName === 'JoinGroup')!;
  expect(Object.keys(join).sort()).toEqual(['apiKey', 'apiName', 'apiVersion', 'broker', 'clientId', 'correlationId', 'createdAt', 'duration', 'pendingDuration', 'sentAt', 'size']);
  expect(join).toMatchObject({ apiKey: 11, clientId: 'kjs-run-test', broker: expect.stringMatching(/:\d+$/) });
  await other.disconnect();
});

test('the consumer options land on the kafkaesque Config its group consumer runs with', async () => {
  const topic = await topicWith(1, 0);
  const made = jest.spyOn(ClientContext.prototype, 'makeConfig');
  const c = kafka.consumer({
    groupId: uniqueTopic('kjs-g'),
    sessionTimeout: 12_000,
    rebalanceTimeout: 23_000,
    heartbeatInterval: 1_100,
    maxBytesPerPartition: 300_000,
    minBytes: 2,
    maxBytes: 4_000_000,
    maxWaitTimeInMs: 250,
    readUncommitted: true,
    metadataMaxAge: 60_000,
  });
  try {
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ autoCommitInterval: 777, eachMessage: async () => {} });
    const configs = await Promise.all(made.mock.results.map((r) => r.value as ReturnType<ClientContext['makeConfig']>));
    const cfg = configs.find((x) => x.group !== undefined)!;
    expect(cfg).toMatchObject({
      topics: [topic],
      initialOffset: 'oldest',
      sessionTimeoutMs: 12_000,
      rebalanceTimeoutMs: 23_000,
      heartbeatIntervalMs: 1_100,
      maxPartitionFetchBytes: 300_000,
      fetchMinBytes: 2,
      fetchMaxBytes: 4_000_000,
      fetchMaxWaitMs: 250,
      isolationLevel: 'read_uncommitted',
      metadataMaxAgeMs: 60_000,
      autoCommit: true,
      autoCommitIntervalMs: 777,
      assignors: ['RoundRobinAssigner'],
    });
  } finally {
    made.mockRestore();
    await c.disconnect();
  }
});
