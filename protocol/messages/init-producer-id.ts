/**
 * InitProducerId (key 22), versions 0-5 spoken, flexible 2+ (InitProducerIdRequest.json,
 * InitProducerIdResponse.json). Gives an idempotent or transactional producer its producer id
 * and epoch.
 *
 * The specs of Kafka 4.2.1 list versions 0-6, but the request is marked
 * `latestVersionUnstable`: v6 (KIP-939 two-phase commit: Enable2Pc, KeepPreparedTxn,
 * OngoingTxnProducerId/Epoch) is not enabled on a production broker. The v6 fields are
 * encoded and decoded below, but {@link InitProducerId}.maxVersion is 5, the highest stable
 * version, so version negotiation never picks v6.
 *
 * Versions: 1 = 0 (the response is sent before quota throttling); 2 first flexible; 3 adds
 * ProducerId/ProducerEpoch to the request (resume after INVALID_PRODUCER_EPOCH, KIP-360);
 * 4 PRODUCER_FENCED may be returned; 5 TRANSACTION_ABORTABLE may be returned (KIP-890).
 */
import { type ApiCodec, fieldNotInVersion, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface InitProducerIdRequest extends WithUnknownTags {
  /** TransactionalId, versions 0+, nullable 0+ (null: idempotent, non-transactional producer). */
  transactionalId: string | null;
  /** TransactionTimeoutMs, versions 0+ (only meaningful with a transactional id). */
  transactionTimeoutMs: number;
  /** ProducerId, versions 3+, default -1 (the id being resumed, -1 for a new producer). */
  producerId: bigint;
  /** ProducerEpoch, versions 3+, default -1. */
  producerEpoch: number;
  /** Enable2Pc, versions 6+, default false (KIP-939; v6 is unstable in Kafka 4.2). */
  enable2Pc: boolean;
  /** KeepPreparedTxn, versions 6+, default false (KIP-939; v6 is unstable in Kafka 4.2). */
  keepPreparedTxn: boolean;
}

export interface InitProducerIdResponse extends WithUnknownTags {
  /** ThrottleTimeMs, versions 0+. */
  throttleTimeMs: number;
  /** ErrorCode, versions 0+. */
  errorCode: number;
  /** ProducerId, versions 0+, default -1. */
  producerId: bigint;
  /** ProducerEpoch, versions 0+. */
  producerEpoch: number;
  /** OngoingTxnProducerId, versions 6+, default -1. */
  ongoingTxnProducerId: bigint;
  /** OngoingTxnProducerEpoch, versions 6+, default -1. */
  ongoingTxnProducerEpoch: number;
}

/**
 * An idempotent (non-transactional) producer's request in `version`'s shape. `current`, the id
 * and epoch to bump (KIP-360), can be sent from v3 only; before, the broker gives a new id.
 */
export function initProducerIdRequest(
  version: number,
  transactionTimeoutMs: number,
  current: { producerId: bigint; producerEpoch: number } | null,
): InitProducerIdRequest {
  const bump = current !== null && version >= 3;
  return {
    transactionalId: null,
    transactionTimeoutMs,
    producerId: bump ? current.producerId : -1n,
    producerEpoch: bump ? current.producerEpoch : -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  };
}

const FIRST_FLEXIBLE = 2;
const REQ = 'InitProducerIdRequest';
const RES = 'InitProducerIdResponse';

function encodeRequest(w: Writer, m: InitProducerIdRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.nullableStringF(m.transactionalId, flexible); //         TransactionalId string, versions 0+, nullable 0+
  w.int32(m.transactionTimeoutMs); //                        TransactionTimeoutMs int32, versions 0+
  if (v >= 3) w.int64(m.producerId); //                      ProducerId int64, versions 3+, default -1
  else if (m.producerId !== -1n) fieldNotInVersion(REQ, 'ProducerId', v);
  if (v >= 3) w.int16(m.producerEpoch); //                   ProducerEpoch int16, versions 3+, default -1
  else if (m.producerEpoch !== -1) fieldNotInVersion(REQ, 'ProducerEpoch', v);
  if (v >= 6) w.bool(m.enable2Pc); //                        Enable2Pc bool, versions 6+, default false
  else if (m.enable2Pc) fieldNotInVersion(REQ, 'Enable2Pc', v);
  if (v >= 6) w.bool(m.keepPreparedTxn); //                  KeepPreparedTxn bool, versions 6+, default false
  else if (m.keepPreparedTxn) fieldNotInVersion(REQ, 'KeepPreparedTxn', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): InitProducerIdRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: InitProducerIdRequest = {
    transactionalId: r.nullableStringF(flexible),
    transactionTimeoutMs: r.int32(),
    producerId: v >= 3 ? r.int64() : -1n,
    producerEpoch: v >= 3 ? r.int16() : -1,
    enable2Pc: v >= 6 ? r.bool() : false,
    keepPreparedTxn: v >= 6 ? r.bool() : false,
  };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: InitProducerIdResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int32(m.throttleTimeMs); //                              ThrottleTimeMs int32, versions 0+
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  w.int64(m.producerId); //                                  ProducerId int64, versions 0+, default -1
  w.int16(m.producerEpoch); //                               ProducerEpoch int16, versions 0+
  if (v >= 6) w.int64(m.ongoingTxnProducerId); //            OngoingTxnProducerId int64, versions 6+, default -1
  else if (m.ongoingTxnProducerId !== -1n) fieldNotInVersion(RES, 'OngoingTxnProducerId', v);
  if (v >= 6) w.int16(m.ongoingTxnProducerEpoch); //         OngoingTxnProducerEpoch int16, versions 6+, default -1
  else if (m.ongoingTxnProducerEpoch !== -1) fieldNotInVersion(RES, 'OngoingTxnProducerEpoch', v);
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): InitProducerIdResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: InitProducerIdResponse = {
    throttleTimeMs: r.int32(),
    errorCode: r.int16(),
    producerId: r.int64(),
    producerEpoch: r.int16(),
    ongoingTxnProducerId: v >= 6 ? r.int64() : -1n,
    ongoingTxnProducerEpoch: v >= 6 ? r.int16() : -1,
  };
  return flexible ? r.tagsInto(m) : m;
}

/** InitProducerId v0-v5 (v6 encodable, but not advertised: unstable in Kafka 4.2.1). */
export const InitProducerId: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5, // highest stable version; 6 is latestVersionUnstable in Kafka 4.2.1
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
