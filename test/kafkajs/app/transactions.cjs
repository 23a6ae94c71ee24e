// KafkaJS's "Transactions" page as a CommonJS application (in our own words): a transactional,
// idempotent producer (maxInFlightRequests 1); a transaction that fails half-way and is aborted;
// then consume-transform-produce: for each input message a transaction sends the transformed
// message and the consumer's offset (sendOffsets with consumerGroupId) and commits, aborting when
// the processing fails (the message comes again and is processed then). A read_committed consumer
// (KafkaJS's default) and a readUncommitted one read the output. test/kafkajs/apps.test.ts runs
// this file with KafkaJS 2.2.4 and again with only the require line below changed to
// 'kafkaesque/kafkajs'.
const { Kafka, logLevel } = require('kafkajs');

const [brokers, prefix] = process.argv.slice(2);
const input = `${prefix}-raw`;
const output = `${prefix}-shouted`;
const groupId = `${prefix}-shouter`;
const kafka = new Kafka({ clientId: 'shouter', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100 } });

async function readAll(readUncommitted, expected) {
  const consumer = kafka.consumer({ groupId: `${prefix}-audit-${readUncommitted}`, readUncommitted });
  await consumer.connect();
  await consumer.subscribe({ topic: output, fromBeginning: true });
  const values = [];
  await new Promise((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value.toString());
        if (values.length === expected) setTimeout(resolve, 300); // and nothing more comes
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return values.sort();
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }] });

  const plain = kafka.producer();
  await plain.connect();
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'poison', 'echo', 'foxtrot', 'golf'];
  await plain.send({ topic: input, messages: words.map((w, i) => ({ key: `k${i}`, value: w })) });
  await plain.disconnect();

  const producer = kafka.producer({ transactionalId: `${prefix}-tx`, maxInFlightRequests: 1, idempotent: true });
  await producer.connect();

  // a transaction whose work fails: aborted, its messages never reach read_committed readers
  const draft = await producer.transaction();
  let abortedDraft = false;
  try {
    await draft.send({ topic: output, messages: [{ key: 'draft', value: 'DRAFT 1' }, { key: 'draft', value: 'DRAFT 2' }] });
    throw new Error('the rest of the work failed');
  } catch (e) {
    await draft.abort();
    abortedDraft = !draft.isActive();
  }

  // consume-transform-produce, exactly once
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  const attempts = {};
  let committedCount = 0;
  await new Promise((resolve, reject) => {
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const word = message.value.toString();
        attempts[word] = (attempts[word] || 0) + 1;
        const transaction = await producer.transaction();
        try {
          await transaction.send({ topic: output, messages: [{ key: message.key, value: word.toUpperCase() }] });
          if (word === 'poison' && attempts[word] === 1) throw new Error('poison: first attempt fails');
          await transaction.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] }],
          });
          await transaction.commit();
          committedCount++;
          if (committedCount === words.length) resolve();
        } catch (e) {
          await transaction.abort();
          throw e;
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  await producer.disconnect();

  const committedView = await readAll(false, words.length);
  const uncommittedView = await readAll(true, words.length + 3);
  const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
  const inputEnds = await admin.fetchTopicOffsets(input);
  const outputEnds = await admin.fetchTopicOffsets(output);
  await admin.disconnect();

  console.log(
    JSON.stringify({
      abortedDraft,
      attempts,
      committedView,
      uncommittedView,
      committed: offsets[0].partitions.map((p) => [p.partition, p.offset]).sort((a, b) => a[0] - b[0]),
      inputEnds: inputEnds.map((e) => [e.partition, e.high]).sort((a, b) => a[0] - b[0]),
      outputEnds: outputEnds.map((e) => [e.partition, e.high]).sort((a, b) => a[0] - b[0]),
    }),
  );
}

main().catch((err) => {
  console.error(err.name, err.message);
  process.exit(1);
});
