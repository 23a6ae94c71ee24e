/**
 * Interop with librdkafka through the real broker, using kcat (librdkafka's CLI), for every
 * codec: none, gzip, snappy, lz4, zstd.
 *
 *  - kcat -> kafkaesque: kcat produces a file of messages (keys, binary values, empty and
 *    null keys and values, headers) with `-z <codec>`; we Fetch and decode them and require
 *    the same records in order AND every batch's compression attribute to be that codec, which
 *    proves we read librdkafka's own gzip/snappy/lz4/zstd framing (librdkafka would fall back
 *    to an uncompressed batch if compression did not pay off, so each run carries a large
 *    compressible value).
 *  - kafkaesque -> kcat: we produce one batch per codec (encodeRecordBatch); `kcat -C` prints
 *    every record with a format whose output is fully determined by the records (explicit key
 *    and value lengths, raw key and value bytes, headers), and the whole output must equal,
 *    byte for byte, what the records we sent predict.
 *
 * kcat comes from Debian's kcat package; test/helpers/kcat.ts installs it (as root with
 * apt-get) or fails with "kcat not found: install Debian's kcat package". Never skipped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCompressionReady } from '../../protocol/compression/index.js';
import type { KafkaRecord } from '../../protocol/records.js';
import type { BrokerConnection } from '../../src/network/broker-connection.js';
import { brokerAddress } from '../helpers/broker.js';
import {
  ALL_BYTES,
  Bytes,
  CODECS,
  connect,
  createTopic,
  expectSameBytes,
  fetchBatches,
  interopRecords,
  plain,
  produceBatch,
  pseudoRandomBytes,
} from '../helpers/interop.js';
import { ensureKcat, type KcatInfo, runKcat } from '../helpers/kcat.js';

// kcat's producer splits its input on these (-D, -K); its consumer format is built around
// explicit lengths, so separators in the data cannot make the comparison ambiguous
const MSG_DELIM = '<<MSG>>';
const KEY_DELIM = '<<KEY>>';
/** offset|timestamp|key length (-1 null)|key|value length (-1 null)|value|headers (n=v CSV, NULL for null) */
const CONSUME_FORMAT = '%o|%T|%K|%k|%S|%s|%h\\n';

let kcat: KcatInfo;
let conn: BrokerConnection;
let tmp: string;
const timings: string[] = [];

beforeAll(async () => {
  // first use may install kcat with apt-get (~10 s on a warm mirror)
  kcat = await ensureKcat();
  await ensureCompressionReady();
  conn = await connect('kafkaesque-interop-kcat');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-kcat-'));
}, 15 * 60_000);

afterAll(() => {
  conn?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  if (kcat) {
    process.stderr.write(
      `kafkaesque interop: kcat ${kcat.version} (${kcat.path}), librdkafka ${kcat.librdkafkaVersion}, ` +
        `builtin.features=${kcat.features.join(',')}${timings.length ? `; ${timings.join('; ')}` : ''}\n`,
    );
  }
});

test("kcat -V names its librdkafka, which has all four of Kafka's codecs", () => {
  expect(kcat.versionLine).toMatch(/librdkafka/);
  expect(kcat.features).toEqual(expect.arrayContaining(['gzip', 'snappy', 'lz4', 'zstd']));
});

// ---- kcat -> kafkaesque ----------------------------------------------------------------------

interface KcatMessage {
  key: Buffer | null;
  value: Buffer | null;
}

/** One kcat -P run: the messages (as kcat will send them), the input file text and the flags. */
interface KcatRun {
  messages: KcatMessage[];
  input: Buffer;
  /** -H arguments, and the headers they give every message. */
  headerArgs: string[];
  headers: Array<{ key: string; value: Buffer | null }>;
  nullFlag: boolean;
}

const b = (s: string | Buffer): Buffer => (Buffer.isBuffer(s) ? s : Buffer.from(s));

/** A line of kcat's input: `key<<KEY>>value`, or just `value` for no key (kcat then sends a null key). */
function line(key: string | Buffer | null, value: string | Buffer): Buffer {
  return Buffer.concat(key === null ? [b(value), b(MSG_DELIM)] : [b(key), b(KEY_DELIM), b(value), b(MSG_DELIM)]);
}

function kcatRuns(codec: string, seed: number): KcatRun[] {
  const big = b(`librdkafka ${codec} batch, compressible text repeated. `.repeat(300));
  const binKey = Buffer.from([0x00, 0xff, 0x0a, 0x0d, 0x09, 0x7c, 0x00]);
  const random = pseudoRandomBytes(2000, seed);
  // run A, without -Z: empty keys and values stay empty (non-null); no key delimiter = null key
  const a: Array<[Buffer | null, Buffer]> = [
    [b('k1'), b('v1')],
    [null, b('a message without a key delimiter: null key')],
    [b(''), b('an empty key')],
    [b('an empty value'), b('')],
    [binKey, ALL_BYTES],
    [b('utf8-ключ-🔑'), b('héllo wörld ✓ 日本語 🎉')],
    [b('random'), random],
    [b('big'), big],
  ];
  // run B, with -Z: an empty key or value on the line is sent as NULL
  const z: Array<[Buffer | null, Buffer | null]> = [
    [b('tombstone'), null],
    [null, b('null key through -Z')],
    [null, null],
    [b('big again'), big],
  ];
  return [
    {
      messages: a.map(([key, value]) => ({ key, value })),
      input: Buffer.concat(a.map(([key, value]) => line(key, value))),
      headerArgs: ['-H', `codec=${codec}`, '-H', 'greeting=héllo ✓', '-H', 'empty=', '-H', 'eq=a=b', '-H', 'dup=1', '-H', 'dup=2'],
      headers: [
        { key: 'codec', value: b(codec) },
        { key: 'greeting', value: b('héllo ✓') },
        { key: 'empty', value: b('') },
        { key: 'eq', value: b('a=b') },
        { key: 'dup', value: b('1') },
        { key: 'dup', value: b('2') },
      ],
      nullFlag: false,
    },
    {
      messages: z.map(([key, value]) => ({ key, value })),
      input: Buffer.concat(z.map(([key, value]) => Buffer.concat([key ?? b(''), b(KEY_DELIM), value ?? b(''), b(MSG_DELIM)]))),
      headerArgs: ['-H', `codec=${codec}`, '-H', 'nullvalue'],
      headers: [
        { key: 'codec', value: b(codec) },
        { key: 'nullvalue', value: null },
      ],
      nullFlag: true,
    },
  ];
}

const show = (v: Buffer | null): string => (v === null ? 'null' : v.length <= 40 ? JSON.stringify(v.toString('latin1')) : `${v.length} bytes`);
const hex = (v: Buffer | null): string | null => (v === null ? null : v.toString('hex'));

describe('kcat -P (librdkafka) -> kafkaesque Fetch + decodeRecordSet', () => {
  test.each(CODECS.map((c, i) => [c.name, c.id, i] as const))('%s', async (name, id, i) => {
    const topic = await createTopic(conn, `interop-kcat-in-${name}`);
    const runs = kcatRuns(name, 0x5eed + i);
    const started = Date.now();
    const runMs: number[] = [];
    for (const [n, run] of runs.entries()) {
      const file = path.join(tmp, `${name}-${n}.in`);
      fs.writeFileSync(file, run.input);
      const args = [
        '-P', '-b', brokerAddress().bootstrap, '-t', topic.name, '-p', '0', '-z', name,
        '-K', KEY_DELIM, '-D', MSG_DELIM, ...run.headerArgs, ...(run.nullFlag ? ['-Z'] : []),
        // exactly one batch per run: librdkafka sends a batch as soon as it is full, and the
        // long linger keeps a busy machine from splitting the run (a small batch that does not
        // compress would go out uncompressed)
        '-X', `batch.num.messages=${run.messages.length}`, '-X', 'linger.ms=5000',
        '-l', file,
      ];
      const r = await runKcat(args);
      runMs.push(r.ms);
      // kcat waits for every delivery report and exits 1 if any failed
      if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${String(r.code ?? r.signal)}:\n${r.stderr}`);
    }
    const expected = runs.flatMap((run) => run.messages.map((m) => ({ ...m, headers: run.headers })));
    const batches = await fetchBatches(conn, topic, expected.length);
    timings.push(`${name}: produce ${runMs.join('+')} ms, ${batches.length} batches`);

    // librdkafka honoured -z and we decoded its framing: each run's batch carries the codec
    expect(batches.map((x) => [x.compression, x.records.length])).toEqual(runs.map((run) => [id, run.messages.length]));
    const got: KafkaRecord[] = batches.flatMap((x) => x.records);
    expect(got).toHaveLength(expected.length);
    got.forEach((r, j) => {
      const e = expected[j]!;
      const where = `${name} record ${j} (key ${show(e.key)})`;
      // hex keeps null (-1 length) apart from empty (0 length) and shows binary differences
      const seen = { where, offset: r.offset, key: hex(r.key), value: hex(r.value), headers: r.headers.map((h) => [h.key, hex(h.value)]) };
      expect(seen).toEqual({ where, offset: BigInt(j), key: hex(e.key), value: hex(e.value), headers: e.headers.map((h) => [h.key, hex(h.value)]) });
      // CreateTime set by librdkafka when kcat queued the message
      expect(r.timestamp).toBeGreaterThanOrEqual(started - 5000);
      expect(r.timestamp).toBeLessThanOrEqual(Date.now() + 5000);
    });
  });
});

// ---- kafkaesque -> kcat ----------------------------------------------------------------------

/** What CONSUME_FORMAT prints for a record (see kcat's format.c: fmt_msg_output_str, print_headers). */
function kcatLine(out: Bytes, offset: number, r: ReturnType<typeof plain>): void {
  out.add(offset, '|', r.timestamp, '|', r.key === null ? -1 : r.key.length, '|');
  if (r.key) out.add(r.key);
  out.add('|', r.value === null ? -1 : r.value.length, '|');
  if (r.value) out.add(r.value);
  out.add('|');
  r.headers.forEach((h, i) => {
    out.add(i > 0 ? ',' : '', h.key, '=');
    if (h.value === null) out.add('NULL');
    else out.add(h.value);
  });
  out.add('\n');
}

describe('kafkaesque encodeRecordBatch -> kcat -C (librdkafka)', () => {
  test.each(CODECS.map((c, i) => [c.name, c.id, i] as const))('%s', async (name, id, i) => {
    const topic = await createTopic(conn, `interop-kcat-out-${name}`);
    const base = 1_700_000_000_000 + i * 100_000;
    const records = interopRecords(base, 0xc0ffee + i);
    expect(await produceBatch(conn, topic, records, id)).toBe(0n);
    // the broker kept our batch as we wrote it (compression.type=producer)
    const stored = await fetchBatches(conn, topic, records.length);
    expect(stored.map((x) => x.compression)).toEqual([id]);

    // -e exits at the end of the partition; a short fetch wait reaches it in ms, not 500 ms
    const args = ['-C', '-b', brokerAddress().bootstrap, '-t', topic.name, '-o', 'beginning', '-e', '-X', 'fetch.wait.max.ms=10', '-f', CONSUME_FORMAT];
    const r = await runKcat(args);
    timings.push(`${name}: consume ${r.ms} ms`);
    if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${String(r.code ?? r.signal)}:\n${r.stderr}`);
    const expected = new Bytes();
    records.forEach((rec, j) => kcatLine(expected, j, plain(rec, base)));
    expectSameBytes(r.stdout, expected.finish(), `kcat -C output for the ${name} batch`);
  });
});
