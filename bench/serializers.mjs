#!/usr/bin/env node
// The proto connections' serializers, on one core: messages/s and MB/s to encode and to decode a
// typical interop.Order (test/fixtures/proto/interop.proto: nested address, 3 line items with
// maps, a timestamp, a wrapper, an int64 map), for
//   - jsonSerializer: protojson with proto names (the Multiplexer's default, the Go plugin's),
//   - protobufjs toObject + JSON.stringify / JSON.parse + fromObject (what jsonSerializer was
//     before it wrote Go's protojson: no well-known types, lowerCamelCase only),
//   - binarySerializer (protobuf wire format).
//
//   node scripts/build.mjs && node bench/serializers.mjs [seconds-per-case]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { jsonSerializer, binarySerializer } = require('../dist/src/index.js');
const protobuf = require('protobufjs');

const seconds = Number(process.argv[2] ?? 1);
const root = protobuf.loadSync(fileURLToPath(new URL('../test/fixtures/proto/interop.proto', import.meta.url)));
const Order = root.lookupType('interop.Order');

const order = Order.fromObject({
  orderId: 'ord-1000042',
  customerId: '9007199254740993',
  status: 'STATUS_ACTIVE',
  shipTo: { streetName: 'Main St', houseNumber: 7, city: 'Lisbon', geoPoint: { latDeg: 38.72, lonDeg: -9.14 } },
  lineItems: [1, 2, 3].map((i) => ({ skuCode: `SKU-${i}`, quantity: i, unitPriceMicros: String(i * 1_250_000), giftTags: ['red'], itemAttrs: { size: 'M', colour: 'blue' } })),
  countersByName: { views: '12', clicks: '3' },
  isPriority: true,
  totalAmount: 112.5,
  createdAt: { seconds: '1700000000', nanos: 123000000 },
  note: { value: 'leave at the door' },
});

const CAMEL = { longs: String, enums: String, bytes: String, defaults: false, json: true };
const cases = [
  ['jsonSerializer (protojson, proto names)', (o) => jsonSerializer.encode(Order, o), (b) => jsonSerializer.decode(Order, b)],
  ['protobufjs toObject + JSON (camelCase, no WKT)', (o) => Buffer.from(JSON.stringify(Order.toObject(o, CAMEL))), (b) => Order.fromObject(JSON.parse(b.toString()))],
  ['binarySerializer (wire format)', (o) => binarySerializer.encode(Order, o), (b) => binarySerializer.decode(Order, b)],
];

function rate(fn) {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

console.log(`| serializer | bytes | encode msg/s | encode MB/s | decode msg/s | decode MB/s |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (const [name, encode, decode] of cases) {
  const bytes = encode(order);
  const enc = rate(() => encode(order));
  const dec = rate(() => decode(bytes));
  const mb = (r) => ((r * bytes.length) / 1e6).toFixed(1);
  console.log(`| ${name} | ${bytes.length} | ${Math.round(enc).toLocaleString('en')} | ${mb(enc)} | ${Math.round(dec).toLocaleString('en')} | ${mb(dec)} |`);
}
