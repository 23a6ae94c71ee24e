// Admin: create a topic, see it, and read how far a consumer group is behind.
import { Admin, Config, Consumer, SyncProducer } from 'kafkaesque';

async function main(): Promise<void> {
  const topic = process.argv[2] ?? 'kafkaesque-example-admin';
  const brokers = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
  const admin = await Admin.create({ brokers });
  try {
    const [created] = await admin.createTopics([{ name: topic, numPartitions: 2, configs: { 'retention.ms': '86400000' } }]);
    console.log(`admin: create ${topic}: ${created!.error ? created!.error.errorName : `ok, id ${created!.topicId}`}`);
    const [again] = await admin.createTopics([{ name: topic, numPartitions: 2 }]);
    console.log(`admin: create again: ${again!.error?.errorName ?? 'ok'}`);
    const [described] = await admin.describeTopics([topic]);
    console.log(`admin: ${topic} has ${described!.partitions.length} partitions, leaders ${described!.partitions.map((p) => p.leader).join(',')}`);

    // a group that reads three of the five records of partition 0 and commits
    const producer = await SyncProducer.create(new Config({ brokers }));
    for (let i = 0; i < 5; i++) await producer.sendMsgToPartition(topic, 0, null, `event ${i}`);
    await producer.close();
    const group = `${topic}-readers`;
    const consumer = await Consumer.create(new Config({ brokers, group, topics: [topic], initialOffset: 'oldest', autoCommit: false }));
    let read = 0;
    for await (const m of consumer.messages()) {
      consumer.markOffset(m);
      if (++read === 3) break;
    }
    await consumer.commitOffsets();
    await consumer.close();

    const lag = await admin.groupLag(group);
    for (const p of lag.partitions) console.log(`admin: lag ${p.topic}-${p.partition} committed ${p.committed} end ${p.end} lag ${p.lag}`);
    console.log(`admin: total lag ${lag.total}`);
  } finally {
    await admin.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
