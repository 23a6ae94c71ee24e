/**
 * ListOffsets (key 2), versions 1-11, flexible 6+ (ListOffsetsRequest.json,
 * ListOffsetsResponse.json). v0 was removed in Kafka 4.0 (KIP-896).
 *
 * Special timestamps: -1 latest (log end), -2 earliest, -3 max timestamp (KIP-734, v7+),
 * -4 earliest local (KIP-405, v8+), -5 latest tiered (KIP-1005, v9+).
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;

export interface ListOffsetsPartition extends WithUnknownTags {
  partitionIndex: number;
  /** CurrentLeaderEpoch, versions 4+, default -1. */
  currentLeaderEpoch: number;
  timestamp: bigint;
}

export interface ListOffsetsTopic extends WithUnknownTags {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest extends WithUnknownTags {
  /** ReplicaId: -1 for consumers. */
  replicaId: number;
  /** IsolationLevel, versions 2+: 0 read_uncommitted, 1 read_committed. */
  isolationLevel: number;
  topics: ListOffsetsTopic[];
  /** TimeoutMs, versions 10+ (KIP-1075). */
  timeoutMs: number;
}

export interface ListOffsetsPartitionResponse extends WithUnknownTags {
  partitionIndex: number;
  errorCode: number;
  /** Timestamp, versions 1+, default -1. */
  timestamp: bigint;
  /** Offset, versions 1+, default -1. */
  offset: bigint;
  /** LeaderEpoch, versions 4+, default -1. */
  leaderEpoch: number;
}

export interface ListOffsetsTopicResponse extends WithUnknownTags {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 2+. */
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

const FIRST_FLEXIBLE = 6;
const REQ = 'ListOffsetsRequest';

function encodeRequest(w: Writer, m: ListOffsetsRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int32(m.replicaId); //                                   ReplicaId int32, versions 0+
  if (v >= 2) w.int8(m.isolationLevel); //                   IsolationLevel int8, versions 2+
  else if (m.isolationLevel !== 0) fieldNotInVersion(REQ, 'IsolationLevel', v);
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []ListOffsetsTopic, versions 0+
    w.stringF(t.name, flexible); //                          Name string, versions 0+
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []ListOffsetsPartition, versions 0+
      w.int32(p.partitionIndex); //                          PartitionIndex int32, versions 0+
      if (v >= 4) w.int32(p.currentLeaderEpoch); //          CurrentLeaderEpoch int32, versions 4+
      w.int64(p.timestamp); //                               Timestamp int64, versions 0+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (v >= 10) w.int32(m.timeoutMs); //                      TimeoutMs int32, versions 10+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): ListOffsetsRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: ListOffsetsRequest = {
    replicaId: r.int32(),
    isolationLevel: v >= 2 ? r.int8() : 0,
    topics: r.arrayF(flexible, (r) => {
      const t: ListOffsetsTopic = {
        name: r.stringF(flexible),
        partitions: r.arrayF(flexible, (r) => {
          const p: ListOffsetsPartition = {
            partitionIndex: r.int32(),
            currentLeaderEpoch: v >= 4 ? r.int32() : -1,
            timestamp: r.int64(),
          };
          return flexible ? r.tagsInto(p) : p;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
    timeoutMs: v >= 10 ? r.int32() : 0,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: ListOffsetsResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 2) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 2+
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []ListOffsetsTopicResponse, versions 0+
    w.stringF(t.name, flexible); //                          Name string, versions 0+
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions, versions 0+
      w.int32(p.partitionIndex); //                          PartitionIndex int32, versions 0+
      w.int16(p.errorCode); //                               ErrorCode int16, versions 0+
      w.int64(p.timestamp); //                               Timestamp int64, versions 1+
      w.int64(p.offset); //                                  Offset int64, versions 1+
      if (v >= 4) w.int32(p.leaderEpoch); //                 LeaderEpoch int32, versions 4+
      else if (p.leaderEpoch !== -1) fieldNotInVersion('ListOffsetsResponse', 'LeaderEpoch', v);
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): ListOffsetsResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: ListOffsetsResponse = {
    throttleTimeMs: v >= 2 ? r.int32() : 0,
    topics: r.arrayF(flexible, (r) => {
      const t: ListOffsetsTopicResponse = {
        name: r.stringF(flexible),
        partitions: r.arrayF(flexible, (r) => {
          const p: ListOffsetsPartitionResponse = {
            partitionIndex: r.int32(),
            errorCode: r.int16(),
            timestamp: r.int64(),
            offset: r.int64(),
            leaderEpoch: v >= 4 ? r.int32() : -1,
          };
          return flexible ? r.tagsInto(p) : p;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const ListOffsets: ApiCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 11,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
