// kafkaesque/kafkajs's network instrumentation events (REQUEST, REQUEST_TIMEOUT) of the producer
// and the admin: against the real broker, each client sees exactly its own requests (two of a
// kind at once, and a third client besides), with the payload KafkaJS 2.2.4 itself emits for the
// same call against the same broker (the real module, a dev dependency, is the oracle: same keys,
// same types). A request timeout needs a broker that does not answer, which the real one cannot
// be made to do on demand: the fake Kafka of test/helpers leaves Produce or CreateTopics
// unanswered. Without a REQUEST listener nobody subscribes to `kafkaesque:request`.
import * as dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kafka, KafkaJSNonRetriableError, KafkaJSRequestTimeoutError, logLevel, type InstrumentationEvent } from '../../src/kafkajs/index';
import { Config, SyncProducer, TRACING_CHANNELS } from '../../src/index';
import { CreateTopics } from '../../protocol/messages/create-topics';
import { brokerAddress, uniqueTopic } from '../helpers/broker';
import { FakeKafka } from '../helpers/fake-kafka';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
const requireRoot = createRequire(join(__dirname, '../../package.json'));
interface OracleClient {
  on(name: string, fn: (e: InstrumentationEvent<Record<string, unknown>>) => void): () => void;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  events: Record<string, string>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajs = requireRoot('kafkajs') as {
  Kafka: new (c: object) => {
    producer(o?: object): OracleClient & { send(r: object): Promise<unknown> };
    admin(): OracleClient & { createTopics(o: object): Promise<boolean> };
  };
  logLevel: { NOTHING: 0 };
};

const kafka = new Kafka({ clientId: 'kjs-requests', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const requestChannel = dc.tracingChannel(TRACING_CHANNELS.request);

type Payload = Record<string, unknown>;
/** Keys and value types of a payload: what the KafkaJS comparison holds equal. */
const shape = (p: Payload): Record<string, string> => Object.fromEntries(Object.keys(p).sort().map((k) => [k, typeof p[k]]));

/** Records the events of `names` on a client, from now on. */
function record(client: { on: OracleClient['on'] }, ...names: string[]): { all: InstrumentationEvent<Payload>[]; payloads(apiName?: string): Payload[]; off(): void } {
  const all: InstrumentationEvent<Payload>[] = [];
  const offs = names.map((n) => client.on(n, (e) => void all.push(e)));
  return {
    all,
    payloads: (apiName) => all.map((e) => e.payload).filter((p) => apiName === undefined || p.apiName === apiName),
    off: () => offs.forEach((off) => off()),
  };
}

/** What KafkaJS 2.2.4 emits for a producer's connect and one send to `topic` (acks -1), and for an acks 0 send. */
async function kafkajsProducerEvents(topic: string): Promise<Payload[]> {
  const k = new kafkajs.Kafka({ clientId: 'kjs-requests', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const p = k.producer();
  const seen = record(p, p.events.REQUEST!);
  await p.connect();
  try {
    await p.send({ topic, messages: [{ value: 'oracle' }] });
    await p.send({ topic, acks: 0, messages: [{ value: 'oracle-acks-0' }] });
  } finally {
    await p.disconnect();
  }
  return seen.payloads();
}

describe('producer', () => {
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('REQUEST: each producer sees its own requests only, with the payload KafkaJS 2.2.4 emits', async () => {
    const topic = uniqueTopic('kjs-req');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const p1 = kafka.producer();
    const p2 = kafka.producer();
    const r1 = record(p1, p1.events.REQUEST);
    const r2 = record(p2, p2.events.REQUEST);
    const adminSeen = record(admin, admin.events.REQUEST);
    // a native client in the same process, without a clientInstance: nobody's
    const native = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 0 }));
    const before = Date.now();
    try {
      await Promise.all([p1.connect(), p2.connect()]);
      for (let i = 0; i < 3; i++) await p1.send({ topic, messages: [{ value: `p1-${i}` }] });
      for (let i = 0; i < 5; i++) await p2.send({ topic, messages: [{ value: `p2-${i}` }] });
      await p2.send({ topic, acks: 0, messages: [{ value: 'p2-acks-0' }] });
      for (let i = 0; i < 4; i++) await native.sendMsgByte(topic, null, `native-${i}`);
      await admin.fetchTopicOffsets(topic);
    } finally {
      await Promise.all([p1.disconnect(), p2.disconnect(), native.close()]);
      r1.off();
      r2.off();
      adminSeen.off();
    }
    const after = Date.now();
    // each producer's connect: ApiVersions then Metadata, as KafkaJS's
    expect(r1.payloads().slice(0, 2).map((p) => p.apiName)).toEqual(['ApiVersions', 'Metadata']);
    expect(r2.payloads().slice(0, 2).map((p) => p.apiName)).toEqual(['ApiVersions', 'Metadata']);
    // one Produce per send, each seen by its producer only; the native producer's by neither
    expect(r1.payloads('Produce')).toHaveLength(3);
    expect(r2.payloads('Produce')).toHaveLength(6);
    expect(adminSeen.payloads('Produce')).toHaveLength(0);
    expect(adminSeen.payloads('ListOffsets').length).toBeGreaterThan(0);
    expect(r1.payloads('ListOffsets')).toHaveLength(0);
    for (const e of [...r1.all, ...r2.all]) expect(e.type).toBe('producer.network.request');

    const produce = r1.payloads('Produce')[0]!;
    expect(produce).toEqual({
      broker: bootstrap,
      clientId: 'kjs-requests',
      correlationId: expect.any(Number),
      size: expect.any(Number),
      createdAt: expect.any(Number),
      sentAt: expect.any(Number),
      pendingDuration: 0,
      duration: expect.any(Number),
      apiName: 'Produce',
      apiKey: 0,
      apiVersion: expect.any(Number),
    });
    expect(produce.size as number).toBeGreaterThan(0);
    expect(produce.sentAt as number).toBeGreaterThanOrEqual(before - 1);
    expect((produce.sentAt as number) + (produce.duration as number)).toBeLessThanOrEqual(after + 1);
    expect(produce.createdAt).toBe(produce.sentAt);
    // a Produce with acks 0 has no response: size 0, as KafkaJS
    const acks0 = r2.payloads('Produce').at(-1)!;
    expect(acks0.size).toBe(0);
    // correlation ids of one connection go up
    const ids = r1.payloads('Produce').map((p) => p.correlationId as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const theirs = await kafkajsProducerEvents(topic);
    const theirProduce = theirs.filter((p) => p.apiName === 'Produce');
    expect(theirProduce).toHaveLength(2);
    expect(shape(produce)).toEqual(shape(theirProduce[0]!));
    expect(shape(acks0)).toEqual(shape(theirProduce[1]!));
    expect(theirProduce[1]!.size).toBe(0);
    expect(shape(r1.payloads('Metadata')[0]!)).toEqual(shape(theirs.find((p) => p.apiName === 'Metadata')!));
    expect(theirs.find((p) => p.apiName === 'Metadata')!.apiKey).toBe(r1.payloads('Metadata')[0]!.apiKey);
  });

  it('a listener removed is called no more, and with none left nothing subscribes to kafkaesque:request', async () => {
    const topic = uniqueTopic('kjs-req-off');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const p = kafka.producer();
    await p.connect();
    try {
      expect(requestChannel.hasSubscribers).toBe(false);
      const seen: string[] = [];
      const off = p.on(p.events.REQUEST, (e: InstrumentationEvent<Payload>) => void seen.push(e.payload.apiName as string));
      const offTimeout = p.on(p.events.REQUEST_TIMEOUT, () => {});
      expect(requestChannel.hasSubscribers).toBe(true);
      await p.send({ topic, messages: [{ value: 'seen' }] });
      expect(seen.filter((n) => n === 'Produce')).toHaveLength(1);
      off();
      off(); // twice: no effect
      expect(requestChannel.hasSubscribers).toBe(true); // REQUEST_TIMEOUT still listened to
      offTimeout();
      expect(requestChannel.hasSubscribers).toBe(false);
      await p.send({ topic, messages: [{ value: 'not seen' }] });
      expect(seen.filter((n) => n === 'Produce')).toHaveLength(1);
      // a listener that throws does not break the send
      const offThrow = p.on(p.events.REQUEST, () => {
        throw new Error('listener failed');
      });
      await expect(p.send({ topic, messages: [{ value: 'still sent' }] })).resolves.toHaveLength(1);
      offThrow();
    } finally {
      await p.disconnect();
    }
  });

  it('REQUEST_QUEUE_SIZE is refused by name: kafkaesque has no client-side request queue', () => {
    const p = kafka.producer();
    expect(() => p.on(p.events.REQUEST_QUEUE_SIZE, () => {})).toThrow(KafkaJSNonRetriableError);
    expect(() => p.on(p.events.REQUEST_QUEUE_SIZE, () => {})).toThrow(/does not emit producer.network.request_queue_size/);
    const a = kafka.admin();
    expect(() => a.on(a.events.REQUEST_QUEUE_SIZE, () => {})).toThrow(/does not emit admin.network.request_queue_size/);
  });

  it('REQUEST_TIMEOUT: a Produce the broker does not answer in time, with the payload KafkaJS 2.2.4 emits', async () => {
    const fake = new FakeKafka(1);
    await fake.start();
    try {
      fake.produceMode = 'hang';
      const k = new Kafka({ clientId: 'kjs-timeout', brokers: [fake.bootstrap], requestTimeout: 300, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
      const p = k.producer();
      const timeouts = record(p, p.events.REQUEST_TIMEOUT);
      const requests = record(p, p.events.REQUEST);
      await p.connect();
      const err = await p.send({ topic: 'hanging', messages: [{ value: 'x' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaJSRequestTimeoutError);
      await p.disconnect();
      expect(timeouts.all.length).toBeGreaterThanOrEqual(1);
      expect(timeouts.all[0]!.type).toBe('producer.network.request_timeout');
      const t = timeouts.payloads()[0]!;
      expect(t).toEqual({
        broker: fake.bootstrap,
        clientId: 'kjs-timeout',
        correlationId: expect.any(Number),
        createdAt: expect.any(Number),
        sentAt: expect.any(Number),
        pendingDuration: 0,
        apiName: 'Produce',
        apiKey: 0,
        apiVersion: expect.any(Number),
      });
      // a timed-out request is no REQUEST (KafkaJS emits REQUEST for answered requests only)
      expect(requests.payloads('Produce')).toHaveLength(0);
      expect(requests.payloads('Metadata').length).toBeGreaterThan(0);

      // KafkaJS 2.2.4 against the same fake
      const theirs = new kafkajs.Kafka({ clientId: 'kjs-timeout', brokers: [fake.bootstrap], requestTimeout: 300, retry: { retries: 0 }, logLevel: kafkajs.logLevel.NOTHING });
      const tp = theirs.producer();
      const theirTimeouts = record(tp, tp.events.REQUEST_TIMEOUT!);
      await tp.connect();
      await tp.send({ topic: 'hanging', messages: [{ value: 'x' }] }).catch(() => null);
      await tp.disconnect();
      const theirsProduce = theirTimeouts.payloads('Produce');
      expect(theirsProduce.length).toBeGreaterThanOrEqual(1);
      expect(shape(t)).toEqual(shape(theirsProduce[0]!));
    } finally {
      await fake.stop();
    }
  });
});

describe('admin', () => {
  it('REQUEST: each admin sees its own requests only (CreateTopics, Metadata, ...), with the payload KafkaJS 2.2.4 emits', async () => {
    const a1 = kafka.admin();
    const a2 = kafka.admin();
    const r1 = record(a1, a1.events.REQUEST);
    const r2 = record(a2, a2.events.REQUEST);
    const topic = uniqueTopic('kjs-req-admin');
    try {
      await Promise.all([a1.connect(), a2.connect()]);
      expect(await a1.createTopics({ topics: [{ topic, numPartitions: 1 }] })).toBe(true);
      await a2.listTopics();
      await a2.listTopics();
      await a1.deleteTopics({ topics: [topic] });
    } finally {
      await Promise.all([a1.disconnect(), a2.disconnect()]);
      r1.off();
      r2.off();
    }
    for (const e of r1.all) expect(e.type).toBe('admin.network.request');
    expect(r1.payloads('CreateTopics')).toHaveLength(1);
    expect(r1.payloads('DeleteTopics')).toHaveLength(1);
    expect(r2.payloads('CreateTopics')).toHaveLength(0);
    expect(r2.payloads('DeleteTopics')).toHaveLength(0);
    const create = r1.payloads('CreateTopics')[0]!;
    expect(create).toMatchObject({ broker: expect.any(String), clientId: 'kjs-requests', apiName: 'CreateTopics', apiKey: 19, pendingDuration: 0 });
    expect(create.size as number).toBeGreaterThan(0);
    // the connect's requests are the admin's own too
    expect(r1.payloads()[0]!.apiName).toBe('ApiVersions');
    expect(r2.payloads('Metadata').length).toBeGreaterThanOrEqual(3); // connect + two listTopics
    expect(r1.payloads('Metadata').length).toBeLessThan(r2.payloads('Metadata').length);

    const theirs = new kafkajs.Kafka({ clientId: 'kjs-requests', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
    const seen = record(theirs, theirs.events.REQUEST!);
    await theirs.connect();
    try {
      await theirs.createTopics({ topics: [{ topic: uniqueTopic('kjs-req-oracle'), numPartitions: 1 }] });
    } finally {
      await theirs.disconnect();
    }
    const theirCreate = seen.payloads('CreateTopics');
    expect(theirCreate).toHaveLength(1);
    expect(shape(create)).toEqual(shape(theirCreate[0]!));
    expect(theirCreate[0]!.apiKey).toBe(create.apiKey);
  });

  it('REQUEST_TIMEOUT: a CreateTopics the broker does not answer in time', async () => {
    const fake = new FakeKafka(1);
    await fake.start();
    try {
      fake.unanswered.add(CreateTopics.apiKey);
      const k = new Kafka({ clientId: 'kjs-admin-timeout', brokers: [fake.bootstrap], requestTimeout: 300, retry: { retries: 0, maxRetryTime: 100 }, logLevel: logLevel.NOTHING });
      const a = k.admin();
      const timeouts = record(a, a.events.REQUEST_TIMEOUT);
      await a.connect();
      const outcome = a.createTopics({ topics: [{ topic: 'never-answered', numPartitions: 1 }] }).catch((e: unknown) => e);
      await until(() => timeouts.all.length > 0, 20_000, 'a REQUEST_TIMEOUT');
      a.disconnect().catch(() => null);
      await outcome;
      const t = timeouts.all[0]!;
      expect(t.type).toBe('admin.network.request_timeout');
      expect(t.payload).toEqual({
        broker: fake.bootstrap,
        clientId: 'kjs-admin-timeout',
        correlationId: expect.any(Number),
        createdAt: expect.any(Number),
        sentAt: expect.any(Number),
        pendingDuration: 0,
        apiName: 'CreateTopics',
        apiKey: 19,
        apiVersion: expect.any(Number),
      });
    } finally {
      await fake.stop();
    }
  });
});
