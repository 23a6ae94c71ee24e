/** CreatePartitions v0-v3 against Kafka's CreatePartitionsRequestData / CreatePartitionsResponseData. */
import { CreatePartitions } from '../../protocol/messages/create-partitions.js';
import { apiConformance } from './codecs.js';

apiConformance(CreatePartitions);
