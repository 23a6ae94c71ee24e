// kafkaesque's tracing channels with nothing but node:diagnostics_channel: subscribes to every
// channel in TRACING_CHANNELS, sends two records, consumes them in a group through a Multiplexer
// handler, commits, and prints each operation's payload once it ended (docs/observability.md
// shows this output). Uses the published package name: run `npm run build` first.
//
//   node examples/tracing.mjs [topic]
//
// The broker address comes from KAFKAESQUE_BROKER (default 127.0.0.1:9092).
import * as dc from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { Config, Multiplexer, SyncProducer, TRACING_CHANNELS } from 'kafkaesque';

const bootstrap = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
const topic = process.argv[2] ?? `kafkaesque-tracing-${Date.now()}`;
const config = new Config({ brokers: [bootstrap], clientId: 'kafkaesque-tracing' });

// one line per operation, at its end (asyncEnd); the first of each channel in full
const shown = new Set();
const started = new WeakMap();
for (const [what, name] of Object.entries(TRACING_CHANNELS)) {
  dc.tracingChannel(name).subscribe({
    start: (ctx) => started.set(ctx, performance.now()),
    end: () => {},
    asyncStart: () => {},
    error: () => {},
    asyncEnd: (ctx) => {
      const ms = (performance.now() - started.get(ctx)).toFixed(1);
      if (shown.has(name) && ctx.error === undefined) return;
      shown.add(name);
      const { error, ...fields } = ctx;
      const outcome = error === undefined ? 'ok' : `error ${error.code ?? error.name}: ${error.message}`;
      console.log(`${name} (${what}) ${outcome} after ${ms} ms`);
      console.log(`  ${inspect(fields, { depth: 3, breakLength: 120, compact: 3 }).replace(/\n/g, '\n  ')}`);
    },
  });
}

const producer = await SyncProducer.create(config);
await producer.send({ topic, key: 'order-1', value: 'created', headers: [{ key: 'source', value: 'web' }] });
await producer.sendMsgByte(topic, 'order-2', 'created');

const mux = await Multiplexer.fromConfig(config, 'kafkaesque-tracing-example');
const conn = mux.newBytesConnection('orders');
let handled = 0;
const done = new Promise((resolve) => {
  conn.consumeTopic(async (m) => {
    conn.markOffset(m);
    if (++handled === 2) resolve();
  }, topic);
});
await mux.start();
await done;
await mux.close(); // commits the marks
await producer.close();
console.log(`tracing: ${shown.size} channels seen, ${handled} records handled`);
