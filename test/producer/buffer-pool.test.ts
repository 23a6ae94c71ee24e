/** The producer's send-buffer accounting (BufferPool) and its batch-buffer free list (BatchBufferCache). */
import { BatchBufferCache, BufferPool } from '../../src/producer/buffer-pool.js';

const full = () => new Error('full');
const tick = () => new Promise((r) => setImmediate(r));

describe('BufferPool', () => {
  test('reserves while there is room; waiters are served first come, first served', async () => {
    const pool = new BufferPool(100);
    expect(pool.tryReserve(60)).toBe(true);
    expect(pool.tryReserve(50)).toBe(false);
    const order: string[] = [];
    const a = pool.reserve(50, 10_000, full).then(() => order.push('a'));
    const b = pool.reserve(10, 10_000, full).then(() => order.push('b'));
    // b would fit, but a came first: nobody overtakes a waiter
    expect(pool.tryReserve(10)).toBe(false);
    await tick();
    expect(order).toEqual([]);
    pool.release(60);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(pool.usedBytes).toBe(60);
  });

  test('a waiter that times out is skipped; the ones behind it are still served in order', async () => {
    const pool = new BufferPool(100);
    pool.tryReserve(100);
    const outcomes: string[] = [];
    const waits = [];
    for (let i = 0; i < 20_000; i++) {
      const timeout = i % 2 === 0 ? 1 : 60_000; // every other waiter gives up at once
      waits.push(pool.reserve(1, timeout, full).then(() => outcomes.push(`ok${i}`), (e: Error) => outcomes.push(`${e.message === 'full' ? 'timeout' : 'failed'}${i}`)));
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(outcomes.filter((o) => o.startsWith('timeout'))).toHaveLength(10_000);
    pool.release(100);
    await tick();
    const served = outcomes.filter((o) => o.startsWith('ok'));
    expect(served).toEqual(Array.from({ length: 100 }, (_, j) => `ok${2 * j + 1}`));
    pool.failAll(new Error('closed')); // the 9,900 still waiting
    await Promise.all(waits);
    expect(outcomes).toHaveLength(20_000);
  });

  test('failAll rejects everyone still waiting; forceReserve may pass the capacity and makes sends wait', async () => {
    const pool = new BufferPool(100);
    pool.tryReserve(90);
    pool.forceReserve(30);
    expect(pool.usedBytes).toBe(120);
    expect(pool.tryReserve(1)).toBe(false);
    const waiting = pool.reserve(10, 60_000, full);
    pool.failAll(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    pool.release(120);
    expect(pool.usedBytes).toBe(0);
    expect(pool.tryReserve(100)).toBe(true);
  });
});

describe('BatchBufferCache', () => {
  test('gives back a freed buffer of the same size class instead of allocating', () => {
    const cache = new BatchBufferCache(64 * 1024);
    const a = cache.alloc(3000);
    expect(a.length).toBe(4096);
    cache.release(a);
    expect(cache.cachedBytes).toBe(4096);
    expect(cache.alloc(2049)).toBe(a);
    expect(cache.cachedBytes).toBe(0);
    expect(cache.alloc(100).length).toBe(512); // the smallest class
  });

  test('keeps freed buffers while lent + free fit in maxTotalBytes, and never one that is not of its sizes', () => {
    const cache = new BatchBufferCache(10_000);
    const bufs = [cache.alloc(4096), cache.alloc(4096), cache.alloc(4096)];
    expect(cache.lent).toBe(12288);
    cache.release(bufs[0]!); // 8192 still lent: keeping it would make 12288
    expect(cache.cachedBytes).toBe(0);
    cache.release(bufs[1]!);
    cache.release(bufs[2]!);
    expect(cache.lent).toBe(0);
    expect(cache.cachedBytes).toBe(8192);
    cache.release(Buffer.allocUnsafe(1000));
    expect(cache.cachedBytes).toBe(8192);
    expect(cache.lent).toBe(0);
  });

  test('a burst of releases is kept for the next burst of batches (a response over many partitions)', () => {
    const cache = new BatchBufferCache(1024 * 1024);
    const first = Array.from({ length: 200 }, () => cache.alloc(4000));
    for (const b of first) cache.release(b);
    expect(cache.cachedBytes).toBe(200 * 4096);
    const second = Array.from({ length: 200 }, () => cache.alloc(4000));
    expect(new Set([...first, ...second]).size).toBe(200); // every buffer reused, none allocated
  });

  test('a size it has no free buffer of evicts other sizes, so lent + free stays within the bound', () => {
    const cache = new BatchBufferCache(16 * 1024);
    const small = [cache.alloc(4096), cache.alloc(4096), cache.alloc(4096)];
    for (const b of small) cache.release(b);
    expect(cache.cachedBytes).toBe(12288);
    const big = cache.alloc(8192);
    expect(big.length).toBe(8192);
    expect(cache.lent + cache.cachedBytes).toBeLessThanOrEqual(16 * 1024);
    expect(cache.cachedBytes).toBe(8192);
  });
});
