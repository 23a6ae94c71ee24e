/**
 * Declarative message schemas: an API written as a table of fields, each with the version
 * ranges of Kafka's JSON message specs (`clients/src/main/resources/common/message/*.json`),
 * compiled once per version into encode and decode functions. A field line reads like the
 * spec line it comes from:
 *
 * ```ts
 * //            spec: { "name": "ErrorMessage", "type": "string", "versions": "1+", "nullableVersions": "1+" }
 * errorMessage: f.string().v('1+').nullable('1+'),
 * ```
 *
 * What the compiler does for a version, as Kafka's generated Java classes do:
 *  - a field outside its `versions` is not written; decoding gives its default. Encoding a
 *    non-default value there throws ProtocolEncodeError, unless the field is `ignorable()`;
 *  - flexible versions (KIP-482) use compact strings, bytes and arrays, and end every struct
 *    with its tagged fields: `tagged(tag, versions)` fields are written there when they differ
 *    from their default, in tag order, merged with the unknown tags kept from decoding
 *    (`unknownTaggedFields`), which are written back as they came;
 *  - null is accepted only in `nullable` versions (ProtocolEncodeError otherwise);
 *  - decoding checks every length before it allocates (the Reader does), and array counts
 *    against the bytes left.
 *
 * Types follow the schema: `MessageOf<typeof fields>` is the TypeScript shape of a message.
 * The hot paths (Produce, Fetch, record batches) stay hand-written.
 */
import { type ApiCodec, headerVersions } from './api.js';
import { ZERO_UUID } from './api.js';
import { ProtocolEncodeError } from './errors.js';
import type { Reader } from './reader.js';
import type { WithUnknownTags } from './types.js';
import type { Writer } from './writer.js';

// ------------------------------------------------------------------ version ranges

/** A spec version range: `'0+'`, `'3-5'`, `'7'`, or `'none'`. */
export type VersionRange = string;

interface Range {
  lo: number;
  hi: number;
}

const NONE: Range = { lo: 1, hi: 0 };

function parseRange(text: VersionRange): Range {
  if (text === 'none') return NONE;
  const m = /^(\d+)(\+|-(\d+))?$/.exec(text);
  if (m === null) throw new Error(`bad version range '${text}' (use '0+', '3-5', '7' or 'none')`);
  const lo = Number(m[1]);
  return { lo, hi: m[2] === '+' ? Infinity : m[3] !== undefined ? Number(m[3]) : lo };
}

const within = (r: Range, v: number): boolean => v >= r.lo && v <= r.hi;

// ------------------------------------------------------------------ types

type Enc<T> = (w: Writer, x: T) => void;
type Dec<T> = (r: Reader) => T;

/** A wire type: how a value is written and read in a classic or flexible version. */
interface WireType<T> {
  readonly name: string;
  /** The default of a field of this type (Kafka's: 0, false, '', empty, the zero UUID). */
  defaultValue(): T;
  isDefault(x: T): boolean;
  /** Fewest bytes one value takes in a version (array counts are checked against it before allocating). */
  minSize(v: number, flexible: boolean): number;
  /** The same for the null form, when smaller (a nullable struct's null is its one marker byte). */
  nullMinSize?: number;
  encoder(v: number, flexible: boolean): Enc<T>;
  decoder(v: number, flexible: boolean): Dec<T>;
  /** Encoder/decoder of the nullable form (strings, bytes, arrays, structs). */
  nullableEncoder?(v: number, flexible: boolean): Enc<T | null>;
  nullableDecoder?(v: number, flexible: boolean): Dec<T | null>;
  /**
   * For the compiled struct code: the Writer/Reader calls of this type, with `X` for the value
   * and `FLEX` for the flexible flag (`w.int32(X)`, `r.int32()`), so a field is one inline call.
   */
  readonly inline?: { enc: string; dec: string; nullableEnc?: string; nullableDec?: string };
}

function fixed<T>(name: string, size: number, def: T, enc: (w: Writer, x: T) => void, dec: (r: Reader) => T): WireType<T> {
  return {
    name,
    inline: { enc: `w.${name}(X)`, dec: `r.${name}()` },
    minSize: () => size,
    defaultValue: () => def,
    isDefault: (x) => x === def,
    encoder: () => enc,
    decoder: () => dec,
  };
}

const INT8 = fixed<number>('int8', 1, 0, (w, x) => w.int8(x), (r) => r.int8());
const INT16 = fixed<number>('int16', 2, 0, (w, x) => w.int16(x), (r) => r.int16());
const UINT16 = fixed<number>('uint16', 2, 0, (w, x) => w.uint16(x), (r) => r.uint16());
const INT32 = fixed<number>('int32', 4, 0, (w, x) => w.int32(x), (r) => r.int32());
const UINT32 = fixed<number>('uint32', 4, 0, (w, x) => w.uint32(x), (r) => r.uint32());
const INT64 = fixed<bigint>('int64', 8, 0n, (w, x) => w.int64(x), (r) => r.int64());
const FLOAT64: WireType<number> = {
  ...fixed<number>('float64', 8, 0, (w, x) => w.float64(x), (r) => r.float64()),
  // -0 and NaN are not the default 0 (Java compares the bits)
  isDefault: (x) => Object.is(x, 0),
};
const BOOL = fixed<boolean>('bool', 1, false, (w, x) => w.bool(x), (r) => r.bool());
const UUID = fixed<string>('uuid', 16, ZERO_UUID, (w, x) => w.uuid(x), (r) => r.uuid());

const STRING: WireType<string> = {
  name: 'string',
  minSize: (_v, f) => (f ? 1 : 2),
  inline: { enc: 'w.stringF(X, FLEX)', dec: 'r.stringF(FLEX)', nullableEnc: 'w.nullableStringF(X, FLEX)', nullableDec: 'r.nullableStringF(FLEX)' },
  defaultValue: () => '',
  isDefault: (x) => x === '',
  encoder: (_v, f) => (w, x) => w.stringF(x, f),
  decoder: (_v, f) => (r) => r.stringF(f),
  nullableEncoder: (_v, f) => (w, x) => w.nullableStringF(x, f),
  nullableDecoder: (_v, f) => (r) => r.nullableStringF(f),
};

const BYTES: WireType<Buffer> = {
  name: 'bytes',
  minSize: (_v, f) => (f ? 1 : 4),
  inline: { enc: 'w.bytesF(X, FLEX)', dec: 'r.bytesF(FLEX)', nullableEnc: 'w.nullableBytesF(X, FLEX)', nullableDec: 'r.nullableBytesF(FLEX)' },
  defaultValue: () => Buffer.alloc(0),
  isDefault: (x) => x.length === 0,
  encoder: (_v, f) => (w, x) => w.bytesF(x, f),
  decoder: (_v, f) => (r) => r.bytesF(f),
  nullableEncoder: (_v, f) => (w, x) => w.nullableBytesF(x, f),
  nullableDecoder: (_v, f) => (r) => r.nullableBytesF(f),
};

function arrayType<T>(item: WireType<T>): WireType<T[]> {
  return {
    name: `[]${item.name}`,
    minSize: (_v, f) => (f ? 1 : 4),
    defaultValue: () => [],
    isDefault: (x) => x.length === 0,
    encoder: (v, f) => {
      const e = item.encoder(v, f);
      return (w, x) => w.arrayF(x, f, (w, i) => e(w, i));
    },
    decoder: (v, f) => {
      const d = item.decoder(v, f);
      return (r) => r.arrayF(f, d, item.minSize(v, f));
    },
    nullableEncoder: (v, f) => {
      const e = item.encoder(v, f);
      return (w, x) => w.nullableArrayF(x, f, (w, i) => e(w, i));
    },
    nullableDecoder: (v, f) => {
      const d = item.decoder(v, f);
      return (r) => r.nullableArrayF(f, d, item.minSize(v, f));
    },
  };
}

// ------------------------------------------------------------------ fields

/** One field of a struct: its type and the spec's version ranges. */
export class Field<T> {
  /** @internal */
  constructor(
    readonly type: WireType<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly versions: Range = { lo: 0, hi: Infinity },
    readonly nullableVersions: Range = NONE,
    readonly tag: number | undefined = undefined,
    readonly taggedVersions: Range = NONE,
    readonly isIgnorable = false,
    readonly explicitDefault: { value: unknown } | undefined = undefined,
    /** Phantom: the field's TypeScript type. */
    readonly _t?: T,
  ) {}

  private with(o: Partial<Pick<Field<unknown>, 'versions' | 'nullableVersions' | 'tag' | 'taggedVersions' | 'isIgnorable' | 'explicitDefault'>>): Field<never> {
    return new Field(
      this.type,
      o.versions ?? this.versions,
      o.nullableVersions ?? this.nullableVersions,
      'tag' in o ? o.tag : this.tag,
      o.taggedVersions ?? this.taggedVersions,
      o.isIgnorable ?? this.isIgnorable,
      'explicitDefault' in o ? o.explicitDefault : this.explicitDefault,
    );
  }

  /** The spec's `"versions"`. */
  v(range: VersionRange): Field<T> {
    return this.with({ versions: parseRange(range) });
  }

  /** The spec's `"nullableVersions"` (default: every version of the field). */
  nullable(range: VersionRange = '0+'): Field<T | null> {
    if (this.type.nullableEncoder === undefined) throw new Error(`a ${this.type.name} field cannot be nullable`);
    return this.with({ nullableVersions: parseRange(range) });
  }

  /** The spec's `"tag"` and `"taggedVersions"`: written among the tagged fields in those versions. */
  tagged(tag: number, range: VersionRange): Field<T> {
    return this.with({ tag, taggedVersions: parseRange(range) });
  }

  /** The spec's `"ignorable": true`: a non-default value is dropped, not refused, where the field does not exist. */
  ignorable(): Field<T> {
    return this.with({ isIgnorable: true });
  }

  /** The spec's `"default"`. */
  default(value: T): Field<T> {
    return this.with({ explicitDefault: { value } });
  }

  /** @internal */
  defaultValue(): unknown {
    return this.explicitDefault !== undefined ? this.explicitDefault.value : this.type.defaultValue();
  }

  /** @internal */
  isDefault(x: unknown): boolean {
    if (this.explicitDefault !== undefined) return x === this.explicitDefault.value;
    if (x === null) return false;
    return this.type.isDefault(x);
  }
}

/** The fields of a struct, by the name the TypeScript value uses (the spec's, in camelCase). */
export type Fields = Record<string, Field<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The TypeScript shape of a struct. */
export type MessageOf<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never } & WithUnknownTags;

/** A struct type, usable as a field (`f.struct(...)`) or an array item (`f.array(f.struct(...))`). */
export class Struct<F extends Fields> {
  private readonly compiled = new Map<number, { enc: Enc<MessageOf<F>>; dec: Dec<MessageOf<F>> }>();

  constructor(
    readonly name: string,
    readonly fields: F,
  ) {}

  /** @internal the struct as a wire type */
  get wireType(): WireType<MessageOf<F>> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      name: this.name,
      minSize: (v, f) => self.minSize(v, f),
      nullMinSize: 1,
      defaultValue: () => self.defaults(),
      isDefault: (x) => self.isDefault(x),
      encoder: (v, f) => self.codec(v, f).enc,
      decoder: (v, f) => self.codec(v, f).dec,
      // a nullable struct is an INT8 -1 / 1 marker before the struct (spec: nullable struct fields)
      nullableEncoder: (v, f) => {
        const e = self.codec(v, f).enc;
        return (w, x) => {
          if (x === null) w.int8(-1);
          else {
            w.int8(1);
            e(w, x);
          }
        };
      },
      nullableDecoder: (v, f) => {
        const d = self.codec(v, f).dec;
        return (r) => (r.int8() < 0 ? null : d(r));
      },
    };
  }

  /**
   * Fewest bytes the struct takes in a version: its fields' (a nullable one's null form), plus
   * the empty tag buffer of a flexible version. At least 1, so that an array count is always
   * checked against the bytes left (no Kafka struct is empty on the wire).
   */
  minSize(v: number, flexible: boolean): number {
    let n = flexible ? 1 : 0;
    for (const field of Object.values(this.fields)) {
      if (!within(field.versions, v) || (field.tag !== undefined && within(field.taggedVersions, v))) continue;
      const t = field.type;
      n += within(field.nullableVersions, v) && t.nullMinSize !== undefined ? t.nullMinSize : t.minSize(v, flexible);
    }
    return Math.max(1, n);
  }

  /** Whether every field of `x` is at its default (and it carries no unknown tags). */
  isDefault(x: MessageOf<F>): boolean {
    if ((x as WithUnknownTags).unknownTaggedFields !== undefined) return false;
    const m = x as Record<string, unknown>;
    for (const [name, field] of Object.entries(this.fields)) if (m[name] !== undefined && !field.isDefault(m[name])) return false;
    return true;
  }

  /** A message with every field at its default. */
  defaults(): MessageOf<F> {
    const o: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(this.fields)) o[name] = field.defaultValue();
    return o as MessageOf<F>;
  }

  /** The encoder and decoder of version `v` (compiled on first use). */
  codec(v: number, flexible: boolean): { enc: Enc<MessageOf<F>>; dec: Dec<MessageOf<F>> } {
    const key = flexible ? -1 - v : v;
    let c = this.compiled.get(key);
    if (c === undefined) {
      c = compileStruct(this, v, flexible);
      this.compiled.set(key, c);
    }
    return c;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Compiles a struct for one version into two functions built with `new Function`: the encoder
 * writes the fields of the version in spec order with static property reads, the decoder
 * builds the message as one object literal (every field of the struct, in schema order, the
 * absent ones at their default), so each message of a version has one hidden class. Field
 * names are checked to be identifiers; values never reach the generated source.
 */
function compileStruct<F extends Fields>(s: Struct<F>, v: number, flexible: boolean): { enc: Enc<MessageOf<F>>; dec: Dec<MessageOf<F>> } {
  const E: unknown[] = []; // closures and constants the generated code refers to by index
  const ref = (x: unknown): string => `E[${E.push(x) - 1}]`;
  const encLines: string[] = [];
  const decProps: string[] = [];
  const taggedEnc: string[] = [];
  const taggedDec: string[] = [];
  const FLEX = String(flexible);
  const fields = Object.entries(s.fields) as [string, Field<unknown>][];
  for (const [name, field] of fields) {
    if (!IDENTIFIER.test(name)) throw new Error(`${s.name}: field name '${name}' is not an identifier`);
    const present = within(field.versions, v);
    const isTagged = present && field.tag !== undefined && within(field.taggedVersions, v);
    const nullable = within(field.nullableVersions, v);
    const def = field.defaultValue();
    const defaultCode = def === null || typeof def === 'number' || typeof def === 'boolean' || typeof def === 'string' || typeof def === 'bigint'
      ? ref(def)
      : `${ref(() => field.defaultValue())}()`;
    const isDefault = ref((x: unknown) => field.isDefault(x));
    if (!present || (isTagged && !flexible)) {
      if (!field.isIgnorable) {
        encLines.push(`if (m.${name} !== undefined && !${isDefault}(m.${name})) ${ref(() => absentError(s.name, v, name))}();`);
      }
      decProps.push(`${name}: ${defaultCode}`);
      continue;
    }
    const t = field.type;
    const inline = t.inline;
    let encCode: string;
    let decCode: string;
    if (nullable) {
      encCode = inline?.nullableEnc !== undefined ? inline.nullableEnc.replace('FLEX', FLEX) : `${ref(t.nullableEncoder!(v, flexible))}(w, X)`;
      decCode = inline?.nullableDec !== undefined ? inline.nullableDec.replace('FLEX', FLEX) : `${ref(t.nullableDecoder!(v, flexible))}(r)`;
    } else {
      const e = inline !== undefined ? inline.enc.replace('FLEX', FLEX) : `${ref(t.encoder(v, flexible))}(w, X)`;
      encCode = `(X === null || X === undefined ? ${ref(() => nullError(s.name, v, name))}() : ${e})`;
      decCode = inline !== undefined ? inline.dec.replace('FLEX', FLEX) : `${ref(t.decoder(v, flexible))}(r)`;
    }
    if (isTagged) {
      const tag = field.tag!;
      taggedEnc.push(`if (m.${name} !== undefined && !${isDefault}(m.${name})) (known ??= []).push([${tag}, (w) => { ${encCode.replaceAll('X', `m.${name}`)}; }]);`);
      taggedDec.push(`case ${tag}: o.${name} = ${decCode.replace(/\br\./g, 'fr.').replace(/\(r\)/g, '(fr)')}; return true;`);
      decProps.push(`${name}: ${defaultCode}`);
    } else {
      encLines.push(`${encCode.replaceAll('X', `m.${name}`)};`);
      decProps.push(`${name}: ${decCode}`);
    }
  }
  // tagged fields go out in tag order
  const tagOrder = fields
    .filter(([, fl]) => within(fl.versions, v) && fl.tag !== undefined && within(fl.taggedVersions, v))
    .map(([, fl]) => fl.tag!);
  if (new Set(tagOrder).size !== tagOrder.length) throw new Error(`${s.name} v${v}: two tagged fields share a tag`);
  const sortedTagged = taggedEnc.map((line, i) => [tagOrder[i]!, line] as const).sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  const encBody = [
    ...encLines,
    flexible ? `let known = null;\n${sortedTagged.join('\n')}\nw.taggedFields(known, m.unknownTaggedFields);` : '',
  ].join('\n');
  const decBody = [
    `const o = { ${decProps.join(', ')} };`,
    flexible
      ? taggedDec.length > 0
        ? `r.tagsInto(o, (tag, fr) => { switch (tag) { ${taggedDec.join(' ')} default: return false; } });`
        : 'r.tagsInto(o, null);'
      : '',
    'return o;',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const enc = new Function('E', `return function encode${s.name}(w, m) {\n${encBody}\n};`)(E) as Enc<MessageOf<F>>;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const dec = new Function('E', `return function decode${s.name}(r) {\n${decBody}\n};`)(E) as Dec<MessageOf<F>>;
  return { enc, dec };
}

function absentError(struct: string, v: number, field: string): never {
  throw new ProtocolEncodeError(`${struct} v${v} cannot carry ${field}: the field does not exist in this version and cannot be dropped`);
}

function nullError(struct: string, v: number, field: string): never {
  throw new ProtocolEncodeError(`${struct}.${field}: null in version ${v}, where the field is not nullable`);
}

// ------------------------------------------------------------------ the field constructors

/** An array of structs or of a primitive type (`t.int32`). */
function array<F extends Fields>(item: Struct<F>): Field<MessageOf<F>[]>;
function array<T>(item: WireType<T>): Field<T[]>;
function array(item: Struct<Fields> | WireType<unknown>): Field<unknown[]> {
  return new Field(arrayType<unknown>(item instanceof Struct ? (item.wireType as WireType<unknown>) : item));
}

/** Field constructors, one per spec type. */
export const f = {
  int8: (): Field<number> => new Field(INT8),
  int16: (): Field<number> => new Field(INT16),
  uint16: (): Field<number> => new Field(UINT16),
  int32: (): Field<number> => new Field(INT32),
  uint32: (): Field<number> => new Field(UINT32),
  int64: (): Field<bigint> => new Field(INT64),
  float64: (): Field<number> => new Field(FLOAT64),
  bool: (): Field<boolean> => new Field(BOOL),
  uuid: (): Field<string> => new Field(UUID),
  string: (): Field<string> => new Field(STRING),
  bytes: (): Field<Buffer> => new Field(BYTES),
  /** A nested struct (spec: a field whose type is a struct name, with `fields`). */
  struct: <F extends Fields>(s: Struct<F>): Field<MessageOf<F>> => new Field(s.wireType),
  /** An array (spec: `[]int32`, `[]string`, `[]SomeStruct`). */
  array,
};

/** The item types of arrays of primitives: `f.array(t.int32)`. */
export const t = { int8: INT8, int16: INT16, int32: INT32, int64: INT64, uuid: UUID, string: STRING, bool: BOOL, float64: FLOAT64 };

/** A struct: `struct('CreatableTopic', { name: f.string(), ... })`. */
export function struct<F extends Fields>(name: string, fields: F): Struct<F> {
  return new Struct(name, fields);
}

// ------------------------------------------------------------------ an API

export interface ApiSchema<Q extends Fields, S extends Fields> {
  /** Kafka's name of the API (`CreatePartitions`). */
  name: string;
  apiKey: number;
  /** The versions kafkaesque speaks, e.g. `'0-3'` (never below what a 4.x broker accepts, KIP-896). */
  versions: VersionRange;
  /** The spec's `"flexibleVersions"`. */
  flexible: VersionRange;
  request: Q;
  response: S;
}

/** An ApiCodec compiled from an API's request and response schemas. */
export function api<Q extends Fields, S extends Fields>(schema: ApiSchema<Q, S>): ApiCodec<MessageOf<Q>, MessageOf<S>> & {
  request: Struct<Q>;
  response: Struct<S>;
} {
  const versions = parseRange(schema.versions);
  const flexible = parseRange(schema.flexible);
  if (versions.hi === Infinity) throw new Error(`${schema.name}: give the highest version kafkaesque speaks ('${schema.versions}')`);
  const request = struct(`${schema.name}Request`, schema.request);
  const response = struct(`${schema.name}Response`, schema.response);
  const isFlexible = (v: number): boolean => within(flexible, v);
  // no flexible version: Infinity, as ApiCodec says (and Kafka's header versions: v1/v0 throughout)
  const firstFlexibleVersion = flexible === NONE ? Infinity : flexible.lo;
  return {
    apiKey: schema.apiKey,
    name: schema.name,
    minVersion: versions.lo,
    maxVersion: versions.hi,
    firstFlexibleVersion,
    request,
    response,
    encodeRequest: (w, m, v) => request.codec(v, isFlexible(v)).enc(w, m),
    decodeRequest: (r, v) => request.codec(v, isFlexible(v)).dec(r),
    encodeResponse: (w, m, v) => response.codec(v, isFlexible(v)).enc(w, m),
    decodeResponse: (r, v) => response.codec(v, isFlexible(v)).dec(r),
    ...headerVersions(firstFlexibleVersion),
  };
}
