/**
 * MockMultiplexer: the Multiplexer with no broker, as the Go layer's `mux.Mock(t)`. It is the
 * real Multiplexer (`multiplexer`), built over a MockSyncProducer, a MockAsyncProducer and an
 * in-memory group and manual consumer (src/testing/consumers.ts) in place of the client's. So
 * subscriptions, marks and the min-mark rule, delivery queues, pausing and manual partitions are
 * the Multiplexer's own code, and its connections are the real connection classes.
 *
 * Consumption happens when the test says so: `deliver(topic, message)` puts a message in its
 * partition, the in-memory consumers hand it to the Multiplexer as a fetch would, and the promise
 * resolves once the Multiplexer's handlers are done. The group's marks and commits are what the
 * Multiplexer gave its (in-memory) group consumer.
 */
import type * as protobuf from 'protobufjs';
import { Config } from '../client/config.js';
import type { ConsumerMessage } from '../client/consumer.js';
import type { TopicPartition } from '../consumer/assignors/index.js';
import type { NullKeyPartitioning } from '../producer/partitioner.js';
import type { MessageBytes, MessageHeader } from '../producer/message.js';
import type { BytesConnection, BytesManualConnection } from '../mux/connections.js';
import { MuxClosedError, MuxUsageError } from '../mux/errors.js';
import { HandlerError } from '../mux/errors.js';
import { Multiplexer, type MultiplexerEvents, type PartitionSubscriptionState } from '../mux/multiplexer.js';
import type { ConnectionProducers, MultiplexerParts } from '../mux/types.js';
import type { ProtoConnection, ProtoManualConnection, ProtoSerializer, ProtoValue } from '../mux/proto.js';
import { DeliveredLog, type MarkedOffset, MockGroupConsumer, MockManualConsumer } from './consumers.js';
import { MockAsyncProducer, MockSyncProducer, MockTransactionalProducer } from './producers.js';
import { MockLog, type MockPartitioningOptions, MockSends, type SendMatcher, select, toBuffer } from './sends.js';
import type { SentMessage } from './types.js';
import { TransactionAbortableError } from '../producer/errors.js';

export interface MockMultiplexerOptions extends MockPartitioningOptions {
  /** The Multiplexer's name. Default `'mock'`. */
  name?: string;
  /** The consumer group id. Default: the name. */
  groupId?: string;
  /** Serializer of proto connections created without one. Default jsonSerializer, the Multiplexer's. */
  serializer?: ProtoSerializer;
  /** The transactional id of `conn.transaction(...)`'s (in-memory) producer. Default `'mock'`. */
  transactionalId?: string;
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

export type { MarkedOffset };

/** A partition consumed by a manual connection: `offset` is the start offset given to consumePartition. */
export type PartitionSubscription = PartitionSubscriptionState;

/** What the handlers did with a message deliver() waits for. */
interface Handling {
  connections: Set<string>;
  errors: HandlerError[];
}

/**
 * The Multiplexer with no broker. Its reads of the sends (`sent`, `failed`) and failure injection
 * (`failNextSend`, `failSends`, `expectSend`, `verify`, `reset`) cover both producers (see MockSends).
 */
export class MockMultiplexer extends MockSends<MultiplexerEvents> {
  /**
   * The real Multiplexer inside, over the mock producers and the in-memory consumers: give it to
   * code that takes a Multiplexer, e.g. `KafkaPlugin.fromExistingMux(mock.multiplexer)` (the Go
   * tests' `FromExistingMux(mux.Mock(t).Mux)`). What it does, the mock's reads show.
   */
  readonly multiplexer: Multiplexer;
  readonly name: string;
  readonly groupId: string;
  /** The transactional id of `conn.transaction(...)`'s producer: the mock's is `'mock'` unless the options give one. */
  readonly transactionalId: string | undefined;
  /** The serializer of proto connections created without one. */
  readonly serializer: ProtoSerializer;
  /** The producer every connection's sync sends go through (as the Go mock's SyncPub). */
  readonly syncProducer: MockSyncProducer;
  /** The producer every connection's async sends go through (as the Go mock's AsyncPub). */
  readonly asyncProducer: MockAsyncProducer;

  /** @internal */ readonly log: MockLog;
  /** The partitions' delivered messages, which the in-memory consumers read. */
  private readonly records = new DeliveredLog();
  private group: MockGroupConsumer | undefined;
  private readonly handling = new Map<ConsumerMessage, Handling>();
  /** Handler failures that belong to a delivery a test awaits (reported through it, not as unreported). */
  private readonly attributed = new WeakSet<HandlerError>();
  /** Errors of no delivery a test awaits, with no 'error' listener: the next deliver() or flush() rejects with them. */
  private readonly unreported: Error[] = [];

  /**
   * Partitioning defaults to the Multiplexer's (the Go layer's, GO_LAYER_DEFAULTS): sarama's
   * FNV-1a hash, a null key placed as the empty key; every topic has 1 partition unless
   * `partitions` or `defaultPartitions` say otherwise.
   */
  constructor(options: MockMultiplexerOptions = {}) {
    super();
    let log: MockLog | undefined;
    // undefined options are unset: the Config and the Multiplexer take their defaults
    const config = new Config({ partitioner: options.partitioner, partition: options.partition, transactionalId: options.transactionalId ?? 'mock' });
    const { groupId, serializer, hashFunction, nullKey } = options;
    this.multiplexer = Multiplexer.withParts(config, options.name ?? 'mock', { groupId, serializer, hashFunction, nullKey }, (resolved): MultiplexerParts => {
      // the sends are placed by the Multiplexer's Config, the Go layer's defaults applied
      const shared = (log = new MockLog({
        ...options,
        partitioner: resolved.partitioner,
        hashFunction: resolved.hashFunction,
        nullKey: resolved.nullKey as NullKeyPartitioning,
        partition: resolved.partition,
      }));
      return {
        syncProducer: new MockSyncProducer({}, shared),
        asyncProducer: new MockAsyncProducer({}, shared),
        createGroupConsumer: async (c) => (this.group = new MockGroupConsumer(this.records, shared, c.topics, c.initialOffset, c.group)),
        createManualConsumer: async () => new MockManualConsumer(this.records, shared),
        createTransactionalProducer: async () => new MockTransactionalProducer(shared, (offsets) => this.group?.commitTransactional(offsets)),
        transactionalSendsFor: (connection, producer) => {
          const p = producer as MockTransactionalProducer;
          return {
            sendMsgByte: (topic, key, value, metadata) => p.sendAs(connection, { topic, key, value, metadata }),
            sendMsgToPartition: (topic, partition, key, value, metadata) => p.sendAs(connection, { topic, partition, key, value, metadata }),
          };
        },
        producersFor: (connection) => this.producersFor(connection),
        onHandled: (connection, message, failure) => this.handled(connection, message, failure),
      };
    });
    this.log = log!;
    this.syncProducer = this.multiplexer.syncProducer as MockSyncProducer;
    this.asyncProducer = this.multiplexer.asyncProducer as MockAsyncProducer;
    this.name = this.multiplexer.name;
    this.groupId = this.multiplexer.groupId;
    this.transactionalId = this.multiplexer.transactionalId;
    this.serializer = this.multiplexer.serializer;
    this.multiplexer.on('error', (err) => this.reported(err));
  }

  /** Producers for connection `name`: the mock producers, recording the connection's name with each send. */
  private producersFor(name: string): ConnectionProducers {
    const sync = this.syncProducer ?? (this.multiplexer.syncProducer as MockSyncProducer);
    const async = this.asyncProducer ?? (this.multiplexer.asyncProducer as MockAsyncProducer);
    return {
      syncProducer: {
        sendMsgByte: (topic, key, value, metadata) => sync.sendAs(name, { topic, key, value, metadata }),
        sendMsgToPartition: (topic, partition, key, value, metadata) => sync.sendAs(name, { topic, partition, key, value, metadata }),
        close: () => sync.close(),
      },
      asyncProducer: {
        sendMsgByte: (topic, key, value, metadata, callbacks) => async.sendAs(name, { topic, key, value, metadata }, callbacks),
        sendMsgToPartition: (topic, partition, key, value, metadata, callbacks) =>
          async.sendAs(name, { topic, partition, key, value, metadata }, callbacks),
        flush: () => async.flush(),
        close: () => async.close(),
      },
    };
  }

  /** A handler of `connection` finished `message` (its failure, if any, is about to be reported): noted for deliver(). */
  private handled(connection: string, message: ConsumerMessage, failure: HandlerError | undefined): void {
    const handling = this.handling.get(message);
    handling?.connections.add(connection);
    if (failure !== undefined && handling !== undefined) {
      handling.errors.push(failure);
      this.attributed.add(failure);
    }
  }

  /** An error the Multiplexer reports: a handler's belongs to its delivery (see handled); each goes to 'error' listeners. */
  private reported(err: Error): void {
    const attributed = err instanceof HandlerError && this.attributed.delete(err);
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else if (!attributed) this.unreported.push(err);
  }


  isStarted(): boolean {
    return this.multiplexer.isStarted();
  }

  /** The topics subscribed through `consumeTopic`. */
  topics(): string[] {
    return this.multiplexer.topics();
  }

  /** The partitions the group consumer owns: once started, every partition of the subscribed topics (the group has one member). */
  assignment(): TopicPartition[] {
    return this.multiplexer.assignment();
  }

  /** Whether delivery of `topic` is paused (the Multiplexer's backpressure, or nobody consumes it any more). */
  isPaused(topic: string): boolean {
    return this.multiplexer.isPaused(topic);
  }

  // ---------------------------------------------------------------- connections (the Multiplexer's)

  newBytesConnection(name: string): BytesConnection {
    return this.multiplexer.newBytesConnection(name);
  }

  /** The same as {@link newBytesConnection} (the Go plugin's `NewConnection`). */
  newConnection(name: string): BytesConnection {
    return this.multiplexer.newConnection(name);
  }

  newBytesManualConnection(name: string): BytesManualConnection {
    return this.multiplexer.newBytesManualConnection(name);
  }

  newProtoConnection(name: string, serializer?: ProtoSerializer): ProtoConnection {
    return this.multiplexer.newProtoConnection(name, serializer);
  }

  newProtoManualConnection(name: string, serializer?: ProtoSerializer): ProtoManualConnection {
    return this.multiplexer.newProtoManualConnection(name, serializer);
  }

  /** Commits the group's marks now (what `commitOffsets()` of any connection does). */
  commitOffsets(): Promise<void> {
    return this.multiplexer.commitOffsets();
  }

  // ---------------------------------------------------------------- lifecycle

  /** The Multiplexer's start: subscriptions are fixed from now on; the group consumer and the manual subscriptions made so far begin. */
  start(): Promise<void> {
    return this.multiplexer.start();
  }

  /**
   * The Multiplexer's close: lets the handlers finish the message they are on (what is queued is
   * dropped, unmarked), commits the group's marks, flushes the async sends and closes the
   * producers (later sends fail with ProducerClosedError; new connections, subscriptions and
   * deliveries with MuxClosedError).
   */
  close(): Promise<void> {
    return this.multiplexer.close();
  }

  /**
   * Resolves once every delivered message the consumers can give is handled and every async send
   * has its outcome (callbacks called); rejects with what an async callback threw, or with a
   * handler's error that no deliver() reported and no 'error' listener took.
   */
  async flush(): Promise<void> {
    await this.settle();
    await this.asyncProducer.flush();
    this.throwUnreported();
  }

  /** Waits until the consumers have nothing to give and the Multiplexer's workers are done (a handler may resume a paused partition). */
  private async settle(): Promise<void> {
    do {
      await this.records.idle();
      await this.multiplexer.idle();
    } while (!this.records.isIdle());
  }

  private throwUnreported(): void {
    const err = this.listenerCount('error') === 0 ? this.unreported.shift() : undefined;
    if (err !== undefined) throw err;
  }

  // ---------------------------------------------------------------- consumption

  /**
   * Puts `message` in its partition of `topic`, where the Multiplexer's consumers read it: the
   * group hands it to every connection consuming the topic, unless a manual connection consumes
   * the partition (which gets it from its start offset on), or the Multiplexer paused the
   * partition. Resolves once the handlers are done (with those of the other messages then being
   * delivered). The message takes the partition's next offset unless it gives one.
   *
   * A handler that throws is reported as the Multiplexer reports it: a HandlerError on the
   * `'error'` event; without an `'error'` listener, `deliver` rejects with it (after every
   * handler ran), so a failing handler fails the test.
   */
  async deliver(topic: string, input: DeliveredMessageInput): Promise<Delivery> {
    const mux = this.multiplexer;
    if (mux.isStopping) throw new MuxClosedError('deliver');
    if (!mux.isStarted()) throw new MuxUsageError('ERR_MUX_NOT_STARTED', `deliver('${topic}'): the Multiplexer is not started; call start() first (nothing consumes before it)`);
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
    const handling: Handling = { connections: new Set(), errors: [] };
    this.handling.set(message, handling);
    try {
      this.records.append(message);
      await this.settle();
    } finally {
      this.handling.delete(message);
    }
    const order = mux.subscriptionState().topics.filter((s) => s.topic === topic).map((s) => s.connection);
    const rank = (c: string): number => (order.includes(c) ? order.indexOf(c) : order.length);
    const connections = [...handling.connections].sort((a, b) => rank(a) - rank(b));
    if (handling.errors.length > 0 && this.listenerCount('error') === 0) throw handling.errors[0];
    this.throwUnreported();
    return { message, connections, errors: handling.errors };
  }

  // ---------------------------------------------------------------- what a test reads

  /** The messages delivered so far, in order. */
  delivered(): ConsumerMessage[] {
    return [...this.records.all];
  }

  /** The connections consuming `topic` (not stopped), in subscription order. */
  subscribers(topic: string): string[] {
    return this.multiplexer
      .subscriptionState()
      .topics.filter((s) => s.topic === topic && !s.stopped)
      .map((s) => s.connection);
  }

  /** The partitions consumed by manual connections. */
  partitionSubscriptions(): PartitionSubscription[] {
    return this.multiplexer.subscriptionState().partitions;
  }

  /**
   * The group's marks: per partition, the least offset every connection consuming the topic
   * marked (+1, where a restart resumes), as the Multiplexer marked it in its group consumer.
   * With `connection`: that connection's own marks.
   */
  marked(connection?: string): MarkedOffset[] {
    if (connection === undefined) return sortMarks(this.group?.marked() ?? []);
    const out: MarkedOffset[] = [];
    for (const s of this.multiplexer.subscriptionState().topics) {
      if (s.connection !== connection) continue;
      for (const [partition, m] of s.marks) out.push({ topic: s.topic, partition, offset: m.offset, metadata: m.metadata });
    }
    return sortMarks(out);
  }

  /** The sends of aborted transactions (`conn.transaction(...)`), matching `matcher`, in send order. */
  aborted(matcher?: SendMatcher): SentMessage[] {
    return select(this.log.aborted, matcher);
  }

  /**
   * The next transaction's commit fails with `error` (default a TransactionAbortableError): the
   * Multiplexer aborts it and delivers the connection's messages again from its last mark.
   */
  failNextCommit(error?: Error): void {
    this.log.commitFailures.push(error ?? new TransactionAbortableError('commitTransaction', new Error('the mock was told to fail this commit (failNextCommit)')));
  }

  /** The offsets committed by `commitOffsets()`, `close()` and transactions. */
  committed(): MarkedOffset[] {
    return sortMarks(this.group?.committed() ?? []);
  }

  /** Sets the partition count of `topic` (others have the default); a started group owns the new count, as after a rebalance. */
  override setPartitions(topic: string, count: number): void {
    super.setPartitions(topic, count);
    this.group?.rebalance();
  }
}

function sortMarks(list: MarkedOffset[]): MarkedOffset[] {
  return list.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
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
