/**
 * Java's `RangeAssignor` (Kafka 4.2.1), `assignPartitions`: per topic, consecutive ranges of
 * partitions to the members in MemberInfo order; with racks (KIP-881), co-partitioned topics
 * first, rack-aligned, then the rest.
 */
import { AssignmentError } from '../errors.js';
import { compareMemberInfo, type Context, rackOf, removeFirst, useRackAwareAssignment } from './common.js';
import type { MemberSubscription, TopicPartition } from './types.js';

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

export function rangeAssign(ctx: Context): Map<string, TopicPartition[]> {
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
