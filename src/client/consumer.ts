/**
 * The consumer. This first part is the Go layer's partition consumer (sarama's
 * `Consumer.ConsumePartition`): consume one topic-partition from the oldest, the newest or a
 * given offset, with no group. All partition consumers of one Consumer share its connections
 * and its fetcher (one Fetch in flight per broker, incremental fetch sessions, bounded
 * prefetch). Group membership comes with the rest of the consumer.
 */
import type { RecordHeader } from '../../protocol/records.js';
import { Cluster } from '../cluster/cluster.js';
import { Fetcher, OFFSET_NEWEST, OFFSET_OLDEST } from '../consumer/fetcher.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import { clusterOptions } from './options.js';
import { type Config, OffsetNewest, OffsetOldest } from './config.js';

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

/** Where a partition consumer starts: OffsetOldest, OffsetNewest, or an offset. */
export type StartOffset = bigint | number | 'oldest' | 'newest';

export class ConsumerClosedError extends KafkaesqueError {
  constructor() {
    super('ERR_CONSUMER_CLOSED', 'the consumer is closed; create a new one to consume again');
  }
}

function startOffset(offset: StartOffset): bigint {
  if (offset === 'oldest' || offset === OffsetOldest) return OFFSET_OLDEST;
  if (offset === 'newest' || offset === OffsetNewest) return OFFSET_NEWEST;
  const n = typeof offset === 'bigint' ? offset : Number.isSafeInteger(offset) ? BigInt(offset) : -3n;
  if (n < 0n) {
    throw new KafkaesqueError(
      'ERR_INVALID_OFFSET',
      `start offset must be OffsetOldest (-2), OffsetNewest (-1), 'oldest', 'newest' or an offset >= 0, got ${String(offset)}`,
    );
  }
  return n;
}

export class Consumer {
  private readonly partitionConsumers = new Map<string, PartitionConsumer>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly cluster: Cluster,
    /** @internal */ readonly fetcher: Fetcher,
  ) {}

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
    return new Consumer(cluster, fetcher);
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
    const key = `${topic}\u0000${partition}`;
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
      this.fetcher.close();
      await this.cluster.close();
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
      for (const r of batch.records) {
        if (this.stopped) return;
        yield {
          topic: this.topic,
          partition: this.partition,
          offset: r.offset,
          key: r.key,
          value: r.value,
          headers: r.headers,
          timestamp: r.timestamp,
        };
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
