/**
 * What the assignors share, as Java's share `AbstractPartitionAssignor`: the metadata of the
 * subscribed topics, members in Java's iteration order, member ordering, the rack-awareness test
 * (KIP-881), and the output's shape.
 */
import { javaHashMapOrder } from './java-hashmap.js';
import type { MemberSubscription, TopicPartition, TopicPartitionsInfo } from './types.js';

export function cmpStr(a: string, b: string): number {
  // Java String.compareTo: UTF-16 code units, like JS relational operators.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical TopicPartition objects, so identity is equality (Java's equals). */
export class TpInterner {
  private readonly map = new Map<string, Map<number, TopicPartition>>();

  of(topic: string, partition: number): TopicPartition {
    let byTopic = this.map.get(topic);
    if (!byTopic) this.map.set(topic, (byTopic = new Map()));
    let tp = byTopic.get(partition);
    if (!tp) byTopic.set(partition, (tp = Object.freeze({ topic, partition }) as TopicPartition));
    return tp;
  }
}

export function removeFirst<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

export function removeAllInPlace<T>(list: T[], drop: ReadonlySet<T>): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) if (!drop.has(list[r])) list[w++] = list[r];
  list.length = w;
}

export function compareTp(a: TopicPartition, b: TopicPartition): number {
  return cmpStr(a.topic, b.topic) || a.partition - b.partition;
}

function setsEqual<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** AbstractPartitionAssignor.useRackAwareAssignment (preferRackAwareLogic = false). */
export function useRackAwareAssignment(
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

export function rackOf(m: MemberSubscription): string | null {
  return m.rackId === null || m.rackId === '' ? null : m.rackId;
}

/** AbstractPartitionAssignor.MemberInfo order: static members by instance id first, then member id. */
export function compareMemberInfo(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return cmpStr(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return cmpStr(a.memberId, b.memberId);
}

export interface PartInfo {
  tp: TopicPartition;
  /** Non-null racks of the replicas, in replica order (may repeat). */
  racks: string[];
}

export interface Context {
  tps: TpInterner;
  /** Subscribed topics with >= 1 partition (Java's partitionsPerTopic). */
  meta: Map<string, PartInfo[]>;
  /** Members in Java HashMap (GroupSubscription) iteration order. */
  order: string[];
  subs: Map<string, MemberSubscription>;
}

export function buildContext(partitionsPerTopic: ReadonlyMap<string, TopicPartitionsInfo>, members: readonly MemberSubscription[]): Context {
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
export function finish(members: readonly MemberSubscription[], raw: ReadonlyMap<string, readonly TopicPartition[]>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>();
  for (const m of members) {
    const list = [...(raw.get(m.memberId) ?? [])].sort(compareTp).map((tp) => ({ topic: tp.topic, partition: tp.partition }));
    out.set(m.memberId, list);
  }
  return out;
}
