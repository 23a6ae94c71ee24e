/**
 * Retrying with backoff: the one loop every layer uses to try a request again (coordinator
 * lookups, commits, joins, metadata waits, InitProducerId), so each says only what is worth
 * retrying and for how long.
 */
import { KafkaesqueError } from '../../protocol/errors.js';

/**
 * Exponential backoff with jitter, as the Java client computes it (KIP-580):
 * `min(maxMs, baseMs * 2^attempt) * random(0.8..1.2)`.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  if (baseMs >= maxMs) return maxMs;
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  const jitter = 0.8 + random() * 0.4;
  return Math.max(0, Math.round(exp * jitter));
}

/** A promise that resolves after `ms`; the timer does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** An error the client marked retriable (Java's RetriableException): only these are tried again. */
export function isRetriable(err: unknown): boolean {
  return err instanceof KafkaesqueError && err.retriable;
}

/**
 * Anything but an error the client marked final: besides retriable ones, a plain Error (a
 * socket's, say) is worth another attempt too.
 */
export function isNotFinal(err: unknown): boolean {
  return !(err instanceof KafkaesqueError && !err.retriable);
}

export interface RetryOptions {
  /** Whether another attempt may succeed after `err`; when not, `err` is thrown at once. */
  retriable: (err: unknown) => boolean;
  /** First wait and cap of the backoff (Java: retry.backoff.ms, retry.backoff.max.ms). */
  baseMs: number;
  maxMs: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /**
   * No attempt starts after this time (a Date.now() value). By default the retries end when the
   * next wait would pass it, as Java's Timer-bounded loops do (commitSync, ensureCoordinatorReady);
   * with `lastAttemptAtDeadline` the wait is cut short and one last attempt made at the deadline.
   */
  deadlineMs?: number;
  lastAttemptAtDeadline?: boolean;
  /** Asked after a failure, before and after the wait: true ends the retries (closing, say). */
  stop?: () => boolean;
  /** Told of each failure about to be retried, with the wait before the next attempt. */
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
  /** What to throw when the attempts or the time run out; by default the last error. */
  exhausted?: (last: unknown) => unknown;
  /** The jitter's randomness (tests pass a seeded one). */
  random?: () => number;
}

/**
 * Runs `fn` (given the attempt number, from 0) until it resolves, waiting `backoffMs` between
 * attempts. A failure `retriable` refuses is thrown at once; when `stop` says so the last
 * failure is thrown; when `maxAttempts` or `deadlineMs` runs out, `exhausted(last)` is.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!o.retriable(err) || o.stop?.()) throw err;
      const giveUp = (): unknown => (o.exhausted === undefined ? err : o.exhausted(err));
      if (o.maxAttempts !== undefined && attempt + 1 >= o.maxAttempts) throw giveUp();
      let wait = backoffMs(attempt, o.baseMs, o.maxMs, o.random);
      if (o.deadlineMs !== undefined) {
        const left = o.deadlineMs - Date.now();
        if (o.lastAttemptAtDeadline) {
          if (left <= 0) throw giveUp();
          wait = Math.min(wait, left);
        } else if (wait > left) {
          throw giveUp();
        }
      }
      o.onRetry?.(err, attempt, wait);
      await sleep(wait);
      if (o.stop?.()) throw err;
    }
  }
}
