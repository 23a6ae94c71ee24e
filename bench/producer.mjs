// Producer throughput against the real broker: records/s, MB/s, and the client process's CPU
// seconds per million records, for 100 B and 1 KiB records, acks=1 and acks=all with
// idempotence, no compression and lz4. Each case runs in its own process (so CPU and RSS are
// the client's alone), on a fresh 6-partition topic, linger 5 ms, batch 64 KiB.
//
//   npm run bench:producer                       (builds first; starts or reuses the broker)
//   node bench/producer.mjs [--records 200000] [--runs 1] [--broker 127.0.0.1:9092]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchBroker, createTopic } from './clients/_common.mjs';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const { arg } = cliArgs();

if (arg('child', null) !== null) {
  await child(JSON.parse(arg('child')));
} else {
  await parent();
}

async function parent() {
  const records = Number(arg('records', '200000'));
  const runs = Number(arg('runs', '1'));
  const { broker, stop } = await benchBroker(arg('broker', process.env.KAFKAESQUE_BROKER ?? null));
  const cases = [];
  for (const size of [100, 1024]) {
    for (const [acksName, acks, idempotent] of [
      ['1', 1, false],
      ['all+idempotent', -1, true],
    ]) {
      for (const compression of ['none', 'lz4']) cases.push({ size, acksName, acks, idempotent, compression });
    }
  }
  const rows = [];
  for (const c of cases) {
    const results = [];
    for (let run = 0; run < runs; run++) {
      const out = spawnSync(process.execPath, [self, '--child', JSON.stringify({ ...c, records, broker })], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (out.status !== 0) throw new Error(`bench case failed: ${JSON.stringify(c)}`);
      results.push(JSON.parse(out.stdout.trim().split('\n').pop()));
    }
    results.sort((a, b) => a.recordsPerSec - b.recordsPerSec);
    const med = results[Math.floor(results.length / 2)];
    rows.push({ ...c, ...med, min: results[0].recordsPerSec, max: results[results.length - 1].recordsPerSec });
    process.stderr.write(`done: ${c.size} B acks=${c.acksName} ${c.compression}\n`);
  }
  console.log(`kafkaesque producer, ${records} records per case, ${runs} run(s) (median), broker ${broker}, Node ${process.version}\n`);
  console.log('| record | acks | compression | records/s | MB/s | CPU s / M records | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const range = runs > 1 ? ` (${Math.round(r.min)}-${Math.round(r.max)})` : '';
    console.log(
      `| ${r.size} B | ${r.acksName} | ${r.compression} | ${Math.round(r.recordsPerSec)}${range} | ${r.mbPerSec.toFixed(1)} | ${r.cpuPerMillion.toFixed(2)} | ${r.rssMb.toFixed(0)} |`,
    );
  }
  await stop();
}

async function child({ size, acks, idempotent, compression, records, broker }) {
  const k = require('../dist/src/index.js');
  await k.protocol.ensureCompressionReady();
  const topic = `bench-producer-${process.pid}-${Date.now()}`;
  await createTopic(k, broker, topic, 6);

  const producer = await k.AsyncProducer.create(
    new k.Config({ brokers: [broker], acks, idempotent, compression, lingerMs: 5, batchBytes: 65536 }),
  );
  let failed = 0;
  producer.on('error', () => failed++);
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = 97 + ((i * 7) % 26);
  // warm-up: metadata, producer id, connections
  await new Promise((resolve, reject) => producer.sendMsgByte(topic, null, value, undefined, { onSuccess: resolve, onError: reject }));
  await producer.flush();

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < records; i++) {
    const r = producer.sendMsgByte(topic, null, value);
    if (r) await r;
  }
  await producer.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await producer.close();
  if (failed > 0) throw new Error(`${failed} records failed`);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    JSON.stringify({
      recordsPerSec: records / seconds,
      mbPerSec: (records * size) / seconds / 1e6,
      cpuPerMillion: (cpuSeconds / records) * 1e6,
      rssMb: process.resourceUsage().maxRSS / 1024,
      seconds,
    }),
  );
}
