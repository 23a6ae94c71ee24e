/** AlterPartitionReassignments v0-v1 against Kafka's AlterPartitionReassignmentsRequestData / AlterPartitionReassignmentsResponseData. */
import { AlterPartitionReassignments } from '../../protocol/messages/alter-partition-reassignments.js';
import { apiConformance } from './codecs.js';

apiConformance(AlterPartitionReassignments);
