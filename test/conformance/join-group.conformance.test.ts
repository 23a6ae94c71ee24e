import { JoinGroup } from '../../protocol/messages/join-group.js';
import { apiConformance } from './codecs.js';

apiConformance(JoinGroup);
