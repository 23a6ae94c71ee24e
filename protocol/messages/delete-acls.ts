/**
 * DeleteAcls (key 31), versions 1-3, flexible 2+ (DeleteAclsRequest.json,
 * DeleteAclsResponse.json). Deletes the ACL bindings matching each filter and answers with
 * what each filter matched; the admin client's deleteAcls.
 *
 * Versions: 0 was removed in Kafka 4.0 (KIP-896), 1 is the baseline: it added the pattern type
 * (filter and matched ACL), and the response is sent before quota throttling; 2 first
 * flexible; 3 adds the USER resource type (a new value, no new field).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

/** One filter; a null string matches anything (Java: DeleteAclsRequestData.DeleteAclsFilter). */
const DeleteAclsFilter = struct('DeleteAclsFilter', {
  resourceTypeFilter: f.int8(), //                          ResourceTypeFilter int8, versions 0+
  resourceNameFilter: f.string().nullable(), //             ResourceNameFilter string, versions 0+, nullable 0+
  patternTypeFilter: f.int8().v('1+').default(3), //        PatternTypeFilter int8, versions 1+, default 3, ignorable false
  principalFilter: f.string().nullable(), //                PrincipalFilter string, versions 0+, nullable 0+
  hostFilter: f.string().nullable(), //                     HostFilter string, versions 0+, nullable 0+
  operation: f.int8(), //                                   Operation int8, versions 0+
  permissionType: f.int8(), //                              PermissionType int8, versions 0+
});

/** An ACL a filter matched, and whether deleting it worked. */
const DeleteAclsMatchingAcl = struct('DeleteAclsMatchingAcl', {
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
  resourceType: f.int8(), //                                ResourceType int8, versions 0+
  resourceName: f.string(), //                              ResourceName string, versions 0+
  patternType: f.int8().v('1+').default(3), //              PatternType int8, versions 1+, default 3, ignorable false
  principal: f.string(), //                                 Principal string, versions 0+
  host: f.string(), //                                      Host string, versions 0+
  operation: f.int8(), //                                   Operation int8, versions 0+
  permissionType: f.int8(), //                              PermissionType int8, versions 0+
});

const DeleteAclsFilterResult = struct('DeleteAclsFilterResult', {
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
  matchingAcls: f.array(DeleteAclsMatchingAcl), //          MatchingAcls []DeleteAclsMatchingAcl, versions 0+
});

export const DeleteAcls = api({
  name: 'DeleteAcls',
  apiKey: 31,
  versions: '1-3',
  flexible: '2+',
  request: {
    filters: f.array(DeleteAclsFilter), //                  Filters []DeleteAclsFilter, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    filterResults: f.array(DeleteAclsFilterResult), //      FilterResults []DeleteAclsFilterResult, versions 0+
  },
});

export type DeleteAclsFilter = MessageOf<typeof DeleteAclsFilter.fields>;
export type DeleteAclsMatchingAcl = MessageOf<typeof DeleteAclsMatchingAcl.fields>;
export type DeleteAclsFilterResult = MessageOf<typeof DeleteAclsFilterResult.fields>;
export type DeleteAclsRequest = MessageOf<typeof DeleteAcls.request.fields>;
export type DeleteAclsResponse = MessageOf<typeof DeleteAcls.response.fields>;
