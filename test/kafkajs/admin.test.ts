// kafkaesque/kafkajs's admin: offsets, groups and records, from KafkaJS's documentation.
import { Kafka, KafkaJSDeleteGroupsError, KafkaJSDeleteTopicRecordsError, KafkaJSNonRetriableError, logLevel } from '../../src/kafkajs/index';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { until } from '../helpers/wait';

const { bootstrap } = brokerAddress();
const kafka = new Kafka({ clientId: 'kjs-admin-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
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

test('fetchTopicOffsets, fetchTopicOffsetsByTimestamp and deleteTopicRecords', async () => {
  const topic = uniqueTopic('kjs-adm-off');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  const t0 = Date.now() - 60_000;
  await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0, timestamp: String(t0 + i * 1000) })) });
  const offsets = await admin.fetchTopicOffsets(topic);
  expect(offsets).toEqual([
    { partition: 0, offset: '10', high: '10', low: '0' },
    { partition: 1, offset: '0', high: '0', low: '0' },
  ]);
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 4500);
  expect(byTime).toEqual([
    { partition: 0, offset: '5' },
    { partition: 1, offset: '0' }, // nothing at or after: the high watermark
  ]);
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
  expect((await admin.fetchTopicOffsets(topic))[0]).toEqual({ partition: 0, offset: '10', high: '10', low: '3' });
  const err = await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '99' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KafkaJSDeleteTopicRecordsError);
  expect((err as KafkaJSDeleteTopicRecordsError).partitions[0]).toEqual(expect.objectContaining({ partition: 0, offset: '99' }));
  expect((err as KafkaJSDeleteTopicRecordsError).partitions[0].error.name).toBe('KafkaJSOffsetOutOfRange');
});

test('setOffsets, resetOffsets and fetchOffsets of a stopped group; listGroups, describeGroups, deleteGroups', async () => {
  const topic = uniqueTopic('kjs-adm-grp');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })) });
  const groupId = uniqueTopic('kjs-adm-g');
  expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
    { topic, partitions: [{ partition: 0, offset: '-1', metadata: null }, { partition: 1, offset: '-1', metadata: null }] },
  ]);
  expect((await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true }))[0].partitions.map((p) => p.offset)).toEqual(['3', '3']);
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '2' }] });
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => p.offset)).toEqual(['1', '2']);

  // a consumer continues from the offsets set
  const c = kafka.consumer({ groupId });
  await c.subscribe({ topic });
  const seen: string[] = [];
  await c.run({ eachMessage: async ({ partition, message }) => void seen.push(`${partition}:${message.offset}`) });
  await until(() => seen.length >= 3, 20_000, '3 messages');
  expect(seen.sort()).toEqual(['0:1', '0:2', '1:2']);
  const listed = await admin.listGroups();
  expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer' });
  const described = await admin.describeGroups([groupId]);
  expect(described.groups[0]).toEqual(expect.objectContaining({ groupId, errorCode: 0, state: 'Stable', protocol: 'RoundRobinAssigner', protocolType: 'consumer' }));
  expect(described.groups[0].members).toHaveLength(1);
  await expect(admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] })).rejects.toThrow(KafkaJSNonRetriableError);
  const del = await admin.deleteGroups([groupId]).catch((e: unknown) => e);
  expect(del).toBeInstanceOf(KafkaJSDeleteGroupsError);
  expect((del as KafkaJSDeleteGroupsError).groups[0]).toEqual(expect.objectContaining({ groupId, errorCode: 68 })); // NON_EMPTY_GROUP
  await c.disconnect();

  await admin.resetOffsets({ groupId, topic, earliest: true });
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => p.offset)).toEqual(['0', '0']);
  await admin.resetOffsets({ groupId, topic });
  expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => p.offset)).toEqual(['3', '3']);
  expect(await admin.deleteGroups([groupId])).toEqual([{ groupId, errorCode: 0 }]);
  expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
});
