/**
 * Topic ids (KIP-516) as the metadata cache knows them. Newer versions of Fetch, Produce,
 * OffsetCommit and OffsetFetch address topics by id only; a request may use them only when the
 * cache has the id of every topic it carries (a topic created by an older broker, or one whose
 * metadata came from a Metadata version without ids, has none), and an answer in those
 * versions names its topics by id alone.
 *
 * Functions of the cache's lookups (not methods of Cluster), so that the callers' stand-ins of
 * the cache need only `topic` and `topicNameById`.
 */
import { type ApiCodec, ZERO_UUID } from '../../protocol/api.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import type { Cluster } from './cluster.js';

/** The part of the metadata cache these functions read. */
export type TopicIdLookup = Pick<Cluster, 'topic' | 'topicNameById'>;

/** The cached id of `topic`, or ZERO_UUID when none is known. */
export function topicIdOf(cluster: TopicIdLookup, topic: string): string {
  const id = cluster.topic(topic)?.topicId;
  return id === undefined || id === '' ? ZERO_UUID : id;
}

/** Whether the cache knows the id of every one of `topics`. */
export function topicIdsKnown(cluster: TopicIdLookup, topics: Iterable<string>): boolean {
  for (const t of topics) if (topicIdOf(cluster, t) === ZERO_UUID) return false;
  return true;
}

/**
 * The version to send `codec` at: the highest both sides speak (`versionFor`), kept below
 * `firstIdVersion` (the first that addresses topics by id) unless `idsKnown`.
 */
export function versionForTopicIds(
  conn: Pick<BrokerConnection, 'versionFor'>,
  codec: ApiCodec<unknown, unknown>,
  firstIdVersion: number,
  idsKnown: boolean,
): number {
  const version = conn.versionFor(codec);
  return idsKnown ? version : Math.min(firstIdVersion - 1, version);
}

/** The name of a topic in an answer: its Name, or in versions that carry only its TopicId, the cached name of that id ('' when unknown). */
export function answerTopicName(cluster: TopicIdLookup, name: string, topicId: string): string {
  return name !== '' ? name : (cluster.topicNameById(topicId) ?? '');
}
