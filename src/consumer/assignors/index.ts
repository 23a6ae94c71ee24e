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
 *
 * Files: this one is the registry (`assignorByName`) and the public entry; `range.ts`,
 * `roundrobin.ts` and `sticky.ts` are the three strategies (`sticky.ts` reads side by side with
 * Java's AbstractStickyAssignor and CooperativeStickyAssignor); `common.ts` holds what they share
 * (Java's AbstractPartitionAssignor), `java-hashmap.ts` the HashMap order emulation, `types.ts`
 * the types.
 */
import { AssignmentError, UnknownAssignorError } from '../errors.js';
import { buildContext, type Context, finish } from './common.js';
import { rangeAssign } from './range.js';
import { roundRobinAssign } from './roundrobin.js';
import { cooperativeStickyAssign, cooperativeStickyUserData } from './sticky.js';
import type { Assignor, MemberSubscription, RebalanceProtocol, TopicPartition, TopicPartitionsInfo } from './types.js';

export type {
  Assignor,
  AssignorPartitionInfo,
  GroupAssignment,
  MemberAssignment,
  MemberSubscription,
  PartitionAssignor,
  RebalanceProtocol,
  TopicPartition,
  TopicPartitionsInfo,
} from './types.js';
export { javaStringHashCode } from './java-hashmap.js';

/** An Assignor running `run` on the group's subscriptions, as Java's AbstractPartitionAssignor.assign. */
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
  cooperativeStickyUserData,
);

/**
 * Java's round-robin under KafkaJS's protocol name ("RoundRobinAssigner"), so that a group can
 * hold KafkaJS consumers and kafkaesque ones (kafkaesque/kafkajs offers it by default).
 */
export const KafkaJSRoundRobinAssignor: Assignor = makeAssignor('RoundRobinAssigner', ['EAGER'], roundRobinAssign, () => null);

const ASSIGNORS: readonly Assignor[] = [RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor, KafkaJSRoundRobinAssignor];
const ASSIGNOR_NAMES = ASSIGNORS.map((a) => a.name);

/** The assignor with this JoinGroup protocol name; {@link UnknownAssignorError} otherwise. */
export function assignorByName(name: string): Assignor {
  const a = ASSIGNORS.find((x) => x.name === name);
  if (!a) throw new UnknownAssignorError(name, ASSIGNOR_NAMES);
  return a;
}

/** Whether `a` is one of the built-in assignors (their assignments are trusted as Java's are; a custom one's are checked). */
export function isBuiltInAssignor(a: unknown): boolean {
  return (ASSIGNORS as readonly unknown[]).includes(a);
}

