/**
 * A bounds-checked big-endian reader for Kafka's primitive types.
 *
 * Every read checks the bytes it needs are there and throws {@link ProtocolDecodeError}
 * otherwise, so a truncated or hostile frame never reads out of bounds. Counts and lengths
 * are checked against the bytes that remain before anything is allocated from them: an
 * array of N elements needs at least N bytes, a string of N bytes needs N bytes.
 *
 * `bytes` fields are returned as views of the input buffer (no copy).
 */
import { ProtocolDecodeError } from './errors.js';
import type { TaggedField, WithUnknownTags } from './types.js';

export class Reader {
  readonly buf: Buffer;
  /** Current read position, absolute within `buf`. */
  pos: number;
  /** End of the readable region, absolute within `buf`. */
  readonly end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) {
      throw new ProtocolDecodeError(`reader window ${start}..${end} outside a buffer of ${buf.length} bytes`, start);
    }
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(`truncated ${what}: need ${n} bytes, ${this.end - this.pos} left`, this.pos);
    }
  }

  /** Throws unless every byte has been consumed (catches messages longer than their schema). */
  expectEnd(what: string): void {
    if (this.pos !== this.end) {
      throw new ProtocolDecodeError(`${this.end - this.pos} unexpected trailing bytes after ${what}`, this.pos);
    }
  }

  int8(): number {
    this.need(1, 'INT8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    this.need(1, 'BOOLEAN');
    return this.buf[this.pos++] !== 0;
  }

  int16(): number {
    this.need(2, 'INT16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'UINT16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'INT32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'UINT32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'INT64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'FLOAT64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** UNSIGNED_VARINT, at most 5 bytes (32 bits). */
  uvarint(): number {
    const buf = this.buf;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new ProtocolDecodeError('truncated UNSIGNED_VARINT', this.pos);
      const b = buf[this.pos++]!;
      if (i === 4 && b > 0x0f) throw new ProtocolDecodeError('UNSIGNED_VARINT longer than 32 bits', this.pos - 1);
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
    throw new ProtocolDecodeError('UNSIGNED_VARINT longer than 5 bytes', this.pos);
  }

  /** VARINT: zigzag-encoded signed 32-bit integer. */
  varint(): number {
    const n = this.uvarint();
    return (n >>> 1) ^ -(n & 1);
  }

  /** VARLONG: zigzag-encoded signed 64-bit integer, at most 10 bytes. */
  varlong(): bigint {
    const buf = this.buf;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtocolDecodeError('truncated VARLONG', this.pos);
      const b = buf[this.pos++]!;
      if (i === 9 && b > 0x01) throw new ProtocolDecodeError('VARLONG longer than 64 bits', this.pos - 1);
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    throw new ProtocolDecodeError('VARLONG longer than 10 bytes', this.pos);
  }

  /** UUID: 16 bytes, returned in Kafka's text form (base64url without padding). */
  uuid(): string {
    this.need(16, 'UUID');
    const v = this.buf.toString('base64url', this.pos, this.pos + 16);
    this.pos += 16;
    return v;
  }

  /** Moves past `n` bytes (a field the caller does not need). */
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** `n` raw bytes as a view of the input. */
  raw(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A sub-reader over the next `n` bytes; this reader skips past them. */
  sub(n: number, what: string): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  // ---- strings ---------------------------------------------------------------------------

  private utf8(len: number, what: string): string {
    this.need(len, what);
    const v = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  /** STRING: INT16 length (must be >= 0), then UTF-8. */
  string(): string {
    const len = this.int16();
    if (len < 0) throw new ProtocolDecodeError(`null or negative length ${len} for a non-nullable STRING`, this.pos - 2);
    return this.utf8(len, 'STRING');
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolDecodeError(`negative length ${len} for NULLABLE_STRING`, this.pos - 2);
    return this.utf8(len, 'NULLABLE_STRING');
  }

  compactString(): string {
    const at = this.pos;
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('null length for a non-nullable COMPACT_STRING', at);
    return this.utf8(n - 1, 'COMPACT_STRING');
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.utf8(n - 1, 'COMPACT_NULLABLE_STRING');
  }

  stringF(flexible: boolean): string {
    return flexible ? this.compactString() : this.string();
  }

  nullableStringF(flexible: boolean): string | null {
    return flexible ? this.compactNullableString() : this.nullableString();
  }

  // ---- bytes -----------------------------------------------------------------------------

  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw new ProtocolDecodeError(`null or negative length ${len} for non-nullable BYTES`, this.pos - 4);
    return this.raw(len, 'BYTES');
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolDecodeError(`negative length ${len} for NULLABLE_BYTES`, this.pos - 4);
    return this.raw(len, 'NULLABLE_BYTES');
  }

  compactBytes(): Buffer {
    const at = this.pos;
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('null length for non-nullable COMPACT_BYTES', at);
    return this.raw(n - 1, 'COMPACT_BYTES');
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1, 'COMPACT_NULLABLE_BYTES');
  }

  bytesF(flexible: boolean): Buffer {
    return flexible ? this.compactBytes() : this.bytes();
  }

  nullableBytesF(flexible: boolean): Buffer | null {
    return flexible ? this.compactNullableBytes() : this.nullableBytes();
  }

  // ---- arrays ----------------------------------------------------------------------------

  /**
   * Checks an element count against what remains: every element takes at least
   * `minElementSize` bytes, so a count the rest of the frame cannot hold is refused before
   * anything is allocated for it.
   */
  private checkCount(count: number, minElementSize: number, what: string, at: number): void {
    if (count * minElementSize > this.end - this.pos) {
      throw new ProtocolDecodeError(
        `${what} claims ${count} elements but only ${this.end - this.pos} bytes remain`,
        at,
      );
    }
  }

  private readItems<T>(count: number, readItem: (r: Reader) => T): T[] {
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = readItem(this);
    return out;
  }

  /** ARRAY: INT32 count (must be >= 0), then each element. */
  array<T>(readItem: (r: Reader) => T, minElementSize = 1): T[] {
    const at = this.pos;
    const count = this.int32();
    if (count < 0) throw new ProtocolDecodeError(`null or negative count ${count} for a non-nullable ARRAY`, at);
    this.checkCount(count, minElementSize, 'ARRAY', at);
    return this.readItems(count, readItem);
  }

  nullableArray<T>(readItem: (r: Reader) => T, minElementSize = 1): T[] | null {
    const at = this.pos;
    const count = this.int32();
    if (count === -1) return null;
    if (count < 0) throw new ProtocolDecodeError(`negative count ${count} for a nullable ARRAY`, at);
    this.checkCount(count, minElementSize, 'ARRAY', at);
    return this.readItems(count, readItem);
  }

  compactArray<T>(readItem: (r: Reader) => T, minElementSize = 1): T[] {
    const at = this.pos;
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('null count for a non-nullable COMPACT_ARRAY', at);
    this.checkCount(n - 1, minElementSize, 'COMPACT_ARRAY', at);
    return this.readItems(n - 1, readItem);
  }

  compactNullableArray<T>(readItem: (r: Reader) => T, minElementSize = 1): T[] | null {
    const at = this.pos;
    const n = this.uvarint();
    if (n === 0) return null;
    this.checkCount(n - 1, minElementSize, 'COMPACT_ARRAY', at);
    return this.readItems(n - 1, readItem);
  }

  /**
   * The element count of a non-nullable ARRAY (or COMPACT_ARRAY when `flexible`), checked as
   * `arrayF` checks it, for a caller that reads the elements itself without building an array.
   */
  arrayCountF(flexible: boolean, minElementSize = 1): number {
    const at = this.pos;
    let count: number;
    if (flexible) {
      const n = this.uvarint();
      if (n === 0) throw new ProtocolDecodeError('null count for a non-nullable COMPACT_ARRAY', at);
      count = n - 1;
    } else {
      count = this.int32();
      if (count < 0) throw new ProtocolDecodeError(`null or negative count ${count} for a non-nullable ARRAY`, at);
    }
    this.checkCount(count, minElementSize, flexible ? 'COMPACT_ARRAY' : 'ARRAY', at);
    return count;
  }

  arrayF<T>(flexible: boolean, readItem: (r: Reader) => T, minElementSize = 1): T[] {
    return flexible ? this.compactArray(readItem, minElementSize) : this.array(readItem, minElementSize);
  }

  nullableArrayF<T>(flexible: boolean, readItem: (r: Reader) => T, minElementSize = 1): T[] | null {
    return flexible
      ? this.compactNullableArray(readItem, minElementSize)
      : this.nullableArray(readItem, minElementSize);
  }

  // ---- tagged fields ---------------------------------------------------------------------

  /**
   * TAG_BUFFER. For each tagged field, `readKnown(tag, r)` is called with a reader limited
   * to the field's bytes and returns true when it consumed a known tag; other tags are
   * returned as unknown fields (or `undefined` when there were none), to be written back.
   * A known field must consume exactly its declared size.
   */
  taggedFields(readKnown: ((tag: number, r: Reader) => boolean) | null): TaggedField[] | undefined {
    const at = this.pos;
    const count = this.uvarint();
    if (count === 0) return undefined;
    this.checkCount(count, 2, 'TAG_BUFFER', at);
    let unknown: TaggedField[] | undefined;
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      const field = this.sub(size, `tagged field ${tag}`);
      if (readKnown !== null && readKnown(tag, field)) {
        field.expectEnd(`tagged field ${tag}`);
      } else {
        (unknown ??= []).push({ tag, data: field.buf.subarray(field.pos, field.end) });
      }
    }
    return unknown;
  }

  /** Reads a TAG_BUFFER and keeps its unknown fields on `target` (only when there are some). */
  tagsInto<T extends object>(target: T, readKnown: ((tag: number, r: Reader) => boolean) | null = null): T {
    const unknown = this.taggedFields(readKnown);
    if (unknown !== undefined) (target as WithUnknownTags).unknownTaggedFields = unknown;
    return target;
  }
}
