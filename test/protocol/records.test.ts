/** Record batch v2: encode, decode, partial batches, corruption. */
import { CompressionType, type CompressionTypeId } from '../../protocol/compression/index.js';
import { crc32c } from '../../protocol/crc32c.js';
import {
  CONTROL_COMMIT,
  controlRecordType,
  CorruptRecordBatchError,
  decodeRecordSet,
  encodeRecordBatch,
  RecordBatchTooLargeError,
  type BatchInput,
  type RecordInput,
} from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';

const LIMIT = { maxDecompressedBytes: 16 * 1024 * 1024 };

function encode(batch: BatchInput): Buffer {
  const w = new Writer();
  encodeRecordBatch(w, batch);
  return Buffer.from(w.finish());
}

const sample: RecordInput[] = [
  { key: 'k1', value: 'v1', timestamp: 1_700_000_000_000 },
  { key: null, value: Buffer.from([0, 1, 2]), timestamp: 1_700_000_000_005 },
  { key: Buffer.alloc(0), value: null, timestamp: 1_699_999_999_000 },
  { key: 'ü字𝄞', value: '', headers: [{ key: 'h1', value: 'x' }, { key: '𝄞', value: null }], timestamp: 1_700_000_000_001 },
];

describe('round trip', () => {
  test('keys, values, headers, null and empty, timestamps', () => {
    const bytes = encode({ records: sample, baseOffset: 100n, producerId: 7n, producerEpoch: 2, baseSequence: 40 });
    const { batches, bytesRead, partialBytes, error } = decodeRecordSet(bytes, LIMIT);
    expect(error).toBeUndefined();
    expect(bytesRead).toBe(bytes.length);
    expect(partialBytes).toBe(0);
    const [b] = batches;
    expect(b).toMatchObject({
      baseOffset: 100n,
      lastOffsetDelta: 3,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_005,
      producerId: 7n,
      producerEpoch: 2,
      baseSequence: 40,
      isTransactional: false,
      isControl: false,
      compression: 0,
      recordsCount: 4,
      sizeInBytes: bytes.length,
    });
    const r = b!.records;
    expect(r.map((x) => x.offset)).toEqual([100n, 101n, 102n, 103n]);
    expect(r.map((x) => x.timestamp)).toEqual(sample.map((x) => x.timestamp));
    expect(r[0]!.key!.toString()).toBe('k1');
    expect(r[0]!.value!.toString()).toBe('v1');
    expect(r[1]!.key).toBeNull();
    expect([...r[1]!.value!]).toEqual([0, 1, 2]);
    expect(r[2]!.key!.length).toBe(0);
    expect(r[2]!.value).toBeNull();
    expect(r[3]!.key!.toString()).toBe('ü字𝄞');
    expect(r[3]!.value!.length).toBe(0);
    expect(r[3]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['h1', 'x'],
      ['𝄞', null],
    ]);
    expect(r[0]!.headers).toEqual([]);
  });

  test('keys and values are Buffers viewing the batch, not copies', () => {
    const bytes = encode({ records: sample });
    const r = decodeRecordSet(bytes, LIMIT).batches[0]!.records[0]!;
    expect(Buffer.isBuffer(r.value)).toBe(true);
    expect(r.value).toBeInstanceOf(Buffer);
    expect(r.value!.toString('utf8')).toBe('v1');
    expect(r.value!.buffer).toBe(bytes.buffer);
    expect(r.value!.subarray(1).toString()).toBe('1');
  });

  test('the CRC-32C covers attributes to the end', () => {
    const bytes = encode({ records: sample });
    expect(bytes.readUInt32BE(17)).toBe(crc32c(bytes.subarray(21)));
    expect(bytes.readInt8(16)).toBe(2);
    expect(bytes.readInt32BE(8)).toBe(bytes.length - 12);
  });

  test('transactional and log-append-time flags', () => {
    const bytes = encode({ records: sample, isTransactional: true, timestampType: 1 });
    const b = decodeRecordSet(bytes, LIMIT).batches[0]!;
    expect(b.isTransactional).toBe(true);
    expect(b.timestampType).toBe(1);
    // with log-append time every record carries the batch's max timestamp
    expect(new Set(b.records.map((r) => r.timestamp))).toEqual(new Set([b.maxTimestamp]));
  });

  test('control batches are recognised', () => {
    const key = Buffer.alloc(4);
    key.writeInt16BE(0, 0);
    key.writeInt16BE(CONTROL_COMMIT, 2);
    const bytes = encode({ records: [{ key, value: Buffer.alloc(6) }], isControl: true, isTransactional: true });
    const b = decodeRecordSet(bytes, LIMIT).batches[0]!;
    expect(b.isControl).toBe(true);
    expect(controlRecordType(b.records[0]!)).toBe(CONTROL_COMMIT);
  });

  test('large timestamp deltas use the VARLONG path', () => {
    const records = [{ key: null, value: 'a', timestamp: 0 }, { key: null, value: 'b', timestamp: 2 ** 40 + 3 }];
    const b = decodeRecordSet(encode({ records, baseTimestamp: 0 }), LIMIT).batches[0]!;
    expect(b.records.map((r) => r.timestamp)).toEqual([0, 2 ** 40 + 3]);
  });

  test.each(Object.entries(CompressionType).filter(([, id]) => id !== 0))('compressed with %s', (_, id) => {
    const records = Array.from({ length: 500 }, (_, i) => ({
      key: `key-${i % 17}`,
      value: `value ${i} `.repeat(10),
      headers: i % 50 === 0 ? [{ key: 'trace', value: String(i) }] : undefined,
      timestamp: 1_700_000_000_000 + i,
    }));
    const plain = encode({ records });
    const bytes = encode({ records, compression: id as CompressionTypeId });
    expect(bytes.length).toBeLessThan(plain.length / 2);
    const { batches, error } = decodeRecordSet(bytes, LIMIT);
    expect(error).toBeUndefined();
    expect(batches[0]!.compression).toBe(id);
    expect(batches[0]!.records.map((r) => r.value!.toString())).toEqual(records.map((r) => r.value));
    expect(batches[0]!.records[50]!.headers[0]!.value!.toString()).toBe('50');
  });
});

describe('record sets as a fetch returns them', () => {
  const a = encode({ records: sample, baseOffset: 0n });
  const b = encode({ records: sample, baseOffset: 4n });

  test('several batches decode in order', () => {
    const { batches, bytesRead } = decodeRecordSet(Buffer.concat([a, b]), LIMIT);
    expect(batches.flatMap((x) => x.records.map((r) => r.offset))).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(bytesRead).toBe(a.length + b.length);
  });

  test.each([1, 11, 12, 40, 61, 70])('a trailing batch cut to %d bytes is reported as partial', (cut) => {
    const { batches, bytesRead, partialBytes, error } = decodeRecordSet(Buffer.concat([a, b.subarray(0, cut)]), LIMIT);
    expect(error).toBeUndefined();
    expect(batches).toHaveLength(1);
    expect(bytesRead).toBe(a.length);
    expect(partialBytes).toBe(cut);
  });

  test('an empty record set is fine', () => {
    expect(decodeRecordSet(Buffer.alloc(0), LIMIT)).toEqual({ batches: [], bytesRead: 0, partialBytes: 0 });
  });
});

describe('corruption gives a typed error, keeping the batches before it', () => {
  const good = encode({ records: sample, baseOffset: 0n });

  function corrupt(mutate: (b: Buffer) => void, fixCrc = true): ReturnType<typeof decodeRecordSet> {
    const bad = Buffer.from(encode({ records: sample, baseOffset: 4n }));
    mutate(bad);
    if (fixCrc) bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    return decodeRecordSet(Buffer.concat([good, bad]), LIMIT);
  }

  function expectCorrupt(result: ReturnType<typeof decodeRecordSet>, message: RegExp): void {
    expect(result.batches).toHaveLength(1);
    expect(result.bytesRead).toBe(good.length);
    expect(result.error).toBeInstanceOf(CorruptRecordBatchError);
    expect(result.error!.message).toMatch(message);
    expect(result.error!.baseOffset).toBe(4n);
    expect(result.error!.position).toBe(good.length);
  }

  test('a wrong CRC', () => {
    expectCorrupt(corrupt((b) => (b[b.length - 1] ^= 0xff), false), /CRC-32C mismatch/);
  });

  test('an unsupported magic', () => {
    expectCorrupt(corrupt((b) => b.writeInt8(1, 16)), /magic 1 is not supported/);
  });

  test('a negative record count', () => {
    expectCorrupt(corrupt((b) => b.writeInt32BE(-5, 57)), /negative record count -5/);
  });

  test('a record count the bytes cannot hold (no allocation from it)', () => {
    expectCorrupt(corrupt((b) => b.writeInt32BE(0x7fffffff, 57)), /2147483647 records cannot fit/);
  });

  test('fewer records than declared', () => {
    expectCorrupt(corrupt((b) => b.writeInt32BE(5, 57)), /truncated varint|impossible/);
  });

  test('more records than declared', () => {
    expectCorrupt(corrupt((b) => b.writeInt32BE(3, 57)), /bytes after the last record/);
  });

  test('a batch length below the header size', () => {
    expectCorrupt(corrupt((b) => b.writeInt32BE(10, 8), false), /below the v2 header size/);
  });

  test('an unknown compression type', () => {
    expectCorrupt(corrupt((b) => b.writeInt16BE(7, 21)), /unknown compression type 7/);
  });

  test('a key length past the record', () => {
    // record 0 starts at 61: length varint, attributes, tsDelta, offsetDelta, then key length
    expectCorrupt(corrupt((b) => (b[65] = 0x7e)), /key length 63 runs past the record|record 0 declares/);
  });

  test('a batch that decompresses past maxDecompressedBytes is refused with RecordBatchTooLargeError', () => {
    const big = Array.from({ length: 500 }, (_, i) => ({ key: null, value: 'x'.repeat(1000), timestamp: i }));
    const bytes = Buffer.concat([good, encode({ records: big, compression: CompressionType.Gzip, baseOffset: 4n })]);
    const result = decodeRecordSet(bytes, { maxDecompressedBytes: 100_000 });
    expect(result.batches).toHaveLength(1);
    expect(result.error).toBeInstanceOf(RecordBatchTooLargeError);
    expect(result.error).toMatchObject({ limit: 100_000, baseOffset: 4n, code: 'ERR_RECORD_BATCH_TOO_LARGE' });
    expect(result.error!.message).toMatch(/maxDecompressedBytes/);
    expect(decodeRecordSet(bytes, LIMIT).batches[1]!.records).toHaveLength(500);
  });

  test('mutated batches never throw, only report CorruptRecordBatchError', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const compressed = encode({ records: sample, compression: CompressionType.Gzip });
    let errors = 0;
    for (const base of [good, compressed]) {
      for (let i = 0; i < 3000; i++) {
        const bad = Buffer.from(base);
        const n = 1 + Math.floor(random() * 3);
        for (let m = 0; m < n; m++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
        if (random() < 0.5) bad.writeUInt32BE(crc32c(bad.subarray(21)), 17); // get past the CRC
        const result = decodeRecordSet(bad, LIMIT);
        if (result.error) {
          expect(result.error).toBeInstanceOf(CorruptRecordBatchError);
          expect(result.error!.code).toBe('ERR_CORRUPT_RECORD_BATCH');
          errors++;
        }
      }
    }
    expect(errors).toBeGreaterThan(1000);
  });
});
