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
import { backoffMs, sleep } from '../cluster/retry.js';
import { GroupError } from './errors.js';
import { COORDINATOR_ERRORS, GroupMemberBase } from './group-base.js';

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;

export interface ConsumerProtocolOptions {
  /** Broker-side assignor ('uniform' or 'range'); null: the broker's default. */
  serverAssignor: string | null;
}

export class ConsumerProtocolMember extends GroupMemberBase {
  /** Chosen by the member for its lifetime (KIP-1082): Kafka's UUID text form. */
  readonly memberId = randomBytes(16).toString('base64url');
  memberEpoch = 0;
  private intervalMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  /** Send the full state in the next heartbeat (joining, or after a reconciliation). */
  private sendFull = true;
  /** Bumped whenever the owned partitions change; `ackedOwned`: the version the broker was sent. */
  private ownedVersion = 1;
  private ackedOwned = 0;
  /** The latest target assignment not reconciled yet, and the reconciliation under way. */
  private target: ConsumerGroupHeartbeatTopicPartitions[] | undefined;
  private reconciling: Promise<void> | undefined;
  /** Bumped when the member loses its partitions (fenced): an older reconciliation stops. */
  private incarnation = 0;
  private leftForPollTimeout = false;
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
    await this.heartbeatNow();
    this.schedule();
    await joined;
  }

  polled(): void {
    this.lastPoll = Date.now();
    if (this.leftForPollTimeout && !this.closed) {
      this.leftForPollTimeout = false;
      this.memberEpoch = 0;
      this.sendFull = true;
      this.heartbeatNow().catch(() => {});
    }
  }

  protected commitIdentity(): { generation: number; memberId: string; instanceId: string | null } | undefined {
    if (this.memberEpoch <= 0) return undefined;
    return { generation: this.memberEpoch, memberId: this.memberId, instanceId: this.o.groupInstanceId };
  }

  protected async stopMembership(): Promise<void> {
    clearTimeout(this.timer);
    await this.inflight?.catch(() => {});
    await this.reconciling;
  }

  /** A heartbeat with epoch -1 (-2 for a static member, which keeps its place). */
  protected leaveOnClose(): Promise<void> {
    return this.leave();
  }

  // ---------------------------------------------------------------------------------------

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.heartbeatNow()
        .catch(() => {})
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
      topicId: this.cluster.topic(topic)?.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA',
      partitions: partitions.sort((a, b) => a - b),
    }));
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.leftForPollTimeout) return;
    if (this.memberEpoch > 0 && this.pollTimedOut()) {
      this.cluster.logger.warn('no message taken within maxPollIntervalMs: leaving the group', { group: this.o.groupId });
      this.leftForPollTimeout = true;
      await this.commitMarked().catch(() => {});
      this.revoke([...this.owned.values()], true);
      this.ownedVersion++;
      await this.leave().catch(() => {});
      return;
    }
    const full = this.sendFull || this.memberEpoch === 0;
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
    this.sendFull = false;
    if (sendOwned) this.ackedOwned = ownedVersion;
    this.memberEpoch = res.memberEpoch;
    if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs;
    if (res.assignment !== null) {
      this.target = res.assignment.topicPartitions;
      this.startReconcile();
    }
  }

  /** Reconciles the latest target beside the heartbeats, one reconciliation at a time. */
  private startReconcile(): void {
    if (this.reconciling !== undefined) return; // its loop takes the latest target next
    this.reconciling = (async () => {
      for (let failures = 0; this.target !== undefined && !this.closed; ) {
        const target = this.target;
        this.target = undefined;
        try {
          await this.reconcile(target);
          failures = 0;
        } catch (err) {
          // OffsetFetch failed (the coordinator moving, say): try the target again
          this.target ??= target;
          this.cluster.logger.warn('reconciling the assignment failed', { group: this.o.groupId, error: (err as Error).message });
          await sleep(backoffMs(failures++, this.o.retryBackoffMs, this.o.retryBackoffMaxMs));
        }
      }
    })().finally(() => {
      this.reconciling = undefined;
      if (this.target !== undefined && !this.closed) this.startReconcile();
    });
  }

  /** A heartbeat soon, to tell the broker what the member owns now (after the one in flight). */
  private acknowledgeSoon(): void {
    const send = (): void => {
      if (!this.closed && this.ownedVersion !== this.ackedOwned) this.heartbeatNow().catch(() => {});
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
    const revoked = [...this.owned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const changes = revoked.length > 0 || [...next.keys()].some((k) => !this.owned.has(k));
    if (changes || this.firstAssignment !== undefined) this.beginRebalance();
    if (revoked.length > 0) {
      await this.commitMarked(new Set(revoked.map((tp) => topicPartitionKey(tp.topic, tp.partition)))).catch(() => {});
      // fenced meanwhile: every partition was released already, and the member joins again
      if (incarnation !== this.incarnation) return;
      this.revoke(revoked, true);
      this.ownedVersion++;
    }
    const added = [...next].filter(([k]) => !this.owned.has(k)).map(([, tp]) => tp);
    if (added.length > 0) {
      await this.take(added);
      this.ownedVersion++;
      if (incarnation !== this.incarnation) {
        // fenced while their committed offsets were read: they are not this member's any more
        this.revoke(added, true);
        return;
      }
    }
    this.endRebalance();
    this.firstAssignment?.();
    this.firstAssignment = this.joinFailed = undefined;
    // acknowledge the new ownership at once, so the broker can move partitions along
    if (this.ownedVersion !== this.ackedOwned) this.acknowledgeSoon();
  }

  private async onError(code: number, message: string | null): Promise<void> {
    if (code === ErrorCode.FENCED_MEMBER_EPOCH || code === ErrorCode.UNKNOWN_MEMBER_ID) {
      // the partitions are lost: release them without committing, join again with epoch 0
      this.incarnation++;
      this.target = undefined;
      this.revoke([...this.owned.values()], true);
      this.ownedVersion++;
      this.memberEpoch = 0;
      this.sendFull = true;
      return;
    }
    if (COORDINATOR_ERRORS.has(code)) {
      this.onCoordinatorError(code);
      return;
    }
    if (code === ErrorCode.UNSUPPORTED_ASSIGNOR || code === ErrorCode.GROUP_AUTHORIZATION_FAILED || code === ErrorCode.UNSUPPORTED_VERSION || code === ErrorCode.INVALID_REQUEST || code === ErrorCode.GROUP_MAX_SIZE_REACHED || code === ErrorCode.FENCED_INSTANCE_ID || code === ErrorCode.UNRELEASED_INSTANCE_ID) {
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
