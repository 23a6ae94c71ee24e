/**
 * `new Kafka({...})`: KafkaJS's client options mapped onto a kafkaesque Config (the mapping,
 * option by option, is in docs/kafkajs-migration.md).
 */
import type { ConnectionOptions } from 'node:tls';
import { Config, type ConfigOptions, type Logger } from '../index.js';
import { KafkaJSNonRetriableError } from './errors.js';

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
  [other: string]: unknown;
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
  sasl?: SASLOptions;
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
    const sasl = config.sasl;
    if (sasl && !['plain', 'scram-sha-256', 'scram-sha-512'].includes(String(sasl.mechanism).toLowerCase())) {
      // checked at once so that no connection is attempted with a mechanism kafkaesque lacks
      throw new KafkaJSNonRetriableError(`SASL ${String(sasl.mechanism)} mechanism is not supported by kafkaesque/kafkajs (plain, scram-sha-256 and scram-sha-512 are)`);
    }
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
    if (c.sasl) {
      o.sasl = {
        mechanism: c.sasl.mechanism.toLowerCase() as 'plain',
        username: String(c.sasl.username ?? ''),
        password: String(c.sasl.password ?? ''),
      };
    }
    return { ...o, ...extra };
  }

  async makeConfig(extra: ConfigOptions = {}): Promise<Config> {
    return new Config(await this.options(extra));
  }
}
