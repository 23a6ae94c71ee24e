/**
 * The public configuration of the client: `new Config({ ... })`, or Go-style chainable setters
 * (`new Config().setBrokers('a:9092,b:9092').setTopics('t1,t2').setAcks('all')`), the API of
 * the sarama-based Go messaging layer kafkaesque carries over.
 *
 * Every value is validated when it is given (constructor and setters alike) and a bad one
 * throws {@link ConfigError} naming the option and what it accepts, before anything changes.
 * Defaults are the Java client's (each option's doc names its Java property); the few
 * deliberate differences are marked "unlike Java".
 *
 * Explicit versus defaulted. As in Java, some rules depend on whether the user set an option
 * or left it to its default. A `Config` therefore keeps the options the user gave (an
 * `undefined` value counts as not given) and derives the effective values from them; a
 * setter changes the given options and derives everything again, so `setAcks(1)` turns a
 * defaulted idempotence off and a later `setAcks('all')` turns it back on.
 *
 * Idempotence (Java 4.2 `ProducerConfig.postProcessAndValidateIdempotenceConfigs`):
 * - `idempotent` defaults to true;
 * - when idempotence is enabled (given or defaulted), `maxInFlight` above 5 is an error, even
 *   when `acks`/`retries` would turn a defaulted idempotence off (Java 4.x checks the three
 *   independently and throws for this one; set `idempotent: false` to send more);
 * - `acks` other than -1, or `retries: 0`: an error when the user gave `idempotent: true`,
 *   otherwise idempotence is silently turned off (Java logs it at INFO; so do we, at debug).
 *
 * Secrets (the SASL password, the TLS private key and its passphrase) live in private fields.
 * The public getters, `util.inspect`, `JSON.stringify`, `String()` and every error message show
 * them as `[redacted]`; only {@link Config.toConnectionOptions} (for the TLS key) and
 * {@link Config.saslCredentials} hand them out.
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import * as util from 'node:util';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../protocol/compression/index.js';
import type { CompressionName } from '../../protocol/compression/errors.js';
import { GZIP_MAX_LEVEL, GZIP_MIN_LEVEL, GZIP_DEFAULT_LEVEL } from '../../protocol/compression/gzip.js';
import { LZ4_MAX_LEVEL, LZ4_MIN_LEVEL } from '../../protocol/compression/lz4.js';
import { ZSTD_MAX_LEVEL, ZSTD_MIN_LEVEL } from '../../protocol/compression/zstd.js';
import type { BrokerConnectionOptions } from '../network/broker-connection.js';
import { isValidTopicName, TOPIC_NAME_RULE } from '../cluster/topic-partition.js';
// the partitioner contract (sarama's Hash, Random, RoundRobin and Manual partitioners, or a
// function) is the producer layer's
import type { PartitionerFunction, PartitionerName } from '../producer/partitioner.js';
import { type Logger, NOOP_LOGGER } from '../network/logger.js';
import { ConfigError } from './errors.js';

export { ConfigError };

// ------------------------------------------------------------------ constants and types

/** sarama's `OffsetOldest`: start from the oldest offset still in the log (Java `earliest`). */
export const OffsetOldest = -2;
/** sarama's `OffsetNewest`: start from the log end, new messages only (Java `latest`). */
export const OffsetNewest = -1;
/** What a secret is shown as. */
export const REDACTED = '[redacted]';

const INT32_MAX = 2_147_483_647;
const MiB = 1024 * 1024;

/** `0` no acknowledgement, `1` the leader's, `-1`/`'all'` every in-sync replica's. */
export type Acks = 0 | 1 | -1 | 'all';
/** Key hash of the `'hash'` partitioner. */
export type HashFunction = 'murmur2' | 'fnv1a';
/**
 * Where the `'hash'` partitioner sends a record whose key is null: `'sticky'` (KIP-480, Java's),
 * `'hash-empty'` (hashed as the empty key, as the Go messaging layer's connections do), or
 * `'value-md5'` (the key becomes the hex MD5 of the value, on the wire too, as the Go layer's
 * client `SyncProducer.SendMsgByte`/`AsyncProducer.SendMsgByte` do).
 */
export type NullKey = 'sticky' | 'hash-empty' | 'value-md5';
export type { CompressionName };
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export type GroupProtocol = 'classic' | 'consumer';
export type Assignor = 'range' | 'roundrobin' | 'cooperative-sticky';
/** The broker-side assignors of the KIP-848 `consumer` protocol (Kafka 4.x: group.consumer.assignors). */
export type ServerAssignor = 'uniform' | 'range';
export type InitialOffset = 'oldest' | 'newest';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';
/** PEM text or its bytes. */
export type PemInput = string | Buffer;

export interface TlsOptions {
  /** Trusted CA certificate(s), PEM; default: Node's bundled (system) CAs. Java: ssl.truststore.*. */
  ca?: PemInput | PemInput[];
  /** Client certificate chain, PEM, for mutual TLS. Java: ssl.keystore.* */
  cert?: PemInput;
  /** Client private key, PEM (secret: never shown). Java: ssl.keystore.* / ssl.key.password. */
  key?: PemInput;
  /** Passphrase of `key` (secret: never shown). Java: ssl.key.password. */
  passphrase?: string;
  /** Verify the broker's certificate and host name; default true. Java: ssl.endpoint.identification.algorithm=https. */
  rejectUnauthorized?: boolean;
  /** SNI and certificate host name; default: the broker's host when it is not an IP address. */
  servername?: string;
}

export interface SaslOptions {
  /** Java: sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); either case is accepted. */
  mechanism: SaslMechanism | Uppercase<SaslMechanism>;
  /** Java: the username of sasl.jaas.config. */
  username: string;
  /** Java: the password of sasl.jaas.config (secret: never shown). */
  password: string;
}

/** Everything `new Config()` accepts; every option is optional. */
export interface ConfigOptions {
  // ---- connection
  /** Bootstrap brokers, `host:port` each (`[::1]:9092` for IPv6), as an array or a comma-separated string. Default `['127.0.0.1:9092']`. Java: bootstrap.servers. */
  brokers?: string | readonly string[];
  /** Sent in every request header. Default `'kafkaesque'`. Java: client.id. */
  clientId?: string;
  /** Time to open a connection (TCP, TLS, ApiVersions). Default 10000. Java: socket.connection.setup.timeout.ms. */
  connectTimeoutMs?: number;
  /** Time a request waits for its response. Default 30000. Java: request.timeout.ms. */
  requestTimeoutMs?: number;
  /** Metadata is refreshed at least this often. Default 300000. Java: metadata.max.age.ms. */
  metadataMaxAgeMs?: number;
  /** First wait before retrying a failed request. Default 100. Java: retry.backoff.ms. */
  retryBackoffMs?: number;
  /** Cap of the exponential retry backoff. Default 1000. Java: retry.backoff.max.ms. */
  retryBackoffMaxMs?: number;
  /** First wait before reconnecting to a broker. Default 50. Java: reconnect.backoff.ms. */
  reconnectBackoffMs?: number;
  /** Cap of the exponential reconnect backoff. Default 1000. Java: reconnect.backoff.max.ms. */
  reconnectBackoffMaxMs?: number;
  /** Largest response frame accepted. Default 100 MiB. No Java client property (the broker's socket.request.max.bytes default). */
  maxFrameBytes?: number;
  /** TLS: `true` with the system CAs, or options. Default false. Java: security.protocol=SSL and ssl.*. */
  tls?: boolean | TlsOptions;
  /** SASL credentials. Default none. Java: sasl.mechanism, sasl.jaas.config. */
  sasl?: SaslOptions;
  /** Where the client logs. Default: none (or a console logger when `debug`). Java: SLF4J. */
  logger?: Logger;
  /** Log at debug level to stderr when no `logger` is given. Default false. */
  debug?: boolean;

  // ---- producer
  /** Acknowledgements a produce request waits for. Default -1 (`'all'`). Java: acks. */
  acks?: Acks;
  /** Partitioner. Default `'hash'` (by key). Java: partitioner.class (built-in: murmur2 of the key). */
  partitioner?: PartitionerName | PartitionerFunction;
  /** Key hash of the `'hash'` partitioner. Default `'murmur2'`, Java's, so keys land where Java producers put them (unlike sarama, whose default is FNV-1a). Java: Utils.murmur2. */
  hashFunction?: HashFunction;
  /** Where a keyless record goes with the `'hash'` partitioner. Default `'sticky'` (KIP-480, Java's); the Multiplexer defaults to `'hash-empty'` (the Go layer's). See {@link NullKey}. Java: partitioner.ignore.keys=false behaviour. */
  nullKey?: NullKey;
  /** Fixed partition for the `'manual'` partitioner; giving it with no partitioner selects `'manual'`. Java: ProducerRecord.partition. */
  partition?: number;
  /** Record batch compression. Default `'none'`. Java: compression.type. */
  compression?: CompressionName;
  /** Codec level: gzip 1-9, lz4 1-17, zstd -131072..22; not for none/snappy. Default: the codec's. Java: compression.gzip.level, compression.lz4.level, compression.zstd.level. */
  compressionLevel?: number;
  /** Idempotent producer (no duplicates on retry). Default true. Java: enable.idempotence. */
  idempotent?: boolean;
  /** Wait this long for more records before sending a batch. Default 5 (Kafka 4.0). Java: linger.ms. */
  lingerMs?: number;
  /** Target size of a record batch per partition. Default 16384. Java: batch.size. */
  batchBytes?: number;
  /** Memory for records waiting to be sent. Default 33554432 (32 MiB). Java: buffer.memory. */
  bufferBytes?: number;
  /** Largest produce request. Default 1048576. Java: max.request.size. */
  maxRequestBytes?: number;
  /** Unacknowledged produce requests per broker connection. Default 5. Java: max.in.flight.requests.per.connection. */
  maxInFlight?: number;
  /** Retries of a failed produce, bounded by `deliveryTimeoutMs`. Default 2147483647. Java: retries. */
  retries?: number;
  /** Upper bound on the time a send takes to succeed or fail. Default 120000; at least lingerMs + requestTimeoutMs. Java: delivery.timeout.ms. */
  deliveryTimeoutMs?: number;
  /** How long a send may wait for buffer space or metadata. Default 60000. Java: max.block.ms. */
  maxBlockMs?: number;

  // ---- consumer
  /** Topics to consume, an array or a comma-separated string. Default none. Java: KafkaConsumer.subscribe. */
  topics?: string | readonly string[];
  /** Consumer group id. Default none. Java: group.id. */
  group?: string;
  /** The same as `group` (the name the Go layer's config uses); give one or the other. */
  groupId?: string;
  /** Static membership id (KIP-345). Default none. Java: group.instance.id. */
  groupInstanceId?: string;
  /** Group protocol: classic, or the KIP-848 `consumer` protocol. Default `'classic'`. Java: group.protocol. */
  groupProtocol?: GroupProtocol;
  /** Client-side assignors, preferred first (classic protocol only). Default `['range', 'cooperative-sticky']`. Java: partition.assignment.strategy. */
  assignors?: readonly Assignor[];
  /** Broker-side assignor for the KIP-848 `consumer` protocol: `'uniform'` or `'range'`. Default: the broker's first of group.consumer.assignors (uniform). Java: group.remote.assignor. */
  serverAssignor?: ServerAssignor;
  /** Where to start without a committed offset: `'oldest'`/{@link OffsetOldest} (or `'earliest'`), `'newest'`/{@link OffsetNewest} (or `'latest'`). Default `'newest'` (sarama's default too). Java: auto.offset.reset=latest. */
  initialOffset?: InitialOffset | 'earliest' | 'latest' | typeof OffsetOldest | typeof OffsetNewest;
  /** Classic protocol session timeout. Default 45000. Java: session.timeout.ms. */
  sessionTimeoutMs?: number;
  /** Classic protocol heartbeat interval, below sessionTimeoutMs. Default 3000. Java: heartbeat.interval.ms. */
  heartbeatIntervalMs?: number;
  /** Time members get to rejoin during a rebalance. Default: maxPollIntervalMs (what Java sends in JoinGroup). */
  rebalanceTimeoutMs?: number;
  /** Longest time between two polls before the member leaves the group. Default 300000. Java: max.poll.interval.ms. */
  maxPollIntervalMs?: number;
  /** Commit consumed offsets periodically. Default true (false when no group). Java: enable.auto.commit. */
  autoCommit?: boolean;
  /** Auto-commit period. Default 1000 (unlike Java's 5000). Java: auto.commit.interval.ms. */
  autoCommitIntervalMs?: number;
  /** Default `'read_uncommitted'`. Java: isolation.level. */
  isolationLevel?: IsolationLevel;
  /** Least data a fetch waits for. Default 1. Java: fetch.min.bytes. */
  fetchMinBytes?: number;
  /** Most data a fetch response carries (soft limit). Default 52428800 (50 MiB). Java: fetch.max.bytes. */
  fetchMaxBytes?: number;
  /** Longest time the broker holds a fetch to reach fetchMinBytes. Default 500. Java: fetch.max.wait.ms. */
  fetchMaxWaitMs?: number;
  /** Most data per partition in a fetch (soft limit). Default 1048576. Java: max.partition.fetch.bytes. */
  maxPartitionFetchBytes?: number;
  /** Fetched bytes a consumer buffers ahead of the application. Default 64 MiB. No Java property (librdkafka: queued.max.messages.kbytes, also 64 MiB). */
  prefetchBytes?: number;
  /** Largest decompressed size of one record batch (decompression-bomb guard). Default 64 MiB. No Java property. */
  maxDecompressedBytes?: number;
}

/** The TLS settings as the public getter shows them: the key and passphrase redacted. */
export interface TlsSettings {
  readonly ca?: PemInput | readonly PemInput[];
  readonly cert?: PemInput;
  readonly key?: typeof REDACTED;
  readonly passphrase?: typeof REDACTED;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

/** The SASL settings as the public getter shows them: the password redacted. */
export interface SaslSettings {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: typeof REDACTED;
}

/** The SASL credentials, password included; from {@link Config.saslCredentials} only. */
export interface SaslCredentials {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** The effective (validated, normalized, defaulted) values a Config exposes as read-only properties. */
export interface ConfigValues {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly metadataMaxAgeMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  readonly maxFrameBytes: number;
  /** false, or the TLS settings with secrets redacted. */
  readonly tls: false | TlsSettings;
  /** The SASL settings with the password redacted, or undefined. */
  readonly sasl: SaslSettings | undefined;
  /** The effective logger (never undefined: NOOP when none). */
  readonly logger: Logger;
  readonly debug: boolean;

  /** -1 for 'all'. */
  readonly acks: 0 | 1 | -1;
  readonly partitioner: PartitionerName | PartitionerFunction;
  readonly hashFunction: HashFunction;
  readonly nullKey: NullKey;
  readonly partition: number | undefined;
  readonly compression: CompressionName;
  readonly compressionLevel: number | undefined;
  /** Whether the producer is idempotent, after the rules above. */
  readonly idempotent: boolean;
  readonly lingerMs: number;
  readonly batchBytes: number;
  readonly bufferBytes: number;
  readonly maxRequestBytes: number;
  readonly maxInFlight: number;
  readonly retries: number;
  readonly deliveryTimeoutMs: number;
  readonly maxBlockMs: number;

  readonly topics: readonly string[];
  readonly group: string | undefined;
  readonly groupInstanceId: string | undefined;
  readonly groupProtocol: GroupProtocol;
  readonly assignors: readonly Assignor[];
  readonly serverAssignor: ServerAssignor | undefined;
  readonly initialOffset: InitialOffset;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly maxPollIntervalMs: number;
  readonly autoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly isolationLevel: IsolationLevel;
  readonly fetchMinBytes: number;
  readonly fetchMaxBytes: number;
  readonly fetchMaxWaitMs: number;
  readonly maxPartitionFetchBytes: number;
  readonly prefetchBytes: number;
  readonly maxDecompressedBytes: number;
}

/** The defaults of every option that has one (read-only). */
export const CONFIG_DEFAULTS = Object.freeze({
  brokers: Object.freeze(['127.0.0.1:9092']) as readonly string[],
  clientId: 'kafkaesque',
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  metadataMaxAgeMs: 300_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1_000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1_000,
  maxFrameBytes: 100 * MiB,
  debug: false,
  acks: -1 as const,
  partitioner: 'hash' as const,
  hashFunction: 'murmur2' as const,
  nullKey: 'sticky' as const,
  compression: 'none' as const,
  idempotent: true,
  lingerMs: 5,
  batchBytes: 16_384,
  bufferBytes: 32 * MiB,
  maxRequestBytes: MiB,
  maxInFlight: 5,
  retries: INT32_MAX,
  deliveryTimeoutMs: 120_000,
  maxBlockMs: 60_000,
  groupProtocol: 'classic' as const,
  assignors: Object.freeze(['range', 'cooperative-sticky']) as readonly Assignor[],
  initialOffset: 'newest' as const,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  autoCommit: true,
  autoCommitIntervalMs: 1_000,
  isolationLevel: 'read_uncommitted' as const,
  fetchMinBytes: 1,
  fetchMaxBytes: 50 * MiB,
  fetchMaxWaitMs: 500,
  maxPartitionFetchBytes: MiB,
  // One full default fetch response (fetch.max.bytes, 50 MiB) fits while the application
  // works through the previous one, and the bound matches librdkafka's
  // queued.max.messages.kbytes and our DEFAULT_MAX_DECOMPRESSED_BYTES: a ceiling a small
  // service can afford, reached only by a consumer that outruns its application.
  prefetchBytes: 64 * MiB,
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
});

/** Every option name, checked against ConfigOptions by the compiler (a missing or extra key fails to build). */
const OPTION_KEYS: Record<keyof ConfigOptions, true> = {
  brokers: true, clientId: true, connectTimeoutMs: true, requestTimeoutMs: true, metadataMaxAgeMs: true,
  retryBackoffMs: true, retryBackoffMaxMs: true, reconnectBackoffMs: true, reconnectBackoffMaxMs: true,
  maxFrameBytes: true, tls: true, sasl: true, logger: true, debug: true,
  acks: true, partitioner: true, hashFunction: true, nullKey: true, partition: true, compression: true, compressionLevel: true,
  idempotent: true, lingerMs: true, batchBytes: true, bufferBytes: true, maxRequestBytes: true, maxInFlight: true,
  retries: true, deliveryTimeoutMs: true, maxBlockMs: true,
  topics: true, group: true, groupId: true, groupInstanceId: true, groupProtocol: true, assignors: true, serverAssignor: true, initialOffset: true,
  sessionTimeoutMs: true, heartbeatIntervalMs: true, rebalanceTimeoutMs: true, maxPollIntervalMs: true,
  autoCommit: true, autoCommitIntervalMs: true, isolationLevel: true, fetchMinBytes: true, fetchMaxBytes: true,
  fetchMaxWaitMs: true, maxPartitionFetchBytes: true, prefetchBytes: true, maxDecompressedBytes: true,
};
const KNOWN_OPTIONS = Object.keys(OPTION_KEYS) as (keyof ConfigOptions)[];

/** Every value name, checked against ConfigValues by the compiler. */
const VALUE_KEYS = Object.keys({
  brokers: 0, clientId: 0, connectTimeoutMs: 0, requestTimeoutMs: 0, metadataMaxAgeMs: 0, retryBackoffMs: 0,
  retryBackoffMaxMs: 0, reconnectBackoffMs: 0, reconnectBackoffMaxMs: 0, maxFrameBytes: 0, tls: 0, sasl: 0,
  logger: 0, debug: 0, acks: 0, partitioner: 0, hashFunction: 0, nullKey: 0, partition: 0, compression: 0, compressionLevel: 0,
  idempotent: 0, lingerMs: 0, batchBytes: 0, bufferBytes: 0, maxRequestBytes: 0, maxInFlight: 0, retries: 0,
  deliveryTimeoutMs: 0, maxBlockMs: 0, topics: 0, group: 0, groupInstanceId: 0, groupProtocol: 0, assignors: 0, serverAssignor: 0,
  initialOffset: 0, sessionTimeoutMs: 0, heartbeatIntervalMs: 0, rebalanceTimeoutMs: 0, maxPollIntervalMs: 0,
  autoCommit: 0, autoCommitIntervalMs: 0, isolationLevel: 0, fetchMinBytes: 0, fetchMaxBytes: 0, fetchMaxWaitMs: 0,
  maxPartitionFetchBytes: 0, prefetchBytes: 0, maxDecompressedBytes: 0,
} satisfies Record<keyof ConfigValues, 0>) as (keyof ConfigValues)[];

// ------------------------------------------------------------------ describing values in messages

/** A value as an error message shows it: short, never more than ~100 characters. */
function describe(v: unknown): string {
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (Buffer.isBuffer(v)) return `a Buffer of ${v.length} bytes`;
  const s = util.inspect(v, { depth: 1, breakLength: Infinity, maxArrayLength: 8, maxStringLength: 60, compact: true });
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/** A secret value as an error message shows it: its kind only. */
function describeSecret(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (Buffer.isBuffer(v)) return 'a Buffer';
  if (typeof v === 'string') return v.length === 0 ? 'an empty string' : 'a string';
  const t = typeof v;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function got(v: unknown): string {
  return `got ${describe(v)}`;
}

function fail(field: string, v: unknown, allowed: string): never {
  throw new ConfigError(field, got(v), allowed);
}

/** Levenshtein distance, for the "did you mean" of unknown option names. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The known name closest to `name` (case-insensitive), when close enough to be a typo. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function checkKeys(prefix: string, o: object, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    // the value of an unknown key is never shown: it may be a misspelt secret
    throw new ConfigError(
      prefix + key,
      'unknown option',
      known.join(', '),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
  }
}

// ------------------------------------------------------------------ validators

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function integer(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(field, v, `an integer from ${min} to ${max}`);
  }
  return v;
}

function bool(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(field, v, 'true or false');
  return v;
}

function quoteList(values: readonly unknown[]): string {
  const q = values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x)));
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

function oneOf<T>(field: string, v: unknown, values: readonly T[]): T {
  if (!values.includes(v as T)) fail(field, v, quoteList(values));
  return v as T;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A string a Kafka request carries (INT16 length): at most 32767 UTF-8 bytes. */
function wireString(field: string, v: unknown, nonEmpty: boolean): string {
  const allowed = `a ${nonEmpty ? 'non-empty ' : ''}string of at most 32767 UTF-8 bytes`;
  if (typeof v !== 'string' || (nonEmpty && v.length === 0) || utf8Length(v) > 32767) fail(field, v, allowed);
  return v;
}

const TOPIC_RULE = TOPIC_NAME_RULE;
export { isValidTopicName };

function listOf(field: string, v: unknown, what: string, rule: string): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim());
  if (Array.isArray(v)) {
    const out: string[] = [];
    v.forEach((x, i) => {
      if (typeof x !== 'string') fail(`${field}[${i}]`, x, `a ${what}: ${rule}`);
      out.push(...x.split(',').map((s) => s.trim()));
    });
    return out;
  }
  return fail(field, v, `an array of ${what}s, or one comma-separated string`);
}

function topicList(field: string, v: unknown): string[] {
  const names = listOf(field, v, 'topic name', TOPIC_RULE);
  if (typeof v === 'string' && v.trim() === '') return [];
  names.forEach((n, i) => {
    if (!isValidTopicName(n)) fail(`${field}[${i}]`, n, TOPIC_RULE);
  });
  return [...new Set(names)];
}

export interface BrokerAddress {
  host: string;
  port: number;
}

const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const BROKER_RULE = "'host:port' with a port from 1 to 65535 ('[::1]:9092' for an IPv6 address)";

/**
 * Parses one broker address, `host:port` or `[ipv6]:port`. Throws {@link ConfigError} (for
 * `field`) on anything else: no port, a port outside 1-65535, an IPv6 address without
 * brackets, a malformed host name.
 */
export function parseBrokerAddress(address: string, field = 'brokers'): BrokerAddress {
  const a = address.trim();
  let host: string;
  let portText: string;
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    if (end < 0 || a[end + 1] !== ':') fail(field, address, BROKER_RULE);
    host = a.slice(1, end);
    portText = a.slice(end + 2);
    if (!net.isIPv6(host)) fail(field, address, BROKER_RULE);
  } else {
    const colon = a.lastIndexOf(':');
    if (colon < 0) throw new ConfigError(field, `${got(address)} (no port)`, BROKER_RULE);
    host = a.slice(0, colon);
    portText = a.slice(colon + 1);
    if (host.includes(':')) {
      throw new ConfigError(field, `${got(address)} (an IPv6 address must be in brackets)`, BROKER_RULE);
    }
    if (!net.isIPv4(host) && !HOSTNAME.test(host)) fail(field, address, BROKER_RULE);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigError(field, `${got(address)} (port ${describe(portText)})`, BROKER_RULE);
  }
  return { host, port };
}

function formatBroker(b: BrokerAddress): string {
  return net.isIPv6(b.host) ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
}

function brokerList(v: unknown): string[] {
  const list = listOf('brokers', v, 'broker address', BROKER_RULE);
  const out = list.map((addr, i) => formatBroker(parseBrokerAddress(addr, `brokers[${i}]`)));
  if (out.length === 0) fail('brokers', v, 'at least one broker address');
  return [...new Set(out)];
}

// ---- TLS and SASL (the secret-bearing options: values described by kind only)

interface ResolvedTls {
  ca?: PemInput | PemInput[];
  cert?: PemInput;
  key?: PemInput;
  passphrase?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

const TLS_KEYS = ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
const TLS_ALLOWED = `true, false, or an object with ${TLS_KEYS.join(', ')}`;
const PEM_ALLOWED = 'PEM string or Buffer';

function pem(field: string, v: unknown, secret: boolean): PemInput {
  if (typeof v === 'string' && v.length > 0) return v;
  if (Buffer.isBuffer(v) && v.length > 0) return Buffer.from(v); // a copy: later changes to the caller's Buffer do not reach us
  if (secret) throw new ConfigError(field, `got ${describeSecret(v)}`, `a non-empty ${PEM_ALLOWED}`);
  return fail(field, v, `a non-empty ${PEM_ALLOWED}`);
}

function resolveTls(v: unknown): ResolvedTls | false {
  if (v === false) return false;
  if (v === true) return { rejectUnauthorized: true };
  if (!isPlainObject(v)) throw new ConfigError('tls', `got ${describeSecret(v)}`, TLS_ALLOWED);
  checkKeys('tls.', v, TLS_KEYS);
  const out: ResolvedTls = { rejectUnauthorized: true };
  if (v.ca !== undefined) {
    out.ca = Array.isArray(v.ca)
      ? (v.ca as unknown[]).map((c, i) => pem(`tls.ca[${i}]`, c, false))
      : pem('tls.ca', v.ca, false);
  }
  if (v.cert !== undefined) out.cert = pem('tls.cert', v.cert, false);
  if (v.key !== undefined) out.key = pem('tls.key', v.key, true);
  if (v.passphrase !== undefined) {
    if (typeof v.passphrase !== 'string') {
      throw new ConfigError('tls.passphrase', `got ${describeSecret(v.passphrase)}`, 'a string');
    }
    out.passphrase = v.passphrase;
  }
  if (v.rejectUnauthorized !== undefined) out.rejectUnauthorized = bool('tls.rejectUnauthorized', v.rejectUnauthorized);
  if (v.servername !== undefined) {
    if (typeof v.servername !== 'string' || !HOSTNAME.test(v.servername)) fail('tls.servername', v.servername, 'a host name');
    out.servername = v.servername;
  }
  if ((out.cert === undefined) !== (out.key === undefined)) {
    const missing = out.cert === undefined ? 'tls.cert' : 'tls.key';
    throw new ConfigError(missing, 'missing', `a ${PEM_ALLOWED}: a client certificate needs both tls.cert and tls.key`);
  }
  if (out.passphrase !== undefined && out.key === undefined) {
    throw new ConfigError('tls.passphrase', 'given without tls.key', 'only with tls.key (the passphrase of that key)');
  }
  return out;
}

const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
const SASL_KEYS = ['mechanism', 'username', 'password'] as const;

function resolveSasl(v: unknown): SaslCredentials {
  if (!isPlainObject(v)) {
    throw new ConfigError('sasl', `got ${describeSecret(v)}`, `an object with ${SASL_KEYS.join(', ')}`);
  }
  checkKeys('sasl.', v, SASL_KEYS);
  const m = typeof v.mechanism === 'string' ? v.mechanism.toLowerCase() : v.mechanism;
  const mechanism = oneOf('sasl.mechanism', m, SASL_MECHANISMS);
  if (typeof v.username !== 'string' || v.username.length === 0) fail('sasl.username', v.username, 'a non-empty string');
  if (typeof v.password !== 'string' || v.password.length === 0) {
    throw new ConfigError('sasl.password', `got ${describeSecret(v.password)}`, 'a non-empty string');
  }
  return { mechanism, username: v.username, password: v.password };
}

function resolveLogger(v: unknown): Logger {
  const allowed = 'an object with debug, info, warn and error methods (the Logger interface)';
  // described by kind and missing methods only: a logger object may hold anything
  if (v === null || typeof v !== 'object') throw new ConfigError('logger', `got ${describeSecret(v)}`, allowed);
  const missing = (['debug', 'info', 'warn', 'error'] as const).filter((m) => typeof (v as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) throw new ConfigError('logger', `got an object without ${missing.join(', ')}`, allowed);
  return v as Logger;
}

/**
 * A Logger writing one line per entry to stderr, from `level` up:
 * `2025-01-01T00:00:00.000Z kafkaesque DEBUG message {fields}`. What `debug: true` uses.
 */
export function consoleLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'debug'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const write = (lvl: (typeof order)[number]) => (message: string, fields?: Record<string, unknown>): void => {
    if (order.indexOf(lvl) < min) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${util.inspect(fields, { breakLength: Infinity, depth: 4 })}` : '';
    process.stderr.write(`${new Date().toISOString()} kafkaesque ${lvl.toUpperCase()} ${message}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function compressionLevel(compression: CompressionName, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  switch (compression) {
    case 'gzip':
      if (v === GZIP_DEFAULT_LEVEL) return v;
      return integer('compressionLevel', v, GZIP_MIN_LEVEL, GZIP_MAX_LEVEL);
    case 'lz4':
      return integer('compressionLevel', v, LZ4_MIN_LEVEL, LZ4_MAX_LEVEL);
    case 'zstd':
      return integer('compressionLevel', v, ZSTD_MIN_LEVEL, ZSTD_MAX_LEVEL);
    default:
      throw new ConfigError(
        'compressionLevel',
        `${got(v)} with compression '${compression}'`,
        "a level only with compression 'gzip' (1-9), 'lz4' (1-17) or 'zstd' (-131072 to 22)",
      );
  }
}

// ------------------------------------------------------------------ resolution

interface Resolved {
  values: ConfigValues;
  tls: ResolvedTls | false;
  sasl: SaslCredentials | undefined;
}


const PARTITIONERS: readonly PartitionerName[] = ['hash', 'random', 'round-robin', 'manual'];
const COMPRESSIONS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const ASSIGNORS: readonly Assignor[] = ['range', 'roundrobin', 'cooperative-sticky'];
const SERVER_ASSIGNORS: readonly ServerAssignor[] = ['uniform', 'range'];
const INITIAL_OFFSET_NAMES: Readonly<Record<string, InitialOffset>> = {
  oldest: 'oldest',
  earliest: 'oldest',
  newest: 'newest',
  latest: 'newest',
};
const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

/** Options must be a plain object of known keys; anything else is described by its kind only (it may hold secrets). */
function checkOptionsObject(o: unknown): asserts o is ConfigOptions {
  if (!isPlainObject(o)) {
    throw new ConfigError('(options)', `got ${describeSecret(o)}`, 'a plain object of options (see ConfigOptions)');
  }
  checkKeys('', o, KNOWN_OPTIONS);
}

/** Validates the options the user gave and derives every effective value. Throws ConfigError. */
function resolve(o: ConfigOptions): Resolved {
  checkOptionsObject(o);
  const given = (k: keyof ConfigOptions): boolean => o[k] !== undefined;
  const D = CONFIG_DEFAULTS;
  const int = (k: keyof ConfigOptions, dflt: number, min: number, max = INT32_MAX): number =>
    o[k] === undefined ? dflt : integer(k, o[k], min, max);
  const enumOf = <T>(k: keyof ConfigOptions, dflt: T, values: readonly T[]): T =>
    o[k] === undefined ? dflt : oneOf(k, o[k], values);
  const flag = (k: keyof ConfigOptions, dflt: boolean): boolean => (o[k] === undefined ? dflt : bool(k, o[k]));

  // ---- connection
  const brokers = given('brokers') ? brokerList(o.brokers) : [...D.brokers];
  const clientId = given('clientId') ? wireString('clientId', o.clientId, false) : D.clientId;
  const connectTimeoutMs = int('connectTimeoutMs', D.connectTimeoutMs, 1);
  const requestTimeoutMs = int('requestTimeoutMs', D.requestTimeoutMs, 1);
  const metadataMaxAgeMs = int('metadataMaxAgeMs', D.metadataMaxAgeMs, 0);
  const retryBackoffMs = int('retryBackoffMs', D.retryBackoffMs, 0);
  let retryBackoffMaxMs = int('retryBackoffMaxMs', D.retryBackoffMaxMs, 0);
  const reconnectBackoffMs = int('reconnectBackoffMs', D.reconnectBackoffMs, 0);
  let reconnectBackoffMaxMs = int('reconnectBackoffMaxMs', D.reconnectBackoffMaxMs, 0);
  const maxFrameBytes = int('maxFrameBytes', D.maxFrameBytes, 1024);
  const tls = given('tls') ? resolveTls(o.tls) : false;
  const sasl = given('sasl') ? resolveSasl(o.sasl) : undefined;
  const debug = flag('debug', D.debug);
  const logger = given('logger') ? resolveLogger(o.logger) : debug ? consoleLogger('debug') : NOOP_LOGGER;

  // ---- producer
  let acks: 0 | 1 | -1 = D.acks;
  if (given('acks')) {
    const a = oneOf('acks', o.acks, [0, 1, -1, 'all'] as const);
    acks = a === 'all' ? -1 : a;
  }
  let partitioner: PartitionerName | PartitionerFunction = D.partitioner;
  if (given('partitioner')) {
    const p: unknown = o.partitioner;
    partitioner = typeof p === 'function' ? (p as PartitionerFunction) : oneOf('partitioner', p, PARTITIONERS);
  }
  const hashFunction = enumOf<HashFunction>('hashFunction', D.hashFunction, ['murmur2', 'fnv1a']);
  const nullKey = enumOf<NullKey>('nullKey', D.nullKey, ['sticky', 'hash-empty', 'value-md5']);
  const partition = given('partition') ? integer('partition', o.partition, 0, INT32_MAX) : undefined;
  const compression = enumOf('compression', D.compression as CompressionName, COMPRESSIONS);
  const level = compressionLevel(compression, o.compressionLevel);
  const idempotentGiven = given('idempotent');
  let idempotent = flag('idempotent', D.idempotent);
  const lingerMs = int('lingerMs', D.lingerMs, 0);
  const batchBytes = int('batchBytes', D.batchBytes, 0);
  const bufferBytes = int('bufferBytes', D.bufferBytes, 1);
  const maxRequestBytes = int('maxRequestBytes', D.maxRequestBytes, 1);
  const maxInFlight = int('maxInFlight', D.maxInFlight, 1);
  const retries = int('retries', D.retries, 0);
  let deliveryTimeoutMs = int('deliveryTimeoutMs', D.deliveryTimeoutMs, 0);
  const maxBlockMs = int('maxBlockMs', D.maxBlockMs, 0);

  // ---- consumer
  const topics = given('topics') ? topicList('topics', o.topics) : [];
  if (given('group') && given('groupId') && o.group !== o.groupId) {
    throw new ConfigError('groupId', `${got(o.groupId)} while group is ${got(o.group)}`, 'the same value as group, or only one of them');
  }
  const group = given('group')
    ? wireString('group', o.group, true)
    : given('groupId')
      ? wireString('groupId', o.groupId, true)
      : undefined;
  let groupInstanceId: string | undefined;
  if (given('groupInstanceId')) {
    // JoinGroupRequest.validateGroupInstanceId: the topic name rule
    if (typeof o.groupInstanceId !== 'string' || !isValidTopicName(o.groupInstanceId)) {
      fail('groupInstanceId', o.groupInstanceId, TOPIC_RULE);
    }
    groupInstanceId = o.groupInstanceId;
  }
  const groupProtocol = enumOf<GroupProtocol>('groupProtocol', D.groupProtocol, ['classic', 'consumer']);
  const serverAssignor = given('serverAssignor') ? oneOf('serverAssignor', o.serverAssignor, SERVER_ASSIGNORS) : undefined;
  let assignors: Assignor[] = [...D.assignors];
  if (given('assignors')) {
    if (!Array.isArray(o.assignors) || o.assignors.length === 0) {
      fail('assignors', o.assignors, `a non-empty array of ${quoteList(ASSIGNORS)}`);
    }
    assignors = o.assignors.map((a, i) => oneOf(`assignors[${i}]`, a, ASSIGNORS));
    const dup = assignors.find((a, i) => assignors.indexOf(a) !== i);
    if (dup !== undefined) throw new ConfigError('assignors', `got '${dup}' twice`, `each of ${quoteList(ASSIGNORS)} at most once`);
  }
  let initialOffset: InitialOffset = D.initialOffset;
  if (given('initialOffset')) {
    const io = o.initialOffset;
    const mapped =
      io === OffsetOldest ? 'oldest'
      : io === OffsetNewest ? 'newest'
      : typeof io === 'string' && Object.hasOwn(INITIAL_OFFSET_NAMES, io) ? INITIAL_OFFSET_NAMES[io]
      : undefined;
    if (mapped === undefined) {
      fail('initialOffset', io, "'oldest' (or 'earliest', OffsetOldest = -2) or 'newest' (or 'latest', OffsetNewest = -1)");
    }
    initialOffset = mapped;
  }
  const sessionTimeoutMs = int('sessionTimeoutMs', D.sessionTimeoutMs, 1);
  const heartbeatIntervalMs = int('heartbeatIntervalMs', D.heartbeatIntervalMs, 1);
  const maxPollIntervalMs = int('maxPollIntervalMs', D.maxPollIntervalMs, 1);
  const rebalanceTimeoutMs = int('rebalanceTimeoutMs', maxPollIntervalMs, 1);
  let autoCommit = flag('autoCommit', D.autoCommit);
  const autoCommitIntervalMs = int('autoCommitIntervalMs', D.autoCommitIntervalMs, 0);
  const isolationLevel = enumOf<IsolationLevel>('isolationLevel', D.isolationLevel, ['read_uncommitted', 'read_committed']);
  const fetchMinBytes = int('fetchMinBytes', D.fetchMinBytes, 0);
  const fetchMaxBytes = int('fetchMaxBytes', D.fetchMaxBytes, 0);
  const fetchMaxWaitMs = int('fetchMaxWaitMs', D.fetchMaxWaitMs, 0);
  const maxPartitionFetchBytes = int('maxPartitionFetchBytes', D.maxPartitionFetchBytes, 0);
  const prefetchBytes = int('prefetchBytes', D.prefetchBytes, 1);
  const maxDecompressedBytes = int('maxDecompressedBytes', D.maxDecompressedBytes, 1);

  // ---------------------------------------------------------------- rules between options

  // Backoff caps: a defaulted cap below the base rises to the base (a fixed backoff); two
  // given values that contradict each other are an error. (Unlike Java, which only warns and
  // lets the cap win for retries, and sets reconnect.backoff.max.ms = reconnect.backoff.ms
  // whenever only the latter is given.)
  if (retryBackoffMaxMs < retryBackoffMs) {
    if (given('retryBackoffMaxMs')) {
      throw new ConfigError('retryBackoffMaxMs', got(retryBackoffMaxMs), `at least retryBackoffMs (${retryBackoffMs})`);
    }
    retryBackoffMaxMs = retryBackoffMs;
  }
  if (reconnectBackoffMaxMs < reconnectBackoffMs) {
    if (given('reconnectBackoffMaxMs')) {
      throw new ConfigError('reconnectBackoffMaxMs', got(reconnectBackoffMaxMs), `at least reconnectBackoffMs (${reconnectBackoffMs})`);
    }
    reconnectBackoffMaxMs = reconnectBackoffMs;
  }

  // The manual partitioner: `partition` implies it; contradicting it is an error.
  if (partition !== undefined) {
    if (!given('partitioner')) partitioner = 'manual';
    else if (partitioner !== 'manual') {
      throw new ConfigError(
        'partition',
        `${got(partition)} with partitioner ${typeof partitioner === 'function' ? 'a function' : `'${partitioner}'`}`,
        "a partition only with partitioner 'manual' (or with no partitioner, which then becomes 'manual')",
      );
    }
  }

  // Idempotence: ProducerConfig.postProcessAndValidateIdempotenceConfigs (Kafka 4.2).
  if (idempotent) {
    const why = idempotentGiven ? 'idempotent is true' : "idempotent is true by default; set idempotent: false to allow more";
    if (maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      throw new ConfigError('maxInFlight', `${got(maxInFlight)} while ${why}`, `an integer from 1 to ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} with the idempotent producer`);
    }
    const off: string[] = [];
    if (retries === 0) {
      if (idempotentGiven) {
        throw new ConfigError('retries', `got 0 while idempotent is true`, `an integer from 1 to ${INT32_MAX} with the idempotent producer (or set idempotent: false)`);
      }
      off.push('retries is 0');
    }
    if (acks !== -1) {
      if (idempotentGiven) {
        throw new ConfigError('acks', `got ${acks} while idempotent is true`, "-1 or 'all' with the idempotent producer (or set idempotent: false)");
      }
      off.push(`acks is ${acks}, not 'all'`);
    }
    if (off.length > 0) {
      idempotent = false;
      logger.debug(`Config: idempotence disabled because ${off.join(' and ')}`);
    }
  }

  // delivery.timeout.ms >= linger.ms + request.timeout.ms (KafkaProducer.configureDeliveryTimeout):
  // an error when given, raised to the sum when defaulted.
  const lingerAndRequest = Math.min(lingerMs + requestTimeoutMs, INT32_MAX);
  if (deliveryTimeoutMs < lingerAndRequest) {
    if (given('deliveryTimeoutMs')) {
      throw new ConfigError(
        'deliveryTimeoutMs',
        got(deliveryTimeoutMs),
        `at least lingerMs + requestTimeoutMs (${lingerMs} + ${requestTimeoutMs} = ${lingerAndRequest})`,
      );
    }
    deliveryTimeoutMs = lingerAndRequest;
  }

  // A fetch response must fit in a frame the connection accepts.
  if (fetchMaxBytes > maxFrameBytes) {
    if (given('fetchMaxBytes')) {
      throw new ConfigError('fetchMaxBytes', got(fetchMaxBytes), `at most maxFrameBytes (${maxFrameBytes}): a larger fetch response would be refused`);
    }
    throw new ConfigError('maxFrameBytes', got(maxFrameBytes), `at least fetchMaxBytes (${fetchMaxBytes}): a full fetch response must fit in a frame`);
  }

  // Group rules (ConsumerConfig): no group means no auto-commit (an error when asked for);
  // static membership needs a group.
  if (group === undefined) {
    if (autoCommit && given('autoCommit')) {
      throw new ConfigError('autoCommit', 'got true without a group', 'true only with a group (set group, or autoCommit: false)');
    }
    autoCommit = false;
    if (groupInstanceId !== undefined) {
      throw new ConfigError('groupInstanceId', `${got(groupInstanceId)} without a group`, 'a static member id only with a group');
    }
  }
  // ConsumerConfig.CONSUMER_PROTOCOL_UNSUPPORTED_CONFIGS: the broker owns these under KIP-848.
  if (groupProtocol === 'consumer') {
    const brokerSide: [keyof ConfigOptions, string][] = [
      ['assignors', 'group.consumer.assignors'],
      ['sessionTimeoutMs', 'group.consumer.session.timeout.ms'],
      ['heartbeatIntervalMs', 'group.consumer.heartbeat.interval.ms'],
    ];
    for (const [k, brokerConfig] of brokerSide) {
      if (given(k)) {
        throw new ConfigError(k, `${got(o[k])} with groupProtocol 'consumer'`, `nothing: the broker controls it (${brokerConfig}); use groupProtocol 'classic' to set it`);
      }
    }
  } else if (serverAssignor !== undefined) {
    throw new ConfigError('serverAssignor', `${got(serverAssignor)} with groupProtocol 'classic'`, "groupProtocol 'consumer' (a classic group uses the client-side `assignors`)");
  } else if (heartbeatIntervalMs >= sessionTimeoutMs) {
    // Heartbeat: "Heartbeat must be set lower than the session timeout"
    throw new ConfigError('heartbeatIntervalMs', got(heartbeatIntervalMs), `less than sessionTimeoutMs (${sessionTimeoutMs}), typically a third of it or less`);
  }

  const tlsView: false | TlsSettings = tls === false
    ? false
    : {
        ...(tls.ca !== undefined && { ca: tls.ca }),
        ...(tls.cert !== undefined && { cert: tls.cert }),
        ...(tls.key !== undefined && { key: REDACTED }),
        ...(tls.passphrase !== undefined && { passphrase: REDACTED }),
        rejectUnauthorized: tls.rejectUnauthorized,
        ...(tls.servername !== undefined && { servername: tls.servername }),
      };

  const values: ConfigValues = {
    brokers, clientId, connectTimeoutMs, requestTimeoutMs, metadataMaxAgeMs, retryBackoffMs, retryBackoffMaxMs,
    reconnectBackoffMs, reconnectBackoffMaxMs, maxFrameBytes,
    tls: tlsView,
    sasl: sasl && { mechanism: sasl.mechanism, username: sasl.username, password: REDACTED },
    logger, debug,
    acks, partitioner, hashFunction, nullKey, partition, compression, compressionLevel: level, idempotent, lingerMs,
    batchBytes, bufferBytes, maxRequestBytes, maxInFlight, retries, deliveryTimeoutMs, maxBlockMs,
    topics, group, groupInstanceId, groupProtocol, assignors, serverAssignor, initialOffset, sessionTimeoutMs, heartbeatIntervalMs,
    rebalanceTimeoutMs, maxPollIntervalMs, autoCommit, autoCommitIntervalMs, isolationLevel, fetchMinBytes,
    fetchMaxBytes, fetchMaxWaitMs, maxPartitionFetchBytes, prefetchBytes, maxDecompressedBytes,
  };
  // Frozen: the values and their arrays and views (Buffers cannot be frozen; the user's logger
  // and partitioner function are theirs and stay as they are).
  Object.freeze(brokers);
  Object.freeze(topics);
  Object.freeze(assignors);
  if (tls !== false && Array.isArray(tls.ca)) Object.freeze(tls.ca);
  if (tlsView !== false) Object.freeze(tlsView);
  if (values.sasl) Object.freeze(values.sasl);
  return { values: Object.freeze(values), tls: tls && Object.freeze(tls), sasl: sasl && Object.freeze(sasl) };
}

// ------------------------------------------------------------------ the Config class

function pemSummary(p: PemInput): string {
  return Buffer.isBuffer(p) ? `[Buffer: ${p.length} bytes]` : `[PEM: ${p.length} chars]`;
}

// The values are exposed as read-only properties (getters on the prototype, defined below);
// this declaration merge gives them their types and docs.
export interface Config extends ConfigValues {}

/**
 * The validated client configuration. Read any effective value as a property
 * (`config.acks`, `config.brokers`); change options with the chainable setters or
 * {@link Config.set}, which validate like the constructor and change nothing when they throw.
 * The values themselves are frozen.
 */
export class Config {
  /** The options the user gave (secrets included): the input of every re-derivation. */
  #options: ConfigOptions;
  #values: ConfigValues;
  #tls: ResolvedTls | false;
  #sasl: SaslCredentials | undefined;

  static {
    for (const key of VALUE_KEYS) {
      Object.defineProperty(Config.prototype, key, {
        get(this: Config) {
          return this.#values[key];
        },
        enumerable: false,
        configurable: false,
      });
    }
  }

  /**
   * Validates `options` (see {@link ConfigOptions}); throws {@link ConfigError}. Given another
   * Config, copies the options it was given (an independent copy: setters on one do not change
   * the other).
   */
  constructor(options: ConfigOptions | Config = {}) {
    const copy: ConfigOptions = options instanceof Config ? { ...options.#options } : isPlainObject(options) ? { ...options } : options;
    const r = resolve(copy);
    this.#options = Object.freeze(copy);
    this.#values = r.values;
    this.#tls = r.tls;
    this.#sasl = r.sasl;
    if (new.target === Config) Object.freeze(this);
  }

  /**
   * Whether `option` was given (in the constructor, a copied Config or a setter), as opposed to
   * taking its default. The Multiplexer uses it to apply the Go layer's defaults only where the
   * Config leaves an option unset.
   */
  isSet(option: keyof ConfigOptions): boolean {
    if (option === 'group' || option === 'groupId') return this.#options.group !== undefined || this.#options.groupId !== undefined;
    return this.#options[option] !== undefined;
  }

  /** Applies several options at once (same rules as the constructor); returns this. */
  set(options: ConfigOptions): this {
    checkOptionsObject(options);
    const next: ConfigOptions = { ...this.#options, ...options };
    // group and groupId are one setting: the newer spelling replaces the older
    if (options.group !== undefined && options.groupId === undefined) delete next.groupId;
    if (options.groupId !== undefined && options.group === undefined) delete next.group;
    const r = resolve(next);
    this.#options = Object.freeze(next);
    this.#values = r.values;
    this.#tls = r.tls;
    this.#sasl = r.sasl;
    return this;
  }

  /** Bootstrap brokers: `setBrokers('a:9092', 'b:9092')`, `setBrokers('a:9092,b:9092')` or an array. */
  setBrokers(...addresses: (string | readonly string[])[]): this {
    return this.set({ brokers: addresses.flat() });
  }

  /** Topics to consume: `setTopics('t1,t2')`, `setTopics('t1', 't2')` or an array. */
  setTopics(...topics: (string | readonly string[])[]): this {
    return this.set({ topics: topics.flat() });
  }

  setGroup(group: string): this {
    return this.set({ group });
  }

  /** The consumer group id (the same as `group`). */
  get groupId(): string | undefined {
    return this.group;
  }

  /** A fixed partition; selects the 'manual' partitioner unless another one was given (then: ConfigError). */
  setPartition(partition: number): this {
    return this.set({ partition });
  }

  setPartitioner(partitioner: PartitionerName | PartitionerFunction): this {
    return this.set({ partitioner });
  }

  setAcks(acks: Acks): this {
    return this.set({ acks });
  }

  setInitialOffset(initialOffset: NonNullable<ConfigOptions['initialOffset']>): this {
    return this.set({ initialOffset });
  }

  setTLS(tls: boolean | TlsOptions): this {
    return this.set({ tls });
  }

  setDebug(debug: boolean): this {
    return this.set({ debug });
  }

  setClientId(clientId: string): this {
    return this.set({ clientId });
  }

  /** The compression codec, and optionally its level (a level given earlier is dropped when none is given). */
  setCompression(compression: CompressionName, level?: number): this {
    return this.set({ compression, compressionLevel: level });
  }

  setSASL(sasl: SaslOptions): this {
    return this.set({ sasl });
  }

  setLogger(logger: Logger): this {
    return this.set({ logger });
  }

  /** The bootstrap brokers as host and port. */
  brokerAddresses(): BrokerAddress[] {
    return this.#values.brokers.map((b) => parseBrokerAddress(b));
  }

  /** The SASL credentials, password included, for the authentication layer; never log them. */
  saslCredentials(): SaslCredentials | undefined {
    return this.#sasl;
  }

  /** What {@link BrokerConnection.connect} takes for one broker, TLS options included (key and passphrase too). */
  toConnectionOptions(host: string, port: number): BrokerConnectionOptions {
    const v = this.#values;
    const opts: BrokerConnectionOptions = {
      host,
      port,
      clientId: v.clientId,
      connectTimeoutMs: v.connectTimeoutMs,
      requestTimeoutMs: v.requestTimeoutMs,
      maxFrameBytes: v.maxFrameBytes,
      logger: v.logger,
    };
    const t = this.#tls;
    if (t !== false) {
      const tlsOpts: tls.ConnectionOptions = { rejectUnauthorized: t.rejectUnauthorized };
      if (t.ca !== undefined) tlsOpts.ca = t.ca;
      if (t.cert !== undefined) tlsOpts.cert = t.cert;
      if (t.key !== undefined) tlsOpts.key = t.key;
      if (t.passphrase !== undefined) tlsOpts.passphrase = t.passphrase;
      if (t.servername !== undefined) tlsOpts.servername = t.servername;
      opts.tls = tlsOpts;
    }
    return opts;
  }

  /** The effective values as plain JSON data, secrets redacted, PEM data summarized. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of VALUE_KEYS) {
      const v = this.#values[key];
      if (key === 'logger') {
        out.logger = this.#options.logger !== undefined ? 'custom' : this.#values.debug ? 'console (debug)' : 'none';
      } else if (key === 'partitioner' && typeof v === 'function') {
        out.partitioner = `[Function${v.name ? `: ${v.name}` : ''}]`;
      } else if (key === 'tls' && v !== false) {
        const t = v as TlsSettings;
        out.tls = {
          ...t,
          ...(t.ca !== undefined && { ca: Array.isArray(t.ca) ? t.ca.map(pemSummary) : pemSummary(t.ca as PemInput) }),
          ...(t.cert !== undefined && { cert: pemSummary(t.cert) }),
        };
      } else if (v !== undefined) {
        out[key] = v;
      }
    }
    return out;
  }

  /** `Config {"brokers":[...],...}`, secrets redacted. */
  toString(): string {
    return `Config ${JSON.stringify(this.toJSON())}`;
  }

  get [Symbol.toStringTag](): string {
    return 'Config';
  }

  [util.inspect.custom](_depth: number, options: util.InspectOptionsStylized, inspect: typeof util.inspect = util.inspect): string {
    return `Config ${inspect(this.toJSON(), { ...options, depth: 4 })}`;
  }
}
