/**
 * Heartbeat (key 12), versions 0-4, flexible 4+ (HeartbeatRequest.json, HeartbeatResponse.json).
 * Keeps a classic group member alive between JoinGroup/SyncGroup rounds; REBALANCE_IN_PROGRESS
 * in the response tells the member to rejoin.
 *
 * Versions: 1 adds ThrottleTimeMs to the response; 2 the response is sent before quota
 * throttling; 3 GroupInstanceId (static membership, KIP-345); 4 first flexible.
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface HeartbeatRequest extends WithUnknownTags {
  groupId: string;
  generationId: number;
  memberId: string;
  /** GroupInstanceId, versions 3+, nullable, default null. */
  groupInstanceId: string | null;
}

export interface HeartbeatResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 1+. */
  throttleTimeMs: number;
  errorCode: number;
}

const FIRST_FLEXIBLE = 4;
const REQ = 'HeartbeatRequest';

function encodeRequest(w: Writer, m: HeartbeatRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.stringF(m.groupId, flexible); //                         GroupId string, versions 0+
  w.int32(m.generationId); //                                GenerationId int32, versions 0+
  w.stringF(m.memberId, flexible); //                        MemberId string, versions 0+
  if (v >= 3) w.nullableStringF(m.groupInstanceId, flexible); // GroupInstanceId string, versions 3+, nullable 3+
  else if (m.groupInstanceId !== null) fieldNotInVersion(REQ, 'GroupInstanceId', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): HeartbeatRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: HeartbeatRequest = {
    groupId: r.stringF(flexible),
    generationId: r.int32(),
    memberId: r.stringF(flexible),
    groupInstanceId: v >= 3 ? r.nullableStringF(flexible) : null,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: HeartbeatResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 1) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 1+ (ignorable)
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): HeartbeatResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: HeartbeatResponse = {
    throttleTimeMs: v >= 1 ? r.int32() : 0,
    errorCode: r.int16(),
  };
  return flexible ? r.tagsInto(m) : m;
}

export const Heartbeat: ApiCodec<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
