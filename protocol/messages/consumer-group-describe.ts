/**
 * ConsumerGroupDescribe (key 69), versions 0-1, flexible 0+ (ConsumerGroupDescribeRequest.json,
 * ConsumerGroupDescribeResponse.json). Describes consumer groups of the new protocol (KIP-848):
 * epochs, assignor, and each member's subscription, current and target assignment.
 *
 * Versions: 1 adds the member's MemberType to the response (KIP-1099); the request is as v0.
 *
 * The spec's struct names (DescribedGroup, Member, Assignment, TopicPartitions) are common
 * words, so the exported types carry the API's name: ConsumerGroupDescribeGroup etc.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** commonStructs TopicPartitions. */
const ConsumerGroupDescribeTopicPartitions = struct('ConsumerGroupDescribeTopicPartitions', {
  topicId: f.uuid(), //                                     TopicId uuid, versions 0+
  topicName: f.string(), //                                 TopicName string, versions 0+
  partitions: f.array(t.int32), //                          Partitions []int32, versions 0+
});

/** commonStructs Assignment: a member's current and target assignments. */
const ConsumerGroupDescribeAssignment = struct('ConsumerGroupDescribeAssignment', {
  topicPartitions: f.array(ConsumerGroupDescribeTopicPartitions), // TopicPartitions []TopicPartitions, versions 0+
});

/** Java: ConsumerGroupDescribeResponseData.Member. */
const ConsumerGroupDescribeMember = struct('ConsumerGroupDescribeMember', {
  memberId: f.string(), //                                  MemberId string, versions 0+
  instanceId: f.string().nullable().default(null), //       InstanceId string, nullable 0+, default null
  rackId: f.string().nullable().default(null), //           RackId string, nullable 0+, default null
  memberEpoch: f.int32(), //                                MemberEpoch int32, versions 0+
  clientId: f.string(), //                                  ClientId string, versions 0+
  clientHost: f.string(), //                                ClientHost string, versions 0+
  subscribedTopicNames: f.array(t.string), //               SubscribedTopicNames []string, versions 0+
  subscribedTopicRegex: f.string().nullable().default(null), // SubscribedTopicRegex string, nullable 0+, default null
  assignment: f.struct(ConsumerGroupDescribeAssignment), // Assignment Assignment, versions 0+
  targetAssignment: f.struct(ConsumerGroupDescribeAssignment), // TargetAssignment Assignment, versions 0+
  /** -1 unknown, 0 a classic member, 1 a consumer member. */
  memberType: f.int8().v('1+').default(-1).ignorable(), //  MemberType int8, versions 1+, default -1, ignorable
});

/** Java: ConsumerGroupDescribeResponseData.DescribedGroup. */
const ConsumerGroupDescribeGroup = struct('ConsumerGroupDescribeGroup', {
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable().default(null), //     ErrorMessage string, nullable 0+, default null
  groupId: f.string(), //                                   GroupId string, versions 0+
  groupState: f.string(), //                                GroupState string, versions 0+
  groupEpoch: f.int32(), //                                 GroupEpoch int32, versions 0+
  assignmentEpoch: f.int32(), //                            AssignmentEpoch int32, versions 0+
  assignorName: f.string(), //                              AssignorName string, versions 0+
  members: f.array(ConsumerGroupDescribeMember), //         Members []Member, versions 0+
  /** A bit per AclOperation; INT32_MIN when not asked for. */
  authorizedOperations: f.int32().default(-2147483648), //  AuthorizedOperations int32, versions 0+, default -2147483648
});

export const ConsumerGroupDescribe = api({
  name: 'ConsumerGroupDescribe',
  apiKey: 69,
  versions: '0-1',
  flexible: '0+',
  request: {
    groupIds: f.array(t.string), //                         GroupIds []string, versions 0+
    includeAuthorizedOperations: f.bool(), //               IncludeAuthorizedOperations bool, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    groups: f.array(ConsumerGroupDescribeGroup), //         Groups []DescribedGroup, versions 0+
  },
});

export type ConsumerGroupDescribeTopicPartitions = MessageOf<typeof ConsumerGroupDescribeTopicPartitions.fields>;
export type ConsumerGroupDescribeAssignment = MessageOf<typeof ConsumerGroupDescribeAssignment.fields>;
export type ConsumerGroupDescribeMember = MessageOf<typeof ConsumerGroupDescribeMember.fields>;
export type ConsumerGroupDescribeGroup = MessageOf<typeof ConsumerGroupDescribeGroup.fields>;
export type ConsumerGroupDescribeRequest = MessageOf<typeof ConsumerGroupDescribe.request.fields>;
export type ConsumerGroupDescribeResponse = MessageOf<typeof ConsumerGroupDescribe.response.fields>;
