/**
 * Fetch (key 1), versions 4-18, flexible 12+ (FetchRequest.json, FetchResponse.json).
 *
 * v0-v3 were removed in Kafka 4.0 (KIP-896). v7+ carry incremental fetch sessions (KIP-227:
 * SessionId, SessionEpoch, ForgottenTopicsData); v13+ address topics by id (KIP-516). The
 * records of each partition are returned as a view of the response frame; decode them with
 * `decodeRecordSet` (records.ts).
 */
import { type ApiCodec, fieldNotInVersion, headerVersions, ZERO_UUID } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';
import {
  defaultLeaderIdAndEpoch,
  isDefaultLeaderIdAndEpoch,
  type LeaderIdAndEpoch,
  type NodeEndpoint,
  readLeaderIdAndEpoch,
  readNodeEndpoints,
  type TaggedWriters,
  writeLeaderIdAndEpoch,
  writeNodeEndpoints,
} from './common.js';

const INT64_MAX = 9223372036854775807n;

export interface ReplicaState extends WithUnknownTags {
  replicaId: number;
  replicaEpoch: bigint;
}

export interface FetchPartition extends WithUnknownTags {
  partition: number;
  /** CurrentLeaderEpoch, versions 9+, default -1 (KIP-320 fencing). */
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  /** LastFetchedEpoch, versions 12+, default -1 (followers only). */
  lastFetchedEpoch: number;
  /** LogStartOffset, versions 5+, default -1 (followers only). */
  logStartOffset: bigint;
  partitionMaxBytes: number;
  /** ReplicaDirectoryId, versions 17+, tag 0 (followers only). */
  replicaDirectoryId: string;
  /** HighWatermark, versions 18+, tag 1, default INT64_MAX (followers only). */
  highWatermark: bigint;
}

export interface FetchTopic extends WithUnknownTags {
  /** Topic, versions 0-12. */
  topic: string;
  /** TopicId, versions 13+. */
  topicId: string;
  partitions: FetchPartition[];
}

export interface ForgottenTopic extends WithUnknownTags {
  /** Topic, versions 7-12. */
  topic: string;
  /** TopicId, versions 13+. */
  topicId: string;
  partitions: number[];
}

export interface FetchRequest extends WithUnknownTags {
  /** ClusterId, versions 12+, tag 0, nullable, default null. */
  clusterId: string | null;
  /** ReplicaId, versions 0-14, default -1 (consumers send -1). */
  replicaId: number;
  /** ReplicaState, versions 15+, tag 1 (followers only). */
  replicaState: ReplicaState;
  maxWaitMs: number;
  minBytes: number;
  /** MaxBytes, versions 3+, default 0x7fffffff. */
  maxBytes: number;
  /** IsolationLevel, versions 4+: 0 read_uncommitted, 1 read_committed. */
  isolationLevel: number;
  /** SessionId, versions 7+, default 0 (KIP-227). */
  sessionId: number;
  /** SessionEpoch, versions 7+, default -1 (KIP-227). */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** ForgottenTopicsData, versions 7+ (KIP-227). */
  forgottenTopicsData: ForgottenTopic[];
  /** RackId, versions 11+, default "" (KIP-392). */
  rackId: string;
}

export interface EpochEndOffset extends WithUnknownTags {
  epoch: number;
  endOffset: bigint;
}

export interface SnapshotId extends WithUnknownTags {
  endOffset: bigint;
  epoch: number;
}

export interface AbortedTransaction extends WithUnknownTags {
  producerId: bigint;
  firstOffset: bigint;
}

export interface FetchPartitionData extends WithUnknownTags {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  /** LastStableOffset, versions 4+, default -1. */
  lastStableOffset: bigint;
  /** LogStartOffset, versions 5+, default -1. */
  logStartOffset: bigint;
  /** DivergingEpoch, versions 12+, tag 0. */
  divergingEpoch: EpochEndOffset;
  /** CurrentLeader, versions 12+, tag 1 (KIP-951). */
  currentLeader: LeaderIdAndEpoch;
  /** SnapshotId, versions 12+, tag 2. */
  snapshotId: SnapshotId;
  /** AbortedTransactions, versions 4+, nullable (read_committed: what to skip). */
  abortedTransactions: AbortedTransaction[] | null;
  /** PreferredReadReplica, versions 11+, default -1 (KIP-392). */
  preferredReadReplica: number;
  /** Records: a view of the response frame, nullable. */
  records: Buffer | null;
}

export interface FetchableTopicResponse extends WithUnknownTags {
  /** Topic, versions 0-12. */
  topic: string;
  /** TopicId, versions 13+. */
  topicId: string;
  partitions: FetchPartitionData[];
}

export interface FetchResponse extends WithUnknownTags {
  throttleTimeMs: number;
  /** ErrorCode, versions 7+ (top level: fetch session errors). */
  errorCode: number;
  /** SessionId, versions 7+, default 0. */
  sessionId: number;
  responses: FetchableTopicResponse[];
  /** NodeEndpoints, versions 16+, tag 0 (KIP-951). */
  nodeEndpoints: NodeEndpoint[];
}

/** The first version that addresses topics by TopicId alone (KIP-516); below it, by Name. */
export const FETCH_FIRST_TOPIC_ID_VERSION = 13;

const FIRST_FLEXIBLE = 12;
const REQ = 'FetchRequest';
const RES = 'FetchResponse';

const isDefaultReplicaState = (s: ReplicaState): boolean =>
  s.replicaId === -1 && s.replicaEpoch === -1n && !s.unknownTaggedFields?.length;
const isDefaultEpochEndOffset = (e: EpochEndOffset): boolean =>
  e.epoch === -1 && e.endOffset === -1n && !e.unknownTaggedFields?.length;
const isDefaultSnapshotId = (s: SnapshotId): boolean =>
  s.endOffset === -1n && s.epoch === -1 && !s.unknownTaggedFields?.length;

function encodeRequest(w: Writer, m: FetchRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v <= 14) w.int32(m.replicaId); //                      ReplicaId int32, versions 0-14
  else if (m.replicaId !== -1) fieldNotInVersion(REQ, 'ReplicaId (use ReplicaState)', v);
  w.int32(m.maxWaitMs); //                                   MaxWaitMs int32, versions 0+
  w.int32(m.minBytes); //                                    MinBytes int32, versions 0+
  w.int32(m.maxBytes); //                                    MaxBytes int32, versions 3+
  w.int8(m.isolationLevel); //                               IsolationLevel int8, versions 4+
  if (v >= 7) {
    w.int32(m.sessionId); //                                 SessionId int32, versions 7+
    w.int32(m.sessionEpoch); //                              SessionEpoch int32, versions 7+
  }
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []FetchTopic, versions 0+
    if (v <= 12) w.stringF(t.topic, flexible); //            Topic string, versions 0-12
    if (v >= 13) w.uuid(t.topicId); //                       TopicId uuid, versions 13+
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []FetchPartition, versions 0+
      w.int32(p.partition); //                               Partition int32, versions 0+
      if (v >= 9) w.int32(p.currentLeaderEpoch); //          CurrentLeaderEpoch int32, versions 9+
      w.int64(p.fetchOffset); //                             FetchOffset int64, versions 0+
      if (v >= 12) w.int32(p.lastFetchedEpoch); //           LastFetchedEpoch int32, versions 12+
      else if (p.lastFetchedEpoch !== -1) fieldNotInVersion(REQ, 'LastFetchedEpoch', v);
      if (v >= 5) w.int64(p.logStartOffset); //              LogStartOffset int64, versions 5+
      w.int32(p.partitionMaxBytes); //                       PartitionMaxBytes int32, versions 0+
      if (flexible) {
        const tagged: TaggedWriters = [];
        if (v >= 17 && p.replicaDirectoryId !== ZERO_UUID) { // ReplicaDirectoryId uuid, versions 17+, tag 0
          tagged.push([0, (w) => w.uuid(p.replicaDirectoryId)]);
        }
        if (v >= 18 && p.highWatermark !== INT64_MAX) { //   HighWatermark int64, versions 18+, tag 1
          tagged.push([1, (w) => w.int64(p.highWatermark)]);
        }
        w.taggedFields(tagged, p.unknownTaggedFields);
      }
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (v >= 7) {
    w.arrayF(m.forgottenTopicsData, flexible, (w, t) => { // ForgottenTopicsData []ForgottenTopic, versions 7+
      if (v <= 12) w.stringF(t.topic, flexible); //          Topic string, versions 7-12
      if (v >= 13) w.uuid(t.topicId); //                     TopicId uuid, versions 13+
      w.arrayF(t.partitions, flexible, (w, p) => w.int32(p)); // Partitions []int32, versions 7+
      if (flexible) w.taggedFields(null, t.unknownTaggedFields);
    });
  } else if (m.forgottenTopicsData.length > 0) {
    fieldNotInVersion(REQ, 'ForgottenTopicsData', v);
  }
  if (v >= 11) w.stringF(m.rackId, flexible); //             RackId string, versions 11+
  if (flexible) {
    const tagged: TaggedWriters = [];
    if (m.clusterId !== null) tagged.push([0, (w) => w.compactNullableString(m.clusterId)]); // ClusterId, 12+, tag 0
    if (v >= 15 && !isDefaultReplicaState(m.replicaState)) { // ReplicaState, versions 15+, tag 1
      tagged.push([1, (w) => {
        w.int32(m.replicaState.replicaId).int64(m.replicaState.replicaEpoch);
        w.taggedFields(null, m.replicaState.unknownTaggedFields);
      }]);
    }
    w.taggedFields(tagged, m.unknownTaggedFields);
  }
  if (v < 15 && !isDefaultReplicaState(m.replicaState)) fieldNotInVersion(REQ, 'ReplicaState', v);
}

function decodeRequest(r: Reader, v: number): FetchRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: FetchRequest = {
    clusterId: null,
    replicaId: v <= 14 ? r.int32() : -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: r.int32(),
    minBytes: r.int32(),
    maxBytes: r.int32(),
    isolationLevel: r.int8(),
    sessionId: v >= 7 ? r.int32() : 0,
    sessionEpoch: v >= 7 ? r.int32() : -1,
    topics: r.arrayF(flexible, (r) => {
      const t: FetchTopic = {
        topic: v <= 12 ? r.stringF(flexible) : '',
        topicId: v >= 13 ? r.uuid() : ZERO_UUID,
        partitions: r.arrayF(flexible, (r) => {
          const p: FetchPartition = {
            partition: r.int32(),
            currentLeaderEpoch: v >= 9 ? r.int32() : -1,
            fetchOffset: r.int64(),
            lastFetchedEpoch: v >= 12 ? r.int32() : -1,
            logStartOffset: v >= 5 ? r.int64() : -1n,
            partitionMaxBytes: r.int32(),
            replicaDirectoryId: ZERO_UUID,
            highWatermark: INT64_MAX,
          };
          if (!flexible) return p;
          return r.tagsInto(p, (tag, r) => {
            if (tag === 0 && v >= 17) p.replicaDirectoryId = r.uuid();
            else if (tag === 1 && v >= 18) p.highWatermark = r.int64();
            else return false;
            return true;
          });
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
    forgottenTopicsData:
      v >= 7
        ? r.arrayF(flexible, (r) => {
            const t: ForgottenTopic = {
              topic: v <= 12 ? r.stringF(flexible) : '',
              topicId: v >= 13 ? r.uuid() : ZERO_UUID,
              partitions: r.arrayF(flexible, (r) => r.int32(), 4),
            };
            return flexible ? r.tagsInto(t) : t;
          })
        : [],
    rackId: v >= 11 ? r.stringF(flexible) : '',
  };
  if (!flexible) return m;
  return r.tagsInto(m, (tag, r) => {
    if (tag === 0) m.clusterId = r.compactNullableString();
    else if (tag === 1 && v >= 15) m.replicaState = r.tagsInto({ replicaId: r.int32(), replicaEpoch: r.int64() });
    else return false;
    return true;
  });
}

function encodeResponse(w: Writer, m: FetchResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int32(m.throttleTimeMs); //                              ThrottleTimeMs int32, versions 1+
  if (v >= 7) {
    w.int16(m.errorCode); //                                 ErrorCode int16, versions 7+
    w.int32(m.sessionId); //                                 SessionId int32, versions 7+
  } else if (m.sessionId !== 0) {
    fieldNotInVersion(RES, 'SessionId', v);
  }
  w.arrayF(m.responses, flexible, (w, t) => { //             Responses []FetchableTopicResponse, versions 0+
    if (v <= 12) w.stringF(t.topic, flexible); //            Topic string, versions 0-12
    if (v >= 13) w.uuid(t.topicId); //                       TopicId uuid, versions 13+
    w.arrayF(t.partitions, flexible, (w, p) => { //          Partitions []PartitionData, versions 0+
      w.int32(p.partitionIndex); //                          PartitionIndex int32, versions 0+
      w.int16(p.errorCode); //                               ErrorCode int16, versions 0+
      w.int64(p.highWatermark); //                           HighWatermark int64, versions 0+
      w.int64(p.lastStableOffset); //                        LastStableOffset int64, versions 4+
      if (v >= 5) w.int64(p.logStartOffset); //              LogStartOffset int64, versions 5+
      w.nullableArrayF(p.abortedTransactions, flexible, (w, a) => { // AbortedTransactions, versions 4+, nullable
        w.int64(a.producerId).int64(a.firstOffset);
        if (flexible) w.taggedFields(null, a.unknownTaggedFields);
      });
      if (v >= 11) w.int32(p.preferredReadReplica); //       PreferredReadReplica int32, versions 11+
      else if (p.preferredReadReplica !== -1) fieldNotInVersion(RES, 'PreferredReadReplica', v);
      w.nullableBytesF(p.records, flexible); //              Records records, versions 0+, nullable
      if (flexible) {
        const tagged: TaggedWriters = [];
        if (!isDefaultEpochEndOffset(p.divergingEpoch)) { // DivergingEpoch, versions 12+, tag 0
          tagged.push([0, (w) => {
            w.int32(p.divergingEpoch.epoch).int64(p.divergingEpoch.endOffset);
            w.taggedFields(null, p.divergingEpoch.unknownTaggedFields);
          }]);
        }
        if (!isDefaultLeaderIdAndEpoch(p.currentLeader)) { // CurrentLeader, versions 12+, tag 1
          tagged.push([1, (w) => writeLeaderIdAndEpoch(w, p.currentLeader)]);
        }
        if (!isDefaultSnapshotId(p.snapshotId)) { //         SnapshotId, versions 12+, tag 2
          tagged.push([2, (w) => {
            w.int64(p.snapshotId.endOffset).int32(p.snapshotId.epoch);
            w.taggedFields(null, p.snapshotId.unknownTaggedFields);
          }]);
        }
        w.taggedFields(tagged, p.unknownTaggedFields);
      } else {
        if (!isDefaultEpochEndOffset(p.divergingEpoch)) fieldNotInVersion(RES, 'DivergingEpoch', v);
        if (!isDefaultLeaderIdAndEpoch(p.currentLeader)) fieldNotInVersion(RES, 'CurrentLeader', v);
        if (!isDefaultSnapshotId(p.snapshotId)) fieldNotInVersion(RES, 'SnapshotId', v);
      }
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) {
    const tagged: TaggedWriters = [];
    if (v >= 16 && m.nodeEndpoints.length > 0) tagged.push([0, (w) => writeNodeEndpoints(w, m.nodeEndpoints)]); // NodeEndpoints, 16+, tag 0
    w.taggedFields(tagged, m.unknownTaggedFields);
  }
  if (v < 16 && m.nodeEndpoints.length > 0) fieldNotInVersion(RES, 'NodeEndpoints', v);
}

function decodeResponse(r: Reader, v: number): FetchResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: FetchResponse = {
    throttleTimeMs: r.int32(),
    errorCode: v >= 7 ? r.int16() : 0,
    sessionId: v >= 7 ? r.int32() : 0,
    responses: r.arrayF(flexible, (r) => {
      const t: FetchableTopicResponse = {
        topic: v <= 12 ? r.stringF(flexible) : '',
        topicId: v >= 13 ? r.uuid() : ZERO_UUID,
        partitions: r.arrayF(flexible, (r) => {
          const p: FetchPartitionData = {
            partitionIndex: r.int32(),
            errorCode: r.int16(),
            highWatermark: r.int64(),
            lastStableOffset: r.int64(),
            logStartOffset: v >= 5 ? r.int64() : -1n,
            divergingEpoch: { epoch: -1, endOffset: -1n },
            currentLeader: defaultLeaderIdAndEpoch(),
            snapshotId: { endOffset: -1n, epoch: -1 },
            abortedTransactions: r.nullableArrayF(
              flexible,
              (r) => {
                const a: AbortedTransaction = { producerId: r.int64(), firstOffset: r.int64() };
                return flexible ? r.tagsInto(a) : a;
              },
              16,
            ),
            preferredReadReplica: v >= 11 ? r.int32() : -1,
            records: r.nullableBytesF(flexible),
          };
          if (!flexible) return p;
          return r.tagsInto(p, (tag, r) => {
            if (tag === 0) p.divergingEpoch = r.tagsInto({ epoch: r.int32(), endOffset: r.int64() });
            else if (tag === 1) p.currentLeader = readLeaderIdAndEpoch(r);
            else if (tag === 2) p.snapshotId = r.tagsInto({ endOffset: r.int64(), epoch: r.int32() });
            else return false;
            return true;
          });
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
    nodeEndpoints: [],
  };
  if (!flexible) return m;
  return r.tagsInto(m, (tag, r) => {
    if (tag !== 0 || v < 16) return false;
    m.nodeEndpoints = readNodeEndpoints(r);
    return true;
  });
}

export const Fetch: ApiCodec<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 18,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};

/** A FetchRequest with every optional field at its default, for callers to fill in. */
export function fetchRequestDefaults(): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 0x7fffffff,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [],
    forgottenTopicsData: [],
    rackId: '',
  };
}
