/** KafkaJS's admin client on kafkaesque's Admin. */
import { Admin as NativeAdmin, type AclBinding, type AclFilter, type AclOperation, type AclResourceType, type ConfigSource as NativeConfigSource, type KafkaProtocolError } from '../index.js';
import { AssignerProtocol } from './assigners.js';
import {
  KafkaJSAggregateError,
  KafkaJSCreateTopicError,
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  protocolError,
  toKafkaJSError,
} from './errors.js';
import { Instrumentation, type InstrumentationEvent } from './events.js';
import type { ClientContext, KafkaJSLogger } from './kafka.js';

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
const EMITTED = new Set([ADMIN_EVENTS.CONNECT, ADMIN_EVENTS.DISCONNECT]);

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

function aclBinding(a: AclEntry): AclBinding {
  const resourceType = RESOURCE_TYPE[a.resourceType];
  const operation = OPERATION[a.operation];
  if (!resourceType || !operation) throw new KafkaJSNonRetriableError(`Invalid ACL resourceType ${a.resourceType} or operation ${a.operation}`);
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

function aclFilter(a: Partial<AclEntry>): AclFilter {
  const f: AclFilter = {};
  if (a.resourceType !== undefined && a.resourceType !== AclResourceTypes.ANY) f.resourceType = RESOURCE_TYPE[a.resourceType];
  if (a.resourceName !== undefined && a.resourceName !== null) f.resourceName = a.resourceName;
  const pt = a.resourcePatternType;
  if (pt === ResourcePatternTypes.LITERAL) f.patternType = 'literal';
  else if (pt === ResourcePatternTypes.PREFIXED) f.patternType = 'prefixed';
  else if (pt === ResourcePatternTypes.MATCH) f.patternType = 'match';
  if (a.principal !== undefined && a.principal !== null) f.principal = a.principal;
  if (a.host !== undefined && a.host !== null) f.host = a.host;
  if (a.operation !== undefined && a.operation !== AclOperationTypes.ANY) f.operation = OPERATION[a.operation];
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

export class Admin {
  readonly events = ADMIN_EVENTS;
  readonly #ctx: ClientContext;
  readonly #instrumentation = new Instrumentation(ADMIN_EVENTS, EMITTED, 'admin');
  #native: NativeAdmin | null = null;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  on<T = Record<string, unknown>>(eventName: string, listener: (event: InstrumentationEvent<T>) => void): () => void {
    return this.#instrumentation.on(eventName, listener);
  }

  logger(): KafkaJSLogger {
    return this.#ctx.logger.namespace('Admin');
  }

  async connect(): Promise<void> {
    if (this.#native) return;
    try {
      this.#native = await NativeAdmin.create(await this.#ctx.makeConfig());
    } catch (err) {
      throw toKafkaJSError(err);
    }
    this.#instrumentation.emit(ADMIN_EVENTS.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    const n = this.#native;
    this.#native = null;
    if (n) {
      await n.close();
      this.#instrumentation.emit(ADMIN_EVENTS.DISCONNECT, null);
    }
  }

  private async call<T>(fn: (admin: NativeAdmin) => Promise<T>): Promise<T> {
    if (!this.#native) await this.connect();
    try {
      return await fn(this.#native!);
    } catch (err) {
      throw toKafkaJSError(err);
    }
  }

  async listTopics(): Promise<string[]> {
    return this.call(async (a) => (await a.listTopics()).map((t) => t.name));
  }

  /** true when every topic was created; false when one already existed (as KafkaJS). */
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
    if (!Array.isArray(topics) || topics.length === 0) throw new KafkaJSNonRetriableError('Invalid topics array');
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
    let existed = false;
    const errors: KafkaJSCreateTopicError[] = [];
    for (const r of results) {
      if (!r.error) continue;
      if (r.error.errorName === 'TOPIC_ALREADY_EXISTS') existed = true;
      else errors.push(new KafkaJSCreateTopicError(r.error, r.name, { retriable: r.error.retriable, type: r.error.errorName, code: r.error.errorCode, cause: r.error }));
    }
    if (errors.length > 0) throw new KafkaJSAggregateError('Topic creation errors', errors);
    return !existed;
  }

  async deleteTopics({ topics, timeout }: { topics: string[]; timeout?: number }): Promise<void> {
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError('Invalid topics array');
    const results = await this.call((a) => a.deleteTopics(topics, timeout !== undefined ? { timeoutMs: timeout } : {}));
    const failed = results.find((r) => r.error);
    if (failed?.error) throw protocolError(failed.error);
  }

  async createPartitions({
    topicPartitions,
    validateOnly,
    timeout,
  }: {
    topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
    validateOnly?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    if (topicPartitions.some((t) => t.assignments !== undefined)) {
      throw new KafkaJSNonRetriableError('createPartitions: assignments are not supported by kafkaesque/kafkajs (leave them out for the broker to place replicas)');
    }
    const counts = Object.fromEntries(topicPartitions.map((t) => [t.topic, t.count]));
    const results = await this.call((a) => a.createPartitions(counts, { validateOnly, ...(timeout !== undefined ? { timeoutMs: timeout } : {}) }));
    const errors = results.filter((r) => r.error).map((r) => protocolError(r.error!));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new KafkaJSAggregateError('Partition creation errors', errors);
    return true;
  }

  async fetchTopicMetadata({ topics }: { topics?: string[] } = {}): Promise<{
    topics: { name: string; partitions: { partitionErrorCode: number; partitionId: number; leader: number; replicas: number[]; isr: number[]; offlineReplicas: number[] }[] }[];
  }> {
    return this.call(async (a) => {
      const names = topics ?? (await a.listTopics()).map((t) => t.name);
      const described = await a.describeTopics(names);
      const failed = described.find((d) => d.error);
      if (failed?.error) throw protocolError(failed.error);
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
    if (d.error) throw protocolError(d.error);
    return d.partitions.map((p) => p.partition).sort((x, y) => x - y);
  }

  private static firstError<T extends { error: KafkaProtocolError | null }>(rows: T[]): void {
    const failed = rows.find((r) => r.error);
    if (failed?.error) throw protocolError(failed.error);
  }

  async fetchTopicOffsets(topic: string): Promise<{ partition: number; offset: string; high: string; low: string }[]> {
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

  /** Per partition the first offset whose timestamp is >= `timestamp`; the high watermark when none is. */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<{ partition: number; offset: string }[]> {
    return this.call(async (a) => {
      const ps = await this.partitionsOf(a, topic);
      const spec = timestamp === undefined ? ('latest' as const) : { timestamp };
      const found = await a.listOffsets(ps.map((partition) => ({ topic, partition, spec })));
      Admin.firstError(found);
      const missing = found.filter((f) => f.offset < 0n);
      const latest = missing.length > 0 ? await a.listOffsets(missing.map((m) => ({ topic, partition: m.partition, spec: 'latest' as const }))) : [];
      return ps.map((partition) => {
        const f = found.find((x) => x.partition === partition)!;
        const off = f.offset >= 0n ? f.offset : latest.find((x) => x.partition === partition)!.offset;
        return { partition, offset: String(off) };
      });
    });
  }

  async fetchOffsets({
    groupId,
    topics,
    resolveOffsets,
  }: {
    groupId: string;
    topics?: string[];
    resolveOffsets?: boolean;
  }): Promise<{ topic: string; partitions: { partition: number; offset: string; metadata: string | null }[] }[]> {
    if (typeof groupId !== 'string' || groupId === '') throw new KafkaJSNonRetriableError(`Invalid groupId ${String(groupId)}`);
    return this.call(async (a) => {
      const committed = await a.listGroupOffsets(groupId);
      const names = topics ?? [...new Set(committed.map((c) => c.topic))];
      const out = [];
      for (const topic of names) {
        const ps = await this.partitionsOf(a, topic);
        let partitions = ps.map((partition) => {
          const c = committed.find((x) => x.topic === topic && x.partition === partition);
          return { partition, offset: c ? String(c.offset) : '-1', metadata: c ? c.metadata : null };
        });
        if (resolveOffsets) {
          const unset = partitions.filter((p) => p.offset === '-1');
          if (unset.length > 0) {
            const ends = await a.listOffsets(unset.map((p) => ({ topic, partition: p.partition, spec: 'latest' as const })));
            partitions = partitions.map((p) => (p.offset === '-1' ? { ...p, offset: String(ends.find((e) => e.partition === p.partition)!.offset) } : p));
          }
        }
        out.push({ topic, partitions });
      }
      return out;
    });
  }

  /** Sets a group's committed offsets; the group must have no running member (as KafkaJS). */
  async setOffsets({ groupId, topic, partitions }: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void> {
    if (!Array.isArray(partitions) || partitions.length === 0) throw new KafkaJSNonRetriableError('Invalid partitions');
    await this.call(async (a) => {
      const negative = partitions.filter((p) => BigInt(p.offset) < 0n);
      const resolved = new Map<number, bigint>();
      if (negative.length > 0) {
        // KafkaJS's -1 latest, -2 earliest
        const specs = await a.listOffsets(negative.map((p) => ({ topic, partition: p.partition, spec: BigInt(p.offset) === -2n ? ('earliest' as const) : ('latest' as const) })));
        for (const s of specs) resolved.set(s.partition, s.offset);
      }
      const results = await a.alterGroupOffsets(
        groupId,
        partitions.map((p) => ({ topic, partition: p.partition, offset: resolved.get(p.partition) ?? BigInt(p.offset) })),
      );
      const failed = results.find((r) => r.error);
      if (failed?.error) {
        if (failed.error.errorName === 'UNKNOWN_MEMBER_ID') {
          throw new KafkaJSNonRetriableError(`The consumer group must have no running instances, current state: not empty (${groupId})`, { cause: failed.error });
        }
        throw protocolError(failed.error);
      }
    });
  }

  async resetOffsets({ groupId, topic, earliest = false }: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const ps = await this.call((a) => this.partitionsOf(a, topic));
    await this.setOffsets({ groupId, topic, partitions: ps.map((partition) => ({ partition, offset: earliest ? '-2' : '-1' })) });
  }

  async listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }> {
    return this.call(async (a) => ({ groups: (await a.listGroups()).map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) }));
  }

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
    return this.call(async (a) => {
      const described = await a.describeGroups(groupIds);
      return {
        groups: described.map((d) => ({
          errorCode: d.error ? d.error.errorCode : 0,
          groupId: d.groupId,
          protocol: d.protocol,
          protocolType: d.protocolType,
          state: d.state,
          members: d.members.map((m) => {
            const assignment: Record<string, number[]> = {};
            for (const x of m.assignment) assignment[x.topic] = x.partitions;
            return {
              clientHost: m.clientHost,
              clientId: m.clientId,
              memberId: m.memberId,
              memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment }),
              memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: Object.keys(assignment) }),
            };
          }),
        })),
      };
    });
  }

  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number; error?: KafkaJSError }[]> {
    if (!Array.isArray(groupIds) || groupIds.length === 0) throw new KafkaJSNonRetriableError('Invalid groupIds array');
    const results = await this.call((a) => a.deleteGroups(groupIds));
    const out = results.map((r) => (r.error ? { groupId: r.groupId, errorCode: r.error.errorCode, error: protocolError(r.error) } : { groupId: r.groupId, errorCode: 0 }));
    const failed = out.filter((o) => o.error) as { groupId: string; errorCode: number; error: KafkaJSError }[];
    if (failed.length > 0) throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', failed);
    return out;
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

  private static resourceType(type: number): 'topic' | 'broker' {
    if (type === ConfigResourceTypes.TOPIC) return 'topic';
    if (type === ConfigResourceTypes.BROKER) return 'broker';
    throw new KafkaJSNonRetriableError(`Config resource type ${type} is not supported by kafkaesque/kafkajs (TOPIC and BROKER are)`);
  }

  async describeConfigs({
    resources,
    includeSynonyms = false,
  }: {
    resources: { type: number; name: string; configNames?: string[] }[];
    includeSynonyms?: boolean;
  }): Promise<{ resources: { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string; configEntries: unknown[] }[]; throttleTime: number }> {
    return this.call(async (a) => {
      const described = await Promise.all(
        resources.map(async (r) => {
          const [d] = await a.describeConfigs([{ type: Admin.resourceType(r.type), name: r.name }], {
            includeSynonyms,
            ...(r.configNames && r.configNames.length > 0 ? { keys: r.configNames } : {}),
          });
          return { r, d };
        }),
      );
      return {
        throttleTime: 0,
        resources: described.map(({ r, d }) => ({
          errorCode: d.error ? d.error.errorCode : 0,
          errorMessage: d.error ? d.error.brokerMessage : null,
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
    return this.call(async (a) => {
      const results = await a.incrementalAlterConfigs(
        resources.map((r) => ({ type: Admin.resourceType(r.type), name: r.name, changes: r.configEntries.map((c) => ({ name: c.name, op: 'set' as const, value: c.value })) })),
        { validateOnly },
      );
      const failed = results.find((x) => x.error);
      if (failed?.error) throw protocolError(failed.error);
      return {
        throttleTime: 0,
        resources: resources.map((r) => ({ errorCode: 0, errorMessage: null, resourceType: r.type, resourceName: r.name })),
      };
    });
  }

  async createAcls({ acl }: { acl: AclEntry[] }): Promise<boolean> {
    const results = await this.call((a) => a.createAcls(acl.map(aclBinding)));
    const failed = results.find((r) => r.error);
    if (failed?.error) throw protocolError(failed.error);
    return true;
  }

  async describeAcls(filter: Partial<AclEntry>): Promise<{
    throttleTime: number;
    errorCode: number;
    resources: { resourceType: number; resourceName: string; resourcePatternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }[];
  }> {
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

  async deleteAcls({ filters }: { filters: Partial<AclEntry>[] }): Promise<{
    filterResponses: { errorCode: number; errorMessage: string | null; matchingAcls: (AclEntry & { errorCode: number; errorMessage: string | null })[] }[];
  }> {
    const results = await this.call((a) => a.deleteAcls(filters.map(aclFilter)));
    return {
      filterResponses: results.map((r) => ({
        errorCode: r.error ? r.error.errorCode : 0,
        errorMessage: r.error ? r.error.brokerMessage : null,
        matchingAcls: r.deleted.map((b) => ({ ...aclEntry(b), errorCode: 0, errorMessage: null })),
      })),
    };
  }

  /** Deletes the records before each offset ('-1': up to the high watermark). */
  async deleteTopicRecords({ topic, partitions }: { topic: string; partitions: SeekEntry[] }): Promise<void> {
    if (!Array.isArray(partitions) || partitions.length === 0) throw new KafkaJSNonRetriableError('Invalid partitions');
    const results = await this.call((a) => a.deleteRecords(partitions.map((p) => ({ topic, partition: p.partition, before: BigInt(p.offset) }))));
    const failed = results.filter((r) => r.error);
    if (failed.length > 0) {
      throw new KafkaJSDeleteTopicRecordsError(
        failed.map((r) => ({ partition: r.partition, offset: partitions.find((p) => p.partition === r.partition)!.offset, error: protocolError(r.error!) })),
      );
    }
  }
}
