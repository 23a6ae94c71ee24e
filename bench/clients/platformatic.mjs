// @platformatic/kafka 1.35.0 driver (the newest release that runs on Node 20). It has no
// linger.ms / batch.size on Producer.send(): the adapter groups records into send() calls itself
// (batcher in _common.mjs) with the same size/linger limits as the other clients, but only one
// send() in flight (see makeProducer).
import { Producer, Consumer, ProduceAcks, MessagesStreamModes } from '@platformatic/kafka';
import { caseArg, done, loadValues, stamped, latencyOf, percentiles, deadline, batcher, sleep, topicPicker, makeKeys, memorySampler } from './_common.mjs';

const c = caseArg();
const base = { clientId: 'bench-platformatic', bootstrapBrokers: [c.broker] };

// No warm-up, as for every client: each clock starts before the Producer / Consumer exists and
// stops at the last acknowledgement (produce) or the N-th record handed to the application
// (consume). The report counts records acknowledged (the messages of every send() that
// resolved), consumed or received.
function makeProducer() {
  const producer = new Producer({
    ...base,
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: c.compression === 'lz4' ? 'lz4' : 'none',
    autocreateTopics: false,
    // Scale runs: @platformatic/kafka's default places keyed records by murmur2 and keyless
    // ones round-robin, so 'hash' and 'round-robin' are its default; 'random' is a user
    // partitioner (the client takes its result modulo the partition count).
    ...(c.partitioner === 'random' ? { partitioner: () => Math.floor(Math.random() * 0x7fffffff) } : {}),
  });
  const counts = { acked: 0 };
  const b = batcher({
    send: async (messages) => {
      await producer.send({ messages });
      counts.acked += messages.length;
    },
    maxBytes: c.sendMaxBytes ?? c.batchBytes * c.partitions,
    lingerMs: c.lingerMs,
    // One send() in flight: with idempotence on, concurrent send() calls make 1.35.0 fail with
    // OUT_OF_ORDER_SEQUENCE_NUMBER (seen with 5 in flight at 100 B records).
    maxInFlight: 1,
  });
  return { producer, b, counts };
}

// The group settings every client gets (run.mjs GROUP): heartbeat, session timeout and the
// fetch wait (@platformatic/kafka's maxWaitTime defaults to 5,000 ms).
const consumerOptions = () => ({
  ...base,
  groupId: c.group,
  heartbeatInterval: c.heartbeatMs,
  sessionTimeout: c.sessionMs,
  maxWaitTime: c.fetchMaxWaitMs,
});
// Commits: @platformatic/kafka's default (autocommit: true, the offsets of each fetch are
// committed as it is delivered) or none.
const commitOptions = () => (c.commits === 'off' ? { autocommit: false } : {});

if (c.workload === 'produce') {
  const values = loadValues(c.dataFile);
  const topicOf = topicPicker(c);
  const keys = c.keys ? makeKeys(c.keys) : null;
  const mem = c.sampleMemory ? memorySampler() : null;
  const t0 = process.hrtime.bigint();
  const { producer, b, counts } = makeProducer();
  for (let i = 0; i < c.records; i++) {
    const v = values[i % values.length];
    const m = { topic: topicOf(i), value: v };
    if (keys) m.key = keys[i % keys.length];
    const r = b.add(m, v.length);
    if (r) await r;
  }
  await b.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const memory = mem?.stop();
  await producer.close();
  done({ records: counts.acked, seconds, ...(memory ? { memory } : {}) });
} else if (c.workload === 'consume' || c.workload === 'consume-nocommit') {
  const t0 = process.hrtime.bigint();
  const consumer = new Consumer(consumerOptions());
  const stream = await consumer.consume({ topics: [c.topic], mode: MessagesStreamModes.EARLIEST, ...commitOptions() });
  let n = 0;
  let bytes = 0;
  for await (const m of stream) {
    bytes += m.value ? m.value.length : 0;
    if (++n === c.records) break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await stream.close().catch(() => {});
  await consumer.close(true);
  done({ records: n, bytes, seconds });
} else if (c.workload === 'latency') {
  const values = loadValues(c.dataFile);
  const total = c.rate * c.seconds;
  const consumer = new Consumer(consumerOptions());
  const stream = await consumer.consume({ topics: [c.topic], mode: MessagesStreamModes.LATEST, ...commitOptions() });
  const samples = [];
  let finish;
  const finished = new Promise((r) => (finish = r));
  stream.on('data', (m) => {
    samples.push(latencyOf(m.value));
    if (samples.length >= total) finish();
  });
  while (!(consumer.assignments?.[0]?.partitions.length === c.partitions)) await sleep(20);
  await sleep(1000);
  const { producer, b } = makeProducer();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / c.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const v = stamped(values[i % values.length]);
    const r = b.add({ topic: c.topic, value: v }, v.length);
    if (r) await r;
  }
  await b.flush();
  await Promise.race([finished, deadline(30000)]);
  await producer.close();
  await stream.close().catch(() => {});
  await consumer.close(true);
  done({ records: samples.length, seconds: c.seconds, latency: percentiles(samples) });
} else if (c.workload === 'rebalance') {
  const t0 = performance.now();
  const members = [];
  const streams = [];
  for (let i = 0; i < 3; i++) {
    const m = new Consumer(consumerOptions());
    const s = await m.consume({ topics: [c.topic], mode: MessagesStreamModes.EARLIEST, ...commitOptions() });
    s.on('data', () => {});
    members.push(m);
    streams.push(s);
  }
  const owned = (m) => (m.assignments ?? []).reduce((n, a) => n + a.partitions.length, 0);
  while (!members.every((m) => owned(m) === c.partitions / 3)) await sleep(10);
  const ms = performance.now() - t0;
  await Promise.all(streams.map((s) => s.close().catch(() => {})));
  await Promise.all(members.map((m) => m.close(true)));
  done({ records: 0, seconds: ms / 1000, rebalanceMs: ms });
} else throw new Error(`unknown workload ${c.workload}`);
