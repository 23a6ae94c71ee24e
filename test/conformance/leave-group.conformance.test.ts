import { LeaveGroup } from '../../protocol/messages/leave-group.js';
import { apiConformance } from './codecs.js';

apiConformance(LeaveGroup);
