/**
 * Generic conformance driver: proves a TypeScript message codec against Kafka's own
 * generated Java classes through the JavaOracle.
 *
 * Usage (one line per message in a test file):
 *
 *   conformanceSuite({
 *     message: 'MetadataResponse',
 *     encode: (value, version) => { const w = new Writer(); MetadataResponse.encode(w, value, version); return w.finish(); },
 *     decode: (bytes, version) => MetadataResponse.decode(new Reader(bytes), version),
 *   });
 *
 * Value conventions expected from our codecs (see also toJavaJson / expectSameAsJava):
 *  - field names are the Kafka spec names in lowerCamelCase (= the Java JsonConverter keys);
 *  - int64 -> bigint; uint32 may be number (Java's JSON has it as a string; compared by value);
 *  - uuid -> Kafka's base64url string (Uuid.toString());
 *  - bytes/records -> Buffer (compared as standard base64), nullable -> null;
 *  - nullable strings/arrays/structs -> null;
 *  - fields not present in a version are still present with their defaults (only the keys
 *    Java's JSON has are compared; a key Java has and ours lacks is a failure);
 *  - unknown tagged fields in an optional `unknownTaggedFields: {tag, data}[]` property
 *    (ignored in the JSON comparison: byte identity proves them).
 */
import { JavaOracle, JsonValue, OracleError, RandomOptions, messageVersionsSync } from './oracle.js';

export type EncodeFn<T> = (value: T, version: number) => Buffer;
export type DecodeFn<T> = (bytes: Buffer, version: number) => T;

export interface CodecUnderTest<T> {
  /** Kafka message name: the generated class name minus `Data` (e.g. `MetadataRequest`). */
  message: string;
  /**
   * Our encoder. Its value parameter is deliberately typed `any` (not T): TypeScript infers
   * type parameters left to right through an object literal, so with `(value: T)` an
   * unannotated `encode: (h, v) => ...` written before `decode` would fix T as `unknown`.
   * This way T always comes from decode's return type, whatever the property order.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  encode: (value: any, version: number) => Buffer;
  decode: DecodeFn<T>;
  /** How records-typed fields are generated (default "empty": null or zero-length). */
  records?: RandomOptions['records'];
  /**
   * Optional hook mapping our decoded value to what is compared with Java's JSON (after which
   * toJavaJson applies), e.g. when our records fields are parsed batches rather than bytes.
   */
  compareAs?: (value: T, version: number) => unknown;
}

export interface ConformanceOptions<T> extends CodecUnderTest<T> {
  /** Inclusive version range; default: everything the Java class supports. */
  versions?: [number, number];
  /** Random messages per version (default 25). */
  casesPerVersion?: number;
  /** First seed (default: env KAFKAESQUE_CONFORMANCE_SEED, else 1); seeds are seed..seed+cases-1. */
  seed?: number;
  /** Truncated-input check: false to skip; `cases` messages per version, up to `maxPrefixes` prefixes each. */
  truncation?: false | { cases?: number; maxPrefixes?: number };
  /** Per-test timeout in ms (default 120 s). */
  timeoutMs?: number;
}

// ------------------------------------------------------------------ JSON conversion and comparison

/** Our TS value -> Java-converter-style JSON: bigint -> string, Buffer -> base64, drops unknownTaggedFields. */
export function toJavaJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      throw new TypeError(`toJavaJson: cannot convert a ${typeof value}`);
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((v) => toJavaJson(v));
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'unknownTaggedFields' || v === undefined || typeof v === 'function') continue;
    out[k] = toJavaJson(v);
  }
  return out;
}

function preview(v: unknown, max = 160): string {
  let s: string;
  try {
    s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
  } catch {
    s = String(v);
  }
  if (s === undefined) s = String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * First difference between our (already toJavaJson-converted) value and Java's JSON,
 * or null. Only Java's keys are compared; integer strings (Java's int64/uint32) match
 * numbers of the same value.
 */
function mismatch(ours: JsonValue, java: JsonValue, path: string): string | null {
  if (java === null) {
    return ours === null ? null : `${path}: ours is ${preview(ours)}, Java has null`;
  }
  if (Array.isArray(java)) {
    if (!Array.isArray(ours)) return `${path}: ours is ${kind(ours)} ${preview(ours)}, Java has an array of ${java.length}`;
    if (ours.length !== java.length) {
      return `${path}: ours has ${ours.length} element(s), Java has ${java.length}\n  ours: ${preview(ours)}\n  java: ${preview(java)}`;
    }
    for (let i = 0; i < java.length; i++) {
      const m = mismatch(ours[i], java[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (typeof java === 'object') {
    if (ours === null || typeof ours !== 'object' || Array.isArray(ours)) {
      return `${path}: ours is ${kind(ours)} ${preview(ours)}, Java has an object ${preview(java)}`;
    }
    for (const key of Object.keys(java)) {
      if (!(key in ours)) return `${keyPath(path, key)}: missing in ours (Java has ${preview(java[key])}); our keys: ${Object.keys(ours).join(', ')}`;
      const m = mismatch(ours[key], java[key], keyPath(path, key));
      if (m) return m;
    }
    return null;
  }
  if (typeof java === 'string') {
    if (ours === java) return null;
    if (typeof ours === 'number' && /^-?\d+$/.test(java) && Number.isSafeInteger(ours) && String(ours) === java) return null;
    return `${path}: ours is ${kind(ours)} ${preview(ours)}, Java has ${preview(java)}`;
  }
  // number or boolean
  if (ours === java) return null;
  return `${path}: ours is ${kind(ours)} ${preview(ours)}, Java has ${kind(java)} ${preview(java)}`;
}

/** Deep-compare our decoded value with Java's JSON (rules above); throws with the path of the first difference. */
export function expectSameAsJava(ours: unknown, javaJson: JsonValue, path = '$'): void {
  const m = mismatch(toJavaJson(ours), javaJson, path);
  if (m) throw new Error(`value differs from Java: ${m}`);
}

/** Strict JSON equality (both sides from Java); returns the first difference or null. */
export function jsonDifference(a: JsonValue, b: JsonValue, path = '$'): string | null {
  if (a === b) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} vs ${b.length} element(s)`;
    for (let i = 0; i < a.length; i++) {
      const d = jsonDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!(k in a)) return `${keyPath(path, k)}: absent vs ${preview(b[k])}`;
      if (!(k in b)) return `${keyPath(path, k)}: ${preview(a[k])} vs absent`;
      const d = jsonDifference(a[k], b[k], keyPath(path, k));
      if (d) return d;
    }
    return null;
  }
  return `${path}: ${preview(a)} vs ${preview(b)}`;
}

// ------------------------------------------------------------------ bytes comparison

function hexWindow(buf: Buffer, at: number, radius = 16): string {
  const start = Math.max(0, at - radius);
  const end = Math.min(buf.length, at + radius);
  const parts: string[] = [];
  for (let i = start; i < end; i++) {
    const h = buf[i].toString(16).padStart(2, '0');
    parts.push(i === at ? `[${h}]` : h);
  }
  if (at >= buf.length) parts.push('[--]');
  return `${start > 0 ? '… ' : ''}${parts.join(' ')}${end < buf.length ? ' …' : ''}`;
}

/** Offset of the first differing byte, or -1 if identical. */
export function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Throws unless byte-identical, reporting the first differing offset with hex context. */
export function expectSameBytes(ours: Buffer, java: Buffer, label = 'bytes'): void {
  const at = firstDifference(ours, java);
  if (at < 0) return;
  throw new Error(
    `${label} differ from Java's at offset ${at} (0x${at.toString(16)}); ours ${ours.length} bytes, Java ${java.length} bytes\n` +
      `  ours: ${hexWindow(ours, at)}\n` +
      `  java: ${hexWindow(java, at)}`,
  );
}

function clip(s: string, max = 4000): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

function errText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

// ------------------------------------------------------------------ shared oracle per test file

let shared: Promise<JavaOracle> | null = null;
let hooksRegistered = false;

/** The JavaOracle shared by every suite of the current test file (started on first use). */
export function sharedOracle(): Promise<JavaOracle> {
  if (!shared) shared = JavaOracle.start();
  return shared;
}

export async function closeSharedOracle(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await (await s.catch(() => null))?.close();
}

const START_TIMEOUT_MS = 180_000;

function registerHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  beforeAll(async () => {
    await sharedOracle();
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await closeSharedOracle();
  });
}

// ------------------------------------------------------------------ checks

/**
 * Run conformance cases for one version (seeds are pipelined through the oracle):
 *  (1) Java random -> our decode -> expectSameAsJava;
 *  (2) our encode of that value must equal Java's bytes exactly;
 *  (3) Java decode of our bytes -> same JSON, and Java's re-serialization identical to ours.
 * Throws on the first failing seed with a reproducible description.
 */
export async function runConformanceCases<T>(
  oracle: JavaOracle,
  codec: CodecUnderTest<T>,
  version: number,
  seeds: number[],
): Promise<void> {
  const { message } = codec;
  const randoms = await Promise.all(seeds.map((s) => oracle.random(message, version, s, { records: codec.records })));
  const ours: Buffer[] = [];
  const values: T[] = [];
  for (let i = 0; i < seeds.length; i++) {
    const seed = seeds[i];
    const { bytes: javaBytes, json: javaJson } = randoms[i];
    const ctx = `${message} v${version} seed ${seed} (oracle.random('${message}', ${version}, ${seed}))`;
    const javaDump = `\n  Java bytes (${javaBytes.length}): ${clip(javaBytes.toString('hex'), 2000)}\n  Java JSON: ${clip(JSON.stringify(javaJson))}`;
    let value: T;
    try {
      value = codec.decode(javaBytes, version);
    } catch (e) {
      throw new Error(`${ctx}: our decode threw ${errText(e)}${javaDump}`);
    }
    try {
      expectSameAsJava(codec.compareAs ? codec.compareAs(value, version) : value, javaJson);
    } catch (e) {
      throw new Error(`${ctx}: ${(e as Error).message}${javaDump}`);
    }
    let encoded: Buffer;
    try {
      encoded = codec.encode(value, version);
    } catch (e) {
      throw new Error(`${ctx}: our encode of our decoded value threw ${errText(e)}${javaDump}`);
    }
    values.push(value);
    ours.push(Buffer.from(encoded));
  }
  const backs = await Promise.all(
    ours.map((b) =>
      oracle.decode(message, version, b).then(
        (r) => ({ ok: true as const, ...r }),
        (e: unknown) => ({ ok: false as const, error: e }),
      ),
    ),
  );
  for (let i = 0; i < seeds.length; i++) {
    const seed = seeds[i];
    const { bytes: javaBytes, json: javaJson } = randoms[i];
    const ctx = `${message} v${version} seed ${seed} (oracle.random('${message}', ${version}, ${seed}))`;
    const back = backs[i];
    let javaView = '';
    if (!back.ok) {
      const err = back.error;
      javaView = `\n  Java cannot decode our bytes: ${err instanceof OracleError ? err.javaError : errText(err)}`;
    } else {
      const d = jsonDifference(back.json, javaJson);
      if (d) javaView = `\n  Java decodes our bytes differently: ${d}`;
    }
    const at = firstDifference(ours[i], javaBytes);
    if (at >= 0) {
      let bytesMsg: string;
      try {
        expectSameBytes(ours[i], javaBytes, 'our encoding');
        bytesMsg = '';
      } catch (e) {
        bytesMsg = (e as Error).message;
      }
      throw new Error(
        `${ctx}: ${bytesMsg}${javaView}\n  ours (${ours[i].length}): ${clip(ours[i].toString('hex'), 2000)}\n  Java (${javaBytes.length}): ${clip(
          javaBytes.toString('hex'),
          2000,
        )}\n  Java JSON: ${clip(JSON.stringify(javaJson))}`,
      );
    }
    if (!back.ok || javaView) throw new Error(`${ctx}:${javaView}`);
    try {
      expectSameBytes(ours[i], back.bytes, "Java's re-serialization of our bytes");
    } catch (e) {
      throw new Error(`${ctx}: ${(e as Error).message}`);
    }
  }
}

/** Single-seed convenience wrapper of runConformanceCases. */
export function runConformanceCase<T>(oracle: JavaOracle, codec: CodecUnderTest<T>, version: number, seed: number): Promise<void> {
  return runConformanceCases(oracle, codec, version, [seed]);
}

/** Deterministic prefix lengths: all of them for short messages, else a spread incl. the edges. */
export function prefixLengths(length: number, max: number, seed: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const set = new Set<number>([0, 1, 2, length - 1, length - 2, length - 3]);
  let x = (seed * 2654435761) >>> 0 || 1;
  while (set.size < max) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    set.add(x % length);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * Our decoder must throw (an Error, not hang or return) on every sampled strict prefix
 * of valid messages. Note: a synchronous infinite loop cannot be interrupted; jest's
 * timeout only catches asynchronous hangs.
 */
export async function runTruncationCheck<T>(
  oracle: JavaOracle,
  codec: CodecUnderTest<T>,
  version: number,
  seeds: number[],
  maxPrefixes = 48,
): Promise<void> {
  const randoms = await Promise.all(seeds.map((s) => oracle.random(codec.message, version, s, { records: codec.records })));
  for (let i = 0; i < seeds.length; i++) {
    const bytes = randoms[i].bytes;
    for (const len of prefixLengths(bytes.length, maxPrefixes, seeds[i])) {
      const prefix = Buffer.from(bytes.subarray(0, len));
      let result: unknown;
      try {
        result = codec.decode(prefix, version);
      } catch (e) {
        if (e instanceof Error) continue;
        throw new Error(
          `${codec.message} v${version} seed ${seeds[i]}: decoding a ${len}-byte prefix of a ${bytes.length}-byte message threw a non-Error: ${preview(e)}`,
        );
      }
      throw new Error(
        `${codec.message} v${version} seed ${seeds[i]}: decoding a ${len}-byte prefix of a ${bytes.length}-byte message did not throw; it returned ${preview(
          toJavaJson(result),
          400,
        )}\n  prefix: ${clip(prefix.toString('hex'), 400)}\n  full:   ${clip(bytes.toString('hex'), 400)}`,
      );
    }
  }
}

function envSeed(): number | undefined {
  const s = process.env.KAFKAESQUE_CONFORMANCE_SEED;
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`KAFKAESQUE_CONFORMANCE_SEED must be an integer, got '${s}'`);
  return n;
}

/**
 * Declare jest tests proving a codec against Kafka: one `describe` per message, and per
 * version one test running `casesPerVersion` random cases (see runConformanceCases) plus
 * one truncated-input test. One JavaOracle is shared by the whole test file.
 */
export function conformanceSuite<T>(opts: ConformanceOptions<T>): void {
  const range = opts.versions ?? (() => {
    const v = messageVersionsSync(opts.message);
    return [v.lowest, v.highest] as [number, number];
  })();
  const cases = opts.casesPerVersion ?? 25;
  const base = opts.seed ?? envSeed() ?? 1;
  const timeout = opts.timeoutMs ?? 120_000;
  const trunc = opts.truncation === false ? null : { cases: 3, maxPrefixes: 48, ...(opts.truncation || {}) };
  const codec: CodecUnderTest<T> = {
    message: opts.message,
    encode: opts.encode,
    decode: opts.decode,
    records: opts.records,
    compareAs: opts.compareAs,
  };

  registerHooks();
  describe(`${opts.message} conforms to Kafka's ${opts.message}Data`, () => {
    for (let v = range[0]; v <= range[1]; v++) {
      test(
        `v${v}: ${cases} random messages (seeds ${base}..${base + cases - 1}): Java -> ours -> Java, byte-identical`,
        async () => {
          const oracle = await sharedOracle();
          await runConformanceCases(oracle, codec, v, Array.from({ length: cases }, (_, i) => base + i));
        },
        timeout,
      );
      if (trunc) {
        test(
          `v${v}: our decoder throws on truncated input`,
          async () => {
            const oracle = await sharedOracle();
            const seeds = Array.from({ length: trunc.cases }, (_, i) => base + 100_000 + i);
            await runTruncationCheck(oracle, codec, v, seeds, trunc.maxPrefixes);
          },
          timeout,
        );
      }
    }
  });
}
