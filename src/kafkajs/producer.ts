/** KafkaJS's producer on kafkaesque's SyncProducer. */
import { type Consumer as NativeConsumer, type ConfigOptions, type MessageHeader, type PartitionerContext, SyncProducer } from '../index.js';
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors.js';
import { Instrumentation, type InstrumentationEvent } from './events.js';
import { type ClientContext, compressionName, type CompressionType, type KafkaJSLogger } from './kafka.js';
import { DefaultPartitioner, type ICustomPartitioner, type PartitionMetadata } from './partitioners.js';

export type IHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: IHeaders;
  timestamp?: string;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerBatch {
  acks?: number;
  timeout?: number;
  compression?: CompressionType;
  topicMessages?: TopicMessages[];
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  acks?: number;
  timeout?: number;
  compression?: CompressionType;
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  offset?: string;
  timestamp?: string;
  baseOffset?: string;
  logAppendTime?: string;
  logStartOffset?: string;
}

export interface ProducerConfig {
  createPartitioner?: ICustomPartitioner;
  retry?: unknown;
  metadataMaxAge?: number;
  allowAutoTopicCreation?: boolean;
  idempotent?: boolean;
  transactionalId?: string;
  transactionTimeout?: number;
  maxInFlightRequests?: number;
}

export interface TopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

export interface Offsets {
  topics: TopicOffsets[];
}

/** The consumer (KafkaJS-style) whose group membership a transaction's offsets are committed for. */
export interface GroupMember {
  groupMetadata(): ReturnType<NativeConsumer['groupMetadata']>;
}

export const PRODUCER_EVENTS = Object.freeze({
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
});
// REQUEST_QUEUE_SIZE: kafkaesque has no client-side request queue (see docs/kafkajs-migration.md)
const EMITTED = new Set([PRODUCER_EVENTS.CONNECT, PRODUCER_EVENTS.DISCONNECT, PRODUCER_EVENTS.REQUEST, PRODUCER_EVENTS.REQUEST_TIMEOUT]);

/** KafkaJS's partitioner over kafkaesque's partitioner context (metadata arrays cached per topic shape). */
function nativePartitioner(create: ICustomPartitioner): (ctx: PartitionerContext) => number {
  const partition = create();
  const cache = new Map<string, { count: number; available: readonly number[]; meta: PartitionMetadata[] }>();
  return (ctx) => {
    let c = cache.get(ctx.topic);
    if (!c || c.count !== ctx.partitionCount || c.available !== ctx.availablePartitions) {
      const up = new Set(ctx.availablePartitions);
      const meta: PartitionMetadata[] = [];
      for (let p = 0; p < ctx.partitionCount; p++) {
        meta.push({ partitionErrorCode: 0, partitionId: p, leader: up.has(p) ? 0 : -1, replicas: [], isr: [] });
      }
      c = { count: ctx.partitionCount, available: ctx.availablePartitions, meta };
      cache.set(ctx.topic, c);
    }
    return partition({ topic: ctx.topic, partitionMetadata: c.meta, message: { key: ctx.key } });
  };
}

function headersOf(h: IHeaders | undefined): MessageHeader[] | undefined {
  if (h === undefined || h === null) return undefined;
  const out: MessageHeader[] = [];
  for (const [key, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) out.push({ key, value: one });
    else out.push({ key, value: v });
  }
  return out;
}

function checkBatch(topicMessages: unknown): asserts topicMessages is TopicMessages[] {
  if (!Array.isArray(topicMessages)) throw new KafkaJSNonRetriableError('Invalid topicMessages: an array of { topic, messages } is required');
  for (const tm of topicMessages as TopicMessages[]) {
    if (!tm || typeof tm.topic !== 'string' || tm.topic === '') throw new KafkaJSNonRetriableError(`Invalid topic ${String(tm?.topic)}`);
    if (!Array.isArray(tm.messages)) throw new KafkaJSNonRetriableError(`Invalid messages array [${String(tm.messages)}] for topic "${tm.topic}"`);
    for (const m of tm.messages) {
      if (m === null || typeof m !== 'object' || m.value === undefined) {
        throw new KafkaJSNonRetriableError(`Invalid message without value for topic "${tm.topic}": ${JSON.stringify(m)}`);
      }
    }
  }
}

export class Transaction {
  #active = true;
  constructor(
    private readonly producer: SyncProducer,
    private readonly run: (batch: ProducerBatch) => Promise<RecordMetadata[]>,
    private readonly done: () => void,
  ) {}
  isActive(): boolean {
    return this.#active;
  }
  private check(what: string): void {
    if (!this.#active) throw new KafkaJSNonRetriableError(`Cannot ${what}: the transaction is no longer active`);
  }
  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.check('send');
    return this.run({ topicMessages: [{ topic: record.topic, messages: record.messages }], acks: record.acks, timeout: record.timeout, compression: record.compression });
  }
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.check('send');
    return this.run(batch);
  }
  /** Commits offsets with the transaction: for a group by its id, or for a consumer's membership (KIP-447 fencing). */
  async sendOffsets({ consumerGroupId, consumer, topics }: { consumerGroupId?: string; consumer?: GroupMember; topics: TopicOffsets[] }): Promise<void> {
    this.check('sendOffsets');
    const offsets = topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: BigInt(p.offset) })));
    let group;
    if (consumer) group = consumer.groupMetadata();
    else if (typeof consumerGroupId === 'string') group = { groupId: consumerGroupId, generationId: -1, memberId: '', groupInstanceId: null };
    else throw new KafkaJSNonRetriableError('sendOffsets needs consumerGroupId or consumer');
    try {
      await this.producer.sendOffsetsToTransaction(offsets, group);
    } catch (err) {
      throw toKafkaJSError(err);
    }
  }
  async commit(): Promise<void> {
    this.check('commit');
    try {
      await this.producer.commitTransaction();
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#active = false;
    this.done();
  }
  async abort(): Promise<void> {
    this.check('abort');
    try {
      await this.producer.abortTransaction();
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#active = false;
    this.done();
  }
}

export class Producer {
  readonly events = PRODUCER_EVENTS;
  readonly #ctx: ClientContext;
  readonly #opts: ProducerConfig;
  readonly #instrumentation = new Instrumentation(PRODUCER_EVENTS, EMITTED, 'producer');
  readonly #partitioner: (ctx: PartitionerContext) => number;
  /** One SyncProducer per (acks, compression): kafkaesque sets both per producer, KafkaJS per send. */
  #natives = new Map<string, Promise<SyncProducer>>();
  #connected = false;
  #transaction: Transaction | null = null;

  constructor(ctx: ClientContext, opts: ProducerConfig = {}) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.#partitioner = nativePartitioner(opts.createPartitioner ?? DefaultPartitioner);
  }

  /** Every send of an idempotent or transactional producer goes through one producer, with acks -1. */
  private get single(): boolean {
    return this.#opts.idempotent === true || this.#opts.transactionalId !== undefined;
  }

  private native(acks: number, compression: CompressionType | undefined): Promise<SyncProducer> {
    const comp = compressionName(compression);
    if (this.single && acks !== -1) {
      throw new KafkaJSNonRetriableError('An idempotent or transactional producer needs acks: -1 (all)');
    }
    if (![-1, 0, 1].includes(acks)) throw new KafkaJSNonRetriableError(`acks must be -1, 0 or 1; got ${String(acks)}`);
    const key = this.single ? 'single' : `${acks}/${comp}`;
    let p = this.#natives.get(key);
    if (!p) {
      const o = this.#opts;
      // lingerMs 0: as KafkaJS, a send() goes out at once (its messages are appended together, so they still share batches)
      const extra: ConfigOptions = { acks: acks as -1, compression: comp, partitioner: this.#partitioner, lingerMs: 0, clientInstance: this.#instrumentation.nativeClientInstance() };
      // given either way it is the user's choice; not given, kafkaesque's default (on with acks -1)
      if (o.idempotent !== undefined) extra.idempotent = o.idempotent;
      if (o.transactionalId !== undefined) extra.transactionalId = o.transactionalId;
      if (o.transactionTimeout !== undefined) extra.transactionTimeoutMs = o.transactionTimeout;
      if (o.maxInFlightRequests !== undefined) extra.maxInFlight = o.maxInFlightRequests;
      if (o.metadataMaxAge !== undefined) extra.metadataMaxAgeMs = o.metadataMaxAge;
      if (this.#ctx.retry.retries !== undefined) extra.retries = this.#ctx.retry.retries;
      p = (async () => {
        const sp = await SyncProducer.create(await this.#ctx.makeConfig(extra));
        if (o.transactionalId !== undefined) await sp.initTransactions();
        return sp;
      })();
      this.#natives.set(key, p);
      p.catch(() => this.#natives.delete(key));
    }
    return p;
  }

  async connect(): Promise<void> {
    try {
      await this.native(-1, undefined);
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#connected = true;
    this.#instrumentation.emit(PRODUCER_EVENTS.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    const all = [...this.#natives.values()];
    this.#natives = new Map();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.close()));
    this.#instrumentation.closed();
    if (this.#connected) this.#instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null);
    this.#connected = false;
  }

  isIdempotent(): boolean {
    return this.#opts.idempotent === true;
  }

  on<T = Record<string, unknown>>(eventName: string, listener: (event: InstrumentationEvent<T>) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  logger(): KafkaJSLogger {
    return this.#ctx.logger.namespace('Producer');
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    if (record === null || typeof record !== 'object') throw new KafkaJSNonRetriableError('send needs { topic, messages }');
    return this.sendBatch({ topicMessages: [{ topic: record.topic, messages: record.messages }], acks: record.acks, timeout: record.timeout, compression: record.compression });
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (this.#transaction?.isActive()) {
      throw new KafkaJSNonRetriableError('Cannot send outside the transaction while a transaction is active; use the transaction to send');
    }
    if (this.#opts.transactionalId !== undefined) {
      throw new KafkaJSNonRetriableError('A transactional producer sends only within a transaction: call producer.transaction()');
    }
    return this.produce(batch);
  }

  private async produce({ topicMessages = [], acks = -1, compression }: ProducerBatch): Promise<RecordMetadata[]> {
    checkBatch(topicMessages);
    let sp: SyncProducer;
    try {
      sp = await this.native(acks, compression);
    } catch (err) {
      throw toKafkaJSError(err);
    }
    const sends: Promise<{ topic: string; partition: number; offset: bigint; timestamp: number }>[] = [];
    for (const { topic, messages } of topicMessages) {
      for (const m of messages) {
        sends.push(
          sp.send({
            topic,
            key: m.key ?? null,
            value: m.value,
            headers: headersOf(m.headers),
            partition: m.partition ?? undefined,
            timestamp: m.timestamp !== undefined ? Number(m.timestamp) : undefined,
          }),
        );
      }
    }
    let sent;
    try {
      sent = await Promise.all(sends);
    } catch (err) {
      throw toKafkaJSError(err);
    }
    // no acknowledgement, no metadata: KafkaJS answers an acks 0 send with []
    if (acks === 0) return [];
    // one entry per topic-partition, as KafkaJS answers per produce request partition
    const byTopic = new Map<string, Map<number, RecordMetadata & { first: bigint }>>();
    for (const r of sent) {
      let parts = byTopic.get(r.topic);
      if (parts === undefined) byTopic.set(r.topic, (parts = new Map()));
      const e = parts.get(r.partition);
      if (!e) {
        parts.set(r.partition, { topicName: r.topic, partition: r.partition, errorCode: 0, baseOffset: '', logAppendTime: '-1', logStartOffset: '-1', first: r.offset });
      } else if (r.offset < e.first) {
        e.first = r.offset;
      }
    }
    const out: RecordMetadata[] = [];
    for (const topic of [...byTopic.keys()].sort()) {
      for (const e of [...byTopic.get(topic)!.values()].sort((a, b) => a.partition - b.partition)) {
        const { first, ...rest } = e;
        out.push({ ...rest, baseOffset: String(first) });
      }
    }
    return out;
  }

  async transaction(): Promise<Transaction> {
    if (this.#opts.transactionalId === undefined) {
      throw new KafkaJSNonRetriableError('Must provide transactional id for transactional producer');
    }
    if (this.#transaction?.isActive()) throw new KafkaJSNonRetriableError('There is already an ongoing transaction for this producer');
    let sp: SyncProducer;
    try {
      sp = await this.native(-1, undefined);
      sp.beginTransaction();
    } catch (err) {
      throw toKafkaJSError(err);
    }
    const tx: Transaction = new Transaction(sp, (batch) => this.produce({ ...batch, acks: batch.acks ?? -1 }), () => {
      if (this.#transaction === tx) this.#transaction = null;
    });
    this.#transaction = tx;
    return tx;
  }
}
