// kafkaesque/kafkajs's admin, method by method, from KafkaJS's documentation and against the real
// broker. Where KafkaJS 2.2.4 can make the same call on the same broker, its answer is the oracle:
// both must return the same values (the strongest evidence that the layer is a drop-in).
import {
  AssignerProtocol,
  ConfigResourceTypes,
  ConfigSource,
  Kafka,
  KafkaJSAggregateError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSBrokerNotFound,
  KafkaJSCreateTopicError,
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  logLevel,
  type InstrumentationEvent,
  type LogEntry,
} from '../../src/kafkajs/index';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { eventually, until } from '../helpers/wait';

// KafkaJS 2.2.4, the oracle (a devDependency, never shipped)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaJS = require('kafkajs') as { Kafka: new (config: object) => OracleKafka };
// the oracle is untyped on purpose: its answers are compared with ours, field by field
/* eslint-disable @typescript-eslint/no-explicit-any */
type OracleKafka = { admin(): any; producer(): any; consumer(config: object): any };

const { bootstrap } = brokerAddress();
const logged: LogEntry[] = [];
const kafka = new Kafka({ clientId: 'kjs-admin-test', brokers: [bootstrap], logLevel: logLevel.DEBUG, logCreator: () => (e) => void logged.push(e) });
const admin = kafka.admin();
const producer = kafka.producer();
const oracleKafka = new KafkaJS.Kafka({ clientId: 'kjs-admin-test', brokers: [bootstrap], logLevel: 0 });
const oracle = oracleKafka.admin();

jest.setTimeout(60_000);
beforeAll(async () => {
  await admin.connect();
  await producer.connect();
  await oracle.connect();
});
afterAll(async () => {
  await oracle.disconnect();
  await producer.disconnect();
  await admin.disconnect();
});

const rejection = (p: Promise<unknown>): Promise<any> => p.then(
  (v) => {
    throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
  },
  (e: unknown) => e,
);
const byPartition = <T extends { partition?: number; partitionId?: number }>(a: T[]): T[] => [...a].sort((x, y) => (x.partition ?? x.partitionId!) - (y.partition ?? y.partitionId!));

async function topicWith(partitions: number, records = 0): Promise<string> {
  const topic = uniqueTopic('kjs-adm');
  expect(await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })).toBe(true);
  if (records > 0) await producer.send({ topic, messages: Array.from({ length: records }, (_, i) => ({ value: `v${i}`, partition: i % partitions })) });
  return topic;
}

describe('connect, disconnect, on, logger', () => {
  test('CONNECT and DISCONNECT on every call, as KafkaJS; on() refuses unknown events; a listener can be removed', async () => {
    const mine = kafka.admin();
    const theirs = oracleKafka.admin();
    const seen = async (a: any): Promise<unknown[]> => {
      const events: InstrumentationEvent[] = [];
      const offConnect = a.on(a.events.CONNECT, (e: InstrumentationEvent) => events.push(e));
      a.on(a.events.DISCONNECT, (e: InstrumentationEvent) => events.push(e));
      await a.connect();
      await a.connect();
      await a.disconnect();
      offConnect();
      await a.connect();
      await a.disconnect();
      return events.map((e) => [e.type, e.payload, typeof e.id, typeof e.timestamp]);
    };
    const ours = await seen(mine);
    expect(ours).toEqual([
      ['admin.connect', undefined, 'number', 'number'],
      ['admin.connect', undefined, 'number', 'number'],
      ['admin.disconnect', undefined, 'number', 'number'],
      ['admin.disconnect', undefined, 'number', 'number'],
    ]);
    expect(ours).toEqual(await seen(theirs));
    expect(mine.events).toEqual(theirs.events);
    expect(() => mine.on('admin.nope', () => {})).toThrow(KafkaJSNonRetriableError);
  });

  test('logger() is KafkaJS logger object in the Admin namespace: namespace() and setLogLevel()', () => {
    const log = admin.logger();
    for (const f of ['info', 'error', 'warn', 'debug', 'namespace', 'setLogLevel'] as const) expect(typeof log[f]).toBe('function');
    expect(Object.keys(log).sort()).toEqual(Object.keys(oracle.logger()).sort());
    logged.length = 0;
    log.info('hello', { n: 1 });
    log.namespace('Sub').warn('careful');
    log.setLogLevel(logLevel.ERROR);
    log.info('not shown');
    log.error('shown');
    expect(logged.map((e) => [e.namespace, e.label, e.log.message, e.log.n])).toEqual([
      ['Admin', 'INFO', 'hello', 1],
      ['Admin.Sub', 'WARN', 'careful', undefined],
      ['Admin', 'ERROR', 'shown', undefined],
    ]);
  });
});

describe('topics', () => {
  test('listTopics, fetchTopicMetadata (named, every topic, [] for every topic) equal KafkaJS 2.2.4', async () => {
    const topic = await topicWith(3);
    const ours = await admin.listTopics();
    expect(ours).toContain(topic);
    expect([...ours].sort()).toEqual([...(await oracle.listTopics())].sort());

    const named = await admin.fetchTopicMetadata({ topics: [topic] });
    const theirs = await oracle.fetchTopicMetadata({ topics: [topic] });
    expect(named.topics[0].partitions).toHaveLength(3);
    expect(named.topics.map((t) => ({ ...t, partitions: byPartition(t.partitions) }))).toEqual(theirs.topics.map((t: any) => ({ ...t, partitions: byPartition(t.partitions) })));
    expect(named.topics[0].partitions[0]).toEqual({ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] });

    const names = (m: { topics: { name: string }[] }): string[] => m.topics.map((t) => t.name).sort();
    const all = names(await admin.fetchTopicMetadata());
    expect(all).toContain(topic);
    expect(all).toEqual(names(await oracle.fetchTopicMetadata()));
    expect(names(await admin.fetchTopicMetadata({ topics: [] }))).toEqual(names(await oracle.fetchTopicMetadata({ topics: [] })));

    const missing = await rejection(admin.fetchTopicMetadata({ topics: ['kjs-no-such-topic'] }));
    const missingTheirs = await rejection(oracle.fetchTopicMetadata({ topics: ['kjs-no-such-topic'] }));
    expect(missing).toBeInstanceOf(KafkaJSProtocolError);
    expect([missing.name, missing.type, missing.code, missing.retriable]).toEqual([missingTheirs.name, missingTheirs.type, missingTheirs.code, missingTheirs.retriable]);
    expect(missing.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    await expect(admin.fetchTopicMetadata({ topics: [''] })).rejects.toThrow(KafkaJSNonRetriableError);
  });

  test('createTopics: numPartitions, replicationFactor, configEntries, replicaAssignment, validateOnly, waitForLeaders, timeout', async () => {
    const [a, b, c] = [uniqueTopic('kjs-ct'), uniqueTopic('kjs-ct'), uniqueTopic('kjs-ct')];
    expect(
      await admin.createTopics({
        timeout: 10_000,
        topics: [
          { topic: a, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          { topic: b, replicaAssignment: [{ partition: 0, replicas: [1] }, { partition: 1, replicas: [1] }, { partition: 2, replicas: [1] }] },
        ],
      }),
    ).toBe(true);
    // waitForLeaders (the default): every partition has its leader when createTopics answers
    const meta = await admin.fetchTopicMetadata({ topics: [a, b] });
    expect(meta.topics.map((t) => [t.name, t.partitions.length, t.partitions.every((p) => p.leader === 1)])).toEqual([[a, 2, true], [b, 3, true]]);
    const policy = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: a, configNames: ['cleanup.policy'] }] });
    expect(policy.resources[0].configEntries.map((e) => [e.configName, e.configValue, e.configSource])).toEqual([['cleanup.policy', 'compact', ConfigSource.TOPIC_CONFIG]]);

    // validateOnly checks and creates nothing (KafkaJS with waitForLeaders: false answers the same;
    // with its default waitForLeaders it waits for a topic that will never exist)
    expect(await admin.createTopics({ validateOnly: true, topics: [{ topic: c, numPartitions: 4 }] })).toBe(true);
    expect(await oracle.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: c, numPartitions: 4 }] })).toBe(true);
    expect(await admin.listTopics()).not.toContain(c);
    // without waiting for leaders the topic still gets created
    expect(await admin.createTopics({ waitForLeaders: false, topics: [{ topic: c }] })).toBe(true);
    expect(await admin.listTopics()).toContain(c);

    // false when every topic already existed, as KafkaJS
    expect(await admin.createTopics({ topics: [{ topic: a }, { topic: b }] })).toBe(false);
    expect(await oracle.createTopics({ topics: [{ topic: a }, { topic: b }] })).toBe(false);
    // an empty list creates nothing and answers true, as KafkaJS
    expect(await admin.createTopics({ topics: [] })).toBe(await oracle.createTopics({ topics: [] }));
  });

  test('createTopics errors: KafkaJSAggregateError of KafkaJSCreateTopicError per topic (an existing one among them), as KafkaJS', async () => {
    const existing = await topicWith(1);
    const call = (x: any): Promise<any> =>
      rejection(x.createTopics({ topics: [{ topic: existing }, { topic: uniqueTopic('kjs-bad'), configEntries: [{ name: 'cleanup.policy', value: 'nonsense' }] }] }));
    const [ours, theirs] = [await call(admin), await call(oracle)];
    expect(ours).toBeInstanceOf(KafkaJSAggregateError);
    const shape = (e: any): unknown => [e.name, e.errors.map((x: any) => [x.name, x.type, x.code, x.retriable, x.topic === existing]).sort()];
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.errors.every((x: unknown) => x instanceof KafkaJSCreateTopicError)).toBe(true);
    expect(ours.errors.map((x: KafkaJSCreateTopicError) => x.type).sort()).toEqual(['INVALID_CONFIG', 'TOPIC_ALREADY_EXISTS']);

    // refused before any request, as KafkaJS: not an array, a name not a string, a topic twice, bad configEntries
    for (const bad of [
      { topics: 'x' },
      { topics: [{ topic: 1 }] },
      { topics: [{ topic: 'dup' }, { topic: 'dup' }] },
      { topics: [{ topic: 't', configEntries: 'x' }] },
      { topics: [{ topic: 't', configEntries: [{ name: 'retention.ms', value: 1 }] }] },
    ]) {
      const [o, t] = [await rejection(admin.createTopics(bad as never)), await rejection(oracle.createTopics(bad))];
      expect([bad, o.name]).toEqual([bad, t.name]);
      expect(o).toBeInstanceOf(KafkaJSNonRetriableError);
    }
  });

  test('deleteTopics: deletes; an unknown topic is KafkaJSNumberOfRetriesExceeded (cause: UNKNOWN_TOPIC_OR_PARTITION), as KafkaJS', async () => {
    const [a, b] = [await topicWith(1), await topicWith(2)];
    await admin.deleteTopics({ topics: [a, b], timeout: 10_000 });
    const left = await admin.listTopics();
    expect([left.includes(a), left.includes(b)]).toEqual([false, false]);
    const err = await rejection(admin.deleteTopics({ topics: ['kjs-no-such-topic'] }));
    expect(err).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
    expect(err.cause).toBeInstanceOf(KafkaJSProtocolError);
    expect([err.cause.type, err.cause.code]).toEqual(['UNKNOWN_TOPIC_OR_PARTITION', 3]);
    await admin.deleteTopics({ topics: [] });
    await expect(admin.deleteTopics({ topics: [1] as never })).rejects.toThrow(KafkaJSNonRetriableError);
    await expect(admin.deleteTopics({ topics: 'x' as never })).rejects.toThrow(KafkaJSNonRetriableError);
  });

  test('createPartitions: count, validateOnly, assignments; the broker refusal as KafkaJSProtocolError, as KafkaJS', async () => {
    const topic = await topicWith(1);
    const count = async (): Promise<number> => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;
    expect(await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic, count: 3 }] })).toBe(true);
    expect(await count()).toBe(1);
    expect(await admin.createPartitions({ timeout: 10_000, topicPartitions: [{ topic, count: 2 }] })).toBe(true);
    expect(await count()).toBe(2);
    // assignments: one list of broker ids per new partition
    expect(await admin.createPartitions({ topicPartitions: [{ topic, count: 4, assignments: [[1], [1]] }] })).toBe(true);
    expect(await count()).toBe(4);
    const bad = await rejection(admin.createPartitions({ topicPartitions: [{ topic, count: 5, assignments: [[7]] }] }));
    expect(bad).toBeInstanceOf(KafkaJSProtocolError);
    expect(bad.type).toBe('INVALID_REPLICA_ASSIGNMENT');

    for (const [what, call] of [
      ['fewer partitions', (x: any) => x.createPartitions({ topicPartitions: [{ topic, count: 1 }] })],
      ['an unknown topic', (x: any) => x.createPartitions({ topicPartitions: [{ topic: 'kjs-no-such-topic', count: 3 }] })],
    ] as const) {
      const [o, t] = [await rejection(call(admin)), await rejection(call(oracle))];
      expect([what, o.name, o.type, o.code]).toEqual([what, t.name, t.type, t.code]);
    }
    for (const badArgs of [{ topicPartitions: [] }, { topicPartitions: 'x' }, { topicPartitions: [{ topic: 'a', count: 2 }, { topic: 'a', count: 3 }] }, { topicPartitions: [{ topic: 3, count: 2 }] }]) {
      const [o, t] = [await rejection(admin.createPartitions(badArgs as never)), await rejection(oracle.createPartitions(badArgs))];
      expect([badArgs, o.name]).toEqual([badArgs, t.name]);
    }
    await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 6, assignments: [['x']] as never }] })).rejects.toThrow(KafkaJSNonRetriableError);
  });

  test('describeCluster equals KafkaJS 2.2.4', async () => {
    const ours = await admin.describeCluster();
    expect(ours).toEqual(await oracle.describeCluster());
    expect(ours.brokers).toEqual([{ nodeId: 1, host: brokerAddress().host, port: brokerAddress().port }]);
    expect(ours.controller).not.toBeNull();
  });
});

describe('configs', () => {
  test('describeConfigs of TOPIC (configNames, includeSynonyms), BROKER and BROKER_LOGGER equals KafkaJS 2.2.4', async () => {
    const topic = uniqueTopic('kjs-cfg');
    await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
    for (const query of [
      { resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: true },
      { resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false },
      { resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false },
      { resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.hours', 'num.network.threads'] }], includeSynonyms: true },
      { resources: [{ type: ConfigResourceTypes.BROKER_LOGGER, name: '1', configNames: ['kafka.server.KafkaApis'] }], includeSynonyms: false },
    ]) {
      const ours = await admin.describeConfigs(query);
      const theirs = await oracle.describeConfigs(query);
      const sorted = (r: any[]): any[] => r.map((x) => ({ ...x, configEntries: [...x.configEntries].sort((p: any, q: any) => p.configName.localeCompare(q.configName)) }));
      expect(sorted(ours.resources)).toEqual(sorted(theirs.resources));
      expect(ours.resources[0].configEntries.length).toBeGreaterThan(0);
    }
    const [withSynonyms] = (await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }], includeSynonyms: true })).resources;
    expect(withSynonyms.configEntries).toEqual([
      {
        configName: 'retention.ms',
        configValue: '3600000',
        readOnly: false,
        isDefault: false,
        configSource: ConfigSource.TOPIC_CONFIG,
        isSensitive: false,
        configSynonyms: [{ configName: 'retention.ms', configValue: '3600000', configSource: ConfigSource.TOPIC_CONFIG }],
      },
    ]);

    // an unknown topic: KafkaJSProtocolError, as KafkaJS
    const call = (x: any): Promise<any> => rejection(x.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-no-such-topic' }], includeSynonyms: false }));
    const [o, t] = [await call(admin), await call(oracle)];
    expect([o.name, o.type, o.code]).toEqual([t.name, t.type, t.code]);
    for (const bad of [{ resources: [] }, { resources: 'x' }, { resources: [{ type: 99, name: topic }] }, { resources: [{ type: 2, name: '' }] }, { resources: [{ type: 2, name: topic, configNames: 'x' }] }]) {
      const [ob, tb] = [await rejection(admin.describeConfigs(bad as never)), await rejection(oracle.describeConfigs(bad))];
      expect([bad, ob.name]).toEqual([bad, tb.name]);
    }
  });

  test('alterConfigs: validateOnly checks only; sets TOPIC and BROKER configs; the refusal as KafkaJSProtocolError, as KafkaJS', async () => {
    const topic = await topicWith(1);
    const retention = async (): Promise<string | null> =>
      (await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] })).resources[0].configEntries[0].configValue;
    const change = (value: string, validateOnly: boolean) => ({ validateOnly, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value }] }] });
    const before = await retention();
    const checked = await admin.alterConfigs(change('123456', true));
    expect(checked.resources).toEqual((await oracle.alterConfigs(change('123456', true))).resources);
    expect(await retention()).toBe(before);
    expect((await admin.alterConfigs(change('123456', false))).resources).toEqual([{ errorCode: 0, errorMessage: null, resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }]);
    expect(await retention()).toBe('123456');

    // a broker's dynamic config, set and described back
    const brokerCfg = { type: ConfigResourceTypes.BROKER, name: '1' };
    await admin.alterConfigs({ validateOnly: false, resources: [{ ...brokerCfg, configEntries: [{ name: 'log.cleaner.threads', value: '2' }] }] });
    const cleanerThreads = async (): Promise<unknown> =>
      (await admin.describeConfigs({ resources: [{ ...brokerCfg, configNames: ['log.cleaner.threads'] }], includeSynonyms: false })).resources[0].configEntries.map((e) => [e.configValue, e.configSource]);
    // the broker applies a dynamic config a moment after the controller accepted it
    await eventually(async () => JSON.stringify(await cleanerThreads()) === JSON.stringify([['2', ConfigSource.DYNAMIC_BROKER_CONFIG]]), 15_000, 'log.cleaner.threads = 2 (dynamic)');
    await admin.alterConfigs({ validateOnly: false, resources: [{ ...brokerCfg, configEntries: [{ name: 'log.cleaner.threads', value: '1' }] }] });

    const call = (x: any): Promise<any> => rejection(x.alterConfigs(change('not-a-number', true)));
    const [o, t] = [await call(admin), await call(oracle)];
    expect([o.name, o.type, o.code]).toEqual([t.name, t.type, t.code]);
    expect(o.type).toBe('INVALID_CONFIG');
    for (const bad of [{ resources: [] }, { resources: [{ type: 2, name: topic }] }, { resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: 5 }] }] }]) {
      const [ob, tb] = [await rejection(admin.alterConfigs(bad as never)), await rejection(oracle.alterConfigs(bad))];
      expect([bad, ob.name]).toEqual([bad, tb.name]);
    }
  });
});

describe('offsets and records', () => {
  test('fetchTopicOffsets and fetchTopicOffsetsByTimestamp equal KafkaJS 2.2.4; an unknown topic as KafkaJS', async () => {
    const topic = await topicWith(2);
    const t0 = Date.now() - 60_000;
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0, timestamp: String(t0 + i * 1000) })) });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toEqual([
      { partition: 0, offset: '10', high: '10', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    expect(offsets).toEqual(byPartition(await oracle.fetchTopicOffsets(topic)));
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 4500);
    expect(byTime).toEqual([
      { partition: 0, offset: '5' },
      { partition: 1, offset: '0' }, // nothing at or after: the high watermark
    ]);
    expect(byTime).toEqual(byPartition(await oracle.fetchTopicOffsetsByTimestamp(topic, t0 + 4500)));
    expect(await admin.fetchTopicOffsetsByTimestamp(topic)).toEqual(byPartition(await oracle.fetchTopicOffsetsByTimestamp(topic)));
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 3_600_000)).toEqual([{ partition: 0, offset: '10' }, { partition: 1, offset: '0' }]);

    for (const call of [(x: any) => x.fetchTopicOffsets('kjs-no-such-topic'), (x: any) => x.fetchTopicOffsetsByTimestamp('kjs-no-such-topic', 0)]) {
      const err = await rejection(call(admin));
      expect(err).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
      expect([err.cause.name, err.cause.type]).toEqual(['KafkaJSProtocolError', 'UNKNOWN_TOPIC_OR_PARTITION']);
    }
    await expect(admin.fetchTopicOffsets('')).rejects.toThrow(KafkaJSNonRetriableError);
    await expect(admin.fetchTopicOffsetsByTimestamp(undefined as never)).rejects.toThrow(KafkaJSNonRetriableError);
  });

  test('deleteTopicRecords: before an offset, -1 up to the high watermark; errors as KafkaJS', async () => {
    const topic = await topicWith(2, 12);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '-1' }] });
    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: '6', high: '6', low: '3' },
      { partition: 1, offset: '6', high: '6', low: '6' },
    ]);

    // beyond the high watermark: KafkaJSNonRetriableError, cause a KafkaJSDeleteTopicRecordsError naming the partition
    // (KafkaJS must have the topic's metadata first: without it, it blames a missing leader)
    await oracle.fetchTopicOffsets(topic);
    const call = (x: any): Promise<any> => rejection(x.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '99' }] }));
    const [ours, theirs] = [await call(admin), await call(oracle)];
    const shape = (e: any): unknown => [e.name, e.message, e.retriable, e.cause.name, e.cause.partitions.map((p: any) => [p.partition, p.offset, p.error.name, p.error.type, p.error.code])];
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.cause).toBeInstanceOf(KafkaJSDeleteTopicRecordsError);
    expect(ours.cause.partitions[0].error).toBeInstanceOf(KafkaJSProtocolError);

    // a partition the topic does not have: KafkaJSDeleteTopicRecordsError, KafkaJSBrokerNotFound for it
    const missing = await rejection(admin.deleteTopicRecords({ topic, partitions: [{ partition: 5, offset: '1' }] }));
    expect(missing).toBeInstanceOf(KafkaJSDeleteTopicRecordsError);
    expect(missing.partitions).toEqual([{ partition: 5, offset: '1', error: expect.any(KafkaJSBrokerNotFound) }]);
    await expect(admin.deleteTopicRecords({ topic, partitions: [] })).rejects.toThrow(KafkaJSNonRetriableError);
    await expect(admin.deleteTopicRecords({ topic: '', partitions: [{ partition: 0, offset: '1' }] })).rejects.toThrow(KafkaJSNonRetriableError);
  });
});

describe('groups', () => {
  test('fetchOffsets, setOffsets and resetOffsets of a stopped group; a consumer continues from them', async () => {
    const topic = await topicWith(2, 6);
    const groupId = uniqueTopic('kjs-adm-g');
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
      { topic, partitions: [{ partition: 0, offset: '-1', metadata: null }, { partition: 1, offset: '-1', metadata: null }] },
    ]);
    expect(await admin.fetchOffsets({ groupId })).toEqual(await oracle.fetchOffsets({ groupId }));
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '2' }] });
    const set = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(set[0].partitions.map((p) => p.offset)).toEqual(['1', '2']);
    // what KafkaJS reads back is the same, with or without topics
    expect(set).toEqual((await oracle.fetchOffsets({ groupId, topics: [topic] })).map((t: any) => ({ ...t, partitions: byPartition(t.partitions) })));
    expect(await admin.fetchOffsets({ groupId })).toEqual(await oracle.fetchOffsets({ groupId }));

    const c = kafka.consumer({ groupId });
    await c.subscribe({ topic });
    const seen: string[] = [];
    await c.run({ eachMessage: async ({ partition, message }) => void seen.push(`${partition}:${message.offset}`) });
    await until(() => seen.length >= 3, 20_000, '3 messages');
    expect(seen.sort()).toEqual(['0:1', '0:2', '1:2']);
    // a running group: refused with its state, as KafkaJS
    const running = await rejection(admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] }));
    const runningTheirs = await rejection(oracle.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] }));
    expect([running.name, running.message]).toEqual([runningTheirs.name, expect.stringContaining(runningTheirs.message)]);
    await expect(admin.resetOffsets({ groupId, topic })).rejects.toThrow(/must have no running instances, current state: Stable/);
    await c.disconnect();

    await admin.resetOffsets({ groupId, topic, earliest: true });
    expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => p.offset)).toEqual(['0', '0']);
    await admin.resetOffsets({ groupId, topic });
    expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => p.offset)).toEqual(['3', '3']);
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '-2' }, { partition: 1, offset: '1' }] });
    expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => p.offset)).toEqual(['0', '1']);

    for (const bad of [
      (x: any) => x.setOffsets({ groupId, topic, partitions: [] }),
      (x: any) => x.setOffsets({ groupId: '', topic, partitions: [{ partition: 0, offset: '1' }] }),
      (x: any) => x.resetOffsets({ groupId, topic: '' }),
      (x: any) => x.fetchOffsets({ groupId: '' }),
      (x: any) => x.fetchOffsets({ groupId, topics: 'x' }),
    ]) {
      const [o, t] = [await rejection(bad(admin)), await rejection(bad(oracle))];
      expect([bad.toString(), o.name]).toEqual([bad.toString(), t.name]);
    }
  });

  test('fetchOffsets({ resolveOffsets }) resolves -1 to the high watermark and commits it, as KafkaJS', async () => {
    const topic = await topicWith(2, 6);
    const check = async (x: any): Promise<unknown> => {
      const groupId = uniqueTopic('kjs-adm-r');
      await x.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
      const resolved = await x.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true });
      const after = await x.fetchOffsets({ groupId, topics: [topic] });
      return [resolved, after].map((r: any) => r.map((t: any) => ({ ...t, partitions: byPartition(t.partitions) })));
    };
    const ours = await check(admin);
    expect(ours).toEqual([
      [{ topic, partitions: [{ partition: 0, offset: '1', metadata: null }, { partition: 1, offset: '3', metadata: null }] }],
      [{ topic, partitions: [{ partition: 0, offset: '1', metadata: null }, { partition: 1, offset: '3', metadata: null }] }],
    ]);
    expect(ours).toEqual(await check(oracle));
  });

  test('listGroups, describeGroups (a KafkaJS member, a kafkaesque/kafkajs member, an unknown group) equal KafkaJS 2.2.4; deleteGroups', async () => {
    const topic = await topicWith(2, 4);
    const theirsGroup = uniqueTopic('kjs-adm-kjs');
    const oursGroup = uniqueTopic('kjs-adm-ours');
    const kc = oracleKafka.consumer({ groupId: theirsGroup });
    await kc.connect();
    await kc.subscribe({ topic, fromBeginning: true });
    let kn = 0;
    await kc.run({ eachMessage: async () => void kn++ });
    const oc = kafka.consumer({ groupId: oursGroup });
    await oc.subscribe({ topic, fromBeginning: true });
    let on = 0;
    await oc.run({ eachMessage: async () => void on++ });
    try {
      await until(() => kn >= 4 && on >= 4, 30_000, 'both groups consuming');
      const listed = (await admin.listGroups()).groups.filter((g) => g.groupId === theirsGroup || g.groupId === oursGroup);
      expect(listed.sort((a, b) => a.groupId.localeCompare(b.groupId))).toEqual(
        (await oracle.listGroups()).groups.filter((g: any) => g.groupId === theirsGroup || g.groupId === oursGroup).sort((a: any, b: any) => a.groupId.localeCompare(b.groupId)),
      );
      expect(listed).toHaveLength(2);

      const ids = [theirsGroup, oursGroup, uniqueTopic('kjs-adm-none')];
      const ours = await admin.describeGroups(ids);
      const byId = (r: { groups: { groupId: string }[] }): unknown[] => [...r.groups].sort((a, b) => ids.indexOf(a.groupId) - ids.indexOf(b.groupId));
      expect(ours.groups).toEqual(byId(await oracle.describeGroups(ids)));
      expect(ours.groups.map((g) => [g.groupId, g.errorCode, g.state, g.protocolType, g.protocol, g.members.length])).toEqual([
        [theirsGroup, 0, 'Stable', 'consumer', 'RoundRobinAssigner', 1],
        [oursGroup, 0, 'Stable', 'consumer', 'RoundRobinAssigner', 1],
        [ids[2], 0, 'Dead', '', '', 0],
      ]);
      for (const g of ours.groups.slice(0, 2)) {
        expect(AssignerProtocol.MemberMetadata.decode(g.members[0].memberMetadata)!.topics).toEqual([topic]);
        expect(AssignerProtocol.MemberAssignment.decode(g.members[0].memberAssignment)!.assignment[topic]!.sort()).toEqual([0, 1]);
      }

      // a running group cannot be deleted: KafkaJSDeleteGroupsError with the group's error
      const del = await rejection(admin.deleteGroups([oursGroup]));
      const delTheirs = await rejection(oracle.deleteGroups([theirsGroup]));
      expect(del).toBeInstanceOf(KafkaJSDeleteGroupsError);
      const shape = (e: any): unknown => [e.name, e.groups.map((g: any) => [g.errorCode, g.error.name, g.error.type])];
      expect(shape(del)).toEqual(shape(delTheirs));
      expect(del.groups[0]).toEqual(expect.objectContaining({ groupId: oursGroup, errorCode: 68 })); // NON_EMPTY_GROUP
    } finally {
      await kc.disconnect();
      await oc.disconnect();
    }
    expect(await admin.deleteGroups([oursGroup])).toEqual([{ groupId: oursGroup, errorCode: 0 }]);
    expect(await admin.deleteGroups([])).toEqual(await oracle.deleteGroups([]));
    const unknown = await rejection(admin.deleteGroups([oursGroup, theirsGroup]));
    expect(unknown.groups).toEqual([{ groupId: oursGroup, errorCode: 69, error: expect.objectContaining({ name: 'KafkaJSProtocolError', type: 'GROUP_ID_NOT_FOUND' }) }]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(oursGroup);
    await expect(admin.deleteGroups([1] as never)).rejects.toThrow(KafkaJSNonRetriableError);
  });
});

describe('partition reassignments', () => {
  test('alterPartitionReassignments and listPartitionReassignments: a move onto the same replicas, refusals, nothing in progress', async () => {
    const topic = await topicWith(2);
    await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [1] }, { partition: 1, replicas: [1] }] }], timeout: 10_000 });
    await oracle.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [1] }] }] });
    // one broker: a move finishes at once, nothing is in progress
    expect(await admin.listPartitionReassignments({})).toEqual(await oracle.listPartitionReassignments({}));
    expect(await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0, 1] }] })).toEqual({ topics: [] });
    expect(await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0, 1] }] })).toEqual(await oracle.listPartitionReassignments({ topics: [{ topic, partitions: [0, 1] }] }));

    // onto a broker that does not exist, and a partition the topic does not have
    const call = (x: any): Promise<any> =>
      rejection(x.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [7] }, { partition: 9, replicas: [1] }] }] }));
    const [ours, theirs] = [await call(admin), await call(oracle)];
    expect(ours).toBeInstanceOf(KafkaJSAggregateError);
    const shape = (e: any): unknown => [e.name, e.errors.map((x: any) => [x.name, x.type, x.code, x.topic, x.partition]).sort()];
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.errors[0]).toBeInstanceOf(KafkaJSAlterPartitionReassignmentsError);

    for (const bad of [
      { topics: 'x' },
      { topics: [{ topic, partitionAssignment: 'x' }] },
      { topics: [{ topic, partitionAssignment: [{ partition: -1, replicas: [1] }] }] },
      { topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [-1] }] }] },
      { topics: [{ topic, partitionAssignment: [] }, { topic, partitionAssignment: [] }] },
    ]) {
      const [o, t] = [await rejection(admin.alterPartitionReassignments(bad as never)), await rejection(oracle.alterPartitionReassignments(bad))];
      expect([bad, o.name]).toEqual([bad, t.name]);
    }
    for (const bad of [{ topics: 'x' }, { topics: [{ topic, partitions: 'x' }] }, { topics: [{ topic, partitions: [-1] }] }]) {
      const [o, t] = [await rejection(admin.listPartitionReassignments(bad as never)), await rejection(oracle.listPartitionReassignments(bad))];
      expect([bad, o.name]).toEqual([bad, t.name]);
    }
  });
});
