/** DescribeClientQuotas v0-v1 against Kafka's DescribeClientQuotasRequestData / DescribeClientQuotasResponseData. */
import { DescribeClientQuotas } from '../../protocol/messages/describe-client-quotas.js';
import { apiConformance } from './codecs.js';

apiConformance(DescribeClientQuotas);
