/**
 * ListPartitionReassignments (key 46), version 0, flexible 0+
 * (ListPartitionReassignmentsRequest.json, ListPartitionReassignmentsResponse.json). Lists the
 * reassignments in progress: each moving partition's replicas, and those being added and
 * removed (KIP-455). Only one version so far.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** Java: ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics. */
const ListPartitionReassignmentsTopics = struct('ListPartitionReassignmentsTopics', {
  name: f.string(), //                                      Name string, versions 0+
  partitionIndexes: f.array(t.int32), //                    PartitionIndexes []int32, versions 0+
});

/** Java: ListPartitionReassignmentsResponseData.OngoingPartitionReassignment. */
const OngoingPartitionReassignment = struct('OngoingPartitionReassignment', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
  replicas: f.array(t.int32), //                            Replicas []int32, versions 0+
  addingReplicas: f.array(t.int32), //                      AddingReplicas []int32, versions 0+
  removingReplicas: f.array(t.int32), //                    RemovingReplicas []int32, versions 0+
});

/** Java: ListPartitionReassignmentsResponseData.OngoingTopicReassignment. */
const OngoingTopicReassignment = struct('OngoingTopicReassignment', {
  name: f.string(), //                                      Name string, versions 0+
  partitions: f.array(OngoingPartitionReassignment), //     Partitions []OngoingPartitionReassignment, versions 0+
});

export const ListPartitionReassignments = api({
  name: 'ListPartitionReassignments',
  apiKey: 46,
  versions: '0',
  flexible: '0+',
  request: {
    timeoutMs: f.int32().default(60000), //                 TimeoutMs int32, versions 0+, default 60000
    /** Null to list every reassignment in progress. */
    topics: f.array(ListPartitionReassignmentsTopics).nullable().default(null), // Topics []ListPartitionReassignmentsTopics, versions 0+, nullable 0+, default null
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    errorMessage: f.string().nullable(), //                 ErrorMessage string, versions 0+, nullable 0+
    topics: f.array(OngoingTopicReassignment), //           Topics []OngoingTopicReassignment, versions 0+
  },
});

export type ListPartitionReassignmentsTopics = MessageOf<typeof ListPartitionReassignmentsTopics.fields>;
export type OngoingPartitionReassignment = MessageOf<typeof OngoingPartitionReassignment.fields>;
export type OngoingTopicReassignment = MessageOf<typeof OngoingTopicReassignment.fields>;
export type ListPartitionReassignmentsRequest = MessageOf<typeof ListPartitionReassignments.request.fields>;
export type ListPartitionReassignmentsResponse = MessageOf<typeof ListPartitionReassignments.response.fields>;
