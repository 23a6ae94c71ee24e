// Unit-testing code that uses the Multiplexer, with kafkaesque/testing: no broker, no network.
// The MockMultiplexer is the real Multiplexer (mock.multiplexer) over mock producers and an
// in-memory consumer, as the Go layer's mux.Mock(t).
// The "service" below reserves stock for each order it consumes and publishes the outcome; the
// test drives it with deliver(), reads what it sent and marked, and makes a send fail.
import assert from 'node:assert/strict';
import { type BytesConnection, type ConsumerMessage, ProducerError } from 'kafkaesque';
import { MockMultiplexer, MockSendError } from 'kafkaesque/testing';

/** The code under test: consumes orders, sends a reservation per order, marks what it handled. */
function stockService(conn: BytesConnection, stock: Map<string, number>, log: (line: string) => void): void {
  conn.consumeTopic(async (m: ConsumerMessage) => {
    const item = m.value!.toString();
    const left = stock.get(item) ?? 0;
    const outcome = left > 0 ? 'reserved' : 'out-of-stock';
    if (left > 0) stock.set(item, left - 1);
    try {
      await conn.sendSyncString('reservations', m.key?.toString() ?? null, `${item}:${outcome}`);
      conn.markOffset(m);
    } catch (err) {
      // not marked: the order is consumed again after a restart
      log(`send failed for ${m.key?.toString()}: ${(err as ProducerError).cause.message}`);
    }
  }, 'orders');
}

async function main(): Promise<void> {
  const mock = new MockMultiplexer({ partitions: { orders: 3, reservations: 3 } });
  const lines: string[] = [];
  stockService(mock.newBytesConnection('stock'), new Map([['widget', 1]]), (l) => lines.push(l));
  await mock.start();

  await mock.deliver('orders', { key: 'order-1', value: 'widget' });
  await mock.deliver('orders', { key: 'order-2', value: 'widget' });
  mock.failNextSend(new MockSendError());
  const third = await mock.deliver('orders', { key: 'order-3', value: 'gadget' });

  const sent = mock.sent({ topic: 'reservations' });
  assert.deepEqual(
    sent.map((s) => s.value!.toString()),
    ['widget:reserved', 'widget:out-of-stock'],
  );
  for (const s of sent) console.log(`testing: sent ${s.key!.toString()} ${s.value!.toString()} -> partition ${s.partition} offset ${s.offset}`);
  assert.equal(lines.length, 1);
  console.log(`testing: ${lines[0]}`);
  // order-3 was not marked: the group's mark of its partition stays before it
  const marks = mock.marked();
  assert.ok(marks.every((m) => m.partition !== third.message.partition || m.offset <= third.message.offset));
  await mock.close();
  console.log(`testing: committed ${mock.committed().map((m) => `${m.topic}/${m.partition}@${m.offset}`).join(' ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
