/** Fetch against Kafka's FetchRequestData / FetchResponseData, every version a 4.x broker speaks. */
import { Fetch } from '../../protocol/messages/fetch.js';
import { apiConformance } from './codecs.js';

apiConformance(Fetch, { request: { records: 'batches' }, response: { records: 'batches' } });
