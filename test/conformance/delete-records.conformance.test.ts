/** DeleteRecords v0-v2 against Kafka's DeleteRecordsRequestData / DeleteRecordsResponseData. */
import { DeleteRecords } from '../../protocol/messages/delete-records.js';
import { apiConformance } from './codecs.js';

apiConformance(DeleteRecords);
