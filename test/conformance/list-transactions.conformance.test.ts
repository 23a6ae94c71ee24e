/** ListTransactions v0-v2 against Kafka's ListTransactionsRequestData / ListTransactionsResponseData. */
import { ListTransactions } from '../../protocol/messages/list-transactions.js';
import { apiConformance } from './codecs.js';

apiConformance(ListTransactions);
