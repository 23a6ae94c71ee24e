// KafkaJS's "Consuming Messages" page, eachBatch section, as a CommonJS application (in our own
// words): eachBatchAutoResolve off, each message resolved with resolveOffset, heartbeat() after
// each, the loop left when isRunning() or isStale() says so, commitOffsetsIfNecessary() at the end
// of the batch with an autoCommitThreshold; the batch's helpers (firstOffset, lastOffset,
// highWatermark, offsetLag, offsetLagLow, isEmpty, uncommittedOffsets) are checked against the
// messages. Batch sizes are the library's choice, so the outcome holds only what does not depend
// on them. test/kafkajs/apps.test.ts runs this file with KafkaJS 2.2.4 and again with only the
// require line below changed to 'kafkaesque/kafkajs'.
const { Kafka, logLevel } = require('kafkajs');

const [brokers, prefix] = process.argv.slice(2);
const topic = `${prefix}-payments`;
const groupId = `${prefix}-ledger`;
const kafka = new Kafka({ clientId: 'ledger', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });

  const producer = kafka.producer();
  await producer.connect();
  const total = 30;
  const messages = [];
  for (let i = 0; i < total; i++) messages.push({ key: `account-${i % 7}`, value: JSON.stringify({ payment: i, cents: 100 + i }) });
  await producer.send({ topic, messages });
  await producer.disconnect();
  const ends = await admin.fetchTopicOffsets(topic);
  const highOf = Object.fromEntries(ends.map((e) => [e.partition, e.high]));

  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const processed = [];
  const problems = [];
  let batches = 0;
  const partitionTypes = new Set();
  const check = (what, ok) => ok || problems.push(what);
  await new Promise((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => e.payload.restart || reject(e.payload.error));
    consumer
      .run({
        eachBatchAutoResolve: false,
        autoCommitThreshold: 5,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale }) => {
          if (batch.isEmpty()) return;
          batches++;
          const first = batch.messages[0].offset;
          const last = batch.messages[batch.messages.length - 1].offset;
          check('firstOffset', batch.firstOffset() === first);
          check('lastOffset', batch.lastOffset() === last);
          check('highWatermark is the end of the partition', batch.highWatermark === highOf[batch.partition]);
          check('offsetLag', batch.offsetLag() === String(BigInt(batch.highWatermark) - 1n - BigInt(last)));
          check('offsetLagLow', batch.offsetLagLow() === String(BigInt(batch.highWatermark) - 1n - BigInt(first)));
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) break;
            processed.push({ partition: batch.partition, offset: message.offset, key: message.key.toString(), payment: JSON.parse(message.value.toString()).payment });
            resolveOffset(message.offset);
            await heartbeat();
          }
          const mine = uncommittedOffsets().topics.find((t) => t.topic === topic);
          // compared as strings: KafkaJS's types say number, KafkaJS 2.2.4 gives the partition as a string
          const at = mine && mine.partitions.find((p) => String(p.partition) === String(batch.partition));
          if (at) partitionTypes.add(typeof at.partition);
          check('uncommittedOffsets holds the next offset', at !== undefined && at.offset === String(BigInt(last) + 1n));
          await commitOffsetsIfNecessary();
          if (processed.length === total) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();

  processed.sort((a, b) => a.payment - b.payment);
  console.log(
    JSON.stringify({
      processed,
      problems,
      sawBatches: batches > 0,
      uncommittedPartitionTypes: [...partitionTypes],
      committed: committed[0].partitions.map((p) => [p.partition, p.offset]).sort((a, b) => a[0] - b[0]),
      ends: ends.map((e) => [e.partition, e.high]).sort((a, b) => a[0] - b[0]),
    }),
  );
}

main().catch((err) => {
  console.error(err.name, err.message);
  process.exit(1);
});
