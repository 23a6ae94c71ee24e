/**
 * kafkaesque/protocol: the Kafka wire-protocol codec, usable on its own. Bytes in, values out:
 * no sockets, timers, logging or retries live here.
 */
export { Writer, uvarintSize } from './writer.js';
export { Reader } from './reader.js';
export type { TaggedField, WithUnknownTags } from './types.js';
export { KafkaesqueError, ProtocolDecodeError, ProtocolEncodeError, KafkaProtocolError } from './errors.js';
export { ERROR_CODES, ErrorCode, errorCodeInfo, type ErrorCodeInfo, type ErrorName } from './error-codes.js';
export { type ApiCodec, type RequestOf, type ResponseOf, ZERO_UUID } from './api.js';
export {
  type RequestHeader,
  type ResponseHeader,
  encodeRequestHeader,
  decodeRequestHeader,
  encodeResponseHeader,
  decodeResponseHeader,
} from './header.js';
export * from './messages/api-versions.js';
export * from './messages/metadata.js';
export * from './messages/common.js';
export * from './messages/produce.js';
export * from './messages/fetch.js';
export * from './messages/list-offsets.js';
export * from './compression/index.js';
export * from './records.js';
export { crc32c } from './crc32c.js';
export * from './messages/init-producer-id.js';
export * from './messages/create-topics.js';
export * from './messages/create-partitions.js';
export * from './messages/find-coordinator.js';
export * from './messages/join-group.js';
export * from './messages/sync-group.js';
export * from './messages/heartbeat.js';
export * from './messages/leave-group.js';
export * from './messages/offset-commit.js';
export * from './messages/offset-fetch.js';
export * from './messages/consumer-group-heartbeat.js';
export * from './messages/consumer-protocol.js';
export * from './messages/offset-for-leader-epoch.js';
export * from './messages/describe-groups.js';
export * from './messages/sasl-handshake.js';
export * from './messages/sasl-authenticate.js';
export * from './messages/delete-topics.js';
export * from './messages/describe-configs.js';
export * from './messages/incremental-alter-configs.js';
export * from './messages/describe-cluster.js';
export * from './messages/describe-log-dirs.js';
export * from './messages/list-groups.js';
export * from './messages/delete-groups.js';
export * from './messages/consumer-group-describe.js';
export * from './messages/offset-delete.js';
export * from './messages/delete-records.js';
export * from './messages/create-acls.js';
export * from './messages/describe-acls.js';
export * from './messages/delete-acls.js';
export * from './messages/describe-user-scram-credentials.js';
export * from './messages/alter-user-scram-credentials.js';
export * from './messages/elect-leaders.js';
export * from './messages/alter-partition-reassignments.js';
export * from './messages/list-partition-reassignments.js';
export * from './messages/describe-client-quotas.js';
export * from './messages/alter-client-quotas.js';
export * from './messages/add-partitions-to-txn.js';
export * from './messages/add-offsets-to-txn.js';
export * from './messages/end-txn.js';
export * from './messages/txn-offset-commit.js';
export * from './messages/describe-transactions.js';
export * from './messages/list-transactions.js';
export { api, f, struct, t, Field, Struct, type MessageOf, type Fields, type ApiSchema, type VersionRange } from './schema.js';
