/**
 * Byte accounting for the producer's send buffer (Java: buffer.memory). Every record reserves
 * its estimated size when it is accepted and releases it when its batch completes, so the
 * memory held by unsent records is bounded; when the buffer is full, senders wait (FIFO) up to
 * a deadline instead of growing the heap.
 */
interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  /** Timed out or failed: skipped when its turn comes (no search-and-splice per timeout). */
  gone: boolean;
}

export class BufferPool {
  private used = 0;
  /** Waiters in arrival order from `head` on; entries before `head` were served or left. */
  private waiters: Waiter[] = [];
  private head = 0;
  /** Waiters still waiting. */
  private waiting = 0;

  constructor(readonly capacity: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Reserves at once if there is room and nobody is waiting ahead; else returns false. */
  tryReserve(bytes: number): boolean {
    if (this.waiting > 0 || this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  /** Waits for room (FIFO) and reserves it; rejects with `onTimeout()` after `timeoutMs`. */
  reserve(bytes: number, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.tryReserve(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve,
        reject,
        gone: false,
        timer: setTimeout(() => {
          waiter.gone = true;
          this.waiting--;
          reject(onTimeout());
          this.grant();
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.waiting++;
    });
  }

  /**
   * Counts `bytes` already in use whatever the limit (memory that exists, e.g. a batch buffer that
   * grew): the buffer may go over its capacity by that much, and waiters wait until it is back.
   */
  forceReserve(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) this.used = 0;
    this.grant();
  }

  /** Rejects every waiter (the producer is closing). */
  failAll(err: Error): void {
    const all = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    this.waiting = 0;
    for (const w of all) {
      if (w.gone) continue;
      w.gone = true;
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private grant(): void {
    const q = this.waiters;
    while (this.head < q.length) {
      const w = q[this.head]!;
      if (!w.gone) {
        if (this.used + w.bytes > this.capacity) break;
        w.gone = true;
        this.waiting--;
        clearTimeout(w.timer);
        this.used += w.bytes;
        w.resolve();
      }
      this.head++;
    }
    // drop the served prefix now and then, not per waiter
    if (this.head === q.length) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      this.waiters = q.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Reuses the producer's batch buffers, by power-of-two size, as Java's BufferPool keeps freed
 * batch.size buffers: at thousands of partitions a producer opens thousands of small batches a
 * second, and a buffer from this free list costs nothing where a new one costs an allocation now
 * and, worse, lingers as garbage (external memory) until the next full collection.
 *
 * The bound is on what is lent and kept together: a released buffer stays in the free list while
 * the buffers lent to batches plus the free list fit in `maxTotalBytes` (the producer passes
 * bufferBytes). A Produce response at 1,000 partitions releases a thousand buffers at once, which
 * the next thousand batches take again; a fixed small free list dropped most of them (at 1 KiB
 * records, 52,000 of 186,000 buffers went to the garbage collector, 30-45 MiB of external
 * memory at peak).
 */
export class BatchBufferCache {
  /** Free buffers by size class (log2 of their length). */
  private readonly free: Buffer[][] = [];
  private freeBytes = 0;
  private lentBytes = 0;

  constructor(readonly maxTotalBytes: number) {}

  /** Bytes held in the free list. */
  get cachedBytes(): number {
    return this.freeBytes;
  }

  /** Bytes of the buffers handed out and not released yet. */
  get lent(): number {
    return this.lentBytes;
  }

  alloc(size: number): Buffer {
    const c = sizeClass(size);
    const list = this.free[c];
    let buf: Buffer;
    if (list !== undefined && list.length > 0) {
      buf = list.pop()!;
      this.freeBytes -= buf.length;
    } else {
      // no buffer of this size: make room for it from the other sizes first, so the total stays bounded
      this.evict(this.lentBytes + this.freeBytes + 2 ** c - this.maxTotalBytes);
      buf = Buffer.allocUnsafeSlow(2 ** c);
    }
    this.lentBytes += buf.length;
    return buf;
  }

  release(buf: Buffer): void {
    const c = sizeClass(buf.length);
    if (2 ** c !== buf.length) return; // not one of ours (e.g. compressed output): left to the GC
    this.lentBytes -= buf.length;
    if (this.lentBytes + this.freeBytes + buf.length > this.maxTotalBytes) return;
    (this.free[c] ??= []).push(buf);
    this.freeBytes += buf.length;
  }

  /** Drops at least `bytes` of free buffers (largest sizes first). */
  private evict(bytes: number): void {
    for (let c = this.free.length - 1; c >= 0 && bytes > 0; c--) {
      const list = this.free[c];
      while (list !== undefined && list.length > 0 && bytes > 0) {
        const buf = list.pop()!;
        this.freeBytes -= buf.length;
        bytes -= buf.length;
      }
    }
  }
}

/** The smallest c with 2^c >= size (and at least 2^9). */
function sizeClass(size: number): number {
  let c = 9;
  while (2 ** c < size) c++;
  return c;
}
