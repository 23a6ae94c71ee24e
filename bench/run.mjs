// kafkaesque side by side with the clients users would pick instead: KafkaJS, @platformatic/kafka,
// the Java client (Kafka's perf tools) and kcat (librdkafka). Every run is its own child process
// (bench/clients/<client>.mjs); the clients get the same acks (all), idempotence, linger (5 ms),
// batch size (64 KiB), partitions (6), record sizes and record bytes, the same group settings
// (GROUP below) and the same clock rule: no warm-up for anyone (see docs/performance.md).
// Runs are interleaved: each repetition runs every case once, and within a case the clients
// go round-robin, rotated by one per repetition (A B C D E, then B C D E A, ...).
//
//   npm run bench                                   (builds kafkaesque first)
//   node bench/run.mjs [--quick] [--records 1000000] [--runs 3] [--clients kafkaesque,kafkajs,platformatic,java,kcat]
//                      [--workloads produce,consume,consume-nocommit,latency,rebalance,transactions] [--sizes 1024,100]
//                      [--compressions none,lz4] [--rate 5000] [--latency-seconds 30]
//                      [--broker host:port] [--out bench/results] [--timeout-s 600]
//   The defaults are the issue's size (1,000,000 records, median of 3 runs); --quick is a
//   200,000-record, 1-run, 10 s-latency smoke run (other options still override it).
//
// A run counts only if the tool's final report says it moved exactly the records asked for
// (bench/clients/_parsers.cjs); otherwise it is an ERROR in the table, with the reason, and is
// left out of the medians. Writes bench/results/latest.{json,md,svg} and the raw output of every
// run, bench/results/raw/<run-id>/<client>-<workload>-<size>-<compression>-<rep>.txt (older
// raw/ folders are removed); prints the Markdown on stdout, progress on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTopic as createTopicWith, makeValues, median, topicRecordCount as topicRecordCountWith } from './clients/_common.mjs';
import { resolveRunBroker, runDriver } from './drivers.mjs';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const { interpretRun, formatRaw } = require('./clients/_parsers.cjs');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const { arg, flag, list } = cliArgs();

const quick = flag('quick');
const opts = {
  records: Number(arg('records', quick ? '200000' : '1000000')),
  consumerRecords: Number(arg('consumer-records', arg('records', quick ? '200000' : '1000000'))),
  runs: Number(arg('runs', quick ? '1' : '3')),
  clients: list('clients', 'kafkaesque,kafkajs,platformatic,java,kcat'),
  workloads: list('workloads', 'produce,consume,consume-nocommit,latency,rebalance,transactions'),
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
// Group settings, the same for every client in every group run (consume, latency, rebalance).
// fetch max wait 500 ms: the Java client's and librdkafka's default fetch.max.wait.ms, and
// kafkaesque's; KafkaJS and @platformatic/kafka default to 5,000 ms, which holds an empty fetch
// (and KafkaJS's next heartbeat, sent between fetches) for up to 5 s.
const GROUP = { heartbeatMs: 300, sessionMs: 10000, fetchMaxWaitMs: 500, protocol: 'classic' };
const WORKLOADS = ['produce', 'consume', 'consume-nocommit', 'latency', 'rebalance'];
// Which client can run which workload (the rest are marked "n/a" with the reason).
const SUPPORTS = {
  kafkaesque: WORKLOADS,
  kafkajs: WORKLOADS,
  platformatic: WORKLOADS,
  java: ['produce', 'consume', 'consume-nocommit'],
  kcat: ['produce', 'consume', 'consume-nocommit'],
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
// What each client was given, exactly as the drivers configure it (bench/clients/*.mjs). The
// group settings (GROUP) are the same for all and are stated once in the table's header.
const GIVEN = {
  kafkaesque: {
    producer: 'AsyncProducer: acks -1, idempotent, lingerMs 5, batchBytes 65536, maxInFlight 5 (≤ 5 Produce requests in flight per connection)',
    commits: 'autoCommit (default): the driver marks every record (markOffset), marks committed every 1 s and on close',
    noCommits: 'autoCommit: false, nothing marked',
    crc: 'yes (default)',
    clock: 'from before AsyncProducer.create / Consumer.create (codec set-up included)',
    driven: 'producer: AsyncProducer.sendMsgByte in a loop, awaiting only when the send buffer is full; consumer: Consumer async iterator (for await), markOffset per record in default-commit runs',
  },
  kafkajs: {
    producer: 'producer.send() with acks -1, idempotent ("experimental" in KafkaJS), maxInFlightRequests 5; no linger/batch.size in KafkaJS: the driver groups records into send() calls of ≤ 6 × 64 KiB or 5 ms, ≤ 5 send() calls in flight',
    commits: 'autoCommit (default, no interval/threshold): the offsets of each batch committed after it is processed',
    noCommits: 'autoCommit: false',
    crc: 'no (KafkaJS does not check)',
    clock: 'from before connect()',
    driven: "producer: send() calls built by the driver's batcher; consumer: consumer.run({ eachBatch }) (latency: eachMessage); LZ4: a codec plug-in (frame built from lz4js blocks; kafkajs-lz4 needs a native build)",
  },
  platformatic: {
    producer: 'Producer.send() with acks ALL, idempotent; no linger/batch.size in @platformatic/kafka: the driver groups records into send() calls of ≤ 6 × 64 KiB or 5 ms with ONE send() in flight (with idempotence, concurrent sends fail with OUT_OF_ORDER_SEQUENCE_NUMBER in 1.35.0)',
    commits: 'autocommit: true (default): the offsets of each fetch committed as it is delivered',
    noCommits: 'autocommit: false',
    crc: 'no (reads the CRC, does not check it)',
    clock: 'from before new Producer / new Consumer',
    driven: "producer: send() calls built by the driver's batcher; consumer: consumer.consume() stream, for await (latency: 'data' events)",
  },
  java: {
    producer: 'ProducerPerformance: acks=all, enable.idempotence=true, linger.ms=5, batch.size=65536, max.in.flight.requests.per.connection=5',
    commits: 'enable.auto.commit=true (default): every 5 s (auto.commit.interval.ms) and on close',
    noCommits: 'enable.auto.commit=false',
    crc: 'no: ConsumerPerformance forces check.crcs=false (the Java client\'s default is true)',
    clock: "the tools' own: ProducerPerformance from after the KafkaProducer constructor (no connection yet) until close(); ConsumerPerformance from after the KafkaConsumer constructor until the N-th record; JVM start-up outside, JIT inside",
    driven: "ProducerPerformance --payload-file (values picked at random from the same 1,024) / ConsumerPerformance --num-records N; the final summary line is read, never a 5-second progress line; CPU and RSS are the JVM's, start-up and JIT included",
  },
  kcat: {
    producer: 'kcat -P -l file: acks=all, enable.idempotence=true, linger.ms=5, batch.size=65536, max.in.flight.requests.per.connection=5',
    commits: 'enable.auto.commit=true (librdkafka default): every 5 s and on close',
    noCommits: 'enable.auto.offset.store=false: no offset stored, so nothing to commit (kcat applies -X enable.auto.commit to the legacy topic property, which does not stop commits)',
    crc: 'no (librdkafka check.crcs defaults to false)',
    clock: 'wall time of the kcat process (its start-up, a few ms, included)',
    driven: "kcat -P -l file (the same values, in order) / kcat -G (balanced group) -c N -f '%o\\n'; CPU and RSS are kcat's (the producer's RSS includes its mapped input file)",
  },
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

function writeDataFile(size) {
  const file = path.join(os.tmpdir(), `kafkaesque-bench-values-${size}.txt`);
  const values = makeValues(size);
  writeFileSync(file, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])));
  return file;
}

// ------------------------------------------------------------------------------ broker & topics
let kafkaesque;
const createTopic = (broker, name) => createTopicWith(kafkaesque, broker, name, opts.partitions);
const topicRecordCount = (broker, name) => topicRecordCountWith(kafkaesque, broker, name, opts.partitions);

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
const runChild = (client, c) => runDriver(client, c, opts.timeoutS);

// ---------------------------------------------------------------------------------- statistics
// Medians over the runs that count; an ERROR run is left out of every figure.
function aggregate(caseDef, runs) {
  const ok = runs.filter((r) => !r.error);
  const size = caseDef.size;
  const metric = (f) => median(ok.map(f));
  return {
    ok: ok.length,
    failed: runs.length - ok.length,
    errors: runs.filter((r) => r.error).map((r) => ({ rep: r.rep, error: r.error, raw: r.raw })),
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
const withRange = (m, f, n) => (n > 1 && Number.isFinite(m.med) ? `${f(m.med)} (${f(m.min)}–${f(m.max)})` : f(m.med));
const cellText = (s) => String(s).replace(/\|/g, '/').replace(/\s+/g, ' ');

function markdown(meta, rows) {
  const L = [];
  const runs = meta.settings.runs;
  const G = meta.settings.group;
  L.push(`Measured ${meta.date} · ${meta.machine.cpus}× ${meta.machine.cpuModel}, ${meta.machine.memGb} GB, shared with the broker · Node ${meta.node} · Kafka ${meta.broker.version} broker (${meta.broker.profile} profile) on ${meta.broker.bootstrap} · run ${meta.runId} (raw output: ${meta.rawDir}/)`);
  L.push('');
  L.push(
    `Every client: acks=all, idempotence on, linger 5 ms, batch 64 KiB, ${opts.partitions} partitions (a fresh topic per run); in-flight requests as in the table below. ` +
      `Group runs (consume, latency, rebalance), every client: classic protocol, heartbeat ${G.heartbeatMs} ms, session timeout ${fmtInt(G.sessionMs)} ms, fetch max wait ${G.fetchMaxWaitMs} ms. ` +
      `**No warm-up for any client**: each clock starts before the client has a connection, so metadata, connections, the producer id and the group join are inside every figure. ` +
      `Producer: ${meta.settings.records.toLocaleString('en-US')} records per run, until the last is acknowledged; consumer: ${meta.settings.consumerRecords.toLocaleString('en-US')} records of 1 KiB, fresh group, earliest offset, until the last reaches the application; ` +
      `latency: ${meta.settings.rate} records/s of 1 KiB for ${meta.settings.latencySeconds} s. ` +
      `A run counts only if the client's final report (and, for the producer, the topic afterwards) shows exactly the records asked for; otherwise it is an ERROR, left out of the figures. ` +
      `Each figure is the median of the runs that count (${runs} per cell${runs > 1 ? '; min–max in brackets' : ''}); runs are interleaved, clients round-robin in an order rotated each repetition. ` +
      `CPU = user+system seconds of the client process (GNU time; whole process, start-up included) per million records; RSS = its peak.`,
  );
  const present = opts.clients;
  L.push('', '### What each client was given', '', '| client | producer | consumer commits (default rows) | commits off | CRC check of fetched batches | clock |', '|---|---|---|---|---|---|');
  for (const c of present) {
    const g = GIVEN[c];
    L.push(`| ${LABEL[c]} | ${cellText(g.producer)} | ${cellText(g.commits)} | ${cellText(g.noCommits)} | ${cellText(g.crc)} | ${cellText(g.clock)} |`);
  }
  const errorsBelow = [];
  const runsCell = (r) => (r.agg.failed ? `${r.agg.ok}/${r.runs.length} ⚠` : `${r.agg.ok}/${r.runs.length}`);
  const section = (title, wl, cols, cells) => {
    const sel = rows.filter((r) => r.workload === wl);
    if (sel.length === 0) return;
    L.push('', `### ${title}`, '', `| ${[...cols, 'runs counted'].join(' | ')} |`, `|${[...cols, ''].map(() => '---').join('|')}|`);
    for (const r of sel) {
      let body = cells(r);
      const lead = body.length - cells.figures;
      if (r.agg.ok === 0) {
        const first = r.agg.errors[0];
        body = [...body.slice(0, lead), `**ERROR**: ${cellText(first?.error ?? 'failed').slice(0, 200)}`, ...body.slice(lead + 1).map(() => '')];
      }
      L.push(`| ${[...body, runsCell(r)].join(' | ')} |`);
      for (const e of r.agg.errors) errorsBelow.push(`- ${LABEL[r.client]}, ${wl}${wl === 'produce' ? ` ${r.size} B ${r.compression}` : ''}, repetition ${e.rep}: ERROR: ${cellText(e.error)} (\`${e.raw}\`)`);
    }
  };
  const produceCells = (r) => [`${r.size} B`, r.compression, LABEL[r.client], withRange(r.agg.recordsPerSec, fmtInt, r.agg.ok), withRange(r.agg.mbPerSec, fmt1, r.agg.ok), withRange(r.agg.cpuPerMillion, fmt2, r.agg.ok), fmtInt(r.agg.rssMb.med)];
  produceCells.figures = 4;
  section('Producer', 'produce', ['record', 'compression', 'client', 'records/s', 'MB/s', 'CPU s / M records', 'peak RSS MB'], produceCells);
  const consumeCells = (r) => [LABEL[r.client], withRange(r.agg.recordsPerSec, fmtInt, r.agg.ok), withRange(r.agg.mbPerSec, fmt1, r.agg.ok), withRange(r.agg.cpuPerMillion, fmt2, r.agg.ok), fmtInt(r.agg.rssMb.med)];
  consumeCells.figures = 4;
  section('Consumer, each client committing as it does by default (1 KiB records, uncompressed batches, fresh group from the earliest offset; time includes the group join)', 'consume', ['client', 'records/s', 'MB/s', 'CPU s / M records', 'peak RSS MB'], consumeCells);
  section('Consumer, commits off for every client (otherwise the same)', 'consume-nocommit', ['client', 'records/s', 'MB/s', 'CPU s / M records', 'peak RSS MB'], consumeCells);
  const latencyCells = (r) => [LABEL[r.client], withRange(r.agg.p50, fmt1, r.agg.ok), withRange(r.agg.p99, fmt1, r.agg.ok), withRange(r.agg.p999, fmt1, r.agg.ok), fmtInt(r.agg.delivered.med), fmt2(r.agg.cpuPerMillion.med), fmtInt(r.agg.rssMb.med)];
  latencyCells.figures = 6;
  section(`End-to-end latency (${meta.settings.rate} records/s of 1 KiB, producer and consumer in one process, default commits, ms)`, 'latency', ['client', 'p50', 'p99', 'p99.9', 'records received', 'CPU s / M records', 'peak RSS MB'], latencyCells);
  const rebalanceCells = (r) => [LABEL[r.client], withRange(r.agg.rebalanceMs, fmtInt, r.agg.ok)];
  rebalanceCells.figures = 1;
  section(`Rebalance (3 members join one after another; heartbeat ${G.heartbeatMs} ms, session ${fmtInt(G.sessionMs)} ms, fetch max wait ${G.fetchMaxWaitMs} ms; until each owns 2 of 6 partitions)`, 'rebalance', ['client', 'ms'], rebalanceCells);
  if (errorsBelow.length) L.push('', 'Runs that did not count (ERROR; raw output in the file named):', ...errorsBelow);
  const notRun = meta.notRun;
  if (notRun.length) {
    L.push('', 'Not measured:');
    for (const n of notRun) L.push(`- ${LABEL[n.client] ?? n.client}, ${n.workload}: ${n.why}`);
  }
  L.push('', 'How each client was driven:');
  for (const c of present) L.push(`- ${LABEL[c]}: ${GIVEN[c].driven}`);
  return L.join('\n');
}

function svg(rows) {
  const groups = [];
  for (const r of rows) {
    if (r.workload !== 'produce' && r.workload !== 'consume' && r.workload !== 'consume-nocommit') continue;
    const key = r.workload === 'produce' ? `produce ${r.size} B ${r.compression}` : r.workload === 'consume' ? 'consume 1 KiB, default commits' : 'consume 1 KiB, commits off';
    let g = groups.find((x) => x.key === key);
    if (!g) groups.push((g = { key, rows: [] }));
    g.rows.push(r);
  }
  const clients = opts.clients;
  const colors = { kafkaesque: '#6a3d9a', kafkajs: '#1f78b4', platformatic: '#33a02c', java: '#e31a1c', kcat: '#ff7f00' };
  const barH = 14;
  const gap = 10;
  const labelW = 190;
  const panelW = 330;
  const groupH = clients.length * barH + gap + 18;
  const top = 70;
  const W = labelW + panelW * 2 + 60;
  const H = top + groups.length * groupH + 40;
  const counted = rows.filter((r) => r.agg.ok && r.workload !== 'latency' && r.workload !== 'rebalance');
  const maxT = Math.max(1, ...counted.map((r) => r.agg.recordsPerSec.med));
  const maxC = Math.max(0.01, ...counted.map((r) => r.agg.cpuPerMillion.med).filter(Number.isFinite));
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
        o.push(`<text x="${labelW}" y="${y + 10}" fill="#b00">${esc(LABEL[c])}: ERROR (see latest.md)</text>`);
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
  o.push(`<text x="10" y="${H - 12}" fill="#555">Median of the runs that count; CPU = user+system of the client process. See bench/results/latest.md for settings, errors and caveats.</text>`);
  o.push('</svg>');
  return o.join('\n');
}

// --------------------------------------------------------------------------------------- main
ensureBenchDeps();
ensureBuilt();
kafkaesque = require('../dist/src/index.js');
// transactions: bench/transactions.mjs, run after the others (its own table, appended below)
const transactionsWanted = opts.workloads.includes('transactions');
opts.workloads = opts.workloads.filter((w) => w !== 'transactions');
for (const w of opts.workloads) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w} (one of ${[...WORKLOADS, 'transactions'].join(', ')})`);
for (const c of opts.clients) if (!SUPPORTS[c]) throw new Error(`unknown client ${c} (one of ${Object.keys(SUPPORTS).join(', ')})`);
const { harness, described, broker, brokerInfo } = await resolveRunBroker(arg('broker', process.env.KAFKAESQUE_BROKER ?? null), log);

const runId = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
const rawDir = path.join(opts.out, 'raw', runId);
mkdirSync(rawDir, { recursive: true });
const stamp = `${Date.now().toString(36)}`;
const dataFiles = {};
for (const s of new Set([...opts.sizes, 1024])) dataFiles[s] = writeDataFile(s);

// The cases, in workload order; each repetition runs all of them, each case's clients in an
// order rotated by one per repetition (repetition 1: A B C D E, repetition 2: B C D E A, ...).
const cases = [];
const notRun = [];
for (const wl of opts.workloads) {
  const combos = wl === 'produce' ? opts.sizes.flatMap((size) => opts.compressions.map((compression) => ({ size, compression }))) : [{ size: 1024, compression: 'none' }];
  for (const combo of combos) {
    const clients = [];
    for (const client of opts.clients) {
      if (SUPPORTS[client].includes(wl)) clients.push(client);
      else if (!notRun.some((n) => n.client === client && n.workload === wl)) notRun.push({ client, workload: wl, why: WHY_NOT[`${client} ${wl}`] ?? 'not supported' });
    }
    if (clients.length) cases.push({ workload: wl, ...combo, clients });
  }
}
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const schedule = [];
for (let rep = 0; rep < opts.runs; rep++) {
  const order = rotate(opts.clients, rep);
  for (const cs of cases) for (const client of order) if (cs.clients.includes(client)) schedule.push({ rep, client, workload: cs.workload, size: cs.size, compression: cs.compression });
}

const total = schedule.length;
let doneCount = 0;
const t0 = Date.now();
const progress = (what) => {
  const w = 24;
  const f = Math.round((doneCount / total) * w);
  const el = Math.round((Date.now() - t0) / 1000);
  const line = `[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${doneCount}/${total} ${el}s ${what}`;
  process.stderr.write(`\r${line.slice(0, 110).padEnd(110)}`);
};

// One topic, pre-filled once by kafkaesque, for every consumer run (each in its own fresh group).
let consumeTopic = null;
if (opts.workloads.some((w) => w.startsWith('consume'))) {
  consumeTopic = `bench-consume-${stamp}`;
  progress(`prefilling ${opts.consumerRecords} records for the consumer cases`);
  await createTopic(broker, consumeTopic);
  await prefill(broker, consumeTopic, dataFiles[1024], opts.consumerRecords);
  const held = await topicRecordCount(broker, consumeTopic);
  if (held !== opts.consumerRecords) throw new Error(`prefill: the consumer topic holds ${held} records, expected ${opts.consumerRecords}`);
}

const results = new Map(); // case key -> runs
const caseKey = (p) => `${p.workload}|${p.size}|${p.compression}|${p.client}`;
for (const p of schedule) {
  const rep = p.rep + 1;
  progress(`${p.workload} ${p.workload === 'produce' ? `${p.size}B ${p.compression} ` : ''}${p.client} (repetition ${rep}/${opts.runs})`);
  let topic;
  if (p.workload.startsWith('consume')) topic = consumeTopic;
  else {
    topic = `bench-${p.workload}-${p.client}-${p.size}-${p.compression}-${stamp}-${p.rep}`;
    await createTopic(broker, topic);
  }
  const expected = p.workload === 'produce' ? opts.records : p.workload.startsWith('consume') ? opts.consumerRecords : p.workload === 'latency' ? opts.rate * opts.latencySeconds : 0;
  const c = {
    workload: p.workload,
    client: p.client,
    size: p.size,
    compression: p.compression,
    broker,
    topic,
    group: `bench-${p.workload}-${p.client}-${stamp}-${p.rep}`,
    records: expected,
    dataFile: dataFiles[p.size],
    partitions: opts.partitions,
    lingerMs: opts.lingerMs,
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    rate: opts.rate,
    seconds: opts.latencySeconds,
    commits: p.workload === 'consume-nocommit' ? 'off' : 'default',
    heartbeatMs: GROUP.heartbeatMs,
    sessionMs: GROUP.sessionMs,
    fetchMaxWaitMs: GROUP.fetchMaxWaitMs,
    javaClasspath: described.classpath,
    javaLog4j: path.join(root, 'scripts/broker/tools-log4j2.properties'),
  };
  const child = await runChild(p.client, c);
  let topicRecords;
  if (p.workload === 'produce') {
    topicRecords = await topicRecordCount(broker, topic).catch((e) => {
      log(`\n(counting ${topic}: ${e.message})`);
      return NaN;
    });
  }
  const verdict = interpretRun({ client: p.client, workload: p.workload, expected, ...child, timeoutS: opts.timeoutS, topicRecords });
  const res = { ...verdict, rep };
  if (!selfTimedClient(p.client) && !res.error) {
    res.cpuSeconds = child.cpuSeconds;
    res.rssMb = child.rssMb;
  }
  const rawName = `${p.client}-${p.workload}-${p.size}-${p.compression}-${rep}.txt`;
  res.raw = path.relative(root, path.join(rawDir, rawName));
  writeFileSync(
    path.join(rawDir, rawName),
    formatRaw(
      {
        run: runId,
        case: `${p.client} ${p.workload}${p.workload === 'produce' ? ` ${p.size} B ${p.compression}` : ''}, repetition ${rep} of ${opts.runs}`,
        asked: p.workload === 'rebalance' ? '3 members, 2 partitions each' : `${expected} records`,
        command: `node bench/clients/${p.client}.mjs '${JSON.stringify(c)}'`,
        exit: `code ${child.code}${child.signal ? `, signal ${child.signal}` : ''}${child.timedOut ? ' (timeout)' : ''}, ${child.wallSeconds.toFixed(1)} s`,
        ...(topicRecords !== undefined ? { 'topic records after the run': String(topicRecords) } : {}),
        verdict: res.error ? `ERROR: ${res.error}` : `OK: ${res.records} records in ${res.seconds?.toFixed(3)} s${res.rebalanceMs ? `, rebalance ${res.rebalanceMs.toFixed(0)} ms` : ''}`,
      },
      child.stdout,
      child.stderr,
    ),
  );
  if (res.error) process.stderr.write(`\n${p.client} ${p.workload} repetition ${rep}: ERROR: ${res.error}\n`);
  const key = caseKey(p);
  if (!results.has(key)) results.set(key, []);
  results.get(key).push(res);
  if (!p.workload.startsWith('consume')) await deleteTopic(harness, broker, topic);
  doneCount++;
}
if (consumeTopic) await deleteTopic(harness, broker, consumeTopic);
progress('done');
process.stderr.write('\n');

function selfTimedClient(client) {
  return client === 'java' || client === 'kcat';
}

// Rows in table order: cases as planned, clients in the order given.
const rows = [];
for (const cs of cases) {
  for (const client of opts.clients) {
    if (!cs.clients.includes(client)) continue;
    const p = { workload: cs.workload, client, size: cs.size, compression: cs.compression };
    const runs = results.get(caseKey(p)) ?? [];
    rows.push({ ...p, runs, agg: aggregate(p, runs) });
  }
}

const meta = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  runId,
  rawDir: path.relative(root, rawDir),
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
    group: GROUP,
    warmUp: 'none for any client',
    order: 'interleaved: each repetition runs every case; clients round-robin within a case, rotated by one per repetition',
  },
  clients: Object.fromEntries(opts.clients.map((c) => [c, { label: LABEL[c], given: GIVEN[c] }])),
  notRun,
  seconds: Math.round((Date.now() - t0) / 1000),
};
let md = markdown(meta, rows);
if (transactionsWanted) {
  // transactions of 100 and 1,000 records of 1 KiB (issue 17); the clients that have transactions
  const clients = opts.clients.filter((c) => ['kafkaesque', 'java', 'platformatic'].includes(c));
  const records = quick ? 20000 : 50000;
  log(`transactions: ${clients.join(', ')}, ${records} records per run (bench/transactions.mjs)`);
  const r = spawnSync(process.execPath, [path.join(here, 'transactions.mjs'), '--broker', broker, '--runs', String(opts.runs), '--records', String(records), '--clients', clients.join(','), '--out', opts.out], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: opts.timeoutS * 1000 * 6,
  });
  md += `\n\n### Transactions (\`bench/transactions.mjs\`)\n\n${r.status === 0 ? r.stdout.trim() : `ERROR: bench/transactions.mjs exited ${String(r.status ?? r.signal)}`}`;
}
mkdirSync(opts.out, { recursive: true });
writeFileSync(path.join(opts.out, 'latest.json'), JSON.stringify({ meta, rows }, null, 2) + '\n');
writeFileSync(path.join(opts.out, 'latest.md'), md + '\n');
writeFileSync(path.join(opts.out, 'latest.svg'), svg(rows) + '\n');
// Only the latest run's raw output is kept.
for (const d of readdirSync(path.join(opts.out, 'raw'))) if (d !== runId) rmSync(path.join(opts.out, 'raw', d), { recursive: true, force: true });
for (const f of Object.values(dataFiles)) rmSync(f, { force: true });
process.stdout.write(md + '\n');
log(`wrote ${path.relative(root, opts.out)}/latest.{md,json,svg} and ${meta.rawDir}/ in ${meta.seconds} s`);
