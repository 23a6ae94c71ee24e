/**
 * Client-side partition assignors of the classic consumer group protocol (JoinGroup/SyncGroup):
 * the group leader runs one of these on the subscriptions of every member and sends the result
 * back in SyncGroup. They reproduce, decision for decision, Kafka 4.2.1's
 * `org.apache.kafka.clients.consumer.RangeAssignor` ("range"), `RoundRobinAssignor`
 * ("roundrobin") and `CooperativeStickyAssignor` ("cooperative-sticky", an
 * `AbstractStickyAssignor`), as the Java consumer leader calls them:
 * `assignor.assign(Cluster, GroupSubscription)` with the subscriptions in a `HashMap` filled in
 * JoinGroup-response order (ConsumerCoordinator.onLeaderElected). Pure functions, no I/O.
 *
 * Java semantics that are reproduced (proven against the real classes by
 * test/conformance/assignors.conformance.test.ts):
 *  - Topics: only topics somebody subscribes to and that have at least one partition in the
 *    metadata take part (AbstractPartitionAssignor.assign skips the others); members subscribed
 *    to missing topics simply get nothing of them.
 *  - Member order: range and roundrobin order members by `group.instance.id` for static members
 *    (all static members first, by instance id), then dynamic members by member id
 *    (AbstractPartitionAssignor.MemberInfo). The sticky assignor orders by member id only.
 *  - Where Java's outcome depends on `HashMap` iteration order (the sticky assignor's handling of
 *    partitions claimed by several members, which member keeps its maxQuota of owned
 *    partitions first, which previous owner of a partition counts, and which partition of a
 *    topic is moved back to undo an earlier move), that order is emulated exactly: Java's
 *    `String.hashCode`/`TopicPartition.hashCode`, bucket spreading, table growth and bucket
 *    order. So `members` must be given in JoinGroup-response order, as the broker sent them.
 *    (Not emulated: HashMap "tree bins", which Java only builds for 9+ keys in one bucket of a
 *    table of 64+ buckets: groups of more than 48 members whose ids collide, or more than 48
 *    partitions of one topic moved between the same two members, which cannot collide so.)
 *  - Rack awareness (KIP-881): on by default in Java whenever members send a rack id and the
 *    partitions' replica racks are known, for range and cooperative-sticky (roundrobin ignores
 *    racks). Used when at least one member rack is a replica rack and not every partition has
 *    the same set of replica racks. Give per-partition replica racks in `partitionsPerTopic`
 *    (an array per topic instead of a count) to get it; with counts only, racks are unknown
 *    and the assignment is the rack-less one, as in Java with brokers without `broker.rack`.
 *  - cooperative-sticky: the member's generation comes from the subscription (v2+), else from
 *    its userData (int32, Java's encoding), and partitions that move from one live owner to
 *    another are left out of the new owner's assignment in this round (KIP-429): the owner
 *    revokes them, and they are assigned in the follow-up rebalance.
 *  - Java quirks kept (all checked against the JVM): a member with an empty subscription that
 *    Java iterates first makes the sticky assignor treat all subscriptions as identical (it then
 *    gets partitions); when two members claim a partition, the rival's generation is read from
 *    the v2 field only (a userData generation counts for the claimant, not the rival); owned
 *    partitions beyond a topic's partition count can make Java throw (then so do we).
 *
 * Differences from Java, on input the Java consumer never produces:
 *  - no members: we return an empty assignment; Java's roundrobin and cooperative-sticky throw
 *    (IllegalArgumentException / ArithmeticException), range returns an empty map;
 *  - Java state kept across calls in an assignor instance is not kept: `maxGeneration` of
 *    AbstractStickyAssignor is per call here (Java never lowers it on a long-lived leader).
 * Where Java would throw (a NullPointerException or IllegalStateException inside the sticky
 * assignor, on ownership claims no healthy group produces), {@link AssignmentError} is thrown.
 * Where Java's sticky assignor never returns (rare inputs on which
 * GeneralAssignmentBuilder.performReassignments moves the same partitions back and forth forever;
 * found by random search, about 1 in 100,000 skewed ownership layouts), the loop is detected
 * exactly (a pass starting from a state already seen) and {@link AssignmentError} is thrown with
 * `javaBehaviour: 'hangs'`; on every input Java finishes, the outcome is Java's.
 */
import { AssignmentError, UnknownAssignorError } from './errors.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One member's subscription as the leader sees it in JoinGroup (ConsumerProtocolSubscription). */
export interface MemberSubscription {
  memberId: string;
  /** Static membership (KIP-345): range and roundrobin order static members by this id. */
  groupInstanceId: string | null;
  topics: string[];
  /** KIP-429, ConsumerProtocolSubscription v1+. */
  ownedPartitions: TopicPartition[];
  /** ConsumerProtocolSubscription v2+; negative = unknown (Java: Optional.empty()). */
  generationId: number;
  /** ConsumerProtocolSubscription v3+ (KIP-881); null or '' = none. */
  rackId: string | null;
  userData: Buffer | null;
}

/**
 * Per topic: its partition count, or, to enable rack-aware assignment, one entry per partition
 * (index = partition id) listing the racks of the partition's replicas' brokers (null for a
 * broker without `broker.rack`).
 */
export type TopicPartitionsInfo = number | ReadonlyArray<ReadonlyArray<string | null>>;

export type RebalanceProtocol = 'EAGER' | 'COOPERATIVE';

export interface Assignor {
  /** The protocol name sent in JoinGroup. */
  readonly name: 'range' | 'roundrobin' | 'cooperative-sticky' | string;
  /** Java's supportedProtocols(), in Java's order. */
  readonly rebalanceProtocols: ReadonlyArray<RebalanceProtocol>;
  /**
   * The group assignment: memberId -> partitions (sorted by topic, then partition), one entry
   * per member (empty arrays included), in the order of `members`. `members` must be in
   * JoinGroup-response order (see the module comment). `generationId` (the leader's
   * generation) is accepted for symmetry and not used: Java's assignors take every generation
   * from the subscriptions.
   */
  assign(
    partitionsPerTopic: ReadonlyMap<string, TopicPartitionsInfo>,
    members: readonly MemberSubscription[],
    generationId?: number,
  ): Map<string, TopicPartition[]>;
  /**
   * userData for this member's subscription (Java's subscriptionUserData). range and
   * roundrobin: null. cooperative-sticky: the member's last generation (from its last
   * assignment; -1 before the first) as a 4-byte big-endian int32, which Java still sends
   * next to the v2 generationId field for older leaders.
   */
  subscriptionUserData?(topics: readonly string[], ownedPartitions: readonly TopicPartition[], generationId: number): Buffer | null;
}

// ------------------------------------------------------------------ common helpers

const DEFAULT_GENERATION = -1;

function cmpStr(a: string, b: string): number {
  // Java String.compareTo: UTF-16 code units, like JS relational operators.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical TopicPartition objects, so identity is equality (Java's equals). */
class TpInterner {
  private readonly map = new Map<string, Map<number, TopicPartition>>();

  of(topic: string, partition: number): TopicPartition {
    let byTopic = this.map.get(topic);
    if (!byTopic) this.map.set(topic, (byTopic = new Map()));
    let tp = byTopic.get(partition);
    if (!tp) byTopic.set(partition, (tp = Object.freeze({ topic, partition }) as TopicPartition));
    return tp;
  }
}

function removeFirst<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

function removeAllInPlace<T>(list: T[], drop: ReadonlySet<T>): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) if (!drop.has(list[r])) list[w++] = list[r];
  list.length = w;
}

function compareTp(a: TopicPartition, b: TopicPartition): number {
  return cmpStr(a.topic, b.topic) || a.partition - b.partition;
}

function setsEqual<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** AbstractPartitionAssignor.useRackAwareAssignment (preferRackAwareLogic = false). */
function useRackAwareAssignment(
  consumerRacks: ReadonlySet<string>,
  partitionRacks: ReadonlySet<string>,
  racksPerPartition: ReadonlyMap<unknown, ReadonlySet<string>>,
): boolean {
  if (consumerRacks.size === 0) return false;
  let disjoint = true;
  for (const r of consumerRacks) if (partitionRacks.has(r)) disjoint = false;
  if (disjoint) return false;
  for (const racks of racksPerPartition.values()) if (!setsEqual(racks, partitionRacks)) return true;
  return false;
}

function rackOf(m: MemberSubscription): string | null {
  return m.rackId === null || m.rackId === '' ? null : m.rackId;
}

/** AbstractPartitionAssignor.MemberInfo order: static members by instance id first, then member id. */
function compareMemberInfo(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return cmpStr(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return cmpStr(a.memberId, b.memberId);
}

// ------------------------------------------------------------------ Java HashMap iteration order

const stringHashCache = new Map<string, number>();

/** java.lang.String.hashCode. */
export function javaStringHashCode(s: string): number {
  let h = stringHashCache.get(s);
  if (h !== undefined) return h;
  h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  if (stringHashCache.size > 10_000) stringHashCache.clear();
  stringHashCache.set(s, h);
  return h;
}

/** org.apache.kafka.common.TopicPartition.hashCode. */
function tpHashCode(tp: TopicPartition): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHashCode(tp.topic)) | 0;
}

/**
 * The key order of a java.util.HashMap/HashSet created with the default constructor, under the
 * same sequence of insertions and removals: buckets by spread hash, insertion order inside a
 * bucket, table doubling at 0.75 load and when a bucket reaches 9 entries in a table of less
 * than 64 buckets (treeifyBin). Keys are compared by identity (strings: by value).
 */
class JavaHashSet<K> {
  private table: K[][] | null = null;
  private count = 0;
  private threshold = 0;

  constructor(private readonly hashOf: (k: K) => number) {}

  get size(): number {
    return this.count;
  }

  private index(k: K, cap: number): number {
    const h = this.hashOf(k);
    return (h ^ (h >>> 16)) & (cap - 1);
  }

  add(k: K): boolean {
    if (!this.table) this.resize();
    const bin = this.table![this.index(k, this.table!.length)];
    if (bin.includes(k)) return false;
    bin.push(k);
    if (bin.length >= 9 && this.table!.length < 64) this.resize(); // treeifyBin on a small table
    if (++this.count > this.threshold) this.resize();
    return true;
  }

  delete(k: K): boolean {
    if (!this.table) return false;
    const bin = this.table[this.index(k, this.table.length)];
    const i = bin.indexOf(k);
    if (i < 0) return false;
    bin.splice(i, 1);
    this.count--;
    return true;
  }

  /** iterator().next() */
  first(): K | undefined {
    if (this.table) for (const bin of this.table) if (bin.length > 0) return bin[0];
    return undefined;
  }

  /** Bucket count (0 before the first insertion): with keys(), the whole table layout. */
  get capacity(): number {
    return this.table ? this.table.length : 0;
  }

  keys(): K[] {
    const out: K[] = [];
    if (this.table) for (const bin of this.table) out.push(...bin);
    return out;
  }

  private resize(): void {
    const oldCap = this.table ? this.table.length : 0;
    const cap = oldCap === 0 ? 16 : oldCap * 2;
    this.threshold = (cap * 3) / 4;
    const table: K[][] = Array.from({ length: cap }, () => []);
    // Java splits each bucket into a low and a high one keeping relative order: the same as
    // re-appending every key in iteration order.
    if (this.table) for (const bin of this.table) for (const k of bin) table[this.index(k, cap)].push(k);
    this.table = table;
  }
}

/** Iteration order of `new HashMap<String, V>()` after putting `keys` in this order. */
function javaHashMapOrder(keys: readonly string[]): string[] {
  const set = new JavaHashSet<string>(javaStringHashCode);
  for (const k of keys) set.add(k);
  return set.keys();
}

// ------------------------------------------------------------------ metadata

interface PartInfo {
  tp: TopicPartition;
  /** Non-null racks of the replicas, in replica order (may repeat). */
  racks: string[];
}

interface Context {
  tps: TpInterner;
  /** Subscribed topics with >= 1 partition (Java's partitionsPerTopic). */
  meta: Map<string, PartInfo[]>;
  /** Members in Java HashMap (GroupSubscription) iteration order. */
  order: string[];
  subs: Map<string, MemberSubscription>;
}

function buildContext(partitionsPerTopic: ReadonlyMap<string, TopicPartitionsInfo>, members: readonly MemberSubscription[]): Context {
  const tps = new TpInterner();
  const subs = new Map<string, MemberSubscription>();
  for (const m of members) subs.set(m.memberId, m);
  const subscribed = new Set<string>();
  for (const m of members) for (const t of m.topics) subscribed.add(t);
  const meta = new Map<string, PartInfo[]>();
  for (const topic of subscribed) {
    const info = partitionsPerTopic.get(topic);
    if (info === undefined) continue;
    const parts: PartInfo[] = [];
    if (typeof info === 'number') {
      if (!Number.isInteger(info) || info < 0) throw new RangeError(`partition count of topic '${topic}' must be an integer >= 0, got ${info}`);
      for (let p = 0; p < info; p++) parts.push({ tp: tps.of(topic, p), racks: [] });
    } else {
      info.forEach((racks, p) => parts.push({ tp: tps.of(topic, p), racks: racks.filter((r): r is string => r !== null) }));
    }
    if (parts.length > 0) meta.set(topic, parts);
  }
  return { tps, meta, order: javaHashMapOrder(members.map((m) => m.memberId)), subs };
}

/** memberId -> partitions sorted by (topic, partition), in the order of `members`, as plain new objects. */
function finish(members: readonly MemberSubscription[], raw: ReadonlyMap<string, readonly TopicPartition[]>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>();
  for (const m of members) {
    const list = [...(raw.get(m.memberId) ?? [])].sort(compareTp).map((tp) => ({ topic: tp.topic, partition: tp.partition }));
    out.set(m.memberId, list);
  }
  return out;
}

// ------------------------------------------------------------------ range

interface RangeTopicState {
  topic: string;
  /** memberId -> rack, in MemberInfo order. */
  consumers: Map<string, string | null>;
  consumersKey: string;
  needsRackAwareAssignment: boolean;
  /** partition -> replica racks; empty when no consumer of the topic has a rack. */
  partitionRacks: Map<number, Set<string>>;
  unassigned: TopicPartition[];
  numAssigned: Map<string, number>;
  numPartitionsPerConsumer: number;
  remainingConsumersWithExtraPartition: number;
}

function rangeAssign(ctx: Context): Map<string, TopicPartition[]> {
  const consumersPerTopic = new Map<string, MemberSubscription[]>();
  const consumerRacks = new Map<string, string>();
  for (const id of ctx.order) {
    const sub = ctx.subs.get(id)!;
    for (const t of sub.topics) {
      let list = consumersPerTopic.get(t);
      if (!list) consumersPerTopic.set(t, (list = []));
      list.push(sub);
    }
    const rack = rackOf(sub);
    if (rack !== null) consumerRacks.set(id, rack);
  }

  const states: RangeTopicState[] = [];
  for (const [topic, parts] of ctx.meta) {
    const members = [...(consumersPerTopic.get(topic) ?? [])].sort(compareMemberInfo);
    const consumers = new Map<string, string | null>();
    for (const m of members) if (!consumers.has(m.memberId)) consumers.set(m.memberId, consumerRacks.get(m.memberId) ?? null);
    const allConsumerRacks = new Set<string>();
    for (const m of members) {
      const r = consumerRacks.get(m.memberId);
      if (r !== undefined) allConsumerRacks.add(r);
    }
    const partitionRacks = new Map<number, Set<string>>();
    const allPartitionRacks = new Set<string>();
    if (allConsumerRacks.size > 0) {
      for (const p of parts) {
        const racks = new Set(p.racks);
        partitionRacks.set(p.tp.partition, racks);
        for (const r of racks) allPartitionRacks.add(r);
      }
    }
    states.push({
      topic,
      consumers,
      consumersKey: JSON.stringify([...consumers]),
      needsRackAwareAssignment: useRackAwareAssignment(allConsumerRacks, allPartitionRacks, partitionRacks),
      partitionRacks,
      unassigned: parts.map((p) => p.tp),
      numAssigned: new Map([...consumers.keys()].map((c) => [c, 0])),
      numPartitionsPerConsumer: consumers.size === 0 ? 0 : Math.floor(parts.length / consumers.size),
      remainingConsumersWithExtraPartition: consumers.size === 0 ? 0 : parts.length % consumers.size,
    });
  }

  const assignment = new Map<string, TopicPartition[]>();
  for (const id of ctx.order) assignment.set(id, []);

  const maxAssignable = (s: RangeTopicState, c: string): number =>
    Math.max(0, s.numPartitionsPerConsumer + (s.remainingConsumersWithExtraPartition > 0 ? 1 : 0) - s.numAssigned.get(c)!);
  const racksMatch = (s: RangeTopicState, c: string, partition: number): boolean => {
    const rack = s.consumers.get(c);
    if (rack === undefined) throw new AssignmentError(`java.lang.NullPointerException: member ${c} not subscribed to ${s.topic}`);
    if (rack === null) return true;
    const replicaRacks = s.partitionRacks.get(partition);
    return replicaRacks !== undefined && replicaRacks.has(rack);
  };
  const assign = (c: string, tps: TopicPartition[], s: RangeTopicState): void => {
    assignment.get(c)!.push(...tps);
    const n = s.numAssigned.get(c)! + tps.length;
    s.numAssigned.set(c, n);
    if (n > s.numPartitionsPerConsumer) s.remainingConsumersWithExtraPartition--;
    const drop = new Set(tps);
    s.unassigned = s.unassigned.filter((tp) => !drop.has(tp));
  };
  const assignRanges = (s: RangeTopicState, mayAssign: (c: string, tp: TopicPartition) => boolean): void => {
    for (const c of s.consumers.keys()) {
      if (s.unassigned.length === 0) break;
      const limit = maxAssignable(s, c);
      const picked: TopicPartition[] = [];
      for (const tp of s.unassigned) {
        if (picked.length >= limit) break;
        if (mayAssign(c, tp)) picked.push(tp);
      }
      if (picked.length > 0) assign(c, picked, s);
    }
  };

  if (states.some((s) => s.needsRackAwareAssignment)) {
    // Group topics by identical consumers (with racks), then by partition count as seen by the
    // rack map (0 when the consumers have no racks): co-partitioned topics are aligned together.
    const byConsumers = new Map<string, RangeTopicState[]>();
    for (const s of states) {
      let g = byConsumers.get(s.consumersKey);
      if (!g) byConsumers.set(s.consumersKey, (g = []));
      g.push(s);
    }
    for (const group of byConsumers.values()) {
      const byCount = new Map<number, RangeTopicState[]>();
      for (const s of group) {
        let g = byCount.get(s.partitionRacks.size);
        if (!g) byCount.set(s.partitionRacks.size, (g = []));
        g.push(s);
      }
      for (const [numPartitions, coPartitioned] of byCount) {
        if (coPartitioned.length > 1) {
          const remaining = [...coPartitioned[0].consumers.keys()];
          for (let p = 0; p < numPartitions; p++) {
            const c = remaining.find((cand) => coPartitioned.every((s) => racksMatch(s, cand, p) && maxAssignable(s, cand) > 0));
            if (c === undefined) continue;
            for (const s of coPartitioned) assign(c, [ctx.tps.of(s.topic, p)], s);
            if (!coPartitioned.some((s) => maxAssignable(s, c) > 0)) {
              removeFirst(remaining, c);
              if (remaining.length === 0) break;
            }
          }
        } else {
          const s = coPartitioned[0];
          if (s.needsRackAwareAssignment) assignRanges(s, (c, tp) => racksMatch(s, c, tp.partition));
        }
      }
    }
  }
  for (const s of states) assignRanges(s, () => true);
  return assignment;
}

// ------------------------------------------------------------------ round robin

function roundRobinAssign(ctx: Context): Map<string, TopicPartition[]> {
  const assignment = new Map<string, TopicPartition[]>();
  for (const id of ctx.order) assignment.set(id, []);
  const sorted = ctx.order.map((id) => ctx.subs.get(id)!).sort(compareMemberInfo);
  const topics = new Set<string>();
  for (const m of sorted) for (const t of m.topics) topics.add(t);
  let next = 0;
  for (const topic of [...topics].sort(cmpStr)) {
    const parts = ctx.meta.get(topic);
    if (!parts) continue;
    for (const { tp } of parts) {
      while (!sorted[next].topics.includes(topic)) next = (next + 1) % sorted.length;
      assignment.get(sorted[next].memberId)!.push(tp);
      next = (next + 1) % sorted.length;
    }
  }
  return assignment;
}

// ------------------------------------------------------------------ sticky (AbstractStickyAssignor)

interface MemberData {
  partitions: TopicPartition[];
  /** null = Optional.empty() */
  generation: number | null;
}

/** CooperativeStickyAssignor.memberData: the v2+ generationId field, else the int32 in userData. */
function cooperativeMemberData(sub: MemberSubscription, tps: TpInterner): MemberData {
  const partitions = sub.ownedPartitions.map((tp) => tps.of(tp.topic, tp.partition));
  if (sub.generationId >= 0) return { partitions, generation: sub.generationId };
  if (sub.userData === null) return { partitions, generation: null };
  // Struct read of {generation: INT32}; a short buffer fails and Java falls back to DEFAULT_GENERATION.
  return { partitions, generation: sub.userData.length >= 4 ? sub.userData.readInt32BE(0) : DEFAULT_GENERATION };
}

/** Subscription.generationId().orElse(DEFAULT_GENERATION) */
function subscriptionGeneration(sub: MemberSubscription): number {
  return sub.generationId >= 0 ? sub.generationId : DEFAULT_GENERATION;
}

class StickyRackInfo {
  readonly consumerRacks = new Map<string, string>();
  readonly partitionRacks = new Map<TopicPartition, Set<string>>();
  /** Computed even when rack-aware assignment is off (as in Java). */
  readonly numConsumersByPartition = new Map<TopicPartition, number>();

  constructor(ctx: Context) {
    const consumersByRack = new Map<string, string[]>();
    for (const id of ctx.order) {
      const rack = rackOf(ctx.subs.get(id)!);
      if (rack === null) continue;
      let list = consumersByRack.get(rack);
      if (!list) consumersByRack.set(rack, (list = []));
      list.push(id);
    }
    const partitionRacks = new Map<TopicPartition, Set<string>>();
    const racksWithPartitions = new Set<string>();
    if (consumersByRack.size > 0) {
      for (const parts of ctx.meta.values()) {
        for (const p of parts) {
          const racks = new Set(p.racks);
          partitionRacks.set(p.tp, racks);
          for (const r of racks) racksWithPartitions.add(r);
        }
      }
    }
    if (useRackAwareAssignment(new Set(consumersByRack.keys()), racksWithPartitions, partitionRacks)) {
      for (const [rack, ids] of consumersByRack) for (const id of ids) this.consumerRacks.set(id, rack);
      for (const [tp, racks] of partitionRacks) this.partitionRacks.set(tp, racks);
    }
    for (const [tp, racks] of partitionRacks) {
      let n = 0;
      for (const r of racks) n += consumersByRack.get(r)?.length ?? 0;
      this.numConsumersByPartition.set(tp, n);
    }
  }

  racksMismatch(consumer: string, tp: TopicPartition): boolean {
    const rack = this.consumerRacks.get(consumer);
    if (rack === undefined) return false;
    const replicaRacks = this.partitionRacks.get(tp);
    return replicaRacks === undefined || !replicaRacks.has(rack);
  }

  sortPartitionsByRackConsumers(partitions: TopicPartition[]): TopicPartition[] {
    if (this.numConsumersByPartition.size === 0) return partitions;
    const count = (tp: TopicPartition): number => this.numConsumersByPartition.get(tp) ?? 0;
    return [...partitions].sort((a, b) => count(a) - count(b)); // stable, as Java's List.sort
  }

  nextRackConsumer(tp: TopicPartition, consumers: readonly string[], firstIndex: number): number {
    const racks = this.partitionRacks.get(tp);
    if (racks === undefined || racks.size === 0) return -1;
    for (let i = 0; i < consumers.length; i++) {
      const index = (firstIndex + i) % consumers.length;
      const rack = this.consumerRacks.get(consumers[index]);
      if (rack !== undefined && racks.has(rack)) return index;
    }
    return -1;
  }
}

interface OwnershipState {
  allSubscriptionsEqual: boolean;
  /** memberId -> previously owned, still existing partitions; each partition at most once overall. */
  consumerToOwnedPartitions: Map<string, TopicPartition[]>;
  /** The iteration order of Java's consumerToOwnedPartitions HashMap. */
  ownedOrder: string[];
  partitionsWithMultiplePreviousOwners: Set<TopicPartition>;
  maxGeneration: number;
}

/** AbstractStickyAssignor.allSubscriptionsEqual, with its ownership resolution by generation. */
function resolveOwnership(ctx: Context, memberData: (s: MemberSubscription) => MemberData): OwnershipState {
  let equal = true;
  const subscribedTopics = new Set<string>();
  const owner = new Map<TopicPartition, string>();
  const consumerToOwnedPartitions = new Map<string, TopicPartition[]>();
  const multi = new Set<TopicPartition>();
  let maxGeneration = DEFAULT_GENERATION;
  for (const id of ctx.order) {
    const sub = ctx.subs.get(id)!;
    if (subscribedTopics.size === 0) {
      for (const t of sub.topics) subscribedTopics.add(t);
    } else if (equal && !(sub.topics.length === subscribedTopics.size && sub.topics.every((t) => subscribedTopics.has(t)))) {
      equal = false;
    }
    const md = memberData(sub);
    const memberGeneration = md.generation ?? DEFAULT_GENERATION;
    maxGeneration = Math.max(maxGeneration, memberGeneration);
    const owned: TopicPartition[] = [];
    consumerToOwnedPartitions.set(id, owned);
    for (const tp of md.partitions) {
      if (!ctx.meta.has(tp.topic)) continue;
      const other = owner.get(tp);
      if (other === undefined) {
        owned.push(tp);
        owner.set(tp, id);
        continue;
      }
      const otherGeneration = subscriptionGeneration(ctx.subs.get(other)!);
      if (memberGeneration === otherGeneration) {
        // same generation: nobody keeps it
        multi.add(tp);
        removeFirst(consumerToOwnedPartitions.get(other)!, tp);
        owner.set(tp, id);
      } else if (memberGeneration > otherGeneration) {
        owned.push(tp);
        removeFirst(consumerToOwnedPartitions.get(other)!, tp);
        owner.set(tp, id);
      }
    }
  }
  return {
    allSubscriptionsEqual: equal,
    consumerToOwnedPartitions,
    ownedOrder: javaHashMapOrder(ctx.order),
    partitionsWithMultiplePreviousOwners: multi,
    maxGeneration,
  };
}

function totalPartitions(meta: Map<string, PartInfo[]>): number {
  let n = 0;
  for (const parts of meta.values()) n += parts.length;
  return n;
}

/** All partitions in topic-name order, without the assigned ones (a two-pointer walk, as Java). */
function unassignedInTopicOrder(meta: Map<string, PartInfo[]>, tps: TpInterner, assigned: TopicPartition[]): TopicPartition[] {
  const topics = [...meta.keys()].sort(cmpStr);
  const out: TopicPartition[] = [];
  if (assigned.length === 0) {
    for (const t of topics) for (const p of meta.get(t)!) out.push(p.tp);
    return out;
  }
  const sortedAssigned = [...assigned].sort(compareTp);
  let k = 0;
  let addDirectly = false;
  for (const t of topics) {
    const n = meta.get(t)!.length;
    for (let i = 0; i < n; i++) {
      const next = sortedAssigned[k];
      if (addDirectly || !(next.topic === t && next.partition === i)) out.push(tps.of(t, i));
      else if (k + 1 < sortedAssigned.length) k++;
      else addDirectly = true;
    }
  }
  return out;
}

/** ConstrainedAssignmentBuilder: every member subscribes to the same topics. */
function constrainedAssign(
  ctx: Context,
  rackInfo: StickyRackInfo,
  own: OwnershipState,
  transferring: Map<TopicPartition, string>,
): Map<string, TopicPartition[]> {
  const numberOfConsumers = own.consumerToOwnedPartitions.size;
  const total = totalPartitions(ctx.meta);
  const minQuota = Math.floor(total / numberOfConsumers);
  const maxQuota = Math.ceil(total / numberOfConsumers);
  const expectedOver = total % numberOfConsumers;
  let currentOver = 0;
  const multi = own.partitionsWithMultiplePreviousOwners;
  const maybeRevoked = new Map<TopicPartition, string>();
  const underMin: string[] = [];
  let exactlyMin: string[] = [];
  const assignment = new Map<string, TopicPartition[]>();
  for (const id of own.ownedOrder) assignment.set(id, []);
  const assignedPartitions: TopicPartition[] = [];

  // 1. keep owned partitions up to the quota
  for (const consumer of own.ownedOrder) {
    const owned = own.consumerToOwnedPartitions
      .get(consumer)!
      .filter((tp) => {
        const mismatch = rackInfo.racksMismatch(consumer, tp);
        if (mismatch) maybeRevoked.set(tp, consumer);
        return !mismatch;
      })
      .sort((a, b) => a.partition - b.partition || cmpStr(a.topic, b.topic));
    for (const tp of multi) removeFirst(owned, tp);
    const mine = assignment.get(consumer)!;
    if (owned.length < minQuota) {
      mine.push(...owned);
      assignedPartitions.push(...owned);
      underMin.push(consumer);
    } else if (owned.length >= maxQuota && currentOver < expectedOver) {
      currentOver++;
      if (currentOver === expectedOver) exactlyMin = [];
      mine.push(...owned.slice(0, maxQuota));
      assignedPartitions.push(...owned.slice(0, maxQuota));
      for (const tp of owned.slice(maxQuota)) maybeRevoked.set(tp, consumer);
    } else {
      mine.push(...owned.slice(0, minQuota));
      assignedPartitions.push(...owned.slice(0, minQuota));
      for (const tp of owned.slice(minQuota)) maybeRevoked.set(tp, consumer);
      if (currentOver < expectedOver) exactlyMin.push(consumer);
    }
  }

  const assignNew = (tp: TopicPartition, consumer: string): number => {
    const list = assignment.get(consumer)!;
    list.push(tp);
    const prev = maybeRevoked.get(tp);
    if ((prev !== undefined && prev !== consumer) || multi.has(tp)) transferring.set(tp, consumer);
    return list.length;
  };

  let unassigned = unassignedInTopicOrder(ctx.meta, ctx.tps, assignedPartitions);
  underMin.sort(cmpStr);
  exactlyMin.sort(cmpStr);
  unassigned = rackInfo.sortPartitionsByRackConsumers(unassigned);

  // 2. rack-aware round robin within racks
  if (rackInfo.consumerRacks.size > 0) {
    let nextIndex = 0;
    for (let i = 0; i < unassigned.length; ) {
      const tp = unassigned[i];
      let consumer: string | null = null;
      let idx = rackInfo.nextRackConsumer(tp, underMin, nextIndex);
      if (idx >= 0) {
        consumer = underMin[idx];
        const count = assignment.get(consumer)!.length + 1;
        if (count >= minQuota) {
          removeFirst(underMin, consumer);
          if (count < maxQuota && currentOver < expectedOver) exactlyMin.push(consumer);
        } else {
          idx++;
        }
        nextIndex = underMin.length === 0 ? 0 : idx % underMin.length;
      } else if (exactlyMin.length > 0) {
        const first = rackInfo.nextRackConsumer(tp, exactlyMin, 0);
        if (first >= 0) {
          consumer = exactlyMin[first];
          if (assignment.get(consumer)!.length + 1 === maxQuota) {
            exactlyMin.splice(first, 1);
            currentOver++;
            if (currentOver === expectedOver) exactlyMin = [];
          }
        }
      }
      if (consumer !== null) {
        assignNew(tp, consumer);
        unassigned.splice(i, 1);
      } else {
        i++;
      }
    }
  }

  // 3. round robin over the unfilled members (a java.util.Iterator over underMin: cursor + lastReturned)
  let cursor = 0;
  let lastReturned = -1;
  for (const tp of unassigned) {
    let consumer: string;
    if (cursor < underMin.length) {
      lastReturned = cursor;
      consumer = underMin[cursor++];
    } else if (underMin.length === 0 && exactlyMin.length === 0) {
      throw new AssignmentError('java.lang.IllegalStateException: No more unfilled consumers to be assigned.');
    } else if (underMin.length === 0) {
      consumer = exactlyMin.shift()!;
    } else {
      cursor = 0;
      lastReturned = cursor;
      consumer = underMin[cursor++];
    }
    const count = assignNew(tp, consumer);
    if (count === minQuota) {
      if (lastReturned < 0) throw new AssignmentError('java.lang.IllegalStateException: iterator remove() without next()');
      underMin.splice(lastReturned, 1);
      cursor = lastReturned;
      lastReturned = -1;
      exactlyMin.push(consumer);
    } else if (count === maxQuota) {
      currentOver++;
    }
  }

  // verifyUnfilledMembers
  if (underMin.length > 0) {
    if (currentOver !== expectedOver) {
      throw new AssignmentError(
        'java.lang.IllegalStateException: We haven\'t reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned',
      );
    }
    for (const m of underMin) {
      if (assignment.get(m)!.length !== minQuota) {
        throw new AssignmentError(`java.lang.IllegalStateException: Consumer: [${m}] doesn't reach minQuota partitions, and no more partitions to be assigned`);
      }
    }
  }
  return assignment;
}

interface Movement {
  src: string;
  dst: string;
}

/** AbstractStickyAssignor.PartitionMovements (only what the assignment itself needs). */
class PartitionMovements {
  private readonly byTopic = new Map<string, Map<string, JavaHashSet<TopicPartition>>>();
  private readonly movements = new Map<TopicPartition, Movement>();

  private static key(src: string, dst: string): string {
    return JSON.stringify([src, dst]);
  }

  private removeRecord(tp: TopicPartition): Movement {
    const pair = this.movements.get(tp)!;
    this.movements.delete(tp);
    const forTopic = this.byTopic.get(tp.topic)!;
    const key = PartitionMovements.key(pair.src, pair.dst);
    const set = forTopic.get(key)!;
    set.delete(tp);
    if (set.size === 0) forTopic.delete(key);
    if (forTopic.size === 0) this.byTopic.delete(tp.topic);
    return pair;
  }

  private addRecord(tp: TopicPartition, pair: Movement): void {
    this.movements.set(tp, pair);
    let forTopic = this.byTopic.get(tp.topic);
    if (!forTopic) this.byTopic.set(tp.topic, (forTopic = new Map()));
    const key = PartitionMovements.key(pair.src, pair.dst);
    let set = forTopic.get(key);
    if (!set) forTopic.set(key, (set = new JavaHashSet<TopicPartition>(tpHashCode)));
    set.add(tp);
  }

  movePartition(tp: TopicPartition, oldConsumer: string, newConsumer: string): void {
    if (this.movements.has(tp)) {
      const existing = this.removeRecord(tp);
      if (existing.src !== newConsumer) this.addRecord(tp, { src: existing.src, dst: newConsumer });
    } else {
      this.addRecord(tp, { src: oldConsumer, dst: newConsumer });
    }
  }

  /** The complete state (every move record and each set's table layout), canonical. */
  snapshot(): string {
    const parts: string[] = [];
    for (const [topic, forTopic] of this.byTopic) {
      for (const [pair, set] of forTopic) {
        parts.push(JSON.stringify([topic, pair, set.capacity, set.keys().map((tp) => tp.partition)]));
      }
    }
    return parts.sort().join('\n');
  }

  /** To keep stickiness, moving a partition back along an earlier move moves that partition instead. */
  actualPartitionToMove(tp: TopicPartition, oldConsumer: string, newConsumer: string): TopicPartition {
    const forTopic = this.byTopic.get(tp.topic);
    if (!forTopic) return tp;
    const moved = this.movements.get(tp);
    if (moved) oldConsumer = moved.src;
    const reverse = forTopic.get(PartitionMovements.key(newConsumer, oldConsumer));
    return reverse ? reverse.first()! : tp;
  }
}

/** TreeSet<String> ordered by (assignment size, member id); entries are re-positioned on every change. */
class SortedConsumers {
  private readonly list: string[] = [];

  constructor(private readonly sizeOf: (c: string) => number) {}

  private cmp(a: string, b: string): number {
    return this.sizeOf(a) - this.sizeOf(b) || cmpStr(a, b);
  }

  add(c: string): void {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.cmp(this.list[mid], c);
      if (r === 0) return;
      if (r < 0) lo = mid + 1;
      else hi = mid;
    }
    this.list.splice(lo, 0, c);
  }

  remove(c: string): void {
    removeFirst(this.list, c);
  }

  first(): string {
    return this.list[0];
  }

  last(): string {
    return this.list[this.list.length - 1];
  }

  values(): readonly string[] {
    return this.list;
  }
}

/** GeneralAssignmentBuilder: members subscribe to different topics. */
function generalAssign(
  ctx: Context,
  rackInfo: StickyRackInfo,
  own: OwnershipState,
  memberData: (s: MemberSubscription) => MemberData,
): Map<string, TopicPartition[]> {
  const { meta, tps } = ctx;
  let currentAssignment = own.consumerToOwnedPartitions;
  const total = totalPartitions(meta);

  const topic2AllPotentialConsumers = new Map<string, string[]>();
  for (const t of meta.keys()) topic2AllPotentialConsumers.set(t, []);
  const consumer2AllPotentialTopics = new Map<string, string[]>();
  for (const id of ctx.order) {
    const topics = ctx.subs.get(id)!.topics.filter((t) => meta.has(t));
    consumer2AllPotentialTopics.set(id, topics);
    for (const t of topics) topic2AllPotentialConsumers.get(t)!.push(id);
    if (!currentAssignment.has(id)) currentAssignment.set(id, []);
  }
  let currentPartitionConsumer = new Map<TopicPartition, string>();
  for (const [c, list] of currentAssignment) for (const tp of list) currentPartitionConsumer.set(tp, c);
  const potential = (topic: string): number => topic2AllPotentialConsumers.get(topic)!.length;
  const sortedAllTopics = [...topic2AllPotentialConsumers.keys()].sort((a, b) => potential(a) - potential(b) || cmpStr(a, b));
  const sortedAllPartitions: TopicPartition[] = [];
  for (const t of sortedAllTopics) for (const p of meta.get(t)!) sortedAllPartitions.push(p.tp);

  const sizeOf = (c: string | undefined): number => {
    const list = c === undefined ? undefined : currentAssignment.get(c);
    if (list === undefined) throw new AssignmentError(`java.lang.NullPointerException: no current assignment for member ${c ?? 'null'}`);
    return list.length;
  };
  const sorted = new SortedConsumers(sizeOf);
  const movements = new PartitionMovements();
  let revocationRequired = false;

  // prepopulateCurrentAssignments: the previous owner of each partition, among members of an older generation
  const prevAssignment = new Map<TopicPartition, { consumer: string; generation: number }>();
  const updatePrev = (partitions: TopicPartition[], consumer: string, generation: number): void => {
    for (const tp of partitions) {
      const existing = prevAssignment.get(tp);
      if (existing === undefined || generation > existing.generation) prevAssignment.set(tp, { consumer, generation });
    }
  };
  for (const id of ctx.order) {
    const md = memberData(ctx.subs.get(id)!);
    if (md.generation !== null && md.generation < own.maxGeneration) updatePrev(md.partitions, id, md.generation);
    else if (md.generation === null && own.maxGeneration > DEFAULT_GENERATION) updatePrev(md.partitions, id, DEFAULT_GENERATION);
  }

  // assignOwnedPartitions: keep what members still may own
  const assignedPartitions: TopicPartition[] = [];
  for (const [c, list] of currentAssignment) {
    const sub = ctx.subs.get(c)!;
    const kept: TopicPartition[] = [];
    for (const tp of list) {
      if (!topic2AllPotentialConsumers.has(tp.topic)) {
        currentPartitionConsumer.delete(tp);
      } else if (!sub.topics.includes(tp.topic) || rackInfo.racksMismatch(c, tp)) {
        revocationRequired = true;
      } else {
        kept.push(tp);
        assignedPartitions.push(tp);
      }
    }
    list.length = 0;
    list.push(...kept);
  }

  // getUnassignedPartitions (the same array as sortedAllPartitions when nothing is kept, as in Java)
  let unassignedPartitions: TopicPartition[];
  if (assignedPartitions.length === 0) {
    unassignedPartitions = sortedAllPartitions;
  } else {
    unassignedPartitions = [];
    const sortedAssigned = [...assignedPartitions].sort(
      (a, b) => potential(a.topic) - potential(b.topic) || cmpStr(a.topic, b.topic) || a.partition - b.partition,
    );
    let k = 0;
    let addDirectly = false;
    for (const tp of sortedAllPartitions) {
      if (addDirectly || sortedAssigned[k] !== tp) unassignedPartitions.push(tp);
      else if (k + 1 < sortedAssigned.length) k++;
      else addDirectly = true;
    }
  }

  for (const c of currentAssignment.keys()) sorted.add(c);

  const getMaxAssignmentSize = (topics: readonly string[]): number => {
    if (topics.length === meta.size) return total;
    let n = 0;
    for (const t of topics) n += meta.get(t)!.length;
    return n;
  };

  const isBalanced = (): boolean => {
    const min = sizeOf(sorted.first());
    const max = sizeOf(sorted.last());
    if (min >= max - 1) return true;
    const allPartitions = new Map<TopicPartition, string>();
    for (const [c, list] of currentAssignment) for (const tp of list) allPartitions.set(tp, c);
    for (const c of sorted.values()) {
      const count = sizeOf(c);
      const topics = consumer2AllPotentialTopics.get(c)!;
      if (count === getMaxAssignmentSize(topics)) continue;
      for (const topic of topics) {
        const n = meta.get(topic)!.length;
        for (let i = 0; i < n; i++) {
          const tp = tps.of(topic, i);
          const holder = allPartitions.get(tp);
          if (holder === c) continue;
          if (count + 1 < sizeOf(holder)) return false;
        }
      }
    }
    return true;
  };

  const balanceScore = (assignment: Map<string, TopicPartition[]>): number => {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i] - sizes[j]);
    return score;
  };

  const maybeAssignPartition = (tp: TopicPartition, matchRacks: boolean): boolean => {
    for (const c of sorted.values()) {
      if (consumer2AllPotentialTopics.get(c)!.includes(tp.topic) && (!matchRacks || !rackInfo.racksMismatch(c, tp))) {
        sorted.remove(c);
        currentAssignment.get(c)!.push(tp);
        currentPartitionConsumer.set(tp, c);
        sorted.add(c);
        return true;
      }
    }
    return false;
  };

  const maybeAssign = (list: TopicPartition[], matchRacks: boolean, removeAssigned: boolean): void => {
    for (let i = 0; i < list.length; ) {
      const tp = list[i];
      if (potential(tp.topic) === 0) {
        i++;
        continue;
      }
      if (maybeAssignPartition(tp, matchRacks) && removeAssigned) list.splice(i, 1);
      else i++;
    }
  };

  const canConsumerParticipateInReassignment = (c: string): boolean => {
    const list = currentAssignment.get(c)!;
    if (list.length < getMaxAssignmentSize(consumer2AllPotentialTopics.get(c)!)) return true;
    return list.some((tp) => potential(tp.topic) >= 2);
  };

  const processPartitionMovement = (tp: TopicPartition, newConsumer: string): void => {
    const oldConsumer = currentPartitionConsumer.get(tp)!;
    sorted.remove(oldConsumer);
    sorted.remove(newConsumer);
    movements.movePartition(tp, oldConsumer, newConsumer);
    const from = currentAssignment.get(oldConsumer);
    const to = currentAssignment.get(newConsumer);
    if (from === undefined || to === undefined) throw new AssignmentError(`java.lang.NullPointerException: moving ${tp.topic}-${tp.partition}`);
    removeFirst(from, tp);
    to.push(tp);
    currentPartitionConsumer.set(tp, newConsumer);
    sorted.add(newConsumer);
    sorted.add(oldConsumer);
  };

  const reassignPartitionTo = (tp: TopicPartition, newConsumer: string): void => {
    const consumer = currentPartitionConsumer.get(tp)!;
    processPartitionMovement(movements.actualPartitionToMove(tp, consumer, newConsumer), newConsumer);
  };

  const reassignPartition = (tp: TopicPartition): void => {
    const newConsumer = sorted.values().find((c) => consumer2AllPotentialTopics.get(c)!.includes(tp.topic));
    if (newConsumer === undefined) throw new AssignmentError(`java.lang.NullPointerException: no consumer for ${tp.topic}-${tp.partition}`);
    reassignPartitionTo(tp, newConsumer);
  };

  // Each pass of performReassignments is a function of the assignment and the move records: a
  // state seen at the start of an earlier pass means Java's loop never ends (it happens, rarely,
  // with partitions moved back and forth by getTheActualPartitionToBeMoved). We fail instead.
  const passState = (): string =>
    `${JSON.stringify([...currentAssignment].map(([c, l]) => [c, l.map((tp) => [tp.topic, tp.partition])]))}\n${movements.snapshot()}`;

  const performReassignments = (reassignable: readonly TopicPartition[]): boolean => {
    let performed = false;
    let modified: boolean;
    const seen = new Set<string>();
    do {
      const state = passState();
      if (seen.has(state)) {
        throw new AssignmentError(
          'the cooperative-sticky assignment does not terminate on this input: Java 4.2.1 loops forever here ' +
            '(AbstractStickyAssignor.performReassignments keeps moving the same partitions back and forth)',
          'hangs',
        );
      }
      seen.add(state);
      modified = false;
      for (let i = 0; i < reassignable.length && !isBalanced(); i++) {
        const tp = reassignable[i];
        const consumer = currentPartitionConsumer.get(tp);
        const prev = prevAssignment.get(tp);
        if (prev !== undefined && sizeOf(consumer) > sizeOf(prev.consumer) + 1) {
          reassignPartitionTo(tp, prev.consumer);
          performed = modified = true;
          continue;
        }
        // prefer a consumer in the partition's racks
        const consumerRack = consumer === undefined ? undefined : rackInfo.consumerRacks.get(consumer);
        let foundRackConsumer = false;
        if (consumerRack !== undefined) {
          const partitionRacks = rackInfo.partitionRacks.get(tp);
          if (partitionRacks === undefined) throw new AssignmentError(`java.lang.NullPointerException: no racks for ${tp.topic}-${tp.partition}`);
          if (partitionRacks.size > 0 && partitionRacks.has(consumerRack)) {
            for (const other of topic2AllPotentialConsumers.get(tp.topic)!) {
              const otherRack = rackInfo.consumerRacks.get(other);
              if (otherRack === undefined || !partitionRacks.has(otherRack)) continue;
              if (sizeOf(consumer) > sizeOf(other) + 1) {
                reassignPartition(tp);
                performed = modified = foundRackConsumer = true;
                break;
              }
            }
          }
        }
        if (!foundRackConsumer) {
          for (const other of topic2AllPotentialConsumers.get(tp.topic)!) {
            if (sizeOf(consumer) > sizeOf(other) + 1) {
              reassignPartition(tp);
              performed = modified = true;
              break;
            }
          }
        }
      }
    } while (modified);
    return performed;
  };

  // balance
  const initializing = sizeOf(sorted.last()) === 0;
  let partitionsToAssign = unassignedPartitions;
  if (rackInfo.consumerRacks.size > 0) {
    partitionsToAssign = [...unassignedPartitions];
    maybeAssign(partitionsToAssign, true, true);
  }
  maybeAssign(partitionsToAssign, false, false);

  const fixedPartitions = new Set<TopicPartition>();
  for (const t of topic2AllPotentialConsumers.keys()) {
    if (potential(t) < 2) for (const p of meta.get(t)!) fixedPartitions.add(tps.of(t, p.tp.partition));
  }
  removeAllInPlace(sortedAllPartitions, fixedPartitions);
  removeAllInPlace(unassignedPartitions, fixedPartitions);

  const fixedAssignments = new Map<string, TopicPartition[]>();
  for (const c of consumer2AllPotentialTopics.keys()) {
    if (!canConsumerParticipateInReassignment(c)) {
      sorted.remove(c);
      fixedAssignments.set(c, currentAssignment.get(c)!);
      currentAssignment.delete(c);
    }
  }

  const copy = (a: Map<string, TopicPartition[]>): Map<string, TopicPartition[]> => new Map([...a].map(([c, l]) => [c, [...l]]));
  const preBalanceAssignment = copy(currentAssignment);
  const preBalancePartitionConsumers = new Map(currentPartitionConsumer);

  if (!revocationRequired) performReassignments(unassignedPartitions);
  const reassignmentPerformed = performReassignments(sortedAllPartitions);

  if (!initializing && reassignmentPerformed && balanceScore(currentAssignment) >= balanceScore(preBalanceAssignment)) {
    currentAssignment = copy(preBalanceAssignment);
    currentPartitionConsumer = preBalancePartitionConsumers;
  }
  for (const [c, list] of fixedAssignments) currentAssignment.set(c, list);
  return currentAssignment;
}

/** AbstractStickyAssignor.assignPartitions + CooperativeStickyAssignor's revocation adjustment. */
function cooperativeStickyAssign(ctx: Context): Map<string, TopicPartition[]> {
  const memberData = (s: MemberSubscription): MemberData => cooperativeMemberData(s, ctx.tps);
  const rackInfo = new StickyRackInfo(ctx);
  const own = resolveOwnership(ctx, memberData);
  let assignment: Map<string, TopicPartition[]>;
  let transferring: Map<TopicPartition, string>;
  if (own.allSubscriptionsEqual) {
    transferring = new Map();
    assignment = constrainedAssign(ctx, rackInfo, own, transferring);
  } else {
    assignment = generalAssign(ctx, rackInfo, own, memberData);
    // computePartitionsTransferringOwnership: added to one member and revoked from another
    const added = new Map<TopicPartition, string>();
    const revoked = new Set<TopicPartition>();
    for (const [c, assigned] of assignment) {
      const owned = ctx.subs.get(c)!.ownedPartitions.map((tp) => ctx.tps.of(tp.topic, tp.partition));
      const ownedSet = new Set(owned);
      for (const tp of assigned) if (!ownedSet.has(tp)) added.set(tp, c);
      const assignedSet = new Set(assigned);
      for (const tp of owned) if (!assignedSet.has(tp)) revoked.add(tp);
    }
    transferring = new Map([...added].filter(([tp]) => revoked.has(tp)));
  }
  for (const [tp, c] of transferring) removeFirst(assignment.get(c)!, tp);
  return assignment;
}

// ------------------------------------------------------------------ the assignors

function makeAssignor(
  name: string,
  rebalanceProtocols: readonly RebalanceProtocol[],
  run: (ctx: Context) => Map<string, TopicPartition[]>,
  userData: (generationId: number) => Buffer | null,
): Assignor {
  return Object.freeze({
    name,
    rebalanceProtocols: Object.freeze([...rebalanceProtocols]),
    assign(partitionsPerTopic: ReadonlyMap<string, TopicPartitionsInfo>, members: readonly MemberSubscription[]): Map<string, TopicPartition[]> {
      if (members.length === 0) return new Map();
      const ctx = buildContext(partitionsPerTopic, members);
      if (ctx.subs.size !== members.length) throw new AssignmentError('duplicate member ids in the group subscription');
      return finish(members, run(ctx));
    },
    subscriptionUserData(_topics: readonly string[], _owned: readonly TopicPartition[], generationId: number): Buffer | null {
      return userData(generationId);
    },
  });
}

/** Java's RangeAssignor ("range"): per topic, consecutive ranges; rack-aware when racks are known. */
export const RangeAssignor: Assignor = makeAssignor('range', ['EAGER'], rangeAssign, () => null);

/** Java's RoundRobinAssignor ("roundrobin"): all partitions, sorted, dealt round the members. */
export const RoundRobinAssignor: Assignor = makeAssignor('roundrobin', ['EAGER'], roundRobinAssign, () => null);

/** Java's CooperativeStickyAssignor ("cooperative-sticky"): balanced, sticky, incremental (KIP-429). */
export const CooperativeStickyAssignor: Assignor = makeAssignor(
  'cooperative-sticky',
  ['COOPERATIVE', 'EAGER'],
  cooperativeStickyAssign,
  (generationId) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(generationId | 0, 0);
    return b;
  },
);

const ASSIGNORS: readonly Assignor[] = [RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor];
const ASSIGNOR_NAMES = ASSIGNORS.map((a) => a.name);

/** The assignor with this JoinGroup protocol name; {@link UnknownAssignorError} otherwise. */
export function assignorByName(name: string): Assignor {
  const a = ASSIGNORS.find((x) => x.name === name);
  if (!a) throw new UnknownAssignorError(name, ASSIGNOR_NAMES);
  return a;
}
