/** ElectLeaders v0-v2 against Kafka's ElectLeadersRequestData / ElectLeadersResponseData. */
import { ElectLeaders } from '../../protocol/messages/elect-leaders.js';
import { apiConformance } from './codecs.js';

apiConformance(ElectLeaders);
