// kafkaesque/kafkajs's partitioners choose byte-exactly the partitions KafkaJS 2.2.4's own
// partitioners choose (the real module, a dev dependency, is the oracle), for thousands of
// keys of every kind, and null keys go round-robin over the partitions that have a leader.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { javaMurmur2, legacyMurmur2, Partitioners, type PartitionMetadata } from '../../src/kafkajs/index';
import { murmur2 } from '../../src/index';

const requireRoot = createRequire(join(__dirname, '../../package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajs = requireRoot('kafkajs') as {
  Partitioners: Record<string, () => (args: { topic: string; partitionMetadata: PartitionMetadata[]; message: { key?: unknown; partition?: number } }) => number>;
};

function meta(count: number, down: number[] = []): PartitionMetadata[] {
  return Array.from({ length: count }, (_, p) => ({ partitionErrorCode: 0, partitionId: p, leader: down.includes(p) ? -1 : 1, replicas: [1], isr: [1] }));
}

/** Keys of every shape an application passes: ASCII, multi-byte UTF-8, binary of every length mod 4, numbers. */
function keys(): unknown[] {
  const out: unknown[] = ['', 'a', 'ab', 'abc', 'abcd', 'customer-42', 'ünïcødé-😀', '0', ' '];
  for (let i = 0; i < 3000; i++) out.push(`key-${i}-${i * 7919}`);
  for (let i = 0; i < 2000; i++) out.push(randomBytes(i % 67));
  for (let i = 0; i < 200; i++) out.push(String.fromCodePoint(...Array.from({ length: 1 + (i % 9) }, (_, j) => 0x80 + ((i * 31 + j * 977) % 0x10000))));
  for (let i = 0; i < 200; i++) out.push(i * 1000003);
  return out;
}

describe.each([
  ['DefaultPartitioner', 'DefaultPartitioner'],
  ['LegacyPartitioner', 'LegacyPartitioner'],
  ['JavaCompatiblePartitioner', 'JavaCompatiblePartitioner'],
])('%s', (ours, theirs) => {
  const counts = [1, 2, 3, 6, 7, 10, 32, 100, 1000];

  it('puts every keyed message on the partition KafkaJS 2.2.4 chooses', () => {
    const mine = Partitioners[ours as keyof typeof Partitioners]();
    const real = kafkajs.Partitioners[theirs]();
    let compared = 0;
    let spread = new Set<number>();
    for (const count of counts) {
      const partitionMetadata = meta(count);
      for (const key of keys()) {
        const want = real({ topic: 't', partitionMetadata, message: { key } });
        const got = mine({ topic: 't', partitionMetadata, message: { key: key as string } });
        if (got !== want) throw new Error(`${ours}: key ${JSON.stringify(key)} over ${count}: got ${got}, KafkaJS ${want}`);
        if (count === 1000) spread.add(got);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40_000);
    expect(spread.size).toBeGreaterThan(900); // the keys are not all landing in a few partitions
    spread = new Set();
  });

  it('keeps an explicit partition, keyed or not', () => {
    const mine = Partitioners[ours as keyof typeof Partitioners]();
    const real = kafkajs.Partitioners[theirs]();
    for (const key of [null, 'k', Buffer.from([1, 2])]) {
      const args = { topic: 't', partitionMetadata: meta(6), message: { key, partition: 4 } };
      expect(mine(args as never)).toBe(4);
      expect(real(args)).toBe(4);
    }
  });

  it('sends null keys round-robin over the partitions with a leader, as KafkaJS (from a random start)', () => {
    for (const down of [[], [1, 4], [0, 2, 3, 5]]) {
      const partitionMetadata = meta(6, down);
      const up = partitionMetadata.filter((p) => p.leader >= 0).map((p) => p.partitionId);
      const seq = (p: (a: never) => number): number[] =>
        Array.from({ length: up.length * 3 }, () => p({ topic: 'nk', partitionMetadata, message: { key: null } } as never));
      const mineSeq = seq(Partitioners[ours as keyof typeof Partitioners]() as never);
      const realSeq = seq(kafkajs.Partitioners[theirs]() as never);
      for (const s of [mineSeq, realSeq]) {
        expect(s.every((p) => up.includes(p))).toBe(true);
        // consecutive null-key messages take the next partition with a leader
        for (let i = 1; i < s.length; i++) expect(up.indexOf(s[i])).toBe((up.indexOf(s[i - 1]) + 1) % up.length);
      }
      // the same cycle, up to where the random start falls
      const shift = up.indexOf(realSeq[0]) - up.indexOf(mineSeq[0]);
      expect(mineSeq.map((p) => up[(up.indexOf(p) + shift + up.length) % up.length])).toEqual(realSeq);
    }
  });

  it('falls back to all partitions when none has a leader, as KafkaJS', () => {
    const partitionMetadata = meta(4, [0, 1, 2, 3]);
    for (const make of [Partitioners[ours as keyof typeof Partitioners], kafkajs.Partitioners[theirs]]) {
      const p = make() as (a: never) => number;
      const s = Array.from({ length: 8 }, () => p({ topic: 'none', partitionMetadata, message: {} } as never));
      for (let i = 1; i < s.length; i++) expect(s[i]).toBe((s[i - 1] + 1) % 4);
    }
  });

  it('keeps one round-robin counter per topic', () => {
    const p = Partitioners[ours as keyof typeof Partitioners]();
    const partitionMetadata = meta(5);
    const a1 = p({ topic: 'a', partitionMetadata, message: {} });
    p({ topic: 'b', partitionMetadata, message: {} });
    p({ topic: 'b', partitionMetadata, message: {} });
    expect(p({ topic: 'a', partitionMetadata, message: {} })).toBe((a1 + 1) % 5);
  });
});

test("the default partitioner's hash is Java's murmur2; the legacy one differs from it for most keys", () => {
  let differ = 0;
  for (let i = 0; i < 1000; i++) {
    const k = `k${i}-padding`;
    expect(javaMurmur2(k)).toBe(murmur2(Buffer.from(k)));
    if (legacyMurmur2(k) !== javaMurmur2(k)) differ++;
  }
  expect(differ).toBeGreaterThan(900);
});
