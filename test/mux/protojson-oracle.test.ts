/**
 * src/mux/protojson.ts against Go's protojson (google.golang.org/protobuf v1.36.12) as the oracle,
 * the way the codec is checked against Kafka's Java classes: the Go interop program
 * (test/interop/go, `gointerop protojson`) marshals and unmarshals the same inputs.
 *
 * Writing: seeded random `interop.Order` messages (PROTOJSON_SEED overrides the seed) are
 * encoded by protobufjs; Go's MarshalOptions{UseProtoNames: true/false} output (compacted) must
 * equal toProtoJson's, character for character, and where Go refuses a message (a NaN in a
 * Struct, a Timestamp out of range, an unresolvable Any...) toProtoJson must throw
 * MuxUsageError.
 *
 * Reading: Go's outputs, then generated JSON documents built from a table of valid and invalid
 * values per field (wrong JSON types, integers out of range, bad base64, bad timestamps and
 * durations, duplicate and unknown names, both names of one field, two oneof members, invalid
 * UTF-8...). Go's Unmarshal decides: where it refuses, fromProtoJson must throw MuxUsageError;
 * where it accepts, both results are compared as canonical objects (Any payloads decoded, map
 * entries sorted, NaN equal to NaN, -0 distinct from 0).
 */
import * as protobuf from 'protobufjs';
import { isDeepStrictEqual } from 'node:util';
import { MuxUsageError } from '../../src/mux/errors.js';
import { fromProtoJson, toProtoJson } from '../../src/mux/protojson.js';
import { buildGoInterop, INTEROP_PROTO, runGo } from '../helpers/go.js';
import { seeded } from '../helpers/random.js';

jest.setTimeout(300_000); // the first run builds the Go program (and may fetch its modules)

const SEED = process.env.PROTOJSON_SEED !== undefined ? Number(process.env.PROTOJSON_SEED) : 20_260_511;
const MESSAGES = 2_000;
const FUZZ_DOCUMENTS = 2_500;

const root = new protobuf.Root().loadSync(INTEROP_PROTO);
const Order = root.lookupType('interop.Order');
const Long = protobuf.util.Long as unknown as { fromString(s: string, unsigned?: boolean): protobuf.Long };

// ------------------------------------------------------------------------------------------------
// PRNG (mulberry32, test/helpers/random.ts)

const rand = seeded(SEED);
const int = (n: number): number => Math.floor(rand() * n);
const chance = (p: number): boolean => rand() < p;
function pick<T>(a: readonly T[]): T {
  return a[int(a.length)]!;
}

// ------------------------------------------------------------------------------------------------
// Random values

const STRING_PIECES = [
  'a', 'Main St', 'x_y', '€', 'é', 'e\u0301', '\u{1F600}', '\u{10FFFF}', '\u{1D11E}', '\uE000', '\uFFFD', '\uFEFF', '\uFFFF',
  '\u2028', '\u2029', '<', '>', '&', '"', '\\', '/', '\u0000', '\u0001', '\u0008', '\t', '\n', '\u000b', '\f', '\r', '\u001f', '\u007f', '\u0085', '\u00a0', ' ', '日本', 'ß',
];
function randString(max = 4): string {
  let s = '';
  const n = int(max + 1);
  for (let i = 0; i < n; i++) s += pick(STRING_PIECES);
  return s;
}

function randBytes(max = 12): Uint8Array {
  const b = new Uint8Array(int(max + 1));
  for (let i = 0; i < b.length; i++) b[i] = int(256);
  return b;
}

const I64_SPECIAL = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740993', '4294967296', '-4294967297', '2147483648'];
const U64_SPECIAL = ['0', '1', '18446744073709551615', '9223372036854775808', '9007199254740993', '9007199254740992', '4294967295'];
function randBig(bits: number, signed: boolean): string {
  let b = 0n;
  for (let i = 0; i < bits; i += 16) b = (b << 16n) | BigInt(int(65536));
  b = BigInt.asUintN(int(bits) + 1, b);
  return (signed ? BigInt.asIntN(64, b) : b).toString();
}
function randI64(): protobuf.Long {
  return Long.fromString(chance(0.4) ? pick(I64_SPECIAL) : randBig(64, true), false);
}
function randU64(): protobuf.Long {
  return Long.fromString(chance(0.4) ? pick(U64_SPECIAL) : randBig(64, false), true);
}
function randI32(): number {
  return chance(0.3) ? pick([0, 1, -1, 2147483647, -2147483648, 127, -128]) : (int(4294967296) | 0) >> int(31);
}

const DOUBLE_SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, 1e-6, 9.999999999999999e-7, 1e20, 999999999999999900000, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1, 0.30000000000000004, 123.456, -1.5, 2 ** 53 + 2, 1e100, 12345678.9];
const f64 = new Float64Array(1);
const u32of64 = new Uint32Array(f64.buffer);
function randDouble(): number {
  if (chance(0.35)) return pick(DOUBLE_SPECIAL);
  if (chance(0.3)) return (rand() - 0.5) * 10 ** (int(40) - 20);
  u32of64[0] = int(4294967296);
  u32of64[1] = int(4294967296);
  return f64[0]!;
}
const FLOAT_SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 0.1, 3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38, 16777217, 1e21, 1e-6, 1e-7, Math.fround(1e-6), Math.fround(1e21), 9.99999943962493e20, 0.333333333, 1.5, -2.5];
const f32 = new Float32Array(1);
const u32of32 = new Uint32Array(f32.buffer);
function randFloat(): number {
  if (chance(0.35)) return pick(FLOAT_SPECIAL);
  if (chance(0.3)) return Math.fround((rand() - 0.5) * 10 ** (int(30) - 15));
  u32of32[0] = int(4294967296);
  return f32[0]!;
}

const randStatus = (): number => (chance(0.8) ? int(4) : pick([7, -1, 2147483647, -2147483648, 100]));

const MIN_TS = -62135596800;
const MAX_TS = 253402300799;
function randNanos(): number {
  return pick([0, int(1000) * 1_000_000, int(1_000_000) * 1000, int(1_000_000_000), 999_999_999, 1]);
}
function randTimestamp(): object {
  const seconds = chance(0.2) ? pick([MIN_TS, MAX_TS, 0, -1, 951782400]) : MIN_TS + int(MAX_TS - MIN_TS + 1);
  return { seconds: Long.fromString(String(seconds)), nanos: randNanos() };
}
function randDuration(): object {
  const max = 315576000000;
  let seconds = chance(0.2) ? pick([max, -max, 0, 1, -1]) : int(2 * max + 1) - max;
  let nanos = randNanos();
  if (seconds === max || seconds === -max) nanos = chance(0.5) ? 0 : nanos;
  if (seconds < 0 || (seconds === 0 && chance(0.5))) nanos = -nanos;
  if (seconds === 0 && chance(0.3)) seconds = 0;
  return { seconds: Long.fromString(String(seconds)), nanos };
}

function randValue(depth: number): object {
  switch (int(depth > 2 ? 4 : 6)) {
    case 0:
      return { nullValue: 0 };
    case 1: {
      let n = randDouble();
      while (!Number.isFinite(n)) n = randDouble();
      return { numberValue: n };
    }
    case 2:
      return { stringValue: randString() };
    case 3:
      return { boolValue: chance(0.5) };
    case 4:
      return { structValue: randStruct(depth + 1) };
    default:
      return { listValue: { values: Array.from({ length: int(4) }, () => randValue(depth + 1)) } };
  }
}
function randStruct(depth: number): object {
  const fields: Record<string, object> = {};
  for (let i = int(4); i > 0; i--) fields[randString(2)] = randValue(depth);
  return { fields };
}

function randAddress(depth = 0): object {
  const a: Record<string, unknown> = {};
  if (chance(0.7)) a.streetName = randString();
  if (chance(0.5)) a.houseNumber = chance(0.2) ? 4294967295 : int(1000);
  if (chance(0.4)) a.city = randString(2);
  if (chance(0.4) && depth < 2) a.geoPoint = { latDeg: randDouble(), lonDeg: chance(0.5) ? randDouble() : 0 };
  return a;
}

function randLineItem(): object {
  const li: Record<string, unknown> = {};
  if (chance(0.8)) li.skuCode = randString(2);
  if (chance(0.6)) li.quantity = randI32();
  if (chance(0.6)) li.unitPriceMicros = randI64();
  if (chance(0.4)) li.giftTags = Array.from({ length: int(3) + 1 }, () => randString(2));
  if (chance(0.4)) {
    const attrs: Record<string, string> = {};
    for (let i = int(4); i > 0; i--) attrs[randString(2)] = randString(2);
    li.itemAttrs = attrs;
  }
  return li;
}

const WRAPPERS: [string, () => unknown][] = [
  ['google.protobuf.DoubleValue', randDouble],
  ['google.protobuf.FloatValue', randFloat],
  ['google.protobuf.Int64Value', randI64],
  ['google.protobuf.UInt64Value', randU64],
  ['google.protobuf.Int32Value', randI32],
  ['google.protobuf.UInt32Value', () => int(4294967296)],
  ['google.protobuf.BoolValue', () => chance(0.5)],
  ['google.protobuf.StringValue', () => randString()],
  ['google.protobuf.BytesValue', () => randBytes()],
];

function randFieldMask(allowBad: boolean): object {
  const good = ['a', 'order_id', 'ship_to.street_name', 'line_items.sku_code', 'foo_bar_baz', 'x1', 'a.b.c', 'status'];
  const bad = ['fooBar', 'foo__bar', '_foo', 'foo_', 'foo_1bar', '1abc', 'a..b', '', 'fo o', 'é'];
  return { paths: Array.from({ length: int(4) }, () => (allowBad && chance(0.04) ? pick(bad) : pick(good))) };
}

function pack(typeName: string, inner: object): object {
  const t = root.lookupType(typeName);
  const prefix = pick(['type.googleapis.com/', 'type.googleapis.com/', 'example.com/a/b/', '', '/']);
  return { type_url: prefix + typeName, value: t.encode(t.fromObject(inner)).finish() };
}

function randAny(depth: number, allowBad: boolean): object {
  if (allowBad && chance(0.05)) return pick([{ type_url: 'type.googleapis.com/interop.Nope', value: new Uint8Array([8, 1]) }, { type_url: '', value: new Uint8Array([8, 1]) }]);
  switch (int(depth > 1 ? 11 : 12)) {
    case 0:
      return pack('interop.LineItem', randLineItem());
    case 1:
      return pack('interop.Address', randAddress());
    case 2:
      return pack('google.protobuf.Timestamp', randTimestamp());
    case 3:
      return pack('google.protobuf.Duration', randDuration());
    case 4:
      return pack('google.protobuf.Struct', randStruct(1));
    case 5:
      return pack('google.protobuf.Value', randValue(1));
    case 6:
    case 7: {
      const [name, gen] = pick(WRAPPERS);
      return pack(name, chance(0.2) ? {} : { value: gen() });
    }
    case 8:
      return pack('google.protobuf.FieldMask', randFieldMask(false));
    case 9:
      return pack('google.protobuf.Empty', {});
    case 10:
      return {};
    default:
      return pack('google.protobuf.Any', randAny(depth + 1, false));
  }
}

/** A random Order as a plain object (protobufjs property names), mostly valid; `allowBad` adds some Go refuses to marshal. */
function randOrder(allowBad: boolean): object {
  const o: Record<string, unknown> = {};
  const p = 0.35;
  if (chance(p)) o.orderId = randString();
  if (chance(p)) o.customerId = randI64();
  if (chance(p)) o.status = randStatus();
  if (chance(p)) o.shipTo = randAddress();
  if (chance(p)) o.lineItems = Array.from({ length: int(3) + 1 }, randLineItem);
  if (chance(p)) {
    const m: Record<string, protobuf.Long> = {};
    for (let i = int(4); i > 0; i--) m[randString(2)] = randI64();
    o.countersByName = m;
  }
  if (chance(p)) {
    const m: Record<string, object> = {};
    for (let i = int(5); i > 0; i--) m[String(randI32())] = randAddress(1);
    o.addressesBySlot = m;
  }
  if (chance(p)) o.payloadBlob = randBytes(20);
  if (chance(p)) o.isPriority = chance(0.5);
  if (chance(p)) o.totalAmount = randDouble();
  if (chance(p)) o.discountRatio = randFloat();
  if (chance(p)) o.bigUnsigned = randU64();
  if (chance(p)) o.fixedSixtyFour = randU64();
  if (chance(p)) o.signedFixed = randI32();
  if (chance(p)) o.smallSigned = randI32();
  if (chance(p)) o.statusHistory = Array.from({ length: int(4) + 1 }, randStatus);
  if (chance(p)) o.auditIds = Array.from({ length: int(4) + 1 }, randI64);
  if (chance(p)) o.blobList = Array.from({ length: int(3) + 1 }, () => randBytes(6));
  if (chance(p)) o.flagNames = chance(0.5) ? { true: randString(2), false: randString(2) } : { [String(chance(0.5))]: randString(2) };
  if (chance(p)) {
    const m: Record<string, number> = {};
    for (let i = int(4); i > 0; i--) m[randU64().toString()] = randStatus();
    o.statusById = m;
  }
  if (chance(p)) o.explicitCount = chance(0.5) ? 0 : randI32();
  if (chance(0.5)) {
    switch (int(3)) {
      case 0:
        o.emailAddress = chance(0.4) ? '' : randString();
        break;
      case 1:
        o.phoneNumber = chance(0.4) ? '' : randString();
        break;
      default:
        o.postalAddress = chance(0.4) ? {} : randAddress();
    }
  }
  if (chance(p)) {
    o.createdAt = randTimestamp();
    if (allowBad && chance(0.05)) o.createdAt = pick([{ seconds: Long.fromString(String(MAX_TS + 1)) }, { seconds: Long.fromString(String(MIN_TS - 1)) }, { nanos: -1 }, { nanos: 1_000_000_000 }]);
  }
  if (chance(p)) {
    o.ttl = randDuration();
    if (allowBad && chance(0.05)) o.ttl = pick([{ seconds: Long.fromString('315576000001') }, { seconds: Long.fromString('1'), nanos: -1 }, { nanos: 1_000_000_000 }]);
  }
  if (chance(p)) o.note = chance(0.2) ? {} : { value: randString() };
  if (chance(p)) o.wrappedInt64 = chance(0.2) ? {} : { value: randI64() };
  if (chance(p)) o.wrappedBool = chance(0.2) ? {} : { value: chance(0.5) };
  if (chance(p)) o.wrappedDouble = chance(0.2) ? {} : { value: randDouble() };
  if (chance(p)) o.wrappedBytes = chance(0.2) ? {} : { value: randBytes() };
  if (chance(p)) o.wrappedUint32 = chance(0.2) ? {} : { value: int(4294967296) };
  if (chance(p)) {
    o.extra = randStruct(0);
    if (allowBad && chance(0.05)) o.extra = { fields: { x: { numberValue: pick([NaN, Infinity, -Infinity]) } } };
  }
  if (chance(p)) o.dynamicValue = allowBad && chance(0.05) ? {} : randValue(0);
  if (chance(p)) o.listValue = { values: Array.from({ length: int(4) }, () => randValue(1)) };
  if (chance(p)) o.detail = randAny(0, allowBad);
  if (chance(p)) o.updateMask = randFieldMask(allowBad);
  if (chance(p)) o.nothing = {};
  if (chance(p)) o.eventTimes = Array.from({ length: int(3) + 1 }, randTimestamp);
  if (chance(p)) {
    const m: Record<string, object> = {};
    for (let i = int(4); i > 0; i--) m[randString(2)] = randValue(1);
    o.valueMap = m;
  }
  if (chance(p)) o.nameWithJsonName = randString();
  return o;
}

// ------------------------------------------------------------------------------------------------
// Canonical form of a decoded message, for comparing what both sides read

function canonical(type: protobuf.Type, msg: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    const v = msg[f.name];
    if (v == null || !Object.prototype.hasOwnProperty.call(msg, f.name)) continue;
    if (f.map) {
      const keyType = (f as unknown as protobuf.MapField).keyType;
      const entries = Object.keys(v as object).map((k): [string, unknown] => {
        let key = k;
        if (/64$/.test(keyType) && k.length === 8 && !/^-?\d+$/.test(k)) {
          const bits = protobuf.util.LongBits.fromHash(k);
          const big = (BigInt(bits.hi >>> 0) << 32n) | BigInt(bits.lo >>> 0);
          key = (keyType.startsWith('u') || keyType.startsWith('fixed') ? big : BigInt.asIntN(64, big)).toString();
        }
        return [key, canonicalValue(f, (v as Record<string, unknown>)[k])];
      });
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      if (entries.length > 0) out[f.name] = entries;
    } else if (f.repeated) {
      if ((v as unknown[]).length > 0) out[f.name] = (v as unknown[]).map((e) => canonicalValue(f, e));
    } else {
      const cv = canonicalValue(f, v);
      if (!f.partOf && (Object.is(cv, 0) || cv === '' || cv === false || cv === '0')) continue;
      out[f.name] = cv;
    }
  }
  if (type.fullName === '.google.protobuf.Any' && typeof out.type_url === 'string') {
    const t = root.lookupType(out.type_url.slice(out.type_url.lastIndexOf('/') + 1));
    out.value = canonical(t, t.decode(Buffer.from((out.value as string | undefined) ?? '', 'base64')) as unknown as Record<string, unknown>);
  }
  return out;
}

function canonicalValue(f: protobuf.Field, v: unknown): unknown {
  if (f.resolvedType instanceof protobuf.Type) return canonical(f.resolvedType, v as Record<string, unknown>);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'object' && v !== null && 'low' in v) return (v as protobuf.Long).toString();
  if (f.long && typeof v === 'number') return String(v);
  return v;
}

function canonicalOf(bytes: Uint8Array): Record<string, unknown> {
  return canonical(Order, Order.decode(bytes) as unknown as Record<string, unknown>);
}

// ------------------------------------------------------------------------------------------------
// JSON documents to read: a table of candidate values per field, valid and invalid

const INT32_VALUES = ['0', '-0', '1', '-1', '2147483647', '2147483648', '-2147483648', '-2147483649', '1.0', '1.5', '1e2', '1E+2', '1e-2', '100e-2', '0.5e1', '"12"', '" 12"', '"12 "', '"1e2"', '"0x10"', '"+1"', '"-0"', '""', 'true', '[]', '{}', '"NaN"', '12345678901234567890123', '1e400', '"\\u0031"', '"12\\u00a0"', '1e99999999999'];
const UINT32_VALUES = ['0', '4294967295', '4294967296', '-1', '-0', '"-0"', '-0.0', '1e9', '"4294967295"', '-1e-1'];
const INT64_VALUES = ['"9223372036854775807"', '"9223372036854775808"', '"-9223372036854775808"', '"-9223372036854775809"', '9223372036854775807', '9007199254740993', '1e18', '1e19', '"1e18"', '1.5e1', '10000000000000000000e-1', '"0.0"', '-0', '"١٢"', '0.000e5', '"5"', '5', '1.25', '"1.0e1"', '123456789012345678901e-1'];
const UINT64_VALUES = ['"18446744073709551615"', '"18446744073709551616"', '18446744073709551615', '-1', '"-0"', '1.8446744073709552e19', '0', '"7"', '1e19', '1e20'];
const BOOL_VALUES = ['true', 'false', '"true"', '1', '0', 'True'];
const DOUBLE_VALUES = ['0', '-0', '-0.0', '1.5', '1e308', '1e309', '-1e309', '1e-400', '4.9e-324', '"NaN"', '"nan"', '"Infinity"', '"-Infinity"', '"+Infinity"', '"1.5"', '" 1.5"', '"1e5"', '"-0"', '"0x1p3"', 'true', '"Inf"', '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '0.1', '01', '.5', '1.', '-', '1e', '+1', 'NaN', '"1_000"'];
const FLOAT_VALUES = ['0.1', '3.4028234663852886e38', '3.4028235e38', '3.4028236e38', '3.5e38', '1e-46', '1.4e-45', '"NaN"', '16777217', '0.30000001192092896', '1e39', '"1e39"', '-3.4028235677973366e38', '3.4028235677973362e38', '-0', '"-Infinity"', '1.00000005960464477539062', '1.000000059604644775390625', '1.0000000596046447753906251'];
const STRING_VALUES = ['""', '"abc"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud83d"', '"\\udc00\\ud83d"', '"\\ud83dx"', '"\\/"', '"\\x"', '"\\U0041"', '"\\u004"', '"a\u0001b"', '"a\u007fb"', '"\u2028"', '5', '"\\u0000"', '"\\uD83D\\uDE00"', '"\\"\\\\\\b\\f\\n\\r\\t"', "'a'", '"\uFEFF"', '"a\tb"'];
const BYTES_VALUES = ['""', '"YQ=="', '"YQ="', '"YQ"', '"Y"', '"YWI="', '"YWI"', '"-_-_"', '"+/+/"', '"-/"', '"YQ==YQ=="', '"Y Q=="', '"YQ==\\n"', '"Y\\nQ=="', '"YR=="', '"=YQ="', '"YWJj"', '"YWJjZA=="', '"YWJjZA"', '"YWJjZA="', '5', '"YQ\\r\\n=="', '"YQ=\\n="', '"\\nYQ"', '"YWJjZA==="', '"-_8="', '"_w"'];
const ENUM_VALUES = ['"STATUS_ACTIVE"', '"status_active"', '1', '99', '-1', '2147483648', '1.0', '1.5', '"1"', '1e1', '""', '"STATUS_CLOSED"', '3', '-2147483648', 'true'];
const TIMESTAMP_VALUES = ['"1970-01-01T00:00:00Z"', '"0001-01-01T00:00:00Z"', '"9999-12-31T23:59:59.999999999Z"', '"0000-12-31T23:59:59Z"', '"10000-01-01T00:00:00Z"', '"2020-02-29T00:00:00Z"', '"2021-02-29T00:00:00Z"', '"1900-02-29T00:00:00Z"', '"2000-02-29T12:00:00Z"', '"2020-04-31T00:00:00Z"', '"2020-01-01T00:00:00+01:00"', '"2020-01-01T00:00:00-23:59"', '"2020-01-01T00:00:00+24:00"', '"2020-01-01T00:00:00+23:60"', '"2020-01-01T00:00:00+25:00"', '"2020-01-01T00:00:00+23:61"', '"2020-01-01t00:00:00Z"', '"2020-01-01T00:00:00z"', '"2020-01-01T00:00:00"', '"2020-01-01 00:00:00Z"', '"2020-01-01T0:00:00Z"', '"2020-01-01T24:00:00Z"', '"2020-01-01T00:60:00Z"', '"2020-01-01T00:00:60Z"', '"2020-01-01T00:00:00.1Z"', '"2020-01-01T00:00:00.123456789Z"', '"2020-01-01T00:00:00.1234567891Z"', '"2020-01-01T00:00:00,5Z"', '"2020-01-01T00:00:00,1234567891Z"', '"2020-01-01T00:00:00.Z"', '"2020-1-01T00:00:00Z"', '"0001-01-01T00:00:00+00:01"', '"0001-01-01T00:00:00-00:01"', '"9999-12-31T23:59:59-00:01"', '"2020-01-01T00:00:00.5+01:00"', '"2020-01-01T00:00:00.1234567891+01:00"', '1', '"2020-01-01T00:00:00+0100"', '"2020-01-01T00:00:00+01"', '"2020-01-01T00:00:00.000Z"', '"2020-01-01T00:00:00ZZ"', '"2020-01-01T9:05:07.25-07:30"', '"+2020-01-01T00:00:00Z"', '"2020-00-01T00:00:00Z"', '"2020-01-00T00:00:00Z"', '"1969-12-31T23:59:59.999999999Z"'];
const DURATION_VALUES = ['"0s"', '"1s"', '"-1s"', '"1.5s"', '"-0.5s"', '"1.000000001s"', '"1.0000000001s"', '".5s"', '"1.s"', '".s"', '"-.s"', '"+1s"', '"s"', '"1"', '"01s"', '"00s"', '"315576000000s"', '"315576000001s"', '"-315576000000.999999999s"', '"-315576000001s"', '"9223372036854775808s"', '"1 s"', '" 1s"', '"1S"', '"1e3s"', '1', '"-0s"', '"0.000000001s"', '"-0.100s"', '"1..5s"', '"--1s"', '"0.1234567890s"'];
const STRUCT_VALUES = ['{}', '{"a":1}', '{"a":null,"b":[1,"x",true,null,{}]}', '[]', '"x"', '{"a":1e400}', '{"a":{"b":{"c":[]}}}', '{"\\u00e9":-0,"e\\u0301":1.5e300}', '{"a":"NaN"}', '{"a":1,"b":{"a":2}}'];
const VALUE_VALUES = ['1', '"x"', 'true', '[]', '{}', '1e400', '"NaN"', '[null]', '-0', '[1,[2,[3,{"a":null}]]]', '12345678901234567890'];
const LIST_VALUES = ['[]', '[1,2]', '{}', '[null]', '[[]]', '["a",{"b":false}]', '1'];
const ANY_VALUES = [
  '{}', '{"@type":"type.googleapis.com/interop.Address","street_name":"x"}', '{"@type":"interop.Address","streetName":"x"}', '{"street_name":"x"}',
  '{"@type":""}', '{"@type":5}', '{"@type":null}', '{"@type":"type.googleapis.com/interop.Nope"}', '{"@type":"type.googleapis.com/google.protobuf.Timestamp","value":"2020-01-01T00:00:00Z"}',
  '{"@type":"type.googleapis.com/google.protobuf.Timestamp"}', '{"@type":"type.googleapis.com/google.protobuf.Empty"}', '{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}',
  '{"@type":"type.googleapis.com/google.protobuf.Empty","value":{"a":1}}', '{"@type":"type.googleapis.com/google.protobuf.Int32Value","value":"5"}', '{"@type":"type.googleapis.com/google.protobuf.Value","value":null}',
  '{"@type":"type.googleapis.com/google.protobuf.StringValue","value":null}', '{"@type":"type.googleapis.com/google.protobuf.Struct","value":{"a":[]}}',
  '{"@type":"type.googleapis.com/google.protobuf.Any","value":{"@type":"type.googleapis.com/interop.GeoPoint","lat_deg":1}}', '{"@type":"x/interop.Address","extra":1}',
  '{"value":1,"@type":"type.googleapis.com/google.protobuf.DoubleValue"}', '{"@type":"type.googleapis.com/interop.LineItem","sku_code":"a","skuCode":"b"}',
  '{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1s","x":1}', '{"@type":"interop.Status"}', '{"@type":"/interop.Address"}', '{"@type":"type.googleapis.com/.interop.Address"}',
  '{"city":"c","@type":"interop.Address","geo_point":{"lat_deg":"NaN"}}', '{"@type":"interop.LineItem","item_attrs":{"b":"1","a":"2","10":"x","2":"y"}}', '[]', '"x"',
  '{"@type":"type.googleapis.com/google.protobuf.FieldMask","value":"a.bC,d"}', '{"@type":"type.googleapis.com/google.protobuf.BytesValue","value":"YQ"}', '{"@type":"interop.Address","@type2":1}',
  '{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":1e3}', '{"@type":"interop.Order","detail":{"@type":"interop.Order","customJsonName":"n"}}',
];
const FIELD_MASK_VALUES = ['""', '"a"', '"fooBar,baz.quxQuux"', '"foo_bar"', '" fooBar "', '"\\u00a0fooBar"', '"\\ufefffooBar"', '"a,,b"', '"a,"', '"1a"', '"a.1b"', '"fooBAR"', '"a.b.c"', '"A"', '"_a"', '"aB_"', '5', '"a, b"', '"\\u0085a"', '"a.b-c"'];
const EMPTY_VALUES = ['{}', '{"a":1}', '[]', '{"@type":"x"}'];
const ADDRESS_VALUES = ['{}', '{"street_name":"x","streetName":"y"}', '{"street_name":"Main St","geo_point":{"lat_deg":1.5,"lonDeg":"NaN"}}', '[]', '{"house_number":-1}', '{"geoPoint":null}', '{"city":"x","unknown":1}', '{"street_name":null,"streetName":"y"}', '{"geo_point":{"latDeg":1,"lat_deg":2}}', '{"houseNumber":"7","city":"\\ud800\\udc00"}'];
const LINE_ITEMS_VALUES = ['[]', '[{}]', '[null]', '{}', '[{"sku_code":"a","gift_tags":["x",null]}]', '[{"item_attrs":{"k":"v","k2":null}}]', '[{"giftTags":null,"itemAttrs":{}}]', '[{"unit_price_micros":"-9223372036854775808"},{"unitPriceMicros":1e3}]', '[{"quantity":1},]', '[{"item_attrs":{"a":"1","a":"2"}}]'];
const COUNTERS_VALUES = ['{}', '{"a":"1","b":2}', '{"a":null}', '{"":"0"}', '[]', '{"x":"1e2","y":-0}'];
const ADDRESSES_BY_SLOT_VALUES = ['{"1":{}}', '{"1":{},"01":{}}', '{"+1":{}}', '{"-1":{}}', '{"2147483648":{}}', '{"1.0":{}}', '{" 1":{}}', '{"1":null}', '{"a":{}}', '{"-0":{"city":"z"}}', '{"-2147483648":{},"2147483647":{"house_number":4294967295}}', '{"":{}}', '{"1e1":{}}'];
const FLAG_NAMES_VALUES = ['{"true":"a","false":"b"}', '{"True":"a"}', '{"1":"a"}', '{"true":null}', '{"false":""}'];
const STATUS_BY_ID_VALUES = ['{"18446744073709551615":"STATUS_CLOSED"}', '{"18446744073709551616":1}', '{"-1":1}', '{"+1":1}', '{"0":99}', '{"1":"NOPE"}', '{"1":null}', '{"01":1,"1":2}', '{"9223372036854775808":0,"3":2}'];
const VALUE_MAP_VALUES = ['{"a":null}', '{"a":{"b":null}}', '{"a":[]}', '{"b":1,"a":"x"}'];

const FIELD_TABLE: [string, readonly string[]][] = [
  ['order_id', STRING_VALUES], ['customer_id', INT64_VALUES], ['status', ENUM_VALUES], ['ship_to', ADDRESS_VALUES.concat(UINT32_VALUES.map((v) => `{"house_number":${v}}`))], ['line_items', LINE_ITEMS_VALUES],
  ['counters_by_name', COUNTERS_VALUES], ['addresses_by_slot', ADDRESSES_BY_SLOT_VALUES], ['payload_blob', BYTES_VALUES], ['is_priority', BOOL_VALUES],
  ['total_amount', DOUBLE_VALUES], ['discount_ratio', FLOAT_VALUES], ['big_unsigned', UINT64_VALUES], ['fixed_sixty_four', UINT64_VALUES], ['signed_fixed', INT32_VALUES],
  ['small_signed', INT32_VALUES], ['status_history', ENUM_VALUES.map((v) => `[${v}]`).concat(['[null]', '["STATUS_ACTIVE",2,99]', '1'])],
  ['audit_ids', INT64_VALUES.map((v) => `[${v}]`).concat(['[1.5]', '["1",2]'])], ['blob_list', BYTES_VALUES.map((v) => `[${v}]`).concat(['[null]'])],
  ['flag_names', FLAG_NAMES_VALUES], ['status_by_id', STATUS_BY_ID_VALUES], ['explicit_count', ['0', '"0"', '-0', '5', '1.5']], ['email_address', STRING_VALUES],
  ['phone_number', ['""', '"+1"', '1']], ['postal_address', ADDRESS_VALUES], ['created_at', TIMESTAMP_VALUES], ['ttl', DURATION_VALUES],
  ['note', ['"x"', '""', '5']], ['wrapped_int64', ['"5"', '5', '"x"', '"9223372036854775808"']], ['wrapped_bool', ['true', '"true"', 'false']],
  ['wrapped_double', ['"NaN"', '1e309', '-0', '"-0"']], ['wrapped_bytes', ['"YQ=="', '"Y"', '""']], ['wrapped_uint32', UINT32_VALUES],
  ['extra', STRUCT_VALUES], ['dynamic_value', VALUE_VALUES], ['list_value', LIST_VALUES], ['detail', ANY_VALUES], ['update_mask', FIELD_MASK_VALUES],
  ['nothing', EMPTY_VALUES], ['event_times', TIMESTAMP_VALUES.map((v) => `[${v}]`).concat(['[null]'])], ['value_map', VALUE_MAP_VALUES],
  ['name_with_json_name', ['"n"', '""', '1']],
];
const camel = (s: string): string => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const NAMES_OF: Record<string, string[]> = Object.fromEntries(FIELD_TABLE.map(([n]) => [n, n === 'name_with_json_name' ? [n, 'customJsonName', 'nameWithJsonName'] : [n, camel(n)]]));

const WS = ['', '', '', ' ', '\n', '\t', '\r\n  '];
function randDocument(): string {
  if (chance(0.03)) return pick(['', ' ', '[]', 'null', '"x"', '{', '}', '{}{}', '{} x', '{,}', '{"order_id":"a",}', '{"order_id" "a"}', '{"order_id":"a" "b":1}', '\uFEFF{}', '{}\u00a0', '{"order_id":"a"}\n', '{ }', '{"unknown_field":1}', '{"":1}', '{"@type":"interop.Order"}']);
  const parts: string[] = [];
  for (let n = int(4) + 1; n > 0; n--) {
    const [field, values] = pick(FIELD_TABLE);
    const names = NAMES_OF[field]!;
    let name = pick(names);
    if (chance(0.02)) name = pick(['OrderId', 'order-id', 'ORDER_ID', 'orderid', `${name} `, '']);
    const value = chance(0.06) ? 'null' : pick(values);
    parts.push(`${pick(WS)}"${name}"${pick(WS)}:${pick(WS)}${value}`);
    if (chance(0.03)) parts.push(`"${pick(names)}":${pick(values)}`); // the same field again, by either name
  }
  return `${pick(WS)}{${parts.join(',')}${pick(WS)}}${pick(WS)}`;
}

/** Byte-level inputs: invalid UTF-8 in and outside strings. */
const RAW_DOCUMENTS: Buffer[] = [
  Buffer.from([0x7b, 0x22, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"order_id":"\xff"}
  Buffer.concat([Buffer.from('{"order_id":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong '/'
  Buffer.concat([Buffer.from('{"order_id":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // an encoded surrogate
  Buffer.concat([Buffer.from('{"order_id":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]), // truncated
  Buffer.concat([Buffer.from('{"order_id":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('"}')]), // beyond U+10FFFF
  Buffer.concat([Buffer.from('{"order_id":"ok"}'), Buffer.from([0x80])]),
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]), // a BOM
  Buffer.from('{"order_id":"\u{1F600}\uFFFD"}', 'utf8'),
];

// ------------------------------------------------------------------------------------------------

interface GoReply {
  json?: string;
  binary?: string;
  error?: string;
}

async function goBatch(bin: string, requests: object[]): Promise<GoReply[]> {
  const r = await runGo(bin, ['protojson', '-proto', INTEROP_PROTO], requests.map((q) => JSON.stringify(q)).join('\n') + '\n');
  if (r.code !== 0) throw new Error(`gointerop protojson exited ${r.code}: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== requests.length) throw new Error(`gointerop protojson answered ${lines.length} of ${requests.length} requests; stderr: ${r.stderr}`);
  return lines.map((l) => JSON.parse(l) as GoReply);
}

function ours<T>(f: () => T): { value: T } | { error: unknown } {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
}

const show = (s: string): string => (s.length > 600 ? `${s.slice(0, 600)}…` : s);

test(`toProtoJson and fromProtoJson agree with Go's protojson (seed ${SEED})`, async () => {
  process.stderr.write(`protojson oracle: seed ${SEED} (set PROTOJSON_SEED to replay another)\n`);
  const bin = await buildGoInterop();
  const mismatches: string[] = [];
  const mismatch = (s: string): void => {
    mismatches.push(s);
  };

  // 1. writing
  const messages: { plain: object; binary: Uint8Array }[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const plain = randOrder(true);
    messages.push({ plain, binary: Order.encode(Order.fromObject(plain)).finish() });
  }
  const marshalRequests = messages.flatMap((m) => [true, false].map((useProtoNames) => ({ op: 'marshal', type: 'interop.Order', binary: Buffer.from(m.binary).toString('base64'), useProtoNames })));
  const marshalled = await goBatch(bin, marshalRequests);
  let binaryBytes = 0;
  let jsonBytes = 0;
  let goMarshalErrors = 0;
  const goOutputs: string[] = [];
  messages.forEach((m, i) => {
    binaryBytes += m.binary.length;
    const decoded = Order.decode(m.binary);
    [true, false].forEach((useProtoNames, k) => {
      const go = marshalled[2 * i + k]!;
      const mine = ours(() => toProtoJson(Order, decoded, { useProtoNames }));
      const fromPlain = k === 0 && i % 4 === 0 ? ours(() => toProtoJson(Order, m.plain, { useProtoNames })) : undefined;
      if (go.error !== undefined) {
        goMarshalErrors++;
        if (!('error' in mine) || !(mine.error instanceof MuxUsageError)) mismatch(`marshal #${i} (useProtoNames ${useProtoNames}): Go refuses (${go.error}); ours ${'value' in mine ? `wrote ${show(mine.value)}` : `threw ${String(mine.error)}`}`);
        return;
      }
      jsonBytes += go.json!.length;
      goOutputs.push(go.json!);
      if ('error' in mine) mismatch(`marshal #${i} (useProtoNames ${useProtoNames}): ours threw ${String(mine.error)}; Go wrote ${show(go.json!)}`);
      else if (mine.value !== go.json) mismatch(`marshal #${i} (useProtoNames ${useProtoNames}):\n  go:   ${show(go.json!)}\n  ours: ${show(mine.value)}`);
      if (fromPlain !== undefined && !('value' in fromPlain && fromPlain.value === go.json)) mismatch(`marshal #${i} from the plain object differs: ${'value' in fromPlain ? show(fromPlain.value) : String(fromPlain.error)}`);
    });
  });

  // 2. reading: Go's outputs, generated documents, byte-level inputs
  const documents: (string | Buffer)[] = [...goOutputs];
  for (const [field, values] of FIELD_TABLE) for (const v of values) documents.push(`{"${field}":${v}}`);
  for (let i = 0; i < FUZZ_DOCUMENTS; i++) documents.push(randDocument());
  documents.push(...RAW_DOCUMENTS);
  const unmarshalled = await goBatch(
    bin,
    documents.map((d) => (typeof d === 'string' ? { op: 'unmarshal', type: 'interop.Order', json: d } : { op: 'unmarshal', type: 'interop.Order', jsonBase64: d.toString('base64') })),
  );
  let accepted = 0;
  documents.forEach((doc, i) => {
    const go = unmarshalled[i]!;
    const text = typeof doc === 'string' ? doc : `bytes ${doc.toString('hex')}`;
    const mine = ours(() => Order.encode(fromProtoJson(Order, doc)).finish());
    if (go.error !== undefined) {
      if (!('error' in mine) || !(mine.error instanceof MuxUsageError)) mismatch(`unmarshal ${show(text)}: Go refuses (${go.error}); ours ${'value' in mine ? 'accepts it' : `threw ${String(mine.error)}`}`);
      return;
    }
    accepted++;
    if ('error' in mine) {
      mismatch(`unmarshal ${show(text)}: Go accepts; ours threw ${String(mine.error)}`);
      return;
    }
    const want = canonicalOf(Buffer.from(go.binary!, 'base64'));
    const got = canonicalOf(mine.value);
    if (!isDeepStrictEqual(got, want)) mismatch(`unmarshal ${show(text)}:\n  go:   ${show(JSON.stringify(want))}\n  ours: ${show(JSON.stringify(got))}`);
  });

  process.stderr.write(
    `protojson oracle: seed ${SEED}: ${MESSAGES} messages (${binaryBytes} bytes binary; ${marshalRequests.length - goMarshalErrors} JSON outputs, ${jsonBytes} bytes; Go refused ${goMarshalErrors}), ` +
      `${documents.length} documents read (Go accepted ${accepted}, refused ${documents.length - accepted}), mismatches ${mismatches.length}\n`,
  );
  expect(goMarshalErrors).toBeGreaterThan(0);
  expect(documents.length - accepted).toBeGreaterThan(500);
  expect(mismatches.slice(0, 15)).toEqual([]);
});
