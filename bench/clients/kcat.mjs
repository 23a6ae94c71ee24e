// kcat 1.7.1 (librdkafka) driver. CPU seconds and peak RSS are those of the kcat process (GNU
// time around it); its time is the process's wall time. No warm-up, as for every client: that
// wall time includes kcat's start-up (a few ms for a C program), metadata, connections, the
// producer id and, for the consumer, the group join.
//
// kcat prints no summary. Producer: `kcat -P -l file` (one record per line of the input file,
// written before kcat starts, so values never contain '\n'); the runner counts the records on
// the topic afterwards, and any "% ERROR" line kcat writes fails the run. Consumer: balanced
// group (-G), earliest offset, -c N, one '%o\n' line per record on stdout, counted here (those
// lines are not kept: the first and last few are, with the count).
// The driver passes kcat's stderr through and ends with one JSON line:
// { tool, exitCode, records (consumer; null for the producer), stderrError, cpuSeconds, rssMb, wallSeconds, seconds }.
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caseArg, done, runTimed, loadValues, makeKeys } from './_common.mjs';

const c = caseArg();
const errorLine = (stderr) =>
  stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^%\s*ERROR/i.test(l) || /^%\s*FATAL/i.test(l)) ?? null;

if (c.workload === 'produce') {
  // kcat -P takes one topic and librdkafka has no round-robin partitioner: bench/scale.mjs
  // gives kcat only the cases it can run.
  if (c.topics?.length > 1 || c.partitioner === 'round-robin') throw new Error('kcat driver: one topic per kcat -P, and librdkafka has no round-robin partitioner');
  const values = loadValues(c.dataFile);
  const keys = c.keys ? makeKeys(c.keys) : null;
  const file = path.join(tmpdir(), `kbench-kcat-${process.pid}.txt`);
  const nl = Buffer.from('\n');
  const tab = Buffer.from('\t');
  const parts = [];
  // keyed: "key<TAB>value" lines, split by kcat -K (values and keys hold no tab)
  for (let i = 0; i < c.records; i++) {
    if (keys) parts.push(keys[i % keys.length], tab);
    parts.push(values[i % values.length], nl);
  }
  writeFileSync(file, Buffer.concat(parts));
  // Scale runs: keyed records by murmur2 (Java's placement; librdkafka's default is crc32 via
  // consistent_random), 'random' with sticky partitioning off so every record is placed at random.
  const partitioning =
    c.partitioner === 'random' ? ['-X', 'partitioner=random', '-X', 'sticky.partitioning.linger.ms=0'] : keys ? ['-X', 'partitioner=murmur2_random'] : [];
  const args = [
    '-P', '-b', c.broker, '-t', c.topic,
    '-X', 'acks=all',
    '-X', 'enable.idempotence=true',
    '-X', `linger.ms=${c.lingerMs}`,
    '-X', `batch.size=${c.batchBytes}`,
    '-X', `compression.codec=${c.compression}`,
    '-X', `max.in.flight.requests.per.connection=${c.maxInFlight}`,
    ...partitioning,
    ...(keys ? ['-K', '\t'] : []),
    '-l', file,
  ];
  process.stdout.write(`$ kcat ${args.join(' ')}\n`);
  const r = await runTimed('kcat', args, { passThrough: true });
  rmSync(file, { force: true });
  done({ tool: 'kcat -P', exitCode: r.code, records: null, stderrError: errorLine(r.stderr), seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, wallSeconds: r.wallSeconds });
} else if (c.workload === 'consume' || c.workload === 'consume-nocommit') {
  // Group settings every client gets (run.mjs GROUP); commits: librdkafka's default
  // (enable.auto.commit=true, every 5 s, and on close) or none.
  const args = [
    '-b', c.broker, '-G', c.group,
    '-X', 'auto.offset.reset=earliest',
    '-X', `heartbeat.interval.ms=${c.heartbeatMs}`,
    '-X', `session.timeout.ms=${c.sessionMs}`,
    '-X', `fetch.wait.max.ms=${c.fetchMaxWaitMs}`,
    // Commits off: kcat applies an -X property to the topic configuration first, where
    // enable.auto.commit is an alias of the legacy topic property auto.commit.enable, which the
    // KafkaConsumer ignores (kcat -X enable.auto.commit=false still commits: checked with
    // kafka-consumer-groups --describe). enable.auto.offset.store=false is global only: no
    // offset is stored, so the auto-commit has nothing to commit.
    ...(c.commits === 'off' ? ['-X', 'enable.auto.offset.store=false'] : []),
    '-c', String(c.records), '-q', '-f', '%o\n', c.topic,
  ];
  process.stdout.write(`$ kcat ${args.map((a) => (/[\s%]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  let lines = 0;
  let head = '';
  let tail = '';
  const r = await runTimed('kcat', args, {
    passThrough: true,
    onStdout: (d) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 10) lines++;
      if (head.length < 64) head += d.toString('latin1', 0, Math.min(d.length, 64));
      tail = (tail + d.toString('latin1')).slice(-64);
    },
  });
  const show = (s) => s.split('\n').filter(Boolean).slice(0, 5).join(' ');
  process.stdout.write(`kcat stdout: ${lines} lines (one offset per record; not kept). First: ${show(head)} … last: ${show(tail.split('\n').slice(-6).join('\n'))}\n`);
  done({ tool: 'kcat -G', exitCode: r.code, records: lines, stderrError: errorLine(r.stderr), seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, wallSeconds: r.wallSeconds });
} else {
  throw new Error(`kcat driver: workload ${c.workload} not supported`);
}
