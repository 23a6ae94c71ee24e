/**
 * The consumer protocol's embedded structs, v0-v3, against Kafka's ConsumerProtocolSubscription
 * and ConsumerProtocolAssignment (generated "data" classes, no version prefix: the envelope is
 * covered by test/protocol/consumer-protocol.test.ts).
 */
import {
  CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION,
  CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION,
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
} from '../../protocol/messages/consumer-protocol.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import { conformanceSuite, sharedOracle } from './harness.js';

function decodeAll<T>(bytes: Buffer, read: (r: Reader) => T): T {
  const r = new Reader(bytes);
  const value = read(r);
  r.expectEnd('message');
  return value;
}

conformanceSuite({
  message: 'ConsumerProtocolSubscription',
  versions: [0, CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION],
  encode: (value, v) => {
    const w = new Writer();
    encodeConsumerProtocolSubscription(w, value, v);
    return Buffer.from(w.finish());
  },
  decode: (bytes, v) => decodeAll(bytes, (r) => decodeConsumerProtocolSubscription(r, v)),
});

conformanceSuite({
  message: 'ConsumerProtocolAssignment',
  versions: [0, CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION],
  encode: (value, v) => {
    const w = new Writer();
    encodeConsumerProtocolAssignment(w, value, v);
    return Buffer.from(w.finish());
  },
  decode: (bytes, v) => decodeAll(bytes, (r) => decodeConsumerProtocolAssignment(r, v)),
});

test("our highest versions are Kafka's", async () => {
  const oracle = await sharedOracle();
  expect(await oracle.versions('ConsumerProtocolSubscription')).toEqual({ lowest: 0, highest: CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION });
  expect(await oracle.versions('ConsumerProtocolAssignment')).toEqual({ lowest: 0, highest: CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION });
});
