/**
 * EndTxn (key 26), versions 0-5, flexible 3+ (EndTxnRequest.json, EndTxnResponse.json). Commits
 * or aborts a producer's open transaction at its coordinator (KIP-98).
 *
 * Versions: 1 same as 0; 2 may answer PRODUCER_FENCED; 3 first flexible; 4 may answer
 * TRANSACTION_ABORTABLE (KIP-890); 5 is transactions V2 (KIP-890 part 2): the epoch is bumped at
 * every commit or abort, and the response carries the producer's new ProducerId and
 * ProducerEpoch.
 */
import { api, f, type MessageOf } from '../schema.js';

export const EndTxn = api({
  name: 'EndTxn',
  apiKey: 26,
  versions: '0-5',
  flexible: '3+',
  request: {
    transactionalId: f.string(), //                         TransactionalId string, versions 0+
    producerId: f.int64(), //                               ProducerId int64, versions 0+
    producerEpoch: f.int16(), //                            ProducerEpoch int16, versions 0+
    /** True to commit, false to abort. */
    committed: f.bool(), //                                 Committed bool, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    producerId: f.int64().v('5+').default(-1n).ignorable(), // ProducerId int64, versions 5+, default -1, ignorable
    producerEpoch: f.int16().v('5+').default(-1).ignorable(), // ProducerEpoch int16, versions 5+, default -1, ignorable
  },
});

export type EndTxnRequest = MessageOf<typeof EndTxn.request.fields>;
export type EndTxnResponse = MessageOf<typeof EndTxn.response.fields>;
