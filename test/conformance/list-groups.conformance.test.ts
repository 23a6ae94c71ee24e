/** ListGroups v0-v5 against Kafka's ListGroupsRequestData / ListGroupsResponseData. */
import { ListGroups } from '../../protocol/messages/list-groups.js';
import { apiConformance } from './codecs.js';

apiConformance(ListGroups);
