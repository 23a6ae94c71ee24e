/** DescribeGroups v0-v6 against Kafka's DescribeGroupsRequestData / DescribeGroupsResponseData. */
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeGroups);
