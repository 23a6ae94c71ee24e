/** Waiting helpers shared by the tests against the real broker. */
import type { Consumer, ConsumerMessage } from '../../src/client/consumer.js';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `everyMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 20_000, what = 'condition', everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Like `until`, for a condition that must ask the broker: polls the async `cond` every 100 ms. */
export async function eventually(cond: () => Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Reads `n` messages from a group consumer (marking each), or what came within `timeoutMs`. */
export async function readMarked(consumer: Consumer, n: number, timeoutMs: number): Promise<ConsumerMessage[]> {
  const out: ConsumerMessage[] = [];
  const it = consumer.messages();
  const deadline = Date.now() + timeoutMs;
  while (out.length < n && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([it.next(), new Promise<null>((r) => (timer = setTimeout(() => r(null), deadline - Date.now())))]);
    clearTimeout(timer);
    if (next === null || next.done) break;
    out.push(next.value);
    consumer.markOffset(next.value);
  }
  return out;
}
