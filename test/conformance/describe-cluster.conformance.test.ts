/** DescribeCluster v0-v2 against Kafka's DescribeClusterRequestData / DescribeClusterResponseData. */
import { DescribeCluster } from '../../protocol/messages/describe-cluster.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeCluster);
