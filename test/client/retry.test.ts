/**
 * The retry helper every layer's loops use (src/cluster/retry.ts): which failures are tried
 * again, the KIP-580 waits between attempts, and the three ways it ends (attempts, deadline,
 * stop). Jest's fake clock runs the waits; the jitter comes from a seeded generator.
 */
import { KafkaesqueError } from '../../protocol/errors.js';
import { backoffMs, isNotFinal, isRetriable, retry } from '../../src/cluster/retry.js';
import { seeded } from '../helpers/random.js';

const SEED = 0x5eed;
const retriable = (): KafkaesqueError => new KafkaesqueError('ERR_TEST', 'try again', { retriable: true });
const final = (): KafkaesqueError => new KafkaesqueError('ERR_TEST', 'give up');

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Runs `p` to its end while the fake clock moves on in steps of 1 ms; returns it settled. */
async function settle<T>(p: Promise<T>): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | undefined;
  p.then(
    (value) => (result = { status: 'fulfilled', value }),
    (reason: unknown) => (result = { status: 'rejected', reason }),
  );
  while (result === undefined) await jest.advanceTimersByTimeAsync(1);
  return result;
}

test('an error is retriable when the client marked it so; only one marked final is final', () => {
  expect(isRetriable(retriable())).toBe(true);
  expect(isRetriable(final())).toBe(false);
  expect(isRetriable(new Error('socket'))).toBe(false);
  expect(isNotFinal(retriable())).toBe(true);
  expect(isNotFinal(new Error('socket'))).toBe(true);
  expect(isNotFinal(final())).toBe(false);
});

test('the waits between attempts are backoffMs of the attempt number, with the same jitter', async () => {
  const waits: number[] = [];
  const attempts: number[] = [];
  const started = Date.now();
  const r = await settle(
    retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 5) throw retriable();
        return 'done';
      },
      { retriable: isRetriable, baseMs: 100, maxMs: 1000, random: seeded(SEED), onRetry: (_err, _attempt, waitMs) => waits.push(waitMs) },
    ),
  );
  expect(r).toEqual({ status: 'fulfilled', value: 'done' });
  expect(attempts).toEqual([0, 1, 2, 3, 4, 5]);
  const random = seeded(SEED);
  const expected = [0, 1, 2, 3, 4].map((a) => backoffMs(a, 100, 1000, random));
  expect(waits).toEqual(expected);
  // 100, 200, 400, 800, 1000 (capped), each within ±20%
  for (const [i, w] of waits.entries()) {
    const exp = Math.min(1000, 100 * 2 ** i);
    expect(w).toBeGreaterThanOrEqual(exp * 0.8);
    expect(w).toBeLessThanOrEqual(exp * 1.2);
  }
  expect(Date.now() - started).toBeGreaterThanOrEqual(expected.reduce((a, b) => a + b, 0));
});

test('a failure the predicate refuses is thrown at once, without a wait', async () => {
  let calls = 0;
  const err = final();
  const r = await settle(
    retry(
      async () => {
        calls++;
        throw err;
      },
      { retriable: isRetriable, baseMs: 100, maxMs: 1000 },
    ),
  );
  expect(r).toEqual({ status: 'rejected', reason: err });
  expect(calls).toBe(1);
});

test('maxAttempts: that many attempts, then the last error (or what exhausted makes of it)', async () => {
  let calls = 0;
  const r = await settle(
    retry(
      async () => {
        calls++;
        throw new KafkaesqueError('ERR_TEST', `attempt ${calls}`, { retriable: true });
      },
      { retriable: isRetriable, baseMs: 10, maxMs: 10, maxAttempts: 4, random: seeded(SEED) },
    ),
  );
  expect(calls).toBe(4);
  expect(r.status === 'rejected' && (r.reason as Error).message).toBe('attempt 4');

  const wrapped = await settle(
    retry(() => Promise.reject(retriable()), {
      retriable: isRetriable,
      baseMs: 10,
      maxMs: 10,
      maxAttempts: 2,
      exhausted: (last) => new Error(`gave up after: ${(last as Error).message}`),
    }),
  );
  expect(wrapped.status === 'rejected' && (wrapped.reason as Error).message).toBe('gave up after: try again');
});

test('deadline: no attempt starts once the next wait would pass it (Java Timer semantics)', async () => {
  const at: number[] = [];
  const start = Date.now();
  const r = await settle(
    retry(
      async () => {
        at.push(Date.now() - start);
        throw retriable();
      },
      // waits of exactly 100 ms (base = max: no jitter); the fourth would end at 400 > 350
      { retriable: isRetriable, baseMs: 100, maxMs: 100, deadlineMs: start + 350 },
    ),
  );
  expect(r.status).toBe('rejected');
  expect(at.length).toBe(4);
  expect(at[3]).toBeLessThanOrEqual(350);
  expect(Date.now() - start).toBeLessThanOrEqual(350);
});

test('deadline with lastAttemptAtDeadline: the last wait is cut short and one attempt made at the deadline', async () => {
  const at: number[] = [];
  const start = Date.now();
  const r = await settle(
    retry(
      async () => {
        at.push(Date.now() - start);
        throw retriable();
      },
      { retriable: isRetriable, baseMs: 100, maxMs: 100, deadlineMs: start + 350, lastAttemptAtDeadline: true, exhausted: () => new Error('timed out') },
    ),
  );
  expect(r.status === 'rejected' && (r.reason as Error).message).toBe('timed out');
  expect(at.length).toBe(5);
  expect(at[4]).toBeGreaterThanOrEqual(350);
  expect(at[4]).toBeLessThan(360);
});

test('stop: asked before and after each wait; the retries end with the last failure', async () => {
  let stopped = false;
  let calls = 0;
  const p = retry(
    async () => {
      calls++;
      throw new KafkaesqueError('ERR_TEST', `attempt ${calls}`, { retriable: true });
    },
    { retriable: isRetriable, baseMs: 1000, maxMs: 1000, stop: () => stopped },
  );
  const r = settle(p);
  await jest.advanceTimersByTimeAsync(1500); // attempt 1, a wait, attempt 2, waiting again
  expect(calls).toBe(2);
  stopped = true; // e.g. the client closes during the wait
  const result = await r;
  expect(calls).toBe(2);
  expect(result.status === 'rejected' && (result.reason as Error).message).toBe('attempt 2');

  // already stopped when the first attempt fails: no wait at all
  const before = Date.now();
  const once = await settle(retry(() => Promise.reject(retriable()), { retriable: isRetriable, baseMs: 1000, maxMs: 1000, stop: () => true }));
  expect(once.status).toBe('rejected');
  expect(Date.now() - before).toBeLessThanOrEqual(1);
});
