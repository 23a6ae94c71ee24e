/**
 * AlterClientQuotas (key 49), versions 0-1, flexible 1+ (AlterClientQuotasRequest.json,
 * AlterClientQuotasResponse.json). Sets or removes client quotas on entities (user,
 * client-id, ip), one result per entity (KIP-546).
 *
 * Versions: 1 first flexible; the fields are the same in both versions.
 *
 * The spec's struct names (EntryData, EntityData, OpData) are shared with DescribeClientQuotas,
 * so the exported types carry the API's name. EntityData has the same fields in the request and
 * the response (two Java classes), so it is defined once here.
 */
import { api, f, struct, type MessageOf } from '../schema.js';

/** Java: AlterClientQuotasRequestData.EntityData and AlterClientQuotasResponseData.EntityData. */
const AlterClientQuotasEntity = struct('AlterClientQuotasEntity', {
  entityType: f.string(), //                                EntityType string, versions 0+
  /** Null for the default entity. */
  entityName: f.string().nullable(), //                     EntityName string, versions 0+, nullable 0+
});

/** Java: AlterClientQuotasRequestData.OpData. */
const AlterClientQuotasOp = struct('AlterClientQuotasOp', {
  key: f.string(), //                                       Key string, versions 0+
  /** Ignored when `remove` is set. */
  value: f.float64(), //                                    Value float64, versions 0+
  remove: f.bool(), //                                      Remove bool, versions 0+
});

/** Java: AlterClientQuotasRequestData.EntryData. */
const AlterClientQuotasEntry = struct('AlterClientQuotasEntry', {
  entity: f.array(AlterClientQuotasEntity), //              Entity []EntityData, versions 0+
  ops: f.array(AlterClientQuotasOp), //                     Ops []OpData, versions 0+
});

/** Java: AlterClientQuotasResponseData.EntryData. */
const AlterClientQuotasEntryResult = struct('AlterClientQuotasEntryResult', {
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
  entity: f.array(AlterClientQuotasEntity), //              Entity []EntityData, versions 0+
});

export const AlterClientQuotas = api({
  name: 'AlterClientQuotas',
  apiKey: 49,
  versions: '0-1',
  flexible: '1+',
  request: {
    entries: f.array(AlterClientQuotasEntry), //            Entries []EntryData, versions 0+
    validateOnly: f.bool(), //                              ValidateOnly bool, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    entries: f.array(AlterClientQuotasEntryResult), //      Entries []EntryData, versions 0+
  },
});

export type AlterClientQuotasEntity = MessageOf<typeof AlterClientQuotasEntity.fields>;
export type AlterClientQuotasOp = MessageOf<typeof AlterClientQuotasOp.fields>;
export type AlterClientQuotasEntry = MessageOf<typeof AlterClientQuotasEntry.fields>;
export type AlterClientQuotasEntryResult = MessageOf<typeof AlterClientQuotasEntryResult.fields>;
export type AlterClientQuotasRequest = MessageOf<typeof AlterClientQuotas.request.fields>;
export type AlterClientQuotasResponse = MessageOf<typeof AlterClientQuotas.response.fields>;
