// Generated from src/client/config-table.ts by `npm run gen:config`: edit the table, not this file.
import type { CompressionName } from '../../protocol/compression/errors.js';
import type { MetadataRecoveryStrategy } from '../cluster/cluster.js';
import type { PartitionAssignor } from '../consumer/assignors/types.js';
import type { Logger } from '../network/logger.js';
import type { PartitionerFunction, PartitionerName } from '../producer/partitioner.js';
import type { Acks, Assignor, CustomSaslOptions, CustomSaslSettings, GroupProtocol, HashFunction, InitialOffset, IsolationLevel, NullKey, OAuthBearerOptions, OAuthBearerSettings, OffsetNewest, OffsetOldest, SaslOptions, SaslSettings, ServerAssignor, TlsOptions, TlsSettings } from './config-kinds.js';

/** Everything `new Config()` accepts; every option is optional. */
export interface ConfigOptions {
  // ---- connection
  /** Bootstrap brokers, `host:port` each (`[::1]:9092` for IPv6); duplicates dropped. Default: `['127.0.0.1:9092']`. Java: `bootstrap.servers`. */
  brokers?: string | readonly string[];
  /** Sent in every request header. Default: `'kafkaesque'`. Java: `client.id`. */
  clientId?: string;
  /** Time to open a connection: TCP, TLS and ApiVersions. Default: 10000. Java: `socket.connection.setup.timeout.ms`. */
  connectTimeoutMs?: number;
  /** Time a request waits for its response; then it fails and its connection is closed. Default: 30000. Java: `request.timeout.ms`. */
  requestTimeoutMs?: number;
  /** Metadata is refreshed at least this often. Default: 300000. Java: `metadata.max.age.ms`. */
  metadataMaxAgeMs?: number;
  /** When no known broker answers, or one answers REBOOTSTRAP_REQUIRED: `'rebootstrap'` connects to the bootstrap addresses again (resolving their names again) and takes the cluster they describe (KIP-899, KIP-1102); `'none'` keeps to the brokers of the last metadata. Default: `'rebootstrap'`. Java: `metadata.recovery.strategy`. */
  metadataRecoveryStrategy?: MetadataRecoveryStrategy;
  /** First wait before retrying a failed request. Default: 100. Java: `retry.backoff.ms`. */
  retryBackoffMs?: number;
  /** Cap of the exponential retry backoff (with ±20% jitter, KIP-580). Default: 1000. Java: `retry.backoff.max.ms`. */
  retryBackoffMaxMs?: number;
  /** Wait before connecting again to a broker whose last connection attempt failed; doubles with each failure in a row (±20% jitter), back to none after a success. Default: 50. Java: `reconnect.backoff.ms`. */
  reconnectBackoffMs?: number;
  /** Cap of the reconnect backoff (per broker address). Default: 1000. Java: `reconnect.backoff.max.ms`. */
  reconnectBackoffMaxMs?: number;
  /** Largest response frame accepted (the broker's `socket.request.max.bytes` default); at least `fetchMaxBytes`. Default: 104857600 (100 MiB). Java: none. */
  maxFrameBytes?: number;
  /** TLS to the brokers: `true` with Node's bundled CAs, or options. Read back with the key and passphrase redacted. Default: `false`. Java: `security.protocol=SSL`, `ssl.*`. */
  tls?: boolean | TlsOptions;
  /** SASL: PLAIN/SCRAM credentials, OAUTHBEARER with a token provider or the built-in OIDC client-credentials provider, or a custom mechanism whose `client()` returns the exchange (`initial()`, `next(server)`) (docs/security.md); with `tls` Java's `SASL_SSL`, without `SASL_PLAINTEXT`. Read back with the password and client secret redacted, a custom mechanism as its name only. Default: none. Java: `sasl.mechanism`, `sasl.jaas.config`, `sasl.login.callback.handler.class`, `sasl.oauthbearer.token.endpoint.url`. */
  sasl?: SaslOptions | OAuthBearerOptions | CustomSaslOptions;
  /** With no `logger`: log everything at debug level to stderr (`consoleLogger('debug')`). Default: `false`. Java: none. */
  debug?: boolean;
  /** Where the client logs; nothing is logged without one. Read back as the effective logger (never undefined). Default: none (a console logger with `debug`). Java: SLF4J. */
  logger?: Logger;
  /** Names this client in its tracing payloads (`client` of `kafkaesque:connect` and `kafkaesque:request`) so that a subscriber tells clients apart (kafkaesque/kafkajs sets one per KafkaJS client); never sent to the broker (`clientId` is). Default: none. Java: none. */
  clientInstance?: string;

  // ---- producer
  /** Acknowledgements a produce request waits for: none, the leader's, every in-sync replica's. `'all'` reads back as `-1`. Default: `-1` (`'all'`). Java: `acks`. */
  acks?: Acks;
  /** Picks a record's partition; `'hash'` by key (see `docs/client.md`). Default: `'hash'`. Java: `partitioner.class`. */
  partitioner?: PartitionerName | PartitionerFunction;
  /** Key hash of the `'hash'` partitioner: murmur2 puts keys where Java producers do; `'fnv1a'` where sarama does (unlike sarama, Java's is the default). Default: `'murmur2'` (the Multiplexer: `'fnv1a'`). Java: `Utils.murmur2`. */
  hashFunction?: HashFunction;
  /** Where the `'hash'` partitioner sends a keyless record: `'sticky'` Java's; `'hash-empty'` the empty key's partition (the Go layer's connections; the key stays null); `'value-md5'` keyed by the hex MD5 of the value, on the wire too (the Go client producers' `SendMsgByte`). Default: `'sticky'` (the Multiplexer: `'hash-empty'`). Java: KIP-480 sticky partitioning. */
  nullKey?: NullKey;
  /** The `'manual'` partitioner's partition; given alone it selects `'manual'`. Default: none. Java: `ProducerRecord.partition`. */
  partition?: number;
  /** Record batch compression. Default: `'none'`. Java: `compression.type`. */
  compression?: CompressionName;
  /** Codec level: gzip 1-9 (or -1), lz4 1-17, zstd -131072 to 22; an error with `none` or `snappy`. Default: the codec's: gzip zlib's default (-1 = 6), lz4 9, zstd 3. Java: `compression.gzip.level`, `compression.lz4.level`, `compression.zstd.level`. */
  compressionLevel?: number;
  /** Idempotent producer: no duplicates on retry (see the rules below). Default: `true`. Java: `enable.idempotence`. */
  idempotent?: boolean;
  /** Makes producers transactional (`initTransactions()`, `beginTransaction()`, ...; docs/transactions.md); needs `idempotent`. Default: none. Java: `transactional.id`. */
  transactionalId?: string;
  /** How long a transaction may stay open before the coordinator aborts it; at most the broker's `transaction.max.timeout.ms`. Default: 60000. Java: `transaction.timeout.ms`. */
  transactionTimeoutMs?: number;
  /** Wait this long for more records before sending a batch (Kafka 4.0 default). Default: 5. Java: `linger.ms`. */
  lingerMs?: number;
  /** Target size of a record batch per partition. Default: 16384. Java: `batch.size`. */
  batchBytes?: number;
  /** Memory of records waiting to be sent, at what each costs (encoded bytes + the payload kept for its outcome + 512 B), and the bound of batch buffers lent plus kept for reuse; a full buffer makes sends wait (backpressure). Default: 33554432 (32 MiB). Java: `buffer.memory`. */
  bufferBytes?: number;
  /** Largest produce request. Default: 1048576 (1 MiB). Java: `max.request.size`. */
  maxRequestBytes?: number;
  /** Unacknowledged produce requests per broker connection; at most 5 while idempotent. Default: 5. Java: `max.in.flight.requests.per.connection`. */
  maxInFlight?: number;
  /** Retries of a failed produce, bounded by `deliveryTimeoutMs`. Default: 2147483647. Java: `retries`. */
  retries?: number;
  /** Upper bound on the time a send takes to succeed or fail; at least `lingerMs + requestTimeoutMs`. Default: 120000. Java: `delivery.timeout.ms`. */
  deliveryTimeoutMs?: number;
  /** Longest wait of a send for buffer space or metadata. Default: 60000. Java: `max.block.ms`. */
  maxBlockMs?: number;

  // ---- consumer
  /** Topics to consume (Kafka's topic name rule); a group consumer needs at least one. Default: none. Java: `KafkaConsumer.subscribe`. */
  topics?: string | readonly string[];
  /** Consumer group id. Default: none. Java: `group.id`. */
  group?: string;
  /** The Go layer's name for `group`; give one or the other (or the same value). Default: none. Java: `group.id`. */
  groupId?: string;
  /** Static membership id (KIP-345); needs `group`. Default: none. Java: `group.instance.id`. */
  groupInstanceId?: string;
  /** Group protocol: classic, or KIP-848's `'consumer'` (the broker assigns). Default: `'classic'`. Java: `group.protocol`. */
  groupProtocol?: GroupProtocol;
  /** Broker-side assignor of the `'consumer'` protocol. Default: the broker's first `group.consumer.assignors` (uniform). Java: `group.remote.assignor`. */
  serverAssignor?: ServerAssignor;
  /** Client-side assignors, preferred first (classic protocol only). Default: `['range', 'cooperative-sticky']`. Java: `partition.assignment.strategy`. */
  assignors?: readonly (Assignor | PartitionAssignor)[];
  /** Where a partition without a committed offset starts; reads back as `'oldest'` / `'newest'` (sarama's default is `'newest'` too). Default: `'newest'` (the Multiplexer: `'oldest'`). Java: `auto.offset.reset`. */
  initialOffset?: InitialOffset | 'earliest' | 'latest' | typeof OffsetOldest | typeof OffsetNewest;
  /** Classic protocol session timeout. Default: 45000. Java: `session.timeout.ms`. */
  sessionTimeoutMs?: number;
  /** Classic protocol heartbeat interval, below `sessionTimeoutMs`. Default: 3000. Java: `heartbeat.interval.ms`. */
  heartbeatIntervalMs?: number;
  /** A member that takes no message for this long leaves the group. Default: 300000. Java: `max.poll.interval.ms`. */
  maxPollIntervalMs?: number;
  /** Time members get to rejoin during a rebalance. Default: `maxPollIntervalMs`. Java: none (Java sends `max.poll.interval.ms`). */
  rebalanceTimeoutMs?: number;
  /** Commit consumed offsets periodically; `true` without a group is an error. Default: `true` with a group, `false` without. Java: `enable.auto.commit`. */
  autoCommit?: boolean;
  /** Auto-commit period (unlike Java's 5000). Default: 1000. Java: `auto.commit.interval.ms`. */
  autoCommitIntervalMs?: number;
  /** `read_committed`: only records of committed transactions. Default: `'read_uncommitted'`. Java: `isolation.level`. */
  isolationLevel?: IsolationLevel;
  /** Least data a fetch waits for. Default: 1. Java: `fetch.min.bytes`. */
  fetchMinBytes?: number;
  /** Most data a fetch response carries (soft limit); at most `maxFrameBytes`. Default: 52428800 (50 MiB). Java: `fetch.max.bytes`. */
  fetchMaxBytes?: number;
  /** Longest time the broker holds a fetch to reach `fetchMinBytes`. Default: 500. Java: `fetch.max.wait.ms`. */
  fetchMaxWaitMs?: number;
  /** Most data per partition in a fetch (soft limit). Default: 1048576 (1 MiB). Java: `max.partition.fetch.bytes`. */
  maxPartitionFetchBytes?: number;
  /** Fetched bytes a consumer buffers ahead of the application. Default: 67108864 (64 MiB). Java: none (librdkafka `queued.max.messages.kbytes`). */
  prefetchBytes?: number;
  /** Largest decompressed size of one record batch (decompression-bomb guard). Default: 67108864 (64 MiB). Java: none. */
  maxDecompressedBytes?: number;
}

/** The effective (validated, normalized, defaulted) values a Config exposes as read-only properties. */
export interface ConfigValues {
  // ---- connection
  /** Bootstrap brokers, `host:port` each (`[::1]:9092` for IPv6); duplicates dropped. Default: `['127.0.0.1:9092']`. Java: `bootstrap.servers`. */
  readonly brokers: readonly string[];
  /** Sent in every request header. Default: `'kafkaesque'`. Java: `client.id`. */
  readonly clientId: string;
  /** Time to open a connection: TCP, TLS and ApiVersions. Default: 10000. Java: `socket.connection.setup.timeout.ms`. */
  readonly connectTimeoutMs: number;
  /** Time a request waits for its response; then it fails and its connection is closed. Default: 30000. Java: `request.timeout.ms`. */
  readonly requestTimeoutMs: number;
  /** Metadata is refreshed at least this often. Default: 300000. Java: `metadata.max.age.ms`. */
  readonly metadataMaxAgeMs: number;
  /** When no known broker answers, or one answers REBOOTSTRAP_REQUIRED: `'rebootstrap'` connects to the bootstrap addresses again (resolving their names again) and takes the cluster they describe (KIP-899, KIP-1102); `'none'` keeps to the brokers of the last metadata. Default: `'rebootstrap'`. Java: `metadata.recovery.strategy`. */
  readonly metadataRecoveryStrategy: MetadataRecoveryStrategy;
  /** First wait before retrying a failed request. Default: 100. Java: `retry.backoff.ms`. */
  readonly retryBackoffMs: number;
  /** Cap of the exponential retry backoff (with ±20% jitter, KIP-580). Default: 1000. Java: `retry.backoff.max.ms`. */
  readonly retryBackoffMaxMs: number;
  /** Wait before connecting again to a broker whose last connection attempt failed; doubles with each failure in a row (±20% jitter), back to none after a success. Default: 50. Java: `reconnect.backoff.ms`. */
  readonly reconnectBackoffMs: number;
  /** Cap of the reconnect backoff (per broker address). Default: 1000. Java: `reconnect.backoff.max.ms`. */
  readonly reconnectBackoffMaxMs: number;
  /** Largest response frame accepted (the broker's `socket.request.max.bytes` default); at least `fetchMaxBytes`. Default: 104857600 (100 MiB). Java: none. */
  readonly maxFrameBytes: number;
  /** TLS to the brokers: `true` with Node's bundled CAs, or options. Read back with the key and passphrase redacted. Default: `false`. Java: `security.protocol=SSL`, `ssl.*`. */
  readonly tls: false | TlsSettings;
  /** SASL: PLAIN/SCRAM credentials, OAUTHBEARER with a token provider or the built-in OIDC client-credentials provider, or a custom mechanism whose `client()` returns the exchange (`initial()`, `next(server)`) (docs/security.md); with `tls` Java's `SASL_SSL`, without `SASL_PLAINTEXT`. Read back with the password and client secret redacted, a custom mechanism as its name only. Default: none. Java: `sasl.mechanism`, `sasl.jaas.config`, `sasl.login.callback.handler.class`, `sasl.oauthbearer.token.endpoint.url`. */
  readonly sasl: SaslSettings | OAuthBearerSettings | CustomSaslSettings | undefined;
  /** With no `logger`: log everything at debug level to stderr (`consoleLogger('debug')`). Default: `false`. Java: none. */
  readonly debug: boolean;
  /** Where the client logs; nothing is logged without one. Read back as the effective logger (never undefined). Default: none (a console logger with `debug`). Java: SLF4J. */
  readonly logger: Logger;
  /** Names this client in its tracing payloads (`client` of `kafkaesque:connect` and `kafkaesque:request`) so that a subscriber tells clients apart (kafkaesque/kafkajs sets one per KafkaJS client); never sent to the broker (`clientId` is). Default: none. Java: none. */
  readonly clientInstance: string | undefined;

  // ---- producer
  /** Acknowledgements a produce request waits for: none, the leader's, every in-sync replica's. `'all'` reads back as `-1`. Default: `-1` (`'all'`). Java: `acks`. */
  readonly acks: 0 | 1 | -1;
  /** Picks a record's partition; `'hash'` by key (see `docs/client.md`). Default: `'hash'`. Java: `partitioner.class`. */
  readonly partitioner: PartitionerName | PartitionerFunction;
  /** Key hash of the `'hash'` partitioner: murmur2 puts keys where Java producers do; `'fnv1a'` where sarama does (unlike sarama, Java's is the default). Default: `'murmur2'` (the Multiplexer: `'fnv1a'`). Java: `Utils.murmur2`. */
  readonly hashFunction: HashFunction;
  /** Where the `'hash'` partitioner sends a keyless record: `'sticky'` Java's; `'hash-empty'` the empty key's partition (the Go layer's connections; the key stays null); `'value-md5'` keyed by the hex MD5 of the value, on the wire too (the Go client producers' `SendMsgByte`). Default: `'sticky'` (the Multiplexer: `'hash-empty'`). Java: KIP-480 sticky partitioning. */
  readonly nullKey: NullKey;
  /** The `'manual'` partitioner's partition; given alone it selects `'manual'`. Default: none. Java: `ProducerRecord.partition`. */
  readonly partition: number | undefined;
  /** Record batch compression. Default: `'none'`. Java: `compression.type`. */
  readonly compression: CompressionName;
  /** Codec level: gzip 1-9 (or -1), lz4 1-17, zstd -131072 to 22; an error with `none` or `snappy`. Default: the codec's: gzip zlib's default (-1 = 6), lz4 9, zstd 3. Java: `compression.gzip.level`, `compression.lz4.level`, `compression.zstd.level`. */
  readonly compressionLevel: number | undefined;
  /** Idempotent producer: no duplicates on retry (see the rules below). Default: `true`. Java: `enable.idempotence`. */
  readonly idempotent: boolean;
  /** Makes producers transactional (`initTransactions()`, `beginTransaction()`, ...; docs/transactions.md); needs `idempotent`. Default: none. Java: `transactional.id`. */
  readonly transactionalId: string | undefined;
  /** How long a transaction may stay open before the coordinator aborts it; at most the broker's `transaction.max.timeout.ms`. Default: 60000. Java: `transaction.timeout.ms`. */
  readonly transactionTimeoutMs: number;
  /** Wait this long for more records before sending a batch (Kafka 4.0 default). Default: 5. Java: `linger.ms`. */
  readonly lingerMs: number;
  /** Target size of a record batch per partition. Default: 16384. Java: `batch.size`. */
  readonly batchBytes: number;
  /** Memory of records waiting to be sent, at what each costs (encoded bytes + the payload kept for its outcome + 512 B), and the bound of batch buffers lent plus kept for reuse; a full buffer makes sends wait (backpressure). Default: 33554432 (32 MiB). Java: `buffer.memory`. */
  readonly bufferBytes: number;
  /** Largest produce request. Default: 1048576 (1 MiB). Java: `max.request.size`. */
  readonly maxRequestBytes: number;
  /** Unacknowledged produce requests per broker connection; at most 5 while idempotent. Default: 5. Java: `max.in.flight.requests.per.connection`. */
  readonly maxInFlight: number;
  /** Retries of a failed produce, bounded by `deliveryTimeoutMs`. Default: 2147483647. Java: `retries`. */
  readonly retries: number;
  /** Upper bound on the time a send takes to succeed or fail; at least `lingerMs + requestTimeoutMs`. Default: 120000. Java: `delivery.timeout.ms`. */
  readonly deliveryTimeoutMs: number;
  /** Longest wait of a send for buffer space or metadata. Default: 60000. Java: `max.block.ms`. */
  readonly maxBlockMs: number;

  // ---- consumer
  /** Topics to consume (Kafka's topic name rule); a group consumer needs at least one. Default: none. Java: `KafkaConsumer.subscribe`. */
  readonly topics: readonly string[];
  /** Consumer group id. Default: none. Java: `group.id`. */
  readonly group: string | undefined;
  /** Static membership id (KIP-345); needs `group`. Default: none. Java: `group.instance.id`. */
  readonly groupInstanceId: string | undefined;
  /** Group protocol: classic, or KIP-848's `'consumer'` (the broker assigns). Default: `'classic'`. Java: `group.protocol`. */
  readonly groupProtocol: GroupProtocol;
  /** Broker-side assignor of the `'consumer'` protocol. Default: the broker's first `group.consumer.assignors` (uniform). Java: `group.remote.assignor`. */
  readonly serverAssignor: ServerAssignor | undefined;
  /** Client-side assignors, preferred first (classic protocol only). Default: `['range', 'cooperative-sticky']`. Java: `partition.assignment.strategy`. */
  readonly assignors: readonly (Assignor | PartitionAssignor)[];
  /** Where a partition without a committed offset starts; reads back as `'oldest'` / `'newest'` (sarama's default is `'newest'` too). Default: `'newest'` (the Multiplexer: `'oldest'`). Java: `auto.offset.reset`. */
  readonly initialOffset: InitialOffset;
  /** Classic protocol session timeout. Default: 45000. Java: `session.timeout.ms`. */
  readonly sessionTimeoutMs: number;
  /** Classic protocol heartbeat interval, below `sessionTimeoutMs`. Default: 3000. Java: `heartbeat.interval.ms`. */
  readonly heartbeatIntervalMs: number;
  /** A member that takes no message for this long leaves the group. Default: 300000. Java: `max.poll.interval.ms`. */
  readonly maxPollIntervalMs: number;
  /** Time members get to rejoin during a rebalance. Default: `maxPollIntervalMs`. Java: none (Java sends `max.poll.interval.ms`). */
  readonly rebalanceTimeoutMs: number;
  /** Commit consumed offsets periodically; `true` without a group is an error. Default: `true` with a group, `false` without. Java: `enable.auto.commit`. */
  readonly autoCommit: boolean;
  /** Auto-commit period (unlike Java's 5000). Default: 1000. Java: `auto.commit.interval.ms`. */
  readonly autoCommitIntervalMs: number;
  /** `read_committed`: only records of committed transactions. Default: `'read_uncommitted'`. Java: `isolation.level`. */
  readonly isolationLevel: IsolationLevel;
  /** Least data a fetch waits for. Default: 1. Java: `fetch.min.bytes`. */
  readonly fetchMinBytes: number;
  /** Most data a fetch response carries (soft limit); at most `maxFrameBytes`. Default: 52428800 (50 MiB). Java: `fetch.max.bytes`. */
  readonly fetchMaxBytes: number;
  /** Longest time the broker holds a fetch to reach `fetchMinBytes`. Default: 500. Java: `fetch.max.wait.ms`. */
  readonly fetchMaxWaitMs: number;
  /** Most data per partition in a fetch (soft limit). Default: 1048576 (1 MiB). Java: `max.partition.fetch.bytes`. */
  readonly maxPartitionFetchBytes: number;
  /** Fetched bytes a consumer buffers ahead of the application. Default: 67108864 (64 MiB). Java: none (librdkafka `queued.max.messages.kbytes`). */
  readonly prefetchBytes: number;
  /** Largest decompressed size of one record batch (decompression-bomb guard). Default: 67108864 (64 MiB). Java: none. */
  readonly maxDecompressedBytes: number;
}
