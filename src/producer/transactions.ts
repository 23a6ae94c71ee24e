/**
 * Transactions (KIP-98; KIP-447 for offsets; KIP-890 for transactions V2): the transactional
 * producer's state machine and its requests to the transaction coordinator, as Java's
 * TransactionManager does them. The producer engine (producer-core.ts) sends the records; it
 * asks this manager whether a record may be sent, whether a partition may be drained (in V1 only
 * once AddPartitionsToTxn took it) and tells it of every batch that failed.
 *
 * States: uninitialized → (initTransactions) ready → (beginTransaction) in-transaction →
 * (commitTransaction) committing → ready, or (abortTransaction) aborting → ready. A failed
 * record, fenced offsets or a transaction the coordinator timed out make the transaction
 * abortable: it can only be aborted, and the producer goes on. Being fenced by a newer producer
 * with the same transactional id, or not being authorized for it, is fatal: the producer can
 * only be closed.
 *
 * Transactions V1 add each partition with AddPartitionsToTxn before its first batch, and the
 * group's offsets partition with AddOffsetsToTxn before TxnOffsetCommit. Transactions V2 (the
 * cluster's `transaction.version` feature >= 2, Kafka 4.0+) add partitions implicitly (Produce
 * v12+, TxnOffsetCommit v5+), and each EndTxn (v5+) answers with a new epoch: every transaction
 * runs under its own epoch, so a zombie's late write can never join a later transaction.
 *
 * A call that runs out of time (maxBlockMs) leaves its request running: calling it again waits
 * for the same outcome (KIP-588), so a commit that timed out is never sent twice.
 */
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { AddOffsetsToTxn } from '../../protocol/messages/add-offsets-to-txn.js';
import { AddPartitionsToTxn } from '../../protocol/messages/add-partitions-to-txn.js';
import { EndTxn } from '../../protocol/messages/end-txn.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { TxnOffsetCommit } from '../../protocol/messages/txn-offset-commit.js';
import type { Cluster } from '../cluster/cluster.js';
import { findCoordinator } from '../cluster/coordinator.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { isRetriable, retry } from '../cluster/retry.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import type { Logger } from '../network/logger.js';
import {
  TransactionAbortableError,
  TransactionAbortedError,
  TransactionFatalError,
  TransactionStateError,
  TransactionTimeoutError,
} from './errors.js';

/**
 * A consumer group member's identity, for offsets committed in a transaction (KIP-447): what a
 * consumer's `groupMetadata()` gives (the consumer layer's ConsumerGroupMetadata, same shape).
 */
export interface TransactionGroup {
  groupId: string;
  /** The classic group's generation, or the KIP-848 member epoch; -1 outside a group generation. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** An offset committed with a transaction: the next offset to consume, as commits are. */
export interface TransactionOffset {
  topic: string;
  partition: number;
  offset: bigint;
  /** The leader epoch of the last consumed record, -1 when unknown. */
  leaderEpoch?: number;
  metadata?: string | null;
}

/** A partition as the engine keeps it: `inTransaction` once it may be drained in this transaction. */
export interface TransactionPartition {
  readonly topic: string;
  readonly partition: number;
  inTransaction: boolean;
}

/** What the manager needs of the producer engine. */
export interface TransactionHost {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** A new producer id or epoch: every partition's sequence starts again at 0. */
  resetProducerId(producerId: bigint, producerEpoch: number): void;
  /** Resolves when every record accepted so far has its outcome. */
  flush(): Promise<void>;
  /** Fails the batches not sent yet with `err` (those in flight keep their answers). */
  failUnsent(err: Error): void;
  /** No partition is in a transaction any more. */
  endPartitions(): void;
  /** Runs the sender again (a partition was added). */
  wake(): void;
}

export interface TransactionOptions {
  transactionalId: string;
  transactionTimeoutMs: number;
  maxBlockMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  cluster: Cluster;
  logger: Logger;
}

type State = 'uninitialized' | 'ready' | 'in-transaction' | 'committing' | 'aborting' | 'abortable' | 'fatal';

/** Answers that end the producer (Java: ProducerFencedException and the other fatal errors). */
const FATAL = new Set<number>([
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  ErrorCode.TRANSACTION_COORDINATOR_FENCED,
  ErrorCode.INVALID_TRANSACTION_TIMEOUT,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
]);

/**
 * Answers to a batch that leave the producer's epoch behind the coordinator's: the coordinator
 * aborted the transaction after transactionTimeoutMs and bumped the epoch (KIP-588), or the
 * leader lost the producer's state (KIP-360). The transaction is abortable; in V1 the abort then
 * bumps the epoch with InitProducerId.
 */
const EPOCH_BEHIND = new Set<number>([ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.UNKNOWN_PRODUCER_ID]);

/** Coordinator answers after which the coordinator is looked up again. */
const COORDINATOR_MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);


export class TransactionManager {
  private state: State = 'uninitialized';
  /** The error that made the transaction abortable or the producer fatal. */
  private lastError: KafkaesqueError | undefined;
  private coordinator = -1;
  /** Transactions V2 (KIP-890), decided from the coordinator's features at init and after each EndTxn. */
  private v2 = false;
  /** V1: InitProducerId with the current id and epoch after the abort (KIP-360, KIP-588). */
  private epochBumpRequired = false;
  /** Whether the coordinator knows of this transaction (a partition or offsets were added): else EndTxn is not needed. */
  private started = false;
  /** V1: partitions AddPartitionsToTxn took, and those waiting for it. */
  private readonly added = new Set<string>();
  private pending = new Set<TransactionPartition>();
  private adding = false;
  /** V1 until now, and the cluster's transaction.version is 2 since: InitProducerId before the next transaction. */
  private upgradeToV2 = false;
  /** The running request of a call that may be called again after a timeout (KIP-588). */
  private running: { what: string; promise: Promise<void>; settled: boolean } | undefined;

  constructor(
    private readonly o: TransactionOptions,
    private readonly host: TransactionHost,
  ) {}

  get transactionalId(): string {
    return this.o.transactionalId;
  }

  /** Transactions V2 for the current transaction. */
  get transactionV2(): boolean {
    return this.v2;
  }

  /** Why a record cannot be sent now, or undefined when it can. */
  sendRefusal(): KafkaesqueError | undefined {
    if (this.state === 'in-transaction') return undefined;
    if (this.state === 'abortable' || this.state === 'fatal') return this.lastError;
    if (this.state === 'uninitialized') return new TransactionStateError('a transactional producer sends only inside a transaction: call initTransactions(), then beginTransaction()');
    if (this.state === 'ready') return new TransactionStateError('a transactional producer sends only inside a transaction: call beginTransaction() first');
    return new TransactionStateError(`a record sent while the transaction is ${this.state === 'committing' ? 'being committed' : 'being aborted'}; begin the next transaction first`);
  }

  /** The error the engine fails its unsent batches with, while the transaction cannot go on. */
  get failure(): KafkaesqueError | undefined {
    return this.state === 'abortable' || this.state === 'fatal' ? this.lastError : undefined;
  }

  /**
   * Whether a partition's batches may be sent in this transaction. V1: once AddPartitionsToTxn
   * took it (asked here the first time, for all such partitions together); V2: at once.
   */
  admit(p: TransactionPartition): boolean {
    if (this.state !== 'in-transaction' && this.state !== 'committing') return false;
    if (this.v2 || this.added.has(topicPartitionKey(p.topic, p.partition))) {
      p.inTransaction = true;
      this.started = true;
      return true;
    }
    this.pending.add(p);
    if (!this.adding) void this.addPartitions();
    return false;
  }

  /** A batch failed for good: the transaction cannot commit, or the producer is done. */
  batchFailed(err: Error): void {
    if (this.state !== 'in-transaction' && this.state !== 'committing') return;
    const code = err instanceof KafkaProtocolError ? err.errorCode : -1;
    if (EPOCH_BEHIND.has(code)) this.epochBumpRequired = true;

    if (FATAL.has(code)) this.fatal('a record of the transaction was refused', err);
    else this.abortable('a record of the transaction could not be written', err);
  }

  // ------------------------------------------------------------------ the application's calls

  async initTransactions(): Promise<void> {
    this.throwIfFatal();
    if (this.state !== 'uninitialized' && this.running?.what !== 'initTransactions') {
      throw new TransactionStateError('initTransactions() was called already; call it once per producer');
    }
    await this.runOnce('initTransactions', async () => {
      await this.initProducerId(false);
      this.state = 'ready';
    });
  }

  beginTransaction(): void {
    this.throwIfFatal();
    if (this.state === 'uninitialized') throw new TransactionStateError('beginTransaction() before initTransactions(): call initTransactions() once first');
    if (this.state !== 'ready') throw new TransactionStateError(`beginTransaction() while a transaction is ${this.stateWords()}; commit or abort it first`);
    this.state = 'in-transaction';
    this.started = false;
  }

  /**
   * Commits consumed offsets with the transaction (KIP-447): they count only if it commits, and a
   * member that is no longer in `group`'s generation is refused (the transaction becomes abortable).
   */
  async sendOffsetsToTransaction(offsets: readonly TransactionOffset[], group: TransactionGroup): Promise<void> {
    this.throwIfFatal();
    if (this.state === 'abortable') throw this.lastError!;
    if (this.state !== 'in-transaction') throw new TransactionStateError(`sendOffsetsToTransaction() while ${this.state === 'ready' ? 'no transaction is open; call beginTransaction() first' : `the transaction is ${this.stateWords()}`}`);
    if (offsets.length === 0) return;
    await this.runOnce('sendOffsetsToTransaction', async () => {
      const deadlineMs = Date.now() + this.o.transactionTimeoutMs;
      try {
        if (!this.v2) {
          await this.toCoordinator('AddOffsetsToTxn', deadlineMs, async (conn) => {
            const res = await conn.send(AddOffsetsToTxn, {
              transactionalId: this.o.transactionalId,
              producerId: this.host.producerId,
              producerEpoch: this.host.producerEpoch,
              groupId: group.groupId,
            });
            return res.errorCode;
          });
        }
        this.started = true;
        await this.txnOffsetCommit(offsets, group, deadlineMs);
      } catch (err) {
        throw this.classify('the offsets could not join the transaction', err);
      }
    });
  }

  async commitTransaction(): Promise<void> {
    this.throwIfFatal();
    if (this.state === 'abortable') throw this.lastError!;
    if (this.state !== 'in-transaction' && this.state !== 'committing') {
      throw new TransactionStateError(`commitTransaction() while ${this.state === 'ready' ? 'no transaction is open' : `the transaction is ${this.stateWords()}`}`);
    }
    this.state = 'committing';
    await this.runOnce('commitTransaction', async () => {
      // every record of the transaction written first (Java's commitTransaction flushes)
      await this.host.flush();
      if (this.state !== 'committing') throw this.lastError!;
      if (this.started) await this.endTxn(true);
      if (this.upgradeToV2) await this.initProducerId(true);
      this.finish();
    });
  }

  async abortTransaction(): Promise<void> {
    this.throwIfFatal();
    if (this.state !== 'in-transaction' && this.state !== 'abortable' && this.state !== 'aborting') {
      throw new TransactionStateError(`abortTransaction() while ${this.state === 'ready' ? 'no transaction is open' : this.state === 'uninitialized' ? 'initTransactions() was not called' : `the transaction is ${this.stateWords()}`}`);
    }
    this.state = 'aborting';
    await this.runOnce('abortTransaction', async () => {
      this.host.failUnsent(new TransactionAbortedError());
      await this.host.flush();
      if (this.started) await this.endTxn(false);
      // V1: a new epoch after a leader lost the producer's state (KIP-360), or to move to V2
      if ((this.epochBumpRequired && !this.v2) || this.upgradeToV2) await this.initProducerId(true);
      this.finish();
    });
  }

  /** Whether a transaction is open (begun, not yet committed or aborted): close() aborts it. */
  get open(): boolean {
    return this.state === 'in-transaction' || this.state === 'abortable' || this.state === 'committing' || this.state === 'aborting';
  }

  // ------------------------------------------------------------------ requests

  /**
   * InitProducerId for the transactional id, at its coordinator: a new epoch that fences every
   * older producer with the id and completes its open transaction. `bump` sends the current id
   * and epoch (KIP-360): after a timeout the coordinator then gives the next epoch (KIP-588).
   */
  private async initProducerId(bump: boolean): Promise<void> {
    const deadlineMs = Date.now() + Math.max(this.o.maxBlockMs, this.o.transactionTimeoutMs);
    await this.toCoordinator('InitProducerId', deadlineMs, async (conn) => {
      const version = conn.versionFor(InitProducerId);
      const res = await conn.send(
        InitProducerId,
        {
          transactionalId: this.o.transactionalId,
          transactionTimeoutMs: this.o.transactionTimeoutMs,
          producerId: bump && version >= 3 ? this.host.producerId : -1n,
          producerEpoch: bump && version >= 3 ? this.host.producerEpoch : -1,
          enable2Pc: false,
          keepPreparedTxn: false,
        },
        { version },
      );
      if (res.errorCode === ErrorCode.NONE) {
        this.host.resetProducerId(res.producerId, res.producerEpoch);
        this.v2 = this.supportsV2(conn);
        this.epochBumpRequired = false;
        this.upgradeToV2 = false;
        this.o.logger.info('transactional producer id assigned', { transactionalId: this.o.transactionalId, producerId: String(res.producerId), epoch: res.producerEpoch, transactionsV2: this.v2 });
      }
      return res.errorCode;
    }).catch((err: unknown) => {
      throw this.classify('InitProducerId for the transactional id failed', err);
    });
  }

  /** V1: AddPartitionsToTxn for the partitions waiting, repeated while more arrive. */
  private async addPartitions(): Promise<void> {
    this.adding = true;
    try {
      while (this.pending.size > 0 && (this.state === 'in-transaction' || this.state === 'committing')) {
        const batch = this.pending;
        this.pending = new Set();
        const byTopic = new Map<string, number[]>();
        for (const p of batch) {
          let list = byTopic.get(p.topic);
          if (list === undefined) byTopic.set(p.topic, (list = []));
          list.push(p.partition);
        }
        await this.toCoordinator('AddPartitionsToTxn', Date.now() + this.o.transactionTimeoutMs, async (conn) => {
          // v3 and below are the client's versions; v4+ batch transactions for brokers (KIP-890)
          const version = Math.min(conn.versionFor(AddPartitionsToTxn), 3);
          const res = await conn.send(
            AddPartitionsToTxn,
            {
              transactions: [],
              v3AndBelowTransactionalId: this.o.transactionalId,
              v3AndBelowProducerId: this.host.producerId,
              v3AndBelowProducerEpoch: this.host.producerEpoch,
              v3AndBelowTopics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
            },
            { version },
          );
          // the worst answer counts; OPERATION_NOT_ATTEMPTED only says another partition failed
          let code: number = ErrorCode.NONE;
          for (const t of res.resultsByTopicV3AndBelow) {
            for (const p of t.resultsByPartition) {
              if (p.partitionErrorCode === ErrorCode.NONE) this.added.add(topicPartitionKey(t.name, p.partitionIndex));
              else if (p.partitionErrorCode !== ErrorCode.OPERATION_NOT_ATTEMPTED && (code === ErrorCode.NONE || errorCodeInfo(code).retriable)) code = p.partitionErrorCode;
            }
          }
          return code;
        });
        this.started = true;
        this.host.wake();
      }
    } catch (err) {
      this.classify('partitions could not join the transaction', err);
      this.host.wake(); // the engine fails the waiting batches with the error
    } finally {
      this.adding = false;
    }
  }

  /** TxnOffsetCommit to the group's coordinator; partitions with a retriable answer go again. */
  private async txnOffsetCommit(offsets: readonly TransactionOffset[], group: TransactionGroup, deadlineMs: number): Promise<void> {
    let remaining = [...offsets];
    let coordinator = -1;
    await retry(
      async () => {
        if (coordinator < 0) coordinator = await findCoordinator(this.o.cluster, 'group', group.groupId, { ...this.backoff(), deadlineMs });
        let conn: BrokerConnection;
        try {
          conn = await this.o.cluster.connection(coordinator, 'group');
        } catch (err) {
          coordinator = -1;
          throw err;
        }
        // V1: up to v4; v5+ is the V2 request, whose partition the group coordinator adds itself
        const version = this.v2 ? conn.versionFor(TxnOffsetCommit) : Math.min(conn.versionFor(TxnOffsetCommit), 4);
        const topics = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
        for (const o of remaining) {
          let list = topics.get(o.topic);
          if (list === undefined) topics.set(o.topic, (list = []));
          list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: o.metadata ?? '' });
        }
        const res = await conn.send(
          TxnOffsetCommit,
          {
            transactionalId: this.o.transactionalId,
            groupId: group.groupId,
            producerId: this.host.producerId,
            producerEpoch: this.host.producerEpoch,
            generationId: group.generationId,
            memberId: group.memberId,
            groupInstanceId: group.groupInstanceId,
            topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
          },
          { version },
        );
        let retriable: KafkaProtocolError | undefined;
        const failed: TransactionOffset[] = [];
        for (const t of res.topics) {
          for (const p of t.partitions) {
            if (p.errorCode === ErrorCode.NONE) continue;
            const err = KafkaProtocolError.fromCode(p.errorCode, `TxnOffsetCommit ${t.name}-${p.partitionIndex} for group '${group.groupId}'`);
            if (!err.retriable) throw err;
            if (COORDINATOR_MOVED.has(p.errorCode)) coordinator = -1;
            retriable ??= err;
            const o = remaining.find((x) => x.topic === t.name && x.partition === p.partitionIndex);
            if (o !== undefined) failed.push(o);
          }
        }
        remaining = failed;
        if (retriable !== undefined) throw retriable;
      },
      { ...this.backoff(), retriable: isRetriable, deadlineMs, lastAttemptAtDeadline: true },
    );
  }

  /** EndTxn: commit or abort at the coordinator; in V2 it answers with the next epoch. */
  private async endTxn(commit: boolean): Promise<void> {
    const deadlineMs = Date.now() + Math.max(this.o.maxBlockMs, this.o.transactionTimeoutMs);
    await this.toCoordinator('EndTxn', deadlineMs, async (conn) => {
      // V1: up to v4; v5 is the V2 request, answered with a new epoch
      const version = this.v2 ? conn.versionFor(EndTxn) : Math.min(conn.versionFor(EndTxn), 4);
      const res = await conn.send(
        EndTxn,
        { transactionalId: this.o.transactionalId, producerId: this.host.producerId, producerEpoch: this.host.producerEpoch, committed: commit },
        { version },
      );
      if (res.errorCode === ErrorCode.NONE) {
        if (version >= 5 && res.producerId >= 0n) this.host.resetProducerId(res.producerId, res.producerEpoch);
        // the cluster moved to V2 since (a feature upgrade): a new epoch first, as Java does
        if (!this.v2 && this.supportsV2(conn)) this.upgradeToV2 = true;
      }
      return res.errorCode;
    }).catch((err: unknown) => {
      const ended = err instanceof KafkaProtocolError && err.errorCode === ErrorCode.INVALID_TXN_STATE;
      const what = commit
        ? ended
          ? `the transaction could not commit: the coordinator no longer holds it open (it aborts a transaction open longer than transactionTimeoutMs, ${this.o.transactionTimeoutMs} ms)`
          : 'the transaction could not commit'
        : 'the transaction could not abort';
      throw this.classify(what, err);
    });
  }

  /**
   * A request to the transaction coordinator, looked up again when it moved; retried on
   * retriable answers (CONCURRENT_TRANSACTIONS while the previous transaction completes,
   * COORDINATOR_LOAD_IN_PROGRESS, ...) until `deadlineMs`. `fn` returns the answer's error code.
   */
  private async toCoordinator(what: string, deadlineMs: number, fn: (conn: BrokerConnection) => Promise<number>): Promise<void> {
    await retry(
      async () => {
        if (this.coordinator < 0) this.coordinator = await findCoordinator(this.o.cluster, 'transaction', this.o.transactionalId, { ...this.backoff(), deadlineMs });
        let code: number;
        try {
          code = await fn(await this.o.cluster.connection(this.coordinator, 'group'));
        } catch (err) {
          this.coordinator = -1; // a connection that failed: ask where the coordinator is now
          throw err;
        }
        if (code === ErrorCode.NONE) return;
        if (COORDINATOR_MOVED.has(code)) this.coordinator = -1;
        throw KafkaProtocolError.fromCode(code, `${what} for transactional id '${this.o.transactionalId}'`);
      },
      {
        ...this.backoff(),
        retriable: isRetriable,
        deadlineMs,
        lastAttemptAtDeadline: true,
        onRetry: (err, attempt, waitMs) => this.o.logger.debug(`retrying ${what}`, { transactionalId: this.o.transactionalId, attempt, waitMs, error: (err as Error).message }),
      },
    );
  }

  // ------------------------------------------------------------------ states

  /**
   * Runs `fn` once for `what`: a caller that timed out (maxBlockMs) may call again and waits for
   * the same run (KIP-588); its outcome goes to the first caller that sees it settle.
   */
  private async runOnce(what: string, fn: () => Promise<void>): Promise<void> {
    if (this.running === undefined || this.running.what !== what) {
      const run = { what, promise: fn(), settled: false };
      run.promise.then(
        () => (run.settled = true),
        () => (run.settled = true),
      );
      this.running = run;
    }
    const run = this.running;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.o.maxBlockMs)));
    try {
      const outcome = await Promise.race([run.promise.then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') throw new TransactionTimeoutError(`${what}()`, this.o.maxBlockMs);
      if (this.running === run) this.running = undefined;
    } catch (err) {
      if (run.settled && this.running === run) this.running = undefined;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private finish(): void {
    this.state = 'ready';
    this.lastError = undefined;
    this.started = false;
    this.added.clear();
    this.pending.clear();
    this.host.endPartitions();
  }

  /** The typed error for a failure, moving to the abortable or fatal state it calls for. */
  private classify(what: string, err: unknown): KafkaesqueError {
    if (err instanceof TransactionFatalError || err instanceof TransactionAbortableError || err instanceof TransactionStateError) return err;
    const code = err instanceof KafkaProtocolError ? err.errorCode : -1;
    if (FATAL.has(code) || code === ErrorCode.INVALID_PRODUCER_EPOCH) return this.fatal(what, err as Error);
    // INVALID_TXN_STATE: the coordinator ended the transaction itself, e.g. aborted it after
    // transactionTimeoutMs (it answers so to the commit): abortable, the abort recovers (KIP-588)
    if (err instanceof KafkaesqueError && err.retriable && this.state !== 'in-transaction') {
      // out of time while completing: the call may be made again (KIP-588)
      return err;
    }
    return this.abortable(what, err instanceof Error ? err : new Error(String(err)));
  }

  private abortable(what: string, cause: Error): KafkaesqueError {
    if (this.state === 'fatal') return this.lastError!;
    const err = cause instanceof TransactionAbortableError ? cause : new TransactionAbortableError(what, cause);
    if (this.state === 'in-transaction' || this.state === 'committing') {
      this.state = 'abortable';
      this.lastError = err;
      this.o.logger.warn('the transaction must be aborted', { transactionalId: this.o.transactionalId, error: err.message });
    }
    return err;
  }

  private fatal(what: string, cause: Error): KafkaesqueError {
    if (this.state === 'fatal') return this.lastError!;
    if (!this.v2 && cause instanceof KafkaProtocolError && cause.errorCode === ErrorCode.PRODUCER_FENCED) {
      // a V1 coordinator fences the producer of a transaction it aborted after its timeout too
      what += ` (fenced by a newer producer with the same transactionalId, or, in transactions V1, because the coordinator aborted a transaction open longer than transactionTimeoutMs, ${this.o.transactionTimeoutMs} ms)`;
    }
    const err = cause instanceof TransactionFatalError ? cause : new TransactionFatalError(what, cause);
    this.state = 'fatal';
    this.lastError = err;
    this.o.logger.error('the transactional producer cannot go on', { transactionalId: this.o.transactionalId, error: err.message });
    return err;
  }

  private throwIfFatal(): void {
    if (this.state === 'fatal') throw this.lastError!;
  }

  private stateWords(): string {
    switch (this.state) {
      case 'in-transaction':
        return 'open';
      case 'committing':
        return 'being committed';
      case 'aborting':
        return 'being aborted';
      case 'abortable':
        return 'failed and must be aborted';
      default:
        return this.state;
    }
  }

  /** Transactions V2: the cluster's `transaction.version` >= 2 and EndTxn v5 at the coordinator. */
  private supportsV2(conn: BrokerConnection): boolean {
    const range = conn.brokerRange(EndTxn.apiKey);
    return conn.finalizedFeature('transaction.version') >= 2 && range !== undefined && range.maxVersion >= 5 && EndTxn.maxVersion >= 5;
  }

  private backoff(): { baseMs: number; maxMs: number } {
    return { baseMs: this.o.retryBackoffMs, maxMs: this.o.retryBackoffMaxMs };
  }
}
