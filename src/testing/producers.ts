/**
 * MockSyncProducer and MockAsyncProducer: the public methods of SyncProducer and AsyncProducer
 * with no broker. Every send is validated as the real producers validate it (ProducerMessage),
 * placed by the real partitioner, given the partition's next offset and recorded; a test reads
 * the record with `sent()` and injects failures with `failNextSend()`, `failSends()` or, as
 * sarama's mocks, strict expectations with `expectSend()` and `verify()`.
 */
import type { AsyncCallbacks, AsyncProducerEvents } from '../client/producers.js';
import { ProducerClosedError, ProducerError, TransactionStateError } from '../producer/errors.js';
import type { TransactionOffset } from '../producer/transactions.js';
import { COUNT_BUCKETS, Histogram, type ProducerMetricsSnapshot } from '../network/metrics.js';
import type { MarkedOffset } from './consumers.js';
import { type MessageBytes, ProducerMessage, type ProducerMessageInput } from '../producer/message.js';
import { MockLog, type MockPartitioningOptions, MockSends, type SendMatcher, toBuffer, toHeaders } from './sends.js';
import type { SentMessage } from './types.js';

/**
 * A mock producer's settings: the topics' partition counts and the partitioner, which default
 * to the client layer's (`'hash'` with murmur2, Java's; keyless records on a sticky partition).
 */
export type MockProducerOptions = MockPartitioningOptions;

/** Places, numbers and records one send; the error it fails with, or undefined. */
function place(
  log: MockLog,
  producer: 'sync' | 'async',
  connection: string | undefined,
  msg: ProducerMessage,
  closed: boolean,
  sink: SentMessage[] = log.acked,
): Error | undefined {
  const key = toBuffer(msg.key);
  const send: SentMessage = {
    topic: msg.topic,
    partition: -1,
    offset: -1n,
    key,
    value: toBuffer(msg.value),
    headers: toHeaders(msg.headers),
    metadata: msg.metadata,
    timestamp: msg.timestamp,
    connection,
    producer,
  };
  let error: Error | undefined;
  if (closed) {
    error = new ProducerClosedError();
  } else {
    try {
      send.partition = msg.partition = log.choosePartition(msg.topic, key, msg.requestedPartition);
      error = log.outcome(send);
    } catch (err) {
      error = err as Error; // PartitionerError: a partition the topic does not have
    }
  }
  if (error !== undefined) {
    send.error = error;
    log.failures.push(send);
    return error;
  }
  send.offset = msg.offset = log.append(send.topic, send.partition);
  if (sink !== log.acked) send.transactional = true;
  sink.push(send);
  return undefined;
}

/** What both producers add to MockSends: their kind's sends, and closing. */
abstract class MockProducer<Events extends Record<keyof Events, unknown[]>> extends MockSends<Events> {
  /** @internal */ readonly log: MockLog;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  protected abstract readonly kind: 'sync' | 'async';

  constructor(options: MockProducerOptions, shared: MockLog | undefined) {
    super();
    this.log = shared ?? new MockLog(options);
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Resolves once the producer is closed. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  isClosed(): boolean {
    return this.closedFlag;
  }

  protected markClosed(): void {
    this.closedFlag = true;
    this.resolveClosed();
  }

  /**
   * The real producers' metrics as a mock can have them: its acknowledged sends as records (and
   * batches) sent, its failed ones as record errors counted by code; no requests, bytes or
   * buffer (a mock has no wire).
   */
  metrics(): ProducerMetricsSnapshot {
    const sent = this.sent();
    const failed = this.failed();
    const errors: Record<string, number> = {};
    for (const f of failed) {
      const code = (f.error as { code?: string } | undefined)?.code ?? f.error?.name ?? 'Error';
      errors[code] = (errors[code] ?? 0) + 1;
    }
    const perBatch = new Histogram(COUNT_BUCKETS);
    for (let i = 0; i < sent.length; i++) perBatch.record(1);
    return {
      requests: {},
      requestsInFlight: 0,
      bytesSent: 0,
      bytesReceived: 0,
      connections: { opened: 0, closed: 0 },
      errors,
      producer: {
        recordsSent: sent.length,
        batchesSent: sent.length,
        batchBytesSent: 0,
        produceRequests: 0,
        retries: 0,
        recordErrors: failed.length,
        recordsPerBatch: perBatch.snapshot(),
        recordsPerRequest: new Histogram(COUNT_BUCKETS).snapshot(),
        bufferUsedBytes: 0,
        bufferLimitBytes: 0,
        recordsOutstanding: 0,
      },
    };
  }

  /** This producer's sends only: a MockMultiplexer's producers share one log. */
  protected override scope(matcher: SendMatcher | undefined): SendMatcher {
    const kind = this.kind;
    if (matcher === undefined) return { producer: kind };
    if (typeof matcher === 'function') return (m) => m.producer === kind && matcher(m);
    return { ...matcher, producer: kind };
  }
}

/** SyncProducer without a broker: a send resolves with its partition and offset, or rejects with a ProducerError. */
export class MockSyncProducer extends MockProducer<Record<never, never>> {
  protected readonly kind = 'sync' as const;

  constructor(options: MockProducerOptions = {}, /** @internal */ shared?: MockLog) {
    super(options, shared);
  }

  /** Sends `value` with `key` to `topic`; resolves with the message, its partition and offset. */
  sendMsgByte<M = unknown>(topic: string, key: MessageBytes | null, value: MessageBytes | null, metadata?: M): Promise<ProducerMessage<M>> {
    return this.send({ topic, key, value, metadata });
  }

  /** Sends to the given partition, whatever the partitioner says. */
  sendMsgToPartition<M = unknown>(
    topic: string,
    partition: number,
    key: MessageBytes | null,
    value: MessageBytes | null,
    metadata?: M,
  ): Promise<ProducerMessage<M>> {
    return this.send({ topic, partition, key, value, metadata });
  }

  /** Sends a message with headers, timestamp or partition; rejects with a ProducerError. */
  send<M = unknown>(input: ProducerMessageInput<M>): Promise<ProducerMessage<M>> {
    return this.sendAs(undefined, input);
  }

  /** @internal A send of a Multiplexer connection. */
  sendAs<M>(connection: string | undefined, input: ProducerMessageInput<M>): Promise<ProducerMessage<M>> {
    let msg: ProducerMessage<M>;
    try {
      msg = new ProducerMessage(input);
    } catch (err) {
      return Promise.reject(err);
    }
    const error = place(this.log, 'sync', connection, msg, this.isClosed());
    return error === undefined ? Promise.resolve(msg) : Promise.reject(new ProducerError(msg, error));
  }

  close(): Promise<void> {
    this.markClosed();
    return Promise.resolve();
  }
}

/**
 * AsyncProducer without a broker: a send returns at once; its outcome arrives after the
 * current synchronous code (a microtask later) as the per-call callbacks and the `'success'` /
 * `'error'` events, as the real producer reports them. `flush()` waits for every outcome.
 */
export class MockAsyncProducer extends MockProducer<AsyncProducerEvents> {
  protected readonly kind = 'async' as const;
  private readonly pending = new Set<Promise<void>>();
  /** What the callbacks and listeners threw; flush() rejects with the first. */
  private thrown: unknown[] = [];

  constructor(options: MockProducerOptions = {}, /** @internal */ shared?: MockLog) {
    super(options, shared);
  }

  sendMsgByte<M = unknown>(topic: string, key: MessageBytes | null, value: MessageBytes | null, metadata?: M, callbacks?: AsyncCallbacks<M>): void | Promise<void> {
    return this.send({ topic, key, value, metadata }, callbacks);
  }

  sendMsgToPartition<M = unknown>(
    topic: string,
    partition: number,
    key: MessageBytes | null,
    value: MessageBytes | null,
    metadata?: M,
    callbacks?: AsyncCallbacks<M>,
  ): void | Promise<void> {
    return this.send({ topic, partition, key, value, metadata }, callbacks);
  }

  /** Sends a message; throws InvalidMessageError at once for a message that cannot be sent. */
  send<M = unknown>(input: ProducerMessageInput<M>, callbacks?: AsyncCallbacks<M>): void | Promise<void> {
    this.sendAs(undefined, input, callbacks);
  }

  /** @internal A send of a Multiplexer connection. */
  sendAs<M>(connection: string | undefined, input: ProducerMessageInput<M>, callbacks: AsyncCallbacks<M> | undefined): void {
    const msg = new ProducerMessage(input);
    const error = place(this.log, 'async', connection, msg, this.isClosed());
    const done = Promise.resolve().then(() => this.complete(msg, error, callbacks as AsyncCallbacks | undefined));
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  private complete(msg: ProducerMessage, cause: Error | undefined, callbacks: AsyncCallbacks | undefined): void {
    try {
      if (cause === undefined) {
        callbacks?.onSuccess?.(msg);
        this.emit('success', msg);
        return;
      }
      const error = new ProducerError(msg, cause);
      callbacks?.onError?.(error);
      // as the real producer: an 'error' event only when someone listens (else it would throw)
      if (this.listenerCount('error') > 0) this.emit('error', error);
    } catch (err) {
      this.thrown.push(err);
    }
  }

  /**
   * Resolves when every message sent so far has its outcome (callbacks called, events
   * emitted); rejects with what a callback or listener threw, if one did.
   */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const thrown = this.thrown;
    this.thrown = [];
    if (thrown.length > 0) throw thrown[0];
  }

  /** Flushes, then closes: later sends fail with ProducerClosedError. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.markClosed();
    }
  }
}

/**
 * @internal The transactional producer of a MockMultiplexer's `conn.transaction(...)`: a
 * transaction's sends take their partition and offset at once (as the broker writes them) but are
 * recorded only when it commits (in `sent()`, `transactional: true`); an abort puts them in
 * `aborted()`. Its offsets reach the group's committed offsets on commit. `failNextCommit` makes
 * a commit fail.
 */
export class MockTransactionalProducer {
  private open = false;
  private closedFlag = false;
  private sends: SentMessage[] = [];
  private offsets: MarkedOffset[] = [];

  constructor(
    private readonly log: MockLog,
    private readonly commitOffsets: (offsets: readonly MarkedOffset[]) => void,
  ) {}

  async initTransactions(): Promise<void> {}

  beginTransaction(): void {
    if (this.open) throw new TransactionStateError('beginTransaction: a transaction is already open');
    this.open = true;
    this.sends = [];
    this.offsets = [];
  }

  sendMsgByte<M = unknown>(topic: string, key: MessageBytes | null, value: MessageBytes | null, metadata?: M): Promise<ProducerMessage<M>> {
    return this.sendAs(undefined, { topic, key, value, metadata });
  }

  sendMsgToPartition<M = unknown>(topic: string, partition: number, key: MessageBytes | null, value: MessageBytes | null, metadata?: M): Promise<ProducerMessage<M>> {
    return this.sendAs(undefined, { topic, partition, key, value, metadata });
  }

  /** A send of connection `connection` in the open transaction. */
  sendAs<M>(connection: string | undefined, input: ProducerMessageInput<M>): Promise<ProducerMessage<M>> {
    if (!this.open) return Promise.reject(new TransactionStateError('send: no transaction is open'));
    let msg: ProducerMessage<M>;
    try {
      msg = new ProducerMessage(input);
    } catch (err) {
      return Promise.reject(err);
    }
    const error = place(this.log, 'sync', connection, msg, this.closedFlag, this.sends);
    return error === undefined ? Promise.resolve(msg) : Promise.reject(new ProducerError(msg, error));
  }

  async sendOffsetsToTransaction(offsets: readonly TransactionOffset[]): Promise<void> {
    if (!this.open) throw new TransactionStateError('sendOffsetsToTransaction: no transaction is open');
    for (const o of offsets) this.offsets.push({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? undefined });
  }

  async commitTransaction(): Promise<void> {
    if (!this.open) throw new TransactionStateError('commitTransaction: no transaction is open');
    const failure = this.log.commitFailures.shift();
    if (failure !== undefined) throw failure; // still open: the caller aborts
    this.open = false;
    this.log.acked.push(...this.sends);
    this.commitOffsets(this.offsets);
  }

  async abortTransaction(): Promise<void> {
    if (!this.open) throw new TransactionStateError('abortTransaction: no transaction is open');
    this.open = false;
    this.log.aborted.push(...this.sends);
  }

  async close(): Promise<void> {
    this.closedFlag = true;
  }
}
