/**
 * ElectLeaders (key 43), versions 0-2, flexible 2+ (ElectLeadersRequest.json,
 * ElectLeadersResponse.json). Asks the controller to elect a leader for partitions: the
 * preferred replica, or (v1+) any live replica when no in-sync one is left (KIP-460).
 *
 * Versions: 1 adds ElectionType to the request and a top-level ErrorCode to the response
 * (KIP-460); 2 first flexible.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** Java: ElectLeadersRequestData.TopicPartitions. */
const ElectLeadersTopicPartitions = struct('ElectLeadersTopicPartitions', {
  topic: f.string(), //                                     Topic string, versions 0+, mapKey
  partitions: f.array(t.int32), //                          Partitions []int32, versions 0+
});

/** Java: ElectLeadersResponseData.PartitionResult. */
const ElectLeadersPartitionResult = struct('ElectLeadersPartitionResult', {
  partitionId: f.int32(), //                                PartitionId int32, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
});

/** Java: ElectLeadersResponseData.ReplicaElectionResult. */
const ElectLeadersReplicaElectionResult = struct('ElectLeadersReplicaElectionResult', {
  topic: f.string(), //                                     Topic string, versions 0+
  partitionResult: f.array(ElectLeadersPartitionResult), // PartitionResult []PartitionResult, versions 0+
});

export const ElectLeaders = api({
  name: 'ElectLeaders',
  apiKey: 43,
  versions: '0-2',
  flexible: '2+',
  request: {
    /** 0 the preferred replica, 1 the first live replica when none is in sync (unclean). */
    electionType: f.int8().v('1+'), //                      ElectionType int8, versions 1+
    /** Null for every partition with a preferred replica that is not the leader. */
    topicPartitions: f.array(ElectLeadersTopicPartitions).nullable(), // TopicPartitions []TopicPartitions, versions 0+, nullable 0+
    timeoutMs: f.int32().default(60000), //                 TimeoutMs int32, versions 0+, default 60000
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16().v('1+'), //                        ErrorCode int16, versions 1+, ignorable false
    replicaElectionResults: f.array(ElectLeadersReplicaElectionResult), // ReplicaElectionResults []ReplicaElectionResult, versions 0+
  },
});

export type ElectLeadersTopicPartitions = MessageOf<typeof ElectLeadersTopicPartitions.fields>;
export type ElectLeadersPartitionResult = MessageOf<typeof ElectLeadersPartitionResult.fields>;
export type ElectLeadersReplicaElectionResult = MessageOf<typeof ElectLeadersReplicaElectionResult.fields>;
export type ElectLeadersRequest = MessageOf<typeof ElectLeaders.request.fields>;
export type ElectLeadersResponse = MessageOf<typeof ElectLeaders.response.fields>;
