/** DeleteTopics v1-v6 against Kafka's DeleteTopicsRequestData / DeleteTopicsResponseData. */
import { DeleteTopics } from '../../protocol/messages/delete-topics.js';
import { apiConformance } from './codecs.js';

apiConformance(DeleteTopics);
