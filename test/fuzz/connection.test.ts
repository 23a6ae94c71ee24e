/**
 * Hostile input for a live BrokerConnection (issue #8): a fake broker answers each request with a
 * captured response frame (test/fixtures/fuzz/corpus/) mutated, or with random bytes, under an
 * honest or a hostile size prefix (0x7fffffff, -1, -2, 256 MiB, a few bytes too many or too few,
 * 0), delivered whole or in pieces, sometimes with garbage after it or with a correlation id
 * nobody asked for; and mutated ApiVersions answers during negotiation. Every request must settle
 * (resolve, or reject with a typed kafkaesque error), a size prefix the connection refuses must
 * fail at once rather than wait for a timeout, nothing may escape as an uncaught exception, and
 * memory must stay bounded. The real broker answers throughout on its own connection.
 *
 * Seeded like decoders.test.ts: KAFKAESQUE_FUZZ_SEED, KAFKAESQUE_FUZZ_CASE, KAFKAESQUE_FUZZ_SCALE.
 */
import type { ApiCodec } from '../../protocol/api.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import { ApiVersions } from '../../protocol/messages/api-versions.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { ProtocolViolationError } from '../../src/network/errors.js';
import { brokerAddress } from '../helpers/broker.js';
import { FakeBroker, type FakeRequest } from '../helpers/fake-broker.js';
import { CODECS, type CorpusEntry, loadCorpus, loadRegressions } from './corpus.js';
import { type CaseContext, fail, MemoryWatch, ONLY_CASE, SEED } from './harness.js';
import { fuzzScale, mutate, Rng } from './mutate.js';

jest.setTimeout(180_000);

const SCALE = fuzzScale();
const COUNTS = { responses: Math.round(8_000 * SCALE), negotiation: Math.round(1_000 * SCALE) };
const MAX_FRAME_BYTES = 100 * 1024 * 1024; // the default, stated so the test knows it
const REQUEST_TIMEOUT_MS = 1_000;
/** A case that has not settled by then is a hang. */
const SETTLE_GUARD_MS = 4_000;

const corpus = loadCorpus();
const frames = corpus.map((e) => e.frame);
const apiVersionsFrames = corpus.filter((e) => e.apiKey === ApiVersions.apiKey);

/** A codec that sends an empty body (the fake ignores it) and decodes the real API's response. */
function anyRequest(codec: ApiCodec<unknown, unknown>): ApiCodec<unknown, unknown> {
  return { ...codec, encodeRequest: () => {} };
}

/** What the fake does with the next request. */
type Responder = (req: FakeRequest) => void;
let respond: Responder | undefined;
let negotiate: Responder | undefined;
let fake: FakeBroker;
let conn: BrokerConnection | undefined;
const escaped: unknown[] = [];
const onUncaught = (err: unknown): void => void escaped.push(err);
const memory = new MemoryWatch();
const tally = { resolved: 0, rejected: new Map<string, number>(), failedFast: 0, negotiated: 0, negotiationRejected: 0 };

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  fake = await FakeBroker.start({
    onRequest: (req) => respond?.(req),
    onApiVersions: (req) => {
      if (negotiate) negotiate(req);
      else writeRaw(req.socket, [apiVersionsOk(req.header.correlationId, req.header.requestApiVersion)]);
    },
  });
});

afterAll(async () => {
  conn?.close();
  await fake?.stop();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  const rejected = [...tally.rejected].map(([k, n]) => `${k} ${n}`).join(', ');
  process.stderr.write(
    `fuzz connection, seed 0x${SEED.toString(16)}: ${COUNTS.responses} response cases (resolved ${tally.resolved}; ` +
      `rejected: ${rejected}; refused frame sizes failed fast ${tally.failedFast}), ${COUNTS.negotiation} negotiation cases ` +
      `(connected ${tally.negotiated}, rejected ${tally.negotiationRejected}); peak rss +${(memory.rssGrowth / 2 ** 20).toFixed(0)} MiB, ` +
      `peak arrayBuffers +${(memory.arrayBuffersGrowth / 2 ** 20).toFixed(0)} MiB\n`,
  );
});

function apiVersionsOk(correlationId: number, version: number): Buffer {
  // the captured answer of that version, with this request's correlation id
  const entry = apiVersionsFrames.find((e) => e.version === version) ?? apiVersionsFrames[0]!;
  return withSize(withCorrelationId(entry.frame, correlationId));
}

function withCorrelationId(frame: Buffer, correlationId: number): Buffer {
  const out = Buffer.from(frame);
  if (out.length >= 4) out.writeInt32BE(correlationId, 0);
  return out;
}

function withSize(body: Buffer, size = body.length): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  return Buffer.concat([prefix, body]);
}

/** Writes the pieces, each in its own turn of the event loop so they arrive as separate chunks. */
function writeRaw(socket: FakeRequest['socket'], pieces: Buffer[], endAfter = false): void {
  const next = (i: number): void => {
    if (socket.destroyed) return;
    if (i === pieces.length) {
      if (endAfter) socket.destroy();
      return;
    }
    socket.write(pieces[i]!);
    if (pieces.length === 1) next(i + 1);
    else setImmediate(() => next(i + 1));
  };
  next(0);
}

function split(rng: Rng, wire: Buffer): Buffer[] {
  if (!rng.chance(0.3) || wire.length < 2) return [wire];
  const cuts = [...new Set(Array.from({ length: 1 + rng.int(5) }, () => 1 + rng.int(wire.length - 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(wire.subarray(at, c));
    at = c;
  }
  out.push(wire.subarray(at));
  return out;
}

const EVIL_SIZES = [0x7fffffff, -1, -2, 0x10000000, -0x80000000];

interface Plan {
  /** What the fake writes: the size prefix, the body, maybe garbage after. */
  wire: Buffer;
  declared: number;
  actual: number;
  /** Declared size the connection must refuse at once (negative or above maxFrameBytes). */
  refused: boolean;
  /** The fake closes the socket after writing (the frame is short: the client would wait forever). */
  closeAfter: boolean;
  /** Bytes follow the frame or the correlation id is not the request's: the connection is not reused. */
  tainted: boolean;
  /** An unmodified captured frame under its own version: must resolve. */
  pristine: boolean;
  origin: string;
}

function planResponse(rng: Rng, entry: CorpusEntry, correlationId: number): Plan {
  let body: Buffer;
  let origin: string;
  const kind = rng.int(100);
  let pristine = false;
  if (kind < 75) {
    const m = mutate(rng, entry.frame, frames);
    body = m.data;
    origin = `${entry.api} v${entry.version} frame, ${m.applied.join('+')}`;
  } else if (kind < 88) {
    body = Buffer.from(entry.frame);
    origin = `${entry.api} v${entry.version} frame as captured`;
    pristine = true;
  } else {
    body = rng.bytes(rng.int(rng.chance(0.8) ? 64 : 4096));
    origin = 'random bytes';
  }
  let tainted = false;
  if (rng.chance(0.92)) body = withCorrelationId(body, correlationId);
  else if (body.length < 4 || body.readInt32BE(0) !== correlationId) tainted = true;
  let declared = body.length;
  if (rng.chance(0.2)) {
    const k = rng.int(4);
    declared =
      k === 0 ? rng.pick(EVIL_SIZES) : k === 1 ? body.length + 1 + rng.int(100) : k === 2 ? Math.max(0, body.length - 1 - rng.int(body.length)) : 0;
    origin += `, size prefix ${declared} for ${body.length} bytes`;
  }
  let wire = withSize(body, declared);
  if (rng.chance(0.08)) {
    wire = Buffer.concat([wire, rng.bytes(1 + rng.int(64))]);
    origin += ', garbage after the frame';
    tainted = true;
  }
  if (declared !== body.length) tainted = true;
  if (tainted) pristine = false;
  const refused = declared < 0 || declared > MAX_FRAME_BYTES;
  return { wire, declared, actual: body.length, refused, closeAfter: declared > body.length && !refused, tainted, pristine, origin };
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | { hang: true };

function settle<T>(p: Promise<T>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ hang: true }), ms))),
  ]).finally(() => clearTimeout(timer));
}

async function connection(): Promise<BrokerConnection> {
  if (conn !== undefined && !conn.closed) return conn;
  conn = await BrokerConnection.connect({
    host: '127.0.0.1',
    port: fake.port,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    connectTimeoutMs: REQUEST_TIMEOUT_MS,
    maxFrameBytes: MAX_FRAME_BYTES,
  });
  const c = conn;
  c.on('close', (err) => {
    if (err !== undefined && !(err instanceof KafkaesqueError)) escaped.push(new Error(`close event with an untyped error: ${String(err)}`));
  });
  return c;
}

/** The last case's outcome: 'success' or the rejection's class name. */
let lastOutcome: string | undefined;

function countRejection(err: unknown): void {
  const name = (err as Error)?.constructor?.name ?? typeof err;
  tally.rejected.set(name, (tally.rejected.get(name) ?? 0) + 1);
}

/** One request answered by `plan` (made once the request's correlation id is known). */
async function responseCase(
  index: number,
  apiKey: number,
  version: number,
  makePlan: (correlationId: number) => Plan,
  regression?: Record<string, unknown>,
): Promise<void> {
  const codec = CODECS.get(apiKey)!;
  const c = await connection();
  let plan: Plan | undefined;
  respond = (req) => {
    plan = makePlan(req.header.correlationId);
    writeRaw(req.socket, [plan.wire], plan.closeAfter);
  };
  const t0 = performance.now();
  const outcome = await settle(c.send(anyRequest(codec), {}, { version, timeoutMs: REQUEST_TIMEOUT_MS }), SETTLE_GUARD_MS);
  const ms = performance.now() - t0;
  respond = undefined;
  const ctx = (): CaseContext => ({
    target: 'connection',
    index,
    origin: `${plan?.origin ?? '(no plan: the request never reached the fake)'} as ${codec.name} v${version}`,
    input: plan?.wire ?? Buffer.alloc(0),
    regression: regression ?? { apiKey, version },
  });
  if ('hang' in outcome) fail(ctx(), `the request neither resolved nor rejected within ${SETTLE_GUARD_MS} ms`);
  lastOutcome = outcome.ok ? 'success' : ((outcome.error as Error)?.constructor?.name ?? String(outcome.error));
  if (outcome.ok) {
    tally.resolved++;
  } else {
    countRejection(outcome.error);
    if (!(outcome.error instanceof KafkaesqueError)) {
      const e = outcome.error as Error;
      fail(ctx(), `rejected with an untyped error: ${e?.constructor?.name}: ${e?.message}\n${e?.stack}`);
    }
  }
  if (plan !== undefined) {
    if (plan.refused) {
      // refused at the size prefix, before anything is allocated or any timeout runs
      if (outcome.ok || !(outcome.error instanceof ProtocolViolationError)) fail(ctx(), `a size prefix of ${plan.declared} was not refused with ProtocolViolationError`);
      if (ms >= REQUEST_TIMEOUT_MS) fail(ctx(), `a size prefix of ${plan.declared} took ${ms.toFixed(0)} ms to refuse`);
      tally.failedFast++;
    }
    if (plan.pristine && !outcome.ok) fail(ctx(), `a frame the broker really sent was refused: ${(outcome as { error: Error }).error.message}`);
    if (plan.tainted && !c.closed) c.close();
  }
  memory.sample(); // every case: an allocation from a hostile size would be short-lived
}

test('regressions: connection inputs that once broke the client are replayed', async () => {
  for (const reg of loadRegressions().filter((r) => r.target === 'connection')) {
    lastOutcome = undefined;
    await responseCase(-1, reg.apiKey!, reg.version!, (correlationId) => {
      const wire = Buffer.from(reg.input);
      if (wire.length >= 8) wire.writeInt32BE(correlationId, 4);
      const declared = wire.length >= 4 ? wire.readInt32BE(0) : 0;
      const actual = wire.length - 4;
      const refused = declared < 0 || declared > MAX_FRAME_BYTES;
      return { wire, declared, actual, refused, closeAfter: declared > actual && !refused, tainted: true, pristine: false, origin: reg.name };
    });
    if (reg.expect !== undefined) expect(`${reg.name}: ${lastOutcome}`).toBe(`${reg.name}: ${reg.expect}`);
  }
});

test(`mutated and random responses to requests of every captured API (${COUNTS.responses} cases)`, async () => {
  for (let i = 0; i < COUNTS.responses; i++) {
    if (ONLY_CASE !== undefined && i !== ONLY_CASE) continue;
    const rng = new Rng(SEED, 6 * 0x100000 + i);
    const entry = rng.pick(corpus);
    const codec = CODECS.get(entry.apiKey)!;
    const version = rng.chance(0.9) ? entry.version : codec.minVersion + rng.int(codec.maxVersion - codec.minVersion + 1);
    await responseCase(i, entry.apiKey, version, (correlationId) => {
      const plan = planResponse(rng, entry, correlationId);
      if (version !== entry.version) plan.pristine = false;
      return plan;
    });
  }
  expect(escaped).toEqual([]);
  // the mix reached every branch
  expect(tally.resolved).toBeGreaterThan(0);
  expect(tally.failedFast).toBeGreaterThan(0);
  expect(tally.rejected.get('ProtocolViolationError') ?? 0).toBeGreaterThan(0);
  expect(tally.rejected.get('ConnectionClosedError') ?? 0).toBeGreaterThan(0);
});

test(`mutated ApiVersions answers while connecting (${COUNTS.negotiation} cases)`, async () => {
  conn?.close();
  conn = undefined;
  try {
    for (let i = 0; i < COUNTS.negotiation; i++) {
      if (ONLY_CASE !== undefined && i !== ONLY_CASE) continue;
      const rng = new Rng(SEED, 7 * 0x100000 + i);
      let wire: Buffer | undefined;
      let origin = '';
      negotiate = (req) => {
        const entry = apiVersionsFrames.find((e) => e.version === req.header.requestApiVersion) ?? rng.pick(apiVersionsFrames);
        const plan = planResponse(rng, entry, req.header.correlationId);
        wire = plan.wire;
        origin = plan.origin;
        writeRaw(req.socket, split(rng, plan.wire), plan.closeAfter);
      };
      const outcome = await settle(
        BrokerConnection.connect({ host: '127.0.0.1', port: fake.port, connectTimeoutMs: REQUEST_TIMEOUT_MS, maxFrameBytes: MAX_FRAME_BYTES }),
        SETTLE_GUARD_MS,
      );
      const ctx = (): CaseContext => ({ target: 'connection', index: i, origin: `negotiation: ${origin}`, input: wire ?? Buffer.alloc(0), regression: { apiKey: 18, version: 4 } });
      if ('hang' in outcome) fail(ctx(), `connect neither resolved nor rejected within ${SETTLE_GUARD_MS} ms`);
      if (outcome.ok) {
        tally.negotiated++;
        (outcome.value as BrokerConnection).close();
      } else {
        tally.negotiationRejected++;
        if (!(outcome.error instanceof KafkaesqueError)) fail(ctx(), `connect rejected with an untyped error: ${String(outcome.error)}`);
      }
      memory.sample();
    }
  } finally {
    negotiate = undefined;
  }
  expect(escaped).toEqual([]);
  expect(tally.negotiated).toBeGreaterThan(0);
  expect(tally.negotiationRejected).toBeGreaterThan(0);
});

test('the real broker answered throughout, and memory stayed bounded', async () => {
  const { host, port } = brokerAddress();
  const real = await BrokerConnection.connect({ host, port });
  try {
    const res = await real.send(Metadata, {
      topics: [],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(res.brokers.length).toBeGreaterThan(0);
  } finally {
    real.close();
  }
  memory.sample();
  // What an allocation from an unchecked length would show: Buffers (ArrayBuffers) sized by a
  // hostile size prefix, 100 MiB each at least (the frames' declared sizes reach maxFrameBytes
  // and beyond). RSS is only a backstop: it also holds the JS heap's garbage of 9,000 cases, which
  // the GC frees on its own schedule (it was 196 and 279 MiB in two runs of the same cases).
  expect(memory.arrayBuffersGrowth).toBeLessThan(96 * 2 ** 20);
  expect(memory.rssGrowth).toBeLessThan(512 * 2 ** 20);
  expect(escaped).toEqual([]);
});
