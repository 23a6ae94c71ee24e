// The Multiplexer: two named connections share one SyncProducer, one AsyncProducer and one group
// consumer. Both consume the same topic (each receives every message) and mark what they
// processed; the commit then lets a restarted Multiplexer of the same group continue after it.
import { type BytesConnection, Config, type ConsumerMessage, Multiplexer } from 'kafkaesque';

async function main(): Promise<void> {
  const brokers = [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'];
  const topic = process.argv[2] ?? `kafkaesque-example-mux-${Date.now()}`;
  const group = `example-mux-${Date.now()}`;
  const config = new Config({ brokers, initialOffset: 'oldest' });

  const mx = await Multiplexer.fromConfig(config, 'orders-service', { groupId: group });
  mx.on('error', (err) => console.error(`mux: ${err.message}`)); // handler errors land here
  const billing = mx.newBytesConnection('billing');
  const audit = mx.newBytesConnection('audit');

  const expected = 4;
  const received = new Map<string, string[]>([['billing', []], ['audit', []]]);
  let allReceived!: () => void;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const handler = (conn: BytesConnection) => (m: ConsumerMessage) => {
    const seen = received.get(conn.name)!;
    seen.push(`${m.key?.toString()}=${m.value?.toString()}`);
    console.log(`mux: [${conn.name}] ${m.topic}/${m.partition}@${m.offset} ${m.key?.toString()}=${m.value?.toString()}`);
    conn.markOffset(m); // processed: committed once every connection of the topic marked it
    if ([...received.values()].every((v) => v.length === expected)) allReceived();
  };
  billing.consumeTopic(handler(billing), topic); // subscriptions come before start()
  audit.consumeTopic(handler(audit), topic);
  await mx.start(); // joins the group once, for every subscribed topic

  // sync sends resolve once the broker stored the record
  const created = await billing.sendSyncString(topic, 'order-1', 'created');
  console.log(`mux: sync sent order-1=created -> partition ${created.partition} offset ${created.offset}`);
  const paid = await billing.sendSyncByte(topic, 'order-1', Buffer.from('paid'));
  console.log(`mux: sync sent order-1=paid -> partition ${paid.partition} offset ${paid.offset}`);

  // async sends return at once; the outcome goes to the callbacks, with the metadata given
  let asyncAcked!: () => void;
  let asyncFailed!: (err: Error) => void;
  const acked = new Promise<void>((resolve, reject) => ((asyncAcked = resolve), (asyncFailed = reject)));
  let acks = 0;
  for (const status of ['created', 'paid']) {
    const wait = audit.sendAsyncString(
      topic,
      'order-2',
      status,
      { status },
      (msg) => {
        console.log(`mux: async sent order-2=${msg.metadata?.status} -> partition ${msg.partition} offset ${msg.offset}`);
        if (++acks === 2) asyncAcked();
      },
      (err) => asyncFailed(err.cause),
    );
    if (wait) await wait; // a Promise only when the send buffer is full: slow down to the brokers' pace
  }
  await acked;

  await done;
  await billing.commitOffsets(); // also done every autoCommitIntervalMs and on close
  console.log(`mux: both connections received ${expected} messages; offsets committed`);
  await mx.close(); // stops delivery, commits, leaves the group, flushes, closes the producers

  // a new Multiplexer of the same group continues after the committed offsets
  const again = await Multiplexer.fromConfig(config, 'orders-service', { groupId: group });
  const shipping = again.newBytesConnection('shipping');
  const next = new Promise<ConsumerMessage>((resolve) => shipping.consumeTopic(resolve, topic));
  await again.start();
  await shipping.sendSyncString(topic, 'order-1', 'shipped');
  const m = await next;
  console.log(`mux: restarted group resumed at offset ${m.offset} with ${m.key?.toString()}=${m.value?.toString()}`);
  shipping.markOffset(m);
  await again.close();
  console.log('mux: closed');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
