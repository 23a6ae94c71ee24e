import { FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { apiConformance } from './codecs.js';

apiConformance(FindCoordinator);
