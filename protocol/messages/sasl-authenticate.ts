/**
 * SaslAuthenticate (key 36), versions 0-2, flexible 2+ (SaslAuthenticateRequest.json,
 * SaslAuthenticateResponse.json). Carries the SASL mechanism's tokens after a SaslHandshake
 * v1 (KIP-152).
 *
 * Versions: 1 adds SessionLifetimeMs to the response (KIP-368, re-authentication); 2 first
 * flexible.
 */
import { type ApiCodec, headerVersions } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface SaslAuthenticateRequest extends WithUnknownTags {
  /** AuthBytes, versions 0+: the mechanism's client token. */
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse extends WithUnknownTags {
  errorCode: number;
  /** ErrorMessage, versions 0+, nullable. */
  errorMessage: string | null;
  /** AuthBytes, versions 0+: the mechanism's server token. */
  authBytes: Buffer;
  /** SessionLifetimeMs, versions 1+, default 0 (no limit). */
  sessionLifetimeMs: bigint;
}

const FIRST_FLEXIBLE = 2;

function encodeRequest(w: Writer, m: SaslAuthenticateRequest, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.bytesF(m.authBytes, flexible); //                        AuthBytes bytes, versions 0+
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeRequest(r: Reader, v: number): SaslAuthenticateRequest {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: SaslAuthenticateRequest = { authBytes: r.bytesF(flexible) };
  return flexible ? r.tagsInto(m) : m;
}

function encodeResponse(w: Writer, m: SaslAuthenticateResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  w.nullableStringF(m.errorMessage, flexible); //            ErrorMessage string, versions 0+, nullable 0+
  w.bytesF(m.authBytes, flexible); //                        AuthBytes bytes, versions 0+
  if (v >= 1) w.int64(m.sessionLifetimeMs); //               SessionLifetimeMs int64, versions 1+ (ignorable)
  if (flexible) w.taggedFields(null, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): SaslAuthenticateResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: SaslAuthenticateResponse = {
    errorCode: r.int16(),
    errorMessage: r.nullableStringF(flexible),
    authBytes: r.bytesF(flexible),
    sessionLifetimeMs: v >= 1 ? r.int64() : 0n,
  };
  return flexible ? r.tagsInto(m) : m;
}

export const SaslAuthenticate: ApiCodec<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  ...headerVersions(FIRST_FLEXIBLE),
};
