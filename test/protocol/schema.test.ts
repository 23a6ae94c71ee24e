/**
 * The schema compiler (protocol/schema.ts): an API written as a field table must put the same
 * bytes on the wire as a hand-written codec already proven against Kafka's Java classes, and
 * follow the rules of Kafka's generated code for versions, nullability, defaults and tagged
 * fields. (Every API written with it is also proven against Java by test/conformance.)
 */
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../protocol/errors.js';
import { Reader } from '../../protocol/reader.js';
import { api, f, struct, t } from '../../protocol/schema.js';
import { Writer } from '../../protocol/writer.js';
import { seeded } from '../helpers/random.js';

/** Heartbeat as HeartbeatRequest.json / HeartbeatResponse.json say it. */
const HeartbeatSchema = api({
  name: 'Heartbeat',
  apiKey: 12,
  versions: '0-4',
  flexible: '4+',
  request: {
    groupId: f.string(),
    generationId: f.int32(),
    memberId: f.string(),
    groupInstanceId: f.string().v('3+').nullable('3+').default(null),
  },
  response: {
    throttleTimeMs: f.int32().v('1+').ignorable(),
    errorCode: f.int16(),
  },
});

const bytes = (write: (w: Writer) => void): Buffer => {
  const w = new Writer();
  write(w);
  return Buffer.from(w.finish());
};

test('Heartbeat from its field table writes and reads the bytes of the hand-written codec, every version', () => {
  const random = seeded(7);
  const text = (): string => Math.floor(random() * 1e9).toString(36).repeat(1 + Math.floor(random() * 3));
  for (let v = 0; v <= 4; v++) {
    for (let i = 0; i < 50; i++) {
      const request = {
        groupId: text(),
        generationId: Math.floor(random() * 2 ** 31),
        memberId: text(),
        groupInstanceId: v >= 3 && random() < 0.5 ? text() : null,
      };
      const ours = bytes((w) => HeartbeatSchema.encodeRequest(w, request, v));
      expect(ours).toEqual(bytes((w) => Heartbeat.encodeRequest(w, request, v)));
      expect(HeartbeatSchema.decodeRequest(new Reader(ours), v)).toEqual(Heartbeat.decodeRequest(new Reader(ours), v));
      const response = { throttleTimeMs: v >= 1 ? Math.floor(random() * 1000) : 0, errorCode: Math.floor(random() * 100) };
      const r = bytes((w) => HeartbeatSchema.encodeResponse(w, response, v));
      expect(r).toEqual(bytes((w) => Heartbeat.encodeResponse(w, response, v)));
      expect(HeartbeatSchema.decodeResponse(new Reader(r), v)).toEqual(Heartbeat.decodeResponse(new Reader(r), v));
    }
  }
  expect(HeartbeatSchema.firstFlexibleVersion).toBe(4);
  expect([HeartbeatSchema.requestHeaderVersion(3), HeartbeatSchema.requestHeaderVersion(4)]).toEqual([1, 2]);
});

const Item = struct('Item', {
  id: f.int32(),
  note: f.string().nullable('2+'),
});

const Sample = api({
  name: 'Sample',
  apiKey: 9999,
  versions: '0-3',
  flexible: '3+',
  request: {
    items: f.array(Item),
    ids: f.array(t.int64).v('1+'),
    hint: f.string().v('2+').ignorable(),
    extra: f.int32().v('3+').tagged(1, '3+'),
    label: f.string().v('3+').nullable('3+').default(null).tagged(0, '3+'),
    owner: f.struct(Item).v('2+').nullable('2+').default(null),
  },
  response: { errorCode: f.int16() },
});

type SampleRequest = Parameters<typeof Sample.encodeRequest>[1];
const base: SampleRequest = { items: [], ids: [], hint: '', extra: 0, label: null, owner: null };

test('a field outside its versions is refused when it carries a value, dropped when ignorable, defaulted when read', () => {
  expect(() => bytes((w) => Sample.encodeRequest(w, { ...base, ids: [1n] }, 0))).toThrow(ProtocolEncodeError);
  expect(() => bytes((w) => Sample.encodeRequest(w, { ...base, ids: [1n] }, 0))).toThrow(/Sample.*v0 cannot carry ids/);
  const dropped = bytes((w) => Sample.encodeRequest(w, { ...base, hint: 'only in v2+' }, 1));
  expect(dropped).toEqual(bytes((w) => Sample.encodeRequest(w, base, 1)));
  expect(Sample.decodeRequest(new Reader(dropped), 1)).toEqual({ ...base });
});

test('null only where the field is nullable; a nullable struct has its -1/1 marker', () => {
  const withNull = { ...base, items: [{ id: 1, note: null }] };
  expect(() => bytes((w) => Sample.encodeRequest(w, withNull, 1))).toThrow(/note: null in version 1/);
  const v2 = bytes((w) => Sample.encodeRequest(w, withNull, 2));
  expect(Sample.decodeRequest(new Reader(v2), 2).items).toEqual([{ id: 1, note: null }]);
  const owned = { ...base, owner: { id: 5, note: 'x' } };
  const b = bytes((w) => Sample.encodeRequest(w, owned, 2));
  expect(b.subarray(b.length - 1 - 4 - 2 - 1)).toEqual(Buffer.from([1, 0, 0, 0, 5, 0, 1, 0x78])); // marker 1, id, note
  expect(Sample.decodeRequest(new Reader(b), 2).owner).toEqual({ id: 5, note: 'x' });
  const none = bytes((w) => Sample.encodeRequest(w, base, 2));
  expect(none[none.length - 1]).toBe(0xff); // marker -1
});

test('tagged fields: written only when not at their default, in tag order with the unknown tags kept from decoding', () => {
  const plain = bytes((w) => Sample.encodeRequest(w, base, 3));
  expect(plain[plain.length - 1]).toBe(0); // an empty tag buffer
  const tagged = bytes((w) => Sample.encodeRequest(w, { ...base, extra: 7, label: 'L' }, 3));
  // ... owner (marker -1), then the tag buffer: 2 fields; tag 0 (label, compact string 'L'), tag 1 (extra, int32 7)
  expect(tagged.subarray(tagged.length - 12)).toEqual(Buffer.from([0xff, 2, 0, 2, 2, 0x4c, 1, 4, 0, 0, 0, 7]));
  const decoded = Sample.decodeRequest(new Reader(tagged), 3);
  expect(decoded).toEqual({ ...base, extra: 7, label: 'L' });
  // a tag this schema does not know is kept and written back, merged in order
  const withUnknown = Buffer.concat([tagged.subarray(0, tagged.length - 11), Buffer.from([3, 0, 2, 2, 0x4c, 1, 4, 0, 0, 0, 7, 5, 1, 0x2a])]);
  const kept = Sample.decodeRequest(new Reader(withUnknown), 3);
  expect(kept.unknownTaggedFields).toEqual([{ tag: 5, data: Buffer.from([0x2a]) }]);
  expect(bytes((w) => Sample.encodeRequest(w, kept, 3))).toEqual(withUnknown);
});

test('decoding checks lengths before allocating', () => {
  // items: an INT32 count of 2^30 with 4 bytes left
  const hostile = Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 1]);
  expect(() => Sample.decodeRequest(new Reader(hostile), 0)).toThrow(ProtocolDecodeError);
});

test('a version outside the range is not compiled by accident: versions are those the schema names', () => {
  expect([Sample.minVersion, Sample.maxVersion, Sample.firstFlexibleVersion]).toEqual([0, 3, 3]);
  expect(() => api({ name: 'Open', apiKey: 1, versions: '0+', flexible: 'none', request: {}, response: {} })).toThrow(/highest version/);
});

test("an API with no flexible version (flexible: 'none') has firstFlexibleVersion Infinity and header v1/v0 at every version", () => {
  const Classic = api({ name: 'Classic', apiKey: 9998, versions: '0-2', flexible: 'none', request: { id: f.int32() }, response: { errorCode: f.int16() } });
  expect(Classic.firstFlexibleVersion).toBe(Infinity);
  expect([0, 1, 2].map((v) => [Classic.requestHeaderVersion(v), Classic.responseHeaderVersion(v)])).toEqual([[1, 0], [1, 0], [1, 0]]);
  expect(bytes((w) => Classic.encodeRequest(w, { id: 7 }, 2))).toEqual(Buffer.from([0, 0, 0, 7])); // no tag buffer
});
