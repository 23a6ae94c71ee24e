/** DescribeConfigs v1-v4 against Kafka's DescribeConfigsRequestData / DescribeConfigsResponseData. */
import { DescribeConfigs } from '../../protocol/messages/describe-configs.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeConfigs);
