// KafkaJS's "Instrumentation Events" page and the signal traps of its producer and consumer
// examples, as a CommonJS application (in our own words): listeners on the producer's, admin's
// and consumer's events (one removed again with the function on() returns), a handler that fails
// once (CRASH, and retry.restartOnFailure from the "Configuration" page), then the process waits
// until it is sent SIGTERM: the trap disconnects the consumer and the producer, prints what was
// seen and re-raises the signal. test/kafkajs/apps.test.ts runs this file with KafkaJS 2.2.4 and
// again with only the require line below changed to 'kafkaesque/kafkajs'.
const { Kafka, logLevel } = require('kafkajs');

const [brokers, prefix] = process.argv.slice(2);
const topic = `${prefix}-clicks`;
const groupId = `${prefix}-click-counter`;
const restartAsked = [];
const kafka = new Kafka({
  clientId: 'click-counter',
  brokers: brokers.split(','),
  logLevel: logLevel.NOTHING,
  retry: {
    initialRetryTime: 100,
    retries: 0,
    restartOnFailure: async (e) => {
      restartAsked.push(e.message);
      return true;
    },
  },
});
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId, heartbeatInterval: 500 });
const admin = kafka.admin();

const seen = {}; // event type -> { count, keys of the first payload }
const record = (e) => {
  const s = (seen[e.type] = seen[e.type] || { count: 0, keys: e.payload ? Object.keys(e.payload).sort() : null, shape: typeof e.id + typeof e.timestamp });
  s.count++;
};
const join = [];
const commits = [];
const crashes = [];
for (const name of ['CONNECT', 'DISCONNECT']) producer.on(producer.events[name], record);
for (const name of ['CONNECT', 'DISCONNECT']) admin.on(admin.events[name], record);
for (const name of ['CONNECT', 'GROUP_JOIN', 'START_BATCH_PROCESS', 'END_BATCH_PROCESS', 'COMMIT_OFFSETS', 'CRASH', 'STOP', 'DISCONNECT']) {
  consumer.on(consumer.events[name], record);
}
consumer.on(consumer.events.GROUP_JOIN, (e) => join.push({ groupId: e.payload.groupId === groupId, memberId: typeof e.payload.memberId, memberAssignment: e.payload.memberAssignment[topic], groupProtocol: e.payload.groupProtocol, duration: typeof e.payload.duration }));
consumer.on(consumer.events.COMMIT_OFFSETS, (e) => commits.push(...e.payload.topics.flatMap((t) => t.partitions.map((p) => [Number(p.partition), p.offset]))));
consumer.on(consumer.events.CRASH, (e) => crashes.push({ name: e.payload.error.name, message: e.payload.error.message, restart: e.payload.restart, groupId: e.payload.groupId === groupId }));
let removedCalls = 0;
const removeListener = consumer.on(consumer.events.END_BATCH_PROCESS, () => removedCalls++);
removeListener();
let heartbeatListener;
try {
  consumer.on(consumer.events.HEARTBEAT, (e) => console.error(`heartbeat at ${e.timestamp}`));
  heartbeatListener = 'registered';
} catch (e) {
  heartbeatListener = e.name;
}

const handled = [];
let failedOnce = false;

const run = async () => {
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  await producer.connect();
  await producer.send({ topic, messages: [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 2, value: `click ${i}` })) });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (partition === 1 && message.offset === '1' && !failedOnce) {
        failedOnce = true;
        throw new Error('click store unavailable');
      }
      handled.push([partition, message.offset]);
      if (handled.length === 6) console.error('all clicks counted'); // the test sends SIGTERM now
    },
  });
};

const outcome = () =>
  JSON.stringify({
    seen,
    join: join.slice(0, 1),
    committed: Object.fromEntries(commits),
    crashes,
    restartAsked,
    removedCalls,
    heartbeatListener,
    handled: handled.sort((a, b) => a[0] - b[0] || Number(a[1]) - Number(b[1])),
  });

run().catch((e) => console.error(`[example/consumer] ${e.message}`, e));

const errorTypes = ['unhandledRejection', 'uncaughtException'];
const signalTraps = ['SIGTERM', 'SIGINT', 'SIGUSR2'];
errorTypes.forEach((type) => {
  process.on(type, async (e) => {
    try {
      console.error(`process.on ${type}`, e);
      await consumer.disconnect();
      process.exit(0);
    } catch (_) {
      process.exit(1);
    }
  });
});
signalTraps.forEach((type) => {
  process.once(type, async () => {
    try {
      await consumer.disconnect();
      await producer.disconnect();
      console.log(outcome());
    } finally {
      process.kill(process.pid, type);
    }
  });
});
