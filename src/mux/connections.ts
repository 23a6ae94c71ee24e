/**
 * Connections: named, thin views over a {@link Multiplexer}. Every send goes through the
 * Multiplexer's one SyncProducer or AsyncProducer; every subscription through its one group
 * consumer (or, for manual connections, its one groupless consumer).
 */
import type { ConsumerMessage, StartOffset } from '../client/consumer.js';
import type { ProducerError } from '../producer/errors.js';
import type { MessageBytes, ProducerMessage } from '../producer/message.js';
import type { ConnectionMux, ConnectionProducers, MessageHandler, MuxTransaction } from './types.js';
import { MuxUsageError } from './errors.js';

/** Where a synchronous send landed. */
export interface SendResult {
  partition: number;
  offset: bigint;
}

export type Key = MessageBytes | null;
export type SuccessCallback<M = unknown> = (msg: ProducerMessage<M>) => void;
export type ErrorCallback = (err: ProducerError) => void;

/** `put(key, data)` sends to the publisher's topic and resolves once acknowledged. */
export interface SyncPublisher {
  readonly topic: string;
  put(key: Key, data: MessageBytes | null): Promise<SendResult>;
}

/** `put(key, data)` sends to the publisher's topic; the outcome goes to its callbacks. */
export interface AsyncPublisher {
  readonly topic: string;
  /** Returns a Promise only when the send buffer is full (await it to slow down). */
  put(key: Key, data: MessageBytes | null, metadata?: unknown): void | Promise<void>;
}

const result = (m: ProducerMessage): SendResult => ({ partition: m.partition, offset: m.offset });

/** Sends: shared by every kind of bytes connection. */
export class SendingConnection {
  /** @internal the Multiplexer's producers, as this connection sends through them */
  private readonly producers: ConnectionProducers;

  /** @internal */
  constructor(
    /** @internal */ readonly mux: ConnectionMux,
    readonly name: string,
    /** @internal */ producers?: ConnectionProducers,
  ) {
    this.producers = producers ?? mux.producersOf(name);
  }

  /**
   * Runs `fn` in a Kafka transaction (docs/transactions.md, "The Multiplexer"): what `fn` sends
   * through `tx` and the messages it marks with `tx.markOffset` are committed together when `fn`
   * resolves (exactly-once processing), or not at all: when `fn` throws or the commit fails, the
   * transaction is aborted, its sends are never seen by read_committed consumers, and the
   * connection's partitions are consumed again from its last committed mark (the handler sees
   * those messages again). Resolves with what `fn` returned; rejects with what failed.
   *
   * Needs `Config.transactionalId` (YAML `transactional_id`). One transaction runs at a time per
   * Multiplexer: transactions of other connections wait for it. Sends made through the
   * connection itself (not `tx`) are outside the transaction.
   */
  transaction<T>(fn: (tx: ConnectionTransaction) => T | Promise<T>): Promise<T> {
    return this.mux.transaction(this.name, fn as (tx: MuxTransaction) => T | Promise<T>);
  }

  async sendSyncMessage(topic: string, key: Key, value: MessageBytes | null): Promise<SendResult> {
    return result(await this.producers.syncProducer.sendMsgByte(topic, key, value));
  }

  sendSyncByte(topic: string, key: Key, value: Buffer | Uint8Array): Promise<SendResult> {
    return this.sendSyncMessage(topic, key, value);
  }

  sendSyncString(topic: string, key: Key, value: string): Promise<SendResult> {
    return this.sendSyncMessage(topic, key, value);
  }

  async sendSyncMessageToPartition(topic: string, partition: number, key: Key, value: MessageBytes | null): Promise<SendResult> {
    return result(await this.producers.syncProducer.sendMsgToPartition(topic, partition, key, value));
  }

  sendSyncByteToPartition(topic: string, partition: number, key: Key, value: Buffer | Uint8Array): Promise<SendResult> {
    return this.sendSyncMessageToPartition(topic, partition, key, value);
  }

  sendSyncStringToPartition(topic: string, partition: number, key: Key, value: string): Promise<SendResult> {
    return this.sendSyncMessageToPartition(topic, partition, key, value);
  }

  /**
   * Sends without waiting; the outcome goes to `onSuccess` (with partition, offset and
   * `metadata`) or `onError`. Returns a Promise only when the send buffer is full.
   */
  sendAsyncMessage<M = unknown>(
    topic: string,
    key: Key,
    value: MessageBytes | null,
    metadata?: M,
    onSuccess?: SuccessCallback<M>,
    onError?: ErrorCallback,
  ): void | Promise<void> {
    return this.producers.asyncProducer.sendMsgByte(topic, key, value, metadata, callbacks(onSuccess, onError));
  }

  sendAsyncByte<M = unknown>(topic: string, key: Key, value: Buffer | Uint8Array, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.sendAsyncMessage(topic, key, value, metadata, onSuccess, onError);
  }

  sendAsyncString<M = unknown>(topic: string, key: Key, value: string, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.sendAsyncMessage(topic, key, value, metadata, onSuccess, onError);
  }

  sendAsyncMessageToPartition<M = unknown>(
    topic: string,
    partition: number,
    key: Key,
    value: MessageBytes | null,
    metadata?: M,
    onSuccess?: SuccessCallback<M>,
    onError?: ErrorCallback,
  ): void | Promise<void> {
    return this.producers.asyncProducer.sendMsgToPartition(topic, partition, key, value, metadata, callbacks(onSuccess, onError));
  }

  sendAsyncByteToPartition<M = unknown>(topic: string, partition: number, key: Key, value: Buffer | Uint8Array, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.sendAsyncMessageToPartition(topic, partition, key, value, metadata, onSuccess, onError);
  }

  sendAsyncStringToPartition<M = unknown>(topic: string, partition: number, key: Key, value: string, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.sendAsyncMessageToPartition(topic, partition, key, value, metadata, onSuccess, onError);
  }

  newSyncPublisher(topic: string): SyncPublisher {
    return { topic, put: (key, data) => this.sendSyncMessage(topic, key, data) };
  }

  newAsyncPublisher(topic: string, onSuccess?: SuccessCallback, onError?: ErrorCallback): AsyncPublisher {
    return { topic, put: (key, data, metadata) => this.sendAsyncMessage(topic, key, data, metadata, onSuccess, onError) };
  }

  newSyncPublisherToPartition(topic: string, partition: number): SyncPublisher {
    return { topic, put: (key, data) => this.sendSyncMessageToPartition(topic, partition, key, data) };
  }

  newAsyncPublisherToPartition(topic: string, partition: number, onSuccess?: SuccessCallback, onError?: ErrorCallback): AsyncPublisher {
    return {
      topic,
      put: (key, data, metadata) => this.sendAsyncMessageToPartition(topic, partition, key, data, metadata, onSuccess, onError),
    };
  }
}

function callbacks<M>(onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): { onSuccess?: SuccessCallback<M>; onError?: ErrorCallback } {
  const c: { onSuccess?: SuccessCallback<M>; onError?: ErrorCallback } = {};
  if (onSuccess) c.onSuccess = onSuccess;
  if (onError) c.onError = onError;
  return c;
}

/** A connection that consumes topics through the Multiplexer's consumer group. */
export class BytesConnection extends SendingConnection {
  /**
   * Subscribes `handler` to `topics` (before `start()`; after it: MuxStartedError). Every
   * connection subscribed to a topic receives each of its messages.
   */
  consumeTopic(handler: MessageHandler, ...topics: string[]): void {
    if (topics.length === 0) throw new MuxUsageError('ERR_MUX_TOPIC', 'consumeTopic: name at least one topic');
    for (const t of topics) this.mux.subscribe(this.name, t, handler);
  }

  /** Stops delivering `topic` to this connection (messages queued for it are dropped, unmarked). */
  stopConsuming(topic: string): void {
    this.mux.unsubscribe(this.name, topic);
  }

  /** Marks `message` processed by this connection (committed once every subscriber of its topic marked it). */
  markOffset(message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    this.mux.mark(this.name, message, metadata);
  }

  /** Marks `offset` of `topic`-`partition` processed by this connection (the Go layer's `MarkPartitionOffset`). */
  markPartitionOffset(topic: string, partition: number, offset: bigint | number, metadata?: string): void {
    this.mux.mark(this.name, { topic, partition, offset: checkedOffset('markPartitionOffset', partition, offset) }, metadata);
  }

  /** Commits the group's marked offsets now. */
  commitOffsets(): Promise<void> {
    return this.mux.commitOffsets();
  }
}

/** A partition and offset a caller gave, checked: MuxUsageError (`ERR_MUX_OFFSET`) when not usable. */
export function checkedOffset(what: string, partition: number, offset: bigint | number): bigint {
  if (!Number.isInteger(partition) || partition < 0) throw new MuxUsageError('ERR_MUX_OFFSET', `${what}: partition must be an integer >= 0, got ${String(partition)}`);
  if (!(typeof offset === 'bigint' || (typeof offset === 'number' && Number.isSafeInteger(offset))) || BigInt(offset) < 0n) {
    throw new MuxUsageError('ERR_MUX_OFFSET', `${what}: offset must be a bigint or safe integer >= 0, got ${String(offset)}`);
  }
  return BigInt(offset);
}

/** A connection that consumes single partitions from a chosen offset, outside the group. */
export class BytesManualConnection extends SendingConnection {
  /**
   * Consumes `topic`-`partition` from `offset` (OffsetOldest, OffsetNewest or an offset) with
   * `handler`, one message at a time. Allowed before and after `start()`; before, consumption
   * begins at `start()`. A partition consumed here is not also delivered through the group.
   */
  consumePartition(handler: MessageHandler, topic: string, partition: number, offset: StartOffset): Promise<void> {
    return this.mux.consumePartition(this.name, topic, partition, offset, handler);
  }

  /**
   * Stops the subscription this connection made with `consumePartition(handler, topic,
   * partition, offset)`: `offset` is the start offset given there (OffsetOldest and `'oldest'`
   * are the same start, as are 7 and 7n), and names the subscription as in the Go layer. When
   * this connection has no such subscription nothing stops and a MuxUsageError
   * (`ERR_MUX_NOT_CONSUMING`) says what is consumed instead. Without `offset`, whatever this
   * connection consumes of the partition stops. Messages already delivered stay delivered;
   * nothing is committed.
   */
  stopConsumingPartition(topic: string, partition: number, offset?: StartOffset): void {
    this.mux.stopConsumingPartition(this.name, topic, partition, offset);
  }
}

/**
 * A transaction of a connection (`conn.transaction(async (tx) => ...)`): the connection's send
 * methods, through the Multiplexer's transactional producer, and the marks committed with it.
 * Async sends call back as usual; the commit waits for their outcomes.
 */
export class ConnectionTransaction extends SendingConnection implements MuxTransaction {
  /** @internal The marks of this transaction, per topic-partition: next offset and metadata. */
  readonly marks = new Map<string, { topic: string; partition: number; offset: bigint; metadata: string | undefined }>();
  private finished = false;

  /** @internal */
  constructor(mux: ConnectionMux, name: string, producers: ConnectionProducers) {
    super(mux, name, producers);
  }

  /**
   * Marks `message` processed by this transaction: its offset + 1 is committed with the
   * transaction (KIP-447, with the group's generation), or not at all.
   */
  markOffset(message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    this.mux.markInTransaction(this, message, metadata);
  }

  /** Marks `offset` of `topic`-`partition` processed by this transaction (see {@link markOffset}). */
  markPartitionOffset(topic: string, partition: number, offset: bigint | number, metadata?: string): void {
    this.markOffset({ topic, partition, offset: checkedOffset('markPartitionOffset', partition, offset) }, metadata);
  }

  /** Transactions do not nest: MuxUsageError (`ERR_MUX_TXN_NESTED`). */
  override transaction<T>(_fn: (tx: ConnectionTransaction) => T | Promise<T>): Promise<T> {
    return Promise.reject(new MuxUsageError('ERR_MUX_TXN_NESTED', `transaction: connection '${this.name}' is in a transaction already; send and mark through the tx you have`));
  }

  /** @internal */
  get isFinished(): boolean {
    return this.finished;
  }

  /** @internal The transaction ended: later sends and marks through it are refused. */
  finish(): void {
    this.finished = true;
  }
}
