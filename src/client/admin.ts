/**
 * `Admin`: what a team does to a cluster besides producing and consuming, as Java's `Admin`
 * does it (issue 16). Each call answers per item where Kafka answers
 * per item: a topic that failed carries its typed error and does not hide the ones that
 * succeeded (Java's per-item futures).
 *
 * Routing, as Java's KafkaAdminClient: topic, cluster and replica requests go to any broker (KRaft
 * brokers forward controller requests themselves), offsets to each partition's leader, group
 * requests to the group's coordinator. Connection errors and retriable answers
 * (NOT_CONTROLLER, NOT_COORDINATOR, leader moves) are retried with backoff within the call's
 * timeout (`defaultApiTimeoutMs`, Java's default.api.timeout.ms).
 */
import { partitionLag } from '../network/metrics.js';
import * as crypto from 'node:crypto';
import { ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import { KafkaesqueError, type KafkaesqueErrorCode, KafkaProtocolError } from '../../protocol/errors.js';
import { CreateAcls } from '../../protocol/messages/create-acls.js';
import { CreatePartitions } from '../../protocol/messages/create-partitions.js';
import { DeleteAcls } from '../../protocol/messages/delete-acls.js';
import { DescribeAcls } from '../../protocol/messages/describe-acls.js';
import { CreateTopics } from '../../protocol/messages/create-topics.js';
import { DeleteGroups } from '../../protocol/messages/delete-groups.js';
import { DeleteRecords } from '../../protocol/messages/delete-records.js';
import { DeleteTopics } from '../../protocol/messages/delete-topics.js';
import { ListGroups } from '../../protocol/messages/list-groups.js';
import { decodeAssignment } from '../../protocol/messages/consumer-protocol.js';
import { LeaveGroup } from '../../protocol/messages/leave-group.js';
import { ElectLeaders } from '../../protocol/messages/elect-leaders.js';
import { AlterPartitionReassignments } from '../../protocol/messages/alter-partition-reassignments.js';
import { ListPartitionReassignments } from '../../protocol/messages/list-partition-reassignments.js';
import { DescribeTransactions } from '../../protocol/messages/describe-transactions.js';
import { ListTransactions } from '../../protocol/messages/list-transactions.js';
import { DescribeConfigs } from '../../protocol/messages/describe-configs.js';
import { ConsumerGroupDescribe } from '../../protocol/messages/consumer-group-describe.js';
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import { DescribeLogDirs } from '../../protocol/messages/describe-log-dirs.js';
import { AlterClientQuotas } from '../../protocol/messages/alter-client-quotas.js';
import { DescribeClientQuotas } from '../../protocol/messages/describe-client-quotas.js';
import { AlterUserScramCredentials } from '../../protocol/messages/alter-user-scram-credentials.js';
import { DescribeUserScramCredentials } from '../../protocol/messages/describe-user-scram-credentials.js';
import { IncrementalAlterConfigs } from '../../protocol/messages/incremental-alter-configs.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { AUTHORIZED_OPERATIONS_OMITTED, Metadata, type MetadataResponse } from '../../protocol/messages/metadata.js';
import { OFFSET_COMMIT_FIRST_TOPIC_ID_VERSION, OffsetCommit, type OffsetCommitRequestTopic } from '../../protocol/messages/offset-commit.js';
import { OffsetDelete } from '../../protocol/messages/offset-delete.js';
import { OFFSET_FETCH_FIRST_TOPIC_ID_VERSION, OffsetFetch, offsetFetchResponseGroups } from '../../protocol/messages/offset-fetch.js';
import { ZERO_UUID } from '../../protocol/api.js';
import { Cluster } from '../cluster/cluster.js';
import { findCoordinator } from '../cluster/coordinator.js';
import { isRetriable, retry, type RetryOptions, sleep } from '../cluster/retry.js';
import { topicPartitionKey } from '../cluster/topic-partition.js';
import { answerTopicName, topicIdOf, topicIdsKnown, versionForTopicIds } from '../cluster/topic-ids.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import { Config, type ConfigOptions } from './config.js';
import { clusterOptions } from './options.js';
import {
  aclBinding,
  aclFilterFields,
  byTopic,
  code,
  entityData,
  entityOf,
  OPERATIONS,
  operationsOf,
  OPS,
  outcome,
  PATTERN_TYPES,
  pbkdf2,
  PERMISSIONS,
  RESOURCE_TYPE,
  RESOURCE_TYPES,
  SCRAM,
  scramName,
  sourceName,
  timestampOf,
} from './admin-wire.js';
import type {
  AclBinding,
  AclFilter,
  AdminCallOptions,
  ClusterDescription,
  ConfigChange,
  ConfigDescription,
  ConfigResource,
  CreateTopicResult,
  ElectionType,
  GroupDescription,
  GroupLag,
  GroupListing,
  GroupOffset,
  GroupOffsets,
  ItemOutcome,
  ListedOffset,
  LogDirDescription,
  MemberToRemove,
  NewTopic,
  OffsetSpec,
  OngoingReassignment,
  PartitionReassignment,
  QuotaEntity,
  QuotaFilterComponent,
  ScramCredentialChange,
  ScramCredentialsDescription,
  TopicDescription,
  TopicListing,
  TopicPartition,
  TransactionDescription,
  TransactionListing,
} from './admin-types.js';

export type * from './admin-types.js';

/** Java's default.api.timeout.ms: how long an Admin call keeps retrying. */
export const DEFAULT_API_TIMEOUT_MS = 60_000;

/** The admin client. `await Admin.create(config)`, then its calls, then `close()`. */
export class Admin {
  private constructor(
    readonly config: Config,
    private readonly cluster: Cluster,
  ) {}

  /** Connects to the cluster (a Config, or the options of one). */
  static async create(config: Config | ConfigOptions = {}): Promise<Admin> {
    const c = config instanceof Config ? config : new Config(config);
    const cluster = await Cluster.connect({ ...clusterOptions(c), allowAutoTopicCreation: false });
    return new Admin(c, cluster);
  }

  /** @internal An Admin over a Cluster its caller connected (the tests' topic setup); `close()` closes that Cluster. */
  static withCluster(cluster: Cluster, config: Config = new Config()): Admin {
    return new Admin(config, cluster);
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }

  // ---------------------------------------------------------------- routing

  private deadline(o: AdminCallOptions | undefined): number {
    return Date.now() + (o?.timeoutMs ?? DEFAULT_API_TIMEOUT_MS);
  }

  /** Retries of a call: retriable failures, with backoff, the last attempt at the deadline. */
  private until(deadlineMs: number): RetryOptions {
    return { retriable: isRetriable, baseMs: this.config.retryBackoffMs, maxMs: this.config.retryBackoffMaxMs, deadlineMs, lastAttemptAtDeadline: true };
  }

  /** Runs `fn` on some broker, again on another (with backoff) after a retriable failure, until `deadlineMs`. */
  private anyBroker<T>(deadlineMs: number, fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    return retry(
      async (attempt) => {
        const brokers = this.cluster.brokerList();
        if (brokers.length === 0) await this.cluster.refresh();
        const list = this.cluster.brokerList();
        const broker = list[attempt % Math.max(1, list.length)];
        if (broker === undefined) throw new KafkaesqueError('ERR_NO_BROKER', 'no broker known', { retriable: true });
        return fn(await this.cluster.connection(broker.nodeId));
      },
      this.until(deadlineMs),
    );
  }

  /** The connection to a group's coordinator (FindCoordinator), retried while the coordinator is not available. */
  private async coordinator(groupId: string, deadlineMs: number): Promise<BrokerConnection> {
    const nodeId = await findCoordinator(this.cluster, 'group', groupId, { baseMs: this.config.retryBackoffMs, maxMs: this.config.retryBackoffMaxMs, deadlineMs, lastAttemptAtDeadline: true });
    return this.cluster.connection(nodeId, 'group');
  }

  private metadata(deadlineMs: number, topics: string[] | null, includeTopicAuthorizedOperations = false): Promise<MetadataResponse> {
    return this.anyBroker(deadlineMs, (conn) =>
      conn.send(Metadata, {
        topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations,
      }),
    );
  }

  // ---------------------------------------------------------------- topics

  /** Creates topics (Java: createTopics); one result per topic. `validateOnly` checks without creating. */
  async createTopics(
    topics: readonly NewTopic[],
    options: AdminCallOptions & { validateOnly?: boolean; waitForLeaders?: boolean } = {},
  ): Promise<CreateTopicResult[]> {
    const deadlineMs = this.deadline(options);
    const res = await this.anyBroker(deadlineMs, async (conn) => {
      const r = await conn.send(CreateTopics, {
        topics: topics.map((t) => ({
          name: t.name,
          numPartitions: t.replicaAssignment !== undefined ? -1 : (t.numPartitions ?? -1),
          replicationFactor: t.replicaAssignment !== undefined ? -1 : (t.replicationFactor ?? -1),
          assignments: Object.entries(t.replicaAssignment ?? {}).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds })),
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
        timeoutMs: Math.max(0, deadlineMs - Date.now()),
        validateOnly: options.validateOnly ?? false,
      });
      // the whole request goes again when the broker was not the controller (it names none to ask)
      if (r.topics.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER)) throw KafkaProtocolError.fromCode(ErrorCode.NOT_CONTROLLER, 'CreateTopics');
      return r;
    });
    const byName = new Map(res.topics.map((t) => [t.name, t]));
    const results = topics.map((t): CreateTopicResult => {
      const r = byName.get(t.name);
      if (r === undefined) {
        return { name: t.name, topicId: '', numPartitions: -1, replicationFactor: -1, error: KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, `CreateTopics '${t.name}'`, 'the broker did not answer for this topic') };
      }
      return {
        name: t.name,
        topicId: r.topicId === ZERO_UUID ? '' : r.topicId,
        numPartitions: r.numPartitions,
        replicationFactor: r.replicationFactor,
        error: outcome(r.errorCode, `CreateTopics '${t.name}'`, r.errorMessage),
      };
    });
    if (options.waitForLeaders === true && options.validateOnly !== true) await this.waitForLeaders(results, deadlineMs);
    return results;
  }

  /**
   * Waits until brokers' metadata shows every created topic with a leader for each partition
   * (the controller answers CreateTopics before brokers have applied the new topic). A topic
   * still without leaders at the deadline gets LEADER_NOT_AVAILABLE as its outcome: it exists,
   * but is not usable yet.
   */
  private async waitForLeaders(results: CreateTopicResult[], deadlineMs: number): Promise<void> {
    let waiting = results.filter((r) => r.error === null);
    while (waiting.length > 0) {
      const described = await this.describeTopics(
        waiting.map((r) => r.name),
        { timeoutMs: Math.max(1, deadlineMs - Date.now()) },
      );
      waiting = waiting.filter((r, i) => {
        const d = described[i]!;
        const want = r.numPartitions > 0 ? r.numPartitions : 1;
        return !(d.error === null && d.partitions.length >= want && d.partitions.every((p) => p.leader >= 0));
      });
      if (waiting.length === 0) return;
      if (Date.now() + this.config.retryBackoffMs >= deadlineMs) break;
      await sleep(this.config.retryBackoffMs);
    }
    for (const r of waiting) {
      r.error = KafkaProtocolError.fromCode(ErrorCode.LEADER_NOT_AVAILABLE, `CreateTopics '${r.name}'`, 'created, but brokers showed no leader for every partition before the timeout');
    }
  }

  /**
   * Raises topics' partition counts to the totals given (Java: createPartitions); one result per
   * topic. `assignments[topic]`, when given, lists the broker ids of each new partition's
   * replicas (Java: NewPartitions.increaseTo(count, newAssignments)); else the broker places them.
   */
  async createPartitions(
    counts: Readonly<Record<string, number>>,
    options: AdminCallOptions & { validateOnly?: boolean; assignments?: Readonly<Record<string, readonly (readonly number[])[]>> } = {},
  ): Promise<(ItemOutcome & { name: string })[]> {
    const deadlineMs = this.deadline(options);
    const names = Object.keys(counts);
    const res = await this.anyBroker(deadlineMs, async (conn) => {
      const r = await conn.send(CreatePartitions, {
        topics: names.map((name) => {
          const a = options.assignments?.[name];
          return { name, count: counts[name]!, assignments: a === undefined ? null : a.map((brokerIds) => ({ brokerIds: [...brokerIds] })) };
        }),
        timeoutMs: Math.max(0, deadlineMs - Date.now()),
        validateOnly: options.validateOnly ?? false,
      });
      if (r.results.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER)) throw KafkaProtocolError.fromCode(ErrorCode.NOT_CONTROLLER, 'CreatePartitions');
      return r;
    });
    const byName = new Map(res.results.map((t) => [t.name, t]));
    return names.map((name) => {
      const r = byName.get(name);
      return { name, error: r === undefined ? KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, `CreatePartitions '${name}'`) : outcome(r.errorCode, `CreatePartitions '${name}'`, r.errorMessage) };
    });
  }

  /** Every topic's name and id; internal topics (`__consumer_offsets`, ...) only with `listInternal`. */
  async listTopics(options: AdminCallOptions & { listInternal?: boolean } = {}): Promise<TopicListing[]> {
    const res = await this.metadata(this.deadline(options), null);
    return res.topics
      .filter((t) => t.name !== null && t.errorCode === ErrorCode.NONE && (options.listInternal === true || !t.isInternal))
      .map((t) => ({ name: t.name!, topicId: t.topicId, isInternal: t.isInternal }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Partitions, leaders, replicas and ISR of topics; a missing topic carries UNKNOWN_TOPIC_OR_PARTITION. */
  async describeTopics(names: readonly string[], options: AdminCallOptions & { includeAuthorizedOperations?: boolean } = {}): Promise<TopicDescription[]> {
    const res = await this.metadata(this.deadline(options), [...names], options.includeAuthorizedOperations ?? false);
    const byName = new Map(res.topics.map((t) => [t.name, t]));
    return names.map((name) => {
      const t = byName.get(name);
      const code = t === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : t.errorCode;
      return {
        name,
        topicId: t?.topicId ?? '',
        isInternal: t?.isInternal ?? false,
        partitions: (t?.partitions ?? [])
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
          }))
          .sort((a, b) => a.partition - b.partition),
        authorizedOperations: t === undefined || t.topicAuthorizedOperations === AUTHORIZED_OPERATIONS_OMITTED ? null : operationsOf(t.topicAuthorizedOperations),
        error: outcome(code, `describeTopics '${name}'`),
      };
    });
  }

  /** The cluster id, the controller and the brokers (from Metadata). */
  async describeCluster(options: AdminCallOptions = {}): Promise<ClusterDescription> {
    const res = await this.metadata(this.deadline(options), []);
    return {
      clusterId: res.clusterId,
      controllerId: res.controllerId,
      brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  /**
   * Deletes topics by name, or by id (`{ topicId }`, DeleteTopics v6+, Kafka 2.8+) (Java:
   * deleteTopics of a TopicCollection); one result per topic, in the order given. A missing
   * name carries UNKNOWN_TOPIC_OR_PARTITION, a missing id UNKNOWN_TOPIC_ID.
   */
  async deleteTopics(
    topics: readonly (string | { topicId: string })[],
    options: AdminCallOptions = {},
  ): Promise<(ItemOutcome & { name: string; topicId: string })[]> {
    const deadlineMs = this.deadline(options);
    const res = await this.anyBroker(deadlineMs, async (conn) => {
      const version = conn.versionFor(DeleteTopics);
      const timeoutMs = Math.max(0, deadlineMs - Date.now());
      // v6 names topics in Topics (a name or an id), earlier versions in TopicNames
      let request;
      if (version >= 6) {
        request = { topics: topics.map((t) => (typeof t === 'string' ? { name: t, topicId: ZERO_UUID } : { name: null, topicId: t.topicId })), topicNames: [], timeoutMs };
      } else {
        if (topics.some((t) => typeof t !== 'string')) {
          throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', `deleting a topic by id needs DeleteTopics v6+ (Kafka 2.8+); broker ${conn.broker} offers v${version}`);
        }
        request = { topics: [], topicNames: topics as string[], timeoutMs };
      }
      const r = await conn.send(DeleteTopics, request, { version });
      if (r.responses.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER)) throw KafkaProtocolError.fromCode(ErrorCode.NOT_CONTROLLER, 'DeleteTopics');
      return r;
    });
    const byName = new Map(res.responses.filter((t) => t.name !== null).map((t) => [t.name, t]));
    const byId = new Map(res.responses.filter((t) => t.topicId !== ZERO_UUID).map((t) => [t.topicId, t]));
    return topics.map((t) => {
      const named = typeof t === 'string';
      const r = named ? byName.get(t) : byId.get(t.topicId);
      const what = named ? `'${t}'` : `id ${t.topicId}`;
      return {
        name: named ? t : (r?.name ?? ''),
        topicId: named ? (r === undefined || r.topicId === ZERO_UUID ? '' : r.topicId) : t.topicId,
        error: r === undefined ? KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, `deleteTopics ${what}`, 'the broker did not answer for this topic') : outcome(r.errorCode, `deleteTopics ${what}`, r.errorMessage),
      };
    });
  }

  /**
   * The configs of topics and brokers, with where each value comes from (Java:
   * describeConfigs); a broker's are asked of that broker, as Java does.
   */
  async describeConfigs(
    resources: readonly ConfigResource[],
    options: AdminCallOptions & { includeSynonyms?: boolean; includeDocumentation?: boolean; keys?: readonly string[] } = {},
  ): Promise<ConfigDescription[]> {
    const deadlineMs = this.deadline(options);
    return Promise.all(
      resources.map((resource) =>
        this.configCall(resource, deadlineMs, async (conn) => {
          const res = await conn.send(DescribeConfigs, {
            resources: [{ resourceType: RESOURCE_TYPE[resource.type], resourceName: resource.name, configurationKeys: options.keys === undefined ? null : [...options.keys] }],
            includeSynonyms: options.includeSynonyms ?? false,
            includeDocumentation: options.includeDocumentation ?? false,
          });
          const r = res.results[0];
          if (r === undefined) throw new KafkaesqueError('ERR_INTERNAL', `DescribeConfigs: no answer for ${resource.type} '${resource.name}'`, { retriable: true });
          return {
            ...resource,
            entries: r.configs
              .map((c) => ({
                name: c.name,
                value: c.value,
                source: sourceName(c.configSource),
                isSensitive: c.isSensitive,
                readOnly: c.readOnly,
                synonyms: c.synonyms.map((y) => ({ name: y.name, value: y.value, source: sourceName(y.source) })),
                documentation: c.documentation === '' ? null : c.documentation,
              }))
              .sort((a, b) => a.name.localeCompare(b.name)),
            error: outcome(r.errorCode, `describeConfigs ${resource.type} '${resource.name}'`, r.errorMessage),
          };
        }),
      ),
    );
  }

  /** Changes configs of topics and brokers (Java: incrementalAlterConfigs); one outcome per resource. */
  async incrementalAlterConfigs(
    changes: readonly (ConfigResource & { changes: readonly ConfigChange[] })[],
    options: AdminCallOptions & { validateOnly?: boolean } = {},
  ): Promise<(ItemOutcome & ConfigResource)[]> {
    const deadlineMs = this.deadline(options);
    return Promise.all(
      changes.map((c) =>
        this.configCall(c, deadlineMs, async (conn) => {
          const res = await conn.send(IncrementalAlterConfigs, {
            resources: [
              {
                resourceType: RESOURCE_TYPE[c.type],
                resourceName: c.name,
                configs: c.changes.map((x) => ({ name: x.name, configOperation: OPS[x.op], value: x.value ?? null })),
              },
            ],
            validateOnly: options.validateOnly ?? false,
          });
          const r = res.responses[0];
          if (r === undefined) throw new KafkaesqueError('ERR_INTERNAL', `IncrementalAlterConfigs: no answer for ${c.type} '${c.name}'`, { retriable: true });
          return { type: c.type, name: c.name, error: outcome(r.errorCode, `incrementalAlterConfigs ${c.type} '${c.name}'`, r.errorMessage) };
        }),
      ),
    );
  }

  /** A config request for one resource: to the broker it names, else any broker. */
  private configCall<T>(resource: ConfigResource, deadlineMs: number, fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    // a broker's configs and its loggers' levels are asked of that broker
    if (resource.type === 'topic' || resource.name === '') return this.anyBroker(deadlineMs, fn);
    const nodeId = Number(resource.name);
    if (!Number.isInteger(nodeId)) throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `a broker config resource is named by the broker's node id, got '${resource.name}'`);
    return retry(async () => fn(await this.cluster.connection(nodeId)), this.until(deadlineMs));
  }

  /** The log directories of brokers (default: every broker) and the replicas in them (Java: describeLogDirs). */
  async describeLogDirs(brokers?: readonly number[], options: AdminCallOptions = {}): Promise<LogDirDescription[]> {
    const deadlineMs = this.deadline(options);
    if (brokers === undefined) await this.cluster.refresh();
    const ids = brokers ?? this.cluster.brokerList().map((b) => b.nodeId);
    const perBroker = await Promise.all(
      ids.map((broker) =>
        retry(async () => {
          const res = await (await this.cluster.connection(broker)).send(DescribeLogDirs, { topics: null });
          if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, `describeLogDirs on node ${broker}`);
          return res.results.map((d) => ({
            broker,
            path: d.logDir,
            totalBytes: d.totalBytes,
            usableBytes: d.usableBytes,
            replicas: d.topics.flatMap((t) =>
              t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey })),
            ),
            error: outcome(d.errorCode, `describeLogDirs ${d.logDir} on node ${broker}`),
          }));
        }, this.until(deadlineMs)),
      ),
    );
    return perBroker.flat();
  }

  /** Creates ACLs (Java: createAcls); one outcome per binding. Needs an authorizer on the brokers (else SECURITY_DISABLED). */
  async createAcls(bindings: readonly AclBinding[], options: AdminCallOptions = {}): Promise<(ItemOutcome & { binding: AclBinding })[]> {
    const creations = bindings.map((b) => ({
      resourceType: code(RESOURCE_TYPES, b.resourceType, 'resource type'),
      resourceName: b.resourceName,
      resourcePatternType: PATTERN_TYPES[b.patternType],
      principal: b.principal,
      host: b.host,
      operation: code(OPERATIONS, b.operation, 'operation'),
      permissionType: PERMISSIONS[b.permission],
    }));
    const res = await this.anyBroker(this.deadline(options), (conn) => conn.send(CreateAcls, { creations }));
    return bindings.map((binding, i) => {
      const r = res.results[i];
      return { binding, error: r === undefined ? KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, 'createAcls') : outcome(r.errorCode, 'createAcls', r.errorMessage) };
    });
  }

  /** The ACLs matching a filter (Java: describeAcls). */
  async describeAcls(filter: AclFilter = {}, options: AdminCallOptions = {}): Promise<AclBinding[]> {
    const res = await this.anyBroker(this.deadline(options), (conn) => conn.send(DescribeAcls, aclFilterFields(filter)));
    if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, 'describeAcls', res.errorMessage);
    return res.resources.flatMap((r) => r.acls.map((a) => aclBinding(r.resourceType, r.resourceName, r.patternType, a)));
  }

  /** Deletes the ACLs matching each filter (Java: deleteAcls); per filter, what it deleted. */
  async deleteAcls(filters: readonly AclFilter[], options: AdminCallOptions = {}): Promise<(ItemOutcome & { deleted: AclBinding[] })[]> {
    const res = await this.anyBroker(this.deadline(options), (conn) => conn.send(DeleteAcls, { filters: filters.map(aclFilterFields) }));
    return filters.map((_, i) => {
      const r = res.filterResults[i];
      if (r === undefined) return { deleted: [], error: KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, 'deleteAcls') };
      return {
        deleted: r.matchingAcls.filter((m) => m.errorCode === ErrorCode.NONE).map((m) => aclBinding(m.resourceType, m.resourceName, m.patternType, m)),
        error: outcome(r.errorCode, 'deleteAcls', r.errorMessage),
      };
    });
  }

  /** Users' SCRAM credentials, mechanism and iterations (never the secrets; Java: describeUserScramCredentials); every user when none are named. */
  async describeUserScramCredentials(users?: readonly string[], options: AdminCallOptions = {}): Promise<ScramCredentialsDescription[]> {
    const res = await this.anyBroker(this.deadline(options), (conn) =>
      conn.send(DescribeUserScramCredentials, { users: users === undefined ? null : users.map((name) => ({ name })) }),
    );
    if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, 'describeUserScramCredentials', res.errorMessage);
    return res.results.map((r) => ({
      user: r.user,
      credentials: r.credentialInfos.map((c) => ({ mechanism: scramName(c.mechanism), iterations: c.iterations })),
      error: outcome(r.errorCode, `describeUserScramCredentials '${r.user}'`, r.errorMessage),
    }));
  }

  /**
   * Sets or deletes users' SCRAM credentials (Java: alterUserScramCredentials, KIP-554). A
   * password is salted (32 random bytes) and hashed with PBKDF2 here, as Java does: only the
   * salted password goes on the wire. One outcome per change.
   */
  async alterUserScramCredentials(changes: readonly ScramCredentialChange[], options: AdminCallOptions = {}): Promise<(ItemOutcome & { user: string })[]> {
    const upsertions: { name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer }[] = [];
    const deletions: { name: string; mechanism: number }[] = [];
    for (const c of changes) {
      const m = SCRAM[c.mechanism];
      if (m === undefined) throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `alterUserScramCredentials: unknown mechanism '${String(c.mechanism)}' (scram-sha-256 or scram-sha-512)`);
      if ('delete' in c) {
        deletions.push({ name: c.user, mechanism: m.code });
        continue;
      }
      const iterations = c.iterations ?? 4096;
      // Kafka's ScramMechanism minimum and maximum iterations
      if (!Number.isInteger(iterations) || iterations < 4096 || iterations > 16384) {
        throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `alterUserScramCredentials: iterations must be an integer from 4096 to 16384, got ${String(iterations)}`);
      }
      const salt = crypto.randomBytes(32);
      const saltedPassword = await pbkdf2(Buffer.from(c.password, 'utf8'), salt, iterations, m.bytes, m.hash);
      upsertions.push({ name: c.user, mechanism: m.code, iterations, salt, saltedPassword });
    }
    const res = await this.anyBroker(this.deadline(options), (conn) => conn.send(AlterUserScramCredentials, { deletions, upsertions }));
    return changes.map((c) => {
      const r = res.results.find((x) => x.user === c.user);
      return { user: c.user, error: r === undefined ? KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, `alterUserScramCredentials '${c.user}'`) : outcome(r.errorCode, `alterUserScramCredentials '${c.user}'`, r.errorMessage) };
    });
  }

  /** Quotas of the entities a filter matches (Java: describeClientQuotas), e.g. `producer_byte_rate` per client id. */
  async describeClientQuotas(
    components: readonly QuotaFilterComponent[],
    options: AdminCallOptions & { strict?: boolean } = {},
  ): Promise<{ entity: QuotaEntity; quotas: Record<string, number> }[]> {
    const res = await this.anyBroker(this.deadline(options), (conn) =>
      conn.send(DescribeClientQuotas, {
        // MatchType: 0 the exact name, 1 the default entity, 2 any named entity
        components: components.map((c) => ({ entityType: c.entityType, matchType: c.match === undefined ? 2 : c.match === null ? 1 : 0, match: c.match ?? null })),
        strict: options.strict ?? false,
      }),
    );
    if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, 'describeClientQuotas', res.errorMessage);
    return (res.entries ?? []).map((e) => ({ entity: entityOf(e.entity), quotas: Object.fromEntries(e.values.map((v) => [v.key, v.value])) }));
  }

  /** Sets (a number) or removes (null) quotas of entities (Java: alterClientQuotas); one outcome per entity. */
  async alterClientQuotas(
    alterations: readonly { entity: QuotaEntity; quotas: Readonly<Record<string, number | null>> }[],
    options: AdminCallOptions & { validateOnly?: boolean } = {},
  ): Promise<(ItemOutcome & { entity: QuotaEntity })[]> {
    const res = await this.anyBroker(this.deadline(options), (conn) =>
      conn.send(AlterClientQuotas, {
        entries: alterations.map((a) => ({
          entity: entityData(a.entity),
          ops: Object.entries(a.quotas).map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
        })),
        validateOnly: options.validateOnly ?? false,
      }),
    );
    return alterations.map((a, i) => {
      const r = res.entries[i];
      return { entity: a.entity, error: r === undefined ? KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, 'alterClientQuotas') : outcome(r.errorCode, 'alterClientQuotas', r.errorMessage) };
    });
  }

  // ---------------------------------------------------------------- offsets

  /**
   * Offsets of partitions by spec (Java: listOffsets), asked of each partition's leader; one
   * result per partition asked. `isolationLevel: 'read_committed'` gives the last stable offset.
   */
  async listOffsets(
    partitions: readonly { topic: string; partition: number; spec: OffsetSpec }[],
    options: AdminCallOptions & { isolationLevel?: 'read_uncommitted' | 'read_committed' } = {},
  ): Promise<ListedOffset[]> {
    const deadlineMs = this.deadline(options);
    const asked = partitions.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: timestampOf(p.spec) }));
    return this.perLeader(asked, deadlineMs, 'listOffsets', 'ERR_LIST_OFFSETS', {
      failed: (p, error) => ({ topic: p.topic, partition: p.partition, offset: -1n, timestamp: -1, leaderEpoch: -1, error }),
      send: async (conn, topics) => {
        const res = await conn.send(ListOffsets, {
          replicaId: -1,
          isolationLevel: options.isolationLevel === 'read_committed' ? 1 : 0,
          topics: topics.map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: p.timestamp })) })),
          timeoutMs: Math.max(0, deadlineMs - Date.now()),
        });
        return (p) => res.topics.find((t) => t.name === p.topic)?.partitions.find((x) => x.partitionIndex === p.partition);
      },
      result: (p, a, error) => ({ topic: p.topic, partition: p.partition, offset: a.offset, timestamp: Number(a.timestamp), leaderEpoch: a.leaderEpoch, error }),
    });
  }

  /**
   * Asks each partition's leader about its partitions, in one request per leader and round (a
   * broker refuses a partition named twice in one request with INVALID_REQUEST, so two asks of
   * one partition go in two rounds), and collects one result per item, in the items' order.
   * An unknown topic or partition fails its item; no leader, a connection error or a retriable
   * answer asks that item again, with backoff, until `deadlineMs`.
   */
  private async perLeader<I extends { topic: string; partition: number }, A extends { errorCode: number }, R>(
    items: readonly I[],
    deadlineMs: number,
    call: string,
    /** The code of the retriable error the last attempt ends with when items are still unanswered. */
    pendingCode: KafkaesqueErrorCode,
    o: {
      failed: (item: I, error: KafkaProtocolError) => R;
      send: (conn: BrokerConnection, topics: [string, I[]][]) => Promise<(item: I) => A | undefined>;
      result: (item: I, answer: A, error: KafkaProtocolError | null) => R;
    },
  ): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let pending = items.map((item, index) => ({ item, index }));
    const context = (i: I): string => `${call} ${i.topic}-${i.partition}`;
    await retry(async () => {
      await this.cluster.refresh([...new Set(pending.map((p) => p.item.topic))]);
      const requests = new Map<string, { leader: number; asked: typeof pending }>();
      const later: typeof pending = [];
      for (const p of pending) {
        const info = this.cluster.topic(p.item.topic);
        if (info === undefined || p.item.partition >= info.partitions.length) {
          results[p.index] = o.failed(p.item, KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, context(p.item)));
          continue;
        }
        const leader = this.cluster.leaderFor(p.item.topic, p.item.partition);
        if (leader < 0) {
          later.push(p);
          continue;
        }
        for (let round = 0; ; round++) {
          const req = requests.get(`${leader}/${round}`) ?? { leader, asked: [] };
          if (req.asked.some((x) => x.item.topic === p.item.topic && x.item.partition === p.item.partition)) continue;
          req.asked.push(p);
          requests.set(`${leader}/${round}`, req);
          break;
        }
      }
      await Promise.all(
        [...requests.values()].map(async ({ leader, asked }) => {
          const byTopic = new Map<string, I[]>();
          for (const { item } of asked) byTopic.set(item.topic, [...(byTopic.get(item.topic) ?? []), item]);
          let answerOf: (item: I) => A | undefined;
          try {
            answerOf = await o.send(await this.cluster.connection(leader), [...byTopic]);
          } catch (err) {
            if (!isRetriable(err)) throw err;
            later.push(...asked);
            return;
          }
          for (const p of asked) {
            const a = answerOf(p.item);
            if (a === undefined || (a.errorCode !== ErrorCode.NONE && errorCodeInfo(a.errorCode).retriable)) later.push(p);
            else results[p.index] = o.result(p.item, a, outcome(a.errorCode, context(p.item)));
          }
        }),
      );
      pending = later;
      if (pending.length > 0) {
        this.cluster.markStale();
        throw new KafkaesqueError(pendingCode, `${call}: no answer yet for ${pending.map((p) => `${p.item.topic}-${p.item.partition}`).join(', ')}`, { retriable: true });
      }
    }, this.until(deadlineMs));
    return results;
  }

  /**
   * Deletes the records of partitions before an offset (Java: deleteRecords; `-1n` for up to
   * the high watermark), asked of each leader; per partition, the new log start offset.
   */
  async deleteRecords(
    partitions: readonly { topic: string; partition: number; before: bigint }[],
    options: AdminCallOptions = {},
  ): Promise<(ItemOutcome & { topic: string; partition: number; lowWatermark: bigint })[]> {
    const deadlineMs = this.deadline(options);
    return this.perLeader(partitions, deadlineMs, 'deleteRecords', 'ERR_INTERNAL', {
      failed: (p, error) => ({ topic: p.topic, partition: p.partition, lowWatermark: -1n, error }),
      send: async (conn, topics) => {
        const res = await conn.send(DeleteRecords, {
          topics: topics.map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.before })) })),
          timeoutMs: Math.max(0, deadlineMs - Date.now()),
        });
        return (p) => res.topics.find((t) => t.name === p.topic)?.partitions.find((x) => x.partitionIndex === p.partition);
      },
      result: (p, a, error) => ({ topic: p.topic, partition: p.partition, lowWatermark: a.lowWatermark, error }),
    });
  }

  /** Deletes a group's committed offsets of partitions it no longer consumes (Java: deleteConsumerGroupOffsets); per partition. */
  async deleteGroupOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
    options: AdminCallOptions = {},
  ): Promise<(ItemOutcome & { topic: string; partition: number })[]> {
    const deadlineMs = this.deadline(options);
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const res = await retry(async () => {
      const conn = await this.coordinator(groupId, deadlineMs);
      const r = await conn.send(OffsetDelete, {
        groupId,
        topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })),
      });
      if (r.errorCode !== ErrorCode.NONE && errorCodeInfo(r.errorCode).retriable) throw KafkaProtocolError.fromCode(r.errorCode, `deleteGroupOffsets '${groupId}'`);
      return r;
    }, this.until(deadlineMs));
    return partitions.map((p) => {
      const code = res.errorCode !== ErrorCode.NONE
        ? res.errorCode
        : (res.topics.find((t) => t.name === p.topic)?.partitions.find((x) => x.partitionIndex === p.partition)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
      return { topic: p.topic, partition: p.partition, error: outcome(code, `deleteGroupOffsets '${groupId}' ${p.topic}-${p.partition}`) };
    });
  }

  /** A group's committed offsets, every partition it has committed (Java: listConsumerGroupOffsets). */
  async listGroupOffsets(groupId: string, options?: AdminCallOptions): Promise<GroupOffset[]>;
  /** Several groups in one call: each group's offsets, or its error (one group's failure hides no other's). */
  async listGroupOffsets(groupIds: readonly string[], options?: AdminCallOptions): Promise<GroupOffsets[]>;
  async listGroupOffsets(groups: string | readonly string[], options: AdminCallOptions = {}): Promise<GroupOffset[] | GroupOffsets[]> {
    if (typeof groups === 'string') return this.groupOffsets(groups, options);
    return Promise.all(
      groups.map(async (groupId) => {
        try {
          return { groupId, offsets: await this.groupOffsets(groupId, options), error: null };
        } catch (e) {
          if (!(e instanceof KafkaProtocolError)) throw e;
          return { groupId, offsets: [], error: e };
        }
      }),
    );
  }

  private async groupOffsets(groupId: string, options: AdminCallOptions): Promise<GroupOffset[]> {
    const deadlineMs = this.deadline(options);
    return retry(
      async () => {
        const conn = await this.coordinator(groupId, deadlineMs);
        // every topic: ask by name (below the first id-only version), the answer names them
        const version = versionForTopicIds(conn, OffsetFetch, OFFSET_FETCH_FIRST_TOPIC_ID_VERSION, false);
        const request =
          version >= 8
            ? { groupId: '', topics: [], requireStable: true, groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }] }
            : { groupId, topics: null, groups: [], requireStable: version >= 7 };
        const res = await conn.send(OffsetFetch, request, { version });
        const group = offsetFetchResponseGroups(version, res)[0];
        if (group === undefined) throw new KafkaesqueError('ERR_GROUP', `OffsetFetch: no answer for group '${groupId}'`, { retriable: true });
        if (group.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(group.errorCode, `listGroupOffsets '${groupId}'`);
        const out: GroupOffset[] = [];
        for (const t of group.topics) {
          for (const p of t.partitions) {
            if (p.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(p.errorCode, `listGroupOffsets '${groupId}' ${t.name}-${p.partitionIndex}`);
            out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata });
          }
        }
        return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      },
      this.until(deadlineMs),
    );
  }

  /**
   * How far a group is behind (what `kafka-consumer-groups.sh --describe` shows): per partition
   * it has committed, the committed offset, the log end offset and their difference; and the total.
   */
  async groupLag(groupId: string, options: AdminCallOptions = {}): Promise<GroupLag> {
    const committed = (await this.listGroupOffsets(groupId, options)).filter((c) => c.offset >= 0n);
    const ends = await this.listOffsets(
      committed.map((c) => ({ topic: c.topic, partition: c.partition, spec: 'latest' as const })),
      options,
    );
    const partitions = committed.map((c, i) => {
      const end = ends[i]!.offset;
      return { topic: c.topic, partition: c.partition, committed: c.offset, end, lag: partitionLag(end, c.offset) };
    });
    return { groupId, partitions, total: partitions.reduce((sum, p) => sum + p.lag, 0n) };
  }

  /**
   * Sets a group's committed offsets (Java: alterConsumerGroupOffsets), one outcome per
   * partition. The group must have no active members: the coordinator refuses a commit from
   * outside a live generation (UNKNOWN_MEMBER_ID); stop its consumers first.
   */
  async alterGroupOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; offset: bigint; metadata?: string }[],
    options: AdminCallOptions = {},
  ): Promise<(ItemOutcome & { topic: string; partition: number })[]> {
    const deadlineMs = this.deadline(options);
    for (const o of offsets) {
      if (o.offset < 0n) throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `alterGroupOffsets: ${o.topic}-${o.partition}: an offset must be >= 0, got ${o.offset}`);
    }
    await this.cluster.refresh([...new Set(offsets.map((o) => o.topic))]);
    const topics = new Map<string, OffsetCommitRequestTopic>();
    for (const o of offsets) {
      let t = topics.get(o.topic);
      if (t === undefined) topics.set(o.topic, (t = { name: o.topic, topicId: topicIdOf(this.cluster, o.topic), partitions: [] }));
      t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? null });
    }
    const answers = await retry(
      async () => {
        const conn = await this.coordinator(groupId, deadlineMs);
        const version = versionForTopicIds(conn, OffsetCommit, OFFSET_COMMIT_FIRST_TOPIC_ID_VERSION, topicIdsKnown(this.cluster, topics.keys()));
        const res = await conn.send(
          OffsetCommit,
          { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [...topics.values()] },
          { version },
        );
        const out = new Map<string, number>();
        for (const t of res.topics) {
          const name = answerTopicName(this.cluster, t.name, t.topicId);
          for (const p of t.partitions) {
            // the coordinator moved or is loading: the whole commit goes again
            if (p.errorCode === ErrorCode.NOT_COORDINATOR || p.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE || p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
              throw KafkaProtocolError.fromCode(p.errorCode, `alterGroupOffsets '${groupId}'`);
            }
            out.set(`${name}\u0000${p.partitionIndex}`, p.errorCode);
          }
        }
        return out;
      },
      this.until(deadlineMs),
    );
    return offsets.map((o) => {
      const code = answers.get(`${o.topic}\u0000${o.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      return { topic: o.topic, partition: o.partition, error: outcome(code, `alterGroupOffsets '${groupId}' ${o.topic}-${o.partition}`) };
    });
  }

  // ---------------------------------------------------------------- groups

  /**
   * Every group of the cluster (Java: listGroups), optionally only those in some states or of
   * some types (`classic`, `consumer`, `share`). Groups live on their coordinators, so every
   * broker is asked, as Java does; a broker that cannot answer fails the call.
   */
  async listGroups(options: AdminCallOptions & { states?: readonly string[]; types?: readonly string[] } = {}): Promise<GroupListing[]> {
    const groups = await this.fromEveryBroker(this.deadline(options), async (conn, nodeId) => {
      const version = conn.versionFor(ListGroups);
      if ((options.states?.length ?? 0) > 0 && version < 4) throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', 'listGroups: filtering by state needs ListGroups v4 (Kafka 2.6+)');
      if ((options.types?.length ?? 0) > 0 && version < 5) throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', 'listGroups: filtering by type needs ListGroups v5 (Kafka 3.8+)');
      const res = await conn.send(ListGroups, { statesFilter: [...(options.states ?? [])], typesFilter: [...(options.types ?? [])] }, { version });
      if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, `listGroups on node ${nodeId}`);
      return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState, type: g.groupType }));
    });
    return groups.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /**
   * `fn` asked of every broker (each coordinates its own share of groups and transactional ids),
   * each retried on its own until `deadlineMs`; the answers together.
   */
  private async fromEveryBroker<T>(deadlineMs: number, fn: (conn: BrokerConnection, nodeId: number) => Promise<T[]>): Promise<T[]> {
    await this.cluster.refresh();
    const lists = await Promise.all(
      this.cluster.brokerList().map((b) => retry(async () => fn(await this.cluster.connection(b.nodeId), b.nodeId), this.until(deadlineMs))),
    );
    return lists.flat();
  }


  /** Deletes groups (Java: deleteConsumerGroups); one outcome per group. A group with active members is refused (NON_EMPTY_GROUP). */
  async deleteGroups(groupIds: readonly string[], options: AdminCallOptions = {}): Promise<(ItemOutcome & { groupId: string })[]> {
    const deadlineMs = this.deadline(options);
    return Promise.all(
      groupIds.map((groupId) =>
        retry(async () => {
          const conn = await this.coordinator(groupId, deadlineMs);
          const res = await conn.send(DeleteGroups, { groupsNames: [groupId] });
          const r = res.results.find((x) => x.groupId === groupId);
          if (r === undefined) throw new KafkaesqueError('ERR_GROUP', `DeleteGroups: no answer for group '${groupId}'`, { retriable: true });
          if (r.errorCode !== ErrorCode.NONE && errorCodeInfo(r.errorCode).retriable) throw KafkaProtocolError.fromCode(r.errorCode, `deleteGroups '${groupId}'`);
          return { groupId, error: outcome(r.errorCode, `deleteGroups '${groupId}'`) };
        }, this.until(deadlineMs)),
      ),
    );
  }

  /**
   * Groups' type, state, assignor and members (Java: describeConsumerGroups): KIP-848 groups
   * through ConsumerGroupDescribe, with each member's partitions and epoch; a classic group
   * (which ConsumerGroupDescribe does not know: GROUP_ID_NOT_FOUND) through DescribeGroups, as
   * Java falls back. One result per group; a group nobody knows is `Dead`, as Kafka says.
   */
  async describeGroups(groupIds: readonly string[], options: AdminCallOptions = {}): Promise<GroupDescription[]> {
    const deadlineMs = this.deadline(options);
    return Promise.all(
      groupIds.map((groupId) =>
        retry(async () => {
          const conn = await this.coordinator(groupId, deadlineMs);
          if (conn.brokerRange(ConsumerGroupDescribe.apiKey) !== undefined) {
            const res = await conn.send(ConsumerGroupDescribe, { groupIds: [groupId], includeAuthorizedOperations: false });
            const g = res.groups[0];
            if (g === undefined) throw new KafkaesqueError('ERR_GROUP', `ConsumerGroupDescribe: no answer for group '${groupId}'`, { retriable: true });
            if (g.errorCode !== ErrorCode.NONE && errorCodeInfo(g.errorCode).retriable) throw KafkaProtocolError.fromCode(g.errorCode, `describeGroups '${groupId}'`);
            if (g.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) {
              return {
                groupId,
                type: 'consumer' as const,
                state: g.groupState,
                protocolType: 'consumer',
                protocol: g.assignorName,
                groupEpoch: g.groupEpoch,
                members: g.members.map((m) => ({
                  memberId: m.memberId,
                  groupInstanceId: m.instanceId,
                  clientId: m.clientId,
                  clientHost: m.clientHost,
                  assignment: m.assignment.topicPartitions.map((tp) => ({ topic: tp.topicName, partitions: [...tp.partitions].sort((a, b) => a - b) })),
                  memberEpoch: m.memberEpoch,
                  memberMetadata: null,
                  memberAssignment: null,
                })),
                error: outcome(g.errorCode, `describeGroups '${groupId}'`, g.errorMessage),
              };
            }
          }
          const res = await conn.send(DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false });
          const g = res.groups[0];
          if (g === undefined) throw new KafkaesqueError('ERR_GROUP', `DescribeGroups: no answer for group '${groupId}'`, { retriable: true });
          if (g.errorCode !== ErrorCode.NONE && errorCodeInfo(g.errorCode).retriable) throw KafkaProtocolError.fromCode(g.errorCode, `describeGroups '${groupId}'`);
          return {
            groupId,
            type: 'classic' as const,
            state: g.groupState,
            protocolType: g.protocolType,
            protocol: g.protocolData,
            groupEpoch: -1,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              assignment: g.protocolType === 'consumer' ? classicAssignment(m.memberAssignment) : [],
              memberEpoch: -1,
              memberMetadata: m.memberMetadata,
              memberAssignment: m.memberAssignment,
            })),
            error: outcome(g.errorCode, `describeGroups '${groupId}'`, g.errorMessage),
          };
        }, this.until(deadlineMs)),
      ),
    );
  }

  /**
   * Removes members from a classic group (Java: removeMembersFromConsumerGroup): static members
   * by instance id (KIP-345), others by member id; with no list, every member the group has now
   * (as Java's removeAll). One outcome per member; the group then rebalances.
   */
  async removeMembersFromGroup(
    groupId: string,
    members?: readonly MemberToRemove[],
    options: AdminCallOptions & { reason?: string } = {},
  ): Promise<(ItemOutcome & { memberId: string; groupInstanceId: string | null })[]> {
    const deadlineMs = this.deadline(options);
    let leaving = members?.map((m) => ({ memberId: m.memberId ?? '', groupInstanceId: m.groupInstanceId ?? null }));
    if (leaving === undefined) {
      const [g] = await this.describeGroups([groupId], { timeoutMs: Math.max(1, deadlineMs - Date.now()) });
      if (g!.error !== null) throw g!.error;
      // a static member is removed by its instance id: its member id changes when it rejoins
      leaving = g!.members.map((m) => (m.groupInstanceId !== null ? { memberId: '', groupInstanceId: m.groupInstanceId } : { memberId: m.memberId, groupInstanceId: null }));
    }
    if (leaving.length === 0) return [];
    const reason = options.reason ?? 'removed by an administrator (kafkaesque Admin.removeMembersFromGroup)';
    const res = await retry(async () => {
      const conn = await this.coordinator(groupId, deadlineMs);
      const version = conn.versionFor(LeaveGroup);
      // v3 (KIP-345) first names several members, by member id or instance id
      if (version < 3) throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', `removeMembersFromGroup needs LeaveGroup v3+ (Kafka 2.4+); broker ${conn.broker} offers v${version}`);
      const r = await conn.send(LeaveGroup, { groupId, memberId: '', members: leaving.map((m) => ({ ...m, reason })) }, { version });
      if (r.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(r.errorCode, `removeMembersFromGroup '${groupId}'`);
      return r;
    }, this.until(deadlineMs));
    return leaving.map((m) => {
      const r = res.members.find((x) => (m.groupInstanceId !== null ? x.groupInstanceId === m.groupInstanceId : x.memberId === m.memberId));
      const code = r === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : r.errorCode;
      return { memberId: r?.memberId ?? m.memberId, groupInstanceId: m.groupInstanceId, error: outcome(code, `removeMembersFromGroup '${groupId}' member ${m.groupInstanceId ?? m.memberId}`) };
    });
  }

  // ---------------------------------------------------------------- leaders and replicas

  /**
   * Elects leaders (Java: electLeaders, KIP-460): `'preferred'` moves leadership back to each
   * partition's preferred replica, `'unclean'` lets an out-of-sync live replica lead a partition
   * that has no leader (data may be lost). `partitions: null` means every partition that needs
   * it. Per partition an outcome; ELECTION_NOT_NEEDED when the preferred replica already leads.
   */
  async electLeaders(
    electionType: ElectionType,
    partitions: readonly TopicPartition[] | null,
    options: AdminCallOptions = {},
  ): Promise<(ItemOutcome & TopicPartition)[]> {
    const deadlineMs = this.deadline(options);
    const res = await this.anyBroker(deadlineMs, async (conn) => {
      const version = conn.versionFor(ElectLeaders);
      if (electionType === 'unclean' && version < 1) throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', `an unclean election needs ElectLeaders v1+ (Kafka 2.4+); broker ${conn.broker} offers v0`);
      const r = await conn.send(
        ElectLeaders,
        {
          electionType: electionType === 'preferred' ? 0 : 1,
          topicPartitions: partitions === null ? null : byTopic(partitions).map(([topic, ps]) => ({ topic, partitions: ps })),
          timeoutMs: Math.max(0, deadlineMs - Date.now()),
        },
        { version },
      );
      if (r.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(r.errorCode, 'electLeaders');
      return r;
    });
    const results = res.replicaElectionResults.flatMap((t) =>
      t.partitionResult.map((p) => ({ topic: t.topic, partition: p.partitionId, error: outcome(p.errorCode, `electLeaders ${t.topic}-${p.partitionId}`, p.errorMessage) })),
    );
    if (partitions === null) return results.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    // in the caller's order, as alterPartitionReassignments answers
    const byPartition = new Map(results.map((r) => [topicPartitionKey(r.topic, r.partition), r]));
    return partitions.map(({ topic, partition }) => byPartition.get(topicPartitionKey(topic, partition)) ?? { topic, partition, error: KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, `electLeaders ${topic}-${partition}`, 'the controller did not answer for this partition') });
  }

  /**
   * Moves partitions onto new replica sets, or cancels pending moves (`replicas: null`) (Java:
   * alterPartitionReassignments, KIP-455). The call answers once the controller accepted each
   * move; the data copy then runs in the background (listPartitionReassignments shows it).
   * `allowReplicationFactorChange: false` refuses a move that changes a replica count (KIP-860).
   */
  async alterPartitionReassignments(
    reassignments: readonly PartitionReassignment[],
    options: AdminCallOptions & { allowReplicationFactorChange?: boolean } = {},
  ): Promise<(ItemOutcome & TopicPartition)[]> {
    const deadlineMs = this.deadline(options);
    const topics = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
    for (const r of reassignments) {
      let list = topics.get(r.topic);
      if (list === undefined) topics.set(r.topic, (list = []));
      list.push({ partitionIndex: r.partition, replicas: r.replicas === null ? null : [...r.replicas] });
    }
    const res = await this.anyBroker(deadlineMs, async (conn) => {
      const version = conn.versionFor(AlterPartitionReassignments);
      const allow = options.allowReplicationFactorChange ?? true;
      if (!allow && version < 1) throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', `allowReplicationFactorChange: false needs AlterPartitionReassignments v1+ (Kafka 4.1+); broker ${conn.broker} offers v0`);
      const r = await conn.send(
        AlterPartitionReassignments,
        { timeoutMs: Math.max(0, deadlineMs - Date.now()), allowReplicationFactorChange: allow, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) },
        { version },
      );
      if (r.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(r.errorCode, 'alterPartitionReassignments', r.errorMessage);
      return r;
    });
    const answers = new Map<string, KafkaProtocolError | null>();
    for (const t of res.responses) {
      for (const p of t.partitions) answers.set(topicPartitionKey(t.name, p.partitionIndex), outcome(p.errorCode, `alterPartitionReassignments ${t.name}-${p.partitionIndex}`, p.errorMessage));
    }
    return reassignments.map(({ topic, partition }) => {
      const error = answers.get(topicPartitionKey(topic, partition));
      return { topic, partition, error: error === undefined ? KafkaProtocolError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, `alterPartitionReassignments ${topic}-${partition}`, 'the controller did not answer for this partition') : error };
    });
  }

  /** The reassignments in progress, of the given partitions or of all (Java: listPartitionReassignments). */
  async listPartitionReassignments(partitions?: readonly TopicPartition[], options: AdminCallOptions = {}): Promise<OngoingReassignment[]> {
    const deadlineMs = this.deadline(options);
    const res = await this.anyBroker(deadlineMs, async (conn) => {
      const r = await conn.send(ListPartitionReassignments, {
        timeoutMs: Math.max(0, deadlineMs - Date.now()),
        topics: partitions === undefined ? null : byTopic(partitions).map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
      });
      if (r.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(r.errorCode, 'listPartitionReassignments', r.errorMessage);
      return r;
    });
    return res.topics
      .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  // ---------------------------------------------------------------- transactions

  /**
   * The transactional ids every coordinator knows (Java: listTransactions, KIP-664), optionally
   * only those in `states`, of `producerIds`, or open for longer than `durationMs` (KIP-994,
   * Kafka 3.8+): the way to find a hanging transaction.
   */
  async listTransactions(
    options: AdminCallOptions & { states?: readonly string[]; producerIds?: readonly bigint[]; durationMs?: number } = {},
  ): Promise<TransactionListing[]> {
    const transactions = await this.fromEveryBroker(this.deadline(options), async (conn, nodeId) => {
      const version = conn.versionFor(ListTransactions);
      if (options.durationMs !== undefined && version < 1) throw new KafkaesqueError('ERR_UNSUPPORTED_VERSION', 'listTransactions: filtering by duration needs ListTransactions v1 (Kafka 3.8+)');
      const res = await conn.send(
        ListTransactions,
        { stateFilters: [...(options.states ?? [])], producerIdFilters: [...(options.producerIds ?? [])], durationFilter: BigInt(options.durationMs ?? -1), transactionalIdPattern: null },
        { version },
      );
      if (res.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(res.errorCode, `listTransactions on node ${nodeId}`);
      return res.transactionStates.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState, coordinator: nodeId }));
    });
    return transactions.sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
  }


  /** Each transactional id's state and open transaction, from its coordinator (Java: describeTransactions). */
  async describeTransactions(transactionalIds: readonly string[], options: AdminCallOptions = {}): Promise<TransactionDescription[]> {
    const deadlineMs = this.deadline(options);
    return Promise.all(
      transactionalIds.map((transactionalId) =>
        retry(async () => {
          const coordinator = await findCoordinator(this.cluster, 'transaction', transactionalId, { baseMs: this.config.retryBackoffMs, maxMs: this.config.retryBackoffMaxMs, deadlineMs, lastAttemptAtDeadline: true });
          const res = await (await this.cluster.connection(coordinator)).send(DescribeTransactions, { transactionalIds: [transactionalId] });
          const t = res.transactionStates.find((x) => x.transactionalId === transactionalId);
          if (t === undefined) throw new KafkaesqueError('ERR_INTERNAL', `DescribeTransactions: no answer for '${transactionalId}'`, { retriable: true });
          if (t.errorCode !== ErrorCode.NONE && errorCodeInfo(t.errorCode).retriable) throw KafkaProtocolError.fromCode(t.errorCode, `describeTransactions '${transactionalId}'`);
          return {
            transactionalId,
            state: t.transactionState,
            producerId: t.producerId,
            producerEpoch: t.producerEpoch,
            transactionTimeoutMs: t.transactionTimeoutMs,
            startTimeMs: Number(t.transactionStartTimeMs),
            partitions: t.topics.flatMap((x) => x.partitions.map((partition) => ({ topic: x.topic, partition }))).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
            coordinator,
            error: outcome(t.errorCode, `describeTransactions '${transactionalId}'`),
          };
        }, this.until(deadlineMs)),
      ),
    );
  }
}

/**
 * A classic consumer group member's partitions, from the ConsumerProtocolAssignment bytes its
 * leader's assignor gave it (Java's Admin decodes them the same way); none while the group
 * rebalances (empty bytes) or when the bytes are not the consumer protocol's.
 */
function classicAssignment(bytes: Buffer): { topic: string; partitions: number[] }[] {
  if (bytes.length === 0) return [];
  try {
    return decodeAssignment(bytes).assignment.assignedPartitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions].sort((a, b) => a - b) }));
  } catch {
    return [];
  }
}
