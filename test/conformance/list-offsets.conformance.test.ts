/** ListOffsets against Kafka's ListOffsetsRequestData / ListOffsetsResponseData, every version a 4.x broker speaks. */
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { apiConformance } from './codecs.js';

apiConformance(ListOffsets);
