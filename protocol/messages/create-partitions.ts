/**
 * CreatePartitions (key 37), versions 0-3, flexible 2+ (CreatePartitionsRequest.json,
 * CreatePartitionsResponse.json). Raises a topic's partition count; the consumer tests use it to
 * show a group rebalancing onto new partitions.
 *
 * Versions: 1 the response is sent before quota throttling; 2 first flexible; 3 may answer
 * THROTTLING_QUOTA_EXCEEDED (KIP-599). The fields are the same in every version.
 */
import { type ApiCodec, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

/** The replicas of one new partition (Java: CreatePartitionsRequestData.CreatePartitionsAssignment). */
export interface CreatePartitionsAssignment extends WithUnknownTags {
  brokerIds: number[];
}

export interface CreatePartitionsTopic extends WithUnknownTags {
  name: string;
  /** The new partition count (the total, not the number added). */
  count: number;
  /** One entry per new partition, or null to let the controller place them. */
  assignments: CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequest extends WithUnknownTags {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsTopicResult extends WithUnknownTags {
  name: string;
  errorCode: number;
  /** ErrorMessage, nullable. */
  errorMessage: string | null;
}

export interface CreatePartitionsResponse extends WithUnknownTags {
  throttleTimeMs: number;
  results: CreatePartitionsTopicResult[];
}

const FIRST_FLEXIBLE = 2;

function encodeRequest(w: Writer, m: CreatePartitionsRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.arrayF(m.topics, flexible, (w, t) => { //                Topics []CreatePartitionsTopic, versions 0+
    w.stringF(t.name, flexible); //                          Name string, versions 0+
    w.int32(t.count); //                                     Count int32, versions 0+
    w.nullableArrayF(t.assignments, flexible, (w, a) => { // Assignments []CreatePartitionsAssignment, nullable 0+
      w.arrayF(a.brokerIds, flexible, (w, id) => w.int32(id)); // BrokerIds []int32, versions 0+
      if (flexible) w.taggedFields(null, a.unknownTaggedFields);
    });
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  w.int32(m.timeoutMs); //                                   TimeoutMs int32, versions 0+
  w.bool(m.validateOnly); //                                 ValidateOnly bool, versions 0+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): CreatePartitionsRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: CreatePartitionsRequest = {
    topics: r.arrayF(flexible, (r) => {
      const t: CreatePartitionsTopic = {
        name: r.stringF(flexible),
        count: r.int32(),
        assignments: r.nullableArrayF(flexible, (r) => {
          const a: CreatePartitionsAssignment = { brokerIds: r.arrayF(flexible, (r) => r.int32(), 4) };
          return flexible ? r.tagsInto(a) : a;
        }),
      };
      return flexible ? r.tagsInto(t) : t;
    }),
    timeoutMs: r.int32(),
    validateOnly: r.bool(),
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: CreatePartitionsResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int32(m.throttleTimeMs); //                              ThrottleTimeMs int32, versions 0+
  w.arrayF(m.results, flexible, (w, t) => { //               Results []CreatePartitionsTopicResult, versions 0+
    w.stringF(t.name, flexible); //                          Name string, versions 0+
    w.int16(t.errorCode); //                                 ErrorCode int16, versions 0+
    w.nullableStringF(t.errorMessage, flexible); //          ErrorMessage string, versions 0+, nullable 0+
    if (flexible) w.taggedFields(null, t.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): CreatePartitionsResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: CreatePartitionsResponse = {
    throttleTimeMs: r.int32(),
    results: r.arrayF(flexible, (r) => {
      const t: CreatePartitionsTopicResult = { name: r.stringF(flexible), errorCode: r.int16(), errorMessage: r.nullableStringF(flexible) };
      return flexible ? r.tagsInto(t) : t;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const CreatePartitions: ApiCodec<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
