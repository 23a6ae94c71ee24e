/** KafkaJS's admin client on kafkaesque's Admin. */
import {
  Admin as NativeAdmin,
  type AclBinding,
  type AclFilter,
  type AclOperation,
  type AclResourceType,
  type ConfigResourceType as NativeConfigResourceType,
  type ConfigSource as NativeConfigSource,
  type KafkaProtocolError,
} from '../index.js';
import { AssignerProtocol } from './assigners.js';
import {
  KafkaJSAggregateError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSBrokerNotFound,
  KafkaJSCreateTopicError,
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSTimeout,
  protocolError,
  toKafkaJSError,
} from './errors.js';
import { Instrumentation, type InstrumentationEvent } from './events.js';
import type { ClientContext, KafkaJSLogger, LogLevel } from './kafka.js';

export const ConfigResourceTypes = Object.freeze({ UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const);
export const ConfigSource = Object.freeze({
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const);
export const AclResourceTypes = Object.freeze({ UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6 } as const);
export const AclOperationTypes = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const);
export const AclPermissionTypes = Object.freeze({ UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const);
export const ResourcePatternTypes = Object.freeze({ UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const);

const SOURCE_NUMBER: Record<NativeConfigSource, number> = {
  unknown: 0,
  'dynamic-topic': 1,
  'dynamic-broker': 2,
  'dynamic-default-broker': 3,
  'static-broker': 4,
  default: 5,
  'dynamic-broker-logger': 6,
  'client-metrics': 0,
  group: 0,
};
const RESOURCE_TYPE: Record<number, AclResourceType | undefined> = { 2: 'topic', 3: 'group', 4: 'cluster', 5: 'transactional-id', 6: 'delegation-token' };
const OPERATION: Record<number, AclOperation | undefined> = {
  2: 'all',
  3: 'read',
  4: 'write',
  5: 'create',
  6: 'delete',
  7: 'alter',
  8: 'describe',
  9: 'cluster-action',
  10: 'describe-configs',
  11: 'alter-configs',
  12: 'idempotent-write',
};
const invert = <T extends string>(m: Record<number, T | undefined>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v as string, Number(k)]));
const RESOURCE_TYPE_NUMBER = invert(RESOURCE_TYPE);
const OPERATION_NUMBER = invert(OPERATION);

export const ADMIN_EVENTS = Object.freeze({
  CONNECT: 'admin.connect',
  DISCONNECT: 'admin.disconnect',
  REQUEST: 'admin.network.request',
  REQUEST_TIMEOUT: 'admin.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size',
});
const EMITTED = new Set([ADMIN_EVENTS.CONNECT, ADMIN_EVENTS.DISCONNECT, ADMIN_EVENTS.REQUEST, ADMIN_EVENTS.REQUEST_TIMEOUT]);

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  replicaAssignment?: { partition: number; replicas: number[] }[];
  configEntries?: { name: string; value: string }[];
}

export interface SeekEntry {
  partition: number;
  offset: string;
}

export interface AclEntry {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** A describeAcls / deleteAcls filter: the four enums are required (`ANY` matches anything), the strings optional. */
export interface AclFilterEntry {
  resourceType: number;
  resourceName?: string;
  resourcePatternType: number;
  principal?: string;
  host?: string;
  operation: number;
  permissionType: number;
}

export interface PartitionReassignment {
  topic: string;
  partitionAssignment: { partition: number; replicas: number[] }[];
}

/** listPartitionReassignments' topics, as KafkaJS 2.2.4 returns them (`name`, `partition`). */
export interface OngoingTopicReassignment {
  name: string;
  partitions: { partition: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }[];
}

/** KafkaJS's logger object (`admin.logger()`), in the namespace `Admin`. */
export interface AdminLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
  namespace(namespace: string, logLevel?: LogLevel): AdminLogger;
  setLogLevel(logLevel: LogLevel): void;
}

const LEVELS = { ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;

/**
 * A logger object over the client's: `namespace()` and `setLogLevel()` as KafkaJS's. Its level
 * can only narrow what the client's `logLevel` lets through (the client's logCreator was made
 * with that level).
 */
function adminLogger(base: KafkaJSLogger, ns: string, initial?: LogLevel): AdminLogger {
  const scoped = base.namespace_(ns);
  let level: number | undefined = initial;
  const at = (l: number, write: () => void): void => {
    if (level === undefined || (level !== 0 && l <= level)) write();
  };
  return {
    info: (m, e) => at(LEVELS.INFO, () => scoped.info(m, e)),
    error: (m, e) => at(LEVELS.ERROR, () => scoped.error(m, e)),
    warn: (m, e) => at(LEVELS.WARN, () => scoped.warn(m, e)),
    debug: (m, e) => at(LEVELS.DEBUG, () => scoped.debug(m, e)),
    namespace: (child, logLevel) => adminLogger(base, ns === '' ? child : `${ns}.${child}`, logLevel ?? (level as LogLevel | undefined)),
    setLogLevel: (l) => {
      level = l;
    },
  };
}

const values = (o: Record<string, number>): number[] => Object.values(o);
const json = (x: unknown): string => {
  try {
    return JSON.stringify(x);
  } catch {
    return String(x);
  }
};

/** `KafkaJSNonRetriableError` for arguments KafkaJS refuses before any request. */
function invalid(message: string): KafkaJSNonRetriableError {
  return new KafkaJSNonRetriableError(message);
}

function checkTopicNames(list: { topic?: unknown }[], what: string): void {
  if (list.some((t) => typeof t?.topic !== 'string')) throw invalid(`Invalid ${what} array: every topic name must be a string`);
  if (new Set(list.map((t) => t.topic)).size < list.length) throw invalid(`Invalid ${what} array: a topic may appear only once`);
}

/**
 * What KafkaJS throws for an error it retried until its retries ran out (an unknown topic, for
 * example): KafkaJSNumberOfRetriesExceeded, the protocol error as `cause`. kafkaesque does not
 * retry these (the broker's answer will not change within a call): it fails at once.
 */
function retriesExceeded(err: KafkaJSProtocolError): KafkaJSNumberOfRetriesExceeded {
  return new KafkaJSNumberOfRetriesExceeded(err, { cause: err });
}

function aclEnum(value: unknown, allowed: Record<string, number>, what: string, entry: unknown): number {
  if (typeof value !== 'number' || !values(allowed).includes(value)) throw invalid(`Invalid ${what} ${String(value)}: ${json(entry)}`);
  return value;
}

function aclBinding(a: AclEntry): AclBinding {
  const resourceType = RESOURCE_TYPE[a.resourceType];
  const operation = OPERATION[a.operation];
  if (!resourceType) throw invalid(`An ACL needs a concrete resource type (TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN), got ${a.resourceType}: ${json(a)}`);
  if (!operation) throw invalid(`An ACL needs a concrete operation (not ANY or UNKNOWN), got ${a.operation}: ${json(a)}`);
  if (a.resourcePatternType !== ResourcePatternTypes.LITERAL && a.resourcePatternType !== ResourcePatternTypes.PREFIXED) {
    throw invalid(`An ACL's resource pattern type is LITERAL or PREFIXED, got ${a.resourcePatternType}: ${json(a)}`);
  }
  if (a.permissionType !== AclPermissionTypes.ALLOW && a.permissionType !== AclPermissionTypes.DENY) {
    throw invalid(`An ACL's permission type is ALLOW or DENY, got ${a.permissionType}: ${json(a)}`);
  }
  return {
    resourceType,
    resourceName: a.resourceName,
    patternType: a.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'prefixed' : 'literal',
    principal: a.principal,
    host: a.host,
    operation,
    permission: a.permissionType === AclPermissionTypes.DENY ? 'deny' : 'allow',
  };
}

/** Checks a filter as KafkaJS does (the enums required, the strings strings or absent). */
function checkAclFilter(a: AclFilterEntry, where: string): void {
  for (const k of ['principal', 'host', 'resourceName'] as const) {
    if (a[k] !== undefined && typeof a[k] !== 'string') throw invalid(`Invalid ${where}: ${k} must be a string or absent: ${json(a)}`);
  }
  aclEnum(a.operation, AclOperationTypes, 'operation type', a);
  aclEnum(a.resourcePatternType, ResourcePatternTypes, 'resource pattern type', a);
  aclEnum(a.permissionType, AclPermissionTypes, 'permission type', a);
  aclEnum(a.resourceType, AclResourceTypes, 'resource type', a);
}

function aclFilter(a: AclFilterEntry): AclFilter {
  if (a.resourceType === AclResourceTypes.UNKNOWN || a.operation === AclOperationTypes.UNKNOWN || a.permissionType === AclPermissionTypes.UNKNOWN || a.resourcePatternType === ResourcePatternTypes.UNKNOWN) {
    throw invalid(`An ACL filter cannot match UNKNOWN (use ANY to match every value): ${json(a)}`);
  }
  const f: AclFilter = {};
  if (a.resourceType !== AclResourceTypes.ANY) f.resourceType = RESOURCE_TYPE[a.resourceType];
  if (a.resourceName !== undefined) f.resourceName = a.resourceName;
  const pt = a.resourcePatternType;
  if (pt === ResourcePatternTypes.LITERAL) f.patternType = 'literal';
  else if (pt === ResourcePatternTypes.PREFIXED) f.patternType = 'prefixed';
  else if (pt === ResourcePatternTypes.MATCH) f.patternType = 'match';
  if (a.principal !== undefined) f.principal = a.principal;
  if (a.host !== undefined) f.host = a.host;
  if (a.operation !== AclOperationTypes.ANY) f.operation = OPERATION[a.operation];
  if (a.permissionType === AclPermissionTypes.ALLOW) f.permission = 'allow';
  else if (a.permissionType === AclPermissionTypes.DENY) f.permission = 'deny';
  return f;
}

function aclEntry(b: AclBinding): AclEntry {
  return {
    resourceType: RESOURCE_TYPE_NUMBER[b.resourceType] ?? 0,
    resourceName: b.resourceName,
    resourcePatternType: b.patternType === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal: b.principal,
    host: b.host,
    operation: OPERATION_NUMBER[b.operation] ?? 0,
    permissionType: b.permission === 'deny' ? AclPermissionTypes.DENY : AclPermissionTypes.ALLOW,
  };
}

type ConfigEntryResult = {
  configName: string;
  configValue: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  configSynonyms: { configName: string; configValue: string | null; configSource: number }[];
};

export class Admin {
  readonly events = ADMIN_EVENTS;
  readonly #ctx: ClientContext;
  readonly #instrumentation = new Instrumentation(ADMIN_EVENTS, EMITTED, 'admin');
  #native: NativeAdmin | null = null;
  #connecting: Promise<NativeAdmin> | null = null;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  on<T = Record<string, unknown>>(eventName: string, listener: (event: InstrumentationEvent<T>) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  /** KafkaJS's logger object, in the namespace `Admin`. */
  logger(): AdminLogger {
    return adminLogger(this.#ctx.logger, 'Admin');
  }

  /** Connects (again a no-op when connected); CONNECT (payload undefined) is emitted on every call, as KafkaJS does. */
  async connect(): Promise<void> {
    await this.native();
    this.#instrumentation.emit(ADMIN_EVENTS.CONNECT, undefined);
  }

  /** Closes the connections; DISCONNECT is emitted on every call, as KafkaJS does. */
  async disconnect(): Promise<void> {
    const pending = this.#connecting;
    this.#connecting = null;
    const n = this.#native ?? (pending ? await pending.catch(() => null) : null);
    this.#native = null;
    if (n) await n.close();
    this.#instrumentation.closed();
    this.#instrumentation.emit(ADMIN_EVENTS.DISCONNECT, undefined);
  }

  private async native(): Promise<NativeAdmin> {
    if (this.#native) return this.#native;
    this.#connecting ??= this.#ctx.makeConfig({ clientInstance: this.#instrumentation.nativeClientInstance() }).then((config) => NativeAdmin.create(config));
    try {
      this.#native = await this.#connecting;
      return this.#native;
    } catch (err) {
      this.#connecting = null;
      throw toKafkaJSError(err);
    }
  }

  /** Runs `fn` on the native Admin (connecting first if needed), with kafkaesque's errors as KafkaJS's. */
  private async call<T>(fn: (admin: NativeAdmin) => Promise<T>): Promise<T> {
    const a = await this.native();
    try {
      return await fn(a);
    } catch (err) {
      throw toKafkaJSError(err);
    }
  }

  /** Every topic's name, internal topics (`__consumer_offsets`) included, as KafkaJS lists them. */
  async listTopics(): Promise<string[]> {
    return this.call(async (a) => (await a.listTopics({ listInternal: true })).map((t) => t.name));
  }

  /**
   * true when every topic was created; false when every failure was TOPIC_ALREADY_EXISTS; else a
   * KafkaJSAggregateError of one KafkaJSCreateTopicError per failed topic (as KafkaJS).
   */
  async createTopics({
    topics,
    validateOnly,
    waitForLeaders = true,
    timeout,
  }: {
    topics: ITopicConfig[];
    validateOnly?: boolean;
    waitForLeaders?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`);
    checkTopicNames(topics, 'topics');
    for (const { topic, configEntries } of topics) {
      if (configEntries === undefined || configEntries === null) continue;
      if (!Array.isArray(configEntries)) throw invalid(`Invalid configEntries of topic "${topic}": an array of { name, value } is expected`);
      configEntries.forEach((entry: unknown, i) => {
        const e = entry as { name?: unknown; value?: unknown } | null;
        if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || typeof e.value !== 'string') {
          throw invalid(`Invalid configEntries of topic "${topic}": entry ${i} must be an object with string "name" and "value"`);
        }
      });
    }
    if (topics.length === 0) return true;
    const results = await this.call((a) =>
      a.createTopics(
        topics.map((t) => ({
          name: t.topic,
          numPartitions: t.numPartitions ?? -1,
          replicationFactor: t.replicationFactor ?? -1,
          ...(t.replicaAssignment ? { replicaAssignment: Object.fromEntries(t.replicaAssignment.map((r) => [r.partition, r.replicas])) } : {}),
          configs: Object.fromEntries((t.configEntries ?? []).map((c) => [c.name, c.value])),
        })),
        { validateOnly, waitForLeaders: waitForLeaders && !validateOnly, ...(timeout !== undefined ? { timeoutMs: timeout } : {}) },
      ),
    );
    const failed = results.filter((r) => r.error);
    if (failed.length === 0) return true;
    if (failed.every((r) => r.error!.errorName === 'TOPIC_ALREADY_EXISTS')) return false;
    if (failed.every((r) => r.error!.errorName === 'LEADER_NOT_AVAILABLE' || r.error!.errorName === 'TOPIC_ALREADY_EXISTS')) {
      // created, but no leader showed up before the timeout: KafkaJS's waitForLeaders times out
      throw new KafkaJSTimeout(`Timed out waiting for the leaders of ${failed.map((r) => r.name).join(', ')} (raise createTopics' timeout)`, { cause: failed[0]!.error });
    }
    throw new KafkaJSAggregateError(
      'Topic creation errors',
      failed.map((r) => new KafkaJSCreateTopicError(r.error!, r.name, { retriable: r.error!.retriable, type: r.error!.errorName, code: r.error!.errorCode, cause: r.error })),
    );
  }

  /** Deletes topics; the first failure is thrown (an unknown topic as KafkaJSNumberOfRetriesExceeded, as KafkaJS). */
  async deleteTopics({ topics, timeout }: { topics: string[]; timeout?: number }): Promise<void> {
    if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`);
    if (topics.some((t) => typeof t !== 'string')) throw invalid('Invalid topics array: every topic name must be a string');
    if (topics.length === 0) return;
    const results = await this.call((a) => a.deleteTopics(topics, timeout !== undefined ? { timeoutMs: timeout } : {}));
    const failed = results.find((r) => r.error);
    if (failed?.error) {
      const err = protocolError(failed.error);
      throw failed.error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION' ? retriesExceeded(err) : err;
    }
  }

  /**
   * Raises topics' partition counts to `count`; `assignments` lists, per new partition, the
   * broker ids of its replicas. The first failure is thrown as a KafkaJSProtocolError.
   */
  async createPartitions({
    topicPartitions,
    validateOnly,
    timeout,
  }: {
    topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
    validateOnly?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    if (!Array.isArray(topicPartitions)) throw invalid(`Invalid topic partitions array ${String(topicPartitions)}`);
    if (topicPartitions.length === 0) throw invalid('Invalid topic partitions array: it is empty');
    checkTopicNames(topicPartitions, 'topic partitions');
    for (const t of topicPartitions) {
      if (t.assignments !== undefined && (!Array.isArray(t.assignments) || t.assignments.some((r) => !Array.isArray(r) || r.some((b) => !Number.isInteger(b) || b < 0)))) {
        throw invalid(`Invalid assignments of topic "${t.topic}": one array of broker ids per new partition is expected, got ${json(t.assignments)}`);
      }
    }
    const counts = Object.fromEntries(topicPartitions.map((t) => [t.topic, t.count]));
    const assignments = Object.fromEntries(topicPartitions.filter((t) => t.assignments !== undefined).map((t) => [t.topic, t.assignments!]));
    const results = await this.call((a) =>
      a.createPartitions(counts, {
        validateOnly,
        ...(Object.keys(assignments).length > 0 ? { assignments } : {}),
        ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      }),
    );
    const failed = results.find((r) => r.error);
    if (failed?.error) throw protocolError(failed.error);
    return true;
  }

  /** Partitions, leaders, replicas and ISR of the topics; of every topic (internal ones too) when none are named. */
  async fetchTopicMetadata({ topics }: { topics?: string[] } = {}): Promise<{
    topics: { name: string; partitions: { partitionErrorCode: number; partitionId: number; leader: number; replicas: number[]; isr: number[]; offlineReplicas: number[] }[] }[];
  }> {
    if (topics !== undefined && topics !== null) {
      if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`);
      for (const t of topics) if (!t || typeof t !== 'string') throw invalid(`Invalid topic ${String(t)}`);
    }
    return this.call(async (a) => {
      const names = topics && topics.length > 0 ? topics : (await a.listTopics({ listInternal: true })).map((t) => t.name);
      const described = await a.describeTopics(names);
      Admin.firstError(described);
      return {
        topics: described.map((d) => ({
          name: d.name,
          partitions: d.partitions.map((p) => ({
            partitionErrorCode: 0,
            partitionId: p.partition,
            leader: p.leader,
            replicas: p.replicas,
            isr: p.isr,
            offlineReplicas: p.offlineReplicas,
          })),
        })),
      };
    });
  }

  private async partitionsOf(a: NativeAdmin, topic: string): Promise<number[]> {
    const [d] = await a.describeTopics([topic]);
    if (d!.error) {
      const err = protocolError(d!.error);
      throw d!.error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION' ? retriesExceeded(err) : err;
    }
    return d!.partitions.map((p) => p.partition).sort((x, y) => x - y);
  }

  private static firstError<T extends { error: KafkaProtocolError | null }>(rows: T[]): void {
    const failed = rows.find((r) => r.error);
    if (failed?.error) throw protocolError(failed.error);
  }

  /** Per partition the high watermark (`offset` and `high`) and the log start offset (`low`). */
  async fetchTopicOffsets(topic: string): Promise<{ partition: number; offset: string; high: string; low: string }[]> {
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic ${String(topic)}`);
    return this.call(async (a) => {
      const ps = await this.partitionsOf(a, topic);
      const [high, low] = await Promise.all([
        a.listOffsets(ps.map((partition) => ({ topic, partition, spec: 'latest' as const }))),
        a.listOffsets(ps.map((partition) => ({ topic, partition, spec: 'earliest' as const }))),
      ]);
      Admin.firstError(high);
      Admin.firstError(low);
      return ps.map((partition) => {
        const h = String(high.find((x) => x.partition === partition)!.offset);
        return { partition, offset: h, high: h, low: String(low.find((x) => x.partition === partition)!.offset) };
      });
    });
  }

  /** Per partition the first offset whose timestamp is >= `timestamp`; the high watermark when none is (or no timestamp is given). */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<{ partition: number; offset: string }[]> {
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic ${String(topic)}`);
    return this.call(async (a) => {
      const ps = await this.partitionsOf(a, topic);
      const spec = timestamp === undefined ? ('latest' as const) : { timestamp };
      const found = await a.listOffsets(ps.map((partition) => ({ topic, partition, spec })));
      Admin.firstError(found);
      const missing = found.filter((f) => f.offset < 0n);
      const latest = missing.length > 0 ? await a.listOffsets(missing.map((m) => ({ topic, partition: m.partition, spec: 'latest' as const }))) : [];
      Admin.firstError(latest);
      return ps.map((partition) => {
        const f = found.find((x) => x.partition === partition)!;
        const off = f.offset >= 0n ? f.offset : latest.find((x) => x.partition === partition)!.offset;
        return { partition, offset: String(off) };
      });
    });
  }

  /**
   * A group's committed offsets: of every partition of `topics` ('-1' where none is committed),
   * or, without `topics`, of every topic the group has committed offsets for. `resolveOffsets`
   * replaces '-1' (and a committed '-2') by the high watermark (the log start offset) and
   * commits what it resolved, as KafkaJS does: the group must then have no running member.
   */
  async fetchOffsets({
    groupId,
    topics,
    resolveOffsets = false,
  }: {
    groupId: string;
    topics?: string[];
    resolveOffsets?: boolean;
  }): Promise<{ topic: string; partitions: { partition: number; offset: string; metadata: string | null }[] }[]> {
    if (!groupId || typeof groupId !== 'string') throw invalid(`Invalid groupId ${String(groupId)}`);
    if (topics !== undefined && topics !== null && !Array.isArray(topics)) throw invalid(`Invalid topics: an array of topic names is expected, got ${json(topics)}`);
    const out = await this.call(async (a) => {
      const committed = await a.listGroupOffsets(groupId);
      const names = topics && topics.length > 0 ? topics : [...new Set(committed.map((c) => c.topic))];
      return Promise.all(
        names.map(async (topic) => {
          const ps = await this.partitionsOf(a, topic);
          return {
            topic,
            partitions: ps.map((partition) => {
              const c = committed.find((x) => x.topic === topic && x.partition === partition);
              // KafkaJS shows an empty metadata string as null
              return { partition, offset: c ? String(c.offset) : '-1', metadata: c?.metadata || null };
            }),
          };
        }),
      );
    });
    if (!resolveOffsets) return out;
    const resolved = [];
    for (const { topic, partitions } of out) {
      const ends = await this.fetchTopicOffsets(topic);
      const now = partitions.map((p) => {
        const e = ends.find((x) => x.partition === p.partition)!;
        return { ...p, offset: p.offset === '-1' ? e.high : p.offset === '-2' ? e.low : p.offset };
      });
      await this.setOffsets({ groupId, topic, partitions: now.map((p) => ({ partition: p.partition, offset: p.offset })) });
      resolved.push({ topic, partitions: now });
    }
    return resolved;
  }

  /**
   * Commits offsets for a group that has no running member (KafkaJS's condition: its state is
   * Empty or Dead). '-1' and '-2' are resolved now to the partition's high watermark and log
   * start offset, and those offsets are committed (KafkaJS commits -1/-2 as they are).
   */
  async setOffsets({ groupId, topic, partitions }: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void> {
    if (!groupId || typeof groupId !== 'string') throw invalid(`Invalid groupId ${String(groupId)}`);
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic ${String(topic)}`);
    if (!Array.isArray(partitions) || partitions.length === 0) throw invalid('Invalid partitions');
    const offsets = partitions.map((p) => {
      let offset: bigint;
      try {
        offset = BigInt(p.offset);
      } catch {
        throw invalid(`Invalid offset ${json(p.offset)} of partition ${p.partition}: a string of an integer is expected`);
      }
      return { partition: p.partition, offset };
    });
    await this.call(async (a) => {
      await this.checkNotRunning(a, groupId);
      const negative = offsets.filter((p) => p.offset < 0n);
      const resolved = new Map<number, bigint>();
      if (negative.length > 0) {
        // KafkaJS's -1 latest, -2 earliest
        const specs = await a.listOffsets(negative.map((p) => ({ topic, partition: p.partition, spec: p.offset === -2n ? ('earliest' as const) : ('latest' as const) })));
        Admin.firstError(specs);
        for (const s of specs) resolved.set(s.partition, s.offset);
      }
      const results = await a.alterGroupOffsets(
        groupId,
        offsets.map((p) => ({ topic, partition: p.partition, offset: resolved.get(p.partition) ?? p.offset })),
      );
      const failed = results.find((r) => r.error);
      if (failed?.error) {
        if (failed.error.errorName === 'UNKNOWN_MEMBER_ID') {
          // a member joined between the check and the commit
          throw new KafkaJSNonRetriableError(`The consumer group must have no running instances, current state: not empty (group ${groupId}); stop its consumers first`, { cause: failed.error });
        }
        throw protocolError(failed.error);
      }
    });
  }

  private async checkNotRunning(a: NativeAdmin, groupId: string): Promise<void> {
    const [g] = await a.describeGroups([groupId]);
    if (g!.error && g!.error.errorName !== 'GROUP_ID_NOT_FOUND') throw protocolError(g!.error);
    const state = g!.error ? 'Dead' : g!.state;
    if (state !== 'Empty' && state !== 'Dead') {
      throw new KafkaJSNonRetriableError(`The consumer group must have no running instances, current state: ${state} (group ${groupId}); stop its consumers first`);
    }
  }

  /** Moves a stopped group's offsets of every partition of `topic` to the log start (`earliest`) or the high watermark. */
  async resetOffsets({ groupId, topic, earliest = false }: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    if (!groupId || typeof groupId !== 'string') throw invalid(`Invalid groupId ${String(groupId)}`);
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic ${String(topic)}`);
    const ps = await this.call((a) => this.partitionsOf(a, topic));
    await this.setOffsets({ groupId, topic, partitions: ps.map((partition) => ({ partition, offset: earliest ? '-2' : '-1' })) });
  }

  async listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }> {
    return this.call(async (a) => ({ groups: (await a.listGroups()).map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) }));
  }

  /**
   * Groups' state, protocol and members. A classic group's members carry the metadata and
   * assignment bytes the coordinator holds (decode them with AssignerProtocol); a KIP-848
   * group's are encoded from its members' partitions. A group nobody knows is `Dead`, errorCode 0.
   */
  async describeGroups(groupIds: string[]): Promise<{
    groups: {
      errorCode: number;
      groupId: string;
      protocol: string;
      protocolType: string;
      state: string;
      members: { clientHost: string; clientId: string; memberId: string; memberAssignment: Buffer; memberMetadata: Buffer }[];
    }[];
  }> {
    if (!Array.isArray(groupIds) || groupIds.some((g) => typeof g !== 'string')) throw invalid(`Invalid groupIds array ${json(groupIds)}`);
    return this.call(async (a) => {
      const described = await a.describeGroups(groupIds);
      const failed = described.find((d) => d.error && d.error.errorName !== 'GROUP_ID_NOT_FOUND');
      if (failed?.error) {
        // KafkaJS retries DescribeGroups until its retries run out, whatever the error
        const err = protocolError(failed.error);
        throw err.retriable ? retriesExceeded(err) : new KafkaJSNonRetriableError(err, { cause: err });
      }
      return {
        groups: described.map((d) => ({
          errorCode: 0,
          groupId: d.groupId,
          protocol: d.protocol,
          protocolType: d.protocolType,
          state: d.error ? 'Dead' : d.state,
          members: d.members.map((m) => {
            let memberAssignment = m.memberAssignment;
            let memberMetadata = m.memberMetadata;
            if (memberAssignment === null || memberMetadata === null) {
              const assignment: Record<string, number[]> = {};
              for (const x of m.assignment) assignment[x.topic] = x.partitions;
              memberAssignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment });
              memberMetadata = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: Object.keys(assignment) });
            }
            return { memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, memberMetadata, memberAssignment };
          }),
        })),
      };
    });
  }

  /** Deletes groups; when any fails, KafkaJSDeleteGroupsError lists the failed ones (`groups`). */
  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number; error?: KafkaJSError }[]> {
    if (!Array.isArray(groupIds)) throw invalid(`Invalid groupIds array ${String(groupIds)}`);
    if (groupIds.some((g) => typeof g !== 'string')) throw invalid(`Invalid groupIds array: every group id must be a string, got ${json(groupIds)}`);
    if (groupIds.length === 0) return [];
    const results = await this.call((a) => a.deleteGroups(groupIds));
    const failed = results.filter((r) => r.error).map((r) => ({ groupId: r.groupId, errorCode: r.error!.errorCode, error: protocolError(r.error!) as KafkaJSError }));
    if (failed.length > 0) throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', failed);
    return results.map((r) => ({ groupId: r.groupId, errorCode: 0 }));
  }

  async describeCluster(): Promise<{ brokers: { nodeId: number; host: string; port: number }[]; controller: number | null; clusterId: string }> {
    return this.call(async (a) => {
      const c = await a.describeCluster();
      return {
        brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        controller: c.controllerId >= 0 ? c.controllerId : null,
        clusterId: c.clusterId ?? '',
      };
    });
  }

  private static resourceType(type: number): NativeConfigResourceType {
    if (type === ConfigResourceTypes.TOPIC) return 'topic';
    if (type === ConfigResourceTypes.BROKER) return 'broker';
    if (type === ConfigResourceTypes.BROKER_LOGGER) return 'broker-logger';
    throw invalid(`Config resource type ${type} (UNKNOWN) cannot be asked for: TOPIC, BROKER or BROKER_LOGGER`);
  }

  private static checkResources(resources: unknown): asserts resources is { type: number; name: string }[] {
    if (!Array.isArray(resources)) throw invalid(`Invalid resources array ${String(resources)}`);
    if (resources.length === 0) throw invalid('Invalid resources array: it is empty');
    const types = values(ConfigResourceTypes);
    for (const r of resources as { type?: unknown; name?: unknown }[]) {
      if (typeof r.type !== 'number' || !types.includes(r.type)) throw invalid(`Invalid resource type ${String(r.type)}: ${json(r)}`);
      if (!r.name || typeof r.name !== 'string') throw invalid(`Invalid resource name ${String(r.name)}: ${json(r)}`);
    }
  }

  /**
   * The configs of topics, brokers and broker loggers (of `configNames` only, when given); the
   * first resource the broker refuses is thrown as a KafkaJSProtocolError, as KafkaJS.
   */
  async describeConfigs({
    resources,
    includeSynonyms = false,
  }: {
    resources: { type: number; name: string; configNames?: string[] }[];
    includeSynonyms?: boolean;
  }): Promise<{ resources: { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string; configEntries: ConfigEntryResult[] }[]; throttleTime: number }> {
    Admin.checkResources(resources);
    const badNames = resources.find((r) => r.configNames !== undefined && r.configNames !== null && !Array.isArray(r.configNames));
    if (badNames) throw invalid(`Invalid resource configNames ${String(badNames.configNames)}: ${json(badNames)}`);
    return this.call(async (a) => {
      const described = await Promise.all(
        resources.map(async (r) => {
          const [d] = await a.describeConfigs([{ type: Admin.resourceType(r.type), name: r.name }], {
            includeSynonyms,
            ...(r.configNames && r.configNames.length > 0 ? { keys: r.configNames } : {}),
          });
          return { r, d: d! };
        }),
      );
      Admin.firstError(described.map(({ d }) => d));
      return {
        throttleTime: 0,
        resources: described.map(({ r, d }) => ({
          errorCode: 0,
          // Kafka answers an empty message for a described resource; KafkaJS passes it on
          errorMessage: '',
          resourceType: r.type,
          resourceName: r.name,
          configEntries: d.entries.map((e) => ({
            configName: e.name,
            configValue: e.value,
            readOnly: e.readOnly,
            isDefault: e.source === 'default',
            configSource: SOURCE_NUMBER[e.source] ?? 0,
            isSensitive: e.isSensitive,
            configSynonyms: e.synonyms.map((s) => ({ configName: s.name, configValue: s.value, configSource: SOURCE_NUMBER[s.source] ?? 0 })),
          })),
        })),
      };
    });
  }

  /** Sets the given configs (incrementally: configs not named keep their values; see docs/kafkajs-migration.md). */
  async alterConfigs({
    resources,
    validateOnly,
  }: {
    resources: { type: number; name: string; configEntries: { name: string; value: string }[] }[];
    validateOnly?: boolean;
  }): Promise<{ resources: { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }[]; throttleTime: number }> {
    Admin.checkResources(resources);
    for (const r of resources) {
      if (!Array.isArray(r.configEntries)) throw invalid(`Invalid resource configEntries ${String(r.configEntries)}: ${json(r)}`);
      if (r.configEntries.some((e) => typeof e?.name !== 'string' || typeof e?.value !== 'string')) throw invalid(`Invalid resource config value (name and value must be strings): ${json(r)}`);
    }
    return this.call(async (a) => {
      const results = await a.incrementalAlterConfigs(
        resources.map((r) => ({ type: Admin.resourceType(r.type), name: r.name, changes: r.configEntries.map((c) => ({ name: c.name, op: 'set' as const, value: c.value })) })),
        { validateOnly: validateOnly === true },
      );
      Admin.firstError(results);
      return {
        throttleTime: 0,
        resources: resources.map((r) => ({ errorCode: 0, errorMessage: null, resourceType: r.type, resourceName: r.name })),
      };
    });
  }

  /** Creates ACLs (KafkaJS's numeric enums); the first refused one is thrown as a KafkaJSProtocolError. */
  async createAcls({ acl }: { acl: AclEntry[] }): Promise<boolean> {
    if (!Array.isArray(acl)) throw invalid(`Invalid ACL array ${String(acl)}`);
    if (acl.length === 0) throw invalid('Invalid ACL array: it is empty');
    for (const k of ['principal', 'host', 'resourceName'] as const) {
      if (acl.some((e) => typeof e?.[k] !== 'string')) throw invalid(`Invalid ACL array: every ${k} must be a string`);
    }
    for (const e of acl) {
      aclEnum(e.operation, AclOperationTypes, 'operation type', e);
      aclEnum(e.resourcePatternType, ResourcePatternTypes, 'resource pattern type', e);
      aclEnum(e.permissionType, AclPermissionTypes, 'permission type', e);
      aclEnum(e.resourceType, AclResourceTypes, 'resource type', e);
    }
    const bindings = acl.map(aclBinding);
    const results = await this.call((a) => a.createAcls(bindings));
    Admin.firstError(results);
    return true;
  }

  /** The ACLs a filter matches, grouped by resource (KafkaJS's numeric enums). */
  async describeAcls(filter: AclFilterEntry): Promise<{
    throttleTime: number;
    errorCode: number;
    resources: { resourceType: number; resourceName: string; resourcePatternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }[];
  }> {
    checkAclFilter(filter ?? ({} as AclFilterEntry), 'ACL filter');
    const bindings = await this.call((a) => a.describeAcls(aclFilter(filter)));
    const byResource = new Map<string, { resourceType: number; resourceName: string; resourcePatternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>();
    for (const b of bindings) {
      const e = aclEntry(b);
      const k = `${e.resourceType}\0${e.resourceName}\0${e.resourcePatternType}`;
      let r = byResource.get(k);
      if (!r) {
        r = { resourceType: e.resourceType, resourceName: e.resourceName, resourcePatternType: e.resourcePatternType, acls: [] };
        byResource.set(k, r);
      }
      r.acls.push({ principal: e.principal, host: e.host, operation: e.operation, permissionType: e.permissionType });
    }
    return { throttleTime: 0, errorCode: 0, resources: [...byResource.values()] };
  }

  /** Deletes the ACLs each filter matches; per filter, the ACLs deleted. The first refused filter is thrown. */
  async deleteAcls({ filters }: { filters: AclFilterEntry[] }): Promise<{
    filterResponses: { errorCode: number; errorMessage: string | null; matchingAcls: (AclEntry & { errorCode: number; errorMessage: string | null })[] }[];
  }> {
    if (!Array.isArray(filters)) throw invalid(`Invalid ACL filter array ${String(filters)}`);
    if (filters.length === 0) throw invalid('Invalid ACL filter array: it is empty');
    for (const f of filters) checkAclFilter(f, 'ACL filter array');
    const native = filters.map(aclFilter);
    const results = await this.call((a) => a.deleteAcls(native));
    Admin.firstError(results);
    return {
      filterResponses: results.map((r) => ({
        errorCode: 0,
        errorMessage: null,
        matchingAcls: r.deleted.map((b) => ({ errorCode: 0, errorMessage: null, ...aclEntry(b) })),
      })),
    };
  }

  /**
   * Deletes the records before each offset ('-1': up to the high watermark). A partition the
   * topic does not have fails as KafkaJSDeleteTopicRecordsError (KafkaJSBrokerNotFound per
   * partition); a broker's refusal as KafkaJSNonRetriableError whose `cause` is the
   * KafkaJSDeleteTopicRecordsError listing the partitions, as KafkaJS 2.2.4 throws it.
   */
  async deleteTopicRecords({ topic, partitions }: { topic: string; partitions: SeekEntry[] }): Promise<void> {
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic "${String(topic)}"`);
    if (!Array.isArray(partitions) || partitions.length === 0) throw invalid('Invalid partitions');
    const results = await this.call((a) => a.deleteRecords(partitions.map((p) => ({ topic, partition: p.partition, before: BigInt(p.offset) }))));
    const offsetOf = (partition: number): string => partitions.find((p) => p.partition === partition)!.offset;
    const unknown = results.filter((r) => r.error?.errorName === 'UNKNOWN_TOPIC_OR_PARTITION');
    if (unknown.length > 0) {
      throw new KafkaJSDeleteTopicRecordsError(
        unknown.map((r) => ({
          partition: r.partition,
          offset: offsetOf(r.partition),
          error: new KafkaJSBrokerNotFound(`No leader found for ${topic}-${r.partition}: the topic has no such partition`, { retriable: false, cause: r.error }),
        })),
      );
    }
    const failed = results.filter((r) => r.error);
    if (failed.length > 0) {
      // per partition a KafkaJSProtocolError (KafkaJS does not use its OffsetOutOfRange subclass here)
      const err = new KafkaJSDeleteTopicRecordsError(failed.map((r) => ({ partition: r.partition, offset: offsetOf(r.partition), error: new KafkaJSProtocolError(r.error!, { retriable: r.error!.retriable, type: r.error!.errorName, code: r.error!.errorCode, cause: r.error }) })));
      throw err.retriable ? new KafkaJSNumberOfRetriesExceeded(err, { cause: err }) : new KafkaJSNonRetriableError(err, { cause: err });
    }
  }

  /**
   * Moves partitions onto new replicas (KIP-455). A refused partition fails the call with a
   * KafkaJSAggregateError of KafkaJSAlterPartitionReassignmentsError (topic, partition), as KafkaJS.
   */
  async alterPartitionReassignments({ topics, timeout }: { topics: PartitionReassignment[]; timeout?: number }): Promise<void> {
    if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`);
    checkTopicNames(topics, 'topics');
    for (const { topic, partitionAssignment } of topics) {
      if (!Array.isArray(partitionAssignment)) throw invalid(`Invalid partitionAssignment of topic ${topic}: an array of { partition, replicas } is expected`);
      for (const { partition, replicas } of partitionAssignment) {
        if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) throw invalid(`Invalid partition ${String(partition)} of topic ${topic}`);
        if (!Array.isArray(replicas) || replicas.some((r) => typeof r !== 'number' || !Number.isInteger(r) || r < 0)) {
          throw invalid(`Invalid replicas ${json(replicas)} of ${topic}-${partition}: broker ids (integers >= 0) are expected`);
        }
      }
    }
    const moves = topics.flatMap(({ topic, partitionAssignment }) => partitionAssignment.map(({ partition, replicas }) => ({ topic, partition, replicas })));
    if (moves.length === 0) return;
    let results;
    try {
      results = await this.call((a) => a.alterPartitionReassignments(moves, timeout !== undefined ? { timeoutMs: timeout } : {}));
    } catch (err) {
      if (err instanceof KafkaJSProtocolError) throw new KafkaJSAlterPartitionReassignmentsError(err, undefined, undefined, { retriable: err.retriable, type: err.type, code: err.code, cause: err.cause });
      throw err;
    }
    const failed = results.filter((r) => r.error);
    if (failed.length > 0) {
      throw new KafkaJSAggregateError(
        'Errors altering partition reassignments',
        failed.map((r) => new KafkaJSAlterPartitionReassignmentsError(r.error!, r.topic, r.partition, { retriable: r.error!.retriable, type: r.error!.errorName, code: r.error!.errorCode, cause: r.error })),
      );
    }
  }

  /** The reassignments in progress, of the given partitions or of all; grouped by topic as KafkaJS 2.2.4 returns them. */
  async listPartitionReassignments({ topics, timeout }: { topics?: { topic: string; partitions: number[] }[] | null; timeout?: number } = {}): Promise<{ topics: OngoingTopicReassignment[] }> {
    if (topics !== undefined && topics !== null) {
      if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`);
      checkTopicNames(topics, 'topics');
      for (const { topic, partitions } of topics) {
        if (!Array.isArray(partitions) || partitions.some((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 0)) {
          throw invalid(`Invalid partitions ${json(partitions)} of topic ${topic}: partition numbers (integers >= 0) are expected`);
        }
      }
    }
    const asked = topics ? topics.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition }))) : undefined;
    const ongoing = await this.call((a) => a.listPartitionReassignments(asked, timeout !== undefined ? { timeoutMs: timeout } : {}));
    const byTopic = new Map<string, OngoingTopicReassignment>();
    for (const o of ongoing) {
      let t = byTopic.get(o.topic);
      if (!t) byTopic.set(o.topic, (t = { name: o.topic, partitions: [] }));
      t.partitions.push({ partition: o.partition, replicas: o.replicas, addingReplicas: o.addingReplicas, removingReplicas: o.removingReplicas });
    }
    return { topics: [...byTopic.values()] };
  }
}
