// Apache Kafka's own Java client, driven by the perf tools shipped with Kafka 4.2.1
// (org.apache.kafka.tools.ProducerPerformance / ConsumerPerformance). CPU seconds and peak RSS
// are those of the JVM (GNU time around `java`), including JVM start-up and JIT warm-up.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseArg, done, runTimed } from './_common.mjs';

const c = caseArg();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cp = path.join(root, '.kafka', `kafka-${c.kafkaVersion ?? '4.2.1'}`, 'libs', '*');
const jvm = ['-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${path.join(root, 'scripts/broker/tools-log4j2.properties')}`, '-cp', cp];

if (c.workload === 'produce') {
  const r = await runTimed('java', [
    ...jvm,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic', c.topic,
    '--num-records', String(c.records),
    '--payload-file', c.dataFile,
    '--throughput', '-1',
    '--producer-props',
    `bootstrap.servers=${c.broker}`,
    'acks=all',
    'enable.idempotence=true',
    `linger.ms=${c.lingerMs}`,
    `batch.size=${c.batchBytes}`,
    `compression.type=${c.compression}`,
    `max.in.flight.requests.per.connection=${c.maxInFlight}`,
  ]);
  // "200000 records sent, 51234.5 records/sec (50.03 MB/sec), ..."
  const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`ProducerPerformance failed (${r.code}): ${r.stdout.slice(-500)} ${r.stderr.slice(-1500)}`);
  done({ records: Number(m[1]), seconds: Number(m[1]) / Number(m[2]), cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, idempotent: true });
} else if (c.workload === 'consume') {
  const r = await runTimed('java', [
    ...jvm,
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server', c.broker,
    '--topic', c.topic,
    '--messages', String(c.records),
    '--group', c.group,
    '--timeout', '120000',
  ]);
  // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, ...
  const line = r.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).pop();
  if (r.code !== 0 || !line) throw new Error(`ConsumerPerformance failed (${r.code}): ${r.stdout.slice(-500)} ${r.stderr.slice(-1500)}`);
  const f = line.split(',').map((s) => s.trim());
  const n = Number(f[4]);
  done({ records: n, seconds: n / Number(f[5]), rebalanceMs: Number(f[6]), cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, note: 'wall time includes group join, as for the others' });
} else {
  throw new Error(`java adapter: workload ${c.workload} not supported`);
}
