/**
 * The classic consumer protocol's embedded formats, versions 0-3, never flexible
 * (ConsumerProtocolSubscription.json, ConsumerProtocolAssignment.json): "data" messages, not
 * request/response pairs. A consumer puts a Subscription in JoinGroup's protocol metadata and
 * the group leader hands each member an Assignment in SyncGroup's assignment bytes.
 *
 * On the wire each is prefixed by its version (Java: `ConsumerProtocol.serializeSubscription`
 * -> `MessageUtil.toVersionPrefixedByteBuffer`):
 *
 *     int16 version | the struct written in that version
 *
 * Java reads forward-compatibly (`ConsumerProtocol.deserializeSubscription`): a version above
 * the highest it knows is read as the highest it knows and whatever follows is ignored (the
 * specs promise that new versions only append fields); a negative version is an error; bytes
 * after the struct are never checked, whatever the version. Asked to write a version above the
 * highest it knows, Java writes the highest (version prefix included). The envelope functions
 * below do the same.
 *
 * Version history: v1 added OwnedPartitions (KIP-429, cooperative rebalancing), v2
 * GenerationId, v3 RackId (KIP-881, rack-aware assignment). The Assignment has not changed
 * since v0; its versions follow the Subscription's.
 */
import { ProtocolDecodeError, ProtocolEncodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';

/** Highest ConsumerProtocolSubscription version of Kafka 4.2 (and of this codec). */
export const CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION = 3;
/** Highest ConsumerProtocolAssignment version of Kafka 4.2 (and of this codec). */
export const CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION = 3;

/** A topic and some of its partitions (the specs' TopicPartition struct, keyed by topic). */
export interface ConsumerProtocolTopicPartition {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolSubscription {
  /** Topics: the topics the member wants to consume. */
  topics: string[];
  /** UserData, nullable, default null: the assignor's opaque data. */
  userData: Buffer | null;
  /** OwnedPartitions, versions 1+ (ignorable): the partitions the member owns (KIP-429). */
  ownedPartitions: ConsumerProtocolTopicPartition[];
  /** GenerationId, versions 2+ (ignorable), default -1: the generation of ownedPartitions. */
  generationId: number;
  /** RackId, versions 3+ (ignorable), nullable, default null. */
  rackId: string | null;
}

export interface ConsumerProtocolAssignment {
  /** AssignedPartitions: the partitions assigned to this member. */
  assignedPartitions: ConsumerProtocolTopicPartition[];
  /** UserData, nullable, default null: the assignor's opaque data. */
  userData: Buffer | null;
}

function writeTopicPartitions(w: Writer, items: readonly ConsumerProtocolTopicPartition[]): void {
  w.array(items, (w, t) => {
    w.string(t.topic); //                                    Topic string, versions 0+ (1+ in Subscription)
    w.array(t.partitions, (w, p) => w.int32(p)); //          Partitions []int32, versions 0+ (1+ in Subscription)
  });
}

function readTopicPartitions(r: Reader): ConsumerProtocolTopicPartition[] {
  return r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32(), 4) }));
}

function checkStructVersion(message: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new ProtocolEncodeError(`${message} has versions 0-${max}, not ${v}`);
  }
}

/** The ConsumerProtocolSubscription struct in version `v` (0-3), without the version prefix. */
export function encodeConsumerProtocolSubscription(w: Writer, m: ConsumerProtocolSubscription, v: number): void {
  checkStructVersion('ConsumerProtocolSubscription', v, CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION);
  w.array(m.topics, (w, t) => w.string(t)); //               Topics []string, versions 0+
  w.nullableBytes(m.userData); //                            UserData bytes, versions 0+, nullable 0+
  if (v >= 1) writeTopicPartitions(w, m.ownedPartitions); // OwnedPartitions []TopicPartition, versions 1+ (ignorable)
  if (v >= 2) w.int32(m.generationId); //                    GenerationId int32, versions 2+ (ignorable)
  if (v >= 3) w.nullableString(m.rackId); //                 RackId string, versions 3+, nullable 3+ (ignorable)
}

/** Reads the ConsumerProtocolSubscription struct in version `v` (0-3); fields after it are left unread. */
export function decodeConsumerProtocolSubscription(r: Reader, v: number): ConsumerProtocolSubscription {
  return {
    topics: r.array((r) => r.string()),
    userData: r.nullableBytes(),
    ownedPartitions: v >= 1 ? readTopicPartitions(r) : [],
    generationId: v >= 2 ? r.int32() : -1,
    rackId: v >= 3 ? r.nullableString() : null,
  };
}

/** The ConsumerProtocolAssignment struct in version `v` (0-3), without the version prefix. */
export function encodeConsumerProtocolAssignment(w: Writer, m: ConsumerProtocolAssignment, v: number): void {
  checkStructVersion('ConsumerProtocolAssignment', v, CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION);
  writeTopicPartitions(w, m.assignedPartitions); //          AssignedPartitions []TopicPartition, versions 0+
  w.nullableBytes(m.userData); //                            UserData bytes, versions 0+, nullable 0+
}

/** Reads the ConsumerProtocolAssignment struct in version `v` (0-3); fields after it are left unread. */
export function decodeConsumerProtocolAssignment(r: Reader, _v: number): ConsumerProtocolAssignment {
  return {
    assignedPartitions: readTopicPartitions(r),
    userData: r.nullableBytes(),
  };
}

// ------------------------------------------------------------------ the version-prefixed envelope

/** Java's checkSubscriptionVersion/checkAssignmentVersion: negative is an error, above the highest is the highest. */
function writableVersion(message: string, version: number, max: number): number {
  if (!Number.isInteger(version) || version < 0 || version > 0x7fff) {
    throw new ProtocolEncodeError(`unsupported ${message} version ${version}`);
  }
  return Math.min(version, max);
}

function readVersion(r: Reader, message: string): number {
  const at = r.pos;
  const version = r.int16(); //                              int16 version (the envelope's header)
  if (version < 0) throw new ProtocolDecodeError(`unsupported ${message} version ${version}`, at);
  return version;
}

/**
 * A Subscription as carried in JoinGroup's protocol metadata: int16 version, then the struct.
 * A version above {@link CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION} is written as that one
 * (prefix included), as Java does. Fields absent from the version are dropped (all ignorable).
 */
export function encodeSubscription(
  sub: ConsumerProtocolSubscription,
  version: number = CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION,
): Buffer {
  const v = writableVersion('ConsumerProtocolSubscription', version, CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION);
  const w = new Writer();
  w.int16(v);
  encodeConsumerProtocolSubscription(w, sub, v);
  return Buffer.from(w.finish());
}

/**
 * Reads JoinGroup protocol metadata as a Subscription. `version` is the version on the wire;
 * one above {@link CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION} is read as that one and the
 * bytes after it are ignored (Java's forward-compatible reading). Throws
 * {@link ProtocolDecodeError} on a negative version or truncated bytes. `userData` is a view of
 * `bytes`.
 */
export function decodeSubscription(bytes: Buffer): { version: number; subscription: ConsumerProtocolSubscription } {
  const r = new Reader(bytes);
  const version = readVersion(r, 'ConsumerProtocolSubscription');
  const subscription = decodeConsumerProtocolSubscription(r, Math.min(version, CONSUMER_PROTOCOL_SUBSCRIPTION_MAX_VERSION));
  return { version, subscription };
}

/**
 * An Assignment as carried in SyncGroup's assignment bytes: int16 version, then the struct.
 * A version above {@link CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION} is written as that one.
 */
export function encodeAssignment(
  a: ConsumerProtocolAssignment,
  version: number = CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION,
): Buffer {
  const v = writableVersion('ConsumerProtocolAssignment', version, CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION);
  const w = new Writer();
  w.int16(v);
  encodeConsumerProtocolAssignment(w, a, v);
  return Buffer.from(w.finish());
}

/**
 * Reads SyncGroup assignment bytes as an Assignment; newer versions and trailing bytes as in
 * {@link decodeSubscription}. Zero bytes (what SyncGroup gives a member the leader left out)
 * are a truncated message here, as in Java ("Buffer underflow while parsing consumer protocol's
 * header"): a caller that wants to treat them as "no assignment" checks the length first.
 */
export function decodeAssignment(bytes: Buffer): { version: number; assignment: ConsumerProtocolAssignment } {
  const r = new Reader(bytes);
  const version = readVersion(r, 'ConsumerProtocolAssignment');
  const assignment = decodeConsumerProtocolAssignment(r, Math.min(version, CONSUMER_PROTOCOL_ASSIGNMENT_MAX_VERSION));
  return { version, assignment };
}
