/** The message a producer sends and reports back (sarama's ProducerMessage, in TypeScript). */
import { TOPIC_NAME_RULE, topicNameProblem } from '../cluster/topic-partition.js';
import { InvalidMessageError } from './errors.js';
import type { MessageBytes, MessageHeader, ProducerMessageLike } from './types.js';

export type { MessageBytes, MessageHeader } from './types.js';

/** The headers of every message sent without any: one frozen array, not one per message. @internal */
export const NO_HEADERS: MessageHeader[] = Object.freeze([]) as unknown as MessageHeader[];

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

/**
 * A message as the producer takes it in: checked, with its timestamp fixed (`send` time unless
 * given) and headers defaulted. The producer keeps only its fields while the record waits (in
 * its batch) and builds the {@link ProducerMessage} when it reports the outcome.
 * @internal
 */
export interface OutgoingRecord<M = unknown> {
  readonly topic: string;
  readonly key: MessageBytes | null;
  readonly value: MessageBytes | null;
  readonly headers: MessageHeader[];
  readonly timestamp: number;
  /** The partition the caller asked for, if any. */
  readonly partition: number | undefined;
  readonly metadata: M | undefined;
}

/** An OutgoingRecord a producer fills for each send (see {@link outgoingRecord}). @internal */
export type ScratchRecord = { -readonly [K in keyof OutgoingRecord]: OutgoingRecord[K] };

/** An empty ScratchRecord. @internal */
export function scratchRecord(): ScratchRecord {
  return { topic: '', key: null, value: null, headers: NO_HEADERS, timestamp: 0, partition: undefined, metadata: undefined };
}

/**
 * Checks `input` as `send` does; throws InvalidMessageError naming what is wrong. With `into`,
 * the fields are written there (a producer's scratch record, valid until its next send: no
 * object per send, which V8 may otherwise decide to allocate in the old generation) and `into`
 * is returned. @internal
 */
export function outgoingRecord<M>(input: ProducerMessageInput<M>, into?: ScratchRecord): OutgoingRecord<M> {
  if (input === null || typeof input !== 'object') {
    throw new InvalidMessageError(`a message must be an object { topic, key?, value, headers?, ... }, got ${describe(input)}`);
  }
  if (typeof input.topic !== 'string' || input.topic.length === 0) {
    throw new InvalidMessageError(`a message needs a topic name (a non-empty string), got ${describe(input.topic)}`);
  }
  checkTopicName(input.topic);
  const key = checkBytes(input.key ?? null, 'key');
  const value = checkBytes(input.value, 'value');
  const headers = input.headers ?? NO_HEADERS;
  if (!Array.isArray(headers)) {
    throw new InvalidMessageError(`the message headers must be an array of { key, value }, got ${describe(headers)}`);
  }
  for (let i = 0; i < headers.length; i++) {
    const h: unknown = headers[i];
    if (h === null || typeof h !== 'object') {
      throw new InvalidMessageError(`header ${i} must be an object { key, value }, got ${describe(h)}`);
    }
    const { key, value } = h as { key: unknown; value: unknown };
    if (typeof key !== 'string') throw new InvalidMessageError(`a header key must be a string, got ${describe(key)}`);
    checkBytes(value, `header '${key}' value`);
  }
  const ts = input.timestamp instanceof Date ? input.timestamp.getTime() : input.timestamp;
  if (ts !== undefined && !Number.isSafeInteger(ts)) {
    throw new InvalidMessageError(`timestamp must be milliseconds since the epoch (an integer) or a Date, got ${describe(input.timestamp)}`);
  }
  if (input.partition !== undefined && (!Number.isInteger(input.partition) || input.partition < 0)) {
    throw new InvalidMessageError(`partition must be an integer >= 0, got ${describe(input.partition)}`);
  }
  into ??= scratchRecord();
  into.topic = input.topic;
  into.key = key;
  into.value = value;
  into.headers = headers;
  into.timestamp = ts ?? Date.now();
  into.partition = input.partition;
  into.metadata = input.metadata;
  return into as OutgoingRecord<M>;
}

/** A copy of `r` that outlives the next send (for a record that waits). @internal */
export function copyRecord<M>(r: OutgoingRecord<M>): OutgoingRecord<M> {
  return { topic: r.topic, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, partition: r.partition, metadata: r.metadata };
}

/** Marks the constructor call that rebuilds an already checked message (see {@link ProducerMessage.settled}). */
const SETTLED: unique symbol = Symbol('settled');

/** A message with its outcome: partition and offset once acknowledged (-1 before, or with acks=0). */
export class ProducerMessage<M = unknown> implements ProducerMessageLike<M> {
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

  constructor(input: ProducerMessageInput<M>);
  /** @internal */
  constructor(input: OutgoingRecord<M>, settled: typeof SETTLED, partition: number, offset: bigint);
  constructor(input: ProducerMessageInput<M> | OutgoingRecord<M>, settled?: typeof SETTLED, partition = -1, offset = -1n) {
    const r = settled === SETTLED ? (input as OutgoingRecord<M>) : outgoingRecord(input as ProducerMessageInput<M>);
    this.topic = r.topic;
    this.key = r.key;
    this.value = r.value;
    this.headers = r.headers;
    this.timestamp = r.timestamp;
    this.requestedPartition = r.partition;
    this.metadata = r.metadata;
    this.partition = partition;
    this.offset = offset;
  }

  /**
   * The message of a record the producer took in as `record` (already checked), with its outcome.
   * @internal
   */
  static settled<M>(record: OutgoingRecord<M>, partition: number, offset: bigint): ProducerMessage<M> {
    return new ProducerMessage(record, SETTLED, partition, offset);
  }
}

function checkBytes(v: unknown, what: string): MessageBytes | null {
  if (v === null || typeof v === 'string' || v instanceof Uint8Array) return v as MessageBytes | null;
  const hint = v === undefined && what === 'value' ? ' (pass null for a record without a value, a tombstone)' : '';
  throw new InvalidMessageError(`the message ${what} must be a Buffer, a Uint8Array, a string or null, got ${describe(v)}${hint}`);
}

/** The last topic name that passed the check: a producer sends to few topics, so the regex runs rarely. */
let lastValidTopic = '';

/** Kafka refuses a topic name outside its rule: say so at once, naming the topic and the rule. */
function checkTopicName(topic: string): void {
  if (topic === lastValidTopic) return;
  const problem = topicNameProblem(topic);
  if (problem !== undefined) {
    const shown = topic.length > 60 ? `${JSON.stringify(topic.slice(0, 60))}... (${topic.length} characters)` : JSON.stringify(topic);
    throw new InvalidMessageError(
      `topic name ${shown} is not valid in Kafka: ${problem}; use a name of ${TOPIC_NAME_RULE}`,
    );
  }
  lastValidTopic = topic;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}
