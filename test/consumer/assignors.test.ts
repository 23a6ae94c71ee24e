/**
 * Unit tests of src/consumer/assignors/: the properties the algorithms guarantee, hand-checked
 * examples (static members, racks, stickiness, the cooperative revocation rule), edge cases and
 * errors. Equality with Kafka's own Java assignors is proven by
 * test/conformance/assignors.conformance.test.ts (needs a JVM); nothing here does.
 */
import { KafkaesqueError } from '../../protocol/errors.js';
import { AssignmentError, UnknownAssignorError } from '../../src/consumer/errors.js';
import {
  CooperativeStickyAssignor,
  RangeAssignor,
  RoundRobinAssignor,
  assignorByName,
  javaStringHashCode,
  type Assignor,
  type MemberSubscription,
  type TopicPartition,
  type TopicPartitionsInfo,
} from '../../src/consumer/assignors/index.js';
import { seeded } from '../helpers/random.js';

const ALL: Assignor[] = [RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor];

function member(memberId: string, topics: string[], extra: Partial<MemberSubscription> = {}): MemberSubscription {
  return { memberId, groupInstanceId: null, topics, ownedPartitions: [], generationId: -1, rackId: null, userData: null, ...extra };
}

function meta(spec: Record<string, TopicPartitionsInfo>): Map<string, TopicPartitionsInfo> {
  return new Map(Object.entries(spec));
}

const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });
const names = (tps: readonly TopicPartition[]): string[] => tps.map((p) => `${p.topic}-${p.partition}`);

function plain(result: Map<string, TopicPartition[]>): Record<string, string[]> {
  return Object.fromEntries([...result].map(([id, tps]) => [id, names(tps)]));
}

interface RandomGroup {
  partitions: Record<string, number>;
  members: MemberSubscription[];
}

function randomGroup(seed: number, sameSubscription: boolean): RandomGroup {
  const rnd = seeded(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const topics = Array.from({ length: 1 + int(6) }, (_, i) => `topic-${i}`);
  const partitions: Record<string, number> = {};
  for (const t of topics) partitions[t] = 1 + int(40);
  const common = topics.filter(() => rnd() < 0.6);
  if (common.length === 0) common.push(topics[0]);
  const members = Array.from({ length: 1 + int(12) }, (_, i) => {
    let subs = sameSubscription ? [...common] : topics.filter(() => rnd() < 0.5);
    if (subs.length === 0) subs = [topics[int(topics.length)]];
    return member(`member-${int(1000)}-${i}`, subs, { groupInstanceId: rnd() < 0.3 ? `static-${i}` : null });
  });
  return { partitions, members };
}

/** Every partition of a subscribed topic assigned exactly once, and only to a subscriber. */
function expectCompleteAndValid(g: RandomGroup, result: Map<string, TopicPartition[]>): void {
  expect([...result.keys()]).toEqual(g.members.map((m) => m.memberId));
  const seen = new Map<string, string>();
  for (const m of g.members) {
    const tps = result.get(m.memberId)!;
    expect([...tps].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))).toEqual(tps);
    for (const p of tps) {
      expect(m.topics).toContain(p.topic);
      const key = `${p.topic}-${p.partition}`;
      expect(seen.has(key)).toBe(false);
      seen.set(key, m.memberId);
    }
  }
  const subscribed = new Set(g.members.flatMap((m) => m.topics));
  let expected = 0;
  for (const [t, n] of Object.entries(g.partitions)) if (subscribed.has(t)) expected += n;
  expect(seen.size).toBe(expected);
}

function sizes(result: Map<string, TopicPartition[]>): number[] {
  return [...result.values()].map((l) => l.length);
}

describe('assignorByName', () => {
  test('finds the three assignors by their JoinGroup protocol names', () => {
    expect(assignorByName('range')).toBe(RangeAssignor);
    expect(assignorByName('roundrobin')).toBe(RoundRobinAssignor);
    expect(assignorByName('cooperative-sticky')).toBe(CooperativeStickyAssignor);
  });

  test.each(['sticky', 'Range', '', 'uniform'])('unknown name %p: a typed error', (name) => {
    let err: unknown;
    try {
      assignorByName(name);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownAssignorError);
    expect(err).toBeInstanceOf(KafkaesqueError);
    expect((err as UnknownAssignorError).code).toBe('ERR_UNKNOWN_ASSIGNOR');
    expect((err as UnknownAssignorError).assignorName).toBe(name);
    expect((err as Error).message).toContain("'cooperative-sticky'");
  });
});

describe('assignor descriptors', () => {
  test('names and supported rebalance protocols are Java’s', () => {
    expect(RangeAssignor.name).toBe('range');
    expect(RangeAssignor.rebalanceProtocols).toEqual(['EAGER']);
    expect(RoundRobinAssignor.name).toBe('roundrobin');
    expect(RoundRobinAssignor.rebalanceProtocols).toEqual(['EAGER']);
    expect(CooperativeStickyAssignor.name).toBe('cooperative-sticky');
    expect(CooperativeStickyAssignor.rebalanceProtocols).toEqual(['COOPERATIVE', 'EAGER']);
  });

  test('subscription userData: null for range/roundrobin, the int32 generation for cooperative-sticky', () => {
    expect(RangeAssignor.subscriptionUserData!(['t'], [], 3)).toBeNull();
    expect(RoundRobinAssignor.subscriptionUserData!(['t'], [], 3)).toBeNull();
    expect(CooperativeStickyAssignor.subscriptionUserData!(['t'], [tp('t', 0)], 5)).toEqual(Buffer.from([0, 0, 0, 5]));
    expect(CooperativeStickyAssignor.subscriptionUserData!([], [], -1)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(CooperativeStickyAssignor.subscriptionUserData!([], [], 0x01020304)).toEqual(Buffer.from([1, 2, 3, 4]));
  });
});

describe('properties on random groups', () => {
  for (const assignor of ALL) {
    test(`${assignor.name}: every subscribed partition exactly once, to a subscriber, lists sorted`, () => {
      for (let seed = 1; seed <= 150; seed++) {
        const g = randomGroup(seed, seed % 2 === 0);
        expectCompleteAndValid(g, assignor.assign(meta(g.partitions), g.members));
      }
    });
  }

  test('roundrobin and cooperative-sticky: identical subscriptions are balanced to ±1', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const g = randomGroup(seed, true);
      for (const assignor of [RoundRobinAssignor, CooperativeStickyAssignor]) {
        const s = sizes(assignor.assign(meta(g.partitions), g.members));
        expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
      }
    }
  });

  test('range: per topic, subscribers get ranges differing by at most one, the larger ones first', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const g = randomGroup(seed, seed % 2 === 0);
      const result = RangeAssignor.assign(meta(g.partitions), g.members);
      for (const [topic, n] of Object.entries(g.partitions)) {
        const subscribers = g.members.filter((m) => m.topics.includes(topic));
        if (subscribers.length === 0) continue;
        const counts = subscribers.map((m) => result.get(m.memberId)!.filter((p) => p.topic === topic));
        expect(Math.max(...counts.map((c) => c.length)) - Math.min(...counts.map((c) => c.length))).toBeLessThanOrEqual(1);
        // each member's share is one consecutive range
        for (const c of counts) if (c.length > 0) expect(c[c.length - 1].partition - c[0].partition).toBe(c.length - 1);
        expect(counts.reduce((a, c) => a + c.length, 0)).toBe(n);
      }
    }
  });

  test('cooperative-sticky: the general case (different subscriptions) is balanced when it can be', () => {
    // every member subscribes to all topics but one member to a single topic: still ±1 overall when possible
    const members = [member('a', ['x', 'y']), member('b', ['x', 'y']), member('c', ['x'])];
    const s = sizes(CooperativeStickyAssignor.assign(meta({ x: 6, y: 3 }), members));
    expect(s.reduce((a, b) => a + b)).toBe(9);
    expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
  });

  test('the input is not modified', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const g = randomGroup(seed, seed % 2 === 0);
      g.members.forEach((m, i) => {
        m.ownedPartitions = i % 2 === 0 ? [tp(m.topics[0], 0)] : [];
        m.generationId = i;
      });
      const before = JSON.stringify(g);
      for (const a of ALL) a.assign(meta(g.partitions), g.members);
      expect(JSON.stringify(g)).toBe(before);
    }
  });
});

describe('range', () => {
  test('consecutive ranges per topic, extra partitions to the first members by member id', () => {
    const r = RangeAssignor.assign(meta({ t: 7, u: 2 }), [member('c', ['t', 'u']), member('a', ['t', 'u']), member('b', ['t'])]);
    expect(plain(r)).toEqual({
      c: ['t-5', 't-6', 'u-1'],
      a: ['t-0', 't-1', 't-2', 'u-0'],
      b: ['t-3', 't-4'],
    });
  });

  test('static members (KIP-345) are ordered by group.instance.id, before dynamic members', () => {
    const r = RangeAssignor.assign(meta({ t: 5 }), [
      member('aaa', ['t']),
      member('zzz', ['t'], { groupInstanceId: 'instance-1' }),
      member('mmm', ['t'], { groupInstanceId: 'instance-0' }),
    ]);
    expect(plain(r)).toEqual({ aaa: ['t-4'], zzz: ['t-2', 't-3'], mmm: ['t-0', 't-1'] });
  });

  test('rack-aware (KIP-881): partitions go to members in a replica rack, within range balance', () => {
    const racks = [['a'], ['b'], ['a'], ['b']];
    const members = [member('m1', ['t'], { rackId: 'a' }), member('m2', ['t'], { rackId: 'b' })];
    expect(plain(RangeAssignor.assign(meta({ t: racks }), members))).toEqual({ m1: ['t-0', 't-2'], m2: ['t-1', 't-3'] });
    // without rack information: plain ranges
    expect(plain(RangeAssignor.assign(meta({ t: 4 }), members))).toEqual({ m1: ['t-0', 't-1'], m2: ['t-2', 't-3'] });
    // every partition on every rack: rack-aware assignment is not used
    const everywhere = [['a', 'b'], ['b', 'a'], ['a', 'b'], ['a', 'b']];
    expect(plain(RangeAssignor.assign(meta({ t: everywhere }), members))).toEqual({ m1: ['t-0', 't-1'], m2: ['t-2', 't-3'] });
  });

  test('rack-aware co-partitioned topics keep the same partition numbers together', () => {
    const racks = [['a'], ['b'], ['a'], ['b']];
    const members = [member('m1', ['t', 'u'], { rackId: 'a' }), member('m2', ['t', 'u'], { rackId: 'b' })];
    expect(plain(RangeAssignor.assign(meta({ t: racks, u: racks }), members))).toEqual({
      m1: ['t-0', 't-2', 'u-0', 'u-2'],
      m2: ['t-1', 't-3', 'u-1', 'u-3'],
    });
  });
});

describe('roundrobin', () => {
  test('all partitions by topic name then partition, dealt to members in MemberInfo order, skipping non-subscribers', () => {
    const r = RoundRobinAssignor.assign(meta({ b: 3, a: 2 }), [member('y', ['a', 'b']), member('x', ['b']), member('s', ['a', 'b'], { groupInstanceId: 'i' })]);
    // member order: s (static), x, y; partitions a-0 a-1 b-0 b-1 b-2: a-0 -> s, a-1 -> y (x skipped), b-0 -> s, b-1 -> x, b-2 -> y
    expect(plain(r)).toEqual({ y: ['a-1', 'b-2'], x: ['b-1'], s: ['a-0', 'b-0'] });
  });

  test('ignores racks', () => {
    const members = [member('m1', ['t'], { rackId: 'a' }), member('m2', ['t'], { rackId: 'b' })];
    expect(plain(RoundRobinAssignor.assign(meta({ t: [['b'], ['a'], ['b'], ['a']] }), members))).toEqual({ m1: ['t-0', 't-2'], m2: ['t-1', 't-3'] });
  });
});

describe('cooperative-sticky', () => {
  /** Feed an assignment back as the members' ownership, at `generation`. */
  function owning(members: MemberSubscription[], result: Map<string, TopicPartition[]>, generation: number): MemberSubscription[] {
    return members.map((m) => ({ ...m, ownedPartitions: result.get(m.memberId) ?? [], generationId: generation }));
  }

  test('stickiness: when a member leaves, the others keep everything they had', () => {
    const members = ['a', 'b', 'c', 'd'].map((id) => member(id, ['t', 'u']));
    const first = CooperativeStickyAssignor.assign(meta({ t: 10, u: 7 }), members);
    const remaining = owning(members, first, 1).filter((m) => m.memberId !== 'c');
    const second = CooperativeStickyAssignor.assign(meta({ t: 10, u: 7 }), remaining);
    for (const m of remaining) expect(names(second.get(m.memberId)!)).toEqual(expect.arrayContaining(names(first.get(m.memberId)!)));
    const s = sizes(second);
    expect(s.reduce((a, b) => a + b)).toBe(17);
    expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
  });

  test('cooperative rule (KIP-429): partitions that change owner are revoked first and assigned one rebalance later', () => {
    const members = [member('a', ['t']), member('b', ['t'])];
    const first = CooperativeStickyAssignor.assign(meta({ t: 6 }), members);
    expect(sizes(first)).toEqual([3, 3]);

    // c joins: a and b must give up one partition each, but c gets nothing yet
    const joined = [...owning(members, first, 1), member('c', ['t'])];
    const second = CooperativeStickyAssignor.assign(meta({ t: 6 }), joined);
    expect(second.get('c')).toEqual([]);
    expect(sizes(second)).toEqual([2, 2, 0]);
    for (const id of ['a', 'b']) expect(names(first.get(id)!)).toEqual(expect.arrayContaining(names(second.get(id)!)));

    // after a and b revoked them (their ownership is the smaller assignment), c gets the two freed partitions
    const third = CooperativeStickyAssignor.assign(meta({ t: 6 }), owning(joined, second, 2));
    expect(sizes(third)).toEqual([2, 2, 2]);
    expect(third.get('a')).toEqual(second.get('a'));
    expect(third.get('b')).toEqual(second.get('b'));
    const freed = [...first.get('a')!, ...first.get('b')!].filter((p) => ![...second.get('a')!, ...second.get('b')!].some((q) => q.partition === p.partition));
    expect(names(third.get('c')!)).toEqual(names(freed));
  });

  test('a partition claimed by two members: the higher generation keeps it', () => {
    const members = [
      member('a', ['t'], { ownedPartitions: [tp('t', 0), tp('t', 1)], generationId: 4 }),
      member('b', ['t'], { ownedPartitions: [tp('t', 1), tp('t', 2)], generationId: 5 }),
    ];
    const r = CooperativeStickyAssignor.assign(meta({ t: 4 }), members);
    expect(names(r.get('b')!)).toEqual(expect.arrayContaining(['t-1', 't-2']));
    expect(names(r.get('a')!)).toContain('t-0');
    expect(names(r.get('a')!)).not.toContain('t-1');
  });

  test('a partition claimed by two members of the same generation is revoked from both first', () => {
    const members = [
      member('a', ['t'], { ownedPartitions: [tp('t', 0), tp('t', 1)], generationId: 5 }),
      member('b', ['t'], { ownedPartitions: [tp('t', 1), tp('t', 2)], generationId: 5 }),
    ];
    const r = CooperativeStickyAssignor.assign(meta({ t: 4 }), members);
    expect([...names(r.get('a')!), ...names(r.get('b')!)]).not.toContain('t-1');
    expect(names(r.get('a')!)).toContain('t-0');
    expect(names(r.get('b')!)).toContain('t-2');
  });

  test('the generation of a v0/v1 subscription comes from userData (int32), but a rival only sees the v2 field', () => {
    // Java iterates a before b here (HashMap order). b claims t-0 with generation 7 in userData only,
    // a with generation 3: b's 7 beats a's 3, so b keeps it
    let r = CooperativeStickyAssignor.assign(meta({ t: 2 }), [
      member('a', ['t'], { ownedPartitions: [tp('t', 0), tp('t', 1)], generationId: 3 }),
      member('b', ['t'], { ownedPartitions: [tp('t', 0)], userData: Buffer.from([0, 0, 0, 7]) }),
    ]);
    expect(plain(r)).toEqual({ a: ['t-1'], b: ['t-0'] });
    // the other way round, Java compares b's 3 with a's subscription generation (absent: -1), so b wins
    // again; a's t-0 then moves to b and the surplus t-1 is revoked from b before a may get it
    r = CooperativeStickyAssignor.assign(meta({ t: 2 }), [
      member('a', ['t'], { ownedPartitions: [tp('t', 0)], userData: Buffer.from([0, 0, 0, 7]) }),
      member('b', ['t'], { ownedPartitions: [tp('t', 0), tp('t', 1)], generationId: 3 }),
    ]);
    expect(plain(r)).toEqual({ a: [], b: ['t-0'] });
  });

  test('Java quirk kept: a member with no topics seen first makes the subscriptions count as identical', () => {
    // HashMap order: a before b. a subscribes to nothing, yet gets partitions (Java's allSubscriptionsEqual
    // only starts comparing once it has seen a non-empty subscription)
    expect(plain(CooperativeStickyAssignor.assign(meta({ t: 3 }), [member('b', ['t']), member('a', [])]))).toEqual({
      b: ['t-1'],
      a: ['t-0', 't-2'],
    });
    // seen after a subscribed member, it gets nothing
    expect(plain(CooperativeStickyAssignor.assign(meta({ t: 3 }), [member('a', ['t']), member('b', [])]))).toEqual({
      a: ['t-0', 't-1', 't-2'],
      b: [],
    });
  });

  test('rack-aware (KIP-881): a new group gets partitions in its racks', () => {
    const racks = [['a'], ['b'], ['a'], ['b'], ['a'], ['b']];
    const members = [member('m1', ['t'], { rackId: 'b' }), member('m2', ['t'], { rackId: 'a' })];
    expect(plain(CooperativeStickyAssignor.assign(meta({ t: racks }), members))).toEqual({
      m1: ['t-1', 't-3', 't-5'],
      m2: ['t-0', 't-2', 't-4'],
    });
  });

  test('where Java never returns, AssignmentError (javaBehaviour "hangs") instead of an endless loop', () => {
    const owned = (...ps: [string, number][]): TopicPartition[] => ps.map(([t, p]) => tp(t, p));
    const members = [
      member('c513-0', ['t0', 't2', 't3'], { ownedPartitions: owned(['t0', 2], ['t4', 2]), generationId: 5 }),
      member('c271-1', ['t0', 't1', 't2', 't3', 't4'], {
        ownedPartitions: owned(['t0', 0], ['t0', 1], ['t0', 4], ['t1', 1], ['t1', 2], ['t1', 3], ['t1', 4], ['t1', 7], ['t1', 10], ['t2', 1], ['t2', 3], ['t3', 0], ['t4', 1]),
        generationId: 5,
      }),
      member('c443-2', ['t0', 't1'], { ownedPartitions: owned(['t0', 3], ['t1', 8]), generationId: 5 }),
      member('c770-3', ['t1'], { ownedPartitions: owned(['t1', 0], ['t1', 9], ['t4', 4]), generationId: 3 }),
      member('c905-4', ['t4'], { ownedPartitions: owned(['t4', 0]), generationId: 3 }),
      member('c858-5', ['t2', 't3'], { ownedPartitions: owned(['t2', 2]), generationId: 5 }),
    ];
    let err: unknown;
    try {
      CooperativeStickyAssignor.assign(meta({ t0: 5, t1: 12, t2: 4, t3: 1, t4: 5 }), members);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AssignmentError);
    expect((err as AssignmentError).javaBehaviour).toBe('hangs');
    expect((err as AssignmentError).code).toBe('ERR_ASSIGNMENT');
  });
});

describe('edge cases', () => {
  test.each(ALL.map((a) => [a.name, a] as const))('%s: no members -> empty assignment', (_n, assignor) => {
    expect(assignor.assign(meta({ t: 3 }), [])).toEqual(new Map());
  });

  test.each(ALL.map((a) => [a.name, a] as const))('%s: a topic with 0 partitions is skipped', (_n, assignor) => {
    const r = assignor.assign(meta({ empty: 0, t: 2 }), [member('a', ['empty', 't']), member('b', ['empty'])]);
    expect(plain(r)).toEqual({ a: ['t-0', 't-1'], b: [] });
  });

  test.each(ALL.map((a) => [a.name, a] as const))('%s: a member subscribed to a topic missing from the metadata gets nothing of it', (_n, assignor) => {
    const r = assignor.assign(meta({ t: 2 }), [member('a', ['missing']), member('b', ['missing', 't'])]);
    expect(plain(r)).toEqual({ a: [], b: ['t-0', 't-1'] });
  });

  test.each(ALL.map((a) => [a.name, a] as const))('%s: topics nobody subscribes to are ignored; members without topics get nothing', (_n, assignor) => {
    // (z without topics comes after b in Java's HashMap order; see the cooperative-sticky quirk above)
    const r = assignor.assign(meta({ t: 3, other: 5 }), [member('z', []), member('b', ['t'])]);
    expect(plain(r)).toEqual({ z: [], b: ['t-0', 't-1', 't-2'] });
  });

  test.each(ALL.map((a) => [a.name, a] as const))('%s: nothing in the metadata at all', (_n, assignor) => {
    expect(plain(assignor.assign(new Map(), [member('a', ['t']), member('b', ['t'])]))).toEqual({ a: [], b: [] });
  });

  test('a bad partition count and duplicate member ids are rejected', () => {
    expect(() => RangeAssignor.assign(meta({ t: -1 }), [member('a', ['t'])])).toThrow(RangeError);
    expect(() => RangeAssignor.assign(meta({ t: 1 }), [member('a', ['t']), member('a', ['t'])])).toThrow(AssignmentError);
  });
});

describe('Java HashMap emulation helpers', () => {
  test('javaStringHashCode = java.lang.String.hashCode', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('Aa')).toBe(2112);
    expect(javaStringHashCode('BB')).toBe(2112);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaStringHashCode('consumer-1-a1b2')).toBe(javaStringHashCode('consumer-1-a1b2'));
    expect(javaStringHashCode('字𝄞')).toBe(((0x5b57 * 31 + 0xd834) * 31 + 0xdd1e) | 0);
  });
});
