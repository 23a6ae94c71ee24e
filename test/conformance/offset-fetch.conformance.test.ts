import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import { apiConformance } from './codecs.js';

apiConformance(OffsetFetch);
