/**
 * Metadata (key 3), versions 0-13, flexible 9+ (MetadataRequest.json, MetadataResponse.json).
 *
 * Request topics: in v0 an empty array means "all topics"; from v1 null means all topics and
 * an empty array means none. v10+ may address topics by id (name null).
 */
import { type ApiCodec, fieldNotInVersion, headerVersions, ZERO_UUID } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

/** Default of the authorized-operations bitfields: "not requested" (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export interface MetadataRequestTopic extends WithUnknownTags {
  /** TopicId, versions 10+. */
  topicId: string;
  /** Name, versions 0+, nullable 10+ (null when the topic is addressed by id). */
  name: string | null;
}

export interface MetadataRequest extends WithUnknownTags {
  /** Topics, versions 0+, nullable 1+ (null: all topics). */
  topics: MetadataRequestTopic[] | null;
  /** AllowAutoTopicCreation, versions 4+, default true. */
  allowAutoTopicCreation: boolean;
  /** IncludeClusterAuthorizedOperations, versions 8-10. */
  includeClusterAuthorizedOperations: boolean;
  /** IncludeTopicAuthorizedOperations, versions 8+. */
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataResponseBroker extends WithUnknownTags {
  nodeId: number;
  host: string;
  port: number;
  /** Rack, versions 1+, nullable. */
  rack: string | null;
}

export interface MetadataResponsePartition extends WithUnknownTags {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** LeaderEpoch, versions 7+, default -1. */
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** OfflineReplicas, versions 5+. */
  offlineReplicas: number[];
}

export interface MetadataResponseTopic extends WithUnknownTags {
  errorCode: number;
  /** Name, versions 0+, nullable 12+ (null for an unknown topic asked for by id). */
  name: string | null;
  /** TopicId, versions 10+. */
  topicId: string;
  /** IsInternal, versions 1+. */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  /** TopicAuthorizedOperations, versions 8+, default {@link AUTHORIZED_OPERATIONS_OMITTED}. */
  topicAuthorizedOperations: number;
}

export interface MetadataResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 3+. */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** ClusterId, versions 2+, nullable, default null. */
  clusterId: string | null;
  /** ControllerId, versions 1+, default -1. */
  controllerId: number;
  topics: MetadataResponseTopic[];
  /** ClusterAuthorizedOperations, versions 8-10. */
  clusterAuthorizedOperations: number;
  /** ErrorCode, versions 13+ (top-level error, e.g. REBOOTSTRAP_REQUIRED). */
  errorCode: number;
}

const FIRST_FLEXIBLE = 9;
const REQ = 'MetadataRequest';
const RES = 'MetadataResponse';

function encodeRequest(w: Writer, m: MetadataRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  // Topics []MetadataRequestTopic, versions 0+, nullable 1+
  if (m.topics === null && v < 1) fieldNotInVersion(REQ, 'a null Topics array (all topics: send [] in v0)', v);
  w.nullableArrayF(m.topics, flexible, (w, t) => {
    if (v >= 10) w.uuid(t.topicId); //                       TopicId uuid, versions 10+ (ignorable)
    if (t.name === null && v < 10) fieldNotInVersion(REQ, 'a null topic Name', v);
    w.nullableStringF(t.name, flexible); //                  Name string, versions 0+, nullable 10+
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (v >= 4) w.bool(m.allowAutoTopicCreation); //           AllowAutoTopicCreation bool, versions 4+
  else if (!m.allowAutoTopicCreation) fieldNotInVersion(REQ, 'AllowAutoTopicCreation=false', v);
  if (v >= 8 && v <= 10) w.bool(m.includeClusterAuthorizedOperations); // versions 8-10
  else if (m.includeClusterAuthorizedOperations) fieldNotInVersion(REQ, 'IncludeClusterAuthorizedOperations', v);
  if (v >= 8) w.bool(m.includeTopicAuthorizedOperations); // IncludeTopicAuthorizedOperations, versions 8+
  else if (m.includeTopicAuthorizedOperations) fieldNotInVersion(REQ, 'IncludeTopicAuthorizedOperations', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): MetadataRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const readTopic = (r: Reader): MetadataRequestTopic => {
    const t: MetadataRequestTopic = {
      topicId: v >= 10 ? r.uuid() : ZERO_UUID,
      name: v >= 10 ? r.nullableStringF(flexible) : r.stringF(flexible),
    };
    return flexible ? r.tagsInto(t) : t;
  };
  const m: MetadataRequest = {
    topics: v >= 1 ? r.nullableArrayF(flexible, readTopic) : r.array(readTopic),
    allowAutoTopicCreation: v >= 4 ? r.bool() : true,
    includeClusterAuthorizedOperations: v >= 8 && v <= 10 ? r.bool() : false,
    includeTopicAuthorizedOperations: v >= 8 ? r.bool() : false,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeInt32s(w: Writer, values: readonly number[], flexible: boolean): void {
  w.arrayF(values, flexible, (w, n) => w.int32(n));
}

function encodeResponse(w: Writer, m: MetadataResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 3) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 3+
  w.arrayF(m.brokers, flexible, (w, b) => { //               Brokers []MetadataResponseBroker, versions 0+
    w.int32(b.nodeId); //                                     NodeId int32, versions 0+
    w.stringF(b.host, flexible); //                           Host string, versions 0+
    w.int32(b.port); //                                       Port int32, versions 0+
    if (v >= 1) w.nullableStringF(b.rack, flexible); //       Rack string, versions 1+, nullable 1+
    if (flexible) w.taggedFields(null, b.unknownTaggedFields);
  });
  if (v >= 2) w.nullableStringF(m.clusterId, flexible); //   ClusterId string, versions 2+, nullable 2+
  if (v >= 1) w.int32(m.controllerId); //                    ControllerId int32, versions 1+
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []MetadataResponseTopic, versions 0+
    w.int16(t.errorCode); //                                  ErrorCode int16, versions 0+
    if (t.name === null && v < 12) fieldNotInVersion(RES, 'a null topic Name', v);
    if (v >= 12) w.nullableStringF(t.name, flexible); //      Name string, versions 0+, nullable 12+
    else w.stringF(t.name!, flexible);
    if (v >= 10) w.uuid(t.topicId); //                        TopicId uuid, versions 10+
    if (v >= 1) w.bool(t.isInternal); //                      IsInternal bool, versions 1+
    w.arrayF(t.partitions, flexible, (w, p) => { //           Partitions []MetadataResponsePartition, versions 0+
      w.int16(p.errorCode); //                                ErrorCode int16, versions 0+
      w.int32(p.partitionIndex); //                           PartitionIndex int32, versions 0+
      w.int32(p.leaderId); //                                 LeaderId int32, versions 0+
      if (v >= 7) w.int32(p.leaderEpoch); //                  LeaderEpoch int32, versions 7+
      encodeInt32s(w, p.replicaNodes, flexible); //           ReplicaNodes []int32, versions 0+
      encodeInt32s(w, p.isrNodes, flexible); //               IsrNodes []int32, versions 0+
      if (v >= 5) encodeInt32s(w, p.offlineReplicas, flexible); // OfflineReplicas []int32, versions 5+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
    if (v >= 8) w.int32(t.topicAuthorizedOperations); //     TopicAuthorizedOperations int32, versions 8+
    else if (t.topicAuthorizedOperations !== AUTHORIZED_OPERATIONS_OMITTED) {
      fieldNotInVersion(RES, 'TopicAuthorizedOperations', v);
    }
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (v >= 8 && v <= 10) w.int32(m.clusterAuthorizedOperations); // ClusterAuthorizedOperations, versions 8-10
  else if (m.clusterAuthorizedOperations !== AUTHORIZED_OPERATIONS_OMITTED) {
    fieldNotInVersion(RES, 'ClusterAuthorizedOperations', v);
  }
  if (v >= 13) w.int16(m.errorCode); //                      ErrorCode int16, versions 13+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): MetadataResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const readInt32s = (r: Reader): number[] => r.arrayF(flexible, (r) => r.int32(), 4);
  const throttleTimeMs = v >= 3 ? r.int32() : 0;
  const brokers = r.arrayF(flexible, (r) => {
    const b: MetadataResponseBroker = {
      nodeId: r.int32(),
      host: r.stringF(flexible),
      port: r.int32(),
      rack: v >= 1 ? r.nullableStringF(flexible) : null,
    };
    return flexible ? r.tagsInto(b) : b;
  });
  const clusterId = v >= 2 ? r.nullableStringF(flexible) : null;
  const controllerId = v >= 1 ? r.int32() : -1;
  const topics = r.arrayF(flexible, (r) => {
    const t: MetadataResponseTopic = {
      errorCode: r.int16(),
      name: v >= 12 ? r.nullableStringF(flexible) : r.stringF(flexible),
      topicId: v >= 10 ? r.uuid() : ZERO_UUID,
      isInternal: v >= 1 ? r.bool() : false,
      partitions: r.arrayF(flexible, (r) => {
        const p: MetadataResponsePartition = {
          errorCode: r.int16(),
          partitionIndex: r.int32(),
          leaderId: r.int32(),
          leaderEpoch: v >= 7 ? r.int32() : -1,
          replicaNodes: readInt32s(r),
          isrNodes: readInt32s(r),
          offlineReplicas: v >= 5 ? readInt32s(r) : [],
        };
        return flexible ? r.tagsInto(p) : p;
      }),
      topicAuthorizedOperations: v >= 8 ? r.int32() : AUTHORIZED_OPERATIONS_OMITTED,
    };
    return flexible ? r.tagsInto(t) : t;
  });
  const m: MetadataResponse = {
    throttleTimeMs,
    brokers,
    clusterId,
    controllerId,
    topics,
    clusterAuthorizedOperations: v >= 8 && v <= 10 ? r.int32() : AUTHORIZED_OPERATIONS_OMITTED,
    errorCode: v >= 13 ? r.int16() : 0,
  };
  return flexible ? r.tagsInto(m) : m;
}

export const Metadata: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 13,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
