// The Multiplexer: named connections sharing one sync producer, one async producer and one
// group consumer. Two connections consume the same topic (both receive every message), one
// publishes with a sync publisher, and the handlers mark what they processed.
//
//   node examples/multiplexer.mjs [topic]
//
// The broker address comes from KAFKAESQUE_BROKER (default 127.0.0.1:9092).
import { Config, Multiplexer } from 'kafkaesque';

const bootstrap = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
const topic = process.argv[2] ?? `kafkaesque-mux-demo-${Date.now()}`;
const mx = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap], initialOffset: 'oldest' }), `demo-${Date.now()}`);

const audit = mx.newBytesConnection('audit');
const billing = mx.newBytesConnection('billing');
let seen = 0;
const done = new Promise((resolve) => {
  const handler = (name, conn) => (m) => {
    console.log(`  [${name}] ${m.topic}/${m.partition}@${m.offset} key=${m.key} value=${m.value}`);
    conn.markOffset(m);
    if (++seen === 6) resolve();
  };
  audit.consumeTopic(handler('audit', audit), topic);
  billing.consumeTopic(handler('billing', billing), topic);
});
const publisher = audit.newSyncPublisher(topic);
await mx.start(); // joins the group once for every subscribed topic

for (const order of ['order-1', 'order-2', 'order-3']) {
  const { partition, offset } = await publisher.put(order, `paid ${order}`);
  console.log(`published ${order} -> ${topic}/${partition}@${offset}`);
}
await done; // both connections received all three
await mx.close(); // stops delivery, commits the marks, flushes, closes
console.log('multiplexer closed: each connection received every message');
