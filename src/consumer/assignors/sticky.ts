/**
 * Java's `AbstractStickyAssignor` (org.apache.kafka.clients.consumer.internals) and
 * `CooperativeStickyAssignor` (org.apache.kafka.clients.consumer), Kafka 4.2.1: the same
 * classes, the same methods under the same names (camelCase; a Java overload gets a suffix), in
 * the order of Java's sources, so the two read side by side. Each method's comment names the
 * Java method it mirrors; what is not in Java says so.
 *
 * Not carried over: logging, `isSticky()` with the movement-cycle search behind it (only Java's
 * tests call it), and the state Java keeps between calls (one instance serves one assignment
 * here, see index.ts). Where Java throws (a NullPointerException, an IllegalStateException) an
 * {@link AssignmentError} names the Java exception; where Java loops forever,
 * {@link GeneralAssignmentBuilder.performReassignments} detects it and throws.
 */
import { AssignmentError } from '../errors.js';
import { cmpStr, compareTp, type Context, type PartInfo, rackOf, removeAllInPlace, removeFirst, useRackAwareAssignment } from './common.js';
import { javaHashMapOrder, JavaHashSet, tpHashCode } from './java-hashmap.js';
import type { MemberSubscription, TopicPartition } from './types.js';

/** AbstractStickyAssignor.DEFAULT_GENERATION */
const DEFAULT_GENERATION = -1;

/** AbstractStickyAssignor.ConsumerGenerationPair */
interface ConsumerGenerationPair {
  consumer: string;
  generation: number;
}

/** AbstractStickyAssignor.MemberData (its rackId is not needed: RackInfo reads the subscriptions). */
interface MemberData {
  partitions: TopicPartition[];
  /** null = Optional.empty() */
  generation: number | null;
}

/** Subscription.generationId().orElse(DEFAULT_GENERATION) */
function subscriptionGeneration(sub: MemberSubscription): number {
  return sub.generationId >= 0 ? sub.generationId : DEFAULT_GENERATION;
}

/** AbstractStickyAssignor, for one assignment. */
abstract class AbstractStickyAssignor {
  maxGeneration = DEFAULT_GENERATION;
  partitionMovements: PartitionMovements | undefined;
  /** Filled by the constrained assignment; null after the general one (then computed from its result). */
  partitionsTransferringOwnership: Map<TopicPartition, string> | null = new Map();

  constructor(readonly ctx: Context) {}

  // AbstractStickyAssignor.memberData
  abstract memberData(subscription: MemberSubscription): MemberData;

  // AbstractStickyAssignor.assignPartitions
  assignPartitions(): Map<string, TopicPartition[]> {
    const consumerToOwnedPartitions = new Map<string, TopicPartition[]>();
    const partitionsWithMultiplePreviousOwners = new Set<TopicPartition>();
    const rackInfo = new RackInfo(this.ctx);
    let assignmentBuilder: AbstractAssignmentBuilder;
    if (this.allSubscriptionsEqual(consumerToOwnedPartitions, partitionsWithMultiplePreviousOwners)) {
      this.partitionsTransferringOwnership = new Map();
      assignmentBuilder = new ConstrainedAssignmentBuilder(this, rackInfo, consumerToOwnedPartitions, partitionsWithMultiplePreviousOwners);
    } else {
      this.partitionsTransferringOwnership = null;
      assignmentBuilder = new GeneralAssignmentBuilder(this, rackInfo, consumerToOwnedPartitions);
    }
    return assignmentBuilder.build();
  }

  // AbstractStickyAssignor.allSubscriptionsEqual: also fills each member's owned partitions that
  // still exist, a partition claimed twice going to the higher generation (to nobody on a tie)
  private allSubscriptionsEqual(
    consumerToOwnedPartitions: Map<string, TopicPartition[]>,
    partitionsWithMultiplePreviousOwners: Set<TopicPartition>,
  ): boolean {
    const { ctx } = this;
    let isAllSubscriptionsEqual = true;
    const subscribedTopics = new Set<string>();
    const allPreviousPartitionsToOwner = new Map<TopicPartition, string>();
    for (const consumer of ctx.order) {
      const subscription = ctx.subs.get(consumer)!;
      if (subscribedTopics.size === 0) {
        for (const t of subscription.topics) subscribedTopics.add(t);
      } else if (
        isAllSubscriptionsEqual &&
        !(subscription.topics.length === subscribedTopics.size && subscription.topics.every((t) => subscribedTopics.has(t)))
      ) {
        isAllSubscriptionsEqual = false;
      }
      const memberData = this.memberData(subscription);
      const memberGeneration = memberData.generation ?? DEFAULT_GENERATION;
      this.maxGeneration = Math.max(this.maxGeneration, memberGeneration);
      const ownedPartitions: TopicPartition[] = [];
      consumerToOwnedPartitions.set(consumer, ownedPartitions);
      for (const tp of memberData.partitions) {
        if (!ctx.meta.has(tp.topic)) continue;
        const otherConsumer = allPreviousPartitionsToOwner.get(tp);
        if (otherConsumer === undefined) {
          ownedPartitions.push(tp);
          allPreviousPartitionsToOwner.set(tp, consumer);
          continue;
        }
        const otherMemberGeneration = subscriptionGeneration(ctx.subs.get(otherConsumer)!);
        if (memberGeneration === otherMemberGeneration) {
          partitionsWithMultiplePreviousOwners.add(tp);
          removeFirst(consumerToOwnedPartitions.get(otherConsumer)!, tp);
          allPreviousPartitionsToOwner.set(tp, consumer);
        } else if (memberGeneration > otherMemberGeneration) {
          ownedPartitions.push(tp);
          removeFirst(consumerToOwnedPartitions.get(otherConsumer)!, tp);
          allPreviousPartitionsToOwner.set(tp, consumer);
        }
      }
    }
    return isAllSubscriptionsEqual;
  }
}

/** AbstractStickyAssignor.TopicComparator: fewer potential consumers first, then by name. */
function topicComparator(map: ReadonlyMap<string, readonly string[]>): (a: string, b: string) => number {
  return (a, b) => map.get(a)!.length - map.get(b)!.length || cmpStr(a, b);
}

/**
 * A TreeSet<String> ordered by AbstractStickyAssignor.SubscriptionComparator (assignment size,
 * then member id). As in Java, a member is removed before its assignment changes and added after.
 */
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

/** AbstractStickyAssignor.ConsumerPair: a move from `src` to `dst`. */
interface ConsumerPair {
  src: string;
  dst: string;
}

/** AbstractStickyAssignor.PartitionMovements */
class PartitionMovements {
  private readonly partitionMovementsByTopic = new Map<string, Map<string, JavaHashSet<TopicPartition>>>();
  private readonly partitionMovements = new Map<TopicPartition, ConsumerPair>();

  /** ConsumerPair.equals and hashCode: a pair as a Map key. */
  private static key(src: string, dst: string): string {
    return JSON.stringify([src, dst]);
  }

  // PartitionMovements.removeMovementRecordOfPartition
  private removeMovementRecordOfPartition(partition: TopicPartition): ConsumerPair {
    const pair = this.partitionMovements.get(partition)!;
    this.partitionMovements.delete(partition);
    const partitionMovementsForThisTopic = this.partitionMovementsByTopic.get(partition.topic)!;
    const key = PartitionMovements.key(pair.src, pair.dst);
    const set = partitionMovementsForThisTopic.get(key)!;
    set.delete(partition);
    if (set.size === 0) partitionMovementsForThisTopic.delete(key);
    if (partitionMovementsForThisTopic.size === 0) this.partitionMovementsByTopic.delete(partition.topic);
    return pair;
  }

  // PartitionMovements.addPartitionMovementRecord
  private addPartitionMovementRecord(partition: TopicPartition, pair: ConsumerPair): void {
    this.partitionMovements.set(partition, pair);
    let partitionMovementsForThisTopic = this.partitionMovementsByTopic.get(partition.topic);
    if (!partitionMovementsForThisTopic) this.partitionMovementsByTopic.set(partition.topic, (partitionMovementsForThisTopic = new Map()));
    const key = PartitionMovements.key(pair.src, pair.dst);
    let set = partitionMovementsForThisTopic.get(key);
    // a HashSet: which partition getTheActualPartitionToBeMoved takes first is Java's iteration order
    if (!set) partitionMovementsForThisTopic.set(key, (set = new JavaHashSet<TopicPartition>(tpHashCode)));
    set.add(partition);
  }

  // PartitionMovements.movePartition
  movePartition(partition: TopicPartition, oldConsumer: string, newConsumer: string): void {
    if (this.partitionMovements.has(partition)) {
      const existingPair = this.removeMovementRecordOfPartition(partition);
      if (existingPair.src !== newConsumer) this.addPartitionMovementRecord(partition, { src: existingPair.src, dst: newConsumer });
    } else {
      this.addPartitionMovementRecord(partition, { src: oldConsumer, dst: newConsumer });
    }
  }

  // PartitionMovements.getTheActualPartitionToBeMoved: moving a partition back along an earlier
  // move moves that earlier partition instead, to stay sticky
  getTheActualPartitionToBeMoved(partition: TopicPartition, oldConsumer: string, newConsumer: string): TopicPartition {
    const partitionMovementsForThisTopic = this.partitionMovementsByTopic.get(partition.topic);
    if (!partitionMovementsForThisTopic) return partition;
    const moved = this.partitionMovements.get(partition);
    if (moved) oldConsumer = moved.src;
    const reversePair = partitionMovementsForThisTopic.get(PartitionMovements.key(newConsumer, oldConsumer));
    return reversePair ? reversePair.first()! : partition;
  }

  /** Not in Java: the complete state (every move record and each set's table layout), canonical. */
  snapshot(): string {
    const parts: string[] = [];
    for (const [topic, forTopic] of this.partitionMovementsByTopic) {
      for (const [pair, set] of forTopic) {
        parts.push(JSON.stringify([topic, pair, set.capacity, set.keys().map((tp) => tp.partition)]));
      }
    }
    return parts.sort().join('\n');
  }
}

/** AbstractStickyAssignor.RackInfo */
class RackInfo {
  readonly consumerRacks = new Map<string, string>();
  readonly partitionRacks = new Map<TopicPartition, Set<string>>();
  /** Computed even when rack-aware assignment is off (as in Java). */
  readonly numConsumersByPartition = new Map<TopicPartition, number>();

  // RackInfo(List<PartitionInfo>, Map<String, Subscription>)
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

  // RackInfo.racksMismatch
  racksMismatch(consumer: string, tp: TopicPartition): boolean {
    const rack = this.consumerRacks.get(consumer);
    if (rack === undefined) return false;
    const replicaRacks = this.partitionRacks.get(tp);
    return replicaRacks === undefined || !replicaRacks.has(rack);
  }

  // RackInfo.sortPartitionsByRackConsumers
  sortPartitionsByRackConsumers(partitions: TopicPartition[]): TopicPartition[] {
    if (this.numConsumersByPartition.size === 0) return partitions;
    const count = (tp: TopicPartition): number => this.numConsumersByPartition.get(tp) ?? 0;
    return [...partitions].sort((a, b) => count(a) - count(b)); // stable, as Java's List.sort
  }

  // RackInfo.nextRackConsumer
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

/** AbstractStickyAssignor.AbstractAssignmentBuilder */
abstract class AbstractAssignmentBuilder {
  readonly partitionsPerTopic: ReadonlyMap<string, readonly PartInfo[]>;
  readonly totalPartitionsCount: number;

  constructor(
    readonly assignor: AbstractStickyAssignor,
    readonly rackInfo: RackInfo,
    readonly currentAssignment: Map<string, TopicPartition[]>,
  ) {
    this.partitionsPerTopic = assignor.ctx.meta;
    let n = 0;
    for (const parts of this.partitionsPerTopic.values()) n += parts.length;
    this.totalPartitionsCount = n;
  }

  // AbstractAssignmentBuilder.build
  abstract build(): Map<string, TopicPartition[]>;

  // AbstractAssignmentBuilder.getAllTopicPartitions
  protected getAllTopicPartitions(sortedAllTopics: readonly string[]): TopicPartition[] {
    const allPartitions: TopicPartition[] = [];
    for (const topic of sortedAllTopics) for (const p of this.partitionsPerTopic.get(topic)!) allPartitions.push(p.tp);
    return allPartitions;
  }
}

/**
 * AbstractStickyAssignor.ConstrainedAssignmentBuilder: every member subscribes to the same
 * topics. Owned partitions are kept up to the quota, then the rest dealt round, rack-aligned first.
 */
class ConstrainedAssignmentBuilder extends AbstractAssignmentBuilder {
  private readonly maybeRevokedPartitions = new Map<TopicPartition, string>();
  private readonly unfilledMembersWithUnderMinQuotaPartitions: string[] = [];
  private readonly unfilledMembersWithExactlyMinQuotaPartitions: string[] = [];
  private readonly minQuota: number;
  private readonly maxQuota: number;
  private readonly expectedNumMembersWithOverMinQuotaPartitions: number;
  private currentNumMembersWithOverMinQuotaPartitions = 0;
  private readonly assignment = new Map<string, TopicPartition[]>();
  private readonly assignedPartitions: TopicPartition[] = [];
  /** Not a Java field: the iteration order of Java's consumerToOwnedPartitions (a HashMap). */
  private readonly consumerOrder: readonly string[];

  // ConstrainedAssignmentBuilder(partitionsPerTopic, rackInfo, consumerToOwnedPartitions, partitionsWithMultiplePreviousOwners)
  constructor(
    assignor: AbstractStickyAssignor,
    rackInfo: RackInfo,
    consumerToOwnedPartitions: Map<string, TopicPartition[]>,
    private readonly partitionsWithMultiplePreviousOwners: ReadonlySet<TopicPartition>,
  ) {
    super(assignor, rackInfo, consumerToOwnedPartitions);
    const numberOfConsumers = consumerToOwnedPartitions.size;
    this.minQuota = Math.floor(this.totalPartitionsCount / numberOfConsumers);
    this.maxQuota = Math.ceil(this.totalPartitionsCount / numberOfConsumers);
    this.expectedNumMembersWithOverMinQuotaPartitions = this.totalPartitionsCount % numberOfConsumers;
    this.consumerOrder = javaHashMapOrder(assignor.ctx.order);
    for (const c of this.consumerOrder) this.assignment.set(c, []);
  }

  // ConstrainedAssignmentBuilder.build
  build(): Map<string, TopicPartition[]> {
    this.assignOwnedPartitions();
    let unassignedPartitions = this.getUnassignedPartitions(this.assignedPartitions);
    this.unfilledMembersWithUnderMinQuotaPartitions.sort(cmpStr);
    this.unfilledMembersWithExactlyMinQuotaPartitions.sort(cmpStr);
    unassignedPartitions = this.rackInfo.sortPartitionsByRackConsumers(unassignedPartitions);
    this.assignRackAwareRoundRobin(unassignedPartitions);
    this.assignRoundRobin(unassignedPartitions);
    this.verifyUnfilledMembers();
    return this.assignment;
  }

  // ConstrainedAssignmentBuilder.assignOwnedPartitions
  private assignOwnedPartitions(): void {
    for (const consumer of this.consumerOrder) {
      const ownedPartitions = this.currentAssignment
        .get(consumer)!
        .filter((tp) => {
          const mismatch = this.rackInfo.racksMismatch(consumer, tp);
          if (mismatch) this.maybeRevokedPartitions.set(tp, consumer);
          return !mismatch;
        })
        .sort((a, b) => a.partition - b.partition || cmpStr(a.topic, b.topic));
      for (const doublyClaimedPartition of this.partitionsWithMultiplePreviousOwners) removeFirst(ownedPartitions, doublyClaimedPartition);
      const consumerAssignment = this.assignment.get(consumer)!;
      if (ownedPartitions.length < this.minQuota) {
        consumerAssignment.push(...ownedPartitions);
        this.assignedPartitions.push(...ownedPartitions);
        this.unfilledMembersWithUnderMinQuotaPartitions.push(consumer);
      } else if (
        ownedPartitions.length >= this.maxQuota &&
        this.currentNumMembersWithOverMinQuotaPartitions < this.expectedNumMembersWithOverMinQuotaPartitions
      ) {
        this.currentNumMembersWithOverMinQuotaPartitions++;
        if (this.currentNumMembersWithOverMinQuotaPartitions === this.expectedNumMembersWithOverMinQuotaPartitions) {
          this.unfilledMembersWithExactlyMinQuotaPartitions.length = 0;
        }
        consumerAssignment.push(...ownedPartitions.slice(0, this.maxQuota));
        this.assignedPartitions.push(...ownedPartitions.slice(0, this.maxQuota));
        for (const tp of ownedPartitions.slice(this.maxQuota)) this.maybeRevokedPartitions.set(tp, consumer);
      } else {
        consumerAssignment.push(...ownedPartitions.slice(0, this.minQuota));
        this.assignedPartitions.push(...ownedPartitions.slice(0, this.minQuota));
        for (const tp of ownedPartitions.slice(this.minQuota)) this.maybeRevokedPartitions.set(tp, consumer);
        if (this.currentNumMembersWithOverMinQuotaPartitions < this.expectedNumMembersWithOverMinQuotaPartitions) {
          this.unfilledMembersWithExactlyMinQuotaPartitions.push(consumer);
        }
      }
    }
  }

  // ConstrainedAssignmentBuilder.assignRackAwareRoundRobin (removes what it assigns from the list, as Java's iterator)
  private assignRackAwareRoundRobin(unassignedPartitions: TopicPartition[]): void {
    if (this.rackInfo.consumerRacks.size === 0) return;
    const underMin = this.unfilledMembersWithUnderMinQuotaPartitions;
    const exactlyMin = this.unfilledMembersWithExactlyMinQuotaPartitions;
    let nextUnfilledConsumerIndex = 0;
    for (let i = 0; i < unassignedPartitions.length; ) {
      const unassignedPartition = unassignedPartitions[i];
      let consumer: string | null = null;
      let nextIndex = this.rackInfo.nextRackConsumer(unassignedPartition, underMin, nextUnfilledConsumerIndex);
      if (nextIndex >= 0) {
        consumer = underMin[nextIndex];
        const assignmentCount = this.assignment.get(consumer)!.length + 1;
        if (assignmentCount >= this.minQuota) {
          removeFirst(underMin, consumer);
          if (assignmentCount < this.maxQuota && this.currentNumMembersWithOverMinQuotaPartitions < this.expectedNumMembersWithOverMinQuotaPartitions) {
            exactlyMin.push(consumer);
          }
        } else {
          nextIndex++;
        }
        nextUnfilledConsumerIndex = underMin.length === 0 ? 0 : nextIndex % underMin.length;
      } else if (exactlyMin.length > 0) {
        const firstIndex = this.rackInfo.nextRackConsumer(unassignedPartition, exactlyMin, 0);
        if (firstIndex >= 0) {
          consumer = exactlyMin[firstIndex];
          if (this.assignment.get(consumer)!.length + 1 === this.maxQuota) {
            exactlyMin.splice(firstIndex, 1);
            this.currentNumMembersWithOverMinQuotaPartitions++;
            if (this.currentNumMembersWithOverMinQuotaPartitions === this.expectedNumMembersWithOverMinQuotaPartitions) {
              exactlyMin.length = 0;
            }
          }
        }
      }
      if (consumer !== null) {
        this.assignNewPartition(unassignedPartition, consumer);
        unassignedPartitions.splice(i, 1);
      } else {
        i++;
      }
    }
  }

  // ConstrainedAssignmentBuilder.assignRoundRobin (Java's iterator over the unfilled members: cursor + lastReturned)
  private assignRoundRobin(unassignedPartitions: readonly TopicPartition[]): void {
    const underMin = this.unfilledMembersWithUnderMinQuotaPartitions;
    const exactlyMin = this.unfilledMembersWithExactlyMinQuotaPartitions;
    let cursor = 0;
    let lastReturned = -1;
    for (const unassignedPartition of unassignedPartitions) {
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
      const currentAssignedCount = this.assignNewPartition(unassignedPartition, consumer);
      if (currentAssignedCount === this.minQuota) {
        if (lastReturned < 0) throw new AssignmentError('java.lang.IllegalStateException: iterator remove() without next()');
        underMin.splice(lastReturned, 1);
        cursor = lastReturned;
        lastReturned = -1;
        exactlyMin.push(consumer);
      } else if (currentAssignedCount === this.maxQuota) {
        this.currentNumMembersWithOverMinQuotaPartitions++;
      }
    }
  }

  // ConstrainedAssignmentBuilder.assignNewPartition
  private assignNewPartition(unassignedPartition: TopicPartition, consumer: string): number {
    const consumerAssignment = this.assignment.get(consumer)!;
    consumerAssignment.push(unassignedPartition);
    const previousOwner = this.maybeRevokedPartitions.get(unassignedPartition);
    if ((previousOwner !== undefined && previousOwner !== consumer) || this.partitionsWithMultiplePreviousOwners.has(unassignedPartition)) {
      this.assignor.partitionsTransferringOwnership!.set(unassignedPartition, consumer);
    }
    return consumerAssignment.length;
  }

  // ConstrainedAssignmentBuilder.verifyUnfilledMembers
  private verifyUnfilledMembers(): void {
    const underMin = this.unfilledMembersWithUnderMinQuotaPartitions;
    if (underMin.length === 0) return;
    if (this.currentNumMembersWithOverMinQuotaPartitions !== this.expectedNumMembersWithOverMinQuotaPartitions) {
      throw new AssignmentError(
        "java.lang.IllegalStateException: We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned",
      );
    }
    for (const unfilledMember of underMin) {
      if (this.assignment.get(unfilledMember)!.length !== this.minQuota) {
        throw new AssignmentError(
          `java.lang.IllegalStateException: Consumer: [${unfilledMember}] doesn't reach minQuota partitions, and no more partitions to be assigned`,
        );
      }
    }
  }

  // ConstrainedAssignmentBuilder.getUnassignedPartitions: all partitions in topic-name order,
  // less the assigned ones (a two-pointer walk over both, sorted)
  private getUnassignedPartitions(sortedAssignedPartitions: readonly TopicPartition[]): TopicPartition[] {
    const sortedAllTopics = [...this.partitionsPerTopic.keys()].sort(cmpStr);
    if (sortedAssignedPartitions.length === 0) return this.getAllTopicPartitions(sortedAllTopics);
    const unassignedPartitions: TopicPartition[] = [];
    const sorted = [...sortedAssignedPartitions].sort(compareTp);
    let k = 0;
    let shouldAddDirectly = false;
    for (const topic of sortedAllTopics) {
      const partitionCount = this.partitionsPerTopic.get(topic)!.length;
      for (let i = 0; i < partitionCount; i++) {
        const nextAssignedPartition = sorted[k];
        if (shouldAddDirectly || !(nextAssignedPartition.topic === topic && nextAssignedPartition.partition === i)) {
          unassignedPartitions.push(this.assignor.ctx.tps.of(topic, i));
        } else if (k + 1 < sorted.length) {
          k++;
        } else {
          shouldAddDirectly = true;
        }
      }
    }
    return unassignedPartitions;
  }
}

/**
 * AbstractStickyAssignor.GeneralAssignmentBuilder: members subscribe to different topics. Keeps
 * what members may still own, assigns the rest to the least loaded, then moves partitions while
 * that improves the balance.
 */
class GeneralAssignmentBuilder extends AbstractAssignmentBuilder {
  private readonly topic2AllPotentialConsumers = new Map<string, string[]>();
  private readonly consumer2AllPotentialTopics = new Map<string, string[]>();
  private readonly currentPartitionConsumer = new Map<TopicPartition, string>();
  private readonly sortedAllPartitions: TopicPartition[];
  private readonly sortedCurrentSubscriptions: SortedConsumers;
  private revocationRequired = false;

  // GeneralAssignmentBuilder(partitionsPerTopic, rackInfo, currentAssignment, subscriptions)
  constructor(assignor: AbstractStickyAssignor, rackInfo: RackInfo, currentAssignment: Map<string, TopicPartition[]>) {
    super(assignor, rackInfo, currentAssignment);
    const { ctx } = assignor;
    for (const topic of this.partitionsPerTopic.keys()) this.topic2AllPotentialConsumers.set(topic, []);
    for (const consumerId of ctx.order) {
      const subscribedTopics = ctx.subs.get(consumerId)!.topics.filter((t) => this.partitionsPerTopic.has(t));
      this.consumer2AllPotentialTopics.set(consumerId, subscribedTopics);
      for (const t of subscribedTopics) this.topic2AllPotentialConsumers.get(t)!.push(consumerId);
      if (!currentAssignment.has(consumerId)) currentAssignment.set(consumerId, []);
    }
    for (const [consumer, partitions] of currentAssignment) for (const tp of partitions) this.currentPartitionConsumer.set(tp, consumer);
    const sortedAllTopics = [...this.topic2AllPotentialConsumers.keys()].sort(topicComparator(this.topic2AllPotentialConsumers));
    this.sortedAllPartitions = this.getAllTopicPartitions(sortedAllTopics);
    this.sortedCurrentSubscriptions = new SortedConsumers((c) => this.sizeOf(c));
  }

  /** Not in Java: `currentAssignment.get(c).size()`, with Java's NullPointerException for a member without one. */
  private sizeOf(c: string | undefined): number {
    const partitions = c === undefined ? undefined : this.currentAssignment.get(c);
    if (partitions === undefined) throw new AssignmentError(`java.lang.NullPointerException: no current assignment for member ${c ?? 'null'}`);
    return partitions.length;
  }

  // GeneralAssignmentBuilder.build
  build(): Map<string, TopicPartition[]> {
    const prevAssignment = new Map<TopicPartition, ConsumerGenerationPair>();
    this.assignor.partitionMovements = new PartitionMovements();
    this.prepopulateCurrentAssignments(prevAssignment);
    const assignedPartitions = this.assignOwnedPartitions();
    const unassignedPartitions = this.getUnassignedPartitions(assignedPartitions);
    for (const consumer of this.currentAssignment.keys()) this.sortedCurrentSubscriptions.add(consumer);
    this.balance(prevAssignment, unassignedPartitions);
    return this.currentAssignment;
  }

  // GeneralAssignmentBuilder.assignOwnedPartitions: keeps what members may still own (every
  // owner is a member here, so Java's branch for a member that left has nothing to do)
  private assignOwnedPartitions(): TopicPartition[] {
    const assignedPartitions: TopicPartition[] = [];
    for (const [consumer, partitions] of this.currentAssignment) {
      const consumerSubscription = this.assignor.ctx.subs.get(consumer)!;
      const kept: TopicPartition[] = [];
      for (const partition of partitions) {
        if (!this.topic2AllPotentialConsumers.has(partition.topic)) {
          this.currentPartitionConsumer.delete(partition);
        } else if (!consumerSubscription.topics.includes(partition.topic) || this.rackInfo.racksMismatch(consumer, partition)) {
          this.revocationRequired = true;
        } else {
          kept.push(partition);
          assignedPartitions.push(partition);
        }
      }
      partitions.length = 0;
      partitions.push(...kept);
    }
    return assignedPartitions;
  }

  // GeneralAssignmentBuilder.getUnassignedPartitions: sortedAllPartitions less the assigned
  // ones; the very same list when nothing is assigned, as in Java (balance() shrinks both)
  private getUnassignedPartitions(sortedAssignedPartitions: readonly TopicPartition[]): TopicPartition[] {
    if (sortedAssignedPartitions.length === 0) return this.sortedAllPartitions;
    const unassignedPartitions: TopicPartition[] = [];
    const potential = (topic: string): number => this.topic2AllPotentialConsumers.get(topic)!.length;
    // PartitionComparator: as TopicComparator, then by partition
    const sorted = [...sortedAssignedPartitions].sort(
      (a, b) => potential(a.topic) - potential(b.topic) || cmpStr(a.topic, b.topic) || a.partition - b.partition,
    );
    let k = 0;
    let shouldAddDirectly = false;
    for (const topicPartition of this.sortedAllPartitions) {
      if (shouldAddDirectly || sorted[k] !== topicPartition) unassignedPartitions.push(topicPartition);
      else if (k + 1 < sorted.length) k++;
      else shouldAddDirectly = true;
    }
    return unassignedPartitions;
  }

  // GeneralAssignmentBuilder.updatePrevAssignment
  private updatePrevAssignment(
    prevAssignment: Map<TopicPartition, ConsumerGenerationPair>,
    partitions: readonly TopicPartition[],
    consumer: string,
    generation: number,
  ): void {
    for (const partition of partitions) {
      const existing = prevAssignment.get(partition);
      if (existing === undefined || generation > existing.generation) prevAssignment.set(partition, { consumer, generation });
    }
  }

  // GeneralAssignmentBuilder.prepopulateCurrentAssignments: the previous owner of each partition,
  // among members of an older generation
  private prepopulateCurrentAssignments(prevAssignment: Map<TopicPartition, ConsumerGenerationPair>): void {
    const { ctx, maxGeneration } = this.assignor;
    for (const consumer of ctx.order) {
      const memberData = this.assignor.memberData(ctx.subs.get(consumer)!);
      if (memberData.generation !== null && memberData.generation < maxGeneration) {
        this.updatePrevAssignment(prevAssignment, memberData.partitions, consumer, memberData.generation);
      } else if (memberData.generation === null && maxGeneration > DEFAULT_GENERATION) {
        this.updatePrevAssignment(prevAssignment, memberData.partitions, consumer, DEFAULT_GENERATION);
      }
    }
  }

  // GeneralAssignmentBuilder.isBalanced
  private isBalanced(): boolean {
    const min = this.sizeOf(this.sortedCurrentSubscriptions.first());
    const max = this.sizeOf(this.sortedCurrentSubscriptions.last());
    if (min >= max - 1) return true;
    const allPartitions = new Map<TopicPartition, string>();
    for (const [consumer, partitions] of this.currentAssignment) for (const tp of partitions) allPartitions.set(tp, consumer);
    for (const consumer of this.sortedCurrentSubscriptions.values()) {
      const consumerPartitionCount = this.sizeOf(consumer);
      const allSubscribedTopics = this.consumer2AllPotentialTopics.get(consumer)!;
      if (consumerPartitionCount === this.getMaxAssignmentSize(allSubscribedTopics)) continue;
      for (const topic of allSubscribedTopics) {
        const partitionCount = this.partitionsPerTopic.get(topic)!.length;
        for (let i = 0; i < partitionCount; i++) {
          const topicPartition = this.assignor.ctx.tps.of(topic, i);
          const otherConsumer = allPartitions.get(topicPartition);
          if (otherConsumer === consumer) continue;
          if (consumerPartitionCount + 1 < this.sizeOf(otherConsumer)) return false;
        }
      }
    }
    return true;
  }

  // GeneralAssignmentBuilder.getMaxAssignmentSize
  private getMaxAssignmentSize(allSubscribedTopics: readonly string[]): number {
    if (allSubscribedTopics.length === this.partitionsPerTopic.size) return this.totalPartitionsCount;
    let maxAssignmentSize = 0;
    for (const topic of allSubscribedTopics) maxAssignmentSize += this.partitionsPerTopic.get(topic)!.length;
    return maxAssignmentSize;
  }

  // GeneralAssignmentBuilder.getBalanceScore: the sum of the size differences of all member pairs
  private getBalanceScore(assignment: ReadonlyMap<string, readonly TopicPartition[]>): number {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i] - sizes[j]);
    return score;
  }

  // GeneralAssignmentBuilder.maybeAssignPartition: to the least loaded member that may take it
  // (in its racks, unless rackInfo is null)
  private maybeAssignPartition(partition: TopicPartition, rackInfo: RackInfo | null): boolean {
    for (const consumer of this.sortedCurrentSubscriptions.values()) {
      if (
        this.consumer2AllPotentialTopics.get(consumer)!.includes(partition.topic) &&
        (rackInfo === null || !rackInfo.racksMismatch(consumer, partition))
      ) {
        this.sortedCurrentSubscriptions.remove(consumer);
        this.currentAssignment.get(consumer)!.push(partition);
        this.currentPartitionConsumer.set(partition, consumer);
        this.sortedCurrentSubscriptions.add(consumer);
        return true;
      }
    }
    return false;
  }

  // GeneralAssignmentBuilder.maybeAssign
  private maybeAssign(unassignedPartitions: TopicPartition[], rackInfo: RackInfo | null, removeAssigned: boolean): void {
    for (let i = 0; i < unassignedPartitions.length; ) {
      const partition = unassignedPartitions[i];
      if (this.topic2AllPotentialConsumers.get(partition.topic)!.length === 0) {
        i++;
        continue;
      }
      if (this.maybeAssignPartition(partition, rackInfo) && removeAssigned) unassignedPartitions.splice(i, 1);
      else i++;
    }
  }

  // GeneralAssignmentBuilder.canTopicParticipateInReassignment
  private canTopicParticipateInReassignment(topic: string): boolean {
    return this.topic2AllPotentialConsumers.get(topic)!.length >= 2;
  }

  // GeneralAssignmentBuilder.canConsumerParticipateInReassignment
  private canConsumerParticipateInReassignment(consumer: string): boolean {
    const currentPartitions = this.currentAssignment.get(consumer)!;
    if (currentPartitions.length < this.getMaxAssignmentSize(this.consumer2AllPotentialTopics.get(consumer)!)) return true;
    return currentPartitions.some((partition) => this.canTopicParticipateInReassignment(partition.topic));
  }

  // GeneralAssignmentBuilder.balance
  private balance(prevAssignment: ReadonlyMap<TopicPartition, ConsumerGenerationPair>, unassignedPartitions: TopicPartition[]): void {
    const initializing = this.sizeOf(this.sortedCurrentSubscriptions.last()) === 0;

    // first with rack matching, then the rest without
    let partitionsToAssign = unassignedPartitions;
    if (this.rackInfo.consumerRacks.size > 0) {
      partitionsToAssign = [...unassignedPartitions];
      this.maybeAssign(partitionsToAssign, this.rackInfo, true);
    }
    this.maybeAssign(partitionsToAssign, null, false);

    // only partitions and members that can move take part in the reassignment
    const fixedPartitions = new Set<TopicPartition>();
    for (const topic of this.topic2AllPotentialConsumers.keys()) {
      if (!this.canTopicParticipateInReassignment(topic)) {
        const partitionCount = this.partitionsPerTopic.get(topic)!.length;
        for (let i = 0; i < partitionCount; i++) fixedPartitions.add(this.assignor.ctx.tps.of(topic, i));
      }
    }
    removeAllInPlace(this.sortedAllPartitions, fixedPartitions);
    removeAllInPlace(unassignedPartitions, fixedPartitions);
    const fixedAssignments = new Map<string, TopicPartition[]>();
    for (const consumer of this.consumer2AllPotentialTopics.keys()) {
      if (!this.canConsumerParticipateInReassignment(consumer)) {
        this.sortedCurrentSubscriptions.remove(consumer);
        fixedAssignments.set(consumer, this.currentAssignment.get(consumer)!);
        this.currentAssignment.delete(consumer);
      }
    }

    const preBalanceAssignment = this.deepCopy(this.currentAssignment);
    const preBalancePartitionConsumers = new Map(this.currentPartitionConsumer);

    // without revocations to make, first try moving only the newly assigned partitions
    if (!this.revocationRequired) this.performReassignments(unassignedPartitions, prevAssignment);
    const reassignmentPerformed = this.performReassignments(this.sortedAllPartitions, prevAssignment);

    // moves that do not improve the balance of a non-initial assignment are undone
    if (!initializing && reassignmentPerformed && this.getBalanceScore(this.currentAssignment) >= this.getBalanceScore(preBalanceAssignment)) {
      this.deepCopyInto(preBalanceAssignment, this.currentAssignment);
      this.currentPartitionConsumer.clear();
      for (const [tp, consumer] of preBalancePartitionConsumers) this.currentPartitionConsumer.set(tp, consumer);
    }

    for (const [consumer, partitions] of fixedAssignments) {
      this.currentAssignment.set(consumer, partitions);
      this.sortedCurrentSubscriptions.add(consumer);
    }
    fixedAssignments.clear();
  }

  /**
   * Not in Java: the state a pass of performReassignments starts from. Each pass is a function of
   * the assignment and the move records, so a state seen before means Java's loop never ends (it
   * happens, rarely, with partitions moved back and forth by getTheActualPartitionToBeMoved).
   */
  private passState(): string {
    const assignment = [...this.currentAssignment].map(([c, l]) => [c, l.map((tp) => [tp.topic, tp.partition])]);
    return `${JSON.stringify(assignment)}\n${this.assignor.partitionMovements!.snapshot()}`;
  }

  // GeneralAssignmentBuilder.performReassignments: repeats passes over the partitions, moving one
  // to a less loaded member (its previous owner first, then one in its racks) until balanced
  private performReassignments(
    reassignablePartitions: readonly TopicPartition[],
    prevAssignment: ReadonlyMap<TopicPartition, ConsumerGenerationPair>,
  ): boolean {
    let reassignmentPerformed = false;
    let modified: boolean;
    const seen = new Set<string>();
    do {
      const state = this.passState();
      if (seen.has(state)) {
        throw new AssignmentError(
          'the cooperative-sticky assignment does not terminate on this input: Java 4.2.1 loops forever here ' +
            '(AbstractStickyAssignor.performReassignments keeps moving the same partitions back and forth)',
          'hangs',
        );
      }
      seen.add(state);
      modified = false;
      for (let i = 0; i < reassignablePartitions.length && !this.isBalanced(); i++) {
        const partition = reassignablePartitions[i];
        const consumer = this.currentPartitionConsumer.get(partition);
        const prev = prevAssignment.get(partition);
        if (prev !== undefined && this.sizeOf(consumer) > this.sizeOf(prev.consumer) + 1) {
          this.reassignPartitionTo(partition, prev.consumer);
          reassignmentPerformed = modified = true;
          continue;
        }
        const consumerRack = consumer === undefined ? undefined : this.rackInfo.consumerRacks.get(consumer);
        let foundRackConsumer = false;
        if (consumerRack !== undefined) {
          const partitionRacks = this.rackInfo.partitionRacks.get(partition);
          if (partitionRacks === undefined) {
            throw new AssignmentError(`java.lang.NullPointerException: no racks for ${partition.topic}-${partition.partition}`);
          }
          if (partitionRacks.size > 0 && partitionRacks.has(consumerRack)) {
            for (const otherConsumer of this.topic2AllPotentialConsumers.get(partition.topic)!) {
              const otherConsumerRack = this.rackInfo.consumerRacks.get(otherConsumer);
              if (otherConsumerRack === undefined || !partitionRacks.has(otherConsumerRack)) continue;
              if (this.sizeOf(consumer) > this.sizeOf(otherConsumer) + 1) {
                this.reassignPartition(partition);
                reassignmentPerformed = modified = foundRackConsumer = true;
                break;
              }
            }
          }
        }
        if (!foundRackConsumer) {
          for (const otherConsumer of this.topic2AllPotentialConsumers.get(partition.topic)!) {
            if (this.sizeOf(consumer) > this.sizeOf(otherConsumer) + 1) {
              this.reassignPartition(partition);
              reassignmentPerformed = modified = true;
              break;
            }
          }
        }
      }
    } while (modified);
    return reassignmentPerformed;
  }

  // GeneralAssignmentBuilder.reassignPartition(TopicPartition): to the least loaded member that may take it
  private reassignPartition(partition: TopicPartition): void {
    const newConsumer = this.sortedCurrentSubscriptions
      .values()
      .find((anotherConsumer) => this.consumer2AllPotentialTopics.get(anotherConsumer)!.includes(partition.topic));
    if (newConsumer === undefined) {
      throw new AssignmentError(`java.lang.NullPointerException: no consumer for ${partition.topic}-${partition.partition}`);
    }
    this.reassignPartitionTo(partition, newConsumer);
  }

  // GeneralAssignmentBuilder.reassignPartition(TopicPartition, String)
  private reassignPartitionTo(partition: TopicPartition, newConsumer: string): void {
    const consumer = this.currentPartitionConsumer.get(partition)!;
    const partitionToBeMoved = this.assignor.partitionMovements!.getTheActualPartitionToBeMoved(partition, consumer, newConsumer);
    this.processPartitionMovement(partitionToBeMoved, newConsumer);
  }

  // GeneralAssignmentBuilder.processPartitionMovement
  private processPartitionMovement(partition: TopicPartition, newConsumer: string): void {
    const oldConsumer = this.currentPartitionConsumer.get(partition)!;
    this.sortedCurrentSubscriptions.remove(oldConsumer);
    this.sortedCurrentSubscriptions.remove(newConsumer);
    this.assignor.partitionMovements!.movePartition(partition, oldConsumer, newConsumer);
    const from = this.currentAssignment.get(oldConsumer);
    const to = this.currentAssignment.get(newConsumer);
    if (from === undefined || to === undefined) {
      throw new AssignmentError(`java.lang.NullPointerException: moving ${partition.topic}-${partition.partition}`);
    }
    removeFirst(from, partition);
    to.push(partition);
    this.currentPartitionConsumer.set(partition, newConsumer);
    this.sortedCurrentSubscriptions.add(newConsumer);
    this.sortedCurrentSubscriptions.add(oldConsumer);
  }

  // GeneralAssignmentBuilder.deepCopy(Map, Map)
  private deepCopyInto(source: ReadonlyMap<string, readonly TopicPartition[]>, dest: Map<string, TopicPartition[]>): void {
    dest.clear();
    for (const [consumer, partitions] of source) dest.set(consumer, [...partitions]);
  }

  // GeneralAssignmentBuilder.deepCopy(Map)
  private deepCopy(assignment: ReadonlyMap<string, readonly TopicPartition[]>): Map<string, TopicPartition[]> {
    const copy = new Map<string, TopicPartition[]>();
    this.deepCopyInto(assignment, copy);
    return copy;
  }
}

/**
 * Java's CooperativeStickyAssignor: the sticky assignment, less each partition that moves from
 * one member to another; its owner revokes it first and it is assigned in the next rebalance
 * (KIP-429).
 */
class CooperativeStickyAssignor extends AbstractStickyAssignor {
  // CooperativeStickyAssignor.subscriptionUserData: Struct {generation: INT32}, the generation of
  // the member's last assignment, still read by leaders older than ConsumerProtocolSubscription v2
  static subscriptionUserData(generation: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeInt32BE(generation | 0, 0);
    return b;
  }

  // CooperativeStickyAssignor.memberData: the v2+ generationId field, else the int32 in userData
  memberData(subscription: MemberSubscription): MemberData {
    const partitions = subscription.ownedPartitions.map((tp) => this.ctx.tps.of(tp.topic, tp.partition));
    if (subscription.generationId >= 0) return { partitions, generation: subscription.generationId };
    if (subscription.userData === null) return { partitions, generation: null };
    // a buffer too short for the Struct fails to read, and Java falls back to DEFAULT_GENERATION
    return { partitions, generation: subscription.userData.length >= 4 ? subscription.userData.readInt32BE(0) : DEFAULT_GENERATION };
  }

  // CooperativeStickyAssignor.assignPartitions
  override assignPartitions(): Map<string, TopicPartition[]> {
    const assignments = super.assignPartitions();
    const partitionsTransferringOwnership = this.partitionsTransferringOwnership ?? this.computePartitionsTransferringOwnership(assignments);
    this.adjustAssignment(assignments, partitionsTransferringOwnership);
    return assignments;
  }

  // CooperativeStickyAssignor.adjustAssignment
  private adjustAssignment(assignments: Map<string, TopicPartition[]>, partitionsTransferringOwnership: ReadonlyMap<TopicPartition, string>): void {
    for (const [tp, consumer] of partitionsTransferringOwnership) removeFirst(assignments.get(consumer)!, tp);
  }

  // CooperativeStickyAssignor.computePartitionsTransferringOwnership: added to one member and revoked from another
  private computePartitionsTransferringOwnership(assignments: ReadonlyMap<string, readonly TopicPartition[]>): Map<TopicPartition, string> {
    const allAddedPartitions = new Map<TopicPartition, string>();
    const allRevokedPartitions = new Set<TopicPartition>();
    for (const [consumer, assignedPartitions] of assignments) {
      const ownedPartitions = this.ctx.subs.get(consumer)!.ownedPartitions.map((tp) => this.ctx.tps.of(tp.topic, tp.partition));
      const ownedPartitionsSet = new Set(ownedPartitions);
      for (const tp of assignedPartitions) if (!ownedPartitionsSet.has(tp)) allAddedPartitions.set(tp, consumer);
      const assignedPartitionsSet = new Set(assignedPartitions);
      for (const tp of ownedPartitions) if (!assignedPartitionsSet.has(tp)) allRevokedPartitions.add(tp);
    }
    return new Map([...allAddedPartitions].filter(([tp]) => allRevokedPartitions.has(tp)));
  }
}

/** The cooperative-sticky assignment of one rebalance (a fresh CooperativeStickyAssignor each time). */
export function cooperativeStickyAssign(ctx: Context): Map<string, TopicPartition[]> {
  return new CooperativeStickyAssignor(ctx).assignPartitions();
}

/** CooperativeStickyAssignor.subscriptionUserData for a member whose last generation is `generationId`. */
export function cooperativeStickyUserData(generationId: number): Buffer {
  return CooperativeStickyAssignor.subscriptionUserData(generationId);
}
