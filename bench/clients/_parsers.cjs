// Reading what a benchmark run printed, and deciding whether it counts.
//
// Every run of bench/run.mjs is one child process (bench/clients/<client>.mjs). Its stdout ends
// with one JSON line, the driver's own report; before that line, the Java and kcat drivers pass
// through what the tool they start printed. This module turns (client, workload, what was asked,
// exit status, stdout) into either a result or an ERROR with the reason, and is the only place
// that does: run.mjs calls interpretRun() and test/bench/parsers.test.ts feeds it captured output.
//
// The rule: a run counts only if the tool's FINAL report says it moved exactly the records it was
// asked to move. A progress line (ProducerPerformance prints one every 5 s), a summary that is
// missing (a run cut short) or a count that differs is an ERROR, never a figure.
//
// CommonJS so that both the ES-module drivers and jest (ts-jest, CommonJS) can load it.
'use strict';

/** The last line of `stdout` that parses as a JSON object (the driver's report), or null. */
function lastJsonLine(stdout) {
  const lines = String(stdout).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i].trim();
    if (l === '') continue;
    if (!l.startsWith('{')) return null;
    try {
      const v = JSON.parse(l);
      return v !== null && typeof v === 'object' ? v : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** `stdout` without its last JSON line: what the tool printed, for the Java and kcat drivers. */
function toolStdout(stdout) {
  const lines = String(stdout).replace(/\s+$/, '').split('\n');
  if (lines.length && lastJsonLine(lines[lines.length - 1]) !== null) lines.pop();
  return lines.join('\n');
}

// ProducerPerformance (Kafka 4.2.1, org.apache.kafka.tools.ProducerPerformance$Stats):
//   progress, every 5 s:  "827002 records sent, 165367.3 records/sec (161.49 MB/sec), 12.3 ms avg latency, 280.0 ms max latency."
//   final, once, after producer.close():
//     "1000000 records sent, 273373.428321 records/sec (266.97 MB/sec), 95.15 ms avg latency, 400.00 ms max latency, 90 ms 50th, 220 ms 95th, 300 ms 99th, 380 ms 99.9th."
// Only the final line has the percentiles; with --warmup-records a second final line says
// "N steady state records sent" (not used by the bench: no client gets a warm-up).
const PP_FINAL =
  /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;
const PP_PROGRESS = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency\.$/;

/**
 * The final summary of a ProducerPerformance run: { records, seconds, recordsPerSec, mbPerSec,
 * latency: { avg, max, p50, p95, p99, p999 }, progressLines }. Throws when there is none.
 */
function parseProducerPerformance(stdout) {
  const lines = String(stdout).split('\n').map((l) => l.trim());
  const finals = lines.map((l) => PP_FINAL.exec(l)).filter(Boolean);
  const progressLines = lines.filter((l) => PP_PROGRESS.test(l)).length;
  if (finals.length === 0) {
    throw new Error(
      `ProducerPerformance printed no final summary (the line with the 50th…99.9th percentiles)` +
        (progressLines ? `: only ${progressLines} 5-second progress line(s), the run was cut short` : ''),
    );
  }
  if (finals.length > 1) throw new Error(`ProducerPerformance printed ${finals.length} final summaries, expected one`);
  const m = finals[0];
  const records = Number(m[1]);
  const recordsPerSec = Number(m[2]);
  return {
    records,
    // the tool's own elapsed time: records / (records/s), as it computed the rate
    seconds: recordsPerSec > 0 ? records / recordsPerSec : NaN,
    recordsPerSec,
    mbPerSec: Number(m[3]), // MiB/s (the tool divides by 1024 × 1024)
    latency: { avg: Number(m[4]), max: Number(m[5]), p50: Number(m[6]), p95: Number(m[7]), p99: Number(m[8]), p999: Number(m[9]) },
    progressLines,
  };
}

// ConsumerPerformance (Kafka 4.2.1): a header, then ONE line of totals after the consumer closed:
//   "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"
//   "2026-11-25 18:40:01:123, 2026-11-25 18:40:03:001, 976.5625, 520.0, 1000000, 532481.3632, 312, 1566, 623.6, 638569.6"
// A run that stopped early prints "WARNING: Exiting before consuming the expected number of
// messages: timeout (…) exceeded" before the totals (and still exits 0).
const CP_HEADER = /^start\.time, end\.time, data\.consumed\.in\.MB, MB\.sec, data\.consumed\.in\.nMsg, nMsg\.sec/;
const CP_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}):(\d{3})$/;

function cpTimeMs(s) {
  const m = CP_TIME.exec(s);
  if (!m) return NaN;
  // the tool prints local time; only the difference of two stamps is used
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
}

/** The totals line of a ConsumerPerformance run: { records, seconds, mb, rebalanceMs, fetchMs, warning }. */
function parseConsumerPerformance(stdout) {
  const lines = String(stdout).split('\n').map((l) => l.trim());
  const h = lines.findIndex((l) => CP_HEADER.test(l));
  if (h < 0) throw new Error('ConsumerPerformance printed no header line (start.time, end.time, …)');
  const warning = lines.find((l) => l.startsWith('WARNING: Exiting before consuming')) ?? null;
  const totals = lines.slice(h + 1).filter((l) => /^\d{4}-\d{2}-\d{2} /.test(l));
  if (totals.length === 0) throw new Error('ConsumerPerformance printed no totals line after its header (the run was cut short)');
  if (totals.length > 1) throw new Error(`ConsumerPerformance printed ${totals.length} totals lines, expected one`);
  const f = totals[0].split(',').map((s) => s.trim());
  if (f.length < 8) throw new Error(`ConsumerPerformance totals line has ${f.length} fields, expected 10: ${totals[0]}`);
  const records = Number(f[4]);
  let seconds = (cpTimeMs(f[1]) - cpTimeMs(f[0])) / 1000;
  if (!(seconds > 0)) seconds = records / Number(f[5]);
  return { records, seconds, mb: Number(f[2]), rebalanceMs: Number(f[6]), fetchMs: Number(f[7]), warning };
}

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
const firstLine = (s, pred) => String(s).split('\n').map((l) => l.trim()).filter(Boolean).find(pred);

/**
 * One run's verdict. `run`: { client, workload, expected (records asked for; rebalance: 0),
 * code, signal, timedOut, stdout, stderr }. Returns the result ({ records, seconds, ... }) or
 * { error: reason }. `expected` is what the run had to deliver: producer, records acknowledged;
 * consumer, records handed to the application; latency, records received.
 */
function interpretRun(run) {
  const { client, workload, expected } = run;
  const stdout = String(run.stdout ?? '');
  const stderr = String(run.stderr ?? '');
  const report = lastJsonLine(stdout);
  const errLine = firstLine(stderr, (l) => /error|exception/i.test(l) && !/^\s*at /.test(l)) ?? firstLine(stderr, () => true) ?? '';
  if (run.timedOut) return { error: `killed after the ${run.timeoutS ?? '?'} s timeout${errLine ? `: ${errLine.slice(0, 200)}` : ''}` };
  if (run.signal) return { error: `killed by ${run.signal}${errLine ? `: ${errLine.slice(0, 200)}` : ''}` };
  if (run.code !== 0) return { error: `driver exit ${run.code}${errLine ? `: ${errLine.slice(0, 240)}` : ''}` };
  if (report === null) return { error: 'no report: the driver printed no final JSON line (output truncated?)' };
  if (typeof report.error === 'string') return { error: report.error };

  let res;
  try {
    if (client === 'java') res = interpretJava(workload, stdout, report);
    else if (client === 'kcat') res = interpretKcat(workload, report);
    else res = { ...report };
  } catch (e) {
    return { error: e.message };
  }
  // Producer runs: the runner also counts the records on the topic afterwards (sum of the
  // partitions' log-end offsets; a fresh topic, idempotent producers, no warm-up record). kcat
  // reports no count of its own: for kcat this count is the only one.
  if (workload === 'produce' && run.topicRecords !== undefined) {
    if (res.records === null || res.records === undefined) res.records = run.topicRecords;
    if (run.topicRecords !== expected) return { error: `the topic holds ${fmt(run.topicRecords)} records after the run, asked for ${fmt(expected)}` };
  }
  if (workload === 'rebalance') {
    if (!(res.rebalanceMs > 0)) return { error: `no rebalance time in the report` };
    return res;
  }
  if (!Number.isFinite(res.records)) return { error: 'the report has no record count' };
  if (res.records !== expected) {
    const what = workload === 'produce' ? 'acknowledged' : workload === 'latency' ? 'received' : 'consumed';
    return { error: `${fmt(res.records)} records ${what}, asked for ${fmt(expected)}` };
  }
  if (!(res.seconds > 0)) return { error: `no elapsed time in the report` };
  return res;
}

function interpretJava(workload, stdout, report) {
  const tool = toolStdout(stdout);
  if (report.exitCode !== 0) throw new Error(`${report.tool ?? 'java'} exit ${report.exitCode}`);
  const base = { cpuSeconds: report.cpuSeconds, rssMb: report.rssMb, wallSeconds: report.wallSeconds };
  if (workload === 'produce') {
    const p = parseProducerPerformance(tool);
    return { ...base, records: p.records, seconds: p.seconds, toolLatency: p.latency, progressLines: p.progressLines };
  }
  if (workload === 'consume' || workload === 'consume-nocommit') {
    const p = parseConsumerPerformance(tool);
    if (p.warning) throw new Error(`ConsumerPerformance: ${p.warning.slice(0, 160)} (${fmt(p.records)} records)`);
    return { ...base, records: p.records, seconds: p.seconds, joinMs: p.rebalanceMs };
  }
  throw new Error(`java: workload ${workload} not supported`);
}

// kcat prints no summary of its own: the kcat driver reports { exitCode, records (consumer: the
// lines kcat wrote, one '%o\n' per message; producer: null, the runner counts the topic),
// stderrError (kcat's first "% ERROR" line, if any), ... }. An error line alone does not fail a
// run (librdkafka also logs transient, retried errors there); a wrong count does.
function interpretKcat(workload, report) {
  if (report.exitCode !== 0) throw new Error(`kcat exit ${report.exitCode}${report.stderrError ? `: ${report.stderrError}` : ''}`);
  const { stderrError, ...rest } = report;
  return stderrError ? { ...rest, note: `kcat stderr: ${stderrError}` } : rest;
}

// ---------------------------------------------------------------------------------- raw files
// bench/results/raw/<run-id>/<client>-<workload>-<size>-<compression>-<rep>.txt: a header of
// '# key: value' lines, then the driver's stdout and stderr, verbatim.
const STDOUT_MARK = '===== stdout =====';
const STDERR_MARK = '===== stderr =====';

/** The text of a raw file: `meta` (ordered key → value) first, then stdout and stderr. */
function formatRaw(meta, stdout, stderr) {
  const head = Object.entries(meta).map(([k, v]) => `# ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const nl = (s) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  return `${head.join('\n')}\n${STDOUT_MARK}\n${nl(String(stdout))}${STDERR_MARK}\n${nl(String(stderr))}`;
}

/** A raw file read back: { meta (values as written, strings), stdout, stderr }. */
function splitRaw(text) {
  const t = String(text);
  const o = t.indexOf(`${STDOUT_MARK}\n`);
  const e = t.lastIndexOf(`${STDERR_MARK}\n`);
  if (o < 0 || e < o) throw new Error('not a raw bench file (no stdout/stderr sections)');
  const meta = {};
  for (const line of t.slice(0, o).split('\n')) {
    const m = /^# ([^:]+): (.*)$/.exec(line);
    if (m) meta[m[1]] = m[2];
  }
  return { meta, stdout: t.slice(o + STDOUT_MARK.length + 1, e), stderr: t.slice(e + STDERR_MARK.length + 1) };
}

module.exports = {
  formatRaw,
  splitRaw, lastJsonLine, toolStdout, parseProducerPerformance, parseConsumerPerformance, interpretRun };
