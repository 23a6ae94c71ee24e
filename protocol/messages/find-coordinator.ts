/**
 * FindCoordinator (key 10), versions 0-6, flexible 3+ (FindCoordinatorRequest.json,
 * FindCoordinatorResponse.json). Finds the broker coordinating a consumer group, a
 * transactional id or a share group.
 *
 * Versions: 1 adds KeyType and, in the response, ThrottleTimeMs and ErrorMessage; 2 = 1 (the
 * response is sent before quota throttling); 3 first flexible; 4 batches the keys
 * (CoordinatorKeys / Coordinators, KIP-699) and drops the single Key and the top-level result
 * fields; 5 TRANSACTION_ABORTABLE may be returned (KIP-890); 6 share groups (KIP-932; key type
 * 2, key "groupId:topicId:partition").
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

/** KeyType values: what the coordinator key names. */
export const CoordinatorKeyType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const;

export interface FindCoordinatorRequest extends WithUnknownTags {
  /** Key, versions 0-3 (the group id or transactional id; use CoordinatorKeys from v4). */
  key: string;
  /** KeyType, versions 1+, default 0 (0 group, 1 transaction, 2 share). */
  keyType: number;
  /** CoordinatorKeys, versions 4+. */
  coordinatorKeys: string[];
}

/** One entry of Coordinators (Java: FindCoordinatorResponseData.Coordinator). */
export interface FindCoordinatorResponseCoordinator extends WithUnknownTags {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  /** ErrorMessage, nullable. */
  errorMessage: string | null;
}

export interface FindCoordinatorResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 1+. */
  throttleTimeMs: number;
  /** ErrorCode, versions 0-3. */
  errorCode: number;
  /** ErrorMessage, versions 1-3, nullable 1-3, default "". */
  errorMessage: string | null;
  /** NodeId, versions 0-3. */
  nodeId: number;
  /** Host, versions 0-3. */
  host: string;
  /** Port, versions 0-3. */
  port: number;
  /** Coordinators, versions 4+. */
  coordinators: FindCoordinatorResponseCoordinator[];
}

/** The request for the coordinator of one key, in `version`'s shape (a batch of keys from v4, KIP-699). */
export function findCoordinatorRequest(version: number, keyType: number, key: string): FindCoordinatorRequest {
  return version >= 4 ? { key: '', keyType, coordinatorKeys: [key] } : { key, keyType, coordinatorKeys: [] };
}

/** The answer for the one key asked (v4+: the first of Coordinators; before: the top-level fields); undefined if none. */
export function findCoordinatorResult(version: number, res: FindCoordinatorResponse): { nodeId: number; errorCode: number } | undefined {
  return version >= 4 ? res.coordinators[0] : { nodeId: res.nodeId, errorCode: res.errorCode };
}

const FIRST_FLEXIBLE = 3;
const REQ = 'FindCoordinatorRequest';
const RES = 'FindCoordinatorResponse';

function encodeRequest(w: Writer, m: FindCoordinatorRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v <= 3) w.stringF(m.key, flexible); //                 Key string, versions 0-3
  else if (m.key !== '') fieldNotInVersion(REQ, 'Key (use CoordinatorKeys)', v);
  if (v >= 1) w.int8(m.keyType); //                          KeyType int8, versions 1+, default 0
  else if (m.keyType !== 0) fieldNotInVersion(REQ, 'KeyType', v);
  if (v >= 4) w.compactArray(m.coordinatorKeys, (w, k) => w.compactString(k)); // CoordinatorKeys []string, versions 4+
  else if (m.coordinatorKeys.length > 0) fieldNotInVersion(REQ, 'CoordinatorKeys (use Key)', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): FindCoordinatorRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: FindCoordinatorRequest = {
    key: v <= 3 ? r.stringF(flexible) : '',
    keyType: v >= 1 ? r.int8() : 0,
    coordinatorKeys: v >= 4 ? r.compactArray((r) => r.compactString()) : [],
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: FindCoordinatorResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  if (v >= 1) w.int32(m.throttleTimeMs); //                  ThrottleTimeMs int32, versions 1+ (ignorable)
  if (v <= 3) {
    w.int16(m.errorCode); //                                 ErrorCode int16, versions 0-3
    if (v >= 1) w.nullableStringF(m.errorMessage, flexible); // ErrorMessage string, versions 1-3, nullable 1-3 (ignorable)
    w.int32(m.nodeId); //                                    NodeId int32, versions 0-3
    w.stringF(m.host, flexible); //                          Host string, versions 0-3
    w.int32(m.port); //                                      Port int32, versions 0-3
  } else {
    if (m.errorCode !== 0) fieldNotInVersion(RES, 'a top-level ErrorCode (use Coordinators)', v);
    if (m.nodeId !== 0) fieldNotInVersion(RES, 'a top-level NodeId (use Coordinators)', v);
    if (m.host !== '') fieldNotInVersion(RES, 'a top-level Host (use Coordinators)', v);
    if (m.port !== 0) fieldNotInVersion(RES, 'a top-level Port (use Coordinators)', v);
  }
  if (v >= 4) {
    w.compactArray(m.coordinators, (w, c) => { //            Coordinators []Coordinator, versions 4+
      w.compactString(c.key); //                             Key string, versions 4+
      w.int32(c.nodeId); //                                  NodeId int32, versions 4+
      w.compactString(c.host); //                            Host string, versions 4+
      w.int32(c.port); //                                    Port int32, versions 4+
      w.int16(c.errorCode); //                               ErrorCode int16, versions 4+
      w.compactNullableString(c.errorMessage); //            ErrorMessage string, versions 4+, nullable 4+
      w.taggedFields(null, c.unknownTaggedFields);
    });
  } else if (m.coordinators.length > 0) {
    fieldNotInVersion(RES, 'Coordinators', v);
  }
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): FindCoordinatorResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const old = v <= 3;
  const m: FindCoordinatorResponse = {
    throttleTimeMs: v >= 1 ? r.int32() : 0,
    errorCode: old ? r.int16() : 0,
    errorMessage: old && v >= 1 ? r.nullableStringF(flexible) : '',
    nodeId: old ? r.int32() : 0,
    host: old ? r.stringF(flexible) : '',
    port: old ? r.int32() : 0,
    coordinators:
      v >= 4
        ? r.compactArray((r) =>
            r.tagsInto<FindCoordinatorResponseCoordinator>({
              key: r.compactString(),
              nodeId: r.int32(),
              host: r.compactString(),
              port: r.int32(),
              errorCode: r.int16(),
              errorMessage: r.compactNullableString(),
            }),
          )
        : [],
  };
  return flexible ? r.tagsInto(m) : m;
}

export const FindCoordinator: ApiCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
