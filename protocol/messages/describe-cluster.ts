/**
 * DescribeCluster (key 60), versions 0-2, flexible 0+ (DescribeClusterRequest.json,
 * DescribeClusterResponse.json). The cluster ID, the controller and the brokers (or, v1+, the
 * controllers) as one node sees them (KIP-700).
 *
 * Versions: 1 adds EndpointType (KIP-919: 1 brokers, 2 controllers) to both sides, and may
 * answer MISMATCHED_ENDPOINT_TYPE or UNSUPPORTED_ENDPOINT_TYPE; 2 adds IncludeFencedBrokers to
 * the request and IsFenced to each broker (KIP-1073).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

const DescribeClusterBroker = struct('DescribeClusterBroker', {
  brokerId: f.int32(), //                                 BrokerId int32, versions 0+
  host: f.string(), //                                    Host string, versions 0+
  port: f.int32(), //                                     Port int32, versions 0+
  rack: f.string().nullable('0+').default(null), //       Rack string, versions 0+, nullable 0+, default null
  isFenced: f.bool().v('2+'), //                          IsFenced bool, versions 2+
});

export const DescribeCluster = api({
  name: 'DescribeCluster',
  apiKey: 60,
  versions: '0-2',
  flexible: '0+',
  request: {
    includeClusterAuthorizedOperations: f.bool(), //      IncludeClusterAuthorizedOperations bool, versions 0+
    endpointType: f.int8().v('1+').default(1), //         EndpointType int8, versions 1+, default 1
    includeFencedBrokers: f.bool().v('2+'), //            IncludeFencedBrokers bool, versions 2+
  },
  response: {
    throttleTimeMs: f.int32(), //                         ThrottleTimeMs int32, versions 0+
    errorCode: f.int16(), //                              ErrorCode int16, versions 0+
    errorMessage: f.string().nullable('0+').default(null), // ErrorMessage string, versions 0+, nullable 0+, default null
    endpointType: f.int8().v('1+').default(1), //         EndpointType int8, versions 1+, default 1
    clusterId: f.string(), //                             ClusterId string, versions 0+
    controllerId: f.int32().default(-1), //               ControllerId int32, versions 0+, default -1
    brokers: f.array(DescribeClusterBroker), //           Brokers []DescribeClusterBroker, versions 0+
    /** A bit per ACL operation; -2^31 when not asked for. */
    clusterAuthorizedOperations: f.int32().default(-2147483648), // ClusterAuthorizedOperations int32, versions 0+, default -2147483648
  },
});

export type DescribeClusterBroker = MessageOf<typeof DescribeClusterBroker.fields>;
export type DescribeClusterRequest = MessageOf<typeof DescribeCluster.request.fields>;
export type DescribeClusterResponse = MessageOf<typeof DescribeCluster.response.fields>;
