/** The one Map key for a topic-partition, shared by the layers that index state by partition. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
