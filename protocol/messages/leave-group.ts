/**
 * LeaveGroup (key 13), versions 0-5, flexible 4+ (LeaveGroupRequest.json,
 * LeaveGroupResponse.json). A classic group member leaves so the group rebalances at once
 * instead of after its session timeout.
 *
 * Versions: 1 adds ThrottleTimeMs to the response; 2 the response is sent before quota
 * throttling; 3 batches the members leaving (Members with MemberId and GroupInstanceId,
 * KIP-345) in place of the single MemberId, and answers per member; 4 first flexible; 5 adds
 * each member's Reason (KIP-800).
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

/** One leaving member (Java: LeaveGroupRequestData.MemberIdentity). */
export interface LeaveGroupMemberIdentity extends WithUnknownTags {
  memberId: string;
  /** GroupInstanceId, nullable, default null. */
  groupInstanceId: string | null;
  /** Reason, versions 5+, nullable, default null. */
  reason: string | null;
}

export interface LeaveGroupRequest extends WithUnknownTags {
  groupId: string;
  /** MemberId, versions 0-2 (use Members from v3). */
  memberId: string;
  /** Members, versions 3+. */
  members: LeaveGroupMemberIdentity[];
}

/** One member's result (Java: LeaveGroupResponseData.MemberResponse). */
export interface LeaveGroupMemberResponse extends WithUnknownTags {
  memberId: string;
  /** GroupInstanceId, nullable. */
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 1+. */
  throttleTimeMs: number;
  errorCode: number;
  /** Members, versions 3+. */
  members: LeaveGroupMemberResponse[];
}

/** The request for one member leaving, in `version`'s shape (in Members from v3, KIP-345). */
export function leaveGroupRequest(version: number, groupId: string, member: LeaveGroupMemberIdentity): LeaveGroupRequest {
  return version >= 3 ? { groupId, memberId: '', members: [member] } : { groupId, memberId: member.memberId, members: [] };
}

/** The first error of the answer: the top-level one, else the first member's (v3+); 0 when none. */
export function leaveGroupErrorCode(res: LeaveGroupResponse): number {
  return res.errorCode || res.members.find((m) => m.errorCode !== 0)?.errorCode || 0;
}

const FIRST_FLEXIBLE = 4;
const REQ = 'LeaveGroupRequest';
const RES = 'LeaveGroupResponse';

function encodeRequest(w: Writer, m: LeaveGroupRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.stringF(m.groupId, flexible); //                         GroupId string, versions 0+
  if (v <= 2) w.stringF(m.memberId, flexible); //            MemberId string, versions 0-2
  else if (m.memberId !== '') fieldNotInVersion(REQ, 'a top-level MemberId (use Members)', v);
  if (v >= 3) {
    w.arrayF(m.members, flexible, (w, p) => { //             Members []MemberIdentity, versions 3+
      w.stringF(p.memberId, flexible); //                    MemberId string, versions 3+
      w.nullableStringF(p.groupInstanceId, flexible); //     GroupInstanceId string, versions 3+, nullable 3+
      if (v >= 5) w.nullableStringF(p.reason, flexible); //  Reason string, versions 5+, nullable 5+ (ignorable)
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
  } else if (m.members.length > 0) {
    fieldNotInVersion(REQ, 'Members (use MemberId)', v);
  }
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): LeaveGroupRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: LeaveGroupRequest = {
    groupId: r.stringF(flexible),
    memberId: v <= 2 ? r.stringF(flexible) : '',
    members:
      v >= 3
        ? r.arrayF(flexible, (r) => {
            const p: LeaveGroupMemberIdentity = {
              memberId: r.stringF(flexible),
              groupInstanceId: r.nullableStringF(flexible),
              reason: v >= 5 ? r.nullableStringF(flexible) : null,
            };
            return flexible ? r.tagsInto(p) : p;
          })
        : [],
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: LeaveGroupResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 1) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 1+ (ignorable)
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  if (v >= 3) {
    w.arrayF(m.members, flexible, (w, p) => { //             Members []MemberResponse, versions 3+
      w.stringF(p.memberId, flexible); //                    MemberId string, versions 3+
      w.nullableStringF(p.groupInstanceId, flexible); //     GroupInstanceId string, versions 3+, nullable 3+
      w.int16(p.errorCode); //                               ErrorCode int16, versions 3+
      if (flexible) w.taggedFields(null, p.unknownTaggedFields);
    });
  } else if (m.members.length > 0) {
    fieldNotInVersion(RES, 'Members', v);
  }
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): LeaveGroupResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: LeaveGroupResponse = {
    throttleTimeMs: v >= 1 ? r.int32() : 0,
    errorCode: r.int16(),
    members:
      v >= 3
        ? r.arrayF(flexible, (r) => {
            const p: LeaveGroupMemberResponse = {
              memberId: r.stringF(flexible),
              groupInstanceId: r.nullableStringF(flexible),
              errorCode: r.int16(),
            };
            return flexible ? r.tagsInto(p) : p;
          })
        : [],
  };
  return flexible ? r.tagsInto(m) : m;
}

export const LeaveGroup: ApiCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
