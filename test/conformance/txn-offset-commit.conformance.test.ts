/** TxnOffsetCommit against Kafka's TxnOffsetCommitRequestData / TxnOffsetCommitResponseData, every version both ways. */
import { TxnOffsetCommit } from '../../protocol/messages/txn-offset-commit.js';
import { apiConformance } from './codecs.js';

apiConformance(TxnOffsetCommit);
