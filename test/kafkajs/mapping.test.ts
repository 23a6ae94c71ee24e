// The mapping of kafkaesque's typed errors onto KafkaJS's classes, of `new Kafka({...})` onto a
// kafkaesque Config, and of kafkaesque's log lines onto a KafkaJS logCreator (no broker needed).
import {
  AuthenticationError,
  ConfigError,
  ConnectionClosedError,
  ConnectionError,
  DeliveryTimeoutError,
  KafkaProtocolError,
  MetadataTimeoutError,
  ProducerError,
  ProducerMessage,
  RequestTimeoutError,
  UnsupportedVersionError,
  errorCodeInfo,
} from '../../src/index';
import {
  AssignerProtocol,
  KafkaJSConnectionClosedError,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSOffsetOutOfRange,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSTopicMetadataNotLoaded,
  logLevel,
  toKafkaJSError,
  type LogEntry,
} from '../../src/kafkajs/index';
import { ClientContext, OAUTH_DEFAULT_LIFETIME_MS, oauthToken } from '../../src/kafkajs/kafka';

describe('toKafkaJSError', () => {
  const cases: [string, Error, new (...a: never[]) => KafkaJSError, string, boolean][] = [
    ['a broker error code', new KafkaProtocolError(errorCodeInfo(3), 'produce'), KafkaJSProtocolError, 'KafkaJSProtocolError', true],
    ['OFFSET_OUT_OF_RANGE', new KafkaProtocolError(errorCodeInfo(1), 'fetch'), KafkaJSOffsetOutOfRange, 'KafkaJSOffsetOutOfRange', false],
    ['a refused connection', new ConnectionError('b:9092', 'refused'), KafkaJSConnectionError, 'KafkaJSConnectionError', true],
    ['a closed connection', new ConnectionClosedError('b:9092', 'gone'), KafkaJSConnectionClosedError, 'KafkaJSConnectionClosedError', true],
    ['a request timeout', new RequestTimeoutError('b:9092', 'Produce', 100), KafkaJSRequestTimeoutError, 'KafkaJSRequestTimeoutError', true],
    ['a SASL failure', new AuthenticationError('b:9092', 'PLAIN', 'alice', 'bad credentials'), KafkaJSSASLAuthenticationError, 'KafkaJSSASLAuthenticationError', false],
    ['an unsupported version', new UnsupportedVersionError('b:9092', 'Produce', 0, 'too old'), KafkaJSServerDoesNotSupportApiKey, 'KafkaJSServerDoesNotSupportApiKey', false],
    ['a metadata timeout', new MetadataTimeoutError('orders', 100), KafkaJSTopicMetadataNotLoaded, 'KafkaJSTopicMetadataNotLoaded', true],
    ['a config error', new ConfigError('acks', 'got 2', '0, 1, -1'), KafkaJSNonRetriableError, 'KafkaJSNonRetriableError', false],
    ['a plain Error', new Error('boom'), KafkaJSNonRetriableError, 'KafkaJSNonRetriableError', false],
  ];
  test.each(cases)('%s', (_what, err, cls, name, retriable) => {
    const mapped = toKafkaJSError(err);
    expect(mapped).toBeInstanceOf(cls);
    expect(mapped).toBeInstanceOf(KafkaJSError);
    expect(mapped.name).toBe(name);
    expect(mapped.retriable).toBe(retriable);
    expect(mapped.cause).toBe(err);
    expect(mapped.message).toBe(err.message);
  });

  test('protocol errors carry the Kafka error name and code', () => {
    const mapped = toKafkaJSError(new KafkaProtocolError(errorCodeInfo(3))) as KafkaJSProtocolError;
    expect([mapped.type, mapped.code]).toEqual(['UNKNOWN_TOPIC_OR_PARTITION', 3]);
    expect((toKafkaJSError(new MetadataTimeoutError('orders', 1)) as KafkaJSTopicMetadataNotLoaded).topic).toBe('orders');
    expect((toKafkaJSError(new ConnectionError('b:9092', 'x')) as KafkaJSConnectionError).broker).toBe('b:9092');
  });

  test("a ProducerError maps as its cause (kept as the ProducerError); a delivery timeout is KafkaJS's retries exceeded", () => {
    const msg = new ProducerMessage({ topic: 't', value: 'v' });
    const inner = new KafkaProtocolError(errorCodeInfo(10));
    const pe = new ProducerError(msg, inner);
    const mapped = toKafkaJSError(pe) as KafkaJSProtocolError;
    expect(mapped).toBeInstanceOf(KafkaJSProtocolError);
    expect(mapped.type).toBe('MESSAGE_TOO_LARGE');
    expect(mapped.cause).toBe(pe);
    const timedOut = new ProducerError(msg, new DeliveryTimeoutError(120_000, 'no leader'));
    const r = toKafkaJSError(timedOut);
    expect(r).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
    expect(r.retriable).toBe(false);
    expect(r.cause).toBe(timedOut);
  });

  test('a KafkaJSError is returned as it is', () => {
    const e = new KafkaJSProtocolError('x');
    expect(toKafkaJSError(e)).toBe(e);
  });
});

describe('new Kafka({...}) onto a kafkaesque Config', () => {
  test('every mapped option lands on its Config option', async () => {
    const ctx = new ClientContext({
      clientId: 'app',
      brokers: async () => ['a:9092', 'b:9092'],
      connectionTimeout: 1234,
      requestTimeout: 4321,
      retry: { initialRetryTime: 111, maxRetryTime: 2222, retries: 3 },
      ssl: { rejectUnauthorized: false, servername: 'kafka.example' },
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 's3cret' },
    });
    const config = await ctx.makeConfig();
    expect(config.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.clientId).toBe('app');
    expect(config.connectTimeoutMs).toBe(1234);
    expect(config.requestTimeoutMs).toBe(4321);
    expect(config.retryBackoffMs).toBe(111);
    expect(config.retryBackoffMaxMs).toBe(2222);
    expect(config.tls).toEqual(expect.objectContaining({ rejectUnauthorized: false, servername: 'kafka.example' }));
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'alice', password: '[redacted]' });
    expect(String(config)).not.toContain('s3cret');
  });

  test('brokers must be given and not empty; unsupported SASL mechanisms are refused at once', async () => {
    expect(() => new ClientContext({} as never)).toThrow(KafkaJSNonRetriableError);
    await expect(new ClientContext({ brokers: () => [] }).brokers()).rejects.toThrow(/empty/);
    expect(() => new ClientContext({ brokers: ['a:1'], sasl: { mechanism: 'oauthbearer' } })).toThrow(/oauthbearer/);
  });

  test("kafkaesque's log lines reach the logCreator in KafkaJS's entry shape, filtered by logLevel", () => {
    const entries: LogEntry[] = [];
    const levels: number[] = [];
    const ctx = new ClientContext({
      brokers: ['a:1'],
      logLevel: logLevel.WARN,
      logCreator: (level) => {
        levels.push(level);
        return (e) => entries.push(e);
      },
    });
    const native = ctx.logger.asKafkaesqueLogger();
    native.error('broken', { broker: 'a:1' });
    native.warn('careful');
    native.info('hidden');
    native.debug('hidden too');
    expect(levels).toEqual([logLevel.WARN]);
    expect(entries.map((e) => [e.level, e.label, e.log.message, e.log.logger])).toEqual([
      [logLevel.ERROR, 'ERROR', 'broken', 'kafkajs'],
      [logLevel.WARN, 'WARN', 'careful', 'kafkajs'],
    ]);
    expect(entries[0].log.broker).toBe('a:1');
    expect(typeof entries[0].log.timestamp).toBe('string');
  });

  test("loggers as KafkaJS's: no namespace at the root, namespace(name, level?), setLogLevel shared by the client's loggers", () => {
    const entries: LogEntry[] = [];
    const ctx = new ClientContext({ brokers: ['a:1'], logLevel: logLevel.WARN, logCreator: () => (e) => entries.push(e) });
    const root = ctx.logger;
    const billing = root.namespace('billing');
    const chatty = root.namespace('chatty', logLevel.DEBUG);
    root.info('hidden');
    billing.warn('shown');
    chatty.debug('own level');
    root.setLogLevel(logLevel.INFO);
    billing.info('now shown');
    root.info('root now shown');
    root.setLogLevel(logLevel.NOTHING);
    billing.error('nothing');
    chatty.debug('still its own level');
    expect(entries.map((e) => [e.namespace, e.label, e.log.message])).toEqual([
      ['billing', 'WARN', 'shown'],
      ['chatty', 'DEBUG', 'own level'],
      ['billing', 'INFO', 'now shown'],
      [undefined, 'INFO', 'root now shown'],
      ['chatty', 'DEBUG', 'still its own level'],
    ]);
    expect('namespace' in entries[3]).toBe(false);
  });
});

test('AssignerProtocol encodes and decodes the consumer protocol (version 0), and rejects truncated data', () => {
  const meta = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['a', 'bb'], userData: Buffer.from([1, 2]) });
  expect(AssignerProtocol.MemberMetadata.decode(meta)).toEqual({ version: 0, topics: ['a', 'bb'], userData: Buffer.from([1, 2]) });
  const asg = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { a: [0, 2], bb: [1] } });
  expect(AssignerProtocol.MemberAssignment.decode(asg)).toEqual({ version: 0, assignment: { a: [0, 2], bb: [1] }, userData: Buffer.alloc(0) });
  // the bytes Java's ConsumerProtocol writes for version 0: int16 version, [string topic, [int32]], bytes userData
  expect(asg.toString('hex')).toBe('0000' + '00000002' + '0001' + '61' + '00000002' + '00000000' + '00000002' + '0002' + '6262' + '00000001' + '00000001' + '00000000');
  expect(() => AssignerProtocol.MemberAssignment.decode(asg.subarray(0, 9))).toThrow(KafkaJSNonRetriableError);
  expect(AssignerProtocol.MemberMetadata.decode(null)).toBeNull();
});

describe("KafkaJS 2.2.4's exports", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const theirs = require('kafkajs') as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ours = require('../../src/kafkajs/index') as Record<string, unknown>;
  const chain = (c: unknown): string[] => {
    const names: string[] = [];
    for (let p = (c as { prototype: object }).prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
      names.push((p as { constructor: { name: string } }).constructor.name);
    }
    return names;
  };

  test('every name KafkaJS exports is exported here (an instanceof check against a missing class would throw)', () => {
    expect(Object.keys(theirs).filter((k) => !(k in ours))).toEqual([]);
  });

  test('every KafkaJS error class has the same superclasses here, and its instances the same name', () => {
    const classes = Object.keys(theirs).filter((k) => typeof theirs[k] === 'function' && chain(theirs[k]).includes('Error'));
    expect(classes.length).toBeGreaterThanOrEqual(30);
    for (const k of classes) {
      expect([k, chain(ours[k])]).toEqual([k, chain(theirs[k])]);
      if (['KafkaJSDeleteTopicRecordsError', 'KafkaJSAggregateError', 'KafkaJSDeleteGroupsError', 'KafkaJSCreateTopicError', 'KafkaJSAlterPartitionReassignmentsError'].includes(k)) continue;
      const T = theirs[k] as new (e: string, extra: object) => Error;
      const O = ours[k] as new (e: string, extra: object) => Error;
      expect([k, new O('went wrong', {}).name]).toEqual([k, new T('went wrong', {}).name]);
    }
  });
});

test("oauthBearerProvider's { value, extensions } as kafkaesque's token: lifetimeMs from the JWT's exp, principal from sub, else the documented default", () => {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 120;
  const jwt = `${b64({ alg: 'none' })}.${b64({ sub: 'alice', exp })}.`;
  const t = oauthToken({ value: jwt, extensions: { tenant: 'blue' } });
  expect(t.value).toBe(jwt);
  expect(t.principal).toBe('alice');
  expect(t.extensions).toEqual({ tenant: 'blue' });
  expect(t.lifetimeMs).toBeGreaterThan(115_000);
  expect(t.lifetimeMs).toBeLessThanOrEqual(120_000);
  const opaque = oauthToken({ value: 'opaque-token-123' });
  expect(opaque.lifetimeMs).toBe(OAUTH_DEFAULT_LIFETIME_MS);
  expect(opaque.principal).toBeUndefined();
  expect(oauthToken({ value: `${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.` }).lifetimeMs).toBe(OAUTH_DEFAULT_LIFETIME_MS);
  expect(() => oauthToken({} as never)).toThrow(KafkaJSSASLAuthenticationError);
});
