// SyncProducer: each send resolves once the broker has the record, with its partition and offset.
import { Config, SyncProducer } from 'kafkaesque';

async function main(): Promise<void> {
  const topic = process.argv[2] ?? 'kafkaesque-example-sync';
  const config = new Config().setBrokers(process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092').setAcks('all');
  const producer = await SyncProducer.create(config);
  try {
    const msg = await producer.sendMsgByte(topic, 'customer-42', Buffer.from('{"total":12}'), { requestId: 'r-1' });
    console.log(`sync: ${msg.topic}/${msg.partition}@${msg.offset} metadata=${JSON.stringify(msg.metadata)}`);
    const pinned = await producer.sendMsgToPartition(topic, 0, null, 'to partition 0');
    console.log(`sync: pinned to partition ${pinned.partition}@${pinned.offset}`);
  } finally {
    await producer.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
