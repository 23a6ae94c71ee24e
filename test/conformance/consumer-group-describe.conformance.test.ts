/** ConsumerGroupDescribe v0-v1 against Kafka's ConsumerGroupDescribeRequestData / ConsumerGroupDescribeResponseData. */
import { ConsumerGroupDescribe } from '../../protocol/messages/consumer-group-describe.js';
import { apiConformance } from './codecs.js';

apiConformance(ConsumerGroupDescribe);
