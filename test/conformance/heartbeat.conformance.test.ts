import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { apiConformance } from './codecs.js';

apiConformance(Heartbeat);
