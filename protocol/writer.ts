/**
 * A growable big-endian writer for Kafka's primitive types.
 *
 * Naming follows the protocol guide (https://kafka.apache.org/protocol#protocol_types):
 * `string` is INT16-length STRING, `compactString` is COMPACT_STRING (unsigned varint of
 * length + 1), and so on. The `*F` helpers (`stringF`, `arrayF`, ...) take the message's
 * `flexible` flag and pick the classic or compact form, so a codec line reads like the spec.
 */
import { ProtocolEncodeError } from './errors.js';
import type { TaggedField } from './types.js';

const INITIAL_SIZE = 256;
const EMPTY = Buffer.alloc(0);

/** Where a {@link Writer} gets its buffers (at least `size` bytes) and returns those it no longer uses. */
export interface WriterAllocator {
  alloc(size: number): Buffer;
  release(buf: Buffer): void;
}

export class Writer {
  private buf: Buffer;
  private pos = 0;

  /**
   * With an `allocator`, the writer's buffers come from it and go back to it when outgrown or
   * {@link release}d (e.g. a producer's batch buffers, reused from batch to batch); without, they
   * are Buffer.allocUnsafe's.
   */
  constructor(
    initialSize = INITIAL_SIZE,
    private readonly allocator?: WriterAllocator,
  ) {
    this.buf = this.alloc(Math.max(16, initialSize));
  }

  private alloc(size: number): Buffer {
    return this.allocator !== undefined ? this.allocator.alloc(size) : Buffer.allocUnsafe(size);
  }

  /** Hands the buffer back to the allocator; the writer must not be used afterwards. */
  release(): void {
    if (this.allocator !== undefined && this.buf.length > 0) this.allocator.release(this.buf);
    this.buf = EMPTY;
    this.pos = 0;
  }

  /** After {@link release}: takes a new buffer of at least `initialSize` bytes, so the writer serves again. */
  reopen(initialSize: number): this {
    this.release();
    this.buf = this.alloc(Math.max(16, initialSize));
    return this;
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written, as a view of the internal buffer (no copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Bytes allocated (written or not). */
  get capacity(): number {
    return this.buf.length;
  }

  /** A view of bytes already written, e.g. to checksum a region (valid until the next write). */
  view(start: number, end: number): Buffer {
    return this.buf.subarray(start, end);
  }

  /** Forget what was written; keeps the allocated buffer for reuse. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** Drops what was written after the first `length` bytes (e.g. a record that failed halfway). */
  truncate(length: number): this {
    if (length < this.pos) this.pos = Math.max(0, length);
    return this;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = this.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    if (this.allocator !== undefined && this.buf.length > 0) this.allocator.release(this.buf);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** UNSIGNED_VARINT: 7 bits per byte, least significant group first, up to 32 bits. */
  uvarint(v: number): this {
    this.ensure(5);
    let n = v >>> 0;
    while (n > 0x7f) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** VARINT: zigzag-encoded signed 32-bit integer. */
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }

  /** VARLONG: zigzag-encoded signed 64-bit integer. */
  varlong(v: bigint): this {
    this.ensure(10);
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (n > 0x7fn) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  /** UUID: 16 bytes, given in Kafka's text form (base64url without padding, 22 chars). */
  uuid(v: string): this {
    this.ensure(16);
    const written = this.buf.write(v, this.pos, 16, 'base64url');
    if (written !== 16 || v.length !== 22) {
      throw new ProtocolEncodeError(`invalid UUID ${JSON.stringify(v)}: expected 22 base64url characters`);
    }
    this.pos += 16;
    return this;
  }

  /**
   * Lets `write` fill up to `maxBytes` at the current position of the internal buffer (e.g. a
   * compressor writing in place); `write` returns the position after what it wrote.
   */
  writeWith(maxBytes: number, write: (buf: Buffer, pos: number) => number): this {
    this.ensure(maxBytes);
    const end = write(this.buf, this.pos);
    if (!(end >= this.pos && end <= this.pos + maxBytes)) {
      throw new RangeError(`Writer.writeWith: wrote up to ${end}, allowed ${this.pos}..${this.pos + maxBytes}`);
    }
    this.pos = end;
    return this;
  }

  /** Raw bytes with no length prefix. */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  // ---- strings ---------------------------------------------------------------------------

  private utf8(v: string, len: number): void {
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, 'utf8');
  }

  /** UTF-8 bytes of `v` with no length prefix (the caller wrote the length). */
  utf8Raw(v: string): this {
    this.utf8(v, Buffer.byteLength(v, 'utf8'));
    return this;
  }

  /** STRING: INT16 length, then UTF-8 bytes. */
  string(v: string): this {
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new ProtocolEncodeError(`string of ${len} bytes exceeds the INT16 length limit`);
    this.int16(len);
    this.utf8(v, len);
    return this;
  }

  /** NULLABLE_STRING: like STRING, length -1 for null. */
  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    return this.string(v);
  }

  /** COMPACT_STRING: UNSIGNED_VARINT length + 1, then UTF-8 bytes. */
  compactString(v: string): this {
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new ProtocolEncodeError(`string of ${len} bytes exceeds the INT16 length limit`);
    this.uvarint(len + 1);
    this.utf8(v, len);
    return this;
  }

  /** COMPACT_NULLABLE_STRING: like COMPACT_STRING, 0 for null. */
  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    return this.compactString(v);
  }

  stringF(v: string, flexible: boolean): this {
    return flexible ? this.compactString(v) : this.string(v);
  }

  nullableStringF(v: string | null, flexible: boolean): this {
    return flexible ? this.compactNullableString(v) : this.nullableString(v);
  }

  // ---- bytes -----------------------------------------------------------------------------

  /** BYTES: INT32 length, then the bytes. */
  bytes(v: Uint8Array): this {
    this.int32(v.length);
    return this.raw(v);
  }

  nullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.int32(-1);
    return this.bytes(v);
  }

  /** COMPACT_BYTES: UNSIGNED_VARINT length + 1, then the bytes. */
  compactBytes(v: Uint8Array): this {
    this.uvarint(v.length + 1);
    return this.raw(v);
  }

  compactNullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0);
    return this.compactBytes(v);
  }

  bytesF(v: Uint8Array, flexible: boolean): this {
    return flexible ? this.compactBytes(v) : this.bytes(v);
  }

  nullableBytesF(v: Uint8Array | null, flexible: boolean): this {
    return flexible ? this.compactNullableBytes(v) : this.nullableBytes(v);
  }

  // ---- arrays ----------------------------------------------------------------------------

  /** ARRAY: INT32 count, then each element. */
  array<T>(items: readonly T[], writeItem: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (let i = 0; i < items.length; i++) writeItem(this, items[i] as T);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, writeItem: (w: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, writeItem);
  }

  /** COMPACT_ARRAY: UNSIGNED_VARINT count + 1, then each element. */
  compactArray<T>(items: readonly T[], writeItem: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (let i = 0; i < items.length; i++) writeItem(this, items[i] as T);
    return this;
  }

  compactNullableArray<T>(items: readonly T[] | null, writeItem: (w: this, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    return this.compactArray(items, writeItem);
  }

  arrayF<T>(items: readonly T[], flexible: boolean, writeItem: (w: this, item: T) => void): this {
    return flexible ? this.compactArray(items, writeItem) : this.array(items, writeItem);
  }

  nullableArrayF<T>(items: readonly T[] | null, flexible: boolean, writeItem: (w: this, item: T) => void): this {
    return flexible ? this.compactNullableArray(items, writeItem) : this.nullableArray(items, writeItem);
  }

  // ---- tagged fields ---------------------------------------------------------------------

  /**
   * TAG_BUFFER: the tagged fields of a flexible struct. `known` lists the struct's tagged
   * fields that differ from their defaults (the spec writes only those), as `[tag, write]`
   * pairs; `unknown` are the tags kept from decoding. They are written merged in ascending
   * tag order, as the spec requires.
   */
  taggedFields(
    known: ReadonlyArray<readonly [number, (w: Writer) => void]> | null,
    unknown: readonly TaggedField[] | undefined,
  ): this {
    const nKnown = known === null ? 0 : known.length;
    const nUnknown = unknown === undefined ? 0 : unknown.length;
    this.uvarint(nKnown + nUnknown);
    if (nKnown + nUnknown === 0) return this;
    let i = 0;
    let j = 0;
    let scratch: Writer | undefined;
    while (i < nKnown || j < nUnknown) {
      const k = i < nKnown ? known![i]! : undefined;
      const u = j < nUnknown ? unknown![j]! : undefined;
      if (k !== undefined && (u === undefined || k[0] < u.tag)) {
        scratch = (scratch ?? new Writer(64)).reset();
        k[1](scratch);
        const body = scratch.finish();
        this.uvarint(k[0]).uvarint(body.length).raw(body);
        i++;
      } else if (u !== undefined) {
        if (k !== undefined && k[0] === u.tag) {
          throw new ProtocolEncodeError(`tagged field ${u.tag} is both a known field and an unknown one`);
        }
        this.uvarint(u.tag).uvarint(u.data.length).raw(u.data);
        j++;
      }
    }
    return this;
  }

  // ---- patching (length prefixes) --------------------------------------------------------

  /** Overwrite an INT32 at an earlier position, e.g. a size prefix reserved with `int32(0)`. */
  patchInt32(at: number, v: number): this {
    this.buf.writeInt32BE(v, at);
    return this;
  }

  /** Overwrite an INT64 at an earlier position. */
  patchInt64(at: number, v: bigint): this {
    this.buf.writeBigInt64BE(v, at);
    return this;
  }
}

/** Size in bytes of `v` as an UNSIGNED_VARINT. */
export function uvarintSize(v: number): number {
  let n = v >>> 0;
  let size = 1;
  while (n > 0x7f) {
    n >>>= 7;
    size++;
  }
  return size;
}
