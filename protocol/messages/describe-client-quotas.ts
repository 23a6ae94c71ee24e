/**
 * DescribeClientQuotas (key 48), versions 0-1, flexible 1+ (DescribeClientQuotasRequest.json,
 * DescribeClientQuotasResponse.json). The client quotas (produce/fetch byte rates, request
 * percentage, ...) set on the entities (user, client-id, ip) a filter matches (KIP-546).
 *
 * Versions: 1 first flexible; the fields are the same in both versions.
 *
 * The spec's struct names (ComponentData, EntryData, EntityData, ValueData) are shared with
 * AlterClientQuotas, so the exported types carry the API's name.
 */
import { api, f, struct, type MessageOf } from '../schema.js';

/** Java: DescribeClientQuotasRequestData.ComponentData. */
const DescribeClientQuotasComponent = struct('DescribeClientQuotasComponent', {
  entityType: f.string(), //                                EntityType string, versions 0+
  /** 0 the exact name in `match`, 1 the default entity, 2 any named entity. */
  matchType: f.int8(), //                                   MatchType int8, versions 0+
  match: f.string().nullable(), //                          Match string, versions 0+, nullable 0+
});

/** Java: DescribeClientQuotasResponseData.EntityData. */
const DescribeClientQuotasEntity = struct('DescribeClientQuotasEntity', {
  entityType: f.string(), //                                EntityType string, versions 0+
  /** Null for the default entity. */
  entityName: f.string().nullable(), //                     EntityName string, versions 0+, nullable 0+
});

/** Java: DescribeClientQuotasResponseData.ValueData. */
const DescribeClientQuotasValue = struct('DescribeClientQuotasValue', {
  key: f.string(), //                                       Key string, versions 0+
  value: f.float64(), //                                    Value float64, versions 0+
});

/** Java: DescribeClientQuotasResponseData.EntryData. */
const DescribeClientQuotasEntry = struct('DescribeClientQuotasEntry', {
  entity: f.array(DescribeClientQuotasEntity), //           Entity []EntityData, versions 0+
  values: f.array(DescribeClientQuotasValue), //            Values []ValueData, versions 0+
});

export const DescribeClientQuotas = api({
  name: 'DescribeClientQuotas',
  apiKey: 48,
  versions: '0-1',
  flexible: '1+',
  request: {
    components: f.array(DescribeClientQuotasComponent), //  Components []ComponentData, versions 0+
    /** Leave out entities that have an entity type no component names. */
    strict: f.bool(), //                                    Strict bool, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    errorMessage: f.string().nullable(), //                 ErrorMessage string, versions 0+, nullable 0+
    entries: f.array(DescribeClientQuotasEntry).nullable(), // Entries []EntryData, versions 0+, nullable 0+
  },
});

export type DescribeClientQuotasComponent = MessageOf<typeof DescribeClientQuotasComponent.fields>;
export type DescribeClientQuotasEntity = MessageOf<typeof DescribeClientQuotasEntity.fields>;
export type DescribeClientQuotasValue = MessageOf<typeof DescribeClientQuotasValue.fields>;
export type DescribeClientQuotasEntry = MessageOf<typeof DescribeClientQuotasEntry.fields>;
export type DescribeClientQuotasRequest = MessageOf<typeof DescribeClientQuotas.request.fields>;
export type DescribeClientQuotasResponse = MessageOf<typeof DescribeClientQuotas.response.fields>;
