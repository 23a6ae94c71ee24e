/**
 * kafkaesque/kafkajs's `sasl` beyond PLAIN/SCRAM, on the secure broker, with KafkaJS 2.2.4 on
 * the same listeners as the oracle:
 * - `oauthbearer` with an `oauthBearerProvider` (unsigned JWTs on the OAUTH_UNSECURED listener):
 *   a producer and a group consumer authenticate and round-trip messages, the provider is called;
 *   a provider that throws fails connect() in both (ours typed, KafkaJS's untyped); the token
 *   shows in no error or log entry;
 * - a custom mechanism (`authenticationProvider`) named PLAIN, written by hand as KafkaJS takes
 *   it (Kafka BYTES in and out), on the SASL_PLAINTEXT listener: the right password works in both,
 *   a wrong one fails connect() in both; SCRAM-SHA-256 written as a provider exercises several
 *   saslAuthenticate calls per authentication;
 * - `aws` and an oauthbearer without a provider are refused at new Kafka().
 */
import {
  Kafka,
  KafkaJSNonRetriableError,
  KafkaJSSASLAuthenticationError,
  logLevel,
  type AuthenticationProviderArgs,
  type LogEntry,
  type Mechanism,
} from '../../src/kafkajs/index';
import { ScramClient } from '../../src/network/sasl.js';
import { uniqueTopic } from '../helpers/broker.js';
import { until } from '../helpers/wait.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaJS = require('kafkajs') as { Kafka: new (config: object) => any; logLevel: { NOTHING: 0 } }; // eslint-disable-line @typescript-eslint/no-explicit-any
/* eslint-disable @typescript-eslint/no-explicit-any -- the oracle's objects are untyped */

jest.setTimeout(60_000);

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT' | 'OAUTH_UNSECURED', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');
const OAUTH = info.listeners.OAUTH_UNSECURED?.[0];
if (OAUTH === undefined) throw new Error('the secure broker has no OAUTH_UNSECURED listener: restart it with this checkout (npm run broker -- restart --mode secure)');
const SASL_PLAINTEXT = info.listeners.SASL_PLAINTEXT[0]!;
const alicePw = info.users.alice!.password;

const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
/** An unsigned JWT, as the broker's unsecured validator takes them. */
const unsigned = (claims: Record<string, unknown>): string => `${b64url({ alg: 'none' })}.${b64url(claims)}.`;

/** Kafka BYTES: a 4-byte big-endian length, then the bytes (what KafkaJS's encode() returns). */
function kafkaBytes(b: Buffer): Buffer {
  const out = Buffer.alloc(4 + b.length);
  out.writeInt32BE(b.length, 0);
  b.copy(out, 4);
  return out;
}
const unwrap = (framed: Buffer): Buffer => framed.subarray(4, 4 + framed.readInt32BE(0));

const rejection = (p: Promise<unknown>): Promise<any> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

describe('oauthbearer with oauthBearerProvider', () => {
  test('a producer and a group consumer authenticate with the provider and round-trip messages; the provider is called; the token never shows in log entries', async () => {
    const jwt = unsigned({ sub: 'alice', iat: now(), exp: now() + 600 });
    let calls = 0;
    const entries: LogEntry[] = [];
    const kafka = new Kafka({
      clientId: 'kjs-oauth',
      brokers: [OAUTH],
      sasl: {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => {
          calls++;
          return { value: jwt };
        },
      },
      logLevel: logLevel.DEBUG,
      logCreator: () => (e) => void entries.push(e),
    });
    const topic = uniqueTopic('kjs-oauth');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueTopic('kjs-oauth-group') });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      await until(() => seen.length >= 3, 30_000, 'three messages consumed');
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      await consumer.disconnect();
    }
    expect(calls).toBeGreaterThanOrEqual(3); // at least one connection each for admin, producer and consumer
    expect(entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries)).not.toContain(jwt);
    expect(JSON.stringify(entries)).not.toContain(jwt.split('.')[1]!);
  });

  test('KafkaJS 2.2.4 (the oracle) connects with the same provider on the same listener', async () => {
    let calls = 0;
    const jwt = unsigned({ sub: 'alice', iat: now(), exp: now() + 600 });
    const producer = new KafkaJS.Kafka({
      brokers: [OAUTH],
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => (calls++, { value: jwt }) },
      logLevel: KafkaJS.logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.disconnect();
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  test('a provider that throws fails connect(): a KafkaJSSASLAuthenticationError with the cause (KafkaJS 2.2.4 lets the provider error through untyped)', async () => {
    const failure = new Error('identity provider unreachable');
    const provider = async (): Promise<{ value: string }> => {
      throw failure;
    };
    const ours = await rejection(new Kafka({ brokers: [OAUTH], sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider }, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer().connect());
    const oracle = await rejection(
      new KafkaJS.Kafka({ brokers: [OAUTH], sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider }, logLevel: KafkaJS.logLevel.NOTHING, retry: { retries: 0 } }).producer().connect(),
    );
    // both fail connect() with the provider's failure; KafkaJS rethrows the provider's own Error
    expect(oracle).toBe(failure);
    expect(ours).toBeInstanceOf(KafkaJSSASLAuthenticationError);
    expect(ours.retriable).toBe(false);
    expect(ours.message).toMatch(/OAUTHBEARER: the token provider failed: identity provider unreachable/);
  });

  test('an expired token is a KafkaJSSASLAuthenticationError whose message and log entries do not show the token', async () => {
    const jwt = unsigned({ sub: 'alice', iat: now() - 600, exp: now() - 300 });
    const entries: LogEntry[] = [];
    const err = await rejection(
      new Kafka({
        brokers: [OAUTH],
        sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: jwt }) },
        logLevel: logLevel.DEBUG,
        logCreator: () => (e) => void entries.push(e),
        retry: { retries: 0 },
      })
        .producer()
        .connect(),
    );
    expect(err).toBeInstanceOf(KafkaJSSASLAuthenticationError);
    expect(err.message).toMatch(/OAUTHBEARER/);
    for (const shown of [err.message, String(err.stack), JSON.stringify(entries), String(err.cause?.message)]) {
      expect(shown).not.toContain(jwt);
      expect(shown).not.toContain(jwt.split('.')[1]!);
    }
  });

  test('aws and an oauthbearer without a provider are refused at new Kafka(), saying why', () => {
    expect(() => new Kafka({ brokers: [OAUTH], sasl: { mechanism: 'aws' } })).toThrow(KafkaJSNonRetriableError);
    expect(() => new Kafka({ brokers: [OAUTH], sasl: { mechanism: 'aws' } })).toThrow(/no AWS_MSK_IAM mechanism/);
    expect(() => new Kafka({ brokers: [OAUTH], sasl: { mechanism: 'oauthbearer' } })).toThrow(/oauthBearerProvider/);
    expect(() => new Kafka({ brokers: [OAUTH], sasl: { mechanism: 'plain mech', authenticationProvider: () => ({ authenticate: async () => {} }) } as Mechanism })).toThrow(/RFC 4422/);
  });
});

describe('a custom mechanism (authenticationProvider)', () => {
  interface Seen {
    hosts: string[];
    parsed: unknown[];
  }
  /** PLAIN written by hand as a KafkaJS authenticationProvider. */
  const plain = (user: string, password: string, seen: Seen): Mechanism => ({
    mechanism: 'PLAIN',
    authenticationProvider: ({ host, port, saslAuthenticate }: AuthenticationProviderArgs) => ({
      authenticate: async () => {
        seen.hosts.push(`${host}:${port}`);
        const parsed = await saslAuthenticate({
          request: { encode: () => kafkaBytes(Buffer.from(`\u0000${user}\u0000${password}`)) },
          response: { decode: (raw: Buffer) => raw, parse: (data: Buffer) => ({ bytes: data.length }) },
        });
        seen.parsed.push(parsed);
      },
    }),
  });

  test('the right password authenticates: produce and read back; the provider got host, port and the parsed answer, as under KafkaJS 2.2.4', async () => {
    const ours: Seen = { hosts: [], parsed: [] };
    const theirs: Seen = { hosts: [], parsed: [] };
    const kafka = new Kafka({ brokers: [SASL_PLAINTEXT], sasl: plain('alice', alicePw, ours), logLevel: logLevel.NOTHING });
    const topic = uniqueTopic('kjs-custom-sasl');
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: [{ value: 'x' }, { value: 'y' }] });
      expect(await admin.fetchTopicOffsets(topic)).toEqual([expect.objectContaining({ partition: 0, high: '2', low: '0' })]);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
    const oracle = new KafkaJS.Kafka({ brokers: [SASL_PLAINTEXT], sasl: plain('alice', alicePw, theirs), logLevel: KafkaJS.logLevel.NOTHING }).producer();
    await oracle.connect();
    await oracle.send({ topic, messages: [{ value: 'z' }] });
    await oracle.disconnect();
    expect(ours.hosts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ours.hosts)).toEqual(new Set([SASL_PLAINTEXT]));
    expect(theirs.hosts[0]).toBe(SASL_PLAINTEXT);
    // PLAIN's success answer is empty: decode() got it as Kafka BYTES (4 bytes of length 0) in both
    expect(ours.parsed[0]).toEqual({ bytes: 4 });
    expect(theirs.parsed[0]).toEqual({ bytes: 4 });
  });

  test('a wrong password fails connect() in both, non-retriable (ours KafkaJSSASLAuthenticationError, KafkaJS 2.2.4 KafkaJSProtocolError)', async () => {
    const seen: Seen = { hosts: [], parsed: [] };
    const ours = await rejection(new Kafka({ brokers: [SASL_PLAINTEXT], sasl: plain('alice', 'wrong-pw', seen), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer().connect());
    const oracle = await rejection(
      new KafkaJS.Kafka({ brokers: [SASL_PLAINTEXT], sasl: plain('alice', 'wrong-pw', seen), logLevel: KafkaJS.logLevel.NOTHING, retry: { retries: 0 } }).producer().connect(),
    );
    expect(oracle.name).toBe('KafkaJSProtocolError');
    expect(oracle.type).toBe('SASL_AUTHENTICATION_FAILED');
    expect(oracle.retriable).toBe(false);
    expect(ours).toBeInstanceOf(KafkaJSSASLAuthenticationError);
    expect(ours.retriable).toBe(false);
    expect(ours.message).toMatch(/SASL_AUTHENTICATION_FAILED/);
    expect(ours.message).not.toContain('wrong-pw');
    expect(seen.parsed).toEqual([]); // the failed saslAuthenticate never resolved in either
  });

  test('SCRAM-SHA-256 as a provider: several saslAuthenticate calls in one authentication, in both clients', async () => {
    const rounds: number[] = [];
    const scram = (password: string): Mechanism => ({
      mechanism: 'scram-sha-256', // KafkaJS upper-cases the name
      authenticationProvider: ({ saslAuthenticate }) => ({
        authenticate: async () => {
          const c = new ScramClient('sha256', 'alice', password);
          const identity = { decode: (raw: Buffer) => unwrap(raw), parse: (data: Buffer) => data };
          const serverFirst = (await saslAuthenticate({ request: { encode: async () => kafkaBytes(await c.initial()) }, response: identity })) as Buffer;
          const clientFinal = (await c.next(serverFirst))!;
          const serverFinal = (await saslAuthenticate({ request: { encode: () => kafkaBytes(clientFinal) }, response: identity })) as Buffer;
          expect(await c.next(serverFinal)).toBeNull(); // the server signature verifies
          rounds.push(2);
        },
      }),
    });
    const producer = new Kafka({ brokers: [SASL_PLAINTEXT], sasl: scram(alicePw), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.disconnect();
    const oracle = new KafkaJS.Kafka({ brokers: [SASL_PLAINTEXT], sasl: scram(alicePw), logLevel: KafkaJS.logLevel.NOTHING }).producer();
    await oracle.connect();
    await oracle.disconnect();
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    const bad = await rejection(new Kafka({ brokers: [SASL_PLAINTEXT], sasl: scram('nope'), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer().connect());
    expect(bad).toBeInstanceOf(KafkaJSSASLAuthenticationError);
  });

  test('a provider whose authenticate() throws, or whose encode() is not Kafka BYTES, fails connect() with a KafkaJSSASLAuthenticationError', async () => {
    const throwing: Mechanism = { mechanism: 'PLAIN', authenticationProvider: () => ({ authenticate: async () => { throw new Error('no credentials'); } }) };
    const e1 = await rejection(new Kafka({ brokers: [SASL_PLAINTEXT], sasl: throwing, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer().connect());
    expect(e1).toBeInstanceOf(KafkaJSSASLAuthenticationError);
    expect(e1.message).toMatch(/no credentials/);
    const raw: Mechanism = {
      mechanism: 'PLAIN',
      authenticationProvider: ({ saslAuthenticate }) => ({ authenticate: async () => void (await saslAuthenticate({ request: { encode: () => Buffer.from(`\u0000alice\u0000${alicePw}`) } })) }),
    };
    const e2 = await rejection(new Kafka({ brokers: [SASL_PLAINTEXT], sasl: raw, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer().connect());
    expect(e2).toBeInstanceOf(KafkaJSSASLAuthenticationError);
    expect(e2.message).toMatch(/Kafka BYTES/);
    expect(e2.message).not.toContain(alicePw);
  });
});
