/**
 * CreatePartitions (key 37), versions 0-3, flexible 2+ (CreatePartitionsRequest.json,
 * CreatePartitionsResponse.json). Raises a topic's partition count; the consumer tests use it to
 * show a group rebalancing onto new partitions.
 *
 * Versions: 1 the response is sent before quota throttling; 2 first flexible; 3 may answer
 * THROTTLING_QUOTA_EXCEEDED (KIP-599). The fields are the same in every version.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** The replicas of one new partition (Java: CreatePartitionsRequestData.CreatePartitionsAssignment). */
const CreatePartitionsAssignment = struct('CreatePartitionsAssignment', {
  brokerIds: f.array(t.int32), //                           BrokerIds []int32, versions 0+
});

const CreatePartitionsTopic = struct('CreatePartitionsTopic', {
  name: f.string(), //                                      Name string, versions 0+
  /** The new partition count (the total, not the number added). */
  count: f.int32(), //                                      Count int32, versions 0+
  /** One entry per new partition, or null to let the controller place them. */
  assignments: f.array(CreatePartitionsAssignment).nullable(), // Assignments []..., nullable 0+
});

const CreatePartitionsTopicResult = struct('CreatePartitionsTopicResult', {
  name: f.string(), //                                      Name string, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, nullable 0+
});

export const CreatePartitions = api({
  name: 'CreatePartitions',
  apiKey: 37,
  versions: '0-3',
  flexible: '2+',
  request: {
    topics: f.array(CreatePartitionsTopic), //              Topics []CreatePartitionsTopic, versions 0+
    timeoutMs: f.int32(), //                                TimeoutMs int32, versions 0+
    validateOnly: f.bool(), //                              ValidateOnly bool, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    results: f.array(CreatePartitionsTopicResult), //       Results []CreatePartitionsTopicResult, versions 0+
  },
});

export type CreatePartitionsAssignment = MessageOf<typeof CreatePartitionsAssignment.fields>;
export type CreatePartitionsTopic = MessageOf<typeof CreatePartitionsTopic.fields>;
export type CreatePartitionsTopicResult = MessageOf<typeof CreatePartitionsTopicResult.fields>;
export type CreatePartitionsRequest = MessageOf<typeof CreatePartitions.request.fields>;
export type CreatePartitionsResponse = MessageOf<typeof CreatePartitions.response.fields>;
