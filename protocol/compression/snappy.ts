/**
 * snappy (Kafka compression type 2).
 *
 * Two framings reach a Kafka client:
 * - xerial-framed, written by the Java producer (`org.xerial.snappy.SnappyOutputStream`, which
 *   Kafka 4.2's `SnappyCompression` wraps with its defaults): a 16-byte header — magic
 *   `82 53 4E 41 50 50 59 00`, int32 BE version (1), int32 BE minimum compatible version (1) —
 *   then chunks of `[int32 BE compressed length][raw snappy block]`, each block compressing up
 *   to 32 KiB of input. A reader also accepts another header between chunks (concatenated
 *   streams), as `SnappyInputStream` does.
 * - raw: one unframed snappy block for the whole records section. librdkafka writes this
 *   (`rd_kafka_snappy_compress_slice`), and Java's `SnappyInputStream` reads it by falling back
 *   to raw when the header is absent.
 *
 * We read both and write the xerial framing (what every Java consumer reads). Blocks are
 * compressed with `snappyjs`; decoding is our own strict decoder: every length, offset and copy
 * is checked, each block must produce exactly the length its varint preamble declares, and the
 * sum of those declared lengths is checked against `maxBytes` before the output is allocated.
 */
import { compress as snappyCompressBlock } from 'snappyjs';
import { DecompressionError, DecompressionLimitError } from './errors.js';

/** The xerial stream magic: `0x82 "SNAPPY" 0x00`. */
export const XERIAL_MAGIC: readonly number[] = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
/** Magic (8) + version (4) + compatible version (4). */
export const XERIAL_HEADER_SIZE = 16;
/** Uncompressed bytes per xerial chunk: snappy-java's `SnappyOutputStream.DEFAULT_BLOCK_SIZE`. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE_VERSION = 1;

/** Whether `data` starts (at `pos`) with the 8-byte xerial magic. */
function hasXerialMagic(data: Uint8Array, pos: number): boolean {
  if (data.length - pos < XERIAL_MAGIC.length) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) {
    if (data[pos + i] !== XERIAL_MAGIC[i]) return false;
  }
  return true;
}

function readInt32BE(data: Uint8Array, pos: number): number {
  return ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) | 0;
}

function writeInt32BE(out: Uint8Array, pos: number, v: number): void {
  out[pos] = v >>> 24;
  out[pos + 1] = (v >>> 16) & 0xff;
  out[pos + 2] = (v >>> 8) & 0xff;
  out[pos + 3] = v & 0xff;
}

/** Compresses `data` into the xerial-framed form the Java producer writes. */
export function snappyCompress(data: Uint8Array): Buffer {
  const blocks: Uint8Array[] = [];
  let total = XERIAL_HEADER_SIZE;
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappyCompressBlock(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK_SIZE)));
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  for (let i = 0; i < XERIAL_MAGIC.length; i++) out[i] = XERIAL_MAGIC[i]!;
  writeInt32BE(out, 8, XERIAL_VERSION);
  writeInt32BE(out, 12, XERIAL_MIN_COMPATIBLE_VERSION);
  let pos = XERIAL_HEADER_SIZE;
  for (const block of blocks) {
    writeInt32BE(out, pos, block.length);
    out.set(block, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

/** Compresses `data` into one raw (unframed) snappy block, as librdkafka writes it. */
export function snappyCompressRaw(data: Uint8Array): Buffer {
  const block = snappyCompressBlock(data);
  return Buffer.from(block.buffer, block.byteOffset, block.byteLength);
}

/** A raw snappy block located in the input: elements in `[start, end)`, `length` bytes of output. */
interface SnappyBlock {
  start: number;
  end: number;
  length: number;
}

function corrupt(reason: string, offset: number): DecompressionError {
  return new DecompressionError('snappy', `corrupt compressed data: ${reason}`, offset);
}

/**
 * Reads a raw block's varint preamble at `pos` (block ends at `end`): the block's uncompressed
 * length, at most 2^32 - 1 as in the snappy format.
 */
function readPreamble(data: Uint8Array, pos: number, end: number): SnappyBlock {
  let length = 0;
  let shift = 0;
  for (let p = pos; p < end && p < pos + 5; p++) {
    const b = data[p]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      if (length > 0xffffffff) throw corrupt(`block length preamble ${length} is larger than 2^32 - 1`, pos);
      return { start: p + 1, end, length };
    }
    shift += 7;
  }
  throw corrupt(end - pos < 5 ? 'truncated block length preamble' : 'block length preamble longer than 5 bytes', pos);
}

/** Locates the blocks of a xerial stream (header already checked at 0), checking sizes. */
function xerialBlocks(data: Uint8Array, maxBytes: number): { blocks: SnappyBlock[]; total: number } {
  const blocks: SnappyBlock[] = [];
  let total = 0;
  let pos = 0;
  while (pos < data.length) {
    if (hasXerialMagic(data, pos)) {
      // A stream header: the first one, or another one where streams were concatenated.
      if (data.length - pos < XERIAL_HEADER_SIZE) throw corrupt('truncated xerial stream header', pos);
      const compatible = readInt32BE(data, pos + 12);
      if (compatible < XERIAL_MIN_COMPATIBLE_VERSION) {
        throw corrupt(`xerial stream header declares compatible version ${compatible}; at least 1 is required`, pos);
      }
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - pos < 4) throw corrupt(`truncated chunk length (${data.length - pos} trailing bytes)`, pos);
    const chunkLength = readInt32BE(data, pos);
    if (chunkLength <= 0) throw corrupt(`chunk length ${chunkLength} is not positive`, pos);
    const chunkStart = pos + 4;
    if (chunkLength > data.length - chunkStart) {
      throw corrupt(`chunk of ${chunkLength} bytes runs past the end of the data (${data.length - chunkStart} left)`, pos);
    }
    const block = readPreamble(data, chunkStart, chunkStart + chunkLength);
    total += block.length;
    if (total > maxBytes) {
      throw new DecompressionLimitError('snappy', maxBytes, `the xerial chunks declare at least ${total} bytes`, chunkStart);
    }
    blocks.push(block);
    pos = chunkStart + chunkLength;
  }
  return { blocks, total };
}

/**
 * Decodes the elements of one raw snappy block `src[block.start, block.end)` into
 * `out[outStart, outStart + block.length)`. Throws unless the elements produce exactly
 * `block.length` bytes and every copy stays within the block's own output.
 */
function decodeBlock(src: Uint8Array, block: SnappyBlock, out: Uint8Array, outStart: number): void {
  const end = block.end;
  const outEnd = outStart + block.length;
  let ip = block.start;
  let op = outStart;
  while (ip < end) {
    const tag = src[ip]!;
    const tagPos = ip;
    ip++;
    const kind = tag & 3;
    if (kind === 0) {
      // Literal: length - 1 in the tag's upper 6 bits, or in 1..4 following bytes (60..63).
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (end - ip < extra) throw corrupt('truncated literal length', tagPos);
        len = 0;
        for (let i = extra - 1; i >= 0; i--) len = len * 256 + src[ip + i]!;
        len += 1;
        ip += extra;
      }
      if (len > end - ip) throw corrupt(`literal of ${len} bytes runs past the end of the block`, tagPos);
      if (len > outEnd - op) throw corrupt(`literal of ${len} bytes overruns the declared length ${block.length}`, tagPos);
      if (len < 16) {
        for (let i = 0; i < len; i++) out[op + i] = src[ip + i]!;
      } else {
        out.set(src.subarray(ip, ip + len), op);
      }
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip >= end) throw corrupt('truncated copy', tagPos);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip]!;
      ip += 1;
    } else if (kind === 2) {
      if (end - ip < 2) throw corrupt('truncated copy', tagPos);
      len = (tag >>> 2) + 1;
      offset = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
    } else {
      if (end - ip < 4) throw corrupt('truncated copy', tagPos);
      len = (tag >>> 2) + 1;
      offset = (src[ip]! | (src[ip + 1]! << 8) | (src[ip + 2]! << 16)) + src[ip + 3]! * 0x1000000;
      ip += 4;
    }
    if (offset === 0 || offset > op - outStart) {
      throw corrupt(`copy offset ${offset} points outside the ${op - outStart} bytes decoded so far`, tagPos);
    }
    if (len > outEnd - op) throw corrupt(`copy of ${len} bytes overruns the declared length ${block.length}`, tagPos);
    const from = op - offset;
    if (offset >= len && len >= 16) {
      out.copyWithin(op, from, from + len);
    } else {
      // Overlapping (or short) copy: byte by byte repeats the pattern, as the format intends.
      for (let i = 0; i < len; i++) out[op + i] = out[from + i]!;
    }
    op += len;
  }
  if (op !== outEnd) {
    throw corrupt(`block produced ${op - outStart} bytes but its preamble declares ${block.length}`, block.start);
  }
}

/**
 * Decompresses xerial-framed or raw snappy. The uncompressed length every block declares is
 * checked against `maxBytes` before any output is allocated.
 */
export function snappyDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (data.length >= XERIAL_HEADER_SIZE && hasXerialMagic(data, 0)) {
    const { blocks, total } = xerialBlocks(data, maxBytes);
    const out = Buffer.allocUnsafe(total);
    let op = 0;
    for (const block of blocks) {
      decodeBlock(data, block, out, op);
      op += block.length;
    }
    return out;
  }
  if (data.length === 0) throw corrupt('no data: an empty input is neither xerial-framed nor raw snappy', 0);
  const block = readPreamble(data, 0, data.length);
  if (block.length > maxBytes) {
    throw new DecompressionLimitError('snappy', maxBytes, `the raw snappy block declares ${block.length} bytes`, 0);
  }
  const out = Buffer.allocUnsafe(block.length);
  decodeBlock(data, block, out, 0);
  return out;
}
