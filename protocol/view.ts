/**
 * Zero-copy Buffer views, cheaper than `Buffer#subarray` on the decoder's hot path.
 *
 * `subarray` goes through the typed array species machinery (100-270 ns a call on Node 20 here);
 * constructing a Uint8Array subclass whose prototype chain includes `Buffer.prototype` costs
 * ~85 ns and yields a genuine Buffer (`Buffer.isBuffer`, `instanceof Buffer`, every method),
 * which is also how Node builds its own Buffers internally.
 */
class BufferView extends Uint8Array {}
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype);

/** A Buffer over `buf[start..end)`, sharing its memory. */
export function view(buf: Buffer, start: number, end: number): Buffer {
  return new BufferView(buf.buffer as ArrayBuffer, buf.byteOffset + start, end - start) as unknown as Buffer;
}
