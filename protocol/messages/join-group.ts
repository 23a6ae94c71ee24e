/**
 * JoinGroup (key 11), versions 0-9, flexible 6+ (JoinGroupRequest.json, JoinGroupResponse.json).
 * The first step of the classic group protocol: a member joins (or rejoins) a group, offering
 * the protocols it supports; the coordinator picks one and elects a leader, to whom it sends
 * every member's metadata.
 *
 * Versions: 1 adds RebalanceTimeoutMs; 2 adds ThrottleTimeMs to the response; 3 the response
 * is sent before quota throttling; 4 a new member must join twice (MEMBER_ID_REQUIRED hands
 * it its member id, KIP-394); 5 GroupInstanceId (static membership, KIP-345); 6 first
 * flexible; 7 the response carries ProtocolType and ProtocolName becomes nullable (KIP-559);
 * 8 Reason (KIP-800); 9 SkipAssignment in the response.
 *
 * Protocol metadata and member metadata are opaque bytes here (for the consumer protocol they
 * are ConsumerProtocolSubscription); as decoded they are views of the frame.
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface JoinGroupRequestProtocol extends WithUnknownTags {
  /** Name, the protocol name (e.g. an assignor's name for the consumer protocol). */
  name: string;
  /** Metadata bytes. */
  metadata: Buffer;
}

export interface JoinGroupRequest extends WithUnknownTags {
  groupId: string;
  sessionTimeoutMs: number;
  /** RebalanceTimeoutMs, versions 1+, default -1. */
  rebalanceTimeoutMs: number;
  /** MemberId, "" on the first join. */
  memberId: string;
  /** GroupInstanceId, versions 5+, nullable, default null (static membership). */
  groupInstanceId: string | null;
  /** ProtocolType, e.g. "consumer". */
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  /** Reason, versions 8+, nullable, default null. */
  reason: string | null;
}

export interface JoinGroupResponseMember extends WithUnknownTags {
  memberId: string;
  /** GroupInstanceId, versions 5+, nullable, default null. */
  groupInstanceId: string | null;
  /** Metadata bytes. */
  metadata: Buffer;
}

export interface JoinGroupResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 2+. */
  throttleTimeMs: number;
  errorCode: number;
  /** GenerationId, default -1. */
  generationId: number;
  /** ProtocolType, versions 7+, nullable, default null. */
  protocolType: string | null;
  /** ProtocolName, nullable 7+. */
  protocolName: string | null;
  /** Leader, the leader's member id. */
  leader: string;
  /** SkipAssignment, versions 9+, default false. */
  skipAssignment: boolean;
  memberId: string;
  /** Members, filled for the leader only. */
  members: JoinGroupResponseMember[];
}

const FIRST_FLEXIBLE = 6;
const REQ = 'JoinGroupRequest';
const RES = 'JoinGroupResponse';

function encodeRequest(w: Writer, m: JoinGroupRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.stringF(m.groupId, flexible); //                         GroupId string, versions 0+
  w.int32(m.sessionTimeoutMs); //                            SessionTimeoutMs int32, versions 0+
  if (v >= 1) w.int32(m.rebalanceTimeoutMs); //              RebalanceTimeoutMs int32, versions 1+ (ignorable)
  w.stringF(m.memberId, flexible); //                        MemberId string, versions 0+
  if (v >= 5) w.nullableStringF(m.groupInstanceId, flexible); // GroupInstanceId string, versions 5+, nullable 5+
  else if (m.groupInstanceId !== null) fieldNotInVersion(REQ, 'GroupInstanceId', v);
  w.stringF(m.protocolType, flexible); //                    ProtocolType string, versions 0+
  w.arrayF(m.protocols, flexible, (w, p) => { //             Protocols []JoinGroupRequestProtocol, versions 0+
    w.stringF(p.name, flexible); //                          Name string, versions 0+
    w.bytesF(p.metadata, flexible); //                       Metadata bytes, versions 0+
    if (flexible) w.taggedFields(null, p.unknownTaggedFields);
  });
  if (v >= 8) w.nullableStringF(m.reason, flexible); //      Reason string, versions 8+, nullable 8+ (ignorable)
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): JoinGroupRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: JoinGroupRequest = {
    groupId: r.stringF(flexible),
    sessionTimeoutMs: r.int32(),
    rebalanceTimeoutMs: v >= 1 ? r.int32() : -1,
    memberId: r.stringF(flexible),
    groupInstanceId: v >= 5 ? r.nullableStringF(flexible) : null,
    protocolType: r.stringF(flexible),
    protocols: r.arrayF(flexible, (r) => {
      const p: JoinGroupRequestProtocol = { name: r.stringF(flexible), metadata: r.bytesF(flexible) };
      return flexible ? r.tagsInto(p) : p;
    }),
    reason: v >= 8 ? r.nullableStringF(flexible) : null,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: JoinGroupResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 2) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 2+ (ignorable)
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  w.int32(m.generationId); //                                GenerationId int32, versions 0+
  if (v >= 7) w.nullableStringF(m.protocolType, flexible); // ProtocolType string, versions 7+, nullable 7+ (ignorable)
  if (v >= 7) w.nullableStringF(m.protocolName, flexible); // ProtocolName string, versions 0+, nullable 7+
  else if (m.protocolName === null) fieldNotInVersion(RES, 'a null ProtocolName', v);
  else w.stringF(m.protocolName, flexible);
  w.stringF(m.leader, flexible); //                          Leader string, versions 0+
  if (v >= 9) w.bool(m.skipAssignment); //                   SkipAssignment bool, versions 9+
  else if (m.skipAssignment) fieldNotInVersion(RES, 'SkipAssignment=true', v);
  w.stringF(m.memberId, flexible); //                        MemberId string, versions 0+
  w.arrayF(m.members, flexible, (w, p) => { //               Members []JoinGroupResponseMember, versions 0+
    w.stringF(p.memberId, flexible); //                      MemberId string, versions 0+
    if (v >= 5) w.nullableStringF(p.groupInstanceId, flexible); // GroupInstanceId string, versions 5+, nullable 5+ (ignorable)
    w.bytesF(p.metadata, flexible); //                       Metadata bytes, versions 0+
    if (flexible) w.taggedFields(null, p.unknownTaggedFields);
  });
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): JoinGroupResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: JoinGroupResponse = {
    throttleTimeMs: v >= 2 ? r.int32() : 0,
    errorCode: r.int16(),
    generationId: r.int32(),
    protocolType: v >= 7 ? r.nullableStringF(flexible) : null,
    protocolName: v >= 7 ? r.nullableStringF(flexible) : r.stringF(flexible),
    leader: r.stringF(flexible),
    skipAssignment: v >= 9 ? r.bool() : false,
    memberId: r.stringF(flexible),
    members: r.arrayF(flexible, (r) => {
      const p: JoinGroupResponseMember = {
        memberId: r.stringF(flexible),
        groupInstanceId: v >= 5 ? r.nullableStringF(flexible) : null,
        metadata: r.bytesF(flexible),
      };
      return flexible ? r.tagsInto(p) : p;
    }),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const JoinGroup: ApiCodec<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
