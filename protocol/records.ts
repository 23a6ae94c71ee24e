/**
 * Record batches, magic 2 (KIP-98): the bytes that carry users' data in Produce and Fetch.
 *
 * ```
 * RecordBatch =>
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
 *   crc uint32 (CRC-32C of everything from attributes to the end of the batch)
 *   attributes int16 (bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control,
 *                     6 delete horizon)
 *   lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64
 *   producerId int64 | producerEpoch int16 | baseSequence int32
 *   recordsCount int32 | records (compressed as a whole when compression != 0)
 * Record =>
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
 *   keyLength varint (-1: null) | key | valueLength varint (-1: null) | value
 *   headersCount varint | [headerKeyLength varint | headerKey | headerValueLength varint | value]
 * ```
 *
 * Conventions: offsets are `bigint`; timestamps are milliseconds since the epoch as `number`
 * (as `Date` uses; exact up to year 285,616). Keys, values and header values decode to views of
 * the (decompressed) batch buffer, never copies.
 *
 * Decoding is defensive: every length is checked against the bytes that remain before use,
 * the CRC is verified before records are parsed, decompression is capped, and a batch that
 * fails any check raises {@link CorruptRecordBatchError} naming the batch's offset.
 */
import { compress, CompressionType, decompress, DecompressionLimitError, type CompressionTypeId } from './compression/index.js';
import { lz4CompressInto, lz4FrameBound } from './compression/lz4.js';
import { crc32c } from './crc32c.js';
import { view } from './view.js';
import { KafkaesqueError, ProtocolEncodeError } from './errors.js';
import { Writer, type WriterAllocator } from './writer.js';

// ---- layout ----------------------------------------------------------------------------

/** Bytes before `batchLength`'s payload: baseOffset (8) + batchLength (4). */
export const BATCH_LOG_OVERHEAD = 12;
/** The fixed part of a v2 batch header, baseOffset through recordsCount. */
export const BATCH_HEADER_SIZE = 61;
const PARTITION_LEADER_EPOCH_OFFSET = 12;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const RECORDS_COUNT_OFFSET = 57;
/** A record has at least: length, attributes, timestampDelta, offsetDelta, key/value lengths, header count. */
const MIN_RECORD_SIZE = 7;

export const TIMESTAMP_CREATE_TIME = 0;
export const TIMESTAMP_LOG_APPEND_TIME = 1;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;
const DELETE_HORIZON_FLAG = 0x40;

/** RecordBatch.NO_PRODUCER_ID and friends. */
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

// ---- values ----------------------------------------------------------------------------

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as read from a batch. */
export interface KafkaRecord {
  offset: bigint;
  /** Milliseconds since the epoch (create time, or log-append time per the batch). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordBatch {
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  /** Attribute bits 0-2. */
  compression: CompressionTypeId;
  /** Attribute bit 3: 0 create time, 1 log-append time. */
  timestampType: 0 | 1;
  isTransactional: boolean;
  /** Attribute bit 5: a control batch (transaction markers); never user data. */
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** Number of records the header declares. */
  recordsCount: number;
  records: KafkaRecord[];
  /** Size of the whole batch on the wire, log overhead included. */
  sizeInBytes: number;
  /** Size of the records section once decompressed (what the decoded records keep alive). */
  recordsBytes: number;
}

/** What a producer hands to the encoder for one record. */
export interface RecordInput {
  key: Uint8Array | string | null;
  value: Uint8Array | string | null;
  headers?: ReadonlyArray<{ key: string; value: Uint8Array | string | null }>;
  /** Milliseconds since the epoch; defaults to the batch's base timestamp. */
  timestamp?: number;
}

export interface BatchInput {
  records: readonly RecordInput[];
  compression?: CompressionTypeId;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  timestampType?: 0 | 1;
  isTransactional?: boolean;
  isControl?: boolean;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Defaults to the first record's timestamp, else now. */
  baseTimestamp?: number;
  /** Compression level handed to the codec (codec default when absent). */
  compressionLevel?: number;
}

// ---- errors ----------------------------------------------------------------------------

/** A record batch that cannot be delivered; names the batch's offset and position. */
export class RecordBatchError extends KafkaesqueError {
  /** Base offset the batch header claims (may itself be garbage when the batch is corrupt). */
  readonly baseOffset: bigint;
  /** Byte position of the batch within the partition's record set. */
  readonly position: number;

  constructor(code: string, message: string, baseOffset: bigint, position: number, cause?: unknown) {
    super(code, `record batch at offset ${baseOffset} (byte ${position}): ${message}`, { cause });
    this.baseOffset = baseOffset;
    this.position = position;
  }
}

/**
 * A record batch that fails its checks: wrong magic, CRC mismatch, impossible lengths or
 * counts, records that do not fit, compressed data that does not decompress. Raised per
 * partition; other partitions are unaffected.
 */
export class CorruptRecordBatchError extends RecordBatchError {
  constructor(message: string, baseOffset: bigint, position: number, cause?: unknown) {
    super('ERR_CORRUPT_RECORD_BATCH', `corrupt: ${message}`, baseOffset, position, cause);
  }
}

/**
 * A compressed batch that would decompress past `maxDecompressedBytes`: refused, not
 * expanded (a decompression bomb, or a legitimately huge batch: raise the limit).
 */
export class RecordBatchTooLargeError extends RecordBatchError {
  readonly limit: number;

  constructor(cause: DecompressionLimitError, baseOffset: bigint, position: number) {
    super('ERR_RECORD_BATCH_TOO_LARGE', cause.message, baseOffset, position, cause);
    this.limit = cause.limit;
  }
}

// ---- encoding --------------------------------------------------------------------------

const EMPTY: readonly never[] = Object.freeze([]) as readonly never[];

function byteLen(v: Uint8Array | string): number {
  return typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
}

function varintSize(v: number): number {
  let n = ((v << 1) ^ (v >> 31)) >>> 0;
  let size = 1;
  while (n > 0x7f) {
    n >>>= 7;
    size++;
  }
  return size;
}

/** Size of a zigzag VARLONG for a safe integer held in a number. */
function varlongSize(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return varintSize(v);
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes a zigzag VARLONG for a safe integer held in a number (no BigInt on the hot path). */
function writeVarlongNumber(w: Writer, v: number): void {
  if (v >= -0x40000000 && v < 0x40000000) {
    w.varint(v);
    return;
  }
  if (!Number.isSafeInteger(v)) throw new ProtocolEncodeError(`timestamp delta ${v} is not a safe integer`);
  w.varlong(BigInt(v));
}

/** Size of one record's body (what its length prefix counts). */
function recordBodySize(r: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
  if (r.key === null) size += 1;
  else {
    const n = byteLen(r.key);
    size += varintSize(n) + n;
  }
  if (r.value === null) size += 1;
  else {
    const n = byteLen(r.value);
    size += varintSize(n) + n;
  }
  const headers = r.headers ?? EMPTY;
  size += varintSize(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const k = Buffer.byteLength(h.key, 'utf8');
    size += varintSize(k) + k;
    if (h.value === null) size += 1;
    else {
      const n = byteLen(h.value);
      size += varintSize(n) + n;
    }
  }
  return size;
}

function writeBytesOrString(w: Writer, v: Uint8Array | string | null): void {
  if (v === null) {
    w.varint(-1);
  } else if (typeof v === 'string') {
    w.varint(Buffer.byteLength(v, 'utf8'));
    w.utf8Raw(v);
  } else {
    w.varint(v.length);
    w.raw(v);
  }
}

/** Writes one record (length prefix included) with the given timestamp and offset deltas. */
function writeRecord(w: Writer, r: RecordInput, timestampDelta: number, offsetDelta: number, key = r.key): void {
  w.varint(recordBodySize(r, timestampDelta, offsetDelta));
  w.int8(0); //                                           attributes (unused)
  writeVarlongNumber(w, timestampDelta);
  w.varint(offsetDelta);
  writeBytesOrString(w, key);
  writeBytesOrString(w, r.value);
  const headers = r.headers ?? EMPTY;
  w.varint(headers.length);
  for (let j = 0; j < headers.length; j++) {
    const h = headers[j]!;
    writeBytesOrString(w, h.key);
    writeBytesOrString(w, h.value);
  }
}

function writeRecords(w: Writer, records: readonly RecordInput[], baseTimestamp: number): number {
  let maxTimestamp = baseTimestamp;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? baseTimestamp;
    if (ts > maxTimestamp) maxTimestamp = ts;
    writeRecord(w, r, ts - baseTimestamp, i);
  }
  return maxTimestamp;
}

let scratch: Writer | undefined;

/**
 * Appends one record batch (log overhead included) to `w`. Offsets in the batch are
 * relative (0..n-1), as a producer sends them; the broker assigns the base offset.
 */
export function encodeRecordBatch(w: Writer, batch: BatchInput): void {
  const records = batch.records;
  const compression = batch.compression ?? 0;
  const baseTimestamp = batch.baseTimestamp ?? records[0]?.timestamp ?? Date.now();
  const start = w.length;
  w.writeWith(BATCH_HEADER_SIZE, (_buf, pos) => pos + BATCH_HEADER_SIZE); // the header, filled last
  let maxTimestamp: number;
  if (compression === 0) {
    maxTimestamp = writeRecords(w, records, baseTimestamp);
  } else {
    const s = (scratch ??= new Writer(64 * 1024)).reset();
    maxTimestamp = writeRecords(s, records, baseTimestamp);
    writeCompressed(w, compression, s.finish(), batch.compressionLevel);
    if (s.capacity > 4 * 1024 * 1024) scratch = undefined; // do not pin a huge buffer
  }
  writeBatchHeader(w.view(start, w.length), batch, records.length, baseTimestamp, maxTimestamp);
}

/**
 * Writes `raw` (encoded records) compressed at the writer's position; lz4 straight into the
 * writer's buffer (no frame to allocate and copy per batch).
 */
function writeCompressed(w: Writer, compression: CompressionTypeId, raw: Buffer, level: number | undefined): void {
  if (compression === CompressionType.Lz4) {
    w.writeWith(lz4FrameBound(raw.length), (buf, pos) => lz4CompressInto(raw, buf, pos, level));
  } else {
    w.raw(compress(compression, raw, level));
  }
}

/**
 * Fills the 61-byte header at the start of `batch` (a whole batch, its records already after the
 * header) and then its CRC-32C: the one place that knows the header's layout, for
 * encodeRecordBatch and RecordBatchBuilder alike.
 */
function writeBatchHeader(
  batch: Buffer,
  h: Omit<BatchInput, 'records' | 'baseTimestamp'>,
  count: number,
  baseTimestamp: number,
  maxTimestamp: number,
): void {
  let attributes: number = h.compression ?? 0;
  if (h.timestampType === TIMESTAMP_LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_FLAG;
  if (h.isTransactional) attributes |= TRANSACTIONAL_FLAG;
  if (h.isControl) attributes |= CONTROL_FLAG;
  batch.writeBigInt64BE(h.baseOffset ?? 0n, 0);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, 8); //   batchLength
  batch.writeInt32BE(h.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(2, MAGIC_OFFSET);
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(count - 1, 23); //                          lastOffsetDelta
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeBigInt64BE(h.producerId ?? NO_PRODUCER_ID, 43);
  batch.writeInt16BE(h.producerEpoch ?? NO_PRODUCER_EPOCH, 51);
  batch.writeInt32BE(h.baseSequence ?? NO_SEQUENCE, 53);
  batch.writeInt32BE(count, RECORDS_COUNT_OFFSET);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
}

/** The header fields a batch gets when it is sealed for sending (see {@link RecordBatchBuilder.build}). */
export interface BatchHeaderInput {
  compression?: CompressionTypeId;
  compressionLevel?: number;
  partitionLeaderEpoch?: number;
  isTransactional?: boolean;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
}

/**
 * An open record batch that records are encoded into as they are accepted (Java's
 * MemoryRecordsBuilder): a producer keeps no per-record objects for the encoder, and what a
 * waiting record costs is the bytes it occupies here. The 61-byte header is left blank until
 * {@link build}, which fills it (producer id, epoch and sequence can change between attempts of
 * the same batch, e.g. after an epoch bump) and computes the CRC; a compressed batch is
 * compressed once, on the first build, and its uncompressed bytes are dropped.
 */
export class RecordBatchBuilder {
  private w: Writer | undefined;
  /** The writer, kept after release for {@link reopen}. */
  private readonly writer: Writer;
  /** Header + compressed records, once built with compression. */
  private compressed: Buffer | undefined;
  private compressedWith = -1;
  private count = 0;
  private maxTimestamp: number;
  private uncompressedBytes = BATCH_HEADER_SIZE;

  /**
   * `baseTimestamp`: the first record's timestamp; `initialCapacity`: bytes allocated at first;
   * `allocator`: where the buffers come from (see {@link release}).
   */
  constructor(
    private base: number,
    initialCapacity = 256,
    allocator?: WriterAllocator,
  ) {
    this.maxTimestamp = base;
    const w = new Writer(Math.max(BATCH_HEADER_SIZE + 16, initialCapacity), allocator);
    w.writeWith(BATCH_HEADER_SIZE, skipHeader); // the header, filled by build()
    this.w = w;
    this.writer = w;
  }

  /** The first record's timestamp, from which the records' timestamp deltas count. */
  get baseTimestamp(): number {
    return this.base;
  }

  /**
   * After {@link release}: an empty batch again, with a new buffer from the allocator (a producer
   * reuses its builders as it reuses their buffers).
   */
  reopen(baseTimestamp: number, initialCapacity: number): this {
    if (this.w !== undefined) throw new ProtocolEncodeError('RecordBatchBuilder.reopen before release');
    const w = this.writer.reopen(Math.max(BATCH_HEADER_SIZE + 16, initialCapacity));
    w.writeWith(BATCH_HEADER_SIZE, skipHeader);
    this.w = w;
    this.base = baseTimestamp;
    this.maxTimestamp = baseTimestamp;
    this.compressed = undefined;
    this.compressedWith = -1;
    this.count = 0;
    this.uncompressedBytes = BATCH_HEADER_SIZE;
    return this;
  }

  /** Records appended so far. */
  get recordCount(): number {
    return this.count;
  }

  /** Size of the batch on the wire without compression (log overhead included). */
  get sizeInBytes(): number {
    return this.uncompressedBytes;
  }

  /** Bytes this batch holds in memory (allocated, written or not). */
  get allocatedBytes(): number {
    return (this.w?.capacity ?? 0) + (this.compressed?.length ?? 0);
  }

  /**
   * Encodes `r` as the next record (offset delta = records so far); returns its size in bytes.
   * `keyBytes`, when given, are `r.key`'s bytes (a string key's UTF-8 the caller already has):
   * written instead of encoding the key again.
   */
  append(r: RecordInput, keyBytes?: Uint8Array | null): number {
    const w = this.w;
    if (w === undefined) throw new ProtocolEncodeError('RecordBatchBuilder.append after the batch was compressed or released');
    const ts = r.timestamp ?? this.base;
    const before = w.length;
    try {
      writeRecord(w, r, ts - this.base, this.count, keyBytes ?? r.key);
    } catch (err) {
      w.truncate(before); // the batch stays whole without this record
      throw err;
    }
    if (ts > this.maxTimestamp) this.maxTimestamp = ts;
    this.count++;
    this.uncompressedBytes = w.length;
    return w.length - before;
  }

  /**
   * Gives the buffer back to the allocator: the batch is done (sent and acknowledged, or failed)
   * and nothing refers to its bytes any more. The builder cannot be used afterwards, until {@link reopen}.
   */
  release(): void {
    this.w?.release();
    this.w = undefined;
    this.compressed = undefined;
  }

  /**
   * The whole batch (log overhead included) with `header`'s fields, ready to send. The returned
   * bytes are a view of the builder's memory: valid until the next build or append.
   */
  build(header: BatchHeaderInput = {}): Buffer {
    if (this.count === 0) throw new ProtocolEncodeError('a record batch needs at least one record');
    const compression = header.compression ?? 0;
    let buf: Buffer;
    if (compression === 0) {
      if (this.w === undefined) throw new ProtocolEncodeError('RecordBatchBuilder: built compressed before, cannot build uncompressed');
      buf = this.w.view(0, this.w.length);
    } else {
      if (this.compressed === undefined) {
        if (this.w === undefined) throw new ProtocolEncodeError('RecordBatchBuilder: built after release');
        const raw = this.w.view(BATCH_HEADER_SIZE, this.w.length);
        const out = new Writer(BATCH_HEADER_SIZE + Math.ceil(raw.length / 2) + 64);
        out.writeWith(BATCH_HEADER_SIZE, (_buf, pos) => pos + BATCH_HEADER_SIZE);
        writeCompressed(out, compression, raw, header.compressionLevel);
        // a copy of the exact size: the writer's spare capacity is not kept while the batch waits
        this.compressed = Buffer.from(out.finish());
        this.compressedWith = compression;
        this.w.release();
        this.w = undefined;
      } else if (this.compressedWith !== compression) {
        throw new ProtocolEncodeError('RecordBatchBuilder: built with another compression before');
      }
      buf = this.compressed;
    }
    writeBatchHeader(buf, header, this.count, this.base, this.maxTimestamp); // baseOffset 0: the broker assigns it
    return buf;
  }
}

/** Leaves the 61 header bytes blank (build() fills them). */
function skipHeader(_buf: Buffer, pos: number): number {
  return pos + BATCH_HEADER_SIZE;
}

/** Size of the batch `encodeRecordBatch` would write without compression. */
export function estimateRecordSize(r: RecordInput): number {
  const body = recordBodySize(r, 0, 0);
  return varintSize(body) + body + 4;
}

// ---- decoding --------------------------------------------------------------------------

export interface DecodeOptions {
  /** Largest decompressed size accepted for one batch. */
  maxDecompressedBytes: number;
  /** Verify each batch's CRC-32C (Java's `check.crcs`, on by default). */
  verifyCrc?: boolean;
}

export interface DecodedRecordSet {
  batches: RecordBatch[];
  /** Bytes consumed by whole batches. */
  bytesRead: number;
  /**
   * Bytes after the last whole batch that form an incomplete batch (a fetch response may end
   * mid-batch when the batch exceeds what was left of maxBytes). 0 when the set ended cleanly.
   */
  partialBytes: number;
  /** Set when a batch cannot be delivered; `batches` holds the whole batches before it. */
  error?: RecordBatchError;
}

/**
 * Decodes the record set of one partition (as carried by Fetch or Produce). Batches are
 * decoded until the end, an incomplete trailing batch, or the first corrupt batch.
 */
export function decodeRecordSet(data: Buffer, options: DecodeOptions): DecodedRecordSet {
  const batches: RecordBatch[] = [];
  const it = recordBatches(data, options);
  for (;;) {
    const step = it.next();
    if (step.done) return { batches, ...step.value };
    batches.push(step.value);
  }
}

/** How a record set ended: bytes of whole batches read, bytes of a partial trailing batch, or the error. */
export type RecordSetEnd = Omit<DecodedRecordSet, 'batches'>;

/**
 * Decodes a record set one batch at a time, decompressing each only when it is reached: the
 * consumer iterates records as the application takes them, so at most one decompressed batch
 * exists beyond what the application still holds. Returns how the set ended.
 */
export function* recordBatches(data: Buffer, options: DecodeOptions): Generator<RecordBatch, RecordSetEnd, undefined> {
  let pos = 0;
  while (pos < data.length) {
    const remaining = data.length - pos;
    if (remaining < BATCH_LOG_OVERHEAD) return { bytesRead: pos, partialBytes: remaining };
    const baseOffset = data.readBigInt64BE(pos);
    const batchLength = data.readInt32BE(pos + 8);
    if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) {
      const error = new CorruptRecordBatchError(`batch length ${batchLength} is below the v2 header size`, baseOffset, pos);
      return { bytesRead: pos, partialBytes: 0, error };
    }
    const size = BATCH_LOG_OVERHEAD + batchLength;
    if (size > remaining) return { bytesRead: pos, partialBytes: remaining };
    let batch: RecordBatch;
    try {
      batch = decodeBatch(data.subarray(pos, pos + size), baseOffset, pos, options);
    } catch (err) {
      const error =
        err instanceof RecordBatchError
          ? err
          : err instanceof DecompressionLimitError
            ? new RecordBatchTooLargeError(err, baseOffset, pos)
            : new CorruptRecordBatchError((err as Error).message, baseOffset, pos, err);
      return { bytesRead: pos, partialBytes: 0, error };
    }
    pos += size;
    yield batch;
  }
  return { bytesRead: pos, partialBytes: 0 };
}

/**
 * The offset after the last whole batch of a record set, read from the batch headers alone (no
 * CRC check, no decompression), or undefined when the set holds no whole batch.
 */
export function nextOffsetAfter(data: Buffer): bigint | undefined {
  let pos = 0;
  let next: bigint | undefined;
  while (data.length - pos >= BATCH_HEADER_SIZE) {
    const batchLength = data.readInt32BE(pos + 8);
    const size = BATCH_LOG_OVERHEAD + batchLength;
    if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD || size > data.length - pos) break;
    next = data.readBigInt64BE(pos) + BigInt(data.readInt32BE(pos + 23)) + 1n; // baseOffset + lastOffsetDelta + 1
    pos += size;
  }
  return next;
}

/** Decodes one whole batch (`buf` holds exactly the batch, log overhead included). */
function decodeBatch(buf: Buffer, baseOffset: bigint, position: number, options: DecodeOptions): RecordBatch {
  const corrupt = (message: string): CorruptRecordBatchError => new CorruptRecordBatchError(message, baseOffset, position);
  const magic = buf.readInt8(MAGIC_OFFSET);
  if (magic !== 2) {
    throw corrupt(
      `magic ${magic} is not supported: only message format v2 (Kafka 0.11+) is read; ` +
        'older data must be converted by the broker',
    );
  }
  const crc = buf.readUInt32BE(CRC_OFFSET);
  if (options.verifyCrc !== false) {
    const actual = crc32c(buf.subarray(ATTRIBUTES_OFFSET));
    if (actual !== crc) throw corrupt(`CRC-32C mismatch: batch says ${hex32(crc)}, bytes give ${hex32(actual)}`);
  }
  const attributes = buf.readInt16BE(ATTRIBUTES_OFFSET);
  const compression = (attributes & COMPRESSION_MASK) as CompressionTypeId;
  if (compression > 4) throw corrupt(`unknown compression type ${compression}`);
  const recordsCount = buf.readInt32BE(RECORDS_COUNT_OFFSET);
  const batch: RecordBatch = {
    baseOffset,
    partitionLeaderEpoch: buf.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET),
    compression,
    timestampType: attributes & TIMESTAMP_TYPE_FLAG ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG) !== 0,
    lastOffsetDelta: buf.readInt32BE(23),
    baseTimestamp: Number(buf.readBigInt64BE(27)),
    maxTimestamp: Number(buf.readBigInt64BE(35)),
    producerId: buf.readBigInt64BE(43),
    producerEpoch: buf.readInt16BE(51),
    baseSequence: buf.readInt32BE(53),
    recordsCount,
    records: [],
    sizeInBytes: buf.length,
    recordsBytes: buf.length - BATCH_HEADER_SIZE,
  };
  if (recordsCount < 0) throw corrupt(`negative record count ${recordsCount}`);
  let body = buf.subarray(BATCH_HEADER_SIZE);
  if (compression !== 0) {
    body = decompress(compression, body, options.maxDecompressedBytes);
  }
  batch.recordsBytes = body.length;
  if (recordsCount > body.length / MIN_RECORD_SIZE) {
    throw corrupt(`${recordsCount} records cannot fit in ${body.length} bytes`);
  }
  batch.records = decodeRecords(body, recordsCount, batch, corrupt);
  return batch;
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * Parses `count` records from `body`. Varints are read inline (this is the consumer's hot
 * loop); every length is checked against the record's own bounds before use.
 */
function decodeRecords(
  body: Buffer,
  count: number,
  batch: RecordBatch,
  corrupt: (message: string) => CorruptRecordBatchError,
): KafkaRecord[] {
  const records = new Array<KafkaRecord>(count);
  const end = body.length;
  const baseTimestamp = batch.baseTimestamp;
  const logAppend = batch.timestampType === TIMESTAMP_LOG_APPEND_TIME;
  const baseOffset = batch.baseOffset;
  let pos = 0;

  // Reads a zigzag VARINT at `pos` (advancing it); bounded by `limit`.
  const varint = (limit: number): number => {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (pos >= limit) throw corrupt('truncated varint in a record');
      const b = body[pos++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >>> 1) ^ -(result & 1);
      shift += 7;
    }
    throw corrupt('varint longer than 5 bytes in a record');
  };
  // Reads a zigzag VARLONG as a number (timestamp deltas).
  const varlong = (limit: number): number => {
    let lo = 0;
    let shift = 0;
    let i = 0;
    for (; i < 4; i++) {
      if (pos >= limit) throw corrupt('truncated varlong in a record');
      const b = body[pos++]!;
      lo |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (lo >>> 1) ^ -(lo & 1);
      shift += 7;
    }
    // More than 28 bits: continue in floating point (exact below 2^53).
    let value = lo >>> 0;
    let mul = 2 ** 28;
    for (; i < 10; i++) {
      if (pos >= limit) throw corrupt('truncated varlong in a record');
      const b = body[pos++]!;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      }
      mul *= 128;
    }
    throw corrupt('varlong longer than 10 bytes in a record');
  };
  const bytesOrNull = (limit: number, what: string): Buffer | null => {
    const len = varint(limit);
    if (len === -1) return null;
    if (len < 0 || len > limit - pos) throw corrupt(`${what} length ${len} runs past the record`);
    const v = view(body, pos, pos + len);
    pos += len;
    return v;
  };

  for (let i = 0; i < count; i++) {
    const length = varint(end);
    if (length < MIN_RECORD_SIZE - 1 || length > end - pos) throw corrupt(`record ${i} length ${length} is impossible`);
    const recordEnd = pos + length;
    pos++; // attributes: unused in v2
    const timestampDelta = varlong(recordEnd);
    const offsetDelta = varint(recordEnd);
    const key = bytesOrNull(recordEnd, 'key');
    const value = bytesOrNull(recordEnd, 'value');
    const headerCount = varint(recordEnd);
    if (headerCount < 0 || headerCount * 2 > recordEnd - pos) throw corrupt(`header count ${headerCount} is impossible`);
    let headers: RecordHeader[] = EMPTY as unknown as RecordHeader[];
    if (headerCount > 0) {
      headers = new Array<RecordHeader>(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const keyLen = varint(recordEnd);
        if (keyLen < 0 || keyLen > recordEnd - pos) throw corrupt(`header key length ${keyLen} is impossible`);
        const hk = body.toString('utf8', pos, pos + keyLen);
        pos += keyLen;
        headers[h] = { key: hk, value: bytesOrNull(recordEnd, 'header value') };
      }
    }
    if (pos !== recordEnd) throw corrupt(`record ${i} declares ${length} bytes but its fields span ${length - (recordEnd - pos)}`);
    records[i] = {
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: logAppend ? batch.maxTimestamp : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    };
  }
  if (pos !== end) throw corrupt(`${end - pos} bytes after the last record`);
  return records;
}

// ---- control records -------------------------------------------------------------------

/** Control record types (ControlRecordType): the markers that end a transaction. */
export const CONTROL_ABORT = 0;
export const CONTROL_COMMIT = 1;

/** The type of a control record (its key: version int16, type int16), or -1 if unreadable. */
export function controlRecordType(record: KafkaRecord): number {
  const key = record.key;
  if (key === null || key.length < 4) return -1;
  return key.readInt16BE(2);
}
