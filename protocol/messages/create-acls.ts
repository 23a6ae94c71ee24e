/**
 * CreateAcls (key 30), versions 1-3, flexible 2+ (CreateAclsRequest.json,
 * CreateAclsResponse.json). Creates ACL bindings; the admin client's createAcls.
 *
 * Versions: 0 was removed in Kafka 4.0 (KIP-896), 1 is the baseline: it added the resource
 * pattern type, and the response is sent before quota throttling; 2 first flexible; 3 adds the
 * USER resource type (a new value, no new field).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

/** One ACL binding to create (Java: CreateAclsRequestData.AclCreation). */
const AclCreation = struct('AclCreation', {
  resourceType: f.int8(), //                                ResourceType int8, versions 0+
  resourceName: f.string(), //                              ResourceName string, versions 0+
  resourcePatternType: f.int8().v('1+').default(3), //      ResourcePatternType int8, versions 1+, default 3
  principal: f.string(), //                                 Principal string, versions 0+
  host: f.string(), //                                      Host string, versions 0+
  operation: f.int8(), //                                   Operation int8, versions 0+
  permissionType: f.int8(), //                              PermissionType int8, versions 0+
});

const AclCreationResult = struct('AclCreationResult', {
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
});

export const CreateAcls = api({
  name: 'CreateAcls',
  apiKey: 30,
  versions: '1-3',
  flexible: '2+',
  request: {
    creations: f.array(AclCreation), //                     Creations []AclCreation, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    results: f.array(AclCreationResult), //                 Results []AclCreationResult, versions 0+
  },
});

export type AclCreation = MessageOf<typeof AclCreation.fields>;
export type AclCreationResult = MessageOf<typeof AclCreationResult.fields>;
export type CreateAclsRequest = MessageOf<typeof CreateAcls.request.fields>;
export type CreateAclsResponse = MessageOf<typeof CreateAcls.response.fields>;
