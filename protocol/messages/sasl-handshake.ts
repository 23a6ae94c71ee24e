/**
 * SaslHandshake (key 17), versions 0-1, never flexible (SaslHandshakeRequest.json,
 * SaslHandshakeResponse.json). The client names a mechanism; the broker answers with
 * UNSUPPORTED_SASL_MECHANISM and the list it has enabled, or NONE.
 *
 * Versions: 0 is followed by raw SASL tokens outside Kafka framing; 1 (KIP-152) by
 * SaslAuthenticate requests. kafkaesque only uses v1; the codec speaks both (same layout).
 */
import type { ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface SaslHandshakeRequest {
  /** Mechanism, versions 0+: e.g. `PLAIN`, `SCRAM-SHA-256`. */
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  /** Mechanisms, versions 0+: those enabled on the listener. */
  mechanisms: string[];
}

function encodeRequest(w: Writer, m: SaslHandshakeRequest, _v: number): void {
  w.string(m.mechanism); //                                  Mechanism string, versions 0+
}

function decodeRequest(r: Reader, _v: number): SaslHandshakeRequest {
  return { mechanism: r.string() };
}

function encodeResponse(w: Writer, m: SaslHandshakeResponse, _v: number): void {
  w.int16(m.errorCode); //                                   ErrorCode int16, versions 0+
  w.array(m.mechanisms, (w, s) => w.string(s)); //           Mechanisms []string, versions 0+
}

function decodeResponse(r: Reader, _v: number): SaslHandshakeResponse {
  return {
    errorCode: r.int16(),
    mechanisms: r.array((r) => r.string()),
  };
}

export const SaslHandshake: ApiCodec<SaslHandshakeRequest, SaslHandshakeResponse> = {
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: Number.POSITIVE_INFINITY,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  requestHeaderVersion: () => 1,
  responseHeaderVersion: () => 0,
};
