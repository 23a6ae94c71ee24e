/** The Kafka plugin: disabled without a config file, errors on a bad one, lifecycle and health against the real broker. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { MuxConfigError } from '../../src/mux/errors.js';
import { KafkaPlugin } from '../../src/plugin/plugin.js';
import { PluginDisabledError } from '../../src/plugin/errors.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
const dir = mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-plugin-'));
const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'mux', name);

function configFile(body: string): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, body);
  return f;
}

test('no config file: disabled, and every connection method says so', async () => {
  const plugin = new KafkaPlugin({ env: {} });
  await plugin.init();
  expect(plugin.disabled).toBe(true);
  for (const call of [
    () => plugin.newBytesConnection('a'),
    () => plugin.newBytesManualConnection('a'),
    () => plugin.newProtoConnection('a'),
    () => plugin.newProtoManualConnection('a'),
    () => plugin.newSyncPublisher('t'),
    () => plugin.newAsyncPublisher('t'),
    () => plugin.newSyncPublisherToPartition('t', 0),
    () => plugin.newAsyncPublisherToPartition('t', 0),
  ]) {
    expect(call).toThrow(PluginDisabledError);
    expect(call).toThrow(/disabled/);
  }
  expect(() => plugin.admin()).toThrow(PluginDisabledError);
  await plugin.afterInit();
  expect(await plugin.health()).toEqual({ status: 'error', reason: expect.stringContaining('disabled') });
  await plugin.close();
});

test('a malformed config file is an error, not a disabled plugin', async () => {
  const plugin = new KafkaPlugin({ env: { KAFKA_CONFIG: fixture('unknown-key.yaml') } });
  await expect(plugin.init()).rejects.toBeInstanceOf(MuxConfigError);
  expect(plugin.disabled).toBe(false);
});

test('KAFKA_CONFIG: init, connections, afterInit starts, health ok, close', async () => {
  const admin = await Cluster.connect({ brokers: [bootstrap] });
  const topic = await createTopic(admin, uniqueTopic('plugin'), 1);
  const group = uniqueTopic('plugin-group');
  const file = configFile(`addrs:\n  - ${bootstrap}\ngroup_id: ${group}\ninitial_offset: oldest\nacks: all\n`);
  const plugin = new KafkaPlugin({ env: { KAFKA_CONFIG: file }, name: 'svc' });
  try {
    await plugin.init();
    expect(plugin.disabled).toBe(false);
    expect(plugin.multiplexer().groupId).toBe(group);
    const got: ConsumerMessage[] = [];
    const conn = plugin.newBytesConnection('in');
    conn.consumeTopic((m) => void got.push(m), topic);
    await plugin.afterInit();
    await plugin.newSyncPublisher(topic).put('k', 'sync');
    const acked: unknown[] = [];
    await plugin.newAsyncPublisher(topic, (m) => acked.push(m.metadata)).put('k', 'async', 'meta');
    await plugin.newSyncPublisherToPartition(topic, 0).put(null, 'to-partition');
    const deadline = Date.now() + 20_000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(got.map((m) => m.value!.toString()).sort()).toEqual(['async', 'sync', 'to-partition']);
    expect(acked).toEqual(['meta']);
    expect(await plugin.health()).toEqual({ status: 'ok', lag: 0 }) // every record handed to the handler;
    // an Admin on the plugin's config
    const pluginAdmin = await plugin.admin();
    try {
      expect((await pluginAdmin.describeTopics([topic]))[0]!.error).toBeNull();
    } finally {
      await pluginAdmin.close();
    }
  } finally {
    await plugin.close();
    await admin.close();
  }
});

test('init fails against an unreachable broker; health is ok on a live one and an error once closed', async () => {
  const file = configFile('addrs: [127.0.0.1:1]\n');
  const plugin = new KafkaPlugin({ configFile: file, healthTimeoutMs: 10_000 });
  // the Multiplexer's producers connect in init(): an unreachable broker fails there
  await expect(plugin.init()).rejects.toThrow();
  const ok = new KafkaPlugin({ configFile: configFile(`addrs: [${bootstrap}]\n`), healthTimeoutMs: 10_000 });
  await ok.init();
  await ok.afterInit();
  expect(await ok.health()).toEqual({ status: 'ok' });
  await ok.close();
  expect(await ok.health()).toMatchObject({ status: 'error' });
});
