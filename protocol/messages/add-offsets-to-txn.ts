/**
 * AddOffsetsToTxn (key 25), versions 0-4, flexible 3+ (AddOffsetsToTxnRequest.json,
 * AddOffsetsToTxnResponse.json). A transactions-V1 producer adds a group's offsets partition to
 * its open transaction before TxnOffsetCommit (KIP-98); transactions V2 skip it (KIP-890).
 *
 * Versions: 1 same as 0; 2 may answer PRODUCER_FENCED; 3 first flexible; 4 may answer
 * TRANSACTION_ABORTABLE (KIP-890).
 */
import { api, f, type MessageOf } from '../schema.js';

export const AddOffsetsToTxn = api({
  name: 'AddOffsetsToTxn',
  apiKey: 25,
  versions: '0-4',
  flexible: '3+',
  request: {
    transactionalId: f.string(), //                         TransactionalId string, versions 0+
    producerId: f.int64(), //                               ProducerId int64, versions 0+
    producerEpoch: f.int16(), //                            ProducerEpoch int16, versions 0+
    groupId: f.string(), //                                 GroupId string, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
  },
});

export type AddOffsetsToTxnRequest = MessageOf<typeof AddOffsetsToTxn.request.fields>;
export type AddOffsetsToTxnResponse = MessageOf<typeof AddOffsetsToTxn.response.fields>;
