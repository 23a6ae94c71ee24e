/**
 * `kafkaesque/kafkajs`: KafkaJS 2.x's API on kafkaesque, for KafkaJS applications that change
 * only their import (`require('kafkajs')` → `require('kafkaesque/kafkajs')`). What maps where,
 * and every known difference: docs/kafkajs-migration.md.
 */
import { Admin } from './admin.js';
import { Consumer, type ConsumerConfig } from './consumer.js';
import { ClientContext, type KafkaConfig, KafkaJSLogger } from './kafka.js';
import { Producer, type ProducerConfig } from './producer.js';

export class Kafka {
  readonly #ctx: ClientContext;
  constructor(config: KafkaConfig) {
    this.#ctx = new ClientContext(config);
  }
  producer(config: ProducerConfig = {}): Producer {
    return new Producer(this.#ctx, config);
  }
  consumer(config: ConsumerConfig): Consumer {
    return new Consumer(this.#ctx, config);
  }
  admin(_config: { retry?: unknown } = {}): Admin {
    return new Admin(this.#ctx);
  }
  logger(): KafkaJSLogger {
    return this.#ctx.logger;
  }
}

export { Producer, Transaction, PRODUCER_EVENTS } from './producer.js';
export type { Message, ProducerRecord, ProducerBatch, RecordMetadata, TopicMessages, ProducerConfig, IHeaders, TopicOffsets, Offsets } from './producer.js';
export { Consumer, CONSUMER_EVENTS } from './consumer.js';
export type {
  ConsumerConfig,
  ConsumerRunConfig,
  EachMessagePayload,
  EachBatchPayload,
  Batch,
  KafkaMessage,
  TopicPartitions,
  TopicPartitionOffset,
  OffsetsByTopicPartition,
} from './consumer.js';
export {
  Admin,
  ADMIN_EVENTS,
  ConfigResourceTypes,
  ConfigSource,
  AclResourceTypes,
  AclOperationTypes,
  AclPermissionTypes,
  ResourcePatternTypes,
} from './admin.js';
export type { ITopicConfig, SeekEntry, AclEntry, AclFilterEntry, AdminLogger, PartitionReassignment, OngoingTopicReassignment } from './admin.js';
export { logLevel, CompressionTypes, CompressionCodecs, KafkaJSLogger } from './kafka.js';
export type {
  KafkaConfig,
  SASLOptions,
  Mechanism,
  Authenticator,
  AuthenticationProviderArgs,
  SaslAuthenticateArgs,
  SaslAuthenticationRequest,
  SaslAuthenticationResponse,
  OauthbearerProviderResponse,
  RetryOptions,
  LogEntry,
  logCreator,
  LogLevel,
  CompressionType,
} from './kafka.js';
export { Partitioners, DefaultPartitioner, LegacyPartitioner, legacyMurmur2, javaMurmur2 } from './partitioners.js';
export type { ICustomPartitioner, PartitionerArgs, PartitionMetadata } from './partitioners.js';
export { AssignerProtocol, PartitionAssigners, KafkaesqueAssigners } from './assigners.js';
export type { MemberMetadata, MemberAssignment, PartitionAssigner, Assigner, AssignerCluster, GroupMember, GroupMemberAssignment, GroupState } from './assigners.js';
export type { InstrumentationEvent } from './events.js';
export {
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  KafkaJSOffsetOutOfRange,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSConnectionError,
  KafkaJSConnectionClosedError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  KafkaJSTimeout,
  KafkaJSLockTimeout,
  KafkaJSNotImplemented,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSMetadataNotLoaded,
  KafkaJSTopicMetadataNotLoaded,
  KafkaJSBrokerNotFound,
  KafkaJSPartialMessageError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNoBrokerAvailableError,
  KafkaJSCreateTopicError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSAggregateError,
  KafkaJSMemberIdRequired,
  KafkaJSStaleTopicMetadataAssignment,
  KafkaJSUnsupportedMagicByteInMessageSet,
  KafkaJSInvariantViolation,
  KafkaJSInvalidVarIntError,
  KafkaJSInvalidLongError,
  KafkaJSFetcherRebalanceError,
  toKafkaJSError,
} from './errors.js';
