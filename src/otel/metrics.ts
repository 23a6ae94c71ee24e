/**
 * kafkaesque's metrics as OpenTelemetry instruments: `observeKafkaesqueMetrics({ name: client })`
 * reads each client's `metrics()` when the SDK collects (observable counters and gauges, nothing
 * counted twice), and records every request's duration from the `kafkaesque:request` tracing
 * channel into a histogram (docs/observability.md, "Metrics").
 */
import * as dc from 'node:diagnostics_channel';
import { type Attributes, type BatchObservableResult, type MeterProvider, metrics, type Observable, ValueType } from '@opentelemetry/api';
import type { ClientMetricsSnapshot, ConsumerMetricsSnapshot, ProducerMetricsSnapshot } from '../network/metrics.js';
import { type RequestTrace, TRACING_CHANNELS } from '../network/tracing.js';

/** Anything with a `metrics()`: a producer, a consumer, a Multiplexer. */
export interface MetricsSource {
  metrics(): unknown;
}

export interface KafkaesqueMetricsOptions {
  /** Default: the global MeterProvider. */
  meterProvider?: MeterProvider;
  /** Added to every observation. */
  attributes?: Attributes;
  /**
   * Record `kafkaesque.request.duration` (seconds, by API and broker) from the request tracing
   * channel. Default true. It subscribes to that channel: every request then builds its payload.
   */
  requestDuration?: boolean;
}

export interface KafkaesqueMetrics {
  /** Stops observing (the instruments report nothing more) and unsubscribes from the channel. */
  disable(): void;
}

/** The instruments' names, for dashboards and tests. */
export const METRIC_NAMES = Object.freeze({
  requests: 'kafkaesque.requests',
  requestFailures: 'kafkaesque.request.failures',
  requestDuration: 'kafkaesque.request.duration',
  requestsInFlight: 'kafkaesque.requests.in_flight',
  networkIo: 'kafkaesque.network.io',
  connections: 'kafkaesque.connections',
  errors: 'kafkaesque.errors',
  sentMessages: 'messaging.client.sent.messages',
  batches: 'kafkaesque.producer.batches',
  retries: 'kafkaesque.producer.retries',
  recordErrors: 'kafkaesque.producer.record_errors',
  bufferUsed: 'kafkaesque.producer.buffer.usage',
  bufferLimit: 'kafkaesque.producer.buffer.limit',
  consumedMessages: 'messaging.client.consumed.messages',
  fetchedBytes: 'kafkaesque.consumer.fetched_bytes',
  lag: 'kafkaesque.consumer.lag',
  committedOffset: 'kafkaesque.consumer.committed_offset',
  prefetched: 'kafkaesque.consumer.prefetch.usage',
});

const METER_NAME = 'kafkaesque';
const METER_VERSION = '0.1.0';

/**
 * Observes each named client's `metrics()` (a Multiplexer's parts each as their own client,
 * `kafkaesque.client.part` telling which) as OpenTelemetry instruments, with
 * `kafkaesque.client.name` set to its key in `clients`.
 */
export function observeKafkaesqueMetrics(clients: Record<string, MetricsSource>, options: KafkaesqueMetricsOptions = {}): KafkaesqueMetrics {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(METER_NAME, METER_VERSION);
  const base: Attributes = { 'messaging.system': 'kafka', ...options.attributes };
  const counter = (name: string, description: string, unit = '{count}') => meter.createObservableCounter(name, { description, unit, valueType: ValueType.INT });
  const gauge = (name: string, description: string, unit = '{count}') => meter.createObservableGauge(name, { description, unit, valueType: ValueType.INT });
  const i = {
    requests: counter(METRIC_NAMES.requests, 'Requests to the brokers answered or failed, by API', '{request}'),
    requestFailures: counter(METRIC_NAMES.requestFailures, 'Requests that failed without an answer (timeout, connection lost), by API', '{request}'),
    requestsInFlight: gauge(METRIC_NAMES.requestsInFlight, 'Requests written and not yet answered', '{request}'),
    networkIo: counter(METRIC_NAMES.networkIo, 'Bytes written to and read from the brokers, by API and direction', 'By'),
    connections: counter(METRIC_NAMES.connections, 'Connections opened and closed (kafkaesque.connection.state)', '{connection}'),
    errors: counter(METRIC_NAMES.errors, 'Errors met, by kafkaesque code (error.type)', '{error}'),
    sentMessages: counter(METRIC_NAMES.sentMessages, 'Records the brokers acknowledged', '{message}'),
    batches: counter(METRIC_NAMES.batches, 'Record batches the brokers acknowledged', '{batch}'),
    retries: counter(METRIC_NAMES.retries, 'Batches sent again after a retriable error', '{batch}'),
    recordErrors: counter(METRIC_NAMES.recordErrors, 'Records whose send failed for good', '{message}'),
    bufferUsed: gauge(METRIC_NAMES.bufferUsed, 'Bytes of the send buffer in use', 'By'),
    bufferLimit: gauge(METRIC_NAMES.bufferLimit, 'The send buffer bound (Config.bufferBytes)', 'By'),
    consumedMessages: counter(METRIC_NAMES.consumedMessages, 'Records handed to the application', '{message}'),
    fetchedBytes: counter(METRIC_NAMES.fetchedBytes, 'Bytes of record batches fetched', 'By'),
    lag: gauge(METRIC_NAMES.lag, 'Per partition: high watermark minus the consumer position', '{message}'),
    committedOffset: gauge(METRIC_NAMES.committedOffset, 'Per partition: the offset the group committed', '{offset}'),
    prefetched: gauge(METRIC_NAMES.prefetched, 'Bytes fetched and not yet taken by the application', 'By'),
  };
  const observables: Observable[] = Object.values(i);

  const observeClient = (o: BatchObservableResult, s: ClientMetricsSnapshot, attrs: Attributes): void => {
    for (const [api, r] of Object.entries(s.requests)) {
      const a = { ...attrs, 'kafkaesque.api': api };
      o.observe(i.requests, r.count, a);
      o.observe(i.requestFailures, r.failed, a);
      o.observe(i.networkIo, r.bytesSent, { ...a, 'network.io.direction': 'transmit' });
      o.observe(i.networkIo, r.bytesReceived, { ...a, 'network.io.direction': 'receive' });
    }
    o.observe(i.requestsInFlight, s.requestsInFlight, attrs);
    o.observe(i.connections, s.connections.opened, { ...attrs, 'kafkaesque.connection.state': 'opened' });
    o.observe(i.connections, s.connections.closed, { ...attrs, 'kafkaesque.connection.state': 'closed' });
    for (const [code, n] of Object.entries(s.errors)) o.observe(i.errors, n, { ...attrs, 'error.type': code });
    const p = (s as Partial<ProducerMetricsSnapshot>).producer;
    if (p !== undefined) {
      o.observe(i.sentMessages, p.recordsSent, { ...attrs, 'messaging.operation.name': 'send' });
      o.observe(i.batches, p.batchesSent, attrs);
      o.observe(i.retries, p.retries, attrs);
      o.observe(i.recordErrors, p.recordErrors, attrs);
      o.observe(i.bufferUsed, p.bufferUsedBytes, attrs);
      o.observe(i.bufferLimit, p.bufferLimitBytes, attrs);
    }
    const c = (s as Partial<ConsumerMetricsSnapshot>).consumer;
    if (c !== undefined) {
      o.observe(i.consumedMessages, c.recordsReceived, { ...attrs, 'messaging.operation.name': 'receive' });
      o.observe(i.fetchedBytes, c.fetchedBytes, attrs);
      o.observe(i.prefetched, c.prefetchedBytes, attrs);
      for (const part of c.partitions) {
        const pa = { ...attrs, 'messaging.destination.name': part.topic, 'messaging.destination.partition.id': String(part.partition) };
        if (part.lag >= 0) o.observe(i.lag, part.lag, pa);
        if (part.committed >= 0) o.observe(i.committedOffset, part.committed, pa);
      }
    }
  };

  let enabled = true;
  const callback = (o: BatchObservableResult): void => {
    if (!enabled) return;
    for (const [name, client] of Object.entries(clients)) {
      const snapshot = client.metrics() as Record<string, unknown>;
      const attrs = { ...base, 'kafkaesque.client.name': name };
      if ('requests' in snapshot) {
        observeClient(o, snapshot as unknown as ClientMetricsSnapshot, attrs);
        continue;
      }
      // a Multiplexer: each part that exists is a client of its own
      for (const [part, s] of Object.entries(snapshot)) {
        if (s !== null && typeof s === 'object' && 'requests' in s) observeClient(o, s as ClientMetricsSnapshot, { ...attrs, 'kafkaesque.client.part': part });
      }
    }
  };
  meter.addBatchObservableCallback(callback, observables);

  let unsubscribe: (() => void) | undefined;
  if (options.requestDuration ?? true) {
    const duration = meter.createHistogram(METRIC_NAMES.requestDuration, {
      description: 'Time from writing a request to its response or failure, by API and broker',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30] },
    });
    const channel = dc.tracingChannel<unknown, RequestTrace>(TRACING_CHANNELS.request);
    const handlers: dc.TracingChannelSubscribers<RequestTrace> = {
      start: () => {},
      end: () => {},
      asyncStart: () => {},
      error: () => {},
      asyncEnd: (ctx) => {
        if (!enabled) return;
        const attrs: Attributes = { ...base, 'kafkaesque.api': ctx.apiName, 'server.address': ctx.host, 'server.port': ctx.port };
        if (ctx.error !== undefined) attrs['error.type'] = (ctx.error as { code?: string }).code ?? ctx.error.name;
        duration.record(ctx.latencyMs / 1000, attrs);
      },
    };
    channel.subscribe(handlers);
    unsubscribe = () => channel.unsubscribe(handlers);
  }

  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      meter.removeBatchObservableCallback(callback, observables);
      unsubscribe?.();
    },
  };
}
