/** DescribeTransactions v0 against Kafka's DescribeTransactionsRequestData / DescribeTransactionsResponseData. */
import { DescribeTransactions } from '../../protocol/messages/describe-transactions.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeTransactions);
