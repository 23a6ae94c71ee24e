/**
 * Seeded randomness and the mutations the fuzz tests apply to captured frames.
 *
 * Every case gets its own generator, derived from the run's seed and the case's index, so one
 * failing case replays alone: `KAFKAESQUE_FUZZ_SEED=<seed> KAFKAESQUE_FUZZ_CASE=<index>`.
 */
import { crc32c } from '../../protocol/crc32c.js';

/** The run's seed: KAFKAESQUE_FUZZ_SEED (decimal or 0x-hex), else a fixed one so CI is reproducible. */
export function fuzzSeed(): number {
  const env = process.env.KAFKAESQUE_FUZZ_SEED;
  if (env === undefined || env === '') return 0x6b61666b; // 'kafk'
  const n = Number(env);
  if (!Number.isInteger(n)) throw new Error(`KAFKAESQUE_FUZZ_SEED must be an integer, got ${env}`);
  return n >>> 0;
}

/** KAFKAESQUE_FUZZ_CASE: run only this case index (to replay a failure), else undefined. */
export function onlyCase(): number | undefined {
  const env = process.env.KAFKAESQUE_FUZZ_CASE;
  return env === undefined || env === '' ? undefined : Number(env);
}

/** Multiplies the number of cases (KAFKAESQUE_FUZZ_SCALE, default 1): a longer hunt, same seeds. */
export function fuzzScale(): number {
  const n = Number(process.env.KAFKAESQUE_FUZZ_SCALE ?? '1');
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** sfc32, seeded through splitmix32: small, fast, and good enough to pick mutations. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 8; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** Values that break length and count fields: the largest, the null markers, off-by-ones. */
const INT32_EVIL = [0x7fffffff, -1, -2, 0x7ffffffe, 0x40000000, 0x10000, -0x80000000, 0];
const INT16_EVIL = [0x7fff, -1, -2, 0x7ffe, 0x4000, -0x8000, 0];
/** UNSIGNED_VARINTs: 2^32-1 (5 bytes), 2^31, 2^28, 0 (the compact null), 1 (empty). */
const UVARINT_EVIL = [
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]),
  Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]), // zigzag: 2^31-1
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), // longer than 32 bits
  Buffer.from([0x00]),
  Buffer.from([0x01]),
];
const BYTE_EVIL = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

export type MutationName =
  | 'bit-flip'
  | 'byte-replace'
  | 'truncate'
  | 'extend'
  | 'int32-inflate'
  | 'int16-inflate'
  | 'varint-inflate'
  | 'splice'
  | 'delete-chunk'
  | 'duplicate-chunk';

const MUTATIONS: readonly MutationName[] = [
  'bit-flip',
  'byte-replace',
  'truncate',
  'extend',
  'int32-inflate',
  'int32-inflate',
  'int16-inflate',
  'varint-inflate',
  'splice',
  'delete-chunk',
  'duplicate-chunk',
];

/** Applies one named mutation; `others` feeds splicing. Never mutates its input. */
export function mutateOnce(rng: Rng, input: Buffer, name: MutationName, others: readonly Buffer[]): Buffer {
  const len = input.length;
  const at = (room = 1): number => rng.int(Math.max(1, len - room + 1));
  switch (name) {
    case 'bit-flip': {
      const out = Buffer.from(input);
      if (len === 0) return out;
      for (let n = 1 + rng.int(8); n > 0; n--) {
        const i = rng.int(len);
        out[i] = out[i]! ^ (1 << rng.int(8));
      }
      return out;
    }
    case 'byte-replace': {
      const out = Buffer.from(input);
      if (len === 0) return out;
      for (let n = 1 + rng.int(4); n > 0; n--) out[rng.int(len)] = rng.chance(0.5) ? rng.pick(BYTE_EVIL) : rng.int(256);
      return out;
    }
    case 'truncate':
      return Buffer.from(input.subarray(0, rng.int(len + 1)));
    case 'extend':
      return Buffer.concat([input, rng.bytes(1 + rng.int(rng.chance(0.2) ? 512 : 16))]);
    case 'int32-inflate': {
      const out = Buffer.from(input);
      if (len < 4) return out;
      // length fields sit anywhere: aligned guesses and arbitrary offsets alike
      const i = rng.chance(0.5) ? at(4) & ~3 : at(4);
      out.writeInt32BE(rng.pick(INT32_EVIL), Math.min(i, len - 4));
      return out;
    }
    case 'int16-inflate': {
      const out = Buffer.from(input);
      if (len < 2) return out;
      out.writeInt16BE(rng.pick(INT16_EVIL), at(2));
      return out;
    }
    case 'varint-inflate': {
      const v = rng.pick(UVARINT_EVIL);
      const i = rng.int(len + 1);
      // overwrite in place (keeps the rest aligned) or insert
      if (rng.chance(0.5) && i + v.length <= len) {
        const out = Buffer.from(input);
        v.copy(out, i);
        return out;
      }
      return Buffer.concat([input.subarray(0, i), v, input.subarray(i)]);
    }
    case 'splice': {
      const other = others.length > 0 ? rng.pick(others) : rng.bytes(32);
      return Buffer.concat([input.subarray(0, rng.int(len + 1)), other.subarray(rng.int(other.length + 1))]);
    }
    case 'delete-chunk': {
      const i = rng.int(len + 1);
      const n = 1 + rng.int(16);
      return Buffer.concat([input.subarray(0, i), input.subarray(Math.min(len, i + n))]);
    }
    case 'duplicate-chunk': {
      const i = rng.int(len + 1);
      const chunk = input.subarray(i, i + 1 + rng.int(32));
      return Buffer.concat([input.subarray(0, i), chunk, input.subarray(i)]);
    }
  }
}

/** One to three stacked mutations; returns the result and their names (for the failure message). */
export function mutate(rng: Rng, input: Buffer, others: readonly Buffer[]): { data: Buffer; applied: MutationName[] } {
  let data = input;
  const applied: MutationName[] = [];
  for (let n = 1 + (rng.chance(0.3) ? rng.int(3) : 0); n > 0; n--) {
    const name = rng.pick(MUTATIONS);
    applied.push(name);
    data = mutateOnce(rng, data, name, others);
  }
  return { data, applied };
}

/**
 * Rewrites the CRC-32C of every whole v2 batch in a record set whose length still fits, so a
 * mutation of the header fields or records gets past the CRC check to the parser behind it.
 */
export function fixBatchCrcs(set: Buffer): Buffer {
  let pos = 0;
  while (set.length - pos >= 61) {
    const batchLength = set.readInt32BE(pos + 8);
    if (batchLength < 49 || batchLength > set.length - pos - 12) break;
    const end = pos + 12 + batchLength;
    set.writeUInt32BE(crc32c(set.subarray(pos + 21, end)), pos + 17);
    pos = end;
  }
  return set;
}

/**
 * Random bytes shaped like protocol fields: small counts and lengths (INT32, INT16, UNSIGNED_VARINT),
 * null markers, short strings of both encodings, empty tag buffers, and some noise. Pure noise
 * is refused at the first count (a random INT32 count claims more elements than any frame holds);
 * these get past it into the body decoder, independently of what the broker happened to send.
 */
export function fieldLikeBytes(rng: Rng, budget: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  while (n < budget) {
    let b: Buffer;
    switch (rng.int(8)) {
      case 0: // INT32: a count, an id or a null marker
        b = Buffer.alloc(4);
        b.writeInt32BE(rng.chance(0.8) ? rng.int(4) : -1);
        break;
      case 1: // INT16: an error code, a length or a null marker
        b = Buffer.alloc(2);
        b.writeInt16BE(rng.chance(0.8) ? rng.int(4) : -1);
        break;
      case 2: // UNSIGNED_VARINT: a compact count or length, 0 for null
        b = Buffer.from([rng.int(5)]);
        break;
      case 3: {
        // STRING
        const len = rng.int(12);
        b = Buffer.concat([Buffer.from([0, len]), Buffer.from('abcdefghijkl'.slice(0, len))]);
        break;
      }
      case 4: {
        // COMPACT_STRING
        const len = rng.int(12);
        b = Buffer.concat([Buffer.from([len + 1]), Buffer.from('abcdefghijkl'.slice(0, len))]);
        break;
      }
      case 5: // an empty tag buffer, false, or a zero
        b = Buffer.from([0]);
        break;
      default:
        b = rng.bytes(1 + rng.int(8));
    }
    parts.push(b);
    n += b.length;
  }
  return Buffer.concat(parts);
}
