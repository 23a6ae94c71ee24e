/**
 * The transactional producer on the single broker: transactions V2 (Kafka 4.x's default
 * transaction.version). The assertions are test/helpers/transaction-suite.ts's; the secured
 * broker runs them with transactions V1 (test/secure/transactions-v1.test.ts).
 */
import { brokerAddress } from '../helpers/broker.js';
import { transactionSuite } from '../helpers/transaction-suite.js';

jest.setTimeout(90_000);
transactionSuite({ brokers: [brokerAddress().bootstrap] }, 'V2');
