/**
 * The error classes of the codec layer. Every error kafkaesque throws or rejects with
 * extends {@link KafkaesqueError}, so `err instanceof KafkaesqueError` separates the
 * client's typed errors from programming mistakes. Messages never carry credentials.
 */
import { errorCodeInfo, type ErrorCodeInfo } from './error-codes.js';

/** Base class of every error kafkaesque raises. `code` is a stable machine-readable tag. */
export class KafkaesqueError extends Error {
  /** Stable identifier of the error kind, e.g. `ERR_PROTOCOL_DECODE`. */
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
    super('ERR_KAFKA_' + info.name, `${where}${info.name} (${info.code}): ${info.message}${detail}`, {
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
