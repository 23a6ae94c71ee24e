import { OffsetCommit } from '../../protocol/messages/offset-commit.js';
import { apiConformance } from './codecs.js';

apiConformance(OffsetCommit);
