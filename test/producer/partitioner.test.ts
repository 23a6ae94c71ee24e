/**
 * Unit tests of src/producer/partitioner.ts.
 *
 * Hashes are checked against vectors from the real implementations (no JVM or Go needed here):
 *  - test/fixtures/partitioner/java-murmur2.json: Kafka 4.2.1's Utils.murmur2 and
 *    BuiltInPartitioner.partitionForKey for 1,000 keys x 8 partition counts;
 *  - test/fixtures/partitioner/sarama-fnv1a.json: sarama v1.61.1's NewHashPartitioner for the same
 *    keys and counts.
 * Each fixture carries the source of the program that wrote it. The JVM check itself is
 * test/conformance/partitioner.conformance.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KafkaesqueError } from '../../protocol/errors.js';
import { PartitionerError } from '../../src/producer/errors.js';
import {
  Partitioner,
  type PartitionerContext,
  type PartitionerOptions,
  fnv1a32,
  javaPartitionForKey,
  murmur2,
  saramaPartitionForKey,
  toPositive,
} from '../../src/producer/partitioner.js';
import { seeded } from '../helpers/random.js';

interface Fixture<V> {
  partitionCounts: number[];
  vectors: V[];
}
type JavaVector = { key: string; murmur2: number; partitions: number[] };
type SaramaVector = { key: string; fnv1a: number; partitions: number[] };

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'partitioner');
const java = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'java-murmur2.json'), 'utf8')) as Fixture<JavaVector>;
const sarama = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sarama-fnv1a.json'), 'utf8')) as Fixture<SaramaVector>;

const COUNTS = [1, 2, 3, 6, 7, 12, 100, 1000];

function expectPartitionerError(fn: () => unknown, message: RegExp): PartitionerError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PartitionerError);
  expect(caught).toBeInstanceOf(KafkaesqueError);
  const err = caught as PartitionerError;
  expect(err.code).toBe('ERR_PARTITIONER');
  expect(err.name).toBe('PartitionerError');
  expect(err.retriable).toBe(false);
  expect(err.message).toMatch(message);
  return err;
}

const ALL = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const key = (s: string): Buffer => Buffer.from(s, 'utf8');

// ------------------------------------------------------------------ fixtures

describe('fixtures', () => {
  test('1,000 distinct keys of 0-64 bytes, the same keys in the same order in both, 8 partition counts', () => {
    expect(java.partitionCounts).toEqual(COUNTS);
    expect(sarama.partitionCounts).toEqual(COUNTS);
    expect(java.vectors).toHaveLength(1000);
    expect(sarama.vectors.map((v) => v.key)).toEqual(java.vectors.map((v) => v.key));
    expect(new Set(java.vectors.map((v) => v.key)).size).toBe(1000);
    const keys = java.vectors.map((v) => Buffer.from(v.key, 'base64'));
    expect(Math.min(...keys.map((k) => k.length))).toBe(0);
    expect(Math.max(...keys.map((k) => k.length))).toBe(64);
    for (let len = 1; len <= 4; len++) expect(keys.some((k) => k.length === len)).toBe(true); // every murmur2 tail
    expect(keys.filter((k) => k.includes(0x00)).length).toBeGreaterThan(100);
    expect(keys.filter((k) => k.includes(0xff)).length).toBeGreaterThan(100);
    const multiByteUtf8 = keys.filter((k) => k.some((b) => b >= 0x80) && Buffer.from(k.toString('utf8')).equals(k));
    expect(multiByteUtf8.length).toBeGreaterThan(100);
    expect(sarama.vectors.filter((v) => v.fnv1a >= 2 ** 31).length).toBeGreaterThan(100); // negative int32 hashes
  });
});

// ------------------------------------------------------------------ murmur2 / Java

describe('murmur2 (Kafka Utils.murmur2)', () => {
  test.each([
    // Kafka's UtilsTest values, checked against kafka-clients 4.2.1 on the JVM
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('murmur2(%j) = %d', (s, h) => {
    expect(murmur2(key(s))).toBe(h);
  });

  test('empty key and a Uint8Array view into a larger buffer', () => {
    expect(murmur2(new Uint8Array(0))).toBe(java.vectors.find((v) => v.key === '')!.murmur2);
    const big = Buffer.concat([Buffer.from([9, 9, 9]), key('foobar'), Buffer.from([7])]);
    expect(murmur2(big.subarray(3, 9))).toBe(-790332482);
    expect(murmur2(new Uint8Array(big.buffer, big.byteOffset + 3, 6))).toBe(-790332482);
  });

  test('matches Java for all 1,000 fixture keys', () => {
    let mismatches = 0;
    for (const v of java.vectors) {
      const h = murmur2(Buffer.from(v.key, 'base64'));
      if (h !== v.murmur2) mismatches++;
      expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
    }
    expect(mismatches).toBe(0);
  });

  test('toPositive clears the sign bit (not Math.abs)', () => {
    expect(toPositive(5)).toBe(5);
    expect(toPositive(0)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-(2 ** 31))).toBe(0);
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
  });

  test('javaPartitionForKey and the default hash partitioner match BuiltInPartitioner.partitionForKey: 8,000 vectors', () => {
    const p = new Partitioner({ partitioner: 'hash' });
    const byDefault = new Partitioner();
    let checked = 0;
    for (const v of java.vectors) {
      const k = Buffer.from(v.key, 'base64');
      COUNTS.forEach((n, j) => {
        expect(javaPartitionForKey(k, n)).toBe(v.partitions[j]);
        // keyed records hash over ALL partitions, whatever is available
        expect(p.partition('t', k, n, [], undefined)).toBe(v.partitions[j]);
        expect(byDefault.partition('t', k, n, n > 1 ? [n - 1] : [0])).toBe(v.partitions[j]);
        checked++;
      });
    }
    expect(checked).toBe(8000);
  });
});

// ------------------------------------------------------------------ FNV-1a / sarama

describe('fnv1a32 and sarama NewHashPartitioner', () => {
  test('FNV-1a 32 reference values', () => {
    expect(fnv1a32(new Uint8Array(0))).toBe(0x811c9dc5);
    expect(fnv1a32(key('a'))).toBe(0xe40c292c);
    expect(fnv1a32(key('foobar'))).toBe(0xbf9cf968);
  });

  test('fnv1a32 matches Go hash/fnv New32a().Sum32() for all 1,000 fixture keys', () => {
    let mismatches = 0;
    for (const v of sarama.vectors) if (fnv1a32(Buffer.from(v.key, 'base64')) !== v.fnv1a) mismatches++;
    expect(mismatches).toBe(0);
  });

  test('saramaPartitionForKey and hashFunction fnv1a match sarama for every vector (8,000; never -0)', () => {
    const p = new Partitioner({ partitioner: 'hash', hashFunction: 'fnv1a' });
    let checked = 0;
    for (const v of sarama.vectors) {
      const k = Buffer.from(v.key, 'base64');
      COUNTS.forEach((n, j) => {
        // toBe is Object.is: a -0 (negative hash, multiple of n) would fail
        expect(saramaPartitionForKey(k, n)).toBe(v.partitions[j]);
        expect(p.partition('t', k, n, [0])).toBe(v.partitions[j]);
        checked++;
      });
    }
    expect(checked).toBe(8000);
  });

  test('sarama negates a negative remainder: not the same as toPositive(h) % n', () => {
    // int32(Sum32) < 0: sarama gives |h % n|, Java-style abs would give (h & 0x7fffffff) % n
    const v = sarama.vectors.find((x) => {
      const h = x.fnv1a | 0;
      return h < 0 && Math.abs(h % 1000) !== (h & 0x7fffffff) % 1000;
    })!;
    expect(v).toBeDefined();
    const h = v.fnv1a | 0;
    expect(saramaPartitionForKey(Buffer.from(v.key, 'base64'), 1000)).toBe(-(h % 1000));
    expect(saramaPartitionForKey(Buffer.from(v.key, 'base64'), 1000)).not.toBe((h & 0x7fffffff) % 1000);
    // an empty key is a key: FNV offset basis 0x811c9dc5 = int32 -2128831035
    expect(saramaPartitionForKey(new Uint8Array(0), 1000)).toBe(35);
  });
});

// ------------------------------------------------------------------ sticky (keyless, hash)

describe('hash partitioner, keyless records: KIP-480 sticky partition', () => {
  test('sticks to one available partition until onNewBatch for it, then moves to a different one', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(1) });
    const available = [1, 3, 4, 6];
    const first = p.partition('t', null, 8, available);
    expect(available).toContain(first);
    for (let i = 0; i < 50; i++) expect(p.partition('t', null, 8, available)).toBe(first);
    p.onNewBatch('t', first, 8, available);
    const second = p.partition('t', null, 8, available);
    expect(available).toContain(second);
    expect(second).not.toBe(first);
    for (let i = 0; i < 50; i++) expect(p.partition('t', null, 8, available)).toBe(second);
  });

  test('a new batch of another partition does not move the sticky partition', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(2) });
    const s = p.partition('t', null, 6, ALL(6));
    p.onNewBatch('t', (s + 1) % 6, 6, ALL(6));
    expect(p.partition('t', null, 6, ALL(6))).toBe(s);
  });

  test('every onNewBatch changes the partition; over many batches all available ones are used about evenly', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(3) });
    const available = [0, 2, 5, 7, 9];
    const counts = new Map<number, number>();
    let prev = -1;
    for (let i = 0; i < 5000; i++) {
      const s = p.partition('t', null, 10, available);
      expect(s).not.toBe(prev);
      counts.set(s, (counts.get(s) ?? 0) + 1);
      p.onNewBatch('t', s, 10, available);
      prev = s;
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(available);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  test('with Math.random (no injected source) it also only picks available partitions and changes', () => {
    const p = new Partitioner({ partitioner: 'hash' });
    const available = [2, 4];
    for (let i = 0; i < 200; i++) {
      const s = p.partition('t', null, 5, available);
      expect(available).toContain(s);
      p.onNewBatch('t', s, 5, available);
      expect(p.partition('t', null, 5, available)).toBe(s === 2 ? 4 : 2);
    }
  });

  test('one available partition: always it, also after onNewBatch', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(4) });
    for (let i = 0; i < 20; i++) {
      expect(p.partition('t', null, 12, [7])).toBe(7);
      p.onNewBatch('t', 7, 12, [7]);
    }
  });

  test('no available partition: any partition, a different one after onNewBatch', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(5) });
    const seen = new Set<number>();
    let prev = -1;
    for (let i = 0; i < 300; i++) {
      const s = p.partition('t', null, 4, []);
      expect(s >= 0 && s < 4 && Number.isInteger(s)).toBe(true);
      expect(s).not.toBe(prev);
      seen.add(s);
      p.onNewBatch('t', s, 4, []);
      prev = s;
    }
    expect(seen.size).toBe(4);
    // a single partition: nothing else to move to
    const q = new Partitioner({ partitioner: 'hash', random: seeded(6) });
    expect(q.partition('u', null, 1, [])).toBe(0);
    q.onNewBatch('u', 0, 1, []);
    expect(q.partition('u', null, 1, [])).toBe(0);
  });

  test('per topic: each topic has its own sticky partition', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(7) });
    const a = p.partition('a', null, 100, ALL(100));
    const b = p.partition('b', null, 100, ALL(100));
    p.onNewBatch('a', a, 100, ALL(100));
    expect(p.partition('b', null, 100, ALL(100))).toBe(b);
    expect(p.partition('a', null, 100, ALL(100))).not.toBe(a);
  });

  test('onNewBatch before any record picks a sticky partition', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(8) });
    p.onNewBatch('t', 3, 6, [1, 3]);
    expect(p.partition('t', null, 6, [1, 3])).toBe(1);
  });

  test('the sticky partition is re-chosen when it is no longer available or out of range', () => {
    const p = new Partitioner({ partitioner: 'hash', random: seeded(9) });
    const s = p.partition('t', null, 6, [0, 5]);
    const others = [0, 1, 2, 3, 4, 5].filter((x) => x !== s);
    const t = p.partition('t', null, 6, others);
    expect(others).toContain(t);
    expect(p.partition('t', null, 6, others)).toBe(t);
    // fewer partitions than the sticky index (e.g. a stale sticky choice): re-chosen among all
    const q = new Partitioner({ partitioner: 'hash', random: () => 0.999 });
    expect(q.partition('t', null, 10, [])).toBe(9);
    expect(q.partition('t', null, 3, [])).toBe(2);
    // but if none is available, the current sticky partition stays
    const r = new Partitioner({ partitioner: 'hash', random: seeded(10) });
    const u = r.partition('t', null, 6, [2, 4]);
    expect(r.partition('t', null, 6, [])).toBe(u);
  });

  test('keyless with fnv1a is sticky too; an empty key is hashed, not sticky', () => {
    const p = new Partitioner({ partitioner: 'hash', hashFunction: 'fnv1a', random: seeded(11) });
    const s = p.partition('t', null, 1000, ALL(1000));
    expect(p.partition('t', null, 1000, ALL(1000))).toBe(s);
    expect(p.partition('t', Buffer.alloc(0), 1000, [])).toBe(35);
    const j = new Partitioner({ partitioner: 'hash', random: seeded(11) });
    expect(j.partition('t', Buffer.alloc(0), 1000, [])).toBe(java.vectors.find((v) => v.key === '')!.partitions[7]);
  });
});

// ------------------------------------------------------------------ random

describe('random partitioner', () => {
  test('uniform over the available partitions only, keys ignored', () => {
    const p = new Partitioner({ partitioner: 'random', random: seeded(12) });
    const available = [1, 2, 4, 8, 9, 11];
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const x = p.partition('t', i % 2 ? key('same-key') : null, 12, available);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(available);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  test('all partitions when none is available; one when only one is', () => {
    const p = new Partitioner({ partitioner: 'random' });
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(p.partition('t', null, 7, []));
    expect([...seen].sort()).toEqual(ALL(7));
    for (let i = 0; i < 50; i++) expect(p.partition('t', null, 7, [3])).toBe(3);
  });

  test('a random source returning 1 or a negative number still yields a valid partition', () => {
    expect(new Partitioner({ partitioner: 'random', random: () => 1 }).partition('t', null, 5, [])).toBe(4);
    expect(new Partitioner({ partitioner: 'random', random: () => -0.5 }).partition('t', null, 5, [1, 2])).toBe(1);
  });

  test('after onNewBatch the next call for the same topic answers the previous partition once (re-partitioning)', () => {
    const p = new Partitioner({ partitioner: 'random', random: () => 0 });
    p.onNewBatch('t', 4, 5, []);
    expect(p.partition('t', null, 5, [])).toBe(4);
    expect(p.partition('t', null, 5, [])).toBe(0);
    // a call for another topic uses up the slot (as Java's thread-local)
    p.onNewBatch('t', 3, 5, []);
    expect(p.partition('u', null, 5, [])).toBe(0);
    expect(p.partition('t', null, 5, [])).toBe(0);
    // a previous partition that no longer exists is not answered
    p.onNewBatch('t', 4, 5, []);
    expect(p.partition('t', null, 3, [])).toBe(0);
  });
});

// ------------------------------------------------------------------ round-robin

describe('round-robin partitioner', () => {
  test('cycles over the available partitions, per topic, keys ignored', () => {
    const p = new Partitioner({ partitioner: 'round-robin' });
    const got: number[] = [];
    for (let i = 0; i < 7; i++) got.push(p.partition('a', key('k'), 10, [2, 5, 9]));
    expect(got).toEqual([2, 5, 9, 2, 5, 9, 2]);
    // topic b has its own counter
    expect(p.partition('b', null, 4, [])).toBe(0);
    expect(p.partition('b', null, 4, [])).toBe(1);
    expect(p.partition('a', null, 10, [2, 5, 9])).toBe(5);
  });

  test('all partitions when none is available; the counter keeps going when availability changes (as Java)', () => {
    const p = new Partitioner({ partitioner: 'round-robin' });
    expect([0, 1, 2, 3, 4].map(() => p.partition('t', null, 3, []))).toEqual([0, 1, 2, 0, 1]);
    // counter is now 5: 5 % 2 -> index 1
    expect(p.partition('t', null, 3, [0, 2])).toBe(2);
    expect(p.partition('t', null, 3, [0, 2])).toBe(0);
  });

  test('partition, onNewBatch, partition (a record opening a batch re-partitioned) skips no partition (KAFKA-9965)', () => {
    const p = new Partitioner({ partitioner: 'round-robin' });
    const got: number[] = [];
    for (let i = 0; i < 6; i++) {
      const first = p.partition('t', null, 3, [0, 1, 2]);
      p.onNewBatch('t', first, 3, [0, 1, 2]);
      got.push(p.partition('t', null, 3, [0, 1, 2]));
      expect(got[i]).toBe(first);
    }
    expect(got).toEqual([0, 1, 2, 0, 1, 2]);
  });
});

// ------------------------------------------------------------------ manual and explicit partitions

describe('manual partitioner and explicit partitions', () => {
  test('manual: the record partition, else the configured one', () => {
    const p = new Partitioner({ partitioner: 'manual', partition: 2 });
    expect(p.partition('t', null, 3, [])).toBe(2);
    expect(p.partition('t', key('k'), 3, [], 0)).toBe(0);
    const q = new Partitioner({ partitioner: 'manual' });
    expect(q.partition('t', null, 3, [], 1)).toBe(1);
  });

  test('manual without any partition is a typed error', () => {
    const q = new Partitioner({ partitioner: 'manual' });
    expectPartitionerError(() => q.partition('orders', key('k'), 3, [0, 1, 2]), /'manual' partitioner needs a partition.*"orders"/);
  });

  test('manual: a configured partition >= the partition count is a typed error', () => {
    const p = new Partitioner({ partitioner: 'manual', partition: 5 });
    expectPartitionerError(() => p.partition('t', null, 3, []), /configured partition 5 is not a partition of topic "t".*3 partition/);
    expect(p.partition('t', null, 6, [])).toBe(5);
  });

  test('an explicit partition overrides every partitioner, whatever is available', () => {
    const fn = jest.fn(() => 0);
    const partitioners: PartitionerOptions[] = [
      { partitioner: 'hash' },
      { partitioner: 'hash', hashFunction: 'fnv1a' },
      { partitioner: 'random' },
      { partitioner: 'round-robin' },
      { partitioner: 'manual', partition: 0 },
      { partitioner: fn },
    ];
    for (const opts of partitioners) {
      const p = new Partitioner(opts);
      expect(p.partition('t', key('foobar'), 8, [0], 6)).toBe(6);
      expect(p.partition('t', null, 8, [], 7)).toBe(7);
      expect(p.partition('t', null, 8, [1], 0)).toBe(0);
    }
    expect(fn).not.toHaveBeenCalled();
    // the round-robin counter does not advance for records with an explicit partition
    const rr = new Partitioner({ partitioner: 'round-robin' });
    rr.partition('t', null, 4, [], 3);
    expect(rr.partition('t', null, 4, [])).toBe(0);
  });

  test.each([-1, 8, 100, 1.5, NaN, Infinity])('explicit partition %p out of range is a typed error', (bad) => {
    const p = new Partitioner({ partitioner: 'hash' });
    expectPartitionerError(() => p.partition('events', null, 8, [], bad), /not a partition of topic "events".*8 partition.*from 0 to 7/);
  });

  test('explicit -0 is partition 0', () => {
    expect(new Partitioner().partition('t', null, 2, [], -0)).toBe(0);
  });
});

// ------------------------------------------------------------------ user functions

describe('user partitioner function', () => {
  test('is called with the context and its integer result is used', () => {
    const calls: PartitionerContext[] = [];
    const p = new Partitioner({
      partitioner: (ctx) => {
        calls.push(ctx);
        return ctx.key ? ctx.key.length % ctx.partitionCount : ctx.availablePartitions[0];
      },
    });
    const available = [1, 2];
    expect(p.partition('t', key('abcde'), 3, available)).toBe(2);
    expect(p.partition('t', null, 3, available)).toBe(1);
    expect(calls[0]).toEqual({ topic: 't', key: key('abcde'), partitionCount: 3, availablePartitions: available });
    expect(calls[1].key).toBeNull();
    expect(calls[1].availablePartitions).toBe(available);
  });

  test.each([
    [-1, /returned -1/],
    [3, /returned 3/],
    [1.5, /returned 1\.5/],
    [NaN, /returned NaN/],
    ['1', /returned "1"/],
    [undefined, /returned undefined/],
    [null, /returned null/],
  ])('a result of %p is a typed error', (ret, message) => {
    const p = new Partitioner({ partitioner: () => ret as unknown as number });
    const err = expectPartitionerError(() => p.partition('t', null, 3, []), message);
    expect(err.message).toMatch(/topic "t", which has 3 partition\(s\): it must return an integer from 0 to 2/);
  });

  test('a function that throws: a PartitionerError with the original error as cause', () => {
    const boom = new Error('boom');
    const p = new Partitioner({
      partitioner: () => {
        throw boom;
      },
    });
    const err = expectPartitionerError(() => p.partition('t', null, 3, []), /function threw for topic "t": boom/);
    expect(err.cause).toBe(boom);
    // a PartitionerError thrown by the function (e.g. from a delegate Partitioner) passes through
    const inner = new Partitioner({ partitioner: 'manual' });
    const outer = new Partitioner({ partitioner: (ctx) => inner.partition(ctx.topic, ctx.key, ctx.partitionCount, ctx.availablePartitions) });
    expectPartitionerError(() => outer.partition('t', null, 3, []), /'manual' partitioner needs a partition/);
  });
});

// ------------------------------------------------------------------ options and metadata errors

describe('errors', () => {
  test.each([
    [{ partitioner: 'sticky' }, /Unknown partitioner "sticky": use one of 'hash', 'random', 'round-robin', 'manual' or a function/],
    [{ partitioner: 42 }, /Unknown partitioner 42/],
    [{ partitioner: 'hash', hashFunction: 'crc32' }, /Unknown hashFunction "crc32"/],
    [{ partitioner: 'random', hashFunction: 'fnv' }, /Unknown hashFunction "fnv"/],
    [{ partitioner: 'hash', partition: 1 }, /partition only applies to the 'manual' partitioner, not to 'hash'/],
    [{ partitioner: 'manual', partition: -1 }, /partition must be a partition index .* got -1/],
    [{ partitioner: 'manual', partition: 0.5 }, /got 0\.5/],
    [{ partitioner: 'manual', partition: '1' }, /got "1"/],
    [{ partitioner: 'random', random: 0.5 }, /random must be a function/],
    [null, /options must be an object/],
  ])('constructor rejects %p', (opts, message) => {
    expectPartitionerError(() => new Partitioner(opts as unknown as PartitionerOptions), message);
  });

  test('hashFunction is accepted (and ignored) by the other partitioners', () => {
    expect(new Partitioner({ partitioner: 'round-robin', hashFunction: 'murmur2' }).partition('t', Buffer.from('k'), 3, [])).toBe(0);
    expect(new Partitioner({ partitioner: 'manual', hashFunction: 'fnv1a', partition: 1 }).partition('t', null, 3, [])).toBe(1);
    expect(new Partitioner({ partitioner: () => 2, hashFunction: 'fnv1a' }).partition('t', null, 3, [])).toBe(2);
  });

    test.each([0, -1, 1.5, NaN])('a partition count of %p is a typed error', (n) => {
    for (const opts of [{ partitioner: 'hash' }, { partitioner: 'round-robin' }, { partitioner: () => 0 }] as PartitionerOptions[]) {
      const p = new Partitioner(opts);
      expectPartitionerError(() => p.partition('t', key('k'), n, []), /Cannot choose a partition of topic "t": its partition count is/);
      expectPartitionerError(() => p.partition('t', null, n, [], 0), /partition count/);
    }
    expectPartitionerError(() => new Partitioner().onNewBatch('t', 0, n, []), /partition count/);
  });
});

describe("nullKey 'hash-empty': keyless records hashed as the empty key (the Go layer's connections)", () => {
  test.each([1, 2, 3, 6, 7, 12, 100, 1000])('%i partitions: every keyless record goes to the empty key partition, with either hash', (n) => {
    const fnv = new Partitioner({ partitioner: 'hash', hashFunction: 'fnv1a', nullKey: 'hash-empty' });
    const mm = new Partitioner({ partitioner: 'hash', hashFunction: 'murmur2', nullKey: 'hash-empty' });
    const all = Array.from({ length: n }, (_, i) => i);
    const emptyFnv = saramaPartitionForKey(Buffer.alloc(0), n);
    const emptyMurmur = (murmur2(Buffer.alloc(0)) & 0x7fffffff) % n;
    for (let i = 0; i < 50; i++) {
      expect(fnv.partition('t', null, n, all)).toBe(emptyFnv);
      expect(mm.partition('t', null, n, all)).toBe(emptyMurmur);
      fnv.onNewBatch('t', emptyFnv, n, all); // no sticky partition to move
    }
    expect(fnv.usesStickyPartitions).toBe(false);
    expect(new Partitioner({ partitioner: 'hash', nullKey: 'sticky' }).usesStickyPartitions).toBe(true);
  });

  test('sarama: FNV-1a of no bytes is 0x811c9dc5, so 6 partitions put keyless records on partition 3', () => {
    expect(fnv1a32(Buffer.alloc(0))).toBe(0x811c9dc5);
    expect(saramaPartitionForKey(Buffer.alloc(0), 6)).toBe(3);
  });

  test('keys are still hashed as before; an explicit partition still wins', () => {
    const p = new Partitioner({ partitioner: 'hash', hashFunction: 'fnv1a', nullKey: 'hash-empty' });
    expect(p.partition('t', Buffer.from('k'), 6, [0, 1, 2, 3, 4, 5])).toBe(saramaPartitionForKey(Buffer.from('k'), 6));
    expect(p.partition('t', null, 6, [0, 1, 2, 3, 4, 5], 5)).toBe(5);
  });

  test('an unknown nullKey is a PartitionerError naming the choices', () => {
    expect(() => new Partitioner({ partitioner: 'hash', nullKey: 'md5' as never })).toThrow(/Unknown nullKey "md5".*'sticky'.*'hash-empty'/);
  });
});
