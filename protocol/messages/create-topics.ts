/**
 * CreateTopics (key 19), versions 2-7, flexible 5+ (CreateTopicsRequest.json,
 * CreateTopicsResponse.json). v0-v1 were removed in Kafka 4.0 (KIP-896).
 */
import { type ApiCodec, headerVersions, ZERO_UUID } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';
import type { TaggedWriters } from './common.js';

export interface CreatableReplicaAssignment extends WithUnknownTags {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreatableTopicConfig extends WithUnknownTags {
  name: string;
  value: string | null;
}

export interface CreatableTopic extends WithUnknownTags {
  name: string;
  /** -1: the broker's default (num.partitions). */
  numPartitions: number;
  /** -1: the broker's default (default.replication.factor). */
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest extends WithUnknownTags {
  topics: CreatableTopic[];
  /** TimeoutMs, default 60000. */
  timeoutMs: number;
  /** ValidateOnly, versions 1+. */
  validateOnly: boolean;
}

export interface CreatableTopicConfigs extends WithUnknownTags {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** ConfigSource, default -1. */
  configSource: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult extends WithUnknownTags {
  name: string;
  /** TopicId, versions 7+. */
  topicId: string;
  errorCode: number;
  /** ErrorMessage, versions 1+, nullable. */
  errorMessage: string | null;
  /** TopicConfigErrorCode, versions 5+, tag 0. */
  topicConfigErrorCode: number;
  /** NumPartitions, versions 5+, default -1. */
  numPartitions: number;
  /** ReplicationFactor, versions 5+, default -1. */
  replicationFactor: number;
  /** Configs, versions 5+, nullable. */
  configs: CreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse extends WithUnknownTags {
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

const FIRST_FLEXIBLE = 5;

function encodeRequest(w: Writer, m: CreateTopicsRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []CreatableTopic, versions 0+
    w.stringF(t.name, flexible); //                          Name string, versions 0+
    w.int32(t.numPartitions); //                             NumPartitions int32, versions 0+
    w.int16(t.replicationFactor); //                         ReplicationFactor int16, versions 0+
    w.arrayF(t.assignments, flexible, (w, a) => { //         Assignments []CreatableReplicaAssignment, versions 0+
      w.int32(a.partitionIndex);
      w.arrayF(a.brokerIds, flexible, (w, id) => w.int32(id));
      if (flexible) w.taggedFields(null, a.unknownTaggedFields);
    });
    w.arrayF(t.configs, flexible, (w, c) => { //             Configs []CreatableTopicConfig, versions 0+
      w.stringF(c.name, flexible).nullableStringF(c.value, flexible);
      if (flexible) w.taggedFields(null, c.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  w.int32(m.timeoutMs); //                                   timeoutMs int32, versions 0+
  w.bool(m.validateOnly); //                                 validateOnly bool, versions 1+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): CreateTopicsRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: CreateTopicsRequest = {
    topics: r.arrayF(flexible, (r) => {
      const t: CreatableTopic = {
        name: r.stringF(flexible),
        numPartitions: r.int32(),
        replicationFactor: r.int16(),
        assignments: r.arrayF(flexible, (r) => {
          const a: CreatableReplicaAssignment = { partitionIndex: r.int32(), brokerIds: r.arrayF(flexible, (r) => r.int32(), 4) };
          return flexible ? r.tagsInto(a) : a;
        }),
        configs: r.arrayF(flexible, (r) => {
          const c: CreatableTopicConfig = { name: r.stringF(flexible), value: r.nullableStringF(flexible) };
          return flexible ? r.tagsInto(c) : c;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
    timeoutMs: r.int32(),
    validateOnly: r.bool(),
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: CreateTopicsResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int32(m.throttleTimeMs); //                              ThrottleTimeMs int32, versions 2+
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []CreatableTopicResult, versions 0+
    w.stringF(t.name, flexible); //                          Name string, versions 0+
    if (v >= 7) w.uuid(t.topicId); //                        TopicId uuid, versions 7+
    w.int16(t.errorCode); //                                 ErrorCode int16, versions 0+
    w.nullableStringF(t.errorMessage, flexible); //          ErrorMessage string, versions 1+, nullable
    if (v >= 5) {
      w.int32(t.numPartitions); //                           NumPartitions int32, versions 5+
      w.int16(t.replicationFactor); //                       ReplicationFactor int16, versions 5+
      w.compactNullableArray(t.configs, (w, c) => { //       Configs []CreatableTopicConfigs, versions 5+, nullable
        w.compactString(c.name).compactNullableString(c.value).bool(c.readOnly).int8(c.configSource).bool(c.isSensitive);
        w.taggedFields(null, c.unknownTaggedFields);
      });
    }
    if (flexible) {
      const tagged: TaggedWriters = [];
      if (t.topicConfigErrorCode !== 0) tagged.push([0, (w) => w.int16(t.topicConfigErrorCode)]); // tag 0, 5+
      w.taggedFields(tagged, t.unknownTaggedFields);
    }
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): CreateTopicsResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: CreateTopicsResponse = {
    throttleTimeMs: r.int32(),
    topics: r.arrayF(flexible, (r) => {
      const t: CreatableTopicResult = {
        name: r.stringF(flexible),
        topicId: v >= 7 ? r.uuid() : ZERO_UUID,
        errorCode: r.int16(),
        errorMessage: r.nullableStringF(flexible),
        topicConfigErrorCode: 0,
        numPartitions: v >= 5 ? r.int32() : -1,
        replicationFactor: v >= 5 ? r.int16() : -1,
        configs:
          v >= 5
            ? r.compactNullableArray((r) =>
                r.tagsInto({
                  name: r.compactString(),
                  value: r.compactNullableString(),
                  readOnly: r.bool(),
                  configSource: r.int8(),
                  isSensitive: r.bool(),
                } as CreatableTopicConfigs),
              )
            : [],
      };
      if (!flexible) return t;
      return r.tagsInto(t, (tag, r) => {
        if (tag !== 0) return false;
        t.topicConfigErrorCode = r.int16();
        return true;
      });
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const CreateTopics: ApiCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 7,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
