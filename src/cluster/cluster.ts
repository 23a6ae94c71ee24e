/**
 * The cluster layer: bootstrap, a metadata cache, partition-leader routing and a pool of
 * lazily opened connections (one per broker).
 *
 * Metadata is fetched for the topics the layers above use (never "all topics" unless asked),
 * refreshed every `metadataMaxAgeMs`, and refreshed early when a caller reports it stale (the
 * error codes that mean so: NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
 * LEADER_NOT_AVAILABLE, FENCED_LEADER_EPOCH, ..., or a dropped connection). Concurrent
 * refreshes share one request. Any live broker can answer a Metadata request; the bootstrap
 * list is only used to get in, or again when every known broker is unreachable.
 */
import { ClientMetrics } from '../network/metrics.js';
import type * as tls from 'node:tls';
import { ZERO_UUID } from '../../protocol/api.js';
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { Metadata, type MetadataResponse } from '../../protocol/messages/metadata.js';
import { BrokerConnection, CONNECTION_DEFAULTS } from '../network/broker-connection.js';
import { AuthenticationError, ConnectionError } from '../network/errors.js';
import { type Logger, NOOP_LOGGER } from '../network/logger.js';
import { hideSaslPassword, type SaslOptions } from '../network/sasl.js';
import { backoffMs, isNotFinal, retry, sleep } from './retry.js';
import { MetadataTimeoutError } from './errors.js';
import { stripUndefined } from '../network/options.js';

export interface ClusterOptions {
  /** Bootstrap addresses, `host:port`. */
  brokers: readonly string[];
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Refresh interval of the metadata cache (Java: metadata.max.age.ms). */
  metadataMaxAgeMs?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /**
   * Wait before connecting again to an address whose last attempt failed, doubling with each
   * failure up to `reconnectBackoffMaxMs`, with ±20% jitter (Java: reconnect.backoff.ms,
   * reconnect.backoff.max.ms).
   */
  reconnectBackoffMs?: number;
  reconnectBackoffMaxMs?: number;
  maxFrameBytes?: number;
  tls?: tls.ConnectionOptions;
  /** SASL credentials for every connection (kept in a private field: never shown). */
  sasl?: SaslOptions;
  logger?: Logger;
  /** Whether Metadata requests may auto-create topics (Java: allow.auto.create.topics). */
  allowAutoTopicCreation?: boolean;
  /**
   * What to do when no known broker answers, or a broker answers REBOOTSTRAP_REQUIRED:
   * `'rebootstrap'` asks the bootstrap addresses again (KIP-899, KIP-1102; Java 4.x's default),
   * `'none'` keeps to the brokers of the last metadata (Java: metadata.recovery.strategy).
   */
  metadataRecoveryStrategy?: MetadataRecoveryStrategy;
  /** Names this client in its connections' tracing payloads (`client`); never sent to the broker. */
  clientInstance?: string;
}

/** Java's metadata.recovery.strategy values. */
export type MetadataRecoveryStrategy = 'rebootstrap' | 'none';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when no leader is known. */
  leaderId: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  partitions: readonly PartitionInfo[];
  /** Partitions whose leader is known, ascending. */
  availablePartitions: readonly number[];
}

/** Defaults of the cluster options (the client's Config takes its defaults of these options from here). */
export const CLUSTER_DEFAULTS = Object.freeze({
  clientId: CONNECTION_DEFAULTS.clientId,
  connectTimeoutMs: CONNECTION_DEFAULTS.connectTimeoutMs,
  requestTimeoutMs: CONNECTION_DEFAULTS.requestTimeoutMs,
  metadataMaxAgeMs: 300_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1000,
  maxFrameBytes: CONNECTION_DEFAULTS.maxFrameBytes,
  allowAutoTopicCreation: true,
  metadataRecoveryStrategy: 'rebootstrap' as MetadataRecoveryStrategy,
});

type Resolved = Required<Omit<ClusterOptions, 'tls' | 'logger' | 'sasl' | 'clientInstance'>> & { tls?: tls.ConnectionOptions; logger: Logger; clientInstance?: string };

function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  let host = address.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port: Number(address.slice(i + 1)) };
}

/**
 * Which pooled connection to a broker: `data` (metadata, produce, fetch), `group` (the
 * coordinator's: joins, offsets) or `heartbeat` (group heartbeats alone, so that an OffsetCommit
 * the coordinator holds while __consumer_offsets replicates cannot delay them past the session
 * timeout).
 */
export type ConnectionLane = 'data' | 'group' | 'heartbeat';

export class Cluster {
  readonly options: Resolved;
  readonly logger: Logger;
  /** What this client has done on the wire (requests, bytes, latency, errors), counted by its connections. */
  readonly metrics = new ClientMetrics();
  clusterId: string | null = null;
  controllerId = -1;
  private readonly brokers = new Map<number, BrokerInfo>();
  private readonly topics = new Map<string, TopicInfo>();
  /** Topics the layers above use: what each refresh asks for. */
  private readonly interest = new Set<string>();
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  /** Per address: failed connection attempts in a row, and no new attempt before `until` (ms). */
  private readonly reconnect = new Map<string, { failures: number; until: number }>();
  private lastRefresh = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The SASL credentials; a private field (with a non-enumerable password) so no dump shows them. */
  readonly #sasl: SaslOptions | undefined;

  private constructor(options: Resolved, sasl: SaslOptions | undefined) {
    this.options = options;
    this.logger = options.logger;
    this.#sasl = sasl === undefined ? undefined : hideSaslPassword(sasl);
  }

  /** Connects to one bootstrap broker and loads the cluster's brokers. */
  static async connect(options: ClusterOptions): Promise<Cluster> {
    const { sasl, ...rest } = options;
    const resolved: Resolved = { ...CLUSTER_DEFAULTS, ...stripUndefined(rest), logger: options.logger ?? NOOP_LOGGER } as Resolved;
    const cluster = new Cluster(resolved, sasl);
    await cluster.refresh();
    cluster.timer = setInterval(() => {
      if (Date.now() - cluster.lastRefresh >= resolved.metadataMaxAgeMs) cluster.refresh().catch((err) => cluster.refreshFailed('periodic', err));
    }, Math.min(resolved.metadataMaxAgeMs, 30_000));
    cluster.timer.unref();
    return cluster;
  }

  /** Known brokers by node id. */
  brokerList(): BrokerInfo[] {
    return [...this.brokers.values()];
  }

  /** Cached metadata of a topic, if any. */
  topic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  /** The name of a cached topic from its id (KIP-516 responses carry ids only), or undefined. */
  topicNameById(topicId: string): string | undefined {
    for (const t of this.topics.values()) if (t.topicId === topicId) return t.name;
    return undefined;
  }

  /** The leader's node id for a partition, or -1. */
  leaderFor(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leaderId ?? -1;
  }

  /**
   * Metadata of a topic, fetching it when not cached (or when the cached entry fails `accept`,
   * e.g. it lacks a partition added since). Retries while the topic is being created, has no
   * leader or is not accepted yet, up to `timeoutMs` (then MetadataTimeoutError); fails at once
   * on an authorization error or an invalid topic name.
   */
  async topicMetadata(name: string, timeoutMs: number, accept: (t: TopicInfo) => boolean = () => true): Promise<TopicInfo> {
    const cached = this.topics.get(name);
    if (cached !== undefined && accept(cached)) return cached;
    this.interest.add(name);
    // an answer without the topic (or not accepted yet) and no error: wait and ask again
    const notYet = new KafkaesqueError('ERR_METADATA_PENDING', `topic '${name}' not in the metadata yet`, { retriable: true });
    return retry(
      async () => {
        if (this.closed) throw new KafkaesqueError('ERR_CLOSED', 'the client is closed');
        const error = await this.refresh([name]);
        const info = this.topics.get(name);
        if (info !== undefined && accept(info)) return info;
        throw error ?? notYet;
      },
      {
        retriable: isNotFinal,
        baseMs: this.options.retryBackoffMs,
        maxMs: this.options.retryBackoffMaxMs,
        // the last attempt is made at the deadline, not a backoff before it
        deadlineMs: Date.now() + timeoutMs,
        lastAttemptAtDeadline: true,
        exhausted: (last) => new MetadataTimeoutError(name, timeoutMs, last === notYet ? undefined : (last as Error)),
      },
    );
  }

  /** Asks for a refresh soon (coalesced with one in flight), after an error that means stale metadata. */
  markStale(): void {
    this.refresh().catch((err) => this.refreshFailed('after stale metadata', err));
  }

  /** A refresh nobody waits for failed: the next one (periodic, or asked for) tries again. */
  private refreshFailed(which: string, err: unknown): void {
    this.logger.debug(`metadata refresh (${which}) failed; the next one tries again`, { error: (err as Error).message });
  }

  /**
   * Refreshes metadata for the topics of interest (plus `extra`). Resolves with the typed error
   * of the first of `extra` that failed (topics that succeeded are cached). A call made while a
   * refresh is in flight waits for one more refresh after it (which sees the new topics); all
   * such callers share that one.
   */
  async refresh(extra: readonly string[] = []): Promise<KafkaProtocolError | undefined> {
    for (const t of extra) this.interest.add(t);
    await this.scheduleRefresh();
    for (const t of extra) {
      const err = this.topicErrors.get(t);
      if (err !== undefined) return err;
    }
    return undefined;
  }

  private inflight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly topicErrors = new Map<string, KafkaProtocolError>();

  private scheduleRefresh(): Promise<void> {
    if (this.inflight === undefined) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = undefined;
      });
      return this.inflight;
    }
    this.queued ??= this.inflight
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.scheduleRefresh();
      });
    return this.queued;
  }

  private async doRefresh(): Promise<void> {
    const names = [...this.interest];
    const ask = (conn: BrokerConnection): Promise<MetadataResponse> =>
      conn.send(Metadata, {
        topics: names.map((name) => ({ topicId: ZERO_UUID, name })),
        allowAutoTopicCreation: this.options.allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
    let response = await this.withAnyBroker(ask);
    if (response.errorCode === ErrorCode.REBOOTSTRAP_REQUIRED && this.options.metadataRecoveryStrategy === 'rebootstrap') {
      // KIP-1102: the broker says this client's view of the cluster cannot be recovered from it.
      // Ask the bootstrap addresses once; a second REBOOTSTRAP_REQUIRED fails this refresh.
      this.logger.info('a broker answered REBOOTSTRAP_REQUIRED: asking the bootstrap brokers again', { brokers: this.options.brokers.join(',') });
      response = await this.tryAddresses(shuffle([...this.options.brokers]), ask);
    }
    this.apply(response);
    this.lastRefresh = Date.now();
  }

  private apply(res: MetadataResponse): void {
    if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, 'Metadata');
    this.clusterId = res.clusterId;
    this.controllerId = res.controllerId;
    const seen = new Set<number>();
    for (const b of res.brokers) {
      seen.add(b.nodeId);
      const old = this.brokers.get(b.nodeId);
      if (old && (old.host !== b.host || old.port !== b.port)) this.dropConnection(`${old.host}:${old.port}`);
      this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
      // a connection opened to a bootstrap address learns which broker it reached (tracing payloads)
      this.connections.get(`${b.host}:${b.port}`)?.then((c) => (c.nodeId = b.nodeId), () => {});
    }
    for (const [id, b] of this.brokers) {
      if (!seen.has(id)) {
        this.brokers.delete(id);
        this.dropConnection(`${b.host}:${b.port}`);
      }
    }
    for (const t of res.topics) {
      if (t.name === null) continue;
      if (t.errorCode !== ErrorCode.NONE) {
        this.topicErrors.set(t.name, KafkaProtocolError.fromCode(t.errorCode, `metadata of topic '${t.name}'`));
        // a topic that disappeared or has no leader yet keeps its last good metadata only if
        // the error is transient; an authorization failure or deletion removes it
        if (!errorCodeInfo(t.errorCode).retriable) this.topics.delete(t.name);
        continue;
      }
      this.topicErrors.delete(t.name);
      const partitions = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
      if (partitions.length === 0) continue;
      const infos: PartitionInfo[] = partitions.map((p) => ({
        partition: p.partitionIndex,
        // a partition whose leader is not a known broker has no usable leader
        leaderId: p.errorCode === ErrorCode.NONE && this.brokers.has(p.leaderId) ? p.leaderId : -1,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        errorCode: p.errorCode,
      }));
      this.topics.set(t.name, {
        name: t.name,
        topicId: t.topicId,
        partitions: infos,
        availablePartitions: infos.filter((p) => p.leaderId >= 0).map((p) => p.partition),
      });
    }
  }

  /**
   * Runs `fn` on a connection to some live broker: one of the brokers of the last metadata (in
   * random order), or the bootstrap addresses before there is any. When none of the known
   * brokers answers, the client re-bootstraps (KIP-899, `metadataRecoveryStrategy:
   * 'rebootstrap'`): it connects to the bootstrap addresses again, which resolves their host
   * names again, and takes the cluster they describe. Throws the last connection error when
   * nothing answers.
   */
  private async withAnyBroker<T>(fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    const known = shuffle([...this.brokers.values()].map((b) => `${b.host}:${b.port}`));
    if (known.length === 0) return this.tryAddresses(shuffle([...this.options.brokers]), fn);
    try {
      return await this.tryAddresses(known, fn);
    } catch (err) {
      const rebootstrap = shuffle(this.options.brokers.filter((a) => !known.includes(a)));
      if (this.options.metadataRecoveryStrategy !== 'rebootstrap' || rebootstrap.length === 0 || !isUnreachable(err)) throw err;
      this.logger.info('no known broker answers: asking the bootstrap brokers again', { known: known.join(','), brokers: rebootstrap.join(',') });
      return await this.tryAddresses(rebootstrap, fn);
    }
  }

  /**
   * Runs `fn` on the first of `addresses` that answers. Addresses waiting out a reconnect
   * backoff are skipped; when every one is, only the one whose backoff ends first is tried
   * (after it): one refresh waits at most one backoff, not one per address in turn.
   */
  private async tryAddresses<T>(addresses: readonly string[], fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    const now = Date.now();
    const until = (a: string): number => (this.connections.has(a) ? 0 : this.reconnectAt(a));
    let candidates = addresses.filter((a) => until(a) <= now);
    if (candidates.length === 0 && addresses.length > 0) candidates = [addresses.reduce((a, b) => (until(b) < until(a) ? b : a))];
    let last: Error | undefined;
    for (const address of candidates) {
      try {
        return await fn(await this.connectionTo(address));
      } catch (err) {
        last = err as Error;
        if (!isUnreachable(err)) throw err;
      }
    }
    throw last ?? new ConnectionError(this.options.brokers.join(','), 'no broker to ask');
  }

  /** The pooled connection to a broker by node id (opened on first use). */
  async connection(nodeId: number, lane: ConnectionLane = 'data'): Promise<BrokerConnection> {
    const b = this.brokers.get(nodeId);
    if (b === undefined) {
      throw new ConnectionError(`node ${nodeId}`, 'this broker is not in the current metadata', undefined);
    }
    return this.connectionTo(`${b.host}:${b.port}`, lane);
  }

  /**
   * The pooled connection to an address on a lane; a closed one is replaced. A broker answers
   * one connection's requests strictly in order, so a Fetch parked for maxWaitMs holds back
   * whatever follows it on its socket: group requests (JoinGroup, OffsetCommit) get their own
   * connection, as Java's coordinator connection does, or a rebalance waits on fetches; and
   * heartbeats one more, or they wait behind a slow OffsetCommit until the member is fenced.
   */
  connectionTo(address: string, lane: ConnectionLane = 'data'): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new KafkaesqueError('ERR_CLOSED', 'the client is closed'));
    const key = lane === 'data' ? address : `${address}#${lane}`;
    const existing = this.connections.get(key);
    if (existing !== undefined) {
      return existing.then((c) => (c.closed ? this.openConnection(address, key) : c));
    }
    return this.openConnection(address, key);
  }

  /**
   * Opens a connection to `address`, after the reconnect backoff of its last failed attempt
   * (Java's ClusterConnectionStates): a broker that is down is tried at 50, 100, 200 ... up to
   * reconnectBackoffMaxMs apart, whoever asks for it meanwhile, and at once again after a
   * success. A connection that closes after it was established does not count as a failure.
   */
  private openConnection(address: string, key: string): Promise<BrokerConnection> {
    const wait = this.reconnectAt(address) - Date.now();
    const opening = (wait > 0 ? sleep(wait).then(() => this.connectOnce(address)) : this.connectOnce(address)).then((conn) => {
      conn.once('close', (err) => {
        if (this.connections.get(key) === opening) this.connections.delete(key);
        if (err !== undefined && !this.closed) this.markStale();
      });
      if (this.closed) conn.close();
      return conn;
    });
    this.connections.set(key, opening);
    opening.catch(() => {
      if (this.connections.get(key) === opening) this.connections.delete(key);
    });
    return opening;
  }

  /** When the reconnect backoff of `address` ends (0: no backoff). */
  private reconnectAt(address: string): number {
    return this.reconnect.get(address)?.until ?? 0;
  }

  /** One connection attempt, counted for the address's reconnect backoff. */
  private connectOnce(address: string): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new KafkaesqueError('ERR_CLOSED', 'the client is closed'));
    const { host, port } = parseAddress(address);
    return BrokerConnection.connect({
      host,
      port,
      clientId: this.options.clientId,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      maxFrameBytes: this.options.maxFrameBytes,
      ...(this.options.tls ? { tls: this.options.tls } : {}),
      ...(this.#sasl ? { sasl: this.#sasl } : {}),
      logger: this.logger,
      metrics: this.metrics,
      nodeId: this.nodeIdAt(host, port),
      ...(this.options.clientInstance !== undefined ? { clientInstance: this.options.clientInstance } : {}),
    }).then(
      (conn) => {
        this.reconnect.delete(address);
        return conn;
      },
      (err: unknown) => {
        // wrong credentials or TLS settings are not the broker being down: no backoff for those
        if (!(err instanceof AuthenticationError)) {
          const failures = (this.reconnect.get(address)?.failures ?? 0) + 1;
          const backoff = backoffMs(failures - 1, this.options.reconnectBackoffMs, this.options.reconnectBackoffMaxMs);
          this.reconnect.set(address, { failures, until: Date.now() + backoff });
        }
        throw err;
      },
    );
  }

  /** The node id of the known broker at host:port, -1 for an address no metadata named (a bootstrap address). */
  private nodeIdAt(host: string, port: number): number {
    for (const b of this.brokers.values()) if (b.host === host && b.port === port) return b.nodeId;
    return -1;
  }

  /** Closes the connections to an address, every lane. */
  private dropConnection(address: string): void {
    for (const key of [...this.connections.keys()]) {
      if (key !== address && !key.startsWith(`${address}#`)) continue;
      const c = this.connections.get(key);
      this.connections.delete(key);
      c?.then((conn) => conn.close()).catch(() => {});
    }
  }


  /** Closes every connection; pending requests reject with ConnectionClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
  }
}

/**
 * Whether an error means "this broker did not answer" (try another), as opposed to an answer
 * every broker would give: wrong credentials fail the same way everywhere, so trying more
 * brokers does no good (and locks accounts).
 */
function isUnreachable(err: unknown): boolean {
  if (err instanceof AuthenticationError) return false;
  return !(err instanceof KafkaesqueError) || err.retriable || err instanceof ConnectionError;
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
