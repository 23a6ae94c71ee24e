/**
 * DescribeConfigs (key 32), versions 1-4, flexible 4+ (DescribeConfigsRequest.json,
 * DescribeConfigsResponse.json). Reads the configuration of topics, brokers and other resources.
 *
 * Versions: 0 removed in Kafka 4.0 (KIP-896); 1 the baseline: the request asks for synonyms
 * (IncludeSynonyms), the response gives each entry's ConfigSource and Synonyms (v0's IsDefault
 * is gone); 2 the response is sent before quota throttling; 3 the request may ask for
 * documentation, the response gives ConfigType and Documentation; 4 first flexible.
 */
import { api, f, struct, t, type MessageOf } from '../schema.js';

const DescribeConfigsResource = struct('DescribeConfigsResource', {
  resourceType: f.int8(), //                              ResourceType int8, versions 0+
  resourceName: f.string(), //                            ResourceName string, versions 0+
  /** The keys to list, or null for every key. */
  configurationKeys: f.array(t.string).nullable('0+'), // ConfigurationKeys []string, versions 0+, nullable 0+
});

const DescribeConfigsSynonym = struct('DescribeConfigsSynonym', {
  name: f.string().v('1+'), //                            Name string, versions 1+
  value: f.string().v('1+').nullable('0+'), //            Value string, versions 1+, nullable 0+
  source: f.int8().v('1+'), //                            Source int8, versions 1+
});

const DescribeConfigsResourceResult = struct('DescribeConfigsResourceResult', {
  name: f.string(), //                                    Name string, versions 0+
  value: f.string().nullable('0+'), //                    Value string, versions 0+, nullable 0+
  readOnly: f.bool(), //                                  ReadOnly bool, versions 0+
  configSource: f.int8().v('1+').ignorable().default(-1), // ConfigSource int8, versions 1+, ignorable, default -1
  isSensitive: f.bool(), //                               IsSensitive bool, versions 0+
  synonyms: f.array(DescribeConfigsSynonym).v('1+').ignorable(), // Synonyms []DescribeConfigsSynonym, versions 1+, ignorable
  configType: f.int8().v('3+').ignorable().default(0), // ConfigType int8, versions 3+, ignorable, default 0
  documentation: f.string().v('3+').nullable('0+').ignorable(), // Documentation string, versions 3+, nullable 0+, ignorable
});

const DescribeConfigsResult = struct('DescribeConfigsResult', {
  errorCode: f.int16(), //                                ErrorCode int16, versions 0+
  errorMessage: f.string().nullable('0+'), //             ErrorMessage string, versions 0+, nullable 0+
  resourceType: f.int8(), //                              ResourceType int8, versions 0+
  resourceName: f.string(), //                            ResourceName string, versions 0+
  configs: f.array(DescribeConfigsResourceResult), //     Configs []DescribeConfigsResourceResult, versions 0+
});

export const DescribeConfigs = api({
  name: 'DescribeConfigs',
  apiKey: 32,
  versions: '1-4',
  flexible: '4+',
  request: {
    resources: f.array(DescribeConfigsResource), //       Resources []DescribeConfigsResource, versions 0+
    includeSynonyms: f.bool().v('1+').default(false), //  IncludeSynonyms bool, versions 1+, default false
    includeDocumentation: f.bool().v('3+').default(false), // IncludeDocumentation bool, versions 3+, default false
  },
  response: {
    throttleTimeMs: f.int32(), //                         ThrottleTimeMs int32, versions 0+
    results: f.array(DescribeConfigsResult), //           Results []DescribeConfigsResult, versions 0+
  },
});

export type DescribeConfigsResource = MessageOf<typeof DescribeConfigsResource.fields>;
export type DescribeConfigsSynonym = MessageOf<typeof DescribeConfigsSynonym.fields>;
export type DescribeConfigsResourceResult = MessageOf<typeof DescribeConfigsResourceResult.fields>;
export type DescribeConfigsResult = MessageOf<typeof DescribeConfigsResult.fields>;
export type DescribeConfigsRequest = MessageOf<typeof DescribeConfigs.request.fields>;
export type DescribeConfigsResponse = MessageOf<typeof DescribeConfigs.response.fields>;
