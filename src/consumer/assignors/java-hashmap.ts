/**
 * Java's `HashMap`/`HashSet` iteration order, emulated: where the outcome of Java's assignors
 * depends on it (see index.ts), ours must iterate the same keys in the same order.
 */
import type { TopicPartition } from './types.js';

const stringHashCache = new Map<string, number>();

/** java.lang.String.hashCode. */
export function javaStringHashCode(s: string): number {
  let h = stringHashCache.get(s);
  if (h !== undefined) return h;
  h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  if (stringHashCache.size > 10_000) stringHashCache.clear();
  stringHashCache.set(s, h);
  return h;
}

/** org.apache.kafka.common.TopicPartition.hashCode. */
export function tpHashCode(tp: TopicPartition): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHashCode(tp.topic)) | 0;
}

/**
 * The key order of a java.util.HashMap/HashSet created with the default constructor, under the
 * same sequence of insertions and removals: buckets by spread hash, insertion order inside a
 * bucket, table doubling at 0.75 load and when a bucket reaches 9 entries in a table of less
 * than 64 buckets (treeifyBin). Keys are compared by identity (strings: by value).
 */
export class JavaHashSet<K> {
  private table: K[][] | null = null;
  private count = 0;
  private threshold = 0;

  constructor(private readonly hashOf: (k: K) => number) {}

  get size(): number {
    return this.count;
  }

  private index(k: K, cap: number): number {
    const h = this.hashOf(k);
    return (h ^ (h >>> 16)) & (cap - 1);
  }

  add(k: K): boolean {
    if (!this.table) this.resize();
    const bin = this.table![this.index(k, this.table!.length)];
    if (bin.includes(k)) return false;
    bin.push(k);
    if (bin.length >= 9 && this.table!.length < 64) this.resize(); // treeifyBin on a small table
    if (++this.count > this.threshold) this.resize();
    return true;
  }

  delete(k: K): boolean {
    if (!this.table) return false;
    const bin = this.table[this.index(k, this.table.length)];
    const i = bin.indexOf(k);
    if (i < 0) return false;
    bin.splice(i, 1);
    this.count--;
    return true;
  }

  /** iterator().next() */
  first(): K | undefined {
    if (this.table) for (const bin of this.table) if (bin.length > 0) return bin[0];
    return undefined;
  }

  /** Bucket count (0 before the first insertion): with keys(), the whole table layout. */
  get capacity(): number {
    return this.table ? this.table.length : 0;
  }

  keys(): K[] {
    const out: K[] = [];
    if (this.table) for (const bin of this.table) out.push(...bin);
    return out;
  }

  private resize(): void {
    const oldCap = this.table ? this.table.length : 0;
    const cap = oldCap === 0 ? 16 : oldCap * 2;
    this.threshold = (cap * 3) / 4;
    const table: K[][] = Array.from({ length: cap }, () => []);
    // Java splits each bucket into a low and a high one keeping relative order: the same as
    // re-appending every key in iteration order.
    if (this.table) for (const bin of this.table) for (const k of bin) table[this.index(k, cap)].push(k);
    this.table = table;
  }
}

/** Iteration order of `new HashMap<String, V>()` after putting `keys` in this order. */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const set = new JavaHashSet<string>(javaStringHashCode);
  for (const k of keys) set.add(k);
  return set.keys();
}
