/**
 * The error classes of the codec layer. Every error kafkaesque throws or rejects with
 * extends {@link KafkaesqueError}, so `err instanceof KafkaesqueError` separates the
 * client's typed errors from programming mistakes. Messages never carry credentials.
 */
import { errorCodeInfo, type ErrorCodeInfo, type ErrorName } from './error-codes.js';

/**
 * Every `code` kafkaesque raises besides the broker's own (see {@link KAFKA_ERROR_CODE_PREFIX}),
 * with what it means and what to do. Codes are stable: applications branch on them. The list
 * lives at the bottom layer so every layer can name it, and test/source/error-codes.test.ts
 * checks it against the sources (each code raised is listed, each listed code is raised) and
 * against the table in docs/client.md.
 */
export const KAFKAESQUE_ERROR_CODES = {
  // protocol/: the codec
  ERR_PROTOCOL_DECODE: 'bytes that do not parse as the message they claim to be (truncated, impossible lengths); the peer sent garbage, report it',
  ERR_PROTOCOL_ENCODE: 'a value that the requested protocol version cannot carry; send a value the API version accepts',
  ERR_DECOMPRESSION: 'compressed record data that does not decompress; the batch is corrupt',
  ERR_DECOMPRESSION_LIMIT: 'a batch would decompress past maxDecompressedBytes; raise the limit if such batches are expected',
  ERR_COMPRESSION_UNAVAILABLE: 'a codec could not load in this process (zstd on old Node versions); use another codec or a newer Node',
  ERR_CORRUPT_RECORD_BATCH: 'a fetched record batch fails its CRC or does not parse (a PartitionError cause); the log or the network corrupted it',
  ERR_RECORD_BATCH_TOO_LARGE: 'a fetched batch decompresses past maxDecompressedBytes (a PartitionError cause); raise the limit',
  // network/: one connection
  ERR_CONNECTION: 'a broker cannot be reached; retriable, check the address and that the broker runs',
  ERR_CONNECTION_CLOSED: 'a connection closed with requests in flight; retriable, the request may or may not have been processed',
  ERR_REQUEST_TIMEOUT: 'no response within requestTimeoutMs, the connection is closed; retriable, raise requestTimeoutMs for a slow broker',
  ERR_PROTOCOL_VIOLATION: 'a broker sent bytes that break the protocol; only that connection closes, report it',
  ERR_UNSUPPORTED_VERSION: 'the broker speaks no version of an API the client needs; use Apache Kafka 4.0 or later',
  ERR_AUTHENTICATION: "SASL authentication failed; fix Config.sasl (mechanism, username, password, token provider, or the custom mechanism's client), never retried",
  ERR_OAUTH_TOKEN_ENDPOINT: 'the OAUTHBEARER token endpoint refused the client (fix sasl.oidc clientId, clientSecret, scope; not retried) or did not answer (retriable; check the URL)',
  // cluster/: metadata and routing
  ERR_CLOSED: 'a request through a cluster connection pool that was closed (its producer or consumer was closed); create a new one',
  ERR_METADATA_TIMEOUT: 'a topic has no usable metadata in time; retriable, check that the topic exists and has a leader',
  ERR_METADATA_PENDING: 'internal: a topic not in the metadata yet while it is being waited for; never raised to you (the wait ends in ERR_METADATA_TIMEOUT)',
  // producer/
  ERR_PRODUCE: 'a record was not delivered and the cause has no code of its own (or the broker did not answer for its partition); retriable',
  ERR_RECORD_TOO_LARGE: 'a record above maxRequestBytes or bufferBytes; send a smaller record or raise the setting',
  ERR_DELIVERY_TIMEOUT: 'a record not acknowledged within deliveryTimeoutMs; retriable, check the partition leader or wait longer',
  ERR_BUFFER_FULL: 'no room in bufferBytes within maxBlockMs; retriable, slow down or raise bufferBytes or maxBlockMs',
  ERR_PRODUCER_CLOSED: 'a send after the producer was closed; create a new producer',
  ERR_INVALID_MESSAGE: 'a message the producer cannot take (a key or value of the wrong type, a bad topic, partition or timestamp); fix the message',
  ERR_PARTITIONER: 'no valid partition for a record (an explicit one out of range, manual without one, a partitioner function that fails); fix the partition or function',
  ERR_NO_BROKER: 'an idempotent producer found no broker to ask for its producer id; retriable, check the bootstrap brokers',
  ERR_INTERNAL: 'a codec method the producer does not implement was called; a kafkaesque bug, report it',
  ERR_TXN_STATE: 'a transactional call out of order (send or commit outside a transaction, begin before initTransactions, no transactionalId); call them in order',
  ERR_TXN_ABORTABLE: 'the transaction cannot commit (a record failed, offsets fenced, timed out at the coordinator); abortTransaction(), then run it again',
  ERR_TXN_FATAL: 'the producer can run no more transactions (fenced by a newer producer with its transactionalId, not authorized); close it',
  ERR_TXN_ABORTED: 'a record not written because its transaction was aborted before it was sent; send it again in a new transaction',
  ERR_TXN_TIMEOUT: 'a transactional call did not finish within maxBlockMs; call it again to wait for its outcome (KIP-588), or abort',
  // consumer/
  ERR_FETCH: 'fetching a partition failed and the cause has no code of its own (a PartitionError); see its cause',
  ERR_NO_LEADER: 'a partition has no leader while its start offset is looked up; retriable, metadata is refreshed',
  ERR_LIST_OFFSETS: 'the broker did not answer ListOffsets for a partition; retriable, the offset is asked again',
  ERR_GROUP: 'a consumer group failure the consumer cannot recover from itself; see the message for what the coordinator said',
  ERR_UNKNOWN_ASSIGNOR: 'a partition assignor name kafkaesque does not have; use range, roundrobin or cooperative-sticky',
  ERR_ASSIGNMENT: "the group leader's assignor met input on which Java's fails or never returns (inconsistent owned partitions, duplicate member ids); report it",
  ERR_ASSIGNOR: "a custom partition assignor threw, ran past rebalanceTimeoutMs or returned an assignment the group cannot use (a member or topic it does not have, a partition out of range, a cooperative move straight between owners); fix the assignor",
  // client/: Config, producers, Consumer
  ERR_CONFIG: 'an invalid option (the error names it and what it accepts); fix the Config',
  ERR_CONSUMER_CLOSED: 'consumePartition after the consumer was closed; create a new consumer',
  ERR_CONSUMER_BUSY: "messages() on a consumer already delivering 'message' events; use one or the other",
  ERR_NO_GROUP: 'a group method (messages(), markOffset(), commitOffsets()) on a consumer without Config.group; set a group',
  ERR_NOT_ASSIGNED: 'seek() of a partition the consumer does not own; seek only partitions in assignment()',
  ERR_NO_TOPICS: 'a group consumer without Config.topics; name the topics to subscribe to',
  ERR_INVALID_OFFSET: 'a start offset that is not OffsetOldest, OffsetNewest or an offset >= 0; pass one of those',
  ERR_INVALID_ARGUMENT: 'markPartitionOffset with a bad topic, partition or offset; pass a topic, a partition >= 0 and an offset >= 0',
  ERR_UNKNOWN_PARTITION: 'consumePartition of a partition the topic does not have; use a partition below the partition count',
  ERR_ALREADY_CONSUMING: 'a partition already consumed (by this consumer or another manual connection); stop that one first',
  // mux/: the Multiplexer and its connections
  ERR_MUX_STARTED: 'a subscription after start(); subscribe before start()',
  ERR_MUX_CLOSED: 'a call on a closed Multiplexer or one of its connections; create a new Multiplexer',
  ERR_MUX_NOT_STARTED: 'a mock delivery before the Multiplexer started; call start() first',
  ERR_MUX_CONFIG: 'a Multiplexer config file that cannot be used (the error names file, line and key); fix the file',
  ERR_MUX_NAME: 'an empty or duplicate Multiplexer or connection name; give a unique non-empty name',
  ERR_MUX_TOPIC: 'an empty or missing topic name; name a topic',
  ERR_MUX_HANDLER: 'a handler threw (a HandlerError, the message is not marked) or is not a function; fix the handler',
  ERR_MUX_SUBSCRIBED: 'a connection subscribes twice to one topic; subscribe once',
  ERR_MUX_NOT_SUBSCRIBED: 'markOffset for a topic the connection does not consume; mark messages of its own topics',
  ERR_MUX_NOT_CONSUMING: 'stopConsumingPartition of a partition the connection does not consume so; the message says what it consumes',
  ERR_MUX_OFFSET: 'a partition or offset argument that is not an integer >= 0; pass one',
  ERR_MUX_PROTO: 'a value that does not serialize or parse as its protobuf type; fix the value or the serializer',
  ERR_MUX_DELIVER: 'a mock delivery given something else than a message object; pass { key?, value, partition?, offset?, headers? }',
  ERR_MUX_NO_TRANSACTIONAL_ID: 'conn.transaction() on a Multiplexer whose Config has no transactionalId; set one unique to the process (YAML transactional_id)',
  ERR_MUX_TXN_DONE: 'a send or mark through a transaction whose function has returned; send and mark inside it',
  ERR_MUX_TXN_NESTED: 'conn.transaction() inside a transaction; use the tx you have',
  ERR_MUX_TXN_SHARED_TOPIC: 'a transactional mark on a topic other connections consume too (its offset is committed only once all marked it); consume it with one connection',
  ERR_MUX_TXN_STALE: 'a transactional mark of a message an aborted transaction has rewound (it comes again); do not commit it now',
  // plugin/
  ERR_PLUGIN_DISABLED: 'a connection method of a plugin that found no config file; provide kafka.conf, configFile or KAFKA_CONFIG',
  ERR_PLUGIN_STATE: 'a plugin lifecycle call out of order; call init(), then afterInit(), then close()',
  // testing/: the test doubles
  ERR_MOCK_SEND: 'a send failed because the test injected a failure (failNextSend, failSends); expected in that test',
  ERR_MOCK_UNEXPECTED_SEND: 'a send that matches no expectation of expectSend; fix the code or the expectation',
  ERR_MOCK_EXPECTATIONS: 'verify() found expectations that were not met; the message lists them',
  ERR_MOCK_OPTIONS: 'a mock partition count that is not an integer >= 1; fix the option',
} as const;

/**
 * The code of a broker's error ({@link KafkaProtocolError}) is this prefix and Kafka's error name,
 * e.g. `ERR_KAFKA_NOT_LEADER_OR_FOLLOWER`; protocol/error-codes.ts lists the names (one per
 * Kafka error code) with what each means.
 */
export const KAFKA_ERROR_CODE_PREFIX = 'ERR_KAFKA_';

/** Every `code` a {@link KafkaesqueError} raised by kafkaesque can carry. */
export type KafkaesqueErrorCode = keyof typeof KAFKAESQUE_ERROR_CODES | `${typeof KAFKA_ERROR_CODE_PREFIX}${ErrorName}`;

/** Base class of every error kafkaesque raises. `code` is a stable machine-readable tag. */
export class KafkaesqueError extends Error {
  /** Stable identifier of the error kind, e.g. `ERR_PROTOCOL_DECODE`: one of {@link KafkaesqueErrorCode}. */
  readonly code: string;
  /** Whether repeating the same operation later may succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options?: { retriable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options?.retriable ?? false;
  }
}

/**
 * Bytes that do not parse as the message they claim to be: truncated, a length or count
 * that points past the end, an impossible value. Raised by the decoder instead of reading
 * out of bounds or allocating from an unchecked length.
 */
export class ProtocolDecodeError extends KafkaesqueError {
  /** Offset in the buffer being decoded where the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('ERR_PROTOCOL_DECODE', `${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

/** A value that cannot be encoded in the requested protocol version (or at all). */
export class ProtocolEncodeError extends KafkaesqueError {
  constructor(message: string) {
    super('ERR_PROTOCOL_ENCODE', message);
  }
}

/**
 * An error code a broker returned in a response. Carries Kafka's error name and code, whether
 * it is retriable, whether the client's metadata is stale, and a message saying what to do.
 */
export class KafkaProtocolError extends KafkaesqueError {
  /** Kafka's numeric error code (int16 on the wire). */
  readonly errorCode: number;
  /** Kafka's error name, e.g. `NOT_LEADER_OR_FOLLOWER`. */
  readonly errorName: string;
  /** The broker's own error message, when the response carried one. */
  readonly brokerMessage: string | null;
  /** True when the error means the client's metadata is stale and must be refreshed. */
  readonly invalidMetadata: boolean;

  constructor(info: ErrorCodeInfo, context?: string, brokerMessage?: string | null) {
    const where = context ? `${context}: ` : '';
    const detail = brokerMessage ? ` Broker says: ${brokerMessage}` : '';
    super(KAFKA_ERROR_CODE_PREFIX + info.name, `${where}${info.name} (${info.code}): ${info.message}${detail}`, {
      retriable: info.retriable,
    });
    this.errorCode = info.code;
    this.errorName = info.name;
    this.brokerMessage = brokerMessage ?? null;
    this.invalidMetadata = info.invalidMetadata;
  }

  /** The typed error for a non-zero error code, with optional context (`topic t partition 3`). */
  static fromCode(code: number, context?: string, brokerMessage?: string | null): KafkaProtocolError {
    return new KafkaProtocolError(errorCodeInfo(code), context, brokerMessage);
  }
}
