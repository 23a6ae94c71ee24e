/**
 * Reconnect backoff (Java's reconnect.backoff.ms / reconnect.backoff.max.ms): a broker that is
 * down is tried again at growing intervals, whoever asks for it meanwhile (retries, metadata
 * refreshes), and at once after it answered again. A fake broker (test/helpers/fake-kafka.ts)
 * is stopped and started on the same port; every connection attempt is counted.
 */
import { Config } from '../../src/client/config.js';
import { AsyncProducer } from '../../src/client/producers.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import type { ProducerError } from '../../src/producer/errors.js';
import { FakeKafka } from '../helpers/fake-kafka.js';

let kafka: FakeKafka;
afterEach(async () => {
  jest.restoreAllMocks();
  await kafka.stop();
});

function countAttempts(): number[] {
  const at: number[] = [];
  const connect = BrokerConnection.connect.bind(BrokerConnection);
  jest.spyOn(BrokerConnection, 'connect').mockImplementation((options) => {
    at.push(Date.now());
    return connect(options);
  });
  return at;
}

test('a stopped broker is tried at 50, 100, 200, 400, 400 ... ms (±20%), not at the 5 ms retry pace; a restarted one at once', async () => {
  kafka = new FakeKafka(1);
  await kafka.start();
  const producer = await AsyncProducer.create(
    new Config({
      brokers: [kafka.bootstrap],
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 400,
      retryBackoffMs: 5,
      retryBackoffMaxMs: 5,
      deliveryTimeoutMs: 2500,
      requestTimeoutMs: 500,
      lingerMs: 0,
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => producer.sendMsgByte('t', 'k', 'before', undefined, { onSuccess: () => resolve(), onError: reject }));
    const attempts = countAttempts();
    await kafka.stop();
    const failed = await new Promise<ProducerError>((resolve) => producer.sendMsgByte('t', 'k', 'while down', undefined, { onSuccess: () => resolve(new Error('delivered to a stopped broker') as ProducerError), onError: resolve }));
    expect(failed.message).toMatch(/deliveryTimeoutMs|not acknowledged/);
    // ~2.5 s of a broker refusing connections: 1 + 50 + 100 + 200 + 400 + 400 ... → about 8 attempts
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.length).toBeLessThanOrEqual(14);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.floor(0.8 * Math.min(400, 50 * 2 ** i)) - 5));
    expect(Math.max(...gaps)).toBeLessThan(400 * 1.2 + 250);

    // back on the same port: the next attempt comes within the longest backoff, then the client
    // connects as usual (no backoff after a success)
    await kafka.start();
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => producer.sendMsgByte('t', 'k', 'after', undefined, { onSuccess: () => resolve(), onError: reject }));
    expect(Date.now() - t0).toBeLessThan(2000);
  } finally {
    await producer.close();
  }
});
