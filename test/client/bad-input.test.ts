/**
 * Bad input from the user (issue #8): configuration values Kafka or the client cannot work with,
 * topic names Kafka refuses, values that are not bytes, records over the size limits. Each is a
 * typed error exported from the package's entry point, raised before anything is sent where the
 * client can know, and its message names what was wrong and what to do.
 */
import {
  Admin,
  AsyncProducer,
  Config,
  ConfigError,
  type ConfigOptions,
  InvalidMessageError,
  KafkaesqueError,
  KafkaProtocolError,
  ProducerError,
  type ProducerMessageInput,
  RecordTooLargeError,
  SyncProducer,
} from '../../src/index.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();

/** Runs `fn`, expects an error of `cls`, returns it. */
function thrown<E extends Error>(cls: new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(KafkaesqueError);
    return err as E;
  }
  throw new Error(`expected ${cls.name}, nothing was thrown`);
}

describe('invalid configuration values: ConfigError naming the option, the value and what is allowed', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    // negative, infinite, fractional or textual timeouts
    ['a negative request timeout', { requestTimeoutMs: -1 }, 'requestTimeoutMs', /got -1; allowed: an integer from 1 to 2147483647/],
    ['a negative connect timeout', { connectTimeoutMs: -5 }, 'connectTimeoutMs', /got -5; allowed: an integer from/],
    ['a negative linger', { lingerMs: -1 }, 'lingerMs', /got -1; allowed: an integer from 0/],
    ['a negative delivery timeout', { deliveryTimeoutMs: -1 }, 'deliveryTimeoutMs', /got -1/],
    ['a negative max block time', { maxBlockMs: -1 }, 'maxBlockMs', /got -1/],
    ['a negative session timeout', { group: 'g', topics: 't', sessionTimeoutMs: -1 }, 'sessionTimeoutMs', /got -1/],
    ['an infinite timeout', { requestTimeoutMs: Infinity }, 'requestTimeoutMs', /got Infinity/],
    ['a NaN timeout', { requestTimeoutMs: NaN }, 'requestTimeoutMs', /got NaN/],
    ['a fractional timeout', { requestTimeoutMs: 1.5 }, 'requestTimeoutMs', /got 1\.5/],
    ['a timeout given as text', { requestTimeoutMs: '100' }, 'requestTimeoutMs', /got '100'/],
    // acks other than -1, 0, 1, 'all'
    ['acks 2', { acks: 2 }, 'acks', /got 2; allowed: 0, 1, -1 or 'all'/],
    ['acks -2', { acks: -2 }, 'acks', /got -2; allowed: 0, 1, -1 or 'all'/],
    ["acks '1'", { acks: '1' }, 'acks', /got '1'; allowed: 0, 1, -1 or 'all'/],
    ["acks 'ALL'", { acks: 'ALL' }, 'acks', /got 'ALL'; allowed: 0, 1, -1 or 'all'/],
    ["acks 'none'", { acks: 'none' }, 'acks', /got 'none'/],
    ['acks null', { acks: null }, 'acks', /got null/],
    // compression
    ['an unknown codec', { compression: 'brotli' }, 'compression', /got 'brotli'; allowed: 'none', 'gzip', 'snappy', 'lz4' or 'zstd'/],
    ['a codec in capitals', { compression: 'GZIP' }, 'compression', /got 'GZIP'/],
    ['a codec id instead of a name', { compression: 1 }, 'compression', /got 1/],
    ['a gzip level out of range', { compression: 'gzip', compressionLevel: 99 }, 'compressionLevel', /got 99; allowed: an integer from 1 to 9/],
    // broker addresses
    ['no brokers', { brokers: [] }, 'brokers', /got \[\]; allowed: at least one broker address/],
    ['an empty broker string', { brokers: '' }, 'brokers[0]', /got '' \(no port\)/],
    ['a host without a port', { brokers: ['localhost'] }, 'brokers[0]', /got 'localhost' \(no port\); allowed: 'host:port'/],
    ['a port without a host', { brokers: [':9092'] }, 'brokers[0]', /got ':9092'; allowed: 'host:port'/],
    ['port 0', { brokers: ['kafka:0'] }, 'brokers[0]', /got 'kafka:0' \(port '0'\); allowed: 'host:port' with a port from 1 to 65535/],
    ['a port above 65535', { brokers: ['kafka:99999'] }, 'brokers[0]', /\(port '99999'\)/],
    ['a port that is not a number', { brokers: ['kafka:abc'] }, 'brokers[0]', /\(port 'abc'\)/],
    ['a host name with a space', { brokers: ['bad host:9092'] }, 'brokers[0]', /got 'bad host:9092'/],
    ['an empty entry in a list', { brokers: 'a:1,,b:2' }, 'brokers[1]', /got '' \(no port\)/],
    ['a broker that is not a string', { brokers: ['a:1', 9092] }, 'brokers[1]', /got 9092/],
    // sizes
    ['a zero request size', { maxRequestBytes: 0 }, 'maxRequestBytes', /got 0; allowed: an integer from 1/],
    ['a negative buffer', { bufferBytes: -1 }, 'bufferBytes', /got -1/],
    // topics a consumer subscribes to
    ['a topic name with a space and a bang', { topics: ['bad topic!'] }, 'topics[0]', /got 'bad topic!'; allowed: 1 to 249 characters of \[a-zA-Z0-9._-\], not '\.' or '\.\.'/],
    ['a 250-character topic name', { topics: ['a'.repeat(250)] }, 'topics[0]', /allowed: 1 to 249 characters/],
    ["the topic name '..'", { topics: '..' }, 'topics[0]', /got '\.\.'/],
    // names and shapes
    ['a misspelt option', { lingerMS: 5 }, 'lingerMS', /unknown option; did you mean 'lingerMs'\?/],
    ['SASL without a password', { sasl: { mechanism: 'plain', username: 'u' } }, 'sasl.password', /got undefined; allowed: a non-empty string/],
  ];

  it.each(cases)('%s', (_what, options, field, message) => {
    const err = thrown(ConfigError, () => new Config(options as ConfigOptions));
    expect(err.field).toBe(field);
    expect(err.code).toBe('ERR_CONFIG');
    expect(err.message).toMatch(new RegExp(`^Config\\.${field.replace(/[[\].]/g, '\\$&')}: `));
    expect(err.message).toMatch(message);
  });

  test('options that are not an object', () => {
    expect(thrown(ConfigError, () => new Config(null as never)).message).toMatch(/got null; allowed: a plain object of options/);
    expect(thrown(ConfigError, () => new Config(5 as never)).message).toMatch(/got a number/);
  });

  test('a setter given a bad value throws and leaves the config as it was', () => {
    const c = new Config({ acks: 1, brokers: ['a:1'] });
    expect(thrown(ConfigError, () => c.setAcks(3 as never)).message).toBe("Config.acks: got 3; allowed: 0, 1, -1 or 'all'");
    expect(thrown(ConfigError, () => c.setBrokers()).field).toBe('brokers');
    expect(thrown(ConfigError, () => c.setBrokers('a:1', 'nope')).field).toBe('brokers[1]');
    expect(c.acks).toBe(1);
    expect(c.brokers).toEqual(['a:1']);
  });
});

describe('invalid messages: InvalidMessageError before anything is sent', () => {
  let sync: SyncProducer;
  let async: AsyncProducer;
  beforeAll(async () => {
    const config = new Config({ brokers: [bootstrap], lingerMs: 1 });
    [sync, async] = await Promise.all([SyncProducer.create(config), AsyncProducer.create(config)]);
  });
  afterAll(async () => {
    await Promise.all([sync?.close(), async?.close()]);
  });

  /** Both producers refuse `input` with InvalidMessageError (the sync one rejects, the async one throws); returns the message. */
  async function refused(input: unknown): Promise<string> {
    const started = Date.now();
    const rejection = await sync.send(input as ProducerMessageInput).then(
      () => {
        throw new Error(`SyncProducer accepted ${String(input)}`);
      },
      (err: unknown) => err,
    );
    expect(rejection).toBeInstanceOf(InvalidMessageError);
    expect((rejection as InvalidMessageError).code).toBe('ERR_INVALID_MESSAGE');
    expect(Date.now() - started).toBeLessThan(1000); // no broker round trip
    const thrownByAsync = thrown(InvalidMessageError, () => async.send(input as ProducerMessageInput));
    expect(thrownByAsync.message).toBe((rejection as Error).message);
    return (rejection as Error).message;
  }

  describe('topic names Kafka refuses: the name, why, and the rule', () => {
    test("'bad topic!'", async () => {
      expect(await refused({ topic: 'bad topic!', value: 'x' })).toBe(
        `topic name "bad topic!" is not valid in Kafka: it contains " ", "!"; ` +
          "use a name of 1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'",
      );
    });

    test('a 250-character name: its length, and the name cut short', async () => {
      const message = await refused({ topic: 'x'.repeat(250), value: 'x' });
      expect(message).toMatch(/^topic name "x{60}"\.\.\. \(250 characters\) is not valid in Kafka: it has 250 characters; use a name of 1 to 249 characters/);
      expect(message.length).toBeLessThan(250);
    });

    test("'.' and '..' are reserved", async () => {
      expect(await refused({ topic: '..', value: 'x' })).toMatch(/^topic name "\.\." is not valid in Kafka: '\.\.' is reserved; use a name of/);
      expect(await refused({ topic: '.', value: 'x' })).toMatch(/'\.' is reserved/);
    });

    test('slashes, non-ASCII letters and control characters', async () => {
      expect(await refused({ topic: 'orders/eu', value: 'x' })).toMatch(/it contains "\/"/);
      expect(await refused({ topic: 'bestellungen-ü', value: 'x' })).toMatch(/it contains "ü"/);
      expect(await refused({ topic: 'a\nb', value: 'x' })).toMatch(/it contains "\\n"/);
    });

    test('the sendMsgByte and sendMsgToPartition shorthands check it too', async () => {
      await expect(sync.sendMsgByte('bad topic!', null, 'x')).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(sync.sendMsgToPartition('bad topic!', 0, null, 'x')).rejects.toBeInstanceOf(InvalidMessageError);
      expect(() => async.sendMsgByte('bad topic!', null, 'x')).toThrow(InvalidMessageError);
    });

    test('missing, empty or non-string topics', async () => {
      expect(await refused({ value: 'x' })).toBe('a message needs a topic name (a non-empty string), got undefined');
      expect(await refused({ topic: '', value: 'x' })).toMatch(/needs a topic name \(a non-empty string\), got string ""/);
      expect(await refused({ topic: null, value: 'x' })).toMatch(/got null/);
      expect(await refused({ topic: 42, value: 'x' })).toMatch(/got number 42/);
    });
  });

  describe('values, keys and headers that are not bytes', () => {
    const allowed = 'must be a Buffer, a Uint8Array, a string or null';
    it.each<[string, unknown, RegExp]>([
      ['a number value', { topic: 't', value: 42 }, new RegExp(`^the message value ${allowed}, got number 42$`)],
      ['a boolean value', { topic: 't', value: true }, /value must be .*, got boolean true/],
      ['an object value', { topic: 't', value: { total: 12 } }, /value must be .*, got an object \(Object\)/],
      ['an array value', { topic: 't', value: [1, 2] }, /got an object \(Array\)/],
      ['an ArrayBuffer value', { topic: 't', value: new ArrayBuffer(4) }, /got an object \(ArrayBuffer\)/],
      ['an undefined value', { topic: 't', value: undefined }, /value must be .*, got undefined \(pass null for a record without a value, a tombstone\)/],
      ['a missing value', { topic: 't' }, /got undefined \(pass null/],
      ['a number key', { topic: 't', key: 7, value: 'x' }, new RegExp(`^the message key ${allowed}, got number 7$`)],
      ['an object key', { topic: 't', key: { id: 1 }, value: 'x' }, /key must be .*, got an object/],
      ['headers that are not an array', { topic: 't', value: 'x', headers: { trace: 'abc' } }, /^the message headers must be an array of \{ key, value \}, got an object \(Object\)$/],
      ['a null header', { topic: 't', value: 'x', headers: [null] }, /^header 0 must be an object \{ key, value \}, got null$/],
      ['a header with a number key', { topic: 't', value: 'x', headers: [{ key: 1, value: 'v' }] }, /a header key must be a string, got number 1/],
      ['a header with a number value', { topic: 't', value: 'x', headers: [{ key: 'h', value: 5 }] }, /the message header 'h' value must be .*, got number 5/],
      ['a timestamp given as text', { topic: 't', value: 'x', timestamp: 'yesterday' }, /timestamp must be milliseconds since the epoch \(an integer\) or a Date, got string "yesterday"/],
      ['a NaN timestamp', { topic: 't', value: 'x', timestamp: NaN }, /timestamp must be/],
      ['a negative partition', { topic: 't', value: 'x', partition: -1 }, /partition must be an integer >= 0, got number -1/],
      ['a fractional partition', { topic: 't', value: 'x', partition: 1.5 }, /partition must be an integer >= 0, got number 1.5/],
    ])('%s', async (_what, input, message) => {
      expect(await refused(input)).toMatch(message);
    });

    test('no message at all', async () => {
      expect(await refused(null)).toBe('a message must be an object { topic, key?, value, headers?, ... }, got null');
      expect(await refused(undefined)).toMatch(/must be an object .*, got undefined/);
      expect(await refused('just a string')).toMatch(/got string "just a string"/);
    });

    test('the shorthands check the value too', async () => {
      await expect(sync.sendMsgByte('t', null, 42 as never)).rejects.toThrow(/value must be a Buffer, a Uint8Array, a string or null, got number 42/);
      expect(() => async.sendMsgByte('t', null, { a: 1 } as never)).toThrow(InvalidMessageError);
    });

    test('what is allowed still goes through: null and absent keys, a null value, Uint8Array, null header values', async () => {
      const topic = uniqueTopic('bad-input-ok');
      const sent = await Promise.all([
        sync.send({ topic, value: null }),
        sync.send({ topic, key: undefined, value: new Uint8Array([1, 2, 3]) }),
        sync.sendMsgByte(topic, null, 'v'),
        sync.send({ topic, value: 'x', headers: [{ key: 'h', value: null }], timestamp: new Date() }),
      ]);
      for (const m of sent) expect(m.offset).toBeGreaterThanOrEqual(0n);
    });
  });
});

describe('records over the size limits', () => {
  test('a record over maxRequestBytes fails alone, at once: RecordTooLargeError naming the sizes and the setting', async () => {
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], maxRequestBytes: 10_000 }));
    try {
      const topic = uniqueTopic('too-large');
      const big = producer.send({ topic, value: Buffer.alloc(20_000) });
      const small = producer.send({ topic, value: 'fits' });
      const err = await big.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ProducerError);
      const cause = (err as ProducerError).cause;
      expect(cause).toBeInstanceOf(RecordTooLargeError);
      expect((err as ProducerError).code).toBe('ERR_RECORD_TOO_LARGE');
      expect((err as Error).message).toMatch(
        new RegExp(
          `^could not deliver a message to topic '${topic}': the record is 20\\d{3} bytes when serialized, larger than ` +
            `maxRequestBytes \\(10000 bytes\\); send a smaller record or raise maxRequestBytes \\(and the topic's max.message.bytes\\)$`,
        ),
      );
      expect((await small).offset).toBeGreaterThanOrEqual(0n); // the other record is unaffected
    } finally {
      await producer.close();
    }
  });

  test('the AsyncProducer reports it as an error event with the message', async () => {
    const producer = await AsyncProducer.create(new Config({ brokers: [bootstrap], maxRequestBytes: 10_000 }));
    const errors: ProducerError[] = [];
    producer.on('error', (e) => errors.push(e));
    try {
      producer.send({ topic: uniqueTopic('too-large'), value: 'y'.repeat(20_000), metadata: 'order-7' });
      await producer.flush();
      expect(errors).toHaveLength(1);
      expect(errors[0]!.cause).toBeInstanceOf(RecordTooLargeError);
      expect(errors[0]!.msg.metadata).toBe('order-7');
    } finally {
      await producer.close();
    }
  });

  test("a record the topic refuses (max.message.bytes): the broker's MESSAGE_TOO_LARGE, not retried", async () => {
    const admin = await Admin.create({ brokers: [bootstrap] });
    const topic = uniqueTopic('small-messages');
    try {
      const [created] = await admin.createTopics([{ name: topic, numPartitions: 1, configs: { 'max.message.bytes': '2000' } }], { waitForLeaders: true });
      expect(created!.error).toBeNull();
    } finally {
      await admin.close();
    }
    const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
    try {
      const started = Date.now();
      const err = await producer.send({ topic, value: Buffer.alloc(5_000) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ProducerError);
      const cause = (err as ProducerError).cause as KafkaProtocolError;
      expect(cause).toBeInstanceOf(KafkaProtocolError);
      expect(cause.errorName).toBe('MESSAGE_TOO_LARGE');
      expect(cause.retriable).toBe(false);
      expect((err as Error).message).toMatch(new RegExp(`topic '${topic}' partition 0: .*MESSAGE_TOO_LARGE \\(10\\): .*max\\.message\\.bytes`));
      expect(Date.now() - started).toBeLessThan(20_000); // not retried until deliveryTimeoutMs (120 s)
      // a record within the limit still goes through
      expect((await producer.send({ topic, value: 'small' })).offset).toBeGreaterThanOrEqual(0n);
    } finally {
      await producer.close();
    }
  });
});
