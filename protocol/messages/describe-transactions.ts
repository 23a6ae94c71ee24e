/**
 * DescribeTransactions (key 65), version 0, flexible 0+ (DescribeTransactionsRequest.json,
 * DescribeTransactionsResponse.json). Asks a transaction coordinator for the state of
 * transactional ids it owns: state, timeout, start time, producer id and epoch, and the
 * partitions in the ongoing transaction (KIP-664, an admin's view of hanging transactions).
 *
 * The spec's struct names (TransactionState, TopicData) are common words, so the exported
 * types carry the API's name: DescribeTransactionsState, DescribeTransactionsTopicData.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

/** Java: DescribeTransactionsResponseData.TopicData. */
const DescribeTransactionsTopicData = struct('DescribeTransactionsTopicData', {
  topic: f.string(), //                                     Topic string, versions 0+, mapKey
  partitions: f.array(t.int32), //                          Partitions []int32, versions 0+
});

/** Java: DescribeTransactionsResponseData.TransactionState. */
const DescribeTransactionsState = struct('DescribeTransactionsState', {
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  transactionalId: f.string(), //                           TransactionalId string, versions 0+
  /** The state name (Java: admin.TransactionState): Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence. */
  transactionState: f.string(), //                          TransactionState string, versions 0+
  transactionTimeoutMs: f.int32(), //                       TransactionTimeoutMs int32, versions 0+
  transactionStartTimeMs: f.int64(), //                     TransactionStartTimeMs int64, versions 0+
  producerId: f.int64(), //                                 ProducerId int64, versions 0+
  producerEpoch: f.int16(), //                              ProducerEpoch int16, versions 0+
  topics: f.array(DescribeTransactionsTopicData), //        Topics []TopicData, versions 0+
});

export const DescribeTransactions = api({
  name: 'DescribeTransactions',
  apiKey: 65,
  versions: '0',
  flexible: '0+',
  request: {
    transactionalIds: f.array(t.string), //                 TransactionalIds []string, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    transactionStates: f.array(DescribeTransactionsState), // TransactionStates []TransactionState, versions 0+
  },
});

export type DescribeTransactionsTopicData = MessageOf<typeof DescribeTransactionsTopicData.fields>;
export type DescribeTransactionsState = MessageOf<typeof DescribeTransactionsState.fields>;
export type DescribeTransactionsRequest = MessageOf<typeof DescribeTransactions.request.fields>;
export type DescribeTransactionsResponse = MessageOf<typeof DescribeTransactions.response.fields>;
