// KafkaJS 2.2.4 driver. KafkaJS has no linger.ms / batch.size: the adapter groups records into
// send() calls itself (see batcher in _common.mjs) with the same limits as the other clients.
// KafkaJS has no built-in LZ4: a codec is registered (LZ4 frame built from lz4js blocks), the way
// KafkaJS users plug one in (kafkajs-lz4 needs the native `lz4` module: no build here).
import { createRequire } from 'node:module';
import { caseArg, done, loadValues, stamped, latencyOf, percentiles, deadline, batcher, sleep, topicPicker, makeKeys, memorySampler } from './_common.mjs';

const require = createRequire(import.meta.url);
const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = require('kafkajs');
const lz4js = require('lz4js');
const xxh32 = require('lz4js/xxh32.js');
// lz4js.compress() writes dependent blocks, which the Java broker rejects ("Dependent block
// stream is unsupported"), so the frame is assembled here from lz4js.compressBlock with a fresh
// hash table per 64 KiB block: FLG 0x60 (v01, independent blocks), BD 0x40, header checksum.
function lz4Frame(src) {
  const parts = [];
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0]);
  header[6] = (xxh32.hash(0, header, 4, 2) >> 8) & 0xff;
  parts.push(header);
  const block = 65536;
  for (let i = 0; i < src.length; i += block) {
    const n = Math.min(block, src.length - i);
    const dst = Buffer.alloc(n + Math.ceil(n / 255) + 16);
    const table = new Uint32Array(1 << 16);
    const size = lz4js.compressBlock(src, dst, i, n, table);
    const len = Buffer.alloc(4);
    if (size > 0 && size < n) {
      len.writeUInt32LE(size, 0);
      parts.push(len, dst.subarray(0, size));
    } else {
      len.writeUInt32LE((n | 0x80000000) >>> 0, 0);
      parts.push(len, src.subarray(i, i + n));
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  async compress(encoder) {
    return lz4Frame(encoder.buffer);
  },
  async decompress(buffer) {
    return Buffer.from(lz4js.decompress(buffer));
  },
});

const c = caseArg();
const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [c.broker], logLevel: logLevel.NOTHING });
const compression = c.compression === 'lz4' ? CompressionTypes.LZ4 : CompressionTypes.None;

// No warm-up, as for every client: each clock starts before connect() and stops at the last
// acknowledgement (produce) or the N-th record handed to the application (consume). The report
// counts records acknowledged (the messages of every send() that resolved), consumed or received.
async function makeProducer() {
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false, maxInFlightRequests: c.maxInFlight, ...partitionerOption() });
  await producer.connect();
  const counts = { acked: 0 };
  const b = batcher({
    // records of several topics (scale runs): one send() call, a topicMessages entry per topic
    send: c.topics?.length > 1
      ? async (messages) => {
          const byTopic = new Map();
          for (const m of messages) {
            if (!byTopic.has(m.topic)) byTopic.set(m.topic, []);
            byTopic.get(m.topic).push(m);
          }
          await producer.sendBatch({ acks: -1, compression, topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms })) });
          counts.acked += messages.length;
        }
      : async (messages) => {
          await producer.send({ topic: c.topic, acks: -1, compression, messages });
          counts.acked += messages.length;
        },
    maxBytes: c.sendMaxBytes ?? c.batchBytes * c.partitions,
    lingerMs: c.lingerMs,
    maxInFlight: c.maxInFlight,
  });
  return { producer, b, counts };
}

// Scale runs: KafkaJS's DefaultPartitioner is Java's murmur2 for keyed records and round-robin
// (a counter over the partitions with a leader) for keyless ones, so 'hash' and 'round-robin'
// are its default; 'random' is a user partitioner, as a KafkaJS user would write one.
function partitionerOption() {
  if (c.partitioner === 'random') return { createPartitioner: () => ({ partitionMetadata }) => Math.floor(Math.random() * partitionMetadata.length) };
  return {};
}

// The group settings every client gets (run.mjs GROUP): heartbeat, session timeout and the
// fetch wait. KafkaJS's maxWaitTimeInMs defaults to 5,000 ms, and KafkaJS heartbeats between
// fetches, so that default would also delay every rebalance by up to 5 s.
const consumerOptions = () => ({
  groupId: c.group,
  heartbeatInterval: c.heartbeatMs,
  sessionTimeout: c.sessionMs,
  maxWaitTimeInMs: c.fetchMaxWaitMs,
});
// Commits: KafkaJS's default (autoCommit on: the offsets of each processed batch are committed
// after it) or none.
const runOptions = () => (c.commits === 'off' ? { autoCommit: false } : {});

if (c.workload === 'produce') {
  const values = loadValues(c.dataFile);
  const topicOf = topicPicker(c);
  const multi = c.topics?.length > 1;
  const keys = c.keys ? makeKeys(c.keys) : null;
  const mem = c.sampleMemory ? memorySampler() : null;
  const t0 = process.hrtime.bigint();
  const { producer, b, counts } = await makeProducer();
  for (let i = 0; i < c.records; i++) {
    const v = values[i % values.length];
    const m = { value: v };
    if (keys) m.key = keys[i % keys.length];
    if (multi) m.topic = topicOf(i);
    const r = b.add(m, v.length);
    if (r) await r;
  }
  await b.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const memory = mem?.stop();
  await producer.disconnect();
  done({ records: counts.acked, seconds, ...(memory ? { memory } : {}) });
} else if (c.workload === 'consume' || c.workload === 'consume-nocommit') {
  const t0 = process.hrtime.bigint();
  const consumer = kafka.consumer(consumerOptions());
  await consumer.connect();
  await consumer.subscribe({ topics: [c.topic], fromBeginning: true });
  let n = 0;
  let bytes = 0;
  let finish;
  const finished = new Promise((r) => (finish = r));
  await consumer.run({
    ...runOptions(),
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        bytes += m.value ? m.value.length : 0;
        if (++n === c.records) finish(process.hrtime.bigint());
      }
    },
  });
  const t1 = await finished;
  const seconds = Number(t1 - t0) / 1e9;
  await consumer.disconnect();
  done({ records: n, bytes, seconds, note: 'eachBatch' });
} else if (c.workload === 'latency') {
  const values = loadValues(c.dataFile);
  const total = c.rate * c.seconds;
  const consumer = kafka.consumer(consumerOptions());
  await consumer.connect();
  await consumer.subscribe({ topics: [c.topic], fromBeginning: false });
  let joined;
  const isJoined = new Promise((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  const samples = [];
  let finish;
  const finished = new Promise((r) => (finish = r));
  await consumer.run({
    ...runOptions(),
    eachMessage: async ({ message }) => {
      samples.push(latencyOf(message.value));
      if (samples.length >= total) finish();
    },
  });
  await isJoined;
  await sleep(1000); // KafkaJS resolves 'latest' offsets after joining; let the first fetch start
  const { producer, b } = await makeProducer();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / c.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const v = stamped(values[i % values.length]);
    const r = b.add({ value: v }, v.length);
    if (r) await r;
  }
  await b.flush();
  await Promise.race([finished, deadline(30000)]);
  await producer.disconnect();
  await consumer.disconnect();
  done({ records: samples.length, seconds: c.seconds, latency: percentiles(samples) });
} else if (c.workload === 'rebalance') {
  const t0 = performance.now();
  const members = [];
  const assigned = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const m = kafka.consumer(consumerOptions());
    m.on(m.events.GROUP_JOIN, (e) => {
      const a = e.payload.memberAssignment[c.topic] ?? [];
      assigned[i] = a.length;
    });
    await m.connect();
    await m.subscribe({ topics: [c.topic], fromBeginning: true });
    await m.run({ ...runOptions(), eachMessage: async () => {} });
    members.push(m);
  }
  while (!assigned.every((n) => n === c.partitions / 3)) await sleep(10);
  const ms = performance.now() - t0;
  await Promise.all(members.map((m) => m.disconnect()));
  done({ records: 0, seconds: ms / 1000, rebalanceMs: ms });
} else throw new Error(`unknown workload ${c.workload}`);
