// Proto connections: protobuf messages over a Multiplexer, with a type defined in code (no .proto
// file), once in protobuf's binary wire format and once in its canonical JSON mapping (what Go's
// protojson writes). Handlers decode with getValue(Type).
import { Config, Multiplexer, binarySerializer, type ProtoConnection, type ProtoMessage } from 'kafkaesque';
import * as protobuf from 'protobufjs';

// shop.Order, as protoc would describe it (Root.fromJSON takes protobufjs's JSON descriptor form)
const root = protobuf.Root.fromJSON({
  nested: {
    shop: {
      nested: {
        Status: { values: { STATUS_UNSPECIFIED: 0, STATUS_PAID: 1, STATUS_SHIPPED: 2 } },
        Order: {
          fields: {
            id: { type: 'string', id: 1 },
            quantity: { type: 'int32', id: 2 },
            status: { type: 'Status', id: 3 },
            tags: { rule: 'repeated', type: 'string', id: 4 },
            placedAtMs: { type: 'int64', id: 5 }, // proto name placed_at_ms; protobufjs names fields in lowerCamelCase
          },
        },
      },
    },
  },
});
const Order = root.lookupType('shop.Order');

/** A decoded Order as plain data: enums by name, 64-bit integers as strings. */
const show = (order: protobuf.Message): string => JSON.stringify(Order.toObject(order, { enums: String, longs: String }));

async function main(): Promise<void> {
  const brokers = [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'];
  const base = process.argv[2] ?? `kafkaesque-example-proto-${Date.now()}`;
  const binTopic = `${base}-bin`;
  const jsonTopic = `${base}-json`;
  const mx = await Multiplexer.fromConfig(new Config({ brokers, initialOffset: 'oldest' }), `example-proto-${Date.now()}`);
  mx.on('error', (err) => console.error(`proto: ${err.message}`));

  const binary = mx.newProtoConnection('orders-binary', binarySerializer);
  const json = mx.newProtoConnection('orders-json'); // jsonSerializer is the default, as the Go plugin's
  const raw = mx.newBytesConnection('raw'); // sees the JSON connection's bytes as they are on the wire

  let pending = 3;
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const decode = (conn: ProtoConnection, label: string) => (m: ProtoMessage) => {
    const order = m.getValue<protobuf.Message>(Order);
    console.log(`proto ${label}: ${m.topic}@${m.offset} key=${m.key?.toString()} ${show(order)}`);
    conn.markOffset(m);
    if (--pending === 0) allDone();
  };
  binary.consumeTopic(decode(binary, 'binary'), binTopic);
  json.consumeTopic(decode(json, 'json'), jsonTopic);
  raw.consumeTopic((m) => {
    console.log(`proto json on the wire: ${m.value?.toString()}`);
    raw.markOffset(m);
    if (--pending === 0) allDone();
  }, jsonTopic);
  await mx.start();

  // a protobufjs message (it carries its $type) ...
  const order = Order.fromObject({ id: 'order-1', quantity: 3, status: 'STATUS_PAID', tags: ['gift'], placedAtMs: '1700000000000' });
  const sent = await binary.sendSyncMessage(binTopic, 'order-1', order);
  console.log(`proto binary: sent ${Order.encode(order).finish().length} bytes -> partition ${sent.partition} offset ${sent.offset}`);
  // ... or a plain object with its Type
  await json.sendSyncMessage(jsonTopic, 'order-2', { type: Order, value: { id: 'order-2', quantity: 1, status: 2, placedAtMs: 1700000000001 } });

  await done;
  await mx.close();
  console.log('proto: closed');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
