/**
 * IncrementalAlterConfigs (key 44), versions 0-1, flexible 1+ (IncrementalAlterConfigsRequest.json,
 * IncrementalAlterConfigsResponse.json). Sets, deletes, appends to or subtracts from single
 * configuration keys of a resource (KIP-339), leaving the other keys as they are.
 *
 * Versions: 1 first flexible. The fields are the same in every version.
 *
 * The struct names are the spec's; AlterConfigs (key 33) has structs of the same names
 * (Java keeps them apart as IncrementalAlterConfigsRequestData.AlterConfigsResource etc.).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

const AlterableConfig = struct('AlterableConfig', {
  name: f.string(), //                                    Name string, versions 0+
  /** 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT. */
  configOperation: f.int8(), //                           ConfigOperation int8, versions 0+
  value: f.string().nullable('0+'), //                    Value string, versions 0+, nullable 0+
});

const AlterConfigsResource = struct('AlterConfigsResource', {
  resourceType: f.int8(), //                              ResourceType int8, versions 0+
  resourceName: f.string(), //                            ResourceName string, versions 0+
  configs: f.array(AlterableConfig), //                   Configs []AlterableConfig, versions 0+
});

const AlterConfigsResourceResponse = struct('AlterConfigsResourceResponse', {
  errorCode: f.int16(), //                                ErrorCode int16, versions 0+
  errorMessage: f.string().nullable('0+'), //             ErrorMessage string, versions 0+, nullable 0+
  resourceType: f.int8(), //                              ResourceType int8, versions 0+
  resourceName: f.string(), //                            ResourceName string, versions 0+
});

export const IncrementalAlterConfigs = api({
  name: 'IncrementalAlterConfigs',
  apiKey: 44,
  versions: '0-1',
  flexible: '1+',
  request: {
    resources: f.array(AlterConfigsResource), //          Resources []AlterConfigsResource, versions 0+
    validateOnly: f.bool(), //                            ValidateOnly bool, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                         ThrottleTimeMs int32, versions 0+
    responses: f.array(AlterConfigsResourceResponse), //  Responses []AlterConfigsResourceResponse, versions 0+
  },
});

export type AlterableConfig = MessageOf<typeof AlterableConfig.fields>;
export type AlterConfigsResource = MessageOf<typeof AlterConfigsResource.fields>;
export type AlterConfigsResourceResponse = MessageOf<typeof AlterConfigsResourceResponse.fields>;
export type IncrementalAlterConfigsRequest = MessageOf<typeof IncrementalAlterConfigs.request.fields>;
export type IncrementalAlterConfigsResponse = MessageOf<typeof IncrementalAlterConfigs.response.fields>;
