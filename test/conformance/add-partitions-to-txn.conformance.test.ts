/** AddPartitionsToTxn against Kafka's AddPartitionsToTxnRequestData / AddPartitionsToTxnResponseData, every version both ways. */
import { AddPartitionsToTxn } from '../../protocol/messages/add-partitions-to-txn.js';
import { apiConformance } from './codecs.js';

apiConformance(AddPartitionsToTxn);
