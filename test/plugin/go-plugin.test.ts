/**
 * The plugin as the Go layer's: config lookup (kafka.conf in CONFIG_DIR, disabled with a log line
 * when none is found), FromExistingMux, NewConnection, the watcher API, publishers that name a
 * proto connection, MarkPartitionOffset. Against the real broker.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { Config, OffsetOldest } from '../../src/client/config.js';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { MuxConfigError, MuxUsageError } from '../../src/mux/errors.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import type { ProtoMessage } from '../../src/mux/proto.js';
import type { Logger } from '../../src/network/logger.js';
import { KafkaPlugin, findPluginConfigFile } from '../../src/plugin/plugin.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
let admin: Cluster;
const closing: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  for (const c of closing.reverse()) await c.close().catch(() => {});
  await admin?.close();
});

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { logger: { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') }, lines };
}

describe('config lookup, as the Go plugin', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-lookup-'));
  const cwd = path.join(root, 'work');
  const confDir = path.join(root, 'etc');
  mkdirSync(cwd);
  mkdirSync(confDir);
  writeFileSync(path.join(confDir, 'kafka.conf'), `addrs: [${bootstrap}]\n`);
  writeFileSync(path.join(confDir, 'other.conf'), `addrs: [${bootstrap}]\n`);

  test('kafka.conf in CONFIG_DIR; KAFKA_CONFIG as given or inside CONFIG_DIR; the working directory first', () => {
    expect(findPluginConfigFile({ cwd, env: { CONFIG_DIR: confDir } }).file).toBe(path.join(confDir, 'kafka.conf'));
    expect(findPluginConfigFile({ cwd, env: { CONFIG_DIR: confDir, KAFKA_CONFIG: 'other.conf' } }).file).toBe(path.join(confDir, 'other.conf'));
    expect(findPluginConfigFile({ cwd, env: { KAFKA_CONFIG: path.join(confDir, 'other.conf') } }).file).toBe(path.join(confDir, 'other.conf'));
    expect(findPluginConfigFile({ cwd, env: {}, configDir: confDir }).file).toBe(path.join(confDir, 'kafka.conf'));
    // a relative CONFIG_DIR is relative to the working directory
    expect(findPluginConfigFile({ cwd, env: { CONFIG_DIR: '../etc' } }).file).toBe(path.join(confDir, 'kafka.conf'));
    writeFileSync(path.join(cwd, 'kafka.conf'), `addrs: [${bootstrap}]\n`);
    try {
      expect(findPluginConfigFile({ cwd, env: { CONFIG_DIR: confDir } }).file).toBe(path.join(cwd, 'kafka.conf'));
    } finally {
      require('node:fs').rmSync(path.join(cwd, 'kafka.conf'));
    }
    const none = findPluginConfigFile({ cwd, env: { KAFKA_CONFIG: 'missing.conf', CONFIG_DIR: confDir } });
    expect(none).toEqual({ file: undefined, tried: [path.join(cwd, 'missing.conf'), path.join(confDir, 'missing.conf')] });
  });

  test('no file found: disabled, with one info line naming where it looked', async () => {
    const { logger, lines } = capture();
    const plugin = new KafkaPlugin({ cwd, env: { KAFKA_CONFIG: 'missing.conf' }, logger });
    await plugin.init();
    expect(plugin.disabled).toBe(true);
    expect(plugin.configFile()).toBeUndefined();
    expect(lines).toEqual([`info kafka config not found (looked at ${path.join(cwd, 'missing.conf')}): the Kafka plugin is disabled`]);
    await plugin.afterInit();
    await plugin.close();
  });

  test('a file found in CONFIG_DIR is used; a found file that is bad is an error', async () => {
    const { logger, lines } = capture();
    const plugin = new KafkaPlugin({ cwd, env: { CONFIG_DIR: confDir }, logger });
    closing.push(plugin);
    await plugin.init();
    expect(plugin.disabled).toBe(false);
    expect(plugin.configFile()).toBe(path.join(confDir, 'kafka.conf'));
    expect(lines).toEqual([]);
    expect(plugin.multiplexer().config.initialOffset).toBe('oldest');

    writeFileSync(path.join(confDir, 'bad.conf'), 'addrs: [a:1]\nnot_a_key: 1\n');
    const bad = new KafkaPlugin({ cwd, env: { CONFIG_DIR: confDir, KAFKA_CONFIG: 'bad.conf' }, logger });
    await expect(bad.init()).rejects.toBeInstanceOf(MuxConfigError);
    expect(bad.disabled).toBe(false);
  });
});

test('fromExistingMux: no config read; afterInit starts the Multiplexer, close closes it; newConnection is newBytesConnection', async () => {
  const topic = await createTopic(admin, uniqueTopic('existing'), 1);
  const mx = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap], lingerMs: 1, heartbeatIntervalMs: 300 }), uniqueTopic('existing'));
  const plugin = KafkaPlugin.fromExistingMux(mx, { env: { KAFKA_CONFIG: '/nonexistent/kafka.conf' } });
  closing.push(plugin);
  await plugin.init();
  expect(plugin.disabled).toBe(false);
  expect(plugin.multiplexer()).toBe(mx);
  const conn = plugin.newConnection('bytes');
  const got: ConsumerMessage[] = [];
  conn.consumeTopic((m) => void got.push(m), topic);
  expect(mx.isStarted()).toBe(false);
  await plugin.afterInit();
  expect(mx.isStarted()).toBe(true);
  await conn.sendSyncString(topic, 'k', 'via newConnection');
  await until(() => got.length === 1, 20_000, 'the message');
  expect(got[0]!.value!.toString()).toBe('via newConnection');
  expect(() => plugin.newConnection('bytes')).toThrow(MuxUsageError); // one name, one connection
  await plugin.close();
  expect(() => mx.newBytesConnection('after')).toThrow(/closed/);
});

test('watchers and publishers naming a proto connection: protojson with proto names on the wire, watch/stopWatch, watchPartition/stopWatchPartition', async () => {
  const Item = protobuf.parse('syntax = "proto3"; package shop; message Item { string sku_code = 1; int64 unit_count = 2; }').root.lookupType('shop.Item');
  const [watched, manual] = await Promise.all([createTopic(admin, uniqueTopic('watch'), 1), createTopic(admin, uniqueTopic('watch-manual'), 2)]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-watch-'));
  writeFileSync(path.join(dir, 'kafka.conf'), `addrs: [${bootstrap}]\ngroup_id: ${uniqueTopic('watch-group')}\n`);
  const plugin = new KafkaPlugin({ env: { CONFIG_DIR: dir }, cwd: dir });
  closing.push(plugin);
  await plugin.init();

  const watcher = plugin.newWatcher('watcher');
  const raw = plugin.newBytesConnection('raw');
  const seen: Array<Record<string, unknown>> = [];
  const wire: string[] = [];
  watcher.watch((m: ProtoMessage) => {
    seen.push(Item.toObject(m.getValue<protobuf.Message>(Item), { longs: String }));
    watcher.markOffset(m);
  }, watched);
  raw.consumeTopic((m) => void wire.push(m.value!.toString()), watched);
  await plugin.afterInit();

  // the Go plugin's form: a publisher on the named proto connection (made on first use, then shared)
  const sync = plugin.newSyncPublisher('publisher', watched);
  const async = plugin.newAsyncPublisher('publisher', watched, undefined, (err) => {
    throw err;
  });
  await sync.put('k1', Item.create({ skuCode: 'A-1', unitCount: 2 }));
  await async.put('k2', Item.create({ skuCode: 'B-2', unitCount: 3 }));
  await until(() => seen.length === 2 && wire.length === 2, 20_000, 'two items');
  expect(seen).toEqual([{ skuCode: 'A-1', unitCount: '2' }, { skuCode: 'B-2', unitCount: '3' }]);
  expect(wire[0]).toContain('"sku_code":"A-1"');
  expect(wire[0]).toContain('"unit_count":"2"');

  // partition watchers: watchPartition from OffsetOldest; the Go form of the ToPartition publishers
  const pw = plugin.newPartitionWatcher('partition-watcher');
  const toOne = plugin.newSyncPublisherToPartition('manual-publisher', manual, 1);
  for (let i = 0; i < 3; i++) expect((await toOne.put(`m${i}`, Item.create({ skuCode: `M-${i}` }))).partition).toBe(1);
  const fromOne: string[] = [];
  await pw.watchPartition((m) => void fromOne.push(String(Item.toObject(m.getValue<protobuf.Message>(Item)).skuCode)), manual, 1, OffsetOldest);
  await until(() => fromOne.length === 3, 20_000, 'three items from partition 1');
  expect(fromOne).toEqual(['M-0', 'M-1', 'M-2']);
  expect(() => pw.stopWatchPartition(manual, 1, 7n)).toThrow(/from offset 7/); // names no subscription: nothing stops
  pw.stopWatchPartition(manual, 1, OffsetOldest);
  await toOne.put('m3', Item.create({ skuCode: 'M-3' }));
  await new Promise((r) => setTimeout(r, 500));
  expect(fromOne).toHaveLength(3);

  watcher.stopWatch(watched);
  expect(plugin.multiplexer().isPaused(watched)).toBe(false); // raw still consumes it
});

test('markPartitionOffset commits offset + 1 like markOffset; Consumer.isClosed', async () => {
  const topic = await createTopic(admin, uniqueTopic('mark-partition'), 2);
  const group = uniqueTopic('mark-partition-group');
  const mx = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap], lingerMs: 1, heartbeatIntervalMs: 300 }), group);
  closing.push(mx);
  const conn = mx.newBytesConnection('c');
  const got: ConsumerMessage[] = [];
  conn.consumeTopic((m) => void got.push(m), topic);
  await mx.start();
  for (let i = 0; i < 4; i++) await conn.sendSyncStringToPartition(topic, 1, null, `v${i}`);
  await until(() => got.length === 4, 20_000, 'four messages');
  conn.markPartitionOffset(topic, 1, 2);
  expect(() => conn.markPartitionOffset(topic, -1, 2)).toThrow(MuxUsageError);
  expect(() => conn.markPartitionOffset(topic, 1, -3n)).toThrow(/offset must be/);
  await conn.commitOffsets();
  await mx.close();

  const { Consumer } = await import('../../src/client/consumer.js');
  const reader = await Consumer.create(new Config({ brokers: [bootstrap], group, topics: [topic], heartbeatIntervalMs: 300 }));
  closing.push(reader);
  const next = await reader.messages().next();
  expect(next.value!.partition).toBe(1);
  expect(next.value!.offset).toBe(3n); // offset 2 marked: 3 committed
  reader.markPartitionOffset(topic, 1, 3n);
  expect(() => reader.markPartitionOffset(topic, 1, 1.5)).toThrow(/safe integer/);
  expect(reader.isClosed()).toBe(false);
  await reader.close();
  expect(reader.isClosed()).toBe(true);
});
