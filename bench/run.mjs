// kafkaesque side by side with the clients users would pick instead: KafkaJS, @platformatic/kafka,
// the Java client (Kafka's perf tools) and kcat (librdkafka). Every client runs in its own child
// process, one after another, with the same acks (all), idempotence, linger (5 ms), batch size
// (64 KiB), partitions (6), record sizes and record bytes.
//
//   npm run bench                                   (builds kafkaesque first)
//   node bench/run.mjs [--quick] [--records 1000000] [--runs 3] [--clients kafkaesque,kafkajs,platformatic,java,kcat]
//                      [--workloads produce,consume,latency,rebalance] [--sizes 1024,100]
//                      [--compressions none,lz4] [--rate 5000] [--latency-seconds 30]
//                      [--broker host:port] [--out bench/results] [--timeout-s 600]
//   The defaults are the issue's size (1,000,000 records, median of 3 runs); --quick is a
//   200,000-record, 1-run, 10 s-latency smoke run (other options still override it).
//
// Writes bench/results/latest.{json,md,svg}; prints the Markdown on stdout, progress on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTopic as createTopicWith } from './clients/_common.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const list = (name, def) => arg(name, def).split(',').map((s) => s.trim()).filter(Boolean);

const quick = argv.includes('--quick');
const opts = {
  records: Number(arg('records', quick ? '200000' : '1000000')),
  consumerRecords: Number(arg('consumer-records', arg('records', quick ? '200000' : '1000000'))),
  runs: Number(arg('runs', quick ? '1' : '3')),
  clients: list('clients', 'kafkaesque,kafkajs,platformatic,java,kcat'),
  workloads: list('workloads', 'produce,consume,latency,rebalance'),
  sizes: list('sizes', '1024,100').map(Number),
  compressions: list('compressions', 'none,lz4'),
  rate: Number(arg('rate', '5000')),
  latencySeconds: Number(arg('latency-seconds', quick ? '10' : '30')),
  partitions: 6,
  lingerMs: 5,
  batchBytes: 65536,
  maxInFlight: 5,
  timeoutS: Number(arg('timeout-s', '600')),
  out: path.resolve(root, arg('out', 'bench/results')),
};
// Which client can run which workload (the rest are marked "n/a" with the reason).
const SUPPORTS = {
  kafkaesque: ['produce', 'consume', 'latency', 'rebalance'],
  kafkajs: ['produce', 'consume', 'latency', 'rebalance'],
  platformatic: ['produce', 'consume', 'latency', 'rebalance'],
  java: ['produce', 'consume'],
  kcat: ['produce', 'consume'],
};
const WHY_NOT = {
  'java latency': 'the shipped EndToEndLatency tool sends one record at a time and waits for it (no fixed rate): a different workload',
  'java rebalance': 'no tool in the Kafka distribution times a 3-member join',
  'kcat latency': 'kcat has no fixed-rate producer and does not put a send time in the value',
  'kcat rebalance': 'one kcat process is one group member and does not report assignment times',
};
const LABEL = {
  kafkaesque: 'kafkaesque',
  kafkajs: 'KafkaJS 2.2.4',
  platformatic: '@platformatic/kafka 1.35.0',
  java: 'Java client 4.2.1',
  kcat: 'kcat 1.7.1 (librdkafka)',
};
const CAVEATS = {
  kafkajs: 'no linger/batch.size: adapter batches send() calls (≤ 6×64 KiB or 5 ms, ≤ 5 in flight); idempotence "experimental"; no built-in LZ4: codec plug-in (LZ4 frame from lz4js blocks; kafkajs-lz4 needs a native build)',
  platformatic: 'no linger/batch.size: adapter batches send() calls (≤ 6×64 KiB or 5 ms) with ONE send in flight: with idempotence, concurrent sends fail with OUT_OF_ORDER_SEQUENCE_NUMBER',
  java: 'ProducerPerformance / ConsumerPerformance; CPU and RSS include JVM start-up and JIT',
  kcat: 'producer: kcat -P -l file; consumer: kcat -G (balanced group) -c N; times include process start-up',
  kafkaesque: 'AsyncProducer (lingerMs 5, batchBytes 65536, maxInFlight 5); Consumer async iterator',
};

const log = (s) => process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------------------------------- setup
function ensureBenchDeps() {
  const need = ['kafkajs', '@platformatic/kafka', 'lz4js'].filter((d) => !existsSync(path.join(here, 'node_modules', d, 'package.json')));
  if (need.length === 0) return;
  log(`installing bench/ dependencies (${need.join(', ')} missing)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const hasLock = existsSync(path.join(here, 'package-lock.json'));
  const r = spawnSync(npm, [hasLock ? 'ci' : 'install', '--prefix', here, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm install --prefix bench failed');
}

function ensureBuilt() {
  if (existsSync(path.join(root, 'dist/src/index.js'))) return;
  log('dist/ missing: building kafkaesque');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

// Deterministic, realistic-ish values: JSON-like text with varying fields and a base64 blob of
// pseudo-random bytes (lz4 saves ~20-30%, not 99%). The same bytes for every client. No '\n'
// inside (kcat reads one record per line).
function makeValues(size, count = 1024) {
  let s = 0x9e3779b9 ^ size;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const events = ['page_view', 'add_to_cart', 'checkout', 'login', 'logout', 'search', 'click', 'purchase'];
  const out = [];
  for (let i = 0; i < count; i++) {
    const blob = Buffer.alloc(size);
    for (let j = 0; j < size; j++) blob[j] = rnd() & 0xff;
    const head =
      `{"id":${100000 + i},"user":"user-${rnd() % 50000}","event":"${events[rnd() % events.length]}",` +
      `"ts":${1764000000000 + i * 37},"amount":${(rnd() % 100000) / 100},"payload":"`;
    let text = head + blob.toString('base64');
    text = text.slice(0, size - 2) + '"}';
    out.push(Buffer.from(text.slice(0, size)));
  }
  return out;
}

function writeDataFile(size) {
  const file = path.join(os.tmpdir(), `kafkaesque-bench-values-${size}.txt`);
  const values = makeValues(size);
  writeFileSync(file, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])));
  return file;
}

// ------------------------------------------------------------------------------ broker & topics
let kafkaesque;
const createTopic = (broker, name) => createTopicWith(kafkaesque, broker, name, opts.partitions);

// DeleteTopics v1 (not in kafkaesque's protocol module yet): raw request through the harness.
async function deleteTopic(harness, broker, name) {
  const i = broker.lastIndexOf(':');
  const n = Buffer.from(name);
  const body = Buffer.alloc(4 + 2 + n.length + 4);
  body.writeInt32BE(1, 0);
  body.writeInt16BE(n.length, 4);
  n.copy(body, 6);
  body.writeInt32BE(30000, 6 + n.length);
  try {
    await harness.kafkaRequest(broker.slice(0, i), Number(broker.slice(i + 1)), 20, 1, body, 35000);
  } catch (e) {
    log(`(delete ${name}: ${e.message})`);
  }
}

async function prefill(broker, topic, dataFile, records) {
  const values = (await import('./clients/_common.mjs')).loadValues(dataFile);
  await kafkaesque.protocol.ensureCompressionReady();
  const producer = await kafkaesque.AsyncProducer.create(
    new kafkaesque.Config({ brokers: [broker], lingerMs: 5, batchBytes: 65536, compression: 'none' }),
  );
  for (let i = 0; i < records; i++) {
    const r = producer.sendMsgByte(topic, null, values[i % values.length]);
    if (r) await r;
  }
  await producer.close();
}

// ---------------------------------------------------------------------------------- child runs
function runChild(client, c) {
  const script = path.join(here, 'clients', `${client}.mjs`);
  const selfTimed = client === 'java' || client === 'kcat';
  const cmd = selfTimed ? process.execPath : '/usr/bin/time';
  const timeFile = path.join(os.tmpdir(), `kbench-time-${process.pid}-${Date.now()}`);
  const args = selfTimed ? [script, JSON.stringify(c)] : ['-f', '%U %S %M', '-o', timeFile, process.execPath, script, JSON.stringify(c)];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop();
      let res = null;
      try {
        res = JSON.parse(last);
      } catch {}
      if (code !== 0 || !res) {
        const why = signal ? `killed (${signal}${signal === 'SIGKILL' ? `, timeout ${opts.timeoutS} s` : ''})` : `exit ${code}`;
        const msg = (err.trim().split('\n').filter((l) => /error|Error|at /.test(l))[0] ?? err.trim().split('\n').pop() ?? '').slice(0, 300);
        resolve({ error: `${why}: ${msg}`, stderr: err.slice(-4000) });
        return;
      }
      if (!selfTimed) {
        try {
          const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
          res.cpuSeconds = u + s;
          res.rssMb = m / 1024;
        } catch {}
        rmSync(timeFile, { force: true });
      }
      resolve(res);
    });
  });
}

// ---------------------------------------------------------------------------------- statistics
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { med: NaN, min: NaN, max: NaN };
  return { med: s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2, min: s[0], max: s[s.length - 1] };
};

function aggregate(caseDef, runs) {
  const ok = runs.filter((r) => !r.error);
  const size = caseDef.size;
  const metric = (f) => median(ok.map(f));
  return {
    ok: ok.length,
    failed: runs.length - ok.length,
    errors: runs.filter((r) => r.error).map((r) => r.error),
    recordsPerSec: metric((r) => r.records / r.seconds),
    mbPerSec: metric((r) => ((r.bytes ?? r.records * size) / r.seconds) / 1e6),
    cpuPerMillion: metric((r) => (r.cpuSeconds / r.records) * 1e6),
    rssMb: metric((r) => r.rssMb),
    p50: metric((r) => r.latency?.p50),
    p99: metric((r) => r.latency?.p99),
    p999: metric((r) => r.latency?.p999),
    rebalanceMs: metric((r) => r.rebalanceMs),
    delivered: metric((r) => r.records),
  };
}

// ------------------------------------------------------------------------------------- output
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const fmt1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const fmt2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const withRange = (m, f, runs) => (runs > 1 && Number.isFinite(m.med) ? `${f(m.med)} (${f(m.min)}–${f(m.max)})` : f(m.med));

function markdown(meta, rows) {
  const L = [];
  const runs = meta.settings.runs;
  L.push(`Measured ${meta.date} · ${meta.machine.cpus}× ${meta.machine.cpuModel}, ${meta.machine.memGb} GB, shared with the broker · Node ${meta.node} · Kafka ${meta.broker.version} broker (${meta.broker.profile} profile) on ${meta.broker.bootstrap}`);
  L.push('');
  L.push(
    `Settings for every client: acks=all, idempotence on, linger 5 ms, batch 64 KiB, ≤ 5 requests in flight, ${opts.partitions} partitions (a fresh topic per run). ` +
      `Producer: ${meta.settings.records.toLocaleString('en-US')} records per run; consumer: ${meta.settings.consumerRecords.toLocaleString('en-US')} records of 1 KiB, fresh group, earliest offset; ` +
      `latency: ${meta.settings.rate} records/s of 1 KiB for ${meta.settings.latencySeconds} s. ` +
      `Each figure is the median of ${runs} run(s)${runs > 1 ? ' (min–max in brackets)' : ''}. CPU = user+system seconds of the client process (GNU time; whole process, start-up included) per million records; RSS = its peak.`,
  );
  const section = (title, wl, cols, cells) => {
    const sel = rows.filter((r) => r.workload === wl);
    if (sel.length === 0) return;
    L.push('', `### ${title}`, '', `| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`);
    for (const r of sel) L.push(`| ${cells(r).join(' | ')} |`);
  };
  const errOr = (r, cells) => (r.agg.ok === 0 ? [r.agg.errors[0] ? `failed: ${r.agg.errors[0].replace(/\|/g, '/').slice(0, 160)}` : 'failed', ...cells.slice(1).map(() => '')] : cells);
  section('Producer', 'produce', ['record', 'compression', 'client', 'records/s', 'MB/s', 'CPU s / M records', 'peak RSS MB'], (r) => [
    `${r.size} B`,
    r.compression,
    LABEL[r.client],
    ...errOr(r, [withRange(r.agg.recordsPerSec, fmtInt, runs), withRange(r.agg.mbPerSec, fmt1, runs), withRange(r.agg.cpuPerMillion, fmt2, runs), fmtInt(r.agg.rssMb.med)]),
  ]);
  section('Consumer (1 KiB records, uncompressed batches, fresh group from the earliest offset; time includes the group join)', 'consume', ['client', 'records/s', 'MB/s', 'CPU s / M records', 'peak RSS MB'], (r) => [
    LABEL[r.client],
    ...errOr(r, [withRange(r.agg.recordsPerSec, fmtInt, runs), withRange(r.agg.mbPerSec, fmt1, runs), withRange(r.agg.cpuPerMillion, fmt2, runs), fmtInt(r.agg.rssMb.med)]),
  ]);
  section(`End-to-end latency (${meta.settings.rate} records/s of 1 KiB, producer and consumer in one process, ms)`, 'latency', ['client', 'p50', 'p99', 'p99.9', 'records received', 'CPU s / M records', 'peak RSS MB'], (r) => [
    LABEL[r.client],
    ...errOr(r, [withRange(r.agg.p50, fmt1, runs), withRange(r.agg.p99, fmt1, runs), withRange(r.agg.p999, fmt1, runs), fmtInt(r.agg.delivered.med), fmt2(r.agg.cpuPerMillion.med), fmtInt(r.agg.rssMb.med)]),
  ]);
  section('Rebalance (3 members join one after another, classic protocol, heartbeat 300 ms; until each owns 2 of 6 partitions)', 'rebalance', ['client', 'ms'], (r) => [
    LABEL[r.client],
    ...errOr(r, [withRange(r.agg.rebalanceMs, fmtInt, runs)]),
  ]);
  const notRun = meta.notRun;
  if (notRun.length) {
    L.push('', 'Not measured:');
    for (const n of notRun) L.push(`- ${LABEL[n.client] ?? n.client}, ${n.workload}: ${n.why}`);
  }
  L.push('', 'How each client was driven:');
  for (const c of opts.clients) L.push(`- ${LABEL[c]}: ${CAVEATS[c]}`);
  return L.join('\n');
}

function svg(rows) {
  const groups = [];
  for (const r of rows) {
    if (r.workload !== 'produce' && r.workload !== 'consume') continue;
    const key = r.workload === 'produce' ? `produce ${r.size} B ${r.compression}` : 'consume 1 KiB';
    let g = groups.find((x) => x.key === key);
    if (!g) groups.push((g = { key, rows: [] }));
    g.rows.push(r);
  }
  const clients = opts.clients;
  const colors = { kafkaesque: '#6a3d9a', kafkajs: '#1f78b4', platformatic: '#33a02c', java: '#e31a1c', kcat: '#ff7f00' };
  const barH = 14;
  const gap = 10;
  const labelW = 170;
  const panelW = 330;
  const groupH = clients.length * barH + gap + 18;
  const top = 70;
  const W = labelW + panelW * 2 + 60;
  const H = top + groups.length * groupH + 40;
  const maxT = Math.max(1, ...rows.filter((r) => r.agg.ok && (r.workload === 'produce' || r.workload === 'consume')).map((r) => r.agg.recordsPerSec.med));
  const maxC = Math.max(0.01, ...rows.filter((r) => r.agg.ok && (r.workload === 'produce' || r.workload === 'consume')).map((r) => r.agg.cpuPerMillion.med).filter(Number.isFinite));
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`);
  o.push(`<rect width="100%" height="100%" fill="white"/>`);
  o.push(`<text x="10" y="20" font-size="14" font-weight="bold">Kafka clients: throughput (records/s, higher is better) and CPU (s per million records, lower is better)</text>`);
  o.push(`<text x="${labelW}" y="${top - 12}" font-weight="bold">records/s</text>`);
  o.push(`<text x="${labelW + panelW + 30}" y="${top - 12}" font-weight="bold">CPU s / M records</text>`);
  clients.forEach((c, i) => {
    o.push(`<rect x="${10 + i * 150}" y="30" width="10" height="10" fill="${colors[c]}"/><text x="${24 + i * 150}" y="39">${esc(LABEL[c])}</text>`);
  });
  groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    o.push(`<text x="10" y="${y0 + 12}" font-weight="bold">${esc(g.key)}</text>`);
    clients.forEach((c, ci) => {
      const r = g.rows.find((x) => x.client === c);
      const y = y0 + 16 + ci * barH;
      if (!r) return;
      if (!r.agg.ok) {
        o.push(`<text x="${labelW}" y="${y + 10}" fill="#999">${esc(c)}: failed</text>`);
        return;
      }
      const t = r.agg.recordsPerSec.med;
      const cpu = r.agg.cpuPerMillion.med;
      const wt = (t / maxT) * (panelW - 70);
      const wc = Number.isFinite(cpu) ? (cpu / maxC) * (panelW - 70) : 0;
      o.push(`<rect x="${labelW}" y="${y}" width="${wt.toFixed(1)}" height="${barH - 3}" fill="${colors[c]}"/>`);
      o.push(`<text x="${(labelW + wt + 4).toFixed(1)}" y="${y + 10}">${fmtInt(t)}</text>`);
      o.push(`<rect x="${labelW + panelW + 30}" y="${y}" width="${wc.toFixed(1)}" height="${barH - 3}" fill="${colors[c]}" opacity="0.75"/>`);
      o.push(`<text x="${(labelW + panelW + 34 + wc).toFixed(1)}" y="${y + 10}">${fmt2(cpu)}</text>`);
    });
  });
  o.push(`<text x="10" y="${H - 12}" fill="#555">Median of runs; CPU = user+system of the client process. See bench/results/latest.md for settings and caveats.</text>`);
  o.push('</svg>');
  return o.join('\n');
}

// --------------------------------------------------------------------------------------- main
ensureBenchDeps();
ensureBuilt();
kafkaesque = require('../dist/src/index.js');
const harness = await import('../scripts/broker/harness.mjs');
let broker = arg('broker', process.env.KAFKAESQUE_BROKER ?? null);
let brokerInfo = { bootstrap: broker, version: 'unknown', profile: 'unknown (external)' };
if (broker === null) {
  const r = await harness.ensureRunning({ mode: 'single', profile: 'bench', log });
  broker = harness.describe('single').bootstrap[0];
  const st = await harness.status('single');
  brokerInfo = { bootstrap: broker, version: st.kafkaVersion ?? r.describe?.kafkaVersion, profile: st.profile ?? r.profile, reused: !r.started };
  if (!r.started && st.profile !== 'bench') log(`note: reusing a running broker with the "${st.profile}" profile (restart it with --profile bench for publishable numbers)`);
}

const stamp = `${Date.now().toString(36)}`;
const dataFiles = {};
for (const s of new Set([...opts.sizes, 1024])) dataFiles[s] = writeDataFile(s);

const plan = [];
const notRun = [];
for (const wl of opts.workloads) {
  const combos = wl === 'produce' ? opts.sizes.flatMap((size) => opts.compressions.map((compression) => ({ size, compression }))) : [{ size: 1024, compression: 'none' }];
  for (const combo of combos) {
    for (const client of opts.clients) {
      if (!SUPPORTS[client]) throw new Error(`unknown client ${client}`);
      if (!SUPPORTS[client].includes(wl)) {
        if (!notRun.some((n) => n.client === client && n.workload === wl)) notRun.push({ client, workload: wl, why: WHY_NOT[`${client} ${wl}`] ?? 'not supported' });
        continue;
      }
      plan.push({ workload: wl, client, ...combo });
    }
  }
}

const total = plan.length * opts.runs;
let doneCount = 0;
const t0 = Date.now();
const progress = (what) => {
  const w = 24;
  const f = Math.round((doneCount / total) * w);
  const el = Math.round((Date.now() - t0) / 1000);
  const line = `[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${doneCount}/${total} ${el}s ${what}`;
  process.stderr.write(`\r${line.slice(0, 110).padEnd(110)}`);
};

let consumeTopic = null;
const rows = [];
for (const p of plan) {
  const runs = [];
  for (let run = 0; run < opts.runs; run++) {
    progress(`${p.workload} ${p.workload === 'produce' ? `${p.size}B ${p.compression} ` : ''}${p.client} (run ${run + 1}/${opts.runs})`);
    let topic;
    if (p.workload === 'consume') {
      if (!consumeTopic) {
        consumeTopic = `bench-consume-${stamp}`;
        progress(`prefilling ${opts.consumerRecords} records for the consumer cases`);
        await createTopic(broker, consumeTopic);
        await prefill(broker, consumeTopic, dataFiles[1024], opts.consumerRecords);
      }
      topic = consumeTopic;
    } else {
      topic = `bench-${p.workload}-${p.client}-${p.size}-${p.compression}-${stamp}-${run}`;
      await createTopic(broker, topic);
    }
    const c = {
      ...p,
      broker,
      topic,
      group: `bench-${p.workload}-${p.client}-${stamp}-${run}`,
      records: p.workload === 'consume' ? opts.consumerRecords : opts.records,
      dataFile: dataFiles[p.size],
      partitions: opts.partitions,
      lingerMs: opts.lingerMs,
      batchBytes: opts.batchBytes,
      maxInFlight: opts.maxInFlight,
      rate: opts.rate,
      seconds: opts.latencySeconds,
      kafkaVersion: brokerInfo.version,
    };
    const res = await runChild(p.client, c);
    if (res.error) process.stderr.write(`\n${p.workload} ${p.client}: ${res.error}\n`);
    runs.push(res);
    if (p.workload !== 'consume') await deleteTopic(harness, broker, topic);
    doneCount++;
  }
  rows.push({ ...p, runs, agg: aggregate(p, runs) });
}
if (consumeTopic) await deleteTopic(harness, broker, consumeTopic);
progress('done');
process.stderr.write('\n');

const meta = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  node: process.version,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown', memGb: Math.round(os.totalmem() / 2 ** 30), platform: `${os.type()} ${os.release()}` },
  broker: brokerInfo,
  settings: {
    records: opts.records,
    consumerRecords: opts.consumerRecords,
    runs: opts.runs,
    sizes: opts.sizes,
    compressions: opts.compressions,
    partitions: opts.partitions,
    acks: 'all',
    idempotence: true,
    lingerMs: opts.lingerMs,
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    rate: opts.rate,
    latencySeconds: opts.latencySeconds,
  },
  clients: Object.fromEntries(opts.clients.map((c) => [c, { label: LABEL[c], how: CAVEATS[c] }])),
  notRun,
  seconds: Math.round((Date.now() - t0) / 1000),
};
const md = markdown(meta, rows);
mkdirSync(opts.out, { recursive: true });
writeFileSync(path.join(opts.out, 'latest.json'), JSON.stringify({ meta, rows }, null, 2) + '\n');
writeFileSync(path.join(opts.out, 'latest.md'), md + '\n');
writeFileSync(path.join(opts.out, 'latest.svg'), svg(rows) + '\n');
for (const f of Object.values(dataFiles)) rmSync(f, { force: true });
process.stdout.write(md + '\n');
log(`wrote ${path.relative(root, opts.out)}/latest.{md,json,svg} in ${meta.seconds} s`);
