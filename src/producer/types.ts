/**
 * The types of a producer's messages. Apart from message.ts so that errors.ts can name a message
 * without importing message.ts, which imports errors.ts (to throw InvalidMessageError).
 */

export type MessageBytes = Buffer | Uint8Array | string;

export interface MessageHeader {
  key: string;
  value: MessageBytes | null;
}

/**
 * The fields of a `ProducerMessage` (message.ts), which implements this; the `msg` of a
 * `ProducerError` is a ProducerMessage.
 */
export interface ProducerMessageLike<M = unknown> {
  readonly topic: string;
  readonly key: MessageBytes | null;
  readonly value: MessageBytes | null;
  readonly headers: MessageHeader[];
  /** Milliseconds since the epoch: the create time, or the broker's log-append time. */
  timestamp: number;
  readonly metadata: M | undefined;
  /** The partition the message went to; -1 until chosen. */
  partition: number;
  /** The offset the broker assigned; -1n until acknowledged, and with acks=0. */
  offset: bigint;
  /** @internal the partition the caller asked for, if any */
  readonly requestedPartition: number | undefined;
}
