/**
 * Producer behaviour when the broker goes away, stops answering, or refuses a topic. A fake
 * one-broker Kafka (test/helpers/fake-kafka.ts) plays the broker so it can be stopped and
 * restarted on demand without disturbing the shared real broker.
 */
import { Config } from '../../src/client/config.js';
import { AsyncProducer, SyncProducer } from '../../src/client/producers.js';
import { BufferFullError, DeliveryTimeoutError, ProducerError } from '../../src/producer/errors.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import { FakeKafka } from '../helpers/fake-kafka.js';

let kafka: FakeKafka;
beforeEach(async () => {
  kafka = new FakeKafka(2);
  await kafka.start();
});
afterEach(() => kafka.stop());

function bufferedBytes(producer: AsyncProducer): number {
  return (producer as unknown as { h: { core: { bufferedBytes: number } } }).h.core.bufferedBytes;
}


test('broker gone: memory stays bounded, sends wait then fail with typed errors; broker back: sending resumes', async () => {
  const bufferBytes = 256 * 1024;
  const producer = await AsyncProducer.create(
    new Config({
      brokers: [kafka.bootstrap],
      bufferBytes,
      maxBlockMs: 300,
      deliveryTimeoutMs: 1500,
      requestTimeoutMs: 1000,
      lingerMs: 5,
      retryBackoffMs: 50,
      retryBackoffMaxMs: 200,
      connectTimeoutMs: 500,
    }),
  );
  const errors: ProducerError[] = [];
  producer.on('error', (e) => errors.push(e));
  try {
    // warm up: the topic's metadata is known, the producer id assigned
    await new Promise<void>((resolve, reject) =>
      producer.sendMsgByte('t', 'k', 'first', undefined, { onSuccess: () => resolve(), onError: reject }),
    );
    await kafka.stop();
    const value = Buffer.alloc(1000, 7);
    const waits: Promise<void>[] = [];
    // offer 20 MB while the broker is away: only bufferBytes may be held; the rest waits
    for (let i = 0; i < 20_000; i++) {
      const r = producer.sendMsgByte('t', `k${i}`, value);
      if (r) waits.push(r);
      expect(bufferedBytes(producer)).toBeLessThanOrEqual(bufferBytes);
    }
    expect(waits.length).toBeGreaterThan(19_000);
    await Promise.all(waits);
    await producer.flush();
    // every record failed with a typed error: buffer full, or not delivered in time
    expect(errors.length).toBe(20_000);
    expect(errors.every((e) => e instanceof ProducerError)).toBe(true);
    const causes = new Set(errors.map((e) => e.cause.constructor.name));
    expect([...causes].every((c) => c === BufferFullError.name || c === DeliveryTimeoutError.name)).toBe(true);
    expect(causes.has(BufferFullError.name)).toBe(true);
    expect(causes.has(DeliveryTimeoutError.name)).toBe(true);

    // the broker comes back on the same port: the same producer delivers again
    await kafka.start();
    const ok = await new Promise((resolve, reject) =>
      producer.sendMsgByte('t', 'k', 'after', undefined, { onSuccess: resolve, onError: reject }),
    );
    expect(ok).toMatchObject({ topic: 't' });
  } finally {
    await producer.close();
  }
});

test('a broker that stops answering gives DeliveryTimeoutError, not a hang', async () => {
  const producer = await SyncProducer.create(
    new Config({ brokers: [kafka.bootstrap], requestTimeoutMs: 300, deliveryTimeoutMs: 1200, retryBackoffMs: 50 }),
  );
  try {
    await producer.sendMsgByte('t', null, 'ok');
    kafka.produceMode = 'hang';
    const err = await producer.sendMsgByte('t', null, 'lost').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerError);
    expect((err as ProducerError).cause).toBeInstanceOf(DeliveryTimeoutError);
    expect((err as ProducerError).code).toBe('ERR_DELIVERY_TIMEOUT');
  } finally {
    kafka.produceMode = 'ok';
    await producer.close();
  }
});

test('a topic the client may not write fails at once with the typed authorization error, no retry loop', async () => {
  kafka.forbidden.add('secret');
  const producer = await SyncProducer.create(new Config({ brokers: [kafka.bootstrap], maxBlockMs: 10_000 }));
  try {
    const started = Date.now();
    const requestsBefore = kafka.metadataRequests;
    const err = await producer.sendMsgByte('secret', null, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerError);
    const cause = (err as ProducerError).cause;
    expect(cause).toBeInstanceOf(KafkaProtocolError);
    expect((cause as KafkaProtocolError).errorName).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect((err as ProducerError).retriable).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(kafka.metadataRequests - requestsBefore).toBeLessThanOrEqual(2);
    expect(kafka.produceRequests).toBe(0);
  } finally {
    await producer.close();
  }
});
