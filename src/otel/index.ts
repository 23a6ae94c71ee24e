/**
 * `kafkaesque/otel`: OpenTelemetry spans from kafkaesque's tracing channels, and W3C trace
 * context carried in record headers from a producer's send to the handler that processes the
 * record (docs/observability.md).
 *
 * This entry point is the only module that imports `@opentelemetry/api` (an optional peer
 * dependency); the core (`kafkaesque`) publishes on `node:diagnostics_channel` and never loads
 * it. Nothing is traced and no header is written until `instrumentKafkaesque()` is called, and
 * nothing after its handle's `disable()`.
 *
 * Trace structure (messaging semantic conventions): a `send <topic>` PRODUCER span per record,
 * child of the context active at `send`, from the call to the acknowledgement; its context goes
 * into the record's `traceparent` (and `tracestate`) header. A `process <topic>` CONSUMER span
 * per record handled is a child of that context (so one trace runs from send to handler) and
 * also links to it, as the conventions ask of consumers. Batches, fetches, rebalances, commits,
 * connections and (optionally) every request are CLIENT spans of their own traces: they serve
 * many callers at once, so no caller is their parent.
 */
import * as dc from 'node:diagnostics_channel';
import {
  type Attributes,
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  type BatchTrace,
  type CommitTrace,
  type ConnectTrace,
  type FetchTrace,
  type ProcessTrace,
  type RebalanceTrace,
  type RequestTrace,
  type SendTrace,
  type TraceBytes,
  TRACING_CHANNELS,
} from '../network/tracing.js';

export { TRACING_CHANNELS } from '../network/tracing.js';

/** The header names of W3C Trace Context (https://www.w3.org/TR/trace-context/). */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

export interface KafkaesqueInstrumentationOptions {
  /** Where spans go; default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Write `traceparent`/`tracestate` headers on sent records. Default true. */
  propagate?: boolean;
  /** A CLIENT span for every request to a broker (many: Fetch, Produce, Heartbeat, ...). Default false. */
  requestSpans?: boolean;
  /** Spans for opening connections. Default true. */
  connectSpans?: boolean;
  /** Spans for the producer's batches (one per partition per Produce request). Default true. */
  batchSpans?: boolean;
  /** Spans for the consumer's Fetch requests. Default true. */
  fetchSpans?: boolean;
  /** Put record keys on spans (`messaging.kafka.message.key`; keys may be personal data). Default true. */
  messageKeys?: boolean;
}

/** A message as a consumer hands it out (what `process` needs of it). */
export interface TracedMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>;
}

export interface KafkaesqueInstrumentation {
  /** Stops: unsubscribes from every channel (spans already started still end). */
  disable(): void;
  /**
   * Runs `fn` in a `process <topic>` span for `message` (child of its producer's span), for code
   * that reads `Consumer.messages()` itself; the Multiplexer's handlers get theirs without it.
   * The span ends when `fn`'s promise settles, with an error status when it rejects.
   */
  process<T>(message: TracedMessage, fn: () => T | Promise<T>, groupId?: string): Promise<T>;
  /** The producer's span context carried in `message`'s headers, if any (a remote context). */
  extract(message: Pick<TracedMessage, 'headers'>): Context | undefined;
}

const SYSTEM = 'kafka';
const TRACER_NAME = 'kafkaesque';
const TRACER_VERSION = '0.1.0';

/** Subscribes OpenTelemetry spans to kafkaesque's tracing channels. */
export function instrumentKafkaesque(options: KafkaesqueInstrumentationOptions = {}): KafkaesqueInstrumentation {
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME, TRACER_VERSION);
  const propagate = options.propagate ?? true;
  const keys = options.messageKeys ?? true;
  const spans = new WeakMap<object, Span>();
  const subscriptions: Array<() => void> = [];

  /** Subscribes start/error/asyncEnd of a channel: a span made at start, ended at asyncEnd. */
  function follow<T extends object>(
    name: string,
    start: (ctx: T) => Span,
    end?: (span: Span, ctx: T) => void,
  ): void {
    const handlers: dc.TracingChannelSubscribers<T> = {
      start: (ctx) => spans.set(ctx, start(ctx)),
      end: () => {},
      asyncStart: () => {},
      error: (ctx) => {
        const span = spans.get(ctx);
        const error = (ctx as { error?: unknown }).error;
        if (span !== undefined && error !== undefined) failSpan(span, error);
      },
      asyncEnd: (ctx) => {
        const span = spans.get(ctx);
        if (span === undefined) return;
        spans.delete(ctx);
        end?.(span, ctx);
        span.end();
      },
    };
    const ch = dc.tracingChannel<unknown, T>(name);
    ch.subscribe(handlers);
    subscriptions.push(() => ch.unsubscribe(handlers));
  }

  const root = (name: string, kind: SpanKind, attributes: Attributes): Span => tracer.startSpan(name, { kind, attributes, root: true });

  follow<SendTrace>(
    TRACING_CHANNELS.send,
    (ctx) => {
      const attributes: Attributes = {
        'messaging.system': SYSTEM,
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.destination.name': ctx.topic,
      };
      if (ctx.partition >= 0) attributes['messaging.destination.partition.id'] = String(ctx.partition);
      if (keys && ctx.key !== null) attributes['messaging.kafka.message.key'] = keyText(ctx.key);
      const span = tracer.startSpan(`send ${ctx.topic}`, { kind: SpanKind.PRODUCER, attributes }, context.active());
      if (propagate) inject(span, ctx.headers);
      return span;
    },
    (span, ctx) => {
      if (ctx.partition >= 0) span.setAttribute('messaging.destination.partition.id', String(ctx.partition));
      if (ctx.offset >= 0n) span.setAttribute('messaging.kafka.offset', Number(ctx.offset));
    },
  );

  if (options.batchSpans ?? true) {
    follow<BatchTrace>(
      TRACING_CHANNELS.batch,
      (ctx) =>
        root(`produce ${ctx.topic}`, SpanKind.CLIENT, {
          'messaging.system': SYSTEM,
          'messaging.operation.name': 'produce',
          'messaging.operation.type': 'send',
          'messaging.destination.name': ctx.topic,
          'messaging.destination.partition.id': String(ctx.partition),
          'messaging.batch.message_count': ctx.recordCount,
          'kafkaesque.batch.bytes': ctx.bytes,
          'kafkaesque.batch.attempt': ctx.attempt,
          'kafkaesque.broker.node_id': ctx.nodeId,
        }),
      (span, ctx) => {
        if (ctx.baseOffset >= 0n) span.setAttribute('kafkaesque.batch.base_offset', Number(ctx.baseOffset));
        if (ctx.error !== undefined) span.setAttribute('kafkaesque.batch.retrying', ctx.retrying);
      },
    );
  }

  if (options.fetchSpans ?? true) {
    follow<FetchTrace>(
      TRACING_CHANNELS.fetch,
      (ctx) =>
        root('fetch', SpanKind.CLIENT, {
          'messaging.system': SYSTEM,
          'messaging.operation.name': 'fetch',
          'messaging.operation.type': 'receive',
          'kafkaesque.broker.node_id': ctx.nodeId,
          'kafkaesque.fetch.max_bytes': ctx.maxBytes,
          'kafkaesque.fetch.session_id': ctx.sessionId,
        }),
      (span, ctx) => {
        span.setAttribute('kafkaesque.fetch.bytes', ctx.bytes);
        span.setAttribute('kafkaesque.fetch.partitions', ctx.partitions.length);
        const topics = [...new Set(ctx.partitions.map((p) => p.topic))];
        if (topics.length === 1) span.setAttribute('messaging.destination.name', topics[0]!);
      },
    );
  }

  follow<RebalanceTrace>(
    TRACING_CHANNELS.rebalance,
    (ctx) =>
      root(`rebalance ${ctx.groupId}`, SpanKind.CLIENT, {
        'messaging.system': SYSTEM,
        'messaging.operation.name': 'rebalance',
        'messaging.consumer.group.name': ctx.groupId,
        'kafkaesque.group.protocol': ctx.protocol,
      }),
    (span, ctx) => {
      span.setAttribute('kafkaesque.group.member_id', ctx.memberId);
      span.setAttribute('kafkaesque.group.generation', ctx.generation);
      span.setAttribute('kafkaesque.group.assigned', ctx.assigned.map((tp) => `${tp.topic}-${tp.partition}`));
      span.setAttribute('kafkaesque.group.claimed', ctx.claimed.length);
      span.setAttribute('kafkaesque.group.released', ctx.released.length);
    },
  );

  follow<CommitTrace>(TRACING_CHANNELS.commit, (ctx) =>
    root(`commit ${ctx.groupId}`, SpanKind.CLIENT, {
      'messaging.system': SYSTEM,
      'messaging.operation.name': 'commit',
      'messaging.operation.type': 'settle',
      'messaging.consumer.group.name': ctx.groupId,
      'messaging.batch.message_count': ctx.offsets.length,
      'kafkaesque.group.member_id': ctx.memberId,
      'kafkaesque.group.generation': ctx.generation,
    }),
  );

  if (options.connectSpans ?? true) {
    follow<ConnectTrace>(TRACING_CHANNELS.connect, (ctx) =>
      root(`connect ${ctx.host}:${ctx.port}`, SpanKind.CLIENT, {
        'messaging.system': SYSTEM,
        'server.address': ctx.host,
        'server.port': ctx.port,
        'kafkaesque.broker.node_id': ctx.nodeId,
        'kafkaesque.connection.tls': ctx.tls,
        ...(ctx.saslMechanism !== undefined ? { 'kafkaesque.connection.sasl_mechanism': ctx.saslMechanism } : {}),
      }),
    );
  }

  if (options.requestSpans ?? false) {
    follow<RequestTrace>(
      TRACING_CHANNELS.request,
      (ctx) =>
        root(ctx.apiName, SpanKind.CLIENT, {
          'messaging.system': SYSTEM,
          'server.address': ctx.host,
          'server.port': ctx.port,
          'kafkaesque.broker.node_id': ctx.nodeId,
          'kafkaesque.api.name': ctx.apiName,
          'kafkaesque.api.key': ctx.apiKey,
          'kafkaesque.api.version': ctx.apiVersion,
          'kafkaesque.request.bytes': ctx.requestBytes,
        }),
      (span, ctx) => span.setAttribute('kafkaesque.response.bytes', ctx.responseBytes),
    );
  }

  /** The process span of a message, child of the producer's context in its headers and linked to it. */
  function processSpan(m: TracedMessage, groupId: string | undefined, connection: string | undefined): Span {
    const producer = extract(m);
    const links: Link[] = [];
    if (producer !== undefined) links.push({ context: trace.getSpanContext(producer)! });
    const attributes: Attributes = {
      'messaging.system': SYSTEM,
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': m.topic,
      'messaging.destination.partition.id': String(m.partition),
      'messaging.kafka.offset': Number(m.offset),
    };
    if (groupId !== undefined && groupId !== '') attributes['messaging.consumer.group.name'] = groupId;
    if (keys && m.key !== null) attributes['messaging.kafka.message.key'] = keyText(m.key);
    if (connection !== undefined) attributes['kafkaesque.mux.connection'] = connection;
    return tracer.startSpan(`process ${m.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, producer ?? context.active());
  }

  follow<ProcessTrace>(TRACING_CHANNELS.process, (ctx) => {
    const span = processSpan(ctx, ctx.groupId, ctx.connection);
    const spanContext = trace.setSpan(context.active(), span);
    ctx.runWith = (fn) => context.with(spanContext, fn);
    return span;
  });

  return {
    disable(): void {
      for (const off of subscriptions.splice(0)) off();
    },
    async process<T>(message: TracedMessage, fn: () => T | Promise<T>, groupId?: string): Promise<T> {
      const span = processSpan(message, groupId, undefined);
      try {
        return await context.with(trace.setSpan(context.active(), span), fn);
      } catch (err) {
        failSpan(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
    extract,
  };
}

/** Writes the span's context as `traceparent` (and `tracestate`) into `headers`, replacing any there. */
function inject(span: Span, headers: Array<{ key: string; value: TraceBytes | null }>): void {
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return;
  for (let i = headers.length - 1; i >= 0; i--) {
    const k = headers[i]!.key;
    if (k === TRACEPARENT_HEADER || k === TRACESTATE_HEADER) headers.splice(i, 1);
  }
  const flags = (sc.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  headers.push({ key: TRACEPARENT_HEADER, value: `00-${sc.traceId}-${sc.spanId}-${flags}` });
  const state = sc.traceState?.serialize();
  if (state) headers.push({ key: TRACESTATE_HEADER, value: state });
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The remote span context in a message's `traceparent`/`tracestate` headers, as a Context. */
function extract(m: Pick<TracedMessage, 'headers'>): Context | undefined {
  let parent: string | undefined;
  let state: string | undefined;
  for (const h of m.headers) {
    if (h.value === null) continue;
    if (h.key === TRACEPARENT_HEADER) parent = h.value.toString('latin1').trim();
    else if (h.key === TRACESTATE_HEADER) state = h.value.toString('latin1');
  }
  if (parent === undefined) return undefined;
  const match = TRACEPARENT.exec(parent);
  if (match === null || match[1] === 'ff') return undefined;
  const sc = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(state !== undefined ? { traceState: createTraceState(state) } : {}),
  };
  if (!isSpanContextValid(sc)) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

function failSpan(span: Span, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  const code = (error as { code?: unknown }).code;
  span.setAttribute('error.type', typeof code === 'string' ? code : e.name);
}

function keyText(key: TraceBytes): string {
  return typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
}

export { observeKafkaesqueMetrics, METRIC_NAMES, type MetricsSource, type KafkaesqueMetricsOptions, type KafkaesqueMetrics } from './metrics.js';
