/**
 * The fetcher: keeps one Fetch request in flight per broker for the partitions it leads, while
 * the application works through what came back.
 *
 * Per broker there is one incremental fetch session (KIP-227, fetch-session.ts). A partition is
 * fetched while it is assigned, not paused, its position is known, and nothing fetched for it
 * waits undelivered; so a slow application stops its partitions' fetching instead of growing
 * memory. On top, undelivered bytes stay within `prefetchBytes`: each Fetch asks the broker for at
 * most what is left of that budget (its MaxBytes; the broker may exceed it by one batch, KIP-74),
 * the budget split among the brokers fetched from at once, and while nothing is left no fetch is
 * sent until the application catches up. Records before the position (a batch starts earlier),
 * control batches and, under read_committed, aborted transactions never reach the application.
 */
import { ZERO_UUID } from '../../protocol/api.js';
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { Fetch, FETCH_FIRST_TOPIC_ID_VERSION, type FetchPartitionData, type FetchRequest } from '../../protocol/messages/fetch.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, ListOffsets } from '../../protocol/messages/list-offsets.js';
import {
  CONTROL_ABORT,
  controlRecordType,
  decodeRecordSet,
  type KafkaRecord,
  nextOffsetAfter,
  type RecordBatchError,
  recordBatches,
} from '../../protocol/records.js';
import type { Cluster } from '../cluster/cluster.js';
import { backoffMs } from '../cluster/retry.js';
import { answerTopicName, topicIdOf, versionForTopicIds } from '../cluster/topic-ids.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { type FetchTrace, fetchChannel, traceAround } from '../network/tracing.js';
import { PartitionError } from './errors.js';
import { FetchSession, type FetchPartitionParams } from './fetch-session.js';

export const OFFSET_OLDEST = -2n;
export const OFFSET_NEWEST = -1n;

export interface FetcherOptions {
  isolationLevel: 0 | 1;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  fetchMaxWaitMs: number;
  maxPartitionFetchBytes: number;
  maxDecompressedBytes: number;
  prefetchBytes: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Where a partition with no valid position starts: OFFSET_OLDEST or OFFSET_NEWEST. */
  resetPolicy: bigint;
}

/** Records fetched for one partition, in offset order, ready for the application. */
export interface FetchedRecords {
  topic: string;
  partition: number;
  /** Decoded lazily, batch by batch, as they are iterated (iterate once). */
  records: Iterable<KafkaRecord>;
  highWatermark: bigint;
  /** Bytes these records hold of the prefetch budget. */
  bytes: number;
  /**
   * Set when the partition was sought after these records were fetched: the rest of them must
   * not be delivered (the reader stops iterating them).
   */
  stale: boolean;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to fetch; -1n/-2n: still to resolve by ListOffsets. */
  position: bigint;
  leaderEpoch: number;
  paused: boolean;
  /** Fetched records not yet taken by the application. */
  buffered: FetchedRecords | undefined;
  /** The records last taken by the application (by next()), which it may still be iterating. */
  taken: FetchedRecords | undefined;
  highWatermark: bigint;
  /** Do not fetch before this time (after an error). */
  backoffUntil: number;
  /** A partition consumer is waiting for this partition's next records. */
  awaited: boolean;
  /** A ListOffsets for its start position is in flight. */
  resolving: boolean;
  errors: number;
}

export class Fetcher {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly sessions = new Map<number, FetchSession>();
  /** Brokers with a fetch in flight. */
  private readonly inflight = new Set<number>();
  private readonly ready: FetchedRecords[] = [];
  private bufferedBytes = 0;
  /** Of the prefetch budget, what the fetches in flight may still bring (their MaxBytes). */
  private reservedBytes = 0;
  /** Which idle broker is served first when the budget does not reach them all (rotates). */
  private rotation = 0;
  private waiters: Array<() => void> = [];
  private errors: PartitionError[] = [];
  private closed = false;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly o: FetcherOptions,
  ) {}

  /** Starts fetching a partition from `offset` (or the oldest/newest offset). */
  assign(topic: string, partition: number, offset: bigint): void {
    const key = topicPartitionKey(topic, partition);
    this.partitions.set(key, {
      topic,
      partition,
      position: offset,
      leaderEpoch: -1,
      paused: false,
      buffered: undefined,
      taken: undefined,
      highWatermark: -1n,
      backoffUntil: 0,
      errors: 0,
      awaited: false,
      resolving: false,
    });
    this.wake();
  }

  /** Stops fetching a partition and drops what was fetched for it and not yet taken. */
  unassign(topic: string, partition: number): void {
    const key = topicPartitionKey(topic, partition);
    const p = this.partitions.get(key);
    if (p === undefined) return;
    this.partitions.delete(key);
    if (p.buffered) this.drop(p.buffered);
    this.notify();
    this.wake();
  }

  assigned(): Array<{ topic: string; partition: number }> {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** The next offset the application will see for a partition. */
  position(topic: string, partition: number): bigint | undefined {
    return this.partitions.get(topicPartitionKey(topic, partition))?.position;
  }

  highWatermark(topic: string, partition: number): bigint {
    return this.partitions.get(topicPartitionKey(topic, partition))?.highWatermark ?? -1n;
  }

  pause(topic: string, partition: number): void {
    const p = this.partitions.get(topicPartitionKey(topic, partition));
    if (p) p.paused = true;
  }

  resume(topic: string, partition: number): void {
    const p = this.partitions.get(topicPartitionKey(topic, partition));
    if (p) {
      p.paused = false;
      this.wake();
    }
  }

  /**
   * Moves a partition's position. Records fetched before the move are not delivered: those
   * buffered are dropped, those the application is iterating are marked stale, and a fetch in
   * flight for the old position is ignored when it answers (handlePartition).
   */
  seek(topic: string, partition: number, offset: bigint): boolean {
    const p = this.partitions.get(topicPartitionKey(topic, partition));
    if (p === undefined) return false;
    if (p.buffered) {
      p.buffered.stale = true;
      this.drop(p.buffered);
    }
    if (p.taken) p.taken.stale = true;
    p.position = offset;
    this.wake();
    return true;
  }

  /**
   * The next records, waiting for some to arrive; undefined once closed. A partition error
   * is thrown here, to the application's loop.
   */
  async next(): Promise<FetchedRecords | undefined> {
    for (;;) {
      const err = this.errors.shift();
      if (err) throw err;
      const r = this.ready.shift();
      if (r !== undefined) {
        const p = this.partitions.get(topicPartitionKey(r.topic, r.partition));
        if (p !== undefined && p.buffered === r) p.buffered = undefined;
        if (p !== undefined) p.taken = r;
        this.bufferedBytes -= r.bytes;
        this.wake();
        return r;
      }
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * The next records of one partition (for partition consumers), waiting for them; undefined
   * once the partition is unassigned or the fetcher closed. Errors of that partition are thrown.
   */
  async nextFor(topic: string, partition: number): Promise<FetchedRecords | undefined> {
    const key = topicPartitionKey(topic, partition);
    for (;;) {
      const i = this.errors.findIndex((e) => e.topic === topic && e.partition === partition);
      if (i >= 0) throw this.errors.splice(i, 1)[0]!;
      const p = this.partitions.get(key);
      if (p === undefined || this.closed) return undefined;
      const r = p.buffered;
      if (r !== undefined) {
        this.drop(r);
        p.taken = r;
        this.wake();
        return r;
      }
      p.awaited = true;
      this.wake();
      try {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      } finally {
        p.awaited = false;
      }
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.notify();
  }

  /** Bytes fetched and not yet taken by the application. */
  get prefetchedBytes(): number {
    return this.bufferedBytes;
  }

  // ---------------------------------------------------------------------------------------

  private drop(r: FetchedRecords): void {
    const i = this.ready.indexOf(r);
    if (i >= 0) {
      this.ready.splice(i, 1);
      this.bufferedBytes -= r.bytes;
    }
    const p = this.partitions.get(topicPartitionKey(r.topic, r.partition));
    if (p && p.buffered === r) p.buffered = undefined;
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private wake(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run().catch((err: Error) => this.fail(undefined, err));
    });
  }

  private fail(p: PartitionState | undefined, err: Error): void {
    this.errors.push(new PartitionError(p?.topic ?? '', p?.partition ?? -1, err));
    this.notify();
  }

  /** Resolves positions that are still symbolic, then sends a fetch to each idle leader. */
  private async run(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    const toResolve: PartitionState[] = [];
    const byLeader = new Map<number, PartitionState[]>();
    let earliestRetry = Infinity;
    for (const p of this.partitions.values()) {
      if (p.resolving) continue;
      if (p.backoffUntil > now) {
        earliestRetry = Math.min(earliestRetry, p.backoffUntil);
        continue;
      }
      if (p.position < 0n) {
        toResolve.push(p);
        continue;
      }
      if (p.paused || p.buffered !== undefined) continue;
      const leader = this.cluster.leaderFor(p.topic, p.partition);
      if (leader < 0) {
        // unknown to the cached metadata (a partition added since, or a leader election):
        // refresh, not the cache's topicMetadata, which would answer from the same stale entry
        this.cluster.refresh([p.topic]).then(
          () => this.wake(),
          (err: Error) => this.cluster.logger.debug('metadata refresh for a partition without a known leader failed', { topic: p.topic, partition: p.partition, error: err.message }),
        );
        p.backoffUntil = now + this.o.retryBackoffMs;
        earliestRetry = Math.min(earliestRetry, p.backoffUntil);
        continue;
      }
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push(p);
    }
    if (earliestRetry < Infinity) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.wake(), Math.max(0, earliestRetry - now));
    }
    if (toResolve.length > 0) this.resolvePositions(toResolve);
    const idle = [...byLeader].filter(([leader]) => !this.inflight.has(leader));
    if (idle.length === 0) return;
    // A broker answers up to the request's MaxBytes (at least one batch, KIP-74), so the budget
    // left (prefetchBytes minus what waits undelivered and what the fetches in flight may bring)
    // is split among the idle brokers; each share is at least `minShare` so a nearly full buffer
    // does not turn into a stream of tiny fetches. With nothing buffered or in flight the whole
    // budget is free, so some broker is always fetched from.
    const budget = this.o.prefetchBytes - this.bufferedBytes - this.reservedBytes;
    const minShare = Math.max(1, Math.min(this.o.maxPartitionFetchBytes, Math.floor(this.o.prefetchBytes / 4)));
    const served = Math.min(idle.length, Math.max(0, Math.floor(budget / minShare)));
    const share = served > 0 ? Math.min(this.o.fetchMaxBytes, Math.floor(budget / served)) : 0;
    const first = this.rotation++ % idle.length;
    for (let i = 0; i < idle.length; i++) {
      const [leader, list] = idle[(first + i) % idle.length]!;
      if (i < served) {
        this.fetchFrom(leader, list, share);
        continue;
      }
      // over the budget only partitions a reader is waiting on are fetched, so one slow reader
      // cannot starve another
      const awaited = list.filter((p) => p.awaited);
      if (awaited.length > 0) this.fetchFrom(leader, awaited, Math.min(this.o.fetchMaxBytes, awaited.length * this.o.maxPartitionFetchBytes));
    }
  }

  /**
   * Resolves the positions of partitions whose start is OFFSET_OLDEST/OFFSET_NEWEST with one
   * ListOffsets request per leader (as Java's OffsetFetcher does), not one per partition: a member
   * given 10,000 partitions would otherwise queue 10,000 requests ahead of its first fetch.
   */
  private resolvePositions(list: PartitionState[]): void {
    for (const p of list) p.resolving = true;
    this.listOffsets(list)
      .catch((err: Error) => {
        for (const p of list) if (p.resolving) this.resolveFailed(p, err);
      })
      .finally(() => {
        for (const p of list) p.resolving = false;
        this.wake();
      });
  }

  private resolveFailed(p: PartitionState, err: Error): void {
    p.resolving = false;
    p.errors++;
    p.backoffUntil = Date.now() + backoffMs(p.errors, this.o.retryBackoffMs, this.o.retryBackoffMaxMs);
    if (!(err instanceof KafkaesqueError && err.retriable)) this.fail(p, err);
  }

  private async listOffsets(list: PartitionState[]): Promise<void> {
    for (const topic of new Set(list.map((p) => p.topic))) await this.cluster.topicMetadata(topic, 30_000);
    const byLeader = new Map<number, PartitionState[]>();
    for (const p of list) {
      const leader = this.cluster.leaderFor(p.topic, p.partition);
      if (leader < 0) {
        this.cluster.markStale();
        this.resolveFailed(p, new KafkaesqueError('ERR_NO_LEADER', `no leader for ${p.topic}-${p.partition}`, { retriable: true }));
        continue;
      }
      let ps = byLeader.get(leader);
      if (ps === undefined) byLeader.set(leader, (ps = []));
      ps.push(p);
    }
    await Promise.all([...byLeader].map(([leader, ps]) => this.listOffsetsFrom(leader, ps)));
  }

  /** One ListOffsets to `leader` for `ps`; each partition is resolved or failed on its own. */
  private async listOffsetsFrom(leader: number, ps: PartitionState[]): Promise<void> {
    try {
      const conn = await this.cluster.connection(leader);
      const topics = new Map<string, Array<{ partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint }>>();
      for (const p of ps) {
        let t = topics.get(p.topic);
        if (t === undefined) topics.set(p.topic, (t = []));
        t.push({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: p.position === OFFSET_OLDEST ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP });
      }
      const res = await conn.send(ListOffsets, {
        replicaId: -1,
        isolationLevel: this.o.isolationLevel,
        timeoutMs: 30_000,
        topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
      });
      const byKey = new Map(ps.map((p) => [topicPartitionKey(p.topic, p.partition), p]));
      for (const t of res.topics) {
        for (const r of t.partitions) {
          const p = byKey.get(topicPartitionKey(t.name, r.partitionIndex));
          if (p === undefined || !p.resolving) continue;
          if (r.errorCode !== ErrorCode.NONE) {
            if (errorCodeInfo(r.errorCode).invalidMetadata) this.cluster.markStale();
            this.resolveFailed(p, KafkaProtocolError.fromCode(r.errorCode, `ListOffsets ${p.topic}-${p.partition}`));
            continue;
          }
          p.position = r.offset;
          p.backoffUntil = 0;
          p.errors = 0;
          p.resolving = false;
        }
      }
      for (const p of ps) {
        if (p.resolving) this.resolveFailed(p, new KafkaesqueError('ERR_LIST_OFFSETS', `no ListOffsets answer for ${p.topic}-${p.partition}`, { retriable: true }));
      }
    } catch (err) {
      for (const p of ps) if (p.resolving) this.resolveFailed(p, err as Error);
    }
  }

  /** Sends one Fetch to `leader` for `list`, asking for at most `maxBytes` (reserved until it ends). */
  private fetchFrom(leader: number, list: PartitionState[], maxBytes: number): void {
    let session = this.sessions.get(leader);
    if (session === undefined) this.sessions.set(leader, (session = new FetchSession()));
    const wanted = new Map<string, FetchPartitionParams>();
    let allIds = true;
    for (const p of list) {
      const topicId = topicIdOf(this.cluster, p.topic);
      if (topicId === ZERO_UUID) allIds = false;
      wanted.set(topicPartitionKey(p.topic, p.partition), {
        topic: p.topic,
        topicId,
        partition: p.partition,
        fetchOffset: p.position,
        currentLeaderEpoch: p.leaderEpoch,
        partitionMaxBytes: this.o.maxPartitionFetchBytes,
      });
    }
    const s = session;
    // partitions the session holds but no longer wants are forgotten with this request
    const req = s.build(wanted);
    this.inflight.add(leader);
    this.reservedBytes += maxBytes;
    this.doFetch(leader, s, req, allIds, list, maxBytes)
      .catch((err: Error) => {
        s.reset();
        this.cluster.markStale();
        for (const p of list) {
          p.errors++;
          p.backoffUntil = Date.now() + backoffMs(p.errors, this.o.retryBackoffMs, this.o.retryBackoffMaxMs);
        }
        if (!(err instanceof KafkaesqueError && err.retriable)) for (const p of list) this.fail(p, err);
      })
      .finally(() => {
        this.inflight.delete(leader);
        this.reservedBytes -= maxBytes;
        this.wake();
      });
  }

  private doFetch(
    leader: number,
    session: FetchSession,
    req: ReturnType<FetchSession['build']>,
    allIds: boolean,
    list: PartitionState[],
    maxBytes: number,
  ): Promise<void> {
    if (!fetchChannel.hasSubscribers) return this.fetchOnce(leader, session, req, allIds, list, maxBytes, undefined);
    return this.tracedFetch(leader, session, req, allIds, list, maxBytes);
  }

  /** doFetch published on `kafkaesque:consumer:fetch`. */
  private async tracedFetch(
    leader: number,
    session: FetchSession,
    req: ReturnType<FetchSession['build']>,
    allIds: boolean,
    list: PartitionState[],
    maxBytes: number,
  ): Promise<void> {
    const trace: FetchTrace = { nodeId: leader, maxBytes, sessionId: req.sessionId, sessionEpoch: req.sessionEpoch, partitions: [], bytes: 0 };
    return traceAround(fetchChannel, trace, () => this.fetchOnce(leader, session, req, allIds, list, maxBytes, trace));
  }

  private async fetchOnce(
    leader: number,
    session: FetchSession,
    req: ReturnType<FetchSession['build']>,
    allIds: boolean,
    list: PartitionState[],
    maxBytes: number,
    trace: FetchTrace | undefined,
  ): Promise<void> {
    // the positions asked for: a partition sought while the fetch is out gets none of its answer
    const asked = new Map<PartitionState, bigint>();
    for (const p of list) asked.set(p, p.position);
    const conn = await this.cluster.connection(leader);
    const version = versionForTopicIds(conn, Fetch, FETCH_FIRST_TOPIC_ID_VERSION, allIds);
    const topics = new Map<string, FetchRequest['topics'][number]>();
    for (const p of req.toSend) {
      let t = topics.get(p.topic);
      if (t === undefined) topics.set(p.topic, (t = { topic: p.topic, topicId: p.topicId, partitions: [] }));
      t.partitions.push({
        partition: p.partition,
        currentLeaderEpoch: p.currentLeaderEpoch,
        fetchOffset: p.fetchOffset,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: p.partitionMaxBytes,
        replicaDirectoryId: ZERO_UUID,
        highWatermark: 9223372036854775807n,
      });
    }
    const forgotten = new Map<string, FetchRequest['forgottenTopicsData'][number]>();
    for (const f of req.toForget) {
      let t = forgotten.get(f.topic);
      if (t === undefined) forgotten.set(f.topic, (t = { topic: f.topic, topicId: f.topicId, partitions: [] }));
      t.partitions.push(f.partition);
    }
    const response = await conn.send(
      Fetch,
      {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs: this.o.fetchMaxWaitMs,
        minBytes: this.o.fetchMinBytes,
        maxBytes,
        isolationLevel: this.o.isolationLevel,
        sessionId: req.sessionId,
        sessionEpoch: req.sessionEpoch,
        topics: [...topics.values()],
        forgottenTopicsData: [...forgotten.values()],
        rackId: '',
      },
      { version, timeoutMs: this.o.fetchMaxWaitMs + 30_000 },
    );
    if (!session.handleResponse(req, response.errorCode, response.sessionId)) {
      // the session is gone (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH, ...): a
      // full fetch starts a new one at once
      return;
    }
    const byKey = new Map(list.map((p) => [topicPartitionKey(p.topic, p.partition), p]));
    for (const t of response.responses) {
      const topic = answerTopicName(this.cluster, t.topic, t.topicId);
      for (const pd of t.partitions) {
        const p = byKey.get(topicPartitionKey(topic, pd.partitionIndex));
        if (trace !== undefined) traceFetchPartition(trace, topic, pd, p === undefined ? -1n : (asked.get(p) ?? -1n));
        if (p === undefined) continue; // unassigned, paused or buffered meanwhile
        if (p.position !== asked.get(p)) continue; // sought meanwhile: the answer is for the old position
        this.handlePartition(p, pd);
      }
    }
  }

  private handlePartition(p: PartitionState, pd: FetchPartitionData): void {
    if (this.partitions.get(topicPartitionKey(p.topic, p.partition)) !== p || p.buffered !== undefined) return;
    p.highWatermark = pd.highWatermark;
    if (pd.errorCode !== ErrorCode.NONE) {
      const err = KafkaProtocolError.fromCode(pd.errorCode, `fetch ${p.topic}-${p.partition}`);
      this.cluster.metrics.error(err.code);
      if (pd.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        // start again from the reset policy's end, as the Java consumer does with auto.offset.reset
        p.position = this.o.resetPolicy;
        return;
      }
      if (err.invalidMetadata || err.retriable) {
        this.cluster.markStale();
        p.errors++;
        p.backoffUntil = Date.now() + backoffMs(p.errors, this.o.retryBackoffMs, this.o.retryBackoffMaxMs);
        return;
      }
      this.fail(p, err);
      p.backoffUntil = Date.now() + this.o.retryBackoffMaxMs;
      return;
    }
    p.errors = 0;
    if (pd.records === null || pd.records.length === 0) return;
    this.cluster.metrics.fetchedBytes += pd.records.length;
    const next = nextOffsetAfter(pd.records);
    if (next === undefined) {
      // no whole batch: a broken header (a fetch always carries at least one whole batch, KIP-74)
      const set = decodeRecordSet(pd.records, { maxDecompressedBytes: this.o.maxDecompressedBytes });
      if (set.error !== undefined) this.failBatch(p, set.error);
      return;
    }
    const from = p.position;
    if (next > p.position) p.position = next;
    const fetched: FetchedRecords = {
      topic: p.topic,
      partition: p.partition,
      records: this.deliverable(p, pd.records, from, pd),
      highWatermark: pd.highWatermark,
      // the wire bytes: batches are decompressed only as the application reaches them
      bytes: pd.records.length,
      stale: false,
    };
    p.buffered = fetched;
    this.ready.push(fetched);
    this.bufferedBytes += fetched.bytes;
    this.notify();
  }

  private failBatch(p: PartitionState, err: RecordBatchError): void {
    this.fail(p, err);
    p.backoffUntil = Date.now() + this.o.retryBackoffMaxMs;
  }

  /**
   * The records the application may see, decoded batch by batch as it iterates: at or after
   * `from`, not in control batches, and under read_committed not in aborted transactions (Java's
   * algorithm: producers whose aborted transaction started at or before the batch are skipped
   * until their abort marker). A bad batch throws a PartitionError where it is met and moves the
   * position back to it, so it is reported again rather than skipped.
   */
  private *deliverable(p: PartitionState, data: Buffer, from: bigint, pd: FetchPartitionData): Generator<KafkaRecord, void, undefined> {
    const aborted =
      this.o.isolationLevel === 1 && pd.abortedTransactions !== null
        ? [...pd.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))
        : [];
    const abortedProducers = new Set<bigint>();
    const batches = recordBatches(data, { maxDecompressedBytes: this.o.maxDecompressedBytes });
    for (;;) {
      const step = batches.next();
      if (step.done) {
        const err = step.value.error;
        if (err === undefined) return;
        if (this.partitions.get(topicPartitionKey(p.topic, p.partition)) === p && p.position > err.baseOffset) {
          p.position = err.baseOffset;
          p.backoffUntil = Date.now() + this.o.retryBackoffMaxMs;
        }
        throw new PartitionError(p.topic, p.partition, err);
      }
      const b = step.value;
      const lastOffset = b.baseOffset + BigInt(b.lastOffsetDelta);
      while (aborted.length > 0 && aborted[0]!.firstOffset <= lastOffset) abortedProducers.add(aborted.shift()!.producerId);
      if (b.isControl) {
        const r = b.records[0];
        if (r !== undefined && controlRecordType(r) === CONTROL_ABORT) abortedProducers.delete(b.producerId);
        continue;
      }
      if (b.isTransactional && abortedProducers.has(b.producerId)) continue;
      if (lastOffset < from) continue;
      for (const r of b.records) if (r.offset >= from) yield r;
    }
  }
}

/** Adds an answered partition to a traced fetch's payload. */
function traceFetchPartition(trace: FetchTrace, topic: string, pd: FetchPartitionData, fetchOffset: bigint): void {
  const bytes = pd.records === null ? 0 : pd.records.length;
  trace.bytes += bytes;
  trace.partitions.push({ topic, partition: pd.partitionIndex, fetchOffset, errorCode: pd.errorCode, highWatermark: pd.highWatermark, bytes });
}
