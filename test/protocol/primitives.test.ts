/** Writer and Reader: Kafka's primitive types, bounds checks and tagged fields. */
import { ProtocolDecodeError, ProtocolEncodeError } from '../../protocol/errors.js';
import { Metadata, type MetadataResponse } from '../../protocol/messages/metadata.js';
import { Reader } from '../../protocol/reader.js';
import type { WithUnknownTags } from '../../protocol/types.js';
import { uvarintSize, Writer } from '../../protocol/writer.js';
import { seeded } from '../helpers/random.js';

const hex = (w: Writer): string => w.finish().toString('hex');
const reader = (h: string): Reader => new Reader(Buffer.from(h, 'hex'));

describe('fixed-width integers', () => {
  test.each([
    ['int8', -128, '80'],
    ['int8', 127, '7f'],
    ['int16', -32768, '8000'],
    ['int16', 258, '0102'],
    ['uint16', 65535, 'ffff'],
    ['int32', -1, 'ffffffff'],
    ['int32', 0x01020304, '01020304'],
    ['uint32', 0xfffffffe, 'fffffffe'],
  ] as const)('%s %d is %s', (type, value, bytes) => {
    const w = new Writer();
    (w[type] as (v: number) => Writer)(value);
    expect(hex(w)).toBe(bytes);
    expect((reader(bytes)[type] as () => number)()).toBe(value);
  });

  test('int64 covers the full signed range', () => {
    for (const v of [-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n]) {
      const w = new Writer().int64(v);
      expect(new Reader(w.finish()).int64()).toBe(v);
    }
    expect(hex(new Writer().int64(-2n))).toBe('fffffffffffffffe');
  });

  test('float64 and bool', () => {
    const w = new Writer().float64(-1.5).bool(true).bool(false);
    const r = new Reader(w.finish());
    expect(r.float64()).toBe(-1.5);
    expect(r.bool()).toBe(true);
    expect(r.bool()).toBe(false);
  });
});

describe('varints', () => {
  test.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16384, '808001'],
    [0xffffffff, 'ffffffff0f'],
  ])('unsigned varint %d is %s', (value, bytes) => {
    expect(hex(new Writer().uvarint(value))).toBe(bytes);
    expect(reader(bytes).uvarint()).toBe(value);
    expect(uvarintSize(value)).toBe(bytes.length / 2);
  });

  test.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ])('zigzag varint %d is %s', (value, bytes) => {
    expect(hex(new Writer().varint(value))).toBe(bytes);
    expect(reader(bytes).varint()).toBe(value);
  });

  test.each([
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [-(2n ** 63n), 'ffffffffffffffffff01'],
    [2n ** 63n - 1n, 'feffffffffffffffff01'],
  ])('zigzag varlong %s is %s', (value, bytes) => {
    expect(hex(new Writer().varlong(value))).toBe(bytes);
    expect(reader(bytes).varlong()).toBe(value);
  });

  test('over-long and truncated varints are refused', () => {
    expect(() => reader('ffffffff1f').uvarint()).toThrow(ProtocolDecodeError);
    expect(() => reader('ffffffffff01').uvarint()).toThrow(ProtocolDecodeError);
    expect(() => reader('ff').uvarint()).toThrow(/truncated UNSIGNED_VARINT/);
    expect(() => reader('ffffffffffffffffff02').varlong()).toThrow(/longer than 64 bits/);
    expect(() => reader('8080').varlong()).toThrow(/truncated VARLONG/);
  });
});

describe('UUID', () => {
  test('round-trips in Kafka text form (base64url, 22 characters)', () => {
    const id = 'Mi04ilhgQ0C7dbdOEejI5w';
    const w = new Writer().uuid(id);
    expect(w.length).toBe(16);
    expect(new Reader(w.finish()).uuid()).toBe(id);
    expect(new Reader(Buffer.alloc(16)).uuid()).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  test('refuses malformed text', () => {
    expect(() => new Writer().uuid('short')).toThrow(ProtocolEncodeError);
    expect(() => new Writer().uuid('Mi04ilhgQ0C7dbdOEejI5wAA')).toThrow(ProtocolEncodeError);
  });
});

describe('strings and bytes', () => {
  test('classic and compact strings, with unicode measured in bytes', () => {
    const s = 'ü字𝄞';
    const w = new Writer().string(s).compactString(s).nullableString(null).compactNullableString(null);
    const r = new Reader(w.finish());
    expect(r.int16()).toBe(9);
    r.pos = 0;
    expect(r.string()).toBe(s);
    expect(r.compactString()).toBe(s);
    expect(r.nullableString()).toBeNull();
    expect(r.compactNullableString()).toBeNull();
    expect(r.remaining).toBe(0);
  });

  test('flexible helpers pick the form', () => {
    expect(hex(new Writer().stringF('ab', false))).toBe('00026162');
    expect(hex(new Writer().stringF('ab', true))).toBe('036162');
    expect(hex(new Writer().nullableBytesF(null, true))).toBe('00');
    expect(hex(new Writer().nullableBytesF(null, false))).toBe('ffffffff');
  });

  test('null where the schema forbids it, and lengths past the end, are refused', () => {
    expect(() => reader('ffff').string()).toThrow(/non-nullable STRING/);
    expect(() => reader('00').compactString()).toThrow(/non-nullable COMPACT_STRING/);
    expect(() => reader('fffe').nullableString()).toThrow(/negative length/);
    expect(() => reader('0005616263').string()).toThrow(/truncated STRING: need 5 bytes, 3 left/);
    expect(() => reader('7fffffff').bytes()).toThrow(/need 2147483647 bytes, 0 left/);
    expect(() => reader('ffffffff').bytes()).toThrow(/non-nullable BYTES/);
  });

  test('a string over the INT16 length limit is refused on encode', () => {
    expect(() => new Writer().string('x'.repeat(40_000))).toThrow(ProtocolEncodeError);
  });

  test('bytes are views of the input, not copies', () => {
    const input = Buffer.from('0000000301020300', 'hex');
    const b = new Reader(input).bytes();
    expect([...b]).toEqual([1, 2, 3]);
    expect(b.buffer).toBe(input.buffer);
  });
});

describe('arrays', () => {
  test('classic, compact and nullable forms', () => {
    const w = new Writer()
      .array([1, 2], (w, n) => w.int32(n))
      .compactArray([3], (w, n) => w.int8(n))
      .nullableArray(null, (w, n: number) => w.int8(n))
      .compactNullableArray(null, (w, n: number) => w.int8(n));
    const r = new Reader(w.finish());
    expect(r.array((r) => r.int32())).toEqual([1, 2]);
    expect(r.compactArray((r) => r.int8())).toEqual([3]);
    expect(r.nullableArray((r) => r.int8())).toBeNull();
    expect(r.compactNullableArray((r) => r.int8())).toBeNull();
  });

  test('a count the remaining bytes cannot hold is refused before anything is allocated', () => {
    const readItem = jest.fn((r: Reader) => r.int32());
    expect(() => reader('7fffffff00000001').array(readItem, 4)).toThrow(/claims 2147483647 elements but only 4 bytes remain/);
    expect(() => reader('0000000200000001').array(readItem, 4)).toThrow(ProtocolDecodeError);
    expect(() => reader('ffffffff0f').compactArray(readItem)).toThrow(/claims 4294967294 elements/);
    expect(readItem).not.toHaveBeenCalled();
    expect(() => reader('ffffffff').array(readItem)).toThrow(/non-nullable ARRAY/);
    expect(() => reader('fffffffe').nullableArray(readItem)).toThrow(/negative count/);
  });
});

describe('tagged fields', () => {
  test('unknown tags are kept on decode and written back merged in tag order', () => {
    const unknown = [
      { tag: 1, data: Buffer.from('aa', 'hex') },
      { tag: 7, data: Buffer.from('bbcc', 'hex') },
    ];
    const w = new Writer().taggedFields(
      [
        [0, (w) => w.int8(5)],
        [3, (w) => w.compactString('x')],
      ],
      unknown,
    );
    expect(hex(w)).toBe('04' + '000105' + '0101aa' + '03020278' + '0702bbcc');
    const known: Array<[number, unknown]> = [];
    const got = new Reader(w.finish()).taggedFields((tag, r) => {
      if (tag === 0) known.push([tag, r.int8()]);
      else if (tag === 3) known.push([tag, r.compactString()]);
      else return false;
      return true;
    });
    expect(known).toEqual([
      [0, 5],
      [3, 'x'],
    ]);
    expect(got).toEqual(unknown);
    const target = new Reader(w.finish()).tagsInto({} as WithUnknownTags, null);
    expect(target.unknownTaggedFields).toHaveLength(4);
  });

  test('a known tag that does not fill its declared size is refused', () => {
    // one field, tag 0, size 2, but the reader consumes only one byte
    expect(() => reader('01000201ff').taggedFields((_, r) => (r.int8(), true))).toThrow(/unexpected trailing bytes/);
  });

  test('a tag whose size runs past the end is refused', () => {
    expect(() => reader('01007f00').taggedFields(null)).toThrow(/truncated tagged field 0/);
  });

  test('a tag that is both known and unknown is refused on encode', () => {
    expect(() => new Writer().taggedFields([[2, (w) => w.int8(0)]], [{ tag: 2, data: Buffer.alloc(1) }])).toThrow(ProtocolEncodeError);
  });
});

describe('the writer grows and the reader stays in its window', () => {
  test('writes far past the initial size', () => {
    const w = new Writer(16);
    for (let i = 0; i < 10_000; i++) w.int32(i);
    const r = new Reader(w.finish());
    for (let i = 0; i < 10_000; i++) expect(r.int32()).toBe(i);
    expect(r.remaining).toBe(0);
  });

  test('a sub-reader cannot read past its window', () => {
    const r = reader('0102030405');
    const sub = r.sub(2, 'part');
    expect(sub.int16()).toBe(0x0102);
    expect(() => sub.int8()).toThrow(ProtocolDecodeError);
    expect(r.int8()).toBe(3);
  });
});

describe('hostile bytes reach the decoder', () => {
  // a deterministic PRNG (mulberry32) so failures reproduce
  const rng = seeded;

  const sample: MetadataResponse = {
    throttleTimeMs: 5,
    brokers: [
      { nodeId: 1, host: '127.0.0.1', port: 9092, rack: null },
      { nodeId: 2, host: 'b2', port: 9093, rack: 'r1' },
    ],
    clusterId: 'Mi04ilhgQ0C7dbdOEejI5w',
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: 'Mi04ilhgQ0C7dbdOEejI5w',
        isInternal: false,
        partitions: [0, 1, 2].map((i) => ({
          errorCode: 0,
          partitionIndex: i,
          leaderId: 1,
          leaderEpoch: 3,
          replicaNodes: [1, 2],
          isrNodes: [1],
          offlineReplicas: [],
        })),
        topicAuthorizedOperations: -2147483648,
      },
    ],
    clusterAuthorizedOperations: -2147483648,
    errorCode: 0,
  };

  test('mutated and truncated Metadata responses only ever raise ProtocolDecodeError', () => {
    const random = rng(42);
    let cases = 0;
    for (let v = 0; v <= 13; v++) {
      const w = new Writer();
      Metadata.encodeResponse(w, { ...sample, topics: sample.topics.map((t) => ({ ...t })) }, v);
      const good = Buffer.from(w.finish());
      expect(Metadata.decodeResponse(new Reader(good), v).brokers).toHaveLength(2);
      for (let i = 0; i < 1500; i++) {
        const bad = Buffer.from(good);
        const mutations = 1 + Math.floor(random() * 4);
        for (let m = 0; m < mutations; m++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
        const input = random() < 0.3 ? bad.subarray(0, Math.floor(random() * bad.length)) : bad;
        try {
          Metadata.decodeResponse(new Reader(input), v);
        } catch (err) {
          if (!(err instanceof ProtocolDecodeError)) throw err;
        }
        cases++;
      }
    }
    expect(cases).toBe(14 * 1500);
  });
});
