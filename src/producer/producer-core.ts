/**
 * The producer engine shared by SyncProducer, AsyncProducer and the Multiplexer.
 *
 * A record's path (see docs/DESIGN.md): `send` checks it, reserves its estimated size in the
 * send buffer (waiting when full), finds the topic's metadata, picks a partition and appends
 * it to that partition's open batch. A batch leaves when it reaches `batchBytes`, when its
 * `lingerMs` ran out, or on flush/close. The sender groups ready batches by the partition
 * leader and sends one Produce request per broker with at most one batch per partition, up to
 * `maxInFlight` requests per connection. Each partition's response completes the batch's
 * records (partition, offset), retries it (retriable errors, with backoff, within
 * `deliveryTimeoutMs`) or fails it with a typed error.
 *
 * Idempotence (KIP-98, on by default): InitProducerId gives a producer id and epoch; batches get
 * per-partition sequence numbers when first drained and keep them on retry, so the broker
 * drops duplicates and refuses gaps. Up to 5 batches per partition may be in flight; a retried
 * batch is re-queued in sequence order and sent alone until the partition is back in order.
 * OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID on the partition's oldest unacknowledged
 * batch bump the epoch (KIP-360) and renumber the unacknowledged batches from 0; on a later
 * batch they only mean an earlier one failed, and the batch is retried after it. A batch that
 * fails for good shifts the sequences of the partition's later batches down (as Java does), so
 * the partition does not stall.
 */
import type { CompressionTypeId } from '../../protocol/compression/index.js';
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { Produce, type ProduceRequest, type ProduceResponse } from '../../protocol/messages/produce.js';
import { encodeRecordBatch, estimateRecordSize, type RecordInput } from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { type Cluster, MetadataTimeoutError, type TopicInfo } from '../cluster/cluster.js';
import { backoffMs, sleep } from '../cluster/retry.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import type { Logger } from '../network/logger.js';
import { BufferPool } from './buffer-pool.js';
import {
  BufferFullError,
  DeliveryTimeoutError,
  ProducerClosedError,
  RecordTooLargeError,
} from './errors.js';
import type { ProducerMessage } from './message.js';
import type { Partitioner } from './partitioner.js';

export interface ProducerCoreOptions {
  cluster: Cluster;
  partitioner: Partitioner;
  acks: 0 | 1 | -1;
  compression: CompressionTypeId;
  compressionLevel?: number;
  idempotent: boolean;
  lingerMs: number;
  batchBytes: number;
  bufferBytes: number;
  maxRequestBytes: number;
  maxInFlight: number;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  maxBlockMs: number;
  logger: Logger;
}

/** Called once per message with its outcome. */
export type Completion = (err: Error | null, msg: ProducerMessage) => void;

interface PendingRecord {
  msg: ProducerMessage;
  input: RecordInput;
  size: number;
  done: Completion;
}

class ProducerBatch {
  readonly records: PendingRecord[] = [];
  bytes = 0;
  attempts = 0;
  retryAtMs = 0;
  /** -1 until drained by an idempotent producer. */
  baseSequence = -1;
  producerEpoch = -1;
  /** Closed to new records (full, or drained once). */
  sealed = false;
  private waiters: Array<() => void> | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
  ) {}

  whenDone(): Promise<void> {
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  settle(): void {
    for (const w of this.waiters ?? []) w();
    this.waiters = undefined;
  }
}

class PartitionState {
  /** Batches waiting to be sent: retries first, in sequence order, then new batches. */
  readonly queue: ProducerBatch[] = [];
  /** Batches sent and not yet answered. */
  readonly inflight = new Set<ProducerBatch>();
  nextSequence = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Puts a failed batch back in front of the new ones, in sequence order. */
  requeue(batch: ProducerBatch): void {
    let i = 0;
    while (i < this.queue.length) {
      const b = this.queue[i]!;
      if (b.baseSequence < 0 || (batch.baseSequence >= 0 && b.baseSequence > batch.baseSequence)) break;
      i++;
    }
    this.queue.splice(i, 0, batch);
  }
}

export class ProducerCore {
  private readonly o: ProducerCoreOptions;
  private readonly cluster: Cluster;
  private readonly pool: BufferPool;
  /** Every partition's state, for the sender's passes. */
  private readonly states: PartitionState[] = [];
  /** topic -> partition index -> state: the per-record lookup, without building string keys. */
  private readonly byTopic = new Map<string, PartitionState[]>();
  /** Records waiting for their topic's metadata. */
  private readonly awaitingMetadata = new Map<string, PendingRecord[]>();
  private readonly brokerInflight = new Map<number, number>();
  private producerId = -1n;
  private producerEpoch = -1;
  private epochBumpNeeded = false;
  private bumping = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private flushing = 0;
  private closing = false;
  private closedFlag = false;
  private readonly scratch = new Writer(64 * 1024);
  /** Records accepted and not yet completed. */
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];

  private constructor(options: ProducerCoreOptions) {
    this.o = options;
    this.cluster = options.cluster;
    this.pool = new BufferPool(options.bufferBytes);
  }

  static async create(options: ProducerCoreOptions): Promise<ProducerCore> {
    const core = new ProducerCore(options);
    if (options.idempotent) await core.initProducerId(false);
    return core;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Bytes of the send buffer in use. */
  get bufferedBytes(): number {
    return this.pool.usedBytes;
  }

  /**
   * Accepts a message. Returns nothing when it was buffered at once, or a promise that resolves
   * once there was room in the send buffer (backpressure). The outcome arrives through `done`.
   */
  send(msg: ProducerMessage, done: Completion): void | Promise<void> {
    if (this.closing) {
      done(new ProducerClosedError(), msg);
      return;
    }
    // a ProducerMessage is itself a valid RecordInput: no per-record copy
    const input: RecordInput = msg;
    const size = estimateRecordSize(input);
    const batchOverhead = 61 + 64;
    if (size + batchOverhead > this.o.maxRequestBytes) {
      done(new RecordTooLargeError(size + batchOverhead, this.o.maxRequestBytes, 'maxRequestBytes'), msg);
      return;
    }
    if (size > this.o.bufferBytes) {
      done(new RecordTooLargeError(size, this.o.bufferBytes, 'bufferBytes'), msg);
      return;
    }
    const record: PendingRecord = { msg, input, size, done };
    this.outstanding++;
    if (this.pool.tryReserve(size)) {
      this.route(record);
      return;
    }
    return this.pool
      .reserve(size, this.o.maxBlockMs, () => new BufferFullError(size, this.o.bufferBytes, this.o.maxBlockMs))
      .then(
        () => {
          if (this.closedFlag) this.finish(record, new ProducerClosedError(), false);
          else this.route(record);
        },
        (err: Error) => this.finish(record, err, false),
      );
  }

  /** Resolves when every message accepted so far has its outcome. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      this.wake();
      while (this.outstanding > 0) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      }
    } finally {
      this.flushing--;
    }
  }

  /** Sends what is buffered (within deliveryTimeoutMs), then stops accepting messages. */
  async close(): Promise<void> {
    if (this.closing) {
      await this.flush();
      return;
    }
    this.closing = true;
    await this.flush();
    this.closedFlag = true;
    this.pool.failAll(new ProducerClosedError());
    clearTimeout(this.timer);
  }

  // ---- routing -----------------------------------------------------------------------

  private route(record: PendingRecord): void {
    const topic = record.msg.topic;
    const info = this.cluster.topic(topic);
    if (info !== undefined) {
      this.place(record, info.partitions.length, info.availablePartitions);
      return;
    }
    let waiting = this.awaitingMetadata.get(topic);
    if (waiting !== undefined) {
      waiting.push(record);
      return;
    }
    waiting = [record];
    this.awaitingMetadata.set(topic, waiting);
    this.cluster.topicMetadata(topic, this.o.maxBlockMs).then(
      (t) => {
        const list = this.awaitingMetadata.get(topic) ?? [];
        this.awaitingMetadata.delete(topic);
        for (const r of list) this.place(r, t.partitions.length, t.availablePartitions);
      },
      (err: Error) => {
        const list = this.awaitingMetadata.get(topic) ?? [];
        this.awaitingMetadata.delete(topic);
        for (const r of list) this.finish(r, err, true);
      },
    );
  }

  private place(record: PendingRecord, partitionCount: number, available: readonly number[]): void {
    const wanted = record.msg.requestedPartition;
    if (typeof wanted === 'number' && Number.isInteger(wanted) && wanted >= partitionCount) {
      // a partition our metadata does not know (added since the last refresh?): wait for it up
      // to maxBlockMs, as Java's KafkaProducer.waitOnMetadata does, before refusing the record
      this.awaitPartition(record, wanted).catch((err: Error) => this.finish(record, err, true));
      return;
    }
    this.append(record, partitionCount, available);
  }

  /** Waits up to maxBlockMs for metadata that has `partition`, then places the record. */
  private async awaitPartition(record: PendingRecord, partition: number): Promise<void> {
    const topic = record.msg.topic;
    let info: TopicInfo | undefined;
    try {
      info = await this.cluster.topicMetadata(topic, this.o.maxBlockMs, (t) => t.partitions.length > partition);
    } catch (err) {
      // still unknown after maxBlockMs: the partitioner says why with the count it has
      info = this.cluster.topic(topic);
      if (!(err instanceof MetadataTimeoutError) || info === undefined) throw err;
    }
    this.append(record, info.partitions.length, info.availablePartitions);
  }

  private append(record: PendingRecord, partitionCount: number, available: readonly number[]): void {
    const msg = record.msg;
    const partitioner = this.o.partitioner;
    const key = msg.key === null ? null : typeof msg.key === 'string' ? Buffer.from(msg.key) : asBuffer(msg.key);
    let state: PartitionState;
    try {
      let partition = partitioner.partition(msg.topic, key, partitionCount, available, msg.requestedPartition);
      state = this.partitionState(msg.topic, partition);
      if (key === null && partitioner.usesStickyPartitions && msg.requestedPartition === undefined && this.needsNewBatch(state, record.size)) {
        // KIP-480: a keyless record that would open a new batch moves the sticky partition
        // first, so keyless records fill one batch at a time across the partitions
        partitioner.onNewBatch(msg.topic, partition, partitionCount, available);
        partition = partitioner.partition(msg.topic, key, partitionCount, available, undefined);
        state = this.partitionState(msg.topic, partition);
      }
    } catch (err) {
      this.finish(record, err as Error, true);
      return;
    }
    msg.partition = state.partition;
    let batch = state.queue[state.queue.length - 1];
    if (this.needsNewBatch(state, record.size)) {
      if (batch !== undefined) batch.sealed = true;
      batch = new ProducerBatch(msg.topic, state.partition, Date.now());
      state.queue.push(batch);
    }
    batch = batch!;
    batch.records.push(record);
    batch.bytes += record.size;
    if (batch.bytes >= this.o.batchBytes) {
      batch.sealed = true;
      this.wake();
    } else {
      this.wakeAt(batch.createdMs + this.o.lingerMs);
    }
  }

  /** Whether a record of `size` bytes cannot join the partition's open batch. */
  private needsNewBatch(state: PartitionState, size: number): boolean {
    const last = state.queue[state.queue.length - 1];
    return last === undefined || last.sealed || (last.records.length > 0 && last.bytes + size > this.o.batchBytes);
  }

  private partitionState(topic: string, partition: number): PartitionState {
    let states = this.byTopic.get(topic);
    if (states === undefined) this.byTopic.set(topic, (states = []));
    let s = states[partition];
    if (s === undefined) {
      s = new PartitionState(topic, partition);
      states[partition] = s;
      this.states.push(s);
    }
    return s;
  }

  // ---- sender ------------------------------------------------------------------------

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  private wakeAt(atMs: number): void {
    if (atMs >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = atMs;
    this.timer = setTimeout(() => {
      this.timerAt = Infinity;
      this.run();
    }, Math.max(0, atMs - Date.now()));
  }

  /** One pass: expire, collect ready batches per leader, send what the in-flight limits allow. */
  private run(): void {
    if (this.closedFlag && this.outstanding === 0) return;
    if (this.epochBumpNeeded) {
      this.maybeBumpEpoch();
      return;
    }
    const now = Date.now();
    const lingerOver = this.flushing > 0 || this.closing;
    let nextWake = Infinity;
    const perLeader = new Map<number, PartitionState[]>();
    let staleMetadata = false;
    for (const state of this.states) {
      const batch = state.queue[0];
      if (batch === undefined) continue;
      // delivery timeout for batches that never left or wait for a retry
      if (now >= batch.createdMs + this.o.deliveryTimeoutMs && !state.inflight.has(batch)) {
        state.queue.shift();
        this.failBatch(state, batch, new DeliveryTimeoutError(this.o.deliveryTimeoutMs, `${batch.records.length} record(s) for ${state.topic}-${state.partition} still queued`));
        nextWake = 0;
        continue;
      }
      const ready = batch.sealed || lingerOver || now >= batch.createdMs + this.o.lingerMs;
      if (!ready) {
        nextWake = Math.min(nextWake, batch.createdMs + this.o.lingerMs);
        continue;
      }
      if (now < batch.retryAtMs) {
        nextWake = Math.min(nextWake, batch.retryAtMs);
        continue;
      }
      if (this.o.idempotent) {
        // a retried batch goes alone; new batches only while nothing is being retried
        if (batch.baseSequence >= 0 && state.inflight.size > 0) continue;
        if (state.inflight.size >= 5) continue;
      } else if (this.o.maxInFlight === 1 && state.inflight.size > 0) {
        continue;
      }
      const leader = this.cluster.leaderFor(state.topic, state.partition);
      if (leader < 0) {
        staleMetadata = true;
        nextWake = Math.min(nextWake, now + this.o.retryBackoffMs);
        continue;
      }
      let list = perLeader.get(leader);
      if (list === undefined) perLeader.set(leader, (list = []));
      list.push(state);
    }
    if (staleMetadata) this.cluster.markStale();
    for (const [leader, states] of perLeader) {
      if ((this.brokerInflight.get(leader) ?? 0) >= this.o.maxInFlight) continue;
      this.sendTo(leader, states);
    }
    if (nextWake < Infinity) this.wakeAt(nextWake);
  }

  /** Builds and sends one Produce request to `leader` with the first batch of each partition. */
  private sendTo(leader: number, states: PartitionState[]): void {
    const batches: Array<{ state: PartitionState; batch: ProducerBatch; bytes: Buffer }> = [];
    let total = 0;
    for (const state of states) {
      const batch = state.queue[0]!;
      if (batches.length > 0 && total + batch.bytes > this.o.maxRequestBytes) break;
      state.queue.shift();
      batch.sealed = true;
      if (this.o.idempotent && batch.baseSequence < 0) {
        batch.baseSequence = state.nextSequence;
        state.nextSequence = (state.nextSequence + batch.records.length) | 0;
      }
      batch.producerEpoch = this.producerEpoch;
      batch.attempts++;
      state.inflight.add(batch);
      const bytes = this.encode(batch);
      total += bytes.length;
      batches.push({ state, batch, bytes });
    }
    if (batches.length === 0) return;
    this.brokerInflight.set(leader, (this.brokerInflight.get(leader) ?? 0) + 1);
    this.produce(leader, batches).finally(() => {
      this.brokerInflight.set(leader, (this.brokerInflight.get(leader) ?? 1) - 1);
      this.wake();
    });
  }

  private encode(batch: ProducerBatch): Buffer {
    const w = this.scratch.reset();
    encodeRecordBatch(w, {
      records: batch.records.map((r) => r.input),
      compression: this.o.compression as CompressionTypeId,
      ...(this.o.compressionLevel !== undefined ? { compressionLevel: this.o.compressionLevel } : {}),
      producerId: this.o.idempotent ? this.producerId : -1n,
      producerEpoch: this.o.idempotent ? this.producerEpoch : -1,
      baseSequence: this.o.idempotent ? batch.baseSequence : -1,
    });
    return Buffer.from(w.finish());
  }

  private async produce(
    leader: number,
    sent: Array<{ state: PartitionState; batch: ProducerBatch; bytes: Buffer }>,
  ): Promise<void> {
    let response: ProduceResponse | undefined;
    let conn: BrokerConnection;
    try {
      conn = await this.cluster.connection(leader);
      const byTopic = new Map<string, ProduceRequest['topicData'][number]>();
      let allIds = true;
      for (const { state, bytes } of sent) {
        let t = byTopic.get(state.topic);
        if (t === undefined) {
          const topicId = this.cluster.topic(state.topic)?.topicId ?? '';
          if (topicId === '' || topicId === 'AAAAAAAAAAAAAAAAAAAAAA') allIds = false;
          t = { name: state.topic, topicId: topicId || 'AAAAAAAAAAAAAAAAAAAAAA', partitionData: [] };
          byTopic.set(state.topic, t);
        }
        t.partitionData.push({ index: state.partition, records: bytes });
      }
      const request: ProduceRequest = {
        transactionalId: null,
        acks: this.o.acks,
        timeoutMs: this.o.requestTimeoutMs,
        topicData: [...byTopic.values()],
      };
      // Produce v13 addresses topics by id (KIP-516); without ids, stay at v12
      const version = allIds ? conn.versionFor(Produce) : Math.min(12, conn.versionFor(Produce));
      if (this.o.acks === 0) {
        await conn.sendNoResponse(Produce, request, { version });
        for (const { state, batch } of sent) this.completeBatch(state, batch, -1n, -1n);
        return;
      }
      response = await conn.send(Produce, request, { version, timeoutMs: this.o.requestTimeoutMs });
    } catch (err) {
      // connection lost, timed out, or no version in common: the batches may or may not have
      // been written; retrying with the same sequence numbers lets the broker drop duplicates
      const error = err as Error;
      this.cluster.markStale();
      for (const { state, batch } of sent) this.retryOrFail(state, batch, error);
      return;
    }
    const results = new Map<string, ProduceResponse['responses'][number]['partitionResponses'][number]>();
    for (const t of response.responses) {
      const name = t.name !== '' ? t.name : (this.cluster.topicNameById(t.topicId) ?? '');
      for (const p of t.partitionResponses) results.set(topicPartitionKey(name, p.index), p);
    }
    for (const { state, batch } of sent) {
      const r = results.get(topicPartitionKey(state.topic, state.partition));
      if (r === undefined) {
        this.retryOrFail(state, batch, new KafkaesqueError('ERR_PRODUCE', 'the broker did not answer for this partition', { retriable: true }));
        continue;
      }
      this.handlePartitionResult(state, batch, r.errorCode, r.baseOffset, r.logAppendTimeMs, r.errorMessage);
    }
  }

  private handlePartitionResult(
    state: PartitionState,
    batch: ProducerBatch,
    code: number,
    baseOffset: bigint,
    logAppendTime: bigint,
    brokerMessage: string | null,
  ): void {
    if (code === ErrorCode.NONE) {
      this.completeBatch(state, batch, baseOffset, logAppendTime);
      return;
    }
    if (code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      // already written by an earlier attempt; the broker no longer knows its offset
      this.completeBatch(state, batch, -1n, -1n);
      return;
    }
    const context = `produce to ${state.topic}-${state.partition}`;
    const error = KafkaProtocolError.fromCode(code, context, brokerMessage);
    if (this.o.idempotent && (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || code === ErrorCode.UNKNOWN_PRODUCER_ID)) {
      state.inflight.delete(batch);
      if (batch.producerEpoch !== this.producerEpoch) {
        // sent under an epoch that was bumped since: renumbered on the next drain
        batch.baseSequence = -1;
      } else if (this.isOldestUnacked(state, batch)) {
        // the broker lost or never had our state for this partition (KIP-360): new epoch
        this.epochBumpNeeded = true;
      }
      batch.retryAtMs = 0;
      this.requeueOrFail(state, batch, error);
      return;
    }
    if ((code === ErrorCode.MESSAGE_TOO_LARGE || code === ErrorCode.RECORD_LIST_TOO_LARGE) && batch.records.length > 1) {
      this.split(state, batch);
      return;
    }
    if (errorCodeInfo(code).invalidMetadata) this.cluster.markStale();
    this.retryOrFail(state, batch, error);
  }

  private isOldestUnacked(state: PartitionState, batch: ProducerBatch): boolean {
    for (const b of state.inflight) if (b.baseSequence >= 0 && b.baseSequence < batch.baseSequence) return false;
    for (const b of state.queue) if (b.baseSequence >= 0 && b.baseSequence < batch.baseSequence) return false;
    return true;
  }

  /** A batch over the broker's size limit goes again as two halves with the same sequence range. */
  private split(state: PartitionState, batch: ProducerBatch): void {
    state.inflight.delete(batch);
    const half = Math.ceil(batch.records.length / 2);
    const parts = [batch.records.slice(0, half), batch.records.slice(half)];
    let seq = batch.baseSequence;
    const halves = parts.map((records) => {
      const b = new ProducerBatch(batch.topic, batch.partition, batch.createdMs);
      b.records.push(...records);
      b.bytes = records.reduce((n, r) => n + r.size, 0);
      b.sealed = true;
      b.baseSequence = seq;
      if (seq >= 0) seq += records.length;
      return b;
    });
    for (const b of halves.reverse()) {
      if (b.baseSequence >= 0) state.requeue(b);
      else state.queue.unshift(b);
    }
    this.wake();
  }

  private retryOrFail(state: PartitionState, batch: ProducerBatch, error: Error): void {
    state.inflight.delete(batch);
    const retriable = error instanceof KafkaesqueError && error.retriable;
    if (!retriable) {
      this.failBatch(state, batch, error);
      return;
    }
    batch.retryAtMs = Date.now() + backoffMs(batch.attempts - 1, this.o.retryBackoffMs, this.o.retryBackoffMaxMs);
    this.requeueOrFail(state, batch, error);
  }

  private requeueOrFail(state: PartitionState, batch: ProducerBatch, error: Error): void {
    const expired = Date.now() >= batch.createdMs + this.o.deliveryTimeoutMs;
    if (batch.attempts > this.o.retries || expired || this.closedFlag) {
      const cause = expired
        ? new DeliveryTimeoutError(this.o.deliveryTimeoutMs, `last error: ${error.message}`)
        : error;
      this.failBatch(state, batch, cause);
      return;
    }
    this.o.logger.debug('retrying a batch', { topic: state.topic, partition: state.partition, attempt: batch.attempts, error: error.message });
    if (batch.baseSequence >= 0) state.requeue(batch);
    else state.queue.unshift(batch);
    this.wakeAt(batch.retryAtMs);
  }

  private completeBatch(state: PartitionState, batch: ProducerBatch, baseOffset: bigint, logAppendTime: bigint): void {
    state.inflight.delete(batch);
    const records = batch.records;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      r.msg.offset = baseOffset >= 0n ? baseOffset + BigInt(i) : -1n;
      if (logAppendTime >= 0n) r.msg.timestamp = Number(logAppendTime);
      this.finish(r, null, true);
    }
    batch.settle();
  }

  private failBatch(state: PartitionState, batch: ProducerBatch, error: Error): void {
    state.inflight.delete(batch);
    if (this.o.idempotent && batch.baseSequence >= 0) {
      // the sequence range this batch held was never written: later batches move down
      const n = batch.records.length;
      for (const b of [...state.inflight, ...state.queue]) if (b.baseSequence > batch.baseSequence) b.baseSequence -= n;
      state.nextSequence -= n;
    }
    for (const r of batch.records) this.finish(r, error, true);
    batch.settle();
  }

  /** Reports a record's outcome and frees its buffer space. */
  private finish(record: PendingRecord, error: Error | null, reserved: boolean): void {
    if (reserved) this.pool.release(record.size);
    this.outstanding--;
    try {
      record.done(error, record.msg);
    } catch (err) {
      this.o.logger.error('a delivery callback threw', { error: (err as Error).message });
    }
    if (this.outstanding === 0 && this.idleWaiters.length > 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  // ---- idempotence -------------------------------------------------------------------

  private async initProducerId(bump: boolean): Promise<void> {
    let last: Error | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const broker = this.cluster.brokerList()[attempt % Math.max(1, this.cluster.brokerList().length)];
        if (broker === undefined) throw new KafkaesqueError('ERR_NO_BROKER', 'no broker known', { retriable: true });
        const conn = await this.cluster.connection(broker.nodeId);
        const version = conn.versionFor(InitProducerId);
        const res = await conn.send(InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
          producerId: bump && version >= 3 ? this.producerId : -1n,
          producerEpoch: bump && version >= 3 ? this.producerEpoch : -1,
          enable2Pc: false,
          keepPreparedTxn: false,
        });
        if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, 'InitProducerId');
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        this.o.logger.info('producer id assigned', { producerId: String(res.producerId), epoch: res.producerEpoch });
        return;
      } catch (err) {
        last = err as Error;
        if (err instanceof KafkaesqueError && !err.retriable && !(bump && err instanceof KafkaProtocolError)) throw err;
        if (bump && err instanceof KafkaProtocolError) {
          bump = false; // the broker would not bump this id: start afresh
          continue;
        }
        await sleep(backoffMs(attempt, this.o.retryBackoffMs, this.o.retryBackoffMaxMs));
      }
    }
    throw last!;
  }

  /** Waits for the in-flight requests to finish, then bumps the epoch and renumbers. */
  private maybeBumpEpoch(): void {
    if (this.bumping) return;
    for (const n of this.brokerInflight.values()) if (n > 0) return; // run() is called again when they finish
    this.bumping = true;
    this.initProducerId(true)
      .then(
        () => {
          for (const s of this.states) {
            s.nextSequence = 0;
            for (const b of s.queue) b.baseSequence = -1;
          }
        },
        (err: Error) => {
          for (const s of this.states) {
            for (const b of s.queue.splice(0)) this.failBatch(s, b, err);
          }
        },
      )
      .finally(() => {
        this.bumping = false;
        this.epochBumpNeeded = false;
        this.wake();
      });
  }
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

