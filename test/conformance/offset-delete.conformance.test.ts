/** OffsetDelete v0 against Kafka's OffsetDeleteRequestData / OffsetDeleteResponseData. */
import { OffsetDelete } from '../../protocol/messages/offset-delete.js';
import { apiConformance } from './codecs.js';

apiConformance(OffsetDelete);
