// KafkaJS's "Admin Client" page as an ES module (in our own words): topics created (with config
// entries, then again, then validateOnly), listed, described, given more partitions, configs read;
// offsets of a topic by position and by timestamp; a consumer group's committed offsets fetched,
// set, reset and resolved; the group described (from the consumer while it runs, and from the
// admin once it is empty), listed and deleted; records deleted; the topic deleted.
// test/kafkajs/apps.test.ts runs this file with KafkaJS 2.2.4 and again with only the import line
// below changed to 'kafkaesque/kafkajs' (its default export and its named exports both used).
import kafkajs, { Kafka, logLevel, AssignerProtocol } from 'kafkajs';

// KafkaJS is a CommonJS package: Node finds only some of its exports as ES named exports, so an
// ES module takes the others from the default export, as KafkaJS users do
const { ConfigResourceTypes } = kafkajs;

const [brokers, prefix] = process.argv.slice(2);
const topic = `${prefix}-inventory`;
const other = `${prefix}-never-created`;
const groupId = `${prefix}-stock-keepers`;
const kafka = new Kafka({ clientId: 'inventory-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const byPartition = (rows, f) => rows.map((r) => [r.partition, ...f(r)]).sort((a, b) => a[0] - b[0]);

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  const out = {};

  out.created = await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
  });
  out.createdAgain = await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  out.validateOnly = await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: other, numPartitions: 1 }] });
  const listed = await admin.listTopics();
  out.listed = [listed.includes(topic), listed.includes(other)];

  const cluster = await admin.describeCluster();
  out.cluster = { brokers: cluster.brokers.length, controllerIsABroker: cluster.brokers.some((b) => b.nodeId === cluster.controller), clusterId: typeof cluster.clusterId };

  const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
  out.configs = configs.resources.map((r) => ({ type: r.resourceType, errorCode: r.errorCode, entries: r.configEntries.map((e) => [e.configName, e.configValue, e.isDefault]) }));

  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  out.metadata = meta.topics.map((t) => ({ name: t.name === topic, partitions: t.partitions.map((p) => [p.partitionId, p.replicas.length, p.isr.length, p.partitionErrorCode]).sort((a, b) => a[0] - b[0]) }));

  const before = Date.now() - 1000;
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let p = 0; p < 4; p++) for (let i = 0; i < 3; i++) messages.push({ partition: p, key: `sku-${p}-${i}`, value: String(i) });
  await producer.send({ topic, messages });
  await producer.disconnect();

  out.topicOffsets = byPartition(await admin.fetchTopicOffsets(topic), (r) => [r.offset, r.high, r.low]);
  out.byTimestamp = byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, before), (r) => [r.offset]);
  out.byTimestampFuture = byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() + 3_600_000), (r) => [r.offset]);

  // a group that reads everything, described by its consumer while it runs
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  await new Promise((resolve, reject) => {
    consumer.run({ eachMessage: async () => ++n === messages.length && resolve() }).catch(reject);
  });
  const live = await consumer.describeGroup();
  out.live = {
    errorCode: live.errorCode,
    groupId: live.groupId === groupId,
    state: live.state,
    protocol: live.protocol,
    protocolType: live.protocolType,
    members: live.members.map((m) => ({ clientId: m.clientId, assignment: AssignerProtocol.MemberAssignment.decode(m.memberAssignment).assignment[topic].sort() })),
  };
  await consumer.disconnect();

  out.fetched = byPartition((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions, (r) => [r.offset]);
  const groups = await admin.describeGroups([groupId]);
  out.described = groups.groups.map((g) => ({ groupId: g.groupId === groupId, state: g.state, protocolType: g.protocolType, members: g.members.length, errorCode: g.errorCode }));
  out.listedGroup = (await admin.listGroups()).groups.filter((g) => g.groupId === groupId).map((g) => g.protocolType);

  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 3, offset: '2' }] });
  out.afterSet = byPartition((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions, (r) => [r.offset]);
  await admin.resetOffsets({ groupId, topic, earliest: true });
  out.afterReset = byPartition((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions, (r) => [r.offset]);
  out.afterResetResolved = byPartition((await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true }))[0].partitions, (r) => [r.offset]);

  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '2' }] });
  out.afterDeleteRecords = byPartition(await admin.fetchTopicOffsets(topic), (r) => [r.low, r.high]);

  out.deletedGroups = (await admin.deleteGroups([groupId])).map((g) => ({ groupId: g.groupId === groupId, errorCode: g.errorCode }));
  out.listedAfterDelete = (await admin.listGroups()).groups.some((g) => g.groupId === groupId);

  await admin.deleteTopics({ topics: [topic] });
  out.listedAfterDeleteTopic = (await admin.listTopics()).includes(topic);
  await admin.disconnect();
  console.log(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err.name, err.message);
  process.exit(1);
});
