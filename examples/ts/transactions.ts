// Transactions (docs/transactions.md). First the client API: a transactional SyncProducer commits
// one transaction and aborts another; a read_committed consumer sees only the first. Then
// exactly-once processing on the Multiplexer: a connection turns orders into invoices, one
// transaction per order (the invoice and the order's offset together). The first try of one
// order fails after its invoice was sent: that invoice is aborted, the order comes again, and
// the invoices topic holds one invoice per order.
import { Admin, Config, Consumer, Multiplexer, SyncProducer, type ConsumerMessage } from 'kafkaesque';

const brokers = [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'];

/** The values of `topic` (one partition) a read_committed consumer reads, up to `count` of them or 5 s of silence. */
async function readCommitted(topic: string, count: number): Promise<string[]> {
  const consumer = await Consumer.create(new Config({ brokers, isolationLevel: 'read_committed' }));
  const pc = await consumer.consumePartition(topic, 0, 'oldest');
  const out: string[] = [];
  const it = pc.messages()[Symbol.asyncIterator]();
  while (out.length < count) {
    const next = await Promise.race([it.next(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    if (next === null || next.done) break;
    out.push(next.value.value!.toString());
  }
  pc.close();
  await consumer.close();
  return out;
}

async function main(): Promise<void> {
  const base = process.argv[2] ?? `kafkaesque-example-txn-${Date.now()}`;
  const [ledger, orders, invoices] = [`${base}-ledger`, `${base}-orders`, `${base}-invoices`];
  const admin = await Admin.create({ brokers });
  await admin.createTopics([ledger, orders, invoices].map((name) => ({ name, numPartitions: 1 })), { waitForLeaders: true });
  await admin.close();

  // ---- the client API
  const producer = await SyncProducer.create(new Config({ brokers, transactionalId: `${base}-ledger-writer` }));
  await producer.initTransactions();
  await producer.transaction(async (tx) => {
    await tx.sendMsgByte(ledger, 'acct-1', 'debit 10');
    await tx.sendMsgByte(ledger, 'acct-2', 'credit 10');
  });
  await producer
    .transaction(async (tx) => {
      await tx.sendMsgByte(ledger, 'acct-1', 'debit 99');
      throw new Error('insufficient funds');
    })
    .catch((err: Error) => console.log(`transactions: aborted: ${err.message}`));
  await producer.close();
  console.log(`transactions: ledger reads ${JSON.stringify(await readCommitted(ledger, 2))}`);

  // ---- the Multiplexer: one transaction per order
  const seed = await SyncProducer.create(new Config({ brokers }));
  for (let i = 1; i <= 5; i++) await seed.sendMsgByte(orders, `order-${i}`, `order ${i}: ${i * 10} EUR`);
  await seed.close();

  const mux = await Multiplexer.fromConfig(new Config({ brokers, transactionalId: `${base}-billing`, isolationLevel: 'read_committed' }), `${base}-billing`);
  mux.on('error', (err) => console.log(`transactions: handler failed, the order comes again: ${err.message.replace(/.*failed: /, '')}`));
  const billing = mux.newBytesConnection('billing');
  const tries = new Map<string, number>();
  let invoiced = 0;
  billing.consumeTopic(async (order: ConsumerMessage) => {
    const key = order.key!.toString();
    tries.set(key, (tries.get(key) ?? 0) + 1);
    await billing.transaction(async (tx) => {
      await tx.sendSyncString(invoices, key, `invoice for ${order.value!.toString()}`);
      if (key === 'order-3' && tries.get(key) === 1) throw new Error('the tax service timed out');
      tx.markOffset(order);
    });
    invoiced++;
  }, orders);
  await mux.start();
  while (invoiced < 5) await new Promise((resolve) => setTimeout(resolve, 50));
  await mux.close();

  const read = await readCommitted(invoices, 6);
  console.log(`transactions: ${read.length} invoices, ${new Set(read).size} distinct, order-3 handled ${tries.get('order-3')} times`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
