/**
 * isolationLevel against real transactions written by Kafka's own transactional producer (through
 * the Java oracle): read_committed skips aborted records and transaction markers,
 * read_uncommitted sees the aborted records too; neither ever sees a control record.
 */
import { Config, OffsetOldest } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage, type PartitionConsumer } from '../../src/client/consumer.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { JavaOracle } from '../conformance/oracle.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';

jest.setTimeout(90_000);
const { bootstrap } = brokerAddress();

async function take(pc: PartitionConsumer, n: number, idleMs = 5000): Promise<ConsumerMessage[]> {
  const out: ConsumerMessage[] = [];
  const it = pc.messages();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([it.next(), new Promise<null>((r) => (timer = setTimeout(() => r(null), idleMs)))]);
    clearTimeout(timer);
    if (next === null || next.done) return out;
    out.push(next.value);
    if (out.length >= n) return out;
  }
}

test('read_committed skips aborted transactions; read_uncommitted sees them; markers never surface', async () => {
  const admin = await Cluster.connect({ brokers: [bootstrap] });
  const oracle = await JavaOracle.start();
  try {
    const topic = await createTopic(admin, uniqueTopic('txn'), 1);
    await oracle.produceTransactional(bootstrap, uniqueTopic('txn-id'), topic, 0, [
      { commit: true, values: ['c1', 'c2'] },
      { commit: false, values: ['a1', 'a2', 'a3'] },
      { commit: true, values: ['c3'] },
      { commit: false, values: ['a4'] },
      { commit: true, values: ['c4', 'c5'] },
    ]);
    const committed = await Consumer.create(new Config({ brokers: [bootstrap], isolationLevel: 'read_committed' }));
    const uncommitted = await Consumer.create(new Config({ brokers: [bootstrap], isolationLevel: 'read_uncommitted' }));
    try {
      const pc = await committed.consumePartition(topic, 0, OffsetOldest);
      const rc = await take(pc, 5);
      expect(rc.map((m) => m.value!.toString())).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
      // nothing more arrives after the last committed record (aborted ones stay hidden)
      expect(await take(pc, 1, 1500)).toEqual([]);
      const pu = await uncommitted.consumePartition(topic, 0, OffsetOldest);
      const ru = await take(pu, 9);
      expect(ru.map((m) => m.value!.toString())).toEqual(['c1', 'c2', 'a1', 'a2', 'a3', 'c3', 'a4', 'c4', 'c5']);
      expect(await take(pu, 1, 1500)).toEqual([]); // and never a transaction marker
      // offsets keep their gaps: the markers took offsets too
      expect(rc[rc.length - 1]!.offset).toBeGreaterThan(BigInt(rc.length + 4));
    } finally {
      await committed.close();
      await uncommitted.close();
    }
  } finally {
    await oracle.close();
    await admin.close();
  }
});
