/**
 * Every Config option, described once: what it accepts and becomes (the TypeScript types, as
 * text), its validator, its default, its Java property, its YAML key where the Multiplexer's
 * config file has one, and one line of documentation.
 *
 * From this table come:
 *  - `ConfigOptions` and `ConfigValues` (config-options.generated.ts, written by
 *    `npm run gen:config`; test/client/config-table.test.ts fails when they differ from the
 *    table, and the compiler checks each row's validator and default against them);
 *  - the validation and the defaults (`resolve()` in config.ts runs each row's `check` on a
 *    given value and takes `default` otherwise; `CONFIG_DEFAULTS` is read off the rows);
 *  - the option tables of docs/configuration.md (written by the same command, checked by the
 *    same test).
 * A default that a lower layer also needs (the connection and cluster timeouts) is that layer's
 * exported constant, imported here, never repeated.
 *
 * Rows are in resolution order: a row's `check` sees the values of the rows above it. A row
 * without `check` is resolved by code in `resolve()`, because its value depends on other options
 * (`logger` on `debug`, `rebalanceTimeoutMs` on `maxPollIntervalMs`, `group` on `groupId`) or it
 * carries secrets (`tls`, `sasl`).
 *
 * Adding an option: one row here, `npm run gen:config`, and the code that uses the value
 * (`src/client/options.ts` hands values to the layers below). docs/DESIGN.md says more.
 */
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../protocol/compression/index.js';
import type { CompressionName } from '../../protocol/compression/errors.js';
import { CLUSTER_DEFAULTS } from '../cluster/cluster.js';
import { CONNECTION_DEFAULTS } from '../network/broker-connection.js';
import type { PartitionerFunction, PartitionerName } from '../producer/partitioner.js';
import {
  type Assignor,
  type InitialOffset,
  INT32_MAX,
  MiB,
  OffsetNewest,
  OffsetOldest,
  type ServerAssignor,
} from './config-kinds.js';
import {
  assignorList,
  brokerList,
  compressionLevel,
  fail,
  integer,
  oneOf,
  topicList,
  TOPIC_RULE,
  wireString,
  bool,
} from './config-check.js';
import type { ConfigOptions, ConfigValues } from './config-options.generated.js';
import { isValidTopicName } from '../cluster/topic-partition.js';

export type ConfigSection = 'connection' | 'producer' | 'consumer';

/** One option. `V` is its effective value's type (`never` for an option without a value of its own). */
export interface OptionRow<V = unknown> {
  readonly section: ConfigSection;
  /** The TypeScript type the option accepts (in `ConfigOptions`), as source text. */
  readonly input: string;
  /** The TypeScript type of its effective value (in `ConfigValues`), as source text; none for an alias. */
  readonly value?: string;
  /** What it accepts, in the words of the docs table (Markdown). */
  readonly accepts: string;
  /** The default value; absent when there is none or it is derived (see `defaultText`). */
  readonly default?: V;
  /** The default as the docs say it, when the value alone does not say it (Markdown). */
  readonly defaultText?: string;
  /** The Java client property, or what stands in for it (Markdown). */
  readonly java: string;
  /** The key of the Multiplexer's YAML config file that sets it, if any. */
  readonly yaml?: string;
  /** One line of documentation (Markdown). */
  readonly doc: string;
  /** Validates a given value and returns the effective one; `earlier` holds the rows above. Throws ConfigError. */
  readonly check?: (field: string, v: unknown, earlier: Readonly<Record<string, unknown>>) => V;
}

type Rows = {
  readonly [K in keyof ConfigOptions]-?: OptionRow<K extends keyof ConfigValues ? ConfigValues[K] : never>;
};

/** A row for an integer option from `min` to 2147483647. */
function int<R extends Omit<OptionRow<number>, 'input' | 'value' | 'accepts' | 'check'>>(min: number, row: R): OptionRow<number> & R {
  return { input: 'number', value: 'number', accepts: `int ≥ ${min}`, check: (f, v) => integer(f, v, min, INT32_MAX), ...row };
}

/** A row for a boolean option. */
function flag<R extends Omit<OptionRow<boolean>, 'input' | 'value' | 'accepts' | 'check'>>(row: R): OptionRow<boolean> & R {
  return { input: 'boolean', value: 'boolean', accepts: 'boolean', check: (f, v) => bool(f, v), ...row };
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A row for an option that takes one of `values` (string literals). */
function enumOf<T extends string, R extends Omit<OptionRow<T>, 'input' | 'value' | 'accepts' | 'check'> & { input?: string }>(
  values: readonly T[],
  row: R,
): OptionRow<T> & R {
  const union = values.map((x) => `'${x}'`).join(' | ');
  return {
    input: row.input ?? union,
    value: row.input ?? union,
    accepts: orList(values.map((x) => `\`'${x}'\``)),
    check: (f, v) => oneOf(f, v, values),
    ...row,
  };
}

const PARTITIONERS: readonly PartitionerName[] = ['hash', 'random', 'round-robin', 'manual'];
const COMPRESSIONS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const ASSIGNORS: readonly Assignor[] = ['range', 'roundrobin', 'cooperative-sticky', 'RoundRobinAssigner'];
const SERVER_ASSIGNORS: readonly ServerAssignor[] = ['uniform', 'range'];
const INITIAL_OFFSET_NAMES: Readonly<Record<string, InitialOffset>> = {
  oldest: 'oldest',
  earliest: 'oldest',
  newest: 'newest',
  latest: 'newest',
};

export const CONFIG_TABLE = {
  // ------------------------------------------------------------------ connection
  brokers: {
    section: 'connection',
    input: 'string | readonly string[]',
    value: 'readonly string[]',
    accepts: '`string[]` or a comma-separated `string`',
    default: Object.freeze(['127.0.0.1:9092']),
    java: '`bootstrap.servers`',
    yaml: 'addrs',
    doc: 'Bootstrap brokers, `host:port` each (`[::1]:9092` for IPv6); duplicates dropped.',
    check: (_f, v) => brokerList(v),
  },
  clientId: {
    section: 'connection',
    input: 'string',
    value: 'string',
    accepts: 'string (≤ 32767 UTF-8 bytes)',
    default: CONNECTION_DEFAULTS.clientId,
    java: '`client.id`',
    yaml: 'client_id',
    doc: 'Sent in every request header.',
    check: (f, v) => wireString(f, v, false),
  },
  connectTimeoutMs: int(1, {
    section: 'connection',
    default: CONNECTION_DEFAULTS.connectTimeoutMs,
    java: '`socket.connection.setup.timeout.ms`',
    doc: 'Time to open a connection: TCP, TLS and ApiVersions.',
  }),
  requestTimeoutMs: int(1, {
    section: 'connection',
    default: CONNECTION_DEFAULTS.requestTimeoutMs,
    java: '`request.timeout.ms`',
    doc: 'Time a request waits for its response; then it fails and its connection is closed.',
  }),
  metadataMaxAgeMs: int(0, {
    section: 'connection',
    default: CLUSTER_DEFAULTS.metadataMaxAgeMs,
    java: '`metadata.max.age.ms`',
    doc: 'Metadata is refreshed at least this often.',
  }),
  metadataRecoveryStrategy: enumOf(['rebootstrap', 'none'], {
    section: 'connection',
    input: 'MetadataRecoveryStrategy',
    default: CLUSTER_DEFAULTS.metadataRecoveryStrategy,
    java: '`metadata.recovery.strategy`',
    doc: "When no known broker answers, or one answers REBOOTSTRAP_REQUIRED: `'rebootstrap'` connects to the bootstrap addresses again (resolving their names again) and takes the cluster they describe (KIP-899, KIP-1102); `'none'` keeps to the brokers of the last metadata.",
  }),
  retryBackoffMs: int(0, {
    section: 'connection',
    default: CLUSTER_DEFAULTS.retryBackoffMs,
    java: '`retry.backoff.ms`',
    doc: 'First wait before retrying a failed request.',
  }),
  retryBackoffMaxMs: int(0, {
    section: 'connection',
    default: CLUSTER_DEFAULTS.retryBackoffMaxMs,
    java: '`retry.backoff.max.ms`',
    doc: 'Cap of the exponential retry backoff (with ±20% jitter, KIP-580).',
  }),
  reconnectBackoffMs: int(0, {
    section: 'connection',
    default: CLUSTER_DEFAULTS.reconnectBackoffMs,
    java: '`reconnect.backoff.ms`',
    doc: 'Wait before connecting again to a broker whose last connection attempt failed; doubles with each failure in a row (±20% jitter), back to none after a success.',
  }),
  reconnectBackoffMaxMs: int(0, {
    section: 'connection',
    default: CLUSTER_DEFAULTS.reconnectBackoffMaxMs,
    java: '`reconnect.backoff.max.ms`',
    doc: 'Cap of the reconnect backoff (per broker address).',
  }),
  maxFrameBytes: int(1024, {
    section: 'connection',
    default: CONNECTION_DEFAULTS.maxFrameBytes,
    java: 'none',
    doc: "Largest response frame accepted (the broker's `socket.request.max.bytes` default); at least `fetchMaxBytes`.",
  }),
  tls: {
    section: 'connection',
    input: 'boolean | TlsOptions',
    value: 'false | TlsSettings',
    accepts: '`boolean` or `TlsOptions`',
    defaultText: '`false`',
    java: '`security.protocol=SSL`, `ssl.*`',
    yaml: 'tls',
    doc: "TLS to the brokers: `true` with Node's bundled CAs, or options. Read back with the key and passphrase redacted.",
  },
  sasl: {
    section: 'connection',
    input: 'SaslOptions | OAuthBearerOptions | CustomSaslOptions',
    value: 'SaslSettings | OAuthBearerSettings | CustomSaslSettings | undefined',
    accepts: '`{ mechanism, username, password }`, `{ mechanism: \'oauthbearer\', token }`, `{ mechanism: \'oauthbearer\', oidc }` or a custom mechanism `{ mechanism: \'NAME\', client }`',
    java: '`sasl.mechanism`, `sasl.jaas.config`, `sasl.login.callback.handler.class`, `sasl.oauthbearer.token.endpoint.url`',
    yaml: 'sasl',
    doc: "SASL: PLAIN/SCRAM credentials, OAUTHBEARER with a token provider or the built-in OIDC client-credentials provider, or a custom mechanism whose `client()` returns the exchange (`initial()`, `next(server)`) (docs/security.md); with `tls` Java's `SASL_SSL`, without `SASL_PLAINTEXT`. Read back with the password and client secret redacted, a custom mechanism as its name only.",
  },
  debug: flag({
    section: 'connection',
    default: false,
    java: 'none',
    doc: 'With no `logger`: log everything at debug level to stderr (`consoleLogger(\'debug\')`).',
  }),
  logger: {
    section: 'connection',
    input: 'Logger',
    value: 'Logger',
    accepts: '`Logger` (`debug`, `info`, `warn`, `error` methods)',
    defaultText: 'none (a console logger with `debug`)',
    java: 'SLF4J',
    doc: 'Where the client logs; nothing is logged without one. Read back as the effective logger (never undefined).',
  },
  clientInstance: {
    section: 'connection',
    input: 'string',
    value: 'string | undefined',
    accepts: 'non-empty string',
    java: 'none',
    doc: "Names this client in its tracing payloads (`client` of `kafkaesque:connect` and `kafkaesque:request`) so that a subscriber tells clients apart (kafkaesque/kafkajs sets one per KafkaJS client); never sent to the broker (`clientId` is).",
    check: (f, v) => wireString(f, v, true),
  },

  // ------------------------------------------------------------------ producer
  acks: {
    section: 'producer',
    input: 'Acks',
    value: '0 | 1 | -1',
    accepts: "`0`, `1`, `-1` or `'all'`",
    default: -1,
    defaultText: "`-1` (`'all'`)",
    java: '`acks`',
    yaml: 'acks',
    doc: "Acknowledgements a produce request waits for: none, the leader's, every in-sync replica's. `'all'` reads back as `-1`.",
    check: (f, v) => {
      const a = oneOf(f, v, [0, 1, -1, 'all'] as const);
      return a === 'all' ? -1 : a;
    },
  },
  partitioner: {
    section: 'producer',
    input: 'PartitionerName | PartitionerFunction',
    value: 'PartitionerName | PartitionerFunction',
    accepts: "`'hash'`, `'random'`, `'round-robin'`, `'manual'` or `(ctx) => number`",
    default: 'hash',
    java: '`partitioner.class`',
    yaml: 'partitioner',
    doc: "Picks a record's partition; `'hash'` by key (see `docs/client.md`).",
    check: (f, v): PartitionerName | PartitionerFunction => (typeof v === 'function' ? (v as PartitionerFunction) : oneOf(f, v, PARTITIONERS)),
  },
  hashFunction: enumOf(['murmur2', 'fnv1a'], {
    section: 'producer',
    input: 'HashFunction',
    default: 'murmur2',
    defaultText: "`'murmur2'` (the Multiplexer: `'fnv1a'`)",
    java: '`Utils.murmur2`',
    yaml: 'hash_function',
    doc: "Key hash of the `'hash'` partitioner: murmur2 puts keys where Java producers do; `'fnv1a'` where sarama does (unlike sarama, Java's is the default).",
  }),
  nullKey: enumOf(['sticky', 'hash-empty', 'value-md5'], {
    section: 'producer',
    input: 'NullKey',
    default: 'sticky',
    defaultText: "`'sticky'` (the Multiplexer: `'hash-empty'`)",
    java: 'KIP-480 sticky partitioning',
    yaml: 'null_key',
    doc: "Where the `'hash'` partitioner sends a keyless record: `'sticky'` Java's; `'hash-empty'` the empty key's partition (the Go layer's connections; the key stays null); `'value-md5'` keyed by the hex MD5 of the value, on the wire too (the Go client producers' `SendMsgByte`).",
  }),
  partition: {
    section: 'producer',
    input: 'number',
    value: 'number | undefined',
    accepts: 'int ≥ 0',
    java: '`ProducerRecord.partition`',
    doc: "The `'manual'` partitioner's partition; given alone it selects `'manual'`.",
    check: (f, v) => integer(f, v, 0, INT32_MAX),
  },
  compression: enumOf(COMPRESSIONS, {
    section: 'producer',
    input: 'CompressionName',
    default: 'none',
    java: '`compression.type`',
    yaml: 'compression',
    doc: 'Record batch compression.',
  }),
  compressionLevel: {
    section: 'producer',
    input: 'number',
    value: 'number | undefined',
    accepts: 'int',
    defaultText: "the codec's: gzip zlib's default (-1 = 6), lz4 9, zstd 3",
    java: '`compression.gzip.level`, `compression.lz4.level`, `compression.zstd.level`',
    yaml: 'compression_level',
    doc: 'Codec level: gzip 1-9 (or -1), lz4 1-17, zstd -131072 to 22; an error with `none` or `snappy`.',
    check: (_f, v, earlier) => compressionLevel(earlier.compression as CompressionName, v),
  },
  idempotent: flag({
    section: 'producer',
    default: true,
    java: '`enable.idempotence`',
    doc: 'Idempotent producer: no duplicates on retry (see the rules below).',
  }),
  transactionalId: {
    section: 'producer',
    input: 'string',
    value: 'string | undefined',
    accepts: 'non-empty string',
    java: '`transactional.id`',
    yaml: 'transactional_id',
    doc: 'Makes producers transactional (`initTransactions()`, `beginTransaction()`, ...; docs/transactions.md); needs `idempotent`.',
    check: (f, v) => wireString(f, v, true),
  },
  transactionTimeoutMs: int(1, {
    section: 'producer',
    default: 60_000,
    java: '`transaction.timeout.ms`',
    doc: "How long a transaction may stay open before the coordinator aborts it; at most the broker's `transaction.max.timeout.ms`.",
  }),
  lingerMs: int(0, {
    section: 'producer',
    default: 5,
    java: '`linger.ms`',
    doc: 'Wait this long for more records before sending a batch (Kafka 4.0 default).',
  }),
  batchBytes: int(0, {
    section: 'producer',
    default: 16_384,
    java: '`batch.size`',
    doc: 'Target size of a record batch per partition.',
  }),
  bufferBytes: int(1, {
    section: 'producer',
    default: 32 * MiB,
    java: '`buffer.memory`',
    doc: 'Memory of records waiting to be sent, at what each costs (encoded bytes + the payload kept for its outcome + 512 B), and the bound of batch buffers lent plus kept for reuse; a full buffer makes sends wait (backpressure).',
  }),
  maxRequestBytes: int(1, {
    section: 'producer',
    default: MiB,
    java: '`max.request.size`',
    doc: 'Largest produce request.',
  }),
  maxInFlight: int(1, {
    section: 'producer',
    default: 5,
    java: '`max.in.flight.requests.per.connection`',
    doc: 'Unacknowledged produce requests per broker connection; at most 5 while idempotent.',
  }),
  retries: int(0, {
    section: 'producer',
    default: INT32_MAX,
    java: '`retries`',
    doc: 'Retries of a failed produce, bounded by `deliveryTimeoutMs`.',
  }),
  deliveryTimeoutMs: int(0, {
    section: 'producer',
    default: 120_000,
    java: '`delivery.timeout.ms`',
    doc: 'Upper bound on the time a send takes to succeed or fail; at least `lingerMs + requestTimeoutMs`.',
  }),
  maxBlockMs: int(0, {
    section: 'producer',
    default: 60_000,
    java: '`max.block.ms`',
    doc: 'Longest wait of a send for buffer space or metadata.',
  }),

  // ------------------------------------------------------------------ consumer
  topics: {
    section: 'consumer',
    input: 'string | readonly string[]',
    value: 'readonly string[]',
    accepts: '`string[]` or a comma-separated `string`',
    default: Object.freeze([] as string[]),
    defaultText: 'none',
    java: '`KafkaConsumer.subscribe`',
    doc: "Topics to consume (Kafka's topic name rule); a group consumer needs at least one.",
    check: (f, v) => topicList(f, v),
  },
  group: {
    section: 'consumer',
    input: 'string',
    value: 'string | undefined',
    accepts: 'non-empty string',
    java: '`group.id`',
    yaml: 'group_id',
    doc: 'Consumer group id.',
  },
  groupId: {
    section: 'consumer',
    input: 'string',
    accepts: 'non-empty string',
    java: '`group.id`',
    doc: "The Go layer's name for `group`; give one or the other (or the same value).",
  },
  groupInstanceId: {
    section: 'consumer',
    input: 'string',
    value: 'string | undefined',
    accepts: 'topic-name rule',
    java: '`group.instance.id`',
    doc: 'Static membership id (KIP-345); needs `group`.',
    // JoinGroupRequest.validateGroupInstanceId: the topic name rule
    check: (f, v) => (typeof v === 'string' && isValidTopicName(v) ? v : fail(f, v, TOPIC_RULE)),
  },
  groupProtocol: enumOf(['classic', 'consumer'], {
    section: 'consumer',
    input: 'GroupProtocol',
    default: 'classic',
    java: '`group.protocol`',
    doc: "Group protocol: classic, or KIP-848's `'consumer'` (the broker assigns).",
  }),
  serverAssignor: {
    section: 'consumer',
    input: 'ServerAssignor',
    value: 'ServerAssignor | undefined',
    accepts: "`'uniform'` or `'range'`",
    defaultText: "the broker's first `group.consumer.assignors` (uniform)",
    java: '`group.remote.assignor`',
    doc: "Broker-side assignor of the `'consumer'` protocol.",
    check: (f, v) => oneOf(f, v, SERVER_ASSIGNORS),
  },
  assignors: {
    section: 'consumer',
    input: 'readonly (Assignor | PartitionAssignor)[]',
    value: 'readonly (Assignor | PartitionAssignor)[]',
    accepts:
      "array of `'range'`, `'roundrobin'`, `'cooperative-sticky'`, `'RoundRobinAssigner'` (KafkaJS's name, round-robin) or custom `PartitionAssignor` objects (`docs/client.md`)",
    default: Object.freeze(['range', 'cooperative-sticky'] as Assignor[]),
    java: '`partition.assignment.strategy`',
    doc: 'Client-side assignors, preferred first (classic protocol only).',
    check: (f, v) => assignorList(f, v, ASSIGNORS),
  },
  initialOffset: {
    section: 'consumer',
    input: "InitialOffset | 'earliest' | 'latest' | typeof OffsetOldest | typeof OffsetNewest",
    value: 'InitialOffset',
    accepts: "`'oldest'`, `'earliest'`, `OffsetOldest` (-2), `'newest'`, `'latest'`, `OffsetNewest` (-1)",
    default: 'newest',
    defaultText: "`'newest'` (the Multiplexer: `'oldest'`)",
    java: '`auto.offset.reset`',
    yaml: 'initial_offset',
    doc: "Where a partition without a committed offset starts; reads back as `'oldest'` / `'newest'` (sarama's default is `'newest'` too).",
    check: (f, v) => {
      const mapped =
        v === OffsetOldest ? 'oldest'
        : v === OffsetNewest ? 'newest'
        : typeof v === 'string' && Object.hasOwn(INITIAL_OFFSET_NAMES, v) ? INITIAL_OFFSET_NAMES[v]
        : undefined;
      if (mapped === undefined) fail(f, v, "'oldest' (or 'earliest', OffsetOldest = -2) or 'newest' (or 'latest', OffsetNewest = -1)");
      return mapped;
    },
  },
  sessionTimeoutMs: int(1, {
    section: 'consumer',
    default: 45_000,
    java: '`session.timeout.ms`',
    doc: 'Classic protocol session timeout.',
  }),
  heartbeatIntervalMs: int(1, {
    section: 'consumer',
    default: 3_000,
    java: '`heartbeat.interval.ms`',
    doc: 'Classic protocol heartbeat interval, below `sessionTimeoutMs`.',
  }),
  maxPollIntervalMs: int(1, {
    section: 'consumer',
    default: 300_000,
    java: '`max.poll.interval.ms`',
    doc: 'A member that takes no message for this long leaves the group.',
  }),
  rebalanceTimeoutMs: {
    section: 'consumer',
    input: 'number',
    value: 'number',
    accepts: 'int ≥ 1',
    defaultText: '`maxPollIntervalMs`',
    java: 'none (Java sends `max.poll.interval.ms`)',
    doc: 'Time members get to rejoin during a rebalance.',
  },
  autoCommit: {
    section: 'consumer',
    input: 'boolean',
    value: 'boolean',
    accepts: 'boolean',
    default: true,
    defaultText: '`true` with a group, `false` without',
    java: '`enable.auto.commit`',
    doc: 'Commit consumed offsets periodically; `true` without a group is an error.',
    check: (f, v) => bool(f, v),
  },
  autoCommitIntervalMs: int(0, {
    section: 'consumer',
    default: 1_000,
    java: '`auto.commit.interval.ms`',
    doc: "Auto-commit period (unlike Java's 5000).",
  }),
  isolationLevel: enumOf(['read_uncommitted', 'read_committed'], {
    section: 'consumer',
    input: 'IsolationLevel',
    default: 'read_uncommitted',
    java: '`isolation.level`',
    yaml: 'isolation_level',
    doc: '`read_committed`: only records of committed transactions.',
  }),
  fetchMinBytes: int(0, {
    section: 'consumer',
    default: 1,
    java: '`fetch.min.bytes`',
    doc: 'Least data a fetch waits for.',
  }),
  fetchMaxBytes: int(0, {
    section: 'consumer',
    default: 50 * MiB,
    java: '`fetch.max.bytes`',
    doc: 'Most data a fetch response carries (soft limit); at most `maxFrameBytes`.',
  }),
  fetchMaxWaitMs: int(0, {
    section: 'consumer',
    default: 500,
    java: '`fetch.max.wait.ms`',
    doc: 'Longest time the broker holds a fetch to reach `fetchMinBytes`.',
  }),
  maxPartitionFetchBytes: int(0, {
    section: 'consumer',
    default: MiB,
    java: '`max.partition.fetch.bytes`',
    doc: 'Most data per partition in a fetch (soft limit).',
  }),
  prefetchBytes: int(1, {
    section: 'consumer',
    // One full default fetch response (fetch.max.bytes, 50 MiB) fits while the application
    // works through the previous one, and the bound matches librdkafka's
    // queued.max.messages.kbytes and DEFAULT_MAX_DECOMPRESSED_BYTES: a ceiling a small
    // service can afford, reached only by a consumer that outruns its application.
    default: 64 * MiB,
    java: 'none (librdkafka `queued.max.messages.kbytes`)',
    doc: 'Fetched bytes a consumer buffers ahead of the application.',
  }),
  maxDecompressedBytes: int(1, {
    section: 'consumer',
    default: DEFAULT_MAX_DECOMPRESSED_BYTES,
    java: 'none',
    doc: 'Largest decompressed size of one record batch (decompression-bomb guard).',
  }),
} satisfies Rows;

export type OptionName = keyof typeof CONFIG_TABLE;

/** The options, in table (resolution) order. */
export const OPTION_NAMES = Object.keys(CONFIG_TABLE) as OptionName[];

/** The names of the effective values (rows with a `value` type), in table order. */
export const VALUE_NAMES = OPTION_NAMES.filter((k) => (CONFIG_TABLE[k] as OptionRow).value !== undefined) as (keyof ConfigValues)[];

type Defaulted = { [K in OptionName]: (typeof CONFIG_TABLE)[K] extends { default: unknown } ? K : never }[OptionName];

/** The defaults of every option that has a fixed one (read-only), read off the table. */
export const CONFIG_DEFAULTS: { readonly [K in Defaulted & keyof ConfigValues]: ConfigValues[K] } = Object.freeze(
  Object.fromEntries(
    OPTION_NAMES.filter((k) => (CONFIG_TABLE[k] as OptionRow).default !== undefined).map((k) => [k, (CONFIG_TABLE[k] as OptionRow).default]),
  ) as never,
);
