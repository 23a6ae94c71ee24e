// kafkaesque/kafkajs's consumer, from KafkaJS's documentation, against the real broker.
import { Kafka, KafkaJSNonRetriableError, logLevel, type EachBatchPayload, type InstrumentationEvent, type KafkaMessage } from '../../src/kafkajs/index';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { until } from '../helpers/wait';

const { bootstrap } = brokerAddress();
const kafka = new Kafka({ clientId: 'kjs-consumer-test', brokers: async () => [bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50 } });
const admin = kafka.admin();
const producer = kafka.producer();

beforeAll(async () => {
  await admin.connect();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function topicWith(partitions: number, count: number, prefix = 'kjs-c'): Promise<string> {
  const topic = uniqueTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  if (count > 0) {
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) }, partition: i % partitions })),
    });
  }
  return topic;
}

test('eachMessage gets every message once, in offset order per partition, with KafkaJS message shapes; offsets are committed', async () => {
  const topic = await topicWith(3, 60);
  const groupId = uniqueTopic('kjs-g');
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  const events: InstrumentationEvent[] = [];
  for (const e of [consumer.events.CONNECT, consumer.events.GROUP_JOIN, consumer.events.START_BATCH_PROCESS, consumer.events.END_BATCH_PROCESS, consumer.events.STOP, consumer.events.DISCONNECT]) {
    consumer.on(e, (ev) => events.push(ev));
  }
  const heartbeats: InstrumentationEvent[] = [];
  const fetches: InstrumentationEvent[] = [];
  consumer.on(consumer.events.HEARTBEAT, (ev) => heartbeats.push(ev));
  consumer.on(consumer.events.FETCH_START, (ev) => fetches.push(ev));
  consumer.on(consumer.events.FETCH, (ev) => fetches.push(ev));
  expect(() => consumer.on('consumer.no_such_event', () => {})).toThrow(/Event name should be one of consumer.events/);
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const got: { topic: string; partition: number; message: KafkaMessage }[] = [];
  await consumer.run({ eachMessage: async ({ topic: t, partition, message }) => void got.push({ topic: t, partition, message }) });
  await expect(consumer.subscribe({ topic: 'late' })).rejects.toThrow(/while consumer is running/);
  await until(() => got.length >= 60, 20_000, '60 messages');
  expect(got).toHaveLength(60);
  const m = got.find((g) => g.message.value?.toString() === 'v4')!;
  expect(m.partition).toBe(1);
  expect(m.message.key).toEqual(Buffer.from('k4'));
  expect(m.message.headers).toEqual({ n: Buffer.from('4') });
  expect(typeof m.message.offset).toBe('string');
  expect(typeof m.message.timestamp).toBe('string');
  expect(Number(m.message.timestamp)).toBeGreaterThan(Date.now() - 120_000);
  for (const p of [0, 1, 2]) {
    const offs = got.filter((g) => g.partition === p).map((g) => Number(g.message.offset));
    expect(offs).toEqual(Array.from({ length: 20 }, (_, i) => i));
  }
  // heartbeats run on their own timer (heartbeatInterval 1 s), with KafkaJS's payload
  await until(() => heartbeats.length >= 1, 10_000, 'a heartbeat');
  await consumer.disconnect();
  const types = events.map((e) => e.type);
  expect(types[0]).toBe('consumer.connect');
  expect(types).toContain('consumer.group_join');
  const join = events.find((e) => e.type === 'consumer.group_join')!.payload as {
    groupId: string;
    memberId: string;
    leaderId: string | null;
    isLeader: boolean;
    memberAssignment: Record<string, number[]>;
    duration: number;
  };
  expect(join.groupId).toBe(groupId);
  expect(join.isLeader).toBe(true); // the only member leads
  expect(join.leaderId).toBe(join.memberId);
  expect(join.duration).toBeGreaterThanOrEqual(0);
  expect(heartbeats[0].payload).toEqual({ groupId, memberId: join.memberId, groupGenerationId: expect.any(Number) });
  expect((heartbeats[0].payload as { groupGenerationId: number }).groupGenerationId).toBeGreaterThan(0);
  // FETCH_START then FETCH, as many FETCH as batches processed (each FETCH hands one batch)
  expect(fetches[0].type).toBe('consumer.fetch_start');
  const fetched = fetches.filter((f) => f.type === 'consumer.fetch');
  expect(fetched.length).toBe(types.filter((t) => t === 'consumer.start_batch_process').length);
  expect(fetched[0].payload).toEqual({ numberOfBatches: 1, duration: expect.any(Number) });
  expect(join.memberAssignment[topic].sort()).toEqual([0, 1, 2]);
  const start = events.find((e) => e.type === 'consumer.start_batch_process')!.payload as { topic: string; batchSize: number; firstOffset: string; lastOffset: string };
  expect(start.topic).toBe(topic);
  expect(start.batchSize).toBeGreaterThan(0);
  expect(BigInt(start.lastOffset) - BigInt(start.firstOffset)).toBe(BigInt(start.batchSize - 1));
  expect(types.filter((t) => t === 'consumer.end_batch_process')).toHaveLength(types.filter((t) => t === 'consumer.start_batch_process').length);
  expect(types.slice(-2)).toEqual(['consumer.stop', 'consumer.disconnect']);
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  expect(committed[0].partitions.map((p) => p.offset)).toEqual(['20', '20', '20']);
});

test('a group continues from its committed offsets; fromBeginning false starts at the end', async () => {
  const topic = await topicWith(1, 5);
  const groupId = uniqueTopic('kjs-g');
  const a = kafka.consumer({ groupId });
  await a.subscribe({ topic }); // fromBeginning false: only what is produced from now on
  const seen: string[] = [];
  await a.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await producer.send({ topic, messages: [{ value: 'new-1' }, { value: 'new-2' }] });
  await until(() => seen.length >= 2, 20_000, 'new messages');
  expect(seen).toEqual(['new-1', 'new-2']);
  await a.disconnect();
  await producer.send({ topic, messages: [{ value: 'new-3' }] });
  const b = kafka.consumer({ groupId });
  await b.subscribe({ topic, fromBeginning: true }); // the committed offset wins over fromBeginning
  const seenB: string[] = [];
  await b.run({ eachMessage: async ({ message }) => void seenB.push(message.value!.toString()) });
  await until(() => seenB.length >= 1, 20_000, 'new-3');
  await new Promise((r) => setTimeout(r, 300));
  expect(seenB).toEqual(['new-3']);
  await b.disconnect();
});

test('eachBatch: batches per partition with the payload helpers; resolveOffset commits only what was resolved', async () => {
  const topic = await topicWith(2, 40);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId });
  await c.subscribe({ topics: [new RegExp(`^${topic}$`)], fromBeginning: true });
  const batches: { partition: number; offsets: string[]; hw: string; lag: string; first: string | null; last: string }[] = [];
  let uncommittedSeen: EachBatchPayload['uncommittedOffsets'] extends () => infer R ? R | null : null = null;
  await c.run({
    eachBatchAutoResolve: false,
    autoCommit: true,
    eachBatch: async ({ batch, resolveOffset, isRunning, isStale, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets }) => {
      expect(isRunning()).toBe(true);
      expect(isStale()).toBe(false);
      await heartbeat();
      batches.push({ partition: batch.partition, offsets: batch.messages.map((m) => m.offset), hw: batch.highWatermark, lag: batch.offsetLag(), first: batch.firstOffset(), last: batch.lastOffset() });
      for (const m of batch.messages) if (Number(m.offset) < 10) resolveOffset(m.offset); // resolve only offsets 0..9
      uncommittedSeen = uncommittedOffsets();
      await commitOffsetsIfNecessary();
    },
  });
  await until(() => batches.reduce((n, b) => n + b.offsets.length, 0) >= 40, 20_000, '40 messages');
  expect(batches.every((b) => b.first === b.offsets[0] && b.last === b.offsets[b.offsets.length - 1])).toBe(true);
  expect(batches.every((b) => BigInt(b.hw) === 20n && BigInt(b.lag) === 20n - 1n - BigInt(b.last))).toBe(true);
  for (const p of [0, 1]) {
    expect(batches.filter((b) => b.partition === p).flatMap((b) => b.offsets)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  }
  expect(uncommittedSeen).not.toBeNull();
  await c.stop();
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  expect(committed[0].partitions.map((p) => p.offset)).toEqual(['10', '10']);
  await c.disconnect();
});

test('pause and resume a partition; paused() lists it; seek moves it; commitOffsets commits forward', async () => {
  const topic = await topicWith(2, 0);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await c.subscribe({ topic, fromBeginning: true });
  const seen: { partition: number; offset: string; value: string }[] = [];
  await c.run({ eachMessage: async ({ partition, message }) => void seen.push({ partition, offset: message.offset, value: message.value!.toString() }) });
  await until(() => (c as unknown as { groupMetadata(): { generationId: number } }).groupMetadata().generationId > 0, 20_000, 'assignment');
  c.pause([{ topic, partitions: [1] }]);
  expect(c.paused()).toEqual([{ topic, partitions: [1] }]);
  await producer.send({ topic, messages: [0, 1, 2, 3].map((i) => ({ value: `p${i % 2}-${i}`, partition: i % 2 })) });
  await until(() => seen.length >= 2, 20_000, 'partition 0');
  await new Promise((r) => setTimeout(r, 500));
  expect(seen.map((s) => s.value)).toEqual(['p0-0', 'p0-2']);
  c.resume([{ topic, partitions: [1] }]);
  expect(c.paused()).toEqual([]);
  await until(() => seen.length >= 4, 20_000, 'partition 1');
  expect(seen.slice(2).map((s) => s.value)).toEqual(['p1-1', 'p1-3']);
  c.seek({ topic, partition: 0, offset: '1' });
  await until(() => seen.length >= 5, 20_000, 'seek');
  expect(seen[4]).toEqual({ partition: 0, offset: '1', value: 'p0-2' });
  expect(() => c.seek({ topic, partition: 0, offset: '-1' })).toThrow(KafkaJSNonRetriableError);
  await c.commitOffsets([{ topic, partition: 1, offset: '7' }]); // ahead of what was processed
  const committedP1 = async (): Promise<string> => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.find((p) => p.partition === 1)!.offset;
  expect(await committedP1()).toBe('7');
  await c.commitOffsets([{ topic, partition: 1, offset: '1' }]); // a documented difference: never backwards
  expect(await committedP1()).toBe('7');
  const d = await c.describeGroup();
  expect(d.groupId).toBe(groupId);
  expect(d.state).toBe('Stable');
  expect(d.protocol).toBe('RoundRobinAssigner');
  expect(d.members).toHaveLength(1);
  await c.disconnect();
});

test('a failing eachMessage gets the same message again (never skipped) and CRASH is emitted with the error', async () => {
  const topic = await topicWith(1, 3);
  const groupId = uniqueTopic('kjs-g');
  const c = kafka.consumer({ groupId });
  const crashes: { error: Error; restart: boolean }[] = [];
  c.on(c.events.CRASH, (e) => crashes.push(e.payload as { error: Error; restart: boolean }));
  await c.subscribe({ topic, fromBeginning: true });
  const calls: string[] = [];
  let failed = false;
  await c.run({
    eachMessage: async ({ message }) => {
      calls.push(message.offset);
      if (message.offset === '1' && !failed) {
        failed = true;
        throw new Error('handler failed once');
      }
    },
  });
  await until(() => calls.filter((o) => o === '2').length >= 1, 20_000, 'all three');
  await c.disconnect();
  expect(calls).toEqual(['0', '1', '1', '2']);
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset).toBe('3');
  expect(crashes).toHaveLength(1);
  expect(crashes[0].error.name).toBe('KafkaJSNonRetriableError');
  expect(crashes[0].error.message).toBe('handler failed once');
});

test('run without subscribe, or without a handler, is refused', async () => {
  const c = kafka.consumer({ groupId: uniqueTopic('kjs-g') });
  await expect(c.run({ eachMessage: async () => {} })).rejects.toThrow(/subscribing/);
  await c.subscribe({ topic: 'x' });
  await expect(c.run({})).rejects.toThrow(/eachMessage or eachBatch/);
  expect(() => kafka.consumer({} as never)).toThrow(/groupId/);
  await c.disconnect();
});
