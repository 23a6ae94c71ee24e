// kafkaesque adapter (from dist/: run `node scripts/build.mjs` first; run.mjs does).
import { createRequire } from 'node:module';
import { caseArg, done, loadValues, stamped, latencyOf, percentiles, deadline, sleep } from './_common.mjs';

const require = createRequire(import.meta.url);
const k = require('../../dist/src/index.js');
await k.protocol.ensureCompressionReady();
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
  });

if (c.workload === 'produce') {
  const values = loadValues(c.dataFile);
  const producer = await k.AsyncProducer.create(producerConfig());
  let failed = 0;
  producer.on('error', () => failed++);
  // warm-up: metadata, producer id, connections (one record, not timed)
  await new Promise((resolve, reject) => producer.sendMsgByte(c.topic, null, values[0], undefined, { onSuccess: resolve, onError: reject }));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < c.records; i++) {
    const r = producer.sendMsgByte(c.topic, null, values[i % values.length]);
    if (r) await r;
  }
  await producer.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.close();
  if (failed > 0) throw new Error(`${failed} records failed`);
  done({ records: c.records, seconds, idempotent: true });
} else if (c.workload === 'consume') {
  const t0 = process.hrtime.bigint();
  const consumer = await k.Consumer.create(
    new k.Config({ brokers: [c.broker], group: c.group, topics: [c.topic], initialOffset: 'oldest' }),
  );
  let n = 0;
  let bytes = 0;
  for await (const m of consumer) {
    bytes += m.value ? m.value.length : 0;
    if (++n === c.records) break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await consumer.close();
  done({ records: n, bytes, seconds });
} else if (c.workload === 'latency') {
  const values = loadValues(c.dataFile);
  const consumer = await k.Consumer.create(
    new k.Config({ brokers: [c.broker], group: c.group, topics: [c.topic], initialOffset: 'newest' }),
  );
  while (consumer.assignment().length < c.partitions) await sleep(20);
  const producer = await k.AsyncProducer.create(producerConfig());
  const samples = [];
  const total = c.rate * c.seconds;
  const reading = (async () => {
    for await (const m of consumer) {
      samples.push(latencyOf(m.value));
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
  done({ records: samples.length, seconds: c.seconds, latency: percentiles(samples), idempotent: true });
} else if (c.workload === 'rebalance') {
  const t0 = performance.now();
  const members = [];
  for (let i = 0; i < 3; i++) {
    members.push(
      await k.Consumer.create(
        new k.Config({ brokers: [c.broker], group: c.group, topics: [c.topic], initialOffset: 'oldest', heartbeatIntervalMs: 300 }),
      ),
    );
  }
  while (!members.every((m) => m.assignment().length === c.partitions / 3)) await sleep(10);
  const ms = performance.now() - t0;
  await Promise.all(members.map((m) => m.close()));
  done({ records: 0, seconds: ms / 1000, rebalanceMs: ms });
} else throw new Error(`unknown workload ${c.workload}`);
