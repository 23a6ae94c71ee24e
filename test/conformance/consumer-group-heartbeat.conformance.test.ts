/** ConsumerGroupHeartbeat v0-v1 against Kafka's ConsumerGroupHeartbeatRequestData / ConsumerGroupHeartbeatResponseData. */
import { ConsumerGroupHeartbeat } from '../../protocol/messages/consumer-group-heartbeat.js';
import { apiConformance } from './codecs.js';

apiConformance(ConsumerGroupHeartbeat);
