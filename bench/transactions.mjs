// Transactional throughput (issue 17): transactions of 100 and of 1,000 records of 1 KiB,
// committed one after another, by kafkaesque, the Java client (bench/java/TxnBench.java) and
// @platformatic/kafka, side by side in one run against one broker. Each client runs in its own
// process; its clock starts before its producer exists (no warm-up, as in bench/run.mjs) and stops
// after the last commit. Reported per run: records/s, MB/s, and the commit latency (the
// commitTransaction() / commit() call, p50 and p99). A run counts only if every record was
// acknowledged; otherwise it is an ERROR row.
//
//   npm run bench:transactions
//   node bench/transactions.mjs [--records 50000] [--txn 100,1000] [--size 1024] [--runs 3]
//                               [--clients kafkaesque,java,platformatic] [--broker host:port] [--out bench/results]
//
// What "commit latency" covers differs by API: Java's and kafkaesque's commitTransaction() first
// waits for the transaction's records still in flight (the last linger), then sends EndTxn;
// @platformatic/kafka's transaction.send() resolves once its records are acknowledged, so its
// commit() is EndTxn alone. The records/s column is the comparable figure.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliArgs } from './args.mjs';
import { median } from './clients/_common.mjs';
import { resolveRunBroker } from './drivers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const { arg, list } = cliArgs();
const require = createRequire(import.meta.url);
const PARTITIONS = 6;

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];

// ------------------------------------------------------------------ drivers (child processes)

async function kafkaesqueDriver({ broker, topic, records, perTxn, size }) {
  const k = require('../dist/src/index.js');
  const t0 = process.hrtime.bigint();
  const producer = await k.AsyncProducer.create(
    new k.Config({ brokers: [broker], transactionalId: `bench-kafkaesque-${process.pid}`, acks: -1, lingerMs: 5, batchBytes: 65536 }),
  );
  const value = randomBytes(size);
  let acked = 0;
  let failed = 0;
  producer.on('success', () => acked++);
  producer.on('error', () => failed++);
  await producer.initTransactions();
  const commits = [];
  for (let t = 0; t < records / perTxn; t++) {
    producer.beginTransaction();
    for (let i = 0; i < perTxn; i++) {
      const wait = producer.sendMsgByte(topic, null, value);
      if (wait) await wait;
    }
    const c0 = process.hrtime.bigint();
    await producer.commitTransaction();
    commits.push(Number(process.hrtime.bigint() - c0) / 1e6);
  }
  await producer.close();
  return { acked, failed, commits, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function platformaticDriver({ broker, topic, records, perTxn, size }) {
  const { Producer, ProduceAcks } = require('./node_modules/@platformatic/kafka/dist/index.js');
  const t0 = process.hrtime.bigint();
  const producer = new Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: [broker],
    idempotent: true,
    acks: ProduceAcks.ALL,
    transactionalId: `bench-platformatic-${process.pid}`,
    autocreateTopics: false,
  });
  const value = randomBytes(size);
  let acked = 0;
  const commits = [];
  let partition = 0;
  for (let t = 0; t < records / perTxn; t++) {
    const tx = await producer.beginTransaction();
    // one send() per transaction with all its records (its API has no linger of its own)
    const messages = [];
    for (let i = 0; i < perTxn; i++) messages.push({ topic, value, partition: partition++ % PARTITIONS });
    await tx.send({ messages });
    acked += perTxn;
    const c0 = process.hrtime.bigint();
    await tx.commit();
    commits.push(Number(process.hrtime.bigint() - c0) / 1e6);
  }
  await producer.close();
  return { acked, failed: 0, commits, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

if (arg('driver', null) !== null) {
  const c = JSON.parse(arg('case', '{}'));
  const fn = { kafkaesque: kafkaesqueDriver, platformatic: platformaticDriver }[arg('driver', '')];
  const r = await fn(c);
  const sorted = [...r.commits].sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ acked: r.acked, failed: r.failed, transactions: r.commits.length, seconds: r.seconds, commitP50Ms: percentile(sorted, 0.5), commitP99Ms: percentile(sorted, 0.99) })}\n`);
  process.exit(0);
}

// ------------------------------------------------------------------ the run

const opts = {
  records: Number(arg('records', '50000')),
  txns: list('txn', '100,1000').map(Number),
  size: Number(arg('size', '1024')),
  runs: Number(arg('runs', '3')),
  clients: list('clients', 'kafkaesque,java,platformatic'),
};
const LABEL = { kafkaesque: 'kafkaesque', java: 'Java client 4.2.1', platformatic: '@platformatic/kafka 1.35.0' };
const log = (line) => process.stderr.write(`${line}\n`);
const { harness, broker, brokerInfo } = await resolveRunBroker(arg('broker', null), log);
const libsDir = await harness.ensureLibs({ log });
const { java } = harness.javaInfo();

function runChild(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      try {
        resolve({ code, ...JSON.parse(line) });
      } catch {
        resolve({ code, error: `no result (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}

async function createTopic(name) {
  const k = require('../dist/src/index.js');
  const admin = await k.Admin.create({ brokers: [broker] });
  try {
    const [r] = await admin.createTopics([{ name, numPartitions: PARTITIONS }], { waitForLeaders: true });
    if (r.error) throw r.error;
  } finally {
    await admin.close();
  }
}

const results = [];
for (let rep = 0; rep < opts.runs; rep++) {
  for (const perTxn of opts.txns) {
    // round-robin order, rotated per repetition
    const order = opts.clients.map((_, i) => opts.clients[(i + rep) % opts.clients.length]);
    for (const client of order) {
      const topic = `bench-txn-${client}-${perTxn}-${rep}-${Date.now()}`;
      await createTopic(topic);
      const c = { broker, topic, records: opts.records, perTxn, size: opts.size };
      log(`run ${rep + 1}/${opts.runs}: ${client}, ${perTxn} records per transaction`);
      const r =
        client === 'java'
          ? await runChild(java, ['-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${path.join(root, 'scripts', 'broker', 'tools-log4j2.properties')}`, '-cp', path.join(libsDir, '*'), path.join(here, 'java', 'TxnBench.java'), broker, topic, String(opts.records), String(perTxn), String(opts.size)])
          : await runChild(process.execPath, [fileURLToPath(import.meta.url), '--driver', client, '--case', JSON.stringify(c)]);
      const ok = r.error === undefined && r.acked === opts.records && r.failed === 0;
      results.push({ client, perTxn, rep, ok, ...r, ...(ok ? {} : { error: r.error ?? `acknowledged ${r.acked} of ${opts.records} (${r.failed} failed)` }) });
    }
  }
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');
const lines = [
  `Transactional produce: ${fmt(opts.records)} records of ${opts.size} B per run, ${PARTITIONS} partitions, acks all, median of ${opts.runs} run(s); broker ${brokerInfo.bootstrap} (Kafka ${brokerInfo.version}, profile ${brokerInfo.profile}).`,
  '',
  '| records per transaction | client | records/s | MB/s | commit p50 (ms) | commit p99 (ms) | runs ok |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
];
for (const perTxn of opts.txns) {
  for (const client of opts.clients) {
    const runs = results.filter((r) => r.perTxn === perTxn && r.client === client);
    const good = runs.filter((r) => r.ok);
    if (good.length === 0) {
      lines.push(`| ${fmt(perTxn)} | ${LABEL[client]} | ERROR: ${runs[0]?.error ?? 'no run'} | | | | 0/${runs.length} |`);
      continue;
    }
    const rate = median(good.map((r) => opts.records / r.seconds)).med;
    lines.push(
      `| ${fmt(perTxn)} | ${LABEL[client]} | ${fmt(rate)} | ${fmt((rate * opts.size) / 1e6, 1)} | ${fmt(median(good.map((r) => r.commitP50Ms)).med, 1)} | ${fmt(median(good.map((r) => r.commitP99Ms)).med, 1)} | ${good.length}/${runs.length} |`,
    );
  }
}
const md = lines.join('\n');
const out = path.resolve(root, arg('out', 'bench/results'));
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'transactions.md'), `${md}\n`);
writeFileSync(path.join(out, 'transactions.json'), `${JSON.stringify({ opts, brokerInfo, results }, null, 2)}\n`);
process.stdout.write(`${md}\n`);
