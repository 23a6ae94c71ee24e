/** CreateTopics v2-v7 against Kafka's CreateTopicsRequestData / CreateTopicsResponseData. */
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { apiConformance } from './codecs.js';

apiConformance(CreateTopics);
