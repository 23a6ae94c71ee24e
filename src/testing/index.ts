/**
 * kafkaesque/testing: test doubles for code that uses the Multiplexer, its connections or the
 * producers, with no broker and no network (docs/testing.md). The core entry point does not
 * import this one.
 */
export {
  MockMultiplexer,
  type MockMultiplexerOptions,
  type DeliveredMessageInput,
  type Delivery,
  type MarkedOffset,
  type PartitionSubscription,
} from './multiplexer.js';
export { MockSyncProducer, MockAsyncProducer, type MockProducerOptions } from './producers.js';
export {
  MockSendError,
  UnexpectedSendError,
  type SentMessage,
  type SendMatcher,
  type SendExpectation,
  type MockPartitioningOptions,
} from './sends.js';
export type { SyncProducerLike, AsyncProducerLike, MultiplexerLike, MultiplexerInternals } from './types.js';
