/**
 * Re-bootstrap (KIP-899, KIP-1102; Java's metadata.recovery.strategy): when none of the brokers
 * of the last metadata answers, or a broker answers Metadata with REBOOTSTRAP_REQUIRED, the
 * client asks its bootstrap addresses again and follows the cluster they describe. With
 * `metadataRecoveryStrategy: 'none'` it keeps to the brokers it knows.
 *
 * Fake brokers (test/helpers/fake-kafka.ts): the bootstrap broker A first describes a cluster
 * made of broker B only, then itself. The three-node version (a bootstrap address moved from
 * one cluster to another) is test/cluster/rebootstrap.test.ts.
 */
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { SyncProducer } from '../../src/client/producers.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { FakeKafka } from '../helpers/fake-kafka.js';

let a: FakeKafka;
let b: FakeKafka;
let producer: SyncProducer | undefined;

beforeEach(async () => {
  a = new FakeKafka(1);
  b = new FakeKafka(1);
  await a.start();
  await b.start();
  b.nodeId = 2;
  a.advertise = [{ nodeId: 2, host: '127.0.0.1', port: b.port }]; // A: "the cluster is B"
});

afterEach(async () => {
  await producer?.close().catch(() => {});
  producer = undefined;
  await a.stop();
  await b.stop();
});

async function connect(options: ConfigOptions): Promise<SyncProducer> {
  producer = await SyncProducer.create(
    new Config({ brokers: [a.bootstrap], lingerMs: 0, retryBackoffMs: 20, retryBackoffMaxMs: 50, requestTimeoutMs: 1000, ...options }),
  );
  return producer;
}

const values = (k: FakeKafka, topic: string): string[] => (k.logs.get(`${topic}-0`) ?? []).map((v) => v.toString());

test('no known broker answers: the client asks the bootstrap address again and produces to the cluster it describes now', async () => {
  const p = await connect({});
  await p.send({ topic: 't', value: 'to B' });
  expect(values(b, 't')).toEqual(['to B']);

  a.advertise = undefined; // A now describes itself
  await b.stop();
  const sent = await p.send({ topic: 't', value: 'after B went away' });
  expect(sent.partition).toBe(0);
  expect(values(a, 't')).toEqual(['after B went away']);
});

test("with metadataRecoveryStrategy 'none' the client keeps to the brokers it knows", async () => {
  const p = await connect({ metadataRecoveryStrategy: 'none', deliveryTimeoutMs: 2000, maxBlockMs: 2000 });
  await p.send({ topic: 't', value: 'to B' });
  a.advertise = undefined;
  const asked = a.metadataRequests;
  await b.stop();
  await expect(p.send({ topic: 't', value: 'lost' })).rejects.toThrow();
  expect(a.metadataRequests).toBe(asked); // never went back to the bootstrap address
  expect(values(a, 't')).toEqual([]);
});

test('a Metadata answer of REBOOTSTRAP_REQUIRED makes the client ask the bootstrap address (KIP-1102)', async () => {
  const p = await connect({});
  await p.send({ topic: 't', value: 'to B' });
  a.advertise = undefined;
  b.metadataErrorCode = ErrorCode.REBOOTSTRAP_REQUIRED; // B stays up but disowns the client's view
  const asked = a.metadataRequests;
  await p.send({ topic: 'fresh', value: 'after REBOOTSTRAP_REQUIRED' }); // a new topic: a metadata refresh
  expect(a.metadataRequests).toBeGreaterThan(asked);
  expect(values(a, 'fresh')).toEqual(['after REBOOTSTRAP_REQUIRED']);
  expect(values(b, 'fresh')).toEqual([]);
});

test("REBOOTSTRAP_REQUIRED with metadataRecoveryStrategy 'none' fails the metadata wait with that error named", async () => {
  const p = await connect({ metadataRecoveryStrategy: 'none', maxBlockMs: 1000 });
  await p.send({ topic: 't', value: 'to B' });
  b.metadataErrorCode = ErrorCode.REBOOTSTRAP_REQUIRED;
  const asked = a.metadataRequests;
  await expect(p.send({ topic: 'fresh', value: 'x' })).rejects.toThrow(/REBOOTSTRAP_REQUIRED/);
  expect(a.metadataRequests).toBe(asked);
});

test('the bootstrap broker answering REBOOTSTRAP_REQUIRED too fails the refresh instead of looping', async () => {
  const p = await connect({ maxBlockMs: 1000 });
  await p.send({ topic: 't', value: 'to B' });
  b.metadataErrorCode = ErrorCode.REBOOTSTRAP_REQUIRED;
  a.metadataErrorCode = ErrorCode.REBOOTSTRAP_REQUIRED;
  const asked = a.metadataRequests;
  await expect(p.send({ topic: 'fresh', value: 'x' })).rejects.toThrow(/REBOOTSTRAP_REQUIRED/);
  // one bootstrap question per refresh, at the retry pace: a handful in a second, not a busy loop
  expect(a.metadataRequests - asked).toBeGreaterThan(0);
  expect(a.metadataRequests - asked).toBeLessThan(40);
});
