/** ListPartitionReassignments v0 against Kafka's ListPartitionReassignmentsRequestData / ListPartitionReassignmentsResponseData. */
import { ListPartitionReassignments } from '../../protocol/messages/list-partition-reassignments.js';
import { apiConformance } from './codecs.js';

apiConformance(ListPartitionReassignments);
