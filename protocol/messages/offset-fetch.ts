/**
 * OffsetFetch (key 9), versions 1-10, flexible 6+ (OffsetFetchRequest.json,
 * OffsetFetchResponse.json). Reads a group's committed offsets.
 *
 * v0 (offsets in ZooKeeper) was removed in Kafka 4.0 (KIP-896). Versions: 2 a null Topics
 * array asks for every topic, and the response gains a top-level ErrorCode; 3 adds
 * ThrottleTimeMs; 4 the response is sent before quota throttling; 5 CommittedLeaderEpoch in the
 * response; 6 first flexible; 7 RequireStable (KIP-447: UNSTABLE_OFFSET_COMMIT while a
 * transactional commit is pending); 8 batches groups (Groups in both directions in place of
 * GroupId/Topics, KIP-709); 9 MemberId and MemberEpoch for the consumer group protocol
 * (KIP-848); 10 addresses topics by TopicId instead of Name (KIP-848; UNKNOWN_TOPIC_ID).
 * v10 is stable in Kafka 4.2.1.
 */
import { type ApiCodec, fieldNotInVersion, headerVersions, ZERO_UUID } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

/** A topic of the single-group request, versions 0-7. */
export interface OffsetFetchRequestTopic extends WithUnknownTags {
  name: string;
  partitionIndexes: number[];
}

/** A topic of a group of the batched request, versions 8+. */
export interface OffsetFetchRequestTopics extends WithUnknownTags {
  /** Name, versions 8-9. */
  name: string;
  /** TopicId, versions 10+. */
  topicId: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup extends WithUnknownTags {
  groupId: string;
  /** MemberId, versions 9+, nullable, default null (KIP-848 members only). */
  memberId: string | null;
  /** MemberEpoch, versions 9+, default -1 (KIP-848 members only). */
  memberEpoch: number;
  /** Topics, nullable (null: all topics). */
  topics: OffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequest extends WithUnknownTags {
  /** GroupId, versions 0-7 (use Groups from v8). */
  groupId: string;
  /** Topics, versions 0-7, nullable 2-7 (null: all topics); must be [] from v8. */
  topics: OffsetFetchRequestTopic[] | null;
  /** Groups, versions 8+. */
  groups: OffsetFetchRequestGroup[];
  /** RequireStable, versions 7+, default false. */
  requireStable: boolean;
}

/** A partition of the single-group response, versions 0-7. */
export interface OffsetFetchResponsePartition extends WithUnknownTags {
  partitionIndex: number;
  committedOffset: bigint;
  /** CommittedLeaderEpoch, versions 5-7, default -1. */
  committedLeaderEpoch: number;
  /** Metadata, nullable. */
  metadata: string | null;
  errorCode: number;
}

/** A topic of the single-group response, versions 0-7. */
export interface OffsetFetchResponseTopic extends WithUnknownTags {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

/** A partition of a group of the batched response, versions 8+. */
export interface OffsetFetchResponsePartitions extends WithUnknownTags {
  partitionIndex: number;
  committedOffset: bigint;
  /** CommittedLeaderEpoch, default -1. */
  committedLeaderEpoch: number;
  /** Metadata, nullable. */
  metadata: string | null;
  errorCode: number;
}

/** A topic of a group of the batched response, versions 8+. */
export interface OffsetFetchResponseTopics extends WithUnknownTags {
  /** Name, versions 8-9. */
  name: string;
  /** TopicId, versions 10+. */
  topicId: string;
  partitions: OffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponseGroup extends WithUnknownTags {
  groupId: string;
  topics: OffsetFetchResponseTopics[];
  /** ErrorCode, the group-level error, default 0. */
  errorCode: number;
}

export interface OffsetFetchResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 3+. */
  throttleTimeMs: number;
  /** Topics, versions 0-7. */
  topics: OffsetFetchResponseTopic[];
  /** ErrorCode, versions 2-7, default 0 (top-level error). */
  errorCode: number;
  /** Groups, versions 8+. */
  groups: OffsetFetchResponseGroup[];
}

/** The first version that addresses topics by TopicId alone (KIP-848); below it, by Name. */
export const OFFSET_FETCH_FIRST_TOPIC_ID_VERSION = 10;

/** A topic to read the committed offsets of, by name and id (the version picks which is sent). */
export interface OffsetFetchTopicQuery {
  name: string;
  topicId: string;
  partitionIndexes: number[];
}

/**
 * The request for one group's committed offsets in `version`'s shape: from v8 in Groups
 * (KIP-709), before in GroupId/Topics. `requireStable` (KIP-447) is sent from v7 on.
 */
export function offsetFetchRequest(version: number, groupId: string, topics: readonly OffsetFetchTopicQuery[], requireStable: boolean): OffsetFetchRequest {
  if (version >= 8) {
    return {
      groupId: '',
      topics: [],
      requireStable,
      groups: [{ groupId, memberId: null, memberEpoch: -1, topics: topics.map(({ name, topicId, partitionIndexes }) => ({ name, topicId, partitionIndexes })) }],
    };
  }
  return {
    groupId,
    topics: topics.map(({ name, partitionIndexes }) => ({ name, partitionIndexes })),
    groups: [],
    requireStable: requireStable && version >= 7,
  };
}

/**
 * The groups of a response in the v8+ shape: before v8 the single group's error and topics
 * are at the top level (its topics named, with no id).
 */
export function offsetFetchResponseGroups(version: number, res: OffsetFetchResponse): OffsetFetchResponseGroup[] {
  if (version >= 8) return res.groups;
  return [
    {
      groupId: '',
      errorCode: res.errorCode,
      topics: res.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, partitions: t.partitions })),
    },
  ];
}

const FIRST_FLEXIBLE = 6;
const REQ = 'OffsetFetchRequest';
const RES = 'OffsetFetchResponse';

function encodeRequest(w: Writer, m: OffsetFetchRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v <= 7) {
    w.stringF(m.groupId, flexible); //                       GroupId string, versions 0-7
    if (m.topics === null && v < 2) fieldNotInVersion(REQ, 'a null Topics array (all topics)', v);
    w.nullableArrayF(m.topics, flexible, (w, t) => { //      Topics []OffsetFetchRequestTopic, versions 0-7, nullable 2-7
      w.stringF(t.name, flexible); //                        Name string, versions 0-7
      w.arrayF(t.partitionIndexes, flexible, (w, p) => w.int32(p)); // PartitionIndexes []int32, versions 0-7
      if (flexible) w.taggedFields(null, t.unknownTaggedFields);
    });
  } else {
    if (m.groupId !== '') fieldNotInVersion(REQ, 'a top-level GroupId (use Groups)', v);
    if (m.topics === null || m.topics.length > 0) fieldNotInVersion(REQ, 'top-level Topics (use Groups)', v);
  }
  if (v >= 8) {
    w.compactArray(m.groups, (w, g) => { //                  Groups []OffsetFetchRequestGroup, versions 8+
      w.compactString(g.groupId); //                         GroupId string, versions 8+
      if (v >= 9) w.compactNullableString(g.memberId); //    MemberId string, versions 9+, nullable 9+ (ignorable)
      if (v >= 9) w.int32(g.memberEpoch); //                 MemberEpoch int32, versions 9+ (ignorable)
      w.compactNullableArray(g.topics, (w, t) => { //        Topics []OffsetFetchRequestTopics, versions 8+, nullable 8+
        if (v <= 9) w.compactString(t.name); //              Name string, versions 8-9 (ignorable)
        if (v >= 10) w.uuid(t.topicId); //                   TopicId uuid, versions 10+ (ignorable)
        w.compactArray(t.partitionIndexes, (w, p) => w.int32(p)); // PartitionIndexes []int32, versions 8+
        w.taggedFields(null, t.unknownTaggedFields);
      });
      w.taggedFields(null, g.unknownTaggedFields);
    });
  } else if (m.groups.length > 0) {
    fieldNotInVersion(REQ, 'Groups (use GroupId and Topics)', v);
  }
  if (v >= 7) w.bool(m.requireStable); //                    RequireStable bool, versions 7+
  else if (m.requireStable) fieldNotInVersion(REQ, 'RequireStable=true', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): OffsetFetchRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const readTopic = (r: Reader): OffsetFetchRequestTopic => {
    const t: OffsetFetchRequestTopic = {
      name: r.stringF(flexible),
      partitionIndexes: r.arrayF(flexible, (r) => r.int32(), 4),
    };
    return flexible ? r.tagsInto(t) : t;
  };
  const m: OffsetFetchRequest = {
    groupId: v <= 7 ? r.stringF(flexible) : '',
    topics: v <= 7 ? (v >= 2 ? r.nullableArrayF(flexible, readTopic) : r.arrayF(flexible, readTopic)) : [],
    groups:
      v >= 8
        ? r.compactArray((r) => {
            const g: OffsetFetchRequestGroup = {
              groupId: r.compactString(),
              memberId: v >= 9 ? r.compactNullableString() : null,
              memberEpoch: v >= 9 ? r.int32() : -1,
              topics: r.compactNullableArray((r) =>
                r.tagsInto<OffsetFetchRequestTopics>({
                  name: v <= 9 ? r.compactString() : '',
                  topicId: v >= 10 ? r.uuid() : ZERO_UUID,
                  partitionIndexes: r.compactArray((r) => r.int32(), 4),
                }),
              ),
            };
            return r.tagsInto(g);
          })
        : [],
    requireStable: v >= 7 ? r.bool() : false,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: OffsetFetchResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 3) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 3+ (ignorable)
  if (v <= 7) {
    w.arrayF(m.topics, flexible, (w, t) => { //              Topics []OffsetFetchResponseTopic, versions 0-7
      w.stringF(t.name, flexible); //                        Name string, versions 0-7
      w.arrayF(t.partitions, flexible, (w, p) => { //        Partitions []OffsetFetchResponsePartition, versions 0-7
        w.int32(p.partitionIndex); //                        PartitionIndex int32, versions 0-7
        w.int64(p.committedOffset); //                       CommittedOffset int64, versions 0-7
        if (v >= 5) w.int32(p.committedLeaderEpoch); //      CommittedLeaderEpoch int32, versions 5-7 (ignorable)
        w.nullableStringF(p.metadata, flexible); //          Metadata string, versions 0-7, nullable 0-7
        w.int16(p.errorCode); //                             ErrorCode int16, versions 0-7
        if (flexible) w.taggedFields(null, p.unknownTaggedFields);
      });
      if (flexible) w.taggedFields(null, t.unknownTaggedFields);
    });
    if (v >= 2) w.int16(m.errorCode); //                     ErrorCode int16, versions 2-7 (ignorable)
  } else if (m.topics.length > 0) {
    fieldNotInVersion(RES, 'top-level Topics (use Groups)', v);
  }
  if (v >= 8) {
    w.compactArray(m.groups, (w, g) => { //                  Groups []OffsetFetchResponseGroup, versions 8+
      w.compactString(g.groupId); //                         GroupId string, versions 8+
      w.compactArray(g.topics, (w, t) => { //                Topics []OffsetFetchResponseTopics, versions 8+
        if (v <= 9) w.compactString(t.name); //              Name string, versions 8-9 (ignorable)
        if (v >= 10) w.uuid(t.topicId); //                   TopicId uuid, versions 10+ (ignorable)
        w.compactArray(t.partitions, (w, p) => { //          Partitions []OffsetFetchResponsePartitions, versions 8+
          w.int32(p.partitionIndex); //                      PartitionIndex int32, versions 8+
          w.int64(p.committedOffset); //                     CommittedOffset int64, versions 8+
          w.int32(p.committedLeaderEpoch); //                CommittedLeaderEpoch int32, versions 8+
          w.compactNullableString(p.metadata); //            Metadata string, versions 8+, nullable 8+
          w.int16(p.errorCode); //                           ErrorCode int16, versions 8+
          w.taggedFields(null, p.unknownTaggedFields);
        });
        w.taggedFields(null, t.unknownTaggedFields);
      });
      w.int16(g.errorCode); //                               ErrorCode int16, versions 8+
      w.taggedFields(null, g.unknownTaggedFields);
    });
  } else if (m.groups.length > 0) {
    fieldNotInVersion(RES, 'Groups', v);
  }
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): OffsetFetchResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: OffsetFetchResponse = {
    throttleTimeMs: v >= 3 ? r.int32() : 0,
    topics:
      v <= 7
        ? r.arrayF(flexible, (r) => {
            const t: OffsetFetchResponseTopic = {
              name: r.stringF(flexible),
              partitions: r.arrayF(flexible, (r) => {
                const p: OffsetFetchResponsePartition = {
                  partitionIndex: r.int32(),
                  committedOffset: r.int64(),
                  committedLeaderEpoch: v >= 5 ? r.int32() : -1,
                  metadata: r.nullableStringF(flexible),
                  errorCode: r.int16(),
                };
                return flexible ? r.tagsInto(p) : p;
              }),
            };
            return flexible ? r.tagsInto(t) : t;
          })
        : [],
    errorCode: v >= 2 && v <= 7 ? r.int16() : 0,
    groups:
      v >= 8
        ? r.compactArray((r) => {
            const g: OffsetFetchResponseGroup = {
              groupId: r.compactString(),
              topics: r.compactArray((r) =>
                r.tagsInto<OffsetFetchResponseTopics>({
                  name: v <= 9 ? r.compactString() : '',
                  topicId: v >= 10 ? r.uuid() : ZERO_UUID,
                  partitions: r.compactArray((r) =>
                    r.tagsInto<OffsetFetchResponsePartitions>({
                      partitionIndex: r.int32(),
                      committedOffset: r.int64(),
                      committedLeaderEpoch: r.int32(),
                      metadata: r.compactNullableString(),
                      errorCode: r.int16(),
                    }),
                  ),
                }),
              ),
              errorCode: r.int16(),
            };
            return r.tagsInto(g);
          })
        : [],
  };
  return flexible ? r.tagsInto(m) : m;
}

export const OffsetFetch: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 10,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
