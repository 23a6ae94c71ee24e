/** The compression codecs: round trips, framings, checksums, corrupt input, fuzzing and bombs. */
import * as zlib from 'node:zlib';
import { KafkaesqueError, ProtocolDecodeError, ProtocolEncodeError } from '../../protocol/errors.js';
import {
  CompressionType,
  type CompressionTypeId,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DecompressionError,
  DecompressionLimitError,
  compress,
  compressionName,
  compressionTypeFromName,
  decompress,
  ensureCompressionReady,
} from '../../protocol/compression/index.js';
import { LZ4_BLOCK_SIZE, lz4Compress, lz4CompressInto, lz4FrameBound, lz4HeaderChecksum, selectLz4Compressor, xxh32 } from '../../protocol/compression/lz4.js';
import { Writer } from '../../protocol/writer.js';
import { XERIAL_BLOCK_SIZE, XERIAL_MAGIC, snappyCompressRaw } from '../../protocol/compression/snappy.js';
import { loadZstd, selectZstdBackend, zstdDecompressedBound, zstdWasmHeapBytes } from '../../protocol/compression/zstd.js';

// lz4js and snappyjs serve as independent implementations to check against.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lz4js = require('lz4js') as { compress(src: Uint8Array): Uint8Array };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lz4jsXxh32 = require('lz4js/xxh32.js') as { hash(seed: number, src: Uint8Array, index: number, len: number): number };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const snappyjs = require('snappyjs') as { compress(src: Uint8Array): Uint8Array; uncompress(src: Uint8Array): Uint8Array };

const CODECS: ReadonlyArray<readonly [string, CompressionTypeId]> = [
  ['gzip', CompressionType.Gzip],
  ['snappy', CompressionType.Snappy],
  ['lz4', CompressionType.Lz4],
  ['zstd', CompressionType.Zstd],
];
const MiB = 1024 * 1024;

/** Deterministic xorshift PRNG. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function randomBytes(n: number, seed: number): Buffer {
  const r = prng(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

/** Kafka-like record data: JSON events with keys, ids, timestamps; compresses ~4-5x. */
function records(n: number, seed = 1): Buffer {
  const r = prng(seed);
  const statuses = ['CREATED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < n; i++) {
    const v = JSON.stringify({
      orderId: `ord-${100000 + i}`,
      customerId: Math.floor(r() * 1e6),
      ts: 1700000000000 + i * 37,
      status: statuses[Math.floor(r() * 5)],
      amount: Math.round(r() * 100000) / 100,
      trace: Math.floor(r() * 2 ** 32).toString(16),
    });
    const b = Buffer.from(`\x14customer-${Math.floor(r() * 1e4)}${v}\x00`);
    parts.push(b);
    size += b.length;
  }
  return Buffer.concat(parts).subarray(0, n);
}

function roundTrip(type: CompressionTypeId, data: Buffer, level?: number): Buffer {
  const z = compress(type, data, level);
  expect(Buffer.isBuffer(z)).toBe(true);
  const out = decompress(type, z, Math.max(data.length, 1));
  expect(out.length).toBe(data.length);
  expect(out.equals(data)).toBe(true);
  return z;
}

/** Expects `fn` to throw a DecompressionError (not a limit error unless `limit`). */
function expectDecompressionError(fn: () => unknown, match?: RegExp): DecompressionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecompressionError);
    if (match) expect((err as Error).message).toMatch(match);
    return err as DecompressionError;
  }
  throw new Error('expected a DecompressionError, nothing was thrown');
}

beforeAll(async () => {
  await ensureCompressionReady();
});

describe('names and ids', () => {
  test('ids are Kafka attribute values', () => {
    expect(CompressionType).toEqual({ None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 });
    expect(DEFAULT_MAX_DECOMPRESSED_BYTES).toBe(64 * MiB);
  });

  test.each([
    ['none', 0],
    ['gzip', 1],
    ['snappy', 2],
    ['lz4', 3],
    ['zstd', 4],
    ['ZSTD', 4],
    [' Gzip ', 1],
  ] as const)('compressionTypeFromName(%j) is %d', (name, id) => {
    expect(compressionTypeFromName(name)).toBe(id);
  });

  test('unknown names are refused, listing the allowed ones', () => {
    expect(() => compressionTypeFromName('brotli')).toThrow(ProtocolEncodeError);
    expect(() => compressionTypeFromName('brotli')).toThrow(/none, gzip, snappy, lz4, zstd/);
  });

  test('compressionName', () => {
    expect([0, 1, 2, 3, 4].map((t) => compressionName(t as CompressionTypeId))).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  });

  test('unknown type ids: encode error on compress, DecompressionError on decompress', () => {
    expect(() => compress(5 as CompressionTypeId, Buffer.alloc(1))).toThrow(ProtocolEncodeError);
    const err = expectDecompressionError(() => decompress(7 as CompressionTypeId, Buffer.alloc(1), 10), /unknown compression type 7/);
    expect(err.codec).toBe('unknown');
  });

  test('maxBytes must be a non-negative integer', () => {
    expect(() => decompress(CompressionType.Gzip, Buffer.alloc(1), -1)).toThrow(RangeError);
    expect(() => decompress(CompressionType.Gzip, Buffer.alloc(1), 1.5)).toThrow(RangeError);
  });

  test('zstd loads synchronously (WebAssembly on Node < 22.15)', () => {
    const hasNative = typeof (zlib as unknown as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function';
    expect(loadZstd()).toBe(hasNative ? 'node:zlib' : 'wasm');
  });
});

describe('none', () => {
  test('copies, and enforces maxBytes', () => {
    const data = Buffer.from('abc');
    const z = compress(CompressionType.None, data);
    expect(z.equals(data)).toBe(true);
    expect(z).not.toBe(data);
    expect(decompress(CompressionType.None, data, 3).equals(data)).toBe(true);
    expect(() => decompress(CompressionType.None, data, 2)).toThrow(DecompressionLimitError);
  });
});

describe.each(CODECS)('%s round trips', (_name, type) => {
  test('empty input', () => {
    roundTrip(type, Buffer.alloc(0));
    expect(decompress(type, compress(type, Buffer.alloc(0)), 0).length).toBe(0);
  });
  test('1 byte', () => {
    roundTrip(type, Buffer.from([0x42]));
  });
  test('small inputs 0..40 bytes', () => {
    for (let n = 0; n <= 40; n++) roundTrip(type, records(n, n + 1));
  });
  test('100 KiB random (incompressible)', () => {
    roundTrip(type, randomBytes(100 * 1024, 3));
  });
  test('1 MiB of records compresses', () => {
    const data = records(MiB);
    const z = roundTrip(type, data);
    expect(z.length).toBeLessThan(data.length / 2);
  });
  test('sizes around block boundaries', () => {
    for (const base of [XERIAL_BLOCK_SIZE, LZ4_BLOCK_SIZE, 2 * LZ4_BLOCK_SIZE, 128 * 1024, 3 * LZ4_BLOCK_SIZE]) {
      for (const n of [base - 13, base - 12, base - 5, base - 1, base, base + 1, base + 5, base + 13]) {
        roundTrip(type, records(n, n));
      }
    }
  });
  test('highly repetitive and low-entropy data', () => {
    roundTrip(type, Buffer.alloc(5 * LZ4_BLOCK_SIZE + 3, 0x61));
    roundTrip(type, Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 7)));
    const r = prng(9);
    roundTrip(type, Buffer.from(Array.from({ length: 300_000 }, () => 97 + ((r() * 4) | 0))));
    // repeats right at the end of 64 KiB blocks (the LZ4 end-of-block rules)
    roundTrip(type, Buffer.concat([randomBytes(LZ4_BLOCK_SIZE - 20, 4), Buffer.alloc(20, 0x41), randomBytes(LZ4_BLOCK_SIZE - 11, 5), Buffer.from('ABCDABCDABC')]));
  });
  test('accepts Uint8Array views with an offset', () => {
    const backing = records(10_000, 8);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 17, 5000);
    const z = compress(type, view);
    const padded = new Uint8Array(z.length + 3);
    padded.set(z, 3);
    expect(decompress(type, padded.subarray(3), 5000).equals(Buffer.from(view))).toBe(true);
  });
  test('output of exactly maxBytes is allowed; one byte more is a DecompressionLimitError', () => {
    const data = records(70_000, 6);
    const z = compress(type, data);
    expect(decompress(type, z, data.length).length).toBe(data.length);
    const err = (() => {
      try {
        decompress(type, z, data.length - 1);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DecompressionLimitError);
  });
});

describe('levels', () => {
  test('gzip 1..9 and -1; others refused', () => {
    const data = records(50_000);
    for (const level of [-1, 1, 5, 9]) roundTrip(CompressionType.Gzip, data, level);
    for (const level of [0, 10, -2, 1.5]) expect(() => compress(CompressionType.Gzip, data, level)).toThrow(ProtocolEncodeError);
  });
  test('lz4 1..17 accepted (the fast compressor is always used); others refused', () => {
    const data = records(50_000);
    expect(compress(CompressionType.Lz4, data, 1).equals(compress(CompressionType.Lz4, data, 17))).toBe(true);
    for (const level of [0, 18]) expect(() => compress(CompressionType.Lz4, data, level)).toThrow(ProtocolEncodeError);
  });
  test('zstd -131072..22; others refused', () => {
    const data = records(50_000);
    const sizes = [-5, 1, 3, 19].map((level) => roundTrip(CompressionType.Zstd, data, level).length);
    expect(sizes[3]).toBeLessThan(sizes[0]!);
    for (const level of [23, -131073]) expect(() => compress(CompressionType.Zstd, data, level)).toThrow(ProtocolEncodeError);
  });
  test('snappy ignores the level', () => {
    const data = records(1000);
    expect(compress(CompressionType.Snappy, data, 5).equals(compress(CompressionType.Snappy, data))).toBe(true);
  });
});

describe('gzip', () => {
  test('writes a standard gzip stream; reads concatenated members', () => {
    const data = records(10_000);
    const z = compress(CompressionType.Gzip, data);
    expect(z.subarray(0, 3).toString('hex')).toBe('1f8b08');
    expect(zlib.gunzipSync(z).equals(data)).toBe(true);
    const two = Buffer.concat([zlib.gzipSync(data.subarray(0, 4000)), zlib.gzipSync(data.subarray(4000))]);
    expect(decompress(CompressionType.Gzip, two, data.length).equals(data)).toBe(true);
  });
  test('truncated and corrupt streams are DecompressionErrors', () => {
    const z = compress(CompressionType.Gzip, records(10_000));
    expectDecompressionError(() => decompress(CompressionType.Gzip, z.subarray(0, z.length - 10), MiB), /^gzip: corrupt/);
    const bad = Buffer.from(z);
    bad[z.length - 6]! ^= 0xff; // CRC32
    expectDecompressionError(() => decompress(CompressionType.Gzip, bad, MiB));
    expectDecompressionError(() => decompress(CompressionType.Gzip, Buffer.alloc(0), MiB), /empty/);
  });
});

describe('snappy framing', () => {
  test('writes the xerial framing: header, then [int32 BE length][raw block] per 32 KiB', () => {
    const data = records(3 * XERIAL_BLOCK_SIZE + 100);
    const z = compress(CompressionType.Snappy, data);
    expect([...z.subarray(0, 8)]).toEqual(XERIAL_MAGIC);
    expect(z.readInt32BE(8)).toBe(1);
    expect(z.readInt32BE(12)).toBe(1);
    // walk the chunks: each is an independent raw block of <= 32 KiB
    const outs: Buffer[] = [];
    for (let pos = 16; pos < z.length; ) {
      const len = z.readInt32BE(pos);
      outs.push(Buffer.from(snappyjs.uncompress(z.subarray(pos + 4, pos + 4 + len))));
      pos += 4 + len;
    }
    expect(outs.map((o) => o.length)).toEqual([XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, 100]);
    expect(Buffer.concat(outs).equals(data)).toBe(true);
  });
  test('empty input is the 16-byte header alone (as Java writes it)', () => {
    expect(compress(CompressionType.Snappy, Buffer.alloc(0)).toString('hex')).toBe('82534e41505059000000000100000001');
  });
  test('reads raw (unframed) snappy, as librdkafka writes it', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('x'), records(100_000), randomBytes(70_000, 2)]) {
      expect(decompress(CompressionType.Snappy, snappyCompressRaw(data), data.length).equals(data)).toBe(true);
      expect(decompress(CompressionType.Snappy, Buffer.from(snappyjs.compress(data)), data.length).equals(data)).toBe(true);
    }
  });
  test('reads concatenated xerial streams', () => {
    const a = records(40_000, 1);
    const b = records(5000, 2);
    const z = Buffer.concat([compress(CompressionType.Snappy, a), compress(CompressionType.Snappy, b)]);
    expect(decompress(CompressionType.Snappy, z, MiB).equals(Buffer.concat([a, b]))).toBe(true);
  });
  test('corrupt framing and blocks are DecompressionErrors', () => {
    const z = compress(CompressionType.Snappy, records(50_000));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated chunk', z.subarray(0, z.length - 1), /runs past the end/],
      ['trailing partial length', Buffer.concat([z, Buffer.from([0, 0])]), /truncated chunk length/],
      ['negative chunk length', Buffer.concat([z.subarray(0, 16), Buffer.from([0x80, 0, 0, 1])]), /not positive/],
      ['zero chunk length', Buffer.concat([z.subarray(0, 16), Buffer.from([0, 0, 0, 0])]), /not positive/],
      ['incompatible header', Buffer.concat([z.subarray(0, 12), Buffer.from([0, 0, 0, 0]), z.subarray(16)]), /compatible version/],
      ['raw: bad preamble', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), /preamble/],
      ['raw: truncated preamble', Buffer.from([0x80]), /preamble/],
      ['raw: copy before start', Buffer.from([0x08, 0x01 | (0 << 2), 0x05]), /offset/],
      ['raw: literal past end', Buffer.from([0x05, 0x10, 0x61]), /past the end/],
      ['raw: short output', Buffer.from([0x05, 0x00, 0x61]), /declares 5/],
      ['raw: long output', Buffer.from([0x01, 0x04, 0x61, 0x62]), /overruns/],
      ['empty', Buffer.alloc(0), /empty/],
    ];
    for (const [, data, match] of cases) expectDecompressionError(() => decompress(CompressionType.Snappy, data, MiB), match);
  });
});

describe('lz4 frame', () => {
  test('xxh32 matches known vectors and lz4js', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
    const r = prng(5);
    for (let i = 0; i < 200; i++) {
      const data = randomBytes((r() * 100) | 0, i + 1);
      expect(xxh32(data)).toBe(lz4jsXxh32.hash(0, data, 0, data.length));
    }
  });

  test("header is Java's: magic, FLG 0x60 (v01, independent blocks), BD 0x40 (64 KiB), correct HC", () => {
    const z = compress(CompressionType.Lz4, Buffer.alloc(0));
    // exactly what Kafka 4.2.1's Lz4BlockOutputStream writes for an empty input
    expect(z.toString('hex')).toBe('04224d18604082' + '00000000');
    expect(lz4HeaderChecksum(Buffer.from([0x60, 0x40]))).toBe(0x82);
    const big = compress(CompressionType.Lz4, records(200_000));
    expect(big.subarray(0, 7).toString('hex')).toBe('04224d18604082');
  });

  test('blocks hold at most 64 KiB; incompressible blocks are stored with the high bit', () => {
    const data = Buffer.concat([records(LZ4_BLOCK_SIZE), randomBytes(LZ4_BLOCK_SIZE, 7), records(10)]);
    const z = compress(CompressionType.Lz4, data);
    const words: number[] = [];
    for (let pos = 7; ; ) {
      const w = z.readUInt32LE(pos);
      words.push(w);
      if (w === 0) break;
      pos += 4 + (w & 0x7fffffff);
    }
    expect(words).toHaveLength(4);
    expect(words[0]! & 0x80000000).toBe(0);
    expect(words[1]).toBe((0x80000000 | LZ4_BLOCK_SIZE) >>> 0);
    expect(words[3]).toBe(0);
  });

  test('a corrupted header checksum is refused; so is the pre-KIP-57 checksum', () => {
    const data = records(1000);
    const z = compress(CompressionType.Lz4, data);
    const bad = Buffer.from(z);
    bad[6]! ^= 0x01;
    expectDecompressionError(() => decompress(CompressionType.Lz4, bad, MiB), /descriptor checksum mismatch/);
    // magic-0 message sets hashed the magic as well: (xxh32(magic..BD) >> 8) & 0xff
    const old = Buffer.from(z);
    old[6] = (xxh32(z.subarray(0, 6)) >>> 8) & 0xff;
    expect(old[6]).not.toBe(z[6]);
    expectDecompressionError(() => decompress(CompressionType.Lz4, old, MiB), /checksum/);
  });

  /** Builds a frame by hand: `flg` flags, blocks as [compressed?, bytes]. */
  function frame(flg: number, blocks: Array<[boolean, Buffer]>, opts: { contentSize?: number; contentChecksum?: number; bd?: number } = {}): Buffer {
    const desc = [flg, opts.bd ?? 0x40];
    if (opts.contentSize !== undefined) {
      const cs = Buffer.alloc(8);
      cs.writeBigUInt64LE(BigInt(opts.contentSize));
      desc.push(...cs);
    }
    const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18, ...desc, lz4HeaderChecksum(Buffer.from(desc))])];
    for (const [compressed, bytes] of blocks) {
      const w = Buffer.alloc(4);
      w.writeUInt32LE((bytes.length | (compressed ? 0 : 0x80000000)) >>> 0);
      parts.push(w, bytes);
      if (flg & 0x10) {
        const c = Buffer.alloc(4);
        c.writeUInt32LE(xxh32(bytes));
        parts.push(c);
      }
    }
    parts.push(Buffer.alloc(4));
    if (opts.contentChecksum !== undefined) {
      const c = Buffer.alloc(4);
      c.writeUInt32LE(opts.contentChecksum);
      parts.push(c);
    }
    return Buffer.concat(parts);
  }
  /** A compressed LZ4 block for `text`: one literal run, then one match of `matchLen` at `offset`. */
  function block(text: string, offset: number, matchLen: number, tail: string): Buffer {
    const lit = Buffer.from(text);
    const out: number[] = [(Math.min(lit.length, 15) << 4) | Math.min(matchLen - 4, 15)];
    const extra = (n: number): void => {
      for (; n >= 255; n -= 255) out.push(255);
      out.push(n);
    };
    if (lit.length >= 15) extra(lit.length - 15);
    out.push(...lit, offset & 0xff, offset >> 8);
    if (matchLen - 4 >= 15) extra(matchLen - 4 - 15);
    const t = Buffer.from(tail);
    out.push(t.length << 4, ...t);
    return Buffer.from(out);
  }

  test('reads block checksums, content size and content checksum (verifying all three)', () => {
    const b = block('abcd', 4, 8, 'xyz!!'); // "abcd" + "abcdabcd" + "xyz!!"
    const expected = Buffer.from('abcdabcdabcdxyz!!');
    expect(decompress(CompressionType.Lz4, frame(0x60, [[true, b]]), 100).equals(expected)).toBe(true);
    expect(decompress(CompressionType.Lz4, frame(0x70, [[true, b]]), 100).equals(expected)).toBe(true);
    const full = frame(0x7c, [[true, b], [false, Buffer.from('raw')]], { contentSize: 20, contentChecksum: xxh32(Buffer.from('abcdabcdabcdxyz!!raw')) });
    expect(decompress(CompressionType.Lz4, full, 100).toString()).toBe('abcdabcdabcdxyz!!raw');
    // each check refuses a wrong value
    const badBlockSum = frame(0x70, [[true, b]]);
    badBlockSum[badBlockSum.length - 5]! ^= 1;
    expectDecompressionError(() => decompress(CompressionType.Lz4, badBlockSum, 100), /block checksum/);
    expectDecompressionError(() => decompress(CompressionType.Lz4, frame(0x6c, [[true, b]], { contentSize: 18, contentChecksum: 0 }), 100), /declares 18 bytes/);
    expectDecompressionError(() => decompress(CompressionType.Lz4, frame(0x64, [[true, b]], { contentChecksum: 1234 }), 100), /content checksum/);
  });

  test('reads dependent-block frames (lz4js output), which Java refuses', () => {
    for (const data of [records(300_000, 2), Buffer.alloc(10), randomBytes(5000, 1)]) {
      const z = Buffer.from(lz4js.compress(data));
      expect(z[4]! & 0x20).toBe(0); // block independence not set
      expect(decompress(CompressionType.Lz4, z, data.length).equals(data)).toBe(true);
    }
  });

  test('refuses what no Kafka producer writes', () => {
    const b = block('abcd', 4, 8, 'xyz!!');
    const cases: Array<[Buffer, RegExp]> = [
      [frame(0x80 | 0x20, [[true, b]]), /version/],
      [frame(0x62, [[true, b]]), /reserved FLG/],
      [frame(0x61, [[true, b]]), /dictionary/],
      [frame(0x60, [[true, b]], { bd: 0x30 }), /block maximum size/],
      [frame(0x60, [[true, b]], { bd: 0x41 }), /reserved BD/],
      [Buffer.concat([frame(0x60, [[true, b]]), Buffer.from([1])]), /after the end of the frame/],
      [frame(0x60, [[true, block('abcd', 5, 8, 'xyz!!')]]), /offset 5/],
      [frame(0x60, [[true, block('abcd', 0, 8, 'xyz!!')]]), /offset 0/],
      [frame(0x60, [[true, Buffer.from([0x40, 0x61])]]), /runs past the end/],
      [frame(0x60, [[true, Buffer.from([0x14, 0x61, 0x01])]]), /truncated match offset/],
      [frame(0x60, [[true, Buffer.from([0x10, 0x61, 0x01, 0x00])]]), /ends inside a sequence/],
      [frame(0x60, [[false, Buffer.alloc(LZ4_BLOCK_SIZE + 1)]]), /exceeds the frame's 65536-byte maximum/],
      [Buffer.from('04224d1860', 'hex'), /too short/],
      [Buffer.from('05224d18604082', 'hex'), /magic/],
      [compress(CompressionType.Lz4, records(1000)).subarray(0, 200), /runs past|truncated/],
    ];
    for (const [data, match] of cases) expectDecompressionError(() => decompress(CompressionType.Lz4, data, MiB), match);
  });

  test('a compressed block that expands past the 64 KiB block maximum is refused', () => {
    // literal 'a' then a match of 70000 bytes at offset 1
    const b = block('a', 1, 70_000, 'aaaaa');
    expectDecompressionError(() => decompress(CompressionType.Lz4, frame(0x60, [[true, b]]), MiB), /65536-byte maximum/);
  });
});

describe('zstd frames', () => {
  test('reads frames without content size, with checksums, skippable frames and several frames', () => {
    const a = records(200_000, 1);
    const b = records(1000, 2);
    const za = compress(CompressionType.Zstd, a);
    const zb = compress(CompressionType.Zstd, b);
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    expect(decompress(CompressionType.Zstd, Buffer.concat([za, skippable, zb]), MiB).equals(Buffer.concat([a, b]))).toBe(true);
    const noSize = withoutContentSize(za);
    expect(noSize[4]! >> 6).toBe(0);
    expect(zstdDecompressedBound(noSize, 100 * MiB)).toBeGreaterThanOrEqual(a.length);
    expect(decompress(CompressionType.Zstd, noSize, a.length).equals(a)).toBe(true);
    // a hand-made frame: no content size, one raw block, one RLE block, checksum flag
    const hand = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00, /* raw 3 */ 0x18, 0, 0, 0x61, 0x62, 0x63, /* last RLE 4 */ 0x23, 0, 0, 0x7a]);
    const sum = Buffer.alloc(4); // content checksum: low 32 bits of xxh64, not verified by the bound walk
    expectDecompressionError(() => decompress(CompressionType.Zstd, Buffer.concat([hand, sum]), 100), /checksum/);
    const handNoSum = Buffer.from(hand);
    handNoSum[4] = 0x00;
    expect(decompress(CompressionType.Zstd, handNoSum, 100).toString()).toBe('abczzzz');
  });

  test('the WebAssembly instance is replaced once its memory has grown past 96 MiB', () => {
    expect(selectZstdBackend('wasm')).toBe('wasm');
    try {
      const small = records(10_000);
      compress(CompressionType.Zstd, small);
      const initial = zstdWasmHeapBytes()!;
      expect(initial).toBeLessThanOrEqual(32 * MiB);
      const big = Buffer.alloc(80 * MiB, 7);
      const z = compress(CompressionType.Zstd, big, 1); // needs ~160 MiB of wasm memory
      expect(zstdWasmHeapBytes()).toBeNull(); // retired
      expect(decompress(CompressionType.Zstd, compress(CompressionType.Zstd, small), small.length).equals(small)).toBe(true);
      expect(zstdWasmHeapBytes()).toBe(initial); // a fresh instance
      expect(decompress(CompressionType.Zstd, z, big.length).equals(big)).toBe(true);
    } finally {
      selectZstdBackend('auto');
    }
  });

  test('corrupt frames are DecompressionErrors', () => {
    const z = compress(CompressionType.Zstd, records(100_000));
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /empty/],
      [Buffer.from('28b52ffd', 'hex'), /truncated/],
      [Buffer.from('00112233445566', 'hex'), /magic/],
      [z.subarray(0, z.length - 1), /runs past|truncated/],
      [Buffer.concat([z, Buffer.from([0x28])]), /truncated frame magic/],
      [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x00]), /reserved/],
      [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0, 0]), /reserved block type/],
    ];
    for (const [data, match] of cases) expectDecompressionError(() => decompress(CompressionType.Zstd, data, MiB), match);
  });
});

describe('zstd through node:zlib (Node >= 22.15; simulated on older Node)', () => {
  const z = zlib as unknown as Record<string, unknown> & { constants: Record<string, number> };
  const native = typeof z.zstdDecompressSync === 'function';
  const plain = records(200_000, 11);
  let frame: Buffer;
  const calls: Array<{ params: Record<number, number>; pledgedSrcSize?: number }> = [];

  beforeAll(() => {
    frame = withoutContentSize(compress(CompressionType.Zstd, plain)); // made by the current backend
    if (native) return;
    z.constants.ZSTD_c_compressionLevel = 100;
    z.zstdCompressSync = (_data: Uint8Array, options: { params: Record<number, number>; pledgedSrcSize?: number }) => {
      calls.push(options);
      return Buffer.from(frame);
    };
    z.zstdDecompressSync = (data: Uint8Array, options: { maxOutputLength: number }) => {
      if (data[data.length - 1] === 0xee) throw Object.assign(new Error('Data corruption detected'), { code: 'ZSTD_error_corruption_detected' });
      if (plain.length > options.maxOutputLength) {
        throw Object.assign(new RangeError(`Cannot create a Buffer larger than ${options.maxOutputLength} bytes`), { code: 'ERR_BUFFER_TOO_LARGE' });
      }
      return Buffer.from(plain);
    };
  });

  afterAll(() => {
    if (!native) {
      delete z.zstdCompressSync;
      delete z.zstdDecompressSync;
      delete z.constants.ZSTD_c_compressionLevel;
    }
    selectZstdBackend('auto');
  });

  test('compress passes the level (and the size); decompress caps the output', () => {
    expect(selectZstdBackend('node:zlib')).toBe('node:zlib');
    const out = compress(CompressionType.Zstd, plain, 7);
    if (!native) expect(calls.at(-1)).toEqual({ params: { 100: 7 }, pledgedSrcSize: plain.length });
    expect(decompress(CompressionType.Zstd, out, plain.length).equals(plain)).toBe(true);
    expect(decompress(CompressionType.Zstd, frame, plain.length).equals(plain)).toBe(true);
    const limit = (() => {
      try {
        decompress(CompressionType.Zstd, frame, plain.length - 1);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(limit).toBeInstanceOf(DecompressionLimitError);
  });

  test('decoder errors become DecompressionErrors', () => {
    selectZstdBackend('node:zlib');
    // a structurally complete frame whose content is damaged (the simulated decoder keys on the last byte)
    const damaged = Buffer.from(frame);
    damaged[damaged.length - 1] = 0xee;
    if (native) damaged.fill(0xee, 20, damaged.length);
    expectDecompressionError(() => decompress(CompressionType.Zstd, damaged, 10 * MiB));
    expectDecompressionError(() => decompress(CompressionType.Zstd, Buffer.alloc(0), MiB), /empty/);
  });

  test('an unavailable backend is a CompressionUnavailableError', () => {
    if (native) return;
    delete z.zstdDecompressSync;
    try {
      expect(() => selectZstdBackend('node:zlib')).toThrow(/has no zstd/);
    } finally {
      z.zstdDecompressSync = () => Buffer.alloc(0);
    }
  });
});

/**
 * Rewrites a single zstd frame to carry no content size, as Java's zstd-jni streams write it: a
 * single-segment frame gets a window descriptor covering its content instead.
 */
function withoutContentSize(frame: Buffer): Buffer {
  const fhd = frame[4]!;
  const single = (fhd & 0x20) !== 0;
  const fcsSize = fhd >> 6 === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fhd >> 6]!;
  const did = [0, 1, 2, 4][fhd & 3]!;
  const headerEnd = 5 + (single ? 0 : 1) + did + fcsSize;
  const fcsBytes = frame.subarray(headerEnd - fcsSize, headerEnd);
  let wd: Buffer;
  if (single) {
    const size = fcsBytes.readUIntLE(0, Math.min(fcsSize, 6)) + (fcsSize === 2 ? 256 : 0);
    let log = 10;
    while (2 ** log < size) log++;
    wd = Buffer.from([(log - 10) << 3]);
  } else {
    wd = frame.subarray(5, 6);
  }
  const dict = frame.subarray(headerEnd - fcsSize - did, headerEnd - fcsSize);
  return Buffer.concat([frame.subarray(0, 4), Buffer.from([fhd & 0x1f]), wd, dict, frame.subarray(headerEnd)]);
}

describe('fuzz: mutated input is either decoded or a DecompressionError', () => {
  function mutate(base: Buffer, r: () => number): Buffer {
    const b = Buffer.from(base);
    const kind = (r() * 6) | 0;
    const at = (r() * b.length) | 0;
    switch (kind) {
      case 0: // flip 1-4 bits
        for (let i = 1 + ((r() * 4) | 0); i > 0; i--) b[(r() * b.length) | 0]! ^= 1 << ((r() * 8) | 0);
        return b;
      case 1: // overwrite a few bytes with random values
        for (let i = 1 + ((r() * 3) | 0); i > 0; i--) b[(r() * b.length) | 0] = (r() * 256) | 0;
        return b;
      case 2: // truncate
        return b.subarray(0, at);
      case 3: // insert random bytes
        return Buffer.concat([b.subarray(0, at), randomBytes(1 + ((r() * 8) | 0), (r() * 1e9) | 0), b.subarray(at)]);
      case 4: // overwrite with 0xff / 0x00 runs (lengths, sizes)
        b.fill(r() < 0.5 ? 0xff : 0x00, at, Math.min(b.length, at + 1 + ((r() * 6) | 0)));
        return b;
      default: // duplicate a slice
        return Buffer.concat([b.subarray(0, at), b.subarray(at, at + 1 + ((r() * 50) | 0)), b.subarray(at)]);
    }
  }

  test.each(CODECS)('%s: 2,000 mutations', (_name, type) => {
    const bases = [records(1000, 1), records(5000, 2), Buffer.concat([records(70_000, 3), randomBytes(3000, 3)]), randomBytes(300, 4)].map((d) =>
      compress(type, d),
    );
    if (type === CompressionType.Snappy) bases.push(snappyCompressRaw(records(3000, 5)));
    const r = prng(1234 + type);
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const input = mutate(bases[i % bases.length]!, r);
      try {
        const out = decompress(type, input, 256 * 1024);
        expect(Buffer.isBuffer(out)).toBe(true);
        decoded++;
      } catch (err) {
        if (!(err instanceof DecompressionError)) {
          throw new Error(`mutation ${i} threw ${String(err)} instead of a DecompressionError`);
        }
        refused++;
      }
    }
    expect(decoded + refused).toBe(2000);
    expect(refused).toBeGreaterThan(500);
  });

  test.each(CODECS)('%s: 300 random inputs', (_name, type) => {
    for (let i = 0; i < 300; i++) {
      const input = randomBytes(i % 64, i + 77);
      try {
        decompress(type, input, 64 * 1024);
      } catch (err) {
        expect(err).toBeInstanceOf(DecompressionError);
      }
    }
  });
});

describe('decompression bombs are refused, not expanded', () => {
  function expectLimit(fn: () => unknown, limit: number): DecompressionLimitError {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(DecompressionLimitError);
      const e = err as DecompressionLimitError;
      expect(e.limit).toBe(limit);
      expect(e.message).toContain(`${limit} bytes`);
      expect(e.message).toContain('maxDecompressedBytes');
      return e;
    }
    throw new Error('expected a DecompressionLimitError, nothing was thrown');
  }

  test('the error types', () => {
    const e = expectLimit(() => decompress(CompressionType.None, Buffer.alloc(10), 5), 5);
    expect(e).toBeInstanceOf(DecompressionError);
    expect(e).toBeInstanceOf(ProtocolDecodeError);
    expect(e).toBeInstanceOf(KafkaesqueError);
    expect(e.code).toBe('ERR_DECOMPRESSION_LIMIT');
    expect(e.name).toBe('DecompressionLimitError');
    const c = expectDecompressionError(() => decompress(CompressionType.Lz4, Buffer.alloc(3), 5));
    expect(c.code).toBe('ERR_DECOMPRESSION');
    expect(c.codec).toBe('lz4');
    expect(c.message).toMatch(/^lz4: /);
  });

  test('gzip: 1 GiB of zeros in ~1 MiB of input, maxBytes 1 MiB; memory stays bounded', () => {
    const member = zlib.gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member)); // 64 members x 16 MiB = 1 GiB
    expect(bomb.length).toBeLessThan(2 * MiB);
    const before = process.memoryUsage();
    expectLimit(() => decompress(CompressionType.Gzip, bomb, MiB), MiB);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MiB);
    expect(after.rss - before.rss).toBeLessThan(128 * MiB);
  });

  test('gzip: a single member expanding to 256 MiB, maxBytes 1 MiB', () => {
    const gz = zlib.createGzip({ level: 1 });
    const chunks: Buffer[] = [];
    gz.on('data', (c: Buffer) => chunks.push(c));
    const zeros = Buffer.alloc(MiB);
    const done = new Promise<void>((resolve) => gz.on('end', resolve));
    for (let i = 0; i < 256; i++) gz.write(zeros);
    gz.end();
    return done.then(() => {
      const bomb = Buffer.concat(chunks);
      const before = process.memoryUsage().arrayBuffers;
      expectLimit(() => decompress(CompressionType.Gzip, bomb, MiB), MiB);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * MiB);
    });
  });

  test('snappy: a raw block declaring 4 GiB is refused before allocating', () => {
    const before = process.memoryUsage().arrayBuffers;
    expectLimit(() => decompress(CompressionType.Snappy, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), DEFAULT_MAX_DECOMPRESSED_BYTES), DEFAULT_MAX_DECOMPRESSED_BYTES);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(MiB);
  });

  test('snappy: xerial chunks whose declared sizes add up past the limit', () => {
    const chunk = snappyCompressRaw(Buffer.alloc(XERIAL_BLOCK_SIZE)); // ~1.5 KiB -> 32 KiB
    const len = Buffer.alloc(4);
    len.writeInt32BE(chunk.length);
    const bomb = Buffer.concat([Buffer.from('82534e41505059000000000100000001', 'hex'), ...Array.from({ length: 100 }, () => Buffer.concat([len, chunk]))]);
    expectLimit(() => decompress(CompressionType.Snappy, bomb, MiB), MiB);
    expect(decompress(CompressionType.Snappy, bomb, 100 * XERIAL_BLOCK_SIZE).length).toBe(100 * XERIAL_BLOCK_SIZE);
  });

  test('lz4: 64 MiB of zeros (~260 KiB compressed), maxBytes 1 MiB, refused by the scan before allocating', () => {
    const bomb = compress(CompressionType.Lz4, Buffer.alloc(64 * MiB));
    expect(bomb.length).toBeLessThan(MiB);
    const before = process.memoryUsage().arrayBuffers;
    expectLimit(() => decompress(CompressionType.Lz4, bomb, MiB), MiB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(MiB);
  });

  test('lz4: a declared content size past the limit is refused at the header', () => {
    const desc = Buffer.from([0x68, 0x40, 0, 0, 0, 0, 1, 0, 0, 0]);
    const f = Buffer.concat([Buffer.from('04224d18', 'hex'), desc, Buffer.from([lz4HeaderChecksum(desc)]), Buffer.alloc(4)]);
    expect(expectLimit(() => decompress(CompressionType.Lz4, f, MiB), MiB).message).toMatch(/content size of 4294967296/);
  });

  test('zstd: declared content size past the limit is refused before decoding', () => {
    const z = compress(CompressionType.Zstd, Buffer.alloc(8 * MiB));
    expect(z.length).toBeLessThan(4096);
    expect(expectLimit(() => decompress(CompressionType.Zstd, z, MiB), MiB).message).toMatch(/declare 8388608 bytes/);
  });

  test('zstd: without content size (as Java writes), 8 MiB of zeros with maxBytes 1 MiB', () => {
    const z = withoutContentSize(compress(CompressionType.Zstd, Buffer.alloc(8 * MiB)));
    const before = process.memoryUsage().arrayBuffers;
    expectLimit(() => decompress(CompressionType.Zstd, z, MiB), MiB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * MiB);
    expect(decompress(CompressionType.Zstd, z, 8 * MiB).length).toBe(8 * MiB);
  });

  test('zstd: 1 GiB of RLE blocks (32 KiB of input), maxBytes 1 MiB', () => {
    const rle = Buffer.from([0x02 | ((128 * 1024) << 3) & 0xff, ((128 * 1024) << 3) >> 8 & 0xff, ((128 * 1024) << 3) >> 16, 0x00]);
    const blocks = Array.from({ length: 8192 }, () => rle);
    const last = Buffer.from(rle);
    last[0]! |= 1;
    blocks[blocks.length - 1] = last;
    const bomb = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]), ...blocks]);
    const before = process.memoryUsage().arrayBuffers;
    expectLimit(() => decompress(CompressionType.Zstd, bomb, MiB), MiB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * MiB);
  });
});

describe('lz4CompressInto and Writer.writeWith (the producer compresses in place)', () => {
  const input = Buffer.from(Array.from({ length: 3 * LZ4_BLOCK_SIZE + 777 }, (_, i) => (i * 31) % 251 ^ (i >> 9)));

  test('the frame written at an offset of a larger buffer is the one lz4Compress returns', () => {
    const out = Buffer.alloc(5 + lz4FrameBound(input.length), 0xee);
    const end = lz4CompressInto(input, out, 5);
    expect(out.subarray(0, 5)).toEqual(Buffer.alloc(5, 0xee));
    expect(out.subarray(5, end)).toEqual(lz4Compress(input));
    expect(decompress(CompressionType.Lz4, out.subarray(5, end), 1 << 20)).toEqual(input);
  });

  test('too little room is refused before writing; a writeWith callback may not overrun', () => {
    const out = Buffer.alloc(lz4FrameBound(input.length) - 1);
    expect(() => lz4CompressInto(input, out, 0)).toThrow(RangeError);
    expect(() => new Writer(16).writeWith(4, (_buf, pos) => pos + 5)).toThrow(/writeWith/);
    const w = new Writer(4).int8(1).writeWith(lz4FrameBound(input.length), (buf, pos) => lz4CompressInto(input, buf, pos));
    expect(w.finish().subarray(1)).toEqual(lz4Compress(input));
  });
});

describe.each(['wasm', 'ts'] as const)('lz4 frames from the %s block compressor', (which) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lz4jsFull = require('lz4js') as { decompress(src: Uint8Array): Uint8Array };
  beforeAll(() => expect(selectLz4Compressor(which)).toBe(which));
  afterAll(() => selectLz4Compressor('wasm'));

  let seed = 7;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const inputs: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([42])],
    ['12 bytes (below the match limit)', Buffer.from('abcdabcdabcd')],
    ['random, 3 blocks + 1', Buffer.from(Array.from({ length: 3 * LZ4_BLOCK_SIZE + 1 }, () => rnd() & 0xff))],
    ['repetitive JSON, 200 KiB', Buffer.from('{"user":"u-1","event":"click","n":12345}'.repeat(5000))],
    ['zeros, exactly one block', Buffer.alloc(LZ4_BLOCK_SIZE)],
  ];

  test.each(inputs)('%s: our decoder and lz4js read back the input', (_name, input) => {
    const frame = lz4Compress(input);
    expect(decompress(CompressionType.Lz4, frame, 1 << 22)).toEqual(input);
    expect(Buffer.from(lz4jsFull.decompress(frame))).toEqual(input);
    // no block is bigger than its input: incompressible blocks are stored
    expect(frame.length).toBeLessThanOrEqual(7 + 4 + input.length + 4 * Math.ceil(input.length / LZ4_BLOCK_SIZE));
  });
});
