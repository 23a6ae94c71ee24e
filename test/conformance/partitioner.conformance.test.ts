/**
 * Conformance of the keyed-record partitioning (src/producer/partitioner.ts) with the Java
 * producer, through the Java oracle: Kafka 4.2.1's own
 * `org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, n)`
 * (= `Utils.toPositive(Utils.murmur2(key)) % n`) against our `javaPartitionForKey` and the default
 * `hash` partitioner, for:
 *  - the 1,000 keys of test/fixtures/partitioner/java-murmur2.json (ASCII, multi-byte UTF-8, binary
 *    with 0x00/0xff, 0-64 bytes, Kafka's UtilsTest strings), whose committed vectors must also still
 *    be what the JVM says (so the JVM-free unit test on them stays honest);
 *  - 1,000 more seeded keys of 0-300 bytes;
 * and partition counts {1, 2, 3, 6, 7, 12, 100, 1000} plus {5, 64, 997, 65536, 2^31-1}: with
 * n = 2^31-1 the partition is toPositive(murmur2(key)) itself (but for one value), so murmur2 is
 * pinned bit for bit except its sign bit.
 *
 * Oracle op: `JavaOracle.partitionForKeys(keys, partitionCounts)` -> result[i][j] =
 * partitionForKey(keys[i], partitionCounts[j]). The committed vectors (checked without a JVM by
 * test/producer/partitioner.test.ts) were made with the same JVM classes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Partitioner, javaPartitionForKey, murmur2 } from '../../src/producer/partitioner.js';
import { closeSharedOracle, sharedOracle } from './harness.js';
import { JavaOracle } from './oracle.js';
import { seeded } from '../helpers/random.js';

jest.setTimeout(180_000);

type PartitionOracle = Pick<JavaOracle, 'partitionForKeys'>;

type JavaVector = { key: string; murmur2: number; partitions: number[] };
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'partitioner', 'java-murmur2.json'), 'utf8'),
) as { partitionCounts: number[]; vectors: JavaVector[] };

const FIXTURE_COUNTS = [1, 2, 3, 6, 7, 12, 100, 1000];
const EXTRA_COUNTS = [5, 64, 997, 65536, 2 ** 31 - 1];
const COUNTS = [...FIXTURE_COUNTS, ...EXTRA_COUNTS];

/** 1,000 more keys: binary (0x00/0xff-heavy), ASCII and multi-byte UTF-8, 0-300 bytes. */
function extraKeys(): Buffer[] {
  const rnd = seeded(0x6b61666b);
  const int = (n: number): number => Math.floor(rnd() * n);
  const chars = ['a', 'Z', '0', '-', '.', 'é', 'ß', 'Ж', '字', '한', '𝄞', '😀'];
  const keys: Buffer[] = [];
  for (let i = 0; i < 1000; i++) {
    const len = i < 301 ? i : int(301);
    if (i % 2 === 0) {
      const b = Buffer.alloc(len);
      for (let j = 0; j < len; j++) b[j] = [0x00, 0xff, int(256)][int(3)];
      keys.push(b);
    } else {
      let s = '';
      while (Buffer.byteLength(s) < len) s += chars[int(chars.length)];
      keys.push(Buffer.from(s).subarray(0, len)); // a cut may split a UTF-8 sequence: still a key
    }
  }
  return keys;
}

describe('keyed partitioning = Kafka 4.2.1 BuiltInPartitioner.partitionForKey (JVM oracle)', () => {
  let oracle: PartitionOracle;

  beforeAll(async () => {
    oracle = await sharedOracle();
  }, 180_000);

  afterAll(async () => {
    await closeSharedOracle();
  });

  const fixtureKeys = fixture.vectors.map((v) => Buffer.from(v.key, 'base64'));
  const keys = [...fixtureKeys, ...extraKeys()];

  test(`${keys.length} keys x ${COUNTS.length} partition counts: every partition matches Java`, async () => {
    const java = await oracle.partitionForKeys(keys, COUNTS);
    expect(java).toHaveLength(keys.length);
    const hash = new Partitioner({ partitioner: 'hash' });
    const mismatches: string[] = [];
    keys.forEach((k, i) => {
      expect(java[i]).toHaveLength(COUNTS.length);
      COUNTS.forEach((n, j) => {
        const ours = javaPartitionForKey(k, n);
        const viaPartitioner = hash.partition('t', k, n, []);
        if (ours !== java[i][j] || viaPartitioner !== java[i][j]) {
          mismatches.push(`key ${k.toString('base64')} (murmur2 ${murmur2(k)}), n=${n}: Java ${java[i][j]}, ours ${ours}/${viaPartitioner}`);
        }
      });
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(keys.length * COUNTS.length).toBe(26_000);
  });

  test('the committed vectors (test/fixtures/partitioner/java-murmur2.json) are still what Java says', async () => {
    expect(fixture.partitionCounts).toEqual(FIXTURE_COUNTS);
    const java = await oracle.partitionForKeys(fixtureKeys, FIXTURE_COUNTS);
    expect(java).toEqual(fixture.vectors.map((v) => v.partitions));
    // n = 2^31-1 gives toPositive(murmur2) (mod 2^31-1): the low 31 bits of the committed hashes
    const big = await oracle.partitionForKeys(fixtureKeys, [2 ** 31 - 1]);
    expect(big.map((r) => r[0])).toEqual(fixture.vectors.map((v) => (v.murmur2 & 0x7fffffff) % (2 ** 31 - 1)));
  });

  test("Kafka UtilsTest's murmur2 keys", async () => {
    const strings = ['21', 'foobar', 'a-little-bit-long-string', 'a-little-bit-longer-string', 'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 'abc'];
    const hashes = [-973932308, -790332482, -985981536, -1486304829, -58897971, 479470107];
    const k = strings.map((s) => Buffer.from(s));
    expect(k.map(murmur2)).toEqual(hashes);
    const java = await oracle.partitionForKeys(k, [2 ** 31 - 1, 1000]);
    expect(java).toEqual(hashes.map((h) => [(h & 0x7fffffff) % (2 ** 31 - 1), (h & 0x7fffffff) % 1000]));
  });
});
