/**
 * What every kind of group membership shares: the partitions owned, the offsets marked and
 * committed (OffsetCommit / OffsetFetch against the group coordinator), taking and revoking
 * partitions on the fetcher, and finding the coordinator. The classic protocol
 * (JoinGroup/SyncGroup, group-classic.ts) and KIP-848's consumer protocol
 * (ConsumerGroupHeartbeat, group-consumer.ts) only decide which partitions the member owns.
 */
import { EventEmitter } from 'node:events';
import { ZERO_UUID } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { CoordinatorKeyType, FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { OffsetCommit, type OffsetCommitRequestTopic } from '../../protocol/messages/offset-commit.js';
import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import type { Cluster, ConnectionLane } from '../cluster/cluster.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { backoffMs, sleep } from '../cluster/retry.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import type { Assignor, TopicPartition } from './assignors/index.js';
import { GroupError } from './errors.js';
import type { Fetcher } from './fetcher.js';

export interface GroupOptions {
  groupId: string;
  groupInstanceId: string | null;
  topics: readonly string[];
  assignors: readonly Assignor[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Where a partition with no committed offset starts (OFFSET_OLDEST / OFFSET_NEWEST). */
  resetPolicy: bigint;
}

export interface GroupEvents {
  /** Partitions this member now consumes (after a rebalance). */
  assigned: [partitions: TopicPartition[]];
  /** Partitions this member gave up (their marked offsets were committed first). */
  revoked: [partitions: TopicPartition[]];
  /** A group error the member cannot recover from by itself (authorization, fenced, ...). */
  error: [err: Error];
  /** A rebalance began. */
  rebalancing: [];
  /** A rebalance ended: what this member claimed and released during it (error if it failed). */
  rebalanced: [outcome: { claimed: TopicPartition[]; released: TopicPartition[]; error?: Error }];
}

export interface Marked {
  offset: bigint;
  metadata: string | null;
  leaderEpoch: number;
}

/** How long close() keeps retrying the final commit (Java: KafkaConsumer.close()'s 30 s). */
export const CLOSE_COMMIT_TIMEOUT_MS = 30_000;
/** How long commitOffsets() retries (Java: default.api.timeout.ms, 60 s). */
export const COMMIT_TIMEOUT_MS = 60_000;

export const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

export abstract class GroupMemberBase extends EventEmitter<GroupEvents> {
  protected coordinator: number | undefined;
  /** Partitions this member owns. */
  protected owned = new Map<string, TopicPartition>();
  protected readonly marked = new Map<string, Marked>();
  protected readonly committed = new Map<string, bigint>();
  protected commitTimer: NodeJS.Timeout | undefined;
  protected lastPoll = Date.now();
  protected closed = false;
  /** Whether the application is waiting for messages (an idle application is not stuck). */
  waiting = false;
  private rebalance: { claimed: TopicPartition[]; released: TopicPartition[] } | undefined;

  constructor(
    protected readonly cluster: Cluster,
    protected readonly fetcher: Fetcher,
    protected readonly o: GroupOptions,
  ) {
    super();
  }

  /** Joins the group; resolves once the first assignment is applied. */
  abstract start(): Promise<void>;
  /** Stops the protocol's timers and waits for its request in flight (closing). */
  protected abstract stopMembership(): Promise<void>;
  /** Leaves the group as the protocol does on close (static members keep their place). */
  protected abstract leaveOnClose(): Promise<void>;

  /** Commits the marked offsets, gives up the partitions and leaves the group. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      // Java's close() commits within its 30 s default timeout
      await this.commitMarkedRetrying(CLOSE_COMMIT_TIMEOUT_MS);
    } catch (err) {
      this.cluster.logger.warn('commit on close failed', { error: (err as Error).message });
    }
    this.closed = true;
    clearInterval(this.commitTimer);
    await this.stopMembership();
    this.revoke([...this.owned.values()], false);
    await this.leaveOnClose().catch((err: Error) =>
      this.cluster.logger.warn('leaving the group failed', { group: this.o.groupId, error: err.message }),
    );
  }
  /** The application took messages: resets the max-poll-interval clock. */
  abstract polled(): void;
  /** Generation (or member epoch) and ids to commit with; undefined while not a member. */
  protected abstract commitIdentity(): { generation: number; memberId: string; instanceId: string | null } | undefined;

  /** Marks the start of a rebalance (once, until it ends). */
  protected beginRebalance(): void {
    if (this.rebalance !== undefined) return;
    this.rebalance = { claimed: [], released: [] };
    this.emit('rebalancing');
  }

  /** Marks the end of the rebalance in progress, reporting what changed. */
  protected endRebalance(error?: Error): void {
    const r = this.rebalance;
    if (r === undefined) return;
    this.rebalance = undefined;
    this.emit('rebalanced', error === undefined ? r : { ...r, error });
  }

  protected startAutoCommit(): void {
    if (!this.o.autoCommit) return;
    this.commitTimer = setInterval(() => {
      // a commit still under way (the coordinator moving) is not joined by another each tick
      if (this.commitChain !== undefined) return;
      this.commitMarked().catch((err: Error) => this.cluster.logger.warn('auto-commit failed', { error: err.message }));
    }, this.o.autoCommitIntervalMs);
    this.commitTimer.unref();
  }

  /** True when the application has not taken a message for maxPollIntervalMs (and is not waiting). */
  protected pollTimedOut(): boolean {
    if (this.waiting) this.lastPoll = Date.now();
    return Date.now() - this.lastPoll > this.o.maxPollIntervalMs;
  }

  assignment(): TopicPartition[] {
    return [...this.owned.values()];
  }

  /** Marks `offset` (the next one to read) as processed for a partition; committed later. */
  mark(topic: string, partition: number, offset: bigint, metadata: string | null, leaderEpoch = -1): void {
    const k = topicPartitionKey(topic, partition);
    const prev = this.marked.get(k);
    if (prev !== undefined && prev.offset >= offset) return;
    this.marked.set(k, { offset, metadata, leaderEpoch });
  }

  /**
   * commitMarked, retrying what can pass (the coordinator moving or loading the group, a lost
   * connection, a timeout) with backoff for up to `timeoutMs`, as Java's commitSync does within
   * default.api.timeout.ms. A non-retriable error (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
   * authorization, ...) or the last retriable one after `timeoutMs` is thrown.
   */
  async commitMarkedRetrying(timeoutMs: number, only?: ReadonlySet<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.commitMarked(only);
      } catch (err) {
        const wait = backoffMs(attempt, this.o.retryBackoffMs, this.o.retryBackoffMaxMs);
        if (!(err instanceof KafkaesqueError && err.retriable) || Date.now() + wait > deadline) throw err;
        await sleep(wait);
      }
    }
  }

  /** The commits under way, one after the other (see commitMarked). */
  private commitChain: Promise<void> | undefined;

  /**
   * Commits every marked offset not committed yet (of partitions still owned). Commits go out
   * one at a time, in call order, each with the marks of when it starts: while the coordinator
   * moves, a commit made earlier (older offsets) could otherwise reach the new coordinator after
   * a later one and move the group's committed offsets back.
   */
  commitMarked(only?: ReadonlySet<string>): Promise<void> {
    const run = (this.commitChain ?? Promise.resolve()).then(() => this.commitNow(only));
    const chain: Promise<void> = run.then(
      () => this.endOfChain(chain),
      () => this.endOfChain(chain),
    );
    this.commitChain = chain;
    return run;
  }

  private endOfChain(chain: Promise<void>): void {
    if (this.commitChain === chain) this.commitChain = undefined;
  }

  private async commitNow(only?: ReadonlySet<string>): Promise<void> {
    const toCommit: Array<{ tp: TopicPartition; m: Marked }> = [];
    for (const [k, m] of this.marked) {
      const tp = this.owned.get(k);
      if (tp === undefined || (only && !only.has(k))) continue;
      if (this.committed.get(k) === m.offset) continue;
      toCommit.push({ tp, m });
    }
    const identity = this.commitIdentity();
    if (toCommit.length === 0 || identity === undefined) return;
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(OffsetCommit);
    const topics = new Map<string, OffsetCommitRequestTopic>();
    for (const { tp, m } of toCommit) {
      let t = topics.get(tp.topic);
      if (t === undefined) {
        const topicId = this.cluster.topic(tp.topic)?.topicId ?? ZERO_UUID;
        topics.set(tp.topic, (t = { name: tp.topic, topicId, partitions: [] }));
      }
      t.partitions.push({
        partitionIndex: tp.partition,
        committedOffset: m.offset,
        committedLeaderEpoch: m.leaderEpoch,
        committedMetadata: m.metadata,
      });
    }
    const useIds = [...topics.values()].every((t) => t.topicId !== ZERO_UUID);
    const res = await conn.send(
      OffsetCommit,
      {
        groupId: this.o.groupId,
        generationIdOrMemberEpoch: identity.generation,
        memberId: identity.memberId,
        groupInstanceId: identity.instanceId,
        retentionTimeMs: -1n,
        topics: [...topics.values()],
      },
      { version: useIds ? version : Math.min(9, version) },
    );
    // what was sent, by partition (a lookup per answered partition: 10,000 of them at scale)
    const sentOffsets = new Map(toCommit.map(({ tp, m }) => [topicPartitionKey(tp.topic, tp.partition), m.offset]));
    for (const t of res.topics) {
      const name = t.name !== '' ? t.name : (this.cluster.topicNameById(t.topicId) ?? '');
      for (const p of t.partitions) {
        const k = topicPartitionKey(name, p.partitionIndex);
        if (p.errorCode === ErrorCode.NONE) {
          // what was sent, not the mark now: a message marked meanwhile is still to commit
          const sent = sentOffsets.get(k);
          if (sent !== undefined) this.committed.set(k, sent);
          continue;
        }
        this.onCoordinatorError(p.errorCode);
        throw KafkaProtocolError.fromCode(p.errorCode, `OffsetCommit ${name}-${p.partitionIndex} for group '${this.o.groupId}'`);
      }
    }
  }

  /** Starts consuming newly assigned partitions from their committed offsets. */
  protected async take(added: TopicPartition[]): Promise<void> {
    const committed = await this.fetchCommitted(added);
    for (const tp of added) {
      const k = topicPartitionKey(tp.topic, tp.partition);
      this.owned.set(k, tp);
      const offset = committed.get(k);
      if (offset !== undefined && offset >= 0n) this.committed.set(k, offset);
      this.fetcher.assign(tp.topic, tp.partition, offset !== undefined && offset >= 0n ? offset : this.o.resetPolicy);
    }
    this.rebalance?.claimed.push(...added);
    this.emit('assigned', added);
  }

  protected revoke(partitions: TopicPartition[], notify: boolean): void {
    if (partitions.length === 0) return;
    for (const tp of partitions) {
      const k = topicPartitionKey(tp.topic, tp.partition);
      this.owned.delete(k);
      this.marked.delete(k);
      this.committed.delete(k);
      this.fetcher.unassign(tp.topic, tp.partition);
    }
    if (!notify) return;
    this.rebalance?.released.push(...partitions);
    this.emit('revoked', partitions);
  }

  protected async fetchCommitted(partitions: TopicPartition[]): Promise<Map<string, bigint>> {
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(OffsetFetch);
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
    const out = new Map<string, bigint>();
    const useIds = [...byTopic.keys()].every((t) => (this.cluster.topic(t)?.topicId ?? ZERO_UUID) !== ZERO_UUID);
    const v = version >= 10 && !useIds ? 9 : version;
    const res = await conn.send(
      OffsetFetch,
      v >= 8
        ? {
            groupId: '',
            topics: [],
            requireStable: true,
            groups: [
              {
                groupId: this.o.groupId,
                memberId: null,
                memberEpoch: -1,
                topics: [...byTopic].map(([name, partitionIndexes]) => ({
                  name,
                  topicId: this.cluster.topic(name)?.topicId ?? ZERO_UUID,
                  partitionIndexes,
                })),
              },
            ],
          }
        : {
            groupId: this.o.groupId,
            topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
            groups: [],
            requireStable: v >= 7,
          },
      { version: v },
    );
    const take = (name: string, partitionIndex: number, offset: bigint, errorCode: number): void => {
      if (errorCode !== ErrorCode.NONE) {
        if (errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT) throw new GroupError('offsets are being committed', undefined, true);
        throw KafkaProtocolError.fromCode(errorCode, `OffsetFetch ${name}-${partitionIndex}`);
      }
      out.set(topicPartitionKey(name, partitionIndex), offset);
    };
    if (v >= 8) {
      for (const g of res.groups) {
        if (g.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(g.errorCode, `OffsetFetch group '${this.o.groupId}'`);
        for (const t of g.topics) {
          const name = t.name !== '' ? t.name : (this.cluster.topicNameById(t.topicId) ?? '');
          for (const p of t.partitions) take(name, p.partitionIndex, p.committedOffset, p.errorCode);
        }
      }
    } else {
      if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, `OffsetFetch group '${this.o.groupId}'`);
      for (const t of res.topics) for (const p of t.partitions) take(t.name, p.partitionIndex, p.committedOffset, p.errorCode);
    }
    return out;
  }

  protected onCoordinatorError(code: number): void {
    if (COORDINATOR_ERRORS.has(code)) this.coordinator = undefined;
  }

  /** The coordinator's connection on `lane` ('heartbeat' for heartbeats, 'group' for the rest). */
  protected async coordinatorConnection(lane: ConnectionLane = 'group'): Promise<BrokerConnection> {
    if (this.coordinator !== undefined) {
      try {
        return await this.cluster.connection(this.coordinator, lane);
      } catch {
        this.coordinator = undefined;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const brokers = this.cluster.brokerList();
      const any = brokers[attempt % Math.max(1, brokers.length)];
      if (any === undefined) throw new GroupError('no broker known to find the group coordinator', undefined, true);
      try {
        const conn = await this.cluster.connection(any.nodeId);
        const v = conn.versionFor(FindCoordinator);
        const res = await conn.send(FindCoordinator, {
          key: v < 4 ? this.o.groupId : '',
          keyType: CoordinatorKeyType.GROUP,
          coordinatorKeys: v >= 4 ? [this.o.groupId] : [],
        });
        const c = v >= 4 ? res.coordinators[0] : { errorCode: res.errorCode, nodeId: res.nodeId };
        if (c === undefined) throw new GroupError('FindCoordinator returned no coordinator', undefined, true);
        if (c.errorCode !== ErrorCode.NONE) {
          const err = KafkaProtocolError.fromCode(c.errorCode, `FindCoordinator for group '${this.o.groupId}'`);
          if (!err.retriable) throw err;
          throw new GroupError(err.message, err, true);
        }
        await this.cluster.refresh();
        this.coordinator = c.nodeId;
        return await this.cluster.connection(c.nodeId, lane);
      } catch (err) {
        if (err instanceof KafkaesqueError && !err.retriable) throw err;
        if (attempt > 50) throw err;
        await sleep(backoffMs(attempt, this.o.retryBackoffMs, this.o.retryBackoffMaxMs));
      }
    }
  }
}
