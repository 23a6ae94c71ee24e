/** IncrementalAlterConfigs v0-v1 against Kafka's IncrementalAlterConfigsRequestData / IncrementalAlterConfigsResponseData. */
import { IncrementalAlterConfigs } from '../../protocol/messages/incremental-alter-configs.js';
import { apiConformance } from './codecs.js';

apiConformance(IncrementalAlterConfigs);
