/**
 * Start positions (OffsetOldest / OffsetNewest) are resolved with one ListOffsets request per
 * leader, not one per partition (src/consumer/fetcher.ts). Found by bench/consumer-scale.mjs: a
 * KIP-848 member that first owned all 10,000 partitions of a topic queued 10,000 ListOffsets
 * requests, and the group took seven times longer than the classic one to read its first records.
 */
import { Config } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';

const { bootstrap } = brokerAddress();
let admin: Cluster;

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  await admin?.close();
  jest.restoreAllMocks();
});

test('a group member resolves the start of 50 new partitions with one ListOffsets per leader, and reads them all', async () => {
  const partitions = 50;
  const topic = await createTopic(admin, uniqueTopic('list-offsets-batched'), partitions);
  const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
  try {
    await Promise.all(Array.from({ length: partitions }, (_, p) => producer.sendMsgToPartition(topic, p, null, `v${p}`)));
  } finally {
    await producer.close();
  }
  const send = jest.spyOn(BrokerConnection.prototype, 'send');
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], group: uniqueTopic('g'), topics: [topic], initialOffset: 'oldest' }));
  try {
    const seen = new Set<number>();
    for await (const m of consumer.messages()) {
      seen.add(m.partition);
      if (seen.size === partitions) break;
    }
    expect(seen.size).toBe(partitions);
    const listOffsets = send.mock.calls.filter(([codec]) => codec === ListOffsets);
    // one leader (the single node): one request for every partition, not 50
    expect(listOffsets.length).toBeLessThanOrEqual(2);
    const asked = listOffsets.flatMap(([, req]) => (req as { topics: Array<{ partitions: unknown[] }> }).topics.flatMap((t) => t.partitions));
    expect(asked.length).toBe(partitions);
  } finally {
    send.mockRestore();
    await consumer.close();
  }
});
