// KafkaJS's "Consuming Messages" page, the flow-control sections, as an ES module (in our own
// words): partitionsConsumedConcurrently: 3; "Pause & Resume" from inside eachMessage (the page's
// throttled-dependency example: consumer.pause of the partition, a timer that resumes it, the
// error thrown; and the payload's pause() whose returned function resumes); consumer.paused();
// consumer.seek back on a partition while running; and manual committing (autoCommit: false,
// consumer.commitOffsets). test/kafkajs/apps.test.ts runs this file with KafkaJS 2.2.4 and again
// with only the import line below changed to 'kafkaesque/kafkajs'.
import { Kafka, logLevel } from 'kafkajs';

const [brokers, prefix] = process.argv.slice(2);
const topic = `${prefix}-jobs`;
const groupId = `${prefix}-workers`;
const kafka = new Kafka({
  clientId: 'workers',
  brokers: brokers.split(','),
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 100, retries: 5 },
});

class TooManyRequestsError extends Error {}
const relative = (paused) => paused.map((tp) => ({ ...tp, topic: tp.topic.slice(prefix.length + 1) }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  const producer = kafka.producer();
  await producer.connect();
  const perPartition = 8;
  const messages = [];
  for (let p = 0; p < 3; p++) for (let i = 0; i < perPartition; i++) messages.push({ partition: p, value: `job ${p}-${i}` });
  await producer.send({ topic, messages });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });

  const handled = { 0: [], 1: [], 2: [] }; // offsets handled successfully, in order
  const failures = [];
  const pausedSeen = [];
  const afterSeek = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let throttled = false;
  let selfPaused = false;
  let sought = false;
  let done;
  const allHandled = new Promise((r) => (done = r));
  const count = () => handled[0].length + handled[1].length + handled[2].length;

  consumer.on(consumer.events.CRASH, (e) => failures.push({ error: e.payload.error.message, restart: e.payload.restart }));
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ partition, message, pause }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await sleep(15);
        if (sought) {
          afterSeek.push([partition, message.offset]);
          return;
        }
        if (partition === 1 && message.offset === '3' && !throttled) {
          // the documentation's throttled dependency: pause this partition, resume it later, fail
          throttled = true;
          consumer.pause([{ topic, partitions: [partition] }]);
          pausedSeen.push(relative(consumer.paused()));
          setTimeout(() => consumer.resume([{ topic, partitions: [partition] }]), 300);
          throw new TooManyRequestsError('dependency says: too many requests');
        }
        handled[partition].push(message.offset);
        if (partition === 2 && message.offset === '4' && !selfPaused) {
          // the payload's pause(): its result resumes
          selfPaused = true;
          const resume = pause();
          pausedSeen.push(relative(consumer.paused()));
          setTimeout(resume, 300);
        }
        if (count() === 3 * perPartition) done();
      } finally {
        inFlight--;
      }
    },
  });
  await allHandled;
  pausedSeen.push(relative(consumer.paused()));

  // seek partition 0 back to offset 6: messages 6 and 7 come again
  sought = true;
  consumer.seek({ topic, partition: 0, offset: '6' });
  for (let i = 0; i < 200 && afterSeek.length < 2; i++) await sleep(25);

  // manual commits: the application decides where each partition starts next time (partition 2
  // is never committed), then moves partition 1 back to 5, as a reprocessing tool would
  await consumer.commitOffsets([
    { topic, partition: 0, offset: '8' },
    { topic, partition: 1, offset: '8' },
  ]);
  await consumer.commitOffsets([{ topic, partition: 1, offset: '5' }]);
  await consumer.disconnect();
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();

  console.log(
    JSON.stringify({
      handled,
      failures,
      pausedSeen,
      afterSeek,
      concurrent: maxInFlight > 1,
      committed: committed[0].partitions.map((p) => [p.partition, p.offset]).sort((a, b) => a[0] - b[0]),
    }),
  );
}

main().catch((err) => {
  console.error(err.name, err.message);
  process.exit(1);
});
