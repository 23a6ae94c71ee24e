/** The types of the partition assignors: what the group leader gives them and what they return. */

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One member's subscription as the leader sees it in JoinGroup (ConsumerProtocolSubscription). */
export interface MemberSubscription {
  memberId: string;
  /** Static membership (KIP-345): range and roundrobin order static members by this id. */
  groupInstanceId: string | null;
  topics: string[];
  /** KIP-429, ConsumerProtocolSubscription v1+. */
  ownedPartitions: TopicPartition[];
  /** ConsumerProtocolSubscription v2+; negative = unknown (Java: Optional.empty()). */
  generationId: number;
  /** ConsumerProtocolSubscription v3+ (KIP-881); null or '' = none. */
  rackId: string | null;
  userData: Buffer | null;
}

/**
 * Per topic: its partition count, or, to enable rack-aware assignment, one entry per partition
 * (index = partition id) listing the racks of the partition's replicas' brokers (null for a
 * broker without `broker.rack`).
 */
export type TopicPartitionsInfo = number | ReadonlyArray<ReadonlyArray<string | null>>;

export type RebalanceProtocol = 'EAGER' | 'COOPERATIVE';

export interface Assignor {
  /** The protocol name sent in JoinGroup. */
  readonly name: 'range' | 'roundrobin' | 'cooperative-sticky' | string;
  /** Java's supportedProtocols(), in Java's order. */
  readonly rebalanceProtocols: ReadonlyArray<RebalanceProtocol>;
  /**
   * The group assignment: memberId -> partitions (sorted by topic, then partition), one entry
   * per member (empty arrays included), in the order of `members`. `members` must be in
   * JoinGroup-response order (see index.ts). `generationId` (the leader's
   * generation) is accepted for symmetry and not used: Java's assignors take every generation
   * from the subscriptions.
   */
  assign(
    partitionsPerTopic: ReadonlyMap<string, TopicPartitionsInfo>,
    members: readonly MemberSubscription[],
    generationId?: number,
  ): Map<string, TopicPartition[]>;
  /**
   * userData for this member's subscription (Java's subscriptionUserData). range and
   * roundrobin: null. cooperative-sticky: the member's last generation (from its last
   * assignment; -1 before the first) as a 4-byte big-endian int32, which Java still sends
   * next to the v2 generationId field for older leaders.
   */
  subscriptionUserData?(topics: readonly string[], ownedPartitions: readonly TopicPartition[], generationId: number): Buffer | null;
}

/**
 * One partition as the group leader's metadata has it when it assigns (Java's `PartitionInfo`
 * in the `Cluster` given to `ConsumerPartitionAssignor.assign`), for assignors that place
 * partitions by leader or replicas.
 */
export interface AssignorPartitionInfo {
  readonly topic: string;
  readonly partition: number;
  /** -1 when no leader is known. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** The partition's error code in the metadata (0: none). */
  readonly errorCode: number;
}

/** One member's part of a group assignment, with userData for it (Java's `ConsumerPartitionAssignor.Assignment`). */
export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
  /** Sent to the member in its SyncGroup assignment; it gets it in `onAssignment`. */
  readonly userData?: Buffer | null;
}

/**
 * The group assignment a {@link PartitionAssignor} returns: memberId -> its partitions, or its
 * partitions and userData. A member left out gets nothing.
 */
export type GroupAssignment = ReadonlyMap<string, readonly TopicPartition[] | MemberAssignment>;

/**
 * A partition assignor an application writes and gives to `Config.assignors` next to (or
 * instead of) the built-in names: Java's `ConsumerPartitionAssignor` given to
 * `partition.assignment.strategy` as a class. The group leader runs the assignor the group
 * chose (the first of the leader's list that every member offers) on every member's
 * subscription; every member sends `subscriptionUserData` in its subscription and hears its own
 * share in `onAssignment`. The built-in assignors have this shape too.
 */
export interface PartitionAssignor {
  /** The protocol name sent in JoinGroup: every member of a group must use the same name for the same algorithm. */
  readonly name: string;
  /**
   * The rebalance protocols it supports, preferred first (Java's supportedProtocols());
   * default `['EAGER']`. A COOPERATIVE assignor must not move a partition straight from one
   * member to another in one rebalance (KIP-429): leave it out, so its owner revokes it, and
   * assign it in the follow-up rebalance; the leader checks this.
   */
  readonly rebalanceProtocols?: ReadonlyArray<RebalanceProtocol>;
  /**
   * The group assignment (leader only). May return a Promise, which the leader awaits (one
   * still pending after `rebalanceTimeoutMs` fails the rebalance). `partitionsPerTopic` holds the partition count of every
   * subscribed topic that has metadata, `metadata` its partitions' leaders and replicas;
   * `members` are in JoinGroup-response order. Partitions of topics not in `partitionsPerTopic`,
   * partitions out of range and members not in `members` make the rebalance fail with an
   * AssignorError, as does a throw.
   */
  assign(
    partitionsPerTopic: ReadonlyMap<string, TopicPartitionsInfo>,
    members: readonly MemberSubscription[],
    generationId: number,
    metadata: ReadonlyMap<string, readonly AssignorPartitionInfo[]>,
  ): GroupAssignment | Promise<GroupAssignment>;
  /** userData for this member's subscription, every time it joins (Java: subscriptionUserData). */
  subscriptionUserData?(topics: readonly string[], ownedPartitions: readonly TopicPartition[], generationId: number): Buffer | null;
  /** This member's assignment and its userData, after every rebalance, before the partitions are taken (Java: onAssignment). */
  onAssignment?(assignment: { partitions: readonly TopicPartition[]; userData: Buffer | null }, generationId: number): void;
}
