/**
 * SyncGroup (key 14), versions 0-5, flexible 4+ (SyncGroupRequest.json, SyncGroupResponse.json).
 * The second step of the classic group protocol: the leader sends every member's assignment,
 * the others send none; each member gets its own assignment back.
 *
 * Versions: 1 adds ThrottleTimeMs to the response; 2 the response is sent before quota
 * throttling; 3 GroupInstanceId (static membership, KIP-345); 4 first flexible; 5 ProtocolType
 * and ProtocolName in both directions (KIP-559: the broker rejects a request whose type or name
 * differ from the group's).
 *
 * Assignments are opaque bytes here (for the consumer protocol, ConsumerProtocolAssignment);
 * as decoded they are views of the frame.
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface SyncGroupRequestAssignment extends WithUnknownTags {
  /** MemberId, the member to assign. */
  memberId: string;
  /** Assignment bytes. */
  assignment: Buffer;
}

export interface SyncGroupRequest extends WithUnknownTags {
  groupId: string;
  generationId: number;
  memberId: string;
  /** GroupInstanceId, versions 3+, nullable, default null. */
  groupInstanceId: string | null;
  /** ProtocolType, versions 5+, nullable, default null. */
  protocolType: string | null;
  /** ProtocolName, versions 5+, nullable, default null. */
  protocolName: string | null;
  /** Assignments, from the leader only (empty from the other members). */
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 1+. */
  throttleTimeMs: number;
  errorCode: number;
  /** ProtocolType, versions 5+, nullable, default null. */
  protocolType: string | null;
  /** ProtocolName, versions 5+, nullable, default null. */
  protocolName: string | null;
  /** Assignment bytes: this member's assignment. */
  assignment: Buffer;
}

const FIRST_FLEXIBLE = 4;
const REQ = 'SyncGroupRequest';

function encodeRequest(w: Writer, m: SyncGroupRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.stringF(m.groupId, flexible); //                         GroupId string, versions 0+
  w.int32(m.generationId); //                                GenerationId int32, versions 0+
  w.stringF(m.memberId, flexible); //                        MemberId string, versions 0+
  if (v >= 3) w.nullableStringF(m.groupInstanceId, flexible); // GroupInstanceId string, versions 3+, nullable 3+
  else if (m.groupInstanceId !== null) fieldNotInVersion(REQ, 'GroupInstanceId', v);
  if (v >= 5) {
    w.nullableStringF(m.protocolType, flexible); //          ProtocolType string, versions 5+, nullable 5+ (ignorable)
    w.nullableStringF(m.protocolName, flexible); //          ProtocolName string, versions 5+, nullable 5+ (ignorable)
  }
  w.arrayF(m.assignments, flexible, (w, a) => { //           Assignments []SyncGroupRequestAssignment, versions 0+
    w.stringF(a.memberId, flexible); //                      MemberId string, versions 0+
    w.bytesF(a.assignment, flexible); //                     Assignment bytes, versions 0+
    if (flexible) w.taggedFields(null, a.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): SyncGroupRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: SyncGroupRequest = {
    groupId: r.stringF(flexible),
    generationId: r.int32(),
    memberId: r.stringF(flexible),
    groupInstanceId: v >= 3 ? r.nullableStringF(flexible) : null,
    protocolType: v >= 5 ? r.nullableStringF(flexible) : null,
    protocolName: v >= 5 ? r.nullableStringF(flexible) : null,
    assignments: r.arrayF(flexible, (r) => {
      const a: SyncGroupRequestAssignment = { memberId: r.stringF(flexible), assignment: r.bytesF(flexible) };
      return flexible ? r.tagsInto(a) : a;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: SyncGroupResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 1) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 1+ (ignorable)
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  if (v >= 5) {
    w.nullableStringF(m.protocolType, flexible); //          ProtocolType string, versions 5+, nullable 5+ (ignorable)
    w.nullableStringF(m.protocolName, flexible); //          ProtocolName string, versions 5+, nullable 5+ (ignorable)
  }
  w.bytesF(m.assignment, flexible); //                       Assignment bytes, versions 0+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): SyncGroupResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: SyncGroupResponse = {
    throttleTimeMs: v >= 1 ? r.int32() : 0,
    errorCode: r.int16(),
    protocolType: v >= 5 ? r.nullableStringF(flexible) : null,
    protocolName: v >= 5 ? r.nullableStringF(flexible) : null,
    assignment: r.bytesF(flexible),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const SyncGroup: ApiCodec<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
