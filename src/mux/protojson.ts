/**
 * protobuf's canonical JSON mapping (proto3 JSON) as Go's protojson writes and reads it
 * (google.golang.org/protobuf v1.36.12, encoding/protojson): what cn-infra's
 * `keyval.SerializerJSON` puts on the wire (`MarshalOptions{UseProtoNames: true}`) and reads
 * back (plain `protojson.Unmarshal`). It works on protobufjs reflection (`Type`, `Field`) and
 * does the mapping itself, because protobufjs's `toObject`/`fromObject` write lowerCamelCase
 * only, know no well-known types and accept proto names at the top level only.
 *
 * Written (`toProtoJson`), as protojson does:
 * - fields in declaration order; a oneof member or proto3 `optional` field whenever it is set
 *   (even to its default), other scalars only when not zero (a double -0 is not zero), repeated
 *   and map fields only when not empty;
 * - map entries sorted by key (false before true, integers numerically, strings by UTF-8 bytes);
 * - 64-bit integers as decimal strings; floats in the shortest form that reads back to the same
 *   value (float fields at float32 precision), exponent form below 1e-6 and from 1e21 up,
 *   `"NaN"`, `"Infinity"`, `"-Infinity"`;
 * - bytes as standard base64 with padding; enums by name (the first declared name of a number),
 *   numbers outside the enum as numbers, `google.protobuf.NullValue` as `null`;
 * - strings escaping only `"`, `\` and the control characters below U+0020 (no HTML escaping);
 * - the well-known types: Any (`@type` plus the embedded message's fields, or plus `value` for a
 *   well-known type), Timestamp (RFC 3339, Z, 0/3/6/9 fraction digits), Duration (`"1.5s"`),
 *   the wrappers as their bare value, Struct/Value/ListValue as JSON, FieldMask as one
 *   comma-joined string of lowerCamelCase paths, Empty as `{}`.
 *
 * Read (`fromProtoJson`): the proto name or the JSON name of a field (not both), `null` meaning
 * "not set" (except for Value and NullValue), 64-bit and 32-bit integers as numbers or strings
 * (exponent forms accepted when the value is integral), floats also as `"NaN"`/`"Infinity"` or
 * numeric strings, bytes in standard or URL-safe base64 with or without padding, enums by name
 * or number, Timestamps with any UTC offset. Everything protojson refuses is refused:
 * unknown fields, duplicate fields, two members of a oneof, values of the wrong JSON type or out
 * of range, invalid UTF-8, trailing data.
 *
 * Every problem throws {@link MuxUsageError} `ERR_MUX_PROTO` naming the message type and the JSON
 * path of the offending value, e.g. `interop.Order: $.ship_to.house_number: ...`.
 */
import * as protobuf from 'protobufjs';
import { MuxUsageError } from './errors.js';

export interface ProtoJsonOptions {
  /** Field names as written in the .proto file (default true, as cn-infra's SerializerJSON); false: lowerCamelCase JSON names (protojson's default). */
  useProtoNames?: boolean;
  /** Where Any's type URLs are resolved (by the part after the last '/'); default: the root of the message's Type. */
  resolver?: protobuf.Root;
}

/**
 * How deeply messages may nest (the top-level message is level 1, every message-typed value one
 * level more, well-known types included). Go's protojson allows 10000 when reading and has no
 * limit when writing; we stop at 100 because protobufjs itself refuses to encode, decode or
 * convert a message nested deeper than `util.recursionLimit` (100): a deeper message could not
 * be used anyway, and 100 keeps our recursion far from the stack's end.
 */
export const PROTO_JSON_MAX_DEPTH = 100;
/** JSON nesting allowed while parsing: two containers per message level (a list or map, then the message). */
const MAX_JSON_DEPTH = 2 * PROTO_JSON_MAX_DEPTH + 2;

// Kinds of values (proto scalar types folded by their JSON form).
const DOUBLE = 0;
const FLOAT = 1;
const INT32 = 2;
const UINT32 = 3;
const INT64 = 4;
const UINT64 = 5;
const BOOL = 6;
const STRING = 7;
const BYTES = 8;
const ENUM = 9;
const MESSAGE = 10;

const SCALAR_KINDS: Readonly<Record<string, number>> = {
  double: DOUBLE,
  float: FLOAT,
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
  bool: BOOL,
  string: STRING,
  bytes: BYTES,
};

// Well-known types with a JSON form of their own.
const WKT_NONE = 0;
const WKT_ANY = 1;
const WKT_TIMESTAMP = 2;
const WKT_DURATION = 3;
const WKT_WRAPPER = 4;
const WKT_STRUCT = 5;
const WKT_LIST_VALUE = 6;
const WKT_VALUE = 7;
const WKT_FIELD_MASK = 8;
/** Empty is written as an ordinary message; only Any's reader treats it as well-known (its JSON goes in "value"). */
const WKT_EMPTY = 9;

const WKT_BY_NAME: Readonly<Record<string, number>> = {
  '.google.protobuf.Any': WKT_ANY,
  '.google.protobuf.Timestamp': WKT_TIMESTAMP,
  '.google.protobuf.Duration': WKT_DURATION,
  '.google.protobuf.BoolValue': WKT_WRAPPER,
  '.google.protobuf.Int32Value': WKT_WRAPPER,
  '.google.protobuf.Int64Value': WKT_WRAPPER,
  '.google.protobuf.UInt32Value': WKT_WRAPPER,
  '.google.protobuf.UInt64Value': WKT_WRAPPER,
  '.google.protobuf.FloatValue': WKT_WRAPPER,
  '.google.protobuf.DoubleValue': WKT_WRAPPER,
  '.google.protobuf.StringValue': WKT_WRAPPER,
  '.google.protobuf.BytesValue': WKT_WRAPPER,
  '.google.protobuf.Struct': WKT_STRUCT,
  '.google.protobuf.ListValue': WKT_LIST_VALUE,
  '.google.protobuf.Value': WKT_VALUE,
  '.google.protobuf.FieldMask': WKT_FIELD_MASK,
  '.google.protobuf.Empty': WKT_EMPTY,
};

interface EnumInfo {
  /** Number → the first declared name with that number (protojson's `Values().ByNumber`). */
  readonly nameOf: Map<number, string>;
  readonly numberOf: Map<string, number>;
  /** google.protobuf.NullValue: written as null, and null is a value of it. */
  readonly isNullValue: boolean;
}

interface FieldInfo {
  /** Property of protobufjs messages (depends on the root's keepCase). */
  readonly prop: string;
  readonly protoName: string;
  readonly jsonName: string;
  readonly id: number;
  readonly index: number;
  /** Value kind (of the map value for maps, of the elements for repeated fields). */
  readonly kind: number;
  readonly map: boolean;
  readonly repeated: boolean;
  readonly keyKind: number;
  /** Explicit presence: a oneof member or proto3 `optional` (written when set, even to its default). */
  readonly presence: boolean;
  /** Index of the (real or synthetic) oneof in TypeInfo.oneofNames, or -1. */
  readonly oneof: number;
  /** Members of the same real oneof with a higher field number (on the wire the last one wins). */
  readonly outranking: FieldInfo[];
  readonly messageType: protobuf.Type | undefined;
  readonly enumInfo: EnumInfo | undefined;
  /** JSON null is a value, not "unset": a singular or repeated google.protobuf.Value or NullValue. */
  readonly nullIsValue: boolean;
}

interface TypeInfo {
  readonly type: protobuf.Type;
  /** Full name without the leading dot. */
  readonly name: string;
  readonly wkt: number;
  readonly fields: readonly FieldInfo[];
  readonly byJsonName: Map<string, FieldInfo>;
  readonly byProtoName: Map<string, FieldInfo>;
  readonly byId: Map<number, FieldInfo>;
  readonly oneofNames: readonly string[];
}

const typeInfos = new WeakMap<protobuf.Type, TypeInfo>();
const enumInfos = new WeakMap<protobuf.Enum, EnumInfo>();

/** Path of the value being converted, for error messages: field names, list indexes, map keys. */
type PathSegment = string | number | { key: string };

class Ctx {
  readonly path: PathSegment[] = [];
  constructor(
    readonly typeName: string,
    readonly resolver: protobuf.Root | null,
    readonly useProtoNames: boolean,
  ) {}

  fail(problem: string, cause?: unknown): never {
    throw new MuxUsageError('ERR_MUX_PROTO', `${this.typeName}: ${formatPath(this.path)}: ${problem}`, cause === undefined ? undefined : { cause });
  }
}

function formatPath(path: readonly PathSegment[]): string {
  let s = '$';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (typeof seg === 'string') s += `.${seg}`;
    else s += `[${JSON.stringify(seg.key)}]`;
  }
  return s;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isMessageType(t: unknown): t is protobuf.Type {
  return typeof t === 'object' && t !== null && Array.isArray((t as protobuf.Type).fieldsArray) && typeof (t as protobuf.Type).encode === 'function';
}

function isEnumType(t: unknown): t is protobuf.Enum {
  return typeof t === 'object' && t !== null && typeof (t as protobuf.Enum).values === 'object' && !Array.isArray((t as protobuf.Type).fieldsArray);
}

function enumInfo(e: protobuf.Enum): EnumInfo {
  let info = enumInfos.get(e);
  if (info === undefined) {
    const nameOf = new Map<number, string>();
    const numberOf = new Map<string, number>();
    for (const [name, num] of Object.entries(e.values)) {
      numberOf.set(name, num);
      if (!nameOf.has(num)) nameOf.set(num, name);
    }
    info = { nameOf, numberOf, isNullValue: e.fullName === '.google.protobuf.NullValue' };
    enumInfos.set(e, info);
  }
  return info;
}

/** protojson's JSON name of a field without json_name (strs.JSONCamelCase): drop '_', upper-case a lower-case letter after one. */
function jsonCamelCase(s: string): string {
  let out = '';
  let wasUnderscore = false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c !== 0x5f) {
      if (wasUnderscore && c >= 0x61 && c <= 0x7a) c -= 0x20;
      out += String.fromCharCode(c);
    }
    wasUnderscore = c === 0x5f;
  }
  return out;
}

/** strs.JSONSnakeCase: every upper-case ASCII letter becomes '_' and its lower case. */
function jsonSnakeCase(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? `_${String.fromCharCode(c + 0x20)}` : s[i];
  }
  return out;
}

function typeInfo(type: protobuf.Type): TypeInfo {
  let info = typeInfos.get(type);
  if (info !== undefined) return info;
  const name = type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
  const oneofs = type.oneofsArray;
  const fields: FieldInfo[] = [];
  const byJsonName = new Map<string, FieldInfo>();
  const byProtoName = new Map<string, FieldInfo>();
  const byId = new Map<number, FieldInfo>();
  type Mutable = { -readonly [K in keyof FieldInfo]: FieldInfo[K] };
  const infos: Mutable[] = [];
  for (const field of type.fieldsArray) {
    try {
      field.resolve();
    } catch (err) {
      throw new MuxUsageError('ERR_MUX_PROTO', `${name}: field ${field.name}: ${(err as Error).message}`, { cause: err });
    }
    const protoName = field.protoName ?? field.name;
    const explicitJson = (field.options as Record<string, unknown> | undefined)?.json_name;
    const rt = field.resolvedType;
    let kind: number;
    let messageType: protobuf.Type | undefined;
    let enumI: EnumInfo | undefined;
    if (isMessageType(rt)) {
      kind = MESSAGE;
      messageType = rt;
    } else if (isEnumType(rt)) {
      kind = ENUM;
      enumI = enumInfo(rt);
    } else {
      const k = SCALAR_KINDS[field.type];
      if (k === undefined) throw new MuxUsageError('ERR_MUX_PROTO', `${name}: field ${protoName}: type ${field.type} is not supported (groups and unresolved types are not)`);
      kind = k;
    }
    const isMap = field.map;
    const keyType = isMap ? (field as unknown as protobuf.MapField).keyType : '';
    const oneof = field.partOf ? oneofs.indexOf(field.partOf) : -1;
    const fi: Mutable = {
      prop: field.name,
      protoName,
      jsonName: typeof explicitJson === 'string' ? explicitJson : jsonCamelCase(protoName),
      id: field.id,
      index: fields.length,
      kind,
      map: isMap,
      repeated: field.repeated && !isMap,
      keyKind: isMap ? (SCALAR_KINDS[keyType] ?? STRING) : STRING,
      presence: !isMap && !field.repeated && ((field as { hasPresence?: boolean }).hasPresence ?? field.partOf !== null),
      oneof,
      outranking: [],
      messageType,
      enumInfo: enumI,
      nullIsValue: !isMap && ((messageType !== undefined && messageType.fullName === '.google.protobuf.Value') || (enumI?.isNullValue ?? false)),
    };
    infos.push(fi);
    fields.push(fi);
    byId.set(fi.id, fi);
    if (!byJsonName.has(fi.jsonName)) byJsonName.set(fi.jsonName, fi);
    if (!byProtoName.has(protoName)) byProtoName.set(protoName, fi);
  }
  for (const a of infos) {
    if (a.oneof < 0) continue;
    for (const b of infos) if (b.oneof === a.oneof && b.id > a.id) a.outranking.push(b);
  }
  info = {
    type,
    name,
    wkt: WKT_BY_NAME[type.fullName] ?? WKT_NONE,
    fields,
    byJsonName,
    byProtoName,
    byId,
    oneofNames: oneofs.map((o) => o.name),
  };
  typeInfos.set(type, info);
  return info;
}

/** A field of a well-known type by number (its protobufjs property name depends on how the root was built). */
function wktField(ctx: Ctx, info: TypeInfo, id: number): FieldInfo {
  const f = info.byId.get(id);
  if (f === undefined) ctx.fail(`${info.name} has no field ${id}: not the well-known type protojson knows`);
  return f;
}

/** Resolves an Any type URL as protoregistry does: the full name after the last '/'. */
function resolveTypeUrl(resolver: protobuf.Root | null, url: string): protobuf.Type | undefined {
  if (resolver === null) return undefined;
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (name === '' || name.startsWith('.') || name.endsWith('.')) return undefined;
  let found: unknown;
  try {
    found = resolver.lookup(`.${name}`);
  } catch {
    return undefined;
  }
  if (!isMessageType(found)) return undefined;
  const full = (found as protobuf.Type).fullName;
  return full === `.${name}` ? (found as protobuf.Type) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Writing

export function toProtoJson(type: protobuf.Type, message: object, options?: ProtoJsonOptions): string {
  const info = typeInfo(type);
  const ctx: Ctx = new Ctx(info.name, options?.resolver ?? type.root ?? null, options?.useProtoNames ?? true);
  if (typeof message !== 'object' || message === null) ctx.fail('the message must be an object (a protobufjs message or a plain object for fromObject)');
  let msg: object = message;
  if (!(message instanceof (type.ctor as unknown as new () => object))) {
    try {
      msg = type.fromObject(message as Record<string, unknown>);
    } catch (err) {
      ctx.fail(`not convertible with ${info.name}.fromObject: ${(err as Error).message}`, err);
    }
  }
  const w = { out: '' };
  try {
    writeMessage(ctx, w, info, msg, 1, undefined);
  } catch (err) {
    if (err instanceof MuxUsageError) throw err;
    ctx.fail(`cannot be written: ${(err as Error).message}`, err);
  }
  return w.out;
}

interface Out {
  out: string;
}

function writeMessage(ctx: Ctx, w: Out, info: TypeInfo, msg: object, depth: number, typeUrl: string | undefined): void {
  if (depth > PROTO_JSON_MAX_DEPTH) ctx.fail(`messages nested deeper than ${PROTO_JSON_MAX_DEPTH} levels`);
  if (typeof msg !== 'object' || msg === null) ctx.fail(`expected a ${info.name} message, got ${describe(msg)}`);
  switch (info.wkt) {
    case WKT_ANY:
      return writeAny(ctx, w, info, msg, depth);
    case WKT_TIMESTAMP:
      return writeTimestamp(ctx, w, info, msg);
    case WKT_DURATION:
      return writeDuration(ctx, w, info, msg);
    case WKT_WRAPPER: {
      const f = wktField(ctx, info, 1);
      const v = (msg as Record<string, unknown>)[f.prop];
      return writeScalar(ctx, w, f, hasOwn(msg, f.prop) && v != null ? v : zeroOf(f.kind));
    }
    case WKT_STRUCT: {
      const f = wktField(ctx, info, 1);
      const v = (msg as Record<string, unknown>)[f.prop];
      return writeMap(ctx, w, f, hasOwn(msg, f.prop) && v != null ? v : {}, depth);
    }
    case WKT_LIST_VALUE: {
      const f = wktField(ctx, info, 1);
      const v = (msg as Record<string, unknown>)[f.prop];
      return writeList(ctx, w, f, hasOwn(msg, f.prop) && v != null ? v : [], depth);
    }
    case WKT_VALUE:
      return writeValue(ctx, w, info, msg, depth);
    case WKT_FIELD_MASK:
      return writeFieldMask(ctx, w, info, msg);
    default:
      break;
  }
  const m = msg as Record<string, unknown>;
  let out = '{';
  let first = true;
  if (typeUrl !== undefined) {
    out += `"@type":${quote(ctx, typeUrl)}`;
    first = false;
  }
  w.out += out;
  for (const f of info.fields) {
    const v = m[f.prop];
    if (v == null || !hasOwn(m, f.prop)) continue;
    if (f.map) {
      if (typeof v !== 'object' || Object.keys(v).length === 0) {
        if (typeof v !== 'object') {
          ctx.path.push(ctx.useProtoNames ? f.protoName : f.jsonName);
          ctx.fail(`expected an object of map entries, got ${describe(v)}`);
        }
        continue;
      }
    } else if (f.repeated) {
      if (!Array.isArray(v)) {
        ctx.path.push(ctx.useProtoNames ? f.protoName : f.jsonName);
        ctx.fail(`expected an array, got ${describe(v)}`);
      }
      if (v.length === 0) continue;
    } else if (f.oneof >= 0 && f.outranking.length > 0 && f.outranking.some((o) => m[o.prop] != null && hasOwn(m, o.prop))) {
      continue; // two members of a oneof set: protobufjs writes both, and the reader keeps the later one
    } else if (!f.presence && f.kind !== MESSAGE && isZero(f, v)) {
      continue;
    }
    const name = ctx.useProtoNames ? f.protoName : f.jsonName;
    w.out += first ? `"${name}":` : `,"${name}":`;
    first = false;
    ctx.path.push(name);
    if (f.map) writeMap(ctx, w, f, v, depth);
    else if (f.repeated) writeList(ctx, w, f, v, depth);
    else if (f.kind === MESSAGE) writeMessage(ctx, w, typeInfo(f.messageType!), v as object, depth + 1, undefined);
    else writeScalar(ctx, w, f, v);
    ctx.path.pop();
  }
  w.out += '}';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeof v;
}

function zeroOf(kind: number): unknown {
  switch (kind) {
    case BOOL:
      return false;
    case STRING:
      return '';
    case BYTES:
      return new Uint8Array(0);
    default:
      return 0;
  }
}

/** Whether an implicit-presence scalar holds its zero value (then it is not on the wire, and protojson omits it). */
function isZero(f: FieldInfo, v: unknown): boolean {
  switch (f.kind) {
    case DOUBLE:
      return Object.is(v, 0);
    case FLOAT:
      return typeof v === 'number' && Object.is(Math.fround(v), 0);
    case INT32:
    case UINT32:
      return v === 0;
    case ENUM:
      return v === 0 || (typeof v === 'string' && f.enumInfo!.numberOf.get(v) === 0);
    case INT64:
    case UINT64:
      if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) return (v as protobuf.Long).low === 0 && (v as protobuf.Long).high === 0;
      return v === 0 || v === '0' || v === 0n;
    case BOOL:
      return v === false;
    case STRING:
      return v === '';
    case BYTES:
      return (typeof v === 'string' || v instanceof Uint8Array || Array.isArray(v)) && v.length === 0;
    default:
      return false;
  }
}

/** A JSON string as protojson writes it (only '"', '\\' and controls escaped: what JSON.stringify does for well-formed text). */
function quote(ctx: Ctx, s: string): string {
  if (!isWellFormed(s)) ctx.fail('the string holds an unpaired surrogate (invalid UTF-8 once encoded, which protojson refuses)');
  return JSON.stringify(s);
}

const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
function isWellFormed(s: string): boolean {
  if (nativeWellFormed !== undefined) return nativeWellFormed.call(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff || i + 1 === s.length) return false;
    const d = s.charCodeAt(++i);
    if (d < 0xdc00 || d > 0xdfff) return false;
  }
  return true;
}

/** A 64-bit integer field value (Long, number, decimal string or bigint) as the wire holds it: wrapped to 64 bits. */
function int64Of(ctx: Ctx, v: unknown, unsigned: boolean): bigint {
  let b: bigint;
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const l = v as protobuf.Long;
    b = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  } else if (typeof v === 'number') {
    if (!Number.isInteger(v)) ctx.fail(`expected a 64-bit integer, got ${describe(v)}`);
    b = BigInt(v);
  } else if (typeof v === 'string') {
    if (!isDecimalInteger(v)) ctx.fail(`expected a 64-bit integer, got ${describe(v)}`);
    b = BigInt(v);
  } else if (typeof v === 'bigint') {
    b = v;
  } else {
    ctx.fail(`expected a 64-bit integer (Long, number or decimal string), got ${describe(v)}`);
  }
  return unsigned ? BigInt.asUintN(64, b) : BigInt.asIntN(64, b);
}

function isDecimalInteger(s: string): boolean {
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === s.length || s.length - i > 25) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function int64String(ctx: Ctx, v: unknown, unsigned: boolean): string {
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const l = v as protobuf.Long;
    if (l.high === 0 && l.low >= 0) return String(l.low);
  }
  return int64Of(ctx, v, unsigned).toString();
}

function int32Of(ctx: Ctx, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) ctx.fail(`expected a 32-bit integer, got ${describe(v)}`);
  return v;
}

function bytesOf(ctx: Ctx, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  if (typeof v === 'string') {
    // what protobufjs's writer does with a string for a bytes field
    const buf = new Uint8Array(protobuf.util.base64.length(v));
    const n = protobuf.util.base64.decode(v, buf, 0);
    return buf.subarray(0, n);
  }
  ctx.fail(`expected bytes (Uint8Array), got ${describe(v)}`);
}

function writeScalar(ctx: Ctx, w: Out, f: FieldInfo, v: unknown): void {
  switch (f.kind) {
    case DOUBLE:
      if (typeof v !== 'number') ctx.fail(`expected a number, got ${describe(v)}`);
      w.out += formatDouble(v);
      return;
    case FLOAT:
      if (typeof v !== 'number') ctx.fail(`expected a number, got ${describe(v)}`);
      w.out += formatFloat32(Math.fround(v));
      return;
    case INT32:
      w.out += String(int32Of(ctx, v) | 0);
      return;
    case UINT32:
      w.out += String(int32Of(ctx, v) >>> 0);
      return;
    case INT64:
    case UINT64:
      w.out += `"${int64String(ctx, v, f.kind === UINT64)}"`;
      return;
    case BOOL:
      if (typeof v !== 'boolean') ctx.fail(`expected a boolean, got ${describe(v)}`);
      w.out += v ? 'true' : 'false';
      return;
    case STRING:
      if (typeof v !== 'string') ctx.fail(`expected a string, got ${describe(v)}`);
      w.out += quote(ctx, v);
      return;
    case BYTES: {
      const b = bytesOf(ctx, v);
      w.out += `"${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')}"`;
      return;
    }
    case ENUM: {
      const e = f.enumInfo!;
      let n: number;
      if (typeof v === 'string') {
        const k = e.numberOf.get(v);
        if (k === undefined) ctx.fail(`${JSON.stringify(v)} is not a name of the enum`);
        n = k;
      } else {
        n = int32Of(ctx, v) | 0;
      }
      if (e.isNullValue) {
        w.out += 'null';
        return;
      }
      const name = e.nameOf.get(n);
      w.out += name === undefined ? String(n) : `"${name}"`;
      return;
    }
    default:
      ctx.fail('internal: not a scalar');
  }
}

function writeList(ctx: Ctx, w: Out, f: FieldInfo, v: unknown, depth: number): void {
  if (!Array.isArray(v)) ctx.fail(`expected an array, got ${describe(v)}`);
  w.out += '[';
  for (let i = 0; i < v.length; i++) {
    if (i > 0) w.out += ',';
    ctx.path.push(i);
    const e: unknown = v[i];
    if (e == null) ctx.fail('a repeated field cannot hold null');
    if (f.kind === MESSAGE) writeMessage(ctx, w, typeInfo(f.messageType!), e as object, depth + 1, undefined);
    else writeScalar(ctx, w, f, e);
    ctx.path.pop();
  }
  w.out += ']';
}

/** Compares strings by UTF-8 bytes, i.e. by code point (protojson's map key order), not by UTF-16 unit. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogates (astral code points) sort after U+E000..U+FFFF
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** A map key of a protobufjs message (an object key) as the wire holds it. */
function mapKeyOf(ctx: Ctx, f: FieldInfo, key: string): bigint | string | boolean {
  switch (f.keyKind) {
    case STRING:
      return key;
    case BOOL:
      return key === 'true' || key === '1'; // protobufjs's util.boolFromKey
    case INT64:
    case UINT64: {
      let b: bigint;
      if (key.length === 8 && !isDecimalInteger(key)) {
        // protobufjs keys 64-bit map entries it decoded by an 8-character hash of the bits
        const bits = protobuf.util.LongBits.fromHash(key);
        b = (BigInt(bits.hi >>> 0) << 32n) | BigInt(bits.lo >>> 0);
      } else if (isDecimalInteger(key)) {
        b = BigInt(key);
      } else {
        ctx.fail(`map key ${JSON.stringify(key)} is not an integer`);
      }
      return f.keyKind === UINT64 ? BigInt.asUintN(64, b) : BigInt.asIntN(64, b);
    }
    default: {
      if (!isDecimalInteger(key)) ctx.fail(`map key ${JSON.stringify(key)} is not an integer`);
      const n = Number(key);
      return BigInt(f.keyKind === UINT32 ? n >>> 0 : n | 0);
    }
  }
}

function writeMap(ctx: Ctx, w: Out, f: FieldInfo, v: unknown, depth: number): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) ctx.fail(`expected an object of map entries, got ${describe(v)}`);
  const entries = new Map<bigint | string | boolean, unknown>();
  for (const key of Object.keys(v)) {
    const k = mapKeyOf(ctx, f, key);
    entries.delete(k); // a later entry for the same key replaces it, as on the wire
    entries.set(k, (v as Record<string, unknown>)[key]);
  }
  const keys = [...entries.keys()];
  if (f.keyKind === STRING) (keys as string[]).sort(compareUtf8);
  else if (f.keyKind === BOOL) (keys as boolean[]).sort((a, b) => Number(a) - Number(b));
  else (keys as bigint[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  w.out += '{';
  let first = true;
  for (const k of keys) {
    const ks = String(k);
    ctx.path.push({ key: ks });
    w.out += first ? `${quote(ctx, ks)}:` : `,${quote(ctx, ks)}:`;
    first = false;
    const e = entries.get(k);
    if (f.kind === MESSAGE) {
      if (e == null) ctx.fail('a map value cannot be null');
      writeMessage(ctx, w, typeInfo(f.messageType!), e as object, depth + 1, undefined);
    } else {
      writeScalar(ctx, w, f, e ?? zeroOf(f.kind));
    }
    ctx.path.pop();
  }
  w.out += '}';
}

function fieldValue(msg: object, f: FieldInfo): unknown {
  const v = (msg as Record<string, unknown>)[f.prop];
  return v != null && hasOwn(msg, f.prop) ? v : undefined;
}

function writeAny(ctx: Ctx, w: Out, info: TypeInfo, msg: object, depth: number): void {
  const urlF = wktField(ctx, info, 1);
  const valueF = wktField(ctx, info, 2);
  const url = fieldValue(msg, urlF) ?? '';
  if (typeof url !== 'string') ctx.fail(`type_url: expected a string, got ${describe(url)}`);
  const raw = fieldValue(msg, valueF);
  const value = raw === undefined ? new Uint8Array(0) : bytesOf(ctx, raw);
  if (url === '') {
    if (value.length > 0) ctx.fail('google.protobuf.Any: type_url is not set but value is');
    w.out += '{}';
    return;
  }
  const t = resolveTypeUrl(ctx.resolver, url);
  if (t === undefined) ctx.fail(`google.protobuf.Any: unable to resolve ${JSON.stringify(url)}: no such message type in the resolver`);
  let embedded: object;
  try {
    embedded = t.decode(value);
  } catch (err) {
    ctx.fail(`google.protobuf.Any: unable to decode the ${JSON.stringify(url)} value: ${(err as Error).message}`, err);
  }
  const ei = typeInfo(t);
  if (ei.wkt !== WKT_NONE && ei.wkt !== WKT_EMPTY) {
    w.out += `{"@type":${quote(ctx, url)},"value":`;
    ctx.path.push('value');
    writeMessage(ctx, w, ei, embedded, depth + 1, undefined);
    ctx.path.pop();
    w.out += '}';
    return;
  }
  writeMessage(ctx, w, ei, embedded, depth + 1, url);
}

const MIN_TIMESTAMP_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP_SECONDS = 253402300799; // 9999-12-31T23:59:59Z
const MAX_DURATION_SECONDS = 315576000000; // 10000 years

function secondsAndNanos(ctx: Ctx, info: TypeInfo, msg: object): [number, number] {
  const sF = wktField(ctx, info, 1);
  const nF = wktField(ctx, info, 2);
  const s = fieldValue(msg, sF);
  const n = fieldValue(msg, nF);
  const secs = s === undefined ? 0n : int64Of(ctx, s, false);
  const nanos = n === undefined ? 0 : int32Of(ctx, n) | 0;
  if (secs < -(2n ** 40n) || secs > 2n ** 40n) ctx.fail(`${info.name}: seconds out of range ${secs}`);
  return [Number(secs), nanos];
}

/** Nine fraction digits with trailing groups of three zeros dropped (0, 3, 6 or 9 digits), as protojson writes them. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  let s = String(nanos).padStart(9, '0');
  if (s.endsWith('000')) s = s.slice(0, 6);
  if (s.endsWith('000')) s = s.slice(0, 3);
  return `.${s}`;
}

function writeTimestamp(ctx: Ctx, w: Out, info: TypeInfo, msg: object): void {
  const [secs, nanos] = secondsAndNanos(ctx, info, msg);
  if (secs < MIN_TIMESTAMP_SECONDS || secs > MAX_TIMESTAMP_SECONDS) ctx.fail(`google.protobuf.Timestamp: seconds out of range ${secs} (years 1 to 9999)`);
  if (nanos < 0 || nanos > 999_999_999) ctx.fail(`google.protobuf.Timestamp: nanos out of range ${nanos}`);
  const days = Math.floor(secs / 86400);
  const sod = secs - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod % 3600) / 60);
  const ss = sod % 60;
  w.out += `"${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(hh)}:${p2(mm)}:${p2(ss)}${fraction(nanos)}Z"`;
}

function writeDuration(ctx: Ctx, w: Out, info: TypeInfo, msg: object): void {
  let [secs, nanos] = secondsAndNanos(ctx, info, msg);
  if (secs < -MAX_DURATION_SECONDS || secs > MAX_DURATION_SECONDS) ctx.fail(`google.protobuf.Duration: seconds out of range ${secs}`);
  if (nanos < -999_999_999 || nanos > 999_999_999) ctx.fail(`google.protobuf.Duration: nanos out of range ${nanos}`);
  if ((secs > 0 && nanos < 0) || (secs < 0 && nanos > 0)) ctx.fail('google.protobuf.Duration: signs of seconds and nanos do not match');
  let sign = '';
  if (secs < 0 || nanos < 0) {
    sign = '-';
    secs = -secs;
    nanos = -nanos;
  }
  w.out += `"${sign}${secs}${fraction(nanos)}s"`;
}

function writeValue(ctx: Ctx, w: Out, info: TypeInfo, msg: object, depth: number): void {
  // the member set (the highest-numbered one if several are: the last on the wire)
  let set: FieldInfo | undefined;
  for (const f of info.fields) if (f.oneof >= 0 && fieldValue(msg, f) !== undefined && (set === undefined || f.id > set.id)) set = f;
  if (set === undefined) ctx.fail('google.protobuf.Value: none of the oneof fields is set');
  const v = fieldValue(msg, set);
  if (set.kind === DOUBLE && (typeof v !== 'number' || !Number.isFinite(v))) ctx.fail(`google.protobuf.Value.number_value: invalid ${String(v)} value (JSON has no NaN or Infinity)`);
  if (set.kind === MESSAGE) writeMessage(ctx, w, typeInfo(set.messageType!), v as object, depth + 1, undefined);
  else writeScalar(ctx, w, set, v);
}

function writeFieldMask(ctx: Ctx, w: Out, info: TypeInfo, msg: object): void {
  const f = wktField(ctx, info, 1);
  const paths = fieldValue(msg, f) ?? [];
  if (!Array.isArray(paths)) ctx.fail(`google.protobuf.FieldMask.paths: expected an array, got ${describe(paths)}`);
  const out: string[] = [];
  for (const p of paths as unknown[]) {
    if (typeof p !== 'string') ctx.fail(`google.protobuf.FieldMask.paths: expected strings, got ${describe(p)}`);
    if (!isValidFullName(p)) ctx.fail(`google.protobuf.FieldMask.paths contains invalid path: ${JSON.stringify(p)}`);
    const cc = jsonCamelCase(p);
    if (jsonSnakeCase(cc) !== p) ctx.fail(`google.protobuf.FieldMask.paths contains irreversible value ${JSON.stringify(p)} (lowerCamelCase would not read back to it)`);
    out.push(cc);
  }
  w.out += quote(ctx, out.join(','));
}

/** protoreflect.FullName.IsValid: dot-separated identifiers of ASCII letters, digits and '_', none starting with a digit. */
function isValidFullName(s: string): boolean {
  let start = true;
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    const digit = c >= 0x30 && c <= 0x39;
    if (start) {
      if (!letter) return false;
      start = false;
    } else if (c === 0x2e) {
      start = true;
    } else if (!letter && !digit) {
      return false;
    }
  }
  return !start;
}

/** Days since 1970-01-01 → proleptic Gregorian [year, month, day] (Howard Hinnant's civil_from_days). */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Proleptic Gregorian date → days since 1970-01-01 (days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// ---------------------------------------------------------------------------------------------
// Numbers

/**
 * A double as Go's strconv.AppendFloat(n, 'f' or 'e', -1, 64) in protojson: the shortest digits
 * that read back to n, exponent form below 1e-6 and from 1e21 up. JavaScript's Number#toString
 * makes the same choices at the same thresholds ("1e-7", "1e+21"), except that it writes -0 as 0.
 */
function formatDouble(n: number): string {
  if (Number.isNaN(n)) return '"NaN"';
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  return String(n);
}

const F32_MIN_FIXED = Math.fround(1e-6);
const F32_MAX_FIXED = Math.fround(1e21);

/**
 * A float32 (held exactly in a double) as Go writes it with bitSize 32: the shortest decimal that
 * reads back to the same float32 (0.1f is "0.1", not 0.10000000149011612), the closest one when
 * several are as short; exponent form below float32(1e-6) and from float32(1e21) up.
 */
function formatFloat32(f: number): string {
  if (Number.isNaN(f)) return '"NaN"';
  if (f === Infinity) return '"Infinity"';
  if (f === -Infinity) return '"-Infinity"';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const abs = Math.abs(f);
  let digits = '';
  let exp10 = 0; // the value is digits[0].digits[1..] × 10^exp10
  for (let p = 1; p <= 9 && digits === ''; p++) {
    // the p-digit decimals next to the value: M × 10^k for M around the rounded mantissa
    const [m0, e] = splitExponential(abs.toExponential(p - 1));
    const k = e - p + 1;
    const passing: number[] = [];
    for (const m of [m0 - 1, m0, m0 + 1]) if (m > 0 && String(m).length >= p && Math.fround(Number(`${m}e${k}`)) === abs) passing.push(m);
    if (passing.length === 0) continue;
    // the closest of them; exactly halfway between two, the even one (Go's shortest formatting rounds half to even)
    let best = passing[0]!;
    for (const m of passing.slice(1)) {
      const cmp = compareDecimalToDouble(`${(best + m) * 5}e${k - 1}`, abs); // midpoint − value
      if (cmp < 0 || (cmp === 0 && m % 2 === 0)) best = m;
    }
    const ms = String(best);
    let end = ms.length;
    while (end > 1 && ms.charCodeAt(end - 1) === 0x30) end--;
    digits = ms.slice(0, end);
    exp10 = k + ms.length - 1;
  }
  if (digits === '') {
    // not reached: 9 significant digits always identify a float32
    const [m, e] = splitExponential(abs.toExponential(8));
    digits = String(m);
    exp10 = e;
  }
  const sign = f < 0 ? '-' : '';
  if (abs < F32_MIN_FIXED || abs >= F32_MAX_FIXED) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp10);
    // Go writes at least two exponent digits, then protojson drops the 0 of "e-0d"
    const es = exp10 < 0 ? `-${ae}` : `+${ae < 10 ? `0${ae}` : ae}`;
    return `${sign}${mant}e${es}`;
  }
  // fixed notation: the point goes after digit exp10+1
  const point = exp10 + 1;
  let s: string;
  if (point <= 0) s = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) s = digits + '0'.repeat(point - digits.length);
  else s = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + s;
}

/** "d.ddde±x" → [ddd as an integer, x]. */
function splitExponential(s: string): [number, number] {
  const e = s.indexOf('e');
  return [Number(s.slice(0, e).replace('.', '')), Number(s.slice(e + 1))];
}

/** A JSON number token's text (already checked against the grammar) as a float32, rounded once as Go's ParseFloat(s, 32) does; undefined when out of range. */
function parseFloat32(raw: string): number | undefined {
  const x = Number(raw);
  let f = Math.fround(x);
  if (x !== f && Number.isFinite(x)) {
    // Rounding to double first, then to float32, is wrong only when the double is exactly halfway
    // between two float32s (or between the largest float32 and 2^128, where rounding overflows):
    // then the exact decimal decides which way.
    const finite = Number.isFinite(f);
    const other = finite ? nextFloat32Toward(f, x) : Math.sign(x) * F32_MAX;
    const mid = finite ? (f + other) / 2 : Math.sign(x) * F32_OVERFLOW_MIDPOINT;
    if (mid === x) {
      const cmp = compareDecimalToDouble(raw, x);
      if (cmp !== 0) f = (cmp > 0) === (other > f) ? other : f;
    }
  }
  return Number.isFinite(f) ? f : undefined;
}

const F32_MAX = 3.4028234663852886e38;
const F32_OVERFLOW_MIDPOINT = 2 ** 128 - 2 ** 103;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function nextFloat32Toward(f: number, x: number): number {
  f32[0] = f;
  if (f === 0) {
    u32[0] = x > 0 ? 1 : 0x80000001;
  } else if ((x > f) === (f > 0)) {
    u32[0] += 1;
  } else {
    u32[0] -= 1;
  }
  return f32[0];
}

/** Sign of (decimal raw − x), exactly, for a finite double x near the decimal. */
function compareDecimalToDouble(raw: string, x: number): number {
  let s = raw;
  let neg = false;
  if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  const eIdx = s.search(/[eE]/);
  let exp = 0;
  if (eIdx >= 0) {
    exp = Number(s.slice(eIdx + 1));
    s = s.slice(0, eIdx);
  }
  const dot = s.indexOf('.');
  if (dot >= 0) {
    exp -= s.length - dot - 1;
    s = s.slice(0, dot) + s.slice(dot + 1);
  }
  if (Math.abs(exp) > 2000) return 0; // cannot be near a finite float32
  let num = BigInt(s) * (neg ? -1n : 1n); // decimal = num × 10^exp
  // x = mant × 2^e2
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  if (x < 0) mant = -mant;
  // compare num × 10^exp with mant × 2^e2, both scaled to integers
  let left = num;
  let right = mant;
  if (exp >= 0) left *= 10n ** BigInt(exp);
  else right *= 10n ** BigInt(-exp);
  if (e2 >= 0) right <<= BigInt(e2);
  else left <<= BigInt(-e2);
  num = left - right;
  return num > 0n ? 1 : num < 0n ? -1 : 0;
}

/** Whether s is exactly one JSON number token (protojson parses numeric strings this way). */
function isJsonNumber(s: string): boolean {
  let i = 0;
  const n = s.length;
  const digit = (k: number): boolean => k < n && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
  if (s.charCodeAt(i) === 0x2d) i++;
  if (!digit(i)) return false;
  if (s.charCodeAt(i) === 0x30) i++;
  else while (digit(i)) i++;
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    if (!digit(i)) return false;
    while (digit(i)) i++;
  }
  const c = s.charCodeAt(i);
  if (c === 0x65 || c === 0x45) {
    i++;
    const sgn = s.charCodeAt(i);
    if (sgn === 0x2b || sgn === 0x2d) i++;
    if (!digit(i)) return false;
    while (digit(i)) i++;
  }
  return i === n;
}

/**
 * An integral JSON number's text (json.Token's getIntStr: "1e3", "1.50e2" and "100e-2" are
 * integers) as a decimal integer string; undefined when it has a fraction or over 20 digits.
 */
function integerText(raw: string): string | undefined {
  let i = 0;
  let neg = false;
  if (raw.charCodeAt(0) === 0x2d) {
    neg = true;
    i = 1;
  }
  let intp = '';
  if (raw.charCodeAt(i) === 0x30) i++;
  else {
    const st = i;
    while (i < raw.length && raw.charCodeAt(i) >= 0x30 && raw.charCodeAt(i) <= 0x39) i++;
    intp = raw.slice(st, i);
  }
  let frac = '';
  if (raw.charCodeAt(i) === 0x2e) {
    const st = ++i;
    while (i < raw.length && raw.charCodeAt(i) >= 0x30 && raw.charCodeAt(i) <= 0x39) i++;
    frac = raw.slice(st, i);
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 0x30) end--;
    frac = frac.slice(0, end);
  }
  if (intp === '' && frac === '') return '0';
  let exp = 0;
  if (i < raw.length) {
    // 'e' or 'E', then an optional sign and digits (the grammar was checked); strconv.ParseInt(exp, 10, 32)
    const e = Number(raw.slice(i + 1));
    if (!Number.isInteger(e) || e > 2147483647 || e < -2147483648) return undefined;
    exp = e;
  }
  let num: string;
  if (exp >= 0) {
    if (frac.length > exp) return undefined;
    if (intp.length + exp > 20) return undefined;
    num = intp + frac + '0'.repeat(exp - frac.length);
  } else {
    if (frac.length > 0) return undefined;
    const index = intp.length + exp;
    if (index < 0) return undefined;
    for (let k = index; k < intp.length; k++) if (intp.charCodeAt(k) !== 0x30) return undefined;
    num = intp.slice(0, index);
  }
  return neg ? `-${num}` : num;
}

const INT_RANGES: Record<number, [bigint, bigint]> = {
  [INT32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [UINT32]: [0n, 2n ** 32n - 1n],
  [INT64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [UINT64]: [0n, 2n ** 64n - 1n],
  [ENUM]: [-(2n ** 31n), 2n ** 31n - 1n],
};

/** An integer of the kind's range from a JSON number token's text; undefined if not integral or out of range. */
function integerOf(raw: string, kind: number): bigint | undefined {
  const t = integerText(raw);
  if (t === undefined) return undefined;
  // strconv.ParseUint refuses any sign, so "-0" is not an unsigned integer (integerText writes no "-0")
  if ((kind === UINT32 || kind === UINT64) && t.startsWith('-')) return undefined;
  const b = BigInt(t);
  const [lo, hi] = INT_RANGES[kind]!;
  return b < lo || b > hi ? undefined : b;
}

/** Go's unicode.IsSpace, what strings.TrimSpace removes. */
function isGoSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

// ---------------------------------------------------------------------------------------------
// JSON text → tree (strict RFC 8259, as protojson's tokenizer: no duplicate keys, numbers kept as text)

class JsonNumber {
  constructor(readonly raw: string) {}
}
type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

class JsonParser {
  private pos = 0;
  constructor(
    private readonly ctx: Ctx,
    private readonly s: string,
  ) {}

  parseDocument(): JsonValue {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.pos < this.s.length) this.syntax(`unexpected ${this.near()} after the JSON value`);
    return v;
  }

  private syntax(what: string): never {
    this.ctx.fail(`not valid JSON: ${what} (at character ${this.pos})`);
  }

  private near(): string {
    return this.pos >= this.s.length ? 'end of input' : JSON.stringify(this.s.slice(this.pos, this.pos + 12));
  }

  private ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(depth: number): JsonValue {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.syntax(`unexpected ${this.near()}`);
    }
  }

  private literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.pos)) this.syntax(`unexpected ${this.near()}`);
    this.pos += word.length;
    return v;
  }

  private number(): JsonNumber {
    const s = this.s;
    const start = this.pos;
    let p = start;
    const digit = (k: number): boolean => s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
    if (s.charCodeAt(p) === 0x2d) p++;
    if (!digit(p)) {
      this.pos = p;
      this.syntax('a number needs digits');
    }
    if (s.charCodeAt(p) === 0x30) p++;
    else while (digit(p)) p++;
    if (s.charCodeAt(p) === 0x2e) {
      p++;
      if (!digit(p)) {
        this.pos = p;
        this.syntax('a number needs digits after "."');
      }
      while (digit(p)) p++;
    }
    const e = s.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      p++;
      const sg = s.charCodeAt(p);
      if (sg === 0x2b || sg === 0x2d) p++;
      if (!digit(p)) {
        this.pos = p;
        this.syntax('a number needs digits in its exponent');
      }
      while (digit(p)) p++;
    }
    this.pos = p;
    return new JsonNumber(s.slice(start, p));
  }

  private string(): string {
    const s = this.s;
    let p = this.pos + 1;
    let out = '';
    let chunk = p;
    for (;;) {
      if (p >= s.length) {
        this.pos = p;
        this.syntax('unterminated string');
      }
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        out += s.slice(chunk, p);
        this.pos = p + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = p;
        this.syntax('a control character in a string must be escaped');
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = s.charCodeAt(p + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) {
          this.pos = p;
          this.syntax('invalid UTF-8 (an unpaired surrogate) in a string');
        }
        p += 2;
        continue;
      }
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += s.slice(chunk, p);
      const esc = s.charCodeAt(p + 1);
      switch (esc) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const u = this.hex4(p + 2);
          if (u >= 0xd800 && u <= 0xdfff) {
            // a surrogate escape must be a high one followed by an escaped low one
            const low = s.charCodeAt(p + 6) === 0x5c && s.charCodeAt(p + 7) === 0x75 ? this.hex4(p + 8) : -1;
            if (u > 0xdbff || low < 0xdc00 || low > 0xdfff) {
              this.pos = p;
              this.syntax('an escaped surrogate must be a high one followed by a low one');
            }
            out += String.fromCharCode(u, low);
            p += 12;
          } else {
            out += String.fromCharCode(u);
            p += 6;
          }
          chunk = p;
          continue;
        }
        default:
          this.pos = p;
          this.syntax('invalid escape in a string');
      }
      p += 2;
      chunk = p;
    }
  }

  private hex4(p: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.s.charCodeAt(p + i);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else {
        this.pos = p;
        return this.syntax('\\u needs four hexadecimal digits');
      }
      v = v * 16 + d;
    }
    return v;
  }

  private object(depth: number): Map<string, JsonValue> {
    if (depth > MAX_JSON_DEPTH) this.syntax(`nested deeper than ${MAX_JSON_DEPTH} objects and arrays`);
    const m = new Map<string, JsonValue>();
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return m;
    }
    for (;;) {
      if (this.s.charCodeAt(this.pos) !== 0x22) this.syntax(`expected a field name, got ${this.near()}`);
      const keyPos = this.pos;
      const key = this.string();
      if (m.has(key)) {
        this.pos = keyPos;
        this.syntax(`duplicate name ${JSON.stringify(key)} in an object`);
      }
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.syntax(`expected ":" after a field name, got ${this.near()}`);
      this.pos++;
      this.ws();
      m.set(key, this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        this.ws();
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return m;
      }
      this.syntax(`expected "," or "}", got ${this.near()}`);
    }
  }

  private array(depth: number): JsonValue[] {
    if (depth > MAX_JSON_DEPTH) this.syntax(`nested deeper than ${MAX_JSON_DEPTH} objects and arrays`);
    const a: JsonValue[] = [];
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return a;
    }
    for (;;) {
      a.push(this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        this.ws();
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return a;
      }
      this.syntax(`expected "," or "]", got ${this.near()}`);
    }
  }
}

function jsonKind(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (v instanceof JsonNumber) return `the number ${v.raw.length > 40 ? `${v.raw.slice(0, 40)}…` : v.raw}`;
  if (Array.isArray(v)) return 'an array';
  return 'an object';
}

// ---------------------------------------------------------------------------------------------
// Reading

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function fromProtoJson<T extends object = Record<string, unknown>>(
  type: protobuf.Type,
  json: string | Buffer | Uint8Array,
  options?: ProtoJsonOptions,
): protobuf.Message<T> & T {
  const info = typeInfo(type);
  const ctx: Ctx = new Ctx(info.name, options?.resolver ?? type.root ?? null, options?.useProtoNames ?? true);
  let text: string;
  if (typeof json === 'string') text = json;
  else if (json instanceof Uint8Array) {
    try {
      text = utf8Decoder.decode(json);
    } catch (err) {
      ctx.fail('the value is not valid UTF-8', err);
    }
  } else {
    ctx.fail(`expected JSON text (a string, Buffer or Uint8Array), got ${describe(json)}`);
  }
  const tree = new JsonParser(ctx, text).parseDocument();
  try {
    return readMessage(ctx, info, tree, 1, false) as protobuf.Message<T> & T;
  } catch (err) {
    if (err instanceof MuxUsageError) throw err;
    ctx.fail(`cannot be read: ${(err as Error).message}`, err);
  }
}

type Msg = Record<string, unknown>;

function setProp(obj: Msg, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}

function readMessage(ctx: Ctx, info: TypeInfo, v: JsonValue, depth: number, skipTypeUrl: boolean): Msg {
  if (depth > PROTO_JSON_MAX_DEPTH) ctx.fail(`messages nested deeper than ${PROTO_JSON_MAX_DEPTH} levels`);
  switch (info.wkt) {
    case WKT_ANY:
      return readAny(ctx, info, v, depth);
    case WKT_TIMESTAMP:
      return readTimestamp(ctx, info, v);
    case WKT_DURATION:
      return readDuration(ctx, info, v);
    case WKT_WRAPPER: {
      const f = wktField(ctx, info, 1);
      const x = readScalar(ctx, f, v);
      const msg = info.type.create() as Msg;
      if (!isZeroRead(f.kind, x)) msg[f.prop] = x;
      return msg;
    }
    case WKT_STRUCT: {
      const f = wktField(ctx, info, 1);
      const msg = info.type.create() as Msg;
      msg[f.prop] = readMap(ctx, f, v, depth);
      return msg;
    }
    case WKT_LIST_VALUE: {
      const f = wktField(ctx, info, 1);
      const msg = info.type.create() as Msg;
      msg[f.prop] = readList(ctx, f, v, depth);
      return msg;
    }
    case WKT_VALUE:
      return readValue(ctx, info, v, depth);
    case WKT_FIELD_MASK:
      return readFieldMask(ctx, info, v);
    default:
      break;
  }
  if (!(v instanceof Map)) ctx.fail(`expected an object for ${info.name}, got ${jsonKind(v)}`);
  const msg = info.type.create() as Msg;
  const seen = new Uint8Array(info.fields.length);
  const seenOneof = info.oneofNames.length > 0 ? new Uint8Array(info.oneofNames.length) : undefined;
  for (const [name, jv] of v) {
    if (skipTypeUrl && name === '@type') continue;
    const f = info.byJsonName.get(name) ?? info.byProtoName.get(name);
    ctx.path.push(name);
    if (f === undefined) ctx.fail(`unknown field: ${info.name} has no field named ${JSON.stringify(name)}`);
    if (seen[f.index] !== 0) ctx.fail(`duplicate field: ${f.protoName} is already set (by its proto or JSON name)`);
    seen[f.index] = 1;
    if (jv === null && !f.nullIsValue) {
      ctx.path.pop();
      continue; // null: the field stays unset
    }
    if (f.map) msg[f.prop] = readMap(ctx, f, jv, depth);
    else if (f.repeated) msg[f.prop] = readList(ctx, f, jv, depth);
    else {
      if (f.oneof >= 0) {
        if (seenOneof![f.oneof] !== 0) ctx.fail(`oneof ${info.oneofNames[f.oneof]} is already set (by another of its fields)`);
        seenOneof![f.oneof] = 1;
      }
      if (f.kind === MESSAGE) msg[f.prop] = readMessage(ctx, typeInfo(f.messageType!), jv, depth + 1, false);
      else {
        const x = readScalar(ctx, f, jv);
        if (f.presence || !isZeroRead(f.kind, x)) msg[f.prop] = x;
      }
    }
    ctx.path.pop();
  }
  return msg;
}

/** Zero values are left unset in implicit-presence fields, so protobufjs does not write them either. */
function isZeroRead(kind: number, x: unknown): boolean {
  switch (kind) {
    case INT64:
    case UINT64:
      return typeof x === 'object' && x !== null ? (x as protobuf.Long).low === 0 && (x as protobuf.Long).high === 0 : x === 0;
    case BYTES:
      return (x as Uint8Array).length === 0;
    default:
      return Object.is(x, 0) || x === false || x === '';
  }
}

function readList(ctx: Ctx, f: FieldInfo, v: JsonValue, depth: number): unknown[] {
  if (!Array.isArray(v)) ctx.fail(`expected an array, got ${jsonKind(v)}`);
  const out: unknown[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    ctx.path.push(i);
    out[i] = f.kind === MESSAGE ? readMessage(ctx, typeInfo(f.messageType!), v[i]!, depth + 1, false) : readScalar(ctx, f, v[i]!);
    ctx.path.pop();
  }
  return out;
}

function readMap(ctx: Ctx, f: FieldInfo, v: JsonValue, depth: number): Msg {
  if (!(v instanceof Map)) ctx.fail(`expected an object of map entries, got ${jsonKind(v)}`);
  const out: Msg = {};
  for (const [name, jv] of v) {
    ctx.path.push({ key: name });
    const key = readMapKey(ctx, f, name);
    if (hasOwn(out, key)) ctx.fail(`duplicate map key: ${JSON.stringify(name)} is the same key as an earlier one (${key})`);
    setProp(out, key, f.kind === MESSAGE ? readMessage(ctx, typeInfo(f.messageType!), jv, depth + 1, false) : readScalar(ctx, f, jv));
    ctx.path.pop();
  }
  return out;
}

/** A JSON object name as a map key (strconv.ParseInt/ParseUint for integers: a '+' sign or leading zeros are fine), in protobufjs's object-key form. */
function readMapKey(ctx: Ctx, f: FieldInfo, name: string): string {
  switch (f.keyKind) {
    case STRING:
      return name;
    case BOOL:
      if (name === 'true' || name === 'false') return name;
      return ctx.fail(`invalid map key ${JSON.stringify(name)}: expected true or false`);
    default: {
      const signed = f.keyKind === INT32 || f.keyKind === INT64;
      let i = 0;
      if (signed && (name[0] === '-' || name[0] === '+')) i = 1;
      if (i === name.length || name.length > 40) ctx.fail(`invalid map key ${JSON.stringify(name)}: expected a decimal integer`);
      for (; i < name.length; i++) {
        const c = name.charCodeAt(i);
        if (c < 0x30 || c > 0x39) ctx.fail(`invalid map key ${JSON.stringify(name)}: expected a decimal integer`);
      }
      const b = BigInt(name[0] === '+' ? name.slice(1) : name);
      const [lo, hi] = INT_RANGES[f.keyKind]!;
      if (b < lo || b > hi) ctx.fail(`invalid map key ${JSON.stringify(name)}: out of range`);
      return b.toString();
    }
  }
}

function makeLong(b: bigint, unsigned: boolean): unknown {
  const Long = protobuf.util.Long as unknown as { fromBits(lo: number, hi: number, unsigned: boolean): protobuf.Long } | null;
  if (Long) return Long.fromBits(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n)), unsigned);
  return Number(b);
}

function readScalar(ctx: Ctx, f: FieldInfo, v: JsonValue): unknown {
  const kind = f.kind;
  switch (kind) {
    case BOOL:
      if (typeof v === 'boolean') return v;
      break;
    case INT32:
    case UINT32:
    case INT64:
    case UINT64: {
      let raw: string | undefined;
      if (v instanceof JsonNumber) raw = v.raw;
      else if (typeof v === 'string' && goTrimSpace(v).length === v.length && isJsonNumber(v)) raw = v;
      if (raw === undefined) break;
      const b = integerOf(raw, kind);
      if (b === undefined) ctx.fail(`invalid value for ${kindName(f)}: ${jsonKind(v)} is not an integer in range`);
      return kind === INT64 || kind === UINT64 ? makeLong(b, kind === UINT64) : Number(b);
    }
    case FLOAT:
    case DOUBLE: {
      let raw: string | undefined;
      if (v instanceof JsonNumber) raw = v.raw;
      else if (typeof v === 'string') {
        if (v === 'NaN') return NaN;
        if (v === 'Infinity') return Infinity;
        if (v === '-Infinity') return -Infinity;
        if (goTrimSpace(v).length === v.length && isJsonNumber(v)) raw = v;
      }
      if (raw === undefined) break;
      const x = kind === FLOAT ? parseFloat32(raw) : Number(raw);
      if (x === undefined || !Number.isFinite(x)) ctx.fail(`invalid value for ${kindName(f)}: ${jsonKind(v)} is out of range`);
      return x;
    }
    case STRING:
      if (typeof v === 'string') return v;
      break;
    case BYTES:
      if (typeof v === 'string') {
        const b = decodeBase64(v);
        if (b === undefined) ctx.fail(`invalid value for bytes: ${jsonKind(v)} is not base64`);
        return b;
      }
      break;
    case ENUM: {
      const e = f.enumInfo!;
      if (typeof v === 'string') {
        const n = e.numberOf.get(v);
        if (n !== undefined) return n;
        ctx.fail(`invalid value for enum: ${jsonKind(v)} is not one of its names`);
      }
      if (v instanceof JsonNumber) {
        const b = integerOf(v.raw, ENUM);
        if (b !== undefined) return Number(b);
      }
      if (v === null && e.isNullValue) return 0;
      break;
    }
    default:
      break;
  }
  return ctx.fail(`invalid value for ${kindName(f)}: ${jsonKind(v)}`);
}

function kindName(f: FieldInfo): string {
  return ['double', 'float', 'int32', 'uint32', 'int64', 'uint64', 'bool', 'string', 'bytes', 'enum', 'message'][f.kind]!;
}

const B64_STD = new Int16Array(128).fill(-1);
const B64_URL = new Int16Array(128).fill(-1);
{
  const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < 64; i++) {
    B64_STD[std.charCodeAt(i)] = i;
    B64_URL[url.charCodeAt(i)] = i;
  }
}

/**
 * Base64 as protojson reads bytes: the URL-safe alphabet if the text holds '-' or '_', padding
 * required when the length is a multiple of 4 and refused otherwise, '\r' and '\n' skipped,
 * unused trailing bits ignored (Go's encoding/base64, not strict).
 */
function decodeBase64(s: string): Uint8Array | undefined {
  const map = s.includes('-') || s.includes('_') ? B64_URL : B64_STD;
  const padded = s.length % 4 === 0;
  const out = Buffer.allocUnsafe(Math.ceil(s.length / 4) * 3);
  let n = 0;
  let si = 0;
  const len = s.length;
  const dbuf = [0, 0, 0, 0];
  for (;;) {
    let dlen = 4;
    let j = 0;
    for (; j < 4; j++) {
      if (si === len) {
        if (j === 0) return out.subarray(0, n);
        if (j === 1 || padded) return undefined;
        dlen = j;
        break;
      }
      const c = s.charCodeAt(si++);
      const d = c < 128 ? map[c]! : -1;
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (!padded || c !== 0x3d || j < 2) return undefined;
      if (j === 2) {
        while (si < len && (s.charCodeAt(si) === 0x0a || s.charCodeAt(si) === 0x0d)) si++;
        if (si === len || s.charCodeAt(si) !== 0x3d) return undefined;
        si++;
      }
      while (si < len && (s.charCodeAt(si) === 0x0a || s.charCodeAt(si) === 0x0d)) si++;
      if (si < len) return undefined;
      dlen = j;
      break;
    }
    for (let k = dlen; k < 4; k++) dbuf[k] = 0;
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    out[n] = val >>> 16;
    if (dlen >= 3) out[n + 1] = (val >>> 8) & 0xff;
    if (dlen === 4) out[n + 2] = val & 0xff;
    n += dlen - 1;
    if (dlen < 4) return si === len ? out.subarray(0, n) : undefined;
  }
}

function readAny(ctx: Ctx, info: TypeInfo, v: JsonValue, depth: number): Msg {
  if (!(v instanceof Map)) ctx.fail(`expected an object for google.protobuf.Any, got ${jsonKind(v)}`);
  const msg = info.type.create() as Msg;
  if (v.size === 0) return msg;
  const url = v.get('@type');
  if (url === undefined) ctx.fail('google.protobuf.Any: missing "@type" field');
  if (typeof url !== 'string') ctx.fail(`google.protobuf.Any: "@type" must be a string, got ${jsonKind(url)}`);
  if (url === '') ctx.fail('google.protobuf.Any: "@type" is empty');
  const t = resolveTypeUrl(ctx.resolver, url);
  if (t === undefined) {
    ctx.path.push('@type');
    ctx.fail(`unable to resolve ${JSON.stringify(url)}: no such message type in the resolver`);
  }
  const ei = typeInfo(t);
  let embedded: Msg;
  if (ei.wkt !== WKT_NONE) {
    // a well-known type (Empty included) is the "value" field's JSON
    let value: JsonValue | undefined;
    for (const [name, jv] of v) {
      if (name === '@type') continue;
      if (name !== 'value') {
        ctx.path.push(name);
        ctx.fail(`unknown field: an Any holding ${ei.name} has only "@type" and "value"`);
      }
      value = jv;
    }
    if (value === undefined) {
      if (ei.wkt !== WKT_EMPTY) ctx.fail(`google.protobuf.Any: missing "value" field (holding ${ei.name})`);
      embedded = t.create() as Msg;
    } else {
      ctx.path.push('value');
      embedded = readMessage(ctx, ei, value, depth + 1, false);
      ctx.path.pop();
    }
  } else {
    embedded = readMessage(ctx, ei, v, depth + 1, true);
  }
  const bytes = t.encode(embedded).finish();
  msg[wktField(ctx, info, 1).prop] = url;
  if (bytes.length > 0) msg[wktField(ctx, info, 2).prop] = bytes;
  return msg;
}

function setSecondsNanos(ctx: Ctx, info: TypeInfo, secs: number, nanos: number): Msg {
  const msg = info.type.create() as Msg;
  if (secs !== 0) msg[wktField(ctx, info, 1).prop] = makeLong(BigInt(secs), false);
  if (nanos !== 0) msg[wktField(ctx, info, 2).prop] = nanos;
  return msg;
}

function readTimestamp(ctx: Ctx, info: TypeInfo, v: JsonValue): Msg {
  if (typeof v !== 'string') ctx.fail(`expected an RFC 3339 timestamp string for google.protobuf.Timestamp, got ${jsonKind(v)}`);
  const t = parseTimestamp(v);
  if (t === undefined) ctx.fail(`invalid google.protobuf.Timestamp value ${JSON.stringify(v)}: expected RFC 3339, e.g. "1972-01-01T10:00:20.021Z"`);
  if (t[0] < MIN_TIMESTAMP_SECONDS || t[0] > MAX_TIMESTAMP_SECONDS) ctx.fail(`google.protobuf.Timestamp value out of range: ${JSON.stringify(v)} (years 1 to 9999 in UTC)`);
  return setSecondsNanos(ctx, info, t[0], t[1]);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * RFC 3339 as Go's time.Parse(time.RFC3339Nano) accepts it and protojson checks it: a
 * four-digit year, two-digit month, day, minute and second, a one- or two-digit hour, an
 * optional fraction after '.' or ',' (more than 9 digits refused after '.'), then 'Z' or
 * ±hh:mm (hh up to 24, mm up to 60). Returns [unix seconds, nanos].
 */
function parseTimestamp(s: string): [number, number] | undefined {
  let p = 0;
  const digits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(p + i);
      if (!(c >= 0x30 && c <= 0x39)) return -1;
      v = v * 10 + (c - 0x30);
    }
    p += n;
    return v;
  };
  const isDigit = (k: number): boolean => s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
  const year = digits(4);
  if (year < 0 || s[p++] !== '-') return undefined;
  const month = digits(2);
  if (month < 1 || month > 12 || s[p++] !== '-') return undefined;
  const day = digits(2);
  if (day < 1 || s[p++] !== 'T') return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return undefined;
  const hour = digits(isDigit(p + 1) ? 2 : 1);
  if (hour < 0 || hour > 23 || s[p++] !== ':') return undefined;
  const min = digits(2);
  if (min < 0 || min > 59 || s[p++] !== ':') return undefined;
  const sec = digits(2);
  if (sec < 0 || sec > 59) return undefined;
  let nanos = 0;
  if ((s[p] === '.' || s[p] === ',') && isDigit(p + 1)) {
    const start = p + 1;
    let e = start;
    while (isDigit(e)) e++;
    const frac = s.slice(start, Math.min(e, start + 9));
    nanos = Number(frac.padEnd(9, '0'));
    p = e;
  }
  let offset = 0;
  if (s[p] === 'Z') p++;
  else {
    const sign = s[p];
    if (sign !== '+' && sign !== '-') return undefined;
    p++;
    const hh = digits(2);
    if (hh < 0 || s[p++] !== ':') return undefined;
    const mm = digits(2);
    if (mm < 0 || hh > 24 || mm > 60) return undefined;
    offset = (hh * 60 + mm) * 60 * (sign === '-' ? -1 : 1);
  }
  if (p !== s.length) return undefined;
  // protojson: at most 9 fraction digits between the last '.' and the zone
  const i = s.lastIndexOf('.');
  const j = Math.max(s.lastIndexOf('Z'), s.lastIndexOf('-'), s.lastIndexOf('+'));
  if (i >= 0 && j >= i && j - i > 10) return undefined;
  const secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
  return [secs, nanos];
}

function readDuration(ctx: Ctx, info: TypeInfo, v: JsonValue): Msg {
  if (typeof v !== 'string') ctx.fail(`expected a duration string such as "1.5s" for google.protobuf.Duration, got ${jsonKind(v)}`);
  const d = parseDuration(v);
  if (d === undefined) ctx.fail(`invalid google.protobuf.Duration value ${JSON.stringify(v)}: expected seconds with up to 9 fraction digits and an "s", e.g. "-1.5s"`);
  if (d[0] < -MAX_DURATION_SECONDS || d[0] > MAX_DURATION_SECONDS) ctx.fail(`google.protobuf.Duration value out of range: ${JSON.stringify(v)} (at most ±315576000000s)`);
  return setSecondsNanos(ctx, info, d[0], d[1]);
}

/** protojson's parseDuration: [+-] then digits without a leading 0, an optional '.' and at most 9 digits, then 's' ("1.s", ".5s" and ".s" are valid). */
function parseDuration(s: string): [number, number] | undefined {
  if (s.length < 2 || s[s.length - 1] !== 's') return undefined;
  let b = s.slice(0, -1);
  let neg = false;
  if (b[0] === '-' || b[0] === '+') {
    neg = b[0] === '-';
    b = b.slice(1);
  }
  if (b.length === 0) return undefined;
  let p = 0;
  const isDigit = (k: number): boolean => b.charCodeAt(k) >= 0x30 && b.charCodeAt(k) <= 0x39;
  let intp = '';
  if (b[0] === '0') p = 1;
  else if (isDigit(0)) {
    while (isDigit(p)) p++;
    intp = b.slice(0, p);
  } else if (b[0] !== '.') return undefined;
  let nanos = 0;
  if (p < b.length) {
    if (b[p] !== '.') return undefined;
    p++;
    const start = p;
    while (p < b.length && p - start < 9 && isDigit(p)) p++;
    if (p < b.length) return undefined;
    nanos = Number(b.slice(start, p).padEnd(9, '0'));
  }
  let secs = 0;
  if (intp !== '') {
    if (intp.length > 19) return undefined; // beyond int64 (ParseInt fails); the range check catches the rest
    const big = BigInt(intp);
    if (big > 2n ** 63n - 1n) return undefined;
    secs = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
  }
  return neg ? [secs === 0 ? 0 : -secs, nanos === 0 ? 0 : -nanos] : [secs, nanos];
}

function readValue(ctx: Ctx, info: TypeInfo, v: JsonValue, depth: number): Msg {
  const msg = info.type.create() as Msg;
  let f: FieldInfo;
  let x: unknown;
  if (v === null) {
    f = wktField(ctx, info, 1);
    x = 0;
  } else if (typeof v === 'boolean') {
    f = wktField(ctx, info, 4);
    x = v;
  } else if (v instanceof JsonNumber) {
    f = wktField(ctx, info, 2);
    x = Number(v.raw);
    if (!Number.isFinite(x)) ctx.fail(`invalid google.protobuf.Value: the number ${v.raw} is out of range for a double`);
  } else if (typeof v === 'string') {
    f = wktField(ctx, info, 3);
    x = v;
  } else if (Array.isArray(v)) {
    f = wktField(ctx, info, 6);
    x = readMessage(ctx, typeInfo(f.messageType!), v, depth + 1, false);
  } else {
    f = wktField(ctx, info, 5);
    x = readMessage(ctx, typeInfo(f.messageType!), v, depth + 1, false);
  }
  msg[f.prop] = x;
  return msg;
}

function readFieldMask(ctx: Ctx, info: TypeInfo, v: JsonValue): Msg {
  if (typeof v !== 'string') ctx.fail(`expected a comma-separated string of paths for google.protobuf.FieldMask, got ${jsonKind(v)}`);
  const msg = info.type.create() as Msg;
  const str = goTrimSpace(v);
  if (str === '') return msg;
  const paths: string[] = [];
  for (const s0 of str.split(',')) {
    const s = jsonSnakeCase(s0);
    if (s0.includes('_') || !isValidFullName(s)) ctx.fail(`google.protobuf.FieldMask.paths contains invalid path: ${JSON.stringify(s0)} (expected lowerCamelCase names separated by '.')`);
    paths.push(s);
  }
  msg[wktField(ctx, info, 1).prop] = paths;
  return msg;
}
