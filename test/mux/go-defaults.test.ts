/**
 * The Multiplexer's defaults are the Go layer's wherever they decide which data is read or where
 * it goes (a new group starts at the oldest offset, keys hashed as sarama does, a null key on the
 * empty key's partition, protojson with proto names), each settable in code and in the YAML file;
 * the client layer keeps Java's. Against the real broker. (The same defaults against the real
 * sarama and protojson: test/interop/go-sarama.test.ts.)
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Config, type ConfigOptions } from '../../src/client/config.js';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { parseMuxConfig } from '../../src/mux/config-file.js';
import { MuxConfigError } from '../../src/mux/errors.js';
import { GO_LAYER_DEFAULTS, Multiplexer } from '../../src/mux/multiplexer.js';
import { binarySerializer, jsonSerializer } from '../../src/mux/proto.js';
import { javaPartitionForKey, saramaPartitionForKey } from '../../src/producer/partitioner.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
let admin: Cluster;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  await Promise.all(open.map((m) => m.close().catch(() => {})));
  await admin?.close();
});

const fast: ConfigOptions = { heartbeatIntervalMs: 300, sessionTimeoutMs: 6000, autoCommitIntervalMs: 200, lingerMs: 1 };

async function mux(options: ConfigOptions, name = uniqueTopic('go-defaults'), muxOptions = {}): Promise<Multiplexer> {
  const m = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap], ...fast, ...options }), name, muxOptions);
  open.push(m);
  return m;
}

const KEYS = ['', 'a', 'order-42', 'customer/7', 'ключ', '🔑-key', 'x'.repeat(300), ...Array.from({ length: 60 }, (_, i) => `k${i}`)];

test('with no option set: a new group reads from the oldest offset, keys land where sarama puts them, null keys on the empty key partition', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-defaults'), 6);
  // records written before the Multiplexer exists, by the client layer (Java defaults)
  const before = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
  open.push(before);
  for (let i = 0; i < 12; i++) await before.sendMsgByte(topic, `early-${i}`, `early-${i}`);

  const mx = await mux({});
  expect([mx.config.initialOffset, mx.config.hashFunction, mx.config.nullKey]).toEqual(['oldest', 'fnv1a', 'hash-empty']);
  expect(GO_LAYER_DEFAULTS).toEqual({ initialOffset: 'oldest', hashFunction: 'fnv1a', nullKey: 'hash-empty' });
  const conn = mx.newBytesConnection('c');
  const got: ConsumerMessage[] = [];
  conn.consumeTopic((m) => {
    got.push(m);
    conn.markOffset(m);
  }, topic);
  await mx.start();

  const placed: Array<{ key: string | null; partition: number }> = [];
  for (const key of KEYS) placed.push({ key, partition: (await conn.sendSyncString(topic, key, `v-${key.length}`)).partition });
  for (let i = 0; i < 5; i++) placed.push({ key: null, partition: (await conn.sendSyncByte(topic, null, Buffer.from(`keyless-${i}`))).partition });
  for (const p of placed) {
    expect(p.partition).toBe(saramaPartitionForKey(Buffer.from(p.key ?? ''), 6));
  }
  expect(placed.filter((p) => p.key === null).map((p) => p.partition)).toEqual([3, 3, 3, 3, 3]);

  const total = 12 + KEYS.length + 5;
  await until(() => got.length >= total, 30_000, `${total} messages`);
  expect(got.filter((m) => m.value!.toString().startsWith('early-'))).toHaveLength(12);
  // the key of a keyless record stays null on the wire
  expect(got.filter((m) => m.value!.toString().startsWith('keyless-')).every((m) => m.key === null)).toBe(true);
});

test('what the Config sets explicitly wins over the Go defaults, and MultiplexerOptions win over the Config', async () => {
  const topic = await createTopic(admin, uniqueTopic('go-explicit'), 6);
  const early = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
  open.push(early);
  await early.sendMsgByte(topic, 'early', 'early');

  const mx = await mux({ initialOffset: 'newest', hashFunction: 'murmur2', nullKey: 'sticky' });
  expect([mx.config.initialOffset, mx.config.hashFunction, mx.config.nullKey]).toEqual(['newest', 'murmur2', 'sticky']);
  const conn = mx.newBytesConnection('c');
  const got: string[] = [];
  conn.consumeTopic((m) => void got.push(m.value!.toString()), topic);
  await mx.start();
  for (const key of KEYS.slice(1, 20)) {
    expect((await conn.sendSyncString(topic, key, 'late')).partition).toBe(javaPartitionForKey(Buffer.from(key), 6));
  }
  // newest: records sent before a partition's position resolved are skipped too, so probe until one arrives
  const deadline = Date.now() + 20_000;
  while (!got.includes('probe') && Date.now() < deadline) {
    await conn.sendSyncString(topic, 'order-42', 'probe');
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(got).toContain('probe');
  expect(got).not.toContain('early'); // what was there before the group joined is not read

  const overridden = await mux({ hashFunction: 'murmur2', initialOffset: 'newest' }, uniqueTopic('go-options'), { hashFunction: 'fnv1a', initialOffset: 'oldest', nullKey: 'sticky' });
  expect([overridden.config.initialOffset, overridden.config.hashFunction, overridden.config.nullKey]).toEqual(['oldest', 'fnv1a', 'sticky']);
  const c2 = overridden.newBytesConnection('c2');
  expect((await c2.sendSyncString(topic, 'order-42', 'x')).partition).toBe(saramaPartitionForKey(Buffer.from('order-42'), 6));
});

test('the client layer keeps Java defaults; nullKey value-md5 keys a keyless record by its value (the Go client producers)', async () => {
  const plain = new Config({ brokers: [bootstrap] });
  expect([plain.initialOffset, plain.hashFunction, plain.nullKey]).toEqual(['newest', 'murmur2', 'sticky']);
  expect(plain.isSet('hashFunction')).toBe(false);
  expect(new Config({ hashFunction: 'murmur2' }).isSet('hashFunction')).toBe(true);
  expect(new Config({ groupId: 'g' }).isSet('group')).toBe(true);
  expect(() => new Config({ nullKey: 'md5' as never })).toThrow(/nullKey/);

  const topic = await createTopic(admin, uniqueTopic('value-md5'), 6);
  const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1, nullKey: 'value-md5' }));
  open.push(producer);
  const value = 'the same value twice';
  const md5 = createHash('md5').update(value).digest('hex');
  const a = await producer.sendMsgByte(topic, null, value);
  const b = await producer.sendMsgByte(topic, '', value);
  const keyed = await producer.sendMsgByte(topic, 'own-key', value);
  const pinned = await producer.sendMsgToPartition(topic, 5, null, value);
  expect(a.key).toBe(md5);
  expect(b.key).toBe(md5);
  expect(keyed.key).toBe('own-key');
  expect(pinned.key).toBeNull(); // an explicit partition: the key is left alone
  expect(a.partition).toBe(javaPartitionForKey(Buffer.from(md5), 6));
  expect(b.partition).toBe(a.partition);
});

describe('the YAML file: every Go default can be set, and a file without the keys takes the Go defaults', () => {
  const file = path.join(os.tmpdir(), 'kafka.conf');
  test('no keys: nothing set in the Config, so the Multiplexer applies the Go defaults; json serializer', () => {
    const { config, serializer } = parseMuxConfig(`addrs: [${bootstrap}]\n`, file);
    expect(config.isSet('initialOffset') || config.isSet('hashFunction') || config.isSet('nullKey')).toBe(false);
    expect(serializer).toBeUndefined();
  });

  test('hash_function, null_key, initial_offset and serializer', () => {
    const r = parseMuxConfig('hash_function: murmur2\nnull_key: sticky\ninitial_offset: newest\nserializer: binary\n', file);
    expect([r.config.hashFunction, r.config.nullKey, r.config.initialOffset]).toEqual(['murmur2', 'sticky', 'newest']);
    expect(r.serializer).toBe(binarySerializer);
    expect(parseMuxConfig('serializer: json\nnull_key: value-md5\nhash_function: fnv1a\n', file).serializer).toBe(jsonSerializer);
  });

  test.each([
    ['hash_function: crc32\n', 'hash_function', 1],
    ['addrs: [a:1]\nnull_key: random\n', 'null_key', 2],
    ['serializer: xml\n', 'serializer', 1],
  ])('%j is a MuxConfigError naming the key and line', (text, key, line) => {
    let err: unknown;
    try {
      parseMuxConfig(text, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MuxConfigError);
    expect((err as MuxConfigError).key).toBe(key);
    expect((err as MuxConfigError).line).toBe(line);
  });

  test('Multiplexer.fromFile: a file without the keys gives the Go defaults; with them, the file wins', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-go-defaults-'));
    const a = path.join(dir, 'a.conf');
    const b = path.join(dir, 'b.conf');
    fs.writeFileSync(a, `addrs:\n  - "${bootstrap}"\n`);
    fs.writeFileSync(b, `addrs: [${bootstrap}]\nhash_function: murmur2\ninitial_offset: newest\nnull_key: sticky\nserializer: binary\n`);
    const ma = await Multiplexer.fromFile(a, 'a');
    open.push(ma);
    const mb = await Multiplexer.fromFile(b, 'b');
    open.push(mb);
    expect([ma.config.initialOffset, ma.config.hashFunction, ma.config.nullKey, ma.serializer]).toEqual(['oldest', 'fnv1a', 'hash-empty', jsonSerializer]);
    expect([mb.config.initialOffset, mb.config.hashFunction, mb.config.nullKey, mb.serializer]).toEqual(['newest', 'murmur2', 'sticky', binarySerializer]);
    expect(mb.newProtoConnection('p').serializer).toBe(binarySerializer);
    expect(ma.newProtoConnection('p').serializer).toBe(jsonSerializer);
  });
});

test("the group: Multiplexer.fromFile uses the name as Go's InitMultiplexer (not the file's group_id); the plugin uses group_id", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-group-'));
  const file = path.join(dir, 'kafka.conf');
  fs.writeFileSync(file, `addrs: [${bootstrap}]\ngroup_id: from-the-file\n`);
  const lines: string[] = [];
  const byName = await Multiplexer.fromFile(file, 'the-name');
  open.push(byName);
  expect(byName.groupId).toBe('the-name');
  const byOption = await Multiplexer.fromFile(file, 'the-name', { groupId: 'from-options' });
  open.push(byOption);
  expect(byOption.groupId).toBe('from-options');
  const { KafkaPlugin } = await import('../../src/plugin/plugin.js');
  const plugin = new KafkaPlugin({ configFile: file, name: 'plugin-name', logger: { debug() {}, info: (m) => void lines.push(m), warn() {}, error() {} } });
  open.push(plugin);
  await plugin.init();
  expect(plugin.multiplexer().groupId).toBe('from-the-file');
  const noGroup = path.join(dir, 'nogroup.conf');
  fs.writeFileSync(noGroup, `addrs: [${bootstrap}]\n`);
  const plugin2 = new KafkaPlugin({ configFile: noGroup, name: 'plugin-name' });
  open.push(plugin2);
  await plugin2.init();
  expect(plugin2.multiplexer().groupId).toBe('plugin-name');
  expect(lines).toEqual([]);
});
