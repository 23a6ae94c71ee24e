/**
 * `new Kafka({...})`: KafkaJS's client options mapped onto a kafkaesque Config (the mapping,
 * option by option, is in docs/kafkajs-migration.md).
 */
import type { ConnectionOptions } from 'node:tls';
import { Config, type ConfigOptions, type CustomSaslClient, type Logger, type OAuthBearerToken, type SaslTarget } from '../index.js';
import { KafkaJSNonRetriableError, KafkaJSSASLAuthenticationError } from './errors.js';

export const logLevel = Object.freeze({ NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const);
export type LogLevel = (typeof logLevel)[keyof typeof logLevel];

export const CompressionTypes = Object.freeze({ None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 } as const);
export type CompressionType = (typeof CompressionTypes)[keyof typeof CompressionTypes];
const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** KafkaJS's `CompressionCodecs` registry: every codec is built in here, so it starts filled. */
export const CompressionCodecs: Record<number, () => unknown> = {
  [CompressionTypes.GZIP]: () => 'built in',
  [CompressionTypes.Snappy]: () => 'built in',
  [CompressionTypes.LZ4]: () => 'built in',
  [CompressionTypes.ZSTD]: () => 'built in',
};

export function compressionName(type: number | undefined): (typeof COMPRESSION_NAMES)[number] {
  if (type === undefined) return 'none';
  const name = COMPRESSION_NAMES[type];
  if (name === undefined) throw new KafkaJSNonRetriableError(`Compression type ${String(type)} is not one of CompressionTypes`);
  return name;
}

export interface LogEntry {
  /** the logger's namespace (`'Producer'`, `'Consumer'`, `'Admin'`, or one given to `namespace()`); absent for the client's root logger, as in KafkaJS */
  namespace?: string;
  level: LogLevel;
  label: string;
  log: { timestamp: string; logger: 'kafkajs'; message: string; [field: string]: unknown };
}
export type logCreator = (level: LogLevel) => (entry: LogEntry) => void;

export interface SASLOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'aws' | 'oauthbearer';
  username?: string;
  password?: string;
  /** oauthbearer: returns `{ value, extensions? }` for every (re-)authentication */
  oauthBearerProvider?: () => Promise<OauthbearerProviderResponse>;
  [other: string]: unknown;
}

/** What KafkaJS's `oauthBearerProvider` resolves to. */
export interface OauthbearerProviderResponse {
  value: string;
  extensions?: Record<string, string>;
}

/** One message of a custom mechanism: the client bytes, and how to read the broker's answer. */
export interface SaslAuthenticationRequest {
  encode: () => Buffer | Promise<Buffer>;
}
export interface SaslAuthenticationResponse<ParseResult> {
  decode: (rawResponse: Buffer) => Buffer | Promise<Buffer>;
  parse: (data: Buffer) => ParseResult;
}
export interface SaslAuthenticateArgs<ParseResult> {
  request: SaslAuthenticationRequest;
  response?: SaslAuthenticationResponse<ParseResult>;
}
export interface AuthenticationProviderArgs {
  host: string;
  port: number;
  logger: KafkaJSLogger;
  saslAuthenticate: <ParseResult>(args: SaslAuthenticateArgs<ParseResult>) => Promise<ParseResult | void>;
}
export interface Authenticator {
  authenticate: () => Promise<void>;
}
/** KafkaJS 2.2's custom mechanism: a name and the provider of one authentication. */
export interface Mechanism {
  mechanism: string;
  authenticationProvider: (args: AuthenticationProviderArgs) => Authenticator;
}

export interface RetryOptions {
  maxRetryTime?: number;
  initialRetryTime?: number;
  factor?: number;
  multiplier?: number;
  retries?: number;
  restartOnFailure?: (e: Error) => Promise<boolean>;
}

export interface KafkaConfig {
  brokers: string[] | (() => string[] | Promise<string[]>);
  clientId?: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions | Mechanism;
  connectionTimeout?: number;
  authenticationTimeout?: number;
  reauthenticationThreshold?: number;
  requestTimeout?: number;
  enforceRequestTimeout?: boolean;
  retry?: RetryOptions;
  logLevel?: LogLevel;
  logCreator?: logCreator;
  socketFactory?: unknown;
}

/** KafkaJS's default log output: one JSON line per entry on stdout (errors and warnings on stderr). */
const defaultLogCreator: logCreator = () => (entry) => {
  const line = JSON.stringify({ level: entry.label, ...entry.log });
  if (entry.level <= logLevel.WARN) process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
};

const LABELS: Record<number, string> = { 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' };

/**
 * KafkaJS's logger object (`kafka.logger()`, `producer.logger()`, ...), over a logCreator. As
 * KafkaJS's: the client's root logger has no namespace, the producer's, consumer's and admin's
 * are `'Producer'`, `'Consumer'` and `'Admin'`; `namespace(name, level?)` makes another (with its
 * own level, or the shared one); `setLogLevel` changes the shared level of every logger of the
 * client that has no level of its own.
 */
export class KafkaJSLogger {
  constructor(
    private readonly sink: (entry: LogEntry) => void,
    level: LogLevel | { current: LogLevel },
    private readonly ns?: string,
    private readonly ownLevel?: LogLevel,
  ) {
    this.shared = typeof level === 'object' ? level : { current: level };
  }
  /** the level the client's loggers share (one object, so that setLogLevel reaches them all) */
  private readonly shared: { current: LogLevel };
  private get level(): LogLevel {
    return this.ownLevel ?? this.shared.current;
  }
  /** A logger whose entries carry `namespace` (KafkaJS's `logger.namespace(name, level?)`). */
  namespace(namespace: string, level?: LogLevel | null): KafkaJSLogger {
    return new KafkaJSLogger(this.sink, this.shared, namespace, level ?? undefined);
  }
  /** The same as `namespace(ns)` (kept: an earlier name of it). */
  namespace_(ns: string): KafkaJSLogger {
    return this.namespace(ns);
  }
  /** Changes the level shared by the client's loggers (KafkaJS's `logger.setLogLevel`). */
  setLogLevel(level: LogLevel): void {
    this.shared.current = level;
  }
  private write(level: LogLevel, message: string, extra?: Record<string, unknown>): void {
    if (level > this.level || this.level === logLevel.NOTHING) return;
    const entry: LogEntry = {
      level,
      label: LABELS[level],
      log: { timestamp: new Date().toISOString(), logger: 'kafkajs', message, ...extra },
    };
    if (this.ns !== undefined) entry.namespace = this.ns;
    this.sink(entry);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.write(logLevel.ERROR, message, extra);
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.write(logLevel.WARN, message, extra);
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.write(logLevel.INFO, message, extra);
  }
  debug(message: string, extra?: Record<string, unknown>): void {
    this.write(logLevel.DEBUG, message, extra);
  }
  /** kafkaesque's Logger interface, writing into this one. */
  asKafkaesqueLogger(): Logger {
    return {
      debug: (m, f) => this.debug(m, f),
      info: (m, f) => this.info(m, f),
      warn: (m, f) => this.warn(m, f),
      error: (m, f) => this.error(m, f),
    };
  }
}

/** The resolved client options every producer, consumer and admin of one Kafka shares. */
export class ClientContext {
  readonly logger: KafkaJSLogger;
  readonly retry: RetryOptions;
  /** private (#): the SASL password and TLS key in it never show in util.inspect or JSON */
  readonly #config: KafkaConfig;
  constructor(config: KafkaConfig) {
    if (config === null || typeof config !== 'object') throw new KafkaJSNonRetriableError('new Kafka() needs a config object');
    if (!Array.isArray(config.brokers) && typeof config.brokers !== 'function') {
      throw new KafkaJSNonRetriableError('Failed to connect: expected brokers array and got nothing');
    }
    const level = config.logLevel ?? logLevel.INFO;
    const creator = config.logCreator ?? defaultLogCreator;
    this.logger = new KafkaJSLogger(creator(level), level);
    this.retry = config.retry ?? {};
    this.#config = config;
    if (config.sasl) checkSasl(config.sasl);
  }

  /** The broker list (an async `brokers` function is called on each connect, as KafkaJS does). */
  async brokers(): Promise<string[]> {
    const b = this.#config.brokers;
    const list = typeof b === 'function' ? await b() : b;
    if (!Array.isArray(list) || list.length === 0) throw new KafkaJSNonRetriableError('Failed to connect: brokers should not be empty');
    return list;
  }

  /** kafkaesque Config options for these client options, plus `extra`. */
  async options(extra: ConfigOptions = {}): Promise<ConfigOptions> {
    const c = this.#config;
    const o: ConfigOptions = { brokers: await this.brokers(), logger: this.logger.asKafkaesqueLogger() };
    if (c.clientId !== undefined) o.clientId = c.clientId;
    if (c.connectionTimeout !== undefined) o.connectTimeoutMs = c.connectionTimeout;
    if (c.requestTimeout !== undefined) o.requestTimeoutMs = c.requestTimeout;
    if (c.retry?.initialRetryTime !== undefined) o.retryBackoffMs = c.retry.initialRetryTime;
    if (c.retry?.maxRetryTime !== undefined) o.retryBackoffMaxMs = c.retry.maxRetryTime;
    if (c.ssl) {
      if (c.ssl === true) o.tls = true;
      else {
        const s = c.ssl;
        o.tls = {
          ...(s.ca !== undefined ? { ca: s.ca as never } : {}),
          ...(s.cert !== undefined ? { cert: s.cert as never } : {}),
          ...(s.key !== undefined ? { key: s.key as never } : {}),
          ...(s.passphrase !== undefined ? { passphrase: s.passphrase } : {}),
          ...(s.rejectUnauthorized !== undefined ? { rejectUnauthorized: s.rejectUnauthorized } : {}),
          ...(s.servername !== undefined ? { servername: s.servername } : {}),
        };
      }
    }
    if (c.sasl) o.sasl = this.nativeSasl(c.sasl);
    return { ...o, ...extra };
  }

  /** The kafkaesque `sasl` option for KafkaJS's (checked by checkSasl in the constructor). */
  private nativeSasl(sasl: SASLOptions | Mechanism): NonNullable<ConfigOptions['sasl']> {
    if (isMechanism(sasl)) {
      const mechanism = sasl.mechanism.toUpperCase();
      return { mechanism, client: authenticatorBridge(mechanism, sasl.authenticationProvider, this.logger) };
    }
    if (sasl.mechanism.toLowerCase() === 'oauthbearer') {
      const provider = sasl.oauthBearerProvider!;
      return { mechanism: 'oauthbearer', token: async () => oauthToken(await provider()) };
    }
    return {
      mechanism: sasl.mechanism.toLowerCase() as 'plain',
      username: String(sasl.username ?? ''),
      password: String(sasl.password ?? ''),
    };
  }

  async makeConfig(extra: ConfigOptions = {}): Promise<Config> {
    return new Config(await this.options(extra));
  }
}

function isMechanism(sasl: SASLOptions | Mechanism): sasl is Mechanism {
  return typeof (sasl as Partial<Mechanism>).authenticationProvider === 'function';
}

/** RFC 4422 mechanism names, as SaslHandshake sends them (KafkaJS upper-cases the name given). */
const MECHANISM_NAME = /^[A-Z0-9_-]{1,20}$/;

/** Refuses at `new Kafka()` what kafkaesque/kafkajs cannot authenticate with, so that no connection is tried. */
function checkSasl(sasl: SASLOptions | Mechanism): void {
  if (sasl === null || typeof sasl !== 'object' || typeof sasl.mechanism !== 'string') {
    throw new KafkaJSNonRetriableError('sasl needs a mechanism (plain, scram-sha-256, scram-sha-512, oauthbearer, or a custom one with authenticationProvider)');
  }
  if (isMechanism(sasl)) {
    if (!MECHANISM_NAME.test(sasl.mechanism.toUpperCase())) {
      throw new KafkaJSNonRetriableError(`SASL mechanism name '${sasl.mechanism.slice(0, 40)}' is not a SASL mechanism name (RFC 4422: 1 to 20 of A-Z 0-9 - _)`);
    }
    return;
  }
  const m = sasl.mechanism.toLowerCase();
  if (m === 'oauthbearer') {
    if (typeof sasl.oauthBearerProvider !== 'function') {
      throw new KafkaJSNonRetriableError('SASL oauthbearer needs sasl.oauthBearerProvider, an async function returning { value: token }');
    }
    return;
  }
  if (m === 'aws') {
    throw new KafkaJSNonRetriableError(
      'SASL aws mechanism is not supported by kafkaesque/kafkajs: kafkaesque has no AWS_MSK_IAM mechanism (write one as a custom mechanism with authenticationProvider, or use SCRAM or OAUTHBEARER with MSK)',
    );
  }
  if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(m)) {
    throw new KafkaJSNonRetriableError(
      `SASL ${sasl.mechanism.slice(0, 40)} mechanism is not supported by kafkaesque/kafkajs (plain, scram-sha-256, scram-sha-512 and oauthbearer are; others as a custom mechanism with authenticationProvider)`,
    );
  }
}

/**
 * How long an `oauthBearerProvider` token is taken to live when its value is not a JWT with a
 * numeric `exp` claim. Only shown (kafkaesque's OAuthBearerToken.lifetimeMs): re-authentication
 * (KIP-368) follows the session lifetime the broker gives, which the broker derives from the token.
 */
export const OAUTH_DEFAULT_LIFETIME_MS = 3_600_000;

/** The claims of a compact JWS/JWT, or undefined when `value` is not one. */
function jwtClaims(value: string): Record<string, unknown> | undefined {
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** KafkaJS's `{ value, extensions? }` as kafkaesque's token: lifetime from the JWT's `exp`, principal from its `sub`. */
export function oauthToken(t: OauthbearerProviderResponse): OAuthBearerToken {
  if (t === null || typeof t !== 'object' || typeof t.value !== 'string' || t.value.length === 0) {
    throw new KafkaJSSASLAuthenticationError('SASL OAUTHBEARER: Invalid OAuth bearer token (oauthBearerProvider must return { value: token })');
  }
  const claims = jwtClaims(t.value);
  const token: OAuthBearerToken = {
    value: t.value,
    lifetimeMs: typeof claims?.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 - Date.now() : OAUTH_DEFAULT_LIFETIME_MS,
  };
  if (typeof claims?.sub === 'string') token.principal = claims.sub;
  if (t.extensions != null) token.extensions = t.extensions;
  return token;
}

type BridgeEvent = { kind: 'send'; bytes: Buffer } | { kind: 'done' } | { kind: 'error'; error: unknown };

/**
 * KafkaJS's custom mechanism as a kafkaesque custom SASL client: for each authentication the
 * provider's `authenticate()` runs as a coroutine. Each `saslAuthenticate({ request, response })`
 * it calls hands `request.encode()` (Kafka BYTES, length first, as KafkaJS takes it) to kafkaesque
 * as the next client message and waits; the broker's answer resumes it (length-prefixed again,
 * through `response.decode` and `response.parse` when given; the call resolves to undefined without).
 * `authenticate()` resolving ends the exchange; throwing fails it (a KafkaJSSASLAuthenticationError).
 */
function authenticatorBridge(mechanism: string, provider: Mechanism['authenticationProvider'], logger: KafkaJSLogger) {
  return ({ host, port }: SaslTarget): CustomSaslClient => {
    const queue: BridgeEvent[] = [];
    let waiter: ((e: BridgeEvent) => void) | undefined;
    let reply: ((raw: Buffer) => void) | undefined;
    let finished = false;
    const emit = (e: BridgeEvent): void => {
      if (waiter !== undefined) {
        const w = waiter;
        waiter = undefined;
        w(e);
      } else queue.push(e);
    };
    const nextEvent = (): Promise<BridgeEvent> => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => (waiter = resolve)));
    const saslAuthenticate = async <R>({ request, response }: SaslAuthenticateArgs<R>): Promise<R | void> => {
      if (finished) throw new KafkaJSSASLAuthenticationError(`SASL ${mechanism}: saslAuthenticate called after the exchange ended`);
      if (reply !== undefined) throw new KafkaJSSASLAuthenticationError(`SASL ${mechanism}: saslAuthenticate called again before the broker answered the last message`);
      const encoded: unknown = await request.encode();
      // as KafkaJS: encode() gives Kafka BYTES (int32 length, then the mechanism's bytes), and
      // decode() gets the broker's bytes in the same form
      if (!(encoded instanceof Uint8Array) || encoded.byteLength < 4 || Buffer.from(encoded.buffer, encoded.byteOffset, 4).readInt32BE(0) !== encoded.byteLength - 4) {
        throw new KafkaJSSASLAuthenticationError(
          `SASL ${mechanism}: request.encode() must return a Buffer holding Kafka BYTES: a 4-byte big-endian length, then that many SASL bytes (as KafkaJS's Encoder.writeBytes writes them)`,
        );
      }
      const raw = await new Promise<Buffer>((resolve) => {
        reply = resolve;
        emit({ kind: 'send', bytes: Buffer.from(encoded.buffer, encoded.byteOffset + 4, encoded.byteLength - 4) });
      });
      if (!response) return;
      const framed = Buffer.alloc(4 + raw.length);
      framed.writeInt32BE(raw.length, 0);
      raw.copy(framed, 4);
      return response.parse(await response.decode(framed));
    };
    const step = async (): Promise<Buffer | null> => {
      const e = await nextEvent();
      if (e.kind === 'send') return e.bytes;
      finished = true;
      if (e.kind === 'done') return null;
      throw e.error;
    };
    return {
      async initial(): Promise<Buffer> {
        const run = async (): Promise<void> => {
          const authenticator = provider({ host, port, logger: logger.namespace(`SaslAuthenticator-${mechanism}`), saslAuthenticate });
          if (authenticator === null || typeof authenticator !== 'object' || typeof authenticator.authenticate !== 'function') {
            throw new KafkaJSSASLAuthenticationError(`SASL ${mechanism}: authenticationProvider must return { authenticate }`);
          }
          await authenticator.authenticate();
        };
        run().then(
          () => emit({ kind: 'done' }),
          (error: unknown) => emit({ kind: 'error', error }),
        );
        const out = await step();
        if (out === null) throw new KafkaJSSASLAuthenticationError(`SASL ${mechanism}: authenticate() finished without sending anything (call saslAuthenticate)`);
        return out;
      },
      async next(server: Buffer): Promise<Buffer | null> {
        const r = reply;
        reply = undefined;
        if (r === undefined) throw new KafkaJSSASLAuthenticationError(`SASL ${mechanism}: a broker message with no saslAuthenticate waiting`);
        r(server);
        return step();
      },
    };
  };
}
