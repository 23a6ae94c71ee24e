/**
 * AlterPartitionReassignments (key 45), versions 0-1, flexible 0+
 * (AlterPartitionReassignmentsRequest.json, AlterPartitionReassignmentsResponse.json). Starts
 * moving partitions onto new replica sets, or cancels a pending move (KIP-455).
 *
 * Versions: 1 adds AllowReplicationFactorChange to both sides (KIP-860, KAFKA-14121): false
 * refuses a reassignment that would change a partition's replica count. The v1 fields were
 * read off Kafka 4.2.1's generated AlterPartitionReassignments{Request,Response}Data: the
 * request's defaults to true and is refused in v0 when false; the response's defaults to true
 * and is dropped in v0 (ignorable).
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** Java: AlterPartitionReassignmentsRequestData.ReassignablePartition. */
const ReassignablePartition = struct('ReassignablePartition', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
  /** The target replicas, or null to cancel the partition's pending reassignment. */
  replicas: f.array(t.int32).nullable().default(null), //  Replicas []int32, versions 0+, nullable 0+, default null
});

/** Java: AlterPartitionReassignmentsRequestData.ReassignableTopic. */
const ReassignableTopic = struct('ReassignableTopic', {
  name: f.string(), //                                      Name string, versions 0+
  partitions: f.array(ReassignablePartition), //            Partitions []ReassignablePartition, versions 0+
});

/** Java: AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse. */
const ReassignablePartitionResponse = struct('ReassignablePartitionResponse', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
});

/** Java: AlterPartitionReassignmentsResponseData.ReassignableTopicResponse. */
const ReassignableTopicResponse = struct('ReassignableTopicResponse', {
  name: f.string(), //                                      Name string, versions 0+
  partitions: f.array(ReassignablePartitionResponse), //    Partitions []ReassignablePartitionResponse, versions 0+
});

export const AlterPartitionReassignments = api({
  name: 'AlterPartitionReassignments',
  apiKey: 45,
  versions: '0-1',
  flexible: '0+',
  request: {
    timeoutMs: f.int32().default(60000), //                 TimeoutMs int32, versions 0+, default 60000
    allowReplicationFactorChange: f.bool().v('1+').default(true), // AllowReplicationFactorChange bool, versions 1+, default true
    topics: f.array(ReassignableTopic), //                  Topics []ReassignableTopic, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    allowReplicationFactorChange: f.bool().v('1+').default(true).ignorable(), // AllowReplicationFactorChange bool, versions 1+, default true, ignorable
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    errorMessage: f.string().nullable(), //                 ErrorMessage string, versions 0+, nullable 0+
    responses: f.array(ReassignableTopicResponse), //       Responses []ReassignableTopicResponse, versions 0+
  },
});

export type ReassignablePartition = MessageOf<typeof ReassignablePartition.fields>;
export type ReassignableTopic = MessageOf<typeof ReassignableTopic.fields>;
export type ReassignablePartitionResponse = MessageOf<typeof ReassignablePartitionResponse.fields>;
export type ReassignableTopicResponse = MessageOf<typeof ReassignableTopicResponse.fields>;
export type AlterPartitionReassignmentsRequest = MessageOf<typeof AlterPartitionReassignments.request.fields>;
export type AlterPartitionReassignmentsResponse = MessageOf<typeof AlterPartitionReassignments.response.fields>;
