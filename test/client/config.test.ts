/** The public Config: defaults, validation, setters, idempotence rules, secrets. */
import * as util from 'node:util';
import { KafkaesqueError } from '../../protocol/errors.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../protocol/compression/index.js';
import {
  CONFIG_DEFAULTS,
  Config,
  type ConfigOptions,
  consoleLogger,
  isValidTopicName,
  OffsetNewest,
  OffsetOldest,
  parseBrokerAddress,
} from '../../src/client/config.js';
import { ConfigError } from '../../src/client/errors.js';
import { NOOP_LOGGER, type Logger } from '../../src/network/logger.js';

/** Runs `fn`, expects a ConfigError, returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** `new Config(options)` as untyped input, as a JavaScript user or a YAML file would pass it. */
function make(options: unknown): Config {
  return new Config(options as ConfigOptions);
}

function spyLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const MiB = 1024 * 1024;

describe('Config defaults', () => {
  const c = new Config();

  it.each<[keyof Config, unknown]>([
    ['brokers', ['127.0.0.1:9092']],
    ['clientId', 'kafkaesque'],
    ['connectTimeoutMs', 10_000],
    ['requestTimeoutMs', 30_000],
    ['metadataMaxAgeMs', 300_000],
    ['retryBackoffMs', 100],
    ['retryBackoffMaxMs', 1_000],
    ['reconnectBackoffMs', 50],
    ['reconnectBackoffMaxMs', 1_000],
    ['maxFrameBytes', 100 * MiB],
    ['tls', false],
    ['sasl', undefined],
    ['debug', false],
    ['acks', -1],
    ['partitioner', 'hash'],
    ['hashFunction', 'murmur2'],
    ['partition', undefined],
    ['compression', 'none'],
    ['compressionLevel', undefined],
    ['idempotent', true],
    ['lingerMs', 5],
    ['batchBytes', 16_384],
    ['bufferBytes', 33_554_432],
    ['maxRequestBytes', 1_048_576],
    ['maxInFlight', 5],
    ['retries', 2_147_483_647],
    ['deliveryTimeoutMs', 120_000],
    ['maxBlockMs', 60_000],
    ['topics', []],
    ['group', undefined],
    ['groupInstanceId', undefined],
    ['groupProtocol', 'classic'],
    ['assignors', ['range', 'cooperative-sticky']],
    ['initialOffset', 'newest'],
    ['sessionTimeoutMs', 45_000],
    ['heartbeatIntervalMs', 3_000],
    ['rebalanceTimeoutMs', 300_000],
    ['maxPollIntervalMs', 300_000],
    ['autoCommitIntervalMs', 1_000],
    ['isolationLevel', 'read_uncommitted'],
    ['fetchMinBytes', 1],
    ['fetchMaxBytes', 52_428_800],
    ['fetchMaxWaitMs', 500],
    ['maxPartitionFetchBytes', 1_048_576],
    ['prefetchBytes', 64 * MiB],
    ['maxDecompressedBytes', DEFAULT_MAX_DECOMPRESSED_BYTES],
  ])('%s', (key, expected) => {
    expect(c[key]).toEqual(expected);
  });

  it('logs nowhere by default', () => {
    expect(c.logger).toBe(NOOP_LOGGER);
  });

  it('auto-commits only with a group (Java: no group.id turns enable.auto.commit off)', () => {
    expect(c.autoCommit).toBe(false);
    expect(new Config({ group: 'g' }).autoCommit).toBe(true);
  });

  it('rebalanceTimeoutMs follows maxPollIntervalMs unless given', () => {
    expect(new Config({ maxPollIntervalMs: 60_000 }).rebalanceTimeoutMs).toBe(60_000);
    expect(new Config({ maxPollIntervalMs: 60_000, rebalanceTimeoutMs: 5_000 }).rebalanceTimeoutMs).toBe(5_000);
  });

  it('CONFIG_DEFAULTS agrees and is frozen', () => {
    expect(CONFIG_DEFAULTS.acks).toBe(c.acks);
    expect(CONFIG_DEFAULTS.prefetchBytes).toBe(c.prefetchBytes);
    expect(Object.isFrozen(CONFIG_DEFAULTS)).toBe(true);
  });

  it('the OffsetOldest/OffsetNewest constants are sarama’s', () => {
    expect(OffsetOldest).toBe(-2);
    expect(OffsetNewest).toBe(-1);
  });
});

describe('Config values are frozen', () => {
  it('cannot be assigned or extended', () => {
    const c = new Config({ topics: ['a'] });
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      (c as unknown as { acks: number }).acks = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c as unknown as Record<string, unknown>).lingerMS = 1;
    }).toThrow(TypeError);
    expect(() => (c.topics as string[]).push('b')).toThrow(TypeError);
    expect(() => (c.brokers as string[]).push('x:1')).toThrow(TypeError);
    expect(c.topics).toEqual(['a']);
  });

  it('does not share state with the options object', () => {
    const brokers = ['a:1'];
    const c = new Config({ brokers });
    brokers.push('b:2');
    expect(c.brokers).toEqual(['a:1']);
  });
});

describe('Config validation', () => {
  it('ConfigError is a KafkaesqueError with code ERR_CONFIG, field and allowed', () => {
    const e = configError(() => make({ acks: 2 }));
    expect(e).toBeInstanceOf(KafkaesqueError);
    expect(e.code).toBe('ERR_CONFIG');
    expect(e.name).toBe('ConfigError');
    expect(e.field).toBe('acks');
    expect(e.allowed).toBe("0, 1, -1 or 'all'");
    expect(e.message).toBe("Config.acks: got 2; allowed: 0, 1, -1 or 'all'");
  });

  // [options, field, a substring of `allowed`, a substring of the message]
  it.each<[string, unknown, string, string, string]>([
    ['acks string', { acks: '1' }, 'acks', "0, 1, -1 or 'all'", "got '1'"],
    ['integer: negative', { lingerMs: -1 }, 'lingerMs', 'an integer from 0 to 2147483647', 'got -1'],
    ['integer: fraction', { lingerMs: 1.5 }, 'lingerMs', 'an integer from 0', 'got 1.5'],
    ['integer: string', { requestTimeoutMs: '30000' }, 'requestTimeoutMs', 'an integer from 1', "got '30000'"],
    ['integer: NaN', { batchBytes: NaN }, 'batchBytes', 'an integer', 'got NaN'],
    ['integer: Infinity', { bufferBytes: Infinity }, 'bufferBytes', 'an integer', 'got Infinity'],
    ['integer: above int32', { retries: 2 ** 31 }, 'retries', 'to 2147483647', 'got 2147483648'],
    ['integer: zero timeout', { connectTimeoutMs: 0 }, 'connectTimeoutMs', 'an integer from 1', 'got 0'],
    ['integer: maxInFlight 0', { maxInFlight: 0 }, 'maxInFlight', 'an integer from 1', 'got 0'],
    ['integer: maxFrameBytes tiny', { maxFrameBytes: 10 }, 'maxFrameBytes', 'an integer from 1024', 'got 10'],
    ['null is not unset', { metadataMaxAgeMs: null }, 'metadataMaxAgeMs', 'an integer', 'got null'],
    ['boolean', { idempotent: 'yes' }, 'idempotent', 'true or false', "got 'yes'"],
    ['boolean: number', { autoCommit: 1 }, 'autoCommit', 'true or false', 'got 1'],
    ['boolean: debug', { debug: 'true' }, 'debug', 'true or false', "got 'true'"],
    ['compression', { compression: 'brotli' }, 'compression', "'none', 'gzip', 'snappy', 'lz4' or 'zstd'", "got 'brotli'"],
    ['partitioner', { partitioner: 'sticky' }, 'partitioner', "'hash', 'random', 'round-robin' or 'manual'", "got 'sticky'"],
    ['hashFunction', { hashFunction: 'crc32' }, 'hashFunction', "'murmur2' or 'fnv1a'", "got 'crc32'"],
    ['groupProtocol', { groupProtocol: 'share' }, 'groupProtocol', "'classic' or 'consumer'", "got 'share'"],
    ['isolationLevel', { isolationLevel: 'READ_COMMITTED' }, 'isolationLevel', "'read_uncommitted' or 'read_committed'", 'READ_COMMITTED'],
    ['initialOffset name', { initialOffset: 'middle' }, 'initialOffset', "'oldest' (or 'earliest', OffsetOldest = -2)", "got 'middle'"],
    ['initialOffset number', { initialOffset: -3 }, 'initialOffset', 'OffsetNewest = -1', 'got -3'],
    ['initialOffset numeric string', { initialOffset: '-2' }, 'initialOffset', "'newest'", "got '-2'"],
    ['gzip level', { compression: 'gzip', compressionLevel: 10 }, 'compressionLevel', 'an integer from 1 to 9', 'got 10'],
    ['lz4 level', { compression: 'lz4', compressionLevel: 0 }, 'compressionLevel', 'an integer from 1 to 17', 'got 0'],
    ['zstd level', { compression: 'zstd', compressionLevel: 23 }, 'compressionLevel', 'an integer from -131072 to 22', 'got 23'],
    ['snappy has no level', { compression: 'snappy', compressionLevel: 1 }, 'compressionLevel', "only with compression 'gzip'", "with compression 'snappy'"],
    ['none has no level', { compressionLevel: 3 }, 'compressionLevel', "'zstd' (-131072 to 22)", "with compression 'none'"],
    ['partition negative', { partition: -1 }, 'partition', 'an integer from 0', 'got -1'],
    ['partition with another partitioner', { partition: 2, partitioner: 'hash' }, 'partition', "only with partitioner 'manual'", "with partitioner 'hash'"],
    ['group empty', { group: '' }, 'group', 'a non-empty string', "got ''"],
    ['clientId type', { clientId: 7 }, 'clientId', 'a string of at most 32767 UTF-8 bytes', 'got 7'],
    ['groupInstanceId chars', { group: 'g', groupInstanceId: 'a b' }, 'groupInstanceId', '[a-zA-Z0-9._-]', "got 'a b'"],
    ['groupInstanceId without group', { groupInstanceId: 'member-1' }, 'groupInstanceId', 'only with a group', 'without a group'],
    ['autoCommit without group', { autoCommit: true }, 'autoCommit', 'true only with a group', 'got true without a group'],
    ['heartbeat >= session', { sessionTimeoutMs: 3_000 }, 'heartbeatIntervalMs', 'less than sessionTimeoutMs (3000)', 'got 3000'],
    ['assignors empty', { assignors: [] }, 'assignors', "a non-empty array of 'range', 'roundrobin', 'cooperative-sticky' or 'RoundRobinAssigner'", 'got []'],
    ['assignors unknown', { assignors: ['range', 'sticky'] }, 'assignors[1]', "'range', 'roundrobin', 'cooperative-sticky' or 'RoundRobinAssigner'", "got 'sticky'"],
    ['assignors twice', { assignors: ['range', 'range'] }, 'assignors', 'at most once', "got 'range' twice"],
    ['consumer protocol: assignors', { groupProtocol: 'consumer', assignors: ['range'] }, 'assignors', 'group.consumer.assignors', "with groupProtocol 'consumer'"],
    ['consumer protocol: session', { groupProtocol: 'consumer', sessionTimeoutMs: 10_000 }, 'sessionTimeoutMs', 'group.consumer.session.timeout.ms', 'got 10000'],
    ['consumer protocol: heartbeat', { groupProtocol: 'consumer', heartbeatIntervalMs: 1_000 }, 'heartbeatIntervalMs', 'group.consumer.heartbeat.interval.ms', 'got 1000'],
    ['deliveryTimeoutMs too small', { deliveryTimeoutMs: 1_000 }, 'deliveryTimeoutMs', 'at least lingerMs + requestTimeoutMs (5 + 30000 = 30005)', 'got 1000'],
    ['retry backoff cap below base', { retryBackoffMs: 500, retryBackoffMaxMs: 200 }, 'retryBackoffMaxMs', 'at least retryBackoffMs (500)', 'got 200'],
    ['reconnect backoff cap below base', { reconnectBackoffMs: 500, reconnectBackoffMaxMs: 200 }, 'reconnectBackoffMaxMs', 'at least reconnectBackoffMs (500)', 'got 200'],
    ['fetchMaxBytes above frame', { fetchMaxBytes: 200 * MiB }, 'fetchMaxBytes', 'at most maxFrameBytes (104857600)', 'got 209715200'],
    ['frame below fetchMaxBytes', { maxFrameBytes: 10 * MiB }, 'maxFrameBytes', 'at least fetchMaxBytes (52428800)', 'got 10485760'],
    ['prefetchBytes', { prefetchBytes: 0 }, 'prefetchBytes', 'an integer from 1', 'got 0'],
    ['maxDecompressedBytes', { maxDecompressedBytes: -1 }, 'maxDecompressedBytes', 'an integer from 1', 'got -1'],
    ['logger', { logger: { debug() {} } }, 'logger', 'debug, info, warn and error methods', 'got an object without info, warn, error'],
    ['logger type', { logger: console.log }, 'logger', 'the Logger interface', 'got a function'],
    ['options not an object', 'acks=1', '(options)', 'a plain object of options', 'got a string'],
    ['options a Map', new Map([['acks', 1]]), '(options)', 'a plain object of options', 'got an object'],
    ['tls type', { tls: 'yes' }, 'tls', 'true, false, or an object with ca, cert, key, passphrase', 'got a string'],
    ['tls.ca type', { tls: { ca: 5 } }, 'tls.ca', 'a non-empty PEM string or Buffer', 'got 5'],
    ['tls.ca element', { tls: { ca: ['x', ''] } }, 'tls.ca[1]', 'a non-empty PEM string or Buffer', "got ''"],
    ['tls.key type', { tls: { cert: 'C', key: 5 } }, 'tls.key', 'a non-empty PEM string or Buffer', 'got a number'],
    ['tls cert without key', { tls: { cert: 'CERT' } }, 'tls.key', 'needs both tls.cert and tls.key', 'missing'],
    ['tls passphrase without key', { tls: { passphrase: 'p' } }, 'tls.passphrase', 'only with tls.key', 'given without tls.key'],
    ['tls.rejectUnauthorized', { tls: { rejectUnauthorized: 'no' } }, 'tls.rejectUnauthorized', 'true or false', "got 'no'"],
    ['tls.servername', { tls: { servername: 'not a host' } }, 'tls.servername', 'a host name', "got 'not a host'"],
    ['sasl type', { sasl: 'user:pass' }, 'sasl', 'an object with mechanism, username, password', 'got a string'],
    ['sasl.mechanism', { sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } }, 'sasl.mechanism', "'plain', 'scram-sha-256', 'scram-sha-512' or 'oauthbearer'", "got 'gssapi'"],
    ['sasl.username', { sasl: { mechanism: 'plain', username: '', password: 'p' } }, 'sasl.username', 'a non-empty string', "got ''"],
    ['sasl.password', { sasl: { mechanism: 'plain', username: 'u', password: '' } }, 'sasl.password', 'a non-empty string', 'got an empty string'],
  ])('%s', (_name, options, field, allowed, inMessage) => {
    const e = configError(() => make(options));
    expect(e.field).toBe(field);
    expect(e.allowed).toContain(allowed);
    expect(e.message.startsWith(`Config.${field}: `)).toBe(true);
    expect(e.message).toContain(inMessage);
    expect(e.message).toContain(`allowed: ${e.allowed}`);
  });

  it('accepts the boundary values', () => {
    const c = make({
      lingerMs: 0,
      retries: 2 ** 31 - 1,
      partition: 0,
      compression: 'zstd',
      compressionLevel: -131072,
      sessionTimeoutMs: 3_001,
      maxFrameBytes: 50 * MiB,
      deliveryTimeoutMs: 30_005,
    });
    expect(c.compressionLevel).toBe(-131072);
    expect(c.deliveryTimeoutMs).toBe(30_005);
    expect(make({ compression: 'gzip', compressionLevel: -1 }).compressionLevel).toBe(-1);
    expect(make({ compression: 'lz4', compressionLevel: 17 }).compressionLevel).toBe(17);
  });

  it('normalizes acks, initialOffset and SASL mechanism spellings', () => {
    expect(make({ acks: 'all' }).acks).toBe(-1);
    expect(make({ acks: 0, idempotent: false }).acks).toBe(0);
    expect(make({ initialOffset: OffsetOldest }).initialOffset).toBe('oldest');
    expect(make({ initialOffset: OffsetNewest }).initialOffset).toBe('newest');
    expect(make({ initialOffset: 'earliest' }).initialOffset).toBe('oldest');
    expect(make({ initialOffset: 'latest' }).initialOffset).toBe('newest');
    expect(make({ sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' } }).sasl?.mechanism).toBe('scram-sha-256');
  });

  it('treats undefined as not given', () => {
    const c = make({ acks: undefined, lingerMs: undefined, brokers: undefined });
    expect(c.acks).toBe(-1);
    expect(c.lingerMs).toBe(5);
    expect(c.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.isSet('acks')).toBe(false);
  });

  it('raises defaulted limits that would contradict given ones (as Java does)', () => {
    // KafkaProducer.configureDeliveryTimeout: a defaulted delivery.timeout.ms rises to linger + request
    expect(make({ requestTimeoutMs: 200_000, lingerMs: 100 }).deliveryTimeoutMs).toBe(200_100);
    // a defaulted backoff cap rises to the given base
    expect(make({ retryBackoffMs: 2_000 }).retryBackoffMaxMs).toBe(2_000);
    expect(make({ reconnectBackoffMs: 5_000 }).reconnectBackoffMaxMs).toBe(5_000);
  });

  it('gives partition the manual partitioner unless another was chosen', () => {
    expect(make({ partition: 3 }).partitioner).toBe('manual');
    expect(make({ partition: 3, partitioner: 'manual' }).partition).toBe(3);
    expect(make({ partitioner: 'manual' }).partition).toBeUndefined();
    const fn = (): number => 0;
    expect(make({ partitioner: fn }).partitioner).toBe(fn);
    expect(configError(() => make({ partitioner: fn, partition: 1 })).message).toContain('with partitioner a function');
  });

  it('lets the consumer protocol go without the classic-only options', () => {
    const c = make({ groupProtocol: 'consumer', group: 'g' });
    expect(c.groupProtocol).toBe('consumer');
    // the heartbeat/session rule is the classic protocol's
    expect(make({ groupProtocol: 'consumer', sessionTimeoutMs: undefined }).groupProtocol).toBe('consumer');
  });
});

describe('unknown options', () => {
  it('names the typo and suggests the closest option', () => {
    const e = configError(() => make({ lingerMS: 5 }));
    expect(e.field).toBe('lingerMS');
    expect(e.message).toBe("Config.lingerMS: unknown option; did you mean 'lingerMs'?");
    expect(e.allowed).toContain('lingerMs');
    expect(e.allowed).toContain('brokers');
  });

  it.each([
    ['broker', 'brokers'],
    ['bootstrapServers', undefined],
    ['requestTimeout', 'requestTimeoutMs'],
    ['idempotence', 'idempotent'],
    ['groupid', 'groupId'],
    ['sessionTimeoutMS', 'sessionTimeoutMs'],
  ])('%s -> %s', (key, suggestion) => {
    const e = configError(() => make({ [key]: 1 }));
    expect(e.field).toBe(key);
    if (suggestion) expect(e.message).toContain(`did you mean '${suggestion}'?`);
    else expect(e.message).toContain('unknown option; allowed: brokers, clientId');
  });

  it('checks the keys of tls and sasl too, never showing their values', () => {
    const t = configError(() => make({ tls: { key: 'K', passpharse: 'TOPSECRET' } }));
    expect(t.field).toBe('tls.passpharse');
    expect(t.message).toContain("did you mean 'passphrase'?");
    expect(t.message).not.toContain('TOPSECRET');
    const s = configError(() => make({ sasl: { mechanism: 'plain', username: 'u', pasword: 'TOPSECRET' } }));
    expect(s.field).toBe('sasl.pasword');
    expect(s.message).toContain("did you mean 'password'?");
    expect(s.message).not.toContain('TOPSECRET');
  });
});

describe('idempotence (Java ProducerConfig.postProcessAndValidateIdempotenceConfigs)', () => {
  it('is on by default', () => {
    expect(new Config().idempotent).toBe(true);
  });

  it('turns off silently when defaulted and acks is 0 or 1, or retries is 0', () => {
    expect(make({ acks: 1 }).idempotent).toBe(false);
    expect(make({ acks: 0 }).idempotent).toBe(false);
    expect(make({ retries: 0 }).idempotent).toBe(false);
    expect(make({ acks: 'all', retries: 1 }).idempotent).toBe(true);
  });

  it('logs why it turned idempotence off (at debug)', () => {
    const logger = spyLogger();
    make({ acks: 1, logger });
    expect(logger.lines).toEqual(["debug Config: idempotence disabled because acks is 1, not 'all'"]);
  });

  it('is an error when explicitly enabled with acks 0/1 or retries 0', () => {
    const a = configError(() => make({ idempotent: true, acks: 1 }));
    expect(a.field).toBe('acks');
    expect(a.message).toBe(
      "Config.acks: got 1 while idempotent is true; allowed: -1 or 'all' with the idempotent producer (or set idempotent: false)",
    );
    expect(configError(() => make({ idempotent: true, acks: 0 })).field).toBe('acks');
    const r = configError(() => make({ idempotent: true, retries: 0 }));
    expect(r.field).toBe('retries');
    expect(r.allowed).toContain('an integer from 1 to 2147483647');
  });

  it('refuses maxInFlight above 5 whenever idempotence is enabled, defaulted or not (Java 4.x)', () => {
    expect(configError(() => make({ maxInFlight: 6 })).message).toBe(
      'Config.maxInFlight: got 6 while idempotent is true by default; set idempotent: false to allow more; ' +
        'allowed: an integer from 1 to 5 with the idempotent producer',
    );
    expect(configError(() => make({ maxInFlight: 6, idempotent: true })).field).toBe('maxInFlight');
    // Java checks max.in.flight independently of acks: a defaulted idempotence still refuses it
    expect(configError(() => make({ maxInFlight: 6, acks: 1 })).field).toBe('maxInFlight');
    expect(make({ maxInFlight: 6, idempotent: false }).maxInFlight).toBe(6);
    expect(make({ maxInFlight: 5 }).idempotent).toBe(true);
  });

  it('is off when disabled, whatever the rest', () => {
    const c = make({ idempotent: false, acks: 1, retries: 0 });
    expect(c.idempotent).toBe(false);
    expect(c.acks).toBe(1);
  });

  it('follows setters: a defaulted idempotence comes back with acks all', () => {
    const c = new Config().setAcks(1);
    expect(c.idempotent).toBe(false);
    c.setAcks('all');
    expect(c.idempotent).toBe(true);
    c.set({ idempotent: true });
    expect(() => c.setAcks(0)).toThrow(ConfigError);
    expect(c.acks).toBe(-1);
  });
});

describe('setters', () => {
  it('chain, return the same instance and change the values', () => {
    const c = new Config();
    const r = c
      .setBrokers('k1:9092', 'k2:9092')
      .setTopics('t1,t2')
      .setGroup('g1')
      .setClientId('svc')
      .setAcks(1)
      .setInitialOffset(OffsetOldest)
      .setCompression('zstd', 7)
      .setTLS(true)
      .setSASL({ mechanism: 'scram-sha-512', username: 'u', password: 'p' })
      .setPartition(4);
    expect(r).toBe(c);
    expect(c.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(c.topics).toEqual(['t1', 't2']);
    expect(c.group).toBe('g1');
    expect(c.autoCommit).toBe(true);
    expect(c.clientId).toBe('svc');
    expect(c.acks).toBe(1);
    expect(c.idempotent).toBe(false);
    expect(c.initialOffset).toBe('oldest');
    expect(c.compression).toBe('zstd');
    expect(c.compressionLevel).toBe(7);
    expect(c.tls).toEqual({ rejectUnauthorized: true });
    expect(c.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: '[redacted]' });
    expect(c.partition).toBe(4);
    expect(c.partitioner).toBe('manual');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('accept Go-style argument shapes', () => {
    expect(new Config().setBrokers('a:1,b:2').brokers).toEqual(['a:1', 'b:2']);
    expect(new Config().setBrokers(['a:1', 'b:2']).brokers).toEqual(['a:1', 'b:2']);
    expect(new Config().setTopics('t1', 't2').topics).toEqual(['t1', 't2']);
    expect(new Config().setTopics(['t1'], 't2,t3').topics).toEqual(['t1', 't2', 't3']);
    expect(new Config().setPartitioner('round-robin').partitioner).toBe('round-robin');
    expect(new Config().setInitialOffset('newest').initialOffset).toBe('newest');
  });

  it('validate like the constructor and change nothing when they throw', () => {
    const c = new Config({ brokers: 'a:1', partitioner: 'hash' });
    const before = JSON.stringify(c);
    expect(configError(() => c.setBrokers('nope')).field).toBe('brokers[0]');
    expect(configError(() => c.setTopics('ok,bad topic')).field).toBe('topics[1]');
    expect(configError(() => c.setAcks(2 as never)).field).toBe('acks');
    expect(configError(() => c.setPartition(1)).field).toBe('partition'); // partitioner 'hash' was given
    expect(configError(() => c.setGroup('')).field).toBe('group');
    expect(configError(() => c.setPartitioner('sticky' as never)).field).toBe('partitioner');
    expect(configError(() => c.setInitialOffset(0 as never)).field).toBe('initialOffset');
    expect(configError(() => c.setTLS({ ca: 3 } as never)).field).toBe('tls.ca');
    expect(configError(() => c.setDebug('on' as never)).field).toBe('debug');
    expect(configError(() => c.setClientId(null as never)).field).toBe('clientId');
    expect(configError(() => c.setCompression('snappy', 3)).field).toBe('compressionLevel');
    expect(configError(() => c.setSASL({ mechanism: 'plain', username: 'u' } as never)).field).toBe('sasl.password');
    expect(configError(() => c.set({ fetchMaxWaitMs: -5 })).field).toBe('fetchMaxWaitMs');
    expect(configError(() => c.set({ nope: 1 } as never)).field).toBe('nope');
    expect(JSON.stringify(c)).toBe(before);
  });

  it('setCompression without a level drops an earlier level', () => {
    const c = new Config().setCompression('gzip', 9);
    expect(c.compressionLevel).toBe(9);
    c.setCompression('snappy');
    expect(c.compression).toBe('snappy');
    expect(c.compressionLevel).toBeUndefined();
  });

  it('setDebug(true) without a logger logs to stderr at debug level', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const c = new Config().setDebug(true);
      expect(c.debug).toBe(true);
      expect(c.logger).not.toBe(NOOP_LOGGER);
      c.logger.debug('hello', { broker: 'a:1' });
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0][0])).toMatch(/^\S+Z kafkaesque DEBUG hello \{ broker: 'a:1' \}\n$/);
      // a given logger wins over debug
      const mine = spyLogger();
      expect(new Config({ debug: true, logger: mine }).logger).toBe(mine);
      expect(new Config().setLogger(mine).logger).toBe(mine);
    } finally {
      write.mockRestore();
    }
  });

  it('consoleLogger filters by level', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const l = consoleLogger('warn');
      l.debug('no');
      l.info('no');
      l.warn('yes');
      l.error('yes');
      expect(write).toHaveBeenCalledTimes(2);
    } finally {
      write.mockRestore();
    }
  });

  it('isSet tells given options from defaults', () => {
    const c = new Config({ acks: -1 });
    expect(c.isSet('acks')).toBe(true);
    expect(c.isSet('lingerMs')).toBe(false);
    c.set({ lingerMs: 5 });
    expect(c.isSet('lingerMs')).toBe(true);
  });

  it('new Config(other) copies the given options, independently', () => {
    const a = new Config({ acks: 1, topics: 't' });
    const b = new Config(a);
    expect(b.acks).toBe(1);
    expect(b.topics).toEqual(['t']);
    expect(b.isSet('acks')).toBe(true);
    b.setAcks('all');
    expect(a.acks).toBe(1);
  });
});

describe('brokers', () => {
  it.each<[unknown, string[]]>([
    ['a:9092,b:9093', ['a:9092', 'b:9093']],
    [' a:9092 , b:9093 ', ['a:9092', 'b:9093']],
    [['a:9092', 'b:9093,c:1'], ['a:9092', 'b:9093', 'c:1']],
    ['[::1]:9092', ['[::1]:9092']],
    ['[2001:db8::1]:9093,10.0.0.1:65535', ['[2001:db8::1]:9093', '10.0.0.1:65535']],
    ['kafka-0.kafka.svc.cluster.local:9092', ['kafka-0.kafka.svc.cluster.local:9092']],
    ['broker_1:1', ['broker_1:1']],
    ['a:9092,a:9092', ['a:9092']],
  ])('%j', (input, expected) => {
    expect(make({ brokers: input }).brokers).toEqual(expected);
  });

  it.each<[unknown, string, string]>([
    ['localhost', 'brokers[0]', 'no port'],
    ['h:0', 'brokers[0]', 'port'],
    ['h:65536', 'brokers[0]', 'port'],
    ['h:-1', 'brokers[0]', 'port'],
    ['h:9092x', 'brokers[0]', 'port'],
    ['h:', 'brokers[0]', 'port'],
    ['::1:9092', 'brokers[0]', 'an IPv6 address must be in brackets'],
    ['[::1]', 'brokers[0]', "got '[::1]'"],
    ['[::1]9092', 'brokers[0]', "got '[::1]9092'"],
    ['[not-ipv6]:9092', 'brokers[0]', "got '[not-ipv6]:9092'"],
    ['bad host:9092', 'brokers[0]', "got 'bad host:9092'"],
    [':9092', 'brokers[0]', "got ':9092'"],
    ['a:1,,b:2', 'brokers[1]', 'no port'],
    [['a:1', 5], 'brokers[1]', 'got 5'],
    [[], 'brokers', 'got []'],
    [42, 'brokers', 'got 42'],
  ])('%j is refused', (input, field, inMessage) => {
    const e = configError(() => make({ brokers: input }));
    expect(e.field).toBe(field);
    expect(e.message).toContain(inMessage);
    if (field !== 'brokers') expect(e.allowed).toContain("'host:port' with a port from 1 to 65535 ('[::1]:9092' for an IPv6 address)");
  });

  it('parseBrokerAddress and brokerAddresses() give host and port', () => {
    expect(parseBrokerAddress('[::1]:9092')).toEqual({ host: '::1', port: 9092 });
    expect(parseBrokerAddress('k:1')).toEqual({ host: 'k', port: 1 });
    expect(new Config({ brokers: '[fe80::1]:9093,x:9' }).brokerAddresses()).toEqual([
      { host: 'fe80::1', port: 9093 },
      { host: 'x', port: 9 },
    ]);
  });
});

describe('topic names (Kafka Topic.validate)', () => {
  it.each(['a', 'orders', 'My_topic-1.x', '__consumer_offsets', 'a'.repeat(249), '...'])('%s is valid', (name) => {
    expect(isValidTopicName(name)).toBe(true);
    expect(make({ topics: [name] }).topics).toEqual([name]);
  });

  it.each(['.', '..', 'a'.repeat(250), 'bad topic', 'a/b', 'tópico', 'a:b'])('%s is refused', (name) => {
    expect(isValidTopicName(name)).toBe(false);
    const e = configError(() => make({ topics: ['ok', name] }));
    expect(e.field).toBe('topics[1]');
    expect(e.allowed).toBe("1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'");
  });

  it('an empty string element is refused, an empty string is no topics', () => {
    expect(configError(() => make({ topics: 'a,,b' })).field).toBe('topics[1]');
    expect(make({ topics: '' }).topics).toEqual([]);
    expect(make({ topics: [] }).topics).toEqual([]);
  });

  it('drops duplicates', () => {
    expect(make({ topics: 'a,b,a' }).topics).toEqual(['a', 'b']);
  });
});

describe('secrets', () => {
  const PASSWORD = 'pa55-W0RD-sekrit';
  const KEY = '-----BEGIN PRIVATE KEY-----\nKEYMATERIAL\n-----END PRIVATE KEY-----';
  const PASSPHRASE = 'phrase-of-passage';
  const secretConfig = (): Config =>
    new Config({
      brokers: 'a:9093',
      sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
      tls: { ca: Buffer.from('CA-PEM'), cert: 'CERT-PEM', key: KEY, passphrase: PASSPHRASE, servername: 'kafka.example' },
    });

  function expectNoSecret(text: string): void {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('KEYMATERIAL');
    expect(text).not.toContain(PASSPHRASE);
  }

  it('are redacted in util.inspect, JSON.stringify and String()', () => {
    const c = secretConfig();
    const shown = [
      util.inspect(c),
      util.inspect(c, { showHidden: true, depth: Infinity, getters: true }),
      util.format('%o %O %s %j', c, c, c, c),
      JSON.stringify(c),
      String(c),
      `${c}`,
      JSON.stringify({ nested: { c } }),
      util.inspect({ nested: [c] }, { depth: Infinity }),
    ];
    for (const text of shown) {
      expectNoSecret(text);
      expect(text).toContain('[redacted]');
    }
    expect(util.inspect(c)).toMatch(/^Config \{/);
    expect(String(c)).toMatch(/^Config \{"brokers":\["a:9093"\]/);
    expect(Object.prototype.toString.call(c)).toBe('[object Config]');
  });

  it('toJSON shows the settings, redacted and summarized', () => {
    const json = secretConfig().toJSON();
    expect(json.sasl).toEqual({ mechanism: 'plain', username: 'alice', password: '[redacted]' });
    expect(json.tls).toEqual({
      ca: '[Buffer: 6 bytes]',
      cert: '[PEM: 8 chars]',
      key: '[redacted]',
      passphrase: '[redacted]',
      rejectUnauthorized: true,
      servername: 'kafka.example',
    });
    expect(json.logger).toBe('none');
    expect(json.acks).toBe(-1);
  });

  it('are redacted in the public getters and absent from own properties', () => {
    const c = secretConfig();
    expect(c.sasl && 'password' in c.sasl && c.sasl.password).toBe('[redacted]');
    expect(c.tls && c.tls.key).toBe('[redacted]');
    expect(c.tls && c.tls.passphrase).toBe('[redacted]');
    expect(Object.keys(c)).toEqual([]);
    expect(Object.getOwnPropertyNames(c)).toEqual([]);
    expectNoSecret(util.inspect({ ...c }));
  });

  it('are handed out only by saslCredentials() and toConnectionOptions()', () => {
    const c = secretConfig();
    expect(c.saslCredentials()).toEqual({ mechanism: 'plain', username: 'alice', password: PASSWORD });
    const opts = c.toConnectionOptions('a', 9093);
    expect(opts.tls?.key).toBe(KEY);
    expect(opts.tls?.passphrase).toBe(PASSPHRASE);
  });

  it('never appear in error messages', () => {
    const errors = [
      configError(() => make({ sasl: { mechanism: 'plain', username: 'u', password: 12345678 } })),
      configError(() => make({ sasl: { mechanism: 'oauth', username: 'u', password: PASSWORD } })),
      configError(() => make({ sasl: { mechanism: 'plain', username: '', password: PASSWORD } })),
      configError(() => make({ sasl: [PASSWORD] })),
      configError(() => make({ tls: { key: 12345678 } })),
      configError(() => make({ tls: { key: KEY, passphrase: 12345678 } })),
      configError(() => make({ tls: [KEY] })),
      configError(() => make({ saslPassword: PASSWORD })),
      configError(() => make(new Map([['sasl', { password: PASSWORD }]]))),
      configError(() => make({ logger: { password: PASSWORD } })),
      configError(() => make({ sasl: { mechanism: 'plain', username: 'u', password: PASSWORD }, acks: 9 })),
      configError(() => secretConfig().set({ acks: 9 as never })),
    ];
    for (const e of errors) {
      expectNoSecret(e.message);
      expect(e.message).not.toContain('12345678');
      expectNoSecret(e.allowed);
    }
  });

  it('are copied, not shared with the caller', () => {
    const key = Buffer.from(KEY);
    const c = new Config({ tls: { key, cert: 'CERT' } });
    key.fill(0);
    expect(String(c.toConnectionOptions('a', 1).tls?.key)).toBe(KEY);
  });
});

describe('toConnectionOptions', () => {
  it('without TLS', () => {
    const c = new Config({ clientId: 'svc', connectTimeoutMs: 5_000, requestTimeoutMs: 7_000, maxFrameBytes: 64 * MiB });
    expect(c.toConnectionOptions('k1', 9092)).toEqual({
      host: 'k1',
      port: 9092,
      clientId: 'svc',
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 7_000,
      maxFrameBytes: 64 * MiB,
      logger: NOOP_LOGGER,
    });
  });

  it('with tls: true uses the system CAs and verifies the broker', () => {
    expect(new Config({ tls: true }).toConnectionOptions('k1', 9093).tls).toEqual({ rejectUnauthorized: true });
  });

  it('with TLS options', () => {
    const ca = [Buffer.from('CA1'), 'CA2'];
    const tls = new Config({ tls: { ca, cert: 'C', key: 'K', rejectUnauthorized: false, servername: 'sni.example' } }).toConnectionOptions(
      '10.0.0.1',
      9093,
    ).tls;
    expect(tls).toEqual({ ca, cert: 'C', key: 'K', rejectUnauthorized: false, servername: 'sni.example' });
  });
});

describe('groupId, the Go layer spelling of group', () => {
  test('is accepted as an alias, readable both ways, and cannot contradict group', () => {
    const c = new Config({ groupId: 'billing', topics: 'orders' });
    expect(c.group).toBe('billing');
    expect(c.groupId).toBe('billing');
    expect(new Config({ group: 'a', groupId: 'a' }).groupId).toBe('a');
    expect(() => new Config({ group: 'a', groupId: 'b' })).toThrow(/groupId/);
    expect(c.setGroup('payments').groupId).toBe('payments');
    expect(() => new Config({ groupID: 'x' } as never)).toThrow(/did you mean 'groupId'/);
  });
});
