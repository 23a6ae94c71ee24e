// KafkaJS's "Producing Messages", "Custom Logger" and "Configuration" pages as one CommonJS
// application (in our own words): an admin creates two topics; a producer sends keyed messages
// with headers (strings, Buffers, a repeated key), messages to explicit partitions, messages
// with their own timestamp, with acks 1, then one sendBatch across both topics with GZIP. The
// other codecs are tried without registering any in CompressionCodecs. A custom logCreator at
// logLevel.INFO collects the entries of the client's, producer's and admin's loggers. A consumer
// reads everything back. test/kafkajs/apps.test.ts runs this file with KafkaJS 2.2.4 and again
// with only the require line below changed to 'kafkaesque/kafkajs'.
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const [brokers, prefix] = process.argv.slice(2);
const orders = `${prefix}-orders`;
const audit = `${prefix}-audit`;
const rel = (t) => t.slice(prefix.length + 1);

// the custom logger: entries of the application's own log calls are kept (the libraries' own
// lines differ in wording)
const entries = [];
const collectingLogCreator = (level) => ({ namespace, level: entryLevel, label, log }) => {
  const { timestamp, logger, message, ...extra } = log;
  if (message.startsWith('app:')) entries.push({ createdAt: level, namespace, level: entryLevel, label, logger, message, extra, timestamp: typeof timestamp });
};

const kafka = new Kafka({
  clientId: 'producing-app',
  brokers: brokers.split(','),
  logLevel: logLevel.INFO,
  logCreator: collectingLogCreator,
  retry: { initialRetryTime: 100, retries: 8 },
});

async function main() {
  kafka.logger().info('app: starting', { pid: 'hidden' });
  kafka.logger().debug('app: not shown at INFO');
  kafka.logger().namespace('billing').error('app: a namespaced logger', { invoice: 7 });
  const admin = kafka.admin();
  await admin.connect();
  admin.logger().warn('app: admin connected');
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: orders, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
      { topic: audit, numPartitions: 2 },
    ],
  });
  await admin.disconnect();

  const producer = kafka.producer();
  producer.logger().info('app: producer created', { topic: 'orders' });
  await producer.connect();

  const results = {};
  // keys, headers of each kind, acks 1
  results.keyed = await producer.send({
    topic: orders,
    acks: 1,
    messages: [
      { key: 'customer-1', value: 'order 1', headers: { 'correlation-id': '2bfb68bb', system: Buffer.from('web') } },
      { key: 'customer-2', value: 'order 2', headers: { tags: ['a', 'b'] } },
      { key: 'customer-1', value: 'order 3' },
      { key: Buffer.from('customer-3'), value: Buffer.from('order 4') },
    ],
  });
  // explicit partitions and timestamps
  results.placed = await producer.send({
    topic: orders,
    messages: [
      { value: 'to partition 2', partition: 2, timestamp: '1700000000000' },
      { key: 'customer-1', value: 'key says 0, partition says 1', partition: 1, timestamp: '1700000000001' },
      { value: null, key: 'tombstone', partition: 0 },
    ],
  });
  // one request across topics, compressed
  results.batch = await producer.sendBatch({
    compression: CompressionTypes.GZIP,
    topicMessages: [
      { topic: orders, messages: [{ key: 'customer-9', value: 'gzip order' }] },
      { topic: audit, messages: [{ key: 'customer-9', value: 'gzip audit 1' }, { key: 'customer-8', value: 'gzip audit 2' }] },
    ],
  });
  // codecs KafkaJS does not carry (nothing registered in CompressionCodecs)
  const codecs = {};
  for (const name of ['Snappy', 'LZ4', 'ZSTD']) {
    try {
      await producer.send({ topic: audit, compression: CompressionTypes[name], messages: [{ key: name, value: `${name} audit`, partition: 0 }] });
      codecs[name] = 'sent';
    } catch (e) {
      codecs[name] = `${e.name}: ${e.message}`;
    }
  }
  await producer.disconnect();

  // read everything back
  const consumer = kafka.consumer({ groupId: `${prefix}-reader` });
  consumer.logger().info('app: reading back');
  await consumer.connect();
  await consumer.subscribe({ topics: [orders, audit], fromBeginning: true });
  const expected = 10 + Object.values(codecs).filter((c) => c === 'sent').length;
  const received = [];
  await new Promise((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (e) => e.payload.restart || reject(e.payload.error));
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const headers = {};
          for (const [k, v] of Object.entries(message.headers)) headers[k] = Array.isArray(v) ? v.map(String) : String(v);
          received.push({
            topic: rel(topic),
            partition,
            offset: message.offset,
            key: message.key === null ? null : message.key.toString(),
            value: message.value === null ? null : message.value.toString(),
            headers,
            timestamp: message.timestamp.startsWith('17000000000') ? message.timestamp : 'now',
          });
          if (received.length === expected) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  const meta = (rs) => rs.map((r) => ({ topic: rel(r.topicName), partition: r.partition, errorCode: r.errorCode, baseOffset: r.baseOffset, logAppendTime: r.logAppendTime, logStartOffset: r.logStartOffset }));
  received.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition || Number(a.offset) - Number(b.offset) : a.topic < b.topic ? -1 : 1));
  console.log(
    JSON.stringify({
      keyed: meta(results.keyed),
      placed: meta(results.placed),
      batch: meta(results.batch).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)),
      codecs,
      received,
      entries,
    }),
  );
}

main().catch((err) => {
  console.error(err.name, err.message);
  process.exit(1);
});
