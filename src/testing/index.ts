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
export { type SendMatcher, type SendExpectation, type MockPartitioningOptions } from './sends.js';
export { MockSendError, UnexpectedSendError } from './errors.js';
export type { SyncProducerLike, AsyncProducerLike, MultiplexerLike, MultiplexerInternals, SentMessage } from './types.js';
