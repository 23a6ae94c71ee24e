/**
 * MockMultiplexer: the Multiplexer with no broker, as the Go layer's `mux.Mock(t)` (a
 * Multiplexer over mock producers). Its connections are the real connection classes
 * (BytesConnection, ProtoConnection, ...), each over a small backend that sends through a
 * MockSyncProducer / MockAsyncProducer and subscribes here, so a connection behaves as in
 * production down to its argument checks, and has every method the real one has.
 *
 * Consumption happens when the test says so: `deliver(topic, message)` hands a message to every
 * connection consuming the topic (or to the manual subscription of its partition) and resolves
 * once their handlers are done. Marks follow the Multiplexer's rule: the group's mark of a
 * partition is the least of the marks of the connections consuming the topic; `commitOffsets()`
 * (and `close()`) commit it.
 */
import { EventEmitter } from 'node:events';
import type * as protobuf from 'protobufjs';
import type { AsyncProducer, SyncProducer } from '../client/producers.js';
import { OffsetNewest, OffsetOldest } from '../client/config.js';
import type { ConsumerMessage, StartOffset } from '../client/consumer.js';
import type { TopicPartition } from '../consumer/assignors.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import type { MessageBytes, MessageHeader } from '../producer/message.js';
import { BytesConnection, BytesManualConnection } from '../mux/connections.js';
import { MuxClosedError, MuxStartedError, MuxUsageError } from '../mux/errors.js';
import { HandlerError, type MessageHandler, type Multiplexer, type MultiplexerEvents } from '../mux/multiplexer.js';
import { ProtoConnection, ProtoManualConnection, type ProtoSerializer, type ProtoValue, jsonSerializer } from '../mux/proto.js';
import { MockAsyncProducer, MockSyncProducer } from './producers.js';
import { MockLog, type MockPartitioningOptions, type SendExpectation, type SendMatcher, type SentMessage, select, toBuffer } from './sends.js';

export interface MockMultiplexerOptions extends MockPartitioningOptions {
  /** The Multiplexer's name. Default `'mock'`. */
  name?: string;
  /** The consumer group id. Default: the name. */
  groupId?: string;
  /** Serializer of proto connections created without one. Default jsonSerializer, the Multiplexer's. */
  serializer?: ProtoSerializer;
}

/** A message for {@link MockMultiplexer.deliver}: what a consumer would have read. */
export interface DeliveredMessageInput {
  key?: MessageBytes | null;
  /** Bytes, a string, null (a tombstone), or a protobuf value encoded with `serializer`. */
  value: MessageBytes | null | ProtoValue;
  /** Default: where the Multiplexer's producers would put `key`. */
  partition?: number;
  /** Default: the partition's next offset. */
  offset?: bigint | number;
  headers?: MessageHeader[];
  /** Milliseconds since the epoch, or a Date. Default: now. */
  timestamp?: number | Date;
  /** Encodes a protobuf `value`. Default: the mock's serializer. */
  serializer?: ProtoSerializer;
}

/** What {@link MockMultiplexer.deliver} did. */
export interface Delivery {
  /** The message as the handlers got it (a proto connection's handler gets it as a ProtoMessage). */
  message: ConsumerMessage;
  /** The connections whose handler ran for it, in subscription order. */
  connections: string[];
  /** What the handlers threw, as the Multiplexer reports it. */
  errors: HandlerError[];
}

/** The group's mark (or committed offset) of a partition. */
export interface MarkedOffset {
  topic: string;
  partition: number;
  /** The offset a restarted group resumes at: the marked message's offset + 1 (Kafka's committed offset). */
  offset: bigint;
  metadata: string | undefined;
}

/** A partition consumed by a manual connection. */
export interface PartitionSubscription {
  connection: string;
  topic: string;
  partition: number;
  /** The start offset as given to consumePartition. */
  offset: StartOffset;
}

/** What a connection asks of its Multiplexer; the real connection classes call these members only. */
type ConnectionBackend = Pick<Multiplexer, 'subscribe' | 'unsubscribe' | 'mark' | 'commitOffsets' | 'consumePartition' | 'stopConsumingPartition'> & {
  readonly syncProducer: Pick<SyncProducer, 'sendMsgByte' | 'sendMsgToPartition'>;
  readonly asyncProducer: Pick<AsyncProducer, 'sendMsgByte' | 'sendMsgToPartition'>;
};

/** A subscription's messages, handled one at a time in order. */
interface Queue {
  connection: string;
  handler: MessageHandler;
  stopped: boolean;
  queue: Array<{ message: ConsumerMessage; done: (error: HandlerError | undefined) => void }>;
  running: boolean;
}

interface Subscription extends Queue {
  topic: string;
  /** Next offset to commit, per partition, as this connection marked it. */
  marks: Map<number, { offset: bigint; metadata: string | undefined }>;
}

interface ManualSubscription extends PartitionSubscription, Queue {
  /** The first offset delivered, once consumption began (at start(), or at once after it). */
  from: bigint | undefined;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class MockMultiplexer extends EventEmitter<MultiplexerEvents> {
  readonly name: string;
  readonly groupId: string;
  /** The serializer of proto connections created without one. */
  readonly serializer: ProtoSerializer;
  /** The producer every connection's sync sends go through (as the Go mock's SyncPub). */
  readonly syncProducer: MockSyncProducer;
  /** The producer every connection's async sends go through (as the Go mock's AsyncPub). */
  readonly asyncProducer: MockAsyncProducer;

  private readonly log: MockLog;
  private readonly connectionNames = new Set<string>();
  private readonly subs = new Map<string, Subscription[]>();
  private readonly manual = new Map<string, ManualSubscription>();
  private readonly groupMarks = new Map<string, MarkedOffset>();
  private readonly committedOffsets = new Map<string, MarkedOffset>();
  private readonly deliveredMessages: ConsumerMessage[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private started = false;
  private stopping = false;
  private closing: Promise<void> | undefined;

  /**
   * Partitioning defaults to the Multiplexer's (the Go layer's, GO_LAYER_DEFAULTS): sarama's
   * FNV-1a hash, a null key placed as the empty key; every topic has 1 partition unless
   * `partitions` or `defaultPartitions` say otherwise.
   */
  constructor(options: MockMultiplexerOptions = {}) {
    super();
    const name = options.name ?? 'mock';
    if (typeof name !== 'string' || name === '') throw new MuxUsageError('ERR_MUX_NAME', 'a Multiplexer needs a non-empty name');
    this.name = name;
    this.groupId = options.groupId ?? name;
    this.serializer = options.serializer ?? jsonSerializer;
    this.log = new MockLog({ ...options, hashFunction: options.hashFunction ?? 'fnv1a', nullKey: options.nullKey ?? 'hash-empty' });
    this.syncProducer = new MockSyncProducer({}, this.log);
    this.asyncProducer = new MockAsyncProducer({}, this.log);
  }

  isStarted(): boolean {
    return this.started;
  }

  /** The topics subscribed through `consumeTopic`. */
  topics(): string[] {
    return [...this.subs.keys()];
  }

  /** Every partition of the subscribed topics once started (the mock's group has one member). */
  assignment(): TopicPartition[] {
    if (!this.started || this.closing) return [];
    return this.topics().flatMap((topic) => Array.from({ length: this.log.partitionCount(topic) }, (_, partition) => ({ topic, partition })));
  }

  /** Whether delivery of `topic` is paused: as the Multiplexer, when every connection consuming it stopped. */
  isPaused(topic: string): boolean {
    const list = this.subs.get(topic);
    return list !== undefined && list.every((s) => s.stopped);
  }

  // ---------------------------------------------------------------- connections

  newBytesConnection(name: string): BytesConnection {
    this.claimName(name);
    return new BytesConnection(this.backend(name) as unknown as Multiplexer, name);
  }

  /** The same as {@link newBytesConnection} (the Go plugin's `NewConnection`). */
  newConnection(name: string): BytesConnection {
    return this.newBytesConnection(name);
  }

  newBytesManualConnection(name: string): BytesManualConnection {
    this.claimName(name);
    return new BytesManualConnection(this.backend(name) as unknown as Multiplexer, name);
  }

  newProtoConnection(name: string, serializer: ProtoSerializer = this.serializer): ProtoConnection {
    return new ProtoConnection(this.newBytesConnection(name), serializer);
  }

  newProtoManualConnection(name: string, serializer: ProtoSerializer = this.serializer): ProtoManualConnection {
    return new ProtoManualConnection(this.newBytesManualConnection(name), serializer);
  }

  private claimName(name: string): void {
    this.ensureOpen('new connection');
    if (typeof name !== 'string' || name === '') throw new MuxUsageError('ERR_MUX_NAME', 'a connection needs a non-empty name');
    if (this.connectionNames.has(name)) throw new MuxUsageError('ERR_MUX_NAME', `a connection named '${name}' already exists`);
    this.connectionNames.add(name);
  }

  /** The Multiplexer a connection named `name` sees: sends tagged with its name, subscriptions here. */
  private backend(name: string): ConnectionBackend {
    const sync = this.syncProducer;
    const async = this.asyncProducer;
    return {
      syncProducer: {
        sendMsgByte: (topic, key, value, metadata) => sync.sendAs(name, { topic, key, value, metadata }),
        sendMsgToPartition: (topic, partition, key, value, metadata) => sync.sendAs(name, { topic, partition, key, value, metadata }),
      },
      asyncProducer: {
        sendMsgByte: (topic, key, value, metadata, callbacks) => async.sendAs(name, { topic, key, value, metadata }, callbacks),
        sendMsgToPartition: (topic, partition, key, value, metadata, callbacks) =>
          async.sendAs(name, { topic, partition, key, value, metadata }, callbacks),
      },
      subscribe: (connection, topic, handler) => this.subscribe(connection, topic, handler),
      unsubscribe: (connection, topic) => this.unsubscribe(connection, topic),
      mark: (connection, message, metadata) => this.mark(connection, message, metadata),
      commitOffsets: () => this.commitOffsets(),
      consumePartition: (connection, topic, partition, offset, handler) => this.consumePartition(connection, topic, partition, offset, handler),
      stopConsumingPartition: (connection, topic, partition, offset) => this.stopConsumingPartition(connection, topic, partition, offset),
    };
  }

  // ---------------------------------------------------------------- what the connections call (the Multiplexer's rules)

  private ensureOpen(what: string): void {
    if (this.closing) throw new MuxClosedError(what);
  }

  private subscribe(connection: string, topic: string, handler: MessageHandler): void {
    this.ensureOpen('consumeTopic');
    if (this.started) throw new MuxStartedError(`consumeTopic('${topic}')`);
    if (typeof topic !== 'string' || topic === '') throw new MuxUsageError('ERR_MUX_TOPIC', 'consumeTopic: a topic must be a non-empty string');
    if (typeof handler !== 'function') throw new MuxUsageError('ERR_MUX_HANDLER', 'consumeTopic: the handler must be a function');
    const list = this.subs.get(topic) ?? [];
    if (list.some((s) => s.connection === connection)) {
      throw new MuxUsageError('ERR_MUX_SUBSCRIBED', `connection '${connection}' already consumes topic '${topic}'`);
    }
    list.push({ connection, topic, handler, stopped: false, queue: [], running: false, marks: new Map() });
    this.subs.set(topic, list);
  }

  private unsubscribe(connection: string, topic: string): void {
    const sub = this.subs.get(topic)?.find((s) => s.connection === connection && !s.stopped);
    if (sub === undefined) return;
    sub.stopped = true;
    for (const p of [...sub.marks.keys()]) this.updateMark(topic, p, undefined);
  }

  private mark(connection: string, message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
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

  /** The group's mark of a partition: the least of the marks of the connections still consuming the topic. */
  private updateMark(topic: string, partition: number, metadata: string | undefined): void {
    if (!this.started) return; // as the Multiplexer: no group consumer to mark in before start()
    const active = (this.subs.get(topic) ?? []).filter((s) => !s.stopped);
    if (active.length === 0) return;
    let min: bigint | undefined;
    for (const s of active) {
      const m = s.marks.get(partition);
      if (m === undefined) return; // someone has not processed anything of it yet
      if (min === undefined || m.offset < min) min = m.offset;
    }
    if (min !== undefined) this.groupMarks.set(tpKey(topic, partition), { topic, partition, offset: min, metadata });
  }

  /** Commits the group's marks now (what `commitOffsets()` of any connection does). */
  async commitOffsets(): Promise<void> {
    if (!this.started) return;
    for (const [k, m] of this.groupMarks) this.committedOffsets.set(k, { ...m });
  }

  private async consumePartition(connection: string, topic: string, partition: number, offset: StartOffset, handler: MessageHandler): Promise<void> {
    this.ensureOpen('consumePartition');
    if (typeof handler !== 'function') throw new MuxUsageError('ERR_MUX_HANDLER', 'consumePartition: the handler must be a function');
    const k = tpKey(topic, partition);
    const other = this.manual.get(k);
    if (other !== undefined) throw new MuxUsageError('ERR_ALREADY_CONSUMING', `${topic}-${partition} is already consumed by connection '${other.connection}'`);
    const sub: ManualSubscription = { connection, topic, partition, offset, handler, stopped: false, queue: [], running: false, from: undefined };
    this.manual.set(k, sub);
    if (this.started) {
      try {
        this.launch(sub);
      } catch (err) {
        this.manual.delete(k);
        throw err;
      }
    }
  }

  /** Begins a manual subscription: checks the partition and start offset as the consumer does. */
  private launch(sub: ManualSubscription): void {
    const count = this.log.partitionCount(sub.topic);
    if (!Number.isInteger(sub.partition) || sub.partition < 0 || sub.partition >= count) {
      throw new KafkaesqueError('ERR_UNKNOWN_PARTITION', `topic '${sub.topic}' has ${count} partition(s); partition ${sub.partition} does not exist`);
    }
    const o = sub.offset;
    if (o === 'oldest' || o === OffsetOldest) sub.from = 0n;
    else if (o === 'newest' || o === OffsetNewest) sub.from = this.log.logEnd(sub.topic, sub.partition);
    else if ((typeof o === 'bigint' && o >= 0n) || (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) sub.from = BigInt(o);
    else {
      throw new KafkaesqueError(
        'ERR_INVALID_OFFSET',
        `start offset must be OffsetOldest (-2), OffsetNewest (-1), 'oldest', 'newest' or an offset >= 0, got ${String(o)}`,
      );
    }
  }

  private stopConsumingPartition(connection: string, topic: string, partition: number, offset?: StartOffset): void {
    const k = tpKey(topic, partition);
    const sub = this.manual.get(k);
    if (sub === undefined || sub.connection !== connection || (offset !== undefined && startKey(sub.offset) !== startKey(offset))) {
      const now =
        sub === undefined
          ? 'it is not consumed manually'
          : sub.connection !== connection
            ? `it is consumed by connection '${sub.connection}'`
            : `it is consumed from ${describeStart(sub.offset)}`;
      throw new MuxUsageError(
        'ERR_MUX_NOT_CONSUMING',
        `stopConsumingPartition: connection '${connection}' does not consume ${topic}-${partition}${offset === undefined ? '' : ` from ${describeStart(offset)}`} (${now})`,
      );
    }
    sub.stopped = true;
    this.manual.delete(k);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts consumption: subscriptions are fixed from now on; manual subscriptions made so far begin. */
  async start(): Promise<void> {
    this.ensureOpen('start');
    if (this.started) throw new MuxStartedError('start()');
    this.started = true;
    for (const sub of this.manual.values()) if (sub.from === undefined) this.launch(sub);
  }

  /**
   * As the Multiplexer's close: lets the handlers finish the message they are on, commits the
   * group's marks, flushes the async sends and closes the producers (later sends fail with
   * ProducerClosedError; new connections, subscriptions and deliveries with MuxClosedError).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      for (const sub of this.manual.values()) sub.stopped = true;
      await Promise.all([...this.inflight]);
      await this.commitOffsets();
      try {
        await this.asyncProducer.close();
      } finally {
        await this.syncProducer.close();
      }
    })();
    return this.closing;
  }

  /**
   * Resolves once every async send has its outcome (callbacks called) and every handler is
   * done; rejects with what an async callback threw, if one did.
   */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
    await this.asyncProducer.flush();
  }

  // ---------------------------------------------------------------- consumption

  /**
   * Hands `message` of `topic` to every connection consuming the topic (in its order with the
   * messages delivered before), or, when a manual connection consumes the message's partition,
   * to that one only if the offset is at or past where it started (as the Multiplexer, a
   * partition consumed manually is not delivered through the group). Resolves once those
   * handlers are done. The message takes the partition's next offset unless it gives one.
   *
   * A handler that throws is reported as the Multiplexer reports it: a HandlerError on the
   * `'error'` event; without an `'error'` listener, `deliver` rejects with it (after every
   * handler ran), so a failing handler fails the test.
   */
  async deliver(topic: string, input: DeliveredMessageInput): Promise<Delivery> {
    this.ensureOpen('deliver');
    if (!this.started) throw new MuxUsageError('ERR_MUX_NOT_STARTED', `deliver('${topic}'): the Multiplexer is not started; call start() first (nothing consumes before it)`);
    if (typeof topic !== 'string' || topic === '') throw new MuxUsageError('ERR_MUX_TOPIC', 'deliver: a topic must be a non-empty string');
    if (input === null || typeof input !== 'object') throw new MuxUsageError('ERR_MUX_DELIVER', 'deliver: give the message as { key?, value, partition?, offset?, headers? }');
    const key = toBuffer(input.key ?? null);
    const partition = this.log.choosePartition(topic, key, input.partition);
    let explicit: bigint | undefined;
    if (input.offset !== undefined) {
      const o = input.offset;
      if (!((typeof o === 'bigint' && o >= 0n) || (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0))) {
        throw new MuxUsageError('ERR_MUX_OFFSET', `deliver: offset must be a bigint or safe integer >= 0, got ${String(o)}`);
      }
      explicit = BigInt(o);
    }
    const value = valueBytes(input.value, input.serializer ?? this.serializer);
    const ts = input.timestamp instanceof Date ? input.timestamp.getTime() : input.timestamp;
    const message: ConsumerMessage = {
      topic,
      partition,
      offset: this.log.append(topic, partition, explicit),
      key,
      value,
      headers: (input.headers ?? []).map((h) => ({ key: h.key, value: toBuffer(h.value) })),
      timestamp: ts ?? Date.now(),
    };
    this.deliveredMessages.push(message);

    const runs: Array<Promise<HandlerError | undefined>> = [];
    const connections: string[] = [];
    const manual = this.manual.get(tpKey(topic, partition));
    if (manual !== undefined) {
      if (!manual.stopped && manual.from !== undefined && message.offset >= manual.from) {
        connections.push(manual.connection);
        runs.push(this.enqueue(manual, message));
      }
    } else {
      for (const s of this.subs.get(topic) ?? []) {
        if (s.stopped) continue;
        connections.push(s.connection);
        runs.push(this.enqueue(s, message));
      }
    }
    const errors = (await Promise.all(runs)).filter((e): e is HandlerError => e !== undefined);
    if (errors.length > 0 && this.listenerCount('error') === 0) throw errors[0];
    return { message, connections, errors };
  }

  /**
   * Queues `m` after the subscription's previous messages; resolves with the handler's error,
   * if any. As in the Multiplexer, an idle subscription starts its handler at once.
   */
  private enqueue(sub: Queue, m: ConsumerMessage): Promise<HandlerError | undefined> {
    const done = new Promise<HandlerError | undefined>((resolve) => {
      sub.queue.push({ message: m, done: resolve });
      if (!sub.running) void this.drain(sub);
    });
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done));
    return done;
  }

  private async drain(sub: Queue): Promise<void> {
    sub.running = true;
    try {
      for (let next = sub.queue.shift(); next !== undefined; next = sub.queue.shift()) {
        // stopConsuming / close drop what is queued, as the Multiplexer does
        if (sub.stopped || this.stopping) {
          next.done(undefined);
          continue;
        }
        const m = next.message;
        try {
          await sub.handler(m);
          next.done(undefined);
        } catch (err) {
          const e = new HandlerError(sub.connection, m.topic, m.partition, m.offset, err);
          if (this.listenerCount('error') > 0) this.emit('error', e);
          next.done(e);
        }
      }
    } finally {
      sub.running = false;
    }
  }

  // ---------------------------------------------------------------- what a test reads

  /** The messages delivered so far, in order. */
  delivered(): ConsumerMessage[] {
    return [...this.deliveredMessages];
  }

  /** The connections consuming `topic` (not stopped), in subscription order. */
  subscribers(topic: string): string[] {
    return (this.subs.get(topic) ?? []).filter((s) => !s.stopped).map((s) => s.connection);
  }

  /** The partitions consumed by manual connections. */
  partitionSubscriptions(): PartitionSubscription[] {
    return [...this.manual.values()].map(({ connection, topic, partition, offset }) => ({ connection, topic, partition, offset }));
  }

  /**
   * The group's marks: per partition, the least offset every connection consuming the topic
   * marked (+1, where a restart resumes). With `connection`: that connection's own marks.
   */
  marked(connection?: string): MarkedOffset[] {
    if (connection === undefined) return sortMarks([...this.groupMarks.values()].map((m) => ({ ...m })));
    const out: MarkedOffset[] = [];
    for (const list of this.subs.values()) {
      for (const s of list) {
        if (s.connection !== connection) continue;
        for (const [partition, m] of s.marks) out.push({ topic: s.topic, partition, offset: m.offset, metadata: m.metadata });
      }
    }
    return sortMarks(out);
  }

  /** The offsets committed by `commitOffsets()` and `close()`. */
  committed(): MarkedOffset[] {
    return sortMarks([...this.committedOffsets.values()].map((m) => ({ ...m })));
  }

  /** The connections' acknowledged sends (matching `matcher`), sync and async, in send order. */
  sent(matcher?: SendMatcher): SentMessage[] {
    return select(this.log.acked, matcher);
  }

  /** The failed sends (matching `matcher`), each with its `error`. */
  failed(matcher?: SendMatcher): SentMessage[] {
    return select(this.log.failures, matcher);
  }

  /** The next send (matching `matcher`), sync or async, fails with `error` (default a MockSendError). */
  failNextSend(error?: Error, matcher?: SendMatcher): void {
    this.log.failNext(error, matcher);
  }

  /** Every send (matching `matcher`) fails with `error` until the returned function is called. */
  failSends(error?: Error, matcher?: SendMatcher): () => void {
    return this.log.failAll(error, matcher);
  }

  /** Strict mode, as sarama's mocks: see MockSyncProducer.expectSend. */
  expectSend(matcher?: SendMatcher): SendExpectation {
    return this.log.expect(matcher);
  }

  /** Throws when an expected send has not come or a send came unexpected. */
  verify(): void {
    this.log.verify();
  }

  /** Forgets the recorded sends, injected failures and expectations (offsets go on). */
  reset(): void {
    this.log.reset();
  }

  /** Sets the partition count of `topic` (others have the default). */
  setPartitions(topic: string, count: number): void {
    this.log.setPartitions(topic, count);
  }
}

function sortMarks(list: MarkedOffset[]): MarkedOffset[] {
  return list.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** A start offset in one spelling: OffsetOldest and 'oldest' are one start, 7 and 7n too. */
function startKey(offset: StartOffset): string {
  if (offset === 'oldest' || offset === OffsetOldest) return 'oldest';
  if (offset === 'newest' || offset === OffsetNewest) return 'newest';
  return String(offset);
}

function describeStart(offset: StartOffset): string {
  const key = startKey(offset);
  return key === 'oldest' ? 'OffsetOldest' : key === 'newest' ? 'OffsetNewest' : `offset ${key}`;
}

/** The bytes of a delivered value: as given, or a protobuf value encoded as a proto connection's send would. */
function valueBytes(value: MessageBytes | null | ProtoValue, serializer: ProtoSerializer): Buffer | null {
  if (value === null || typeof value === 'string' || value instanceof Uint8Array) return toBuffer(value);
  if (typeof value === 'object' && 'type' in value && 'value' in value && typeof (value.type as protobuf.Type | undefined)?.encode === 'function') {
    return serializer.encode(value.type, value.value);
  }
  const type = (value as { $type?: protobuf.Type }).$type;
  if (type === undefined) throw new MuxUsageError('ERR_MUX_PROTO', 'deliver: a value must be bytes, a string, null, a protobufjs message (with $type) or { type, value }');
  return serializer.encode(type, value);
}
