/**
 * The Multiplexer: many named connections sharing one SyncProducer, one AsyncProducer, one
 * group Consumer (joined once, in `start()`, for the union of the subscribed topics) and one
 * groupless Consumer for manual partition consumption (created on first use). Connections
 * (src/mux/connections.ts) are thin views over it.
 *
 * Delivery. One loop reads the group consumer's messages and appends each to the queue of
 * every connection subscribed to its topic; each connection's queue is drained by its own
 * worker, one message at a time, in order (so messages of one partition are handled in
 * offset order). The loop never waits for a handler: when a queue passes HIGH_WATER messages,
 * the topic's partitions are paused in the consumer until every queue of that topic is back
 * under LOW_WATER. A slow handler thus holds back its topic only; nothing is dropped.
 *
 * Offsets. A handler marks what it processed with its connection's `markOffset`. The group's
 * mark for a partition is the minimum over the connections subscribed to the topic (and not
 * stopped): an offset is committed only once every such connection has marked it. Commits are
 * periodic (Config.autoCommit), on `commitOffsets()`, before a rebalance and on close.
 */
import { EventEmitter } from 'node:events';
import { Admin } from '../client/admin.js';
import { Config, OffsetNewest, OffsetOldest, type ConfigOptions, type HashFunction, type InitialOffset, type NullKey } from '../client/config.js';
import { Consumer, type ConsumerMessage, type StartOffset } from '../client/consumer.js';
import { AsyncProducer, SyncProducer, type AsyncCallbacks } from '../client/producers.js';
import type { ProducerError } from '../producer/errors.js';
import type { ConsumerMetricsSnapshot, ProducerMetricsSnapshot } from '../network/metrics.js';
import type { ProducerMessage } from '../producer/message.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import type { TopicPartition } from '../consumer/assignors/index.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import { loadMuxConfigFile } from './config-file.js';
import { BytesConnection, BytesManualConnection, ConnectionTransaction } from './connections.js';
import { TransactionFatalError, TransactionTimeoutError } from '../producer/errors.js';
import { processChannel, traceProcess } from '../network/tracing.js';
import { HandlerError, MuxClosedError, MuxStartedError, MuxUsageError } from './errors.js';
import { ProtoConnection, ProtoManualConnection, type ProtoSerializer, jsonSerializer } from './proto.js';
import type {
  ConnectionMux,
  ConnectionProducers,
  MessageHandler,
  MultiplexerParts,
  MuxGroupConsumer,
  MuxManualConsumer,
  MuxPartitionConsumer,
  MuxTransaction,
  MuxTransactionalProducer,
} from './types.js';

/** How many times an abort that timed out (maxBlockMs each) is waited for before the transaction's error says it failed. */
const ABORT_TIMEOUT_TRIES = 5;

/** Queue length (per connection and topic) above which the topic is paused. */
export const HIGH_WATER = 1000;
/** Queue length under which a paused topic is resumed. */
export const LOW_WATER = 500;

/**
 * The Multiplexer's own settings. Where the Go messaging layer decides which data is read or
 * where it goes, the Multiplexer takes the Go layer's default for every option neither these
 * options nor the Config set (see {@link GO_LAYER_DEFAULTS}); a value given here wins over the
 * Config's.
 */
export interface MultiplexerOptions {
  /** Consumer group id; default: the Config's group, else the Multiplexer's name. */
  groupId?: string;
  /** Where the group starts on partitions without a committed offset. Default `'oldest'` (the Go Multiplexer's `sarama.OffsetOldest`). */
  initialOffset?: InitialOffset;
  /** Key hash. Default `'fnv1a'` (sarama's `NewHashPartitioner`, the Go layer's). */
  hashFunction?: HashFunction;
  /** Keyless records. Default `'hash-empty'` (the Go connections' `sarama.ByteEncoder(nil)`: the empty key's partition). */
  nullKey?: NullKey;
  /** Serializer of proto connections created without one. Default {@link jsonSerializer} (cn-infra's `keyval.SerializerJSON`: protojson with proto field names). */
  serializer?: ProtoSerializer;
}

/**
 * The Go messaging layer's choices where they decide which data is read or where it goes; the
 * Multiplexer applies each to a Config that leaves the option unset (the client layer keeps
 * Java's defaults).
 */
export const GO_LAYER_DEFAULTS = Object.freeze({
  initialOffset: 'oldest' as InitialOffset,
  hashFunction: 'fnv1a' as HashFunction,
  nullKey: 'hash-empty' as NullKey,
});

/** What {@link Multiplexer.metrics} returns. */
export interface MultiplexerMetricsSnapshot {
  syncProducer: ProducerMetricsSnapshot | undefined;
  asyncProducer: ProducerMetricsSnapshot | undefined;
  transactionalProducer: ProducerMetricsSnapshot | undefined;
  /** The group consumer (after start(), when a topic is subscribed): its partitions' lag included. */
  consumer: ConsumerMetricsSnapshot | undefined;
  manualConsumer: ConsumerMetricsSnapshot | undefined;
  /** Each connection's subscription: messages waiting for its handler, and whether the topic is paused. */
  subscriptions: Array<{ connection: string; topic: string; queued: number; stopped: boolean; paused: boolean }>;
}

export interface MultiplexerEvents {
  /** A handler threw, or the group consumer failed. */
  error: [err: Error];
}


/** A start offset in one spelling: OffsetOldest and 'oldest' are the same start, 7 and 7n too. */
function startOffsetKey(offset: StartOffset): string {
  if (offset === 'oldest' || offset === OffsetOldest) return 'oldest';
  if (offset === 'newest' || offset === OffsetNewest) return 'newest';
  return String(offset);
}

function sameStartOffset(a: StartOffset, b: StartOffset): boolean {
  return startOffsetKey(a) === startOffsetKey(b);
}

function describeStartOffset(offset: StartOffset): string {
  const key = startOffsetKey(offset);
  return key === 'oldest' ? 'OffsetOldest' : key === 'newest' ? 'OffsetNewest' : `offset ${key}`;
}

/** @internal A connection's subscription, as {@link Multiplexer.subscriptionState} shows it. */
export interface SubscriptionState {
  connection: string;
  topic: string;
  stopped: boolean;
  /** Next offset to commit, per partition, as this connection marked it. */
  marks: ReadonlyMap<number, { offset: bigint; metadata: string | undefined }>;
}

/** One connection's subscription to one topic: its queue, its worker and its marks. */
class Subscription {
  private queue: ConsumerMessage[] = [];
  private head = 0;
  private running = false;
  private idleWaiters: Array<() => void> = [];
  stopped = false;
  /** Next offset to commit, per partition, as this connection marked it. */
  readonly marks = new Map<number, { offset: bigint; metadata: string | undefined }>();
  /** The first offset delivered of each partition since it was assigned: where a rewind goes without a mark. */
  readonly first = new Map<number, bigint>();
  /** Counts the rewinds after aborted transactions: a message handed out before the last one is stale. */
  generation = 0;
  /** The message the handler is on, and the generation it was handed out in. */
  current: ConsumerMessage | undefined;
  currentGeneration = 0;

  constructor(
    private readonly mux: Multiplexer,
    readonly connection: string,
    readonly topic: string,
    readonly handler: MessageHandler,
  ) {}

  get length(): number {
    return this.queue.length - this.head;
  }

  push(m: ConsumerMessage): void {
    if (!this.first.has(m.partition)) this.first.set(m.partition, m.offset);
    this.queue.push(m);
    if (!this.running) void this.run();
  }

  /** Drops queued messages (of some partitions, or all). */
  drop(partitions?: ReadonlySet<number>): void {
    const rest = this.queue.slice(this.head).filter((m) => partitions !== undefined && !partitions.has(m.partition));
    this.queue = rest;
    this.head = 0;
  }

  /** Resolves when the message being handled (if any) is done. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.head < this.queue.length && !this.stopped && !this.mux.isStopping) {
        const m = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as ConsumerMessage;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.current = m;
        this.currentGeneration = this.generation;
        await this.mux.runHandler(this.connection, this.handler, m);
        this.current = undefined;
        this.mux.handled(this.topic);
      }
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}

/** @internal A manual subscription, as {@link Multiplexer.subscriptionState} shows it. */
export interface PartitionSubscriptionState {
  connection: string;
  topic: string;
  partition: number;
  /** The start offset as given to consumePartition. */
  offset: StartOffset;
}

interface ManualSubscription extends PartitionSubscriptionState {
  handler: MessageHandler;
  pc?: MuxPartitionConsumer;
  done?: Promise<void>;
  stopped: boolean;
}

export class Multiplexer extends EventEmitter<MultiplexerEvents> implements ConnectionMux {
  private readonly subs = new Map<string, Subscription[]>();
  private readonly manual = new Map<string, ManualSubscription>();
  private readonly pausedTopics = new Set<string>();
  private readonly connectionNames = new Set<string>();
  private group: MuxGroupConsumer | undefined;
  private manualConsumer: Promise<MuxManualConsumer> | undefined;
  private loop: Promise<void> | undefined;
  private started = false;
  private stopping = false;
  private closing: Promise<void> | undefined;
  /** The transactional producer, made and initialized by the first transaction. */
  private txnProducer: Promise<MuxTransactionalProducer> | undefined;
  private txnProducerMade: MuxTransactionalProducer | undefined;
  private manualConsumerMade: MuxManualConsumer | undefined;
  /** The last transaction queued: one runs at a time. */
  private txnQueue: Promise<unknown> = Promise.resolve();
  /** A fatal transaction error (fenced, not authorized): every later transaction fails with it. */
  private txnFatal: Error | undefined;
  /** Consecutive aborted transactions per connection (reset by a commit): the rewind's backoff. */
  private readonly aborts = new Map<string, number>();
  /** Partitions held back after repeated aborts, until their timer resumes them. */
  private readonly heldBack = new Map<string, NodeJS.Timeout>();

  private constructor(
    /** The client configuration every producer and consumer is built from. */
    readonly config: Config,
    readonly name: string,
    readonly groupId: string,
    /** The serializer of proto connections created without one. */
    readonly serializer: ProtoSerializer,
    /** The Config's transactionalId: `conn.transaction()`'s producer has it (the shared producers do not). */
    readonly transactionalId: string | undefined,
    private readonly parts: MultiplexerParts,
  ) {
    super();
    this.syncProducer = parts.syncProducer;
    this.asyncProducer = parts.asyncProducer;
  }

  /** @internal */ readonly syncProducer: MultiplexerParts['syncProducer'];
  /** @internal */ readonly asyncProducer: MultiplexerParts['asyncProducer'];

  /**
   * A Multiplexer configured by a YAML file (see docs/multiplexer.md), as the Go layer's
   * `mux.InitMultiplexer(configFile, name, log)`: the consumer group is `name` (or
   * `options.groupId`), never the file's `group_id`, exactly as in Go, where only the plugin reads
   * `group_id` (KafkaPlugin does too). The file's other keys configure the client; `options`
   * override them.
   */
  static async fromFile(file: string, name: string, options: MultiplexerOptions = {}): Promise<Multiplexer> {
    const { config, groupId, serializer } = loadMuxConfigFile(file);
    if (groupId !== undefined && options.groupId === undefined && groupId !== name) {
      config.logger.info(`${file}: group_id '${groupId}' is not used by Multiplexer.fromFile: the group is the name '${name}', as Go's InitMultiplexer (KafkaPlugin uses group_id)`);
    }
    return Multiplexer.fromConfig(config, name, { ...options, serializer: options.serializer ?? serializer });
  }

  /**
   * A Multiplexer on a client Config; the group id is `options.groupId`, else `config.group`,
   * else `name`. Options the Config leaves unset take the Go layer's defaults
   * ({@link GO_LAYER_DEFAULTS}); `options` override the Config.
   */
  static async fromConfig(config: Config, name: string, options: MultiplexerOptions = {}): Promise<Multiplexer> {
    const settings = Multiplexer.settings(config, name, options);
    const sync = await SyncProducer.create(settings.config);
    let async: AsyncProducer;
    try {
      async = await AsyncProducer.create(settings.config);
    } catch (err) {
      await sync.close();
      throw err;
    }
    const consumer = (c: Config): Promise<Consumer> => Consumer.create(c);
    return new Multiplexer(settings.config, name, settings.groupId, settings.serializer, settings.transactionalId, {
      syncProducer: sync,
      asyncProducer: async,
      createGroupConsumer: consumer,
      createManualConsumer: consumer,
      createTransactionalProducer: (c) => SyncProducer.create(c),
    });
  }

  /**
   * @internal A Multiplexer over the parts `makeParts` gives for its resolved Config (the same
   * checks, Go-layer defaults and group as {@link fromConfig}); kafkaesque/testing's mock.
   */
  static withParts(config: Config, name: string, options: MultiplexerOptions, makeParts: (config: Config) => MultiplexerParts): Multiplexer {
    const settings = Multiplexer.settings(config, name, options);
    return new Multiplexer(settings.config, name, settings.groupId, settings.serializer, settings.transactionalId, makeParts(settings.config));
  }

  /** The name checked, the Config with the Go layer's defaults applied, the group and the serializer. */
  private static settings(
    config: Config,
    name: string,
    options: MultiplexerOptions,
  ): { config: Config; groupId: string; serializer: ProtoSerializer; transactionalId: string | undefined } {
    if (typeof name !== 'string' || name === '') throw new MuxUsageError('ERR_MUX_NAME', 'a Multiplexer needs a non-empty name');
    const base = new Config(config);
    const goDefaults: ConfigOptions = {};
    for (const k of ['initialOffset', 'hashFunction', 'nullKey'] as const) {
      const chosen = options[k];
      if (chosen !== undefined) (goDefaults as Record<string, unknown>)[k] = chosen;
      else if (!config.isSet(k)) (goDefaults as Record<string, unknown>)[k] = GO_LAYER_DEFAULTS[k];
    }
    base.set(goDefaults);
    // the shared producers are not transactional: conn.transaction() has its own producer
    const transactionalId = base.transactionalId;
    base.set({ transactionalId: undefined });
    const serializer = options.serializer ?? jsonSerializer;
    if (typeof serializer?.encode !== 'function' || typeof serializer.decode !== 'function') {
      throw new MuxUsageError('ERR_MUX_PROTO', 'MultiplexerOptions.serializer must be a ProtoSerializer (jsonSerializer, binarySerializer or your own)');
    }
    return { config: base, groupId: options.groupId ?? config.group ?? name, serializer, transactionalId };
  }

  /** @internal */
  get isStopping(): boolean {
    return this.stopping;
  }

  isStarted(): boolean {
    return this.started;
  }

  /** The topics subscribed through `consumeTopic`. */
  topics(): string[] {
    return [...this.subs.keys()];
  }

  /** The partitions the group consumer owns (none before start or without subscriptions). */
  assignment(): TopicPartition[] {
    return this.group?.assignment() ?? [];
  }

  // ---------------------------------------------------------------- connections

  private claimName(name: string): void {
    this.ensureOpen('new connection');
    if (typeof name !== 'string' || name === '') throw new MuxUsageError('ERR_MUX_NAME', 'a connection needs a non-empty name');
    if (this.connectionNames.has(name)) throw new MuxUsageError('ERR_MUX_NAME', `a connection named '${name}' already exists`);
    this.connectionNames.add(name);
  }

  newBytesConnection(name: string): BytesConnection {
    this.claimName(name);
    return new BytesConnection(this, name);
  }

  /** The same as {@link newBytesConnection} (the Go plugin's `NewConnection`). */
  newConnection(name: string): BytesConnection {
    return this.newBytesConnection(name);
  }

  newBytesManualConnection(name: string): BytesManualConnection {
    this.claimName(name);
    return new BytesManualConnection(this, name);
  }

  /** A proto connection; `serializer` defaults to the Multiplexer's (protojson with proto names, as the Go plugin's). */
  newProtoConnection(name: string, serializer: ProtoSerializer = this.serializer): ProtoConnection {
    return new ProtoConnection(this.newBytesConnection(name), serializer);
  }

  newProtoManualConnection(name: string, serializer: ProtoSerializer = this.serializer): ProtoManualConnection {
    return new ProtoManualConnection(this.newBytesManualConnection(name), serializer);
  }

  // ---------------------------------------------------------------- subscriptions (internal API of connections)

  private ensureOpen(what: string): void {
    if (this.closing) throw new MuxClosedError(what);
  }

  /** @internal */
  subscribe(connection: string, topic: string, handler: MessageHandler): void {
    this.ensureOpen('consumeTopic');
    if (this.started) throw new MuxStartedError(`consumeTopic('${topic}')`);
    if (typeof topic !== 'string' || topic === '') throw new MuxUsageError('ERR_MUX_TOPIC', 'consumeTopic: a topic must be a non-empty string');
    if (typeof handler !== 'function') throw new MuxUsageError('ERR_MUX_HANDLER', 'consumeTopic: the handler must be a function');
    const list = this.subs.get(topic) ?? [];
    if (list.some((s) => s.connection === connection)) {
      throw new MuxUsageError('ERR_MUX_SUBSCRIBED', `connection '${connection}' already consumes topic '${topic}'`);
    }
    list.push(new Subscription(this, connection, topic, handler));
    this.subs.set(topic, list);
  }

  /** @internal Stops delivery of `topic` to `connection`; its queued messages are dropped (not marked). */
  unsubscribe(connection: string, topic: string): void {
    const sub = this.subs.get(topic)?.find((s) => s.connection === connection && !s.stopped);
    if (sub === undefined) return;
    sub.stopped = true;
    sub.drop();
    for (const p of [...sub.marks.keys()]) this.updateMark(topic, p, undefined);
    this.updatePause(topic);
  }

  /** @internal */
  mark(connection: string, message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    const sub = this.subs.get(message.topic)?.find((s) => s.connection === connection);
    if (sub === undefined) {
      throw new MuxUsageError('ERR_MUX_NOT_SUBSCRIBED', `markOffset: connection '${connection}' does not consume topic '${message.topic}'`);
    }
    const next = message.offset + 1n;
    const prev = sub.marks.get(message.partition);
    if (prev !== undefined && prev.offset >= next) return;
    sub.marks.set(message.partition, { offset: next, metadata });
    this.updateMark(message.topic, message.partition, metadata);
  }

  /** The group's mark of a partition: the least of the active subscriptions' marks. */
  private updateMark(topic: string, partition: number, metadata: string | undefined): void {
    if (this.group === undefined) return;
    const active = (this.subs.get(topic) ?? []).filter((s) => !s.stopped);
    if (active.length === 0) return;
    let min: bigint | undefined;
    for (const s of active) {
      const m = s.marks.get(partition);
      if (m === undefined) return; // someone has not processed anything of it yet
      if (min === undefined || m.offset < min) min = m.offset;
    }
    if (min !== undefined) this.group.markOffset({ topic, partition, offset: min - 1n }, metadata);
  }

  /** @internal Commits the marked offsets now. */
  async commitOffsets(): Promise<void> {
    if (this.group !== undefined) await this.group.commitOffsets();
  }

  // ---------------------------------------------------------------- transactions (conn.transaction)

  /** @internal Runs `fn` in a transaction of `connection`; see BytesConnection.transaction. */
  transaction<T>(connection: string, fn: (tx: MuxTransaction) => T | Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new MuxClosedError('transaction'));
    if (typeof fn !== 'function') return Promise.reject(new MuxUsageError('ERR_MUX_HANDLER', 'transaction: give a function (tx) => ...'));
    if (this.transactionalId === undefined) {
      return Promise.reject(
        new MuxUsageError(
          'ERR_MUX_NO_TRANSACTIONAL_ID',
          `transaction: connection '${connection}' needs a transactional producer: set Config.transactionalId (YAML transactional_id) to an id unique to this process`,
        ),
      );
    }
    const run = this.txnQueue.then(() => this.runTransaction(connection, fn));
    this.txnQueue = run.catch(() => undefined);
    return run;
  }

  private transactionalProducer(): Promise<MuxTransactionalProducer> {
    this.txnProducer ??= (async () => {
      const p = await this.parts.createTransactionalProducer(new Config(this.config).set({ transactionalId: this.transactionalId }));
      try {
        await p.initTransactions();
      } catch (err) {
        await p.close().catch(() => undefined);
        throw err;
      }
      this.txnProducerMade = p;
      return p;
    })();
    const made = this.txnProducer;
    made.catch(() => {
      if (this.txnProducer === made) this.txnProducer = undefined; // the next transaction tries again
    });
    return made;
  }

  private async runTransaction<T>(connection: string, fn: (tx: MuxTransaction) => T | Promise<T>): Promise<T> {
    this.ensureOpen('transaction');
    if (this.txnFatal !== undefined) throw this.txnFatal;
    const producer = await this.transactionalProducer();
    const pending = new Set<Promise<void>>();
    let callbackError: unknown;
    const sends = this.parts.transactionalSendsFor?.(connection, producer) ?? producer;
    const producers = transactionProducers(sends, () => tx, pending, (err) => (callbackError ??= err));
    const tx: ConnectionTransaction = new ConnectionTransaction(this, connection, producers);
    producer.beginTransaction();
    let result: T;
    try {
      result = await fn(tx);
      await producers.asyncProducer.flush(); // the async sends' outcomes, callbacks included
      if (callbackError !== undefined) throw callbackError;
      tx.finish();
      if (tx.marks.size > 0) {
        if (this.group === undefined) throw new MuxUsageError('ERR_MUX_NOT_STARTED', 'transaction: offsets are committed through the group; start() the Multiplexer first');
        const offsets = [...tx.marks.values()].map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset, metadata: m.metadata ?? null }));
        await producer.sendOffsetsToTransaction(offsets, this.group.groupMetadata());
      }
      for (;;) {
        try {
          await producer.commitTransaction();
          break;
        } catch (err) {
          if (err instanceof TransactionTimeoutError) continue; // the outcome is still coming: wait on
          throw err;
        }
      }
    } catch (err) {
      tx.finish();
      await this.abandon(producer, connection, err);
      throw err;
    }
    this.aborts.delete(connection);
    // committed: the marks are the connection's marks now, and the group's (so its own commits agree)
    for (const m of tx.marks.values()) this.mark(connection, { topic: m.topic, partition: m.partition, offset: m.offset - 1n }, m.metadata);
    return result;
  }

  /**
   * A transaction of `connection` did not commit: abort it (unless the producer cannot), then
   * consume the connection's partitions again from its last mark, so nothing handled in it is
   * skipped by a later commit.
   */
  private async abandon(producer: MuxTransactionalProducer, connection: string, cause: unknown): Promise<void> {
    if (!(cause instanceof TransactionFatalError)) {
      try {
        // an abort that timed out goes on when called again (Java's rule): a few more waits
        for (let tries = 1; ; tries++) {
          try {
            await producer.abortTransaction();
            break;
          } catch (err) {
            if (!(err instanceof TransactionTimeoutError) || tries >= ABORT_TIMEOUT_TRIES) throw err;
          }
        }
      } catch (err) {
        if (cause instanceof Error && cause !== err) cause.message += ` (the abort that followed failed too: ${(err as Error).message})`;
        if (err instanceof TransactionFatalError) cause = err;
      }
    }
    if (cause instanceof TransactionFatalError) {
      // no transaction will commit again, so no mark of this connection will be committed: its
      // messages need not come again (that would only loop); the application must close
      if (this.txnFatal === undefined) {
        this.txnFatal = cause;
        this.reportError(cause);
      }
      return;
    }
    this.aborts.set(connection, (this.aborts.get(connection) ?? 0) + 1);
    this.rewind(connection);
  }

  /**
   * Every partition `connection` consumes through the group restarts from its mark (else from
   * where its delivery started). After the first of consecutive aborts the partitions come again
   * at once; after more, they wait (retryBackoffMs doubling up to retryBackoffMaxMs), so a
   * message that always fails does not spin.
   */
  private rewind(connection: string): void {
    const group = this.group;
    if (group === undefined || this.stopping) return;
    const owned = new Set(group.assignment().map((tp) => topicPartitionKey(tp.topic, tp.partition)));
    const n = this.aborts.get(connection) ?? 1;
    const delayMs = n <= 1 ? 0 : Math.min(this.config.retryBackoffMs * 2 ** (n - 2), this.config.retryBackoffMaxMs);
    for (const list of this.subs.values()) {
      for (const sub of list) {
        if (sub.connection !== connection || sub.stopped) continue;
        sub.generation++;
        const partitions = new Set<number>();
        for (const [p, firstOffset] of sub.first) {
          const k = topicPartitionKey(sub.topic, p);
          if (!owned.has(k) || this.manual.has(k)) continue;
          try {
            group.seek(sub.topic, p, sub.marks.get(p)?.offset ?? firstOffset);
          } catch {
            continue; // being reassigned: it starts from the group's committed offset anyway
          }
          partitions.add(p);
          if (delayMs > 0) this.holdBack(sub.topic, p, delayMs);
        }
        sub.drop(partitions);
      }
      this.updatePause(list[0]!.topic);
    }
  }

  /** Pauses `topic`-`partition` for `ms` (then resumes it unless something else holds it). */
  private holdBack(topic: string, partition: number, ms: number): void {
    const k = topicPartitionKey(topic, partition);
    clearTimeout(this.heldBack.get(k));
    this.group?.pause(topic, partition);
    const timer = setTimeout(() => {
      this.heldBack.delete(k);
      if (!this.stopping) this.resumeIfFree(topic, partition);
    }, ms);
    timer.unref?.();
    this.heldBack.set(k, timer);
  }

  /** @internal `tx.markOffset(message)`: a mark committed with the transaction, or never. */
  markInTransaction(tx: MuxTransaction, message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    const connection = tx.name;
    if (tx.isFinished) throw new MuxUsageError('ERR_MUX_TXN_DONE', `markOffset: the transaction of connection '${connection}' is over; mark inside its function`);
    const list = this.subs.get(message.topic) ?? [];
    const sub = list.find((s) => s.connection === connection && !s.stopped);
    if (sub === undefined) {
      throw new MuxUsageError('ERR_MUX_NOT_SUBSCRIBED', `markOffset: connection '${connection}' does not consume topic '${message.topic}'`);
    }
    const others = list.filter((s) => s !== sub && !s.stopped).map((s) => `'${s.connection}'`);
    if (others.length > 0) {
      throw new MuxUsageError(
        'ERR_MUX_TXN_SHARED_TOPIC',
        `markOffset: topic '${message.topic}' is also consumed by connection ${others.join(', ')}; the group commits an offset once every connection marked it, so a transaction cannot commit it: consume the topic with one connection for exactly-once processing`,
      );
    }
    const current = sub.current;
    if (current !== undefined && current.partition === message.partition && current.offset === message.offset && sub.currentGeneration !== sub.generation) {
      throw new MuxUsageError(
        'ERR_MUX_TXN_STALE',
        `markOffset: ${message.topic}-${message.partition}@${message.offset} will be delivered to connection '${connection}' again (an aborted transaction rewound its partitions); do not commit it now`,
      );
    }
    const k = topicPartitionKey(message.topic, message.partition);
    const next = message.offset + 1n;
    const prev = tx.marks.get(k);
    if (prev !== undefined && prev.offset >= next) return;
    tx.marks.set(k, { topic: message.topic, partition: message.partition, offset: next, metadata });
  }

  /** @internal */
  async consumePartition(connection: string, topic: string, partition: number, offset: StartOffset, handler: MessageHandler): Promise<void> {
    this.ensureOpen('consumePartition');
    if (typeof handler !== 'function') throw new MuxUsageError('ERR_MUX_HANDLER', 'consumePartition: the handler must be a function');
    const k = topicPartitionKey(topic, partition);
    if (this.manual.has(k)) {
      throw new MuxUsageError('ERR_ALREADY_CONSUMING', `${topic}-${partition} is already consumed by connection '${this.manual.get(k)!.connection}'`);
    }
    const sub: ManualSubscription = { connection, topic, partition, offset, handler, stopped: false };
    this.manual.set(k, sub);
    this.group?.pause(topic, partition);
    if (this.started) {
      try {
        await this.launchManual(sub);
      } catch (err) {
        this.manual.delete(k);
        this.resumeIfFree(topic, partition);
        throw err;
      }
    }
  }

  /**
   * @internal Stops the manual subscription of `connection` to `topic`-`partition` that started
   * at `offset`. As in the Go layer, (connection, topic, partition, start offset) name the
   * subscription: when they name none, nothing stops and MuxUsageError tells what is consumed,
   * so a stale stop cannot cancel a newer subscription of the same partition. Without `offset`,
   * the connection's subscription stops whatever its start.
   */
  stopConsumingPartition(connection: string, topic: string, partition: number, offset?: StartOffset): void {
    const k = topicPartitionKey(topic, partition);
    const sub = this.manual.get(k);
    if (sub === undefined || sub.connection !== connection || (offset !== undefined && !sameStartOffset(sub.offset, offset))) {
      const now =
        sub === undefined
          ? 'it is not consumed manually'
          : sub.connection !== connection
            ? `it is consumed by connection '${sub.connection}'`
            : `it is consumed from ${describeStartOffset(sub.offset)}`;
      throw new MuxUsageError(
        'ERR_MUX_NOT_CONSUMING',
        `stopConsumingPartition: connection '${connection}' does not consume ${topic}-${partition}${offset === undefined ? '' : ` from ${describeStartOffset(offset)}`} (${now})`,
      );
    }
    sub.stopped = true;
    sub.pc?.close();
    this.manual.delete(k);
    this.resumeIfFree(topic, partition);
  }

  private resumeIfFree(topic: string, partition: number): void {
    const k = topicPartitionKey(topic, partition);
    if (this.group && !this.pausedTopics.has(topic) && !this.manual.has(k) && !this.heldBack.has(k)) this.group.resume(topic, partition);
  }

  private async launchManual(sub: ManualSubscription): Promise<void> {
    this.manualConsumer ??= this.parts.createManualConsumer(new Config(this.config).set({ group: undefined, topics: undefined, groupInstanceId: undefined }));
    const consumer = await this.manualConsumer;
    this.manualConsumerMade = consumer;
    const pc = await consumer.consumePartition(sub.topic, sub.partition, sub.offset);
    sub.pc = pc;
    if (sub.stopped) {
      pc.close();
      return;
    }
    sub.done = (async () => {
      try {
        for await (const m of pc.messages()) {
          if (sub.stopped || this.stopping) break;
          await this.runHandler(sub.connection, sub.handler, m);
        }
      } catch (err) {
        if (!sub.stopped && !this.stopping) this.reportError(err as Error);
      }
    })();
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Joins the group once for every subscribed topic (no group consumer when none is) and starts
   * the manual partition consumers asked for so far.
   */
  async start(): Promise<void> {
    this.ensureOpen('start');
    if (this.started) throw new MuxStartedError('start()');
    this.started = true;
    const topics = [...this.subs.keys()];
    if (topics.length > 0) {
      const group = await this.parts.createGroupConsumer(new Config(this.config).set({ group: this.groupId, topics }));
      this.group = group;
      group.on('error', (err) => this.reportError(err));
      group.on('assigned', (tps) => {
        for (const tp of tps) {
          if (this.pausedTopics.has(tp.topic) || this.manual.has(topicPartitionKey(tp.topic, tp.partition))) group.pause(tp.topic, tp.partition);
        }
      });
      group.on('revoked', (tps) => {
        const byTopic = new Map<string, Set<number>>();
        for (const tp of tps) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, new Set()).get(tp.topic)!).add(tp.partition);
        for (const [topic, parts] of byTopic) {
          for (const s of this.subs.get(topic) ?? []) {
            s.drop(parts);
            for (const p of parts) {
              s.marks.delete(p);
              s.first.delete(p);
            }
          }
          this.updatePause(topic);
        }
      });
      for (const tp of group.assignment()) {
        if (this.manual.has(topicPartitionKey(tp.topic, tp.partition))) group.pause(tp.topic, tp.partition);
      }
      this.loop = this.deliver(group);
    }
    for (const sub of this.manual.values()) {
      if (sub.pc === undefined) await this.launchManual(sub);
    }
  }

  private async deliver(group: MuxGroupConsumer): Promise<void> {
    try {
      for await (const m of group.messages()) {
        if (this.stopping) break;
        if (this.manual.has(topicPartitionKey(m.topic, m.partition))) continue;
        const list = this.subs.get(m.topic);
        if (list === undefined) continue;
        let delivered = false;
        for (const s of list) {
          if (s.stopped) continue;
          s.push(m);
          delivered = true;
          if (s.length >= HIGH_WATER && !this.pausedTopics.has(m.topic)) this.pauseTopic(m.topic);
        }
        if (!delivered && !this.pausedTopics.has(m.topic)) this.pauseTopic(m.topic);
      }
    } catch (err) {
      if (!this.stopping) this.reportError(err as Error);
    }
  }

  /** @internal A handler finished a message of `topic`. */
  handled(topic: string): void {
    if (this.pausedTopics.has(topic)) this.updatePause(topic);
  }

  private updatePause(topic: string): void {
    const active = (this.subs.get(topic) ?? []).filter((s) => !s.stopped);
    const shouldPause = active.length === 0 || active.some((s) => s.length >= HIGH_WATER);
    const canResume = active.length > 0 && active.every((s) => s.length <= LOW_WATER);
    if (shouldPause && !this.pausedTopics.has(topic)) this.pauseTopic(topic);
    else if (canResume && this.pausedTopics.has(topic)) this.resumeTopic(topic);
  }

  private pauseTopic(topic: string): void {
    this.pausedTopics.add(topic);
    for (const tp of this.group?.assignment() ?? []) if (tp.topic === topic) this.group!.pause(tp.topic, tp.partition);
  }

  private resumeTopic(topic: string): void {
    this.pausedTopics.delete(topic);
    for (const tp of this.group?.assignment() ?? []) if (tp.topic === topic) this.resumeIfFree(tp.topic, tp.partition);
  }

  /** Whether delivery of `topic` is paused (backpressure, or nobody consumes it any more). */
  isPaused(topic: string): boolean {
    return this.pausedTopics.has(topic);
  }

  /** @internal Resolves once every subscription's worker has handled its queue (manual ones excepted). */
  async idle(): Promise<void> {
    await Promise.all([...this.subs.values()].flat().map((s) => s.idle()));
  }

  /** @internal The subscriptions (stopped ones too, in subscription order) and the manual ones. */
  subscriptionState(): { topics: SubscriptionState[]; partitions: PartitionSubscriptionState[] } {
    return {
      topics: [...this.subs.values()].flat().map(({ connection, topic, stopped, marks }) => ({ connection, topic, stopped, marks })),
      partitions: [...this.manual.values()].map(({ connection, topic, partition, offset }) => ({ connection, topic, partition, offset })),
    };
  }

  /** @internal Runs `handler` on `m` for `connection`; a failure is reported, never thrown. */
  async runHandler(connection: string, handler: MessageHandler, m: ConsumerMessage): Promise<void> {
    let failure: HandlerError | undefined;
    try {
      if (processChannel.hasSubscribers) await traceProcess(connection, this.groupId, handler, m);
      else await handler(m);
    } catch (err) {
      failure = new HandlerError(connection, m.topic, m.partition, m.offset, err);
    }
    this.parts.onHandled?.(connection, m, failure);
    if (failure !== undefined) this.reportError(failure);
  }

  /** @internal The producers `connection` sends through. */
  producersOf(connection: string): ConnectionProducers {
    return this.parts.producersFor?.(connection) ?? { syncProducer: this.syncProducer, asyncProducer: this.asyncProducer };
  }

  /** @internal */
  reportError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this.config.logger.error(err.message, { code: (err as KafkaesqueError).code });
  }

  /**
   * What the Multiplexer's clients have done (each one's `metrics()`: requests, bytes, latency,
   * errors, records; the group consumer's lag per partition) and its own delivery queues
   * (docs/observability.md). A part not made yet (the manual consumer before the first manual
   * subscription, the transactional producer before the first transaction) is absent.
   */
  metrics(): MultiplexerMetricsSnapshot {
    const of = <T>(part: unknown): T | undefined => (typeof (part as { metrics?: unknown } | undefined)?.metrics === 'function' ? (part as { metrics(): T }).metrics() : undefined);
    const out: MultiplexerMetricsSnapshot = {
      syncProducer: of<ProducerMetricsSnapshot>(this.syncProducer),
      asyncProducer: of<ProducerMetricsSnapshot>(this.asyncProducer),
      transactionalProducer: of<ProducerMetricsSnapshot>(this.txnProducerMade),
      consumer: of<ConsumerMetricsSnapshot>(this.group),
      manualConsumer: of<ConsumerMetricsSnapshot>(this.manualConsumerMade),
      subscriptions: [...this.subs.values()].flat().map((sub) => ({ connection: sub.connection, topic: sub.topic, queued: sub.length, stopped: sub.stopped, paused: this.pausedTopics.has(sub.topic) })),
    };
    return out;
  }

  /**
   * An Admin on this Multiplexer's Config (its brokers, TLS and SASL), for the operations
   * besides producing and consuming (docs/admin.md). It has its own connections: close it
   * when done.
   */
  admin(): Promise<Admin> {
    return Admin.create(this.config);
  }

  /**
   * Stops delivery, waits for the handlers' current messages, commits the marked offsets,
   * closes the consumers, flushes the async sends, then closes the producers. Messages queued
   * but not handled are not marked: the group delivers them again after a restart.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      for (const t of this.heldBack.values()) clearTimeout(t);
      this.heldBack.clear();
      const errors: unknown[] = [];
      const attempt = async (fn: () => Promise<void> | undefined): Promise<void> => {
        try {
          await fn();
        } catch (err) {
          errors.push(err);
        }
      };
      for (const sub of this.manual.values()) {
        sub.stopped = true;
        sub.pc?.close();
      }
      const subs = [...this.subs.values()].flat();
      for (const s of subs) s.drop();
      await Promise.all(subs.map((s) => s.idle()));
      await Promise.all([...this.manual.values()].map((s) => s.done));
      if (this.group) {
        const group = this.group;
        await attempt(() => group.commitOffsets());
        await attempt(() => group.close());
        await this.loop;
      }
      if (this.manualConsumer) {
        const mc = this.manualConsumer;
        await attempt(async () => (await mc).close());
      }
      await attempt(() => this.asyncProducer.flush());
      await attempt(() => this.asyncProducer.close());
      await attempt(() => this.syncProducer.close());
      if (this.txnProducer !== undefined) {
        const made = this.txnProducer;
        await this.txnQueue;
        await attempt(async () => (await made.catch(() => undefined))?.close());
      }
      if (errors.length > 0) throw errors[0];
    })();
    return this.closing;
  }
}

/**
 * The producers of a transaction: its sync sends are the transactional producer's; its async
 * sends too, calling back when each resolves (`pending` holds them until the commit waits for
 * them; a callback that throws fails the transaction). After the transaction is over, sends
 * through it are refused, so none can slip into the next transaction.
 */
function transactionProducers(
  producer: Pick<MuxTransactionalProducer, 'sendMsgByte' | 'sendMsgToPartition'>,
  tx: () => ConnectionTransaction,
  pending: Set<Promise<void>>,
  onCallbackError: (err: unknown) => void,
): ConnectionProducers {
  const open = (what: string): void => {
    const t = tx();
    if (t.isFinished) throw new MuxUsageError('ERR_MUX_TXN_DONE', `${what}: the transaction of connection '${t.name}' is over; send inside its function`);
  };
  const track = <M>(sent: Promise<ProducerMessage<M>>, callbacks: AsyncCallbacks<M>): void => {
    const done: Promise<void> = sent.then(
      (m) => callbacks.onSuccess?.(m),
      (err: ProducerError) => callbacks.onError?.(err),
    ).then(undefined, onCallbackError).finally(() => pending.delete(done));
    pending.add(done);
  };
  return {
    syncProducer: {
      sendMsgByte: (topic, key, value, metadata) => {
        open('send');
        return producer.sendMsgByte(topic, key, value, metadata);
      },
      sendMsgToPartition: (topic, partition, key, value, metadata) => {
        open('send');
        return producer.sendMsgToPartition(topic, partition, key, value, metadata);
      },
      close: async () => undefined,
    },
    asyncProducer: {
      sendMsgByte: (topic, key, value, metadata, callbacks = {}) => {
        open('send');
        track(producer.sendMsgByte(topic, key, value, metadata), callbacks);
      },
      sendMsgToPartition: (topic, partition, key, value, metadata, callbacks = {}) => {
        open('send');
        track(producer.sendMsgToPartition(topic, partition, key, value, metadata), callbacks);
      },
      flush: async () => {
        while (pending.size > 0) await Promise.allSettled([...pending]);
      },
      close: async () => undefined,
    },
  };
}
