/** AddOffsetsToTxn against Kafka's AddOffsetsToTxnRequestData / AddOffsetsToTxnResponseData, every version both ways. */
import { AddOffsetsToTxn } from '../../protocol/messages/add-offsets-to-txn.js';
import { apiConformance } from './codecs.js';

apiConformance(AddOffsetsToTxn);
