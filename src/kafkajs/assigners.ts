/**
 * KafkaJS's `AssignerProtocol` (the consumer protocol's member metadata and assignment, version
 * 0 as KafkaJS writes them) and `PartitionAssigners`. kafkaesque's consumer assigns itself;
 * `PartitionAssigners.roundRobin` selects its round-robin under KafkaJS's protocol name, so a
 * group may hold KafkaJS consumers and these ones.
 */
import { KafkaJSNonRetriableError } from './errors.js';

export interface MemberMetadata {
  version: number;
  topics: string[];
  userData: Buffer;
}
export interface MemberAssignment {
  version: number;
  assignment: Record<string, number[]>;
  userData: Buffer;
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}
function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function bytes(b: Buffer | null | undefined): Buffer {
  return b ? Buffer.concat([int32(b.length), b]) : int32(-1);
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new KafkaJSNonRetriableError('Truncated consumer protocol data');
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  string(): string {
    const n = this.int16();
    this.need(n);
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return Buffer.alloc(0);
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return Buffer.from(b);
  }
  array<T>(item: () => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
  get done(): boolean {
    return this.at >= this.buf.length;
  }
}

export const AssignerProtocol = Object.freeze({
  MemberMetadata: {
    encode({ version, topics, userData }: { version: number; topics: string[]; userData?: Buffer }): Buffer {
      return Buffer.concat([int16(version), int32(topics.length), ...topics.map(str), bytes(userData ?? Buffer.alloc(0))]);
    },
    decode(buffer: Buffer | null): MemberMetadata | null {
      if (!buffer || buffer.length === 0) return null;
      const r = new Reader(buffer);
      const version = r.int16();
      const topics = r.array(() => r.string());
      const userData = r.done ? Buffer.alloc(0) : r.bytes();
      return { version, topics, userData };
    },
  },
  MemberAssignment: {
    encode({ version, assignment, userData }: { version: number; assignment: Record<string, number[]>; userData?: Buffer }): Buffer {
      const topics = Object.entries(assignment);
      const parts = topics.map(([t, ps]) => Buffer.concat([str(t), int32(ps.length), ...ps.map(int32)]));
      return Buffer.concat([int16(version), int32(topics.length), ...parts, bytes(userData ?? Buffer.alloc(0))]);
    },
    decode(buffer: Buffer | null): MemberAssignment | null {
      if (!buffer || buffer.length === 0) return null;
      const r = new Reader(buffer);
      const version = r.int16();
      const assignment: Record<string, number[]> = {};
      for (const [t, ps] of r.array(() => [r.string(), r.array(() => r.int32())] as const)) assignment[t] = ps;
      const userData = r.done ? Buffer.alloc(0) : r.bytes();
      return { version, assignment, userData };
    },
  },
});

/** An assigner as the compatibility layer takes it: a marker naming one of kafkaesque's assignors. */
export interface PartitionAssigner {
  (config: unknown): { name: string; version: number };
  readonly kafkaesqueAssignor: 'RoundRobinAssigner' | 'range' | 'roundrobin' | 'cooperative-sticky';
}

function assigner(kafkaesqueAssignor: PartitionAssigner['kafkaesqueAssignor']): PartitionAssigner {
  const f = (() => ({ name: kafkaesqueAssignor, version: 0 })) as unknown as PartitionAssigner;
  Object.defineProperty(f, 'kafkaesqueAssignor', { value: kafkaesqueAssignor });
  return f;
}

export const PartitionAssigners = Object.freeze({
  /** KafkaJS's default: round-robin, protocol name "RoundRobinAssigner". */
  roundRobin: assigner('RoundRobinAssigner'),
});

/** kafkaesque extra assigners, selectable in `partitionAssigners` (Java's names and algorithms). */
export const KafkaesqueAssigners = Object.freeze({
  range: assigner('range'),
  roundrobin: assigner('roundrobin'),
  cooperativeSticky: assigner('cooperative-sticky'),
});
