// A KafkaJS application on kafkaesque: the code is KafkaJS 2.x's, only the import names
// 'kafkaesque/kafkajs' instead of 'kafkajs' (docs/kafkajs-migration.md). Produces three orders,
// consumes them in a group with eachMessage, commits, and prints what it saw. Uses the published
// package name: run `npm run build` first.
//
//   node examples/kafkajs.mjs [topic]
//
// The broker address comes from KAFKAESQUE_BROKER (default 127.0.0.1:9092).
import { Kafka, logLevel } from 'kafkaesque/kafkajs';

const topic = process.argv[2] ?? `kafkajs-example-${Date.now()}`;
const kafka = new Kafka({ clientId: 'orders-app', brokers: [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'], logLevel: logLevel.WARN });

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
await admin.disconnect();

const producer = kafka.producer();
await producer.connect();
const metadata = await producer.send({
  topic,
  messages: ['apples', 'pears', 'plums'].map((item, i) => ({ key: `customer-${i % 2}`, value: JSON.stringify({ item }), headers: { source: 'example' } })),
});
console.log(`sent: ${metadata.map((m) => `partition ${m.partition} from offset ${m.baseOffset}`).join(', ')}`);
await producer.disconnect();

const consumer = kafka.consumer({ groupId: `${topic}-group` });
consumer.on(consumer.events.GROUP_JOIN, (e) => console.log(`joined ${e.payload.groupId} as leader: ${e.payload.isLeader}`));
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
const seen = [];
await new Promise((resolve) => {
  consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push(JSON.parse(message.value.toString()).item);
      console.log(`received ${message.key} ${message.value} (partition ${partition}, offset ${message.offset}, source ${message.headers.source})`);
      if (seen.length === 3) resolve();
    },
  });
});
await consumer.disconnect(); // commits what was processed
console.log(`consumed ${seen.sort().join(', ')}; committed and disconnected`);
