// KafkaJS's README "Usage" and its "Getting Started" page, as an ES module (in our own words):
// one Kafka client, a producer that sends a few greetings, a consumer group that reads the topic
// from the beginning with eachMessage, then both disconnect. No admin: the topic is created by
// the broker on first use, as in the README. test/kafkajs/apps.test.ts runs this file with
// KafkaJS 2.2.4 and again with only the import line below changed to 'kafkaesque/kafkajs'.
import { Kafka, logLevel } from 'kafkajs';

const [brokers, prefix] = process.argv.slice(2);
const topic = `${prefix}-greetings`;

const kafka = new Kafka({ clientId: 'my-app', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: `${prefix}-test-group` });

const greetings = ['Hello KafkaJS user!', 'Hello again', 'Goodbye'];
const seen = [];

const run = async () => {
  // Producing
  await producer.connect();
  const sent = [];
  for (const value of greetings) sent.push(...(await producer.send({ topic, messages: [{ value }] })));

  // Consuming
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => e.payload.restart || reject(e.payload.error));
    consumer
      .run({
        eachMessage: async ({ topic: from, partition, message }) => {
          seen.push({ topic: from === topic, partition, offset: message.offset, value: message.value.toString(), key: message.key, headers: message.headers });
          if (seen.length === greetings.length) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  await producer.disconnect();
  console.log(
    JSON.stringify({
      sent: sent.map((r) => ({ topic: r.topicName === topic, partition: r.partition, errorCode: r.errorCode, baseOffset: r.baseOffset })),
      seen,
    }),
  );
};

run().catch((e) => {
  console.error(`[example/getting-started] ${e.name}: ${e.message}`);
  process.exit(1);
});
