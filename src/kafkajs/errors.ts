/**
 * KafkaJS's error classes (same names, same `name` property, same fields apps read), and the
 * mapping of kafkaesque's typed errors onto them. The kafkaesque error is kept as `cause`.
 */
import {
  AuthenticationError,
  ConnectionClosedError,
  ConnectionError,
  DeliveryTimeoutError,
  KafkaesqueError,
  KafkaProtocolError,
  MetadataTimeoutError,
  ProducerError,
  RequestTimeoutError,
  UnsupportedVersionError,
} from '../index.js';

interface ErrorOptions {
  retriable?: boolean;
  cause?: unknown;
}

export class KafkaJSError extends Error {
  retriable: boolean;
  helpUrl: string | undefined;
  declare cause: unknown;
  constructor(e: string | Error, { retriable = true, cause }: ErrorOptions = {}) {
    super(typeof e === 'string' ? e : e.message);
    this.name = 'KafkaJSError';
    this.retriable = retriable;
    this.helpUrl = undefined;
    if (cause !== undefined) this.cause = cause;
  }
}

export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, { retriable: false, cause: options.cause });
    this.name = 'KafkaJSNonRetriableError';
  }
}

export class KafkaJSProtocolError extends KafkaJSError {
  /** Kafka's error name, e.g. `UNKNOWN_TOPIC_OR_PARTITION`. */
  type: string;
  /** Kafka's error code. */
  code: number;
  constructor(e: string | Error, options: ErrorOptions & { type?: string; code?: number } = {}) {
    super(e, options);
    this.name = 'KafkaJSProtocolError';
    this.type = options.type ?? 'UNKNOWN';
    this.code = options.code ?? -1;
  }
}

export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  topic: string | undefined;
  partition: number | undefined;
  constructor(e: string | Error, options: ErrorOptions & { type?: string; code?: number; topic?: string; partition?: number } = {}) {
    super(e, options);
    this.name = 'KafkaJSOffsetOutOfRange';
    this.topic = options.topic;
    this.partition = options.partition;
  }
}

export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  retryCount: number;
  retryTime: number;
  constructor(e: string | Error, options: { cause?: unknown; retryCount?: number; retryTime?: number } = {}) {
    super(e, { cause: options.cause });
    this.name = 'KafkaJSNumberOfRetriesExceeded';
    this.retryCount = options.retryCount ?? 0;
    this.retryTime = options.retryTime ?? 0;
  }
}

export class KafkaJSConnectionError extends KafkaJSError {
  broker: string | undefined;
  code: string | undefined;
  constructor(e: string | Error, options: ErrorOptions & { broker?: string; code?: string } = {}) {
    super(e, options);
    this.name = 'KafkaJSConnectionError';
    this.broker = options.broker;
    this.code = options.code;
  }
}

export class KafkaJSConnectionClosedError extends KafkaJSConnectionError {
  constructor(e: string | Error, options: ErrorOptions & { broker?: string } = {}) {
    super(e, options);
    this.name = 'KafkaJSConnectionClosedError';
  }
}

export class KafkaJSRequestTimeoutError extends KafkaJSError {
  broker: string | undefined;
  constructor(e: string | Error, options: ErrorOptions & { broker?: string } = {}) {
    super(e, options);
    this.name = 'KafkaJSRequestTimeoutError';
    this.broker = options.broker;
  }
}

/** A subclass of KafkaJSError that only renames: the classes KafkaJS exports without fields of their own. */
function named<B extends new (e: string | Error, o?: never) => KafkaJSError>(base: B, name: string): B {
  const C = class extends (base as new (e: string | Error, o?: ErrorOptions) => KafkaJSError) {
    constructor(e: string | Error, o?: ErrorOptions) {
      super(e, o);
      this.name = name;
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C as unknown as B;
}

export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, options);
    this.name = 'KafkaJSSASLAuthenticationError';
  }
}
export class KafkaJSTimeout extends KafkaJSNonRetriableError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, options);
    this.name = 'KafkaJSTimeout';
  }
}
export class KafkaJSLockTimeout extends KafkaJSTimeout {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, options);
    this.name = 'KafkaJSLockTimeout';
  }
}
export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, options);
    this.name = 'KafkaJSNotImplemented';
  }
}
export class KafkaJSServerDoesNotSupportApiKey extends KafkaJSNonRetriableError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, options);
    this.name = 'KafkaJSServerDoesNotSupportApiKey';
  }
}
export class KafkaJSMetadataNotLoaded extends KafkaJSError {
  constructor(e: string | Error, options: ErrorOptions = {}) {
    super(e, options);
    this.name = 'KafkaJSMetadataNotLoaded';
  }
}
export class KafkaJSTopicMetadataNotLoaded extends KafkaJSMetadataNotLoaded {
  topic: string | undefined;
  constructor(e: string | Error, options: ErrorOptions & { topic?: string } = {}) {
    super(e, options);
    this.name = 'KafkaJSTopicMetadataNotLoaded';
    this.topic = options.topic;
  }
}
export const KafkaJSBrokerNotFound = named(KafkaJSError, 'KafkaJSBrokerNotFound');
export const KafkaJSPartialMessageError = named(KafkaJSNonRetriableError, 'KafkaJSPartialMessageError');
export const KafkaJSGroupCoordinatorNotFound = named(KafkaJSNonRetriableError, 'KafkaJSGroupCoordinatorNotFound');
export const KafkaJSNoBrokerAvailableError = named(KafkaJSError, 'KafkaJSNoBrokerAvailableError');

export class KafkaJSCreateTopicError extends KafkaJSProtocolError {
  topic: string;
  constructor(e: string | Error, topic: string, options: ErrorOptions & { type?: string; code?: number } = {}) {
    super(e, options);
    this.name = 'KafkaJSCreateTopicError';
    this.topic = topic;
  }
}

export class KafkaJSAlterPartitionReassignmentsError extends KafkaJSProtocolError {
  topic: string | undefined;
  partition: number | undefined;
  constructor(e: string | Error, topic?: string, partition?: number, options: ErrorOptions & { type?: string; code?: number } = {}) {
    super(e, options);
    this.name = 'KafkaJSAlterPartitionReassignmentsError';
    this.topic = topic;
    this.partition = partition;
  }
}

export class KafkaJSDeleteGroupsError extends KafkaJSError {
  groups: { groupId: string; errorCode: number; error: KafkaJSError }[];
  constructor(e: string | Error, groups: { groupId: string; errorCode: number; error: KafkaJSError }[] = []) {
    super(e);
    this.name = 'KafkaJSDeleteGroupsError';
    this.groups = groups;
  }
}

export class KafkaJSDeleteTopicRecordsError extends KafkaJSError {
  partitions: { partition: number; offset: string; error: KafkaJSError }[];
  constructor(partitions: { partition: number; offset: string; error: KafkaJSError }[]) {
    super('Error while deleting records', { retriable: partitions.some((p) => p.error.retriable) });
    this.name = 'KafkaJSDeleteTopicRecordsError';
    this.partitions = partitions;
  }
}

/** A member must join again with the member id the coordinator gave it (KIP-394; kafkaesque's groups do so themselves). */
export class KafkaJSMemberIdRequired extends KafkaJSProtocolError {
  memberId: string | undefined;
  constructor(e: string | Error, options: ErrorOptions & { type?: string; code?: number; memberId?: string } = {}) {
    super(e, { type: 'MEMBER_ID_REQUIRED', code: 79, ...options });
    this.name = 'KafkaJSMemberIdRequired';
    this.memberId = options.memberId;
  }
}

/** An assignment names partitions the member's metadata does not know yet. */
export class KafkaJSStaleTopicMetadataAssignment extends KafkaJSError {
  topic: string | undefined;
  unknownPartitions: number[] | undefined;
  constructor(e: string | Error, { topic, unknownPartitions }: { topic?: string; unknownPartitions?: number[] } = {}) {
    super(e);
    this.name = 'KafkaJSStaleTopicMetadataAssignment';
    this.topic = topic;
    this.unknownPartitions = unknownPartitions;
  }
}

/** A record set in a message format older than v2 (kafkaesque reads v2 only: Kafka 4 writes nothing else). */
export class KafkaJSUnsupportedMagicByteInMessageSet extends KafkaJSNonRetriableError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(e, options);
    this.name = 'KafkaJSUnsupportedMagicByteInMessageSet';
  }
}

/** A state the library should never reach. */
export class KafkaJSInvariantViolation extends KafkaJSNonRetriableError {
  constructor(e: string | Error, options: { cause?: unknown } = {}) {
    super(`Invariant violated: ${typeof e === 'string' ? e : e.message}. This is likely a bug and should be reported.`, options);
    this.name = 'KafkaJSInvariantViolation';
  }
}

/** Bytes that are no valid varint. Its `name` is 'KafkaJSNonRetriableError', as KafkaJS 2.2.4's. */
export class KafkaJSInvalidVarIntError extends KafkaJSNonRetriableError {}

/** Bytes that are no valid 64-bit integer. Its `name` is 'KafkaJSNonRetriableError', as KafkaJS 2.2.4's. */
export class KafkaJSInvalidLongError extends KafkaJSNonRetriableError {}

/** KafkaJS's fetcher stopping for a rebalance (a plain Error, as KafkaJS's); kafkaesque never throws it. */
export class KafkaJSFetcherRebalanceError extends Error {}

export class KafkaJSAggregateError extends Error {
  errors: (Error | string)[];
  constructor(message: string, errors: (Error | string)[]) {
    super(message);
    this.name = 'KafkaJSAggregateError';
    this.errors = errors;
  }
}

/** A KafkaJSProtocolError for a broker's error code (from a per-item admin outcome, for example). */
export function protocolError(err: KafkaProtocolError, extra: { topic?: string; partition?: number } = {}): KafkaJSProtocolError {
  const options = { retriable: err.retriable, type: err.errorName, code: err.errorCode, cause: err };
  if (err.errorName === 'OFFSET_OUT_OF_RANGE') return new KafkaJSOffsetOutOfRange(err, { ...options, ...extra });
  if (err.errorName === 'MEMBER_ID_REQUIRED') return new KafkaJSMemberIdRequired(err, options);
  return new KafkaJSProtocolError(err, options);
}

/**
 * The KafkaJS class an application would have met for this error, with the original as `cause`.
 * A KafkaJSError is returned unchanged; anything not an Error becomes a KafkaJSNonRetriableError.
 */
export function toKafkaJSError(err: unknown): KafkaJSError {
  if (err instanceof KafkaJSError) return err;
  if (!(err instanceof Error)) return new KafkaJSNonRetriableError(String(err), { cause: err });
  if (err instanceof ProducerError && err.cause instanceof Error) {
    const inner = err.cause;
    if (inner instanceof DeliveryTimeoutError) {
      // KafkaJS gives up after `retry.retries`; kafkaesque after deliveryTimeoutMs
      return new KafkaJSNumberOfRetriesExceeded(err, { cause: err });
    }
    const mapped = toKafkaJSError(inner);
    mapped.cause = err;
    return mapped;
  }
  if (err instanceof KafkaProtocolError) return protocolError(err);
  if (err instanceof ConnectionClosedError) return new KafkaJSConnectionClosedError(err, { cause: err, broker: brokerOf(err) });
  if (err instanceof ConnectionError) return new KafkaJSConnectionError(err, { cause: err, broker: brokerOf(err) });
  if (err instanceof RequestTimeoutError) return new KafkaJSRequestTimeoutError(err, { cause: err, broker: brokerOf(err) });
  if (err instanceof AuthenticationError) return new KafkaJSSASLAuthenticationError(err, { cause: err });
  if (err instanceof UnsupportedVersionError) return new KafkaJSServerDoesNotSupportApiKey(err, { cause: err });
  if (err instanceof MetadataTimeoutError) return new KafkaJSTopicMetadataNotLoaded(err, { cause: err, topic: err.topic });
  if (err instanceof KafkaesqueError) {
    return err.retriable ? new KafkaJSError(err, { retriable: true, cause: err }) : new KafkaJSNonRetriableError(err, { cause: err });
  }
  return new KafkaJSNonRetriableError(err, { cause: err });
}

function brokerOf(err: Error): string | undefined {
  const b = (err as { broker?: unknown }).broker;
  return typeof b === 'string' ? b : undefined;
}
