/**
 * RecordBatchBuilder (records encoded as they are accepted, header filled at send time) against
 * encodeRecordBatch, the one-shot encoder that the conformance suite proves byte for byte against
 * Kafka's Java classes: for the same records and header fields the builder must write the same
 * bytes, for every codec, after any number of rebuilds with other producer ids and sequences.
 */
import { CompressionType, ensureCompressionReady, type CompressionTypeId } from '../../protocol/compression/index.js';
import {
  decodeRecordSet,
  encodeRecordBatch,
  RecordBatchBuilder,
  type BatchHeaderInput,
  type RecordInput,
} from '../../protocol/records.js';
import { ProtocolEncodeError } from '../../protocol/errors.js';
import { Writer } from '../../protocol/writer.js';
import { seeded } from '../helpers/random.js';

const LIMIT = { maxDecompressedBytes: 64 * 1024 * 1024 };

function oneShot(records: RecordInput[], header: BatchHeaderInput): Buffer {
  const w = new Writer();
  encodeRecordBatch(w, { records, ...header });
  return Buffer.from(w.finish());
}

function built(records: RecordInput[], header: BatchHeaderInput, initialCapacity = 64): Buffer {
  const b = new RecordBatchBuilder(records[0]!.timestamp!, initialCapacity);
  for (const r of records) b.append(r);
  return Buffer.from(b.build(header));
}

function randomRecords(rng: () => number, n: number): RecordInput[] {
  const base = 1_700_000_000_000 + Math.floor(rng() * 1e6);
  const bytes = (len: number) => Buffer.from(Array.from({ length: len }, () => Math.floor(rng() * 256)));
  const text = (len: number) => Array.from({ length: len }, () => 'aé字𝄞-'[Math.floor(rng() * 5)]).join('');
  const value = (): Uint8Array | string | null => {
    const x = rng();
    if (x < 0.1) return null;
    const len = Math.floor(rng() * (rng() < 0.1 ? 5000 : 120));
    return x < 0.5 ? bytes(len) : text(len);
  };
  return Array.from({ length: n }, () => ({
    key: rng() < 0.3 ? null : value(),
    value: value(),
    // earlier and later than the first record, and now and then far away (VARLONG deltas)
    timestamp: base + Math.floor((rng() - 0.3) * (rng() < 0.05 ? 4e12 : 1e4)),
    headers: rng() < 0.3 ? Array.from({ length: Math.floor(rng() * 4) }, () => ({ key: text(Math.floor(rng() * 8)), value: value() })) : [],
  }));
}

beforeAll(async () => {
  await ensureCompressionReady();
});

const codecs: CompressionTypeId[] = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

describe('RecordBatchBuilder writes what encodeRecordBatch writes', () => {
  test.each(codecs)('codec %i: 80 random batches, byte for byte', (compression) => {
    const rng = seeded(0x5eed + compression);
    for (let i = 0; i < 80; i++) {
      const records = randomRecords(rng, 1 + Math.floor(rng() * (rng() < 0.2 ? 300 : 12)));
      const header: BatchHeaderInput = {
        compression,
        producerId: BigInt(Math.floor(rng() * 1e6)),
        producerEpoch: Math.floor(rng() * 100),
        baseSequence: Math.floor(rng() * 1e6),
        isTransactional: rng() < 0.2,
      };
      const got = built(records, header, 1 + Math.floor(rng() * 4096));
      expect(got.equals(oneShot(records, header))).toBe(true);
    }
  });

  test.each(codecs)('codec %i: a rebuild with another epoch and sequence is the one-shot encoding of those', (compression) => {
    const rng = seeded(77 + compression);
    const records = randomRecords(rng, 40);
    const b = new RecordBatchBuilder(records[0]!.timestamp!);
    for (const r of records) b.append(r);
    const first = { compression, producerId: 9n, producerEpoch: 1, baseSequence: 100 };
    expect(Buffer.from(b.build(first)).equals(oneShot(records, first))).toBe(true);
    const bumped = { compression, producerId: 9n, producerEpoch: 2, baseSequence: 0 };
    expect(Buffer.from(b.build(bumped)).equals(oneShot(records, bumped))).toBe(true);
    const decoded = decodeRecordSet(b.build(bumped), LIMIT);
    expect(decoded.error).toBeUndefined();
    expect(decoded.batches[0]!.records).toHaveLength(40);
  });

  test('counts, sizes and allocation', () => {
    const b = new RecordBatchBuilder(1_700_000_000_000, 100);
    expect(b.recordCount).toBe(0);
    expect(b.sizeInBytes).toBe(61);
    let written = 61;
    for (let i = 0; i < 50; i++) written += b.append({ key: `k${i}`, value: Buffer.alloc(100), timestamp: 1_700_000_000_000 + i });
    expect(b.recordCount).toBe(50);
    expect(b.sizeInBytes).toBe(written);
    expect(b.allocatedBytes).toBeGreaterThanOrEqual(written);
    expect(b.allocatedBytes).toBeLessThan(2 * written);
    expect(b.build().length).toBe(written);
  });

  test('a compressed build drops the uncompressed buffer and refuses more records', () => {
    const b = new RecordBatchBuilder(1_700_000_000_000, 64 * 1024);
    for (let i = 0; i < 100; i++) b.append({ key: null, value: Buffer.alloc(500, 7), timestamp: 1_700_000_000_000 });
    const before = b.allocatedBytes;
    const bytes = b.build({ compression: CompressionType.Gzip });
    expect(b.allocatedBytes).toBe(bytes.length);
    expect(b.allocatedBytes).toBeLessThan(before / 10);
    expect(() => b.append({ key: null, value: 'x', timestamp: 1 })).toThrow(ProtocolEncodeError);
    expect(() => b.build({ compression: CompressionType.Snappy })).toThrow(ProtocolEncodeError);
  });

  test('a record that cannot be encoded leaves the batch as it was', () => {
    const b = new RecordBatchBuilder(-8_000_000_000_000_000);
    b.append({ key: 'a', value: 'first', timestamp: -8_000_000_000_000_000 });
    const size = b.sizeInBytes;
    // a timestamp delta past 2^53: not representable, refused after part of the record was written
    expect(() => b.append({ key: 'b', value: 'second', timestamp: 8_000_000_000_000_000 })).toThrow(ProtocolEncodeError);
    expect(b.recordCount).toBe(1);
    expect(b.sizeInBytes).toBe(size);
    b.append({ key: 'c', value: 'third', timestamp: -8_000_000_000_000_000 });
    const decoded = decodeRecordSet(b.build(), LIMIT);
    expect(decoded.error).toBeUndefined();
    expect(decoded.batches[0]!.records.map((r) => r.value!.toString())).toEqual(['first', 'third']);
  });

  test.each(codecs)('codec %i: a builder reopened after release writes what a new one writes', (compression) => {
    const rng = seeded(991 + compression);
    const released: Buffer[] = [];
    const allocator = { alloc: (n: number) => Buffer.alloc(n, 0xee), release: (b: Buffer) => void released.push(b) };
    const b = new RecordBatchBuilder(0, 64, allocator);
    expect(() => b.reopen(0, 64)).toThrow(ProtocolEncodeError); // still open
    for (let round = 0; round < 6; round++) {
      const records = randomRecords(rng, 1 + Math.floor(rng() * 30));
      const header: BatchHeaderInput = { compression, producerId: BigInt(round), producerEpoch: round, baseSequence: 10 * round };
      b.release();
      b.reopen(records[0]!.timestamp!, 1 + Math.floor(rng() * 2048));
      expect(b.recordCount).toBe(0);
      expect(b.baseTimestamp).toBe(records[0]!.timestamp);
      for (const r of records) b.append(r);
      expect(Buffer.from(b.build(header)).equals(oneShot(records, header))).toBe(true);
    }
    expect(released.length).toBeGreaterThanOrEqual(6); // every round's buffer went back to the allocator
  });

  test('an empty batch is refused', () => {
    expect(() => new RecordBatchBuilder(0).build()).toThrow(ProtocolEncodeError);
  });
});
