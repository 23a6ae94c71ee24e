/**
 * KafkaJS's partitioners, reproduced from their documented and observed behaviour so that a
 * record lands on the partition KafkaJS 2.2.4 would choose (tested against the real module):
 *
 * - `DefaultPartitioner` (KafkaJS 2.x's default, formerly `JavaCompatiblePartitioner`): a keyed
 *   record goes where the Java producer puts it, `(murmur2(key) & 0x7fffffff) % partitions`.
 * - `LegacyPartitioner` (KafkaJS 1.x's default): the same formula over a murmur2 computed in
 *   JavaScript double arithmetic, which loses precision in its products; its partitions differ
 *   from Java's for most keys, and existing topics written by KafkaJS 1.x depend on them.
 *
 * Both: an explicit `message.partition` wins; a null key goes round-robin over the partitions
 * that have a leader (a per-topic counter starting at a random point), or over all partitions
 * when none has one. A key that is not a Buffer is hashed as the UTF-8 of `String(key)`.
 */
import { randomBytes } from 'node:crypto';
import { murmur2 } from '../index.js';

/** One partition of a topic's metadata, as KafkaJS hands it to a partitioner. */
export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas?: number[];
}

/** The message part a partitioner sees. */
export interface PartitionerMessage {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  partition?: number | null;
  headers?: unknown;
  timestamp?: string;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: PartitionerMessage;
}

/** KafkaJS's partitioner type: `createPartitioner()` returns the function called per message. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number;

/** The bytes KafkaJS hashes for a key. */
function keyBytes(key: unknown): Buffer {
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}

/** Java's `toPositive`: clears the sign bit (not the absolute value). */
const positive = (n: number): number => n & 0x7fffffff;

const MIX = 0x5bd1e995;

/**
 * KafkaJS 1.x's murmur2: the steps of Java's murmur2, but each product taken as a JavaScript
 * double (exact only up to 2^53) before the next bit operation truncates it to 32 bits, and
 * the word loop also mixing a last partial word (its missing bytes zero) before the tail
 * bytes are mixed in again, as observed of KafkaJS for lengths not a multiple of 4.
 */
export function legacyMurmur2(key: unknown): number {
  const data = keyBytes(key);
  const n = data.length;
  let h: number = 0x9747b28c ^ n;
  const words = Math.ceil(n / 4);
  for (let w = 0; w < words; w++) {
    const at = w * 4;
    let k: number = at + 4 <= n ? data.readInt32LE(at) : data[at] + ((data[at + 1] ?? 0) << 8) + ((data[at + 2] ?? 0) << 16);
    k = k * MIX;
    k = k ^ (k >>> 24);
    k = k * MIX;
    h = h * MIX;
    h = h ^ k;
  }
  const tail = n & ~3;
  const rest = n & 3;
  if (rest > 0) {
    if (rest === 3) h = h ^ (data[tail + 2] << 16);
    if (rest >= 2) h = h ^ (data[tail + 1] << 8);
    h = h ^ data[tail];
    h = h * MIX;
  }
  h = h ^ (h >>> 13);
  h = h * MIX;
  h = h ^ (h >>> 15);
  return h;
}

/** Java's murmur2 (the 2.x default's hash), over KafkaJS's key bytes. */
export function javaMurmur2(key: unknown): number {
  return murmur2(keyBytes(key));
}

function makePartitioner(hash: (key: unknown) => number): ICustomPartitioner {
  return () => {
    const counters = new Map<string, number>();
    // the partitions with a leader, per metadata array (the producer hands the same array while the topic's metadata is unchanged)
    const withLeader = new WeakMap<PartitionMetadata[], PartitionMetadata[]>();
    return ({ topic, partitionMetadata, message }) => {
      if (message.partition !== null && message.partition !== undefined) return message.partition;
      const count = partitionMetadata.length;
      if (message.key !== null && message.key !== undefined) return positive(hash(message.key)) % count;
      let c = counters.get(topic);
      c = (c === undefined ? randomBytes(4).readUInt32BE(0) : c) + 1;
      counters.set(topic, c);
      let available = withLeader.get(partitionMetadata);
      if (available === undefined) withLeader.set(partitionMetadata, (available = partitionMetadata.filter((p) => p.leader >= 0)));
      if (available.length > 0) return available[positive(c) % available.length].partitionId;
      return positive(c) % count;
    };
  };
}

export const DefaultPartitioner: ICustomPartitioner = makePartitioner(javaMurmur2);
export const LegacyPartitioner: ICustomPartitioner = makePartitioner(legacyMurmur2);

export const Partitioners = Object.freeze({
  DefaultPartitioner,
  LegacyPartitioner,
  /** KafkaJS 2.x's deprecated name of DefaultPartitioner. */
  JavaCompatiblePartitioner: DefaultPartitioner,
});
