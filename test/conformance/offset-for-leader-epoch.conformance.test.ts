/** OffsetForLeaderEpoch v2-v4 against Kafka's OffsetForLeaderEpochRequestData / OffsetForLeaderEpochResponseData. */
import { OffsetForLeaderEpoch } from '../../protocol/messages/offset-for-leader-epoch.js';
import { apiConformance } from './codecs.js';

apiConformance(OffsetForLeaderEpoch);
