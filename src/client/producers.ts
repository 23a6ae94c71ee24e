/**
 * The public producers, carried over from the Go messaging layer's `client` package:
 * SyncProducer (a send resolves when the broker has the record) and AsyncProducer (a send
 * returns at once; each outcome arrives as an event or callback). Both are thin shells over one
 * ProducerCore (src/producer), so batching, idempotence and retries exist once.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Cluster } from '../cluster/cluster.js';
import { ProducerError, TransactionStateError, TransactionTimeoutError } from '../producer/errors.js';
import { type MessageBytes, type OutgoingRecord, outgoingRecord, type ProducerMessage, type ProducerMessageInput, scratchRecord } from '../producer/message.js';
import { type Completion, ProducerCore } from '../producer/producer-core.js';
import type { TransactionGroup, TransactionManager, TransactionOffset } from '../producer/transactions.js';
import { clusterOptions, producerCoreOptions } from './options.js';
import type { Config } from './config.js';
import type { ProducerMetricsSnapshot } from '../network/metrics.js';

/** Owns the cluster connection and the producer engine; one per producer. */
class ProducerHandle {
  readonly closed: Promise<void>;
  /**
   * What each send fills instead of allocating: the checked record, and the input of
   * sendMsgByte / sendMsgToPartition. V8 tends to allocate an object made per send straight in
   * the old generation (allocation-site pretenuring) at high send rates, where it is garbage
   * only a full collection frees: peak heap doubled at 1,000 partitions.
   */
  readonly scratch = scratchRecord();
  readonly input: ProducerMessageInput & { partition: number | undefined } = { topic: '', key: null, value: null, partition: undefined, metadata: undefined };
  private resolveClosed!: () => void;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly cluster: Cluster,
    readonly core: ProducerCore,
    /** Config.nullKey 'value-md5': a record without a key (and without a partition) is keyed by its value's MD5. */
    readonly valueMd5Keys: boolean,
    readonly bufferLimitBytes: number,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  static async open(config: Config): Promise<ProducerHandle> {
    const cluster = await Cluster.connect(clusterOptions(config));
    try {
      return new ProducerHandle(cluster, await ProducerCore.create(producerCoreOptions(config, cluster)), config.nullKey === 'value-md5', config.bufferBytes);
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  metrics(): ProducerMetricsSnapshot {
    const m = this.cluster.metrics;
    return {
      ...m.snapshot(),
      producer: {
        recordsSent: m.recordsSent,
        batchesSent: m.batchesSent,
        batchBytesSent: m.batchBytesSent,
        produceRequests: m.produceRequests,
        retries: m.retries,
        recordErrors: m.recordErrors,
        recordsPerBatch: m.recordsPerBatch.snapshot(),
        recordsPerRequest: m.recordsPerRequest.snapshot(),
        bufferUsedBytes: this.core.bufferedBytes,
        bufferLimitBytes: this.bufferLimitBytes,
        recordsOutstanding: this.core.outstandingRecords,
      },
    };
  }

  /** The transactions of a producer made with Config.transactionalId. */
  txn(what: string): TransactionManager {
    const t = this.core.transactions;
    if (t === undefined) throw new TransactionStateError(`${what}() needs a transactional producer: set Config.transactionalId`);
    return t;
  }

  /** Delivers what is buffered (within deliveryTimeoutMs), then closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.core.close();
      } finally {
        await this.cluster.close();
        this.resolveClosed();
      }
    })();
    return this.closing;
  }
}

/**
 * Config.nullKey 'value-md5', as the Go layer's client producers' SendMsgByte: a record with a
 * null or empty key and no explicit partition gets the lowercase hex MD5 of its value as key (on
 * the wire too), so equal values land on one partition.
 */
function withValueMd5Key<M>(input: ProducerMessageInput<M>): ProducerMessageInput<M> {
  if (input === null || typeof input !== 'object' || input.partition !== undefined) return input;
  const key = input.key;
  if (key !== null && key !== undefined && key.length > 0) return input;
  const value = input.value;
  if (value !== null && typeof value !== 'string' && !(value instanceof Uint8Array)) return input; // ProducerMessage says what is wrong
  return { ...input, key: createHash('md5').update(value ?? '').digest('hex') };
}

/** `input` with these fields: the producer's reused input of sendMsgByte / sendMsgToPartition. */
function fill(
  input: ProducerMessageInput & { partition: number | undefined },
  topic: string,
  partition: number | undefined,
  key: MessageBytes | null,
  value: MessageBytes | null,
  metadata: unknown,
): ProducerMessageInput {
  input.topic = topic;
  input.partition = partition;
  input.key = key;
  input.value = value;
  input.metadata = metadata;
  return input;
}

/**
 * Runs `fn` in a transaction of `t`: commits when it resolves, aborts when it throws (or when
 * the commit finds the transaction abortable) and rethrows. A commit that ran out of maxBlockMs
 * is waited for again (KIP-588: it is still running and cannot be aborted).
 */
async function inTransaction<P, T>(t: TransactionManager, producer: P, fn: (producer: P) => Promise<T>): Promise<T> {
  t.beginTransaction();
  let result: T;
  try {
    result = await fn(producer);
  } catch (err) {
    await abortQuietly(t, err);
    throw err;
  }
  for (;;) {
    try {
      await t.commitTransaction();
      return result;
    } catch (err) {
      if (err instanceof TransactionTimeoutError) continue;
      await abortQuietly(t, err);
      throw err;
    }
  }
}

/** Aborts after `cause`, unless the producer cannot (fatal) or nothing is open; an abort that fails too is told in `cause`'s message, not thrown over it. */
async function abortQuietly(t: TransactionManager, cause: unknown): Promise<void> {
  if (!t.open) return;
  try {
    await t.abortTransaction();
  } catch (err) {
    if (cause instanceof Error) cause.message += ` (the abort that followed failed too: ${(err as Error).message})`;
  }
}

/** The transactional methods both producers have (Config.transactionalId; docs/transactions.md). */
export interface TransactionalProducer {
  /** Registers the transactional id with its coordinator, fencing older producers with it; once, before the first transaction. */
  initTransactions(): Promise<void>;
  beginTransaction(): void;
  /** Commits a consumer's offsets with the transaction (KIP-447): `groupMetadata` is the consumer's `groupMetadata()`. */
  sendOffsetsToTransaction(offsets: readonly TransactionOffset[], groupMetadata: TransactionGroup): Promise<void>;
  /** Sends what is buffered, then commits; an abortable error means abortTransaction(), a fatal one close(). */
  commitTransaction(): Promise<void>;
  /** Drops the records not sent yet, waits for those in flight, and aborts. */
  abortTransaction(): Promise<void>;
}

/** A producer whose sends resolve once the broker acknowledged the record (or reject). */
export class SyncProducer implements TransactionalProducer {
  private constructor(private readonly h: ProducerHandle) {}

  static async create(config: Config): Promise<SyncProducer> {
    return new SyncProducer(await ProducerHandle.open(config));
  }

  /** Resolves once the producer is closed. */
  get closed(): Promise<void> {
    return this.h.closed;
  }

  /**
   * What this producer has done: requests per API (count, bytes, latency histogram), records and
   * batches sent, retries, errors by code, and its send buffer next to its bound
   * (docs/observability.md).
   */
  metrics(): ProducerMetricsSnapshot {
    return this.h.metrics();
  }

  isClosed(): boolean {
    return this.h.core.closed;
  }

  /** Delivers what is buffered (within deliveryTimeoutMs), then closes the connections. */
  close(): Promise<void> {
    return this.h.close();
  }

  async initTransactions(): Promise<void> {
    return this.h.txn('initTransactions').initTransactions();
  }

  beginTransaction(): void {
    this.h.txn('beginTransaction').beginTransaction();
  }

  async sendOffsetsToTransaction(offsets: readonly TransactionOffset[], groupMetadata: TransactionGroup): Promise<void> {
    return this.h.txn('sendOffsetsToTransaction').sendOffsetsToTransaction(offsets, groupMetadata);
  }

  async commitTransaction(): Promise<void> {
    return this.h.txn('commitTransaction').commitTransaction();
  }

  async abortTransaction(): Promise<void> {
    return this.h.txn('abortTransaction').abortTransaction();
  }

  /**
   * Runs `fn` in a transaction: commits when it resolves (every send of it acknowledged first),
   * aborts and rethrows when it throws. Resolves with `fn`'s result.
   */
  async transaction<T>(fn: (producer: this) => Promise<T>): Promise<T> {
    return inTransaction(this.h.txn('transaction'), this, fn);
  }

  /** Sends `value` with `key` to `topic`; resolves with the message, its partition and offset. */
  sendMsgByte<M = unknown>(
    topic: string,
    key: MessageBytes | null,
    value: MessageBytes | null,
    metadata?: M,
  ): Promise<ProducerMessage<M>> {
    return this.send(fill(this.h.input, topic, undefined, key, value, metadata) as ProducerMessageInput<M>);
  }

  /** Sends to the given partition, whatever the partitioner says. */
  sendMsgToPartition<M = unknown>(
    topic: string,
    partition: number,
    key: MessageBytes | null,
    value: MessageBytes | null,
    metadata?: M,
  ): Promise<ProducerMessage<M>> {
    return this.send(fill(this.h.input, topic, partition, key, value, metadata) as ProducerMessageInput<M>);
  }

  /** Sends a message with headers, timestamp or partition; rejects with a ProducerError. */
  send<M = unknown>(input: ProducerMessageInput<M>): Promise<ProducerMessage<M>> {
    let rec: OutgoingRecord<M>;
    try {
      rec = outgoingRecord(this.h.valueMd5Keys ? withValueMd5Key(input) : input, this.h.scratch);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      const accepted = this.h.core.send(rec, (err, m) => {
        if (err) reject(new ProducerError(m, err));
        else resolve(m as ProducerMessage<M>);
      });
      // backpressure: the outcome arrives through the callback either way
      if (accepted) accepted.catch(() => {});
    });
  }
}

export interface AsyncCallbacks<M = unknown> {
  onSuccess?: (msg: ProducerMessage<M>) => void;
  onError?: (err: ProducerError) => void;
}

export interface AsyncProducerEvents {
  success: [msg: ProducerMessage];
  error: [err: ProducerError];
}

/**
 * A producer whose sends return at once. Each outcome is emitted as `'success'` (the message,
 * with partition, offset and the caller's metadata) or `'error'` (a ProducerError), and given
 * to the per-call callbacks when passed. A send returns a Promise only when the send buffer is
 * full: awaiting it is how a fast caller slows down to the brokers' pace.
 *
 * A failure with neither an `'error'` listener nor an `onError` callback is logged (at error
 * level) instead of being emitted, so an unobserved failure never crashes the process.
 */
export class AsyncProducer extends EventEmitter<AsyncProducerEvents> implements TransactionalProducer {
  private constructor(private readonly h: ProducerHandle) {
    super();
  }

  static async create(config: Config): Promise<AsyncProducer> {
    return new AsyncProducer(await ProducerHandle.open(config));
  }

  /** Resolves once the producer is closed. */
  get closed(): Promise<void> {
    return this.h.closed;
  }

  sendMsgByte<M = unknown>(
    topic: string,
    key: MessageBytes | null,
    value: MessageBytes | null,
    metadata?: M,
    callbacks?: AsyncCallbacks<M>,
  ): void | Promise<void> {
    return this.send(fill(this.h.input, topic, undefined, key, value, metadata) as ProducerMessageInput<M>, callbacks);
  }

  sendMsgToPartition<M = unknown>(
    topic: string,
    partition: number,
    key: MessageBytes | null,
    value: MessageBytes | null,
    metadata?: M,
    callbacks?: AsyncCallbacks<M>,
  ): void | Promise<void> {
    return this.send(fill(this.h.input, topic, partition, key, value, metadata) as ProducerMessageInput<M>, callbacks);
  }

  /** Sends a message; throws InvalidMessageError at once for a message that cannot be sent. */
  send<M = unknown>(input: ProducerMessageInput<M>, callbacks?: AsyncCallbacks<M>): void | Promise<void> {
    const rec = outgoingRecord(this.h.valueMd5Keys ? withValueMd5Key(input) : input, this.h.scratch);
    // one completion function shared by every message sent without callbacks (no closure per
    // send: a batch then keeps one function for all its records)
    const done = callbacks === undefined ? this.complete : (err: Error | null, m: ProducerMessage) => this.report(err, m, callbacks as AsyncCallbacks);
    const accepted = this.h.core.send(rec, done);
    if (accepted) return accepted.catch(() => {});
  }

  private readonly complete: Completion = Object.assign((err: Error | null, m: ProducerMessage): void => this.report(err, m, undefined), {
    // without a 'success' listener nobody sees a success: the producer builds no message for it
    successIgnored: () => this.listenerCount('success') === 0,
  });

  private report(err: Error | null, m: ProducerMessage, callbacks: AsyncCallbacks | undefined): void {
    if (err === null) {
      callbacks?.onSuccess?.(m);
      if (this.listenerCount('success') > 0) this.emit('success', m);
      return;
    }
    const error = new ProducerError(m, err);
    callbacks?.onError?.(error);
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else if (callbacks?.onError === undefined) this.h.cluster.logger.error(error.message, { code: error.code });
  }

  /** Resolves when every message sent so far has its outcome. */
  flush(): Promise<void> {
    return this.h.core.flush();
  }

  async initTransactions(): Promise<void> {
    return this.h.txn('initTransactions').initTransactions();
  }

  beginTransaction(): void {
    this.h.txn('beginTransaction').beginTransaction();
  }

  async sendOffsetsToTransaction(offsets: readonly TransactionOffset[], groupMetadata: TransactionGroup): Promise<void> {
    return this.h.txn('sendOffsetsToTransaction').sendOffsetsToTransaction(offsets, groupMetadata);
  }

  /** Flushes (every send of the transaction gets its outcome, emitted as usual), then commits. */
  async commitTransaction(): Promise<void> {
    return this.h.txn('commitTransaction').commitTransaction();
  }

  async abortTransaction(): Promise<void> {
    return this.h.txn('abortTransaction').abortTransaction();
  }

  /** Runs `fn` in a transaction: commits when it resolves, aborts and rethrows when it throws. */
  async transaction<T>(fn: (producer: this) => Promise<T>): Promise<T> {
    return inTransaction(this.h.txn('transaction'), this, fn);
  }

  /**
   * What this producer has done: requests per API (count, bytes, latency histogram), records and
   * batches sent, retries, errors by code, and its send buffer next to its bound
   * (docs/observability.md).
   */
  metrics(): ProducerMetricsSnapshot {
    return this.h.metrics();
  }

  isClosed(): boolean {
    return this.h.core.closed;
  }

  /** Flushes, then closes the connections. */
  close(): Promise<void> {
    return this.h.close();
  }
}

