/**
 * The in-memory consumers a MockMultiplexer runs the real Multiplexer over, in place of the
 * client Consumer (as the Go layer's `mux.Mock` gives its Multiplexer a mock consumer): the
 * partitions hold what the test delivered, in order; the group consumer owns every partition of
 * its topics (a group of one member) and reads each from its own position, holding back the
 * partitions the Multiplexer pauses; a partition consumer reads one partition from its start
 * offset. Nothing is fetched ahead, so a paused partition's messages wait where they are.
 *
 * A consumer is idle when it waits for a message it does not have: the Multiplexer has taken
 * everything it gave (the manual loop only asks for the next message once its handler is done).
 */
import { EventEmitter } from 'node:events';
import { OffsetNewest, OffsetOldest } from '../client/config.js';
import type { ConsumerEvents, ConsumerMessage, StartOffset } from '../client/consumer.js';
import { ConsumerClosedError, invalidStartOffset } from '../client/errors.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import type { TopicPartition } from '../consumer/assignors/index.js';
import type { ConsumerGroupMetadata } from '../consumer/group-base.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import type { MuxGroupConsumer, MuxManualConsumer, MuxPartitionConsumer } from '../mux/types.js';
import type { MockLog } from './sends.js';

/** The group's mark (or committed offset) of a partition. */
export interface MarkedOffset {
  topic: string;
  partition: number;
  /** The offset a restarted group resumes at: the marked message's offset + 1 (Kafka's committed offset). */
  offset: bigint;
  metadata: string | undefined;
}

/** The delivered messages per partition, in delivery order (the mock's broker). */
export class DeliveredLog {
  private readonly partitions = new Map<string, ConsumerMessage[]>();
  private readonly readers = new Set<Reader>();
  private readonly order = new WeakMap<ConsumerMessage, number>();
  /** Every message, in delivery order. */
  readonly all: ConsumerMessage[] = [];

  append(m: ConsumerMessage): void {
    const k = topicPartitionKey(m.topic, m.partition);
    const list = this.partitions.get(k) ?? [];
    list.push(m);
    this.partitions.set(k, list);
    this.order.set(m, this.all.push(m));
    for (const r of this.readers) r.wake();
  }

  /** Where `m` stands in the delivery order. */
  seq(m: ConsumerMessage): number {
    return this.order.get(m)!;
  }

  partition(topic: string, partition: number): readonly ConsumerMessage[] {
    return this.partitions.get(topicPartitionKey(topic, partition)) ?? [];
  }

  /** @internal */
  attach(r: Reader): () => void {
    this.readers.add(r);
    return () => this.readers.delete(r);
  }

  /** Resolves once every reader waits for a message it does not have. */
  async idle(): Promise<void> {
    await Promise.all([...this.readers].map((r) => r.idle()));
  }

  isIdle(): boolean {
    return [...this.readers].every((r) => r.isIdle());
  }
}

/** What both consumers share: a `messages()` loop that waits, when it has nothing, until woken. */
abstract class Reader {
  private waiter: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  protected closedFlag = false;
  /** The loop ended (its reader stopped reading): nothing more is taken. */
  private ended = false;
  private readonly detach: () => void;

  constructor(protected readonly log: DeliveredLog) {
    this.detach = log.attach(this);
  }

  /** The next message to give, or undefined when there is none now. */
  protected abstract take(): ConsumerMessage | undefined;

  async *messages(): AsyncGenerator<ConsumerMessage, void, undefined> {
    this.ended = false;
    try {
      while (!this.closedFlag) {
        const m = this.take();
        if (m !== undefined) {
          yield m;
          continue;
        }
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
          this.notifyIdle();
        });
      }
    } finally {
      this.ended = true;
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Something may be there to take (or the consumer closed): the waiting loop looks again. */
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  isIdle(): boolean {
    return this.closedFlag || this.ended || this.waiter !== undefined;
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  protected shut(): void {
    this.closedFlag = true;
    this.detach();
    this.wake();
    this.notifyIdle();
  }
}

/** The group consumer: one member owning every partition of its topics. */
export class MockGroupConsumer extends Reader implements MuxGroupConsumer {
  private readonly events = new EventEmitter<ConsumerEvents>();
  private owned: TopicPartition[] = [];
  /** Index of the next message to read in each owned partition. */
  private readonly positions = new Map<string, number>();
  private readonly paused = new Set<string>();
  private readonly marks = new Map<string, MarkedOffset>();
  private readonly commits = new Map<string, MarkedOffset>();

  constructor(
    log: DeliveredLog,
    private readonly counts: Pick<MockLog, 'partitionCount'>,
    private readonly topics: readonly string[],
    private readonly initialOffset: 'oldest' | 'newest',
    private readonly groupId = 'mock',
  ) {
    super(log);
    this.rebalance();
  }

  /** The member's identity, as a transactional producer's sendOffsetsToTransaction takes it: generation 1 of a group of one. */
  groupMetadata(): ConsumerGroupMetadata {
    return { groupId: this.groupId, generationId: 1, memberId: 'mock-member', groupInstanceId: null };
  }

  /** Reads `topic`-`partition` from `offset` on (the first delivered message at or after it). */
  seek(topic: string, partition: number, offset: bigint | number): void {
    const k = topicPartitionKey(topic, partition);
    if (!this.positions.has(k)) {
      throw new KafkaesqueError('ERR_NOT_ASSIGNED', `seek: ${topic}-${partition} is not assigned to this consumer (seek only partitions in assignment())`);
    }
    const list = this.log.partition(topic, partition);
    const at = list.findIndex((m) => m.offset >= BigInt(offset));
    this.positions.set(k, at < 0 ? list.length : at);
    this.wake();
  }

  /** @internal Offsets committed by a transaction (as TxnOffsetCommit and the commit marker do). */
  commitTransactional(offsets: readonly MarkedOffset[]): void {
    for (const o of offsets) this.commits.set(topicPartitionKey(o.topic, o.partition), { ...o });
  }

  on<K extends 'error' | 'assigned' | 'revoked'>(event: K, listener: (...args: ConsumerEvents[K]) => void): this {
    (this.events.on as (e: K, l: typeof listener) => unknown)(event, listener);
    return this;
  }

  /** Owns every partition of its topics now (after a partition count changed): 'revoked', then 'assigned', as a rebalance. */
  rebalance(): void {
    if (this.closedFlag) return;
    const now = this.topics.flatMap((topic) => Array.from({ length: this.counts.partitionCount(topic) }, (_, partition) => ({ topic, partition })));
    const has = (list: TopicPartition[], tp: TopicPartition): boolean => list.some((o) => o.topic === tp.topic && o.partition === tp.partition);
    const lost = this.owned.filter((tp) => !has(now, tp));
    const gained = now.filter((tp) => !has(this.owned, tp));
    const first = this.owned.length === 0;
    if (lost.length > 0) this.events.emit('revoked', lost);
    for (const tp of lost) this.positions.delete(topicPartitionKey(tp.topic, tp.partition));
    for (const tp of gained) {
      const at = this.initialOffset === 'oldest' ? 0 : this.log.partition(tp.topic, tp.partition).length;
      this.positions.set(topicPartitionKey(tp.topic, tp.partition), at);
    }
    this.owned = now;
    if (gained.length > 0 && !first) this.events.emit('assigned', gained);
    this.wake();
  }

  protected take(): ConsumerMessage | undefined {
    // the owned, unpaused partition whose next message was delivered first
    let best: { k: string; m: ConsumerMessage; seq: number } | undefined;
    for (const tp of this.owned) {
      const k = topicPartitionKey(tp.topic, tp.partition);
      if (this.paused.has(k)) continue;
      const m = this.log.partition(tp.topic, tp.partition)[this.positions.get(k)!];
      if (m === undefined) continue;
      const seq = this.log.seq(m);
      if (best === undefined || seq < best.seq) best = { k, m, seq };
    }
    if (best !== undefined) this.positions.set(best.k, this.positions.get(best.k)! + 1);
    return best?.m;
  }

  assignment(): TopicPartition[] {
    return this.closedFlag ? [] : this.owned.map((tp) => ({ ...tp }));
  }

  pause(topic: string, partition: number): void {
    this.paused.add(topicPartitionKey(topic, partition));
  }

  resume(topic: string, partition: number): void {
    if (this.paused.delete(topicPartitionKey(topic, partition))) this.wake();
  }

  markOffset(message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    const { topic, partition } = message;
    this.marks.set(topicPartitionKey(topic, partition), { topic, partition, offset: message.offset + 1n, metadata });
  }

  async commitOffsets(): Promise<void> {
    for (const [k, m] of this.marks) this.commits.set(k, { ...m });
  }

  async close(): Promise<void> {
    this.shut();
  }

  /** The group's marks (offset + 1 of the marked message). */
  marked(): MarkedOffset[] {
    return [...this.marks.values()].map((m) => ({ ...m }));
  }

  committed(): MarkedOffset[] {
    return [...this.commits.values()].map((m) => ({ ...m }));
  }
}

/** The consumer of manual connections: one MockPartitionConsumer per partition. */
export class MockManualConsumer implements MuxManualConsumer {
  private readonly consumers = new Map<string, MockPartitionConsumer>();
  private closed = false;

  constructor(
    private readonly log: DeliveredLog,
    private readonly offsets: Pick<MockLog, 'partitionCount' | 'logEnd'>,
  ) {}

  /** As the client Consumer's: checks the start offset and the partition, then reads from that offset. */
  async consumePartition(topic: string, partition: number, offset: StartOffset): Promise<MuxPartitionConsumer> {
    if (this.closed) throw new ConsumerClosedError();
    let from: bigint;
    if (offset === 'oldest' || offset === OffsetOldest) from = 0n;
    else if (offset === 'newest' || offset === OffsetNewest) from = this.offsets.logEnd(topic, partition);
    else if ((typeof offset === 'bigint' && offset >= 0n) || (Number.isSafeInteger(offset) && (offset as number) >= 0)) from = BigInt(offset);
    else throw invalidStartOffset(offset);
    const count = this.offsets.partitionCount(topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
      throw new KafkaesqueError('ERR_UNKNOWN_PARTITION', `topic '${topic}' has ${count} partition(s); partition ${partition} does not exist`);
    }
    const k = topicPartitionKey(topic, partition);
    if (this.consumers.has(k)) throw new KafkaesqueError('ERR_ALREADY_CONSUMING', `${topic}-${partition} is already being consumed by this consumer`);
    const pc = new MockPartitionConsumer(this.log, topic, partition, from, () => this.consumers.delete(k));
    this.consumers.set(k, pc);
    return pc;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pc of [...this.consumers.values()]) pc.close();
  }
}

/** One partition from a start offset: the delivered messages at or past it, in delivery order. */
class MockPartitionConsumer extends Reader implements MuxPartitionConsumer {
  private next = 0;

  constructor(
    log: DeliveredLog,
    private readonly topic: string,
    private readonly partition: number,
    private readonly from: bigint,
    private readonly onClose: () => void,
  ) {
    super(log);
  }

  protected take(): ConsumerMessage | undefined {
    const list = this.log.partition(this.topic, this.partition);
    while (this.next < list.length) {
      const m = list[this.next++]!;
      if (m.offset >= this.from) return m;
    }
    return undefined;
  }

  close(): void {
    if (this.closedFlag) return;
    this.shut();
    this.onClose();
  }
}
