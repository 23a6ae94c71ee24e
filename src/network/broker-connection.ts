/**
 * One Connection per broker socket: length-prefixed framing, correlation ids, many requests
 * in flight with responses matched by correlation id, a timeout per request, and ApiVersions
 * negotiation on connect (per API, the highest version both sides speak).
 *
 * Failure model: anything that makes the byte stream untrustworthy (a frame size above the
 * maximum, a body that does not parse, a response nobody asked for, a request timeout) closes
 * this connection and rejects every pending request with a typed error. Other connections
 * and the process are unaffected.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ApiCodec } from '../../protocol/api.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { decodeResponseHeader, encodeRequestHeader } from '../../protocol/header.js';
import { ApiVersions, type ApiVersionsResponse } from '../../protocol/messages/api-versions.js';
import { SaslAuthenticate } from '../../protocol/messages/sasl-authenticate.js';
import { SaslHandshake } from '../../protocol/messages/sasl-handshake.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import {
  AuthenticationError,
  ConnectionClosedError,
  ConnectionError,
  FrameTooLargeError,
  ProtocolViolationError,
  RequestTimeoutError,
  SaslMechanismError,
  UnsupportedVersionError,
} from './errors.js';
import { FrameDecoder } from './framing.js';
import { type Logger, NOOP_LOGGER } from './logger.js';
import {
  createSaslClient,
  hideSaslPassword,
  saslHandshakeName,
  OAuthBearerClient,
  saslIdentity,
  type SaslMechanismClient,
  type SaslOptions,
} from './sasl.js';
import { stripUndefined } from './options.js';
import type { ClientMetrics } from './metrics.js';
import { type ConnectTrace, connectChannel, type RequestTrace, requestChannel, traceAround, traceBegin, traceFinish } from './tracing.js';

export interface BrokerConnectionOptions {
  host: string;
  port: number;
  /** Sent in every request header; brokers log it and quotas may key on it. */
  clientId?: string;
  /** Time allowed for the TCP/TLS handshake and the ApiVersions exchange. Default 10 s. */
  connectTimeoutMs?: number;
  /** Default time a request may wait for its response. Default 30 s. */
  requestTimeoutMs?: number;
  /** Largest response frame accepted; a larger size prefix closes the connection. Default 100 MiB. */
  maxFrameBytes?: number;
  /** Options for `tls.connect`; when set the connection uses TLS. */
  tls?: tls.ConnectionOptions;
  /** Software name/version reported in ApiVersions v3+ (KIP-511). */
  clientSoftwareName?: string;
  clientSoftwareVersion?: string;
  logger?: Logger;
  /**
   * SASL credentials: after ApiVersions, SaslHandshake v1 then SaslAuthenticate with PLAIN,
   * SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER. A failure rejects with AuthenticationError (not
   * retriable) and closes the connection. When the broker limits the session (KIP-368,
   * `connections.max.reauth.ms`, or an OAUTHBEARER token's expiry) the connection re-authenticates
   * before the session ends, so it keeps the credentials (in a private field, password hidden)
   * until it closes; otherwise it drops them once authenticated.
   */
  sasl?: SaslOptions;
  /** The client's counters (requests, bytes, latency, failures); none counted without. */
  metrics?: ClientMetrics;
  /** The broker's node id when known (for tracing payloads); -1 (the default) for a bootstrap address. */
  nodeId?: number;
  /** Names the client this connection belongs to in its tracing payloads (`client`); never sent to the broker. */
  clientInstance?: string;
}

/** A request buffer allocated up front is never larger than this, whatever the hint says. */
const MAX_SIZE_HINT = 64 * 1024 * 1024;
/**
 * Request writers kept per connection for reuse, and the largest kept: a writer is free again
 * once the socket flushed its frame, so two cover a producer that keeps several requests in
 * flight (each extra one is up to maxRequestBytes of memory that is rarely used).
 */
const SPARE_WRITERS = 2;
const MAX_SPARE_WRITER_BYTES = 4 * 1024 * 1024;
/**
 * The broker refuses (ILLEGAL_SASL_STATE) a re-authentication that starts less than 1 s after
 * the previous one started (KafkaChannel's minimum re-authentication interval); keep a margin.
 */
const MIN_REAUTH_INTERVAL_MS = 1100;

export interface SendOptions {
  /** Version to use instead of the negotiated one (must be one the broker supports). */
  version?: number;
  /** Timeout for this request instead of the connection's default. */
  timeoutMs?: number;
  /**
   * About how many bytes the request will take (e.g. a Produce request's batches): its buffer is
   * allocated at that size once instead of doubling from 512 bytes, which leaves a trail of
   * garbage buffers behind a large request.
   */
  sizeHint?: number;
}

/** The range of versions of one API the broker advertised. */
export interface BrokerApiRange {
  minVersion: number;
  maxVersion: number;
}

interface Pending {
  correlationId: number;
  codec: ApiCodec<unknown, unknown>;
  version: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** performance.now() when it was written (for the latency metric). */
  startedAt: number;
  /** The `kafkaesque:request` payload, when that channel had subscribers as it was written. */
  trace: RequestTrace | undefined;
}

/** Defaults of the connection options (the client's Config takes its defaults of these options from here). */
export const CONNECTION_DEFAULTS = Object.freeze({
  clientId: 'kafkaesque',
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxFrameBytes: 100 * 1024 * 1024,
  clientSoftwareName: 'kafkaesque',
  clientSoftwareVersion: '0.1.0',
  nodeId: -1,
});

export interface BrokerConnectionEvents {
  close: [error: KafkaesqueError | undefined];
}

export class BrokerConnection extends EventEmitter<BrokerConnectionEvents> {
  /** `host:port` of the broker, for messages. */
  readonly broker: string;
  /** The broker's node id, -1 until the client knows it (a bootstrap address): for tracing payloads. */
  nodeId: number;
  private readonly socket: net.Socket;
  private readonly opts: Required<Omit<BrokerConnectionOptions, 'tls' | 'logger' | 'sasl' | 'metrics' | 'clientInstance'>> & { logger: Logger; clientInstance?: string };
  private readonly metrics: ClientMetrics | undefined;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  /** Request writers whose frames the socket has flushed, for the next requests (see requestWriter). */
  private readonly spareWriters: Writer[] = [];
  private nextCorrelationId = 0;
  private closedWith: KafkaesqueError | undefined;
  private isClosed = false;
  private apiRanges = new Map<number, BrokerApiRange>();
  private features = new Map<string, number>();
  /** The credentials, kept for re-authentication only while the broker limits the session. */
  #sasl: SaslOptions | undefined;
  #reauthTimer: NodeJS.Timeout | undefined;
  /** Requests held while a re-authentication runs, written in order when it ends. */
  #held: (() => void)[] | undefined;
  #reauthentications = 0;
  #sessionLifetimeMs = 0;
  /** performance.now() when the last (re-)authentication started. */
  #authStartedAt = 0;

  private constructor(socket: net.Socket, opts: BrokerConnection['opts'], metrics: ClientMetrics | undefined) {
    super();
    this.socket = socket;
    this.opts = opts;
    this.metrics = metrics;
    if (metrics) metrics.connectionsOpened++;
    this.broker = `${opts.host}:${opts.port}`;
    this.nodeId = opts.nodeId;
    this.decoder = new FrameDecoder(opts.maxFrameBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new ConnectionClosedError(this.broker, err.message, err)));
    socket.on('close', () => this.fail(new ConnectionClosedError(this.broker, 'closed by the broker')));
  }

  /**
   * Opens a connection and negotiates API versions. Rejects with ConnectionError when the
   * socket cannot be opened in time, or with the negotiation's error.
   */
  static async connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    // the credentials and TLS keys stay out of `opts` (util.inspect of a connection must not show them)
    const { sasl, tls: tlsOptions, metrics, ...rest } = options;
    const opts = {
      ...CONNECTION_DEFAULTS,
      ...stripUndefined(rest),
      logger: options.logger ?? NOOP_LOGGER,
    } as BrokerConnection['opts'];
    const broker = `${opts.host}:${opts.port}`;
    if (!connectChannel.hasSubscribers) return BrokerConnection.open(opts, broker, tlsOptions, sasl, metrics);
    const trace: ConnectTrace = {
      client: opts.clientInstance,
      host: opts.host,
      port: opts.port,
      nodeId: opts.nodeId,
      tls: tlsOptions !== undefined,
      saslMechanism: sasl === undefined ? undefined : saslHandshakeName(sasl),
      durationMs: 0,
    };
    const started = performance.now();
    return traceAround(connectChannel, trace, () => BrokerConnection.open(opts, broker, tlsOptions, sasl, metrics), () => (trace.durationMs = performance.now() - started));
  }

  private static async open(
    opts: BrokerConnection['opts'],
    broker: string,
    tlsOptions: tls.ConnectionOptions | undefined,
    sasl: SaslOptions | undefined,
    metrics: ClientMetrics | undefined,
  ): Promise<BrokerConnection> {
    const socket = await openSocket(opts.host, opts.port, opts.connectTimeoutMs, tlsOptions);
    const conn = new BrokerConnection(socket, opts, metrics);
    try {
      await conn.negotiate();
      if (sasl !== undefined) await conn.authenticate(sasl);
    } catch (err) {
      conn.close();
      if (err instanceof KafkaesqueError) throw err;
      throw new ConnectionError(broker, (err as Error).message, err);
    }
    return conn;
  }

  /** True once the connection is closed (by either side, or after an error). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Successful re-authentications of this connection (KIP-368). */
  get reauthentications(): number {
    return this.#reauthentications;
  }

  /** The session lifetime the broker gave at the last authentication, in ms; 0 when unlimited. */
  get sessionLifetimeMs(): number {
    return this.#sessionLifetimeMs;
  }

  /** Requests waiting for their response. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * The level of a cluster feature as this broker last reported it in ApiVersions v3+ (KIP-584):
   * e.g. `transaction.version` 2 means transactions V2 (KIP-890). 0 when not finalized.
   */
  finalizedFeature(name: string): number {
    return this.features.get(name) ?? 0;
  }

  /** The broker's advertised version range for an API key, if it has the API. */
  brokerRange(apiKey: number): BrokerApiRange | undefined {
    return this.apiRanges.get(apiKey);
  }

  /**
   * The version to use for an API: the highest that both this codec and the broker speak.
   * Never below the codec's minimum, so Produce is never sent below v3 even though 4.x
   * brokers still advertise Produce v0 (KAFKA-18659).
   */
  versionFor(codec: ApiCodec<unknown, unknown>): number {
    const range = this.apiRanges.get(codec.apiKey);
    if (range === undefined) {
      throw new UnsupportedVersionError(this.broker, codec.name, codec.apiKey, 'the broker does not offer this API');
    }
    const version = Math.min(codec.maxVersion, range.maxVersion);
    if (version < Math.max(codec.minVersion, range.minVersion)) {
      throw new UnsupportedVersionError(
        this.broker,
        codec.name,
        codec.apiKey,
        `broker offers v${range.minVersion}-v${range.maxVersion}, kafkaesque speaks v${codec.minVersion}-v${codec.maxVersion}`,
      );
    }
    return version;
  }

  /** Sends a request and resolves with the decoded response. */
  send<Req, Res>(codec: ApiCodec<Req, Res>, request: Req, options?: SendOptions): Promise<Res> {
    if (this.#held !== undefined) return this.hold(() => this.write(codec, request, options, true)) as Promise<Res>;
    return this.write(codec, request, options, true) as Promise<Res>;
  }

  /** Sends a request that the broker will not answer (Produce with acks=0). */
  sendNoResponse<Req>(codec: ApiCodec<Req, unknown>, request: Req, options?: SendOptions): Promise<void> {
    if (this.#held !== undefined) return this.hold(() => this.write(codec, request, options, false)) as Promise<void>;
    return this.write(codec, request, options, false) as Promise<void>;
  }

  /**
   * Queues a request until the re-authentication ends: the broker takes every frame after
   * SaslHandshake as part of the SASL exchange until it completes (KIP-368), so a request
   * written meanwhile would break it. Order is kept (a producer's batches must not overtake).
   */
  private hold<T>(writeLater: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#held!.push(() => writeLater().then(resolve, reject));
    });
  }

  /** Bytes queued in the socket's write buffer; callers apply backpressure with `waitForDrain`. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Resolves when the socket's write buffer has drained (immediately if it is empty). */
  waitForDrain(): Promise<void> {
    if (this.socket.writableLength === 0 || this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.once('close', done);
    });
  }

  /** Closes the connection; pending requests reject with ConnectionClosedError. */
  close(): void {
    this.fail(new ConnectionClosedError(this.broker, 'closed by the client'));
  }

  // ---------------------------------------------------------------------------------------

  private write<Req, Res>(
    codec: ApiCodec<Req, Res>,
    request: Req,
    options: SendOptions | undefined,
    expectResponse: boolean,
  ): Promise<Res | void> {
    if (this.isClosed) {
      const error = this.closedWith ?? new ConnectionClosedError(this.broker, 'already closed');
      if (requestChannel.hasSubscribers) {
        // not written: no version chosen, no correlation id taken
        traceFinish(requestChannel, this.requestTrace(codec as ApiCodec<unknown, unknown>, options?.version ?? -1, -1, 0, expectResponse), error);
      }
      return Promise.reject(error);
    }
    let version: number;
    let frame: Buffer;
    let w: Writer;
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    try {
      version = options?.version ?? this.versionFor(codec as ApiCodec<unknown, unknown>);
      w = this.requestWriter(options?.sizeHint ?? 0);
      w.int32(0); // size, patched below
      encodeRequestHeader(
        w,
        { requestApiKey: codec.apiKey, requestApiVersion: version, correlationId, clientId: this.opts.clientId },
        codec.requestHeaderVersion(version),
      );
      codec.encodeRequest(w, request, version);
      w.patchInt32(0, w.length - 4);
      frame = w.finish();
    } catch (err) {
      return Promise.reject(err);
    }
    const trace = requestChannel.hasSubscribers ? this.requestTrace(codec, version, correlationId, frame.length, expectResponse) : undefined;
    if (!expectResponse) {
      if (this.metrics) {
        this.metrics.requestSent(codec.name, frame.length);
        this.metrics.requestAnswered(codec.name, 0, 0);
      }
      this.writeFrame(frame, w);
      if (trace !== undefined) traceFinish(requestChannel, trace);
      return Promise.resolve();
    }
    return new Promise<Res>((resolve, reject) => {
      const timeoutMs = options?.timeoutMs ?? this.opts.requestTimeoutMs;
      const p: Pending = {
        correlationId,
        codec: codec as ApiCodec<unknown, unknown>,
        version,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: undefined,
        startedAt: this.metrics === undefined && trace === undefined ? 0 : performance.now(),
        trace,
      };
      p.timer = setTimeout(() => {
        this.fail(new RequestTimeoutError(this.broker, codec.name, timeoutMs), p);
      }, timeoutMs);
      this.pending.set(correlationId, p);
      this.metrics?.requestSent(codec.name, frame.length);
      this.writeFrame(frame, w);
    });
  }

  /** The `kafkaesque:request` payload of a request (built only when the channel has subscribers); publishes its start. */
  private requestTrace(codec: ApiCodec<unknown, unknown>, version: number, correlationId: number, requestBytes: number, expectResponse: boolean): RequestTrace {
    const trace: RequestTrace = {
      client: this.opts.clientInstance,
      clientId: this.opts.clientId,
      apiName: codec.name,
      apiKey: codec.apiKey,
      apiVersion: version,
      correlationId,
      host: this.opts.host,
      port: this.opts.port,
      nodeId: this.nodeId,
      requestBytes,
      responseBytes: 0,
      expectResponse,
      latencyMs: 0,
    };
    traceBegin(requestChannel, trace);
    return trace;
  }

  /**
   * A writer for the next request: a spare one whose last frame the socket has flushed, else a
   * new one of `sizeHint` bytes. Reusing them keeps large requests (Produce) from leaving a
   * buffer of garbage each behind, which V8 collects only after tens of MiB of them pile up.
   */
  private requestWriter(sizeHint: number): Writer {
    const spare = this.spareWriters.pop();
    // a spare too small for the request would grow (a copy, and its old buffer to the GC)
    if (spare !== undefined && spare.capacity >= sizeHint) return spare.reset();
    // a quarter more than asked, in 64 KiB steps: the next request (a Produce is about as large
    // as the last) then fits in this one when it comes back as a spare
    const size = sizeHint <= 65536 ? sizeHint : Math.ceil((sizeHint * 1.25) / 65536) * 65536;
    return new Writer(Math.min(Math.max(512, size), MAX_SIZE_HINT));
  }

  private writeFrame(frame: Buffer, w: Writer): void {
    this.socket.write(frame, () => {
      // flushed to the kernel (or the socket failed): the writer's buffer is free again
      if (this.spareWriters.length < SPARE_WRITERS && w.capacity <= MAX_SPARE_WRITER_BYTES) this.spareWriters.push(w);
    });
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, (frame) => this.onFrame(frame));
    } catch (err) {
      if (err instanceof FrameTooLargeError) {
        this.fail(new ProtocolViolationError(this.broker, err.message));
      } else if (!this.isClosed) {
        this.fail(new ProtocolViolationError(this.broker, (err as Error).message, err));
      }
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.isClosed) return;
    if (frame.length < 4) {
      this.fail(new ProtocolViolationError(this.broker, `response frame of ${frame.length} bytes has no correlation id`));
      return;
    }
    const correlationId = frame.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (p === undefined) {
      this.fail(new ProtocolViolationError(this.broker, `response with correlation id ${correlationId} matches no request`));
      return;
    }
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    let response: unknown;
    try {
      const r = new Reader(frame);
      decodeResponseHeader(r, p.codec.responseHeaderVersion(p.version));
      response = p.codec.decodeResponse(r, p.version);
      r.expectEnd(`${p.codec.name} v${p.version} response`);
    } catch (err) {
      const error = new ProtocolViolationError(
        this.broker,
        `cannot decode ${p.codec.name} v${p.version} response: ${(err as Error).message}`,
        err,
      );
      this.pending.set(correlationId, p);
      this.fail(error, p);
      return;
    }
    this.metrics?.requestAnswered(p.codec.name, performance.now() - p.startedAt, frame.length + 4);
    const trace = p.trace;
    if (trace !== undefined) {
      trace.responseBytes = frame.length + 4;
      trace.latencyMs = performance.now() - p.startedAt;
      traceFinish(requestChannel, trace);
    }
    p.resolve(response);
  }

  /**
   * Closes the connection once, rejecting every pending request with `error`. When a single
   * request caused it (`culprit`, e.g. its timeout), only that request gets `error` and the
   * others get ConnectionClosedError.
   */
  private fail(error: KafkaesqueError, culprit?: Pending): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closedWith = error;
    clearTimeout(this.#reauthTimer);
    this.#sasl = undefined;
    const held = this.#held;
    this.#held = undefined;
    // held requests were never written: write() rejects them with this error
    if (held !== undefined) for (const h of held) h();
    const graceful = error instanceof ConnectionClosedError && error.message.endsWith('closed by the client');
    if (graceful) this.socket.end();
    this.socket.destroy();
    // A timeout is the culprit's alone; the requests that shared its connection were cut off.
    const others =
      culprit === undefined ? error : new ConnectionClosedError(this.broker, `after an error: ${error.message}`, error);
    if (this.metrics) this.metrics.connectionsClosed++;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      const e = p === culprit ? error : others;
      this.metrics?.requestFailed(p.codec.name, e.code);
      if (p.trace !== undefined) {
        p.trace.latencyMs = performance.now() - p.startedAt;
        traceFinish(requestChannel, p.trace, e);
      }
      p.reject(e);
    }
    this.pending.clear();
    if (!graceful) this.opts.logger.warn(`connection to ${this.broker} closed`, { error: error.message });
    this.emit('close', graceful ? undefined : error);
  }

  /**
   * ApiVersions on connect. A broker that does not know our ApiVersions version answers in
   * v0 with UNSUPPORTED_VERSION and its own range for ApiVersions (KIP-511); retry with that.
   */
  private async negotiate(): Promise<void> {
    const request = {
      clientSoftwareName: this.opts.clientSoftwareName,
      clientSoftwareVersion: this.opts.clientSoftwareVersion,
    };
    let version = ApiVersions.maxVersion;
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await this.sendApiVersions(request, version);
      if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        const own = response.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey);
        if (own !== undefined && own.maxVersion < version) {
          version = own.maxVersion;
          continue;
        }
      }
      if (response.errorCode !== ErrorCode.NONE) {
        throw KafkaProtocolError.fromCode(response.errorCode, `ApiVersions to ${this.broker}`);
      }
      this.apiRanges = new Map(response.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]));
      this.features = new Map(response.finalizedFeatures.map((f) => [f.name, f.maxVersionLevel]));
      return;
    }
    throw new UnsupportedVersionError(this.broker, ApiVersions.name, ApiVersions.apiKey, 'no ApiVersions version accepted');
  }

  /**
   * SASL over Kafka framing (KIP-152): SaslHandshake v1 names the mechanism, then each
   * mechanism message travels in a SaslAuthenticate request. Every failure, including a SCRAM
   * server signature that does not verify or an OAUTHBEARER token the broker refuses, is an
   * AuthenticationError naming mechanism and user (never the password or token). When the
   * broker answers with a session lifetime (SaslAuthenticate v1+, KIP-368), schedules the
   * re-authentication.
   */
  private async authenticate(sasl: SaslOptions, reauthentication = false): Promise<void> {
    this.#authStartedAt = performance.now();
    const mechanism = saslHandshakeName(sasl);
    let identity = saslIdentity(sasl);
    const fail = (detail: string, errorCode?: number, cause?: unknown): AuthenticationError =>
      new AuthenticationError(this.broker, mechanism, identity, detail, errorCode, cause);
    let client: SaslMechanismClient;
    try {
      client = createSaslClient(sasl, { host: this.opts.host, port: this.opts.port });
    } catch (err) {
      throw fail((err as Error).message, undefined, err);
    }
    // a re-authentication's SaslHandshake waits behind the requests already in flight (the broker
    // reads a connection's next request only once it answered the last): the request timeout
    const timeoutMs = reauthentication ? Math.max(this.opts.requestTimeoutMs, this.opts.connectTimeoutMs) : this.opts.connectTimeoutMs;
    const handshakeRange = this.apiRanges.get(SaslHandshake.apiKey);
    if (handshakeRange === undefined || handshakeRange.maxVersion < 1) {
      throw fail('the broker does not offer SaslHandshake v1 (KIP-152) on this listener');
    }
    const handshake = (await this.write(SaslHandshake, { mechanism }, { version: 1, timeoutMs }, true))!;
    if (handshake.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
      throw fail(
        `the listener does not enable ${mechanism}; it offers ${handshake.mechanisms.join(', ') || 'none'}`,
        handshake.errorCode,
      );
    }
    if (handshake.errorCode !== ErrorCode.NONE) {
      const info = errorCodeInfo(handshake.errorCode);
      throw fail(`SaslHandshake answered ${info.name}: ${info.message}`, handshake.errorCode);
    }
    const version = this.versionFor(SaslAuthenticate as ApiCodec<unknown, unknown>);
    let out: Buffer | null;
    try {
      out = await client.initial();
    } catch (err) {
      if (err instanceof SaslMechanismError) throw fail(err.message, undefined, (err as { cause?: unknown }).cause ?? err);
      throw err;
    }
    identity = client.username;
    let sessionLifetimeMs = 0n;
    while (out !== null) {
      const res = (await this.write(SaslAuthenticate, { authBytes: out }, { version, timeoutMs }, true))!;
      if (res.errorCode !== ErrorCode.NONE) {
        const info = errorCodeInfo(res.errorCode);
        const refused = client instanceof OAuthBearerClient && client.serverError !== undefined ? ` (the broker refused the token: ${client.serverError})` : '';
        throw fail(`${info.name}: ${res.errorMessage ?? info.message}${refused}`, res.errorCode);
      }
      sessionLifetimeMs = res.sessionLifetimeMs;
      try {
        out = await client.next(res.authBytes);
      } catch (err) {
        if (err instanceof SaslMechanismError) throw fail(err.message, undefined, err);
        throw err;
      }
    }
    this.#sessionLifetimeMs = Number(sessionLifetimeMs);
    this.opts.logger.debug(`authenticated to ${this.broker}`, { mechanism, username: identity, sessionLifetimeMs: this.#sessionLifetimeMs });
    if (sessionLifetimeMs > 0n) {
      this.#sasl = hideSaslPassword(sasl);
      this.scheduleReauthentication(this.#sessionLifetimeMs);
    }
  }

  /**
   * Re-authenticates at 85-95 % of the session lifetime (Java's KafkaChannel picks a random point
   * in that window, so that connections opened together do not re-authenticate together), but
   * not sooner than the broker's minimum interval after the last start. A session shorter than
   * that (an OAUTHBEARER token about to expire) then ends first and the broker closes the
   * connection: token providers must hand out tokens with seconds left (the OIDC provider does).
   */
  private scheduleReauthentication(lifetimeMs: number): void {
    const sinceStart = performance.now() - this.#authStartedAt;
    const delay = Math.max(MIN_REAUTH_INTERVAL_MS - sinceStart, Math.floor(lifetimeMs * (0.85 + Math.random() * 0.1)));
    this.#reauthTimer = setTimeout(() => void this.reauthenticate(), delay);
    this.#reauthTimer.unref();
  }

  /**
   * KIP-368: SaslHandshake + SaslAuthenticate again on the live connection. Requests already
   * written keep going (the broker answers them first, one at a time per connection); new ones
   * are held until the exchange ends. A failure closes the connection with the
   * AuthenticationError: its requests are rejected with it and the owner reconnects.
   */
  private async reauthenticate(): Promise<void> {
    const sasl = this.#sasl;
    if (this.isClosed || sasl === undefined) return;
    this.#held = [];
    try {
      await this.authenticate(sasl, true);
      this.#reauthentications++;
    } catch (err) {
      const error = err instanceof KafkaesqueError ? err : new ConnectionError(this.broker, (err as Error).message, err);
      this.fail(error);
      return;
    }
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) for (const h of held) h();
  }

  /** ApiVersions at `version`, falling back to parsing the body as v0 (see negotiate). */
  private sendApiVersions(request: { clientSoftwareName: string; clientSoftwareVersion: string }, version: number): Promise<ApiVersionsResponse> {
    const lenient: typeof ApiVersions = {
      ...ApiVersions,
      decodeResponse: (r, v) => {
        const start = r.pos;
        try {
          const res = ApiVersions.decodeResponse(r, v);
          r.expectEnd('ApiVersions response');
          return res;
        } catch (err) {
          if (v === 0) throw err;
          r.pos = start;
          return ApiVersions.decodeResponse(r, 0);
        }
      },
    };
    return this.send(lenient, request, { version, timeoutMs: this.opts.connectTimeoutMs });
  }
}

function openSocket(host: string, port: number, timeoutMs: number, tlsOptions?: tls.ConnectionOptions): Promise<net.Socket> {
  const broker = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = tlsOptions
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...tlsOptions })
      : net.connect({ host, port });
    const readyEvent = tlsOptions ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectionError(broker, `no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError(broker, err.message, err));
    });
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      resolve(socket);
    });
  });
}
