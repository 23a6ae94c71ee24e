/**
 * Request header v1/v2 and response header v0/v1 (RequestHeader.json, ResponseHeader.json).
 * A 4.x broker refuses request header v0 (KIP-896): client_id is always sent.
 */
import type { Reader } from './reader.js';
import type { TaggedField } from './types.js';
import type { Writer } from './writer.js';

export interface RequestHeader {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
  unknownTaggedFields?: TaggedField[];
}

export interface ResponseHeader {
  correlationId: number;
  unknownTaggedFields?: TaggedField[];
}

export function encodeRequestHeader(w: Writer, h: RequestHeader, headerVersion: 1 | 2): void {
  w.int16(h.requestApiKey); //          RequestApiKey int16, versions 0+
  w.int16(h.requestApiVersion); //      RequestApiVersion int16, versions 0+
  w.int32(h.correlationId); //          CorrelationId int32, versions 0+
  w.nullableString(h.clientId); //      ClientId string, versions 1+, nullable, flexibleVersions none
  if (headerVersion >= 2) w.taggedFields(null, h.unknownTaggedFields); // flexible 2+
}

export function decodeRequestHeader(r: Reader, headerVersion: 1 | 2): RequestHeader {
  const h: RequestHeader = {
    requestApiKey: r.int16(),
    requestApiVersion: r.int16(),
    correlationId: r.int32(),
    clientId: r.nullableString(),
  };
  return headerVersion >= 2 ? r.tagsInto(h) : h;
}

export function encodeResponseHeader(w: Writer, h: ResponseHeader, headerVersion: 0 | 1): void {
  w.int32(h.correlationId); //          CorrelationId int32, versions 0+
  if (headerVersion >= 1) w.taggedFields(null, h.unknownTaggedFields); // flexible 1+
}

export function decodeResponseHeader(r: Reader, headerVersion: 0 | 1): ResponseHeader {
  const h: ResponseHeader = { correlationId: r.int32() };
  return headerVersion >= 1 ? r.tagsInto(h) : h;
}
