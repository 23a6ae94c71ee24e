/**
 * Membership of a KIP-848 consumer group (`groupProtocol: 'consumer'`, GA on Kafka 4.x): one
 * ConsumerGroupHeartbeat request does joining, heartbeating and assignment; the broker runs
 * the assignor ('uniform' or 'range', `serverAssignor`) and hands each member its target
 * assignment incrementally.
 *
 * The member picks its own member id (v1, KIP-1082), joins with epoch 0 and its full state,
 * then heartbeats at the interval the broker sets, sending only what changed. When the target
 * assignment drops partitions, the member commits their marked offsets and releases them, and
 * says so in the next heartbeat (the owned partitions); partitions added are fetched from their
 * committed offsets. Reconciling (committing, then OffsetFetch) runs beside the heartbeats, never
 * in their way: a commit the coordinator is slow to answer must not stop the heartbeats, or the
 * member is fenced for a missed session timeout while it works on its revocation. Heartbeats go
 * on a connection of their own (lane 'heartbeat'), behind no OffsetCommit.
 * FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID mean the partitions are lost:
 * they are released without a commit and the member joins again with epoch 0. Leaving is a
 * heartbeat with epoch -1 (-2 for a static member, which keeps its place for the session
 * timeout).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../protocol/error-codes.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import {
  ConsumerGroupHeartbeat,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatTopicPartitions,
} from '../../protocol/messages/consumer-group-heartbeat.js';
import type { TopicPartition } from './assignors/index.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { retry } from '../cluster/retry.js';
import { topicIdOf } from '../cluster/topic-ids.js';
import { GroupError } from './errors.js';
import { COORDINATOR_ERRORS, GroupMemberBase, type GroupTransitions } from './group-base.js';

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;

/**
 * Answers meaning the member lost its partitions: they are released without a commit and the
 * member joins again with epoch 0 (Java: ConsumerMembershipManager.transitionToFenced).
 */
const FENCED_ERRORS: ReadonlySet<number> = new Set([ErrorCode.FENCED_MEMBER_EPOCH, ErrorCode.UNKNOWN_MEMBER_ID]);

/**
 * Answers the member cannot recover from by itself: the join fails and the application hears
 * of it (Java: the heartbeat manager's fatal failures, MemberState.FATAL).
 */
const FATAL_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.UNSUPPORTED_ASSIGNOR,
  ErrorCode.GROUP_AUTHORIZATION_FAILED,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.INVALID_REQUEST,
  ErrorCode.GROUP_MAX_SIZE_REACHED,
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.UNRELEASED_INSTANCE_ID,
]);

/** The KIP-848 protocol's moves between states (see GroupState). */
const CONSUMER_TRANSITIONS: GroupTransitions = {
  unjoined: ['joining', 'closed'],
  joining: ['reconciling', 'stable', 'stale', 'closed'],
  reconciling: ['stable', 'joining', 'stale', 'closed'],
  stable: ['reconciling', 'joining', 'stale', 'closed'],
  // only the application's next poll brings a member that left for a poll timeout back
  stale: ['joining', 'closed'],
  syncing: [],
  closed: [],
};

export interface ConsumerProtocolOptions {
  /** Broker-side assignor ('uniform' or 'range'); null: the broker's default. */
  serverAssignor: string | null;
}

export class ConsumerProtocolMember extends GroupMemberBase {
  /** Chosen by the member for its lifetime (KIP-1082): Kafka's UUID text form. */
  override readonly memberId = randomBytes(16).toString('base64url');
  protected override readonly groupProtocol = 'consumer' as const;
  /** 0 while joining (the heartbeat then carries the member's full state). */
  memberEpoch = 0;
  protected override readonly transitions = CONSUMER_TRANSITIONS;
  private intervalMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  /** Bumped whenever the owned partitions change; `ackedOwned`: the version the broker was sent. */
  private ownedVersion = 1;
  private ackedOwned = 0;
  /** The latest target assignment not reconciled yet, and the reconciliation under way. */
  private target: ConsumerGroupHeartbeatTopicPartitions[] | undefined;
  private reconciling: Promise<void> | undefined;
  /** Bumped when the member loses its partitions (fenced): an older reconciliation stops. */
  private incarnation = 0;
  private firstAssignment: (() => void) | undefined;
  private joinFailed: ((err: Error) => void) | undefined;
  private serverAssignor: string | null = null;

  configure(opts: ConsumerProtocolOptions): this {
    this.serverAssignor = opts.serverAssignor;
    return this;
  }

  async start(): Promise<void> {
    for (const t of this.o.topics) await this.cluster.topicMetadata(t, 30_000);
    this.startAutoCommit();
    const joined = new Promise<void>((resolve, reject) => {
      this.firstAssignment = resolve;
      this.joinFailed = reject;
    });
    this.transition('joining');
    await this.heartbeatNow();
    this.schedule();
    await joined;
  }

  polled(): void {
    if (!this.pollResumed()) return;
    this.memberEpoch = 0;
    this.heartbeatNow().catch(this.logFailure('heartbeat joining again after the poll timeout failed'));
  }

  protected commitIdentity(): { generation: number; memberId: string; instanceId: string | null } | undefined {
    if (this.memberEpoch <= 0) return undefined;
    return { generation: this.memberEpoch, memberId: this.memberId, instanceId: this.o.groupInstanceId };
  }

  protected async stopMembership(): Promise<void> {
    clearTimeout(this.timer);
    await this.inflight?.catch(this.logFailure('the last heartbeat before closing failed'));
    await this.reconciling;
  }

  /** A heartbeat with epoch -1 (-2 for a static member, which keeps its place). */
  protected leaveOnClose(): Promise<void> {
    return this.leave();
  }

  /** The same leave as on close; the member joins again with epoch 0 when the application polls. */
  protected override leaveOnPollTimeout(): Promise<void> {
    return this.leave();
  }

  /** The broker hears of the change in the next heartbeat (the owned partitions go out). */
  protected override ownedChanged(): void {
    this.ownedVersion++;
  }

  // ---------------------------------------------------------------------------------------

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.heartbeatNow()
        .catch(this.logFailure('heartbeat failed'))
        .finally(() => this.schedule());
    }, this.intervalMs > 0 ? this.intervalMs : this.o.heartbeatIntervalMs);
    this.timer.unref();
  }

  private heartbeatNow(): Promise<void> {
    this.inflight ??= this.heartbeat().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private ownedTopicPartitions(): ConsumerGroupHeartbeatTopicPartitions[] {
    const byTopic = new Map<string, number[]>();
    for (const tp of this.owned.values()) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
    return [...byTopic].map(([topic, partitions]) => ({
      topicId: topicIdOf(this.cluster, topic),
      partitions: partitions.sort((a, b) => a - b),
    }));
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.state === 'stale') return;
    if (await this.leaveIfPollTimedOut()) return;
    // joining (epoch 0): the member's full state; afterwards only what changed
    const full = this.memberEpoch === 0;
    // the owned partitions go out when they changed since the broker last heard them
    const sendOwned = full || this.ownedVersion !== this.ackedOwned;
    const ownedVersion = this.ownedVersion;
    const request: ConsumerGroupHeartbeatRequest = {
      groupId: this.o.groupId,
      memberId: this.memberId,
      memberEpoch: this.memberEpoch,
      instanceId: full ? this.o.groupInstanceId : null,
      rackId: null,
      rebalanceTimeoutMs: full ? this.o.rebalanceTimeoutMs : -1,
      subscribedTopicNames: full ? [...this.o.topics] : null,
      subscribedTopicRegex: null,
      serverAssignor: full ? this.serverAssignor : null,
      topicPartitions: sendOwned ? this.ownedTopicPartitions() : null,
    };
    let res;
    try {
      const conn = await this.coordinatorConnection('heartbeat');
      res = await conn.send(ConsumerGroupHeartbeat, request);
    } catch (err) {
      this.coordinator = undefined;
      throw err;
    }
    if (res.errorCode !== ErrorCode.NONE) {
      await this.onError(res.errorCode, res.errorMessage);
      return;
    }
    if (sendOwned) this.ackedOwned = ownedVersion;
    this.memberEpoch = res.memberEpoch;
    this.emit('heartbeat');
    if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs;
    if (res.assignment !== null) {
      this.target = res.assignment.topicPartitions;
      this.transition('reconciling');
      this.startReconcile();
    } else if (this.state === 'joining') {
      this.transition('stable');
    }
  }

  /** Reconciles the latest target beside the heartbeats, one reconciliation at a time. */
  private startReconcile(): void {
    if (this.reconciling !== undefined) return; // its loop takes the latest target next
    const wanted = (): boolean => this.target !== undefined && !this.closed;
    // each attempt takes the latest target; a failed one (OffsetFetch while the coordinator
    // moves, say) puts its target back unless a newer one came meanwhile
    const reconcileLatest = async (): Promise<void> => {
      const target = this.target!;
      this.target = undefined;
      try {
        await this.reconcile(target);
      } catch (err) {
        this.target ??= target;
        throw err;
      }
    };
    this.reconciling = (async () => {
      while (wanted()) {
        await retry(reconcileLatest, {
          ...this.backoff(),
          retriable: () => true,
          stop: () => !wanted(),
          onRetry: (err) => this.cluster.logger.warn('reconciling the assignment failed', { group: this.o.groupId, error: (err as Error).message }),
        }).catch((err: Error) =>
          // stopped: closed, or fenced (the target dropped) while waiting to try again
          this.cluster.logger.debug('reconciliation stopped', { group: this.o.groupId, memberId: this.memberId, error: err.message }),
        );
      }
    })().finally(() => {
      this.reconciling = undefined;
      if (this.target !== undefined && !this.closed) this.startReconcile();
    });
  }

  /** A heartbeat soon, to tell the broker what the member owns now (after the one in flight). */
  private acknowledgeSoon(): void {
    const send = (): void => {
      if (!this.closed && this.ownedVersion !== this.ackedOwned) this.heartbeatNow().catch(this.logFailure('heartbeat acknowledging the owned partitions failed'));
    };
    if (this.inflight === undefined) setImmediate(send);
    else this.inflight.then(send, send);
  }

  /** Moves the owned partitions to the target assignment: release first, then take. */
  private async reconcile(target: ConsumerGroupHeartbeatTopicPartitions[]): Promise<void> {
    const incarnation = this.incarnation;
    const next = new Map<string, TopicPartition>();
    for (const t of target) {
      let name = this.cluster.topicNameById(t.topicId);
      if (name === undefined) {
        await this.cluster.refresh();
        name = this.cluster.topicNameById(t.topicId);
      }
      if (name === undefined) continue; // a topic this member cannot name yet: next heartbeat
      for (const p of t.partitions) next.set(topicPartitionKey(name, p), { topic: name, partition: p });
    }
    if (incarnation !== this.incarnation) return;
    const changes = [...this.owned.keys()].some((k) => !next.has(k)) || [...next.keys()].some((k) => !this.owned.has(k));
    if (changes || this.firstAssignment !== undefined) this.beginRebalance();
    // false: fenced meanwhile, every partition was released already and the member joins again
    if (!(await this.applyAssignment(next, { current: () => incarnation === this.incarnation }))) return;
    this.endRebalance();
    if (this.target === undefined) this.transition('stable');
    this.firstAssignment?.();
    this.firstAssignment = this.joinFailed = undefined;
    // acknowledge the new ownership at once, so the broker can move partitions along
    if (this.ownedVersion !== this.ackedOwned) this.acknowledgeSoon();
  }

  private async onError(code: number, message: string | null): Promise<void> {
    if (FENCED_ERRORS.has(code)) {
      // the partitions are lost: release them without committing, join again with epoch 0
      this.incarnation++;
      this.target = undefined;
      this.revoke([...this.owned.values()], true);
      this.memberEpoch = 0;
      this.transition('joining');
      return;
    }
    if (COORDINATOR_ERRORS.has(code)) {
      this.onCoordinatorError(code);
      return;
    }
    if (FATAL_ERRORS.has(code)) {
      const err = new GroupError(
        `ConsumerGroupHeartbeat for group '${this.o.groupId}' failed`,
        KafkaProtocolError.fromCode(code, `group '${this.o.groupId}'`, message),
      );
      this.joinFailed?.(err);
      this.firstAssignment = this.joinFailed = undefined;
      this.emit('error', err);
      throw err;
    }
  }

  private async leave(): Promise<void> {
    if (this.memberEpoch === 0 && this.owned.size === 0 && !this.closed) return;
    const conn = await this.coordinatorConnection('heartbeat');
    await conn.send(ConsumerGroupHeartbeat, {
      groupId: this.o.groupId,
      memberId: this.memberId,
      memberEpoch: this.o.groupInstanceId !== null ? STATIC_LEAVE_EPOCH : LEAVE_EPOCH,
      instanceId: this.o.groupInstanceId,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: null,
    });
    this.memberEpoch = 0;
  }
}
