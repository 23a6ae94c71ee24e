/**
 * Conformance of the classic-group partition assignors (src/consumer/assignors/) with Kafka
 * 4.2.1's own `RangeAssignor`, `RoundRobinAssignor` and `CooperativeStickyAssignor`, through the
 * Java oracle's `assign` op (the ConsumerCoordinator leader's code path: a fresh assignor, the
 * subscriptions in a HashMap filled in JoinGroup order, `assign(Cluster, GroupSubscription)`).
 *
 * Our assignment must EQUAL Java's: same members, each with the same set of partitions (lists are
 * compared sorted; Java's list order within a member is not part of the contract). When Java's
 * assignor throws, ours must throw an AssignmentError.
 *
 * Scenarios (seeded, reproducible; KAFKAESQUE_CONFORMANCE_SEED shifts the seeds):
 *  - random groups: 1-12 members, 1-6 topics of 0-40 partitions (plus topics missing from the
 *    metadata), identical subscriptions (the sticky "constrained" path) or random subsets (the
 *    "general" path), static members with group.instance.ids, random member id formats;
 *  - rack-aware variants: member racks and per-partition replica racks (some partitions on all
 *    racks, some brokers without rack, some members without rack);
 *  - cooperative-sticky: previous ownership (random or from a real previous round), members that
 *    left or joined, stale generations, generations only in userData (subscription v0/v1), two or
 *    three members claiming the same partition with the same or different generations;
 *  - multi-round simulations: 10 rebalances feeding each assignment back as ownedPartitions, with
 *    members joining/leaving, subscription changes and partition-count growth; equal every round.
 */
import { AssignmentError } from '../../src/consumer/errors.js';
import {
  CooperativeStickyAssignor,
  javaStringHashCode,
  RangeAssignor,
  RoundRobinAssignor,
  type Assignor,
  type MemberSubscription,
  type TopicPartition,
  type TopicPartitionsInfo,
} from '../../src/consumer/assignors/index.js';
import { closeSharedOracle, sharedOracle } from './harness.js';
import { JavaOracle, OracleError } from './oracle.js';
import { seeded } from '../helpers/random.js';

jest.setTimeout(180_000);

type AssignOracle = Pick<JavaOracle, 'assign'>;

const SEED = Number(process.env.KAFKAESQUE_CONFORMANCE_SEED ?? 1) || 1;
const ASSIGNORS: Assignor[] = [RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor];

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seeded(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  subset<T>(xs: readonly T[], min = 0): T[] {
    let s = xs.filter(() => this.chance(0.5));
    if (s.length < min) s = this.shuffle(xs).slice(0, min);
    return s;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
  word(min: number, max: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'): string {
    const len = this.range(min, max);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

interface Scenario {
  label: string;
  partitionsPerTopic: Record<string, number>;
  partitionRacks?: Record<string, (string | null)[][]>;
  members: MemberSubscription[];
}

function memberId(rng: Rng, i: number): string {
  switch (rng.int(4)) {
    case 0: // Java consumer style
      return `consumer-group-${i + 1}-${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
    case 1:
      return `m${rng.int(1000)}`;
    case 2:
      return rng.word(1, 12);
    default:
      return `client-${rng.word(1, 4, 'abc')}-${i}`;
  }
}

function topicName(rng: Rng, i: number): string {
  return rng.chance(0.5) ? `topic-${i}-${rng.word(0, 3, 'xyz')}` : rng.word(1, 10);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

const RACKS = ['rack-a', 'rack-b', 'rack-c', 'us-east-1d'];

/** Per-partition replica racks for a topic; sometimes every partition on every rack (rack-aware off). */
function topicRacks(rng: Rng, count: number, racks: readonly string[]): (string | null)[][] {
  const mode = rng.int(4);
  return Array.from({ length: count }, () => {
    if (mode === 0) return [...racks];
    const replicas = rng.range(1, 3);
    const out: (string | null)[] = [];
    for (let k = 0; k < replicas; k++) out.push(mode === 1 && rng.chance(0.15) ? null : rng.pick(racks));
    return out;
  });
}

function randomScenario(seed: number, assignor: string): Scenario {
  const rng = new Rng(seed * 7919 + assignor.length);
  const numTopics = rng.range(1, 6);
  const topics: string[] = [];
  while (topics.length < numTopics) {
    const t = topicName(rng, topics.length);
    if (!topics.includes(t)) topics.push(t);
  }
  const partitionsPerTopic: Record<string, number> = {};
  const shared = rng.chance(0.3) ? rng.range(1, 40) : 0; // co-partitioned topics (range's rack-aware alignment)
  for (const t of topics) partitionsPerTopic[t] = rng.chance(0.05) ? 0 : shared || rng.range(1, 40);
  const missing = rng.chance(0.15) ? ['not-in-metadata'] : [];

  const withRacks = rng.chance(0.3);
  const racks = RACKS.slice(0, rng.range(1, 4));
  let partitionRacks: Record<string, (string | null)[][]> | undefined;
  if (withRacks) {
    partitionRacks = {};
    for (const t of topics) partitionRacks[t] = topicRacks(rng, partitionsPerTopic[t], racks);
  }

  const numMembers = rng.chance(0.08) ? rng.range(13, 40) : rng.range(1, 12); // > 12: bigger HashMap tables
  const sameSubscription = rng.chance(0.5);
  const common = rng.subset([...topics, ...missing], 1);
  const staticShare = rng.pick([0, 0, 0.5, 1]);
  const ids = new Set<string>();
  const instanceIds = new Set<string>();
  const members: MemberSubscription[] = [];
  for (let i = 0; i < numMembers; i++) {
    let id = memberId(rng, i);
    while (ids.has(id)) id += rng.hex(1);
    ids.add(id);
    let gid: string | null = null;
    if (rng.chance(staticShare)) {
      do gid = `instance-${rng.word(1, 6)}`;
      while (instanceIds.has(gid));
      instanceIds.add(gid);
    }
    members.push({
      memberId: id,
      groupInstanceId: gid,
      topics: sameSubscription ? rng.shuffle(common) : rng.subset([...topics, ...missing], rng.chance(0.1) ? 0 : 1),
      ownedPartitions: [],
      generationId: -1,
      rackId: withRacks && rng.chance(0.85) ? rng.pick([...racks, 'rack-z']) : null,
      userData: null,
    });
  }

  if (assignor === 'cooperative-sticky') {
    if (rng.chance(0.4)) addSkewedOwnership(rng, members, partitionsPerTopic);
    else addOwnership(rng, members, partitionsPerTopic);
  }
  return {
    label: `seed ${seed} (${numMembers} members, ${numTopics} topics, ${sameSubscription ? 'same' : 'mixed'} subscriptions${withRacks ? ', racks' : ''})`,
    partitionsPerTopic,
    partitionRacks,
    members: rng.shuffle(members),
  };
}

/** Previous ownership for cooperative-sticky: random owners, generations, conflicts, userData-only generations. */
function addOwnership(rng: Rng, members: MemberSubscription[], partitionsPerTopic: Record<string, number>): void {
  const generation = rng.range(1, 50);
  for (const m of members) {
    const kind = rng.int(10);
    if (kind < 6) m.generationId = generation; // current
    else if (kind < 8) m.generationId = generation - rng.range(1, 3); // stale
    else if (kind < 9) m.generationId = -1; // new member (or v0/v1 subscription)
    else {
      m.generationId = -1; // v0/v1 subscription: the generation travels in userData
      m.userData = rng.chance(0.8) ? int32(generation - rng.int(2)) : Buffer.from([1, 2]); // short userData: parse error
    }
  }
  const owners = members.filter((m) => m.generationId !== -1 || m.userData !== null || rng.chance(0.2));
  if (owners.length === 0) return;
  const previousTopics = Object.keys(partitionsPerTopic);
  for (const t of previousTopics) {
    const count = partitionsPerTopic[t] - (rng.chance(0.1) ? rng.int(3) : 0); // fewer partitions last time
    for (let p = 0; p < count; p++) {
      if (rng.chance(0.15)) continue; // nobody owned it
      const owner = rng.chance(0.7) ? owners[p % owners.length] : rng.pick(owners);
      owner.ownedPartitions.push({ topic: t, partition: p });
      if (rng.chance(0.05)) {
        const other = rng.pick(owners); // a second claimant (maybe same generation)
        if (other !== owner) other.ownedPartitions.push({ topic: t, partition: p });
      }
    }
  }
  if (rng.chance(0.1)) owners[0].ownedPartitions.push({ topic: 'deleted-topic', partition: 0 });
  for (const m of members) m.ownedPartitions = rng.shuffle(m.ownedPartitions);
}

/**
 * Ownership concentrated on a few members of one generation (some stale): the sticky assignor has
 * to move many partitions, which exercises its reassignment loop and its move bookkeeping (and
 * the HashSet order it picks partitions from).
 */
function addSkewedOwnership(rng: Rng, members: MemberSubscription[], partitionsPerTopic: Record<string, number>): void {
  const skew = rng.next();
  for (const [t, count] of Object.entries(partitionsPerTopic)) {
    for (let p = 0; p < count; p++) {
      if (rng.chance(0.2)) continue;
      const candidates = members.filter((m) => m.topics.includes(t) || rng.chance(0.1));
      if (candidates.length === 0) continue;
      const owner = rng.chance(skew) ? candidates[0] : rng.pick(candidates);
      owner.ownedPartitions.push({ topic: t, partition: p });
    }
  }
  for (const m of members) m.generationId = rng.chance(0.2) ? 5 - rng.range(1, 2) : 5;
}

const member = (memberId: string, topics: string[], owned: [string, number][], generationId: number): MemberSubscription => ({
  memberId,
  groupInstanceId: null,
  topics,
  ownedPartitions: owned.map(([topic, partition]) => ({ topic, partition })),
  generationId,
  rackId: null,
  userData: null,
});
/** Found by random search: Java 4.2.1's CooperativeStickyAssignor loops forever on it (checked with jstack). */
const NON_TERMINATING: Scenario = {
  label: 'non-terminating',
  partitionsPerTopic: { t0: 5, t1: 12, t2: 4, t3: 1, t4: 5 },
  members: [
    member('c513-0', ['t0', 't2', 't3'], [['t0', 2], ['t4', 2]], 5),
    member('c271-1', ['t0', 't1', 't2', 't3', 't4'], [['t0', 0], ['t0', 1], ['t0', 4], ['t1', 1], ['t1', 2], ['t1', 3], ['t1', 4], ['t1', 7], ['t1', 10], ['t2', 1], ['t2', 3], ['t3', 0], ['t4', 1]], 5),
    member('c443-2', ['t0', 't1'], [['t0', 3], ['t1', 8]], 5),
    member('c770-3', ['t1'], [['t1', 0], ['t1', 9], ['t4', 4]], 3),
    member('c905-4', ['t4'], [['t4', 0]], 3),
    member('c858-5', ['t2', 't3'], [['t2', 2]], 5),
  ],
};

function metadata(s: Scenario): Map<string, TopicPartitionsInfo> {
  const m = new Map<string, TopicPartitionsInfo>();
  for (const [t, n] of Object.entries(s.partitionsPerTopic)) m.set(t, s.partitionRacks?.[t] ?? n);
  return m;
}

type Outcome = { ok: Record<string, string[]> } | { error: string } | { hangs: string };

function normalize(result: ReadonlyMap<string, readonly TopicPartition[]> | Record<string, readonly TopicPartition[]>): Record<string, string[]> {
  const entries = result instanceof Map ? [...result] : Object.entries(result);
  const out: Record<string, string[]> = {};
  for (const [id, tps] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[id] = [...tps]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map((tp) => `${tp.topic}-${tp.partition}`);
  }
  return out;
}

function ours(assignor: Assignor, s: Scenario): Outcome {
  try {
    return { ok: normalize(assignor.assign(metadata(s), s.members)) };
  } catch (e) {
    if (e instanceof AssignmentError) return e.javaBehaviour === 'hangs' ? { hangs: e.message } : { error: e.message };
    throw e;
  }
}

async function java(oracle: AssignOracle, assignor: Assignor, s: Scenario): Promise<Outcome> {
  try {
    return { ok: normalize(await oracle.assign(assignor.name, s.partitionsPerTopic, s.members, undefined, s.partitionRacks)) };
  } catch (e) {
    if (e instanceof OracleError) return { error: e.javaError };
    throw e;
  }
}

function expectSame(assignor: Assignor, s: Scenario, j: Outcome, o: Outcome): void {
  const view = (x: Outcome): unknown => ('error' in x ? 'throws' : 'hangs' in x ? 'hangs' : x.ok);
  if (JSON.stringify(view(j)) !== JSON.stringify(view(o))) {
    // full detail for reproduction
    expect({ assignor: assignor.name, scenario: s.label, input: s, result: view(o), javaError: 'error' in j ? j.error : undefined }).toEqual({
      assignor: assignor.name,
      scenario: s.label,
      input: s,
      result: view(j),
      javaError: 'error' in j ? j.error : undefined,
    });
  }
}

const stats = { scenarios: 0, javaErrors: 0, javaHangs: 0, rounds: 0, errors: new Set<string>() };

/** Ours first: where ours reports that Java never returns, Java is not asked (it would hang the oracle). */
async function compare(oracle: AssignOracle, assignor: Assignor, scenarios: Scenario[]): Promise<void> {
  const our = scenarios.map((s) => ours(assignor, s));
  const theirs = await Promise.all(scenarios.map((s, i) => ('hangs' in our[i] ? null : java(oracle, assignor, s))));
  scenarios.forEach((s, i) => {
    stats.scenarios++;
    const j = theirs[i];
    if (j === null) {
      stats.javaHangs++;
      return;
    }
    if ('error' in j) {
      stats.javaErrors++;
      stats.errors.add(`${assignor.name}: ${j.error}`);
    }
    expectSame(assignor, s, j, our[i]);
  });
}

describe('partition assignors = Kafka 4.2.1 (JVM oracle)', () => {
  let oracle: AssignOracle;

  beforeAll(async () => {
    oracle = await sharedOracle();
  }, 180_000);

  afterAll(async () => {
    await closeSharedOracle();
    // eslint-disable-next-line no-console
    if (process.env.KAFKAESQUE_ASSIGNOR_STATS) console.log(stats);
  });

  const COUNTS: Record<string, number> = { range: 1000, roundrobin: 1000, 'cooperative-sticky': 3000 };

  for (const assignor of ASSIGNORS) {
    test(`${assignor.name}: ${COUNTS[assignor.name]} random groups`, async () => {
      const scenarios = Array.from({ length: COUNTS[assignor.name] }, (_, i) => randomScenario(SEED + i, assignor.name));
      await compare(oracle, assignor, scenarios);
    });
  }

  test('edge cases: no topics in metadata, 0-partition topics, members without topics, one member', async () => {
    const base = (over: Partial<MemberSubscription> & { memberId: string }): MemberSubscription => ({
      groupInstanceId: null,
      topics: [],
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
      userData: null,
      ...over,
    });
    const scenarios: Scenario[] = [
      { label: 'nothing in metadata', partitionsPerTopic: {}, members: [base({ memberId: 'a', topics: ['x'] }), base({ memberId: 'b', topics: ['x'] })] },
      { label: 'zero partitions', partitionsPerTopic: { x: 0, y: 3 }, members: [base({ memberId: 'a', topics: ['x', 'y'] }), base({ memberId: 'b', topics: ['x'] })] },
      { label: 'no subscriptions', partitionsPerTopic: { x: 3 }, members: [base({ memberId: 'a' }), base({ memberId: 'b' })] },
      { label: 'first member without topics', partitionsPerTopic: { x: 5 }, members: [base({ memberId: 'a' }), base({ memberId: 'b', topics: ['x'] })] },
      { label: 'one member', partitionsPerTopic: { x: 7, y: 1 }, members: [base({ memberId: 'solo', topics: ['y', 'x'] })] },
      {
        label: 'static members order by instance id',
        partitionsPerTopic: { x: 5 },
        members: [
          base({ memberId: 'a', topics: ['x'], groupInstanceId: 'zz' }),
          base({ memberId: 'b', topics: ['x'] }),
          base({ memberId: 'c', topics: ['x'], groupInstanceId: 'aa' }),
        ],
      },
    ];
    for (const assignor of ASSIGNORS) await compare(oracle, assignor, scenarios);
  });

  test('HashMap order: member ids colliding in one bucket (Java grows the table at 9 in a bucket)', async () => {
    // ids whose spread hashes share the low 4 bits (one bucket of a 16-bucket table) but not bit 4
    const bucket = (id: string, cap: number): number => {
      const h = javaStringHashCode(id);
      return (h ^ (h >>> 16)) & (cap - 1);
    };
    const colliding: string[] = [];
    for (let i = 0; colliding.length < 11; i++) {
      const id = `member-${i}`;
      if (bucket(id, 16) === 5) colliding.push(id);
    }
    expect(new Set(colliding.map((id) => bucket(id, 32))).size).toBe(2);
    const scenarios: Scenario[] = [];
    for (const n of [8, 9, 10, 11]) {
      for (let variant = 0; variant < 6; variant++) {
        const rng = new Rng(1000 * n + variant);
        const ids = rng.shuffle(colliding.slice(0, n));
        // more owned partitions than the quota: who keeps maxQuota depends on the iteration order
        const count = 3 * n + Math.floor(n / 2);
        const members = ids.map((id) => member(id, ['t'], [], 7));
        for (let p = 0; p < count; p++) members[rng.int(Math.ceil(n * 0.7))].ownedPartitions.push({ topic: 't', partition: p });
        if (variant % 2 === 1) members[0].topics = ['t', 'u'];
        scenarios.push({ label: `${n} colliding ids, variant ${variant}`, partitionsPerTopic: { t: count, u: 3 }, members });
      }
    }
    for (const assignor of ASSIGNORS) await compare(oracle, assignor, scenarios);
  });

  test('odd subscriptions: duplicate topics, duplicate or out-of-range owned partitions, empty rack ids, userData next to generationId', async () => {
    const scenarios: Scenario[] = [];
    for (let seed = 0; seed < 60; seed++) {
      const rng = new Rng(424242 + seed);
      const s = randomScenario(90_000 + seed, 'cooperative-sticky');
      for (const m of s.members) {
        if (rng.chance(0.2) && m.topics.length > 0) m.topics.push(m.topics[0]);
        if (rng.chance(0.2) && m.ownedPartitions.length > 0) m.ownedPartitions.push(m.ownedPartitions[0]);
        if (rng.chance(0.1)) m.rackId = '';
        if (rng.chance(0.2)) m.userData = int32(rng.int(100));
        if (rng.chance(0.1) && seed % 3 === 0) m.ownedPartitions.push({ topic: m.topics[0] ?? 'x', partition: 40 + rng.int(5) });
      }
      s.label = `odd ${seed}`;
      scenarios.push(s);
    }
    for (const assignor of ASSIGNORS) await compare(oracle, assignor, scenarios);
  });

  test('cooperative-sticky: where Java 4.2.1 never returns, we throw AssignmentError (hangs)', async () => {
    expect(ours(CooperativeStickyAssignor, NON_TERMINATING)).toEqual({ hangs: expect.stringContaining('does not terminate') });
    // Java, in a JVM of its own: answers a ping at once, then never answers this assignment
    const jvm = await JavaOracle.start();
    try {
      const answer = jvm.assign('cooperative-sticky', NON_TERMINATING.partitionsPerTopic, NON_TERMINATING.members).then(
        () => 'returned',
        () => 'threw',
      );
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('no answer after 3 s'), 3000).unref());
      expect(await Promise.race([answer, timeout])).toBe('no answer after 3 s');
    } finally {
      if (jvm.pid !== undefined) process.kill(jvm.pid, 'SIGKILL');
      await jvm.close();
    }
  });

  // ---------------------------------------------------------------- multi-round simulations

  for (const assignor of ASSIGNORS) {
    test(`${assignor.name}: 10-round rebalance simulations, each round equal to Java`, async () => {
      const SIMULATIONS = assignor.name === 'cooperative-sticky' ? 40 : 15;
      for (let sim = 0; sim < SIMULATIONS; sim++) {
        const rng = new Rng((SEED + sim) * 104729 + assignor.name.length);
        const withRacks = rng.chance(0.35);
        const racks = RACKS.slice(0, rng.range(2, 4));
        const topics = Array.from({ length: rng.range(1, 5) }, (_, i) => `sim${sim}-t${i}`);
        const partitionsPerTopic: Record<string, number> = {};
        for (const t of topics) partitionsPerTopic[t] = rng.range(1, 30);
        const partitionRacks: Record<string, (string | null)[][]> = {};
        const refreshRacks = (): void => {
          for (const t of topics) {
            const have = partitionRacks[t] ?? [];
            partitionRacks[t] = [...have, ...topicRacks(rng, partitionsPerTopic[t] - have.length, racks)];
          }
        };
        if (withRacks) refreshRacks();
        const sameSubscription = rng.chance(0.5);
        let counter = 0;
        const newMember = (): MemberSubscription => ({
          memberId: memberId(rng, counter++),
          groupInstanceId: rng.chance(0.3) ? `static-${rng.word(2, 5)}-${counter}` : null,
          topics: sameSubscription ? [...topics] : rng.subset(topics, 1),
          ownedPartitions: [],
          generationId: -1,
          rackId: withRacks && rng.chance(0.9) ? rng.pick(racks) : null,
          userData: null,
        });
        let members = Array.from({ length: rng.range(1, 10) }, newMember);
        let generation = 0;
        for (let round = 0; round < 10; round++) {
          generation++;
          const s: Scenario = {
            label: `simulation ${sim} round ${round}`,
            partitionsPerTopic: { ...partitionsPerTopic },
            partitionRacks: withRacks ? JSON.parse(JSON.stringify(partitionRacks)) : undefined,
            members: members.map((m) => ({ ...m, topics: [...m.topics], ownedPartitions: [...m.ownedPartitions] })),
          };
          stats.rounds++;
          const o = ours(assignor, s);
          if ('hangs' in o) break;
          expectSame(assignor, s, await java(oracle, assignor, s), o);
          if ('error' in o) break;
          // feed the assignment back: every member owns what it got, at this generation
          const result = assignor.assign(metadata(s), s.members);
          members = s.members.map((m) => ({
            ...m,
            ownedPartitions: rng.shuffle(result.get(m.memberId)!),
            generationId: generation,
            userData: assignor.subscriptionUserData?.(m.topics, result.get(m.memberId)!, generation) ?? null,
          }));
          // churn for the next round
          if (rng.chance(0.35) && members.length > 1) members.splice(rng.int(members.length), 1);
          if (rng.chance(0.35) && members.length < 12) members.splice(rng.int(members.length + 1), 0, newMember());
          if (rng.chance(0.15)) {
            const m = rng.pick(members); // missed a generation
            m.generationId = Math.max(0, m.generationId - 1);
          }
          if (!sameSubscription && rng.chance(0.2)) rng.pick(members).topics = rng.subset(topics, 1);
          if (rng.chance(0.1)) {
            const t = rng.pick(topics);
            partitionsPerTopic[t] += rng.range(1, 5);
            if (withRacks) refreshRacks();
          }
          if (rng.chance(0.2)) members = rng.shuffle(members); // another JoinGroup order
        }
      }
    });
  }
});
