/**
 * kafkaesque: a pure-TypeScript Apache Kafka client. This file is the public door: what it
 * does not export is private.
 */
export {
  KafkaesqueError,
  ProtocolDecodeError,
  ProtocolEncodeError,
  KafkaProtocolError,
} from '../protocol/errors.js';
export { ErrorCode, errorCodeInfo, type ErrorCodeInfo, type ErrorName } from '../protocol/error-codes.js';
export {
  BrokerConnection,
  type BrokerConnectionOptions,
  type SendOptions,
  type BrokerApiRange,
} from './network/broker-connection.js';
export {
  ConnectionError,
  ConnectionClosedError,
  RequestTimeoutError,
  ProtocolViolationError,
  UnsupportedVersionError,
} from './network/errors.js';
export type { Logger } from './network/logger.js';
/** The wire-protocol codec (also importable alone as `kafkaesque/protocol`). */
export * as protocol from '../protocol/index.js';
