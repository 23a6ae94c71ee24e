/**
 * The values Admin takes and gives (Java: the admin package's NewTopic, TopicDescription,
 * AclBinding, ...): plain data, named in Kafka's words. Admin's calls are in admin.ts.
 */
import type { KafkaProtocolError } from '../../protocol/errors.js';
import type { TopicPartition } from '../consumer/assignors/types.js';

export type { TopicPartition };

export interface AdminCallOptions {
  /** How long the call may take, retries included. Default 60000 (Java: default.api.timeout.ms). */
  timeoutMs?: number;
}

/** A topic to create (Java: NewTopic). */
export interface NewTopic {
  name: string;
  /** Default: the broker's num.partitions (-1). */
  numPartitions?: number;
  /** Default: the broker's default.replication.factor (-1). */
  replicationFactor?: number;
  /** Explicit replicas per partition (then numPartitions and replicationFactor are not given). */
  replicaAssignment?: Record<number, number[]>;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  configs?: Record<string, string>;
}

/** The outcome of one item: `error` is null when it succeeded. */
export interface ItemOutcome {
  error: KafkaProtocolError | null;
}

export interface CreateTopicResult extends ItemOutcome {
  name: string;
  /** The new topic's id ('' when it failed). */
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
}

export interface TopicListing {
  name: string;
  topicId: string;
  isInternal: boolean;
}

export interface PartitionDescription {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicDescription extends ItemOutcome {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: PartitionDescription[];
  /** What the caller may do to the topic (Java: authorizedOperations), or null when not asked for. */
  authorizedOperations: AclOperation[] | null;
}

export interface BrokerDescription {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface LogDirDescription extends ItemOutcome {
  /** The broker's node id. */
  broker: number;
  path: string;
  /** Bytes of the volume, and those free (-1n when the broker does not say: before Kafka 3.3). */
  totalBytes: bigint;
  usableBytes: bigint;
  replicas: { topic: string; partition: number; size: bigint; offsetLag: bigint; isFuture: boolean }[];
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerDescription[];
}

/** Which offset ListOffsets finds: the log start, the log end, the largest timestamp, or the first at or after a time. */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number };

export interface ListedOffset extends ItemOutcome {
  topic: string;
  partition: number;
  /** -1n when it failed (or no record is at or after the timestamp). */
  offset: bigint;
  /** The record's timestamp for timestamp queries, else -1. */
  timestamp: number;
  leaderEpoch: number;
}

export interface GroupOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** -1n when the group has no committed offset for it. */
  committed: bigint;
  /** The log end offset (read_uncommitted high watermark). */
  end: bigint;
  /** end - committed (the whole log when nothing is committed: end - log start). */
  lag: bigint;
}

export interface GroupLag {
  groupId: string;
  partitions: PartitionLag[];
  total: bigint;
}

export interface GroupListing {
  groupId: string;
  /** `consumer` for consumer groups (either protocol), '' for other groups. */
  protocolType: string;
  /** `Stable`, `Empty`, ... ('' from a broker too old to say). */
  state: string;
  /** `classic`, `consumer` (KIP-848) or `share` ('' from a broker too old to say). */
  type: string;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The partitions the member owns (KIP-848 groups; classic consumer groups: decoded from the assignor's ConsumerProtocolAssignment, empty while the group rebalances). */
  assignment: { topic: string; partitions: number[] }[];
  /** The KIP-848 member epoch (-1 for a classic member). */
  memberEpoch: number;
  /** A classic member's metadata as the coordinator holds it (for a consumer, its ConsumerProtocolSubscription); null for a KIP-848 member. */
  memberMetadata: Buffer | null;
  /** A classic member's assignment bytes (for a consumer, its ConsumerProtocolAssignment; empty until the group is Stable); null for a KIP-848 member. */
  memberAssignment: Buffer | null;
}

/** Which leader electLeaders elects (KIP-460): the preferred replica, or any live one when no in-sync replica is left. */
export type ElectionType = 'preferred' | 'unclean';

/** A move of a partition onto new replicas; `replicas: null` cancels the partition's pending move. */
export interface PartitionReassignment extends TopicPartition {
  replicas: number[] | null;
}

/** A move in progress: the replicas now, and those being added and removed (KIP-455). */
export interface OngoingReassignment extends TopicPartition {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** A member to remove from a group: a static member by its instance id, or any member by its member id. */
export type MemberToRemove = { groupInstanceId: string; memberId?: string } | { memberId: string; groupInstanceId?: undefined };

/** The offsets of one group of several (listGroupOffsets of an array). */
export interface GroupOffsets extends ItemOutcome {
  groupId: string;
  offsets: GroupOffset[];
}

export interface GroupDescription extends ItemOutcome {
  groupId: string;
  /** `classic` (JoinGroup/SyncGroup) or `consumer` (KIP-848). */
  type: 'classic' | 'consumer';
  /** Classic: `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Empty`, `Dead`; consumer: `Stable`, `Assigning`, `Reconciling`, `Empty`, `Dead`. */
  state: string;
  protocolType: string;
  /** The assignor in use: the classic group's protocol, or the KIP-848 group's server assignor. */
  protocol: string;
  /** The KIP-848 group epoch (-1 for a classic group). */
  groupEpoch: number;
  members: GroupMemberDescription[];
}

/** What a config belongs to (Java: ConfigResource.Type). */
export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger';

export interface ConfigResource {
  type: ConfigResourceType;
  /** The topic name, or the broker's node id as a string. */
  name: string;
}

/** Where a config's value comes from (Java: ConfigEntry.ConfigSource). */
export type ConfigSource =
  | 'unknown'
  | 'dynamic-topic'
  | 'dynamic-broker'
  | 'dynamic-default-broker'
  | 'static-broker'
  | 'default'
  | 'dynamic-broker-logger'
  | 'client-metrics'
  | 'group';

export interface ConfigEntry {
  name: string;
  /** null for a sensitive value (the broker does not send it) or one that is not set. */
  value: string | null;
  source: ConfigSource;
  isSensitive: boolean;
  readOnly: boolean;
  /** With `includeSynonyms`: the values this one overrides, most specific first. */
  synonyms: { name: string; value: string | null; source: ConfigSource }[];
  documentation: string | null;
}

export interface ConfigDescription extends ItemOutcome, ConfigResource {
  entries: ConfigEntry[];
}

/** A change to one config (Java: AlterConfigOp): set, delete (back to the default), append or subtract (list configs). */
export interface ConfigChange {
  name: string;
  op: 'set' | 'delete' | 'append' | 'subtract';
  value?: string;
}

/** What an ACL is about (Java: ResourceType). */
export type AclResourceType = 'topic' | 'group' | 'cluster' | 'transactional-id' | 'delegation-token' | 'user';

/** Java's AclOperation, in kebab case. */
export type AclOperation =
  | 'all' | 'read' | 'write' | 'create' | 'delete' | 'alter' | 'describe' | 'cluster-action'
  | 'describe-configs' | 'alter-configs' | 'idempotent-write' | 'create-tokens' | 'describe-tokens' | 'two-phase-commit';

/** One ACL (Java: AclBinding): `principal` (e.g. `User:alice`) may or may not do `operation` on a resource, from `host`. */
export interface AclBinding {
  resourceType: AclResourceType;
  /** The resource's name (a topic, a group; `kafka-cluster` for the cluster), or its prefix. */
  resourceName: string;
  patternType: 'literal' | 'prefixed';
  principal: string;
  /** `*` for any host. */
  host: string;
  operation: AclOperation;
  permission: 'allow' | 'deny';
}

/** Which ACLs (Java: AclBindingFilter): an absent field matches anything. */
export interface AclFilter {
  resourceType?: AclResourceType;
  resourceName?: string;
  /** `match`: the literal and prefixed ACLs that apply to `resourceName`; default `any`. */
  patternType?: 'literal' | 'prefixed' | 'match' | 'any';
  principal?: string;
  host?: string;
  operation?: AclOperation;
  permission?: 'allow' | 'deny';
}

/** A SCRAM mechanism credentials can be stored for (KIP-554). */
export type ScramMechanism = 'scram-sha-256' | 'scram-sha-512';

/** Sets a user's SCRAM password (salted and hashed here: the password never leaves the client), or deletes a credential. */
export type ScramCredentialChange =
  | { user: string; mechanism: ScramMechanism; password: string; iterations?: number }
  | { user: string; mechanism: ScramMechanism; delete: true };

export interface ScramCredentialsDescription extends ItemOutcome {
  user: string;
  credentials: { mechanism: ScramMechanism | 'unknown'; iterations: number }[];
}

/**
 * Whom a quota applies to (Java: ClientQuotaEntity): entity types (`user`, `client-id`, `ip`)
 * to names; a null name is the type's default entity.
 */
export type QuotaEntity = Readonly<Record<string, string | null>>;

/** What describeClientQuotas matches per entity type (Java: ClientQuotaFilterComponent). */
export interface QuotaFilterComponent {
  entityType: string;
  /** A name: exactly that entity; null: the default entity; absent: any named entity. */
  match?: string | null;
}

/** A transactional id as its coordinator lists it (Java: TransactionListing). */
export interface TransactionListing {
  transactionalId: string;
  producerId: bigint;
  /** Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence. */
  state: string;
  /** The broker coordinating it. */
  coordinator: number;
}

/** A transactional id's current transaction (Java: TransactionDescription). */
export interface TransactionDescription extends ItemOutcome {
  transactionalId: string;
  state: string;
  producerId: bigint;
  producerEpoch: number;
  transactionTimeoutMs: number;
  /** When the open transaction started (ms since the epoch), -1 when none is open. */
  startTimeMs: number;
  /** The partitions in the open transaction. */
  partitions: TopicPartition[];
  coordinator: number;
}
