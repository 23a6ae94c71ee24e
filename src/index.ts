/**
 * kafkaesque: a pure-TypeScript Apache Kafka client. This file is the public door: what it
 * does not export is private.
 */
export {
  KafkaesqueError,
  ProtocolDecodeError,
  ProtocolEncodeError,
  KafkaProtocolError,
  KAFKAESQUE_ERROR_CODES,
  KAFKA_ERROR_CODE_PREFIX,
  type KafkaesqueErrorCode,
} from '../protocol/errors.js';
export { ErrorCode, errorCodeInfo, type ErrorCodeInfo, type ErrorName } from '../protocol/error-codes.js';
export {
  BrokerConnection,
  type BrokerConnectionOptions,
  type SendOptions,
  type BrokerApiRange,
} from './network/broker-connection.js';
export {
  ConnectionError,
  ConnectionClosedError,
  RequestTimeoutError,
  ProtocolViolationError,
  UnsupportedVersionError,
  AuthenticationError,
} from './network/errors.js';
export type { Logger } from './network/logger.js';
export { TRACING_CHANNELS } from './network/tracing.js';
export type {
  BatchTrace,
  CommitTrace,
  ConnectTrace,
  FetchPartitionTrace,
  FetchTrace,
  ProcessTrace,
  RebalanceTrace,
  RequestTrace,
  SendTrace,
  TraceBytes,
  TraceHeader,
  TracingChannelName,
} from './network/tracing.js';
export { OidcTokenProvider, OAuthTokenEndpointError, type OidcOptions } from './network/oauth.js';
export type { OAuthBearerToken, OAuthBearerTokenProvider } from './network/sasl.js';
export {
  ClientMetrics,
  Histogram,
  LATENCY_BUCKETS_MS,
  COUNT_BUCKETS,
  type ClientMetricsSnapshot,
  type ProducerMetricsSnapshot,
  type ConsumerMetricsSnapshot,
  type PartitionMetrics,
  type HistogramSnapshot,
  type RequestMetrics,
} from './network/metrics.js';
export {
  Config,
  ConfigError,
  OffsetOldest,
  OffsetNewest,
  consoleLogger,
  type ConfigOptions,
  type Acks,
  type HashFunction,
  type NullKey,
  type InitialOffset,
  type TlsOptions,
  type SaslOptions,
  type OAuthBearerOptions,
  type OAuthBearerSettings,
  type CustomSaslOptions,
  type CustomSaslSettings,
  type CustomSaslClient,
  type SaslTarget,
  type GroupProtocol,
  type Assignor,
  type ServerAssignor,
  type MetadataRecoveryStrategy,
} from './client/config.js';
export { SyncProducer, AsyncProducer, type AsyncCallbacks, type AsyncProducerEvents, type TransactionalProducer } from './client/producers.js';
export type { TransactionOffset, TransactionGroup } from './producer/transactions.js';
export type { ConsumerGroupMetadata } from './consumer/group-base.js';
export {
  Admin,
  type AdminCallOptions,
  type NewTopic,
  type ItemOutcome,
  type CreateTopicResult,
  type TopicListing,
  type TopicDescription,
  type PartitionDescription,
  type ClusterDescription,
  type BrokerDescription,
  type OffsetSpec,
  type ListedOffset,
  type GroupOffset,
  type GroupLag,
  type PartitionLag,
  type GroupDescription,
  type GroupMemberDescription,
  type GroupListing,
  type QuotaEntity,
  type QuotaFilterComponent,
  type ScramMechanism,
  type ScramCredentialChange,
  type ScramCredentialsDescription,
  type AclBinding,
  type AclFilter,
  type AclOperation,
  type AclResourceType,
  type LogDirDescription,
  type ConfigResource,
  type ConfigResourceType,
  type ConfigSource,
  type ConfigEntry,
  type ConfigDescription,
  type ConfigChange,
  type ElectionType,
  type PartitionReassignment,
  type OngoingReassignment,
  type MemberToRemove,
  type GroupOffsets,
  type TransactionListing,
  type TransactionDescription,
} from './client/admin.js';
export { ProducerMessage, type ProducerMessageInput, type MessageBytes, type MessageHeader } from './producer/message.js';
export type { ProducerMessageLike } from './producer/types.js';
export {
  ProducerError,
  RecordTooLargeError,
  DeliveryTimeoutError,
  BufferFullError,
  ProducerClosedError,
  InvalidMessageError,
  PartitionerError,
  TransactionStateError,
  TransactionAbortableError,
  TransactionFatalError,
  TransactionAbortedError,
  TransactionTimeoutError,
} from './producer/errors.js';
export {
  murmur2,
  type PartitionerContext,
  type PartitionerFunction,
  type PartitionerName,
} from './producer/partitioner.js';
export { MetadataTimeoutError } from './cluster/errors.js';
export {
  Consumer,
  PartitionConsumer,
  ConsumerBatch,
  type ConsumerMessage,
  type StartOffset,
  type Notification,
  type PartitionMap,
  type ConsumerEvents,
} from './client/consumer.js';
export { ConsumerClosedError } from './client/errors.js';
export type {
  TopicPartition,
  PartitionAssignor,
  GroupAssignment,
  MemberAssignment,
  MemberSubscription,
  AssignorPartitionInfo,
  RebalanceProtocol,
  TopicPartitionsInfo,
} from './consumer/assignors/index.js';
export { GroupError, PartitionError, AssignorError } from './consumer/errors.js';
export { CorruptRecordBatchError, RecordBatchTooLargeError, RecordBatchError } from '../protocol/records.js';
/** The wire-protocol codec (also importable alone as `kafkaesque/protocol`). */
export * as protocol from '../protocol/index.js';
export * from './mux/index.js';
export * from './plugin/index.js';
