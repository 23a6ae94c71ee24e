/**
 * The consumer, carried over from the Go layer: with a `group` (and `topics`) in its Config it
 * joins that consumer group, gets a share of the topics' partitions, reports rebalances as
 * `'assigned'` / `'revoked'` events, and delivers messages through `messages()`. `markOffset`
 * marks a message processed (offset + 1); `commitOffsets` commits what is marked (auto-commit
 * does so every `autoCommitIntervalMs`, before partitions are revoked and on close): a message
 * may be seen twice after a crash, never lost.
 *
 * Without a group, `consumePartition` is sarama's `Consumer.ConsumePartition`: one
 * topic-partition from the oldest, the newest or a given offset. Everything shares one cluster
 * connection pool and one fetcher (one Fetch in flight per broker, incremental fetch sessions,
 * bounded prefetch).
 */
import { EventEmitter } from 'node:events';
import type { KafkaRecord, RecordHeader } from '../../protocol/records.js';
import { Cluster } from '../cluster/cluster.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { assignorByName, type TopicPartition } from '../consumer/assignors/index.js';
import { ClassicGroupMember } from '../consumer/group-classic.js';
import { ConsumerProtocolMember } from '../consumer/group-consumer.js';
import { COMMIT_TIMEOUT_MS, type ConsumerGroupMetadata, type GroupMemberBase } from '../consumer/group-base.js';
import { type FetchedRecords, Fetcher, OFFSET_NEWEST, OFFSET_OLDEST } from '../consumer/fetcher.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import { clusterOptions } from './options.js';
import { type ConsumerMetricsSnapshot, offsetNumber, partitionLag, type PartitionMetrics } from '../network/metrics.js';
import { type Config, OffsetNewest, OffsetOldest } from './config.js';
import { ConsumerClosedError, invalidStartOffset } from './errors.js';

/** A record as the application receives it. */
export interface ConsumerMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Milliseconds since the epoch. */
  timestamp: number;
}

function consumerMessage(topic: string, partition: number, r: KafkaRecord): ConsumerMessage {
  return { topic, partition, offset: r.offset, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp };
}

/**
 * One partition's messages from one fetch, in offset order, as `Consumer.batches()` hands them
 * out (Java's `ConsumerRecords.records(partition)` of a poll).
 */
export class ConsumerBatch {
  /** @internal */
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The partition's high watermark as that fetch saw it. */
    readonly highWatermark: bigint,
    readonly messages: ConsumerMessage[],
    private readonly fetched: { stale: boolean },
  ) {}

  /**
   * True once the partition was sought (`seek`) after this batch was fetched: its messages
   * after the new position must not be processed (the next batch starts there).
   */
  get stale(): boolean {
    return this.fetched.stale;
  }
}

/** Where a partition consumer starts: OffsetOldest, OffsetNewest, or an offset. */
export type StartOffset = bigint | number | 'oldest' | 'newest';

function startOffset(offset: StartOffset): bigint {
  if (offset === 'oldest' || offset === OffsetOldest) return OFFSET_OLDEST;
  if (offset === 'newest' || offset === OffsetNewest) return OFFSET_NEWEST;
  const n = typeof offset === 'bigint' ? offset : Number.isSafeInteger(offset) ? BigInt(offset) : -3n;
  if (n < 0n) throw invalidStartOffset(offset);
  return n;
}

/** Topic -> partitions. */
export type PartitionMap = Record<string, number[]>;

/** A rebalance, as the Go layer reports it: started, then ok (or error) with what changed. */
export interface Notification {
  type: 'start' | 'ok' | 'error';
  /** Partitions this consumer gained in the rebalance. */
  claimed: PartitionMap;
  /** Partitions it gave up. */
  released: PartitionMap;
  /** Everything it owns now. */
  current: PartitionMap;
  error?: Error;
}

function toMap(tps: readonly TopicPartition[]): PartitionMap {
  const out: PartitionMap = {};
  for (const tp of tps) (out[tp.topic] ??= []).push(tp.partition);
  for (const t of Object.keys(out)) out[t]!.sort((a, b) => a - b);
  return out;
}

export interface ConsumerEvents {
  /** Each message, when something listens for it (use `for await` for backpressure instead). */
  message: [message: ConsumerMessage];
  /** Rebalances: 'start', then 'ok' or 'error' with claimed, released and current partitions. */
  notification: [notification: Notification];
  /** Partitions this consumer now owns in its group. */
  assigned: [partitions: TopicPartition[]];
  /** Partitions this consumer gave up (their marked offsets were committed first). */
  revoked: [partitions: TopicPartition[]];
  /** A group error the consumer cannot recover from by itself. */
  error: [err: Error];
  /** The group coordinator accepted a heartbeat of this member. */
  heartbeat: [member: ConsumerGroupMetadata];
}

export class Consumer extends EventEmitter<ConsumerEvents> implements AsyncIterable<ConsumerMessage> {
  private readonly partitionConsumers = new Map<string, PartitionConsumer>();
  /** Per partition, the offset of the last record handed out (-1n before any). */
  private readonly handed = new Map<string, { last: bigint }>();
  /** @internal Records handed to the application. */
  received = 0;
  private readonly prefetchLimitBytes: number;
  private closing: Promise<void> | undefined;
  private group: GroupMemberBase | undefined;
  private pumping = false;
  private iterating = false;
  /** Resolves once the consumer is closed. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  private constructor(
    private readonly cluster: Cluster,
    /** @internal */ readonly fetcher: Fetcher,
    prefetchLimitBytes: number,
  ) {
    super();
    this.prefetchLimitBytes = prefetchLimitBytes;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    // 'message' listeners get every message from a pump started with the first listener
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'message' && this.group !== undefined && !this.pumping) setImmediate(() => this.pump());
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.iterating) return;
    this.pumping = true;
    try {
      for await (const m of this.iterate()) this.emit('message', m);
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err as Error);
      else this.cluster.logger.error((err as Error).message);
    } finally {
      this.pumping = false;
    }
  }

  static async create(config: Config): Promise<Consumer> {
    const cluster = await Cluster.connect(clusterOptions(config));
    const fetcher = new Fetcher(cluster, {
      isolationLevel: config.isolationLevel === 'read_committed' ? 1 : 0,
      fetchMinBytes: config.fetchMinBytes,
      fetchMaxBytes: config.fetchMaxBytes,
      fetchMaxWaitMs: config.fetchMaxWaitMs,
      maxPartitionFetchBytes: config.maxPartitionFetchBytes,
      maxDecompressedBytes: config.maxDecompressedBytes,
      prefetchBytes: config.prefetchBytes,
      retryBackoffMs: config.retryBackoffMs,
      retryBackoffMaxMs: config.retryBackoffMaxMs,
      resetPolicy: config.initialOffset === 'oldest' ? OFFSET_OLDEST : OFFSET_NEWEST,
    });
    const consumer = new Consumer(cluster, fetcher, config.prefetchBytes);
    if (config.group !== undefined) {
      if (config.topics.length === 0) {
        await cluster.close();
        throw new KafkaesqueError('ERR_NO_TOPICS', `Config.topics: a group consumer needs topics to subscribe to (group '${config.group}')`);
      }
      const options = {
        groupId: config.group,
        groupInstanceId: config.groupInstanceId ?? null,
        topics: config.topics,
        assignors: config.groupProtocol === 'consumer' ? [] : config.assignors.map((a) => (typeof a === 'string' ? assignorByName(a) : a)),
        sessionTimeoutMs: config.sessionTimeoutMs,
        rebalanceTimeoutMs: config.rebalanceTimeoutMs,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        maxPollIntervalMs: config.maxPollIntervalMs,
        autoCommit: config.autoCommit,
        autoCommitIntervalMs: config.autoCommitIntervalMs,
        retryBackoffMs: config.retryBackoffMs,
        retryBackoffMaxMs: config.retryBackoffMaxMs,
        resetPolicy: config.initialOffset === 'oldest' ? OFFSET_OLDEST : OFFSET_NEWEST,
      };
      // KIP-848 ('consumer'): the broker assigns; 'classic': JoinGroup/SyncGroup with our assignors
      const member =
        config.groupProtocol === 'consumer'
          ? new ConsumerProtocolMember(cluster, fetcher, options).configure({ serverAssignor: config.serverAssignor ?? null })
          : new ClassicGroupMember(cluster, fetcher, options);
      consumer.group = member;
      member.on('rebalancing', () =>
        consumer.emit('notification', { type: 'start', claimed: {}, released: {}, current: toMap(member.assignment()) }),
      );
      member.on('rebalanced', (r) =>
        consumer.emit('notification', {
          type: r.error ? 'error' : 'ok',
          claimed: toMap(r.claimed),
          released: toMap(r.released),
          current: toMap(member.assignment()),
          ...(r.error ? { error: r.error } : {}),
        }),
      );
      member.on('assigned', (p) => consumer.emit('assigned', p));
      member.on('heartbeat', () => {
        if (consumer.listenerCount('heartbeat') > 0) consumer.emit('heartbeat', member.groupMetadata());
      });
      member.on('revoked', (p) => {
        for (const tp of p) consumer.handed.delete(topicPartitionKey(tp.topic, tp.partition));
        consumer.emit('revoked', p);
      });
      member.on('error', (e) => {
        if (consumer.listenerCount('error') > 0) consumer.emit('error', e);
        else cluster.logger.error(e.message, { code: (e as KafkaesqueError).code });
      });
      try {
        await member.start();
      } catch (err) {
        await consumer.close();
        throw err;
      }
    }
    return consumer;
  }

  /**
   * What this consumer has done: requests per API (count, bytes, latency histogram), records and
   * bytes fetched, errors by code, the prefetch buffer next to its bound, and per partition the
   * position, high watermark, lag and committed offset (docs/observability.md).
   */
  metrics(): ConsumerMetricsSnapshot {
    const m = this.cluster.metrics;
    const partitions: PartitionMetrics[] = [];
    let totalLag = 0;
    const list = this.fetcher.assigned().sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    for (const { topic, partition } of list) {
      const k = topicPartitionKey(topic, partition);
      const fetched = this.fetcher.position(topic, partition);
      // handed out so far; before any record, where fetching starts (when known)
      const last = this.handed.get(k)?.last ?? -1n;
      const position = last >= 0n ? last + 1n : fetched !== undefined && fetched >= 0n ? fetched : undefined;
      const hw = this.fetcher.highWatermark(topic, partition);
      const lag = position !== undefined && hw >= 0n ? Number(partitionLag(hw, position)) : -1;
      if (lag > 0) totalLag += lag;
      partitions.push({ topic, partition, position: offsetNumber(position), highWatermark: offsetNumber(hw), lag, committed: offsetNumber(this.group?.committedOffset(topic, partition)) });
    }
    return {
      ...m.snapshot(),
      consumer: {
        recordsReceived: this.received,
        fetchedBytes: m.fetchedBytes,
        prefetchedBytes: this.fetcher.prefetchedBytes,
        prefetchLimitBytes: this.prefetchLimitBytes,
        partitions,
        totalLag,
      },
    };
  }

  /** @internal Where the last record handed out of a partition is noted (one object per partition: a property write per record). */
  handedOut(topic: string, partition: number): { last: bigint } {
    const k = topicPartitionKey(topic, partition);
    let h = this.handed.get(k);
    if (h === undefined) this.handed.set(k, (h = { last: -1n }));
    return h;
  }

  /** The partitions this consumer owns in its group. */
  assignment(): TopicPartition[] {
    return this.group?.assignment() ?? [];
  }

  /** The partitions this consumer owns, as topic -> partitions. */
  subscriptions(): PartitionMap {
    return toMap(this.assignment());
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerMessage> {
    return this.messages();
  }

  /**
   * The group's messages, in offset order per partition, until `close()`. Taking messages is
   * what keeps the member in the group (maxPollIntervalMs); a partition error is thrown here.
   * The backpressured alternative to 'message' events (use one or the other).
   */
  async *messages(): AsyncGenerator<ConsumerMessage, void, undefined> {
    if (this.pumping) {
      throw new KafkaesqueError('ERR_CONSUMER_BUSY', "messages are already delivered as 'message' events; use one or the other");
    }
    this.iterating = true;
    try {
      yield* this.iterate();
    } finally {
      this.iterating = false;
    }
  }

  /**
   * The group's messages a batch at a time: each is one partition's records from one fetch, in
   * offset order (partitions interleave between batches). The same delivery as `messages()` at
   * a fraction of its cost per record (no promise per message); use one or the other. A batch
   * turns `stale` when its partition is sought while the application holds it.
   */
  async *batches(): AsyncGenerator<ConsumerBatch, void, undefined> {
    if (this.pumping) {
      throw new KafkaesqueError('ERR_CONSUMER_BUSY', "messages are already delivered as 'message' events; use one or the other");
    }
    const group = this.requireGroup('batches()');
    this.iterating = true;
    try {
      for (;;) {
        const fetched = await this.poll(group);
        if (fetched === undefined) return;
        const { topic, partition } = fetched;
        const messages: ConsumerMessage[] = [];
        for (const r of fetched.records) {
          if (fetched.stale) break;
          messages.push(consumerMessage(topic, partition, r));
        }
        if (messages.length === 0 || fetched.stale) continue;
        this.handedOut(topic, partition).last = messages[messages.length - 1]!.offset;
        this.received += messages.length;
        yield new ConsumerBatch(topic, partition, fetched.highWatermark, messages, fetched);
      }
    } finally {
      this.iterating = false;
    }
  }

  /** The next fetched records (undefined once closed); waiting for them and taking them count as the member's polls (maxPollIntervalMs). */
  private async poll(group: GroupMemberBase): Promise<FetchedRecords | undefined> {
    group.waiting = true;
    let fetched;
    try {
      fetched = await this.fetcher.next();
    } finally {
      group.waiting = false;
    }
    if (fetched !== undefined) group.polled();
    return fetched;
  }

  private async *iterate(): AsyncGenerator<ConsumerMessage, void, undefined> {
    const group = this.requireGroup('messages()');
    for (;;) {
      const batch = await this.poll(group);
      if (batch === undefined) return;
      const handed = this.handedOut(batch.topic, batch.partition);
      for (const r of batch.records) {
        if (batch.stale) break; // sought since it was fetched: delivery goes on from the new position
        group.polled();
        handed.last = r.offset;
        this.received++;
        yield consumerMessage(batch.topic, batch.partition, r);
      }
    }
  }

  /** Stops fetching a partition (its consumption resumes where it was with `resume`). */
  pause(topic: string, partition: number): void {
    this.fetcher.pause(topic, partition);
  }

  resume(topic: string, partition: number): void {
    this.fetcher.resume(topic, partition);
  }

  /**
   * Moves the position of an owned partition (Java's `seek`): the next message of it is the one
   * at `offset` (or the first after it, past gaps). Messages fetched before and not yet given
   * out are not delivered. Marks and commits are unchanged. A partition this consumer does not
   * own is an error (ERR_NOT_ASSIGNED); a rebalance starts an assigned partition from its
   * committed offset again.
   */
  seek(topic: string, partition: number, offset: bigint | number): void {
    const group = this.requireGroup('seek()');
    if (!(typeof offset === 'bigint' || (typeof offset === 'number' && Number.isSafeInteger(offset))) || BigInt(offset) < 0n) {
      throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `seek: offset must be a bigint or safe integer >= 0, got ${String(offset)}`);
    }
    const owned = group.assignment().some((tp) => tp.topic === topic && tp.partition === partition);
    if (!owned || !this.fetcher.seek(topic, partition, BigInt(offset))) {
      throw new KafkaesqueError('ERR_NOT_ASSIGNED', `seek: ${topic}-${partition} is not assigned to this consumer (seek only partitions in assignment())`);
    }
    this.handed.delete(topicPartitionKey(topic, partition));
  }

  /** Marks a message processed: its offset + 1 is committed by the next commit. */
  markOffset(message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    this.requireGroup('markOffset()').mark(message.topic, message.partition, message.offset + 1n, metadata ?? null);
  }

  /**
   * Marks `offset` of `topic`-`partition` processed, as {@link markOffset} does for a message
   * (the Go layer's `MarkPartitionOffset`): offset + 1 is committed with the next commit.
   */
  markPartitionOffset(topic: string, partition: number, offset: bigint | number, metadata?: string): void {
    const bad = (what: string): KafkaesqueError => new KafkaesqueError('ERR_INVALID_ARGUMENT', `markPartitionOffset: ${what}`);
    if (typeof topic !== 'string' || topic === '') throw bad(`topic must be a non-empty string, got ${JSON.stringify(topic)}`);
    if (!Number.isInteger(partition) || partition < 0) throw bad(`partition must be an integer >= 0, got ${String(partition)}`);
    if (!(typeof offset === 'bigint' || (typeof offset === 'number' && Number.isSafeInteger(offset)))) throw bad(`offset must be a bigint or a safe integer, got ${String(offset)}`);
    const at = BigInt(offset);
    if (at < 0n) throw bad(`offset must be >= 0, got ${at}`);
    this.markOffset({ topic, partition, offset: at }, metadata);
  }

  /** True once {@link close} was called (the Go layer's `IsClosed`). */
  isClosed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Commits the marked offsets now. Retriable failures (the coordinator moving, a lost
   * connection) are retried with backoff for up to 60 s, as Java's commitSync does within
   * default.api.timeout.ms; REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION and other final errors
   * reject at once.
   */
  commitOffsets(): Promise<void> {
    return this.requireGroup('commitOffsets()').commitMarkedRetrying(COMMIT_TIMEOUT_MS);
  }

  /**
   * The member's identity for a transactional producer's sendOffsetsToTransaction (KIP-447):
   * group id, generation (member epoch in a KIP-848 group), member id and instance id. Read it
   * when the offsets are sent: it changes at each rebalance.
   */
  groupMetadata(): ConsumerGroupMetadata {
    return this.requireGroup('groupMetadata()').groupMetadata();
  }

  /**
   * The outcome of the member's last join of a classic group: the member the coordinator chose to
   * compute the assignment (`leaderId`), whether that is this one, and the assignor (`protocol`)
   * the group chose. A KIP-848 group has no leader and no client-side assignor (the broker
   * assigns): `{ leaderId: null, isLeader: false, protocol: null }`.
   */
  groupJoin(): { leaderId: string | null; isLeader: boolean; protocol: string | null } {
    const group = this.requireGroup('groupJoin()');
    return group instanceof ClassicGroupMember
      ? { leaderId: group.leaderId, isLeader: group.isLeader, protocol: group.protocolName }
      : { leaderId: null, isLeader: false, protocol: null };
  }

  private requireGroup(what: string): GroupMemberBase {
    if (this.group === undefined) {
      throw new KafkaesqueError('ERR_NO_GROUP', `${what} needs a consumer group: set Config.group (and topics)`);
    }
    return this.group;
  }

  /**
   * Consumes one partition from `offset` (OffsetOldest, OffsetNewest or an offset). The topic
   * must exist; one partition consumer per partition at a time.
   */
  async consumePartition(topic: string, partition: number, offset: StartOffset): Promise<PartitionConsumer> {
    if (this.closing) throw new ConsumerClosedError();
    const start = startOffset(offset);
    const info = await this.cluster.topicMetadata(topic, 30_000);
    if (!Number.isInteger(partition) || partition < 0 || partition >= info.partitions.length) {
      throw new KafkaesqueError(
        'ERR_UNKNOWN_PARTITION',
        `topic '${topic}' has ${info.partitions.length} partition(s); partition ${partition} does not exist`,
      );
    }
    const key = topicPartitionKey(topic, partition);
    if (this.partitionConsumers.has(key)) {
      throw new KafkaesqueError('ERR_ALREADY_CONSUMING', `${topic}-${partition} is already being consumed by this consumer`);
    }
    const pc = new PartitionConsumer(this, topic, partition, () => this.partitionConsumers.delete(key));
    this.partitionConsumers.set(key, pc);
    this.fetcher.assign(topic, partition, start);
    return pc;
  }

  /** Stops every partition consumer and closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const pc of [...this.partitionConsumers.values()]) pc.close();
      await this.group?.close();
      this.fetcher.close();
      await this.cluster.close();
      this.resolveClosed();
    })();
    return this.closing;
  }
}

/** Consumes one partition; iterate `messages()` (or use `for await (const m of pc)`). */
export class PartitionConsumer implements AsyncIterable<ConsumerMessage> {
  private stopped = false;

  /** @internal */
  constructor(
    private readonly consumer: Consumer,
    readonly topic: string,
    readonly partition: number,
    private readonly onClose: () => void,
  ) {}

  /** The partition's high watermark as of the last fetch (-1 before the first). */
  highWaterMarkOffset(): bigint {
    return this.consumer.fetcher.highWatermark(this.topic, this.partition);
  }

  pause(): void {
    this.consumer.fetcher.pause(this.topic, this.partition);
  }

  resume(): void {
    this.consumer.fetcher.resume(this.topic, this.partition);
  }

  /** Messages in offset order, until `close()`; a partition error is thrown from the iterator. */
  async *messages(): AsyncGenerator<ConsumerMessage, void, undefined> {
    const fetcher = this.consumer.fetcher;
    while (!this.stopped) {
      const batch = await fetcher.nextFor(this.topic, this.partition);
      if (batch === undefined) return;
      const handed = this.consumer.handedOut(this.topic, this.partition);
      for (const r of batch.records) {
        if (this.stopped) return;
        if (batch.stale) break;
        handed.last = r.offset;
        this.consumer.received++;
        yield consumerMessage(this.topic, this.partition, r);
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerMessage> {
    return this.messages();
  }

  /** Stops consuming this partition (pending iteration ends). */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.consumer.fetcher.unassign(this.topic, this.partition);
    this.onClose();
  }
}
