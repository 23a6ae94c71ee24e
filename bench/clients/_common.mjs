// Shared by the client drivers (each driver runs as its own child process of bench/run.mjs).
// A driver reads one JSON argument (the case), does the work, and prints ONE JSON line last on
// stdout: its report ({ records, seconds, ... }). The Java and kcat drivers first pass through
// what the tool they start prints. run.mjs keeps all of it (bench/results/raw/) and decides with
// _parsers.cjs whether the run counts. CPU seconds and peak RSS are measured from outside by
// run.mjs (GNU time around the driver process) unless the driver reports them itself (the java
// and kcat drivers measure the JVM / kcat process they start, not their Node wrapper).
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function caseArg() {
  return JSON.parse(process.argv[2]);
}

export function done(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The record values of a case: one per line of the data file run.mjs wrote (no '\n' inside). */
export function loadValues(file) {
  const text = readFileSync(file);
  const out = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === 10) {
      out.push(text.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

export const nowMs = () => performance.timeOrigin + performance.now();

/** A value carrying its send time (float64 ms since epoch) in its first 8 bytes. */
export function stamped(template) {
  const b = Buffer.from(template);
  b.writeDoubleBE(nowMs(), 0);
  return b;
}

export function latencyOf(value) {
  return nowMs() - value.readDoubleBE(0);
}

/** The median of the finite values, with their min and max (NaN for none): the benches' cell figure. */
export function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return { med: NaN, min: NaN, max: NaN };
  const m = s.length >> 1;
  return { med: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s[s.length - 1] };
}

export function percentiles(samples) {
  const s = Float64Array.from(samples).sort();
  const at = (q) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: s.length ? s[s.length - 1] : NaN, count: s.length };
}

/**
 * Producer-side batching for clients without linger.ms / batch.size (KafkaJS, platformatic):
 * records are grouped into one send() call until `maxBytes` of values are buffered or
 * `lingerMs` passed since the first record of the group; at most `maxInFlight` sends are
 * outstanding (add() waits: backpressure). flush() resolves when everything sent was acked.
 */
export function batcher({ send, maxBytes, lingerMs, maxInFlight }) {
  let buf = [];
  let bytes = 0;
  let timer = null;
  let lingered = false;
  let inflight = 0;
  let error = null;
  const slotWaiters = [];
  const idleWaiters = [];
  const dispatch = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    lingered = false;
    if (buf.length === 0) return;
    const msgs = buf;
    buf = [];
    bytes = 0;
    inflight++;
    Promise.resolve()
      .then(() => send(msgs))
      .catch((e) => {
        error ??= e;
      })
      .finally(() => {
        inflight--;
        const w = slotWaiters.shift();
        if (w) w();
        else if (lingered && inflight < maxInFlight) dispatch();
        if (inflight === 0 && buf.length === 0) idleWaiters.splice(0).forEach((f) => f());
      });
  };
  return {
    add(msg, size) {
      if (error) throw error;
      buf.push(msg);
      bytes += size;
      if (bytes >= maxBytes) {
        if (inflight < maxInFlight) {
          dispatch();
          return null;
        }
        return new Promise((resolve) => slotWaiters.push(resolve)).then(() => {
          dispatch();
          if (error) throw error;
        });
      }
      if (!timer) {
        timer = setTimeout(() => {
          timer = null;
          lingered = true;
          if (inflight < maxInFlight) dispatch();
        }, lingerMs);
      }
      return null;
    },
    async flush() {
      while (inflight >= maxInFlight) await new Promise((r) => slotWaiters.push(r));
      dispatch();
      if (inflight > 0) await new Promise((r) => idleWaiters.push(r));
      if (error) throw error;
    },
  };
}

/**
 * Run an external program under GNU time; resolves { code, stdout, stderr, cpuSeconds, rssMb,
 * wallSeconds }. onStdout(chunk) gets stdout as it arrives (stdout is then not kept); with
 * passThrough, the program's stdout and stderr are also copied to this process's as they arrive.
 */
export function runTimed(cmd, args, { onStdout, env, passThrough = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kbench-'));
  const out = path.join(dir, 'time');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', out, cmd, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (onStdout) onStdout(d);
      else stdout += d;
      if (passThrough && !onStdout) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (passThrough) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let cpuSeconds = NaN;
      let rssMb = NaN;
      try {
        const line = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ');
        cpuSeconds = Number(line[0]) + Number(line[1]);
        rssMb = Number(line[2]) / 1024;
      } catch {}
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, cpuSeconds, rssMb, wallSeconds });
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves after ms without keeping the process alive (a deadline for Promise.race). */
export const deadline = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/** Creates a topic with kafkaesque's CreateTopics (`k`: the built package) on `broker` (host:port). */
export async function createTopic(k, broker, name, partitions) {
  const i = broker.lastIndexOf(':');
  const conn = await k.BrokerConnection.connect({ host: broker.slice(0, i), port: Number(broker.slice(i + 1)) });
  try {
    const res = await conn.send(k.protocol.CreateTopics, {
      topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 30000,
      validateOnly: false,
    });
    if (res.topics[0].errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${res.topics[0].errorCode}`);
  } finally {
    conn.close();
  }
}

/**
 * The number of records on `topic` (partitions 0..partitions-1): the sum of log-end minus
 * log-start offsets (ListOffsets, read_uncommitted), with kafkaesque (`k`) on `broker`. On a
 * fresh topic written by an idempotent producer, the records that producer wrote.
 */
export async function topicRecordCount(k, broker, topic, partitions) {
  const i = broker.lastIndexOf(':');
  const conn = await k.BrokerConnection.connect({ host: broker.slice(0, i), port: Number(broker.slice(i + 1)) });
  try {
    const at = async (timestamp) => {
      const res = await conn.send(k.protocol.ListOffsets, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp })) }],
        timeoutMs: 30000,
      });
      let sum = 0n;
      for (const p of res.topics[0].partitions) {
        if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}[${p.partitionIndex}]: error ${p.errorCode}`);
        sum += p.offset;
      }
      return sum;
    };
    return Number((await at(-1n)) - (await at(-2n)));
  } finally {
    conn.close();
  }
}

/**
 * The broker to measure against: `explicit` (host:port) when given, else the harness's single
 * node, started if none runs. `stop()` stops only a broker this call started.
 */
export async function benchBroker(explicit) {
  if (explicit !== null && explicit !== undefined) return { broker: explicit, stop: async () => {} };
  const harness = await import('../../scripts/broker/harness.mjs');
  const r = await harness.ensureRunning({ mode: 'single', log: (l) => process.stderr.write(`${l}\n`) });
  return {
    broker: harness.describe('single').bootstrap[0],
    stop: r.started ? () => harness.stop({ mode: 'single' }) : async () => {},
  };
}

// --------------------------------------------------------------- scale runs (bench/scale.mjs)
// Options a case may carry beyond run.mjs's (all optional; without them a driver does exactly
// what it did before):
//   topics        ['t1', 't2', …]: record i goes to topics[i % topics.length] (else c.topic)
//   keys          N > 0: record i carries the key keyAt(i % N) (else no key)
//   partitioner   'hash' (default: each client's default, by key), 'round-robin' or 'random'
//   sendMaxBytes  the JS batcher's limit per send() call (else batchBytes × partitions)
//   bufferBytes   kafkaesque's bufferBytes (else its default)
//   sampleMemory  true: the driver samples process.memoryUsage() every 50 ms and reports the peaks

/** The topic of record i (`c.topics` round-robin, or `c.topic`). */
export function topicPicker(c) {
  const topics = c.topics && c.topics.length ? c.topics : [c.topic];
  return topics.length === 1 ? () => topics[0] : (i) => topics[i % topics.length];
}

/** N distinct keys, "k0" … "k<N-1>", made once (no allocation per record in any driver). */
export function makeKeys(n) {
  const keys = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = Buffer.from(`k${i}`);
  return keys;
}

/**
 * Samples process.memoryUsage() every 50 ms until stop(); stop() returns the peaks in MiB
 * ({ heapUsed, heapTotal, external, arrayBuffers, rss, samples }). The timer is unref'd.
 */
export function memorySampler(everyMs = 50) {
  const peak = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, rss: 0, heapPlusExternal: 0, samples: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of ['heapUsed', 'heapTotal', 'external', 'arrayBuffers', 'rss']) if (m[k] > peak[k]) peak[k] = m[k];
    // the peak of the sum in one sample (not the sum of the peaks, which may be apart in time)
    if (m.heapUsed + m.external > peak.heapPlusExternal) peak.heapPlusExternal = m.heapUsed + m.external;
    peak.samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop() {
      sample();
      clearInterval(timer);
      const mib = (x) => Math.round((x / 2 ** 20) * 10) / 10;
      return { heapUsed: mib(peak.heapUsed), heapTotal: mib(peak.heapTotal), external: mib(peak.external), arrayBuffers: mib(peak.arrayBuffers), rss: mib(peak.rss), heapPlusExternal: mib(peak.heapPlusExternal), samples: peak.samples, everyMs };
    },
  };
}

/**
 * `count` record values of `size` bytes: JSON-like text with varying fields and a base64 blob of
 * pseudo-random bytes (lz4 saves ~20-30%, not 99%), no '\n' or '\t' inside (kcat reads one
 * record per line). bench/run.mjs and bench/scale.mjs both send these bytes, to every client.
 */
export function makeValues(size, count = 1024) {
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
