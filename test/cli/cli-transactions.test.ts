/**
 * `kafkaesque transactions list|describe` against the real broker: an open transaction with its
 * partition, then its completion; an unknown transactional id exits 1 with one line.
 */
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { kafkaesque } from '../helpers/cli.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
const b = ['--brokers', bootstrap];

test('transactions list and describe show an open transaction with its partition, then its completion', async () => {
  const topic = uniqueTopic('cli-txn');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '2', ...b])).code).toBe(0);
  const { SyncProducer, Config } = await import('../../src/index.js');
  const id = uniqueTopic('cli-txn-id');
  const p = await SyncProducer.create(new Config({ brokers: [bootstrap], transactionalId: id, lingerMs: 1 }));
  try {
    await p.initTransactions();
    p.beginTransaction();
    await p.sendMsgToPartition(topic, 1, null, 'open');
    const described = await kafkaesque(['transactions', 'describe', id, ...b]);
    expect(described.code).toBe(0);
    expect(described.out).toMatch(new RegExp(`^transactional-id ${id}  state Ongoing  producer \\d+ epoch \\d+  timeout 60000 ms  coordinator \\d+  started \\d{4}-`));
    expect(described.out.trim().split('\n')[1]).toBe(`  ${topic}-1`);
    const listed = await kafkaesque(['transactions', 'list', '--state', 'Ongoing', ...b]);
    expect(listed.out.split('\n').some((l) => l.startsWith(`${id} `) && l.includes('Ongoing'))).toBe(true);
    await p.commitTransaction();
    // the commit is answered when decided (PrepareCommit), complete once its markers are written
    const deadline = Date.now() + 15_000;
    let after = '';
    while (!/state CompleteCommit/.test(after) && Date.now() < deadline) after = (await kafkaesque(['transactions', 'describe', id, ...b])).out;
    expect(after).toMatch(/state CompleteCommit/);
    const unknown = await kafkaesque(['transactions', 'describe', uniqueTopic('cli-txn-never'), ...b]);
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringMatching(/TRANSACTIONAL_ID_NOT_FOUND/)]);
  } finally {
    await p.close();
  }
});
