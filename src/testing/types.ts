/**
 * The public surfaces the mocks share with the real classes. A class with private members (the
 * real producers and Multiplexer) admits no other implementation of its own type, so code that
 * should take either the real thing or a mock types its parameter with one of these (or a
 * `Pick` of them); the real classes and the mocks are both assignable to them. (A
 * MockMultiplexer's `multiplexer` is the real Multiplexer itself.)
 */
import type { EventEmitter } from 'node:events';
import type { AsyncProducer, AsyncProducerEvents, SyncProducer } from '../client/producers.js';
import type { Multiplexer, MultiplexerEvents } from '../mux/multiplexer.js';

/** Every public member of SyncProducer. */
export type SyncProducerLike = Pick<SyncProducer, keyof SyncProducer>;

/** Every public member of AsyncProducer, its events included. */
export type AsyncProducerLike = Omit<AsyncProducer, keyof EventEmitter> & EventEmitter<AsyncProducerEvents>;

/** Members of the Multiplexer its connections use (marked @internal), and its client Config. */
export type MultiplexerInternals =
  | 'config'
  | 'syncProducer'
  | 'asyncProducer'
  | 'isStopping'
  | 'subscribe'
  | 'unsubscribe'
  | 'mark'
  | 'consumePartition'
  | 'stopConsumingPartition'
  | 'handled'
  | 'reportError'
  | 'idle'
  | 'subscriptionState'
  | 'runHandler'
  | 'producersOf';

/** Every public member of the Multiplexer but its internals, its events included. */
export type MultiplexerLike = Omit<Multiplexer, MultiplexerInternals | keyof EventEmitter> & EventEmitter<MultiplexerEvents>;
