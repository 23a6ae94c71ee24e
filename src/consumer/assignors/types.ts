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
