/** SaslHandshake v0-v1 against Kafka's SaslHandshakeRequestData / SaslHandshakeResponseData. */
import { SaslHandshake } from '../../protocol/messages/sasl-handshake.js';
import { apiConformance } from './codecs.js';

apiConformance(SaslHandshake);
