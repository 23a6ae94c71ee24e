// kafkaesque/kafkajs's producer, option by option (ProducerConfig, ProducerRecord, ProducerBatch,
// Message, Transaction), against the real broker: each test shows the option at work where it
// is visible, mostly in the batches the broker stored (read raw with a Fetch: codec, producer
// id, transactional flag, keys, values, headers, timestamps) or on the wire (the fake Kafka of
// test/helpers records each Produce request's acks), and compares with KafkaJS 2.2.4 (the real
// module, a dev dependency) where the answer's shape is the contract (RecordMetadata).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CompressionTypes,
  Kafka,
  KafkaJSNonRetriableError,
  logLevel,
  type InstrumentationEvent,
  type PartitionMetadata,
  type RecordMetadata,
} from '../../src/kafkajs/index';
import { Admin as NativeAdmin, Config, Consumer as NativeConsumer } from '../../src/index';
import { Cluster } from '../../src/cluster/cluster';
import { ZERO_UUID } from '../../protocol/api';
import { Fetch, fetchRequestDefaults } from '../../protocol/messages/fetch';
import { decodeRecordSet, type RecordBatch } from '../../protocol/records';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { FakeKafka } from '../helpers/fake-kafka';
import { sleep } from '../helpers/wait';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
const requireRoot = createRequire(join(__dirname, '../../package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajs = requireRoot('kafkajs') as {
  Kafka: new (c: object) => { producer(o?: object): { connect(): Promise<void>; disconnect(): Promise<void>; send(r: object): Promise<RecordMetadata[]> } };
  logLevel: { NOTHING: 0 };
};

const kafka = new Kafka({ clientId: 'kjs-options', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
let cluster: Cluster;

beforeAll(async () => {
  await admin.connect();
  cluster = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  await admin.disconnect();
  await cluster.close();
});

async function topicOf(prefix: string, numPartitions = 1): Promise<string> {
  const topic = uniqueTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions }] });
  return topic;
}

/** The batches of a partition as the broker stores them (a raw Fetch from offset 0, committed or not). */
async function batchesOf(topic: string, partition = 0): Promise<RecordBatch[]> {
  const t = await cluster.topicMetadata(topic, 20_000, (i) => i.partitions[partition]?.leaderId !== undefined && i.partitions[partition]!.leaderId >= 0);
  const conn = await cluster.connection(t.partitions[partition]!.leaderId);
  const res = await conn.send(Fetch, {
    ...fetchRequestDefaults(),
    maxWaitMs: 10,
    isolationLevel: 0,
    topics: [
      {
        topic,
        topicId: t.topicId,
        partitions: [
          { partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 8 << 20, replicaDirectoryId: ZERO_UUID, highWatermark: -1n },
        ],
      },
    ],
  });
  const p = res.responses[0]!.partitions[0]!;
  expect(p.errorCode).toBe(0);
  const set = decodeRecordSet(p.records!, { maxDecompressedBytes: 1 << 26 });
  expect(set.error).toBeUndefined();
  return set.batches.filter((b) => !b.isControl);
}

const values = (batches: RecordBatch[]): (string | null)[] => batches.flatMap((b) => b.records.map((r) => r.value?.toString() ?? null));

describe('ProducerConfig', () => {
  it('createPartitioner: a custom partitioner gets KafkaJS\'s arguments per message and places each record', async () => {
    const topic = await topicOf('kjs-opt-part', 4);
    const calls: { topic: string; partitionMetadata: PartitionMetadata[]; key: string | null }[] = [];
    const p = kafka.producer({
      createPartitioner: () => ({ topic: t, partitionMetadata, message }) => {
        const key = message.key === undefined || message.key === null ? null : message.key.toString();
        calls.push({ topic: t, partitionMetadata, key });
        return key === null ? 0 : Number(key.slice(-1)) % partitionMetadata.length;
      },
    });
    await p.connect();
    try {
      await p.send({ topic, messages: [{ key: 'k-1', value: 'one' }, { key: 'k-3', value: 'three' }, { key: 'k-6', value: 'two' }, { value: 'keyless' }] });
    } finally {
      await p.disconnect();
    }
    expect(calls.map((c) => c.key)).toEqual(['k-1', 'k-3', 'k-6', null]);
    for (const c of calls) {
      expect(c.topic).toBe(topic);
      expect(c.partitionMetadata.map((m) => m.partitionId)).toEqual([0, 1, 2, 3]);
      for (const m of c.partitionMetadata) expect(m).toEqual({ partitionErrorCode: 0, partitionId: expect.any(Number), leader: expect.any(Number), replicas: expect.any(Array), isr: expect.any(Array) });
      expect(c.partitionMetadata.every((m) => m.leader >= 0)).toBe(true);
    }
    expect(values(await batchesOf(topic, 0))).toEqual(['keyless']);
    expect(values(await batchesOf(topic, 1))).toEqual(['one']);
    expect(values(await batchesOf(topic, 2))).toEqual(['two']);
    expect(values(await batchesOf(topic, 3))).toEqual(['three']);
  });

  it('idempotent: true writes idempotent batches and refuses acks other than -1; false writes plain ones', async () => {
    const topic = await topicOf('kjs-opt-idem');
    const idem = kafka.producer({ idempotent: true });
    const plain = kafka.producer({ idempotent: false });
    await Promise.all([idem.connect(), plain.connect()]);
    try {
      expect(idem.isIdempotent()).toBe(true);
      expect(plain.isIdempotent()).toBe(false);
      await idem.send({ topic, messages: [{ value: 'idempotent' }] });
      await expect(idem.send({ topic, acks: 1, messages: [{ value: 'acks 1' }] })).rejects.toThrow(KafkaJSNonRetriableError);
      await expect(idem.send({ topic, acks: 0, messages: [{ value: 'acks 0' }] })).rejects.toThrow(/acks: -1/);
      await plain.send({ topic, messages: [{ value: 'plain' }] });
    } finally {
      await Promise.all([idem.disconnect(), plain.disconnect()]);
    }
    const [a, b, ...rest] = await batchesOf(topic);
    expect(rest).toHaveLength(0);
    expect(values([a!])).toEqual(['idempotent']);
    expect(a!.producerId).toBeGreaterThanOrEqual(0n);
    expect(a!.baseSequence).toBe(0);
    expect(values([b!])).toEqual(['plain']);
    expect(b!.producerId).toBe(-1n);
  });

  it('transactionalId and transactionTimeout: the coordinator holds the transaction with that timeout; batches are transactional', async () => {
    const topic = await topicOf('kjs-opt-txid');
    const transactionalId = uniqueTopic('kjs-opt-tid');
    const p = kafka.producer({ transactionalId, transactionTimeout: 12_345, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    const native = await NativeAdmin.create({ brokers: [bootstrap] });
    try {
      const t = await p.transaction();
      await t.send({ topic, messages: [{ value: 'in txn' }] });
      const [d] = await native.describeTransactions([transactionalId]);
      expect(d).toMatchObject({ transactionalId, state: 'Ongoing', transactionTimeoutMs: 12_345 });
      await t.commit();
    } finally {
      await native.close();
      await p.disconnect();
    }
    const [batch] = await batchesOf(topic);
    expect(batch!.isTransactional).toBe(true);
    expect(values([batch!])).toEqual(['in txn']);
  });

  it('maxInFlightRequests: the broker never holds more unanswered Produce requests than that', async () => {
    // a broker that holds every Produce until told: the requests in flight pile up to the limit
    const held = async (maxInFlightRequests: number): Promise<number> => {
      const fake = new FakeKafka(1);
      await fake.start();
      try {
        fake.produceMode = 'hold';
        const k = new Kafka({ clientId: 'kjs-inflight', brokers: [fake.bootstrap], logLevel: logLevel.NOTHING });
        const p = k.producer({ maxInFlightRequests, idempotent: false });
        await p.connect();
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < 8; i++) {
          sends.push(p.send({ topic: 'held', acks: 1, messages: [{ value: `v${i}` }] }));
          await sleep(30); // each its own batch, ready while the earlier ones are held
        }
        await sleep(200);
        const most = fake.heldCount;
        fake.produceMode = 'ok';
        fake.releaseHeld();
        await Promise.all(sends);
        await p.disconnect();
        expect(fake.logs.get('held-0')!.map(String)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
        return most;
      } finally {
        await fake.stop();
      }
    };
    expect(await held(1)).toBe(1);
    expect(await held(3)).toBe(3);
    expect(await held(5)).toBe(5);
  });

  it('metadataMaxAge: the metadata is asked for again when it is that old', async () => {
    const count = async (opts: object): Promise<number> => {
      const p = kafka.producer(opts);
      let metadata = 0;
      p.on(p.events.REQUEST, (e: InstrumentationEvent<{ apiName: string }>) => {
        if (e.payload.apiName === 'Metadata') metadata++;
      });
      await p.connect();
      const atConnect = metadata;
      await sleep(1600);
      await p.disconnect();
      return metadata - atConnect;
    };
    expect(await count({ metadataMaxAge: 300 })).toBeGreaterThanOrEqual(3);
    expect(await count({})).toBe(0);
  });

  it('allowAutoTopicCreation is not passed on (documented): a missing topic is created by the broker either way', async () => {
    const missing = uniqueTopic('kjs-opt-auto');
    const p = kafka.producer({ allowAutoTopicCreation: false });
    await p.connect();
    try {
      const [r] = await p.send({ topic: missing, messages: [{ value: 'auto-created' }] });
      expect(r).toMatchObject({ topicName: missing, errorCode: 0, baseOffset: '0' });
    } finally {
      await p.disconnect();
    }
    expect(await admin.listTopics()).toContain(missing);
  });
});

describe('send and sendBatch', () => {
  const producer = kafka.producer();
  beforeAll(() => producer.connect());
  afterAll(() => producer.disconnect());

  const codecs = [
    ['None', CompressionTypes.None, 0],
    ['GZIP', CompressionTypes.GZIP, 1],
    ['Snappy', CompressionTypes.Snappy, 2],
    ['LZ4', CompressionTypes.LZ4, 3],
    ['ZSTD', CompressionTypes.ZSTD, 4],
  ] as const;

  it.each(codecs)('send({ compression: %s }): the broker stores the batch with that codec', async (_name, compression, id) => {
    const topic = await topicOf('kjs-opt-codec');
    const value = `compressible ${'abc'.repeat(200)}`;
    await producer.send({ topic, compression, messages: [{ value }, { value: `${value}-2` }] });
    const [batch, ...rest] = await batchesOf(topic);
    expect(rest).toHaveLength(0);
    expect(batch!.compression).toBe(id);
    expect(values([batch!])).toEqual([value, `${value}-2`]);
  });

  it('sendBatch({ topicMessages, acks, compression }): every topic, with the codec and the acks asked for', async () => {
    const a = await topicOf('kjs-opt-sb-a');
    const b = await topicOf('kjs-opt-sb-b');
    const res = await producer.sendBatch({
      acks: 1,
      compression: CompressionTypes.LZ4,
      topicMessages: [
        { topic: a, messages: [{ value: 'a1' }, { value: 'a2' }] },
        { topic: b, messages: [{ value: 'b1' }] },
      ],
    });
    expect(res).toEqual([
      { topicName: a < b ? a : b, partition: 0, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '-1' },
      { topicName: a < b ? b : a, partition: 0, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '-1' },
    ]);
    const [ba] = await batchesOf(a);
    const [bb] = await batchesOf(b);
    expect([ba!.compression, bb!.compression]).toEqual([3, 3]);
    expect(values([ba!])).toEqual(['a1', 'a2']);
    expect(values([bb!])).toEqual(['b1']);
    // an empty batch sends nothing
    expect(await producer.sendBatch({ topicMessages: [] })).toEqual([]);
  });

  it('acks 0, 1 and -1 go on the wire as asked; acks 0 answers [] as KafkaJS', async () => {
    const fake = new FakeKafka(1);
    await fake.start();
    try {
      const k = new Kafka({ clientId: 'kjs-acks', brokers: [fake.bootstrap], logLevel: logLevel.NOTHING });
      const p = k.producer({ idempotent: false });
      await p.connect();
      try {
        expect(await p.send({ topic: 'acks', acks: 0, messages: [{ value: 'zero' }] })).toEqual([]);
        expect(await p.send({ topic: 'acks', acks: 1, messages: [{ value: 'one' }] })).toHaveLength(1);
        expect(await p.send({ topic: 'acks', acks: -1, messages: [{ value: 'all' }] })).toHaveLength(1);
        expect(await p.send({ topic: 'acks', messages: [{ value: 'default' }] })).toHaveLength(1);
      } finally {
        await p.disconnect();
      }
      expect(fake.produceHeaders.map((h) => h.acks)).toEqual([0, 1, -1, -1]);
      expect(fake.logs.get('acks-0')!.map(String)).toEqual(['zero', 'one', 'all', 'default']);
    } finally {
      await fake.stop();
    }
  });

  it('send({ timeout }) is accepted and does not change the request (documented: the broker-side wait is requestTimeout)', async () => {
    const fake = new FakeKafka(1);
    await fake.start();
    try {
      const k = new Kafka({ clientId: 'kjs-timeout-field', brokers: [fake.bootstrap], requestTimeout: 7000, logLevel: logLevel.NOTHING });
      const p = k.producer();
      await p.connect();
      try {
        await p.send({ topic: 't', timeout: 1, messages: [{ value: 'v' }] });
      } finally {
        await p.disconnect();
      }
      expect(fake.produceHeaders.map((h) => h.timeoutMs)).toEqual([7000]);
    } finally {
      await fake.stop();
    }
  });

  it('message fields: key (string, Buffer, null), value (string, Buffer, null), partition, headers (arrays too), timestamp', async () => {
    const topic = await topicOf('kjs-opt-msg', 2);
    await producer.send({
      topic,
      messages: [
        { key: 'string-key', value: 'string-value', partition: 1, timestamp: '1600000000123', headers: { one: 'a', many: ['x', Buffer.from('y')], buf: Buffer.from([0, 1, 2]) } },
        { key: Buffer.from([0xff, 0x00]), value: Buffer.from([1, 2, 3]), partition: 1 },
        { key: 'tombstone', value: null, partition: 1 },
        { key: null, value: 'no key', partition: 1 },
      ],
    });
    const records = (await batchesOf(topic, 1)).flatMap((b) => b.records);
    expect(records).toHaveLength(4);
    const [r1, r2, r3, r4] = records;
    expect(r1!.key!.toString()).toBe('string-key');
    expect(r1!.value!.toString()).toBe('string-value');
    expect(r1!.timestamp).toBe(1600000000123);
    expect(r1!.headers.map((h) => [h.key, Buffer.from(h.value!)])).toEqual([
      ['one', Buffer.from('a')],
      ['many', Buffer.from('x')],
      ['many', Buffer.from('y')],
      ['buf', Buffer.from([0, 1, 2])],
    ]);
    expect(Buffer.from(r2!.key!)).toEqual(Buffer.from([0xff, 0x00]));
    expect(Buffer.from(r2!.value!)).toEqual(Buffer.from([1, 2, 3]));
    expect(r2!.headers).toEqual([]);
    expect(r2!.timestamp).toBeGreaterThan(1600000000123); // none given: the send's time
    expect(r3!.key!.toString()).toBe('tombstone');
    expect(r3!.value).toBeNull();
    expect(r4!.key).toBeNull();
    expect(r4!.value!.toString()).toBe('no key');
    expect(values(await batchesOf(topic, 0))).toEqual([]);
  });

  it('RecordMetadata has the keys and types of KafkaJS 2.2.4\'s for the same sends (acks -1 and 1); offsets count per partition', async () => {
    const topic = await topicOf('kjs-opt-meta', 2);
    const ours = await producer.send({ topic, messages: [{ value: 'p0', partition: 0 }, { value: 'p1', partition: 1 }, { value: 'p1-b', partition: 1 }] });
    const ours1 = await producer.send({ topic, acks: 1, messages: [{ value: 'p1-c', partition: 1 }] });
    const k = new kafkajs.Kafka({ clientId: 'kjs-options', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const tp = k.producer();
    await tp.connect();
    let theirs: RecordMetadata[];
    let theirs1: RecordMetadata[];
    let theirs0: RecordMetadata[];
    try {
      theirs = await tp.send({ topic, messages: [{ value: 'p0', partition: 0 }, { value: 'p1', partition: 1 }, { value: 'p1-b', partition: 1 }] });
      theirs1 = await tp.send({ topic, acks: 1, messages: [{ value: 'p1-c', partition: 1 }] });
      theirs0 = await tp.send({ topic, acks: 0, messages: [{ value: 'p1-d', partition: 1 }] });
    } finally {
      await tp.disconnect();
    }
    const shape = (r: RecordMetadata): Record<string, string> => Object.fromEntries(Object.entries(r).sort().map(([key, v]) => [key, typeof v]));
    expect(ours.map(shape)).toEqual(theirs.map(shape));
    expect(ours1.map(shape)).toEqual(theirs1.map(shape));
    expect(theirs0).toEqual([]);
    expect(ours.map((r) => [r.partition, r.baseOffset])).toEqual([
      [0, '0'],
      [1, '0'],
    ]);
    expect(ours1).toEqual([{ topicName: topic, partition: 1, errorCode: 0, baseOffset: '2', logAppendTime: '-1', logStartOffset: '-1' }]);
    // KafkaJS's followed ours on the same partitions
    expect(theirs.map((r) => [r.partition, r.baseOffset]).sort()).toEqual([
      [0, '1'],
      [1, '3'],
    ]);
  });
});

describe('transaction()', () => {
  it('send, sendBatch and sendOffsets with a consumer\'s membership commit together; abort leaves nothing visible', async () => {
    const topic = await topicOf('kjs-opt-txn');
    const input = await topicOf('kjs-opt-txn-in');
    const group = uniqueTopic('kjs-opt-txn-group');
    const p = kafka.producer({ transactionalId: uniqueTopic('kjs-opt-tid'), idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    await p.transaction().then(async (t) => {
      await t.send({ topic: input, messages: [{ value: 'input' }] });
      await t.commit();
    });
    const consumer = await NativeConsumer.create(new Config({ brokers: [bootstrap], group, topics: [input], initialOffset: 'oldest' }));
    try {
      const it = consumer.messages()[Symbol.asyncIterator]();
      const first = (await it.next()).value!;
      expect(first.value!.toString()).toBe('input');
      const aborted = await p.transaction();
      expect(aborted.isActive()).toBe(true);
      await aborted.send({ topic, messages: [{ value: 'aborted' }] });
      await aborted.abort();
      expect(aborted.isActive()).toBe(false);

      const t = await p.transaction();
      const sent = await t.send({ topic, messages: [{ value: 'committed-1' }] });
      expect(sent).toEqual([expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0 })]);
      await t.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'committed-2' }] }] });
      await t.sendOffsets({ consumer, topics: [{ topic: input, partitions: [{ partition: 0, offset: String(first.offset + 1n) }] }] });
      expect(t.isActive()).toBe(true);
      await t.commit();
      expect(t.isActive()).toBe(false);
    } finally {
      await consumer.close();
      await p.disconnect();
    }
    const batches = await batchesOf(topic);
    expect(batches.every((b) => b.isTransactional)).toBe(true);
    expect(values(batches)).toEqual(['aborted', 'committed-1', 'committed-2']); // stored; the abort marker hides the first
    const c = await NativeConsumer.create(new Config({ brokers: [bootstrap], group: uniqueTopic('kjs-opt-rc'), topics: [topic], initialOffset: 'oldest', isolationLevel: 'read_committed' }));
    const seen: string[] = [];
    try {
      for await (const m of c) {
        seen.push(m.value!.toString());
        if (seen.length === 2) break;
      }
    } finally {
      await c.close();
    }
    expect(seen).toEqual(['committed-1', 'committed-2']);
    expect(await admin.fetchOffsets({ groupId: group, topics: [input] })).toEqual([{ topic: input, partitions: [{ partition: 0, offset: '1', metadata: null }] }]);
  });

  it('errors: a second transaction, sends outside it, acks other than -1, anything after commit or abort, sendOffsets without a group', async () => {
    const topic = await topicOf('kjs-opt-txn-err');
    const p = kafka.producer({ transactionalId: uniqueTopic('kjs-opt-tid'), idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    try {
      await expect(p.send({ topic, messages: [{ value: 'no transaction' }] })).rejects.toThrow(/only within a transaction/);
      const t = await p.transaction();
      await expect(p.transaction()).rejects.toThrow(/already an ongoing transaction/);
      await expect(p.send({ topic, messages: [{ value: 'outside' }] })).rejects.toThrow(/use the transaction to send/);
      await expect(p.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'outside' }] }] })).rejects.toThrow(KafkaJSNonRetriableError);
      await expect(t.send({ topic, acks: 1, messages: [{ value: 'acks 1' }] })).rejects.toThrow(/acks: -1/);
      await expect(t.sendOffsets({ topics: [] } as never)).rejects.toThrow(/consumerGroupId or consumer/);
      await t.send({ topic, messages: [{ value: 'ok' }] });
      await t.commit();
      for (const late of [() => t.commit(), () => t.abort(), () => t.send({ topic, messages: [{ value: 'late' }] }), () => t.sendBatch({ topicMessages: [] }), () => t.sendOffsets({ consumerGroupId: 'g', topics: [] })]) {
        await expect(late()).rejects.toThrow(KafkaJSNonRetriableError);
      }
      // a new transaction after the last ended; an empty one aborts
      const t2 = await p.transaction();
      await t2.abort();
      await expect(t2.abort()).rejects.toThrow(/no longer active/);
    } finally {
      await p.disconnect();
    }
    expect(values(await batchesOf(topic))).toEqual(['ok']);
  });
});
