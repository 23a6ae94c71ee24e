// The same KafkaJS-style program run with KafkaJS 2.2.4 (`kafkajs`) and with
// `kafkaesque/kafkajs`, next to kafkaesque's native API doing the same work: what the
// compatibility layer costs against native (the goal: at most 10%), and where it stands
// against KafkaJS. Producer: N records of 100 B and 1 KiB, 1,000 per send() awaited in turn
// (acks all; native: SyncProducer, 1,000 sends awaited together). Consumer: N records from the
// beginning of a 6-partition topic with a no-op eachMessage (native: for await + markOffset; and
// native batches(): one markOffset per fetched batch, the way kafkaesque/kafkajs consumes), timed
// from the first record handed to the application to the last (the group join left out).
// Each case runs in its own process, on a fresh topic.
//
//   npm run bench:kafkajs                         (builds first; starts or reuses the broker)
//   node bench/kafkajs-compat.mjs [--records 100000] [--runs 1] [--role producer,consumer] [--size 100,1024] [--broker 127.0.0.1:9092]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchBroker } from './clients/_common.mjs';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const { arg } = cliArgs();
/** Called with the consumer's first record: the clock starts there. */
let first = () => {};

if (arg('child', null) !== null) await child(JSON.parse(arg('child')));
else await parent();

async function parent() {
  const records = Number(arg('records', '100000'));
  const runs = Number(arg('runs', '1'));
  const { broker, stop } = await benchBroker(arg('broker', process.env.KAFKAESQUE_BROKER ?? null));
  const rows = [];
  const roles = arg('role', 'producer,consumer').split(',');
  const sizes = arg('size', '100,1024').split(',').map(Number);
  for (const role of roles) {
    for (const size of sizes) {
      // the consumer's native API two ways: per message (for await) and per fetched batch (batches())
      const libs = role === 'consumer' ? ['kafkajs', 'kafkaesque/kafkajs', 'native', 'native batches()'] : ['kafkajs', 'kafkaesque/kafkajs', 'native'];
      for (const lib of libs) {
        const rates = [];
        for (let r = 0; r < runs; r++) {
          const out = spawnSync(process.execPath, [self, '--child', JSON.stringify({ role, size, lib, records, broker })], { encoding: 'utf8', timeout: 600_000 });
          const line = out.stdout.trim().split('\n').pop();
          if (out.status !== 0 || !line?.startsWith('{')) throw new Error(`${role} ${lib} ${size}: ${out.stderr}`);
          rates.push(JSON.parse(line));
        }
        rates.sort((a, b) => a.recordsPerSec - b.recordsPerSec);
        rows.push({ role, size, lib, ...rates[Math.floor(rates.length / 2)] });
      }
    }
  }
  await stop();
  console.log(`\nkafkaesque/kafkajs next to KafkaJS 2.2.4 and kafkaesque's native API (${records} records, median of ${runs})\n`);
  console.log('| role | size | client | records/s | MB/s | CPU s / M records | vs native | vs native batches() |');
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const native = rows.find((x) => x.role === r.role && x.size === r.size && x.lib === 'native');
    const vs = r.lib === 'native' ? '' : `${((r.recordsPerSec / native.recordsPerSec - 1) * 100).toFixed(1)}%`;
    const batched = rows.find((x) => x.role === r.role && x.size === r.size && x.lib === 'native batches()');
    const vsBatched = batched === undefined || r.lib === 'native batches()' ? '' : `${((r.recordsPerSec / batched.recordsPerSec - 1) * 100).toFixed(1)}%`;
    console.log(`| ${r.role} | ${r.size} B | ${r.lib} | ${Math.round(r.recordsPerSec).toLocaleString('en')} | ${r.mbPerSec.toFixed(1)} | ${r.cpuPerMillion.toFixed(1)} | ${vs} | ${vsBatched} |`);
  }
}

async function child({ role, size, lib, records, broker }) {
  const k = require('../dist/src/index.js');
  const topic = `bench-kjs-${role}-${size}-${lib.replace(/[^a-z]+/g, '-')}-${Date.now()}`;
  const admin = await k.Admin.create({ brokers: [broker] });
  await admin.createTopics([{ name: topic, numPartitions: 6, replicationFactor: 1 }], { waitForLeaders: true });
  await admin.close();
  const value = Buffer.alloc(size, 0x61);
  if (role === 'consumer') {
    // the data, written untimed by the native producer
    const p = await k.SyncProducer.create(new k.Config({ brokers: [broker] }));
    for (let i = 0; i < records; i += 1000) await Promise.all(Array.from({ length: Math.min(1000, records - i) }, () => p.send({ topic, value })));
    await p.close();
  }
  // the consumer is timed from its first record to its last (the group join is left out: at
  // these rates it would be most of the time); the producer from its first send to the last ack
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  first = () => {
    cpu0 = process.cpuUsage();
    t0 = performance.now();
  };
  if (lib === 'native') await (role === 'producer' ? nativeProduce : nativeConsume)(k, broker, topic, value, records);
  else if (lib === 'native batches()') await nativeConsumeBatches(k, broker, topic, value, records);
  else {
    const m = lib === 'kafkajs' ? require('kafkajs') : require('../dist/src/kafkajs/index.js');
    await (role === 'producer' ? kafkajsProduce : kafkajsConsume)(m, broker, topic, value, records);
  }
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  records -= role === 'consumer' ? 1 : 0; // the first record starts the clock
  console.log(JSON.stringify({ recordsPerSec: records / secs, mbPerSec: (records * size) / secs / 1e6, cpuPerMillion: ((cpu.user + cpu.system) / 1e6 / records) * 1e6 }));
  process.exit(0);
}

// ------------------------------------------------------------ the KafkaJS-style program
async function kafkajsProduce({ Kafka, logLevel, Partitioners }, broker, topic, value, records) {
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < records; i += 1000) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(1000, records - i) }, () => ({ value })) });
  }
  await producer.disconnect();
}

async function kafkajsConsume({ Kafka, logLevel }, broker, topic, _value, records) {
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${topic}-g` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  await new Promise((resolve) => {
    consumer.run({
      eachMessage: async () => {
        if (++n === 1) first();
        if (n === records) resolve();
      },
    });
  });
  await consumer.disconnect();
}

// ------------------------------------------------------------ the same with the native API
async function nativeProduce(k, broker, topic, value, records) {
  // lingerMs 0, as kafkaesque/kafkajs sets it: each round of 1,000 goes out at once (Java's 5 ms linger would add 5 ms a round)
  const p = await k.SyncProducer.create(new k.Config({ brokers: [broker], acks: 'all', lingerMs: 0, partitioner: process.env.BENCH_NATIVE_PARTITIONER ?? undefined }));
  for (let i = 0; i < records; i += 1000) await Promise.all(Array.from({ length: Math.min(1000, records - i) }, () => p.send({ topic, value })));
  await p.close();
}

async function nativeConsume(k, broker, topic, _value, records) {
  const c = await k.Consumer.create(new k.Config({ brokers: [broker], group: `${topic}-g`, topics: [topic], initialOffset: 'oldest' }));
  let n = 0;
  for await (const m of c) {
    c.markOffset(m);
    if (++n === 1) first();
    if (n === records) break;
  }
  await c.close();
}

async function nativeConsumeBatches(k, broker, topic, _value, records) {
  const c = await k.Consumer.create(new k.Config({ brokers: [broker], group: `${topic}-g`, topics: [topic], initialOffset: 'oldest' }));
  let n = 0;
  for await (const b of c.batches()) {
    if (n === 0) first();
    for (const m of b.messages) if (++n === records) break;
    c.markOffset(b.messages[b.messages.length - 1]);
    if (n >= records) break;
  }
  await c.close();
}
