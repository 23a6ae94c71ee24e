/** Produce against Kafka's ProduceRequestData / ProduceResponseData, every version a 4.x broker speaks. */
import { Produce } from '../../protocol/messages/produce.js';
import { apiConformance } from './codecs.js';

apiConformance(Produce, { request: { records: 'batches' }, response: { records: 'batches' } });
