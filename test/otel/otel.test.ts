/**
 * kafkaesque/otel against the real broker, with the OpenTelemetry SDK's in-memory exporter: one
 * trace runs from a producer's send to the Multiplexer handler that processed the record (the
 * `process` span is the child of the `send` span, linked to it too, and the handler's own spans
 * are children of `process`); the span names, kinds and messaging attributes; `process()` for
 * code that reads Consumer.messages(); `disable()` stops spans and headers.
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Admin } from '../../src/client/admin.js';
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { instrumentKafkaesque, type KafkaesqueInstrumentation } from '../../src/otel/index.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
const contextManager = new AsyncLocalStorageContextManager().enable();
let admin: Admin;
let tracing: KafkaesqueInstrumentation | undefined;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  context.setGlobalContextManager(contextManager);
  admin = await Admin.create({ brokers: [bootstrap] });
});
afterEach(() => {
  tracing?.disable();
  tracing = undefined;
  exporter.reset();
});
afterAll(async () => {
  for (const c of open.reverse()) await c.close().catch(() => {});
  await admin?.close();
  context.disable();
  await provider.shutdown();
});

const config = (extra: ConfigOptions = {}): Config => new Config({ brokers: [bootstrap], lingerMs: 5, ...extra });

async function topic(partitions: number): Promise<string> {
  const name = uniqueTopic('otel');
  const [r] = await admin.createTopics([{ name, numPartitions: partitions }], { waitForLeaders: true });
  if (r!.error) throw r!.error;
  return name;
}

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan[] => spans().filter((s) => s.name === name);
const one = (name: string): ReadableSpan => {
  const found = named(name);
  if (found.length !== 1) throw new Error(`${found.length} spans named '${name}': ${spans().map((s) => s.name).join(', ')}`);
  return found[0]!;
};

test('one trace from send to the Multiplexer handler: send (PRODUCER) -> process (CONSUMER, linked) -> the handler’s spans', async () => {
  tracing = instrumentKafkaesque({ tracerProvider: provider });
  const name = await topic(2);
  const p = await SyncProducer.create(config());
  open.push(p);
  const group = uniqueTopic('otel-mux');
  const mux = await Multiplexer.fromConfig(config(), group);
  open.push(mux);
  const conn = mux.newBytesConnection('orders');
  const received: Array<{ traceparent: string | undefined; value: string }> = [];
  conn.consumeTopic(async (m) => {
    const tp = m.headers.find((h) => h.key === 'traceparent');
    received.push({ traceparent: tp?.value?.toString(), value: m.value!.toString() });
    // the handler's own work: a child of the process span through the active context
    tracer.startActiveSpan('handler-work', (s: Span) => s.end());
    conn.markOffset(m);
  }, name);
  await mux.start();

  const sent = await tracer.startActiveSpan('http-request', async (parent: Span) => {
    try {
      return await p.send({ topic: name, key: 'order-1', value: 'created', headers: [{ key: 'app', value: 'x' }] });
    } finally {
      parent.end();
    }
  });
  await eventually(async () => named('handler-work').length === 1, 30_000, 'the handler ran');

  const request = one('http-request');
  const send = one(`send ${name}`);
  const process = one(`process ${name}`);
  const work = one('handler-work');
  // one trace
  for (const s of [send, process, work]) expect(s.spanContext().traceId).toBe(request.spanContext().traceId);
  expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  expect(process.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
  expect(process.parentSpanContext?.isRemote).toBe(true);
  expect(process.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
  expect(work.parentSpanContext?.spanId).toBe(process.spanContext().spanId);

  // the header the consumer read is the send span's context
  expect(received).toEqual([{ traceparent: `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`, value: 'created' }]);
  expect(sent.headers.map((h) => h.key)).toEqual(['app', 'traceparent']);

  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(send.attributes).toEqual({
    'messaging.system': 'kafka',
    'messaging.operation.name': 'send',
    'messaging.operation.type': 'send',
    'messaging.destination.name': name,
    'messaging.destination.partition.id': String(sent.partition),
    'messaging.kafka.message.key': 'order-1',
    'messaging.kafka.offset': Number(sent.offset),
  });
  expect(send.status.code).toBe(SpanStatusCode.UNSET);
  expect(process.kind).toBe(SpanKind.CONSUMER);
  expect(process.attributes).toEqual({
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': name,
    'messaging.destination.partition.id': String(sent.partition),
    'messaging.kafka.offset': Number(sent.offset),
    'messaging.consumer.group.name': group,
    'messaging.kafka.message.key': 'order-1',
    'kafkaesque.mux.connection': 'orders',
  });

  // the producer's batch, the consumer's rebalance and fetches: CLIENT spans of their own traces
  const batch = named(`produce ${name}`).find((s) => s.attributes['kafkaesque.batch.base_offset'] === Number(sent.offset))!;
  expect(batch.kind).toBe(SpanKind.CLIENT);
  expect(batch.parentSpanContext).toBeUndefined();
  expect(batch.attributes).toMatchObject({ 'messaging.batch.message_count': 1, 'messaging.destination.partition.id': String(sent.partition) });
  const rebalance = one(`rebalance ${group}`);
  expect(rebalance.attributes).toMatchObject({ 'messaging.consumer.group.name': group, 'kafkaesque.group.protocol': 'classic' });
  expect(rebalance.attributes['kafkaesque.group.assigned']).toEqual([`${name}-0`, `${name}-1`]);
  expect(named('fetch').some((s) => s.attributes['messaging.destination.name'] === name && (s.attributes['kafkaesque.fetch.bytes'] as number) > 0)).toBe(true);
  expect(spans().some((s) => s.name.startsWith('connect '))).toBe(true);
  expect(named('Produce')).toEqual([]); // request spans are off by default
});

test('process() for Consumer.messages() readers; a failing handler and a failed send set error status', async () => {
  tracing = instrumentKafkaesque({ tracerProvider: provider, requestSpans: true, messageKeys: false });
  const name = await topic(1);
  const p = await SyncProducer.create(config());
  open.push(p);
  const sent = await p.sendMsgByte(name, 'k', 'v');
  const consumer = await Consumer.create(config({ group: uniqueTopic('otel-consumer'), topics: [name], initialOffset: 'oldest' }));
  open.push(consumer);
  const m = (await consumer.messages()[Symbol.asyncIterator]().next()).value!;
  const err = await tracing
    .process(m, async () => {
      expect(trace.getActiveSpan()?.spanContext().traceId).toBe(one(`send ${name}`).spanContext().traceId);
      throw new Error('bad record');
    })
    .catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  const send = one(`send ${name}`);
  const process = one(`process ${name}`);
  expect(process.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
  expect(process.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad record' });
  expect(process.attributes['error.type']).toBe('Error');
  expect(process.attributes['messaging.kafka.offset']).toBe(Number(sent.offset));
  expect(send.attributes['messaging.kafka.message.key']).toBeUndefined(); // messageKeys: false
  // request spans when asked for
  const produce = named('Produce');
  expect(produce.length).toBeGreaterThanOrEqual(1);
  expect(produce[0]!.attributes).toMatchObject({ 'kafkaesque.api.key': 0, 'server.port': Number(bootstrap.split(':')[1]) });
  expect(produce[0]!.attributes['kafkaesque.response.bytes'] as number).toBeGreaterThan(0);

  // a record that cannot be sent (the topic has no partition 5): the send span has the error
  const short = await SyncProducer.create(config({ maxBlockMs: 500 }));
  open.push(short);
  const refused = await short.send({ topic: name, partition: 5, value: 'x' }).catch((e: Error) => e);
  expect(refused).toBeInstanceOf(Error);
  const failed = spans().find((s) => s.kind === SpanKind.PRODUCER && s.status.code === SpanStatusCode.ERROR);
  expect(failed).toBeDefined();
  expect(typeof failed!.attributes['error.type']).toBe('string');
});

test('disable() stops spans and trace headers', async () => {
  tracing = instrumentKafkaesque({ tracerProvider: provider });
  const name = await topic(1);
  const p = await SyncProducer.create(config());
  open.push(p);
  const traced = await p.sendMsgByte(name, null, 'traced');
  expect(traced.headers.map((h) => h.key)).toEqual(['traceparent']);
  tracing.disable();
  exporter.reset();
  const plain = await p.sendMsgByte(name, null, 'plain');
  expect(plain.headers).toEqual([]);
  const consumer = await Consumer.create(config({ group: uniqueTopic('otel-off'), topics: [name], initialOffset: 'oldest' }));
  open.push(consumer);
  const it = consumer.messages()[Symbol.asyncIterator]();
  const a = (await it.next()).value!;
  const b = (await it.next()).value!;
  expect(a.headers.map((h) => h.key)).toEqual(['traceparent']);
  expect(b.headers).toEqual([]);
  expect(spans()).toEqual([]);
});
