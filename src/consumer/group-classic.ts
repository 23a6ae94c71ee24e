/**
 * Membership of a classic consumer group (JoinGroup / SyncGroup / Heartbeat / LeaveGroup).
 *
 * The member finds the coordinator, joins (answering MEMBER_ID_REQUIRED by joining again with
 * the id it was given, KIP-394), and when it is the leader computes the assignment with the
 * chosen assignor. Heartbeats run on their own timer, so a slow message handler never starves
 * them; if the application takes no message for `maxPollIntervalMs`, the member leaves the
 * group (Java's max.poll.interval.ms) and joins again when the application comes back.
 *
 * Rebalances follow the assignor's protocol: EAGER revokes every partition before rejoining;
 * COOPERATIVE (KIP-429) keeps consuming the partitions that stay, revokes only the ones that
 * move, then rejoins once more so they can be given to their new owner. Revocation commits the
 * marked offsets of the revoked partitions first. A static member (groupInstanceId, KIP-345)
 * does not leave on close, so a restart within the session timeout gets its partitions back
 * without a rebalance.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { KafkaProtocolError, ProtocolDecodeError } from '../../protocol/errors.js';
import {
  type ConsumerProtocolSubscription,
  decodeAssignment,
  decodeConsumerProtocolSubscription,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../protocol/messages/consumer-protocol.js';
import { Reader } from '../../protocol/reader.js';
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { JoinGroup } from '../../protocol/messages/join-group.js';
import { LeaveGroup, leaveGroupErrorCode, leaveGroupRequest } from '../../protocol/messages/leave-group.js';
import { SyncGroup } from '../../protocol/messages/sync-group.js';
import { isNotFinal, retry } from '../cluster/retry.js';
import { type AssignorPartitionInfo, type GroupAssignment, isBuiltInAssignor, type MemberSubscription, type PartitionAssignor, type TopicPartition } from './assignors/index.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { AssignorError, GroupError } from './errors.js';
import { COORDINATOR_ERRORS, GroupMemberBase, type GroupTransitions } from './group-base.js';

/** Answers after which the member joins again (Java: AbstractCoordinator.requestRejoin). */
const REJOIN_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
]);

/**
 * Answers meaning the member's generation is gone: its id and generation are reset, and the
 * partitions it owned are lost, not revoked (no commit is possible; Java:
 * AbstractCoordinator.resetGenerationOnResponseError).
 */
const GENERATION_LOST_ERRORS: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION]);

/** The classic protocol's moves between states (see GroupState). */
const CLASSIC_TRANSITIONS: GroupTransitions = {
  unjoined: ['joining', 'stale', 'closed'],
  joining: ['syncing', 'unjoined', 'stale', 'closed'],
  syncing: ['stable', 'joining', 'unjoined', 'stale', 'closed'],
  stable: ['joining', 'unjoined', 'stale', 'closed'],
  // only the application's next poll brings a member that left for a poll timeout back
  stale: ['joining', 'closed'],
  reconciling: [],
  closed: [],
};

export class ClassicGroupMember extends GroupMemberBase {
  generationId = -1;
  protocolName: string | null = null;
  protected override readonly transitions = CLASSIC_TRANSITIONS;
  /** A join is wanted (Java: rejoinNeeded): a member may be stable and still need one (KIP-429's second join). */
  private needsJoin = true;
  private joining: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Partition counts the last assignment (as leader) was computed from. */
  private assignedFrom = new Map<string, number>();
  /** Whether this member computed the assignment at the last join (it was chosen leader). */
  isLeader = false;
  /** The member the coordinator chose to compute the assignment, at the last join. */
  leaderId: string | null = null;

  /** Starts joining; resolves once the first assignment is applied. */
  async start(): Promise<void> {
    for (const t of this.o.topics) await this.cluster.topicMetadata(t, 30_000);
    this.scheduleHeartbeat();
    this.startAutoCommit();
    await this.ensureJoined();
  }

  /** The application took messages: resets the max-poll-interval clock, rejoins if it had left. */
  polled(): void {
    if (!this.pollResumed()) return;
    this.needsJoin = true;
    this.ensureJoined().catch((err: Error) => this.emit('error', err));
  }

  protected async stopMembership(): Promise<void> {
    clearTimeout(this.heartbeatTimer);
  }

  /** LeaveGroup, except for a static member, which keeps its place (KIP-345). */
  protected async leaveOnClose(): Promise<void> {
    if (this.o.groupInstanceId === null) await this.leave('the consumer is closing');
  }

  /** LeaveGroup (static members too), then a new member id and generation for the next join. */
  protected override async leaveOnPollTimeout(): Promise<void> {
    try {
      await this.leave('the consumer poll timeout has expired');
    } finally {
      this.resetMember();
    }
  }

  // ---- joining ---------------------------------------------------------------------------

  private ensureJoined(): Promise<void> {
    this.joining ??= this.joinLoop().finally(() => {
      this.joining = undefined;
    });
    return this.joining;
  }

  private async joinLoop(): Promise<void> {
    if (this.needsJoin) this.beginRebalance();
    const joinWanted = (): boolean => this.needsJoin && !this.closed && this.state !== 'stale';
    try {
      // a join that ends with another one wanted (REBALANCE_IN_PROGRESS, KIP-429's second join)
      // starts at once; a failed one is retried with backoff while a join is still wanted
      while (joinWanted()) {
        await retry(() => this.joinOnce(), {
          ...this.backoff(),
          retriable: isNotFinal,
          stop: () => !joinWanted(),
          onRetry: (err, attempt, waitMs) =>
            this.cluster.logger.debug('joining the group again', { group: this.o.groupId, memberId: this.memberId, state: this.state, attempt, waitMs, error: (err as Error).message }),
        });
      }
    } catch (err) {
      // a retriable failure here only means the join is no longer wanted (closing, left)
      if (!isNotFinal(err)) {
        this.transition('unjoined');
        this.endRebalance(err as Error);
        this.emit('error', err as Error);
        throw err;
      }
    }
    this.endRebalance();
  }

  private protocols(): Array<{ name: string; metadata: Buffer }> {
    const owned = new Map<string, number[]>();
    for (const tp of [...this.owned.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))) {
      (owned.get(tp.topic) ?? owned.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
    }
    return this.o.assignors.map((a) => ({
      name: a.name,
      metadata: encodeSubscription({
        topics: [...this.o.topics].sort(),
        userData: subscriptionUserData(a, [...this.o.topics], [...this.owned.values()], this.generationId),
        ownedPartitions: [...owned].map(([topic, partitions]) => ({ topic, partitions })),
        generationId: this.generationId,
        rackId: null,
      }),
    }));
  }

  private eager(): boolean {
    const a = this.o.assignors.find((x) => x.name === this.protocolName) ?? this.o.assignors[0]!;
    return !(a.rebalanceProtocols ?? ['EAGER']).includes('COOPERATIVE');
  }

  private async joinOnce(): Promise<void> {
    // EAGER: give up everything before joining (commit first, retried while the coordinator
    // moves, bounded by the session timeout after which the member is gone anyway, so a
    // coordinator failover during a rebalance re-reads nothing)
    if (this.owned.size > 0 && this.eager()) await this.applyAssignment(new Map(), { commitTimeoutMs: this.o.sessionTimeoutMs });
    const conn = await this.coordinatorConnection();
    this.transition('joining');
    const join = await conn.send(
      JoinGroup,
      {
        groupId: this.o.groupId,
        sessionTimeoutMs: this.o.sessionTimeoutMs,
        rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.o.groupInstanceId,
        protocolType: 'consumer',
        protocols: this.protocols(),
        reason: null,
      },
      { timeoutMs: this.o.rebalanceTimeoutMs + 5000 },
    );
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = join.memberId; // KIP-394: join again with the id the coordinator chose
      return;
    }
    if (join.errorCode !== ErrorCode.NONE) return this.joinError(join.errorCode, 'JoinGroup');
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    this.protocolName = join.protocolName;
    this.leaderId = join.leader;
    this.isLeader = join.leader === join.memberId;
    this.transition('syncing');
    const assignments = this.isLeader && !join.skipAssignment ? await this.assign(join.members) : [];
    const sync = await conn.send(
      SyncGroup,
      {
        groupId: this.o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.o.groupInstanceId,
        protocolType: 'consumer',
        protocolName: this.protocolName,
        assignments,
      },
      { timeoutMs: this.o.rebalanceTimeoutMs + 5000 },
    );
    if (sync.errorCode !== ErrorCode.NONE) return this.joinError(sync.errorCode, 'SyncGroup');
    const decoded = sync.assignment.length === 0 ? { assignedPartitions: [], userData: null } : decodeAssignment(sync.assignment).assignment;
    const next = new Map<string, TopicPartition>();
    for (const t of decoded.assignedPartitions) for (const p of t.partitions) next.set(topicPartitionKey(t.topic, p), { topic: t.topic, partition: p });
    const chosen = this.o.assignors.find((a) => a.name === this.protocolName);
    if (chosen?.onAssignment) {
      try {
        chosen.onAssignment({ partitions: [...next.values()], userData: decoded.userData }, this.generationId);
      } catch (err) {
        throw new AssignorError(chosen.name, 'threw in onAssignment', err);
      }
    }
    this.needsJoin = false;
    this.transition('stable');
    // COOPERATIVE: revoke only what moves, then rejoin so it can be handed over (KIP-429)
    await this.applyAssignment(next, {
      commitTimeoutMs: this.o.sessionTimeoutMs,
      onRevoked: () => (this.needsJoin = true),
    });
  }

  private joinError(code: number, api: string): void {
    if (GENERATION_LOST_ERRORS.has(code)) {
      this.resetMember();
      this.transition('unjoined');
    }
    if (REJOIN_ERRORS.has(code)) {
      this.needsJoin = true;
      return;
    }
    if (COORDINATOR_ERRORS.has(code)) {
      // the coordinator moved or is still loading the group: find it again after a backoff
      // (a retriable error makes joinLoop sleep), not in a tight loop of FindCoordinator + JoinGroup
      this.onCoordinatorError(code);
      this.needsJoin = true;
      throw new GroupError(`${api} for group '${this.o.groupId}': no coordinator`, KafkaProtocolError.fromCode(code, `${api} group '${this.o.groupId}'`), true);
    }
    throw new GroupError(
      `${api} for group '${this.o.groupId}' failed`,
      KafkaProtocolError.fromCode(code, `${api} group '${this.o.groupId}'`),
      false,
    );
  }

  /** Leader: the assignment of every member with the group's chosen assignor. */
  private async assign(members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const assignor = this.o.assignors.find((a) => a.name === this.protocolName);
    if (assignor === undefined) throw new GroupError(`the group chose assignor '${this.protocolName}', which this member does not have`);
    const subs: MemberSubscription[] = members.map((m) => {
      const s = readSubscription(m.metadata, m.memberId);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        topics: s.topics,
        ownedPartitions: s.ownedPartitions.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p }))),
        generationId: s.generationId,
        rackId: s.rackId,
        userData: s.userData,
      };
    });
    const counts = new Map<string, number>();
    const metadata = new Map<string, readonly AssignorPartitionInfo[]>();
    for (const t of new Set(subs.flatMap((s) => s.topics))) {
      try {
        const info = await this.cluster.topicMetadata(t, 10_000);
        counts.set(t, info.partitions.length);
        metadata.set(
          t,
          Object.freeze(
            info.partitions.map((p) =>
              Object.freeze({ topic: t, partition: p.partition, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr, errorCode: p.errorCode }),
            ),
          ),
        );
      } catch (err) {
        // a topic that does not exist gets no partitions
        this.logFailure(`no metadata for subscribed topic '${t}': none of its partitions assigned`)(err);
      }
    }
    this.assignedFrom = counts;
    const builtIn = isBuiltInAssignor(assignor);
    let result: GroupAssignment;
    let timer: NodeJS.Timeout | undefined;
    try {
      // the coordinator waits for the leader's SyncGroup no longer than the members' sessions:
      // an assignor still busy after the rebalance timeout fails the rebalance instead of
      // leaving the member stuck in it
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AssignorError(assignor.name, `did not return an assignment within rebalanceTimeoutMs (${this.o.rebalanceTimeoutMs} ms)`)),
          this.o.rebalanceTimeoutMs,
        );
      });
      result = await Promise.race([Promise.resolve().then(() => assignor.assign(counts, subs, this.generationId, metadata)), late]);
    } catch (err) {
      // the built-in assignors' own typed errors (AssignmentError) and the timeout pass as they are
      if (builtIn || err instanceof AssignorError) throw err;
      throw new AssignorError(assignor.name, 'threw', err);
    } finally {
      clearTimeout(timer);
    }
    const byMember = checkedAssignment(assignor, result, subs, counts, !builtIn && !this.eager());
    return subs.map((s) => {
      const a = byMember.get(s.memberId);
      const byTopic = new Map<string, number[]>();
      for (const tp of a?.partitions ?? []) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
      return {
        memberId: s.memberId,
        assignment: encodeAssignment({ assignedPartitions: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })), userData: a?.userData ?? null }),
      };
    });
  }

  // ---- heartbeats ------------------------------------------------------------------------

  private scheduleHeartbeat(): void {
    if (this.closed) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeat().finally(() => this.scheduleHeartbeat());
    }, this.o.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.state === 'stale') return;
    if (await this.leaveIfPollTimedOut()) return;
    if (this.needsJoin) {
      this.ensureJoined().catch(this.logFailure('joining the group failed'));
      return;
    }
    if (this.isLeader && this.partitionCountsChanged()) {
      this.needsJoin = true;
      this.ensureJoined().catch(this.logFailure('joining the group again after a partition count change failed'));
      return;
    }
    try {
      const conn = await this.coordinatorConnection('heartbeat');
      const res = await conn.send(Heartbeat, {
        groupId: this.o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.o.groupInstanceId,
      });
      if (res.errorCode === ErrorCode.NONE) {
        this.emit('heartbeat');
        return;
      }
      if (COORDINATOR_ERRORS.has(res.errorCode)) {
        // the coordinator moved (or its successor is loading the group): the membership is
        // intact, so find the coordinator again with the next heartbeat and do not rejoin, as
        // Java does (markCoordinatorUnknown); rejoining would revoke every partition (eager)
        this.onCoordinatorError(res.errorCode);
        return;
      }
      if (GENERATION_LOST_ERRORS.has(res.errorCode)) {
        // our generation is gone: the partitions are lost, not revoked (no commit possible)
        this.revoke([...this.owned.values()], true);
        this.resetMember();
        this.transition('unjoined');
      } else if (res.errorCode === ErrorCode.FENCED_INSTANCE_ID) {
        this.emit('error', new GroupError(`another consumer with groupInstanceId '${this.o.groupInstanceId}' took this member's place`, KafkaProtocolError.fromCode(res.errorCode)));
        return;
      }
      this.onCoordinatorError(res.errorCode);
      this.needsJoin = true;
      this.ensureJoined().catch(this.logFailure('joining the group again after a heartbeat error failed'));
    } catch (err) {
      this.logFailure('heartbeat failed: looking the coordinator up again')(err);
      this.coordinator = undefined;
    }
  }

  private partitionCountsChanged(): boolean {
    for (const [t, n] of this.assignedFrom) {
      const now = this.cluster.topic(t)?.partitions.length;
      if (now !== undefined && now !== n) return true;
    }
    return false;
  }

  protected commitIdentity(): { generation: number; memberId: string; instanceId: string | null } | undefined {
    if (this.generationId < 0) return undefined;
    return { generation: this.generationId, memberId: this.memberId, instanceId: this.o.groupInstanceId };
  }

  private resetMember(): void {
    if (this.o.groupInstanceId === null) this.memberId = '';
    this.generationId = -1;
  }

  private async leave(reason: string): Promise<void> {
    if (this.memberId === '') return;
    const conn = await this.coordinatorConnection();
    const version = conn.versionFor(LeaveGroup);
    const member = { memberId: this.memberId, groupInstanceId: this.o.groupInstanceId, reason };
    const res = await conn.send(LeaveGroup, leaveGroupRequest(version, this.o.groupId, member), { version });
    const code = leaveGroupErrorCode(res);
    if (code !== ErrorCode.NONE && code !== ErrorCode.UNKNOWN_MEMBER_ID) {
      throw KafkaProtocolError.fromCode(code, `LeaveGroup group '${this.o.groupId}'`);
    }
  }

}

/** The assignor's userData for this member's subscription; an assignor that throws or returns no Buffer fails the join with an AssignorError. */
function subscriptionUserData(a: PartitionAssignor, topics: string[], owned: TopicPartition[], generationId: number): Buffer | null {
  if (!a.subscriptionUserData) return null;
  let userData: unknown;
  try {
    userData = a.subscriptionUserData(topics, owned, generationId);
  } catch (err) {
    throw new AssignorError(a.name, 'threw in subscriptionUserData', err);
  }
  if (userData === null || userData === undefined) return null;
  if (!Buffer.isBuffer(userData)) throw new AssignorError(a.name, `returned ${typeof userData} from subscriptionUserData, not a Buffer or null`);
  return userData;
}

/**
 * A member's JoinGroup metadata as a Subscription. KafkaJS consumers write their assigner's
 * version (NestJS's assigner: 1) in front of version 0's fields only; such metadata is read as
 * version 0 (topics and userData), as KafkaJS's own leaders read it.
 */
function readSubscription(metadata: Buffer, memberId: string): ConsumerProtocolSubscription {
  try {
    return decodeSubscription(metadata).subscription;
  } catch (err) {
    if (!(err instanceof ProtocolDecodeError)) throw err;
    try {
      const r = new Reader(metadata);
      r.int16();
      return decodeConsumerProtocolSubscription(r, 0);
    } catch {
      throw new GroupError(`member '${memberId}' sent subscription metadata that is not the consumer protocol's`, err);
    }
  }
}

/**
 * The assignor's result per member, checked: only members of the group, only partitions of
 * topics with metadata and within their partition count; with `cooperative`, no partition
 * moves straight from one member that still owns it to another (Java:
 * ConsumerCoordinator.validateCooperativeAssignment).
 */
function checkedAssignment(
  assignor: PartitionAssignor,
  result: unknown,
  members: readonly MemberSubscription[],
  counts: ReadonlyMap<string, number>,
  cooperative: boolean,
): Map<string, { partitions: readonly TopicPartition[]; userData: Buffer | null }> {
  if (!(result instanceof Map)) throw new AssignorError(assignor.name, `returned ${result === null ? 'null' : typeof result}, not a Map of member id to partitions`);
  const ids = new Set(members.map((m) => m.memberId));
  const out = new Map<string, { partitions: readonly TopicPartition[]; userData: Buffer | null }>();
  for (const [memberId, value] of result as Map<unknown, unknown>) {
    if (typeof memberId !== 'string' || !ids.has(memberId)) {
      throw new AssignorError(assignor.name, `assigned partitions to ${typeof memberId === 'string' ? `'${memberId}'` : String(memberId)}, which is not a member of the group`);
    }
    const partitions: unknown = Array.isArray(value) ? value : (value as { partitions?: unknown } | null)?.partitions;
    const userData: unknown = Array.isArray(value) ? null : ((value as { userData?: unknown } | null)?.userData ?? null);
    if (!Array.isArray(partitions)) throw new AssignorError(assignor.name, `gave member '${memberId}' no partition array`);
    if (userData !== null && !Buffer.isBuffer(userData)) throw new AssignorError(assignor.name, `gave member '${memberId}' userData that is not a Buffer`);
    for (const tp of partitions as Array<Partial<TopicPartition> | null>) {
      const count = typeof tp?.topic === 'string' ? counts.get(tp.topic) : undefined;
      if (count === undefined) {
        throw new AssignorError(assignor.name, `assigned ${JSON.stringify(tp?.topic ?? null)} to member '${memberId}', a topic no member subscribes to or without metadata`);
      }
      if (!Number.isInteger(tp!.partition) || tp!.partition! < 0 || tp!.partition! >= count) {
        throw new AssignorError(assignor.name, `assigned partition ${String(tp!.partition)} of '${tp!.topic}' to member '${memberId}'; the topic has partitions 0 to ${count - 1}`);
      }
    }
    out.set(memberId, { partitions: partitions as TopicPartition[], userData: userData as Buffer | null });
  }
  if (cooperative) {
    const owner = new Map<string, string>();
    for (const m of members) for (const tp of m.ownedPartitions) owner.set(topicPartitionKey(tp.topic, tp.partition), m.memberId);
    for (const [memberId, a] of out) {
      for (const tp of a.partitions) {
        const was = owner.get(topicPartitionKey(tp.topic, tp.partition));
        if (was !== undefined && was !== memberId) {
          throw new AssignorError(
            assignor.name,
            `moved ${tp.topic}-${tp.partition} from member '${was}' straight to '${memberId}' in one COOPERATIVE rebalance (KIP-429: leave it out until its owner revoked it)`,
          );
        }
      }
    }
  }
  return out;
}
