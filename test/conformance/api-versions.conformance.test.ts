/** ApiVersions v0-v4 against Kafka's ApiVersionsRequestData / ApiVersionsResponseData. */
import { ApiVersions } from '../../protocol/messages/api-versions.js';
import { apiConformance } from './codecs.js';

apiConformance(ApiVersions);
