/** KafkaJS's consumer on kafkaesque's group Consumer. */
import { Admin, type ConsumerBatch, Consumer as NativeConsumer, type ConfigOptions, type ConsumerMessage } from '../index.js';
import { AssignerProtocol, nativeAssignors, type PartitionAssigner } from './assigners.js';
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors.js';
import { Instrumentation, type InstrumentationEvent } from './events.js';
import type { ClientContext, KafkaJSLogger } from './kafka.js';

export interface ConsumerConfig {
  groupId: string;
  partitionAssigners?: PartitionAssigner[];
  metadataMaxAge?: number;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  maxBytesPerPartition?: number;
  minBytes?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
  retry?: unknown;
  allowAutoTopicCreation?: boolean;
  maxInFlightRequests?: number;
  readUncommitted?: boolean;
  rackId?: string;
}

export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  attributes: number;
  offset: string;
  size: number;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

export interface TopicPartitions {
  topic: string;
  partitions?: number[];
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface OffsetsByTopicPartition {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  pause(): () => void;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  uncommittedOffsets(): OffsetsByTopicPartition;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
}

export const CONSUMER_EVENTS = Object.freeze({
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
});
const EMITTED = new Set([
  CONSUMER_EVENTS.REQUEST,
  CONSUMER_EVENTS.REQUEST_TIMEOUT,
  CONSUMER_EVENTS.HEARTBEAT,
  CONSUMER_EVENTS.FETCH_START,
  CONSUMER_EVENTS.FETCH,
  CONSUMER_EVENTS.RECEIVED_UNSUBSCRIBED_TOPICS,
  CONSUMER_EVENTS.COMMIT_OFFSETS,
  CONSUMER_EVENTS.GROUP_JOIN,
  CONSUMER_EVENTS.START_BATCH_PROCESS,
  CONSUMER_EVENTS.END_BATCH_PROCESS,
  CONSUMER_EVENTS.CONNECT,
  CONSUMER_EVENTS.DISCONNECT,
  CONSUMER_EVENTS.STOP,
  CONSUMER_EVENTS.CRASH,
  CONSUMER_EVENTS.REBALANCING,
]);

const tpKey = (topic: string, partition: number): string => `${topic}\0${partition}`;

/** KafkaJS's message shape (one class: every message object has the same hidden class). */
class Message implements KafkaMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly attributes = 0;
  readonly offset: string;
  readonly size = 0;
  readonly headers: Record<string, Buffer | Buffer[] | undefined>;
  constructor(m: ConsumerMessage) {
    this.key = m.key;
    this.value = m.value;
    this.timestamp = String(m.timestamp);
    this.offset = String(m.offset);
    const headers: Record<string, Buffer | Buffer[]> = {};
    for (const h of m.headers) {
      const v = h.value ?? Buffer.alloc(0);
      const had = headers[h.key];
      if (had === undefined) headers[h.key] = v;
      else if (Array.isArray(had)) had.push(v);
      else headers[h.key] = [had, v];
    }
    this.headers = headers;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Subscription {
  topics: (string | RegExp)[];
  fromBeginning: boolean;
}

export class Consumer {
  readonly events = CONSUMER_EVENTS;
  readonly #ctx: ClientContext;
  readonly #opts: ConsumerConfig;
  readonly #instrumentation = new Instrumentation(CONSUMER_EVENTS, EMITTED, 'consumer');
  #admin: Admin | null = null;
  #subscriptions: Subscription[] = [];
  #native: NativeConsumer | null = null;
  #running = false;
  #loop: Promise<void> | null = null;
  /** Paused topic-partitions (`topic` alone: the whole topic); kept across rebalances as KafkaJS does. */
  #paused = new Map<string, Set<number> | 'all'>();
  /** Per paused partition, the first offset it skipped (resume seeks back to it). */
  #skipped = new Map<string, { topic: string; partition: number; offset: bigint }>();
  /** Seeks asked for a partition not owned yet: applied when it is assigned. */
  #pendingSeeks = new Map<string, { topic: string; partition: number; offset: bigint }>();
  /** Offsets resolved (processed) and not yet committed by this layer: topic-partition → next offset. */
  #uncommitted = new Map<string, { topic: string; partition: number; offset: bigint }>();
  #resolvedSinceCommit = 0;
  #runConfig: ConsumerRunConfig = {};

  constructor(ctx: ClientContext, opts: ConsumerConfig) {
    if (!opts || typeof opts.groupId !== 'string' || opts.groupId === '') {
      throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.');
    }
    this.#ctx = ctx;
    this.#opts = opts;
  }

  on<T = Record<string, unknown>>(eventName: string, listener: (event: InstrumentationEvent<T>) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  logger(): KafkaJSLogger {
    return this.#ctx.logger.namespace('Consumer');
  }

  async connect(): Promise<void> {
    if (this.#admin) return;
    try {
      this.#admin = await Admin.create(await this.#ctx.makeConfig({ clientInstance: this.#instrumentation.nativeClientInstance() }));
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#instrumentation.emit(CONSUMER_EVENTS.CONNECT, null);
  }

  async subscribe(s: { topic?: string | RegExp; topics?: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void> {
    if (this.#running) throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running');
    const topics = s?.topics ?? (s?.topic !== undefined ? [s.topic] : []);
    if (topics.length === 0) throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    for (const t of topics) {
      if (!(typeof t === 'string' && t !== '') && !(t instanceof RegExp)) throw new KafkaJSNonRetriableError(`Invalid topic ${String(t)}`);
    }
    this.#subscriptions.push({ topics, fromBeginning: s.fromBeginning === true });
  }

  private async topicNames(): Promise<{ names: string[]; fromBeginning: boolean }> {
    const names = new Set<string>();
    let fromBeginning: boolean | undefined;
    let listed: string[] | null = null;
    for (const s of this.#subscriptions) {
      for (const t of s.topics) {
        if (typeof t === 'string') names.add(t);
        else {
          listed ??= (await this.#admin!.listTopics()).map((l) => l.name);
          for (const n of listed) if (t.test(n)) names.add(n);
        }
      }
      fromBeginning = (fromBeginning ?? false) || s.fromBeginning;
    }
    return { names: [...names], fromBeginning: fromBeginning ?? false };
  }

  private nativeOptions(names: string[], fromBeginning: boolean, run: ConsumerRunConfig): ConfigOptions {
    const o = this.#opts;
    const assignors = nativeAssignors(this, o.partitionAssigners ?? [], { groupId: o.groupId, logger: this.#ctx.logger });
    const extra: ConfigOptions = {
      group: o.groupId,
      topics: names,
      initialOffset: fromBeginning ? 'oldest' : 'newest',
      assignors: assignors.length > 0 ? assignors : ['RoundRobinAssigner'],
      isolationLevel: o.readUncommitted ? 'read_uncommitted' : 'read_committed',
      autoCommit: run.autoCommit !== false,
    };
    if (o.sessionTimeout !== undefined) extra.sessionTimeoutMs = o.sessionTimeout;
    if (o.rebalanceTimeout !== undefined) extra.rebalanceTimeoutMs = o.rebalanceTimeout;
    if (o.heartbeatInterval !== undefined) extra.heartbeatIntervalMs = o.heartbeatInterval;
    if (o.maxBytesPerPartition !== undefined) extra.maxPartitionFetchBytes = o.maxBytesPerPartition;
    if (o.minBytes !== undefined) extra.fetchMinBytes = o.minBytes;
    if (o.maxBytes !== undefined) extra.fetchMaxBytes = o.maxBytes;
    if (o.maxWaitTimeInMs !== undefined) extra.fetchMaxWaitMs = o.maxWaitTimeInMs;
    if (o.metadataMaxAge !== undefined) extra.metadataMaxAgeMs = o.metadataMaxAge;
    if (run.autoCommitInterval !== undefined && run.autoCommitInterval !== null) extra.autoCommitIntervalMs = run.autoCommitInterval;
    return extra;
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.#running) return;
    if (!config.eachMessage && !config.eachBatch) throw new KafkaJSNonRetriableError('Consumer.run needs eachMessage or eachBatch');
    if (this.#subscriptions.length === 0) throw new KafkaJSNonRetriableError('Cannot run without subscribing to a topic first');
    if (!this.#admin) await this.connect();
    this.#runConfig = config;
    let native: NativeConsumer;
    try {
      const { names, fromBeginning } = await this.topicNames();
      if (names.length === 0) throw new KafkaJSNonRetriableError('No topic matches the subscriptions');
      let joinStarted = Date.now();
      const cfg = await this.#ctx.makeConfig({ ...this.nativeOptions(names, fromBeginning, config), clientInstance: this.#instrumentation.nativeClientInstance() });
      native = await NativeConsumer.create(cfg);
      this.#native = native;
      native.on('notification', (n) => {
        if (n.type === 'start') joinStarted = Date.now();
      });
      native.on('assigned', () => this.onAssigned(native, joinStarted, names));
      native.on('revoked', () => {
        const m = native.groupMetadata();
        this.#instrumentation.emit(CONSUMER_EVENTS.REBALANCING, { groupId: m.groupId, memberId: m.memberId });
      });
      native.on('heartbeat', (m) => {
        this.#instrumentation.emit(CONSUMER_EVENTS.HEARTBEAT, { groupId: m.groupId, memberId: m.memberId, groupGenerationId: m.generationId });
      });
      native.on('error', (err) => this.crash(err, false));
      this.onAssigned(native, joinStarted, names);
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#running = true;
    this.#loop = this.consume(native, config).catch((err) => this.crash(err, false));
  }

  private onAssigned(native: NativeConsumer, started: number, subscribed: string[]): void {
    const assignment: Record<string, number[]> = {};
    for (const tp of native.assignment()) (assignment[tp.topic] ??= []).push(tp.partition);
    for (const [k, s] of this.#pendingSeeks) {
      if (native.assignment().some((tp) => tp.topic === s.topic && tp.partition === s.partition)) {
        native.seek(s.topic, s.partition, s.offset);
        this.#pendingSeeks.delete(k);
      }
    }
    for (const tp of native.assignment()) if (this.isPaused(tp.topic, tp.partition)) native.pause(tp.topic, tp.partition);
    const m = native.groupMetadata();
    const { leaderId, isLeader, protocol } = native.groupJoin();
    this.#instrumentation.emit(CONSUMER_EVENTS.GROUP_JOIN, {
      duration: Date.now() - started,
      groupId: m.groupId,
      isLeader,
      leaderId,
      groupProtocol: protocol,
      memberId: m.memberId,
      memberAssignment: assignment,
    });
    const assignedTopics = Object.keys(assignment);
    const topicsNotSubscribed = assignedTopics.filter((t) => !subscribed.includes(t));
    if (topicsNotSubscribed.length > 0) {
      // as KafkaJS: partitions of topics this member did not subscribe to are not consumed
      for (const tp of native.assignment()) if (topicsNotSubscribed.includes(tp.topic)) native.pause(tp.topic, tp.partition);
      this.#ctx.logger.warn('Consumer group received unsubscribed topics', { groupId: m.groupId, topicsNotSubscribed });
      this.#instrumentation.emit(CONSUMER_EVENTS.RECEIVED_UNSUBSCRIBED_TOPICS, {
        groupId: m.groupId,
        generationId: m.generationId,
        memberId: m.memberId,
        assignedTopics,
        topicsSubscribed: subscribed,
        topicsNotSubscribed,
      });
    }
  }

  private crash(err: unknown, restart: boolean): void {
    const error = toKafkaJSError(err);
    this.#ctx.logger.error(`Crash: ${error.name}: ${error.message}`, { groupId: this.#opts.groupId });
    this.#instrumentation.emit(CONSUMER_EVENTS.CRASH, { error, groupId: this.#opts.groupId, restart });
  }

  private isPaused(topic: string, partition: number): boolean {
    const p = this.#paused.get(topic);
    return p === 'all' || (p !== undefined && p.has(partition));
  }

  /**
   * Hands the fetched batches to the handlers: each is one partition's records from one fetch
   * (kafkaesque's `Consumer.batches()`, no promise per record). With
   * `partitionsConsumedConcurrently` > 1, that many batches are processed at once, each
   * partition's batches still one after the other.
   */
  private async consume(native: NativeConsumer, config: ConsumerRunConfig): Promise<void> {
    const it = native.batches()[Symbol.asyncIterator]();
    const fetch = async (): Promise<ConsumerBatch | undefined> => {
      const started = Date.now();
      const timed = this.#instrumentation.listening(CONSUMER_EVENTS.FETCH);
      this.#instrumentation.emit(CONSUMER_EVENTS.FETCH_START, {});
      let r: IteratorResult<ConsumerBatch>;
      try {
        r = await it.next();
      } catch (err) {
        if (!this.#running) return undefined;
        throw err;
      }
      if (r.done || !this.#running) return undefined;
      if (timed) this.#instrumentation.emit(CONSUMER_EVENTS.FETCH, { numberOfBatches: 1, duration: Date.now() - started });
      return r.value;
    };
    const concurrency = Math.max(1, Math.floor(config.partitionsConsumedConcurrently ?? 1));
    if (concurrency === 1) {
      for (let b = await fetch(); b !== undefined; b = await fetch()) {
        await this.processBatch(native, b, config);
        await this.commitIfThreshold(native, config);
      }
      return;
    }
    const busy = new Map<string, Promise<void>>();
    const worker = async (): Promise<void> => {
      for (let b = await fetch(); b !== undefined; b = await fetch()) {
        const batch = b;
        const key = tpKey(batch.topic, batch.partition);
        const run = (busy.get(key) ?? Promise.resolve()).then(() => this.processBatch(native, batch, config));
        busy.set(key, run);
        try {
          await run;
        } finally {
          if (busy.get(key) === run) busy.delete(key);
        }
        await this.commitIfThreshold(native, config);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async processBatch(native: NativeConsumer, fetched: ConsumerBatch, config: ConsumerRunConfig): Promise<void> {
    const { topic, partition, messages } = fetched;
    const key = tpKey(topic, partition);
    const paused = (): boolean => this.#paused.size > 0 && this.isPaused(topic, partition);
    /** Paused with `offset` not delivered: resume() seeks back to the first such offset. */
    const skipFrom = (offset: bigint): void => {
      if (!this.#skipped.has(key)) this.#skipped.set(key, { topic, partition, offset });
    };
    if (paused()) return skipFrom(messages[0].offset);
    const pause = (): (() => void) => {
      this.pause([{ topic, partitions: [partition] }]);
      return () => this.resume([{ topic, partitions: [partition] }]);
    };
    const heartbeat = async (): Promise<void> => {}; // heartbeats run on their own timer
    const highWatermark = String(fetched.highWatermark >= 0n ? fetched.highWatermark : messages[messages.length - 1].offset + 1n);
    const lastOffset = String(messages[messages.length - 1].offset);
    const firstOffset = String(messages[0].offset);
    const offsetLag = (): string => String(fetched.highWatermark >= 0n ? fetched.highWatermark - 1n - messages[messages.length - 1].offset : 0n);
    const offsetLagLow = (): string => String(fetched.highWatermark >= 0n ? fetched.highWatermark - 1n - messages[0].offset : 0n);
    /** START_BATCH_PROCESS's payload (END_BATCH_PROCESS adds the duration). */
    const described = () => ({ topic, partition, highWatermark, offsetLag: offsetLag(), offsetLagLow: offsetLagLow(), batchSize: messages.length, firstOffset, lastOffset });
    const started = Date.now();
    if (this.#instrumentation.listening(CONSUMER_EVENTS.START_BATCH_PROCESS)) this.#instrumentation.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, described());
    const resolve = (offset: bigint, count = 1): void => {
      // autoCommit false: resolved offsets are only reported (uncommittedOffsets), commitOffsets commits what it is given
      if (config.autoCommit !== false) native.markPartitionOffset(topic, partition, offset);
      const u = this.#uncommitted.get(key);
      if (u) u.offset = offset + 1n;
      else this.#uncommitted.set(key, { topic, partition, offset: offset + 1n });
      this.#resolvedSinceCommit += count;
    };
    /** The first offset of this batch that no resolveOffset covered. */
    const firstUnresolved = (): bigint => {
      const resolvedTo = this.#uncommitted.get(key)?.offset;
      return resolvedTo !== undefined && resolvedTo > messages[0].offset ? resolvedTo : messages[0].offset;
    };
    try {
      if (config.eachMessage) {
        const eachMessage = config.eachMessage;
        // resolved one by one, marked once per batch (and before a stop, a seek or a retry)
        let done = -1;
        try {
          for (let i = 0; i < messages.length; i++) {
            if (!this.#running || fetched.stale) break;
            if (paused()) {
              skipFrom(messages[i].offset);
              break;
            }
            try {
              await eachMessage({ topic, partition, message: new Message(messages[i]), heartbeat, pause });
            } catch (err) {
              if (done >= 0) resolve(messages[done].offset, done + 1);
              done = -1;
              return this.retryFrom(native, topic, partition, messages[i].offset, err);
            }
            done = i;
          }
        } finally {
          if (done >= 0) resolve(messages[done].offset, done + 1);
        }
      } else if (config.eachBatch) {
        const kms = messages.map((m) => new Message(m));
        const batch: Batch = {
          topic,
          partition,
          highWatermark,
          messages: kms,
          isEmpty: () => kms.length === 0,
          firstOffset: () => (kms.length > 0 ? firstOffset : null),
          lastOffset: () => lastOffset,
          offsetLag,
          offsetLagLow,
        };
        let failed = false;
        try {
          await config.eachBatch({
            batch,
            resolveOffset: (offset: string) => resolve(BigInt(offset)),
            heartbeat,
            pause,
            commitOffsetsIfNecessary: (offsets?: OffsetsByTopicPartition) => this.commitIfNecessary(native, offsets),
            uncommittedOffsets: () => this.uncommittedOffsets(),
            isRunning: () => this.#running,
            isStale: () => failed || fetched.stale || !native.assignment().some((tp) => tp.topic === topic && tp.partition === partition),
          });
        } catch (err) {
          failed = true;
          return this.retryFrom(native, topic, partition, firstUnresolved(), err);
        }
        if (paused() && !fetched.stale) {
          // paused from the handler: what it did not resolve is delivered again after resume
          const from = firstUnresolved();
          if (from <= messages[messages.length - 1].offset) skipFrom(from);
        } else if (config.eachBatchAutoResolve !== false && this.#running && !fetched.stale) resolve(messages[messages.length - 1].offset);
      }
    } finally {
      if (this.#instrumentation.listening(CONSUMER_EVENTS.END_BATCH_PROCESS)) this.#instrumentation.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, { ...described(), duration: Date.now() - started });
    }
  }

  /** A handler failed: the message is delivered again (never skipped), after the retry backoff. */
  private async retryFrom(native: NativeConsumer, topic: string, partition: number, offset: bigint, err: unknown): Promise<void> {
    this.crash(err, true);
    try {
      native.seek(topic, partition, offset);
    } catch {
      // no longer owned: its new owner starts from the committed offset, which is before this one
    }
    await sleep(this.#ctx.retry.initialRetryTime ?? 300);
  }

  private async commitIfThreshold(native: NativeConsumer, config: ConsumerRunConfig): Promise<void> {
    if (config.autoCommit === false) return;
    const threshold = config.autoCommitThreshold;
    if (threshold !== undefined && threshold !== null && this.#resolvedSinceCommit >= threshold) await this.commitNow(native);
  }

  private async commitIfNecessary(native: NativeConsumer, offsets?: OffsetsByTopicPartition): Promise<void> {
    if (offsets) for (const t of offsets.topics) for (const p of t.partitions) native.markOffset({ topic: t.topic, partition: p.partition, offset: BigInt(p.offset) - 1n });
    if (this.#runConfig.autoCommit === false) return;
    const threshold = this.#runConfig.autoCommitThreshold;
    if (threshold !== undefined && threshold !== null && this.#resolvedSinceCommit < threshold && !offsets) return;
    await this.commitNow(native);
  }

  private async commitNow(native: NativeConsumer): Promise<void> {
    const topics = this.uncommittedOffsets().topics;
    try {
      await native.commitOffsets();
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#resolvedSinceCommit = 0;
    this.#uncommitted.clear();
    const m = native.groupMetadata();
    this.#instrumentation.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, { groupId: m.groupId, memberId: m.memberId, groupGenerationId: m.generationId, topics });
  }

  private uncommittedOffsets(): OffsetsByTopicPartition {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const u of this.#uncommitted.values()) {
      const l = byTopic.get(u.topic) ?? [];
      l.push({ partition: u.partition, offset: String(u.offset) });
      byTopic.set(u.topic, l);
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
  }

  /** Commits these offsets (each the next offset to consume, as KafkaJS's). */
  async commitOffsets(offsets: TopicPartitionOffset[]): Promise<void> {
    const native = this.requireRunning('commitOffsets');
    for (const o of offsets) {
      const at = BigInt(o.offset);
      if (at < 0n) throw new KafkaJSNonRetriableError(`Invalid offset ${o.offset} for ${o.topic}-${o.partition}`);
      native.markOffset({ topic: o.topic, partition: o.partition, offset: at - 1n });
      this.#uncommitted.set(tpKey(o.topic, o.partition), { topic: o.topic, partition: o.partition, offset: at });
    }
    await this.commitNow(native);
  }

  private requireRunning(what: string): NativeConsumer {
    if (!this.#native || !this.#running) throw new KafkaJSNonRetriableError(`Consumer.${what} can only be called while the consumer is running`);
    return this.#native;
  }

  /** Moves a partition's position: its next message is the one at `offset` ('-2' earliest, '-1' latest are not supported). */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    if (typeof topic !== 'string' || !Number.isInteger(partition)) throw new KafkaJSNonRetriableError('seek needs { topic, partition, offset }');
    let at: bigint;
    try {
      at = BigInt(offset);
    } catch {
      throw new KafkaJSNonRetriableError(`Offset must be a string of digits; got ${String(offset)}`);
    }
    if (at < 0n) throw new KafkaJSNonRetriableError(`Offset ${offset} is not supported by kafkaesque/kafkajs's seek (use an offset >= 0, or admin.resetOffsets)`);
    if (!this.#running || !this.#native) throw new KafkaJSNonRetriableError('Consumer.seek can only be called after consumer.run');
    const native = this.#native;
    const key = tpKey(topic, partition);
    this.#skipped.delete(key);
    if (native.assignment().some((tp) => tp.topic === topic && tp.partition === partition)) native.seek(topic, partition, at);
    else this.#pendingSeeks.set(key, { topic, partition, offset: at });
  }

  pause(topicPartitions: TopicPartitions[]): void {
    for (const { topic, partitions } of topicPartitions) {
      if (typeof topic !== 'string') throw new KafkaJSNonRetriableError('pause needs [{ topic, partitions? }]');
      if (partitions === undefined) this.#paused.set(topic, 'all');
      else {
        const had = this.#paused.get(topic);
        if (had === 'all') continue;
        const s = had ?? new Set<number>();
        for (const p of partitions) s.add(p);
        this.#paused.set(topic, s);
      }
    }
    const native = this.#native;
    if (native) for (const tp of native.assignment()) if (this.isPaused(tp.topic, tp.partition)) native.pause(tp.topic, tp.partition);
  }

  resume(topicPartitions: TopicPartitions[]): void {
    const native = this.#native;
    for (const { topic, partitions } of topicPartitions) {
      const had = this.#paused.get(topic);
      let freed: number[];
      if (partitions === undefined || had === 'all') {
        const all = native ? native.assignment().filter((tp) => tp.topic === topic).map((tp) => tp.partition) : [];
        if (partitions === undefined) {
          this.#paused.delete(topic);
          freed = all;
        } else {
          const rest = new Set(all.filter((p) => !partitions.includes(p)));
          this.#paused.set(topic, rest);
          freed = partitions;
        }
      } else {
        for (const p of partitions) had?.delete(p);
        if (had && had.size === 0) this.#paused.delete(topic);
        freed = partitions;
      }
      for (const p of freed) {
        const k = tpKey(topic, p);
        const skipped = this.#skipped.get(k);
        this.#skipped.delete(k);
        if (!native || !native.assignment().some((tp) => tp.topic === topic && tp.partition === p)) continue;
        if (skipped) native.seek(topic, p, skipped.offset);
        native.resume(topic, p);
      }
    }
  }

  paused(): { topic: string; partitions: number[] }[] {
    const native = this.#native;
    const out: { topic: string; partitions: number[] }[] = [];
    for (const [topic, p] of this.#paused) {
      const partitions =
        p === 'all' ? (native ? native.assignment().filter((tp) => tp.topic === topic).map((tp) => tp.partition) : []) : [...p];
      if (partitions.length > 0) out.push({ topic, partitions: partitions.sort((a, b) => a - b) });
    }
    return out;
  }

  async describeGroup(): Promise<{
    errorCode: number;
    groupId: string;
    members: { clientHost: string; clientId: string; memberId: string; memberAssignment: Buffer; memberMetadata: Buffer }[];
    protocol: string;
    protocolType: string;
    state: string;
  }> {
    if (!this.#admin) await this.connect();
    let d;
    try {
      [d] = await this.#admin!.describeGroups([this.#opts.groupId]);
    } catch (err) {
      throw toKafkaJSError(err);
    }
    if (d.error) throw toKafkaJSError(d.error);
    return {
      errorCode: 0,
      groupId: d.groupId,
      protocol: d.protocol,
      protocolType: d.protocolType,
      state: d.state,
      members: d.members.map((m) => {
        const assignment: Record<string, number[]> = {};
        for (const a of m.assignment) assignment[a.topic] = a.partitions;
        return {
          clientHost: m.clientHost,
          clientId: m.clientId,
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment }),
          memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: Object.keys(assignment) }),
        };
      }),
    };
  }

  /** The consumer's group membership (for a transaction's sendOffsets({ consumer })). */
  groupMetadata(): ReturnType<NativeConsumer['groupMetadata']> {
    return this.requireRunning('groupMetadata').groupMetadata();
  }

  async stop(): Promise<void> {
    const native = this.#native;
    const wasRunning = this.#running;
    this.#running = false;
    this.#native = null;
    if (native) {
      try {
        await native.close(); // commits what was resolved, leaves the group
      } catch (err) {
        this.#ctx.logger.warn(`stop: ${(err as Error).message}`);
      }
    }
    await this.#loop;
    this.#loop = null;
    this.#uncommitted.clear();
    this.#skipped.clear();
    if (wasRunning) this.#instrumentation.emit(CONSUMER_EVENTS.STOP, null);
  }

  async disconnect(): Promise<void> {
    await this.stop();
    const admin = this.#admin;
    this.#admin = null;
    this.#instrumentation.closed();
    if (admin) {
      await admin.close();
      this.#instrumentation.emit(CONSUMER_EVENTS.DISCONNECT, null);
    }
  }
}
