/** The one Map key for a topic-partition, shared by the layers that index state by partition. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Kafka's topic name rule in words (org.apache.kafka.common.internals.Topic.validate). */
export const TOPIC_NAME_RULE = "1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'";
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's topic name rule (org.apache.kafka.common.internals.Topic.validate). */
export function isValidTopicName(name: string): boolean {
  return LEGAL_TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

/** Why a name breaks the rule, in words (`it has 250 characters`), or undefined when it is valid. */
export function topicNameProblem(name: string): string | undefined {
  if (isValidTopicName(name)) return undefined;
  if (name.length === 0) return 'it is empty';
  if (name === '.' || name === '..') return `'${name}' is reserved`;
  if (name.length > 249) return `it has ${name.length} characters`;
  const bad = [...new Set(name.replace(/[a-zA-Z0-9._-]/g, ''))].slice(0, 8).map((c) => JSON.stringify(c));
  return `it contains ${bad.join(', ')}`;
}
