/**
 * What every API codec provides. One file per API under `messages/` implements this for all
 * the versions kafkaesque speaks; each field's version range is written at the line that
 * encodes or decodes it, in the terms of Kafka's message specs
 * (`clients/src/main/resources/common/message/*.json`).
 *
 * Both directions exist for requests and responses: a client encodes requests and decodes
 * responses; the other two halves serve the conformance tests and the fake server of the
 * hostile-input tests.
 */
import { ProtocolEncodeError } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export interface ApiCodec<Req, Res> {
  /** The API key on the wire. */
  readonly apiKey: number;
  /** Kafka's name of the API, e.g. `Metadata`. */
  readonly name: string;
  /** Lowest version this codec speaks (never below what a 4.x broker accepts, KIP-896). */
  readonly minVersion: number;
  /** Highest version this codec speaks. */
  readonly maxVersion: number;
  /** First flexible version (KIP-482): compact types, tagged fields, header v2/v1. */
  readonly firstFlexibleVersion: number;
  encodeRequest(w: Writer, request: Req, version: number): void;
  decodeRequest(r: Reader, version: number): Req;
  encodeResponse(w: Writer, response: Res, version: number): void;
  decodeResponse(r: Reader, version: number): Res;
  /** Response header version for a request version; ApiVersions always answers with v0. */
  responseHeaderVersion(version: number): 0 | 1;
  /** Request header version for a request version. */
  requestHeaderVersion(version: number): 1 | 2;
}

/** Request/response types of a codec. */
export type RequestOf<C> = C extends ApiCodec<infer Req, unknown> ? Req : never;
export type ResponseOf<C> = C extends ApiCodec<unknown, infer Res> ? Res : never;

/** Header versions for an API whose flexible versions start at `firstFlexibleVersion`. */
export function headerVersions(firstFlexibleVersion: number): Pick<
  ApiCodec<unknown, unknown>,
  'requestHeaderVersion' | 'responseHeaderVersion'
> {
  return {
    requestHeaderVersion: (v) => (v >= firstFlexibleVersion ? 2 : 1),
    responseHeaderVersion: (v) => (v >= firstFlexibleVersion ? 1 : 0),
  };
}

/** Kafka's all-zero UUID (`Uuid.ZERO_UUID`) in its text form. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/**
 * Thrown when a request or response carries a non-default value in a field that the chosen
 * version does not have and that the spec does not mark ignorable (Java throws
 * UnsupportedVersionException in the same case): silently dropping it would change meaning.
 */
export function fieldNotInVersion(message: string, field: string, version: number): never {
  throw new ProtocolEncodeError(
    `${message} v${version} cannot carry ${field}: the field does not exist in this version and cannot be dropped`,
  );
}
