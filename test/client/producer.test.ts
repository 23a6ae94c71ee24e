/**
 * SyncProducer and AsyncProducer against the real broker: topics and partitions, order, acks,
 * codecs, idempotence under dropped connections, and the public API's promises and events.
 */
import { ZERO_UUID } from '../../protocol/api.js';
import { ensureCompressionReady } from '../../protocol/compression/index.js';
import { Fetch, fetchRequestDefaults } from '../../protocol/messages/fetch.js';
import { decodeRecordSet, type KafkaRecord } from '../../protocol/records.js';
import { Config } from '../../src/client/config.js';
import { AsyncProducer, SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { ProducerError } from '../../src/producer/errors.js';
import type { ProducerMessage } from '../../src/producer/message.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';

const { bootstrap } = brokerAddress();
const INT64_MAX = 9223372036854775807n;

/** Reads every record of a partition from the start (up to the high watermark). */
async function readPartition(cluster: Cluster, topic: string, partition: number): Promise<KafkaRecord[]> {
  await cluster.topicMetadata(topic, 10_000);
  const info = cluster.topic(topic)!;
  const conn = await cluster.connection(cluster.leaderFor(topic, partition));
  const out: KafkaRecord[] = [];
  let offset = 0n;
  for (;;) {
    const res = await conn.send(Fetch, {
      ...fetchRequestDefaults(),
      maxWaitMs: 50,
      topics: [
        {
          topic,
          topicId: info.topicId,
          partitions: [
            {
              partition,
              currentLeaderEpoch: -1,
              fetchOffset: offset,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 4 << 20,
              replicaDirectoryId: ZERO_UUID,
              highWatermark: INT64_MAX,
            },
          ],
        },
      ],
    });
    const p = res.responses[0]!.partitions[0]!;
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
    const set = decodeRecordSet(p.records ?? Buffer.alloc(0), { maxDecompressedBytes: 64 << 20 });
    const records = set.batches.filter((b) => !b.isControl).flatMap((b) => b.records);
    for (const r of records) if (r.offset >= offset) out.push(r);
    if (set.batches.length > 0) {
      const last = set.batches[set.batches.length - 1]!;
      offset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
    }
    if (offset >= p.highWatermark) return out;
  }
}

let reader: Cluster;
beforeAll(async () => {
  await ensureCompressionReady();
  reader = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(() => reader?.close());

describe('SyncProducer', () => {
  test('resolves with partition and offset; keys land by murmur2; order kept per partition', async () => {
    const topic = await createTopic(reader, uniqueTopic('sync'), 6);
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
    try {
      const sent: ProducerMessage[] = [];
      for (let i = 0; i < 60; i++) {
        sent.push(await producer.sendMsgByte(topic, `key-${i % 12}`, `value-${i}`, { i }));
      }
      expect(sent.every((m) => m.partition >= 0 && m.partition < 6 && m.offset >= 0n)).toBe(true);
      expect(sent.map((m) => (m.metadata as { i: number }).i)).toEqual([...Array(60).keys()]);
      // the same key always lands in the same partition
      const byKey = new Map<string, Set<number>>();
      for (const m of sent) (byKey.get(String(m.key)) ?? byKey.set(String(m.key), new Set()).get(String(m.key))!).add(m.partition);
      expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
      // offsets are consecutive per partition, and the log holds exactly what was sent, in order
      for (let p = 0; p < 6; p++) {
        const mine = sent.filter((m) => m.partition === p);
        const log = await readPartition(reader, topic, p);
        expect(log.map((r) => r.value!.toString())).toEqual(mine.map((m) => m.value));
        expect(log.map((r) => r.offset)).toEqual(mine.map((m) => m.offset));
      }
      const explicit = await producer.sendMsgToPartition(topic, 4, null, 'to four');
      expect(explicit.partition).toBe(4);
    } finally {
      await producer.close();
    }
    expect(producer.isClosed()).toBe(true);
    await expect(producer.closed).resolves.toBeUndefined();
  });

  test.each([
    ['acks=0', 0],
    ['acks=1', 1],
    ['acks=all', -1],
  ] as const)('%s delivers', async (_, acks) => {
    const topic = await createTopic(reader, uniqueTopic('acks'), 1);
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], acks, lingerMs: 0 }));
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.sendMsgByte(topic, null, `v${i}`)));
      if (acks === 0) expect(results.every((m) => m.offset === -1n)).toBe(true);
      else expect(results.map((m) => m.offset).sort((a, b) => Number(a - b))).toEqual([...Array(20).keys()].map(BigInt));
      await new Promise((r) => setTimeout(r, acks === 0 ? 300 : 0));
      expect((await readPartition(reader, topic, 0)).map((r) => r.value!.toString()).sort()).toEqual(
        results.map((m) => String(m.value)).sort(),
      );
    } finally {
      await producer.close();
    }
  });

  test.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)('compression %s', async (compression) => {
    const topic = await createTopic(reader, uniqueTopic(`codec-${compression}`), 1);
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], compression }));
    try {
      const msgs = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          producer.send({
            topic,
            key: i % 5 === 0 ? null : `k${i}`,
            value: `compressible value ${i} `.repeat(20),
            headers: [{ key: 'n', value: String(i) }],
            timestamp: 1_700_000_000_000 + i,
          }),
        ),
      );
      const log = await readPartition(reader, topic, 0);
      expect(log).toHaveLength(200);
      const byOffset = new Map(log.map((r) => [r.offset, r]));
      for (const m of msgs) {
        const r = byOffset.get(m.offset)!;
        expect(r.value!.toString()).toBe(m.value);
        expect(r.timestamp).toBe(m.timestamp);
        expect(r.headers[0]!.value!.toString()).toBe(m.headers[0]!.value);
      }
    } finally {
      await producer.close();
    }
  });

  test('an invalid message is refused with a typed error; the producer keeps working', async () => {
    const topic = await createTopic(reader, uniqueTopic('invalid'), 1);
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap] }));
    try {
      await expect(producer.sendMsgByte(topic, null, 42 as unknown as string)).rejects.toMatchObject({
        code: 'ERR_INVALID_MESSAGE',
      });
      const tooBig = Buffer.alloc(2 * 1024 * 1024);
      const err = await producer.sendMsgByte(topic, null, tooBig).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProducerError);
      expect((err as ProducerError).cause.message).toMatch(/maxRequestBytes/);
      await expect(producer.sendMsgByte(topic, null, 'fine')).resolves.toMatchObject({ offset: 0n });
    } finally {
      await producer.close();
    }
  });

  test('a send after close fails with a typed error', async () => {
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap] }));
    await producer.close();
    const err = await producer.sendMsgByte(uniqueTopic('closed'), null, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerError);
    expect((err as ProducerError).code).toBe('ERR_PRODUCER_CLOSED');
  });
});

describe('AsyncProducer', () => {
  test('reports each outcome as an event and a callback, with the caller metadata; flush waits', async () => {
    const topic = await createTopic(reader, uniqueTopic('async'), 3);
    const producer = await AsyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 20 }));
    const successes: ProducerMessage[] = [];
    const callbacks: number[] = [];
    producer.on('success', (m) => successes.push(m));
    producer.on('error', (e) => {
      throw e;
    });
    try {
      for (let i = 0; i < 500; i++) {
        const r = producer.sendMsgByte(topic, `k${i}`, `v${i}`, { seq: i }, { onSuccess: (m) => callbacks.push(m.metadata!.seq) });
        if (r) await r;
      }
      await producer.flush();
      expect(successes).toHaveLength(500);
      expect(callbacks.sort((a, b) => a - b)).toEqual([...Array(500).keys()]);
      expect(new Set(successes.map((m) => `${m.partition}:${m.offset}`)).size).toBe(500);
      let total = 0;
      for (let p = 0; p < 3; p++) {
        const log = await readPartition(reader, topic, p);
        total += log.length;
        // per-partition order follows send order
        const seqs = log.map((r) => Number(r.value!.toString().slice(1)));
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
      expect(total).toBe(500);
    } finally {
      await producer.close();
    }
  });

  test('errors reach the error event and onError with the message and cause', async () => {
    const producer = await AsyncProducer.create(new Config({ brokers: [bootstrap], maxBlockMs: 2000, maxRequestBytes: 1000 }));
    const errors: ProducerError[] = [];
    producer.on('error', (e) => errors.push(e));
    const onError = jest.fn();
    try {
      // a record over maxRequestBytes fails alone, after send returned (an invalid topic name
      // would throw InvalidMessageError from send itself: see test/client/bad-input.test.ts)
      producer.send({ topic: uniqueTopic('too-large'), value: Buffer.alloc(2000), metadata: 'm1' }, { onError });
      await producer.flush();
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg.metadata).toBe('m1');
      expect(errors[0]!.cause).toBeDefined();
      expect(onError).toHaveBeenCalledTimes(1);
    } finally {
      await producer.close();
    }
  });
});

describe('idempotence', () => {
  test('dropping the leader connection under load gives no duplicates, no gaps, and keeps order', async () => {
    const topic = await createTopic(reader, uniqueTopic('idempotent'), 2);
    let retried = 0;
    const logger = {
      debug: (m: string) => void (m === 'retrying a batch' && retried++),
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    const producer = await AsyncProducer.create(
      new Config({ brokers: [bootstrap], lingerMs: 2, batchBytes: 2048, retryBackoffMs: 20, logger }),
    );
    const failed: ProducerError[] = [];
    producer.on('error', (e) => failed.push(e));
    // reach the producer's own cluster to cut its connections mid-stream
    const cluster = (producer as unknown as { h: { cluster: Cluster } }).h.cluster;
    const total = 4000;
    let cuts = 0;
    try {
      for (let i = 0; i < total; i++) {
        const r = producer.sendMsgByte(topic, `key-${i % 2}`, `${i}`);
        if (r) await r;
        if (i % 700 === 350) {
          await cluster.topicMetadata(topic, 10_000);
          const conn = await cluster.connection(cluster.leaderFor(topic, 0));
          conn.close(); // in-flight Produce requests fail and are retried with the same sequences
          cuts++;
        }
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await producer.flush();
      expect(failed).toEqual([]);
      expect(cuts).toBeGreaterThan(3);
      expect(retried).toBeGreaterThan(0); // the cuts did hit requests in flight
      let count = 0;
      for (let p = 0; p < 2; p++) {
        const values = (await readPartition(reader, topic, p)).map((r) => Number(r.value!.toString()));
        expect(new Set(values).size).toBe(values.length); // no duplicates
        expect(values).toEqual([...values].sort((a, b) => a - b)); // order kept
        count += values.length;
      }
      expect(count).toBe(total); // no gaps
    } finally {
      await producer.close();
    }
  });
});
