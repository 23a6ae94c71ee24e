/** Typed errors of the cluster layer. */
import { KafkaesqueError } from '../../protocol/errors.js';

/** No metadata for a topic within the time allowed (Java: TimeoutException in waitOnMetadata). */
export class MetadataTimeoutError extends KafkaesqueError {
  readonly topic: string;
  constructor(topic: string, timeoutMs: number, last?: Error) {
    super(
      'ERR_METADATA_TIMEOUT',
      `no metadata for topic '${topic}' within ${timeoutMs} ms` +
        (last ? `: ${last.message}` : '') +
        '. Check that the topic exists (or that auto-creation is enabled) and that the brokers are reachable.',
      { retriable: true, cause: last },
    );
    this.topic = topic;
  }
}
