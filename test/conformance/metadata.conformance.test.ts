/** Metadata v0-v13 against Kafka's MetadataRequestData / MetadataResponseData. */
import { Metadata } from '../../protocol/messages/metadata.js';
import { apiConformance } from './codecs.js';

apiConformance(Metadata);
