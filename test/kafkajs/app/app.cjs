// A KafkaJS application as KafkaJS's README and "Getting started" describe one (in our own
// words): an admin creates the topic, a producer sends keyed messages with headers, a consumer
// group reads them with eachMessage, then everything disconnects. test/kafkajs/app.test.ts runs
// this file with KafkaJS 2.2.4 and again with this one line changed to 'kafkaesque/kafkajs'.
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const [topic, groupId, brokers] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'orders-app', brokers: brokers.split(','), logLevel: logLevel.ERROR });

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  const orders = [];
  for (let i = 0; i < 40; i++) orders.push({ key: `customer-${i % 9}`, value: JSON.stringify({ order: i }), headers: { source: 'app' } });
  const sent = await producer.send({ topic, compression: CompressionTypes.GZIP, messages: orders });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received = [];
  await new Promise((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    consumer
      .run({
        eachMessage: async ({ topic: t, partition, message }) => {
          received.push({ t, partition, key: message.key.toString(), order: JSON.parse(message.value.toString()).order, source: message.headers.source.toString(), offset: message.offset });
          if (received.length === orders.length) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  const admin2 = kafka.admin();
  await admin2.connect();
  const committed = await admin2.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin2.fetchTopicOffsets(topic);
  await admin2.disconnect();
  received.sort((a, b) => a.order - b.order);
  console.log(
    JSON.stringify({
      sentPartitions: sent.map((r) => r.partition).sort(),
      received,
      committed: committed[0].partitions.map((p) => [p.partition, p.offset]).sort((a, b) => a[0] - b[0]),
      ends: ends.map((p) => [p.partition, p.high, p.low]).sort((a, b) => a[0] - b[0]),
    }),
  );
}

main().catch((err) => {
  console.error(err.name, err.message);
  process.exit(1);
});
