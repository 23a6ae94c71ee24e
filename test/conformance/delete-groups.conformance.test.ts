/** DeleteGroups v0-v2 against Kafka's DeleteGroupsRequestData / DeleteGroupsResponseData. */
import { DeleteGroups } from '../../protocol/messages/delete-groups.js';
import { apiConformance } from './codecs.js';

apiConformance(DeleteGroups);
