/**
 * Requests built the way the client builds them, at every version the client may negotiate
 * (issue 13, item 3).
 *
 * The other conformance tests feed our encoder Kafka's random messages (through our own
 * decoder), which always hold the defaults for the fields a version lacks. The client does
 * not: src/ fills in every field whatever the version (`sessionEpoch: 0` of a new fetch
 * session, `clientSoftwareName`, `allowAutoTopicCreation: false`, ...). A value that only
 * works at the newest version would pass every other test and then go wrong against an
 * older broker. So each request below is built as the cited src/ code builds it (the same
 * literal shape, the same helpers), in the variants the client's options and state allow,
 * and at every version of the codec's range (restricted where the client restricts it, e.g.
 * no topic ids: Fetch stays at v12) it is:
 *  - encoded by us and read back by Kafka's Java class: Kafka's JSON equals our value and
 *    Kafka re-serializes our bytes unchanged;
 *  - written by Kafka from the same value: identical bytes, or both refuse. Kafka refuses a
 *    non-ignorable field the version lacks that holds a non-default value; where we write such
 *    a value without it, the field was silently dropped.
 * A refusal of a client-built value must be listed in EXPECTED_REFUSALS with the reason (an
 * option the version cannot express); an entry that refuses nowhere fails too.
 */
import { type ApiCodec, ZERO_UUID } from '../../protocol/api.js';
import { ProtocolEncodeError } from '../../protocol/errors.js';
import { ApiVersions } from '../../protocol/messages/api-versions.js';
import { ConsumerGroupHeartbeat, type ConsumerGroupHeartbeatRequest } from '../../protocol/messages/consumer-group-heartbeat.js';
import { encodeAssignment, encodeSubscription } from '../../protocol/messages/consumer-protocol.js';
import { Fetch, type FetchRequest } from '../../protocol/messages/fetch.js';
import { CoordinatorKeyType, FindCoordinator, findCoordinatorRequest } from '../../protocol/messages/find-coordinator.js';
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { InitProducerId, initProducerIdRequest } from '../../protocol/messages/init-producer-id.js';
import { JoinGroup } from '../../protocol/messages/join-group.js';
import { LeaveGroup, leaveGroupRequest } from '../../protocol/messages/leave-group.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, ListOffsets } from '../../protocol/messages/list-offsets.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { OffsetCommit, type OffsetCommitRequestTopic } from '../../protocol/messages/offset-commit.js';
import { OffsetFetch, offsetFetchRequest } from '../../protocol/messages/offset-fetch.js';
import { Produce, type ProduceRequest } from '../../protocol/messages/produce.js';
import { SaslAuthenticate } from '../../protocol/messages/sasl-authenticate.js';
import { SaslHandshake } from '../../protocol/messages/sasl-handshake.js';
import { SyncGroup } from '../../protocol/messages/sync-group.js';
import { encodeRecordBatch } from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { encodeWith } from './codecs.js';
import { closeSharedOracle, expectSameAsJava, expectSameBytes, sharedOracle, toJavaJson } from './harness.js';
import { JavaOracle, OracleError } from './oracle.js';

type AnyCodec = ApiCodec<unknown, unknown>;

interface ClientRequest {
  codec: AnyCodec;
  /** What the client's options/state are in this variant. */
  variant: string;
  /** Where src/ builds it. */
  source: string;
  /** Versions the client may send this variant at (default: the codec's range). */
  versions?: (v: number) => boolean;
  /** The request as the client builds it when `v` was negotiated. */
  build: (v: number) => unknown;
}

function client<Req, Res>(codec: ApiCodec<Req, Res>, source: string, variant: string, build: (v: number) => Req, versions?: (v: number) => boolean): ClientRequest {
  return { codec: codec as AnyCodec, source, variant, build, versions };
}

const TOPIC_ID = 'pFJaBmdLQqmXGM8CTkG2Jg';
const GROUP = 'orders-app';

/** Record bytes as ProducerCore.encode writes them (encodeRecordBatch into a Writer). */
function producerBatch(idempotent: boolean): Buffer {
  const w = new Writer();
  encodeRecordBatch(w, {
    records: [{ key: 'k1', value: 'v1', timestamp: 1_700_000_000_000 }, { key: null, value: 'v2', headers: [{ key: 'h', value: 'x' }], timestamp: 1_700_000_000_001 }],
    compression: 0,
    producerId: idempotent ? 4000n : -1n,
    producerEpoch: idempotent ? 0 : -1,
    baseSequence: idempotent ? 0 : -1,
  });
  return Buffer.from(w.finish());
}

/** A Fetch request as Fetcher.doFetch builds it from a FetchSession request. */
function fetchRequest(session: { sessionId: number; sessionEpoch: number; forget: boolean }, topicId: string, isolationLevel: 0 | 1): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52_428_800,
    isolationLevel,
    sessionId: session.sessionId,
    sessionEpoch: session.sessionEpoch,
    topics: [
      {
        topic: 'orders',
        topicId,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: 3,
            fetchOffset: 42n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1_048_576,
            replicaDirectoryId: ZERO_UUID,
            highWatermark: 9223372036854775807n,
          },
        ],
      },
    ],
    forgottenTopicsData: session.forget ? [{ topic: 'payments', topicId, partitions: [1, 2] }] : [],
    rackId: '',
  };
}

/** OffsetCommit as GroupBase.commit builds it. */
function offsetCommit(groupInstanceId: string | null, topicId: string): (v: number) => unknown {
  return () => {
    const topics: OffsetCommitRequestTopic[] = [
      {
        name: 'orders',
        topicId,
        partitions: [
          { partitionIndex: 0, committedOffset: 43n, committedLeaderEpoch: 3, committedMetadata: null },
          { partitionIndex: 1, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: 'note' },
        ],
      },
    ];
    return { groupId: GROUP, generationIdOrMemberEpoch: 5, memberId: 'member-1', groupInstanceId, retentionTimeMs: -1n, topics };
  };
}

/** OffsetFetch as GroupBase.fetchCommitted builds it for the version it picked. */
function offsetFetch(topicId: string): (v: number) => unknown {
  return (v) => offsetFetchRequest(v, GROUP, [{ name: 'orders', topicId, partitionIndexes: [0, 1] }], true);
}

const subscription = (generationId: number): Buffer =>
  encodeSubscription({ topics: ['orders', 'payments'], userData: null, ownedPartitions: generationId > 0 ? [{ topic: 'orders', partitions: [0] }] : [], generationId, rackId: null });

const consumerHeartbeat = (r: Partial<ConsumerGroupHeartbeatRequest>): ConsumerGroupHeartbeatRequest => ({
  groupId: GROUP,
  memberId: 'kP2Qm1sGRMWl2d2ZsfVqfA',
  memberEpoch: 0,
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: -1,
  subscribedTopicNames: null,
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: null,
  ...r,
});

const upTo = (max: number) => (v: number) => v <= max;

const CLIENT_REQUESTS: ClientRequest[] = [
  // ---- network
  client(ApiVersions, 'src/network/broker-connection.ts negotiate', 'default software name', () => ({ clientSoftwareName: 'kafkaesque', clientSoftwareVersion: '0.1.0' })),
  client(SaslHandshake, 'src/network/broker-connection.ts authenticate', 'SCRAM', () => ({ mechanism: 'SCRAM-SHA-256' })),
  client(SaslAuthenticate, 'src/network/broker-connection.ts authenticate', 'first message', () => ({ authBytes: Buffer.from('n,,n=alice,r=abc') })),
  // ---- cluster
  ...[true, false].flatMap((allowAutoTopicCreation) =>
    [['orders', 'payments'], []].map((names) =>
      client(Metadata, 'src/cluster/cluster.ts doRefresh', `${names.length} topics, allowAutoTopicCreation ${allowAutoTopicCreation}`, () => ({
        topics: names.map((name) => ({ topicId: ZERO_UUID, name })),
        allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      })),
    ),
  ),
  // ---- consumer: offsets and fetching
  ...([0, 1] as const).flatMap((isolationLevel) =>
    [EARLIEST_TIMESTAMP, LATEST_TIMESTAMP].map((timestamp) =>
      client(ListOffsets, 'src/consumer/fetcher.ts listOffset', `isolationLevel ${isolationLevel}, timestamp ${timestamp}`, () => ({
        replicaId: -1,
        isolationLevel,
        timeoutMs: 30_000,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
      })),
    ),
  ),
  ...([0, 1] as const).flatMap((isolationLevel) => [
    client(Fetch, 'src/consumer/fetcher.ts doFetch', `new session (full fetch), topic ids, isolation ${isolationLevel}`, () =>
      fetchRequest({ sessionId: 0, sessionEpoch: 0, forget: false }, TOPIC_ID, isolationLevel),
    ),
    client(
      Fetch,
      'src/consumer/fetcher.ts doFetch',
      `new session (full fetch), no topic ids (stays at v12), isolation ${isolationLevel}`,
      () => fetchRequest({ sessionId: 0, sessionEpoch: 0, forget: false }, ZERO_UUID, isolationLevel),
      upTo(12),
    ),
    // only from v7: below it the response has no SessionId, so FetchSession.handleResponse
    // never opens a session and every request stays a full fetch
    client(
      Fetch,
      'src/consumer/fetcher.ts doFetch',
      `incremental fetch forgetting a topic, topic ids, isolation ${isolationLevel}`,
      () => fetchRequest({ sessionId: 1234, sessionEpoch: 5, forget: true }, TOPIC_ID, isolationLevel),
      (v) => v >= 7,
    ),
  ]),
  // ---- consumer groups: coordinator, classic protocol, offsets
  client(FindCoordinator, 'src/consumer/group-base.ts findCoordinator', 'group', (v) => findCoordinatorRequest(v, CoordinatorKeyType.GROUP, GROUP)),
  ...[null, 'static-1'].flatMap((groupInstanceId) => [
    client(JoinGroup, 'src/consumer/group-classic.ts joinOnce', `first join, groupInstanceId ${groupInstanceId}`, () => ({
      groupId: GROUP,
      sessionTimeoutMs: 45_000,
      rebalanceTimeoutMs: 300_000,
      memberId: '',
      groupInstanceId,
      protocolType: 'consumer',
      protocols: [
        { name: 'cooperative-sticky', metadata: subscription(-1) },
        { name: 'range', metadata: subscription(-1) },
      ],
      reason: null,
    })),
    client(JoinGroup, 'src/consumer/group-classic.ts joinOnce', `rejoin, groupInstanceId ${groupInstanceId}`, () => ({
      groupId: GROUP,
      sessionTimeoutMs: 45_000,
      rebalanceTimeoutMs: 300_000,
      memberId: 'member-1',
      groupInstanceId,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(3) }],
      reason: null,
    })),
    client(SyncGroup, 'src/consumer/group-classic.ts joinOnce', `leader, groupInstanceId ${groupInstanceId}`, () => ({
      groupId: GROUP,
      generationId: 3,
      memberId: 'member-1',
      groupInstanceId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: 'member-1', assignment: encodeAssignment({ assignedPartitions: [{ topic: 'orders', partitions: [0, 1] }], userData: null }) },
        { memberId: 'member-2', assignment: encodeAssignment({ assignedPartitions: [], userData: null }) },
      ],
    })),
    client(SyncGroup, 'src/consumer/group-classic.ts joinOnce', `follower, groupInstanceId ${groupInstanceId}`, () => ({
      groupId: GROUP,
      generationId: 3,
      memberId: 'member-2',
      groupInstanceId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    })),
    client(Heartbeat, 'src/consumer/group-classic.ts heartbeat', `groupInstanceId ${groupInstanceId}`, () => ({
      groupId: GROUP,
      generationId: 3,
      memberId: 'member-1',
      groupInstanceId,
    })),
    client(LeaveGroup, 'src/consumer/group-classic.ts leave', `groupInstanceId ${groupInstanceId}`, (v) =>
      leaveGroupRequest(v, GROUP, { memberId: 'member-1', groupInstanceId, reason: 'the consumer is being closed' }),
    ),
    client(OffsetCommit, 'src/consumer/group-base.ts commit', `topic ids, groupInstanceId ${groupInstanceId}`, offsetCommit(groupInstanceId, TOPIC_ID)),
    client(OffsetCommit, 'src/consumer/group-base.ts commit', `no topic ids (stays at v9), groupInstanceId ${groupInstanceId}`, offsetCommit(groupInstanceId, ZERO_UUID), upTo(9)),
  ]),
  client(OffsetFetch, 'src/consumer/group-base.ts fetchCommitted', 'topic ids', offsetFetch(TOPIC_ID)),
  client(OffsetFetch, 'src/consumer/group-base.ts fetchCommitted', 'no topic ids (stays at v9)', offsetFetch(ZERO_UUID), upTo(9)),
  // ---- consumer groups: the KIP-848 protocol
  ...[null, 'static-1'].flatMap((instanceId) => [
    client(ConsumerGroupHeartbeat, 'src/consumer/group-consumer.ts heartbeat', `join (full), instanceId ${instanceId}`, () =>
      consumerHeartbeat({
        memberEpoch: 0,
        instanceId,
        rebalanceTimeoutMs: 300_000,
        subscribedTopicNames: ['orders', 'payments'],
        serverAssignor: 'uniform',
        topicPartitions: [],
      }),
    ),
    client(ConsumerGroupHeartbeat, 'src/consumer/group-consumer.ts leave', `leave, instanceId ${instanceId}`, () =>
      consumerHeartbeat({ memberEpoch: instanceId !== null ? -2 : -1, instanceId }),
    ),
  ]),
  client(ConsumerGroupHeartbeat, 'src/consumer/group-consumer.ts heartbeat', 'delta, owned partitions changed', () =>
    consumerHeartbeat({ memberEpoch: 7, topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1] }] }),
  ),
  // ---- producer
  client(InitProducerId, 'src/producer/producer-core.ts initProducerIdFrom', 'new producer id', (v) => initProducerIdRequest(v, 60_000, null)),
  client(InitProducerId, 'src/producer/producer-core.ts initProducerIdFrom', 'epoch bump (KIP-360)', (v) =>
    initProducerIdRequest(v, 60_000, { producerId: 4000n, producerEpoch: 2 }),
  ),
  ...([-1, 1, 0] as const).flatMap((acks) => [
    client(Produce, 'src/producer/producer-core.ts produce', `acks ${acks}, idempotent, topic ids`, (): ProduceRequest => ({
      transactionalId: null,
      acks,
      timeoutMs: 30_000,
      topicData: [{ name: 'orders', topicId: TOPIC_ID, partitionData: [{ index: 0, records: producerBatch(true) }] }],
    })),
    client(
      Produce,
      'src/producer/producer-core.ts produce',
      `acks ${acks}, not idempotent, no topic ids (stays at v12)`,
      (): ProduceRequest => ({
        transactionalId: null,
        acks,
        timeoutMs: 30_000,
        topicData: [{ name: 'orders', topicId: ZERO_UUID, partitionData: [{ index: 0, records: producerBatch(false) }] }],
      }),
      upTo(12),
    ),
  ]),
];

/**
 * Client-built values a version cannot carry, keyed `<API> <variant>`: the versions (spec
 * style) where both we and Kafka refuse, and why that is right. The client then fails the
 * request with a ProtocolEncodeError rather than sending something else than it meant.
 */
const EXPECTED_REFUSALS: Record<string, { versions: string; reason: string }> = {
  'Metadata 2 topics, allowAutoTopicCreation false': {
    versions: '0-3',
    reason: 'AllowAutoTopicCreation exists from v4; a v0-3 broker always auto-creates, which the option forbids',
  },
  'Metadata 0 topics, allowAutoTopicCreation false': {
    versions: '0-3',
    reason: 'AllowAutoTopicCreation exists from v4; a v0-3 broker always auto-creates, which the option forbids',
  },
  'ListOffsets isolationLevel 1, timestamp -2': {
    versions: '1',
    reason: 'IsolationLevel exists from v2; v1 cannot ask for read_committed offsets',
  },
  'ListOffsets isolationLevel 1, timestamp -1': {
    versions: '1',
    reason: 'IsolationLevel exists from v2; v1 cannot ask for the last stable offset (read_committed)',
  },
  'JoinGroup first join, groupInstanceId static-1': {
    versions: '0-4',
    reason: 'GroupInstanceId (static membership, KIP-345) exists from JoinGroup v5',
  },
  'JoinGroup rejoin, groupInstanceId static-1': {
    versions: '0-4',
    reason: 'GroupInstanceId (static membership, KIP-345) exists from JoinGroup v5',
  },
  'SyncGroup leader, groupInstanceId static-1': { versions: '0-2', reason: 'GroupInstanceId (KIP-345) exists from SyncGroup v3' },
  'SyncGroup follower, groupInstanceId static-1': { versions: '0-2', reason: 'GroupInstanceId (KIP-345) exists from SyncGroup v3' },
  'Heartbeat groupInstanceId static-1': { versions: '0-2', reason: 'GroupInstanceId (KIP-345) exists from Heartbeat v3' },
  'OffsetCommit topic ids, groupInstanceId static-1': { versions: '2-6', reason: 'GroupInstanceId (KIP-345) exists from OffsetCommit v7' },
  'OffsetCommit no topic ids (stays at v9), groupInstanceId static-1': {
    versions: '2-6',
    reason: 'GroupInstanceId (KIP-345) exists from OffsetCommit v7',
  },
};

function versionSet(spec: string): (v: number) => boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (!m) throw new Error(`bad version spec '${spec}'`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return (v) => v >= lo && v <= hi;
}

let oracle: JavaOracle;
beforeAll(async () => {
  oracle = await sharedOracle();
}, 180_000);
afterAll(closeSharedOracle);

/**
 * Kafka writes our value at `v`. Its JsonConverter refuses a struct the read version lacks even
 * at its default, so where that is the only complaint the JSON is read as the codec's newest
 * version instead (and still written at `v`, where Kafka's write checks what `v` can carry).
 */
async function javaWrites(message: string, codec: AnyCodec, v: number, value: unknown): Promise<Buffer | OracleError> {
  const json = toJavaJson(value);
  const attempt = (readVersion?: number) =>
    oracle.encode(message, v, json, readVersion).catch((e: unknown) => {
      if (e instanceof OracleError) return e;
      throw e;
    });
  const first = await attempt();
  if (first instanceof OracleError && /Can't read version/.test(first.javaError)) return attempt(codec.maxVersion);
  return first;
}

test('every request API the client sends has a case', () => {
  const sent = new Set(CLIENT_REQUESTS.map((c) => c.codec.name));
  expect([...sent].sort()).toEqual(
    [
      'ApiVersions',
      'ConsumerGroupHeartbeat',
      'Fetch',
      'FindCoordinator',
      'Heartbeat',
      'InitProducerId',
      'JoinGroup',
      'LeaveGroup',
      'ListOffsets',
      'Metadata',
      'OffsetCommit',
      'OffsetFetch',
      'Produce',
      'SaslAuthenticate',
      'SaslHandshake',
      'SyncGroup',
    ].sort(),
  );
  const keys = new Set(CLIENT_REQUESTS.map((c) => `${c.codec.name} ${c.variant}`));
  expect(keys.size).toBe(CLIENT_REQUESTS.length);
  expect(Object.keys(EXPECTED_REFUSALS).filter((k) => !keys.has(k))).toEqual([]);
});

describe.each(CLIENT_REQUESTS.map((c) => [`${c.codec.name} ${c.variant}`, c.source, c] as const))('%s (%s)', (key, _source, c) => {
  const message = `${c.codec.name}Request`;
  const versions: number[] = [];
  for (let v = c.codec.minVersion; v <= c.codec.maxVersion; v++) if (!c.versions || c.versions(v)) versions.push(v);
  const refusal = EXPECTED_REFUSALS[key];
  const refused = refusal ? versionSet(refusal.versions) : () => false;

  test(`v${versions[0]}-${versions[versions.length - 1]}: Kafka reads our bytes as our value, and writes the same bytes`, async () => {
    const problems: string[] = [];
    for (const v of versions) {
      const value = c.build(v);
      let ours: Buffer | Error;
      try {
        ours = encodeWith(c.codec, 'request', value, v);
      } catch (e) {
        ours = e as Error;
      }
      const java = await javaWrites(message, c.codec, v, value);
      if (ours instanceof Error) {
        if (!(ours instanceof ProtocolEncodeError)) problems.push(`v${v}: ours throws a ${ours.name}: ${ours.message}`);
        else if (!(java instanceof OracleError)) problems.push(`v${v}: ours refuses (${ours.message}), Kafka writes it`);
        else if (!refused(v)) problems.push(`v${v}: refused by both (ours: ${ours.message}); not in EXPECTED_REFUSALS`);
        continue;
      }
      if (refused(v)) problems.push(`v${v}: EXPECTED_REFUSALS says refused here, but ours writes it`);
      if (java instanceof OracleError) {
        problems.push(`v${v}: Kafka refuses (${java.javaError}), ours writes it: a field this version lacks was dropped`);
        continue;
      }
      try {
        expectSameBytes(ours, java, 'our bytes');
        const back = await oracle.decode(message, v, ours);
        expectSameAsJava(value, back.json);
        expectSameBytes(back.bytes, ours, "Kafka's re-serialization of our bytes");
      } catch (e) {
        problems.push(`v${v}: ${e instanceof OracleError ? e.javaError : (e as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
