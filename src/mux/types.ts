/**
 * The types the Multiplexer and its connections share. Apart from multiplexer.ts so that
 * connections.ts, which multiplexer.ts imports, need not import it back.
 */
import type { Config } from '../client/config.js';
import type { Consumer, ConsumerEvents, ConsumerMessage, StartOffset } from '../client/consumer.js';
import type { AsyncProducer, SyncProducer } from '../client/producers.js';
import type { HandlerError } from './errors.js';

/** A handler of consumed messages; may be async (the next message waits for it). */
export type MessageHandler = (message: ConsumerMessage) => void | Promise<void>;

/**
 * @internal What the Multiplexer asks of its group consumer (the client Consumer, with a group).
 * The parts below are the seam through which kafkaesque/testing runs this very Multiplexer over
 * mock producers and an in-memory consumer (as the Go layer's `mux.Mock`); `fromConfig` gives it
 * the real ones.
 */
export type MuxGroupConsumer = Pick<Consumer, 'pause' | 'resume' | 'assignment' | 'markOffset' | 'commitOffsets' | 'close' | 'seek' | 'groupMetadata'> & {
  messages(): AsyncIterable<ConsumerMessage>;
  on<K extends 'error' | 'assigned' | 'revoked'>(event: K, listener: (...args: ConsumerEvents[K]) => void): unknown;
};

/** @internal One partition consumed outside the group (the client PartitionConsumer). */
export interface MuxPartitionConsumer {
  messages(): AsyncIterable<ConsumerMessage>;
  close(): void;
}

/** @internal The groupless consumer of manual connections (the client Consumer, without a group). */
export interface MuxManualConsumer {
  consumePartition(topic: string, partition: number, offset: StartOffset): Promise<MuxPartitionConsumer>;
  close(): Promise<void>;
}

/** @internal The producers and consumers a Multiplexer runs over; see {@link MuxGroupConsumer}. */
export interface MultiplexerParts {
  /** What the Multiplexer and its connections call of the SyncProducer. */
  syncProducer: Pick<SyncProducer, 'sendMsgByte' | 'sendMsgToPartition' | 'close'>;
  /** What the Multiplexer and its connections call of the AsyncProducer. */
  asyncProducer: Pick<AsyncProducer, 'sendMsgByte' | 'sendMsgToPartition' | 'flush' | 'close'>;
  /** The group consumer, made in `start()` with the group and topics set in `config`. */
  createGroupConsumer(config: Config): Promise<MuxGroupConsumer>;
  /** The consumer of manual connections, made on first use with no group in `config`. */
  createManualConsumer(config: Config): Promise<MuxManualConsumer>;
  /**
   * The transactional producer of `conn.transaction(...)`, made on first use with the Config's
   * `transactionalId`; the Multiplexer calls `initTransactions()` on it.
   */
  createTransactionalProducer(config: Config): Promise<MuxTransactionalProducer>;
  /**
   * The producers connection `name` sends through (default: the two above). The test double
   * gives each connection producers that record its name with every send.
   */
  producersFor?(connection: string): ConnectionProducers;
  /**
   * The sends of a transaction of connection `name` (default: the transactional producer's own).
   * The test double records the connection's name with each.
   */
  transactionalSendsFor?(connection: string, producer: MuxTransactionalProducer): Pick<MuxTransactionalProducer, 'sendMsgByte' | 'sendMsgToPartition'>;
  /** Called after each handler call with the message and, when the handler threw, the error the Multiplexer reports. */
  onHandled?(connection: string, message: ConsumerMessage, failure: HandlerError | undefined): void;
}

/** @internal What the Multiplexer calls of its transactional producer (a SyncProducer with a transactionalId). */
export type MuxTransactionalProducer = Pick<
  SyncProducer,
  'sendMsgByte' | 'sendMsgToPartition' | 'initTransactions' | 'beginTransaction' | 'sendOffsetsToTransaction' | 'commitTransaction' | 'abortTransaction' | 'close'
>;

/** @internal What the Multiplexer keeps of a connection's transaction (a ConnectionTransaction). */
export interface MuxTransaction {
  readonly name: string;
  readonly isFinished: boolean;
  readonly marks: Map<string, { topic: string; partition: number; offset: bigint; metadata: string | undefined }>;
}

/** @internal The producers a connection sends through. */
export interface ConnectionProducers {
  syncProducer: MultiplexerParts['syncProducer'];
  asyncProducer: MultiplexerParts['asyncProducer'];
}

/**
 * @internal What a connection calls on its Multiplexer (the Multiplexer implements it; these
 * members are marked @internal there).
 */
export interface ConnectionMux {
  producersOf(connection: string): ConnectionProducers;
  subscribe(connection: string, topic: string, handler: MessageHandler): void;
  unsubscribe(connection: string, topic: string): void;
  mark(connection: string, message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void;
  commitOffsets(): Promise<void>;
  transaction<T>(connection: string, fn: (tx: MuxTransaction) => T | Promise<T>): Promise<T>;
  markInTransaction(tx: MuxTransaction, message: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void;
  consumePartition(connection: string, topic: string, partition: number, offset: StartOffset, handler: MessageHandler): Promise<void>;
  stopConsumingPartition(connection: string, topic: string, partition: number, offset?: StartOffset): void;
}
