/** EndTxn against Kafka's EndTxnRequestData / EndTxnResponseData, every version both ways. */
import { EndTxn } from '../../protocol/messages/end-txn.js';
import { apiConformance } from './codecs.js';

apiConformance(EndTxn);
