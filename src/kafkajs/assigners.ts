/**
 * KafkaJS's `AssignerProtocol` (the consumer protocol's member metadata and assignment, version
 * 0 as KafkaJS writes them) and `PartitionAssigners`. `PartitionAssigners.roundRobin` selects
 * kafkaesque's round-robin under KafkaJS's protocol name, so a group may hold KafkaJS consumers
 * and these ones; a custom KafkaJS assigner runs as a native PartitionAssignor (nativeAssignors).
 */
import type { AssignorPartitionInfo, MemberAssignment as NativeMemberAssignment, PartitionAssignor as NativePartitionAssignor } from '../index.js';
import { KafkaJSNonRetriableError, KafkaJSNotImplemented, KafkaJSTopicMetadataNotLoaded } from './errors.js';
import type { PartitionMetadata } from './partitioners.js';

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

/**
 * The `cluster` a custom assigner's factory gets: the two synchronous lookups assigners use,
 * read from the metadata the group leader assigned from (kept from the last assignment this
 * consumer led). Before this consumer first leads an assignment no topic is loaded:
 * KafkaJSTopicMetadataNotLoaded, as KafkaJS throws for a topic it has no metadata of.
 */
export interface AssignerCluster {
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
}

export interface GroupMember {
  memberId: string;
  memberMetadata: Buffer;
}
export interface GroupMemberAssignment {
  memberId: string;
  memberAssignment: Buffer;
}
export interface GroupState {
  name: string;
  metadata: Buffer;
}
/** What a KafkaJS assigner factory returns. */
export interface Assigner {
  name: string;
  version: number;
  assign(group: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]>;
  protocol(subscription: { topics: string[] }): GroupState;
}

/**
 * A partition assigner: KafkaJS's `({ cluster, groupId, logger }) => Assigner`, or one of the
 * markers below (`kafkaesqueAssignor` set), which select one of kafkaesque's own assignors.
 */
export interface PartitionAssigner {
  (config: { cluster: AssignerCluster; groupId: string; logger: unknown }): Assigner;
  readonly kafkaesqueAssignor?: 'RoundRobinAssigner' | 'range' | 'roundrobin' | 'cooperative-sticky';
}

type BuiltInName = NonNullable<PartitionAssigner['kafkaesqueAssignor']>;

function assigner(kafkaesqueAssignor: BuiltInName): PartitionAssigner {
  // Called as a KafkaJS factory (by an application wrapping it), it describes itself; the
  // assignment itself is kafkaesque's, run natively by the consumer.
  const f = (() => ({
    name: kafkaesqueAssignor,
    version: 0,
    protocol({ topics }: { topics: string[] }): GroupState {
      return { name: kafkaesqueAssignor, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics }) };
    },
    async assign(): Promise<GroupMemberAssignment[]> {
      throw new KafkaJSNotImplemented(`kafkaesque/kafkajs runs '${kafkaesqueAssignor}' itself: pass the assigner in partitionAssigners instead of calling it`);
    },
  })) as unknown as PartitionAssigner;
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

// ---------------------------------------------------------------- custom assigners

/** The native assignors of one consumer's `partitionAssigners`, made once per consumer (KafkaJS calls the factories once, in kafka.consumer()). */
const made = new WeakMap<object, Array<BuiltInName | NativePartitionAssignor>>();

/**
 * `partitionAssigners` as native `Config.assignors`: a marker becomes its assignor's name, a
 * custom assigner a native PartitionAssignor around the Assigner its factory returns (the
 * factory called once per `owner`, a consumer, with `{ cluster, groupId, logger }`).
 */
export function nativeAssignors(
  owner: object,
  assigners: readonly PartitionAssigner[],
  context: { groupId: string; logger: unknown },
): Array<BuiltInName | NativePartitionAssignor> {
  let out = made.get(owner);
  if (out === undefined) {
    out = assigners.map((a, i) => {
      if (typeof a !== 'function') throw new KafkaJSNonRetriableError(`partitionAssigners[${i}] is not a function: give ({ cluster, groupId, logger }) => ({ name, version, assign, protocol })`);
      return a.kafkaesqueAssignor ?? fromKafkaJSAssigner(a, context, i);
    });
    made.set(owner, out);
  }
  return out;
}

function fromKafkaJSAssigner(factory: PartitionAssigner, context: { groupId: string; logger: unknown }, index: number): NativePartitionAssignor {
  /** The metadata of the last assignment this consumer led; what `cluster` answers from. */
  let metadata: ReadonlyMap<string, readonly AssignorPartitionInfo[]> = new Map();
  /** The topics of this consumer's last subscription: what KafkaJS gives assign() (the leader's subscribed topics). */
  let topics: string[] = [];
  const partitionsOf = (topic: string): readonly AssignorPartitionInfo[] => {
    const ps = metadata.get(topic);
    if (ps === undefined) throw new KafkaJSTopicMetadataNotLoaded(`Topic metadata not loaded for "${topic}": kafkaesque/kafkajs has it once this consumer led an assignment of the topic`, { topic });
    return ps;
  };
  const cluster: AssignerCluster = {
    findTopicPartitionMetadata(topic: string): PartitionMetadata[] {
      return partitionsOf(topic).map((p) => ({ partitionErrorCode: p.errorCode, partitionId: p.partition, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }));
    },
    findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]> {
      const out: Record<string, number[]> = {};
      for (const p of partitionsOf(topic)) if (partitions.includes(p.partition)) (out[String(p.leader)] ??= []).push(p.partition);
      return out;
    },
  };
  let a: Assigner;
  try {
    a = factory({ cluster, groupId: context.groupId, logger: context.logger });
  } catch (err) {
    throw new KafkaJSNonRetriableError(`partitionAssigners[${index}] threw when called with { cluster, groupId, logger }: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const bad = (what: string): never => {
    throw new KafkaJSNonRetriableError(`partitionAssigners[${index}] returned ${what}: an assigner is { name, version, assign({ members, topics }), protocol({ topics }) }`);
  };
  if (a === null || typeof a !== 'object') bad(String(a));
  if (typeof a.name !== 'string' || a.name === '') bad('an assigner without a name');
  if (typeof a.assign !== 'function') bad(`an assigner '${a.name}' without assign()`);
  if (typeof a.protocol !== 'function') bad(`an assigner '${a.name}' without protocol()`);
  const version = Number.isInteger(a.version) ? a.version : 0;
  const name = a.name;
  return {
    name,
    rebalanceProtocols: ['EAGER'],
    subscriptionUserData(subscribed: readonly string[]): Buffer {
      topics = [...subscribed];
      // the assigner's method, called on it (KafkaJS assigners use this.name and this.version)
      const state = a.protocol({ topics: [...subscribed] });
      if (state?.name !== name) throw new KafkaJSNonRetriableError(`protocol() of assigner '${name}' returned the name ${JSON.stringify(state?.name)}: it must return its own name`);
      if (!Buffer.isBuffer(state.metadata)) throw new KafkaJSNonRetriableError(`protocol() of assigner '${name}' returned metadata that is not a Buffer: use AssignerProtocol.MemberMetadata.encode`);
      // the topics are the consumer's own (kafkaesque writes the subscription); the userData is the assigner's
      return AssignerProtocol.MemberMetadata.decode(state.metadata)?.userData ?? Buffer.alloc(0);
    },
    async assign(_counts, members, _generationId, leaderMetadata): Promise<Map<string, NativeMemberAssignment>> {
      metadata = leaderMetadata;
      const group = members.map((m) => ({
        memberId: m.memberId,
        // every member's subscription as KafkaJS's MemberMetadata in the assigner's version, as a
        // group of KafkaJS consumers running this assigner would have sent it
        memberMetadata: AssignerProtocol.MemberMetadata.encode({ version, topics: m.topics, userData: m.userData ?? Buffer.alloc(0) }),
      }));
      const plan: unknown = await a.assign({ members: group, topics: [...topics] });
      if (!Array.isArray(plan)) throw new KafkaJSNonRetriableError(`assign() of assigner '${name}' returned ${typeof plan}, not an array of { memberId, memberAssignment }`);
      const out = new Map<string, NativeMemberAssignment>();
      for (const entry of plan as Array<Partial<GroupMemberAssignment> | null>) {
        if (typeof entry?.memberId !== 'string' || !Buffer.isBuffer(entry.memberAssignment)) {
          throw new KafkaJSNonRetriableError(`assign() of assigner '${name}' returned an entry that is not { memberId, memberAssignment: Buffer }`);
        }
        const decoded = AssignerProtocol.MemberAssignment.decode(entry.memberAssignment);
        const partitions = Object.entries(decoded?.assignment ?? {}).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
        const had = out.get(entry.memberId);
        out.set(entry.memberId, { partitions: [...(had?.partitions ?? []), ...partitions], userData: decoded?.userData ?? null });
      }
      return out;
    },
  };
}
