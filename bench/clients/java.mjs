// Apache Kafka's own Java client, driven by the perf tools shipped with Kafka 4.2.1
// (org.apache.kafka.tools.ProducerPerformance / ConsumerPerformance). This driver only starts
// the tool: it passes the tool's stdout and stderr through unchanged and ends with one JSON line
// { tool, exitCode, cpuSeconds, rssMb, wallSeconds }. run.mjs reads the tool's FINAL summary
// from that output with _parsers.cjs (not a 5-second progress line). CPU seconds and peak RSS
// are those of the JVM (GNU time around `java`), JVM start-up and JIT included.
//
// No warm-up, as for every client: ProducerPerformance's clock starts after the KafkaProducer
// constructor (which opens no connection) and stops after close(), when every record is
// acknowledged; ConsumerPerformance's starts after the KafkaConsumer constructor and stops at
// the N-th record. Both clocks include metadata, connections, the producer id and the group join.
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caseArg, done, runTimed } from './_common.mjs';

const c = caseArg();
const jvm = ['-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${c.javaLog4j}`, '-cp', c.javaClasspath];

let tool;
let args;
let configFile = null;
if (c.workload === 'produce') {
  // ProducerPerformance sends keyless records to one topic: bench/scale.mjs gives it only the
  // cases it can run (one topic, no key). partitioner 'round-robin': Kafka's RoundRobinPartitioner.
  if (c.keys || c.topics?.length > 1 || (c.partitioner && c.partitioner !== 'hash' && c.partitioner !== 'round-robin')) {
    throw new Error('java driver: ProducerPerformance sends no key, to one topic, with the default or a named partitioner class');
  }
  tool = 'ProducerPerformance';
  args = [
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic', c.topic,
    '--num-records', String(c.records),
    '--payload-file', c.dataFile,
    '--throughput', '-1',
    '--command-property',
    `bootstrap.servers=${c.broker}`,
    'acks=all',
    'enable.idempotence=true',
    `linger.ms=${c.lingerMs}`,
    `batch.size=${c.batchBytes}`,
    `compression.type=${c.compression}`,
    `max.in.flight.requests.per.connection=${c.maxInFlight}`,
    ...(c.partitioner === 'round-robin' ? ['partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner'] : []),
  ];
} else if (c.workload === 'consume' || c.workload === 'consume-nocommit') {
  tool = 'ConsumerPerformance';
  // The group settings every client gets (see run.mjs GROUP); commits: the Java consumer's
  // default (enable.auto.commit=true, every 5 s, and on close) or none.
  configFile = path.join(tmpdir(), `kbench-java-consumer-${process.pid}.properties`);
  writeFileSync(
    configFile,
    [
      `heartbeat.interval.ms=${c.heartbeatMs}`,
      `session.timeout.ms=${c.sessionMs}`,
      `fetch.max.wait.ms=${c.fetchMaxWaitMs}`,
      ...(c.commits === 'off' ? ['enable.auto.commit=false'] : []),
      '',
    ].join('\n'),
  );
  args = [
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server', c.broker,
    '--topic', c.topic,
    '--num-records', String(c.records),
    '--group', c.group,
    '--command-config', configFile,
    '--timeout', '120000',
  ];
} else {
  throw new Error(`java driver: workload ${c.workload} not supported`);
}

process.stdout.write(`$ java ${[...jvm, ...args].join(' ')}\n`);
const r = await runTimed('java', [...jvm, ...args], { passThrough: true });
if (configFile) rmSync(configFile, { force: true });
done({ tool, exitCode: r.code, cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, wallSeconds: r.wallSeconds });
