/** AlterClientQuotas v0-v1 against Kafka's AlterClientQuotasRequestData / AlterClientQuotasResponseData. */
import { AlterClientQuotas } from '../../protocol/messages/alter-client-quotas.js';
import { apiConformance } from './codecs.js';

apiConformance(AlterClientQuotas);
