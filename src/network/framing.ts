/**
 * Splits a byte stream into Kafka frames (INT32 size, then that many bytes).
 *
 * Chunks are kept as they arrive; a frame that lies inside one chunk is handed out as a view
 * of it (no copy), and only a frame that spans chunks is copied once into a buffer of exactly
 * its size. The size is checked against a maximum before anything is allocated for it.
 */
import { FrameTooLargeError } from './errors.js';

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being assembled, or -1 while its size prefix is incomplete. */
  private frameSize = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet handed out as frames (part of an incomplete frame). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds received bytes; calls `onFrame` for each complete frame. Throws FrameTooLargeError. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return;
        const size = this.peekInt32();
        if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.consume(4);
        this.frameSize = size;
      }
      if (this.buffered < this.frameSize) return;
      const frame = this.take(this.frameSize);
      this.frameSize = -1;
      onFrame(frame);
    }
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.allocUnsafe(4);
    let n = 0;
    for (const c of this.chunks) {
      n += c.copy(head, n, 0, Math.min(c.length, 4 - n));
      if (n === 4) break;
    }
    return head.readInt32BE(0);
  }

  private consume(n: number): void {
    this.take(n);
  }

  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first!.length >= n) {
      const out = first!.subarray(0, n);
      if (first!.length === n) this.chunks.shift();
      else this.chunks[0] = first!.subarray(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    while (copied < n) {
      const c = this.chunks[0]!;
      const want = n - copied;
      if (c.length <= want) {
        c.copy(out, copied);
        copied += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, copied, 0, want);
        this.chunks[0] = c.subarray(want);
        copied += want;
      }
    }
    return out;
  }
}
