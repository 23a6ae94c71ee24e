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
