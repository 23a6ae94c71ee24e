/**
 * What every kind of group membership shares: the partitions owned, the offsets marked and
 * committed (OffsetCommit / OffsetFetch against the group coordinator), taking and revoking
 * partitions on the fetcher, and finding the coordinator. The classic protocol
 * (JoinGroup/SyncGroup, group-classic.ts) and KIP-848's consumer protocol
 * (ConsumerGroupHeartbeat, group-consumer.ts) only decide which partitions the member owns.
 */
import { EventEmitter } from 'node:events';
import { ErrorCode } from '../../protocol/error-codes.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import { CoordinatorKeyType, FindCoordinator, findCoordinatorRequest, findCoordinatorResult } from '../../protocol/messages/find-coordinator.js';
import { OFFSET_COMMIT_FIRST_TOPIC_ID_VERSION, OffsetCommit, type OffsetCommitRequestTopic } from '../../protocol/messages/offset-commit.js';
import { OFFSET_FETCH_FIRST_TOPIC_ID_VERSION, OffsetFetch, offsetFetchRequest, offsetFetchResponseGroups } from '../../protocol/messages/offset-fetch.js';
import type { Cluster, ConnectionLane } from '../cluster/cluster.js';
import { answerTopicName, topicIdOf, topicIdsKnown, versionForTopicIds } from '../cluster/topic-ids.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { isNotFinal, isRetriable, retry } from '../cluster/retry.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import { type CommitTrace, commitChannel, type RebalanceTrace, rebalanceChannel, traceAround, traceBegin, traceFinish } from '../network/tracing.js';
import type { PartitionAssignor, TopicPartition } from './assignors/index.js';
import { GroupError } from './errors.js';
import type { Fetcher } from './fetcher.js';


/** A group member's identity, for a transactional producer's sendOffsetsToTransaction (Java: ConsumerGroupMetadata). */
export interface ConsumerGroupMetadata {
  groupId: string;
  /** The classic group's generation, or the KIP-848 member epoch; -1 outside a generation. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface GroupOptions {
  groupId: string;
  groupInstanceId: string | null;
  topics: readonly string[];
  assignors: readonly PartitionAssignor[];
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
  /** The coordinator accepted a heartbeat (Heartbeat, or ConsumerGroupHeartbeat under KIP-848). */
  heartbeat: [];
}

export interface Marked {
  offset: bigint;
  metadata: string | null;
  leaderEpoch: number;
}

/** How long close() keeps retrying the final commit (Java: KafkaConsumer.close()'s 30 s). */
export const CLOSE_COMMIT_TIMEOUT_MS = 30_000;
/** Java's default.api.timeout.ms: the bound of a blocking group call that has no timeout of its own. */
export const DEFAULT_API_TIMEOUT_MS = 60_000;
/** How long commitOffsets() retries (Java: default.api.timeout.ms, 60 s). */
export const COMMIT_TIMEOUT_MS = DEFAULT_API_TIMEOUT_MS;

/**
 * Answers meaning the coordinator moved or is still loading the group: the member looks it up
 * again and keeps its membership (Java: AbstractCoordinator.markCoordinatorUnknown).
 */
export const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

/**
 * Where a member stands in its group. The classic protocol goes unjoined → joining (JoinGroup)
 * → syncing (SyncGroup) → stable, as Java's AbstractCoordinator.MemberState (UNJOINED,
 * PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE); a KIP-848 member goes joining (epoch 0)
 * → reconciling (moving to its target assignment) → stable, as Java's MemberState. Both go
 * `stale` when they left because the application stopped taking messages (max.poll.interval.ms;
 * Java's MemberState.STALE), and join again from there on the next poll; `closed` is final.
 */
export type GroupState = 'unjoined' | 'joining' | 'syncing' | 'reconciling' | 'stable' | 'stale' | 'closed';

/** The states each state may move to (a protocol's table; a state moving to itself is no move). */
export type GroupTransitions = Readonly<Record<GroupState, readonly GroupState[]>>;

/** How an assignment is applied: see applyAssignment. */
export interface ApplyAssignmentOptions {
  /** How long the commit before revoking is retried; undefined: one attempt. */
  commitTimeoutMs?: number;
  /** Whether the assignment still holds (false: the member lost its partitions meanwhile). */
  current?: () => boolean;
  /** Called once the partitions that left are revoked, before the new ones are taken. */
  onRevoked?: () => void;
}

export abstract class GroupMemberBase extends EventEmitter<GroupEvents> {
  /** The member id (classic: the coordinator's, KIP-394; KIP-848: chosen by the member, KIP-1082). */
  memberId = '';
  protected coordinator: number | undefined;
  /** Partitions this member owns. */
  protected owned = new Map<string, TopicPartition>();
  protected readonly marked = new Map<string, Marked>();
  protected readonly committed = new Map<string, bigint>();
  protected commitTimer: NodeJS.Timeout | undefined;
  protected lastPoll = Date.now();
  protected state: GroupState = 'unjoined';
  /** The protocol's transition table; without one (a member of no protocol) no move is checked. */
  protected readonly transitions: GroupTransitions | undefined = undefined;
  /** Whether the application is waiting for messages (an idle application is not stuck). */
  waiting = false;
  private rebalance: { claimed: TopicPartition[]; released: TopicPartition[] } | undefined;
  /** The `kafkaesque:consumer:rebalance` payload of the rebalance in progress, when that channel had subscribers. */
  private rebalanceTrace: RebalanceTrace | undefined;
  /** Which group protocol the member speaks (tracing payloads). */
  protected readonly groupProtocol: 'classic' | 'consumer' = 'classic';

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
    this.transition('closed');
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

  /**
   * This member's identity for offsets committed in a transaction (KIP-447): the generation (the
   * member epoch in a KIP-848 group) and member id the coordinator checks, so a member that was
   * fenced cannot commit. Outside a generation the generation is -1 and the check is skipped.
   */
  /** The offset this member last committed or fetched for a partition it owns, if any. */
  committedOffset(topic: string, partition: number): bigint | undefined {
    return this.committed.get(topicPartitionKey(topic, partition));
  }

    groupMetadata(): ConsumerGroupMetadata {
    const id = this.commitIdentity();
    return { groupId: this.o.groupId, generationId: id?.generation ?? -1, memberId: id?.memberId ?? '', groupInstanceId: this.o.groupInstanceId };
  }

  protected get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Moves to state `to` if the protocol's table allows it from the current state; otherwise
   * stays and says so at debug level, returning false. Refusing keeps `closed` final and keeps
   * a member that left for a poll timeout `stale` until the application polls, whatever
   * answer is still on its way.
   */
  protected transition(to: GroupState): boolean {
    const from = this.state;
    if (from === to) return true;
    if (this.transitions !== undefined && !this.transitions[from].includes(to)) {
      this.cluster.logger.debug('group state change refused', { group: this.o.groupId, memberId: this.memberId, from, to });
      return false;
    }
    this.state = to;
    return true;
  }

  /** A failure the member goes on after (a handler for .catch): logged at debug with its context. */
  protected logFailure(what: string): (err: unknown) => void {
    return (err) =>
      this.cluster.logger.debug(what, {
        group: this.o.groupId,
        memberId: this.memberId,
        state: this.state,
        error: err instanceof Error ? err.message : String(err),
      });
  }

  /** Called whenever the owned partitions change (taken or revoked). */
  protected ownedChanged(): void {}

  /** The protocol's leave after a poll timeout (see leaveIfPollTimedOut); a member of no protocol has none. */
  protected async leaveOnPollTimeout(): Promise<void> {}

  /**
   * When the application has taken no message for maxPollIntervalMs while a member, leaves the
   * group so that it does not wait for a stuck application (Java: max.poll.interval.ms): the
   * marked offsets are committed (one attempt), every partition revoked, and the protocol's
   * leave sent; the member is `stale` until the application polls again (pollResumed). True
   * when it left.
   */
  protected async leaveIfPollTimedOut(): Promise<boolean> {
    if (!this.pollTimedOut() || this.commitIdentity() === undefined) return false;
    this.cluster.logger.warn('no message taken within maxPollIntervalMs: leaving the group', { group: this.o.groupId });
    this.transition('stale');
    await this.applyAssignment(new Map());
    await this.leaveOnPollTimeout().catch(this.logFailure('leaving the group after the poll timeout failed'));
    return true;
  }

  /**
   * The application took messages: resets the max-poll-interval clock. True when the member
   * had left for a poll timeout and is now `joining` again (the protocol then joins).
   */
  protected pollResumed(): boolean {
    this.lastPoll = Date.now();
    return this.state === 'stale' && this.transition('joining');
  }

  /**
   * Moves the owned partitions to `next` (by topicPartitionKey), as Java's ConsumerCoordinator
   * (KIP-429) and KIP-848's MembershipManager reconcile: the marked offsets of the partitions
   * leaving are committed first (a failed commit is logged and they are revoked anyway: their
   * next owner reads from the last commit), they are revoked, then the new ones are taken from
   * their committed offsets. False if `o.current` said, after the commit or after the take,
   * that the assignment no longer holds: what was taken then is revoked again.
   */
  protected async applyAssignment(next: ReadonlyMap<string, TopicPartition>, o: ApplyAssignmentOptions = {}): Promise<boolean> {
    const revoked = [...this.owned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    if (revoked.length > 0) {
      const keys = new Set(revoked.map((tp) => topicPartitionKey(tp.topic, tp.partition)));
      await (o.commitTimeoutMs === undefined ? this.commitMarked(keys) : this.commitMarkedRetrying(o.commitTimeoutMs, keys)).catch(
        this.logFailure('committing the partitions being revoked failed; revoking them anyway'),
      );
      if (o.current?.() === false) return false;
      this.revoke(revoked, true);
      o.onRevoked?.();
    }
    const added = [...next].filter(([k]) => !this.owned.has(k)).map(([, tp]) => tp);
    if (added.length > 0) {
      await this.take(added);
      if (o.current?.() === false) {
        this.revoke(added, true);
        return false;
      }
    }
    return true;
  }

  /** Marks the start of a rebalance (once, until it ends). */
  protected beginRebalance(): void {
    if (this.rebalance !== undefined) return;
    this.rebalance = { claimed: [], released: [] };
    if (rebalanceChannel.hasSubscribers) {
      const id = this.groupMetadata();
      this.rebalanceTrace = {
        groupId: this.o.groupId,
        protocol: this.groupProtocol,
        memberId: id.memberId,
        generation: id.generationId,
        assigned: [],
        claimed: [],
        released: [],
      };
      traceBegin(rebalanceChannel, this.rebalanceTrace);
    }
    this.emit('rebalancing');
  }

  /** Marks the end of the rebalance in progress, reporting what changed. */
  protected endRebalance(error?: Error): void {
    const r = this.rebalance;
    if (r === undefined) return;
    this.rebalance = undefined;
    const trace = this.rebalanceTrace;
    if (trace !== undefined) {
      this.rebalanceTrace = undefined;
      const id = this.groupMetadata();
      trace.memberId = id.memberId;
      trace.generation = id.generationId;
      const tp = ({ topic, partition }: TopicPartition): { topic: string; partition: number } => ({ topic, partition });
      trace.assigned = this.assignment().map(tp);
      trace.claimed = r.claimed.map(tp);
      trace.released = r.released.map(tp);
      traceFinish(rebalanceChannel, trace, error);
    }
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
    const deadlineMs = Date.now() + timeoutMs;
    await retry(() => this.commitMarked(only, deadlineMs), {
      ...this.backoff(),
      retriable: isRetriable,
      deadlineMs,
      onRetry: (err, attempt, waitMs) =>
        this.cluster.logger.debug('retrying the offset commit', { group: this.o.groupId, attempt, waitMs, error: (err as Error).message }),
    });
  }

  /** The commits under way, one after the other (see commitMarked). */
  private commitChain: Promise<void> | undefined;

  /**
   * Commits every marked offset not committed yet (of partitions still owned). Commits go out
   * one at a time, in call order, each with the marks of when it starts: while the coordinator
   * moves, a commit made earlier (older offsets) could otherwise reach the new coordinator after
   * a later one and move the group's committed offsets back.
   */
  commitMarked(only?: ReadonlySet<string>, deadlineMs?: number): Promise<void> {
    const run = (this.commitChain ?? Promise.resolve()).then(() => this.commitNow(only, deadlineMs));
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

  private async commitNow(only: ReadonlySet<string> | undefined, deadlineMs: number | undefined): Promise<void> {
    const toCommit: Array<{ tp: TopicPartition; m: Marked }> = [];
    for (const [k, m] of this.marked) {
      const tp = this.owned.get(k);
      if (tp === undefined || (only && !only.has(k))) continue;
      if (this.committed.get(k) === m.offset) continue;
      toCommit.push({ tp, m });
    }
    const identity = this.commitIdentity();
    if (toCommit.length === 0 || identity === undefined) return;
    const conn = await this.coordinatorConnection('group', deadlineMs);
    const topics = new Map<string, OffsetCommitRequestTopic>();
    for (const { tp, m } of toCommit) {
      let t = topics.get(tp.topic);
      if (t === undefined) topics.set(tp.topic, (t = { name: tp.topic, topicId: topicIdOf(this.cluster, tp.topic), partitions: [] }));
      t.partitions.push({
        partitionIndex: tp.partition,
        committedOffset: m.offset,
        committedLeaderEpoch: m.leaderEpoch,
        committedMetadata: m.metadata,
      });
    }
    const version = versionForTopicIds(conn, OffsetCommit, OFFSET_COMMIT_FIRST_TOPIC_ID_VERSION, topicIdsKnown(this.cluster, topics.keys()));
    if (!commitChannel.hasSubscribers) return this.sendCommit(conn, version, identity, topics, toCommit);
    const trace: CommitTrace = {
      groupId: this.o.groupId,
      memberId: identity.memberId,
      generation: identity.generation,
      offsets: toCommit.map(({ tp, m }) => ({ topic: tp.topic, partition: tp.partition, offset: m.offset })),
    };
    return traceAround(commitChannel, trace, () => this.sendCommit(conn, version, identity, topics, toCommit));
  }

  /** The OffsetCommit of commitNow, and its answer onto `committed`. */
  private async sendCommit(
    conn: BrokerConnection,
    version: number,
    identity: { generation: number; memberId: string; instanceId: string | null },
    topics: Map<string, OffsetCommitRequestTopic>,
    toCommit: Array<{ tp: TopicPartition; m: Marked }>,
  ): Promise<void> {
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
      { version },
    );
    // what was sent, by partition (a lookup per answered partition: 10,000 of them at scale)
    const sentOffsets = new Map(toCommit.map(({ tp, m }) => [topicPartitionKey(tp.topic, tp.partition), m.offset]));
    for (const t of res.topics) {
      const name = answerTopicName(this.cluster, t.name, t.topicId);
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
    // UNSTABLE_OFFSET_COMMIT (a transaction still committing offsets to them, KIP-447) and a
    // moving coordinator are waited out, as Java's fetchCommittedOffsets retries them: a member
    // that gave up here would stay in the group owning partitions it never reads
    const committed = await retry(() => this.fetchCommitted(added), {
      ...this.backoff(),
      retriable: isNotFinal,
      stop: () => this.closed,
      onRetry: (err, attempt, waitMs) =>
        this.cluster.logger.debug('fetching committed offsets again', { group: this.o.groupId, attempt, waitMs, error: (err as Error).message }),
    });
    for (const tp of added) {
      const k = topicPartitionKey(tp.topic, tp.partition);
      this.owned.set(k, tp);
      const offset = committed.get(k);
      if (offset !== undefined && offset >= 0n) this.committed.set(k, offset);
      this.fetcher.assign(tp.topic, tp.partition, offset !== undefined && offset >= 0n ? offset : this.o.resetPolicy);
    }
    this.ownedChanged();
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
    this.ownedChanged();
    if (!notify) return;
    this.rebalance?.released.push(...partitions);
    this.emit('revoked', partitions);
  }

  protected async fetchCommitted(partitions: TopicPartition[]): Promise<Map<string, bigint>> {
    const conn = await this.coordinatorConnection();
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
    const version = versionForTopicIds(conn, OffsetFetch, OFFSET_FETCH_FIRST_TOPIC_ID_VERSION, topicIdsKnown(this.cluster, byTopic.keys()));
    const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, topicId: topicIdOf(this.cluster, name), partitionIndexes }));
    // requireStable (KIP-447): an offset a transaction is still committing is waited for, not read
    const res = await conn.send(OffsetFetch, offsetFetchRequest(version, this.o.groupId, topics, true), { version });
    const out = new Map<string, bigint>();
    for (const g of offsetFetchResponseGroups(version, res)) {
      if (g.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(g.errorCode, `OffsetFetch group '${this.o.groupId}'`);
      for (const t of g.topics) {
        const name = answerTopicName(this.cluster, t.name, t.topicId);
        for (const p of t.partitions) {
          if (p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT) throw new GroupError('offsets are being committed', undefined, true);
          if (p.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(p.errorCode, `OffsetFetch ${name}-${p.partitionIndex}`);
          out.set(topicPartitionKey(name, p.partitionIndex), p.committedOffset);
        }
      }
    }
    return out;
  }

  protected onCoordinatorError(code: number): void {
    if (COORDINATOR_ERRORS.has(code)) this.coordinator = undefined;
  }

  /** The backoff settings every retry of the group uses (retry.backoff.ms, retry.backoff.max.ms). */
  protected backoff(): { baseMs: number; maxMs: number } {
    return { baseMs: this.o.retryBackoffMs, maxMs: this.o.retryBackoffMaxMs };
  }

  /**
   * The coordinator's connection on `lane` ('heartbeat' for heartbeats, 'group' for the rest),
   * looking the coordinator up (FindCoordinator, asking the known brokers in turn) until
   * `deadlineMs`. As Java's ensureCoordinatorReady, the lookup is bounded by the deadline of the
   * operation that needs it (a commit's own timeout), else by default.api.timeout.ms.
   */
  protected async coordinatorConnection(lane: ConnectionLane = 'group', deadlineMs = Date.now() + DEFAULT_API_TIMEOUT_MS): Promise<BrokerConnection> {
    if (this.coordinator !== undefined) {
      try {
        return await this.cluster.connection(this.coordinator, lane);
      } catch (err) {
        this.logFailure('no connection to the group coordinator: looking it up again')(err);
        this.coordinator = undefined;
      }
    }
    return retry((attempt) => this.findCoordinator(attempt, lane), {
      ...this.backoff(),
      retriable: isNotFinal,
      deadlineMs,
      onRetry: (err, attempt, waitMs) =>
        this.cluster.logger.debug('looking up the group coordinator again', { group: this.o.groupId, attempt, waitMs, error: (err as Error).message }),
    });
  }

  /** One FindCoordinator, to the `attempt`-th known broker in turn, then the coordinator's connection. */
  private async findCoordinator(attempt: number, lane: ConnectionLane): Promise<BrokerConnection> {
    const brokers = this.cluster.brokerList();
    const any = brokers[attempt % Math.max(1, brokers.length)];
    if (any === undefined) throw new GroupError('no broker known to find the group coordinator', undefined, true);
    const conn = await this.cluster.connection(any.nodeId);
    const version = conn.versionFor(FindCoordinator);
    const res = await conn.send(FindCoordinator, findCoordinatorRequest(version, CoordinatorKeyType.GROUP, this.o.groupId), { version });
    const c = findCoordinatorResult(version, res);
    if (c === undefined) throw new GroupError('FindCoordinator returned no coordinator', undefined, true);
    if (c.errorCode !== ErrorCode.NONE) {
      const err = KafkaProtocolError.fromCode(c.errorCode, `FindCoordinator for group '${this.o.groupId}'`);
      if (!err.retriable) throw err;
      throw new GroupError(err.message, err, true);
    }
    await this.cluster.refresh();
    this.coordinator = c.nodeId;
    return await this.cluster.connection(c.nodeId, lane);
  }
}
