/** KafkaJS's instrumentation events: `on(name, listener)` returns a function that removes it. */
import * as dc from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { RequestTimeoutError, type RequestTrace, TRACING_CHANNELS } from '../index.js';
import { KafkaJSNonRetriableError } from './errors.js';

export interface InstrumentationEvent<T = unknown> {
  id: number;
  type: string;
  timestamp: number;
  payload: T;
}

/** `*.network.request`: one request answered by the broker (or written, for a Produce with acks 0). */
export interface RequestEventPayload {
  broker: string;
  clientId: string;
  correlationId: number;
  /** Bytes of the response (size prefix excluded); 0 for a request without a response. */
  size: number;
  createdAt: number;
  sentAt: number;
  /** Always 0: kafkaesque writes a request as soon as it is made (there is no client-side request queue). */
  pendingDuration: number;
  duration: number;
  apiName: string;
  apiKey: number;
  apiVersion: number;
}

/** `*.network.request_timeout`: a request the broker did not answer within the request timeout. */
export type RequestTimeoutEventPayload = Omit<RequestEventPayload, 'size' | 'duration'>;

/** The names KafkaJS gives the APIs whose name changed in Kafka since (the rest are the same). */
const KAFKAJS_API_NAMES: Readonly<Record<string, string>> = { FindCoordinator: 'GroupCoordinator', ElectLeaders: 'ElectPreferredLeaders' };

let nextId = 0;
let nextInstance = 0;

/**
 * The clients with a REQUEST or REQUEST_TIMEOUT listener and native clients open, by their
 * `clientInstance`: one subscription to `kafkaesque:request` serves them all, and exists only
 * while this is not empty (nobody listening costs nothing: the connections build no request
 * payload). A client leaves it when it disconnects, so a dropped client is not kept alive here.
 */
const networkListeners = new Map<string, Instrumentation>();
const requestChannel = dc.tracingChannel<unknown, RequestTrace>(TRACING_CHANNELS.request);
const requestHandlers: dc.TracingChannelSubscribers<RequestTrace> = {
  start() {},
  end() {},
  asyncStart() {},
  error() {},
  // the outcome (success or failure) of one request
  asyncEnd(trace) {
    if (trace.client !== undefined) networkListeners.get(trace.client)?.requestDone(trace);
  },
};

export class Instrumentation {
  private readonly emitter = new EventEmitter();
  /**
   * Names this KafkaJS client's native clients in kafkaesque's tracing payloads (their Config
   * `clientInstance`), so its REQUEST events are its own requests only.
   */
  readonly #clientInstance: string;
  /** Native clients of this KafkaJS client may be open (from the first one made to disconnect()). */
  #open = false;
  private readonly network: readonly string[];
  constructor(
    private readonly all: Record<string, string>,
    private readonly emitted: ReadonlySet<string>,
    private readonly what: string,
  ) {
    this.#clientInstance = `kafkajs-${what}-${++nextInstance}`;
    this.network = [all.REQUEST, all.REQUEST_TIMEOUT].filter((n): n is string => n !== undefined);
  }

  on<T>(eventName: string, listener: (event: InstrumentationEvent<T>) => void): () => void {
    const known = Object.values(this.all);
    if (!known.includes(eventName)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${this.what}.events: ${known.join(', ')}; got ${String(eventName)}`);
    }
    if (!this.emitted.has(eventName)) {
      // a listener that would never be called is a silent bug in the application: say so
      throw new KafkaJSNonRetriableError(`kafkaesque/kafkajs does not emit ${eventName} (see docs/kafkajs-migration.md)`);
    }
    const wrapped = (e: InstrumentationEvent<T>): void => {
      try {
        const r = listener(e) as unknown;
        if (r instanceof Promise) r.catch(() => {});
      } catch {
        // a listener's error must not break the client, as in KafkaJS
      }
    };
    this.emitter.on(eventName, wrapped);
    if (this.network.includes(eventName)) this.watchRequests();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.emitter.off(eventName, wrapped);
      if (this.network.includes(eventName)) this.watchRequests();
    };
  }

  /**
   * The `clientInstance` to give a native client of this KafkaJS client (its Config), so that its
   * requests are this client's REQUEST events; from now until `closed()`, they are watched.
   */
  nativeClientInstance(): string {
    this.#open = true;
    this.watchRequests();
    return this.#clientInstance;
  }

  /** The KafkaJS client disconnected: its native clients are closed, its requests no longer watched. */
  closed(): void {
    this.#open = false;
    this.watchRequests();
  }

  /** Joins or leaves the request subscribers as this client's network listeners and native clients come and go. */
  private watchRequests(): void {
    const wanted = this.#open && this.network.some((n) => this.listening(n));
    if (wanted === networkListeners.has(this.#clientInstance)) return;
    if (wanted) {
      if (networkListeners.size === 0) requestChannel.subscribe(requestHandlers);
      networkListeners.set(this.#clientInstance, this);
    } else {
      networkListeners.delete(this.#clientInstance);
      if (networkListeners.size === 0) requestChannel.unsubscribe(requestHandlers);
    }
  }

  /** One of this client's requests ended: REQUEST when answered, REQUEST_TIMEOUT when it timed out (as KafkaJS, nothing for other failures). */
  requestDone(t: RequestTrace): void {
    const duration = Math.round(t.latencyMs);
    const sentAt = Date.now() - duration;
    const apiName = KAFKAJS_API_NAMES[t.apiName] ?? t.apiName;
    if (t.error === undefined) {
      const payload: RequestEventPayload = {
        broker: `${t.host}:${t.port}`,
        clientId: t.clientId,
        correlationId: t.correlationId,
        size: t.responseBytes > 0 ? t.responseBytes - 4 : 0,
        createdAt: sentAt,
        sentAt,
        pendingDuration: 0,
        duration,
        apiName,
        apiKey: t.apiKey,
        apiVersion: t.apiVersion,
      };
      this.emit(this.all.REQUEST!, payload);
    } else if (t.error instanceof RequestTimeoutError) {
      const payload: RequestTimeoutEventPayload = {
        broker: `${t.host}:${t.port}`,
        clientId: t.clientId,
        correlationId: t.correlationId,
        createdAt: sentAt,
        sentAt,
        pendingDuration: 0,
        apiName,
        apiKey: t.apiKey,
        apiVersion: t.apiVersion,
      };
      this.emit(this.all.REQUEST_TIMEOUT!, payload);
    }
  }

  /** Whether anything listens for `type` (payloads that cost something are built only then). */
  listening(type: string): boolean {
    return this.emitter.listenerCount(type) > 0;
  }

  emit(type: string, payload: unknown): void {
    if (this.emitter.listenerCount(type) === 0) return;
    this.emitter.emit(type, { id: nextId++, type, timestamp: Date.now(), payload });
  }
}
