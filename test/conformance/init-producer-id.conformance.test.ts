/** InitProducerId v0-v5 against Kafka's InitProducerIdRequestData / InitProducerIdResponseData. */
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { apiConformance } from './codecs.js';

apiConformance(InitProducerId);
// v6 (KIP-939 2PC) is latestVersionUnstable in Kafka 4.2.1, so maxVersion stops at 5; its
// fields are implemented all the same and proven here.
apiConformance({ ...InitProducerId, minVersion: 6, maxVersion: 6 });
