// Consumer throughput against the real broker: records/s, MB/s and the client process's CPU
// seconds per million records, reading N records of 1 KiB from the earliest offset of a
// 6-partition topic in a fresh group (classic and KIP-848 protocols); plus the time 3 members
// take to settle into a balanced group. Each case runs in its own process.
//
//   npm run bench:consumer                       (builds first; starts or reuses the broker)
//   node bench/consumer.mjs [--records 1000000] [--size 1024] [--broker 127.0.0.1:9092]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchBroker, createTopic } from './clients/_common.mjs';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const { arg } = cliArgs();

if (arg('child', null) !== null) await child(JSON.parse(arg('child')));
else await parent();

async function parent() {
  const records = Number(arg('records', '1000000'));
  const size = Number(arg('size', '1024'));
  const { broker, stop } = await benchBroker(arg('broker', process.env.KAFKAESQUE_BROKER ?? null));
  const k = require('../dist/src/index.js');
  const topic = `bench-consumer-${Date.now()}`;
  await createTopic(k, broker, topic, 6);
  process.stderr.write(`producing ${records} records of ${size} B to ${topic}\n`);
  const producer = await k.AsyncProducer.create(new k.Config({ brokers: [broker], lingerMs: 5, batchBytes: 65536, compression: 'lz4' }));
  const value = Buffer.alloc(size, 97);
  for (let i = 0; i < records; i++) {
    const r = producer.sendMsgByte(topic, null, value);
    if (r) await r;
  }
  await producer.close();

  const rows = [];
  for (const protocol of ['classic', 'consumer']) {
    const out = spawnSync(process.execPath, [self, '--child', JSON.stringify({ kind: 'read', protocol, topic, records, size, broker })], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (out.status !== 0) throw new Error(`consumer case ${protocol} failed`);
    rows.push({ protocol, ...JSON.parse(out.stdout.trim().split('\n').pop()) });
  }
  const reb = [];
  for (const protocol of ['classic', 'consumer']) {
    const out = spawnSync(process.execPath, [self, '--child', JSON.stringify({ kind: 'rebalance', protocol, topic, broker })], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (out.status !== 0) throw new Error(`rebalance case ${protocol} failed`);
    reb.push({ protocol, ...JSON.parse(out.stdout.trim().split('\n').pop()) });
  }
  console.log(`kafkaesque consumer, ${records} records of ${size} B (lz4-compressed batches), 6 partitions, broker ${broker}, Node ${process.version}\n`);
  console.log('| group protocol | records/s | MB/s | CPU s / M records | peak RSS MB |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.protocol} | ${Math.round(r.recordsPerSec)} | ${r.mbPerSec.toFixed(1)} | ${r.cpuPerMillion.toFixed(2)} | ${r.rssMb.toFixed(0)} |`);
  }
  console.log('\n| group protocol | 3 members balanced after (ms) |');
  console.log('|---|---|');
  for (const r of reb) console.log(`| ${r.protocol} | ${Math.round(r.ms)} |`);
  await stop();
}

async function child(c) {
  const k = require('../dist/src/index.js');
  await k.protocol.ensureCompressionReady();
  const base = { brokers: [c.broker], topics: [c.topic], initialOffset: 'oldest', groupProtocol: c.protocol };
  if (c.kind === 'read') {
    const consumer = await k.Consumer.create(new k.Config({ ...base, group: `bench-${process.pid}-${Date.now()}` }));
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let n = 0;
    for await (const m of consumer) {
      if (++n === c.records) break;
      if ((n & 1023) === 0) consumer.markOffset(m);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    await consumer.close();
    console.log(
      JSON.stringify({
        recordsPerSec: c.records / seconds,
        mbPerSec: (c.records * c.size) / seconds / 1e6,
        cpuPerMillion: ((cpu.user + cpu.system) / 1e6 / c.records) * 1e6,
        rssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
    return;
  }
  // rebalance: three members join one after another; time until each owns 2 of the 6 partitions
  const group = `bench-rebalance-${process.pid}-${Date.now()}`;
  const t0 = Date.now();
  const members = [];
  for (let i = 0; i < 3; i++) members.push(await k.Consumer.create(new k.Config({ ...base, group, heartbeatIntervalMs: c.protocol === 'classic' ? 300 : undefined })));
  while (!members.every((m) => m.assignment().length === 2)) await new Promise((r) => setTimeout(r, 20));
  const ms = Date.now() - t0;
  await Promise.all(members.map((m) => m.close()));
  console.log(JSON.stringify({ ms }));
}
