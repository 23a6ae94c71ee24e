// The Kafka plugin with proto connections, as a cn-infra service uses it: the plugin finds
// kafka.conf in CONFIG_DIR, a watcher receives protobuf messages, a publisher named after its
// connection sends them. On the wire they are protojson with the .proto file's field names
// (what the Go plugin's keyval.SerializerJSON writes), so Go services read them unchanged.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaPlugin, type ProtoMessage } from 'kafkaesque';
import * as protobuf from 'protobufjs';

const root = protobuf.parse(`
  syntax = "proto3";
  package shop;
  message Address { string street_name = 1; uint32 house_number = 2; }
  message Order {
    string order_id = 1;
    int64 total_cents = 2;
    Address ship_to = 3;
    repeated string gift_tags = 4;
  }
`).root;
const Order = root.lookupType('shop.Order');

async function main(): Promise<void> {
  const broker = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
  const topic = process.argv[2] ?? `kafkaesque-example-plugin-proto-${Date.now()}`;
  const configDir = mkdtempSync(join(tmpdir(), 'kafkaesque-conf-'));
  writeFileSync(join(configDir, 'kafka.conf'), `addrs: [${broker}]\ngroup_id: example-plugin-proto-${Date.now()}\n`);
  try {
    // CONFIG_DIR is where the Go plugin looks for kafka.conf; here passed explicitly
    const kafka = new KafkaPlugin({ env: { CONFIG_DIR: configDir } });
    await kafka.init();
    console.log(`plugin-proto: config ${kafka.configFile() === join(configDir, 'kafka.conf') ? 'kafka.conf from CONFIG_DIR' : kafka.configFile()}`);

    const watcher = kafka.newWatcher('orders-watcher'); // a proto connection
    const wire = kafka.newBytesConnection('wire'); // sees the bytes as they are on the wire
    let pending = 2;
    let done!: () => void;
    const bothSeen = new Promise<void>((resolve) => (done = resolve));
    watcher.watch((m: ProtoMessage) => {
      const order = Order.toObject(m.getValue<protobuf.Message>(Order), { longs: String });
      console.log(`plugin-proto: watched ${m.key?.toString()} ${JSON.stringify(order)}`);
      watcher.markOffset(m);
      if (--pending === 0) done();
    }, topic);
    wire.consumeTopic((m) => {
      console.log(`plugin-proto: on the wire ${m.value?.toString()}`);
      if (--pending === 0) done();
    }, topic);
    await kafka.afterInit();

    // the Go plugin's NewSyncPublisher(connectionName, topic)
    const publisher = kafka.newSyncPublisher('orders-publisher', topic);
    const order = Order.create({ orderId: 'o-1', totalCents: 1250, shipTo: { streetName: 'Main St', houseNumber: 7 }, giftTags: ['red'] });
    const { partition, offset } = await publisher.put('o-1', order);
    console.log(`plugin-proto: published o-1 -> partition ${partition} offset ${offset}`);
    await bothSeen;
    await kafka.close();
    console.log('plugin-proto: closed');
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
