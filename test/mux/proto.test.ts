/** Proto connections against the real broker: binary and canonical-JSON serializers, group and manual. */
import * as protobuf from 'protobufjs';
import { Config, OffsetOldest } from '../../src/client/config.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { binarySerializer, jsonSerializer, type ProtoMessage } from '../../src/mux/proto.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();
let admin: Cluster;
let mx: Multiplexer | undefined;

const root = protobuf.parse(`
  syntax = "proto3";
  package shop;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }
  message Order {
    int64 user_id = 1;
    string name = 2;
    Kind kind = 3;
    bytes payload = 4;
    repeated string tags = 5;
    double price = 6;
  }
`).root;
const Order = root.lookupType('shop.Order');

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(async () => {
  await mx?.close();
  await admin?.close();
});


test('binary and JSON proto connections send and decode; a Go-style canonical JSON message decodes', async () => {
  const [binTopic, jsonTopic, manualTopic] = await Promise.all(
    ['proto-bin', 'proto-json', 'proto-manual'].map((t) => createTopic(admin, uniqueTopic(t), 1)),
  );
  mx = await Multiplexer.fromConfig(new Config({ brokers: [bootstrap], initialOffset: 'oldest', lingerMs: 1 }), uniqueTopic('proto'));
  const bin = mx.newProtoConnection('bin', binarySerializer);
  const json = mx.newProtoConnection('json', jsonSerializer);
  const manual = mx.newProtoManualConnection('manual-json', jsonSerializer);
  const raw = mx.newBytesConnection('raw');
  const binGot: ProtoMessage[] = [];
  const jsonGot: ProtoMessage[] = [];
  const manualGot: ProtoMessage[] = [];
  bin.consumeTopic((m) => {
    binGot.push(m);
    bin.markOffset(m);
  }, binTopic!);
  json.consumeTopic((m) => void jsonGot.push(m), jsonTopic!);
  await mx.start();
  await manual.consumePartition((m) => void manualGot.push(m), manualTopic!, 0, OffsetOldest);

  const order = Order.create({ userId: 42, name: 'first', kind: 2, payload: Buffer.from('hi'), tags: ['x', 'y'], price: 1.5 });
  await bin.sendSyncMessage(binTopic!, 'o1', order);
  await bin.newSyncPublisher(binTopic!).put('o2', { type: Order, value: { name: 'second' } });

  // what a Go service using protojson puts on the wire
  const goJson = '{"userId":"9007199254740993","name":"from-go","kind":"KIND_B","payload":"aGVsbG8=","tags":["a"],"price":2.25}';
  await raw.sendSyncString(jsonTopic!, 'go', goJson);
  await json.sendSyncMessage(jsonTopic!, 'ts', Order.fromObject({ userId: '7', name: 'from-ts', kind: 'KIND_A' }));
  await raw.sendSyncString(manualTopic!, 'go', goJson);
  await manual.sendSyncMessageToPartition(manualTopic!, 0, 'ts', Order.fromObject({ userId: '7', name: 'from-ts', kind: 'KIND_A' }));

  await until(() => binGot.length === 2 && jsonGot.length === 2 && manualGot.length === 2);
  const first = binGot[0]!.getValue<{ userId: protobuf.Long; name: string; kind: number; payload: Uint8Array; tags: string[] }>(Order);
  expect(first.userId.toString()).toBe('42');
  expect(first.name).toBe('first');
  expect(first.kind).toBe(2);
  expect(Buffer.from(first.payload).toString()).toBe('hi');
  expect(first.tags).toEqual(['x', 'y']);
  expect(binGot[1]!.getValue<{ name: string }>(Order).name).toBe('second');
  expect(binGot[0]!.key!.toString()).toBe('o1');

  const go = jsonGot[0]!.getValue<{ userId: protobuf.Long; name: string; kind: number; payload: Uint8Array; tags: string[]; price: number }>(Order);
  expect(go.userId.toString()).toBe('9007199254740993');
  expect(go.name).toBe('from-go');
  expect(go.kind).toBe(2);
  expect(Buffer.from(go.payload).toString()).toBe('hello');
  expect(go.price).toBe(2.25);
  // ours is the Go plugin's JSON: proto field names, int64 as a string, enum by name, defaults omitted
  expect(jsonGot[1]!.raw.value!.toString()).toBe('{"user_id":"7","name":"from-ts","kind":"KIND_A"}');
  expect(manualGot.map((m) => m.getValue<{ name: string }>(Order).name)).toEqual(['from-go', 'from-ts']);
  expect(() => jsonGot[0]!.getValue(root.lookupType('shop.Order'))).not.toThrow();
  expect(() => bin.sendSyncMessage(binTopic!, null, { name: 'no type' } as never)).toThrow(/\$type/);
  await mx.close();
  mx = undefined;
});
