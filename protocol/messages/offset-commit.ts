/**
 * OffsetCommit (key 8), versions 2-10, flexible 8+ (OffsetCommitRequest.json,
 * OffsetCommitResponse.json). Commits consumed offsets (and their metadata and leader epoch)
 * to the group coordinator.
 *
 * v0-v1 were removed in Kafka 4.0 (KIP-896). Versions: 2 RetentionTimeMs; 3 adds
 * ThrottleTimeMs to the response; 4 the response is sent before quota throttling; 5 drops
 * RetentionTimeMs (the broker's offsets.retention.minutes decides); 6 CommittedLeaderEpoch
 * (KIP-320); 7 GroupInstanceId (static membership, KIP-345); 8 first flexible; 9 usable with
 * the consumer group protocol (KIP-848: GenerationIdOrMemberEpoch carries the member epoch;
 * STALE_MEMBER_EPOCH, GROUP_ID_NOT_FOUND); 10 addresses topics by TopicId instead of Name
 * (KIP-848; UNKNOWN_TOPIC_ID). v10 is stable in Kafka 4.2.1.
 */
import { type ApiCodec, fieldNotInVersion, headerVersions, ZERO_UUID } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface OffsetCommitRequestPartition extends WithUnknownTags {
  partitionIndex: number;
  committedOffset: bigint;
  /** CommittedLeaderEpoch, versions 6+, default -1. */
  committedLeaderEpoch: number;
  /** CommittedMetadata, nullable. */
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic extends WithUnknownTags {
  /** Name, versions 0-9. */
  name: string;
  /** TopicId, versions 10+. */
  topicId: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest extends WithUnknownTags {
  groupId: string;
  /** GenerationIdOrMemberEpoch, versions 1+, default -1 (the classic generation or the KIP-848 member epoch). */
  generationIdOrMemberEpoch: number;
  /** MemberId, versions 1+. */
  memberId: string;
  /** GroupInstanceId, versions 7+, nullable, default null. */
  groupInstanceId: string | null;
  /** RetentionTimeMs, versions 2-4, default -1 (the broker's default). */
  retentionTimeMs: bigint;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition extends WithUnknownTags {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic extends WithUnknownTags {
  /** Name, versions 0-9. */
  name: string;
  /** TopicId, versions 10+. */
  topicId: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 3+. */
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

/** The first version that addresses topics by TopicId alone (KIP-848); below it, by Name. */
export const OFFSET_COMMIT_FIRST_TOPIC_ID_VERSION = 10;

const FIRST_FLEXIBLE = 8;
const REQ = 'OffsetCommitRequest';

function encodeRequest(w: Writer, m: OffsetCommitRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.stringF(m.groupId, flexible); //                         GroupId string, versions 0+
  w.int32(m.generationIdOrMemberEpoch); //                   GenerationIdOrMemberEpoch int32, versions 1+ (ignorable)
  w.stringF(m.memberId, flexible); //                        MemberId string, versions 1+ (ignorable)
  if (v >= 7) w.nullableStringF(m.groupInstanceId, flexible); // GroupInstanceId string, versions 7+, nullable 7+
  else if (m.groupInstanceId !== null) fieldNotInVersion(REQ, 'GroupInstanceId', v);
  if (v <= 4) w.int64(m.retentionTimeMs); //                 RetentionTimeMs int64, versions 2-4 (ignorable)
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []OffsetCommitRequestTopic, versions 0+
    if (v <= 9) w.stringF(t.name, flexible); //              Name string, versions 0-9 (ignorable)
    if (v >= 10) w.uuid(t.topicId); //                       TopicId uuid, versions 10+ (ignorable)
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []OffsetCommitRequestPartition, versions 0+
      w.int32(p.partitionIndex); //                          PartitionIndex int32, versions 0+
      w.int64(p.committedOffset); //                         CommittedOffset int64, versions 0+
      if (v >= 6) w.int32(p.committedLeaderEpoch); //        CommittedLeaderEpoch int32, versions 6+ (ignorable)
      w.nullableStringF(p.committedMetadata, flexible); //   CommittedMetadata string, versions 0+, nullable 0+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): OffsetCommitRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: OffsetCommitRequest = {
    groupId: r.stringF(flexible),
    generationIdOrMemberEpoch: r.int32(),
    memberId: r.stringF(flexible),
    groupInstanceId: v >= 7 ? r.nullableStringF(flexible) : null,
    retentionTimeMs: v <= 4 ? r.int64() : -1n,
    topics: r.arrayF(flexible, (r) => {
      const t: OffsetCommitRequestTopic = {
        name: v <= 9 ? r.stringF(flexible) : '',
        topicId: v >= 10 ? r.uuid() : ZERO_UUID,
        partitions: r.arrayF(flexible, (r) => {
          const p: OffsetCommitRequestPartition = {
            partitionIndex: r.int32(),
            committedOffset: r.int64(),
            committedLeaderEpoch: v >= 6 ? r.int32() : -1,
            committedMetadata: r.nullableStringF(flexible),
          };
          return flexible ? r.tagsInto(p) : p;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: OffsetCommitResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 3) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 3+ (ignorable)
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []OffsetCommitResponseTopic, versions 0+
    if (v <= 9) w.stringF(t.name, flexible); //              Name string, versions 0-9 (ignorable)
    if (v >= 10) w.uuid(t.topicId); //                       TopicId uuid, versions 10+ (ignorable)
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []OffsetCommitResponsePartition, versions 0+
      w.int32(p.partitionIndex); //                          PartitionIndex int32, versions 0+
      w.int16(p.errorCode); //                               ErrorCode int16, versions 0+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): OffsetCommitResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: OffsetCommitResponse = {
    throttleTimeMs: v >= 3 ? r.int32() : 0,
    topics: r.arrayF(flexible, (r) => {
      const t: OffsetCommitResponseTopic = {
        name: v <= 9 ? r.stringF(flexible) : '',
        topicId: v >= 10 ? r.uuid() : ZERO_UUID,
        partitions: r.arrayF(
          flexible,
          (r) => {
            const p: OffsetCommitResponsePartition = { partitionIndex: r.int32(), errorCode: r.int16() };
            return flexible ? r.tagsInto(p) : p;
          },
          flexible ? 7 : 6,
        ),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const OffsetCommit: ApiCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 10,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
