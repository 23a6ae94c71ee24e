/**
 * Java's `RoundRobinAssignor` (Kafka 4.2.1), `assign`: every partition of the subscribed topics,
 * sorted by topic then partition, dealt round the members in MemberInfo order, skipping members
 * not subscribed to its topic. Racks are not used.
 */
import { cmpStr, compareMemberInfo, type Context } from './common.js';
import type { TopicPartition } from './types.js';

export function roundRobinAssign(ctx: Context): Map<string, TopicPartition[]> {
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
