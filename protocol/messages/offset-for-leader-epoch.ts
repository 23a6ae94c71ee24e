/**
 * OffsetForLeaderEpoch (key 23), versions 2-4, flexible 4+ (OffsetForLeaderEpochRequest.json,
 * OffsetForLeaderEpochResponse.json). v0-v1 were removed in Kafka 4.0 (KIP-896).
 *
 * A consumer uses it after a leader change to detect log truncation (KIP-320): it asks for the
 * end offset of the epoch of its last fetched record; an end offset below its position means
 * the log was truncated under it. CurrentLeaderEpoch fences requests built on stale metadata.
 */
import { type ApiCodec, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface OffsetForLeaderPartition extends WithUnknownTags {
  partition: number;
  /** CurrentLeaderEpoch, versions 2+, default -1 (fencing). */
  currentLeaderEpoch: number;
  /** LeaderEpoch: the epoch to look up an offset for. */
  leaderEpoch: number;
}

export interface OffsetForLeaderTopic extends WithUnknownTags {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest extends WithUnknownTags {
  /** ReplicaId, versions 3+ (ignorable), default -2 (a "debug" consumer); consumers send -1. */
  replicaId: number;
  topics: OffsetForLeaderTopic[];
}

/** The spec's EpochEndOffset struct (renamed: fetch.ts exports an EpochEndOffset already). */
export interface OffsetForLeaderEpochEndOffset extends WithUnknownTags {
  errorCode: number;
  partition: number;
  /** LeaderEpoch, versions 1+, default -1. */
  leaderEpoch: number;
  /** EndOffset, default -1. */
  endOffset: bigint;
}

export interface OffsetForLeaderTopicResult extends WithUnknownTags {
  topic: string;
  partitions: OffsetForLeaderEpochEndOffset[];
}

export interface OffsetForLeaderEpochResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 2+. */
  throttleTimeMs: number;
  topics: OffsetForLeaderTopicResult[];
}

const FIRST_FLEXIBLE = 4;

function encodeRequest(w: Writer, m: OffsetForLeaderEpochRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 3) w.int32(m.replicaId); //                       ReplicaId int32, versions 3+ (ignorable)
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []OffsetForLeaderTopic, versions 0+
    w.stringF(t.topic, flexible); //                         Topic string, versions 0+
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []OffsetForLeaderPartition, versions 0+
      w.int32(p.partition); //                               Partition int32, versions 0+
      w.int32(p.currentLeaderEpoch); //                      CurrentLeaderEpoch int32, versions 2+
      w.int32(p.leaderEpoch); //                             LeaderEpoch int32, versions 0+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): OffsetForLeaderEpochRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: OffsetForLeaderEpochRequest = {
    replicaId: v >= 3 ? r.int32() : -2,
    topics: r.arrayF(flexible, (r) => {
      const t: OffsetForLeaderTopic = {
        topic: r.stringF(flexible),
        partitions: r.arrayF(flexible, (r) => {
          const p: OffsetForLeaderPartition = {
            partition: r.int32(),
            currentLeaderEpoch: r.int32(),
            leaderEpoch: r.int32(),
          };
          return flexible ? r.tagsInto(p) : p;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: OffsetForLeaderEpochResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int32(m.throttleTimeMs); //                              ThrottleTimeMs int32, versions 2+
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []OffsetForLeaderTopicResult, versions 0+
    w.stringF(t.topic, flexible); //                         Topic string, versions 0+
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []EpochEndOffset, versions 0+
      w.int16(p.errorCode); //                               ErrorCode int16, versions 0+
      w.int32(p.partition); //                               Partition int32, versions 0+
      w.int32(p.leaderEpoch); //                             LeaderEpoch int32, versions 1+
      w.int64(p.endOffset); //                               EndOffset int64, versions 0+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): OffsetForLeaderEpochResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: OffsetForLeaderEpochResponse = {
    throttleTimeMs: r.int32(),
    topics: r.arrayF(flexible, (r) => {
      const t: OffsetForLeaderTopicResult = {
        topic: r.stringF(flexible),
        partitions: r.arrayF(flexible, (r) => {
          const p: OffsetForLeaderEpochEndOffset = {
            errorCode: r.int16(),
            partition: r.int32(),
            leaderEpoch: r.int32(),
            endOffset: r.int64(),
          };
          return flexible ? r.tagsInto(p) : p;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const OffsetForLeaderEpoch: ApiCodec<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 2,
  maxVersion: 4,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
