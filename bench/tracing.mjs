// What tracing costs: the producer and consumer workloads of bench/producer.mjs and
// bench/consumer.mjs (100 B and 1 KiB records, 6 partitions, acks=all with idempotence, linger
// 5 ms, batch 64 KiB, no compression; the consumer reads N records from the earliest offset in a
// fresh classic group, marking every 1,024th) in three states, in one run:
//
//   off       nobody subscribes to kafkaesque's tracing channels (the default)
//   channels  a no-op subscriber on every event of every channel: payloads are built and published
//   context   no tracing, only OpenTelemetry's AsyncLocalStorage context manager, used once (what
//             the next state pays for its context manager alone, whatever the instrumentation)
//   otel      kafkaesque/otel on an OpenTelemetry SDK tracer provider (AsyncLocalStorage context
//             manager, SimpleSpanProcessor, an exporter that drops what it is given): spans for
//             sends, batches, fetches, rebalances, commits, connections; traceparent headers
//
// Each case runs in its own process; the states are interleaved (their order rotates by one per
// repetition) and each figure is the median of the runs.
//
//   npm run bench:tracing                        (builds first; starts or reuses the broker)
//   node bench/tracing.mjs [--records 200000] [--runs 3] [--broker 127.0.0.1:9092]
import { spawnSync } from 'node:child_process';
import * as dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchBroker, createTopic } from './clients/_common.mjs';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const { arg } = cliArgs();
const STATES = ['off', 'channels', 'context', 'otel'];
const SIZES = [100, 1024];

if (arg('child', null) !== null) await child(JSON.parse(arg('child')));
else await parent();

async function parent() {
  const records = Number(arg('records', '200000'));
  const runs = Number(arg('runs', '3'));
  const { broker, stop } = await benchBroker(arg('broker', process.env.KAFKAESQUE_BROKER ?? null));
  const k = require('../dist/src/index.js');
  // the consumer's topics, filled once (untraced)
  const filled = {};
  for (const size of SIZES) {
    const topic = `bench-tracing-read-${size}-${Date.now()}`;
    await createTopic(k, broker, topic, 6);
    const producer = await k.AsyncProducer.create(new k.Config({ brokers: [broker], lingerMs: 5, batchBytes: 65536 }));
    const value = valueOf(size);
    for (let i = 0; i < records; i++) {
      const r = producer.sendMsgByte(topic, null, value);
      if (r) await r;
    }
    await producer.close();
    filled[size] = topic;
  }
  const results = new Map();
  for (let rep = 0; rep < runs; rep++) {
    for (const workload of ['produce', 'consume']) {
      for (const size of SIZES) {
        for (let s = 0; s < STATES.length; s++) {
          const state = STATES[(s + rep) % STATES.length];
          const c = { workload, size, state, records, broker, topic: filled[size] };
          const out = spawnSync(process.execPath, [self, '--child', JSON.stringify(c)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
          if (out.status !== 0) throw new Error(`bench case failed: ${JSON.stringify(c)}`);
          const key = `${workload}/${size}/${state}`;
          if (!results.has(key)) results.set(key, []);
          results.get(key).push(JSON.parse(out.stdout.trim().split('\n').pop()));
          process.stderr.write(`rep ${rep + 1}: ${key} done\n`);
        }
      }
    }
  }
  console.log(`kafkaesque with tracing off, channels subscribed, OpenTelemetry's context manager alone, and kafkaesque/otel; ${records} records per case, ${runs} run(s) (median, min-max), broker ${broker}, Node ${process.version}\n`);
  console.log('| workload | record | tracing | records/s | vs off | CPU s / M records | peak RSS MB | spans / 1,000 records |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const workload of ['produce', 'consume']) {
    for (const size of SIZES) {
      const off = median(results.get(`${workload}/${size}/off`), 'recordsPerSec');
      for (const state of STATES) {
        const rs = results.get(`${workload}/${size}/${state}`);
        const m = median(rs, 'recordsPerSec');
        const lo = Math.min(...rs.map((r) => r.recordsPerSec));
        const hi = Math.max(...rs.map((r) => r.recordsPerSec));
        const range = rs.length > 1 ? ` (${Math.round(lo)}-${Math.round(hi)})` : '';
        const spans = state === 'otel' ? ((median(rs, 'spans').spans / records) * 1000).toFixed(1) : '-';
        console.log(
          `| ${workload} | ${size} B | ${state} | ${Math.round(m.recordsPerSec)}${range} | ${((m.recordsPerSec / off.recordsPerSec) * 100).toFixed(0)} % | ${median(rs, 'cpuPerMillion').cpuPerMillion.toFixed(2)} | ${median(rs, 'rssMb').rssMb.toFixed(0)} | ${spans} |`,
        );
      }
    }
  }
  await stop();
}

function median(rs, field) {
  const sorted = [...rs].sort((a, b) => a[field] - b[field]);
  return sorted[Math.floor(sorted.length / 2)];
}

function valueOf(size) {
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = 97 + ((i * 7) % 26);
  return value;
}

/** Subscribes the state's listeners; returns a counter of exported spans (otel). */
function trace(state) {
  const k = require('../dist/src/index.js');
  if (state === 'channels') {
    const noop = () => {};
    for (const name of Object.values(k.TRACING_CHANNELS)) dc.tracingChannel(name).subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop });
  }
  const counter = { spans: 0 };
  if (state === 'context') {
    const { context } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    // Node 20's AsyncLocalStorage hooks every promise from its first run() on, which an
    // application's first span (or an SDK's export) does: one run() here, as they would
    context.with(context.active(), () => {});
  }
  if (state === 'otel') {
    const { context } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
    const { instrumentKafkaesque } = require('../dist/src/otel/index.js');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const exporter = {
      export(spans, done) {
        counter.spans += spans.length;
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    instrumentKafkaesque({ tracerProvider });
  }
  return counter;
}

async function child(c) {
  const k = require('../dist/src/index.js');
  const counter = trace(c.state);
  if (c.workload === 'produce') {
    const topic = `bench-tracing-${process.pid}-${Date.now()}`;
    await createTopic(k, c.broker, topic, 6);
    const producer = await k.AsyncProducer.create(new k.Config({ brokers: [c.broker], acks: -1, idempotent: true, lingerMs: 5, batchBytes: 65536 }));
    let failed = 0;
    producer.on('error', () => failed++);
    const value = valueOf(c.size);
    await new Promise((resolve, reject) => producer.sendMsgByte(topic, null, value, undefined, { onSuccess: resolve, onError: reject }));
    await producer.flush();
    counter.spans = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < c.records; i++) {
      const r = producer.sendMsgByte(topic, null, value);
      if (r) await r;
    }
    await producer.flush();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const spans = counter.spans;
    await producer.close();
    if (failed > 0) throw new Error(`${failed} records failed`);
    report(c, seconds, cpu, spans);
    return;
  }
  const consumer = await k.Consumer.create(
    new k.Config({ brokers: [c.broker], topics: [c.topic], initialOffset: 'oldest', groupProtocol: 'classic', group: `bench-tracing-${process.pid}-${Date.now()}` }),
  );
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let n = 0;
  for await (const m of consumer) {
    if (++n === c.records) break;
    if ((n & 1023) === 0) consumer.markOffset(m);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const spans = counter.spans;
  await consumer.close();
  report(c, seconds, cpu, spans);
}

function report(c, seconds, cpu, spans) {
  console.log(
    JSON.stringify({
      recordsPerSec: c.records / seconds,
      cpuPerMillion: ((cpu.user + cpu.system) / 1e6 / c.records) * 1e6,
      rssMb: process.resourceUsage().maxRSS / 1024,
      spans,
      seconds,
    }),
  );
}
