/**
 * OffsetDelete (key 47), version 0, no flexible version (OffsetDeleteRequest.json,
 * OffsetDeleteResponse.json). Deletes a group's committed offsets for the given partitions
 * (KIP-496); the group must not be subscribed to those topics.
 */
import { api, f, struct, type MessageOf } from '../schema.js';

const OffsetDeleteRequestPartition = struct('OffsetDeleteRequestPartition', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
});

const OffsetDeleteRequestTopic = struct('OffsetDeleteRequestTopic', {
  name: f.string(), //                                      Name string, versions 0+, mapKey
  partitions: f.array(OffsetDeleteRequestPartition), //     Partitions []OffsetDeleteRequestPartition, versions 0+
});

const OffsetDeleteResponsePartition = struct('OffsetDeleteResponsePartition', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+, mapKey
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
});

const OffsetDeleteResponseTopic = struct('OffsetDeleteResponseTopic', {
  name: f.string(), //                                      Name string, versions 0+, mapKey
  partitions: f.array(OffsetDeleteResponsePartition), //    Partitions []OffsetDeleteResponsePartition, versions 0+
});

export const OffsetDelete = api({
  name: 'OffsetDelete',
  apiKey: 47,
  versions: '0',
  flexible: 'none',
  request: {
    groupId: f.string(), //                                 GroupId string, versions 0+
    topics: f.array(OffsetDeleteRequestTopic), //           Topics []OffsetDeleteRequestTopic, versions 0+
  },
  response: {
    /** The group-level error, or 0; each partition has its own. */
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    throttleTimeMs: f.int32().ignorable(), //               ThrottleTimeMs int32, versions 0+, ignorable
    topics: f.array(OffsetDeleteResponseTopic), //          Topics []OffsetDeleteResponseTopic, versions 0+
  },
});

export type OffsetDeleteRequestPartition = MessageOf<typeof OffsetDeleteRequestPartition.fields>;
export type OffsetDeleteRequestTopic = MessageOf<typeof OffsetDeleteRequestTopic.fields>;
export type OffsetDeleteResponsePartition = MessageOf<typeof OffsetDeleteResponsePartition.fields>;
export type OffsetDeleteResponseTopic = MessageOf<typeof OffsetDeleteResponseTopic.fields>;
export type OffsetDeleteRequest = MessageOf<typeof OffsetDelete.request.fields>;
export type OffsetDeleteResponse = MessageOf<typeof OffsetDelete.response.fields>;
