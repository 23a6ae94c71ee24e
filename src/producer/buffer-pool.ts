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
}

export class BufferPool {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly capacity: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Reserves at once if there is room and nobody is waiting ahead; else returns false. */
  tryReserve(bytes: number): boolean {
    if (this.waiters.length > 0 || this.used + bytes > this.capacity) return false;
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
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(onTimeout());
          this.grant();
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) this.used = 0;
    this.grant();
  }

  /** Rejects every waiter (the producer is closing). */
  failAll(err: Error): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private grant(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0]!.bytes <= this.capacity) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      this.used += w.bytes;
      w.resolve();
    }
  }
}
