/**
 * Java conformance oracle client.
 *
 * Spawns ONE long-lived JVM running `test/conformance/java/Oracle.java` against the
 * Kafka jars in `<repo>/.kafka/kafka-<version>/libs` and talks to it with
 * line-delimited JSON over stdin/stdout. The oracle answers with Kafka's own
 * generated message classes (`org.apache.kafka.common.message.*Data`), any of
 * them, found by reflection from the message name (class name minus `Data`):
 * `MetadataRequest`, `FetchResponse`, `RequestHeader`, ...
 *
 * Wire protocol (one JSON object per line each way; requests may be pipelined):
 *   -> {"id":7,"op":"random","message":"MetadataResponse","version":12,"seed":42}
 *   <- {"id":7,"result":{"hex":"...","json":{...},"stats":{...}}}
 *   <- {"id":7,"error":"java.nio.BufferUnderflowException: null"}      (on failure)
 * Ops: versions, list, random, decode, encode, convert, default, errors, apis, schema (debug), ping, and for record
 * batches records.build / records.read (see recordsBuild / recordsRead below).
 *
 * ## JSON representation (as emitted by the oracle)
 * The JSON is what Kafka's generated `<Message>DataJsonConverter.write(data, version)`
 * produces, with two oracle-side fixes. Keys are the spec field names in lowerCamelCase.
 *
 * | Kafka type                     | JSON                                                                 |
 * |--------------------------------|----------------------------------------------------------------------|
 * | bool                           | `true` / `false`                                                     |
 * | int8, int16, uint16, int32     | JSON number                                                          |
 * | int64                          | JSON **string** of the decimal value, e.g. `"-9223372036854775808"`   |
 * | uint32                         | JSON **string** as well (the converter uses a LongNode for it)       |
 * | float64                        | JSON number (Java `Double.toString` form, e.g. `1.0E300`)            |
 * | uuid                           | string, Kafka `Uuid.toString()`: URL-safe base64, no padding, 22 chars (zero = `"AAAAAAAAAAAAAAAAAAAAAA"`) |
 * | string / nullable string       | JSON string / `null`                                                 |
 * | bytes / nullable bytes         | standard base64 **with** `=` padding (Jackson's default variant) / `null` |
 * | records                        | base64 of the raw records bytes / `null` (the converter itself always writes `""`; the oracle substitutes the real bytes) |
 * | array / nullable array         | JSON array / `null`                                                  |
 * | struct / nullable struct       | JSON object / `null`                                                 |
 *
 * Omissions (converter behaviour): fields that do not exist in the version are
 * absent; tagged fields are absent when they hold their default value (present
 * otherwise); unknown tagged fields never appear in JSON (only in the bytes).
 *
 * On input (`encode`), the oracle normalises the JSON by reflecting over the Data
 * classes, so int64/uint32 may be strings or numbers, float64 may be written as
 * an integer (JSON.stringify(1.0) === "1"), and bytes/records are base64 strings.
 * Fields absent from the JSON take their defaults; mandatory (non-tagged) fields of
 * the version must be present. Fields not valid in the version must be absent or
 * hold their default, otherwise Kafka refuses to serialize them.
 *
 * Convenience: `encode()` also accepts our TS values directly — `bigint` is sent
 * as a string and `Buffer`/`Uint8Array` as base64.
 *
 * ## Random messages
 * The generator walks Kafka's own `SCHEMAS[version]` of the Data class and writes random
 * bytes for it, which are then parsed by the Data class' `(Readable, short)` constructor
 * (so the message is valid by construction; every byte must be consumed) and re-serialized
 * to get the canonical bytes. It produces: nulls for nullable strings/bytes/arrays/structs/
 * records; arrays of 0-3 elements (occasionally ~130 primitives, for multi-byte varint
 * lengths); empty, ASCII, multi-byte and astral strings ("ü", "字", "𝄞", emoji, NUL, quotes,
 * occasionally > 127 bytes); int8..int64 / uint16 / uint32 extremes, small and random values
 * (int64 includes ±2^53±1 and MIN/MAX); finite float64; UUIDs incl. zero; bytes of 0-16 or
 * ~130-330 bytes; known tagged fields present or absent; and 0-3 unknown tagged fields per
 * tagged section (top level and nested; tags never used by the struct in any version,
 * including 2-/3-/5-byte varint tags, data of 0-6 or ~130 bytes). Nullable structs (int8
 * marker, invisible in Kafka's Schema objects) and records nullability are probed from the
 * generated code. Deterministic per (message, version, seed), across JVMs.
 *
 * Size: with the 256 MB heap, messages up to ~12 MB round-trip (hex on the wire).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { pathToFileURL } from 'url';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface RandomStats {
  attempt: number;
  generatedBytes: number;
  nulls: number;
  emptyArrays: number;
  nonEmptyArrays: number;
  unknownTags: number;
  knownTags: number;
  nonAsciiStrings: number;
  emptyStrings: number;
  nullStructs: number;
}

export interface RandomOptions {
  /**
   * Records-typed fields: "empty" (default) = null or zero-length; "batches" = also
   * valid uncompressed v2 record batches built by Kafka's MemoryRecords.
   */
  records?: 'empty' | 'batches';
  /**
   * Add random unknown tagged fields (flexible versions) — default true. Set false when the
   * bytes must be reproducible from the JSON alone (JSON never carries unknown tags).
   */
  unknownTags?: boolean;
}

/** One `ApiKeys` entry as the Java client sees it (oracle op `apis`). */
export interface ApiInfo {
  apiKey: number;
  /** `ApiKeys.X.name`, e.g. `Metadata`. */
  name: string;
  /** `ApiKeys.X.oldestVersion()`. */
  oldestVersion: number;
  /** `ApiKeys.X.latestVersion(false)`: the highest version a broker advertises by default. */
  latestStableVersion: number;
  /** `ApiKeys.X.latestVersion(true)`: includes a version flagged latestVersionUnstable. */
  latestVersion: number;
  latestVersionUnstable: boolean;
  /** LOWEST/HIGHEST_SUPPORTED_VERSION of the generated `<Name>RequestData` / `<Name>ResponseData`. */
  requestDataLowest: number;
  requestDataHighest: number;
  responseDataLowest: number;
  responseDataHighest: number;
  /** Header version of each version oldestVersion..latestVersion (index 0 = oldestVersion). */
  requestHeaderVersions: number[];
  responseHeaderVersions: number[];
}

export interface ErrorInfo {
  code: number;
  name: string;
  retriable: boolean;
  exception: string | null;
  message: string | null;
}

// ------------------------------------------------------------------ record batches

export type RecordsCompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** One record header of a {@link RecordsSpecRecord}. */
export interface RecordsSpecHeader {
  key: string;
  value: Uint8Array | null;
}

/** One record of a {@link RecordsSpecBatch}; appended at the batch's next offset. */
export interface RecordsSpecRecord {
  /** Milliseconds; Kafka accepts >= 0 or -1 (NO_TIMESTAMP). */
  timestamp: number | bigint;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordsSpecHeader[];
}

/**
 * What the oracle's `records.build` turns into one magic-2 batch with Kafka's
 * `MemoryRecords.builder(...)` (`MemoryRecordsBuilder`). Absent fields take Kafka's "none"
 * values (-1 producer id/epoch/sequence/leader epoch/log-append time, offset 0, create time).
 * Kafka's own validation applies: a producer id needs an epoch >= 0 and (outside control
 * batches) a sequence >= 0; transactional needs a producer id; timestamps must be >= 0 or -1.
 */
export interface RecordsSpecBatch {
  compression: RecordsCompressionName;
  /** Codec level (gzip/lz4/zstd); Kafka's default when absent. */
  compressionLevel?: number;
  baseOffset?: bigint | number;
  partitionLeaderEpoch?: number;
  timestampType?: 'create' | 'logAppend';
  /** With 'logAppend': what Kafka writes as the batch's maxTimestamp. */
  logAppendTime?: bigint | number;
  producerId?: bigint | number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  /** A control batch holding one end-transaction marker (`appendEndTxnMarker`); `records` must be empty. */
  control?: 'commit' | 'abort';
  coordinatorEpoch?: number;
  /** Timestamp of the marker record (default -1). */
  markerTimestamp?: bigint | number;
  records: readonly RecordsSpecRecord[];
}

/** A record as Kafka's DefaultRecordBatch iterator returns it. */
export interface JavaRecord {
  offset: bigint;
  /** Record.timestamp(): for log-append-time batches, the batch's maxTimestamp. (int64 -> number: exact up to 2^53.) */
  timestamp: number;
  sequence: number;
  /** DefaultRecord.attributes() (the record's int8 attributes). */
  attributes: number | null;
  sizeInBytes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
  /** Control batches: ControlRecordType.parse(key), and the EndTransactionMarker's coordinator epoch. */
  control?: { type?: string; typeId?: number; coordinatorEpoch?: number; error?: string };
}

/** A batch as Kafka's MemoryRecords / DefaultRecordBatch reports it. */
export interface JavaRecordBatch {
  /** Byte position of the batch in the bytes read. */
  position: number;
  baseOffset: bigint;
  lastOffset: bigint;
  /** The header's lastOffsetDelta field (raw). */
  lastOffsetDelta: number;
  /** The header's batchLength field (raw). */
  batchLength: number;
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** Stored CRC-32C (unsigned). */
  crc: number;
  /** CRC-32C of the bytes from attributes to the end, computed by Kafka's Crc32C. */
  computedCrc: number;
  isValid: boolean;
  /** The header's attributes int16 (raw). */
  attributes: number;
  compression: RecordsCompressionName;
  timestampType: 'create' | 'logAppend';
  isTransactional: boolean;
  isControl: boolean;
  deleteHorizonMs: bigint | null;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  /** The header's baseTimestamp field (raw). */
  baseTimestamp: number;
  maxTimestamp: number;
  recordsCount: number | null;
  records: JavaRecord[];
}

export interface RecordsReadResult {
  /** Length of the bytes given. */
  sizeInBytes: number;
  /** Bytes in whole batches (Kafka's iterator silently stops at a trailing partial batch). */
  validBytes: number;
  batches: JavaRecordBatch[];
}

type Wire<T> = { [K in keyof T]: T[K] extends bigint | number ? string | number : T[K] extends Buffer | null ? string | null : unknown };

function b64OrNull(v: Uint8Array | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function bufOrNull(v: string | null): Buffer | null {
  return v === null ? null : Buffer.from(v, 'base64');
}

/** A spec batch as records.build wants it (bytes as base64 strings, int64 as strings). */
function batchToWire(b: RecordsSpecBatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === 'records' || v === undefined) continue;
    out[k] = typeof v === 'bigint' ? v.toString() : v;
  }
  out.records = b.records.map((r) => ({
    timestamp: String(r.timestamp),
    key: b64OrNull(r.key),
    value: b64OrNull(r.value),
    headers: (r.headers ?? []).map((h) => ({ key: h.key, value: b64OrNull(h.value) })),
  }));
  return out;
}

function recordFromWire(r: Wire<JavaRecord>): JavaRecord {
  return {
    offset: BigInt(r.offset as string),
    timestamp: Number(r.timestamp),
    sequence: r.sequence as number,
    attributes: r.attributes as number | null,
    sizeInBytes: r.sizeInBytes as number,
    key: bufOrNull(r.key as string | null),
    value: bufOrNull(r.value as string | null),
    headers: (r.headers as { key: string; value: string | null }[]).map((h) => ({ key: h.key, value: bufOrNull(h.value) })),
    ...(r.control ? { control: r.control as JavaRecord['control'] } : {}),
  };
}

function batchFromWire(b: Wire<JavaRecordBatch>): JavaRecordBatch {
  return {
    position: b.position as number,
    baseOffset: BigInt(b.baseOffset as string),
    lastOffset: BigInt(b.lastOffset as string),
    lastOffsetDelta: b.lastOffsetDelta as number,
    batchLength: b.batchLength as number,
    sizeInBytes: b.sizeInBytes as number,
    partitionLeaderEpoch: b.partitionLeaderEpoch as number,
    magic: b.magic as number,
    crc: Number(b.crc),
    computedCrc: Number(b.computedCrc),
    isValid: b.isValid as boolean,
    attributes: b.attributes as number,
    compression: b.compression as RecordsCompressionName,
    timestampType: b.timestampType as 'create' | 'logAppend',
    isTransactional: b.isTransactional as boolean,
    isControl: b.isControl as boolean,
    deleteHorizonMs: b.deleteHorizonMs === null ? null : BigInt(b.deleteHorizonMs as string),
    producerId: BigInt(b.producerId as string),
    producerEpoch: b.producerEpoch as number,
    baseSequence: b.baseSequence as number,
    lastSequence: b.lastSequence as number,
    baseTimestamp: Number(b.baseTimestamp),
    maxTimestamp: Number(b.maxTimestamp),
    recordsCount: b.recordsCount as number | null,
    records: (b.records as Wire<JavaRecord>[]).map(recordFromWire),
  };
}

/** A failure reported by the Java side (bad bytes, bad JSON, unknown message, ...). */
export class OracleError extends Error {
  constructor(
    message: string,
    /** The Java exception, "<exception class>: <message>". */
    readonly javaError: string,
    readonly op: string,
  ) {
    super(message);
    this.name = 'OracleError';
  }
}

// ------------------------------------------------------------------ locations

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const JAVA_SRC_DIR = path.join(__dirname, 'java');
const JAVA_SOURCES = ['Oracle.java'];
const BUILD_DIR = path.join(JAVA_SRC_DIR, 'build');

export function kafkaVersion(): string {
  return process.env.KAFKAESQUE_KAFKA_VERSION || '4.2.1';
}

export function libsDir(): string {
  return path.join(REPO_ROOT, '.kafka', `kafka-${kafkaVersion()}`, 'libs');
}

function javaBin(tool: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  if (home) {
    const p = path.join(home, 'bin', tool);
    if (fs.existsSync(p)) return p;
  }
  return tool;
}

const JVM_FLAGS = [
  '-Xmx256m',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:+UseSerialGC',
  '-Dlog4j2.level=OFF',
  '-Dlog4j2.statusLoggerLevel=OFF',
  '-Dfile.encoding=UTF-8',
];

/** Jars the oracle needs; anything else of the broker's 92-jar runtime stays off the classpath. */
const JAR_PATTERN =
  /^(kafka-clients|jackson-core|jackson-databind|jackson-annotations|slf4j-api|log4j-api|log4j-core|log4j-slf4j-impl|lz4-java|snappy-java|zstd-jni)-\d.*\.jar$/;

function hasClientsJar(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((f) => /^kafka-clients-.*\.jar$/.test(f));
  } catch {
    return false;
  }
}

/**
 * Make sure the Kafka jars exist: use them if present, else call `ensureLibs()` from
 * scripts/broker/harness.mjs (in a child node process, since it is an ES module and
 * may download), else fail with instructions.
 */
export function ensureLibsSync(): string {
  const dir = libsDir();
  if (hasClientsJar(dir)) return dir;
  const harness = path.join(REPO_ROOT, 'scripts', 'broker', 'harness.mjs');
  let detail = '';
  if (fs.existsSync(harness) && /\bensureLibs\b/.test(fs.readFileSync(harness, 'utf8'))) {
    const script =
      `const m = await import(${JSON.stringify(pathToFileURL(harness).href)});` +
      `if (typeof m.ensureLibs !== 'function') { console.error('harness.mjs does not export ensureLibs()'); process.exit(3); }` +
      `await m.ensureLibs({ log: (line) => console.error(line) });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: process.env, // explicitly: under jest, the sandbox's process.env is not the worker's
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 25 * 60 * 1000,
    });
    if (hasClientsJar(dir)) return dir;
    detail = `\nensureLibs() from ${harness} did not provide them (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${tail(
      `${r.stdout ?? ''}${r.stderr ?? ''}`,
      3000,
    )}`;
  }
  throw new Error(
    `Kafka ${kafkaVersion()} jars not found in ${dir}. ` +
      'Run `npm run broker -- fetch` (or `npm run broker -- start`) first to download them.' +
      detail,
  );
}

function classpathJars(dir: string): string[] {
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.jar')).sort();
  const picked = all.filter((f) => JAR_PATTERN.test(f));
  const need = ['kafka-clients', 'jackson-core', 'jackson-databind', 'jackson-annotations'];
  const complete = need.every((n) => picked.some((f) => f.startsWith(`${n}-`)));
  return (complete ? picked : all).map((f) => path.join(dir, f));
}

export interface CompiledOracle {
  /** Directory holding Oracle.class and friends. */
  classDir: string;
  /** Full -cp value (class dir + jars). */
  classpath: string;
  /** Directory for per-build cached data (e.g. the message list). */
  buildDir: string;
}

let compiledCache: CompiledOracle | null = null;

/**
 * Compile the oracle if needed (synchronously). Builds are content-addressed: the
 * directory is build/<hash of sources + jar names>, so a changed source (or a
 * different Kafka version) recompiles and an unchanged one never does. Compilation
 * goes to a temp directory that is renamed into place, so parallel jest workers
 * cannot observe a half-written build.
 */
export function ensureCompiled(): CompiledOracle {
  if (compiledCache) return compiledCache;
  const libs = ensureLibsSync();
  const jars = classpathJars(libs);
  const hash = crypto.createHash('sha256');
  for (const src of JAVA_SOURCES) hash.update(fs.readFileSync(path.join(JAVA_SRC_DIR, src)));
  hash.update(jars.map((j) => path.basename(j)).join('\n'));
  const key = hash.digest('hex').slice(0, 16);
  const buildDir = path.join(BUILD_DIR, key);
  const classDir = path.join(buildDir, 'classes');
  if (!fs.existsSync(path.join(classDir, 'Oracle.class'))) {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(BUILD_DIR, `tmp-${process.pid}-`));
    try {
      const tmpClasses = path.join(tmp, 'classes');
      fs.mkdirSync(tmpClasses);
      const r = spawnSync(
        javaBin('javac'),
        [
          '-encoding',
          'UTF-8',
          '--release',
          '17',
          '-nowarn',
          '-cp',
          jars.join(path.delimiter),
          '-d',
          tmpClasses,
          ...JAVA_SOURCES.map((s) => path.join(JAVA_SRC_DIR, s)),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
      );
      if (r.error) throw new Error(`cannot run javac (${javaBin('javac')}): ${r.error.message}`);
      if (r.status !== 0) throw new Error(`javac failed compiling the conformance oracle:\n${r.stdout}${r.stderr}`);
      try {
        fs.renameSync(tmp, buildDir);
      } catch (e) {
        // Another worker won the race: its build is identical (same content hash).
        if (!fs.existsSync(path.join(classDir, 'Oracle.class'))) throw e;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    pruneStaleBuilds(key);
  }
  compiledCache = { classDir, buildDir, classpath: [classDir, ...jars].join(path.delimiter) };
  return compiledCache;
}

/** Remove builds of older sources (left alone for a while in case a JVM still uses them). */
function pruneStaleBuilds(keep: string): void {
  try {
    const now = Date.now();
    for (const d of fs.readdirSync(BUILD_DIR)) {
      if (d === keep) continue;
      const p = path.join(BUILD_DIR, d);
      if (now - fs.statSync(p).mtimeMs > 60 * 60 * 1000) fs.rmSync(p, { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
}

let listCache: Record<string, { lowest: number; highest: number }> | null = null;

/**
 * Supported versions of every generated message class, synchronously (for declaring
 * one jest test per version at collection time). Computed once per build by running
 * `java Oracle --list`, then cached in the build directory.
 */
export function messageVersionsSync(message: string): { lowest: number; highest: number } {
  if (!listCache) {
    const c = ensureCompiled();
    const file = path.join(c.buildDir, 'messages.json');
    if (fs.existsSync(file)) {
      listCache = JSON.parse(fs.readFileSync(file, 'utf8'));
    } else {
      const r = spawnSync(javaBin('java'), [...JVM_FLAGS, '-cp', c.classpath, 'Oracle', '--list'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: process.env,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.error || r.status !== 0) {
        throw new Error(`java Oracle --list failed (exit ${r.status}): ${r.error?.message ?? ''}\n${tail(r.stderr ?? '', 3000)}`);
      }
      listCache = JSON.parse(r.stdout);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, r.stdout);
      fs.renameSync(tmp, file);
    }
  }
  const v = listCache![message.replace(/Data$/, '')];
  if (!v) throw new Error(`unknown Kafka message '${message}' (no org.apache.kafka.common.message.${message}Data)`);
  return v;
}

function tail(s: string, n: number): string {
  return s.length > n ? `…${s.slice(s.length - n)}` : s;
}

// ------------------------------------------------------------------ client

interface Pending {
  op: string;
  describe: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const STDERR_TAIL = 8192;

export class JavaOracle {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private dead: Error | null = null;
  private readonly closed: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    let onClosed!: () => void;
    this.closed = new Promise<void>((res) => (onClosed = res));

    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = tail(this.stderrTail + chunk, STDERR_TAIL);
    });
    const rl = readline.createInterface({ input: child.stdout!, crlfDelay: Infinity });
    rl.on('line', (line) => this.onLine(line));
    child.stdin!.on('error', () => {
      // EPIPE after the JVM died: reported through 'close'.
    });
    child.on('error', (err) => this.fail(new Error(`Java oracle process error: ${err.message}`)));
    // Idle oracles do not keep the Node process alive (an oracle a test forgot to close must
    // not hang jest); the JVM exits on its own when our end of its stdin closes.
    this.setRef(false);
    child.on('close', (code, signal) => {
      this.fail(
        new Error(
          `Java oracle JVM exited (code ${code}, signal ${signal})` +
            (this.stderrTail ? `; stderr tail:\n${this.stderrTail}` : ' with no stderr output'),
        ),
      );
      onClosed();
    });
  }

  /** Spawn the JVM (compiling the oracle first if needed) and wait until it answers. */
  static async start(): Promise<JavaOracle> {
    const { classpath } = ensureCompiled();
    const child = spawn(javaBin('java'), [...JVM_FLAGS, '-cp', classpath, 'Oracle'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: REPO_ROOT,
      env: process.env,
    });
    const oracle = new JavaOracle(child);
    await oracle.request('ping', {});
    return oracle;
  }

  /** Process id of the JVM (for tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  versions(message: string): Promise<{ lowest: number; highest: number }> {
    return this.request('versions', { message });
  }

  /** Every generated message class with its supported versions. */
  list(): Promise<Record<string, { lowest: number; highest: number }>> {
    return this.request('list', {});
  }

  /**
   * A random message, valid for `version`, deterministic for (message, version, seed):
   * `bytes` is Kafka's serialization, `json` its JsonConverter form (see table above),
   * `stats` counts what the generator put in (nulls, unknown tags, ...).
   */
  async random(
    message: string,
    version: number,
    seed: number,
    options: RandomOptions = {},
  ): Promise<{ bytes: Buffer; json: JsonValue; stats: RandomStats }> {
    const r = await this.request<{ hex: string; json: JsonValue; stats: RandomStats }>('random', {
      message,
      version,
      seed,
      ...(options.records ? { records: options.records } : {}),
      ...(options.unknownTags === false ? { unknownTags: false } : {}),
    });
    return { bytes: Buffer.from(r.hex, 'hex'), json: r.json, stats: r.stats };
  }

  /**
   * Parse `bytes` with Kafka's class. Returns its JSON and Kafka's re-serialization.
   * Throws OracleError if Java cannot parse them, or if bytes are left over.
   */
  async decode(message: string, version: number, bytes: Buffer): Promise<{ json: JsonValue; bytes: Buffer }> {
    const r = await this.request<{ hex: string; json: JsonValue }>('decode', {
      message,
      version,
      hex: Buffer.from(bytes).toString('hex'),
    });
    return { json: r.json, bytes: Buffer.from(r.hex, 'hex') };
  }

  /**
   * Serialize a JSON form (JsonConverter.read + write). With `readVersion`, the JSON is read as
   * that version and written as `version` (JsonConverter refuses a struct that the version
   * lacks even at its default; the write then refuses what `version` cannot carry).
   */
  async encode(message: string, version: number, json: JsonValue, readVersion?: number): Promise<Buffer> {
    const r = await this.request<{ hex: string }>('encode', { message, version, json, ...(readVersion !== undefined ? { readVersion } : {}) });
    return Buffer.from(r.hex, 'hex');
  }

  /**
   * Kafka reads `bytes` as version `from` and writes the message at version `to`; throws
   * OracleError where Kafka refuses (a non-default field `to` lacks, tagged fields below the
   * first flexible version, a null in a field not nullable in `to`, ...).
   */
  async convert(message: string, from: number, to: number, bytes: Buffer): Promise<Buffer> {
    const r = await this.request<{ hex: string }>('convert', { message, from, to, hex: Buffer.from(bytes).toString('hex') });
    return Buffer.from(r.hex, 'hex');
  }

  /** A new `<message>Data` with every field at Kafka's default, serialized at `version`. */
  async defaults(message: string, version: number): Promise<{ json: JsonValue; bytes: Buffer }> {
    const r = await this.request<{ hex: string; json: JsonValue }>('default', { message, version });
    return { json: r.json, bytes: Buffer.from(r.hex, 'hex') };
  }

  /** Every org.apache.kafka.common.protocol.ApiKeys entry: id, name, version ranges, header versions. */
  apis(): Promise<ApiInfo[]> {
    return this.request('apis', {});
  }

  /** Every org.apache.kafka.common.protocol.Errors value. */
  errors(): Promise<ErrorInfo[]> {
    return this.request('errors', {});
  }

  /**
   * The Java producer's partition for each keyed record: `result[i][j]` is
   * `BuiltInPartitioner.partitionForKey(keys[i], partitionCounts[j])`.
   */
  partitionForKeys(keys: Buffer[], partitionCounts: number[]): Promise<number[][]> {
    return this.request('partition.keys', { keys: keys.map((k) => k.toString('base64')), partitionCounts });
  }

  /**
   * Kafka's own client-side partition assignor (`range`, `roundrobin`, `cooperative-sticky`) on a
   * group, called as the Java consumer leader does (ConsumerCoordinator.onLeaderElected): a fresh
   * assignor instance, the subscriptions in a HashMap filled in `members` order (= JoinGroup
   * response order), `assignor.assign(Cluster, GroupSubscription)`. Returns memberId -> partitions
   * in the assignor's own list order. `partitionRacks` (optional, per topic, per partition: the
   * replicas' broker racks, null = no rack) replaces the count of its topic and lets the
   * rack-aware (KIP-881) code run. `generationId` is not used by Java's assignors (they read the
   * generations from the subscriptions); it is accepted for symmetry with our Assignor.assign.
   * Rejects with an OracleError when Java's assignor throws.
   *
   * Wire: {"op":"assign","assignor":A,"partitionsPerTopic":{topic:count},"partitionRacks"?:{topic:[[rack|null]]},
   * "members":[{memberId, groupInstanceId, topics, ownedPartitions:[{topic,partition}], generationId, rackId,
   * userData: base64|null}]} -> {memberId: [{topic, partition}, ...]}.
   */
  assign(
    assignor: string,
    partitionsPerTopic: Record<string, number>,
    members: ReadonlyArray<{
      memberId: string;
      groupInstanceId?: string | null;
      topics: readonly string[];
      ownedPartitions?: ReadonlyArray<{ topic: string; partition: number }>;
      generationId?: number;
      rackId?: string | null;
      userData?: Uint8Array | null;
    }>,
    generationId?: number,
    partitionRacks?: Record<string, ReadonlyArray<ReadonlyArray<string | null>>>,
  ): Promise<Record<string, Array<{ topic: string; partition: number }>>> {
    return this.request('assign', {
      assignor,
      partitionsPerTopic,
      ...(partitionRacks ? { partitionRacks } : {}),
      ...(generationId !== undefined ? { generationId } : {}),
      members: members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        topics: m.topics,
        ownedPartitions: (m.ownedPartitions ?? []).map((tp) => ({ topic: tp.topic, partition: tp.partition })),
        generationId: m.generationId ?? -1,
        rackId: m.rackId ?? null,
        userData: b64OrNull(m.userData),
      })),
    });
  }

  /**
   * Sends each transaction's values with Kafka's own transactional KafkaProducer to one
   * partition, committing or aborting each: real transaction markers for read_committed tests.
   */
  produceTransactional(
    bootstrap: string,
    transactionalId: string,
    topic: string,
    partition: number,
    transactions: Array<{ commit: boolean; values: string[] }>,
  ): Promise<{ sent: number }> {
    return this.request('produce.transactional', { bootstrap, transactionalId, topic, partition, transactions });
  }

  /** Kafka's Schema of a message version as text (debugging aid). */
  schema(message: string, version: number): Promise<string> {
    return this.request('schema', { message, version });
  }

  /**
   * Kafka's MemoryRecordsBuilder (magic 2) writes one batch per spec batch; returns the batches
   * concatenated. Throws OracleError when Kafka refuses the spec (e.g. a negative timestamp other
   * than -1, a producer id without an epoch).
   *
   * Wire: {"op":"records.build","batches":[{compression, compressionLevel?, baseOffset, partitionLeaderEpoch,
   * timestampType: "create"|"logAppend", logAppendTime?, producerId, producerEpoch, baseSequence, isTransactional,
   * control?: "commit"|"abort", coordinatorEpoch?, markerTimestamp?, records: [{timestamp, key: base64|null,
   * value: base64|null, headers: [{key, value: base64|null}]}]}]} -> {"base64": ..., "sizes": [...]}.
   */
  async recordsBuild(spec: readonly RecordsSpecBatch[]): Promise<Buffer> {
    const r = await this.request<{ base64: string; sizes: number[] }>('records.build', { batches: spec.map(batchToWire) });
    return Buffer.from(r.base64, 'base64');
  }

  /**
   * Kafka reads `bytes` as MemoryRecords: per batch (DefaultRecordBatch) ensureValid() — CRC-32C,
   * unless `ensureValid: false` — then iterates (decompresses) every record. Any exception rejects
   * with an OracleError whose javaError is "...RecordsReadException: batch I (byte P): <Kafka
   * exception class>: <message>" (e.g. org.apache.kafka.common.errors.CorruptRecordException).
   * int64 fields are bigint except timestamps (number, exact up to 2^53); crc is unsigned.
   */
  async recordsRead(bytes: Uint8Array, options: { ensureValid?: boolean } = {}): Promise<RecordsReadResult> {
    const r = await this.request<{ sizeInBytes: number; validBytes: number; batches: Wire<JavaRecordBatch>[] }>('records.read', {
      base64: b64OrNull(bytes),
      ...(options.ensureValid === false ? { ensureValid: false } : {}),
    });
    return { sizeInBytes: r.sizeInBytes, validBytes: r.validBytes, batches: r.batches.map(batchFromWire) };
  }

  /** Close stdin and wait for the JVM to exit (killing it after 5 s). */
  async close(): Promise<void> {
    if (!this.dead) {
      this.child.stdin!.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.closed;
      clearTimeout(timer);
    }
  }

  private request<T>(op: string, payload: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const line = JSON.stringify({ id, op, ...payload }, jsonReplacer);
    const describe = `${op}${payload.message ? ` ${payload.message}` : ''}${payload.version !== undefined ? ` v${payload.version}` : ''}`;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.setRef(true);
      this.pending.set(id, { op, describe, resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${line}\n`);
    });
  }

  private onLine(line: string): void {
    let msg: { id?: number; result?: unknown; error?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      this.stderrTail = tail(`${this.stderrTail}[stdout] ${line}\n`, STDERR_TAIL);
      return;
    }
    const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id!);
    if (this.pending.size === 0) this.setRef(false);
    if (msg.error !== undefined) p.reject(new OracleError(`Java oracle ${p.describe}: ${msg.error}`, msg.error, p.op));
    else p.resolve(msg.result);
  }

  private setRef(on: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as ({ ref?(): void; unref?(): void } | null)[];
    for (const h of handles) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }

  private fail(err: Error): void {
    if (!this.dead) this.dead = err;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error(`${p.describe}: ${this.dead.message}`));
    }
  }
}

/** JSON.stringify replacer: bigint -> decimal string, Buffer/Uint8Array -> base64. */
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (typeof original === 'bigint') return original.toString();
  if (original instanceof Uint8Array) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
  return value;
}
