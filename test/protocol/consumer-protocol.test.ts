/**
 * The consumer protocol's version-prefixed envelope (int16 version + struct) around
 * ConsumerProtocolSubscription / ConsumerProtocolAssignment. The structs themselves are proven
 * against Kafka's classes in test/conformance/consumer-protocol.conformance.test.ts; the fixed
 * vectors here are the bytes of Kafka 4.2.1's `ConsumerProtocol.serializeSubscription(
 * new ConsumerPartitionAssignor.Subscription(...), version)` and `serializeAssignment(...)`.
 */
import { ProtocolDecodeError, ProtocolEncodeError } from '../../protocol/errors.js';
import {
  CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION,
  CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION,
  type ConsumerProtocolAssignment,
  type ConsumerProtocolSubscription,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../protocol/messages/consumer-protocol.js';

const hex = (b: Buffer): string => b.toString('hex');
const unhex = (h: string): Buffer => Buffer.from(h, 'hex');

/**
 * new Subscription(List.of("t1", "t2"), ByteBuffer.wrap({1, 2, 3}),
 *   List.of(new TopicPartition("t1", 0), new TopicPartition("t1", 2), new TopicPartition("t2", 1)),
 *   7, Optional.of("rack-1"))
 */
const FULL: ConsumerProtocolSubscription = {
  topics: ['t1', 't2'],
  userData: Buffer.from([1, 2, 3]),
  ownedPartitions: [
    { topic: 't1', partitions: [0, 2] },
    { topic: 't2', partitions: [1] },
  ],
  generationId: 7,
  rackId: 'rack-1',
};

/** Java's bytes for FULL in each version (fields a version lacks are dropped: all are ignorable). */
const FULL_JAVA: Record<number, string> = {
  0: '000000000002000274310002743200000003010203',
  1: '0001000000020002743100027432000000030102030000000200027431000000020000000000000002000274320000000100000001',
  2: '000200000002000274310002743200000003010203000000020002743100000002000000000000000200027432000000010000000100000007',
  3: '00030000000200027431000274320000000301020300000002000274310000000200000000000000020002743200000001000000010000000700067261636b2d31',
};

/** FULL as read back from version v: what the version does not carry comes back as the default. */
function fullAsOf(v: number): ConsumerProtocolSubscription {
  return {
    topics: FULL.topics,
    userData: FULL.userData,
    ownedPartitions: v >= 1 ? FULL.ownedPartitions : [],
    generationId: v >= 2 ? FULL.generationId : -1,
    rackId: v >= 3 ? FULL.rackId : null,
  };
}

/** new Subscription(List.of("orders")): null userData, no owned partitions, no generation, no rack. */
const BARE: ConsumerProtocolSubscription = { topics: ['orders'], userData: null, ownedPartitions: [], generationId: -1, rackId: null };

/** new Assignment(List.of(t1-0, t1-1, t2-5), ByteBuffer.wrap({9})) */
const ASSIGNMENT: ConsumerProtocolAssignment = {
  assignedPartitions: [
    { topic: 't1', partitions: [0, 1] },
    { topic: 't2', partitions: [5] },
  ],
  userData: Buffer.from([9]),
};
const ASSIGNMENT_V3_BODY = '00000002000274310000000200000000000000010002743200000001000000050000000109';

describe('Subscription envelope', () => {
  test.each([0, 1, 2, 3])('v%d: byte-identical to Java and round-trips', (v) => {
    const bytes = encodeSubscription(FULL, v);
    expect(hex(bytes)).toBe(FULL_JAVA[v]);
    const { version, subscription } = decodeSubscription(bytes);
    expect(version).toBe(v);
    expect(subscription).toEqual(fullAsOf(v));
  });

  test('the default version is the highest, 3', () => {
    expect(CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION).toBe(3);
    expect(hex(encodeSubscription(FULL))).toBe(FULL_JAVA[3]);
  });

  test('null userData and defaults, as Java writes them', () => {
    expect(hex(encodeSubscription(BARE, 3))).toBe('00030000000100066f7264657273ffffffff00000000ffffffffffff');
    expect(hex(encodeSubscription(BARE, 0))).toBe('00000000000100066f7264657273ffffffff');
    expect(decodeSubscription(encodeSubscription(BARE, 3))).toEqual({ version: 3, subscription: BARE });
    expect(decodeSubscription(encodeSubscription(BARE, 0)).subscription.userData).toBeNull();
  });

  test('empty userData stays empty, not null', () => {
    const sub = { ...BARE, userData: Buffer.alloc(0) };
    const back = decodeSubscription(encodeSubscription(sub, 3)).subscription;
    expect(back.userData).toEqual(Buffer.alloc(0));
  });

  test('a version above 3 is written as 3, version prefix included (Java clamps the same way)', () => {
    expect(hex(encodeSubscription(FULL, 9))).toBe(FULL_JAVA[3]);
  });

  test('a negative version cannot be written', () => {
    expect(() => encodeSubscription(FULL, -1)).toThrow(ProtocolEncodeError);
  });

  test('a newer version (7) with extra trailing fields is read as v3, the rest ignored', () => {
    const bytes = unhex('0007' + FULL_JAVA[3]!.slice(4) + 'deadbeef');
    const { version, subscription } = decodeSubscription(bytes);
    expect(version).toBe(7);
    expect(subscription).toEqual(FULL);
  });

  test('bytes after a known version are ignored too (Java never checks for them)', () => {
    const { version, subscription } = decodeSubscription(unhex(FULL_JAVA[1] + 'cafe'));
    expect(version).toBe(1);
    expect(subscription).toEqual(fullAsOf(1));
  });

  test('truncated input throws ProtocolDecodeError at every length', () => {
    for (const v of [0, 1, 2, 3]) {
      const bytes = unhex(FULL_JAVA[v]!);
      for (let n = 0; n < bytes.length; n++) {
        expect(() => decodeSubscription(bytes.subarray(0, n))).toThrow(ProtocolDecodeError);
      }
    }
    // newer version, struct cut short
    expect(() => decodeSubscription(unhex('0007' + FULL_JAVA[3]!.slice(4, 40)))).toThrow(ProtocolDecodeError);
  });

  test('a negative version is refused (Java: SchemaException "Unsupported subscription version")', () => {
    expect(() => decodeSubscription(unhex('ffff00000000ffffffff'))).toThrow(ProtocolDecodeError);
  });
});

describe('Assignment envelope', () => {
  test.each([0, 1, 2, 3])('v%d: byte-identical to Java and round-trips', (v) => {
    const bytes = encodeAssignment(ASSIGNMENT, v);
    // the struct has not changed since v0: only the version prefix differs
    expect(hex(bytes)).toBe(`000${v}${ASSIGNMENT_V3_BODY}`);
    expect(decodeAssignment(bytes)).toEqual({ version: v, assignment: ASSIGNMENT });
  });

  test('the default version is the highest, 3; above 3 is written as 3', () => {
    expect(CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION).toBe(3);
    expect(hex(encodeAssignment(ASSIGNMENT))).toBe(`0003${ASSIGNMENT_V3_BODY}`);
    expect(hex(encodeAssignment(ASSIGNMENT, 9))).toBe(`0003${ASSIGNMENT_V3_BODY}`);
    expect(() => encodeAssignment(ASSIGNMENT, -1)).toThrow(ProtocolEncodeError);
  });

  test('an empty assignment with null userData, as Java writes it', () => {
    const empty: ConsumerProtocolAssignment = { assignedPartitions: [], userData: null };
    expect(hex(encodeAssignment(empty, 3))).toBe('000300000000ffffffff');
    expect(decodeAssignment(unhex('000300000000ffffffff'))).toEqual({ version: 3, assignment: empty });
  });

  test('a newer version (7) with trailing bytes is read as v3', () => {
    expect(decodeAssignment(unhex(`0007${ASSIGNMENT_V3_BODY}00`))).toEqual({ version: 7, assignment: ASSIGNMENT });
  });

  test('truncated input, including zero bytes, throws ProtocolDecodeError', () => {
    const bytes = unhex(`0003${ASSIGNMENT_V3_BODY}`);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeAssignment(bytes.subarray(0, n))).toThrow(ProtocolDecodeError);
    }
    expect(() => decodeAssignment(unhex('0003000000010002'))).toThrow(ProtocolDecodeError);
  });

  test('a negative version is refused', () => {
    expect(() => decodeAssignment(unhex('ffff00000000ffffffff'))).toThrow(ProtocolDecodeError);
  });
});
