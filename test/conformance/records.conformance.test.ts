/**
 * Conformance of record batches (protocol/records.ts) with Kafka 4.2.1's own MemoryRecords,
 * MemoryRecordsBuilder and DefaultRecordBatch, in both directions and with every codec, through
 * the oracle's records.build / records.read ops (test/conformance/java/Oracle.java).
 *
 * For each codec (none, gzip, snappy, lz4, zstd), 30 deterministic random record sets (seeded
 * PRNG; 1-3 batches of 1-300 records; null/empty/unicode/binary keys and values, 0-4 headers with
 * null values and unicode keys, timestamps with deltas beyond 2^31 ms in both directions and -1,
 * values up to 64 KiB, idempotent and transactional producer state, leader epochs, log-append-time
 * batches and commit/abort markers) go:
 *   A. spec -> Java MemoryRecordsBuilder -> Java reader: Kafka reports exactly the spec (pins the
 *      oracle and the Java semantics the other checks rely on);
 *   B. Java's bytes -> our decodeRecordSet: every field of every batch and record is the spec's and
 *      Kafka's own reading; no error, no partial bytes;
 *   C. our encodeRecordBatch -> Java reader: ensureValid() (CRC-32C) passes, it decompresses, and
 *      it reads the same batch and record fields;
 *   D. none: our bytes are identical to Java's; compressed: Java's records section, decompressed
 *      by us, is byte-identical to our own uncompressed records section, and the batch headers are
 *      identical except batchLength and CRC.
 * Plus focused checks: transaction markers, log-append time, corruption (a flipped byte: our
 * CorruptRecordBatchError and Kafka's CorruptRecordException), a truncated trailing batch, and
 * the oracle ops' error replies.
 *
 * Known difference (not a bug; asserted so that a change is noticed): for a log-append-time
 * batch Kafka's builder writes maxTimestamp = the logAppendTime it is given, while our encoder
 * has no logAppendTime input and writes the largest record timestamp; everything else (including
 * baseTimestamp = first record's timestamp and the records, which keep their create-time deltas)
 * is identical. Readers on both sides then report maxTimestamp as every record's timestamp.
 *
 * Seeds: KAFKAESQUE_CONFORMANCE_SEED (default 1) shifts every generated set.
 */
import { type CompressionTypeId, DEFAULT_MAX_DECOMPRESSED_BYTES, decompress, ensureCompressionReady } from '../../protocol/compression/index.js';
import { crc32c } from '../../protocol/crc32c.js';
import {
  type BatchInput,
  CorruptRecordBatchError,
  type RecordBatch,
  type RecordInput,
  controlRecordType,
  decodeRecordSet,
  encodeRecordBatch,
} from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { closeSharedOracle, expectSameBytes, firstDifference, jsonDifference, sharedOracle } from './harness.js';
import {
  type JavaOracle,
  type JavaRecordBatch,
  type JsonValue,
  OracleError,
  type RecordsCompressionName,
  type RecordsReadResult,
  type RecordsSpecBatch,
  type RecordsSpecRecord,
} from './oracle.js';
import { seeded } from '../helpers/random.js';

jest.setTimeout(120_000);

const CODECS: readonly RecordsCompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const CODEC_ID: Record<RecordsCompressionName, CompressionTypeId> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const SETS_PER_CODEC = 30;
const BASE_SEED = (() => {
  const s = process.env.KAFKAESQUE_CONFORMANCE_SEED;
  const n = s === undefined || s === '' ? 1 : Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`KAFKAESQUE_CONFORMANCE_SEED must be an integer, got '${s}'`);
  return n;
})();
const DECODE = { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES };

/** Batch header layout (magic 2). */
const HEADER = 61;
const BATCH_LENGTH_AT = 8;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const MAX_TIMESTAMP_AT = 35;

// ------------------------------------------------------------------ deterministic random specs

/** Helpers over mulberry32 (test/helpers/random.ts): small, fast, deterministic across platforms. */
class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seeded(seed ^ 0x9e3779b9);
  }
  /** 0 <= n < max */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  /** lo <= n <= hi */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 4) {
      const x = (this.next() * 4294967296) >>> 0;
      b[i] = x & 0xff;
      if (i + 1 < n) b[i + 1] = (x >>> 8) & 0xff;
      if (i + 2 < n) b[i + 2] = (x >>> 16) & 0xff;
      if (i + 3 < n) b[i + 3] = x >>> 24;
    }
    return b;
  }
  /** A non-negative int64 as bigint, mixing small, mid and huge values. */
  int64(): bigint {
    const p = this.next();
    if (p < 0.3) return BigInt(this.int(1000));
    if (p < 0.6) return BigInt(this.int(2 ** 31));
    if (p < 0.8) return BigInt(this.int(2 ** 21)) * 2n ** 32n + BigInt(this.int(2 ** 32));
    return this.pick([2n ** 63n - 1n, 2n ** 62n, 2n ** 53n + 1n, 2n ** 32n]);
  }
}

/** Well-formed UTF-16 only (a lone surrogate would not survive UTF-8 on either side). */
const PIECES = [
  'a', 'b', 'z', 'Q', '0', '7', '-', '_', '.', ' ', 'kafka', 'topic', 'ü', 'é', 'ß', '字', '漢', '𝄞', '😀',
  '\u0000', '\n', '\t', '"', '\\', '\u007f', '\u0080', '\u07ff', '\u0800', '\u2028', '\ufffd',
  '\ud83c\udff3\ufe0f\u200d\ud83c\udf08', 'Ω', 'ж', 'א', 'ع', '\u00a0',
];

function text(rng: Rng, maxPieces = 8): string {
  const n = rng.chance(0.05) ? 40 + rng.int(80) : rng.range(1, maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(PIECES);
  return s;
}

/** A record of our tests: the spec fields plus the text our encoder gets instead of bytes (string input path). */
interface TestRecord extends RecordsSpecRecord {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null; valueText?: string }[];
  keyText?: string;
  valueText?: string;
}

interface TestBatch extends RecordsSpecBatch {
  records: TestRecord[];
}

/** Key, value or header value: null, empty, text (also handed to our encoder as a string), binary. */
function blob(rng: Rng, pNull: number, maxBinary: number): { bytes: Buffer | null; text?: string } {
  const p = rng.next();
  if (p < pNull) return { bytes: null };
  if (p < pNull + 0.08) return { bytes: Buffer.alloc(0) };
  if (p < pNull + 0.45) {
    const t = text(rng);
    return { bytes: Buffer.from(t, 'utf8'), text: t };
  }
  return { bytes: rng.bytes(rng.range(1, maxBinary)) };
}

/** 1 KiB .. 64 KiB: half compressible text, half random bytes. */
function largeValue(rng: Rng): Buffer {
  const n = rng.chance(0.3) ? 65_536 : rng.range(1024, 65_536);
  if (rng.chance(0.5)) return rng.bytes(n);
  const unit = Buffer.from(`{"large":${rng.int(1000)},"text":"${text(rng, 4)}"}\n`, 'utf8');
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += unit.length) unit.copy(b, i);
  return b;
}

/** Timestamps of one batch: Kafka accepts >= 0 or -1 (NO_TIMESTAMP). */
function timestamps(rng: Rng, n: number): number[] {
  const mode = rng.pick(['now', 'now', 'epoch', 'wide', 'mixed'] as const);
  const now = 1_700_000_000_000 + rng.int(100_000_000_000);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let ts: number;
    switch (mode) {
      case 'now': // small deltas both ways around a realistic time
        ts = now + rng.range(-500_000, 5_000_000);
        break;
      case 'epoch': // starts near 0, then jumps: deltas > 2^31 ms
        ts = i === 0 || rng.chance(0.5) ? rng.int(1000) : now + rng.int(1000);
        break;
      case 'wide': // anywhere up to 2^50: huge deltas of both signs
        ts = rng.int(2 ** 50);
        break;
      default: // realistic with some -1 (NO_TIMESTAMP) and far-future values
        ts = rng.chance(0.2) ? -1 : rng.chance(0.15) ? now + 2 ** 33 + rng.int(2 ** 40) : now + rng.int(10_000);
    }
    out.push(ts);
  }
  return out;
}

function recordCount(rng: Rng): number {
  const p = rng.next();
  if (p < 0.25) return rng.range(1, 3);
  if (p < 0.8) return rng.range(4, 60);
  return rng.range(61, 300);
}

function producerState(rng: Rng): Pick<TestBatch, 'producerId' | 'producerEpoch' | 'baseSequence' | 'isTransactional'> {
  const p = rng.next();
  if (p < 0.35) return { producerId: -1n, producerEpoch: -1, baseSequence: -1, isTransactional: false };
  return {
    producerId: rng.int64(),
    producerEpoch: rng.chance(0.2) ? rng.pick([0, 32767]) : rng.int(32768),
    baseSequence: rng.chance(0.2) ? rng.pick([0, 2 ** 31 - 1, 2 ** 31 - 10]) : rng.int(2 ** 31),
    isTransactional: p >= 0.65,
  };
}

function leaderEpoch(rng: Rng): number {
  return rng.pick([-1, 0, rng.int(100), rng.int(2 ** 31)]);
}

function dataBatch(rng: Rng, compression: RecordsCompressionName, baseOffset: bigint): TestBatch {
  const n = recordCount(rng);
  const ts = timestamps(rng, n);
  const large = new Set<number>();
  if (rng.chance(0.25)) for (let i = rng.range(1, 2); i > 0; i--) large.add(rng.int(n));
  const records: TestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const k = blob(rng, 0.15, 40);
    const v = large.has(i) ? { bytes: largeValue(rng) } : blob(rng, 0.1, 200);
    const headers: TestRecord['headers'] = [];
    const hc = rng.chance(0.5) ? 0 : rng.range(1, 4);
    for (let h = 0; h < hc; h++) {
      const hv = blob(rng, 0.25, 30);
      headers.push({ key: rng.chance(0.1) ? '' : text(rng, 4), value: hv.bytes, ...(hv.text !== undefined ? { valueText: hv.text } : {}) });
    }
    records.push({
      timestamp: ts[i]!,
      key: k.bytes,
      value: v.bytes,
      headers,
      ...(k.text !== undefined ? { keyText: k.text } : {}),
      ...('text' in v && v.text !== undefined ? { valueText: v.text } : {}),
    });
  }
  const logAppend = rng.chance(0.15);
  return {
    compression,
    baseOffset,
    partitionLeaderEpoch: leaderEpoch(rng),
    timestampType: logAppend ? 'logAppend' : 'create',
    ...(logAppend ? { logAppendTime: 1_700_000_000_000 + rng.int(100_000_000_000) } : {}),
    ...producerState(rng),
    records,
  };
}

function markerBatch(rng: Rng, compression: RecordsCompressionName, baseOffset: bigint, type: 'commit' | 'abort', producerId?: bigint, producerEpoch?: number): TestBatch {
  return {
    compression,
    baseOffset,
    partitionLeaderEpoch: leaderEpoch(rng),
    timestampType: 'create',
    producerId: producerId ?? rng.int64(),
    producerEpoch: producerEpoch ?? rng.int(32768),
    baseSequence: -1,
    isTransactional: true,
    control: type,
    coordinatorEpoch: rng.pick([0, 1, rng.int(1000), 2 ** 31 - 1]),
    markerTimestamp: rng.chance(0.1) ? -1 : 1_700_000_000_000 + rng.int(100_000_000_000),
    records: [],
  };
}

/** One record set: 1-3 batches; a transactional data batch is sometimes followed by its marker. */
function genSet(seed: number, compression: RecordsCompressionName): TestBatch[] {
  const rng = new Rng(seed);
  let offset = rng.pick([0n, BigInt(rng.int(1_000_000)), 2n ** 40n + BigInt(rng.int(1000)), 2n ** 62n]);
  const count = rng.range(1, 3);
  const set: TestBatch[] = [];
  while (set.length < count) {
    const prev = set[set.length - 1];
    let b: TestBatch;
    if (prev && prev.isTransactional && !prev.control && rng.chance(0.5)) {
      b = markerBatch(rng, compression, offset, rng.pick(['commit', 'abort']), BigInt(prev.producerId!), prev.producerEpoch);
    } else if (rng.chance(0.05)) {
      b = markerBatch(rng, compression, offset, rng.pick(['commit', 'abort']));
    } else {
      b = dataBatch(rng, compression, offset);
    }
    set.push(b);
    offset += BigInt(Math.max(1, b.records.length)) + BigInt(rng.chance(0.3) ? rng.int(10) : 0);
  }
  return set;
}

function setSeed(codec: RecordsCompressionName, i: number): number {
  return BASE_SEED * 100_003 + CODECS.indexOf(codec) * 1000 + i;
}

// ------------------------------------------------------------------ our encoder's input

const CONTROL_TYPE = { abort: 0, commit: 1 } as const;

/** ControlRecordType key: version int16 (0), type int16. */
function markerKey(type: 'commit' | 'abort'): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt16BE(CONTROL_TYPE[type], 2);
  return b;
}

/** EndTransactionMarker value: version int16 (0), coordinatorEpoch int32. */
function markerValue(coordinatorEpoch: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeInt32BE(coordinatorEpoch, 2);
  return b;
}

/** The records a spec batch stands for (a control batch: its marker record). */
function recordsOf(b: TestBatch): TestRecord[] {
  if (!b.control) return b.records;
  return [{ timestamp: Number(b.markerTimestamp ?? -1), key: markerKey(b.control), value: markerValue(b.coordinatorEpoch ?? 0), headers: [] }];
}

/** The same batch for our encoder: baseTimestamp passed explicitly = what Kafka's builder uses (the first record's). */
function ourInput(b: TestBatch, compression?: CompressionTypeId): BatchInput {
  const records = recordsOf(b);
  return {
    records: records.map(
      (r): RecordInput => ({
        key: r.keyText ?? r.key,
        value: r.valueText ?? r.value,
        headers: r.headers.map((h) => ({ key: h.key, value: h.valueText ?? h.value })),
        timestamp: r.timestamp,
      }),
    ),
    compression: compression ?? CODEC_ID[b.compression],
    baseOffset: BigInt(b.baseOffset ?? 0),
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    timestampType: b.timestampType === 'logAppend' ? 1 : 0,
    isTransactional: b.isTransactional,
    isControl: b.control !== undefined,
    producerId: BigInt(b.producerId ?? -1),
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    baseTimestamp: records[0]!.timestamp,
  };
}

function encodeOurs(set: readonly TestBatch[], compression?: CompressionTypeId): { bytes: Buffer; sizes: number[] } {
  const w = new Writer(1024);
  const sizes: number[] = [];
  for (const b of set) {
    const before = w.length;
    encodeRecordBatch(w, ourInput(b, compression));
    sizes.push(w.length - before);
  }
  return { bytes: Buffer.from(w.finish()), sizes };
}

// ------------------------------------------------------------------ normalised views

interface RecordView {
  offset: string;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

interface BatchView {
  baseOffset: string;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
  compression: string;
  timestampType: string;
  isTransactional: boolean;
  isControl: boolean;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  baseTimestamp: number;
  maxTimestamp: number;
  recordsCount: number | null;
  records: RecordView[];
}

const b64 = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'));

/**
 * What a batch must read as. `writer`: whose bytes ('java': MemoryRecordsBuilder; 'ours':
 * encodeRecordBatch) — they differ only in a log-append-time batch's maxTimestamp.
 */
function expectedView(b: TestBatch, writer: 'java' | 'ours'): BatchView {
  const records = recordsOf(b);
  const first = records[0]!.timestamp;
  // Kafka: maxTimestamp starts at NO_TIMESTAMP (-1) and takes every larger record timestamp;
  // ours starts at baseTimestamp (= the first record's): the same for timestamps >= -1.
  const maxCreate = records.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), -1);
  const logAppend = b.timestampType === 'logAppend';
  const maxTimestamp = logAppend && writer === 'java' ? Number(b.logAppendTime) : maxCreate;
  const base = BigInt(b.baseOffset ?? 0);
  return {
    baseOffset: String(base),
    lastOffsetDelta: records.length - 1,
    partitionLeaderEpoch: b.partitionLeaderEpoch ?? -1,
    compression: b.compression,
    timestampType: b.timestampType ?? 'create',
    isTransactional: b.isTransactional ?? false,
    isControl: b.control !== undefined,
    producerId: String(b.producerId ?? -1),
    producerEpoch: b.producerEpoch ?? -1,
    baseSequence: b.baseSequence ?? -1,
    baseTimestamp: first,
    maxTimestamp,
    recordsCount: records.length,
    records: records.map((r, i) => ({
      offset: String(base + BigInt(i)),
      timestamp: logAppend ? maxTimestamp : r.timestamp,
      key: b64(r.key),
      value: b64(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
    })),
  };
}

function ourView(b: RecordBatch): BatchView {
  return {
    baseOffset: String(b.baseOffset),
    lastOffsetDelta: b.lastOffsetDelta,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    compression: CODECS[b.compression]!,
    timestampType: b.timestampType === 1 ? 'logAppend' : 'create',
    isTransactional: b.isTransactional,
    isControl: b.isControl,
    producerId: String(b.producerId),
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    baseTimestamp: b.baseTimestamp,
    maxTimestamp: b.maxTimestamp,
    recordsCount: b.recordsCount,
    records: b.records.map((r) => ({
      offset: String(r.offset),
      timestamp: r.timestamp,
      key: b64(r.key),
      value: b64(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
    })),
  };
}

function javaView(b: JavaRecordBatch): BatchView {
  return {
    baseOffset: String(b.baseOffset),
    lastOffsetDelta: b.lastOffsetDelta,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    compression: b.compression,
    timestampType: b.timestampType,
    isTransactional: b.isTransactional,
    isControl: b.isControl,
    producerId: String(b.producerId),
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    baseTimestamp: b.baseTimestamp,
    maxTimestamp: b.maxTimestamp,
    recordsCount: b.recordsCount,
    records: b.records.map((r) => ({
      offset: String(r.offset),
      timestamp: r.timestamp,
      key: b64(r.key),
      value: b64(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
    })),
  };
}

function viewDifference(actual: BatchView, expected: BatchView): string | null {
  return jsonDifference(actual as unknown as JsonValue, expected as unknown as JsonValue);
}

/** Attribute bits Kafka sets: 0-2 compression, 3 timestamp type, 4 transactional, 5 control. */
function expectedAttributes(b: TestBatch): number {
  return CODEC_ID[b.compression] | (b.timestampType === 'logAppend' ? 0x08 : 0) | (b.isTransactional ? 0x10 : 0) | (b.control ? 0x20 : 0);
}

/** Java's integrity report of a batch: what Kafka checks beyond the fields of the view. */
function javaIntegrity(j: JavaRecordBatch, b: TestBatch): string | null {
  const n = recordsOf(b).length;
  const problems: string[] = [];
  if (j.magic !== 2) problems.push(`magic ${j.magic}`);
  if (!j.isValid) problems.push('isValid() false');
  if (j.crc !== j.computedCrc) problems.push(`crc ${j.crc} vs computed ${j.computedCrc}`);
  if (j.attributes !== expectedAttributes(b)) problems.push(`attributes 0x${j.attributes.toString(16)}, expected 0x${expectedAttributes(b).toString(16)}`);
  if (j.lastOffset !== j.baseOffset + BigInt(n - 1)) problems.push(`lastOffset ${j.lastOffset}`);
  if (j.batchLength !== j.sizeInBytes - 12) problems.push(`batchLength ${j.batchLength} vs size ${j.sizeInBytes}`);
  if (j.deleteHorizonMs !== null) problems.push(`deleteHorizonMs ${j.deleteHorizonMs}`);
  const badAttr = j.records.findIndex((r) => r.attributes !== 0);
  if (badAttr >= 0) problems.push(`record ${badAttr} attributes ${j.records[badAttr]!.attributes}`);
  if (b.control) {
    const c = j.records[0]?.control;
    const want = b.control === 'commit' ? 'COMMIT' : 'ABORT';
    if (!c || c.type !== want || c.coordinatorEpoch !== b.coordinatorEpoch) problems.push(`control ${JSON.stringify(c)}, expected ${want} epoch ${b.coordinatorEpoch}`);
  }
  return problems.length ? problems.join('; ') : null;
}

function describeSet(set: readonly TestBatch[]): string {
  return set
    .map(
      (b, i) =>
        `#${i} ${b.control ? `${b.control} marker` : `${b.records.length} records`} ${b.compression} ${b.timestampType}` +
        `${b.isTransactional ? ' txn' : ''} pid ${b.producerId} base ${b.baseOffset}`,
    )
    .join(', ');
}

// ------------------------------------------------------------------ shared per-codec data

interface CodecData {
  codec: RecordsCompressionName;
  seeds: number[];
  sets: TestBatch[][];
  /** Kafka's bytes of each set. */
  java: Buffer[];
  /** Kafka's reading of its own bytes. */
  javaOfJava: RecordsReadResult[];
  /** Our bytes of each set (and each batch's size). */
  ours: { bytes: Buffer; sizes: number[] }[];
  /** Kafka's reading of our bytes (or its error). */
  javaOfOurs: (RecordsReadResult | Error)[];
}

const prepared = new Map<RecordsCompressionName, Promise<CodecData>>();

function codecData(codec: RecordsCompressionName): Promise<CodecData> {
  let p = prepared.get(codec);
  if (!p) {
    p = (async () => {
      const oracle = await sharedOracle();
      const seeds = Array.from({ length: SETS_PER_CODEC }, (_, i) => setSeed(codec, i));
      const sets = seeds.map((s) => genSet(s, codec));
      const java = await Promise.all(sets.map((s) => oracle.recordsBuild(s)));
      const ours = sets.map((s) => encodeOurs(s));
      const [javaOfJava, javaOfOurs] = await Promise.all([
        Promise.all(java.map((b) => oracle.recordsRead(b))),
        Promise.all(ours.map((o) => oracle.recordsRead(o.bytes).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))))),
      ]);
      return { codec, seeds, sets, java, javaOfJava, ours, javaOfOurs };
    })();
    prepared.set(codec, p);
  }
  return p;
}

function ctx(d: CodecData, i: number, batch?: number): string {
  return `${d.codec} set ${i} (seed ${d.seeds[i]}; ${describeSet(d.sets[i]!)})${batch !== undefined ? ` batch ${batch}` : ''}`;
}

/** Patch a log-append-time batch of OUR bytes to carry Kafka's maxTimestamp (logAppendTime), re-CRC'd. */
function withJavaMaxTimestamps(ours: Buffer, sizes: number[], set: readonly TestBatch[]): Buffer {
  const out = Buffer.from(ours);
  let pos = 0;
  set.forEach((b, i) => {
    if (b.timestampType === 'logAppend') {
      out.writeBigInt64BE(BigInt(b.logAppendTime!), pos + MAX_TIMESTAMP_AT);
      out.writeUInt32BE(crc32c(out.subarray(pos + ATTRIBUTES_AT, pos + sizes[i]!)), pos + CRC_AT);
    }
    pos += sizes[i]!;
  });
  return out;
}

/** Header bytes except batchLength and CRC (the only header fields compression changes). */
function headerWithoutLengthAndCrc(batch: Buffer): Buffer {
  return Buffer.concat([batch.subarray(0, BATCH_LENGTH_AT), batch.subarray(BATCH_LENGTH_AT + 4, CRC_AT), batch.subarray(ATTRIBUTES_AT, HEADER)]);
}

// ------------------------------------------------------------------ tests

let oracle: JavaOracle;

beforeAll(async () => {
  await ensureCompressionReady();
  oracle = await sharedOracle();
}, 180_000);

afterAll(async () => {
  await closeSharedOracle();
});

describe.each(CODECS)('record batches, %s: ours vs Kafka 4.2.1 MemoryRecords', (codec) => {
  test(`A. ${SETS_PER_CODEC} random sets: Kafka's builder + reader agree with the spec (oracle sanity)`, async () => {
    const d = await codecData(codec);
    let batches = 0;
    let records = 0;
    for (let i = 0; i < d.sets.length; i++) {
      const set = d.sets[i]!;
      const jr = d.javaOfJava[i]!;
      if (jr.validBytes !== d.java[i]!.length) throw new Error(`${ctx(d, i)}: Kafka read ${jr.validBytes} of ${d.java[i]!.length} bytes`);
      if (jr.batches.length !== set.length) throw new Error(`${ctx(d, i)}: Kafka read ${jr.batches.length} batches`);
      set.forEach((b, bi) => {
        const j = jr.batches[bi]!;
        const diff = viewDifference(javaView(j), expectedView(b, 'java'));
        if (diff) throw new Error(`${ctx(d, i, bi)}: Kafka's reading of its own batch differs from the spec: ${diff}`);
        const bad = javaIntegrity(j, b);
        if (bad) throw new Error(`${ctx(d, i, bi)}: ${bad}`);
        batches++;
        records += j.records.length;
      });
    }
    expect(batches).toBeGreaterThanOrEqual(SETS_PER_CODEC);
    expect(records).toBeGreaterThan(SETS_PER_CODEC * 10);
  });

  test(`B. Kafka's bytes -> our decodeRecordSet: every batch and record field equals the spec and Kafka's reading`, async () => {
    const d = await codecData(codec);
    for (let i = 0; i < d.sets.length; i++) {
      const set = d.sets[i]!;
      const bytes = d.java[i]!;
      const r = decodeRecordSet(bytes, DECODE);
      if (r.error) throw new Error(`${ctx(d, i)}: our decoder reports ${r.error.name}: ${r.error.message}`);
      expect({ bytesRead: r.bytesRead, partialBytes: r.partialBytes, batches: r.batches.length }).toEqual({
        bytesRead: bytes.length,
        partialBytes: 0,
        batches: set.length,
      });
      set.forEach((b, bi) => {
        const ours = r.batches[bi]!;
        const j = d.javaOfJava[i]!.batches[bi]!;
        const mine = ourView(ours);
        const diff = viewDifference(mine, expectedView(b, 'java')) ?? viewDifference(mine, javaView(j));
        if (diff) throw new Error(`${ctx(d, i, bi)}: our decoding of Kafka's bytes differs: ${diff}`);
        if (ours.sizeInBytes !== j.sizeInBytes) throw new Error(`${ctx(d, i, bi)}: sizeInBytes ${ours.sizeInBytes}, Kafka ${j.sizeInBytes}`);
        if (ours.hasDeleteHorizon) throw new Error(`${ctx(d, i, bi)}: hasDeleteHorizon set`);
        if (b.control) {
          expect(ours.records.map((x) => controlRecordType(x))).toEqual([CONTROL_TYPE[b.control]]);
        }
      });
    }
  });

  test(`C. our encodeRecordBatch -> Kafka: ensureValid() (CRC) passes, it decompresses, same fields`, async () => {
    const d = await codecData(codec);
    for (let i = 0; i < d.sets.length; i++) {
      const set = d.sets[i]!;
      const jr = d.javaOfOurs[i]!;
      if (jr instanceof Error) {
        throw new Error(`${ctx(d, i)}: Kafka rejects our bytes: ${jr instanceof OracleError ? jr.javaError : jr.message}`);
      }
      if (jr.validBytes !== d.ours[i]!.bytes.length || jr.batches.length !== set.length) {
        throw new Error(`${ctx(d, i)}: Kafka read ${jr.batches.length} batch(es), ${jr.validBytes} of ${d.ours[i]!.bytes.length} bytes`);
      }
      set.forEach((b, bi) => {
        const j = jr.batches[bi]!;
        const diff = viewDifference(javaView(j), expectedView(b, 'ours'));
        if (diff) throw new Error(`${ctx(d, i, bi)}: Kafka's reading of our batch differs: ${diff}`);
        const bad = javaIntegrity(j, b);
        if (bad) throw new Error(`${ctx(d, i, bi)}: Kafka on our batch: ${bad}`);
        if (j.sizeInBytes !== d.ours[i]!.sizes[bi]) throw new Error(`${ctx(d, i, bi)}: Kafka sizes our batch ${j.sizeInBytes}, we wrote ${d.ours[i]!.sizes[bi]}`);
      });
    }
  });

  if (codec === 'none') {
    test(`D. uncompressed: our bytes are identical to Kafka's (log-append-time batches: apart from maxTimestamp)`, async () => {
      const d = await codecData(codec);
      let logAppendBatches = 0;
      for (let i = 0; i < d.sets.length; i++) {
        const set = d.sets[i]!;
        const { bytes, sizes } = d.ours[i]!;
        // The one field where our encoder's choice differs from Kafka's builder (see the file comment).
        let pos = 0;
        set.forEach((b, bi) => {
          if (b.timestampType === 'logAppend') {
            logAppendBatches++;
            expect(bytes.readBigInt64BE(pos + MAX_TIMESTAMP_AT)).toBe(BigInt(expectedView(b, 'ours').maxTimestamp));
            expect(d.java[i]!.readBigInt64BE(pos + MAX_TIMESTAMP_AT)).toBe(BigInt(b.logAppendTime!));
          }
          pos += sizes[bi]!;
        });
        try {
          expectSameBytes(withJavaMaxTimestamps(bytes, sizes, set), d.java[i]!, 'our record set');
        } catch (e) {
          throw new Error(`${ctx(d, i)}: ${(e as Error).message}`);
        }
      }
      expect(logAppendBatches).toBeGreaterThan(0);
    });
  } else {
    test(`D. compressed: Kafka's records section, decompressed by us, is byte-identical to our uncompressed one; headers identical but for length and CRC`, async () => {
      const d = await codecData(codec);
      const id = CODEC_ID[codec];
      let total = 0;
      for (let i = 0; i < d.sets.length; i++) {
        const set = d.sets[i]!;
        const plain = encodeOurs(set, 0);
        let jpos = 0;
        let opos = 0;
        let ppos = 0;
        set.forEach((b, bi) => {
          const jsize = d.javaOfJava[i]!.batches[bi]!.sizeInBytes;
          const javaBatch = d.java[i]!.subarray(jpos, jpos + jsize);
          const ourBatch = d.ours[i]!.bytes.subarray(opos, opos + d.ours[i]!.sizes[bi]!);
          const plainBatch = plain.bytes.subarray(ppos, ppos + plain.sizes[bi]!);
          let javaRecords: Buffer;
          try {
            javaRecords = decompress(id, javaBatch.subarray(HEADER), DEFAULT_MAX_DECOMPRESSED_BYTES);
          } catch (e) {
            throw new Error(`${ctx(d, i, bi)}: our ${codec} decompress of Kafka's records section threw ${(e as Error).name}: ${(e as Error).message}`);
          }
          try {
            expectSameBytes(javaRecords, plainBatch.subarray(HEADER), 'Kafka records section (decompressed by us) vs our uncompressed records');
          } catch (e) {
            throw new Error(`${ctx(d, i, bi)}: ${(e as Error).message}`);
          }
          const jh = headerWithoutLengthAndCrc(javaBatch);
          const oh = headerWithoutLengthAndCrc(ourBatch);
          if (b.timestampType === 'logAppend') {
            // known difference: maxTimestamp (bytes 35..43 -> 27..35 of this header view)
            Buffer.from(javaBatch.subarray(MAX_TIMESTAMP_AT, MAX_TIMESTAMP_AT + 8)).copy(oh, MAX_TIMESTAMP_AT - 8);
          }
          if (firstDifference(oh, jh) >= 0) {
            try {
              expectSameBytes(oh, jh, 'batch header (without batchLength and CRC)');
            } catch (e) {
              throw new Error(`${ctx(d, i, bi)}: ${(e as Error).message}`);
            }
          }
          total++;
          jpos += jsize;
          opos += ourBatch.length;
          ppos += plainBatch.length;
        });
      }
      // The compressed bytes themselves need not match (different compressor implementations).
      expect(total).toBeGreaterThanOrEqual(SETS_PER_CODEC);
    });
  }

  test('E. transaction markers: Kafka commit/abort control batches <-> ours (isControl, controlRecordType, coordinator epoch)', async () => {
    const rng = new Rng(setSeed(codec, 900));
    const sets: TestBatch[][] = [];
    for (const type of ['commit', 'abort'] as const) {
      for (let k = 0; k < 3; k++) {
        const data = dataBatch(rng, codec, 1000n * BigInt(k));
        const producerId = 1000n + BigInt(k);
        const txn: TestBatch = { ...data, isTransactional: true, producerId, producerEpoch: k, baseSequence: rng.int(1000) };
        const marker = markerBatch(rng, codec, 1000n * BigInt(k) + BigInt(txn.records.length), type, producerId, k);
        sets.push(k === 0 ? [marker] : [txn, marker]);
      }
    }
    const java = await Promise.all(sets.map((s) => oracle.recordsBuild(s)));
    const ours = sets.map((s) => encodeOurs(s));
    const [jj, jo] = await Promise.all([Promise.all(java.map((b) => oracle.recordsRead(b))), Promise.all(ours.map((o) => oracle.recordsRead(o.bytes)))]);
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i]!;
      const markerAt = set.length - 1;
      const marker = set[markerAt]!;
      const r = decodeRecordSet(java[i]!, DECODE);
      expect(r.error).toBeUndefined();
      const ob = r.batches[markerAt]!;
      expect({ isControl: ob.isControl, isTransactional: ob.isTransactional, records: ob.records.length }).toEqual({
        isControl: true,
        isTransactional: true,
        records: 1,
      });
      expect(controlRecordType(ob.records[0]!)).toBe(marker.control === 'commit' ? 1 : 0);
      expect(ob.records[0]!.value!.readInt16BE(0)).toBe(0); // marker value version
      expect(ob.records[0]!.value!.readInt32BE(2)).toBe(marker.coordinatorEpoch);
      expect(ob.producerId).toBe(marker.producerId);
      expect(ob.baseSequence).toBe(-1);
      if (markerAt > 0) expect(r.batches[0]!.isControl).toBe(false);
      for (const [who, read] of [
        ['Kafka', jj[i]!],
        ['ours', jo[i]!],
      ] as const) {
        set.forEach((b, bi) => {
          const bad = javaIntegrity(read.batches[bi]!, b);
          if (bad) throw new Error(`${codec} marker set ${i} batch ${bi}, Kafka reading ${who}'s bytes: ${bad}`);
          const diff = viewDifference(javaView(read.batches[bi]!), expectedView(b, who === 'Kafka' ? 'java' : 'ours'));
          if (diff) throw new Error(`${codec} marker set ${i} batch ${bi}, Kafka reading ${who}'s bytes: ${diff}`);
        });
      }
      if (codec === 'none') expectSameBytes(withJavaMaxTimestamps(ours[i]!.bytes, ours[i]!.sizes, set), java[i]!, `${codec} marker set ${i}`);
    }
  });

  test('F. log-append time: Kafka writes maxTimestamp = logAppendTime and both readers give it to every record', async () => {
    const rng = new Rng(setSeed(codec, 950));
    const sets: TestBatch[][] = [];
    for (let k = 0; k < 4; k++) {
      const b = dataBatch(rng, codec, BigInt(k * 500));
      b.timestampType = 'logAppend';
      // k = 3: logAppendTime equal to the largest record timestamp -> our bytes are then identical
      b.logAppendTime = k === 3 ? Math.max(...b.records.map((r) => r.timestamp)) : 1_800_000_000_000 + k;
      sets.push([b]);
    }
    const java = await Promise.all(sets.map((s) => oracle.recordsBuild(s)));
    const ours = sets.map((s) => encodeOurs(s));
    const [jj, jo] = await Promise.all([Promise.all(java.map((b) => oracle.recordsRead(b))), Promise.all(ours.map((o) => oracle.recordsRead(o.bytes)))]);
    for (let i = 0; i < sets.length; i++) {
      const b = sets[i]![0]!;
      const first = b.records[0]!.timestamp;
      const maxCreate = Math.max(...b.records.map((r) => r.timestamp));
      // Kafka's builder: baseTimestamp = first record's timestamp, maxTimestamp = logAppendTime,
      // lastOffsetDelta = n - 1; its reader reports maxTimestamp as every record's timestamp.
      const j = jj[i]!.batches[0]!;
      expect({ base: j.baseTimestamp, max: j.maxTimestamp, lastOffsetDelta: j.lastOffsetDelta, tt: j.timestampType }).toEqual({
        base: first,
        max: b.logAppendTime,
        lastOffsetDelta: b.records.length - 1,
        tt: 'logAppend',
      });
      expect(new Set(j.records.map((r) => r.timestamp))).toEqual(new Set([b.logAppendTime]));
      // Ours reading Kafka's bytes: the same.
      const r = decodeRecordSet(java[i]!, DECODE);
      expect(r.error).toBeUndefined();
      const ob = r.batches[0]!;
      expect({ base: ob.baseTimestamp, max: ob.maxTimestamp, tt: ob.timestampType }).toEqual({ base: first, max: b.logAppendTime, tt: 1 });
      expect(new Set(ob.records.map((x) => x.timestamp))).toEqual(new Set([b.logAppendTime]));
      // Our encoder (no logAppendTime input) writes the largest record timestamp as maxTimestamp,
      // which Kafka then reports for every record.
      const jo0 = jo[i]!.batches[0]!;
      expect({ base: jo0.baseTimestamp, max: jo0.maxTimestamp, valid: jo0.isValid }).toEqual({ base: first, max: maxCreate, valid: true });
      expect(new Set(jo0.records.map((x) => x.timestamp))).toEqual(new Set([maxCreate]));
      if (codec === 'none') {
        if (b.logAppendTime === maxCreate) expectSameBytes(ours[i]!.bytes, java[i]!, 'log-append batch with logAppendTime = max record timestamp');
        else expectSameBytes(withJavaMaxTimestamps(ours[i]!.bytes, ours[i]!.sizes, sets[i]!), java[i]!, 'log-append batch, maxTimestamp patched');
      }
    }
  });

  test('G. corruption: a flipped byte in a Kafka-built batch -> our CorruptRecordBatchError and Kafka\'s CorruptRecordException', async () => {
    const d = await codecData(codec);
    const rng = new Rng(setSeed(codec, 990));
    const cases: { i: number; bi: number; at: number; region: string; bytes: Buffer; batchPos: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const jr = d.javaOfJava[i]!;
      const bi = rng.int(jr.batches.length);
      const jb = jr.batches[bi]!;
      const inHeader = i % 4 === 3; // mostly the records part; sometimes the CRC-covered header
      const at = jb.position + (inHeader ? rng.range(ATTRIBUTES_AT, HEADER - 1) : rng.range(HEADER, jb.sizeInBytes - 1));
      const bytes = Buffer.from(d.java[i]!);
      bytes[at] ^= 1 << rng.int(8);
      cases.push({ i, bi, at, region: inHeader ? 'header' : 'records', bytes, batchPos: jb.position });
    }
    const javaResults = await Promise.all(cases.map((c) => oracle.recordsRead(c.bytes).then(() => null, (e: unknown) => e)));
    cases.forEach((c, k) => {
      const where = `${ctx(d, c.i, c.bi)}, bit flipped at byte ${c.at} (${c.region})`;
      const r = decodeRecordSet(c.bytes, DECODE);
      if (!(r.error instanceof CorruptRecordBatchError)) {
        throw new Error(`${where}: our decoder did not report a CorruptRecordBatchError (error: ${String(r.error)}, ${r.batches.length} batches)`);
      }
      expect({ batches: r.batches.length, position: r.error.position, bytesRead: r.bytesRead }).toEqual({ batches: c.bi, position: c.batchPos, bytesRead: c.batchPos });
      const je = javaResults[k];
      if (!(je instanceof OracleError)) throw new Error(`${where}: Kafka accepted the corrupted bytes`);
      expect(je.javaError).toMatch(new RegExp(`batch ${c.bi} \\(byte ${c.batchPos}\\): org\\.apache\\.kafka\\.common\\.errors\\.CorruptRecordException`));
    });
  });
});

describe('record sets: edges and the oracle ops themselves', () => {
  test(`the random sets cover what they claim (${CODECS.length} codecs x ${SETS_PER_CODEC} sets)`, () => {
    const c: Record<string, number> = {};
    const bump = (k: string, when: boolean): void => {
      c[k] = (c[k] ?? 0) + (when ? 1 : 0);
    };
    const isUnicode = (t: string | undefined): boolean => t !== undefined && /[^\x00-\x7f]/.test(t);
    for (const codec of CODECS) {
      for (let i = 0; i < SETS_PER_CODEC; i++) {
        const set = genSet(setSeed(codec, i), codec);
        bump('sets of 3 batches', set.length === 3);
        for (const b of set) {
          bump('commit markers', b.control === 'commit');
          bump('abort markers', b.control === 'abort');
          if (b.control) continue;
          const n = b.records.length;
          bump('batches of 1 record', n === 1);
          bump('batches of > 250 records', n > 250);
          bump('log-append-time batches', b.timestampType === 'logAppend');
          bump('transactional batches', b.isTransactional === true);
          bump('idempotent batches', !b.isTransactional && b.producerId !== -1n);
          bump('producer ids > 2^53', BigInt(b.producerId!) > 2n ** 53n);
          bump('leader epoch -1', b.partitionLeaderEpoch === -1);
          bump('leader epoch > 2^16', b.partitionLeaderEpoch! > 65536);
          bump('base offsets >= 2^40', BigInt(b.baseOffset!) >= 2n ** 40n);
          const first = b.records[0]!.timestamp;
          for (const r of b.records) {
            bump('records', true);
            bump('null keys', r.key === null);
            bump('empty keys', r.key !== null && r.key.length === 0);
            bump('unicode keys', isUnicode(r.keyText));
            bump('null values', r.value === null);
            bump('empty values', r.value !== null && r.value.length === 0);
            bump('unicode values', isUnicode(r.valueText));
            bump('values >= 60 KiB', r.value !== null && r.value.length >= 60 * 1024);
            bump('timestamp -1', r.timestamp === -1);
            bump('timestamp deltas > 2^31', r.timestamp - first > 2 ** 31);
            bump('timestamp deltas < -2^31', r.timestamp - first < -(2 ** 31));
            bump('records with 4 headers', r.headers.length === 4);
            bump('null header values', r.headers.some((h) => h.value === null));
            bump('unicode header keys', r.headers.some((h) => isUnicode(h.key)));
            bump('empty header keys', r.headers.some((h) => h.key === ''));
          }
        }
      }
    }
    const missing = Object.entries(c).filter(([, n]) => n === 0).map(([k]) => k);
    expect(missing).toEqual([]);
    expect(c.records).toBeGreaterThan(10_000);
  });

  test('a truncated trailing batch: we report partialBytes; Kafka stops at the same byte', async () => {
    const set = genSet(setSeed('none', 5000), 'none');
    while (set.length < 2) set.push(dataBatch(new Rng(7), 'none', 10_000n));
    const java = await oracle.recordsBuild(set);
    const full = await oracle.recordsRead(java);
    const cut = full.batches[1]!.position + Math.floor(full.batches[1]!.sizeInBytes / 2);
    for (const len of [cut, full.batches[1]!.position + 5, java.length - 1]) {
      const part = java.subarray(0, len);
      const r = decodeRecordSet(part, DECODE);
      const jr = await oracle.recordsRead(part);
      expect(r.error).toBeUndefined();
      expect({ batches: r.batches.length, bytesRead: r.bytesRead, partial: r.partialBytes }).toEqual({
        batches: set.length - 1,
        bytesRead: jr.validBytes,
        partial: len - jr.validBytes,
      });
      expect(jr.batches.length).toBe(set.length - 1);
    }
  });

  test('records.build / records.read: Kafka exceptions come back as errors, the JVM keeps answering', async () => {
    // negative timestamp other than -1: MemoryRecordsBuilder refuses it
    await expect(
      oracle.recordsBuild([{ compression: 'none', records: [{ timestamp: -5, key: null, value: null }] }]),
    ).rejects.toThrow(/IllegalArgumentException.*Invalid negative timestamp/);
    // a producer id without an epoch
    await expect(
      oracle.recordsBuild([{ compression: 'gzip', producerId: 5n, producerEpoch: -1, baseSequence: 0, records: [{ timestamp: 1, key: null, value: null }] }]),
    ).rejects.toThrow(/Invalid negative producer epoch/);
    // garbage: a batch header claiming magic 2 with a nonsense length
    const junk = Buffer.alloc(80, 0x41);
    await expect(oracle.recordsRead(junk)).rejects.toThrow(/RecordsReadException: batch 0 \(byte 0\): org\.apache\.kafka\.common\.errors\.CorruptRecordException/);
    // ensureValid: false reports isValid instead of throwing
    const ok = await oracle.recordsBuild([{ compression: 'none', records: [{ timestamp: 1, key: Buffer.from('k'), value: Buffer.from('v') }] }]);
    const bad = Buffer.from(ok);
    bad[bad.length - 2] ^= 0x20; // the record ends with value 'v' and header count 0: 'v' -> 'V'
    const lax = await oracle.recordsRead(bad, { ensureValid: false });
    expect(lax.batches[0]!.isValid).toBe(false);
    expect(lax.batches[0]!.records[0]!.value!.toString()).toBe('V');
    await expect(oracle.recordsRead(bad)).rejects.toThrow(/CorruptRecordException/);
    expect(decodeRecordSet(bad, DECODE).error).toBeInstanceOf(CorruptRecordBatchError);
    expect(decodeRecordSet(bad, { ...DECODE, verifyCrc: false }).batches[0]!.records[0]!.value!.toString()).toBe('V');
    expect((await oracle.recordsRead(ok)).batches[0]!.records[0]!.value!.toString()).toBe('v');
  });
});
