/** Creates test topics with CreateTopics (to the controller-independent broker path) and waits for leaders. */
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Cluster } from '../../src/cluster/cluster.js';

export async function createTopic(cluster: Cluster, name: string, partitions: number, replicationFactor = -1): Promise<string> {
  const broker = cluster.brokerList()[0]!;
  const conn = await cluster.connection(broker.nodeId);
  const res = await conn.send(CreateTopics, {
    topics: [{ name, numPartitions: partitions, replicationFactor, assignments: [], configs: [] }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  const code = res.topics[0]!.errorCode;
  if (code !== ErrorCode.NONE && code !== ErrorCode.TOPIC_ALREADY_EXISTS) {
    throw new Error(`CreateTopics ${name}: error ${code} ${res.topics[0]!.errorMessage}`);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    await cluster.refresh([name]);
    const t = cluster.topic(name);
    if (t && t.partitions.length === partitions && t.availablePartitions.length === partitions) return name;
    if (Date.now() > deadline) throw new Error(`topic ${name} has no leaders after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
