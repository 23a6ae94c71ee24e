/**
 * Hostile input for the codec (issue #8): response frames captured from a real broker
 * (test/fixtures/fuzz/corpus/), mutated (bit flips, byte replacement, truncation, extension,
 * length and count fields set to 0x7fffffff / -1 / -2 and friends, splicing, chunks deleted or
 * repeated), decoded under their own version and others, plus purely random frames; the record
 * sets and compressed records sections inside them; the consumer protocol bytes of JoinGroup and
 * SyncGroup. Every input must decode or fail with a typed kafkaesque error; no decoder may
 * allocate from a length it has not checked (a Buffer spy watches every allocation, and process
 * memory is sampled); no case may hang.
 *
 * Seeded: a failure prints the seed and case index (replay with KAFKAESQUE_FUZZ_SEED and
 * KAFKAESQUE_FUZZ_CASE) and the input as a regression file to keep under
 * test/fixtures/fuzz/regressions/, which every run replays first. KAFKAESQUE_FUZZ_SCALE=10 runs
 * ten times as many cases.
 */
import type { ApiCodec } from '../../protocol/api.js';
import { compress, CompressionType, decompress, type CompressionTypeId } from '../../protocol/compression/index.js';
import { decodeResponseHeader } from '../../protocol/header.js';
import { decodeAssignment, decodeSubscription } from '../../protocol/messages/consumer-protocol.js';
import { Reader } from '../../protocol/reader.js';
import { decodeRecordSet, encodeRecordBatch, nextOffsetAfter, RecordBatchError } from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { CODECS, type CorpusEntry, loadCorpus, loadRegressions, type Regression } from './corpus.js';
import { AllocationSpy, type CaseContext, expectTyped, fail, MemoryWatch, type RunStats, runCases, SEED } from './harness.js';
import { fixBatchCrcs, fuzzScale, mutate, type Rng } from './mutate.js';

jest.setTimeout(180_000);

const SCALE = fuzzScale();
const COUNTS = {
  responses: Math.round(60_000 * SCALE),
  random: Math.round(10_000 * SCALE),
  records: Math.round(30_000 * SCALE),
  decompress: Math.round(15_000 * SCALE),
  consumerProtocol: Math.round(5_000 * SCALE),
};
/** maxDecompressedBytes of the cases: small, so a bomb is refused quickly. */
const LIMIT = 1024 * 1024;
/** No allocation may exceed this (beyond the decompression limit) for an input of `n` bytes. */
const allocationBound = (n: number): number => LIMIT + 8 * n + 256 * 1024;
/** No `new Array(n)` may exceed this: one element per input byte, or one record per 7 decompressed bytes. */
const arrayBound = (n: number): number => n + Math.ceil(LIMIT / 7);
const MAX_CASE_MS = 2_000;

const corpus = loadCorpus();
const CODEC_LIST = [...CODECS.values()];

// ---- material derived from the corpus ----------------------------------------------------

interface Sample {
  origin: string;
  data: Buffer;
}

/** Buffers under the given keys anywhere in a decoded response. */
function buffersUnder(value: unknown, key: string, out: Buffer[] = [], depth = 0): Buffer[] {
  if (depth > 12 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === key && Buffer.isBuffer(v)) out.push(v);
    else if (typeof v === 'object') buffersUnder(v, key, out, depth + 1);
  }
  return out;
}

function decodeFrame(codec: ApiCodec<unknown, unknown>, version: number, frame: Buffer): unknown {
  const r = new Reader(frame);
  decodeResponseHeader(r, codec.responseHeaderVersion(version));
  const res = codec.decodeResponse(r, version);
  r.expectEnd(`${codec.name} v${version} response`);
  return res;
}

const decodedCorpus = corpus.map((e) => ({ entry: e, response: decodeFrame(CODECS.get(e.apiKey)!, e.version, e.frame) }));

/** Record sets of the captured Fetch responses, plus locally encoded batches (headers, every codec, many records). */
const recordSets: Sample[] = [];
for (const { entry, response } of decodedCorpus) {
  for (const set of buffersUnder(response, 'records')) {
    if (set.length > 0) recordSets.push({ origin: `records of ${entry.api} v${entry.version}`, data: Buffer.from(set) });
  }
}
for (const compression of [0, 1, 2, 3, 4] as CompressionTypeId[]) {
  const w = new Writer();
  encodeRecordBatch(w, {
    compression,
    baseOffset: 1000n,
    baseTimestamp: 1_700_000_000_000,
    records: Array.from({ length: 12 }, (_, i) => ({
      key: i % 3 === 0 ? null : `k${i}`,
      value: i % 5 === 0 ? null : Buffer.alloc(i * 7, i),
      headers: i % 2 ? [{ key: `h${i}`, value: i % 4 ? 'x' : null }] : [],
      timestamp: 1_700_000_000_000 + i * 1000,
    })),
  });
  recordSets.push({ origin: `local batch, compression ${compression}`, data: Buffer.from(w.finish()) });
}

/** Compressed records sections (batch body after the 61-byte header), by codec. */
const compressed: Array<Sample & { type: CompressionTypeId }> = [];
for (const set of recordSets) {
  let pos = 0;
  while (set.data.length - pos >= 61) {
    const len = set.data.readInt32BE(pos + 8);
    const type = (set.data.readInt16BE(pos + 21) & 7) as CompressionTypeId;
    if (type !== 0) {
      compressed.push({ origin: `${['', 'gzip', 'snappy', 'lz4', 'zstd'][type]} section of ${set.origin}`, type, data: set.data.subarray(pos + 61, pos + 12 + len) });
    }
    pos += 12 + len;
  }
}
// Each codec also gets data that compresses well (long matches, large declared sizes)
for (const type of [1, 2, 3, 4] as CompressionTypeId[]) {
  compressed.push({ origin: `local ${type} of 64 KiB of a repeating pattern`, type, data: compress(type, Buffer.alloc(64 * 1024, 'abcdefgh')) });
}
/** Magic numbers, so random bytes after them reach each codec's framing code. */
const CODEC_MAGIC: Record<number, Buffer[]> = {
  1: [Buffer.from('1f8b0800000000000000', 'hex')],
  2: [Buffer.from('82534e41505059000000000100000001', 'hex'), Buffer.alloc(0)],
  3: [Buffer.from('04224d1860', 'hex'), Buffer.from('04224d1864', 'hex')],
  4: [Buffer.from('28b52ffd', 'hex'), Buffer.from('28b52ffd2400', 'hex')],
};

const assignments: Sample[] = [];
const subscriptions: Sample[] = [];
for (const { entry, response } of decodedCorpus) {
  for (const b of buffersUnder(response, 'assignment')) if (b.length) assignments.push({ origin: `assignment of ${entry.api} v${entry.version}`, data: Buffer.from(b) });
  for (const b of buffersUnder(response, 'metadata')) if (b.length) subscriptions.push({ origin: `member metadata of ${entry.api} v${entry.version}`, data: Buffer.from(b) });
}

// ---- checks ------------------------------------------------------------------------------

/** Decodes a record set both ways (whole and batch headers only); neither may throw. */
function checkRecordSet(data: Buffer, ctx: CaseContext, verifyCrc: boolean): void {
  let result;
  try {
    result = decodeRecordSet(data, { maxDecompressedBytes: LIMIT, verifyCrc });
    nextOffsetAfter(data);
  } catch (err) {
    expectTyped(err, ctx, 'decodeRecordSet');
    fail(ctx, `decodeRecordSet threw ${(err as Error).message} instead of returning the error`);
  }
  if (result.error !== undefined && !(result.error instanceof RecordBatchError)) {
    fail(ctx, `decodeRecordSet returned an error that is not a RecordBatchError: ${String(result.error)}`);
  }
  if (result.batches.length > 0) outcomes.recordSetsWithBatches++;
  if (result.error !== undefined) outcomes.recordSetsWithError++;
  if (result.bytesRead + result.partialBytes > data.length) fail(ctx, `decodeRecordSet claims ${result.bytesRead}+${result.partialBytes} bytes of ${data.length}`);
}

function checkConsumerProtocol(data: Buffer, kind: 'assignment' | 'subscription', ctx: CaseContext): void {
  try {
    if (kind === 'assignment') decodeAssignment(data);
    else decodeSubscription(data);
  } catch (err) {
    expectTyped(err, ctx, `decode ${kind}`);
  }
}

/** Decodes a response frame; when it parses, what it carries (records, consumer protocol) and its re-encoding. */
function checkResponse(codec: ApiCodec<unknown, unknown>, version: number, frame: Buffer, ctx: CaseContext): void {
  let response: unknown;
  try {
    response = decodeFrame(codec, version, frame);
  } catch (err) {
    expectTyped(err, ctx, `${codec.name} v${version} decode`);
    outcomes.typedError++;
    return;
  }
  outcomes.decoded++;
  for (const set of buffersUnder(response, 'records')) checkRecordSet(set, ctx, true);
  for (const b of buffersUnder(response, 'assignment')) checkConsumerProtocol(b, 'assignment', ctx);
  for (const b of buffersUnder(response, 'metadata')) checkConsumerProtocol(b, 'subscription', ctx);
  try {
    codec.encodeResponse(new Writer(), response, version);
  } catch (err) {
    expectTyped(err, ctx, `${codec.name} v${version} re-encode of a decoded response`);
  }
}

function checkDecompress(type: CompressionTypeId, data: Buffer, ctx: CaseContext): void {
  try {
    const out = decompress(type, data, LIMIT);
    if (out.length > LIMIT) fail(ctx, `decompress returned ${out.length} bytes, over the limit of ${LIMIT}`);
    outcomes.decompressed++;
  } catch (err) {
    expectTyped(err, ctx, `decompress (${type})`);
  }
}

// ---- the run -----------------------------------------------------------------------------

const spy = new AllocationSpy();
/** How cases ended, to show the mutations reach past the first checks. */
const outcomes = { decoded: 0, typedError: 0, recordSetsWithBatches: 0, recordSetsWithError: 0, decompressed: 0 };
const memory = new MemoryWatch();
const stats: Record<string, RunStats> = {};

/** Wraps a case: allocation bound and timing are checked around the target's own checks. */
function guarded(ctx: CaseContext, check: () => void): void {
  spy.largest = 0;
  spy.largestArray = 0;
  const t0 = performance.now();
  check();
  const ms = performance.now() - t0;
  if (spy.largestArray > arrayBound(ctx.input.length)) {
    fail(ctx, `made an array of ${spy.largestArray} elements for an input of ${ctx.input.length} bytes (bound ${arrayBound(ctx.input.length)})`);
  }
  if (spy.largest > allocationBound(ctx.input.length)) {
    fail(ctx, `allocated ${spy.largest} bytes at once for an input of ${ctx.input.length} bytes (bound ${allocationBound(ctx.input.length)})`);
  }
  if (ms > MAX_CASE_MS) fail(ctx, `took ${ms.toFixed(0)} ms`);
}

function pickVersion(rng: Rng, codec: ApiCodec<unknown, unknown>, own: number): number {
  // mostly the version the frame was captured at; sometimes another, as a confused peer would send
  return rng.chance(0.85) ? own : codec.minVersion + rng.int(codec.maxVersion - codec.minVersion + 1);
}

beforeAll(() => {
  spy.install();
  spy.installArraySpy();
});
afterAll(() => {
  spy.uninstall();
  const lines = Object.entries(stats).map(
    ([k, s]) => `  ${k.padEnd(18)} ${String(s.cases).padStart(7)} cases ${s.ms.toFixed(0).padStart(6)} ms (slowest case ${s.slowestCase}: ${s.slowestMs.toFixed(1)} ms)`,
  );
  const total = Object.values(stats).reduce((n, s) => n + s.cases, 0);
  process.stderr.write(
    `fuzz decoders, seed 0x${SEED.toString(16)}: ${total} cases\n${lines.join('\n')}\n` +
      `  outcomes: ${JSON.stringify(outcomes)}\n` +
      `  peak rss +${(memory.rssGrowth / 2 ** 20).toFixed(0)} MiB, peak arrayBuffers ${(memory.peakArrayBuffers / 2 ** 20).toFixed(0)} MiB\n`,
  );
});

test('the corpus is there and decodes as captured', () => {
  expect(corpus.length).toBeGreaterThan(50);
  const apis = new Set(corpus.map((e) => e.api));
  for (const api of ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets', 'FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'OffsetCommit', 'OffsetFetch']) {
    expect(apis).toContain(api);
  }
  // record batches of every codec reach the record-set and decompression cases
  expect(new Set(compressed.map((c) => c.type))).toEqual(new Set([1, 2, 3, 4]));
  expect(assignments.length).toBeGreaterThan(0);
  expect(subscriptions.length).toBeGreaterThan(0);
});

test('regressions: every input that once broke a decoder is replayed', () => {
  const regressions = loadRegressions();
  expect(regressions.length).toBeGreaterThan(0);
  for (const reg of regressions) replayRegression(reg);
});

function replayRegression(reg: Regression): void {
  const ctx: CaseContext = {
    target: `regression ${reg.name}`,
    index: 0,
    origin: reg.note,
    input: reg.input,
    regression: { target: reg.target, apiKey: reg.apiKey, version: reg.version, compression: reg.compression },
  };
  guarded(ctx, () => {
    switch (reg.target) {
      case 'response': {
        const codec = CODECS.get(reg.apiKey!);
        if (codec === undefined) throw new Error(`${reg.name}: no codec for API key ${reg.apiKey}`);
        checkResponse(codec, reg.version!, reg.input, ctx);
        break;
      }
      case 'records':
        checkRecordSet(reg.input, ctx, true);
        checkRecordSet(reg.input, ctx, false);
        break;
      case 'decompress':
        checkDecompress(reg.compression as CompressionTypeId, reg.input, ctx);
        break;
      case 'assignment':
      case 'subscription':
        checkConsumerProtocol(reg.input, reg.target, ctx);
        break;
      case 'connection':
        break; // replayed by connection.test.ts
    }
  });
  if (reg.expect !== undefined && reg.target !== 'connection') {
    const got = outcomeOf(reg);
    const [cls, text] = reg.expect.split(/: (.*)/s);
    if (!got.startsWith(`${cls}:`) || (text !== undefined && !got.includes(text))) fail(ctx, `ended in ${got}, expected ${reg.expect}`);
  }
}

/** `Class: message` of the error a regression input ends in, or 'success:'. */
function outcomeOf(reg: Regression): string {
  const named = (e: Error | undefined): string => (e === undefined ? 'success:' : `${e.constructor.name}: ${e.message}`);
  try {
    switch (reg.target) {
      case 'response': {
        const codec = CODECS.get(reg.apiKey!)!;
        decodeFrame(codec, reg.version!, reg.input);
        return named(undefined);
      }
      case 'records':
        return named(decodeRecordSet(reg.input, { maxDecompressedBytes: LIMIT }).error);
      case 'decompress':
        decompress(reg.compression as CompressionTypeId, reg.input, LIMIT);
        return named(undefined);
      case 'assignment':
        decodeAssignment(reg.input);
        return named(undefined);
      case 'subscription':
        decodeSubscription(reg.input);
        return named(undefined);
      default:
        return named(undefined);
    }
  } catch (err) {
    return named(err as Error);
  }
}

test(`mutated response frames of every captured API and version (${COUNTS.responses} cases)`, async () => {
  const frames = corpus.map((e) => e.frame);
  stats.responses = await runCases(
    1,
    COUNTS.responses,
    (rng, index) => {
      const entry: CorpusEntry = rng.pick(corpus);
      const codec = CODECS.get(entry.apiKey)!;
      const { data, applied } = mutate(rng, entry.frame, frames);
      const version = pickVersion(rng, codec, entry.version);
      const ctx: CaseContext = {
        target: 'response',
        index,
        origin: `${entry.api} v${entry.version} frame, ${applied.join('+')}, decoded as v${version}`,
        input: data,
        regression: { apiKey: codec.apiKey, version },
      };
      guarded(ctx, () => checkResponse(codec, version, data, ctx));
    },
    memory,
  );
});

test(`random frames for every response decoder (${COUNTS.random} cases)`, async () => {
  stats.random = await runCases(
    2,
    COUNTS.random,
    (rng, index) => {
      const codec = rng.pick(CODEC_LIST);
      const version = codec.minVersion + rng.int(codec.maxVersion - codec.minVersion + 1);
      // a correlation id, then noise: short frames mostly, some long
      const data = Buffer.concat([rng.bytes(4), rng.bytes(rng.chance(0.9) ? rng.int(64) : rng.int(2048))]);
      const ctx: CaseContext = { target: 'response', index, origin: `random bytes as ${codec.name} v${version}`, input: data, regression: { apiKey: codec.apiKey, version } };
      guarded(ctx, () => checkResponse(codec, version, data, ctx));
    },
    memory,
  );
});

test(`mutated record sets, every codec, with and without repaired CRCs (${COUNTS.records} cases)`, async () => {
  const sets = recordSets.map((s) => s.data);
  stats.records = await runCases(
    3,
    COUNTS.records,
    (rng, index) => {
      const sample = rng.pick(recordSets);
      const { data, applied } = mutate(rng, sample.data, sets);
      // with the CRC repaired, the mutation reaches the header checks, decompression and records
      const repaired = rng.chance(0.6);
      if (repaired) fixBatchCrcs(data); // mutations always return a copy
      const verifyCrc = repaired || rng.chance(0.5);
      const ctx: CaseContext = { target: 'records', index, origin: `${sample.origin}, ${applied.join('+')}${repaired ? ', CRC repaired' : ''}`, input: data };
      guarded(ctx, () => checkRecordSet(data, ctx, verifyCrc));
    },
    memory,
  );
});

test(`mutated and random compressed data for gzip, snappy, lz4 and zstd (${COUNTS.decompress} cases)`, async () => {
  const sections = compressed.map((c) => c.data);
  stats.decompress = await runCases(
    4,
    COUNTS.decompress,
    (rng, index) => {
      let type: CompressionTypeId;
      let data: Buffer;
      let origin: string;
      if (rng.chance(0.8)) {
        const sample = rng.pick(compressed);
        const m = mutate(rng, sample.data, sections);
        type = rng.chance(0.9) ? sample.type : (rng.int(5) as CompressionTypeId); // sometimes the wrong codec
        data = m.data;
        origin = `${sample.origin}, ${m.applied.join('+')}, as codec ${type}`;
      } else {
        type = (1 + rng.int(4)) as CompressionTypeId;
        data = Buffer.concat([rng.pick(CODEC_MAGIC[type]!), rng.bytes(rng.int(256))]);
        origin = `codec ${type} magic then random bytes`;
      }
      const ctx: CaseContext = { target: 'decompress', index, origin, input: data, regression: { compression: type } };
      guarded(ctx, () => checkDecompress(type, data, ctx));
    },
    memory,
  );
  expect(CompressionType.Zstd).toBe(4);
});

test(`mutated consumer protocol assignments and subscriptions (${COUNTS.consumerProtocol} cases)`, async () => {
  const all = [...assignments, ...subscriptions];
  const datas = all.map((s) => s.data);
  stats.consumerProtocol = await runCases(
    5,
    COUNTS.consumerProtocol,
    (rng, index) => {
      const kind = rng.chance(0.5) ? 'assignment' : 'subscription';
      const sample = rng.pick(kind === 'assignment' ? assignments : subscriptions);
      const { data, applied } = mutate(rng, sample.data, datas);
      const ctx: CaseContext = { target: kind, index, origin: `${sample.origin}, ${applied.join('+')}`, input: data };
      guarded(ctx, () => checkConsumerProtocol(data, kind, ctx));
    },
    memory,
  );
});

test('memory stayed bounded and at least 100,000 decoder cases ran', () => {
  memory.sample();
  // a decoder that allocated from a hostile length would show here even if the spy missed it
  expect(memory.rssGrowth).toBeLessThan(256 * 2 ** 20);
  expect(memory.peakArrayBuffers).toBeLessThan(128 * 2 ** 20);
  expect(spy.calls).toBeGreaterThan(0); // the allocation spy saw the decoders' allocations
  expect(spy.arrays).toBeGreaterThan(0); // and their arrays
  const total = Object.values(stats).reduce((n, s) => n + s.cases, 0);
  if (process.env.KAFKAESQUE_FUZZ_CASE === undefined) expect(total).toBeGreaterThanOrEqual(100_000 * Math.min(1, SCALE));
});
