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
 * batch ask InitProducerId again with the current id and epoch (KIP-360) and renumber the
 * unacknowledged batches from 0; on a later batch they only mean an earlier one failed, and the
 * batch is retried after it. A batch that fails for good shifts the sequences of the
 * partition's later batches down (as Java does), so the partition does not stall.
 *
 * A leader refuses a batch out of sequence only for a producer it holds state for: one it has
 * none for is accepted at any sequence (Kafka 4.x ProducerAppendInfo.checkSequence), and
 * InitProducerId without a transactional id always answers with a new producer id, so every
 * partition starts without state after `create` and after each renumbering. A partition
 * therefore sends one batch at a time until its leader acknowledged one under the current id:
 * a later batch sent beside the first could be written at another leader while the first is
 * retried, and the first would then land after it.
 */
import type { CompressionTypeId } from '../../protocol/compression/index.js';
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { InitProducerId, initProducerIdRequest } from '../../protocol/messages/init-producer-id.js';
import { type ApiCodec, ZERO_UUID } from '../../protocol/api.js';
import {
  Produce,
  PRODUCE_FIRST_TOPIC_ID_VERSION,
  PRODUCE_LAST_TRANSACTIONS_V1_VERSION,
  type ProduceAnswerVisitor,
  type ProduceRequest,
  readProduceAnswers,
} from '../../protocol/messages/produce.js';
import type { Reader } from '../../protocol/reader.js';
import type { Writer } from '../../protocol/writer.js';
import { BATCH_HEADER_SIZE, type BatchHeaderInput, estimateRecordSize, RecordBatchBuilder } from '../../protocol/records.js';
import { type Cluster, type TopicInfo } from '../cluster/cluster.js';
import { MetadataTimeoutError } from '../cluster/errors.js';
import { backoffMs, isNotFinal, retry } from '../cluster/retry.js';
import { answerTopicName, type TopicIdLookup, topicIdOf, versionForTopicIds } from '../cluster/topic-ids.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import type { Logger } from '../network/logger.js';
import { type BatchTrace, batchChannel, type SendTrace, sendChannel, traceBegin, traceFinish } from '../network/tracing.js';
import { BatchBufferCache, BufferPool } from './buffer-pool.js';
import {
  BufferFullError,
  DeliveryTimeoutError,
  ProducerClosedError,
  RecordTooLargeError,
} from './errors.js';
import { copyRecord, NO_HEADERS, type OutgoingRecord, ProducerMessage, type ScratchRecord, scratchRecord } from './message.js';
import type { Partitioner } from './partitioner.js';
import { TransactionAbortedError } from './errors.js';
import { TransactionManager } from './transactions.js';

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
  /** A transactional producer (Config.transactionalId): sends only inside transactions. */
  transactional?: { transactionalId: string; transactionTimeoutMs: number };
}

/**
 * Called once per message with its outcome. `successIgnored`, when present and true at the
 * time of the outcome, says nobody looks at successes: the producer then builds no message for
 * them (it builds messages only to report them).
 */
export interface Completion {
  (err: Error | null, msg: ProducerMessage): void;
  successIgnored?: () => boolean;
}

/** 0n..4095n, so a record's offset (base + its index in the batch) allocates one BigInt, not two. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 4096 }, (_, i) => BigInt(i));

/** Key lengths whose scratch views are kept (longer keys get a view per record). */
const KEY_VIEWS = 256;

/**
 * What a waiting record costs besides its encoded bytes: its fields kept in its batch (to report
 * the outcome), its share of the batch's bookkeeping, with the garbage collector's slack. See
 * docs/DESIGN.md, "Memory".
 */
export const MESSAGE_OVERHEAD_BYTES = 512;

/**
 * The send-buffer bytes a record of encoded size `size` reserves while it waits: its bytes in
 * the batch buffer, the key/value/headers the message keeps for its outcome (about the same
 * size again), and the message's own objects.
 */
function recordCost(size: number): number {
  return 2 * size + MESSAGE_OVERHEAD_BYTES;
}

/** A record waiting for its topic's metadata, a partition, or room in the send buffer. */
interface WaitingRecord {
  rec: OutgoingRecord;
  done: Completion;
  size: number;
  /** Bytes reserved in the send buffer (0 until reserved). */
  reserved: number;
}

/** Fields per record in ProducerBatch.refs: key, value, timestamp - baseTimestamp. */
const REF_STRIDE = 3;
/** A finished batch keeps its refs array for reuse up to this many slots. */
const MAX_KEPT_REFS = 3 * 4096;
/** Finished batches kept for reuse, at most (their buffers go back to the batch-buffer cache). */
const MAX_SPARE_BATCHES = 4096;

class ProducerBatch {
  /**
   * The records' fields, REF_STRIDE per record in offset order (key, value, timestamp delta): all
   * the producer keeps of a record besides its bytes in `builder`. One array per batch rather
   * than an object per record: records wait long enough to outlive two young-generation
   * collections, and what survives them is promoted, then collected only by full collections.
   */
  private refs: unknown[] = [];
  /** Headers and metadata (2 per record), from the first record that has either. */
  private extras: unknown[] | undefined;
  private count = 0;
  /** The completion all messages share (the AsyncProducer's), while they do... */
  private done: Completion | undefined;
  /** ...else one per message. */
  private dones: Completion[] | undefined;
  /** Σ (message overhead + payload) of the records: what they hold outside the builder. */
  held = 0;
  /** Bytes this batch holds in the send buffer: ≥ held + the builder's allocation. */
  reserved = 0;
  attempts = 0;
  retryAtMs = 0;
  /** -1 until drained by an idempotent producer. */
  baseSequence = -1;
  producerEpoch = -1;
  /** Closed to new records (full, or drained once). */
  sealed = false;
  /** The request carrying the batch, while it is in flight. */
  call: ProduceCall | undefined = undefined;
  /** Its partition's answer in that request's response (see ProduceCall.partition). */
  answered = false;
  answerCode = 0;
  answerOffset = -1n;
  answerAppendTime = -1n;
  answerMessage: string | null = null;
  /** The `kafkaesque:producer:batch` payload of the attempt in flight, when that channel had subscribers. */
  trace: BatchTrace | undefined = undefined;

  constructor(
    public topic: string,
    public partition: number,
    public createdMs: number,
    readonly builder: RecordBatchBuilder,
  ) {}

  /**
   * Makes a finished batch (released builder) a new empty one: a producer at thousands of
   * partitions opens and finishes tens of thousands of batches a second, and each new batch's
   * objects would outlive young-generation collections (see `refs`).
   */
  reuse(topic: string, partition: number, createdMs: number, baseTimestamp: number, capacity: number): this {
    this.builder.reopen(baseTimestamp, capacity);
    this.topic = topic;
    this.partition = partition;
    this.createdMs = createdMs;
    this.extras = undefined;
    this.count = 0;
    this.done = undefined;
    this.dones = undefined;
    this.held = 0;
    this.reserved = 0;
    this.attempts = 0;
    this.retryAtMs = 0;
    this.baseSequence = -1;
    this.producerEpoch = -1;
    this.sealed = false;
    this.call = undefined;
    this.answered = false;
    this.trace = undefined;
    return this;
  }

  /** Drops the references to the records' fields (before the batch waits for reuse). */
  clear(): void {
    if (this.refs.length > MAX_KEPT_REFS) this.refs = [];
    else this.refs.fill(undefined, 0, this.count * REF_STRIDE);
    this.extras = undefined;
    this.done = undefined;
    this.dones = undefined;
  }

  /** Size of the batch on the wire without compression. */
  get bytes(): number {
    return this.builder.sizeInBytes;
  }

  get recordCount(): number {
    return this.count;
  }

  /** `keyBytes`: the key's UTF-8 bytes when the caller has them already (a string key). */
  add(rec: OutgoingRecord, done: Completion, keyBytes?: Buffer | null): void {
    this.builder.append(rec, keyBytes);
    const i = this.count++;
    const refs = this.refs;
    const j = i * REF_STRIDE;
    if (j < refs.length) {
      // a reused batch's slots (see clear)
      refs[j] = rec.key;
      refs[j + 1] = rec.value;
      refs[j + 2] = rec.timestamp - this.builder.baseTimestamp;
    } else {
      refs.push(rec.key, rec.value, rec.timestamp - this.builder.baseTimestamp);
    }
    if (this.extras !== undefined || rec.metadata !== undefined || rec.headers.length > 0) {
      const extras = (this.extras ??= new Array<unknown>(2 * i).fill(undefined));
      extras.push(rec.headers, rec.metadata);
    }
    if (this.dones !== undefined) this.dones.push(done);
    else if (this.done === undefined || this.done === done) this.done = done;
    else {
      this.dones = new Array<Completion>(i).fill(this.done);
      this.dones.push(done);
    }
  }

  completionAt(i: number): Completion {
    return this.dones !== undefined ? this.dones[i]! : this.done!;
  }

  /** Whether every record shares one completion that ignores successes now. */
  successesIgnored(): boolean {
    return this.dones === undefined && this.done?.successIgnored?.() === true;
  }

  /** Record `i`'s fields, written into `into` (a scratch object: valid until the next call). */
  record(i: number, into: ScratchRecord): ScratchRecord {
    const refs = this.refs;
    const j = i * REF_STRIDE;
    into.topic = this.topic;
    into.key = refs[j] as ScratchRecord['key'];
    into.value = refs[j + 1] as ScratchRecord['value'];
    into.timestamp = this.builder.baseTimestamp + (refs[j + 2] as number);
    const extras = this.extras;
    into.headers = extras === undefined ? NO_HEADERS : (extras[2 * i] as ScratchRecord['headers']);
    into.metadata = extras === undefined ? undefined : extras[2 * i + 1];
    return into;
  }
}

/**
 * A partition's batches in flight (a handful): an array that never shrinks, as a Set (or an
 * array that is spliced) reallocates its table while batches come and go, thousands of times a
 * second at thousands of partitions, and those tables outlive young-generation collections.
 */
class BatchSet {
  private readonly items: Array<ProducerBatch | undefined> = [];
  count = 0;

  add(batch: ProducerBatch): void {
    if (this.count < this.items.length) this.items[this.count] = batch;
    else this.items.push(batch);
    this.count++;
  }

  delete(batch: ProducerBatch): void {
    const items = this.items;
    let i = 0;
    while (i < this.count && items[i] !== batch) i++;
    if (i === this.count) return;
    for (; i < this.count - 1; i++) items[i] = items[i + 1];
    items[--this.count] = undefined;
  }

  includes(batch: ProducerBatch): boolean {
    for (let i = 0; i < this.count; i++) if (this.items[i] === batch) return true;
    return false;
  }

  at(i: number): ProducerBatch {
    return this.items[i]!;
  }

  toArray(): ProducerBatch[] {
    return this.items.slice(0, this.count) as ProducerBatch[];
  }
}

class PartitionState {
  /** Batches waiting to be sent: retries first, in sequence order, then new batches. */
  readonly queue: ProducerBatch[] = [];
  /** Batches sent and not yet answered. */
  readonly inflight = new BatchSet();
  nextSequence = 0;
  /**
   * Whether the leader acknowledged a batch under the current producer id and epoch: only then
   * does it hold the state that refuses a later batch out of sequence (see the header comment).
   */
  acked = false;
  /** Size of the partition's last batch when it was sent: the next one's first allocation. */
  lastBatchBytes = 0;
  /** A transactional producer's partition that joined the open transaction (see TransactionManager.admit). */
  inTransaction = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Position in the producer's list of partition states (the sender's round-robin order). */
    readonly index: number,
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

/**
 * One Produce request's codec: it encodes as {@link Produce} and reads the response straight
 * onto the request's batches (readProduceAnswers), without an object per partition: at
 * thousands of partitions a producer reads tens of thousands of partition answers a second,
 * and a large response decoded into objects could outlive a young-generation collection and be
 * promoted (V8 then also tends to allocate every later response in the old generation).
 */
class ProduceCall implements ApiCodec<ProduceRequest, number>, ProduceAnswerVisitor {
  readonly apiKey = Produce.apiKey;
  readonly name = Produce.name;
  readonly minVersion = Produce.minVersion;
  readonly maxVersion = Produce.maxVersion;
  readonly firstFlexibleVersion = Produce.firstFlexibleVersion;
  /** The partition states of the topic whose answers are being read. */
  private topicStates: PartitionState[] | undefined;

  constructor(
    private readonly byTopic: Map<string, PartitionState[]>,
    private readonly cluster: TopicIdLookup,
  ) {}

  encodeRequest(w: Writer, request: ProduceRequest, version: number): void {
    Produce.encodeRequest(w, request, version);
  }

  decodeRequest(r: Reader, version: number): ProduceRequest {
    return Produce.decodeRequest(r, version);
  }

  encodeResponse(): void {
    throw new KafkaesqueError('ERR_INTERNAL', 'a producer does not encode Produce responses');
  }

  /** Reads the answers onto the batches; returns the throttle time. */
  decodeResponse(r: Reader, version: number): number {
    return readProduceAnswers(r, version, this);
  }

  responseHeaderVersion(version: number): 0 | 1 {
    return Produce.responseHeaderVersion(version);
  }

  requestHeaderVersion(version: number): 1 | 2 {
    return Produce.requestHeaderVersion(version);
  }

  topic(name: string, topicId: string): void {
    this.topicStates = this.byTopic.get(answerTopicName(this.cluster, name, topicId));
  }

  partition(index: number, errorCode: number, baseOffset: bigint, logAppendTimeMs: bigint, errorMessage: string | null): void {
    const state = this.topicStates?.[index];
    if (state === undefined) return;
    // the partition's batch in this request (a partition may have batches in other requests too)
    for (let i = 0; i < state.inflight.count; i++) {
      const batch = state.inflight.at(i);
      if (batch.call !== this) continue;
      batch.answered = true;
      batch.answerCode = errorCode;
      batch.answerOffset = baseOffset;
      batch.answerAppendTime = logAppendTimeMs;
      batch.answerMessage = errorMessage;
      return;
    }
  }
}

export class ProducerCore {
  private readonly o: ProducerCoreOptions;
  private readonly cluster: Cluster;
  private readonly pool: BufferPool;
  private readonly batchBuffers: BatchBufferCache;
  /** Every partition's state, for the sender's passes. */
  private readonly states: PartitionState[] = [];
  /** topic -> partition index -> state: the per-record lookup, without building string keys. */
  private readonly byTopic = new Map<string, PartitionState[]>();
  /** Records waiting for their topic's metadata. */
  private readonly awaitingMetadata = new Map<string, WaitingRecord[]>();
  private readonly brokerInflight = new Map<number, number>();
  private producerId = -1n;
  private producerEpoch = -1;
  private epochBumpNeeded = false;
  private bumping = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private flushing = 0;
  /** Per leader: the index (in `states`) of the first partition the last full request left out. */
  private readonly resumeAt = new Map<number, number>();
  private closing = false;
  private closedFlag = false;
  /** String keys' bytes for the partitioner (see keyBytes), and views of it by length. */
  private readonly keyScratch = Buffer.allocUnsafeSlow(4096);
  private readonly keyViews: Array<Buffer | undefined> = [];
  /** Records accepted and not yet completed. */
  private outstanding = 0;
  /** The header fields of the batch being built (see encode). */
  private readonly header: BatchHeaderInput;
  /** Finished batches, for newBatch to reuse. */
  private readonly spareBatches: ProducerBatch[] = [];
  /** One batched record's fields at a time, for reporting and splitting (see ProducerBatch.record). */
  private readonly scratch = scratchRecord();
  private idleWaiters: Array<() => void> = [];
  /** The transactional producer's transactions (Config.transactionalId), else undefined. */
  readonly transactions: TransactionManager | undefined;

  private constructor(options: ProducerCoreOptions) {
    this.o = options;
    this.cluster = options.cluster;
    this.pool = new BufferPool(options.bufferBytes);
    this.batchBuffers = new BatchBufferCache(options.bufferBytes);
    this.header = {
      compression: options.compression,
      ...(options.compressionLevel !== undefined ? { compressionLevel: options.compressionLevel } : {}),
      isTransactional: options.transactional !== undefined,
    };
    if (options.transactional !== undefined) {
      const core = this;
      this.transactions = new TransactionManager(
        { ...options.transactional, maxBlockMs: options.maxBlockMs, retryBackoffMs: options.retryBackoffMs, retryBackoffMaxMs: options.retryBackoffMaxMs, cluster: options.cluster, logger: options.logger },
        {
          get producerId() {
            return core.producerId;
          },
          get producerEpoch() {
            return core.producerEpoch;
          },
          resetProducerId: (id, epoch) => this.resetProducerId(id, epoch),
          flush: () => this.flush(),
          failUnsent: (err) => this.failUnsent(err),
          endPartitions: () => {
            for (const s of this.states) s.inTransaction = false;
          },
          wake: () => this.wake(),
        },
      );
    }
  }

  static async create(options: ProducerCoreOptions): Promise<ProducerCore> {
    const core = new ProducerCore(options);
    // a transactional producer gets its id from its coordinator in initTransactions()
    if (options.idempotent && options.transactional === undefined) await core.initProducerId(false);
    return core;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Records sent and not yet acknowledged or failed. */
  get outstandingRecords(): number {
    return this.outstanding;
  }

  /** Bytes of the send buffer in use. */
  get bufferedBytes(): number {
    return this.pool.usedBytes;
  }

  /**
   * Accepts a message. Returns nothing when it was buffered at once, or a promise that resolves
   * once there was room in the send buffer (backpressure). The outcome arrives through `done`.
   * `rec` may be the caller's scratch record: it is read during this call only (a record that
   * has to wait is copied).
   */
  send(rec: OutgoingRecord, done: Completion): void | Promise<void> {
    if (sendChannel.hasSubscribers) ({ rec, done } = traceSend(rec, done));
    if (this.closing) {
      this.report(done, new ProducerClosedError(), ProducerMessage.settled(rec, -1, -1n));
      return;
    }
    if (this.transactions !== undefined) {
      const refused = this.transactions.sendRefusal();
      if (refused !== undefined) {
        this.report(done, refused, ProducerMessage.settled(rec, -1, -1n));
        return;
      }
    }
    // an OutgoingRecord is itself a valid RecordInput: encoded straight into its batch
    const size = estimateRecordSize(rec);
    const batchOverhead = BATCH_HEADER_SIZE + 64;
    if (size + batchOverhead > this.o.maxRequestBytes) {
      this.report(done, new RecordTooLargeError(size + batchOverhead, this.o.maxRequestBytes, 'maxRequestBytes'), ProducerMessage.settled(rec, -1, -1n));
      return;
    }
    const cost = recordCost(size);
    if (cost > this.o.bufferBytes) {
      this.report(done, new RecordTooLargeError(cost, this.o.bufferBytes, 'bufferBytes'), ProducerMessage.settled(rec, -1, -1n));
      return;
    }
    this.outstanding++;
    if (this.pool.tryReserve(cost)) {
      this.route(rec, done, size, cost);
      return;
    }
    const waiting = copyRecord(rec);
    return this.pool
      .reserve(cost, this.o.maxBlockMs, () => new BufferFullError(cost, this.o.bufferBytes, this.o.maxBlockMs))
      .then(
        () => {
          if (this.closedFlag) this.finishOne(waiting, done, new ProducerClosedError(), cost);
          else this.route(waiting, done, size, cost);
        },
        (err: Error) => this.finishOne(waiting, done, err, 0),
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
    // an open transaction is aborted, as Java's close() does
    if (this.transactions?.open === true) {
      await this.transactions.abortTransaction().catch((err: Error) => this.o.logger.warn('aborting the open transaction on close failed', { error: err.message }));
    }
    this.closing = true;
    await this.flush();
    this.closedFlag = true;
    this.pool.failAll(new ProducerClosedError());
    clearTimeout(this.timer);
  }

  // ---- routing -----------------------------------------------------------------------

  private route(rec: OutgoingRecord, done: Completion, size: number, cost: number): void {
    const topic = rec.topic;
    const info = this.cluster.topic(topic);
    if (info !== undefined) {
      this.place(rec, done, size, cost, info.partitions.length, info.availablePartitions);
      return;
    }
    const record: WaitingRecord = { rec: copyRecord(rec), done, size, reserved: cost };
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
        for (const r of list) this.place(r.rec, r.done, r.size, r.reserved, t.partitions.length, t.availablePartitions);
      },
      (err: Error) => {
        const list = this.awaitingMetadata.get(topic) ?? [];
        this.awaitingMetadata.delete(topic);
        for (const r of list) this.finishOne(r.rec, r.done, err, r.reserved);
      },
    );
  }

  private place(
    rec: OutgoingRecord,
    done: Completion,
    size: number,
    cost: number,
    partitionCount: number,
    available: readonly number[],
  ): void {
    const wanted = rec.partition;
    if (typeof wanted === 'number' && Number.isInteger(wanted) && wanted >= partitionCount) {
      // a partition our metadata does not know (added since the last refresh?): wait for it up
      // to maxBlockMs, as Java's KafkaProducer.waitOnMetadata does, before refusing the record
      const waiting = copyRecord(rec);
      this.awaitPartition(waiting, done, size, cost, wanted).catch((err: Error) => this.finishOne(waiting, done, err, cost));
      return;
    }
    this.append(rec, done, size, cost, partitionCount, available);
  }

  /** Waits up to maxBlockMs for metadata that has `partition`, then places the record. */
  private async awaitPartition(rec: OutgoingRecord, done: Completion, size: number, cost: number, partition: number): Promise<void> {
    const topic = rec.topic;
    let info: TopicInfo | undefined;
    try {
      info = await this.cluster.topicMetadata(topic, this.o.maxBlockMs, (t) => t.partitions.length > partition);
    } catch (err) {
      // still unknown after maxBlockMs: the partitioner says why with the count it has
      info = this.cluster.topic(topic);
      if (!(err instanceof MetadataTimeoutError) || info === undefined) throw err;
    }
    this.append(rec, done, size, cost, info.partitions.length, info.availablePartitions);
  }

  private append(
    rec: OutgoingRecord,
    done: Completion,
    size: number,
    cost: number,
    partitionCount: number,
    available: readonly number[],
  ): void {
    const partitioner = this.o.partitioner;
    const keyUse = partitioner.keyUse;
    const k = rec.key;
    // the key's bytes only for a partitioner that reads them; a string key hashed by a built-in
    // partitioner is written into a scratch buffer instead of a new Buffer per record
    const key = k === null || keyUse === 0 ? null : typeof k !== 'string' ? asBuffer(k) : keyUse === 1 ? this.keyBytes(k) : Buffer.from(k);
    let state: PartitionState;
    try {
      let partition = partitioner.partition(rec.topic, key, partitionCount, available, rec.partition);
      state = this.partitionState(rec.topic, partition);
      if (key === null && partitioner.usesStickyPartitions && rec.partition === undefined && this.needsNewBatch(state, size)) {
        // KIP-480: a keyless record that would open a new batch moves the sticky partition
        // first, so keyless records fill one batch at a time across the partitions
        partitioner.onNewBatch(rec.topic, partition, partitionCount, available);
        partition = partitioner.partition(rec.topic, key, partitionCount, available, undefined);
        state = this.partitionState(rec.topic, partition);
      }
    } catch (err) {
      this.finishOne(rec, done, err as Error, cost);
      return;
    }
    let batch = state.queue[state.queue.length - 1];
    if (this.needsNewBatch(state, size)) {
      if (batch !== undefined) batch.sealed = true;
      batch = this.newBatch(state, rec.timestamp, size);
      state.queue.push(batch);
    }
    batch = batch!;
    try {
      // a string key hashed from the scratch buffer is copied from there, not encoded again
      batch.add(rec, done, keyUse === 1 && typeof k === 'string' ? key : undefined);
    } catch (err) {
      // not encodable (e.g. a timestamp delta out of range): this record fails, the batch goes on
      if (batch.recordCount === 0) state.queue.pop();
      this.finishOne(rec, done, err as Error, cost, state.partition);
      return;
    }
    batch.reserved += cost;
    batch.held += size + MESSAGE_OVERHEAD_BYTES;
    this.account(batch);
    if (batch.bytes >= this.o.batchBytes) {
      batch.sealed = true;
      this.wake();
    } else {
      this.wakeAt(batch.createdMs + this.o.lingerMs);
    }
  }

  /** The UTF-8 bytes of `key` in a reused scratch buffer: valid until the next call. */
  private keyBytes(key: string): Buffer {
    const scratch = this.keyScratch;
    if (key.length * 3 > scratch.length) return Buffer.from(key);
    const n = scratch.write(key, 0, 'utf8');
    if (n >= KEY_VIEWS) return scratch.subarray(0, n);
    return (this.keyViews[n] ??= scratch.subarray(0, n));
  }

  private newBatch(state: PartitionState, baseTimestamp: number, firstRecordSize: number): ProducerBatch {
    // the size the partition's last batch reached (its traffic changes slowly): no growing and
    // copying while records arrive; small for a partition's first batch, as at thousands of
    // partitions most batches hold a few records
    const expected = Math.max(state.lastBatchBytes, 2 * (firstRecordSize + BATCH_HEADER_SIZE));
    const capacity = Math.min(this.o.batchBytes, Math.max(512, expected));
    return this.emptyBatch(state.topic, state.partition, Date.now(), baseTimestamp, capacity);
  }

  /** An empty batch: a finished one reused, else a new one. */
  private emptyBatch(topic: string, partition: number, createdMs: number, baseTimestamp: number, capacity: number): ProducerBatch {
    const spare = this.spareBatches.pop();
    if (spare !== undefined) return spare.reuse(topic, partition, createdMs, baseTimestamp, capacity);
    return new ProducerBatch(topic, partition, createdMs, new RecordBatchBuilder(baseTimestamp, capacity, this.batchBuffers));
  }

  /**
   * Keeps the send buffer's count true to what the batch holds: a builder that grew past what its
   * records reserved takes the difference (over the limit if it must: the next sends wait), one
   * that shrank (compressed) gives it back.
   */
  private account(batch: ProducerBatch): void {
    const real = batch.held + batch.builder.allocatedBytes;
    if (real > batch.reserved) {
      this.pool.forceReserve(real - batch.reserved);
      batch.reserved = real;
    } else if (batch.sealed && real < batch.reserved) {
      this.pool.release(batch.reserved - real);
      batch.reserved = real;
    }
  }

  /** Whether a record of `size` bytes cannot join the partition's open batch. */
  private needsNewBatch(state: PartitionState, size: number): boolean {
    const last = state.queue[state.queue.length - 1];
    return last === undefined || last.sealed || (last.recordCount > 0 && last.bytes + size > this.o.batchBytes);
  }

  private partitionState(topic: string, partition: number): PartitionState {
    let states = this.byTopic.get(topic);
    if (states === undefined) this.byTopic.set(topic, (states = []));
    let s = states[partition];
    if (s === undefined) {
      s = new PartitionState(topic, partition, this.states.length);
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
    const txn = this.transactions;
    // a transaction that cannot commit sends nothing more: its waiting records fail (Java's abortUndrainedBatches)
    if (txn?.failure !== undefined) this.failUnsent(txn.failure);
    for (const state of this.states) {
      const batch = state.queue[0];
      if (batch === undefined) continue;
      // delivery timeout for batches that never left or wait for a retry
      if (now >= batch.createdMs + this.o.deliveryTimeoutMs && !state.inflight.includes(batch)) {
        state.queue.shift();
        this.failBatch(state, batch, new DeliveryTimeoutError(this.o.deliveryTimeoutMs, `${batch.recordCount} record(s) for ${state.topic}-${state.partition} still queued`));
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
      // V1: a partition is sent to once AddPartitionsToTxn took it (the manager wakes the sender)
      if (txn !== undefined && !state.inTransaction && !txn.admit(state)) continue;
      if (this.o.idempotent) {
        // a retried batch goes alone; new batches only while nothing is being retried
        if (batch.baseSequence >= 0 && state.inflight.count > 0) continue;
        // the first batch under a producer id goes alone (see the header comment)
        if (!state.acked && state.inflight.count > 0) continue;
        if (state.inflight.count >= 5) continue;
      } else if (this.o.maxInFlight === 1 && state.inflight.count > 0) {
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

  /**
   * Builds and sends one Produce request to `leader` with the first batch of each partition.
   * When `maxRequestBytes` cannot take them all, the request starts where the last one to this
   * leader stopped (Java's drainIndex), so every partition gets its turn: `states` are in
   * partition-state order, and the first one left out is where the next request begins.
   */
  private sendTo(leader: number, ready: PartitionState[]): void {
    // two parallel arrays (not an object per batch): they live until the response
    const states: PartitionState[] = [];
    const batches: ProducerBatch[] = [];
    const views: Buffer[] = [];
    const call = new ProduceCall(this.byTopic, this.cluster);
    let total = 0;
    const resume = this.resumeAt.get(leader) ?? 0;
    const tracing = batchChannel.hasSubscribers;
    let start = 0;
    while (start < ready.length && ready[start]!.index < resume) start++;
    if (start === ready.length) start = 0;
    for (let n = 0; n < ready.length; n++) {
      const state = ready[start + n < ready.length ? start + n : start + n - ready.length]!;
      const batch = state.queue[0]!;
      if (batches.length > 0 && total + batch.bytes > this.o.maxRequestBytes) {
        this.resumeAt.set(leader, state.index);
        break;
      }
      state.queue.shift();
      batch.sealed = true;
      if (this.o.idempotent && batch.baseSequence < 0) {
        batch.baseSequence = state.nextSequence;
        state.nextSequence = (state.nextSequence + batch.recordCount) | 0;
      }
      batch.producerEpoch = this.producerEpoch;
      batch.attempts++;
      state.lastBatchBytes = batch.bytes;
      state.inflight.add(batch);
      batch.call = call;
      const bytes = this.encode(batch);
      total += bytes.length;
      if (tracing) this.traceBatch(batch, leader, bytes.length);
      states.push(state);
      batches.push(batch);
      views.push(bytes);
    }
    if (batches.length === 0) return;
    this.brokerInflight.set(leader, (this.brokerInflight.get(leader) ?? 0) + 1);
    this.produce(leader, call, states, batches, this.produceRequest(states, views)).finally(() => {
      this.brokerInflight.set(leader, (this.brokerInflight.get(leader) ?? 1) - 1);
      this.wake();
    });
    // more batches waiting behind the ones just sent: another pass sends them while this request
    // is out, up to maxInFlight (Java's sender loops again at once), instead of one per answer
    if (ready.some((s) => s.queue.length > 0)) this.wake();
  }

  /** Publishes the start of a batch's attempt on `kafkaesque:producer:batch` (only called when it has subscribers). */
  private traceBatch(batch: ProducerBatch, leader: number, bytes: number): void {
    const trace: BatchTrace = {
      topic: batch.topic,
      partition: batch.partition,
      recordCount: batch.recordCount,
      bytes,
      attempt: batch.attempts,
      nodeId: leader,
      baseOffset: -1n,
      retrying: false,
    };
    batch.trace = trace;
    traceBegin(batchChannel, trace);
  }

  /** Publishes the outcome of the batch's attempt, if it is traced. */
  private endBatchTrace(batch: ProducerBatch, error?: Error, baseOffset = -1n, retrying = false): void {
    const trace = batch.trace;
    if (trace === undefined) return;
    batch.trace = undefined;
    trace.baseOffset = baseOffset;
    trace.retrying = retrying;
    traceFinish(batchChannel, trace, error);
  }

  /** The batch's bytes for this attempt: a view of its builder, copied into the request. */
  private encode(batch: ProducerBatch): Buffer {
    // one header object for every build: compression is set once (constructor), the rest here
    const h = this.header;
    h.producerId = this.o.idempotent ? this.producerId : -1n;
    h.producerEpoch = this.o.idempotent ? this.producerEpoch : -1;
    h.baseSequence = this.o.idempotent ? batch.baseSequence : -1;
    const bytes = batch.builder.build(h);
    this.account(batch); // a compressed batch gives back its uncompressed buffer
    return bytes;
  }

  /** The Produce request carrying `views` (the batches' bytes) for `states`, its size and whether every topic has an id. */
  private produceRequest(states: PartitionState[], views: Buffer[]): { request: ProduceRequest; sizeHint: number; allIds: boolean } {
    const byTopic = new Map<string, ProduceRequest['topicData'][number]>();
    let allIds = true;
    // the request's size: batches, partition entries, topic entries (ids or names), header
    let sizeHint = 256;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const bytes = views[i]!;
      sizeHint += bytes.length + 16;
      let t = byTopic.get(state.topic);
      if (t === undefined) {
        const topicId = topicIdOf(this.cluster, state.topic);
        if (topicId === ZERO_UUID) allIds = false;
        t = { name: state.topic, topicId, partitionData: [] };
        byTopic.set(state.topic, t);
        sizeHint += 3 * state.topic.length + 24;
      }
      t.partitionData.push({ index: state.partition, records: bytes });
    }
    const request: ProduceRequest = {
      transactionalId: this.transactions?.transactionalId ?? null,
      acks: this.o.acks,
      timeoutMs: this.o.requestTimeoutMs,
      topicData: [...byTopic.values()],
    };
    return { request, sizeHint, allIds };
  }

  private async produce(
    leader: number,
    call: ProduceCall,
    sent: PartitionState[],
    batches: ProducerBatch[],
    built: { request: ProduceRequest; sizeHint: number; allIds: boolean } | undefined,
  ): Promise<void> {
    let conn: BrokerConnection;
    try {
      conn = await this.cluster.connection(leader);
      const { request, sizeHint, allIds } = built!;
      // the request (and the views of the batches in it) is encoded by send(): not kept while
      // the answer is awaited, as a request that lived through two young-generation
      // collections would be promoted
      built = undefined;
      let version = versionForTopicIds(conn, Produce, PRODUCE_FIRST_TOPIC_ID_VERSION, allIds);
      // transactions V1 stay below v12, the version that adds partitions to a V2 transaction (KIP-890)
      if (this.transactions !== undefined && !this.transactions.transactionV2) version = Math.min(version, PRODUCE_LAST_TRANSACTIONS_V1_VERSION);
      const m = this.cluster.metrics;
      let records = 0;
      for (let i = 0; i < batches.length; i++) records += batches[i]!.recordCount;
      m.produceRequests++;
      m.recordsPerRequest.record(records);
      if (this.o.acks === 0) {
        await conn.sendNoResponse(Produce, request, { version, sizeHint });
        for (let i = 0; i < sent.length; i++) this.completeBatch(sent[i]!, batches[i]!, -1n, -1n);
        return;
      }
      await conn.send(call, request, { version, timeoutMs: this.o.requestTimeoutMs, sizeHint });
    } catch (err) {
      // connection lost, timed out, or no version in common: the batches may or may not have
      // been written; retrying with the same sequence numbers lets the broker drop duplicates
      const error = err as Error;
      this.cluster.markStale();
      for (let i = 0; i < sent.length; i++) this.retryOrFail(sent[i]!, batches[i]!, error);
      return;
    }
    // every batch of the request has its partition's answer on it (see ProduceCall)
    for (let i = 0; i < sent.length; i++) {
      const state = sent[i]!;
      const batch = batches[i]!;
      batch.call = undefined;
      if (!batch.answered) {
        this.retryOrFail(state, batch, new KafkaesqueError('ERR_PRODUCE', 'the broker did not answer for this partition', { retriable: true }));
        continue;
      }
      batch.answered = false;
      const message = batch.answerMessage;
      const offset = batch.answerOffset;
      const appendTime = batch.answerAppendTime;
      batch.answerMessage = null;
      batch.answerOffset = -1n;
      batch.answerAppendTime = -1n;
      this.handlePartitionResult(state, batch, batch.answerCode, offset, appendTime, message);
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
    this.cluster.metrics.error(error.code);
    // (a transactional producer does not renumber: the transaction is aborted, see TransactionManager)
    if (this.o.idempotent && this.transactions === undefined && (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || code === ErrorCode.UNKNOWN_PRODUCER_ID)) {
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
    if ((code === ErrorCode.MESSAGE_TOO_LARGE || code === ErrorCode.RECORD_LIST_TOO_LARGE) && batch.recordCount > 1) {
      this.endBatchTrace(batch, error, -1n, true);
      this.split(state, batch);
      return;
    }
    if (errorCodeInfo(code).invalidMetadata) this.cluster.markStale();
    this.retryOrFail(state, batch, error);
  }

  private isOldestUnacked(state: PartitionState, batch: ProducerBatch): boolean {
    for (let i = 0; i < state.inflight.count; i++) {
      const b = state.inflight.at(i);
      if (b.baseSequence >= 0 && b.baseSequence < batch.baseSequence) return false;
    }
    for (const b of state.queue) if (b.baseSequence >= 0 && b.baseSequence < batch.baseSequence) return false;
    return true;
  }

  /** A batch over the broker's size limit goes again as two halves with the same sequence range. */
  private split(state: PartitionState, batch: ProducerBatch): void {
    state.inflight.delete(batch);
    const half = Math.ceil(batch.recordCount / 2);
    let seq = batch.baseSequence;
    const halves = [0, half].map((from) => {
      const to = from === 0 ? half : batch.recordCount;
      const first = batch.record(from, this.scratch).timestamp;
      const b = this.emptyBatch(batch.topic, batch.partition, batch.createdMs, first, 512);
      for (let i = from; i < to; i++) b.add(batch.record(i, this.scratch), batch.completionAt(i));
      b.sealed = true;
      b.attempts = batch.attempts;
      b.baseSequence = seq;
      if (seq >= 0) seq += to - from;
      // the halves take over the records' share of the send buffer
      b.held = Math.round((batch.held * (to - from)) / batch.recordCount);
      this.account(b);
      return b;
    });
    this.pool.release(batch.reserved);
    batch.reserved = 0;
    batch.builder.release();
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
    this.cluster.metrics.retries++;
    this.endBatchTrace(batch, error, -1n, true);
    this.o.logger.debug('retrying a batch', { topic: state.topic, partition: state.partition, attempt: batch.attempts, error: error.message });
    if (batch.baseSequence >= 0) state.requeue(batch);
    else state.queue.unshift(batch);
    this.wakeAt(batch.retryAtMs);
  }

  private completeBatch(state: PartitionState, batch: ProducerBatch, baseOffset: bigint, logAppendTime: bigint): void {
    state.inflight.delete(batch);
    if (batch.trace !== undefined) this.endBatchTrace(batch, undefined, baseOffset);
    const m = this.cluster.metrics;
    m.recordsSent += batch.recordCount;
    m.batchesSent++;
    m.batchBytesSent += batch.bytes;
    m.recordsPerBatch.record(batch.recordCount);
    // no batch is in flight while the producer id changes (maybeBumpEpoch): this one had the current id
    state.acked = true;
    this.finishBatch(batch, null, baseOffset, logAppendTime >= 0n ? Number(logAppendTime) : -1);
  }

  private failBatch(state: PartitionState, batch: ProducerBatch, error: Error): void {
    state.inflight.delete(batch);
    if (batch.trace !== undefined) this.endBatchTrace(batch, error);
    this.cluster.metrics.recordErrors += batch.recordCount;
    // the brokers' and the connections' errors were counted where they came; a timeout here
    if (error instanceof DeliveryTimeoutError) this.cluster.metrics.error(error.code);
    if (this.transactions !== undefined && !(error instanceof TransactionAbortedError)) this.transactions.batchFailed(error);
    if (this.o.idempotent && batch.baseSequence >= 0) {
      // the sequence range this batch held was never written: later batches move down
      const n = batch.recordCount;
      for (const b of [...state.inflight.toArray(), ...state.queue]) if (b.baseSequence > batch.baseSequence) b.baseSequence -= n;
      state.nextSequence -= n;
    }
    this.finishBatch(batch, error);
  }

  /**
   * Reports every record's outcome (on success with its offset, `baseOffset` + its index, and
   * the broker's log-append time when it gave one), frees the batch's buffer space and wakes
   * flush() when idle.
   */
  private finishBatch(batch: ProducerBatch, error: Error | null, baseOffset = -1n, appendTime = -1): void {
    this.pool.release(batch.reserved);
    batch.reserved = 0;
    const n = batch.recordCount;
    this.outstanding -= n;
    if (error !== null || !batch.successesIgnored()) {
      const known = error === null && baseOffset >= 0n;
      const scratch = this.scratch;
      for (let i = 0; i < n; i++) {
        const rec = batch.record(i, scratch);
        if (appendTime >= 0 && error === null) rec.timestamp = appendTime;
        const offset = known ? (i === 0 ? baseOffset : baseOffset + (i < SMALL_BIGINTS.length ? SMALL_BIGINTS[i]! : BigInt(i))) : -1n;
        this.report(batch.completionAt(i), error, ProducerMessage.settled(rec, batch.partition, offset));
      }
    }
    // the request that carried the batch was encoded long ago: its buffer can serve another batch
    batch.builder.release();
    batch.clear();
    if (this.spareBatches.length < MAX_SPARE_BATCHES) this.spareBatches.push(batch);
    this.notifyIdle();
  }

  /** Reports the outcome of a record that never joined a batch; releases what it reserved. */
  private finishOne(rec: OutgoingRecord, done: Completion, error: Error, reserved: number, partition = -1): void {
    if (reserved > 0) this.pool.release(reserved);
    this.outstanding--;
    this.report(done, error, ProducerMessage.settled(rec, partition, -1n));
    this.notifyIdle();
  }

  /** Hands one outcome to its completion; a completion that throws is logged, never rethrown. */
  private report(done: Completion, error: Error | null, msg: ProducerMessage): void {
    try {
      done(error, msg);
    } catch (err) {
      this.o.logger.error('a delivery callback threw', { error: (err as Error).message });
    }
  }

  private notifyIdle(): void {
    if (this.outstanding === 0 && this.idleWaiters.length > 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Fails every batch not sent yet (a transaction aborted or failed); those in flight keep their answers. */
  private failUnsent(err: Error): void {
    for (const s of this.states) {
      for (let i = s.queue.length - 1; i >= 0; i--) {
        const b = s.queue[i]!;
        if (s.inflight.includes(b)) continue;
        s.queue.splice(i, 1);
        this.failBatch(s, b, err);
      }
    }
  }

  /** A new producer id or epoch (transactions): every partition's sequences start again at 0. */
  private resetProducerId(producerId: bigint, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    for (const s of this.states) {
      s.nextSequence = 0;
      s.acked = false;
      for (const b of s.queue) b.baseSequence = -1;
    }
  }

  // ---- idempotence -------------------------------------------------------------------

  /**
   * InitProducerId, asking the known brokers in turn, up to 20 attempts with backoff. Bumping
   * (KIP-360) sends the current id and epoch; a broker that refuses to bump them is asked at
   * once for a fresh id instead.
   */
  private async initProducerId(bump: boolean): Promise<void> {
    await retry(
      async (attempt) => {
        const brokers = this.cluster.brokerList();
        const broker = brokers[attempt % Math.max(1, brokers.length)];
        if (broker === undefined) throw new KafkaesqueError('ERR_NO_BROKER', 'no broker known', { retriable: true });
        const conn = await this.cluster.connection(broker.nodeId);
        if (bump) {
          try {
            return await this.initProducerIdFrom(conn, true);
          } catch (err) {
            if (!(err instanceof KafkaProtocolError)) throw err;
            this.o.logger.debug('the broker would not bump the producer epoch: asking for a new producer id', { error: err.message });
            bump = false;
          }
        }
        await this.initProducerIdFrom(conn, false);
      },
      {
        baseMs: this.o.retryBackoffMs,
        maxMs: this.o.retryBackoffMaxMs,
        maxAttempts: 20,
        retriable: isNotFinal,
        onRetry: (err, attempt, waitMs) => this.o.logger.debug('retrying InitProducerId', { attempt, waitMs, error: (err as Error).message }),
      },
    );
  }

  private async initProducerIdFrom(conn: BrokerConnection, bump: boolean): Promise<void> {
    const version = conn.versionFor(InitProducerId);
    const current = bump ? { producerId: this.producerId, producerEpoch: this.producerEpoch } : null;
    const res = await conn.send(InitProducerId, initProducerIdRequest(version, 60_000, current), { version });
    if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, 'InitProducerId');
    this.producerId = res.producerId;
    this.producerEpoch = res.producerEpoch;
    this.o.logger.info('producer id assigned', { producerId: String(res.producerId), epoch: res.producerEpoch });
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
            s.acked = false;
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

/**
 * A send traced on `kafkaesque:producer:send` (only called when it has subscribers): the record
 * goes with a copy of its headers that `start`'s subscribers may add to (trace context), and its
 * completion publishes the outcome around the caller's.
 */
function traceSend(rec: OutgoingRecord, done: Completion): { rec: OutgoingRecord; done: Completion } {
  const trace: SendTrace = {
    topic: rec.topic,
    key: rec.key,
    headers: rec.headers.slice(),
    partition: rec.partition ?? -1,
    offset: -1n,
  };
  traceBegin(sendChannel, trace);
  const traced: Completion = (err, msg) => {
    trace.partition = msg.partition;
    trace.offset = msg.offset;
    if (err !== null) {
      trace.error = err;
      sendChannel.error.publish(trace);
    }
    sendChannel.asyncStart.publish(trace);
    try {
      done(err, msg);
    } finally {
      sendChannel.asyncEnd.publish(trace);
    }
  };
  return { rec: { ...rec, headers: trace.headers }, done: traced };
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

