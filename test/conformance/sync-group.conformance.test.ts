import { SyncGroup } from '../../protocol/messages/sync-group.js';
import { apiConformance } from './codecs.js';

apiConformance(SyncGroup);
