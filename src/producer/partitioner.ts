/**
 * Partitioners of the producer: which partition of a topic a record goes to.
 *
 * - `hash` (default): a keyed record goes to `toPositive(murmur2(key)) % partitionCount`, exactly
 *   as the Java producer (`BuiltInPartitioner.partitionForKey`, Kafka 4.x), over ALL partitions of
 *   the topic, available or not (the key -> partition mapping must not depend on leadership). With
 *   `hashFunction: 'fnv1a'` it is sarama's default `NewHashPartitioner` instead (FNV-1a 32-bit,
 *   `int32(sum) % n`, negated when negative), for topics shared with Go producers. A keyless
 *   (`null` key) record uses the sticky partition of KIP-480: one partition per topic, chosen at
 *   random among the available partitions (all partitions when none is available), kept until the
 *   producer reports with {@link Partitioner.onNewBatch} that the batch for it was sent/closed, then
 *   a different one (when there is more than one candidate). An empty key is a key: it is hashed.
 * - `random`: uniform over the available partitions (all when none is available); keys ignored.
 * - `round-robin`: a per-topic counter over the available partitions (all when none is available),
 *   like Java's `RoundRobinPartitioner`; keys ignored.
 * - `manual`: the record's explicit partition, else the configured `partition`.
 * - a {@link PartitionerFunction}: called with a {@link PartitionerContext}; must return an integer
 *   in [0, partitionCount).
 *
 * A record's explicit partition overrides every partitioner (as in Java), after a range check.
 *
 * Hot path: `Partitioner.partition` with a built-in partitioner allocates nothing (Math.imul
 * hashes over the key bytes, per-topic state in Maps keyed by the topic string). A user function
 * gets a fresh context object per call.
 */
import { PartitionerError } from './errors.js';

// ------------------------------------------------------------------ hash functions

const MURMUR2_SEED = 0x9747b28c;
const MURMUR2_M = 0x5bd1e995;

/**
 * Kafka's `org.apache.kafka.common.utils.Utils.murmur2`: MurmurHash2, 32-bit, seed 0x9747b28c,
 * little-endian 4-byte blocks, 1-3 tail bytes; a signed 32-bit result (as Java's `int`).
 */
export function murmur2(key: Uint8Array): number {
  const length = key.length;
  let h = MURMUR2_SEED ^ length;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24);
    k = Math.imul(k, MURMUR2_M);
    k ^= k >>> 24;
    k = Math.imul(k, MURMUR2_M);
    h = Math.imul(h, MURMUR2_M) ^ k;
  }
  const rest = length & 3;
  if (rest !== 0) {
    if (rest === 3) h ^= key[length4 + 2] << 16;
    if (rest >= 2) h ^= key[length4 + 1] << 8;
    h ^= key[length4];
    h = Math.imul(h, MURMUR2_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR2_M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs: -1 -> 2147483647, MIN -> 0). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The Java producer's partition of a keyed record: `toPositive(murmur2(key)) % partitionCount`. */
export function javaPartitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a 32-bit of the key bytes, as Go's `hash/fnv` `New32a().Sum32()`: an unsigned 32-bit value. */
export function fnv1a32(key: Uint8Array): number {
  let h = FNV32_OFFSET_BASIS | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], FNV32_PRIME);
  return h >>> 0;
}

/**
 * sarama's default hash partitioner (`NewHashPartitioner`) for a non-nil key:
 * `partition := int32(fnv1a32(key)) % n; if partition < 0 { partition = -partition }` — Go's `%`
 * truncates (the remainder has the sign of the dividend), as JavaScript's does. Note that this is
 * NOT `toPositive(h) % n` (sarama's `NewReferenceHashPartitioner`): for negative hashes they differ.
 */
export function saramaPartitionForKey(key: Uint8Array, partitionCount: number): number {
  const p = (fnv1a32(key) | 0) % partitionCount;
  // `| 0` turns the -0 of a negative multiple of partitionCount into 0
  return (p < 0 ? -p : p) | 0;
}

// ------------------------------------------------------------------ partitioners

/** What a user partitioner function is given for each record. */
export interface PartitionerContext {
  topic: string;
  key: Buffer | null;
  partitionCount: number;
  /** partitions whose leader is known (available), ascending */
  availablePartitions: readonly number[];
}

/** A user partitioner: must return an integer in [0, ctx.partitionCount), synchronously. */
export type PartitionerFunction = (ctx: PartitionerContext) => number;

export type PartitionerName = 'hash' | 'random' | 'round-robin' | 'manual';

/** How the `hash` partitioner places a record whose key is null (see {@link PartitionerOptions.nullKey}). */
export type NullKeyPartitioning = 'sticky' | 'hash-empty';

const EMPTY_KEY = Buffer.alloc(0);

export const PARTITIONER_NAMES: readonly PartitionerName[] = ['hash', 'random', 'round-robin', 'manual'];

export interface PartitionerOptions {
  /** A built-in partitioner or a function. */
  partitioner: PartitionerName | PartitionerFunction;
  /**
   * `hash` only: the hash of keyed records. `murmur2` (default) = the Java client's partitions;
   * `fnv1a` = sarama's default hash partitioner's partitions. Ignored by the other partitioners
   * (so a resolved default may always be passed), but an unknown value is rejected.
   */
  hashFunction?: 'murmur2' | 'fnv1a';
  /**
   * `hash` only: where a record with a null key goes. `sticky` (default) = KIP-480's sticky
   * partition, as the Java producer; `hash-empty` = the partition of the empty key, as the Go
   * messaging layer's connections send keyless records (`sarama.ByteEncoder(nil)`: a non-nil
   * Encoder that sarama's hash partitioner hashes as no bytes), so every keyless record of a
   * topic goes to one partition. The key stays null on the wire either way.
   */
  nullKey?: NullKeyPartitioning;
  /** `manual` only: the partition of records that do not carry one. Rejected with another partitioner. */
  partition?: number;
  /**
   * Source of uniform random numbers in [0, 1) for `random` and the sticky partition (default
   * Math.random); for deterministic tests.
   */
  random?: () => number;
}

const MODE_HASH_MURMUR2 = 0;
const MODE_HASH_FNV1A = 1;
const MODE_RANDOM = 2;
const MODE_ROUND_ROBIN = 3;
const MODE_MANUAL = 4;
const MODE_FUNCTION = 5;

/**
 * Chooses the partition of each record. One instance per producer; per-topic state (sticky
 * partitions, round-robin counters) lives in the instance. Not shared between producers.
 */
export class Partitioner {
  private readonly mode: number;
  private readonly fn: PartitionerFunction | null;
  /** `manual`'s configured partition, -1 if none. */
  private readonly manualPartition: number;
  private readonly random: () => number;
  /** hash: the sticky partition of keyless records, per topic. */
  private readonly sticky = new Map<string, number>();
  /** round-robin: the next counter value, per topic (an int32 that wraps, as Java's). */
  private readonly counters = new Map<string, number>();
  /** random/round-robin: the topic and partition of the last onNewBatch, answered once by partition(). */
  private repeatTopic: string | null = null;
  private repeatPartition = -1;
  /** hash with nullKey 'hash-empty': a null key is hashed as the empty key (no sticky partitions). */
  private readonly hashNullAsEmpty: boolean;

  constructor(opts: PartitionerOptions = { partitioner: 'hash' }) {
    if (opts === null || typeof opts !== 'object') {
      throw new PartitionerError(`Partitioner options must be an object like { partitioner: 'hash' }, got ${describe(opts)}.`);
    }
    const { partitioner, hashFunction, partition, random, nullKey } = opts;
    if (typeof partitioner === 'function') {
      this.mode = MODE_FUNCTION;
    } else if (partitioner === 'hash' || partitioner === undefined) {
      this.mode = hashFunction === 'fnv1a' ? MODE_HASH_FNV1A : MODE_HASH_MURMUR2;
    } else if (partitioner === 'random') {
      this.mode = MODE_RANDOM;
    } else if (partitioner === 'round-robin') {
      this.mode = MODE_ROUND_ROBIN;
    } else if (partitioner === 'manual') {
      this.mode = MODE_MANUAL;
    } else {
      throw new PartitionerError(
        `Unknown partitioner ${describe(partitioner)}: use one of ${PARTITIONER_NAMES.map((n) => `'${n}'`).join(', ')} or a function (ctx) => partition.`,
      );
    }
    if (hashFunction !== undefined && hashFunction !== 'murmur2' && hashFunction !== 'fnv1a') {
      throw new PartitionerError(
        `Unknown hashFunction ${describe(hashFunction)}: use 'murmur2' (the Java client's partitions, the default) or 'fnv1a' (sarama's).`,
      );
    }
    if (nullKey !== undefined && nullKey !== 'sticky' && nullKey !== 'hash-empty') {
      throw new PartitionerError(
        `Unknown nullKey ${describe(nullKey)}: use 'sticky' (KIP-480, the Java client's, the default) or 'hash-empty' (the Go layer's: hashed as the empty key).`,
      );
    }
    this.hashNullAsEmpty = nullKey === 'hash-empty';
    if (partition !== undefined) {
      if (this.mode !== MODE_MANUAL) {
        throw new PartitionerError(
          `Option partition only applies to the 'manual' partitioner, not to ${describePartitioner(partitioner)}: ` +
            `remove it, use partitioner: 'manual', or give the partition per record.`,
        );
      }
      if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
        throw new PartitionerError(`Option partition must be a partition index (an integer >= 0), got ${describe(partition)}.`);
      }
    }
    if (random !== undefined && typeof random !== 'function') {
      throw new PartitionerError(`Option random must be a function returning a number in [0, 1), got ${describe(random)}.`);
    }
    this.fn = typeof partitioner === 'function' ? partitioner : null;
    this.manualPartition = partition ?? -1;
    this.random = random ?? Math.random;
  }

  /**
   * The partition of one record. `availablePartitions` lists the partitions whose leader is known,
   * ascending (may be empty: then every partition is a candidate). `explicitPartition` (the
   * record's own partition) wins over any partitioner once range-checked.
   */
  partition(
    topic: string,
    key: Buffer | null,
    partitionCount: number,
    availablePartitions: readonly number[],
    explicitPartition?: number,
  ): number {
    if (!(partitionCount > 0 && partitionCount <= 0x7fffffff && Number.isInteger(partitionCount))) {
      throw noPartitions(topic, partitionCount);
    }
    if (explicitPartition !== undefined && explicitPartition !== null) {
      return checkPartition(topic, explicitPartition, partitionCount, 'The record');
    }
    switch (this.mode) {
      case MODE_HASH_MURMUR2:
        if (key !== null && key !== undefined) return (murmur2(key) & 0x7fffffff) % partitionCount;
        if (this.hashNullAsEmpty) return (murmur2(EMPTY_KEY) & 0x7fffffff) % partitionCount;
        return this.stickyPartition(topic, partitionCount, availablePartitions);
      case MODE_HASH_FNV1A:
        if (key !== null && key !== undefined) return saramaPartitionForKey(key, partitionCount);
        if (this.hashNullAsEmpty) return saramaPartitionForKey(EMPTY_KEY, partitionCount);
        return this.stickyPartition(topic, partitionCount, availablePartitions);
      case MODE_RANDOM:
        if (this.repeatTopic !== null) {
          const again = this.repeat(topic, partitionCount);
          if (again >= 0) return again;
        }
        return this.pick(partitionCount, availablePartitions, -1);
      case MODE_ROUND_ROBIN: {
        if (this.repeatTopic !== null) {
          const again = this.repeat(topic, partitionCount);
          if (again >= 0) return again;
        }
        const next = this.counters.get(topic) ?? 0;
        this.counters.set(topic, (next + 1) | 0);
        const n = next & 0x7fffffff;
        const count = availablePartitions.length;
        return count > 0 ? availablePartitions[n % count] : n % partitionCount;
      }
      case MODE_MANUAL:
        if (this.manualPartition < 0) {
          throw new PartitionerError(
            `The 'manual' partitioner needs a partition: the record for topic "${topic}" has none and no default ` +
              `partition is configured. Give the record a partition, or set the partitioner option partition.`,
          );
        }
        return checkPartition(topic, this.manualPartition, partitionCount, "The 'manual' partitioner's configured");
      default:
        return this.callFunction(topic, key, partitionCount, availablePartitions);
    }
  }

  /**
   * What the partitioner does with a record's key: 0 ignores it (`random`, `round-robin`,
   * `manual`), 1 hashes it and forgets it (`hash`: the producer may pass a reused scratch view),
   * 2 hands it to user code (a function: it gets a Buffer of its own).
   */
  get keyUse(): 0 | 1 | 2 {
    if (this.mode === MODE_HASH_MURMUR2 || this.mode === MODE_HASH_FNV1A) return 1;
    return this.mode === MODE_FUNCTION ? 2 : 0;
  }

  /** Whether keyless records stick to one partition per batch (KIP-480): the `hash` partitioner. */
  get usesStickyPartitions(): boolean {
    return (this.mode === MODE_HASH_MURMUR2 || this.mode === MODE_HASH_FNV1A) && !this.hashNullAsEmpty;
  }

  /**
   * KIP-480: the batch the producer was filling for `previousPartition` of `topic` was sent or
   * closed. If that is the topic's sticky partition (or there is none yet), the next keyless record
   * gets a new sticky partition: a random available one (any when none is available), different
   * from `previousPartition` whenever there are at least two candidates. A batch of another
   * partition does not move the sticky partition.
   *
   * Only the `hash` partitioner is sticky. A producer that re-partitions the record that opened
   * the batch (partition, onNewBatch, partition) must not make `random`/`round-robin` skip a
   * partition (Java's KAFKA-9965): for them the next `partition()` call answers
   * `previousPartition` once if it is for the same topic (as Java's RoundRobinPartitioner does),
   * and the counter does not advance. Manual and user-function partitioners ignore it.
   */
  onNewBatch(topic: string, previousPartition: number, partitionCount: number, availablePartitions: readonly number[]): void {
    if (!(partitionCount > 0 && partitionCount <= 0x7fffffff && Number.isInteger(partitionCount))) {
      throw noPartitions(topic, partitionCount);
    }
    if (this.mode === MODE_RANDOM || this.mode === MODE_ROUND_ROBIN) {
      this.repeatTopic = topic;
      this.repeatPartition = previousPartition;
      return;
    }
    if ((this.mode !== MODE_HASH_MURMUR2 && this.mode !== MODE_HASH_FNV1A) || this.hashNullAsEmpty) return;
    const current = this.sticky.get(topic);
    if (current !== undefined && current !== previousPartition) return;
    this.sticky.set(topic, this.pick(partitionCount, availablePartitions, previousPartition));
  }

  /** random/round-robin after onNewBatch: the partition to answer again, -1 if none (the slot is used once). */
  private repeat(topic: string, partitionCount: number): number {
    const sameTopic = this.repeatTopic === topic;
    const p = this.repeatPartition;
    this.repeatTopic = null;
    this.repeatPartition = -1;
    return sameTopic && p >= 0 && p < partitionCount && Number.isInteger(p) ? p : -1;
  }

  /** The topic's sticky partition, chosen anew if it is out of range or no longer available. */
  private stickyPartition(topic: string, partitionCount: number, available: readonly number[]): number {
    const current = this.sticky.get(topic);
    if (current !== undefined && current < partitionCount && (available.length === 0 || indexOfSorted(available, current) >= 0)) {
      return current;
    }
    const next = this.pick(partitionCount, available, -1);
    this.sticky.set(topic, next);
    return next;
  }

  /** A uniformly random candidate (the available partitions, else all), other than `exclude` if possible. */
  private pick(partitionCount: number, available: readonly number[], exclude: number): number {
    const count = available.length;
    if (count === 0) {
      if (exclude >= 0 && exclude < partitionCount && partitionCount > 1) {
        const r = this.randomInt(partitionCount - 1);
        return r >= exclude ? r + 1 : r;
      }
      return this.randomInt(partitionCount);
    }
    if (count === 1) return available[0];
    const skip = exclude >= 0 ? indexOfSorted(available, exclude) : -1;
    if (skip >= 0) {
      const r = this.randomInt(count - 1);
      return available[r >= skip ? r + 1 : r];
    }
    return available[this.randomInt(count)];
  }

  /** An integer in [0, n). */
  private randomInt(n: number): number {
    const r = Math.floor(this.random() * n);
    return r >= n ? n - 1 : r > 0 ? r : 0;
  }

  private callFunction(topic: string, key: Buffer | null, partitionCount: number, availablePartitions: readonly number[]): number {
    let p: number;
    try {
      p = this.fn!({ topic, key, partitionCount, availablePartitions });
    } catch (e) {
      if (e instanceof PartitionerError) throw e;
      throw new PartitionerError(
        `The partitioner function threw for topic "${topic}": ${e instanceof Error ? e.message : String(e)}. ` +
          `Fix the function (the original error is the cause); it must return a partition index synchronously.`,
        { cause: e },
      );
    }
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= partitionCount) {
      throw new PartitionerError(
        `The partitioner function returned ${describe(p)} for topic "${topic}", which has ${partitionCount} partition(s): ` +
          `it must return an integer from 0 to ${partitionCount - 1}.`,
      );
    }
    return p;
  }
}

// ------------------------------------------------------------------ helpers

function checkPartition(topic: string, partition: number, partitionCount: number, whose: string): number {
  if (typeof partition === 'number' && Number.isInteger(partition) && partition >= 0 && partition < partitionCount) return partition | 0;
  throw new PartitionerError(
    `${whose} partition ${describe(partition)} is not a partition of topic "${topic}", which has ${partitionCount} ` +
      `partition(s): give an integer from 0 to ${partitionCount - 1}, or none to let the partitioner choose.`,
  );
}

function noPartitions(topic: string, partitionCount: number): PartitionerError {
  return new PartitionerError(
    `Cannot choose a partition of topic "${topic}": its partition count is ${describe(partitionCount)}. ` +
      `Partition only with the metadata of an existing topic (a positive partition count).`,
  );
}

/** Index of `value` in an ascending array, -1 if absent (binary search, no allocation). */
function indexOfSorted(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function describePartitioner(p: unknown): string {
  return typeof p === 'function' ? 'a partitioner function' : `'${String(p)}'`;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null || v === undefined) {
    return Object.is(v, -0) ? '-0' : String(v);
  }
  if (typeof v === 'function') return 'a function';
  return `a ${Object.prototype.toString.call(v).slice(8, -1)}`;
}
