// bench/clients/_parsers.cjs: how bench/run.mjs reads each client's output and decides whether
// a run counts. The fixtures are real captured output: raw files written by bench/run.mjs
// (header, the driver's stdout and stderr) and the stdout of Kafka 4.2.1's ProducerPerformance
// and ConsumerPerformance run by hand (a throttled 340,000-record run, long enough for three
// 5-second progress lines before its final summary; a ConsumerPerformance run that timed out).
// The regression this guards: the runner once took a 5-second progress line ("827002 records
// sent" in 5.0 s) for a 1,000,000-record run's result.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface RunInput {
  client: string;
  workload: string;
  expected: number;
  code: number | null;
  signal?: string | null;
  timedOut?: boolean;
  stdout: string;
  stderr: string;
  topicRecords?: number;
}
interface Verdict {
  error?: string;
  records?: number;
  seconds?: number;
  rebalanceMs?: number;
  latency?: { p50: number; p99: number; p999: number };
  toolLatency?: { p50: number; p95: number; p99: number; p999: number };
  progressLines?: number;
  joinMs?: number;
  cpuSeconds?: number;
}
const parsers = require('../../bench/clients/_parsers.cjs') as {
  interpretRun(run: RunInput): Verdict;
  parseProducerPerformance(stdout: string): { records: number; seconds: number; recordsPerSec: number; progressLines: number; latency: { p50: number; p95: number; p99: number; p999: number } };
  parseConsumerPerformance(stdout: string): { records: number; seconds: number; rebalanceMs: number; warning: string | null };
  splitRaw(text: string): { meta: Record<string, string>; stdout: string; stderr: string };
  formatRaw(meta: Record<string, unknown>, stdout: string, stderr: string): string;
  lastJsonLine(stdout: string): Record<string, unknown> | null;
};

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

/** A raw file of bench/run.mjs as the input interpretRun got when the file was written. */
function rawRun(name: string): RunInput {
  const { meta, stdout, stderr } = parsers.splitRaw(fixture(name));
  const [client, workload] = meta.case.split(/[ ,]/);
  const code = Number(/^code (\d+)/.exec(meta.exit)?.[1]);
  const asked = /^(\d+) records/.exec(meta.asked);
  const run: RunInput = { client, workload, expected: asked ? Number(asked[1]) : 0, code, stdout, stderr };
  if (meta['topic records after the run'] !== undefined) run.topicRecords = Number(meta['topic records after the run']);
  return run;
}

// What the java driver prints around the tool's stdout (bench/clients/java.mjs).
const javaDriverStdout = (toolStdout: string, exitCode = 0) =>
  `$ java -cp .kafka/kafka-4.2.1/libs/* org.apache.kafka.tools.ProducerPerformance ...\n${toolStdout}` +
  `${JSON.stringify({ tool: 'ProducerPerformance', exitCode, cpuSeconds: 9.1, rssMb: 250, wallSeconds: 18.2 })}\n`;

describe('ProducerPerformance (Java)', () => {
  const stdout = fixture('java-producer-performance-progress.stdout.txt');

  test('the final summary, not one of the 5-second progress lines before it', () => {
    const p = parsers.parseProducerPerformance(stdout);
    expect(p.progressLines).toBe(3);
    expect(p.records).toBe(340000);
    expect(p.recordsPerSec).toBeCloseTo(19984.717569, 6);
    expect(p.seconds).toBeCloseTo(340000 / 19984.717569, 6);
    expect(p.latency).toEqual({ avg: 4.76, max: 329, p50: 4, p95: 8, p99: 40, p999: 79 });
  });

  test('a whole run through the java driver counts, with the JVM CPU the driver measured', () => {
    const v = parsers.interpretRun({ client: 'java', workload: 'produce', expected: 340000, code: 0, stdout: javaDriverStdout(stdout), stderr: fixture('java-producer-performance-progress.stderr.txt'), topicRecords: 340000 });
    expect(v.error).toBeUndefined();
    expect(v.records).toBe(340000);
    expect(v.seconds).toBeCloseTo(17.013, 2);
    expect(v.cpuSeconds).toBe(9.1);
    expect(v.toolLatency?.p99).toBe(40);
  });

  test('output cut before the final summary (only progress lines) is an ERROR', () => {
    const lines = stdout.split('\n');
    const truncated = lines.filter((l) => !/ms 99\.9th\.$/.test(l)).join('\n');
    expect(truncated).toContain('100070 records sent');
    const v = parsers.interpretRun({ client: 'java', workload: 'produce', expected: 340000, code: 0, stdout: javaDriverStdout(truncated), stderr: '' });
    expect(v.error).toMatch(/no final summary/);
    expect(v.error).toMatch(/3 5-second progress line/);
    expect(v.records).toBeUndefined();
  });

  test('the 827,002-record progress line of a 1,000,000-record run is not a result', () => {
    const progressOnly = '827002 records sent, 165367.3 records/sec (161.49 MB/sec), 12.3 ms avg latency, 280.0 ms max latency.\n';
    const v = parsers.interpretRun({ client: 'java', workload: 'produce', expected: 1000000, code: 0, stdout: javaDriverStdout(progressOnly), stderr: '' });
    expect(v.error).toMatch(/no final summary/);
  });

  test('a driver killed mid-run (no report line at all) is an ERROR', () => {
    const cut = `$ java ...\n${stdout.split('\n').slice(0, 3).join('\n')}`;
    expect(parsers.interpretRun({ client: 'java', workload: 'produce', expected: 340000, code: 0, stdout: cut, stderr: '' }).error).toMatch(/no report/);
    expect(parsers.interpretRun({ client: 'java', workload: 'produce', expected: 340000, code: null, signal: 'SIGKILL', timedOut: true, stdout: cut, stderr: '' }).error).toMatch(/timeout/);
  });

  test('a final summary with fewer records than asked is an ERROR, as is a topic that holds fewer', () => {
    const v = parsers.interpretRun({ client: 'java', workload: 'produce', expected: 400000, code: 0, stdout: javaDriverStdout(stdout), stderr: '' });
    expect(v.error).toBe('340,000 records acknowledged, asked for 400,000');
    const t = parsers.interpretRun({ client: 'java', workload: 'produce', expected: 340000, code: 0, stdout: javaDriverStdout(stdout), stderr: '', topicRecords: 339000 });
    expect(t.error).toMatch(/the topic holds 339,000 records/);
  });

  test('a non-zero exit of the tool is an ERROR even with a summary', () => {
    const v = parsers.interpretRun({ client: 'java', workload: 'produce', expected: 340000, code: 0, stdout: javaDriverStdout(stdout, 1), stderr: '' });
    expect(v.error).toMatch(/exit 1/);
  });
});

describe('ConsumerPerformance (Java)', () => {
  test('a run of the bench (raw file) counts; its time is end.time - start.time', () => {
    const run = rawRun('java-consume.raw.txt');
    const v = parsers.interpretRun(run);
    expect(v.error).toBeUndefined();
    expect(v.records).toBe(run.expected);
    expect(v.seconds).toBeCloseTo(0.675, 3);
    expect(v.joinMs).toBe(460);
  });

  test('a run that timed out (WARNING, fewer records) is an ERROR', () => {
    const out = fixture('java-consumer-performance-timeout.stdout.txt');
    const p = parsers.parseConsumerPerformance(out);
    expect(p.records).toBe(4000);
    expect(p.warning).toMatch(/^WARNING: Exiting before consuming/);
    const stdout = `${out}${JSON.stringify({ tool: 'ConsumerPerformance', exitCode: 0, cpuSeconds: 2, rssMb: 150, wallSeconds: 4 })}\n`;
    const v = parsers.interpretRun({ client: 'java', workload: 'consume', expected: 5000, code: 0, stdout, stderr: '' });
    expect(v.error).toMatch(/WARNING: Exiting before consuming/);
  });

  test('the header without its totals line (cut short) is an ERROR', () => {
    const header = fixture('java-consumer-performance-timeout.stdout.txt').split('\n')[0];
    const stdout = `${header}\n${JSON.stringify({ tool: 'ConsumerPerformance', exitCode: 0 })}\n`;
    expect(parsers.interpretRun({ client: 'java', workload: 'consume-nocommit', expected: 5000, code: 0, stdout, stderr: '' }).error).toMatch(/no totals line/);
  });
});

describe('kcat', () => {
  test('consumer: the lines kcat wrote are the count', () => {
    const run = rawRun('kcat-consume-nocommit.raw.txt');
    const v = parsers.interpretRun(run);
    expect(v.error).toBeUndefined();
    expect(v.records).toBe(run.expected);
    expect(parsers.interpretRun({ ...run, expected: run.expected + 1 }).error).toMatch(/records consumed, asked for/);
  });

  test('producer: kcat reports no count, the topic afterwards is the count', () => {
    const run = rawRun('kcat-produce.raw.txt');
    expect(run.topicRecords).toBe(run.expected);
    const v = parsers.interpretRun(run);
    expect(v.error).toBeUndefined();
    expect(v.records).toBe(run.expected);
    expect(parsers.interpretRun({ ...run, topicRecords: run.expected - 10 }).error).toMatch(/the topic holds/);
    expect(parsers.interpretRun({ ...run, topicRecords: undefined }).error).toMatch(/no record count/);
  });
});

describe('the JavaScript drivers (their own JSON report)', () => {
  test.each(['kafkaesque-consume.raw.txt', 'kafkaesque-produce.raw.txt', 'platformatic-latency.raw.txt'])('%s counts', (name) => {
    const run = rawRun(name);
    const v = parsers.interpretRun(run);
    expect(v.error).toBeUndefined();
    expect(v.records).toBe(run.expected);
    expect(v.seconds).toBeGreaterThan(0);
  });

  test('rebalance: the report must carry the time', () => {
    const run = rawRun('kafkajs-rebalance.raw.txt');
    expect(parsers.interpretRun(run).rebalanceMs).toBeGreaterThan(0);
    expect(parsers.interpretRun({ ...run, stdout: '{"records":0,"seconds":0}\n' }).error).toMatch(/no rebalance time/);
  });

  test('fewer records than asked, a crash, or a report cut off are ERRORs', () => {
    const run = rawRun('kafkaesque-consume.raw.txt');
    expect(parsers.interpretRun({ ...run, expected: run.expected * 2 }).error).toMatch(/records consumed, asked for/);
    expect(parsers.interpretRun({ ...run, code: 1, stderr: 'Error: KafkaJSNumberOfRetriesExceeded\n    at x (y.js:1:1)\n' }).error).toBe('driver exit 1: Error: KafkaJSNumberOfRetriesExceeded');
    const cut = run.stdout.slice(0, run.stdout.lastIndexOf('{') + 10);
    expect(parsers.interpretRun({ ...run, stdout: cut }).error).toMatch(/no report/);
    const latency = rawRun('platformatic-latency.raw.txt');
    expect(parsers.interpretRun({ ...latency, expected: latency.expected + 1 }).error).toMatch(/records received, asked for/);
  });

  test('a report with an error (records that failed) is an ERROR', () => {
    const stdout = '{"records":99990,"failed":10,"seconds":1.2,"error":"10 records failed: NOT_LEADER_OR_FOLLOWER"}\n';
    expect(parsers.interpretRun({ client: 'kafkaesque', workload: 'produce', expected: 100000, code: 0, stdout, stderr: '' }).error).toBe('10 records failed: NOT_LEADER_OR_FOLLOWER');
  });
});

describe('raw files', () => {
  test('formatRaw and splitRaw round-trip', () => {
    const text = parsers.formatRaw({ run: 'r1', case: 'java produce 100 B none, repetition 1 of 1', asked: '10 records' }, 'out line\n{"a":1}', 'err line\n');
    const back = parsers.splitRaw(text);
    expect(back.meta).toEqual({ run: 'r1', case: 'java produce 100 B none, repetition 1 of 1', asked: '10 records' });
    expect(back.stdout).toBe('out line\n{"a":1}\n');
    expect(back.stderr).toBe('err line\n');
    expect(parsers.lastJsonLine(back.stdout)).toEqual({ a: 1 });
  });
});
