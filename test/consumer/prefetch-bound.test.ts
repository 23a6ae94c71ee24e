/**
 * Undelivered bytes stay within `prefetchBytes` even when a single fetch could bring more
 * (src/consumer/fetcher.ts). Found by bench/consumer-scale.mjs: over 10,000 partitions a reader
 * that stalled held several times its prefetchBytes, because each Fetch asked the broker for up
 * to fetchMaxBytes (50 MiB by default) whatever was already buffered; the bound only stopped the
 * NEXT fetch. Each Fetch now asks for what is left of the budget (its MaxBytes), and the broker
 * returns no more than that (KIP-74: at least one batch).
 */
import { Config, OffsetOldest } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';

const { bootstrap } = brokerAddress();
let admin: Cluster;

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  await admin?.close();
});

test('a stalled reader holds at most prefetchBytes (plus one batch), with the default fetchMaxBytes', async () => {
  const partitions = 8;
  const perPartition = 100;
  const topic = await createTopic(admin, uniqueTopic('prefetch-bound'), partitions);
  const value = Buffer.alloc(8 * 1024, 7);
  // batches of at most ~16 KiB: two records each
  const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1, batchBytes: 16 * 1024 }));
  try {
    for (let p = 0; p < partitions; p++) {
      await Promise.all(Array.from({ length: perPartition }, (_, i) => producer.sendMsgToPartition(topic, p, `k${i}`, value)));
    }
  } finally {
    await producer.close();
  }
  // 800 KiB per partition, 1 MiB per partition allowed per fetch, 50 MiB per fetch: only the
  // budget can keep the buffer at 256 KiB
  const prefetchBytes = 256 * 1024;
  const consumer = await Consumer.create(new Config({ brokers: [bootstrap], prefetchBytes }));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, consumer.fetcher.prefetchedBytes)), 2);
  try {
    const pcs = await Promise.all(Array.from({ length: partitions }, (_, p) => consumer.consumePartition(topic, p, OffsetOldest)));
    await new Promise((r) => setTimeout(r, 1500)); // nobody reads: the fetcher fills up to its bound
    expect(consumer.fetcher.prefetchedBytes).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(prefetchBytes + 32 * 1024);
    // and everything still arrives, in order, once the readers come
    for (const pc of pcs) {
      let next = 0n;
      for await (const m of pc.messages()) {
        expect(m.offset).toBe(next);
        next++;
        if (next === BigInt(perPartition)) break;
      }
      expect(next).toBe(BigInt(perPartition));
    }
  } finally {
    clearInterval(sampler);
    await consumer.close();
  }
});
