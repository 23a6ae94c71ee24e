// Producers at cluster scale (issue 14, item 5): throughput over many partitions and topics, and
// the kafkaesque producer's peak memory against its configured bufferBytes, next to kcat, the
// Java client (ProducerPerformance), @platformatic/kafka and KafkaJS where each can run the case.
// It reuses bench/run.mjs's drivers (bench/clients/*.mjs, with the scale options described in
// _common.mjs) and _parsers.cjs's rule: a run counts only if the client says it delivered the
// records asked for AND the topics hold exactly that many more records afterwards.
//
//   npm run bench:scale                              (builds kafkaesque first)
//   node bench/scale.mjs [--quick] [--broker host:port] [--records 1000000] [--memory-records 1000000]
//                        [--records-10k 300000] [--runs 3] [--clients kafkaesque,kafkajs,platformatic,java,kcat]
//                        [--layouts p6,p1000,t1000x10,rr1000,random1000] [--with-10k]
//                        [--sizes 100,1024] [--buffers-mib 8,32,128] [--no-memory] [--memory-layouts p6,p1000]
//                        [--timeout-s 600] [--max-set-gib 12]
//                        [--out bench/results]
//   --quick: 100,000 records per throughput run, 300,000 per memory run (more than 128 MiB of
//   1 KiB values, so every buffer fills), one run. --with-10k adds one topic of 10,000 partitions
//   (its creation takes long on one broker: see the topic set-up table).
//
// Each topic set (6, 1,000 or 10,000 partitions, 1,000 topics of 10) is created once, probed
// until every partition took two 6 KiB writes (right after CreateTopics with 1,000+ partitions a
// broker answers Produce with NOT_LEADER_OR_FOLLOWER for seconds while Metadata already names the
// leaders, and it opens a partition's index files only after 4 KiB were written), so no client's
// clock includes that; then every run on that set, then it is deleted before the next set (one
// broker holds one set at a time: see setUpTopics). Runs share a set's topics: a run's record
// count is the topics' record count after it minus before it (ListOffsets). Every run is its own
// process; the JavaScript drivers run under GNU time (CPU, max RSS) and sample
// process.memoryUsage() every 50 ms; within a set, runs are interleaved as in run.mjs (clients
// round-robin, rotated per repetition).
//
// Writes bench/results/scale.{json,md,svg} and bench/results/raw-scale/<run-id>/ (the raw output
// of every run; older run folders are removed); prints the Markdown on stdout, progress on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeValues, median } from './clients/_common.mjs';
import { resolveRunBroker, runDriver } from './drivers.mjs';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const { interpretRun, formatRaw } = require('./clients/_parsers.cjs');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const { arg, flag, list } = cliArgs();
const log = (s) => process.stderr.write(`${s}\n`);

const quick = flag('quick');
const MiB = 2 ** 20;
const opts = {
  records: Number(arg('records', quick ? '100000' : '1000000')),
  // the 10,000-partition layouts: fewer records (the JavaScript peers take minutes per million there)
  records10k: Number(arg('records-10k', quick ? '50000' : '300000')),
  memoryRecords: Number(arg('memory-records', quick ? '300000' : '1000000')),
  runs: Number(arg('runs', quick ? '1' : '3')),
  clients: list('clients', 'kafkaesque,kafkaesque-nolistener,kafkajs,platformatic,java,kcat'),
  layouts: list('layouts', `p6,p1000,${flag('with-10k') ? 'p10000,' : ''}t1000x10,rr1000,random1000`),
  sizes: list('sizes', '100,1024').map(Number),
  buffersMiB: list('buffers-mib', '8,32,128').map(Number),
  memory: !flag('no-memory'),
  memoryLayouts: list('memory-layouts', 'p6,p1000'),
  lingerMs: 5,
  batchBytes: 65536,
  maxInFlight: 5,
  // The JS batcher's limit per send() call for KafkaJS and @platformatic/kafka (no linger.ms /
  // batch.size of their own): 1 MiB, the Java client's and kafkaesque's max request size, with
  // ≤ 5 (KafkaJS) or 1 (@platformatic/kafka, see its driver) send() calls in flight. run.mjs's
  // batchBytes × partitions would be 64 MiB per call at 1,000 partitions.
  sendMaxBytes: MiB,
  keys: 100000, // distinct keys of keyed runs ("k0" … "k99999"): more than the partitions of any layout
  timeoutS: Number(arg('timeout-s', '600')),
  maxSetBytes: Number(arg('max-set-gib', '12')) * 2 ** 30,
  out: path.resolve(root, arg('out', 'bench/results')),
};

// Topic sets: created once per invocation, shared by every run of the layouts that name them.
const TOPIC_SETS = {
  p6: { topics: 1, partitions: 6 },
  p1000: { topics: 1, partitions: 1000 },
  p10000: { topics: 1, partitions: 10000 },
  t1000x10: { topics: 1000, partitions: 10 },
};
const LAYOUTS = {
  p6: { set: 'p6', keyed: true, partitioner: 'hash', label: '1 topic × 6 partitions, keyed' },
  p1000: { set: 'p1000', keyed: true, partitioner: 'hash', label: '1 topic × 1,000 partitions, keyed' },
  p10000: { set: 'p10000', keyed: true, partitioner: 'hash', label: '1 topic × 10,000 partitions, keyed' },
  t1000x10: { set: 't1000x10', keyed: true, partitioner: 'hash', label: '1,000 topics × 10 partitions, keyed' },
  rr1000: { set: 'p1000', keyed: false, partitioner: 'round-robin', label: "1 topic × 1,000 partitions, 'round-robin', no key" },
  random1000: { set: 'p1000', keyed: false, partitioner: 'random', label: "1 topic × 1,000 partitions, 'random', no key" },
};
// The memory rows: keyed records of every --sizes over every --memory-layouts, as fast as each client takes them.

const LABEL = {
  kafkaesque: 'kafkaesque',
  'kafkaesque-nolistener': "kafkaesque, no 'success' listener",
  kafkajs: 'KafkaJS 2.2.4',
  platformatic: '@platformatic/kafka 1.35.0',
  java: 'Java client 4.2.1',
  kcat: 'kcat 1.7.1 (librdkafka)',
};
const HOW = {
  'kafkaesque-nolistener': "as kafkaesque, with no 'success' listener attached (acknowledged = sent − failed after flush()): the CPU a per-message listener costs is the difference between the two rows (issue 14, item 4)",
  kafkaesque: "AsyncProducer.sendMsgByte in a loop, awaiting only the Promise it returns when the buffer is full; partitioner 'hash' (murmur2, Java's placement) for keyed rows, 'round-robin' / 'random' as named",
  kafkajs: 'producer.send() (sendBatch() over several topics) of ≤ 1 MiB calls built by the driver, ≤ 5 in flight; DefaultPartitioner (murmur2 by key, round-robin without a key); random: a user createPartitioner',
  platformatic: 'Producer.send() of ≤ 1 MiB calls built by the driver, ONE in flight (idempotence, see docs/performance.md); its default partitioner (murmur2 by key, round-robin without a key); random: a user partitioner',
  java: 'ProducerPerformance (no key, one topic): only the round-robin row, with partitioner.class=RoundRobinPartitioner',
  kcat: "kcat -P -l file, keyed lines split by -K '\\t' with partitioner=murmur2_random (Java's placement); random: partitioner=random, sticky.partitioning.linger.ms=0",
};

/** Whether `client` can run `layout`; a string says why not. */
function support(client, layoutName) {
  const l = LAYOUTS[layoutName];
  const multi = TOPIC_SETS[l.set].topics > 1;
  if (client === 'kafkaesque-nolistener' && layoutName !== 'p6' && layoutName !== 'p1000') return "the listener's cost is measured on the keyed 6- and 1,000-partition rows";
  if (client === 'java') {
    if (l.keyed) return 'ProducerPerformance sends no key (it has no key option)';
    if (l.partitioner === 'random') return 'the Java client ships no random partitioner';
    if (multi) return 'ProducerPerformance writes one topic';
  }
  if (client === 'kcat') {
    if (multi) return 'kcat -P writes one topic per process';
    if (l.partitioner === 'round-robin') return 'librdkafka has no round-robin partitioner';
  }
  return true;
}

// ---------------------------------------------------------------------------------------- setup
function ensureBenchDeps() {
  const need = ['kafkajs', '@platformatic/kafka', 'lz4js'].filter((d) => !existsSync(path.join(here, 'node_modules', d, 'package.json')));
  if (need.length === 0) return;
  log(`installing bench/ dependencies (${need.join(', ')} missing)`);
  const r = spawnSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('npm ci --prefix bench failed');
}
if (!existsSync(path.join(root, 'dist/src/index.js'))) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}
ensureBenchDeps();
const k = require('../dist/src/index.js');
// 'kafkaesque@256': kafkaesque with bufferBytes 256 MiB in the throughput rows (a layout where
// the default 32 MiB leaves a few records per partition)
for (const c of opts.clients) {
  const m = /^kafkaesque@(\d+)$/.exec(c);
  if (m === null) continue;
  LABEL[c] = `kafkaesque, bufferBytes ${m[1]} MiB`;
  HOW[c] = `as kafkaesque, with bufferBytes ${m[1]} MiB instead of the default 32 MiB`;
}
for (const c of opts.clients) if (!LABEL[c]) throw new Error(`unknown client ${c} (one of ${Object.keys(LABEL).join(', ')})`);
for (const l of opts.layouts) if (!LAYOUTS[l]) throw new Error(`unknown layout ${l} (one of ${Object.keys(LAYOUTS).join(', ')})`);

const { harness, described, broker, brokerInfo } = await resolveRunBroker(arg('broker', process.env.KAFKAESQUE_BROKER ?? null), log);

const hostPort = () => {
  const i = broker.lastIndexOf(':');
  return { host: broker.slice(0, i), port: Number(broker.slice(i + 1)) };
};

// ------------------------------------------------------------------------------ topics
const stamp = Date.now().toString(36);
const topicNames = (set, generation = 0) => {
  const t = TOPIC_SETS[set];
  const base = `scale-${set}-${stamp}${generation > 0 ? `-g${generation}` : ''}`;
  return Array.from({ length: t.topics }, (_, i) => (t.topics === 1 ? base : `${base}-${i}`));
};

// A KRaft controller refuses an operation of more than 10,000 metadata records (POLICY_VIOLATION,
// "excessively large batch operation"): a topic of more partitions than STEP is created with
// STEP and grown by CreatePartitions, STEP at a time; CreateTopics takes 100 topics per request.
const STEP = 5000;
async function createTopics(names, partitions) {
  const conn = await k.BrokerConnection.connect({ ...hostPort(), requestTimeoutMs: 600_000 });
  try {
    for (let i = 0; i < names.length; i += 100) {
      const res = await conn.send(k.protocol.CreateTopics, {
        topics: names.slice(i, i + 100).map((name) => ({ name, numPartitions: Math.min(partitions, STEP), replicationFactor: -1, assignments: [], configs: [] })),
        timeoutMs: 600_000,
        validateOnly: false,
      });
      for (const t of res.topics) if (t.errorCode !== 0) throw new Error(`CreateTopics ${t.name}: error ${t.errorCode}${t.errorMessage ? ` (${t.errorMessage})` : ''}`);
    }
    for (let count = STEP * 2; count < partitions + STEP; count += STEP) {
      const res = await conn.send(k.protocol.CreatePartitions, {
        topics: names.map((name) => ({ name, count: Math.min(count, partitions), assignments: null })),
        timeoutMs: 600_000,
        validateOnly: false,
      });
      for (const t of res.results) if (t.errorCode !== 0) throw new Error(`CreatePartitions ${t.name} to ${Math.min(count, partitions)}: error ${t.errorCode}${t.errorMessage ? ` (${t.errorMessage})` : ''}`);
    }
  } finally {
    conn.close();
  }
}

/**
 * Waits until every partition of `names` took two writes of 6 KiB: records sent to each partition
 * with sendMsgToPartition by a kafkaesque producer (acks=all, not idempotent), whose own retries
 * ride out the broker's NOT_LEADER_OR_FOLLOWER answers; partitions whose record failed are
 * probed again. Two batches of 6 KiB each because the broker opens a partition's index files
 * (mmap) only once more than index.interval.bytes (4 KiB) were written since the last entry,
 * at the NEXT append: a few milliseconds per partition that would otherwise fall into the first
 * client's clock. Resolves { seconds, rounds }.
 */
async function waitWritable(names, partitions) {
  const t0 = performance.now();
  let rounds = 0;
  for (let pass = 0; pass < 2; pass++) rounds += await writeEveryPartition(names, partitions, t0);
  return { seconds: (performance.now() - t0) / 1000, rounds };
}

async function writeEveryPartition(names, partitions, t0) {
  let pending = names.flatMap((topic) => Array.from({ length: partitions }, (_, p) => ({ topic, p })));
  let rounds = 0;
  while (pending.length) {
    rounds++;
    if (performance.now() - t0 > 600_000) throw new Error(`topics not writable after 10 min: ${pending.length} partitions left (see the broker's log)`);
    // a round gives up on a partition after 40 s; a partition that never becomes writable (a
    // broker out of file descriptors, say: see its log) fails the whole run after 10 minutes
    const producer = await k.AsyncProducer.create(new k.Config({ brokers: [broker], acks: -1, idempotent: false, lingerMs: 5, deliveryTimeoutMs: 40000 }));
    const failed = [];
    const value = Buffer.alloc(6 * 1024, 'p');
    await Promise.all(
      pending.map(
        ({ topic, p }) =>
          new Promise((resolve) => {
            const r = producer.sendMsgToPartition(topic, p, null, value, undefined, { onSuccess: () => resolve(), onError: () => (failed.push({ topic, p }), resolve()) });
            if (r) r.catch(() => {});
          }),
      ),
    );
    await producer.close();
    pending = failed;
    if (pending.length) {
      log(`  probe round ${rounds}: ${pending.length} partition(s) not writable yet`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return rounds;
}

/** Records on `names` (sum over partitions of log-end minus log-start offsets), one ListOffsets per 1,000 topics. */
async function recordCount(names, partitions) {
  const conn = await k.BrokerConnection.connect({ ...hostPort(), requestTimeoutMs: 120_000 });
  try {
    const at = async (timestamp) => {
      let sum = 0n;
      for (let i = 0; i < names.length; i += 1000) {
        const res = await conn.send(k.protocol.ListOffsets, {
          replicaId: -1,
          isolationLevel: 0,
          topics: names.slice(i, i + 1000).map((name) => ({ name, partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp })) })),
          timeoutMs: 60000,
        });
        for (const t of res.topics)
          for (const p of t.partitions) {
            if (p.errorCode !== 0) throw new Error(`ListOffsets ${t.name}[${p.partitionIndex}]: error ${p.errorCode}`);
            sum += p.offset;
          }
      }
      return sum;
    };
    return Number((await at(-1n)) - (await at(-2n)));
  } finally {
    conn.close();
  }
}

// DeleteTopics v1 (not in kafkaesque's protocol module): a raw request through the harness.
async function deleteTopics(names) {
  const { host, port } = hostPort();
  for (let i = 0; i < names.length; i += 100) {
    const chunk = names.slice(i, i + 100).map((n) => Buffer.from(n));
    const parts = [Buffer.alloc(4)];
    parts[0].writeInt32BE(chunk.length);
    for (const n of chunk) {
      const len = Buffer.alloc(2);
      len.writeInt16BE(n.length);
      parts.push(len, n);
    }
    const timeout = Buffer.alloc(4);
    timeout.writeInt32BE(60000);
    parts.push(timeout);
    try {
      await harness.kafkaRequest(host, port, 20, 1, Buffer.concat(parts), 65000);
    } catch (e) {
      log(`(delete ${chunk.length} topics: ${e.message})`);
    }
  }
}

// ---------------------------------------------------------------------------------- child runs
const bufferVariant = (client) => /^kafkaesque@(\d+)$/.exec(client);
const runChild = (client, c) => {
  if (client === 'kafkaesque-nolistener') return runDriver('kafkaesque', { ...c, client: 'kafkaesque', successListener: false }, opts.timeoutS);
  const v = bufferVariant(client);
  if (v !== null) return runDriver('kafkaesque', { ...c, client: 'kafkaesque', bufferBytes: Number(v[1]) * MiB }, opts.timeoutS);
  return runDriver(client, c, opts.timeoutS);
};

// ---------------------------------------------------------------------------------------- plan
const runId = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
const rawDir = path.join(opts.out, 'raw-scale', runId);
mkdirSync(rawDir, { recursive: true });
const dataFiles = {};
for (const s of new Set(opts.sizes)) {
  const file = path.join(os.tmpdir(), `kafkaesque-scale-values-${s}-${process.pid}.txt`);
  writeFileSync(file, Buffer.concat(makeValues(s).flatMap((v) => [v, Buffer.from('\n')])));
  dataFiles[s] = file;
}

// Cases: throughput (layout × size), then memory (kafkaesque per bufferBytes, the other JS clients once).
const cases = [];
const notRun = [];
for (const layout of opts.layouts) {
  for (const size of opts.sizes) {
    const clients = [];
    for (const client of opts.clients) {
      const s = support(client, layout);
      if (s === true) clients.push(client);
      else if (!notRun.some((n) => n.client === client && n.layout === layout)) notRun.push({ client, layout, why: s });
    }
    if (clients.length) cases.push({ kind: 'throughput', layout, size, clients });
  }
}
if (opts.memory) {
  for (const layout of opts.memoryLayouts)
    for (const size of opts.sizes)
      for (const client of opts.clients) {
        if (client === 'kafkaesque') for (const mib of opts.buffersMiB) cases.push({ kind: 'memory', layout, size, clients: [client], bufferMiB: mib });
        else if (client === 'kafkajs' || client === 'platformatic') cases.push({ kind: 'memory', layout, size, clients: [client], bufferMiB: null });
      }
}
const rotate = (xs, n) => xs.map((_, i) => xs[(i + n) % xs.length]);
const schedule = [];
for (let rep = 0; rep < opts.runs; rep++) {
  const order = rotate(opts.clients, rep);
  for (const cs of cases) for (const client of order) if (cs.clients.includes(client)) schedule.push({ rep, client, cs });
}
const caseId = (cs, client) => `${cs.kind}|${cs.layout}|${cs.size}|${cs.bufferMiB ?? ''}|${client}`;

// ---------------------------------------------------------------------------------------- topics
// One topic set at a time: created and probed, its runs, then deleted, so the broker never holds
// more than one set's partitions (one open log file each: 10,000 + 10,000 partitions would pass
// a file-descriptor limit of 20,000, and a broker past it stops).
const t0 = Date.now();
const setsNeeded = [...new Set(cases.map((cs) => LAYOUTS[cs.layout].set))];
const topicSetup = {};
async function setUpTopics(set, generation = 0) {
  const names = topicNames(set, generation);
  const { partitions, topics } = TOPIC_SETS[set];
  log(`creating ${topics} topic(s) × ${partitions} partitions (${set})`);
  const c0 = performance.now();
  await createTopics(names, partitions);
  const createSeconds = (performance.now() - c0) / 1000;
  log(`  CreateTopics answered after ${createSeconds.toFixed(1)} s; probing every partition until it takes a write`);
  const w = await waitWritable(names, partitions);
  log(`  writable after ${w.seconds.toFixed(1)} s more (${w.rounds} probe round(s))`);
  const first = topicSetup[set];
  // the set-up figures reported are the first creation's; a replacement (see replaceSet) only logs
  topicSetup[set] = first
    ? { ...first, names, generation, written: 0 }
    : { topics, partitions, names, createSeconds, writableSeconds: w.seconds, probeRounds: w.rounds, generation, written: 0 };
}

async function dropSet(set) {
  await deleteTopics(topicSetup[set].names);
  // the broker closes the deleted logs' files asynchronously, after applying the deletion:
  // 5 s was too short after 10,000 partitions (the next set's creation ran out of files)
  const deleted = topicSetup[set].topics * topicSetup[set].partitions;
  await new Promise((r) => setTimeout(r, 5000 + 10 * deleted));
}

/**
 * A set's topics keep every record of its runs (no retention: a run is counted by the topics'
 * offsets), and a full run writes tens of GiB to one set: past --max-set-gib (default 12) of
 * record bytes the set is deleted and created again under new names before the next run. A
 * run on 2026-12-04 filled the disk after about 75 GiB and the broker stopped.
 */
async function replaceSet(set) {
  const gen = topicSetup[set].generation + 1;
  log(`  ${set} holds ${(topicSetup[set].written / 2 ** 30).toFixed(1)} GiB of records: deleting it and creating it again (generation ${gen})`);
  await dropSet(set);
  await setUpTopics(set, gen);
}

// ---------------------------------------------------------------------------------------- runs
const results = new Map();
let doneCount = 0;
const ordered = setsNeeded.flatMap((set) => schedule.filter((p) => LAYOUTS[p.cs.layout].set === set));
let currentSet = null;
for (const p of ordered) {
  const { cs, client } = p;
  if (LAYOUTS[cs.layout].set !== currentSet) {
    if (currentSet !== null) await dropSet(currentSet);
    currentSet = LAYOUTS[cs.layout].set;
    await setUpTopics(currentSet);
  }
  const rep = p.rep + 1;
  const layout = LAYOUTS[cs.layout];
  let set = topicSetup[layout.set];
  const records = cs.kind === 'memory' ? opts.memoryRecords : set.topics * set.partitions >= 10000 ? opts.records10k : opts.records;
  if (set.written + records * (cs.size + 70) > opts.maxSetBytes) {
    await replaceSet(layout.set);
    set = topicSetup[layout.set];
  }
  set.written += records * (cs.size + 70); // value + key + record and batch overhead
  const what = `${cs.kind} ${cs.layout} ${cs.size} B${cs.bufferMiB ? ` buffer ${cs.bufferMiB} MiB` : ''} ${client} (${rep}/${opts.runs})`;
  process.stderr.write(`[${doneCount + 1}/${schedule.length}] ${Math.round((Date.now() - t0) / 1000)} s ${what}\n`);
  const c = {
    workload: 'produce',
    client,
    size: cs.size,
    compression: 'none',
    broker,
    topic: set.names[0],
    ...(set.names.length > 1 ? { topics: set.names } : {}),
    records,
    dataFile: dataFiles[cs.size],
    partitions: set.partitions,
    lingerMs: opts.lingerMs,
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    sendMaxBytes: opts.sendMaxBytes,
    ...(layout.keyed ? { keys: opts.keys } : {}),
    partitioner: layout.partitioner,
    ...(cs.bufferMiB ? { bufferBytes: cs.bufferMiB * MiB } : {}),
    sampleMemory: true,
    javaClasspath: described.classpath,
    javaLog4j: path.join(root, 'scripts/broker/tools-log4j2.properties'),
  };
  const before = await recordCount(set.names, set.partitions);
  const child = await runChild(client, c);
  const topicRecords = await recordCount(set.names, set.partitions).then(
    (after) => after - before,
    (e) => (log(`(counting: ${e.message})`), NaN),
  );
  const verdict = interpretRun({ client: client.startsWith('kafkaesque') ? 'kafkaesque' : client, workload: 'produce', expected: records, ...child, timeoutS: opts.timeoutS, topicRecords });
  const res = { ...verdict, rep };
  if (client !== 'java' && client !== 'kcat' && !res.error) {
    res.cpuSeconds = child.cpuSeconds;
    res.rssMb = child.rssMb;
  }
  const rawName = `${client}-${cs.kind}-${cs.layout}-${cs.size}${cs.bufferMiB ? `-buffer${cs.bufferMiB}MiB` : ''}-${rep}.txt`;
  res.raw = path.relative(root, path.join(rawDir, rawName));
  writeFileSync(
    path.join(rawDir, rawName),
    formatRaw(
      {
        run: runId,
        case: `${client} ${what}: ${layout.label}`,
        asked: `${records} records`,
        command: `node bench/clients/${client}.mjs '${JSON.stringify({ ...c, ...(c.topics ? { topics: [`${c.topics[0]}`, `… ${c.topics.length} topics`] } : {}) })}'`,
        exit: `code ${child.code}${child.signal ? `, signal ${child.signal}` : ''}${child.timedOut ? ' (timeout)' : ''}, ${child.wallSeconds.toFixed(1)} s`,
        'topic records added by the run': String(topicRecords),
        verdict: res.error ? `ERROR: ${res.error}` : `OK: ${res.records} records in ${res.seconds?.toFixed(3)} s`,
      },
      child.stdout,
      child.stderr,
    ),
  );
  if (res.error) log(`  ERROR: ${res.error}`);
  const key = caseId(cs, client);
  if (!results.has(key)) results.set(key, []);
  results.get(key).push(res);
  doneCount++;
}
if (currentSet !== null) await deleteTopics(topicSetup[currentSet].names);
for (const f of Object.values(dataFiles)) rmSync(f, { force: true });

// ---------------------------------------------------------------------------------- statistics
function aggregate(size, runs) {
  const ok = runs.filter((r) => !r.error);
  const metric = (f) => median(ok.map(f));
  return {
    ok: ok.length,
    failed: runs.length - ok.length,
    errors: runs.filter((r) => r.error).map((r) => ({ rep: r.rep, error: r.error, raw: r.raw })),
    recordsPerSec: metric((r) => r.records / r.seconds),
    mbPerSec: metric((r) => (r.records * size) / r.seconds / 1e6),
    cpuPerMillion: metric((r) => (r.cpuSeconds / r.records) * 1e6),
    rssMb: metric((r) => r.rssMb),
    heapMiB: metric((r) => r.memory?.heapUsed),
    externalMiB: metric((r) => r.memory?.external),
    heapPlusExternalMiB: metric((r) => r.memory?.heapPlusExternal),
    sampledRssMiB: metric((r) => r.memory?.rss),
  };
}
const rows = [];
for (const cs of cases)
  for (const client of opts.clients) {
    if (!cs.clients.includes(client)) continue;
    const runs = results.get(caseId(cs, client)) ?? [];
    rows.push({ kind: cs.kind, layout: cs.layout, size: cs.size, bufferMiB: cs.bufferMiB, client, runs, agg: aggregate(cs.size, runs) });
  }

// ------------------------------------------------------------------------------------- output
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const fmt1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const fmt2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const withRange = (m, f, n) => (n > 1 && Number.isFinite(m.med) ? `${f(m.med)} (${f(m.min)}–${f(m.max)})` : f(m.med));
const cellText = (s) => String(s).replace(/\|/g, '/').replace(/\s+/g, ' ');

const meta = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  runId,
  quick,
  rawDir: path.relative(root, rawDir),
  node: process.version,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown', memGb: Math.round(os.totalmem() / 2 ** 30), platform: `${os.type()} ${os.release()}` },
  broker: brokerInfo,
  settings: {
    records: opts.records,
    records10k: opts.records10k,
    memoryRecords: opts.memoryRecords,
    runs: opts.runs,
    sizes: opts.sizes,
    buffersMiB: opts.buffersMiB,
    acks: 'all',
    idempotence: true,
    lingerMs: opts.lingerMs,
    batchBytes: opts.batchBytes,
    maxInFlight: opts.maxInFlight,
    sendMaxBytes: opts.sendMaxBytes,
    keys: opts.keys,
    compression: 'none',
    memorySampling: 'process.memoryUsage() every 50 ms in the driver, from before the client exists until the last acknowledgement',
  },
  topicSetup: Object.fromEntries(Object.entries(topicSetup).map(([s, v]) => [s, { topics: v.topics, partitions: v.partitions, createSeconds: v.createSeconds, writableSeconds: v.writableSeconds, probeRounds: v.probeRounds }])),
  clients: Object.fromEntries(opts.clients.map((c) => [c, { label: LABEL[c], how: HOW[c] }])),
  notRun,
  seconds: Math.round((Date.now() - t0) / 1000),
};

function markdown() {
  const L = [];
  const S = meta.settings;
  L.push(
    `${quick ? '**Quick run** (`--quick`: one run per cell, fewer records). ' : ''}Measured ${meta.date} · ${meta.machine.cpus}× ${meta.machine.cpuModel}, ${meta.machine.memGb} GB, shared with the broker · Node ${meta.node} · Kafka ${meta.broker.version} broker (${meta.broker.profile} profile) on ${meta.broker.bootstrap} · run ${meta.runId} (raw output: ${meta.rawDir}/)`,
  );
  L.push(
    '',
    `Every client: acks=all, idempotence on, linger ${S.lingerMs} ms, batch ${S.batchBytes / 1024} KiB, ≤ ${S.maxInFlight} requests in flight, no compression; keyed rows use ${fmtInt(S.keys)} distinct keys ("k0"…), placed by murmur2 (Java's placement: kafkaesque, KafkaJS, kcat with partitioner=murmur2_random; @platformatic/kafka's default takes murmur2 unsigned, a different placement). ` +
      `Throughput: ${fmtInt(S.records)} records per run (${fmtInt(S.records10k)} on the 10,000-partition layouts); memory: ${fmtInt(S.memoryRecords)} records per run. ` +
      `The topics of each layout are created once and probed until every partition took a write before any clock starts; runs share them, and a run counts only if the client reports exactly the records asked for and the topics hold exactly that many more afterwards. ` +
      `No warm-up for any client. CPU = user+system seconds of the client process (GNU time, start-up included) per million records; peak RSS = GNU time's max RSS (the JVM's for Java, kcat's for kcat). ` +
      `Each figure is the median of the runs that count (${S.runs} per cell${S.runs > 1 ? '; min–max in brackets' : ''}).`,
  );
  L.push('', '| topics × partitions | CreateTopics answered (s) | then writable on every partition (s) | probe rounds |', '|---|---|---|---|');
  for (const v of Object.values(meta.topicSetup)) L.push(`| ${fmtInt(v.topics)} × ${fmtInt(v.partitions)} | ${fmt1(v.createSeconds)} | ${fmt1(v.writableSeconds)} | ${v.probeRounds} |`);
  const errors = [];
  const countCell = (r) => (r.agg.failed ? `${r.agg.ok}/${r.runs.length} ⚠` : `${r.agg.ok}/${r.runs.length}`);
  const errorCell = (r) => `**ERROR**: ${cellText(r.agg.errors[0]?.error ?? 'no run').slice(0, 160)}`;
  const noteErrors = (r, what) => {
    for (const e of r.agg.errors) errors.push(`- ${LABEL[r.client]}, ${what}, repetition ${e.rep}: ERROR: ${cellText(e.error)} (\`${e.raw}\`)`);
  };
  L.push('', '### Producer throughput at scale', '', '| layout | value | client | records/s | MB/s | CPU s / M records | peak RSS MB | peak heap MiB | runs counted |', '|---|---|---|---|---|---|---|---|---|');
  for (const r of rows.filter((x) => x.kind === 'throughput')) {
    const a = r.agg;
    const lead = [LAYOUTS[r.layout].label, `${r.size} B`, LABEL[r.client]];
    if (a.ok === 0) L.push(`| ${[...lead, errorCell(r), '', '', '', ''].join(' | ')} | ${countCell(r)} |`);
    else L.push(`| ${[...lead, withRange(a.recordsPerSec, fmtInt, a.ok), withRange(a.mbPerSec, fmt1, a.ok), withRange(a.cpuPerMillion, fmt2, a.ok), fmtInt(a.rssMb.med), fmtInt(a.heapMiB.med)].join(' | ')} | ${countCell(r)} |`);
    noteErrors(r, `${LAYOUTS[r.layout].label}, ${r.size} B`);
  }
  const mem = rows.filter((x) => x.kind === 'memory');
  if (mem.length) {
    L.push(
      '',
      `### Producer memory against the configured bound (${fmtInt(S.memoryRecords)} keyed records per run, sent as fast as the client takes them)`,
      '',
      "Peaks of `process.memoryUsage()` sampled every 50 ms: heapUsed, external (which includes the Buffers of record values and the clients' network buffers), the peak of heapUsed + external in one sample, and rss; and GNU time's max RSS of the process. " +
        "Issue 14's bound for kafkaesque: heap + external ≤ bufferBytes + 64 MiB. The values file (1,024 values) and the runtime are inside the figures.",
      '',
      '| layout | value | client | configured bound | records/s | peak heap MiB | peak external MiB | peak heap + external MiB | bound + 64 MiB | peak RSS MiB (sampled) | max RSS MB (GNU time) | runs counted |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of mem) {
      const a = r.agg;
      const bound = r.bufferMiB ? `bufferBytes ${r.bufferMiB} MiB` : r.client === 'kafkajs' ? 'none (driver: ≤ 5 send() calls of ≤ 1 MiB in flight)' : 'none (driver: 1 send() call of ≤ 1 MiB in flight)';
      const lead = `${LAYOUTS[r.layout].label} | ${r.size} B | ${LABEL[r.client]} | ${bound}`;
      const limit = r.bufferMiB ? r.bufferMiB + 64 : NaN;
      const within = Number.isFinite(limit) && Number.isFinite(a.heapPlusExternalMiB.med) ? (a.heapPlusExternalMiB.med <= limit ? ' ✓' : ' ✗') : '';
      if (a.ok === 0) L.push(`| ${lead} | ${errorCell(r)} | | | | | | | ${countCell(r)} |`);
      else
        L.push(
          `| ${lead} | ${withRange(a.recordsPerSec, fmtInt, a.ok)} | ${withRange(a.heapMiB, fmt1, a.ok)} | ${withRange(a.externalMiB, fmt1, a.ok)} | ${withRange(a.heapPlusExternalMiB, fmt1, a.ok)} | ${Number.isFinite(limit) ? `${limit}${within}` : '–'} | ${withRange(a.sampledRssMiB, fmt1, a.ok)} | ${fmtInt(a.rssMb.med)} | ${countCell(r)} |`,
        );
      noteErrors(r, `memory, ${LAYOUTS[r.layout].label}, ${r.size} B${r.bufferMiB ? `, bufferBytes ${r.bufferMiB} MiB` : ''}`);
    }
  }
  if (errors.length) L.push('', 'Runs that did not count (raw output in the file named):', ...errors);
  if (notRun.length) {
    L.push('', 'Not measured:');
    for (const n of notRun) L.push(`- ${LABEL[n.client]}, ${LAYOUTS[n.layout].label}: ${n.why}`);
  }
  L.push('', 'How each client was driven:');
  for (const c of opts.clients) L.push(`- ${LABEL[c]}: ${HOW[c]}`);
  return L.join('\n');
}

// Two panels: records/s against partitions (1 KiB and 100 B keyed, one line per client; the
// 1,000-topic layout as an open marker at its 10,000 partitions), and peak memory against bufferBytes.
function svg() {
  const colors = { kafkaesque: '#6a3d9a', 'kafkaesque-nolistener': '#cab2d6', kafkajs: '#1f78b4', platformatic: '#33a02c', java: '#e31a1c', kcat: '#ff7f00' };
  for (const c of opts.clients) colors[c] ??= '#b15928';
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const W = 980;
  const H = 440;
  const o = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, '<rect width="100%" height="100%" fill="white"/>'];
  o.push(`<text x="10" y="20" font-size="14" font-weight="bold">Producers at scale${quick ? ' (quick run)' : ''}: keyed records/s against partitions, and kafkaesque's peak memory against bufferBytes</text>`);
  opts.clients.forEach((c, i) => o.push(`<rect x="${10 + i * 160}" y="32" width="10" height="10" fill="${colors[c]}"/><text x="${24 + i * 160}" y="41">${esc(LABEL[c])}</text>`));
  // panel 1
  const px = 70;
  const py = 70;
  const pw = 400;
  const ph = 300;
  const tp = rows.filter((r) => r.kind === 'throughput' && LAYOUTS[r.layout].keyed && r.agg.ok);
  const partsOf = (r) => TOPIC_SETS[LAYOUTS[r.layout].set].topics * TOPIC_SETS[LAYOUTS[r.layout].set].partitions;
  const maxY = Math.max(1, ...tp.map((r) => r.agg.recordsPerSec.med)) * 1.1;
  const xs = (n) => px + ((Math.log10(n) - Math.log10(5)) / (Math.log10(15000) - Math.log10(5))) * pw;
  const ys = (v) => py + ph - (v / maxY) * ph;
  o.push(`<rect x="${px}" y="${py}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const n of [6, 10, 100, 1000, 10000]) o.push(`<line x1="${xs(n)}" y1="${py + ph}" x2="${xs(n)}" y2="${py + ph + 4}" stroke="#555"/><text x="${xs(n)}" y="${py + ph + 16}" text-anchor="middle">${fmtInt(n)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    o.push(`<line x1="${px - 4}" y1="${ys(v)}" x2="${px + pw}" y2="${ys(v)}" stroke="#eee"/><text x="${px - 6}" y="${ys(v) + 4}" text-anchor="end">${fmtInt(v / 1000)}k</text>`);
  }
  o.push(`<text x="${px + pw / 2}" y="${py + ph + 32}" text-anchor="middle">partitions (log scale; one topic — open marker: 1,000 topics × 10)</text>`);
  o.push(`<text x="${px}" y="${py - 8}" font-weight="bold">records/s (keyed; solid 1 KiB, dashed 100 B)</text>`);
  for (const c of opts.clients)
    for (const size of opts.sizes) {
      const pts = tp.filter((r) => r.client === c && r.size === size && TOPIC_SETS[LAYOUTS[r.layout].set].topics === 1).sort((a, b) => partsOf(a) - partsOf(b));
      const dash = size === 1024 ? '' : ' stroke-dasharray="4 3"';
      if (pts.length > 1) o.push(`<polyline fill="none" stroke="${colors[c]}" stroke-width="2"${dash} points="${pts.map((r) => `${xs(partsOf(r)).toFixed(1)},${ys(r.agg.recordsPerSec.med).toFixed(1)}`).join(' ')}"/>`);
      for (const r of pts) o.push(`<circle cx="${xs(partsOf(r)).toFixed(1)}" cy="${ys(r.agg.recordsPerSec.med).toFixed(1)}" r="3" fill="${colors[c]}"/>`);
      for (const r of tp.filter((x) => x.client === c && x.size === size && TOPIC_SETS[LAYOUTS[x.layout].set].topics > 1))
        o.push(`<circle cx="${xs(partsOf(r)).toFixed(1)}" cy="${ys(r.agg.recordsPerSec.med).toFixed(1)}" r="4" fill="white" stroke="${colors[c]}" stroke-width="2"/>`);
    }
  // panel 2
  const qx = 560;
  const qw = 390;
  const memLayout = opts.memoryLayouts.includes('p1000') ? 'p1000' : opts.memoryLayouts[0];
  const memSize = opts.sizes.includes(1024) ? 1024 : opts.sizes[0];
  const mem = rows.filter((r) => r.kind === 'memory' && r.layout === memLayout && r.size === memSize);
  const metrics = [
    ['heap', (r) => r.agg.heapMiB.med, 0.45],
    ['external', (r) => r.agg.externalMiB.med, 0.7],
    ['RSS', (r) => r.agg.sampledRssMiB.med, 1],
  ];
  const maxM = Math.max(1, ...mem.flatMap((r) => [r.agg.sampledRssMiB.med, r.agg.rssMb.med, r.bufferMiB ?? 0]).filter(Number.isFinite)) * 1.1;
  const ym = (v) => py + ph - (v / maxM) * ph;
  o.push(`<rect x="${qx}" y="${py}" width="${qw}" height="${ph}" fill="none" stroke="#999"/>`);
  o.push(`<text x="${qx}" y="${py - 8}" font-weight="bold">peak MiB: heap, external, RSS (bars); configured bufferBytes (black line)</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxM / 4) * i;
    o.push(`<line x1="${qx - 4}" y1="${ym(v)}" x2="${qx + qw}" y2="${ym(v)}" stroke="#eee"/><text x="${qx - 6}" y="${ym(v) + 4}" text-anchor="end">${fmtInt(v)}</text>`);
  }
  const gw = qw / Math.max(1, mem.length);
  mem.forEach((r, i) => {
    const gx = qx + i * gw + 8;
    const bw = (gw - 16) / metrics.length;
    metrics.forEach(([, f, op], j) => {
      const v = f(r);
      if (!Number.isFinite(v)) return;
      o.push(`<rect x="${(gx + j * bw).toFixed(1)}" y="${ym(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(py + ph - ym(v)).toFixed(1)}" fill="${colors[r.client]}" opacity="${op}"/>`);
      o.push(`<text x="${(gx + j * bw + bw / 2).toFixed(1)}" y="${(ym(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${fmtInt(v)}</text>`);
    });
    if (r.bufferMiB) o.push(`<line x1="${gx - 4}" y1="${ym(r.bufferMiB)}" x2="${gx + gw - 12}" y2="${ym(r.bufferMiB)}" stroke="black" stroke-width="2"/>`);
    const name = r.bufferMiB ? `${r.bufferMiB} MiB` : r.client === 'kafkajs' ? 'KafkaJS' : 'platformatic';
    o.push(`<text x="${(gx + (gw - 16) / 2).toFixed(1)}" y="${py + ph + 16}" text-anchor="middle">${esc(name)}</text>`);
  });
  o.push(`<text x="${qx + qw / 2}" y="${py + ph + 32}" text-anchor="middle">${esc(`${memSize} B records, ${LAYOUTS[memLayout]?.label ?? ''}: kafkaesque bufferBytes (other JS clients: no bound)`)}</text>`);
  o.push(`<text x="10" y="${H - 12}" fill="#555">Medians of the runs that count; bars left to right: heap, external, RSS. Settings, errors and the cases each client cannot run: bench/results/scale.md.</text>`);
  o.push('</svg>');
  return o.join('\n');
}

const md = markdown();
mkdirSync(opts.out, { recursive: true });
writeFileSync(path.join(opts.out, 'scale.json'), JSON.stringify({ meta, rows }, null, 2) + '\n');
writeFileSync(path.join(opts.out, 'scale.md'), md + '\n');
writeFileSync(path.join(opts.out, 'scale.svg'), svg() + '\n');
for (const d of readdirSync(path.join(opts.out, 'raw-scale'))) if (d !== runId) rmSync(path.join(opts.out, 'raw-scale', d), { recursive: true, force: true });
process.stdout.write(md + '\n');
log(`wrote ${path.relative(root, opts.out)}/scale.{md,json,svg} and ${meta.rawDir}/ in ${meta.seconds} s`);
