/**
 * ApiVersions (key 18), versions 0-4, flexible 3+ (ApiVersionsRequest.json,
 * ApiVersionsResponse.json). The response header stays v0 in every version (KIP-511): a
 * broker must be able to answer a client whose request version it does not know.
 */
import { type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

export interface ApiVersionsRequest extends WithUnknownTags {
  /** ClientSoftwareName, versions 3+ (KIP-511). */
  clientSoftwareName: string;
  /** ClientSoftwareVersion, versions 3+. */
  clientSoftwareVersion: string;
}

export interface ApiVersion extends WithUnknownTags {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface SupportedFeatureKey extends WithUnknownTags {
  name: string;
  minVersion: number;
  maxVersion: number;
}

export interface FinalizedFeatureKey extends WithUnknownTags {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

export interface ApiVersionsResponse extends WithUnknownTags {
  errorCode: number;
  apiKeys: ApiVersion[];
  /** ThrottleTimeMs, versions 1+. */
  throttleTimeMs: number;
  /** SupportedFeatures, versions 3+, tag 0. */
  supportedFeatures: SupportedFeatureKey[];
  /** FinalizedFeaturesEpoch, versions 3+, tag 1, default -1. */
  finalizedFeaturesEpoch: bigint;
  /** FinalizedFeatures, versions 3+, tag 2. */
  finalizedFeatures: FinalizedFeatureKey[];
  /** ZkMigrationReady, versions 3+, tag 3, default false. */
  zkMigrationReady: boolean;
}

const FIRST_FLEXIBLE = 3;

function encodeRequest(w: Writer, m: ApiVersionsRequest, v: number): void {
  if (v >= 3) {
    w.compactString(m.clientSoftwareName); //    ClientSoftwareName string, versions 3+
    w.compactString(m.clientSoftwareVersion); // ClientSoftwareVersion string, versions 3+
    w.taggedFields(null, m.unknownTaggedFields);
  }
}

function decodeRequest(r: Reader, v: number): ApiVersionsRequest {
  const m: ApiVersionsRequest = { clientSoftwareName: '', clientSoftwareVersion: '' };
  if (v >= 3) {
    m.clientSoftwareName = r.compactString();
    m.clientSoftwareVersion = r.compactString();
    r.tagsInto(m);
  }
  return m;
}

function encodeResponse(w: Writer, m: ApiVersionsResponse, v: number): void {
  const flexible = v >= FIRST_FLEXIBLE;
  w.int16(m.errorCode); //                                ErrorCode int16, versions 0+
  w.arrayF(m.apiKeys, flexible, (w, k) => { //            ApiKeys []ApiVersion, versions 0+
    w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion);
    if (flexible) w.taggedFields(null, k.unknownTaggedFields);
  });
  if (v >= 1) w.int32(m.throttleTimeMs); //               ThrottleTimeMs int32, versions 1+
  if (!flexible) return;
  const tagged: Array<readonly [number, (w: Writer) => void]> = [];
  if (m.supportedFeatures.length > 0) { //               SupportedFeatures, tag 0, versions 3+
    tagged.push([0, (w) => w.compactArray(m.supportedFeatures, (w, f) => {
      w.compactString(f.name).int16(f.minVersion).int16(f.maxVersion);
      w.taggedFields(null, f.unknownTaggedFields);
    })]);
  }
  if (m.finalizedFeaturesEpoch !== -1n) { //              FinalizedFeaturesEpoch int64, tag 1, default -1
    tagged.push([1, (w) => w.int64(m.finalizedFeaturesEpoch)]);
  }
  if (m.finalizedFeatures.length > 0) { //               FinalizedFeatures, tag 2, versions 3+
    tagged.push([2, (w) => w.compactArray(m.finalizedFeatures, (w, f) => {
      w.compactString(f.name).int16(f.maxVersionLevel).int16(f.minVersionLevel);
      w.taggedFields(null, f.unknownTaggedFields);
    })]);
  }
  if (m.zkMigrationReady) tagged.push([3, (w) => w.bool(true)]); // ZkMigrationReady, tag 3, default false
  w.taggedFields(tagged, m.unknownTaggedFields);
}

function decodeResponse(r: Reader, v: number): ApiVersionsResponse {
  const flexible = v >= FIRST_FLEXIBLE;
  const m: ApiVersionsResponse = {
    errorCode: r.int16(),
    apiKeys: r.arrayF(flexible, (r) => {
      const k: ApiVersion = { apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() };
      return flexible ? r.tagsInto(k) : k;
    }, 6),
    throttleTimeMs: v >= 1 ? r.int32() : 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
  if (flexible) {
    r.tagsInto(m, (tag, r) => {
      switch (tag) {
        case 0:
          m.supportedFeatures = r.compactArray((r) => {
            const f: SupportedFeatureKey = { name: r.compactString(), minVersion: r.int16(), maxVersion: r.int16() };
            return r.tagsInto(f);
          });
          return true;
        case 1:
          m.finalizedFeaturesEpoch = r.int64();
          return true;
        case 2:
          m.finalizedFeatures = r.compactArray((r) => {
            const f: FinalizedFeatureKey = {
              name: r.compactString(),
              maxVersionLevel: r.int16(),
              minVersionLevel: r.int16(),
            };
            return r.tagsInto(f);
          });
          return true;
        case 3:
          m.zkMigrationReady = r.bool();
          return true;
        default:
          return false;
      }
    });
  }
  return m;
}

export const ApiVersions: ApiCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: FIRST_FLEXIBLE,
  encodeRequest,
  decodeRequest,
  encodeResponse,
  decodeResponse,
  requestHeaderVersion: (v) => (v >= FIRST_FLEXIBLE ? 2 : 1),
  responseHeaderVersion: () => 0,
};

