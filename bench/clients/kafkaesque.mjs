// kafkaesque driver (from dist/: run `node scripts/build.mjs` first; run.mjs does).
// No warm-up, as for every client: each clock starts before the client exists (before codec
// set-up, AsyncProducer.create / Consumer.create) and stops at the last acknowledgement (produce)
// or the N-th record handed to the application (consume). The report counts what happened:
// records acknowledged ('success' events), consumed or received, never what was asked.
import { createRequire } from 'node:module';
import { caseArg, done, loadValues, stamped, latencyOf, percentiles, deadline, sleep, topicPicker, makeKeys, memorySampler } from './_common.mjs';

const require = createRequire(import.meta.url);
const k = require('../../dist/src/index.js');
const c = caseArg();

const producerConfig = () =>
  new k.Config({
    brokers: [c.broker],
    acks: -1,
    idempotent: true,
    compression: c.compression,
    lingerMs: c.lingerMs,
    batchBytes: c.batchBytes,
    maxInFlight: c.maxInFlight,
    // scale runs (bench/scale.mjs): 'round-robin' / 'random', and the send buffer's bound
    ...(c.partitioner && c.partitioner !== 'hash' ? { partitioner: c.partitioner } : {}),
    ...(c.bufferBytes ? { bufferBytes: c.bufferBytes } : {}),
  });

// The group settings every client gets (run.mjs GROUP). Commits: kafkaesque's default is
// autoCommit of MARKED offsets every autoCommitIntervalMs (1 s) and on close, so a default-commit
// run marks every record, as a user of that default does; a commits-off run turns autoCommit off
// and marks nothing.
const consumerConfig = (initialOffset) =>
  new k.Config({
    brokers: [c.broker],
    group: c.group,
    topics: [c.topic],
    initialOffset,
    heartbeatIntervalMs: c.heartbeatMs,
    sessionTimeoutMs: c.sessionMs,
    fetchMaxWaitMs: c.fetchMaxWaitMs,
    autoCommit: c.commits !== 'off',
  });

if (c.workload === 'produce') {
  const values = loadValues(c.dataFile);
  const topicOf = topicPicker(c);
  const keys = c.keys ? makeKeys(c.keys) : null;
  const mem = c.sampleMemory ? memorySampler() : null;
  const t0 = process.hrtime.bigint();
  // the zstd codec's WebAssembly memory (16 MiB of external memory) only when the run compresses
  // with zstd, as an application producing uncompressed records never loads it
  if (c.compression === 'zstd') await k.protocol.ensureCompressionReady();
  const producer = await k.AsyncProducer.create(producerConfig());
  let acked = 0;
  let failed = 0;
  let firstError = null;
  // successListener false (bench/scale.mjs's "no 'success' listener" rows, issue 14 item 4):
  // nothing listens for successes; acknowledged = sent - failed once flush() resolved
  const listen = c.successListener !== false;
  if (listen) producer.on('success', () => acked++);
  producer.on('error', (e) => {
    failed++;
    firstError ??= e;
  });
  for (let i = 0; i < c.records; i++) {
    const r = producer.sendMsgByte(topicOf(i), keys ? keys[i % keys.length] : null, values[i % values.length]);
    if (r) await r;
  }
  await producer.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!listen) acked = c.records - failed;
  const memory = mem?.stop();
  await producer.close();
  done({ records: acked, failed, seconds, ...(memory ? { memory } : {}), ...(firstError ? { error: `${failed} records failed: ${firstError.message}` } : {}) });
} else if (c.workload === 'consume' || c.workload === 'consume-nocommit') {
  const mark = c.commits !== 'off';
  const t0 = process.hrtime.bigint();
  await k.protocol.ensureCompressionReady();
  const consumer = await k.Consumer.create(consumerConfig('oldest'));
  let n = 0;
  let bytes = 0;
  for await (const m of consumer) {
    bytes += m.value ? m.value.length : 0;
    if (mark) consumer.markOffset(m);
    if (++n === c.records) break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await consumer.close();
  done({ records: n, bytes, seconds });
} else if (c.workload === 'latency') {
  await k.protocol.ensureCompressionReady();
  const values = loadValues(c.dataFile);
  const consumer = await k.Consumer.create(consumerConfig('newest'));
  while (consumer.assignment().length < c.partitions) await sleep(20);
  const producer = await k.AsyncProducer.create(producerConfig());
  const samples = [];
  const total = c.rate * c.seconds;
  const reading = (async () => {
    for await (const m of consumer) {
      samples.push(latencyOf(m.value));
      if (c.commits !== 'off') consumer.markOffset(m);
      if (samples.length >= total) break;
    }
  })();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / c.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const r = producer.sendMsgByte(c.topic, null, stamped(values[i % values.length]));
    if (r) await r;
  }
  await producer.flush();
  await Promise.race([reading, deadline(30000)]);
  await producer.close();
  await consumer.close();
  done({ records: samples.length, seconds: c.seconds, latency: percentiles(samples) });
} else if (c.workload === 'rebalance') {
  const t0 = performance.now();
  const members = [];
  for (let i = 0; i < 3; i++) members.push(await k.Consumer.create(consumerConfig('oldest')));
  while (!members.every((m) => m.assignment().length === c.partitions / 3)) await sleep(10);
  const ms = performance.now() - t0;
  await Promise.all(members.map((m) => m.close()));
  done({ records: 0, seconds: ms / 1000, rebalanceMs: ms });
} else throw new Error(`unknown workload ${c.workload}`);
