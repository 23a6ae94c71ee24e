/**
 * Shared pieces of the interop tests (test/interop/): a connection to the test broker, topic
 * creation through Metadata auto-create, producing one record batch with a given codec,
 * fetching a partition back, the record set kafkaesque produces for other clients to read,
 * and an exact byte comparison that reports where two outputs first differ.
 */
import { ZERO_UUID } from '../../protocol/api.js';
import { CompressionType, type CompressionTypeId } from '../../protocol/compression/index.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { Fetch, fetchRequestDefaults } from '../../protocol/messages/fetch.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { Produce } from '../../protocol/messages/produce.js';
import { decodeRecordSet, encodeRecordBatch, type RecordBatch, type RecordInput } from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { brokerAddress, uniqueTopic } from './broker.js';
import { sleep } from './wait.js';

const INT64_MAX = 9223372036854775807n;

/** The five codecs, in Kafka's id order, with their `compression.type` / librdkafka names. */
export const CODECS: ReadonlyArray<{ name: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'; id: CompressionTypeId }> = [
  { name: 'none', id: CompressionType.None },
  { name: 'gzip', id: CompressionType.Gzip },
  { name: 'snappy', id: CompressionType.Snappy },
  { name: 'lz4', id: CompressionType.Lz4 },
  { name: 'zstd', id: CompressionType.Zstd },
];

export interface TopicRef {
  name: string;
  topicId: string;
}

export { sleep };

export function connect(clientId: string): Promise<BrokerConnection> {
  const { host, port } = brokerAddress();
  return BrokerConnection.connect({ host, port, clientId });
}

/** Creates a one-partition topic (Metadata with auto-create) and waits until it has a leader. */
export async function createTopic(conn: BrokerConnection, prefix: string): Promise<TopicRef> {
  const name = uniqueTopic(prefix);
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    const res = await conn.send(Metadata, {
      topics: [{ topicId: ZERO_UUID, name }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const t = res.topics[0]!;
    if (t.errorCode === 0 && t.topicId !== ZERO_UUID && (t.partitions[0]?.leaderId ?? -1) >= 0) return { name, topicId: t.topicId };
    last = `error ${t.errorCode}, ${t.partitions.length} partitions`;
    await sleep(50);
  }
  throw new Error(`topic ${name} was not created within 15 s (${last})`);
}

/** Produces `records` as ONE batch compressed with `compression` to partition 0; returns its base offset. */
export async function produceBatch(
  conn: BrokerConnection,
  topic: TopicRef,
  records: readonly RecordInput[],
  compression: CompressionTypeId,
): Promise<bigint> {
  const w = new Writer();
  encodeRecordBatch(w, { records, compression });
  const res = await conn.send(Produce, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic.name, topicId: topic.topicId, partitionData: [{ index: 0, records: w.finish() }] }],
  });
  const pr = res.responses[0]!.partitionResponses[0]!;
  if (pr.errorCode !== ErrorCode.NONE) {
    throw new Error(`Produce to ${topic.name} failed with error ${pr.errorCode}${pr.errorMessage ? `: ${pr.errorMessage}` : ''}`);
  }
  return pr.baseOffset;
}

/**
 * Fetches partition 0 of `topic` from offset 0 until it holds `count` records (polls; the
 * broker's high watermark may trail a producer's acknowledgement by a moment). Returns every
 * batch in log order.
 */
export async function fetchBatches(conn: BrokerConnection, topic: TopicRef, count: number, timeoutMs = 15_000): Promise<RecordBatch[]> {
  const deadline = Date.now() + timeoutMs;
  let batches: RecordBatch[] = [];
  let offset = 0n;
  let seen = 0;
  while (seen < count) {
    if (Date.now() > deadline) throw new Error(`fetched ${seen} of ${count} records of ${topic.name} within ${timeoutMs} ms`);
    const res = await conn.send(Fetch, {
      ...fetchRequestDefaults(),
      maxWaitMs: 200,
      topics: [
        {
          topic: topic.name,
          topicId: topic.topicId,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: offset,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 8 << 20,
              replicaDirectoryId: ZERO_UUID,
              highWatermark: INT64_MAX,
            },
          ],
        },
      ],
    });
    const p = res.responses[0]!.partitions[0]!;
    if (p.errorCode !== ErrorCode.NONE) throw new Error(`Fetch of ${topic.name} failed with error ${p.errorCode}`);
    if (!p.records || p.records.length === 0) continue;
    const set = decodeRecordSet(p.records, { maxDecompressedBytes: 64 << 20 });
    if (set.error) throw set.error;
    for (const b of set.batches) {
      // a fetch may start inside a compressed batch already seen (it returns whole batches)
      if (b.baseOffset + BigInt(b.lastOffsetDelta) < offset) continue;
      batches = batches.filter((x) => x.baseOffset !== b.baseOffset);
      batches.push(b);
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n;
    }
    seen = batches.reduce((n, b) => n + b.records.length, 0);
  }
  return batches;
}

// ---- the records kafkaesque produces for other clients -----------------------------------

/** A record reduced to bytes, the form every comparison below uses. */
export interface PlainRecord {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

const bytes = (v: Uint8Array | string | null): Buffer | null => (v === null ? null : Buffer.from(v as string));

export function plain(r: RecordInput, fallbackTimestamp: number): PlainRecord {
  return {
    timestamp: r.timestamp ?? fallbackTimestamp,
    key: bytes(r.key),
    value: bytes(r.value),
    headers: (r.headers ?? []).map((h) => ({ key: h.key, value: bytes(h.value) })),
  };
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Every byte value 0..255, in order. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
/** Bytes 1..255: header values for kcat, whose `%h` prints values with printf("%.*s") (stops at NUL). */
export const NON_NUL_BYTES = ALL_BYTES.subarray(1);

/**
 * The records kafkaesque produces for other clients: null and empty keys and values, binary
 * keys and values (every byte value, pseudo-random bytes), UTF-8, headers (none, empty value,
 * null value, binary value, a repeated key, a non-ASCII key), a large compressible value (so
 * every codec really compresses) and a timestamp before the batch's base timestamp (negative
 * delta). Timestamps are `base + index` except that one.
 *
 * Header values avoid NUL (kcat prints them with %.*s); nothing contains `forbidden` (the
 * separators a reader's output uses), checked here.
 */
export function interopRecords(base: number, seed: number, forbidden: readonly string[] = []): RecordInput[] {
  const records: RecordInput[] = [
    { key: 'plain-key', value: 'plain value' },
    { key: null, value: 'a value with a null key' },
    { key: 'empty-value', value: '' },
    { key: '', value: 'an empty, non-null key' },
    { key: 'tombstone', value: null },
    { key: null, value: null },
    { key: Buffer.from([0, 1, 2, 0x7c, 0x0a, 0x0d, 0x09, 0xfe, 0xff, 0]), value: ALL_BYTES },
    { key: 'utf8-ключ-🔑', value: 'héllo wörld ✓ 日本語 🎉', headers: [{ key: 'hdr-ключ-✓', value: 'значение' }] },
    {
      key: 'headers',
      value: 'five headers',
      headers: [
        { key: 'h1', value: 'v1' },
        { key: 'empty', value: '' },
        { key: 'null', value: null },
        { key: 'binary', value: NON_NUL_BYTES },
        { key: 'h1', value: 'second h1' },
      ],
    },
    { key: 'big', value: 'kafkaesque interop: the same words again and again. '.repeat(400) },
    { key: pseudoRandomBytes(16, seed), value: pseudoRandomBytes(3000, seed + 1) },
    { key: 'NULL', value: 'line one\nline two|NULL,x=y\r\n\ttabbed', headers: [{ key: 'comma,eq=', value: 'a=b,c' }] },
  ];
  const out = records.map((r, i) => ({ ...r, timestamp: base + i }));
  // a record older than the first one: negative timestamp delta in the batch
  out.push({ key: 'earlier', value: 'a timestamp before the base timestamp', timestamp: base - 3 });
  for (const r of out) {
    const p = plain(r, base);
    for (const f of forbidden) {
      const fb = Buffer.from(f);
      const parts = [p.key, p.value, ...p.headers.flatMap((h) => [Buffer.from(h.key), h.value])];
      if (parts.some((b) => b !== null && b.includes(fb))) throw new Error(`interop record contains the separator ${JSON.stringify(f)}`);
    }
  }
  return out;
}

// ---- comparison ----------------------------------------------------------------------------

function hexAround(b: Buffer, at: number): string {
  const from = Math.max(0, at - 24);
  const to = Math.min(b.length, at + 40);
  const hex = b.subarray(from, to).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `[${from}..${to}) ${hex}\n      as text: ${JSON.stringify(b.subarray(from, to).toString('latin1'))}`;
}

/** Throws a readable error (first differing byte, hex on both sides) unless `actual` equals `expected`. */
export function expectSameBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (actual.equals(expected)) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  throw new Error(
    `${what}: output differs at byte ${i} (got ${actual.length} bytes, expected ${expected.length})\n` +
      `  got:      ${hexAround(actual, i)}\n` +
      `  expected: ${hexAround(expected, i)}`,
  );
}

/** Builds a Buffer from bytes, strings (UTF-8) and numbers (decimal): the expected outputs. */
export class Bytes {
  private readonly parts: Buffer[] = [];
  add(...items: Array<Buffer | string | number | bigint>): this {
    for (const it of items) this.parts.push(Buffer.isBuffer(it) ? it : Buffer.from(String(it), 'utf8'));
    return this;
  }
  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}
