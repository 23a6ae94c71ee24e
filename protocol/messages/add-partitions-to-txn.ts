/**
 * AddPartitionsToTxn (key 24), versions 0-5, flexible 3+ (AddPartitionsToTxnRequest.json,
 * AddPartitionsToTxnResponse.json). A transactions-V1 producer adds partitions to its open
 * transaction before its first batch to them (KIP-98).
 *
 * Versions: 1 same as 0; 2 may answer PRODUCER_FENCED; 3 first flexible; 4 batches several
 * transactions (Transactions, ResultsByTransaction, a top-level ErrorCode) and adds VerifyOnly,
 * for brokers verifying a transaction with its coordinator (KIP-890 part 1): versions 3 and below
 * are the client's; 5 may answer TRANSACTION_ABORTABLE (KIP-890).
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** Java: AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic (a common struct). */
const AddPartitionsToTxnTopic = struct('AddPartitionsToTxnTopic', {
  name: f.string(), //                                      Name string, versions 0+, mapKey
  partitions: f.array(t.int32), //                          Partitions []int32, versions 0+
});

/** Java: AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction (v4+, brokers). */
const AddPartitionsToTxnTransaction = struct('AddPartitionsToTxnTransaction', {
  transactionalId: f.string(), //                           TransactionalId string, versions 4+, mapKey
  producerId: f.int64(), //                                 ProducerId int64, versions 4+
  producerEpoch: f.int16(), //                              ProducerEpoch int16, versions 4+
  verifyOnly: f.bool().default(false), //                   VerifyOnly bool, versions 4+, default false
  topics: f.array(AddPartitionsToTxnTopic), //              Topics []AddPartitionsToTxnTopic, versions 4+
});

/** Java: AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult (a common struct). */
const AddPartitionsToTxnPartitionResult = struct('AddPartitionsToTxnPartitionResult', {
  partitionIndex: f.int32(), //                             PartitionIndex int32, versions 0+, mapKey
  partitionErrorCode: f.int16(), //                         PartitionErrorCode int16, versions 0+
});

/** Java: AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult (a common struct). */
const AddPartitionsToTxnTopicResult = struct('AddPartitionsToTxnTopicResult', {
  name: f.string(), //                                      Name string, versions 0+, mapKey
  resultsByPartition: f.array(AddPartitionsToTxnPartitionResult), // ResultsByPartition []AddPartitionsToTxnPartitionResult, versions 0+
});

/** Java: AddPartitionsToTxnResponseData.AddPartitionsToTxnResult (v4+). */
const AddPartitionsToTxnResult = struct('AddPartitionsToTxnResult', {
  transactionalId: f.string(), //                           TransactionalId string, versions 4+, mapKey
  topicResults: f.array(AddPartitionsToTxnTopicResult), //  TopicResults []AddPartitionsToTxnTopicResult, versions 4+
});

export const AddPartitionsToTxn = api({
  name: 'AddPartitionsToTxn',
  apiKey: 24,
  versions: '0-5',
  flexible: '3+',
  request: {
    transactions: f.array(AddPartitionsToTxnTransaction).v('4+'), // Transactions []AddPartitionsToTxnTransaction, versions 4+
    v3AndBelowTransactionalId: f.string().v('0-3'), //       V3AndBelowTransactionalId string, versions 0-3
    v3AndBelowProducerId: f.int64().v('0-3'), //             V3AndBelowProducerId int64, versions 0-3
    v3AndBelowProducerEpoch: f.int16().v('0-3'), //          V3AndBelowProducerEpoch int16, versions 0-3
    v3AndBelowTopics: f.array(AddPartitionsToTxnTopic).v('0-3'), // V3AndBelowTopics []AddPartitionsToTxnTopic, versions 0-3
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16().v('4+').ignorable(), //            ErrorCode int16, versions 4+, ignorable
    resultsByTransaction: f.array(AddPartitionsToTxnResult).v('4+'), // ResultsByTransaction []AddPartitionsToTxnResult, versions 4+
    resultsByTopicV3AndBelow: f.array(AddPartitionsToTxnTopicResult).v('0-3'), // ResultsByTopicV3AndBelow []AddPartitionsToTxnTopicResult, versions 0-3
  },
});

export type AddPartitionsToTxnTopic = MessageOf<typeof AddPartitionsToTxnTopic.fields>;
export type AddPartitionsToTxnTransaction = MessageOf<typeof AddPartitionsToTxnTransaction.fields>;
export type AddPartitionsToTxnPartitionResult = MessageOf<typeof AddPartitionsToTxnPartitionResult.fields>;
export type AddPartitionsToTxnTopicResult = MessageOf<typeof AddPartitionsToTxnTopicResult.fields>;
export type AddPartitionsToTxnResult = MessageOf<typeof AddPartitionsToTxnResult.fields>;
export type AddPartitionsToTxnRequest = MessageOf<typeof AddPartitionsToTxn.request.fields>;
export type AddPartitionsToTxnResponse = MessageOf<typeof AddPartitionsToTxn.response.fields>;
