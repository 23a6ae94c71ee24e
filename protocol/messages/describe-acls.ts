/**
 * DescribeAcls (key 29), versions 1-3, flexible 2+ (DescribeAclsRequest.json,
 * DescribeAclsResponse.json). Lists the ACL bindings matching a filter; the admin client's
 * describeAcls.
 *
 * Versions: 0 was removed in Kafka 4.0 (KIP-896), 1 is the baseline: it added the pattern type
 * (filter and answer), and the response is sent before quota throttling; 2 first flexible; 3
 * adds the USER resource type (a new value, no new field).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

const AclDescription = struct('AclDescription', {
  principal: f.string(), //                                 Principal string, versions 0+
  host: f.string(), //                                      Host string, versions 0+
  operation: f.int8(), //                                   Operation int8, versions 0+
  permissionType: f.int8(), //                              PermissionType int8, versions 0+
});

/** A resource and its matching ACLs (Java: DescribeAclsResponseData.DescribeAclsResource). */
const DescribeAclsResource = struct('DescribeAclsResource', {
  resourceType: f.int8(), //                                ResourceType int8, versions 0+
  resourceName: f.string(), //                              ResourceName string, versions 0+
  patternType: f.int8().v('1+').default(3), //              PatternType int8, versions 1+, default 3, ignorable false
  acls: f.array(AclDescription), //                         Acls []AclDescription, versions 0+
});

export const DescribeAcls = api({
  name: 'DescribeAcls',
  apiKey: 29,
  versions: '1-3',
  flexible: '2+',
  request: {
    resourceTypeFilter: f.int8(), //                        ResourceTypeFilter int8, versions 0+
    /** Null matches any resource name. */
    resourceNameFilter: f.string().nullable(), //           ResourceNameFilter string, versions 0+, nullable 0+
    patternTypeFilter: f.int8().v('1+').default(3), //      PatternTypeFilter int8, versions 1+, default 3, ignorable false
    /** Null matches any principal. */
    principalFilter: f.string().nullable(), //              PrincipalFilter string, versions 0+, nullable 0+
    /** Null matches any host. */
    hostFilter: f.string().nullable(), //                   HostFilter string, versions 0+, nullable 0+
    operation: f.int8(), //                                 Operation int8, versions 0+
    permissionType: f.int8(), //                            PermissionType int8, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    errorMessage: f.string().nullable(), //                 ErrorMessage string, versions 0+, nullable 0+
    resources: f.array(DescribeAclsResource), //            Resources []DescribeAclsResource, versions 0+
  },
});

export type AclDescription = MessageOf<typeof AclDescription.fields>;
export type DescribeAclsResource = MessageOf<typeof DescribeAclsResource.fields>;
export type DescribeAclsRequest = MessageOf<typeof DescribeAcls.request.fields>;
export type DescribeAclsResponse = MessageOf<typeof DescribeAcls.response.fields>;
