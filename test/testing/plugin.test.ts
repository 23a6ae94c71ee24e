/**
 * A MockMultiplexer is the real Multiplexer over mock producers and an in-memory consumer, as the
 * Go layer's `mux.Mock(t)`: `mock.multiplexer` goes wherever a Multiplexer goes, e.g. into the
 * plugin (the Go tests' `FromExistingMux(mux.Mock(t).Mux)`). No broker is used.
 */
import * as protobuf from 'protobufjs';
import { MuxStartedError } from '../../src/mux/errors.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import type { ProtoMessage } from '../../src/mux/proto.js';
import { KafkaPlugin } from '../../src/plugin/plugin.js';
import { MockMultiplexer } from '../../src/testing/index.js';

const Order = protobuf.parse(`syntax = "proto3"; message Order { string id = 1; int32 quantity = 2; }`).root.lookupType('Order');

test('the mock is a Multiplexer: mock.multiplexer is the real class, named as the mock', () => {
  const mock = new MockMultiplexer({ name: 'svc', groupId: 'svc-group' });
  expect(mock.multiplexer).toBeInstanceOf(Multiplexer);
  expect([mock.multiplexer.name, mock.multiplexer.groupId]).toEqual(['svc', 'svc-group']);
  expect(mock.multiplexer.syncProducer).toBe(mock.syncProducer);
  expect(mock.multiplexer.asyncProducer).toBe(mock.asyncProducer);
  expect(mock.multiplexer.config.hashFunction).toBe('fnv1a'); // the Go layer's default, applied by the Multiplexer
});

test('KafkaPlugin.fromExistingMux(mock.multiplexer): watchers subscribe, afterInit starts, a delivered message is handled and marked, close commits', async () => {
  const mock = new MockMultiplexer({ name: 'svc', partitions: { orders: 3 } });
  const plugin = KafkaPlugin.fromExistingMux(mock.multiplexer);
  await plugin.init();
  expect(plugin.disabled).toBe(false);

  const watcher = plugin.newWatcher('orders-watcher');
  const seen: Array<{ id: string; quantity: number }> = [];
  watcher.watch(async (m: ProtoMessage) => {
    seen.push(m.getValue<{ id: string; quantity: number }>(Order));
    await plugin.newSyncPublisher('orders-watcher', 'audit').put(m.key, Order.create({ id: `audit-${m.offset}` }));
    watcher.markOffset(m);
  }, 'orders');
  const raw: string[] = [];
  plugin.newConnection('raw').consumeTopic((m) => void raw.push(m.value!.toString()), 'orders');
  expect(mock.isStarted()).toBe(false);

  await plugin.afterInit();
  expect(mock.isStarted()).toBe(true);
  expect(mock.subscribers('orders')).toEqual(['orders-watcher', 'raw']);

  const d = await mock.deliver('orders', { key: 'o-1', value: Order.create({ id: 'o-1', quantity: 2 }) });
  expect(d.connections).toEqual(['orders-watcher', 'raw']);
  expect(seen).toEqual([{ id: 'o-1', quantity: 2 }]);
  expect(JSON.parse(raw[0]!)).toEqual({ id: 'o-1', quantity: 2 }); // the plugin's serializer: protojson
  expect(mock.sent({ topic: 'audit' }).map((s) => [s.connection, s.key!.toString()])).toEqual([['orders-watcher', 'o-1']]);
  // 'raw' marked nothing: the group's mark waits for it (the Multiplexer's min rule)
  expect(mock.marked()).toEqual([]);
  expect(mock.marked('orders-watcher')).toEqual([{ topic: 'orders', partition: d.message.partition, offset: 1n, metadata: undefined }]);
  expect(() => plugin.newConnection('late').consumeTopic(() => {}, 'orders')).toThrow(MuxStartedError);

  await plugin.close();
  expect(mock.multiplexer.isStopping).toBe(true);
  expect(mock.syncProducer.isClosed()).toBe(true);
  await expect(mock.deliver('orders', { value: 'x' })).rejects.toMatchObject({ code: 'ERR_MUX_CLOSED' });
});

test('without a raw subscriber the watcher\'s marks are the group\'s, committed when the plugin closes', async () => {
  const mock = new MockMultiplexer();
  const plugin = KafkaPlugin.fromExistingMux(mock.multiplexer);
  await plugin.init();
  const watcher = plugin.newWatcher('w');
  watcher.watch((m) => watcher.markOffset(m, 'done'), 'orders');
  await plugin.afterInit();
  await mock.deliver('orders', { value: Order.create({ id: 'a' }) });
  await mock.deliver('orders', { value: Order.create({ id: 'b' }) });
  expect(mock.marked()).toEqual([{ topic: 'orders', partition: 0, offset: 2n, metadata: 'done' }]);
  expect(mock.committed()).toEqual([]);
  await plugin.close();
  expect(mock.committed()).toEqual([{ topic: 'orders', partition: 0, offset: 2n, metadata: 'done' }]);
});
