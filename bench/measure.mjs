// Throughput of a function, for the micro-benchmarks (records, schema codecs).
import { performance } from 'node:perf_hooks';

/**
 * Runs `fn` for a 200 ms warm-up, then 5 rounds of `seconds / 5` each; returns the median
 * calls per second of the rounds.
 */
export function medianRate(fn, seconds) {
  const until = performance.now() + 200;
  while (performance.now() < until) fn();
  const rates = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = performance.now();
    const end = start + (seconds * 1000) / 5;
    while (performance.now() < end) {
      fn();
      n++;
    }
    rates.push(n / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[2];
}
