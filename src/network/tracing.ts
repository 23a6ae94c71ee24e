/**
 * Tracing hooks: `node:diagnostics_channel` TracingChannels that the layers publish on, and the
 * payload each carries (docs/observability.md). Nothing here knows about OpenTelemetry: the
 * optional `kafkaesque/otel` entry subscribes to these channels and makes spans of them.
 *
 * Every operation publishes as `tracingChannel.tracePromise` would, by hand because most of them
 * do not begin and end in one function call (a send ends with its acknowledgement): `start` and
 * `end` when it begins (`end`: the synchronous part returned), then when its outcome is known
 * `error` (failures only, with `error` set on the payload), `asyncStart` and `asyncEnd`, all with
 * the same payload object, which the layers fill as the operation goes (offsets, bytes, ...).
 *
 * Cost when nobody listens: each publishing site reads `channel.hasSubscribers` (a getter over
 * the five sub-channels) before it builds a payload, and builds nothing when it is false.
 * test/network/tracing.test.ts ("without subscribers no payload is built") holds the hot paths to that.
 */
import * as dc from 'node:diagnostics_channel';

/** A record's key or header value as the producer takes it (the producer's MessageBytes). */
export type TraceBytes = Buffer | Uint8Array | string;
/** A record header as the producer takes it (the producer's MessageHeader). */
export interface TraceHeader {
  key: string;
  value: TraceBytes | null;
}

/** The names of kafkaesque's TracingChannels (each is the prefix of its five sub-channels, `tracing:<name>:start`, ...). */
export const TRACING_CHANNELS = Object.freeze({
  /** Opening a connection: TCP/TLS, ApiVersions, SASL. */
  connect: 'kafkaesque:connect',
  /** Every request to a broker, from writing it to its response (or failure). */
  request: 'kafkaesque:request',
  /** One record, from the producer's `send` to its acknowledgement (or failure). */
  send: 'kafkaesque:producer:send',
  /** One partition's batch in one Produce request (each attempt), to its answer. */
  batch: 'kafkaesque:producer:batch',
  /** One Fetch request of the consumer, to its answer read onto the partitions. */
  fetch: 'kafkaesque:consumer:fetch',
  /** A group member's rebalance: from the start of a join (or KIP-848 reconciliation) to its assignment. */
  rebalance: 'kafkaesque:consumer:rebalance',
  /** One OffsetCommit of a group's marked offsets. */
  commit: 'kafkaesque:consumer:commit',
  /** One message handled by a Multiplexer handler. */
  process: 'kafkaesque:consumer:process',
});

export type TracingChannelName = (typeof TRACING_CHANNELS)[keyof typeof TRACING_CHANNELS];

/** Set on every payload by the `error` event: the operation's error. */
interface WithError {
  error?: Error;
}

/** `kafkaesque:connect`. */
export interface ConnectTrace extends WithError {
  /** The `clientInstance` of the client opening it (Config `clientInstance`); undefined when not set. */
  client: string | undefined;
  host: string;
  port: number;
  /** The broker's node id when the client knows it (not for bootstrap addresses): -1 otherwise. */
  nodeId: number;
  tls: boolean;
  /** The SASL mechanism, if any (never the credentials). */
  saslMechanism: string | undefined;
  /** Milliseconds from start to outcome. */
  durationMs: number;
}

/** `kafkaesque:request`. */
export interface RequestTrace extends WithError {
  /** The `clientInstance` of the client that made the request (Config `clientInstance`); undefined when not set. */
  client: string | undefined;
  /** The client id the request header carries (Config `clientId`). */
  clientId: string;
  apiName: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  host: string;
  port: number;
  /** -1 when the connection's node id is not known (bootstrap). */
  nodeId: number;
  /** Size of the request frame (size prefix included). */
  requestBytes: number;
  /** Size of the response frame (size prefix included); 0 until answered, and for requests without a response. */
  responseBytes: number;
  /** Whether the broker answers (false: Produce with acks=0). */
  expectResponse: boolean;
  /** Milliseconds from writing the request to its response or failure. */
  latencyMs: number;
}

/** `kafkaesque:producer:send`. */
export interface SendTrace extends WithError {
  topic: string;
  key: TraceBytes | null;
  /**
   * The record's headers: a copy of the caller's array that the record is sent with, so a
   * subscriber of `start` may push headers (the OpenTelemetry integration adds `traceparent`).
   */
  headers: TraceHeader[];
  /** The partition asked for at `start`; the partition it went to at the outcome (-1 if none). */
  partition: number;
  /** The offset the broker gave it (-1n until acknowledged, and with acks=0). */
  offset: bigint;
}

/** `kafkaesque:producer:batch`. */
export interface BatchTrace extends WithError {
  topic: string;
  partition: number;
  recordCount: number;
  /** Bytes of the batch as sent (compressed when it is). */
  bytes: number;
  /** Which attempt of this batch (1 first). */
  attempt: number;
  nodeId: number;
  /** The base offset the broker gave the batch (-1n until acknowledged, with acks=0, or a duplicate). */
  baseOffset: bigint;
  /** On error: whether the batch will be tried again. */
  retrying: boolean;
}

/** A partition in a `kafkaesque:consumer:fetch` payload. */
export interface FetchPartitionTrace {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  /** Filled from the answer: */
  errorCode: number;
  highWatermark: bigint;
  /** Record-set bytes the broker returned for the partition. */
  bytes: number;
}

/** `kafkaesque:consumer:fetch`. */
export interface FetchTrace extends WithError {
  nodeId: number;
  maxBytes: number;
  sessionId: number;
  sessionEpoch: number;
  partitions: FetchPartitionTrace[];
  /** Record-set bytes in the answer, over all partitions. */
  bytes: number;
}

/** `kafkaesque:consumer:rebalance`. */
export interface RebalanceTrace extends WithError {
  groupId: string;
  /** 'classic' (JoinGroup/SyncGroup) or 'consumer' (KIP-848). */
  protocol: 'classic' | 'consumer';
  /** The member id and generation (classic) or member epoch (KIP-848) at start, then at the end. */
  memberId: string;
  generation: number;
  /** At the end: the partitions owned, those taken and those given up in this rebalance. */
  assigned: Array<{ topic: string; partition: number }>;
  claimed: Array<{ topic: string; partition: number }>;
  released: Array<{ topic: string; partition: number }>;
}

/** `kafkaesque:consumer:commit`. */
export interface CommitTrace extends WithError {
  groupId: string;
  memberId: string;
  generation: number;
  offsets: Array<{ topic: string; partition: number; offset: bigint }>;
}

/** `kafkaesque:consumer:process`. */
export interface ProcessTrace extends WithError {
  /** The Multiplexer connection whose handler runs. */
  connection: string;
  groupId: string;
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>;
  timestamp: number;
  /**
   * A subscriber of `start` may set this: the handler then runs as `runWith(() => handler(m))`
   * (the OpenTelemetry integration runs it inside the process span's context).
   */
  runWith?: <T>(fn: () => T) => T;
}

/** @internal the channels, made once. */
export const connectChannel = dc.tracingChannel<unknown, ConnectTrace>(TRACING_CHANNELS.connect);
/** @internal */
export const requestChannel = dc.tracingChannel<unknown, RequestTrace>(TRACING_CHANNELS.request);
/** @internal */
export const sendChannel = dc.tracingChannel<unknown, SendTrace>(TRACING_CHANNELS.send);
/** @internal */
export const batchChannel = dc.tracingChannel<unknown, BatchTrace>(TRACING_CHANNELS.batch);
/** @internal */
export const fetchChannel = dc.tracingChannel<unknown, FetchTrace>(TRACING_CHANNELS.fetch);
/** @internal */
export const rebalanceChannel = dc.tracingChannel<unknown, RebalanceTrace>(TRACING_CHANNELS.rebalance);
/** @internal */
export const commitChannel = dc.tracingChannel<unknown, CommitTrace>(TRACING_CHANNELS.commit);
/** @internal */
export const processChannel = dc.tracingChannel<unknown, ProcessTrace>(TRACING_CHANNELS.process);

/** @internal Publishes `start` and `end`: the operation began (see the top comment). */
export function traceBegin<T extends object>(ch: dc.TracingChannel<unknown, T>, ctx: T): void {
  ch.start.publish(ctx);
  ch.end.publish(ctx);
}

/** @internal Publishes the outcome: `error` when `error` is given, then `asyncStart` and `asyncEnd`. */
export function traceFinish<T extends WithError>(ch: dc.TracingChannel<unknown, T>, ctx: T, error?: Error): void {
  if (error !== undefined) {
    ctx.error = error;
    ch.error.publish(ctx);
  }
  ch.asyncStart.publish(ctx);
  ch.asyncEnd.publish(ctx);
}

/**
 * @internal Publishes `run` on `ch` with payload `ctx`: begin, then the outcome when its promise
 * settles (the error, if any, is rethrown). `settled` is called first, to fill in what the
 * outcome adds to the payload.
 */
export async function traceAround<T extends WithError, R>(ch: dc.TracingChannel<unknown, T>, ctx: T, run: () => Promise<R>, settled?: () => void): Promise<R> {
  traceBegin(ch, ctx);
  let result: R;
  try {
    result = await run();
  } catch (err) {
    settled?.();
    traceFinish(ch, ctx, err as Error);
    throw err;
  }
  settled?.();
  traceFinish(ch, ctx);
  return result;
}

/**
 * @internal Runs a Multiplexer handler on `kafkaesque:consumer:process` (only called when it has
 * subscribers): `tracePromise`, so a subscriber's `bindStore` sees the handler run in its store.
 */
export function traceProcess<M extends { topic: string; partition: number; offset: bigint; key: Buffer | null; headers: ProcessTrace['headers']; timestamp: number }>(
  connection: string,
  groupId: string,
  handler: (m: M) => unknown,
  m: M,
): Promise<unknown> {
  const trace: ProcessTrace = {
    connection,
    groupId,
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: m.key,
    headers: m.headers,
    timestamp: m.timestamp,
  };
  return processChannel.tracePromise(async () => (trace.runWith === undefined ? handler(m) : trace.runWith(() => handler(m))), trace);
}
