/** Typed errors of the producer. */
import { KafkaesqueError } from '../../protocol/errors.js';
import type { ProducerMessageLike } from './types.js';

/**
 * One message that could not be delivered, with the cause (sarama's ProducerError: the message
 * and the error). `msg` carries the caller's metadata; `cause` says why.
 */
export class ProducerError extends KafkaesqueError {
  /** The message that failed, with the caller's metadata (a ProducerMessage). */
  readonly msg: ProducerMessageLike;
  override readonly cause: Error;

  constructor(msg: ProducerMessageLike, cause: Error) {
    super(
      cause instanceof KafkaesqueError ? cause.code : 'ERR_PRODUCE',
      `could not deliver a message to topic '${msg.topic}'${msg.partition >= 0 ? ` partition ${msg.partition}` : ''}: ${cause.message}`,
      { retriable: cause instanceof KafkaesqueError && cause.retriable, cause },
    );
    this.msg = msg;
    this.cause = cause;
  }
}

/** A record larger than the producer may send (maxRequestBytes or bufferBytes) or the broker accepts. */
export class RecordTooLargeError extends KafkaesqueError {
  constructor(size: number, limit: number, setting: string) {
    super(
      'ERR_RECORD_TOO_LARGE',
      `the record is ${size} bytes when serialized, larger than ${setting} (${limit} bytes); ` +
        `send a smaller record or raise ${setting} (and the topic's max.message.bytes)`,
    );
  }
}

/** The record was not acknowledged within deliveryTimeoutMs (Java: delivery.timeout.ms). */
export class DeliveryTimeoutError extends KafkaesqueError {
  constructor(timeoutMs: number, detail: string) {
    super(
      'ERR_DELIVERY_TIMEOUT',
      `not acknowledged within deliveryTimeoutMs (${timeoutMs} ms): ${detail}. ` +
        'Check that the partition leader is reachable; raise deliveryTimeoutMs to wait longer.',
      { retriable: true },
    );
  }
}

/** No buffer space freed within maxBlockMs (Java: buffer.memory exhausted past max.block.ms). */
export class BufferFullError extends KafkaesqueError {
  constructor(needed: number, bufferBytes: number, maxBlockMs: number) {
    super(
      'ERR_BUFFER_FULL',
      `waited ${maxBlockMs} ms (maxBlockMs) for ${needed} bytes of the ${bufferBytes}-byte send buffer (bufferBytes); ` +
        'the brokers are not taking records as fast as they are sent. Slow down, or raise bufferBytes or maxBlockMs.',
      { retriable: true },
    );
  }
}

/** The producer was closed before the message could be sent. */
export class ProducerClosedError extends KafkaesqueError {
  constructor() {
    super('ERR_PRODUCER_CLOSED', 'the producer is closed; create a new one to send more messages');
  }
}

/** A message the producer cannot accept as given (wrong value type, bad partition, ...). */
export class InvalidMessageError extends KafkaesqueError {
  constructor(message: string) {
    super('ERR_INVALID_MESSAGE', message);
  }
}

/**
 * A partitioner that cannot give a valid partition: bad options, an explicit partition out of
 * range, `manual` without a partition, a user function returning something else than a partition
 * index or throwing (the original error is the `cause`), or a topic with no partitions.
 */
export class PartitionerError extends KafkaesqueError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_PARTITIONER', message, options);
  }
}

/**
 * A transactional call out of order (Java: IllegalStateException): a send or commit outside a
 * transaction, beginTransaction before initTransactions or inside another transaction, a
 * transactional call on a producer without `transactionalId`.
 */
export class TransactionStateError extends KafkaesqueError {
  constructor(message: string) {
    super('ERR_TXN_STATE', message);
  }
}

/**
 * The transaction cannot commit (a record failed, the group fenced the offsets, the coordinator
 * aborted it after transactionTimeoutMs, ...): call abortTransaction(), then run the
 * transaction again. The producer lives on. `cause` says what failed.
 */
export class TransactionAbortableError extends KafkaesqueError {
  constructor(message: string, cause: Error) {
    super('ERR_TXN_ABORTABLE', `${message}: ${cause.message}; abort the transaction (abortTransaction()) and run it again`, { cause });
  }
}

/**
 * The producer can run no more transactions (fenced by a newer producer with the same
 * transactionalId, not authorized for it, ...): close it; a new producer with the same
 * transactionalId fences this one and continues. `cause` says what the coordinator answered.
 */
export class TransactionFatalError extends KafkaesqueError {
  constructor(message: string, cause: Error) {
    super('ERR_TXN_FATAL', `${message}: ${cause.message}; close this producer (a new one with the same transactionalId takes over)`, { cause });
  }
}

/** A record that was not written: its transaction was aborted before the record was sent. */
export class TransactionAbortedError extends KafkaesqueError {
  constructor() {
    super('ERR_TXN_ABORTED', 'the transaction was aborted before this record was sent; it was not written');
  }
}

/**
 * A transactional call that did not finish within its time (maxBlockMs): the request goes on.
 * Call the same method again to wait for its outcome (KIP-588), or abort the transaction.
 */
export class TransactionTimeoutError extends KafkaesqueError {
  constructor(what: string, timeoutMs: number) {
    super('ERR_TXN_TIMEOUT', `${what} did not finish within ${timeoutMs} ms (maxBlockMs); call it again to keep waiting for its outcome, or abort the transaction`, { retriable: true });
  }
}
