// kafkaesque/kafkajs's producer and admin, from KafkaJS's documentation, against the real broker.
import {
  CompressionTypes,
  ConfigResourceTypes,
  Kafka,
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSCreateTopicError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  logLevel,
  type LogEntry,
} from '../../src/kafkajs/index';
import { Admin as NativeAdmin, Consumer as NativeConsumer, Config, ConnectionError, KafkaProtocolError } from '../../src/index';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { inspect } from 'node:util';

const { bootstrap } = brokerAddress();
const logs: LogEntry[] = [];
const kafka = new Kafka({ clientId: 'kjs-test', brokers: [bootstrap], logLevel: logLevel.WARN, logCreator: () => (e) => logs.push(e) });

async function readAll(topic: string, count: number): Promise<{ partition: number; offset: bigint; key: string | null; value: string | null; headers: { key: string; value: string | null }[]; timestamp: number }[]> {
  const group = uniqueTopic('kjs-read');
  const c = await NativeConsumer.create(new Config({ brokers: [bootstrap], group, topics: [topic], initialOffset: 'oldest' }));
  const out = [];
  try {
    for await (const m of c) {
      out.push({ partition: m.partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, headers: m.headers.map((h) => ({ key: h.key, value: h.value?.toString() ?? null })), timestamp: m.timestamp });
      if (out.length === count) break;
    }
  } finally {
    await c.close();
  }
  return out;
}

describe('admin', () => {
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates topics (true), answers false for one that exists, lists, describes and deletes them', async () => {
    const topic = uniqueTopic('kjs-admin');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);
    expect(await admin.listTopics()).toContain(topic);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics).toHaveLength(1);
    expect(meta.topics[0].name).toBe(topic);
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(meta.topics[0].partitions.every((p) => p.leader >= 0 && p.replicas.length === 1 && p.partitionErrorCode === 0)).toBe(true);
    const configs = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
    expect(configs.resources[0].configEntries).toEqual([expect.objectContaining({ configName: 'retention.ms', configValue: '3600000', isDefault: false, configSource: 1 })]);
    await admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '7200000' }] }] });
    const after = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
    expect((after.resources[0].configEntries[0] as { configValue: string }).configValue).toBe('7200000');
    expect(await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] })).toBe(true);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions).toHaveLength(5);
    await admin.deleteTopics({ topics: [topic] });
    const native = await NativeAdmin.create({ brokers: [bootstrap] });
    try {
      expect((await native.listTopics()).map((t) => t.name)).not.toContain(topic);
    } finally {
      await native.close();
    }
  });

  it('refuses a bad topic with a KafkaJSAggregateError of KafkaJSCreateTopicErrors (cause kept)', async () => {
    const topic = uniqueTopic('kjs-bad');
    const err = await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 7 }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaJSAggregateError);
    const [one] = (err as KafkaJSAggregateError).errors as KafkaJSCreateTopicError[];
    expect(one).toBeInstanceOf(KafkaJSCreateTopicError);
    expect(one).toBeInstanceOf(KafkaJSProtocolError);
    expect(one.name).toBe('KafkaJSCreateTopicError');
    expect(one.type).toBe('INVALID_REPLICATION_FACTOR');
    expect(one.code).toBe(38);
    expect(one.topic).toBe(topic);
    expect(one.cause).toBeInstanceOf(KafkaProtocolError);
  });

  it('describes the cluster', async () => {
    const c = await admin.describeCluster();
    expect(c.brokers.length).toBeGreaterThan(0);
    expect(c.brokers.some((b) => `${b.host}:${b.port}` === bootstrap)).toBe(true);
    expect(typeof c.clusterId).toBe('string');
    expect(c.clusterId.length).toBeGreaterThan(0);
  });
});

describe('producer', () => {
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

  it('send resolves with one RecordMetadata per partition (offsets as strings) and the records are as sent', async () => {
    const topic = uniqueTopic('kjs-send');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const r1 = await producer.send({
      topic,
      messages: [
        { key: 'k1', value: 'v1', headers: { h: 'x', multi: ['a', Buffer.from('b')] } },
        { value: Buffer.from('to-two'), partition: 2, timestamp: '1700000000000' },
        { key: 'k1', value: 'v1-again' },
      ],
    });
    expect(r1.every((r) => r.topicName === topic && r.errorCode === 0 && typeof r.baseOffset === 'string' && r.logAppendTime === '-1')).toBe(true);
    expect(r1.map((r) => r.partition)).toEqual([...new Set(r1.map((r) => r.partition))].sort()); // one per partition, ordered
    const p2 = r1.find((r) => r.partition === 2);
    expect(p2).toBeDefined();
    const got = await readAll(topic, 3);
    const toTwo = got.find((m) => m.value === 'to-two')!;
    expect(toTwo.partition).toBe(2);
    expect(toTwo.timestamp).toBe(1700000000000);
    const k1 = got.filter((m) => m.key === 'k1');
    expect(k1).toHaveLength(2);
    expect(k1[0].partition).toBe(k1[1].partition); // one key, one partition
    expect(k1[0].headers).toEqual([
      { key: 'h', value: 'x' },
      { key: 'multi', value: 'a' },
      { key: 'multi', value: 'b' },
    ]);
    for (const r of r1) {
      const offsets = got.filter((m) => m.partition === r.partition).map((m) => m.offset);
      expect(BigInt(r.baseOffset!)).toBe(offsets.reduce((x, y) => (x < y ? x : y))); // the first record's offset
    }
  });

  it('sendBatch writes to several topics, with acks 1 and every compression codec', async () => {
    const a = uniqueTopic('kjs-batch-a');
    const b = uniqueTopic('kjs-batch-b');
    await admin.createTopics({ topics: [{ topic: a, numPartitions: 1 }, { topic: b, numPartitions: 1 }] });
    for (const compression of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      const res = await producer.sendBatch({
        acks: 1,
        compression,
        topicMessages: [
          { topic: a, messages: [{ value: `a-${compression}-1` }, { value: `a-${compression}-2` }] },
          { topic: b, messages: [{ value: `b-${compression}` }] },
        ],
      });
      expect(res.map((r) => r.topicName).sort()).toEqual([a, b].sort());
    }
    expect((await readAll(a, 10)).map((m) => m.value)).toEqual([0, 1, 2, 3, 4].flatMap((c) => [`a-${c}-1`, `a-${c}-2`]));
    expect((await readAll(b, 5)).map((m) => m.value)).toEqual([0, 1, 2, 3, 4].map((c) => `b-${c}`));
  });

  it('rejects bad input with KafkaJSNonRetriableError before sending', async () => {
    await expect(producer.send({ topic: 'x', messages: 'nope' as never })).rejects.toThrow(KafkaJSNonRetriableError);
    await expect(producer.send({ topic: 'x', messages: [{ key: 'k' } as never] })).rejects.toThrow(/without value/);
    await expect(producer.send({ topic: 'x', messages: [{ value: 'v' }], acks: 2 })).rejects.toThrow(KafkaJSNonRetriableError);
    await expect(producer.send({ topic: 'x', messages: [{ value: 'v' }], compression: 9 as never })).rejects.toThrow(/Compression/);
    await expect(producer.transaction()).rejects.toThrow(/transactional id/);
  });

  it('a broker that cannot be reached is a KafkaJSConnectionError (retriable, kafkaesque cause kept)', async () => {
    const k = new Kafka({ brokers: ['127.0.0.1:1'], connectionTimeout: 200, retry: { initialRetryTime: 10, maxRetryTime: 50 }, logLevel: logLevel.NOTHING });
    const err = await k.producer().connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaJSConnectionError);
    expect((err as KafkaJSConnectionError).name).toBe('KafkaJSConnectionError');
    expect((err as KafkaJSConnectionError).broker).toBe('127.0.0.1:1');
    expect((err as KafkaJSConnectionError).retriable).toBe(true);
    expect((err as KafkaJSConnectionError).cause).toBeInstanceOf(ConnectionError);
  }, 60_000);

  it('emits CONNECT and DISCONNECT; an event it does not emit is refused by name', async () => {
    const p = kafka.producer();
    const seen: string[] = [];
    const off = p.on(p.events.CONNECT, (e) => seen.push(e.type));
    p.on(p.events.DISCONNECT, (e) => seen.push(e.type));
    expect(() => p.on(p.events.REQUEST_QUEUE_SIZE, () => {})).toThrow(/does not emit producer.network.request_queue_size/);
    expect(() => p.on('producer.nope', () => {})).toThrow(KafkaJSNonRetriableError);
    await p.connect();
    off();
    await p.connect();
    await p.disconnect();
    expect(seen).toEqual(['producer.connect', 'producer.disconnect']);
  });

  it('runs transactions: committed records are read by read_committed consumers, aborted ones are not; sendOffsets commits a group offset', async () => {
    const topic = uniqueTopic('kjs-txn');
    const group = uniqueTopic('kjs-txn-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const tp = kafka.producer({ transactionalId: uniqueTopic('kjs-tid'), maxInFlightRequests: 1, idempotent: true });
    await tp.connect();
    try {
      await expect(tp.send({ topic, messages: [{ value: 'outside' }] })).rejects.toThrow(/transaction/);
      const t1 = await tp.transaction();
      await t1.send({ topic, messages: [{ value: 'aborted' }] });
      await t1.abort();
      expect(t1.isActive()).toBe(false);
      await expect(t1.send({ topic, messages: [{ value: 'late' }] })).rejects.toThrow(/no longer active/);
      const t2 = await tp.transaction();
      await t2.send({ topic, messages: [{ value: 'committed-1' }] });
      await t2.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'committed-2' }] }] });
      await t2.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '42' }] }] });
      await t2.commit();
    } finally {
      await tp.disconnect();
    }
    const c = await NativeConsumer.create(new Config({ brokers: [bootstrap], group: uniqueTopic('kjs-rc'), topics: [topic], initialOffset: 'oldest', isolationLevel: 'read_committed' }));
    const values: string[] = [];
    try {
      for await (const m of c) {
        values.push(m.value!.toString());
        if (values.length === 2) break;
      }
    } finally {
      await c.close();
    }
    expect(values).toEqual(['committed-1', 'committed-2']);
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(offsets).toEqual([{ topic, partitions: [{ partition: 0, offset: '42', metadata: null }] }]); // an empty metadata string reads back as null, as KafkaJS
  });

  it('never shows the SASL password, even when inspected', () => {
    const k = new Kafka({ brokers: [bootstrap], sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'hunter2-secret' } });
    const p = k.producer();
    expect(inspect(k, { depth: 10, showHidden: true })).not.toContain('hunter2');
    expect(inspect(p, { depth: 10, showHidden: true })).not.toContain('hunter2');
    expect(JSON.stringify(k)).not.toContain('hunter2');
    expect(() => new Kafka({ brokers: [bootstrap], sasl: { mechanism: 'aws' } })).toThrow(KafkaJSNonRetriableError);
  });
});
