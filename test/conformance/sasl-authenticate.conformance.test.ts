/** SaslAuthenticate v0-v2 against Kafka's SaslAuthenticateRequestData / SaslAuthenticateResponseData. */
import { SaslAuthenticate } from '../../protocol/messages/sasl-authenticate.js';
import { apiConformance } from './codecs.js';

apiConformance(SaslAuthenticate);
