/**
 * The public surfaces the mocks share with the real classes. A class with private members (the
 * real producers and Multiplexer) admits no other implementation of its own type, so code that
 * should take either the real thing or a mock types its parameter with one of these (or a
 * `Pick` of them); the real classes and the mocks are both assignable to them. (A
 * MockMultiplexer's `multiplexer` is the real Multiplexer itself.)
 */
import type { EventEmitter } from 'node:events';
import type { ConsumerMessage } from '../client/consumer.js';
import type { AsyncProducer, AsyncProducerEvents, SyncProducer, TransactionalProducer } from '../client/producers.js';
import type { Multiplexer, MultiplexerEvents } from '../mux/multiplexer.js';

/** The transactional methods: they need a transaction coordinator, which the mocks do not have (yet). */
export type TransactionalMembers = keyof TransactionalProducer | 'transaction';

/** Every public member of SyncProducer but the transactional ones. */
export type SyncProducerLike = Omit<SyncProducer, TransactionalMembers>;

/** Every public member of AsyncProducer but the transactional ones, its events included. */
export type AsyncProducerLike = Omit<AsyncProducer, keyof EventEmitter | TransactionalMembers> & EventEmitter<AsyncProducerEvents>;

/** Members of the Multiplexer its connections use (marked @internal), its client Config, and what needs a real cluster (admin). */
export type MultiplexerInternals =
  // an Admin works on a real cluster: a mock has none to give
  | 'admin'
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
  | 'producersOf'
  | 'transaction'
  | 'markInTransaction'
  // the clients' counters: the mocks have no wire to count
  | 'metrics';

/** Every public member of the Multiplexer but its internals, its events included. */
export type MultiplexerLike = Omit<Multiplexer, MultiplexerInternals | keyof EventEmitter> & EventEmitter<MultiplexerEvents>;

/**
 * A send the mock acknowledged (in `sent()`) or failed (in `failed()`, with `error`): the record as
 * a consumer would read it (`partition`: the explicit one, else the partitioner's; `offset`: the
 * one the mock assigned, 0, 1, 2... per partition, -1n for a failed send; `timestamp`: the send's,
 * else the time of the send), and how it was sent.
 */
export interface SentMessage extends ConsumerMessage {
  /** The caller's metadata, as given to the send. */
  metadata: unknown;
  /** The Multiplexer connection that sent it; undefined for a producer used directly. */
  connection: string | undefined;
  /** Which producer sent it: a sync send resolves, an async send calls back. */
  producer: 'sync' | 'async';
  /** Failed sends only: the cause (the ProducerError given to the caller wraps it). */
  error?: Error;
  /** Sent through a connection's transaction (`conn.transaction(...)`): recorded when it commits, or in `aborted()`. */
  transactional?: boolean;
}
