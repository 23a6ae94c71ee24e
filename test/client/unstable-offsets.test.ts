/**
 * A member taking partitions whose offsets an open transaction is still committing
 * (OffsetFetch answers UNSTABLE_OFFSET_COMMIT, KIP-447) waits until the transaction ends and
 * then reads from the offset it committed. (The classic member once gave up on the first
 * UNSTABLE_OFFSET_COMMIT and stayed in the group reading nothing: the exactly-once cluster test
 * found it, after a pipeline was killed in the middle of a transaction.)
 */
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { sleep } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();

test.each(['classic', 'consumer'] as const)('%s protocol: a member waits for offsets a transaction is committing, then reads from them', async (protocol) => {
  const admin = await Admin.create({ brokers: [bootstrap] });
  const topic = uniqueTopic('unstable');
  const group = uniqueTopic('unstable-group');
  const plain = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
  const txn = await SyncProducer.create(new Config({ brokers: [bootstrap], transactionalId: uniqueTopic('unstable-txn'), lingerMs: 1 }));
  let consumer: Consumer | undefined;
  try {
    await admin.createTopics([{ name: topic, numPartitions: 1 }], { waitForLeaders: true });
    for (let i = 0; i < 10; i++) await plain.sendMsgToPartition(topic, 0, null, `r${i}`);
    await txn.initTransactions();
    txn.beginTransaction();
    // offsets of a group without members: generation -1 skips the member check
    await txn.sendOffsetsToTransaction([{ topic, partition: 0, offset: 5n }], { groupId: group, generationId: -1, memberId: '', groupInstanceId: null });

    // the member joins now; its OffsetFetch is answered UNSTABLE_OFFSET_COMMIT until the commit
    const joining = Consumer.create(new Config({ brokers: [bootstrap], group, topics: [topic], initialOffset: 'oldest', autoCommit: false, ...(protocol === 'consumer' ? { groupProtocol: 'consumer' as const } : {}) }));
    await sleep(2000);
    await txn.commitTransaction();
    consumer = await joining;
    const first = consumer.messages().next();
    const m = (await first).value!;
    expect([m.offset, m.value!.toString()]).toEqual([5n, 'r5']);
  } finally {
    await consumer?.close();
    await txn.close();
    await plain.close();
    await admin.close();
  }
});
