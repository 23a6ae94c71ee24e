/** The message a producer sends and reports back (sarama's ProducerMessage, in TypeScript). */
import { InvalidMessageError } from './errors.js';

export type MessageBytes = Buffer | Uint8Array | string;

export interface MessageHeader {
  key: string;
  value: MessageBytes | null;
}

/** What a caller hands to `send`. */
export interface ProducerMessageInput<M = unknown> {
  topic: string;
  key?: MessageBytes | null;
  value: MessageBytes | null;
  headers?: MessageHeader[];
  /** Milliseconds since the epoch; defaults to the time of `send`. */
  timestamp?: number | Date;
  /** Send to this partition, whatever the partitioner says. */
  partition?: number;
  /** Caller's data, handed back untouched with the outcome. */
  metadata?: M;
}

/** A message with its outcome: partition and offset once acknowledged (-1 before, or with acks=0). */
export class ProducerMessage<M = unknown> {
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

  constructor(input: ProducerMessageInput<M>) {
    if (typeof input.topic !== 'string' || input.topic.length === 0) {
      throw new InvalidMessageError(`a message needs a topic name (a non-empty string), got ${describe(input.topic)}`);
    }
    this.topic = input.topic;
    this.key = checkBytes(input.key ?? null, 'key');
    this.value = checkBytes(input.value, 'value');
    this.headers = input.headers ?? [];
    for (const h of this.headers) {
      if (typeof h?.key !== 'string') throw new InvalidMessageError(`a header key must be a string, got ${describe(h?.key)}`);
      checkBytes(h.value, `header '${h.key}' value`);
    }
    const ts = input.timestamp instanceof Date ? input.timestamp.getTime() : input.timestamp;
    if (ts !== undefined && !Number.isSafeInteger(ts)) {
      throw new InvalidMessageError(`timestamp must be milliseconds since the epoch (an integer) or a Date, got ${describe(input.timestamp)}`);
    }
    this.timestamp = ts ?? Date.now();
    if (input.partition !== undefined && (!Number.isInteger(input.partition) || input.partition < 0)) {
      throw new InvalidMessageError(`partition must be an integer >= 0, got ${describe(input.partition)}`);
    }
    this.requestedPartition = input.partition;
    this.metadata = input.metadata;
    this.partition = -1;
    this.offset = -1n;
  }
}

function checkBytes(v: unknown, what: string): MessageBytes | null {
  if (v === null || typeof v === 'string' || v instanceof Uint8Array) return v as MessageBytes | null;
  throw new InvalidMessageError(`the message ${what} must be a Buffer, a Uint8Array, a string or null, got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}
