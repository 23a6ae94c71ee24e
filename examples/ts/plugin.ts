// The Kafka plugin: a Multiplexer's lifecycle (init, afterInit, health, close) configured by a
// YAML file. Without a config file the plugin is disabled; a bad file is an error, not a
// disabled plugin.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConsumerMessage, KafkaPlugin, MuxConfigError, PluginDisabledError } from 'kafkaesque';

async function main(): Promise<void> {
  const broker = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
  const topic = process.argv[2] ?? `kafkaesque-example-plugin-${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), 'kafkaesque-plugin-'));
  try {
    const configFile = join(dir, 'kafka.yaml');
    writeFileSync(
      configFile,
      [
        `addrs: [${broker}]`,
        `group_id: example-plugin-${Date.now()}`,
        'client_id: example-plugin',
        'acks: all',
        'compression: lz4',
        'initial_offset: oldest',
        '',
      ].join('\n'),
    );

    // ---- configured: the file names the brokers and the group
    const kafka = new KafkaPlugin({ name: 'orders', configFile }); // or set KAFKA_CONFIG
    await kafka.init(); // reads and validates the file, creates the Multiplexer
    console.log(`plugin: initialized from ${configFile} (disabled: ${kafka.disabled})`);
    const conn = kafka.newBytesConnection('audit');
    const received = new Promise<ConsumerMessage>((resolve) =>
      conn.consumeTopic((m) => {
        conn.markOffset(m);
        resolve(m);
      }, topic),
    );
    const publish = kafka.newSyncPublisher(topic);
    await kafka.afterInit(); // starts the Multiplexer: joins the group
    const { partition, offset } = await publish.put('order-1', 'paid');
    console.log(`plugin: published order-1 -> ${topic}/${partition}@${offset}`);
    const m = await received;
    console.log(`plugin: received ${m.key?.toString()}=${m.value?.toString()} at offset ${m.offset}`);
    const health = await kafka.health(); // a Metadata request, never creating a topic
    console.log(`plugin: health ${health.status}${health.status === 'error' ? ` (${health.reason})` : ''}`);
    await kafka.close();
    console.log('plugin: closed');

    // ---- no config file: disabled; lifecycle calls succeed, connection methods throw
    const off = new KafkaPlugin({ name: 'orders', env: {} }); // env: {} stands for "KAFKA_CONFIG unset"
    await off.init();
    console.log(`plugin: without a config file, disabled: ${off.disabled}`);
    try {
      off.newBytesConnection('audit');
    } catch (err) {
      if (!(err instanceof PluginDisabledError)) throw err;
      console.log(`plugin: ${err.constructor.name} (${err.code}): ${err.message}`);
    }
    const offHealth = await off.health();
    console.log(`plugin: disabled health ${offHealth.status}`);
    await off.afterInit();
    await off.close();

    // ---- a bad file: init() rejects, naming the file, the line and the key
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, `addrs: [${broker}]\nack: all\n`);
    try {
      await new KafkaPlugin({ name: 'orders', configFile: badFile }).init();
    } catch (err) {
      if (!(err instanceof MuxConfigError)) throw err;
      console.log(`plugin: ${err.constructor.name} at line ${err.line}, key '${err.key}'`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
