/** The Multiplexer layer: many named connections over one set of producers and consumers. */
export {
  Multiplexer,
  HIGH_WATER,
  LOW_WATER,
  GO_LAYER_DEFAULTS,
  type MultiplexerOptions,
  type MultiplexerEvents,
  type MultiplexerMetricsSnapshot,
} from './multiplexer.js';
export {
  SendingConnection,
  BytesConnection,
  BytesManualConnection,
  ConnectionTransaction,
  type SendResult,
  type SyncPublisher,
  type AsyncPublisher,
  type Key,
  type SuccessCallback,
  type ErrorCallback,
} from './connections.js';
export {
  ProtoConnection,
  ProtoManualConnection,
  ProtoMessage,
  ProtoTransaction,
  binarySerializer,
  jsonSerializer,
  protoJsonSerializer,
  type ProtoSerializer,
  type ProtoValue,
  type ProtoHandler,
  type ProtoSyncPublisher,
  type ProtoAsyncPublisher,
} from './proto.js';
export { loadMuxConfigFile, parseMuxConfig, type MuxFileConfig } from './config-file.js';
export type { MessageHandler } from './types.js';
export { MuxConfigError, MuxStartedError, MuxClosedError, MuxUsageError, HandlerError } from './errors.js';
export { toProtoJson, fromProtoJson, PROTO_JSON_MAX_DEPTH, type ProtoJsonOptions } from './protojson.js';
