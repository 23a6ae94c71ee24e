/**
 * The producer's batches (records encoded into their batch's buffer when accepted): what the send
 * buffer counts, completions shared or per message, batches split after MESSAGE_TOO_LARGE, and
 * string keys hashed from a scratch buffer. A fake one-broker Kafka (test/helpers/fake-kafka.ts)
 * plays the broker so it can refuse large batches or stop answering on demand.
 */
import { Config } from '../../src/client/config.js';
import { AsyncProducer, SyncProducer } from '../../src/client/producers.js';
import { ProducerError } from '../../src/producer/errors.js';
import type { ProducerMessage } from '../../src/producer/message.js';
import { javaPartitionForKey } from '../../src/producer/partitioner.js';
import { MESSAGE_OVERHEAD_BYTES } from '../../src/producer/producer-core.js';
import { estimateRecordSize } from '../../protocol/records.js';
import { FakeKafka } from '../helpers/fake-kafka.js';

let kafka: FakeKafka;
afterEach(() => kafka.stop());

function bufferedBytes(producer: AsyncProducer): number {
  return (producer as unknown as { h: { core: { bufferedBytes: number } } }).h.core.bufferedBytes;
}

async function start(partitions: number): Promise<void> {
  kafka = new FakeKafka(partitions);
  await kafka.start();
}

test('the send buffer counts what a waiting record costs, and is empty once every record has its outcome', async () => {
  await start(4);
  const bufferBytes = 1024 * 1024;
  const batchBytes = 16_384;
  const producer = await AsyncProducer.create(
    new Config({ brokers: [kafka.bootstrap], bufferBytes, batchBytes, lingerMs: 5, maxBlockMs: 200, deliveryTimeoutMs: 1000, requestTimeoutMs: 500, retryBackoffMs: 50 }),
  );
  const failures: ProducerError[] = [];
  producer.on('error', (e) => failures.push(e));
  try {
    await new Promise<void>((resolve, reject) => producer.sendMsgByte('t', 'k', 'first', undefined, { onSuccess: () => resolve(), onError: reject }));
    kafka.produceMode = 'hang';
    const value = Buffer.alloc(100, 1);
    let accepted = 0;
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const r = producer.sendMsgByte('t', `key-${i}`, value);
      if (r) waits.push(r);
      else if (waits.length === 0) accepted++;
      // the count may pass the limit by one batch buffer's growth, never more
      expect(bufferedBytes(producer)).toBeLessThanOrEqual(bufferBytes + 2 * batchBytes);
    }
    // each record holds its encoded bytes, the payload its message keeps and the message itself:
    // far fewer than bufferBytes / payload records fit
    const cost = 2 * estimateRecordSize({ key: 'key-1000', value, headers: [], timestamp: Date.now() }) + MESSAGE_OVERHEAD_BYTES;
    expect(accepted).toBeLessThanOrEqual(Math.ceil(bufferBytes / cost));
    expect(accepted).toBeGreaterThan(Math.floor((bufferBytes - 2 * batchBytes) / cost / 2));
    expect(bufferedBytes(producer)).toBeGreaterThan(bufferBytes / 2);
    await Promise.all(waits);
    await producer.flush();
    expect(failures).toHaveLength(10_000);
    // nothing leaked: every reservation and every batch buffer's share came back
    expect(bufferedBytes(producer)).toBe(0);
  } finally {
    kafka.produceMode = 'ok';
    await producer.close();
  }
});

test('a batch the broker refuses as too large is split until it fits; every record is written once, in order', async () => {
  await start(1);
  kafka.maxRecordsPerBatch = 3;
  const producer = await AsyncProducer.create(new Config({ brokers: [kafka.bootstrap], lingerMs: 50 }));
  try {
    const done: ProducerMessage[] = [];
    producer.on('success', (m) => done.push(m));
    for (let i = 0; i < 40; i++) producer.sendMsgByte('t', null, `v${i}`, { i });
    await producer.flush();
    expect(done).toHaveLength(40);
    const log = kafka.logs.get('t-0')!.map((b) => b.toString());
    expect(log).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`));
    const byIndex = [...done].sort((a, b) => (a.metadata as { i: number }).i - (b.metadata as { i: number }).i);
    expect(byIndex.map((m) => m.offset)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
    expect(bufferedBytes(producer)).toBe(0);
  } finally {
    await producer.close();
  }
});

test('per-send callbacks and the shared completion mix in one batch; each message reaches its own', async () => {
  await start(1);
  const producer = await AsyncProducer.create(new Config({ brokers: [kafka.bootstrap], lingerMs: 50 }));
  try {
    const events: number[] = [];
    const callbacks: number[] = [];
    producer.on('success', (m) => events.push((m.metadata as { i: number }).i));
    for (let i = 0; i < 30; i++) {
      const mine = i % 3 === 1 ? { onSuccess: (m: ProducerMessage<{ i: number }>) => callbacks.push(m.metadata!.i * 1000 + i) } : undefined;
      producer.sendMsgByte('t', null, `v${i}`, { i }, mine);
    }
    await producer.flush();
    expect(events).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(callbacks).toEqual(Array.from({ length: 10 }, (_, j) => (3 * j + 1) * 1001));
  } finally {
    await producer.close();
  }
});

test('string keys of any length and script land on the partition of their UTF-8 bytes (murmur2)', async () => {
  await start(12);
  const producer = await SyncProducer.create(new Config({ brokers: [kafka.bootstrap], lingerMs: 0 }));
  try {
    const keys: string[] = [];
    for (let n = 0; n < 300; n += 7) keys.push('k'.repeat(n), 'é字'.repeat(n), `𝄞${n}`);
    keys.push('x'.repeat(5000)); // past the scratch buffer
    const sent = await Promise.all(keys.map((k) => producer.sendMsgByte('t', k, 'v')));
    for (let i = 0; i < keys.length; i++) {
      expect(sent[i]!.partition).toBe(javaPartitionForKey(Buffer.from(keys[i]!), 12));
      expect(sent[i]!.key).toBe(keys[i]);
    }
  } finally {
    await producer.close();
  }
});

test('when a request cannot carry every ready batch, the next one starts where it stopped: no partition waits behind the others', async () => {
  await start(50);
  const producer = await AsyncProducer.create(
    // about nine 1 KB batches per request, one request at a time
    new Config({ brokers: [kafka.bootstrap], lingerMs: 20, maxRequestBytes: 10_000, maxInFlight: 1, batchBytes: 1100 }),
  );
  try {
    const value = Buffer.alloc(1000, 1);
    for (let round = 0; round < 4; round++) for (let p = 0; p < 50; p++) producer.sendMsgToPartition('t', p, null, value);
    await producer.flush();
    const requests = kafka.producePartitions.filter((ps) => ps.length > 0);
    expect(requests.length).toBeGreaterThanOrEqual(20);
    // every partition had a batch ready from the start: within the first ceil(50 / 9) + 1
    // requests each one has had its turn
    const early = new Set(requests.slice(0, 7).flat());
    expect([...early].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(kafka.logs.get('t-49')).toHaveLength(4);
  } finally {
    await producer.close();
  }
});

test('the message each outcome reports carries the fields its send gave, records with and without headers or metadata mixed in one batch', async () => {
  await start(1);
  const producer = await AsyncProducer.create(new Config({ brokers: [kafka.bootstrap], lingerMs: 50 }));
  try {
    const done: ProducerMessage[] = [];
    producer.on('success', (m) => done.push(m));
    const stamp = Date.UTC(2026, 0, 2, 3, 4, 5);
    const sent = Array.from({ length: 12 }, (_, i) => ({
      topic: 't',
      key: i % 4 === 0 ? null : i % 4 === 1 ? `k${i}` : Buffer.from(`k${i}`),
      value: i % 5 === 0 ? null : `v${i}`,
      ...(i % 3 === 0 ? { headers: [{ key: `h${i}`, value: `x${i}` }] } : {}),
      ...(i % 2 === 0 ? { metadata: { i } } : {}),
      ...(i % 4 === 3 ? { timestamp: new Date(stamp + i) } : {}),
    }));
    const before = Date.now();
    for (const s of sent) producer.send(s);
    await producer.flush();
    expect(done).toHaveLength(12);
    done.forEach((m, i) => {
      const s = sent[i]!;
      expect(m.topic).toBe('t');
      expect(m.partition).toBe(0);
      expect(m.offset).toBe(BigInt(i));
      expect(m.key).toBe(s.key); // the caller's own key and value objects, not copies
      expect(m.value).toBe(s.value);
      expect(m.headers).toEqual(s.headers ?? []);
      expect(m.metadata).toEqual(s.metadata);
      if (s.timestamp !== undefined) expect(m.timestamp).toBe(stamp + i);
      else expect(m.timestamp).toBeGreaterThanOrEqual(before);
    });
  } finally {
    await producer.close();
  }
});

test("a 'success' listener attached while records wait still sees them; the failed ones carry their fields without any listener for successes", async () => {
  await start(1);
  const producer = await AsyncProducer.create(
    new Config({ brokers: [kafka.bootstrap], lingerMs: 20, deliveryTimeoutMs: 600, requestTimeoutMs: 300, retryBackoffMs: 50 }),
  );
  try {
    for (let i = 0; i < 5; i++) producer.sendMsgByte('t', `k${i}`, `v${i}`, { i });
    const seen: ProducerMessage[] = [];
    producer.on('success', (m) => seen.push(m)); // after the sends, before their outcome
    await producer.flush();
    expect(seen.map((m) => [m.key, m.value, m.metadata, m.offset])).toEqual(Array.from({ length: 5 }, (_, i) => [`k${i}`, `v${i}`, { i }, BigInt(i)]));
    producer.removeAllListeners('success');
    kafka.produceMode = 'hang';
    const failed: ProducerError[] = [];
    producer.on('error', (e) => failed.push(e));
    for (let i = 0; i < 3; i++) producer.sendMsgByte('t', `late${i}`, Buffer.from(`w${i}`), { late: i });
    await producer.flush();
    expect(failed.map((e) => [e.msg.key, e.msg.value?.toString(), e.msg.metadata, e.msg.partition, e.msg.offset])).toEqual(
      Array.from({ length: 3 }, (_, i) => [`late${i}`, `w${i}`, { late: i }, 0, -1n]),
    );
  } finally {
    kafka.produceMode = 'ok';
    await producer.close();
  }
});

test('records that wait (for metadata, for room in the send buffer) keep their own fields while later sends reuse the producer scratch record', async () => {
  await start(1);
  const producer = await AsyncProducer.create(new Config({ brokers: [kafka.bootstrap], lingerMs: 5, bufferBytes: 8 * 1024, batchBytes: 2048 }));
  try {
    const done: ProducerMessage[] = [];
    producer.on('success', (m) => done.push(m));
    const waits: Promise<void>[] = [];
    // the first sends wait for the topic's metadata; later ones for room in an 8 KiB buffer
    for (let i = 0; i < 300; i++) {
      const r = i % 2 === 0 ? producer.sendMsgByte('t', `k${i}`, `v${i}`, { i }) : producer.send({ topic: 't', key: `k${i}`, value: `v${i}`, metadata: { i }, headers: [{ key: 'n', value: `${i}` }] });
      if (r) waits.push(r);
    }
    expect(waits.length).toBeGreaterThan(100);
    await Promise.all(waits);
    await producer.flush();
    expect(kafka.logs.get('t-0')!.map((b) => b.toString())).toEqual(Array.from({ length: 300 }, (_, i) => `v${i}`));
    expect(done.map((m) => [m.key, m.value, m.metadata, m.headers.length, Number(m.offset)])).toEqual(
      Array.from({ length: 300 }, (_, i) => [`k${i}`, `v${i}`, { i }, i % 2, i]),
    );
  } finally {
    await producer.close();
  }
});
