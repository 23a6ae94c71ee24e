// A group consumer: rebalance notifications, messages marked as they are processed, commits.
import { Config, Consumer, type Notification, SyncProducer } from 'kafkaesque';

async function main(): Promise<void> {
  const brokers = [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'];
  const topic = process.argv[2] ?? `kafkaesque-example-group-${Date.now()}`;
  const producer = await SyncProducer.create(new Config({ brokers }));
  for (let i = 0; i < 3; i++) await producer.sendMsgByte(topic, null, `event ${i}`);
  await producer.close();

  const config = new Config({ brokers, groupId: `example-${Date.now()}`, topics: [topic], initialOffset: 'oldest' });
  const consumer = await Consumer.create(config);
  consumer.on('notification', (n: Notification) => console.log(`group: rebalance ${n.type}, now ${JSON.stringify(n.current)}`));
  console.log(`group: consuming ${JSON.stringify(consumer.subscriptions())}`);
  let n = 0;
  for await (const m of consumer) {
    console.log(`group: ${m.topic}/${m.partition}@${m.offset} ${m.value?.toString()}`);
    consumer.markOffset(m);
    if (++n === 3) break;
  }
  await consumer.commitOffsets();
  await consumer.close();
  console.log('group: committed and closed');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
