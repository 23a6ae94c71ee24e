/**
 * What the fuzz tests share: running numbered, seeded cases; checking that whatever a case threw
 * is one of kafkaesque's typed errors; watching allocations, memory and time.
 */
import { KafkaesqueError } from '../../protocol/errors.js';
import { fuzzSeed, onlyCase, Rng } from './mutate.js';

export const SEED = fuzzSeed();
export const ONLY_CASE = onlyCase();

/** What a failing case reports: enough to replay it and to save it as a regression. */
export interface CaseContext {
  target: string;
  index: number;
  /** Where the input came from (corpus entry, random) and the mutations applied. */
  origin: string;
  input: Buffer;
  /** Extra fields for the regression file (apiKey, version, compression). */
  regression?: Record<string, unknown>;
}

export class FuzzFailure extends Error {}

function describeCase(ctx: CaseContext, problem: string): string {
  const hex = ctx.input.toString('hex');
  const regression = JSON.stringify({ target: ctx.target, ...ctx.regression, note: problem.split('\n')[0], input: hex });
  return (
    `fuzz ${ctx.target} case ${ctx.index} (seed 0x${SEED.toString(16)}; replay: ` +
    `KAFKAESQUE_FUZZ_SEED=0x${SEED.toString(16)} KAFKAESQUE_FUZZ_CASE=${ctx.index}): ${problem}\n` +
    `  input: ${ctx.origin}, ${ctx.input.length} bytes\n` +
    `  to keep it, save as test/fixtures/fuzz/regressions/<name>.json:\n  ${regression.length > 4000 ? regression.slice(0, 4000) + '...' : regression}`
  );
}

/** Throws a FuzzFailure unless `err` is a typed kafkaesque error. */
export function expectTyped(err: unknown, ctx: CaseContext, what: string): void {
  if (err instanceof FuzzFailure) throw err;
  if (err instanceof KafkaesqueError) return;
  const e = err as Error;
  const detail = e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack ?? ''}` : String(err);
  throw new FuzzFailure(describeCase(ctx, `${what} threw an untyped error: ${detail}`));
}

export function fail(ctx: CaseContext, problem: string): never {
  throw new FuzzFailure(describeCase(ctx, problem));
}

/**
 * Largest single Buffer allocation (`Buffer.alloc`, `allocUnsafe`, `allocUnsafeSlow`) and largest
 * `new Array(n)` made while the spy is on. Installed around the cases, so an allocation sized by a
 * hostile length field is seen even when it would have succeeded: V8 makes `new Array(2 ** 32 - 2)`
 * cheaply (a sparse array), so a decoder that trusted a count would only be slow, not crash.
 */
export class AllocationSpy {
  private saved: Partial<Record<'alloc' | 'allocUnsafe' | 'allocUnsafeSlow', (...args: never[]) => Buffer>> = {};
  private savedArray: ArrayConstructor | undefined;
  largest = 0;
  largestArray = 0;
  /** `new Array(n)` calls seen. */
  arrays = 0;
  /** Allocations seen, to prove the spy is in the decoders' path. */
  calls = 0;

  install(): void {
    for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
      const original = Buffer[name] as (size: number, ...rest: unknown[]) => Buffer;
      this.saved[name] = original as never;
      const spy = this;
      (Buffer as unknown as Record<string, unknown>)[name] = function (size: number, ...rest: unknown[]): Buffer {
        spy.calls++;
        if (typeof size === 'number' && size > spy.largest) spy.largest = size;
        return original.call(Buffer, size, ...rest);
      };
    }
  }

  /** Also watches `new Array(n)` / `Array(n)` (array literals do not go through the constructor). */
  installArraySpy(): void {
    const original = globalThis.Array;
    this.savedArray = original;
    const spy = this;
    const watch = (args: unknown[]): void => {
      spy.arrays++;
      if (args.length === 1 && typeof args[0] === 'number' && args[0] > spy.largestArray) spy.largestArray = args[0];
    };
    globalThis.Array = new Proxy(original, {
      construct(target, args, newTarget) {
        watch(args);
        return Reflect.construct(target, args, newTarget === globalThis.Array ? target : newTarget) as object;
      },
      apply(target, thisArg, args) {
        watch(args);
        return Reflect.apply(target, thisArg, args) as unknown;
      },
    });
  }

  uninstall(): void {
    for (const [name, fn] of Object.entries(this.saved)) (Buffer as unknown as Record<string, unknown>)[name] = fn;
    this.saved = {};
    if (this.savedArray !== undefined) globalThis.Array = this.savedArray;
    this.savedArray = undefined;
  }
}

/** Peak memory seen by `sample()`, against the level when the run started. */
export class MemoryWatch {
  readonly startRss = process.memoryUsage().rss;
  peakRss = this.startRss;
  /**
   * ArrayBuffers alive when the watch started: a jest worker runs several test files, and what the
   * earlier ones left for the GC counts in process.memoryUsage() until it is collected.
   */
  readonly startArrayBuffers = process.memoryUsage().arrayBuffers;
  peakArrayBuffers = this.startArrayBuffers;

  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.arrayBuffers > this.peakArrayBuffers) this.peakArrayBuffers = m.arrayBuffers;
  }

  get rssGrowth(): number {
    return this.peakRss - this.startRss;
  }

  /** How far ArrayBuffers rose above what was alive at the start: what the fuzzed code allocated. */
  get arrayBuffersGrowth(): number {
    return this.peakArrayBuffers - this.startArrayBuffers;
  }
}

export interface RunStats {
  cases: number;
  ms: number;
  slowestMs: number;
  slowestCase: number;
}

/**
 * Runs cases 0..count-1 of one target (or only KAFKAESQUE_FUZZ_CASE), each with its own
 * generator derived from the seed, the target's stream number and the index. Yields to the event
 * loop every 256 cases: node:zlib releases a failed synchronous inflate's buffers on the next
 * tick, so a loop that never yields would see memory grow that a client (which yields between
 * fetches) never holds.
 */
export async function runCases(
  stream: number,
  count: number,
  runCase: (rng: Rng, index: number) => void,
  memory?: MemoryWatch,
): Promise<RunStats> {
  const start = performance.now();
  let slowestMs = 0;
  let slowestCase = -1;
  let cases = 0;
  for (let i = 0; i < count; i++) {
    if (ONLY_CASE !== undefined && i !== ONLY_CASE) continue;
    const t0 = performance.now();
    runCase(new Rng(SEED, stream * 0x100000 + i), i);
    const dt = performance.now() - t0;
    if (dt > slowestMs) {
      slowestMs = dt;
      slowestCase = i;
    }
    cases++;
    if ((i & 255) === 255) {
      memory?.sample();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  memory?.sample();
  return { cases, ms: performance.now() - start, slowestMs, slowestCase };
}

/**
 * How far a case got before it was refused, furthest last: refused in the frame's header (or, for
 * a record set or compressed data, in its framing: size, magic, CRC); refused at or before the
 * first length or count field of the body; refused later in the body; parsed whole but followed
 * by bytes the schema does not have; decoded.
 */
export const STAGES = ['header', 'first check', 'body', 'trailing', 'decoded'] as const;
export type Stage = (typeof STAGES)[number];

/** Cases that got past the first checks: the mutation reached the decoder behind them. */
export const PAST_FIRST_CHECKS: readonly Stage[] = ['body', 'trailing', 'decoded'];

/** Where cases ended, per kind of case (`mutated frame`, `random frame`, ...) and label (API, codec). */
export class ReachTally {
  readonly rows = new Map<string, { kind: string; label: string; stages: Record<Stage, number> }>();

  add(kind: string, label: string, stage: Stage): void {
    const key = `${kind}\0${label}`;
    let row = this.rows.get(key);
    if (row === undefined) {
      row = { kind, label, stages: { header: 0, 'first check': 0, body: 0, trailing: 0, decoded: 0 } };
      this.rows.set(key, row);
    }
    row.stages[stage]++;
  }

  get(kind: string, label: string): { cases: number; past: number; refused: number } | undefined {
    const row = this.rows.get(`${kind}\0${label}`);
    if (row === undefined) return undefined;
    const cases = STAGES.reduce((n, s) => n + row.stages[s], 0);
    const past = PAST_FIRST_CHECKS.reduce((n, s) => n + row.stages[s], 0);
    return { cases, past, refused: cases - row.stages.decoded };
  }

  /** One line per kind and label: cases, the share of each stage, the share past the first checks. */
  table(): string {
    const pct = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`.padStart(6);
    const lines = [`  ${'kind'.padEnd(22)} ${'label'.padEnd(24)} ${'cases'.padStart(6)} ${STAGES.map((s) => s.padStart(11)).join(' ')}        past`];
    const rows = [...this.rows.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
    for (const row of rows) {
      const { cases, past } = this.get(row.kind, row.label)!;
      lines.push(
        `  ${row.kind.padEnd(22)} ${row.label.padEnd(24)} ${String(cases).padStart(6)} ${STAGES.map((s) => pct(row.stages[s], cases).padStart(11)).join(' ')} ${pct(past, cases).padStart(11)}`,
      );
    }
    return lines.join('\n');
  }
}
