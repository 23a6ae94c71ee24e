/**
 * kafkaesque/otel's metrics against the real broker, read through the OpenTelemetry SDK's
 * MeterProvider: a producer's, a consumer's and a Multiplexer's `metrics()` become observable
 * counters and gauges (the values equal what `metrics()` says at collection), each request's
 * duration lands in the `kafkaesque.request.duration` histogram, and `disable()` stops both.
 */
import { MeterProvider, MetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { METRIC_NAMES, observeKafkaesqueMetrics } from '../../src/otel/index.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';


jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();

/** A reader the test collects from when it wants. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const open: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const c of open.reverse()) await c.close().catch(() => {});
});

function points(rm: ResourceMetrics, name: string): Array<DataPoint<unknown>> {
  return rm.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as Array<DataPoint<unknown>>));
}

function value(rm: ResourceMetrics, name: string, attrs: Record<string, unknown>): unknown {
  const found = points(rm, name).filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));
  if (found.length !== 1) throw new Error(`${name} ${JSON.stringify(attrs)}: ${found.length} points`);
  return found[0]!.value;
}

test('producer, consumer and Multiplexer metrics as OpenTelemetry instruments; request durations in a histogram; disable() stops them', async () => {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const admin = await Admin.create({ brokers: [bootstrap] });
  open.push(admin);
  const topic = uniqueTopic('otel-metrics');
  await admin.createTopics([{ name: topic, numPartitions: 2 }], { waitForLeaders: true });
  const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
  open.push(producer);
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], group: uniqueTopic('otel-metrics-g'), topics: [topic], initialOffset: 'oldest', autoCommit: false }));
  open.push(consumer);
  const mux = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap] }), uniqueTopic('otel-metrics-mux'));
  open.push(mux);
  const observed = observeKafkaesqueMetrics({ orders: producer, billing: consumer, svc: mux }, { meterProvider: provider, attributes: { 'service.instance.id': 'test-1' } });

  for (let i = 0; i < 20; i++) await producer.sendMsgToPartition(topic, i % 2, null, `v${i}`);
  const it = consumer.messages()[Symbol.asyncIterator]();
  for (let i = 0; i < 15; i++) consumer.markOffset((await it.next()).value!);
  await consumer.commitOffsets();

  const { resourceMetrics: rm } = await reader.collect();
  const pm = producer.metrics();
  const cm = consumer.metrics();
  const orders = { 'kafkaesque.client.name': 'orders', 'messaging.system': 'kafka', 'service.instance.id': 'test-1' };
  expect(value(rm, METRIC_NAMES.sentMessages, orders)).toBe(20);
  expect(value(rm, METRIC_NAMES.batches, orders)).toBe(pm.producer.batchesSent);
  expect(value(rm, METRIC_NAMES.requests, { ...orders, 'kafkaesque.api': 'Produce' })).toBe(pm.requests.Produce!.count);
  expect(value(rm, METRIC_NAMES.networkIo, { ...orders, 'kafkaesque.api': 'Produce', 'network.io.direction': 'transmit' })).toBe(pm.requests.Produce!.bytesSent);
  expect(value(rm, METRIC_NAMES.bufferLimit, orders)).toBe(pm.producer.bufferLimitBytes);

  const billing = { 'kafkaesque.client.name': 'billing' };
  expect(value(rm, METRIC_NAMES.consumedMessages, billing)).toBe(15);
  const lags = points(rm, METRIC_NAMES.lag).filter((p) => p.attributes['kafkaesque.client.name'] === 'billing');
  expect(lags.map((p) => [p.attributes['messaging.destination.name'], p.attributes['messaging.destination.partition.id'], p.value]).sort()).toEqual(
    cm.consumer.partitions.map((p) => [topic, String(p.partition), p.lag]).sort(),
  );
  expect(lags.reduce((s, p) => s + (p.value as number), 0)).toBe(5);
  const committed = points(rm, METRIC_NAMES.committedOffset).filter((p) => p.attributes['kafkaesque.client.name'] === 'billing');
  expect(committed.reduce((s, p) => s + (p.value as number), 0)).toBe(15);

  // the Multiplexer's parts, each a client of its own
  expect(value(rm, METRIC_NAMES.sentMessages, { 'kafkaesque.client.name': 'svc', 'kafkaesque.client.part': 'syncProducer' })).toBe(0);
  expect(points(rm, METRIC_NAMES.sentMessages).some((p) => p.attributes['kafkaesque.client.part'] === 'transactionalProducer')).toBe(false);

  // every request of every client timed, in seconds, by API and broker
  const durations = points(rm, METRIC_NAMES.requestDuration).filter((p) => p.attributes['kafkaesque.api'] === 'Produce');
  const produced = durations.reduce((s, p) => s + (p.value as { count: number }).count, 0);
  expect(produced).toBeGreaterThanOrEqual(pm.requests.Produce!.count);
  expect(durations.every((p) => (p.value as { max: number }).max < 30)).toBe(true);

  observed.disable();
  await producer.sendMsgToPartition(topic, 0, null, 'after');
  const after = await reader.collect();
  // no longer observed: the SDK keeps the last value it had (20), not the producer's 21
  expect(producer.metrics().producer.recordsSent).toBe(21);
  expect(points(after.resourceMetrics, METRIC_NAMES.sentMessages).filter((p) => p.attributes['kafkaesque.client.name'] === 'orders').map((p) => p.value)).not.toContain(21);
  const producedAfter = points(after.resourceMetrics, METRIC_NAMES.requestDuration)
    .filter((p) => p.attributes['kafkaesque.api'] === 'Produce')
    .reduce((s, p) => s + (p.value as { count: number }).count, 0);
  expect(producedAfter).toBe(produced); // the histogram keeps what it had and records nothing new
  await provider.shutdown();
});
