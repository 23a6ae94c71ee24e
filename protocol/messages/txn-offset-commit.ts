/**
 * TxnOffsetCommit (key 28), versions 0-5, flexible 3+ (TxnOffsetCommitRequest.json,
 * TxnOffsetCommitResponse.json). Commits a consumer group's offsets inside a producer's
 * transaction, at the group's coordinator (KIP-98): they count only if the transaction commits.
 *
 * Versions: 1 same as 0; 2 adds CommittedLeaderEpoch; 3 first flexible, and adds the member's
 * GenerationId, MemberId and GroupInstanceId so the coordinator fences a zombie member (KIP-447);
 * 4 may answer TRANSACTION_ABORTABLE (KIP-890); 5 is transactions V2 (KIP-890 part 2): the
 * coordinator adds the offsets partition to the transaction itself (no AddOffsetsToTxn).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

/** Java: TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition. */
const TxnOffsetCommitRequestPartition = struct('TxnOffsetCommitRequestPartition', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
  committedOffset: f.int64(), //                            CommittedOffset int64, versions 0+
  committedLeaderEpoch: f.int32().v('2+').default(-1).ignorable(), // CommittedLeaderEpoch int32, versions 2+, default -1, ignorable
  committedMetadata: f.string().nullable(), //              CommittedMetadata string, versions 0+, nullable 0+
});

/** Java: TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic. */
const TxnOffsetCommitRequestTopic = struct('TxnOffsetCommitRequestTopic', {
  name: f.string(), //                                      Name string, versions 0+
  partitions: f.array(TxnOffsetCommitRequestPartition), //  Partitions []TxnOffsetCommitRequestPartition, versions 0+
});

/** Java: TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition. */
const TxnOffsetCommitResponsePartition = struct('TxnOffsetCommitResponsePartition', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
});

/** Java: TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic. */
const TxnOffsetCommitResponseTopic = struct('TxnOffsetCommitResponseTopic', {
  name: f.string(), //                                      Name string, versions 0+
  partitions: f.array(TxnOffsetCommitResponsePartition), // Partitions []TxnOffsetCommitResponsePartition, versions 0+
});

export const TxnOffsetCommit = api({
  name: 'TxnOffsetCommit',
  apiKey: 28,
  versions: '0-5',
  flexible: '3+',
  request: {
    transactionalId: f.string(), //                         TransactionalId string, versions 0+
    groupId: f.string(), //                                 GroupId string, versions 0+
    producerId: f.int64(), //                               ProducerId int64, versions 0+
    producerEpoch: f.int16(), //                            ProducerEpoch int16, versions 0+
    generationId: f.int32().v('3+').default(-1), //         GenerationId int32, versions 3+, default -1
    memberId: f.string().v('3+').default(''), //            MemberId string, versions 3+, default ""
    groupInstanceId: f.string().v('3+').nullable('3+').default(null), // GroupInstanceId string, versions 3+, nullable 3+, default null
    topics: f.array(TxnOffsetCommitRequestTopic), //        Topics []TxnOffsetCommitRequestTopic, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    topics: f.array(TxnOffsetCommitResponseTopic), //       Topics []TxnOffsetCommitResponseTopic, versions 0+
  },
});

export type TxnOffsetCommitRequestPartition = MessageOf<typeof TxnOffsetCommitRequestPartition.fields>;
export type TxnOffsetCommitRequestTopic = MessageOf<typeof TxnOffsetCommitRequestTopic.fields>;
export type TxnOffsetCommitResponsePartition = MessageOf<typeof TxnOffsetCommitResponsePartition.fields>;
export type TxnOffsetCommitResponseTopic = MessageOf<typeof TxnOffsetCommitResponseTopic.fields>;
export type TxnOffsetCommitRequest = MessageOf<typeof TxnOffsetCommit.request.fields>;
export type TxnOffsetCommitResponse = MessageOf<typeof TxnOffsetCommit.response.fields>;
