/**
 * metrics() of the producers, the consumer and the Multiplexer against the real broker: the
 * counters agree with what was done (records, batches, requests, bytes, latency samples), a
 * broker's refusal is counted by its code, and the consumer's lag per partition is the high
 * watermark minus what it handed out. The plugin's health() reports the same lag.
 */
import { clientScope } from '../helpers/topics.js';
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { AsyncProducer, SyncProducer } from '../../src/client/producers.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { KafkaPlugin } from '../../src/plugin/plugin.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
const scope = clientScope([bootstrap], 'metrics');

const config = (extra: ConfigOptions = {}): Config => new Config({ brokers: [bootstrap], lingerMs: 5, ...extra });

const topic = scope.topic;

test('a producer counts what it sent: records, batches, requests, bytes and one latency sample per answered request', async () => {
  const name = await topic(3);
  const p = await AsyncProducer.create(config({ bufferBytes: 4 * 1024 * 1024 }));
  scope.track(p);
  const value = Buffer.alloc(100, 1);
  for (let i = 0; i < 300; i++) void p.sendMsgToPartition(name, i % 3, null, value);
  await p.flush();
  const m = p.metrics();
  expect(m.producer.recordsSent).toBe(300);
  expect(m.producer.recordErrors).toBe(0);
  expect(m.producer.batchesSent).toBeGreaterThanOrEqual(3);
  expect(m.producer.recordsPerBatch.count).toBe(m.producer.batchesSent);
  expect(m.producer.recordsPerBatch.sum).toBe(300);
  expect(m.producer.recordsPerRequest.sum).toBe(300);
  expect(m.producer.produceRequests).toBe(m.requests.Produce!.count);
  expect(m.producer.batchBytesSent).toBeGreaterThan(300 * 100);
  expect(m.requests.Produce!.bytesSent).toBeGreaterThan(m.producer.batchBytesSent);
  expect(m.requests.Produce!.latencyMs.count).toBe(m.requests.Produce!.count);
  expect(m.requests.Produce!.latencyMs.max).toBeGreaterThan(0);
  expect(m.requests.Produce!.latencyMs.buckets.at(-1)!.count).toBeLessThanOrEqual(m.requests.Produce!.count);
  expect(m.requests.Metadata!.count).toBeGreaterThanOrEqual(1);
  expect(m.requests.ApiVersions!.count).toBeGreaterThanOrEqual(1);
  expect(m.bytesSent).toBe(Object.values(m.requests).reduce((s, r) => s + r.bytesSent, 0));
  expect(m.requestsInFlight).toBe(0);
  expect(m.producer.bufferUsedBytes).toBe(0);
  expect(m.producer.bufferLimitBytes).toBe(4 * 1024 * 1024);
  expect(m.producer.recordsOutstanding).toBe(0);
  expect(m.connections.opened).toBeGreaterThanOrEqual(1);
  expect(JSON.parse(JSON.stringify(m))).toEqual(m); // plain data, no bigints
});

test('a broker refusal is counted by its code, and the record as an error', async () => {
  const name = await topic(1, { 'max.message.bytes': '1024' });
  const p = await SyncProducer.create(config());
  scope.track(p);
  await p.sendMsgByte(name, null, 'small');
  await expect(p.sendMsgByte(name, null, Buffer.alloc(4096, 1))).rejects.toThrow(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/);
  const m = p.metrics();
  expect(m.producer.recordsSent).toBe(1);
  expect(m.producer.recordErrors).toBe(1);
  expect(Object.keys(m.errors).some((code) => /^ERR_KAFKA_(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)$/.test(code))).toBe(true);
});

test('a group consumer counts what it handed out; per partition lag is the high watermark minus its position, committed its commit', async () => {
  const name = await topic(2);
  const p = await SyncProducer.create(config());
  scope.track(p);
  await Promise.all(Array.from({ length: 50 }, (_, i) => p.sendMsgToPartition(name, i % 2, null, `v${i}`)));
  const consumer = await Consumer.create(config({ group: uniqueTopic('metrics-group'), topics: [name], initialOffset: 'oldest', autoCommit: false }));
  scope.track(consumer);
  const it = consumer.messages()[Symbol.asyncIterator]();
  const taken: Array<{ partition: number; offset: bigint }> = [];
  for (let i = 0; i < 30; i++) {
    const m = (await it.next()).value!;
    taken.push(m);
    consumer.markOffset(m);
  }
  await consumer.commitOffsets();
  const m = consumer.metrics();
  expect(m.consumer.recordsReceived).toBe(30);
  expect(m.consumer.fetchedBytes).toBeGreaterThan(0);
  expect(m.requests.Fetch!.count).toBeGreaterThanOrEqual(1);
  expect(m.consumer.prefetchLimitBytes).toBe(config().prefetchBytes);
  expect(m.consumer.partitions.map((x) => x.partition)).toEqual([0, 1]);
  let lag = 0;
  for (const part of m.consumer.partitions) {
    const handed = taken.filter((t) => t.partition === part.partition);
    const next = handed.length === 0 ? 0 : Number(handed.at(-1)!.offset) + 1;
    expect(part).toEqual({ topic: name, partition: part.partition, position: next, highWatermark: 25, lag: 25 - next, committed: next });
    lag += 25 - next;
  }
  expect(m.consumer.totalLag).toBe(lag);
  expect(lag).toBe(20);
});

test('the Multiplexer gathers its clients’ metrics and its queues; the plugin’s health() reports the group lag', async () => {
  const name = await topic(1);
  const p = await SyncProducer.create(config());
  scope.track(p);
  for (let i = 0; i < 10; i++) await p.sendMsgByte(name, null, `m${i}`);
  const mux = await Multiplexer.fromConfig(config(), uniqueTopic('metrics-mux'));
  const conn = mux.newBytesConnection('c');
  let seen = 0;
  conn.consumeTopic(async (m) => {
    seen++;
    conn.markOffset(m);
    if (seen === 10) await conn.sendSyncString(name, null, 'echo');
  }, name);
  const plugin = KafkaPlugin.fromExistingMux(mux);
  scope.track({ close: () => plugin.close() });
  await plugin.init();
  await plugin.afterInit();
  await eventually(async () => (mux.metrics().consumer?.consumer.recordsReceived ?? 0) >= 11, 30_000, 'the echo consumed');
  const m = mux.metrics();
  expect(m.syncProducer!.producer.recordsSent).toBe(1);
  expect(m.asyncProducer!.producer.recordsSent).toBe(0);
  expect(m.transactionalProducer).toBeUndefined();
  expect(m.manualConsumer).toBeUndefined();
  expect(m.subscriptions).toEqual([{ connection: 'c', topic: name, queued: expect.any(Number), stopped: false, paused: false }]);
  expect(m.consumer!.consumer.partitions).toEqual([expect.objectContaining({ partition: 0, highWatermark: 11, position: 11, lag: 0 })]);
  const health = await plugin.health();
  expect(health).toEqual({ status: 'ok', lag: 0 });
});
