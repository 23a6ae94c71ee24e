/**
 * The transactional producer on the secured broker, which keeps transactions V1
 * (transaction.version=1, as Kafka before 4.0: AddPartitionsToTxn, AddOffsetsToTxn, EndTxn v4):
 * the assertions of test/helpers/transaction-suite.ts, as alice; and bob, who has no ACL for a
 * transactional id, is refused for good (TransactionFatalError).
 */
import { Config } from '../../src/client/config.js';
import { SyncProducer } from '../../src/client/producers.js';
import { TransactionFatalError } from '../../src/producer/errors.js';
import { uniqueTopic } from '../helpers/broker.js';
import { transactionSuite } from '../helpers/transaction-suite.js';

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');

jest.setTimeout(90_000);
const as = (user: string) => ({
  brokers: info.listeners.SASL_PLAINTEXT[0]!,
  sasl: { mechanism: 'plain' as const, username: user, password: info.users[user]!.password },
});

transactionSuite(as('alice'), 'V1');

test('bob, without an ACL for the transactional id, is refused by the coordinator: TransactionFatalError', async () => {
  const p = await SyncProducer.create(new Config({ ...as('bob'), transactionalId: uniqueTopic('txn-bob') }));
  try {
    const err = await p.initTransactions().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransactionFatalError);
    expect((err as Error).message).toMatch(/TRANSACTIONAL_ID_AUTHORIZATION_FAILED/);
    expect(() => p.beginTransaction()).toThrow(TransactionFatalError);
  } finally {
    await p.close();
  }
});
