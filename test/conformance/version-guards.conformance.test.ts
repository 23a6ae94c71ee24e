/**
 * Every `fieldNotInVersion` guard of protocol/ exercised (issue 13, item 3).
 *
 * A guard refuses to encode a value that sets a field the chosen version cannot carry, where
 * dropping it would change the meaning (Heartbeat below v3 cannot carry GroupInstanceId:
 * dropping it would silently turn a static member into a dynamic one). For each guard and
 * each version of the codec's range this test encodes:
 *  - a value with the field at its default: must encode, and Kafka's Java class must read
 *    our bytes as that value and write them back unchanged (so the guard is not over-eager);
 *  - the same value with the field set: outside the field's versions, a ProtocolEncodeError
 *    naming the field, and Kafka's Java class must refuse to write it too; inside them, it
 *    must encode and Java must read it back as above.
 *
 * The guards are found by reading the protocol sources: every `fieldNotInVersion(<message>,
 * '<field>', ...)` call site must have a case in GUARDS (keyed `<message>: <field>`) and every
 * case must match a call site, so a new guard without a test fails this suite.
 *
 * Base values come from Kafka itself: a new `<Message>Data` (every field at its default)
 * serialized by Java at the version and decoded by our codec; `setup` adds the elements
 * a nested field lives in.
 */
import * as fs from 'fs';
import * as path from 'path';
import { type ApiCodec, ZERO_UUID } from '../../protocol/api.js';
import { ProtocolEncodeError } from '../../protocol/errors.js';
import { ConsumerGroupHeartbeat } from '../../protocol/messages/consumer-group-heartbeat.js';
import { DescribeGroups, type DescribedGroup } from '../../protocol/messages/describe-groups.js';
import { Fetch, type FetchPartitionData, type FetchRequest } from '../../protocol/messages/fetch.js';
import { FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { JoinGroup } from '../../protocol/messages/join-group.js';
import { LeaveGroup } from '../../protocol/messages/leave-group.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { Metadata, type MetadataResponseTopic } from '../../protocol/messages/metadata.js';
import { OffsetCommit } from '../../protocol/messages/offset-commit.js';
import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import { Produce, type ProduceResponse } from '../../protocol/messages/produce.js';
import { SyncGroup } from '../../protocol/messages/sync-group.js';
import { decodeWith, encodeWith, loadApiCodecs } from './codecs.js';
import { closeSharedOracle, expectSameAsJava, expectSameBytes, sharedOracle, toJavaJson } from './harness.js';
import { JavaOracle, type JsonValue, OracleError } from './oracle.js';

const PROTOCOL_DIR = path.resolve(__dirname, '..', '..', 'protocol');
const INT64_MAX = 9223372036854775807n;

// ------------------------------------------------------------------ the call sites

interface CallSite {
  message: string;
  field: string;
  where: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every `fieldNotInVersion(message, 'field', version)` call in protocol/, message constants resolved. */
function guardCallSites(): CallSite[] {
  const sites: CallSite[] = [];
  for (const file of sourceFiles(PROTOCOL_DIR)) {
    const src = fs.readFileSync(file, 'utf8');
    const consts = new Map([...src.matchAll(/\bconst\s+([A-Za-z_]\w*)\s*=\s*'([^']*)'/g)].map((m) => [m[1], m[2]]));
    const rel = path.relative(path.resolve(PROTOCOL_DIR, '..'), file);
    for (const m of src.matchAll(/\bfieldNotInVersion\s*\(/g)) {
      const at = m.index!;
      const line = src.slice(0, at).split('\n').length;
      if (/\bfunction\s+$/.test(src.slice(Math.max(0, at - 20), at))) continue; // the definition
      const call = /^fieldNotInVersion\s*\(\s*(?:'([^']*)'|([A-Za-z_]\w*))\s*,\s*'([^']*)'\s*,/.exec(src.slice(at));
      const message = call ? (call[1] ?? consts.get(call[2])) : undefined;
      if (!call || message === undefined) {
        throw new Error(
          `${rel}:${line}: cannot read this fieldNotInVersion call (write it as fieldNotInVersion(<string or const>, '<field>', v)): ` +
            src.slice(at, at + 100).split('\n')[0],
        );
      }
      sites.push({ message, field: call[3], where: `${rel}:${line}` });
    }
  }
  return sites;
}

// ------------------------------------------------------------------ the cases

/** Spec-style version set ("3+", "0-3", "8-10") as a predicate. */
function versionsOf(spec: string): (v: number) => boolean {
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return (v) => v >= Number(plus[1]);
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return (v) => v >= Number(range[1]) && v <= Number(range[2]);
  throw new Error(`bad version spec '${spec}'`);
}

interface GuardCase {
  codec: ApiCodec<unknown, unknown>;
  side: 'request' | 'response';
  /** Versions (spec style) in which the set value can be carried. */
  carriedIn: string;
  /** Versions (spec style) this guard is tested at; default: the codec's range (another guard may own the rest). */
  testedIn?: string;
  /** Adds what the field lives in (an array element, ...) with the field at its default. */
  setup?: (m: never, v: number) => void;
  /** Sets the field to a value only `carriedIn` versions can carry. */
  set: (m: never, v: number) => void;
}

type Spec<T> = { carriedIn: string; testedIn?: string; setup?: (m: T, v: number) => void; set: (m: T, v: number) => void };

function request<Req, Res>(codec: ApiCodec<Req, Res>, spec: Spec<Req>): GuardCase {
  return { ...spec, codec: codec as ApiCodec<unknown, unknown>, side: 'request' } as GuardCase;
}

function response<Req, Res>(codec: ApiCodec<Req, Res>, spec: Spec<Res>): GuardCase {
  return { ...spec, codec: codec as ApiCodec<unknown, unknown>, side: 'response' } as GuardCase;
}

const describedGroup = (): DescribedGroup => ({
  errorCode: 0,
  errorMessage: null,
  groupId: 'g',
  groupState: 'Stable',
  protocolType: 'consumer',
  protocolData: 'range',
  members: [],
  authorizedOperations: -2147483648,
});

const metadataTopic = (): MetadataResponseTopic => ({
  errorCode: 0,
  name: 't',
  topicId: ZERO_UUID,
  isInternal: false,
  partitions: [],
  topicAuthorizedOperations: -2147483648,
});

const fetchPartitionData = (): FetchPartitionData => ({
  partitionIndex: 0,
  errorCode: 0,
  highWatermark: 10n,
  lastStableOffset: -1n,
  logStartOffset: -1n,
  divergingEpoch: { epoch: -1, endOffset: -1n },
  currentLeader: { leaderId: -1, leaderEpoch: -1 },
  snapshotId: { endOffset: -1n, epoch: -1 },
  abortedTransactions: null,
  preferredReadReplica: -1,
  records: null,
});

const fetchTopic = (): FetchRequest['topics'][number] => ({
  topic: 't',
  topicId: ZERO_UUID,
  partitions: [
    {
      partition: 0,
      currentLeaderEpoch: -1,
      fetchOffset: 0n,
      lastFetchedEpoch: -1,
      logStartOffset: -1n,
      partitionMaxBytes: 1024,
      replicaDirectoryId: ZERO_UUID,
      highWatermark: INT64_MAX,
    },
  ],
});

const producePartition = (): ProduceResponse['responses'][number] => ({
  name: 't',
  topicId: ZERO_UUID,
  partitionResponses: [
    {
      index: 0,
      errorCode: 0,
      baseOffset: 0n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: null,
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
    },
  ],
});

/** One case per guard, keyed `<message>: <field>` exactly as the call site names them. */
const GUARDS: Record<string, GuardCase> = {
  // ---- FindCoordinator
  'FindCoordinatorRequest: Key (use CoordinatorKeys)': request(FindCoordinator, { carriedIn: '0-3', set: (m) => void (m.key = 'g') }),
  'FindCoordinatorRequest: KeyType': request(FindCoordinator, { carriedIn: '1+', set: (m) => void (m.keyType = 1) }),
  'FindCoordinatorRequest: CoordinatorKeys (use Key)': request(FindCoordinator, { carriedIn: '4+', set: (m) => void (m.coordinatorKeys = ['g']) }),
  'FindCoordinatorResponse: a top-level ErrorCode (use Coordinators)': response(FindCoordinator, { carriedIn: '0-3', set: (m) => void (m.errorCode = 15) }),
  'FindCoordinatorResponse: a top-level NodeId (use Coordinators)': response(FindCoordinator, { carriedIn: '0-3', set: (m) => void (m.nodeId = 1) }),
  'FindCoordinatorResponse: a top-level Host (use Coordinators)': response(FindCoordinator, { carriedIn: '0-3', set: (m) => void (m.host = 'broker-1') }),
  'FindCoordinatorResponse: a top-level Port (use Coordinators)': response(FindCoordinator, { carriedIn: '0-3', set: (m) => void (m.port = 9092) }),
  'FindCoordinatorResponse: Coordinators': response(FindCoordinator, {
    carriedIn: '4+',
    set: (m) => void (m.coordinators = [{ key: 'g', nodeId: 1, host: 'broker-1', port: 9092, errorCode: 0, errorMessage: null }]),
  }),
  // ---- DescribeGroups
  'DescribeGroupsRequest: IncludeAuthorizedOperations': request(DescribeGroups, { carriedIn: '3+', set: (m) => void (m.includeAuthorizedOperations = true) }),
  'DescribeGroupsResponse: ErrorMessage': response(DescribeGroups, {
    carriedIn: '6+',
    setup: (m) => void (m.groups = [describedGroup()]),
    set: (m) => void (m.groups[0].errorMessage = 'the group is gone'),
  }),
  'DescribeGroupsResponse: AuthorizedOperations': response(DescribeGroups, {
    carriedIn: '3+',
    setup: (m) => void (m.groups = [describedGroup()]),
    set: (m) => void (m.groups[0].authorizedOperations = 0b1000),
  }),
  // ---- static membership (KIP-345) and the classic group APIs
  'HeartbeatRequest: GroupInstanceId': request(Heartbeat, { carriedIn: '3+', set: (m) => void (m.groupInstanceId = 'static-1') }),
  'SyncGroupRequest: GroupInstanceId': request(SyncGroup, { carriedIn: '3+', set: (m) => void (m.groupInstanceId = 'static-1') }),
  'JoinGroupRequest: GroupInstanceId': request(JoinGroup, { carriedIn: '5+', set: (m) => void (m.groupInstanceId = 'static-1') }),
  'OffsetCommitRequest: GroupInstanceId': request(OffsetCommit, { carriedIn: '7+', set: (m) => void (m.groupInstanceId = 'static-1') }),
  'JoinGroupResponse: a null ProtocolName': response(JoinGroup, { carriedIn: '7+', set: (m) => void (m.protocolName = null) }),
  'JoinGroupResponse: SkipAssignment=true': response(JoinGroup, { carriedIn: '9+', set: (m) => void (m.skipAssignment = true) }),
  'LeaveGroupRequest: a top-level MemberId (use Members)': request(LeaveGroup, { carriedIn: '0-2', set: (m) => void (m.memberId = 'member-1') }),
  'LeaveGroupRequest: Members (use MemberId)': request(LeaveGroup, {
    carriedIn: '3+',
    set: (m) => void (m.members = [{ memberId: 'member-1', groupInstanceId: null, reason: null }]),
  }),
  'LeaveGroupResponse: Members': response(LeaveGroup, {
    carriedIn: '3+',
    set: (m) => void (m.members = [{ memberId: 'member-1', groupInstanceId: null, errorCode: 0 }]),
  }),
  'ConsumerGroupHeartbeatRequest: SubscribedTopicRegex': request(ConsumerGroupHeartbeat, { carriedIn: '1+', set: (m) => void (m.subscribedTopicRegex = 'orders-.*') }),
  // ---- InitProducerId (v6 is beyond the codec's maxVersion: only the refusals are tested)
  'InitProducerIdRequest: ProducerId': request(InitProducerId, { carriedIn: '3+', set: (m) => void (m.producerId = 1000n) }),
  'InitProducerIdRequest: ProducerEpoch': request(InitProducerId, { carriedIn: '3+', set: (m) => void (m.producerEpoch = 5) }),
  'InitProducerIdRequest: Enable2Pc': request(InitProducerId, { carriedIn: '6+', set: (m) => void (m.enable2Pc = true) }),
  'InitProducerIdRequest: KeepPreparedTxn': request(InitProducerId, { carriedIn: '6+', set: (m) => void (m.keepPreparedTxn = true) }),
  'InitProducerIdResponse: OngoingTxnProducerId': response(InitProducerId, { carriedIn: '6+', set: (m) => void (m.ongoingTxnProducerId = 1000n) }),
  'InitProducerIdResponse: OngoingTxnProducerEpoch': response(InitProducerId, { carriedIn: '6+', set: (m) => void (m.ongoingTxnProducerEpoch = 5) }),
  // ---- Produce
  'ProduceResponse: CurrentLeader': response(Produce, {
    carriedIn: '10+',
    setup: (m) => void (m.responses = [producePartition()]),
    set: (m) => void (m.responses[0].partitionResponses[0].currentLeader = { leaderId: 2, leaderEpoch: 7 }),
  }),
  'ProduceResponse: NodeEndpoints': response(Produce, {
    carriedIn: '10+',
    set: (m) => void (m.nodeEndpoints = [{ nodeId: 2, host: 'broker-2', port: 9092, rack: null }]),
  }),
  // ---- ListOffsets
  'ListOffsetsRequest: IsolationLevel': request(ListOffsets, { carriedIn: '2+', set: (m) => void (m.isolationLevel = 1) }),
  'ListOffsetsResponse: LeaderEpoch': response(ListOffsets, {
    carriedIn: '4+',
    setup: (m) =>
      void (m.topics = [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 5n, leaderEpoch: -1 }] }]),
    set: (m) => void (m.topics[0].partitions[0].leaderEpoch = 3),
  }),
  // ---- Metadata
  'MetadataRequest: a null Topics array (all topics: send [] in v0)': request(Metadata, { carriedIn: '1+', set: (m) => void (m.topics = null) }),
  'MetadataRequest: a null topic Name': request(Metadata, {
    carriedIn: '10+',
    setup: (m) => void (m.topics = [{ topicId: ZERO_UUID, name: 't' }]),
    set: (m) => void (m.topics![0].name = null),
  }),
  'MetadataRequest: AllowAutoTopicCreation=false': request(Metadata, { carriedIn: '4+', set: (m) => void (m.allowAutoTopicCreation = false) }),
  'MetadataRequest: IncludeClusterAuthorizedOperations': request(Metadata, { carriedIn: '8-10', set: (m) => void (m.includeClusterAuthorizedOperations = true) }),
  'MetadataRequest: IncludeTopicAuthorizedOperations': request(Metadata, { carriedIn: '8+', set: (m) => void (m.includeTopicAuthorizedOperations = true) }),
  'MetadataResponse: a null topic Name': response(Metadata, {
    carriedIn: '12+',
    setup: (m) => void (m.topics = [metadataTopic()]),
    set: (m) => void (m.topics[0].name = null),
  }),
  'MetadataResponse: TopicAuthorizedOperations': response(Metadata, {
    carriedIn: '8+',
    setup: (m) => void (m.topics = [metadataTopic()]),
    set: (m) => void (m.topics[0].topicAuthorizedOperations = 0b1000),
  }),
  'MetadataResponse: ClusterAuthorizedOperations': response(Metadata, { carriedIn: '8-10', set: (m) => void (m.clusterAuthorizedOperations = 0b1000) }),
  // ---- OffsetFetch: v8 moved everything into Groups (KIP-709)
  'OffsetFetchRequest: a null Topics array (all topics)': request(OffsetFetch, { testedIn: '0-7', carriedIn: '2-7', set: (m) => void (m.topics = null) }),
  'OffsetFetchRequest: a top-level GroupId (use Groups)': request(OffsetFetch, { carriedIn: '0-7', set: (m) => void (m.groupId = 'g') }),
  'OffsetFetchRequest: top-level Topics (use Groups)': request(OffsetFetch, {
    carriedIn: '0-7',
    set: (m) => void (m.topics = [{ name: 't', partitionIndexes: [0] }]),
  }),
  'OffsetFetchRequest: Groups (use GroupId and Topics)': request(OffsetFetch, {
    carriedIn: '8+',
    set: (m) => void (m.groups = [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }]),
  }),
  'OffsetFetchRequest: RequireStable=true': request(OffsetFetch, { carriedIn: '7+', set: (m) => void (m.requireStable = true) }),
  'OffsetFetchResponse: top-level Topics (use Groups)': response(OffsetFetch, { carriedIn: '0-7', set: (m) => void (m.topics = [{ name: 't', partitions: [] }]) }),
  'OffsetFetchResponse: Groups': response(OffsetFetch, { carriedIn: '8+', set: (m) => void (m.groups = [{ groupId: 'g', topics: [], errorCode: 0 }]) }),
  // ---- Fetch
  'FetchRequest: ReplicaId (use ReplicaState)': request(Fetch, { carriedIn: '0-14', set: (m) => void (m.replicaId = 1) }),
  'FetchRequest: LastFetchedEpoch': request(Fetch, {
    carriedIn: '12+',
    setup: (m) => void (m.topics = [fetchTopic()]),
    set: (m) => void (m.topics[0].partitions[0].lastFetchedEpoch = 3),
  }),
  'FetchRequest: ForgottenTopicsData': request(Fetch, {
    carriedIn: '7+',
    set: (m) => void (m.forgottenTopicsData = [{ topic: 't', topicId: ZERO_UUID, partitions: [0] }]),
  }),
  'FetchRequest: ReplicaState': request(Fetch, { carriedIn: '15+', set: (m) => void (m.replicaState = { replicaId: 1, replicaEpoch: 3n }) }),
  'FetchResponse: DivergingEpoch': response(Fetch, {
    carriedIn: '12+',
    setup: (m) => void (m.responses = [{ topic: 't', topicId: ZERO_UUID, partitions: [fetchPartitionData()] }]),
    set: (m) => void (m.responses[0].partitions[0].divergingEpoch = { epoch: 4, endOffset: 100n }),
  }),
  'FetchResponse: CurrentLeader': response(Fetch, {
    carriedIn: '12+',
    setup: (m) => void (m.responses = [{ topic: 't', topicId: ZERO_UUID, partitions: [fetchPartitionData()] }]),
    set: (m) => void (m.responses[0].partitions[0].currentLeader = { leaderId: 2, leaderEpoch: 7 }),
  }),
  'FetchResponse: SnapshotId': response(Fetch, {
    carriedIn: '12+',
    setup: (m) => void (m.responses = [{ topic: 't', topicId: ZERO_UUID, partitions: [fetchPartitionData()] }]),
    set: (m) => void (m.responses[0].partitions[0].snapshotId = { endOffset: 100n, epoch: 4 }),
  }),
  'FetchResponse: NodeEndpoints': response(Fetch, {
    carriedIn: '16+',
    set: (m) => void (m.nodeEndpoints = [{ nodeId: 2, host: 'broker-2', port: 9092, rack: null }]),
  }),
  'FetchResponse: SessionId': response(Fetch, { carriedIn: '7+', set: (m) => void (m.sessionId = 7) }),
  'FetchResponse: PreferredReadReplica': response(Fetch, {
    carriedIn: '11+',
    setup: (m) => void (m.responses = [{ topic: 't', topicId: ZERO_UUID, partitions: [fetchPartitionData()] }]),
    set: (m) => void (m.responses[0].partitions[0].preferredReadReplica = 2),
  }),
};

// ------------------------------------------------------------------ the tests

const SITES = guardCallSites();

let oracle: JavaOracle;
beforeAll(async () => {
  oracle = await sharedOracle();
}, 180_000);
afterAll(closeSharedOracle);

test('every fieldNotInVersion call site has a case, and every case a call site', () => {
  expect(SITES.length).toBeGreaterThanOrEqual(50);
  const keys = new Set(SITES.map((s) => `${s.message}: ${s.field}`));
  const dup = SITES.filter((s, i) => SITES.findIndex((t) => t.message === s.message && t.field === s.field) !== i);
  expect(dup.map((s) => `${s.where} repeats ${s.message}: ${s.field}`)).toEqual([]);
  const untested = SITES.filter((s) => !(`${s.message}: ${s.field}` in GUARDS)).map((s) => `${s.where}: ${s.message}: ${s.field}`);
  expect(untested).toEqual([]);
  expect(Object.keys(GUARDS).filter((k) => !keys.has(k))).toEqual([]);
  for (const [key, c] of Object.entries(GUARDS)) expect(`${key.split(':')[0]}`).toBe(`${c.codec.name}${c.side === 'request' ? 'Request' : 'Response'}`);
});

/** Our base value at `v`: Kafka's all-defaults message, decoded by our codec, then `setup`. */
async function baseValue(c: GuardCase, message: string, v: number): Promise<() => unknown> {
  const { bytes } = await oracle.defaults(message, v);
  return () => {
    const m = decodeWith(c.codec, c.side, bytes, v);
    c.setup?.(m as never, v);
    return m;
  };
}

/**
 * Java's JSON for our `value` at a version: `toJavaJson(value)` less the keys the version does
 * not have (absent from `javaBase`, Java's own JSON of the base value) that still hold the
 * base value. Kafka's JsonConverter refuses a struct of a version that lacks it even at its
 * default, so such keys must go; the field under test, changed from the base, stays.
 */
function projectForJava(ours: JsonValue, base: JsonValue, javaBase: JsonValue): JsonValue {
  if (Array.isArray(ours)) {
    const b = Array.isArray(base) ? base : [];
    const j = Array.isArray(javaBase) ? javaBase : [];
    return ours.map((x, i) => projectForJava(x, b[i] ?? null, j[i] ?? null));
  }
  if (ours === null || typeof ours !== 'object' || javaBase === null || typeof javaBase !== 'object' || Array.isArray(javaBase)) return ours;
  const b = base !== null && typeof base === 'object' && !Array.isArray(base) ? base : {};
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(ours)) {
    if (k in javaBase) out[k] = projectForJava(v, b[k] ?? null, javaBase[k]);
    else if (JSON.stringify(v) !== JSON.stringify(b[k])) out[k] = v;
  }
  return out;
}

/** Java decodes our bytes to what we meant (its JSON matches our value) and re-serializes them unchanged. */
async function expectJavaReads(message: string, v: number, value: unknown, ours: Buffer, what: string): Promise<JsonValue> {
  const back = await oracle.decode(message, v, ours).catch((e: unknown) => {
    throw new Error(`${message} v${v} (${what}): Java cannot decode our bytes: ${e instanceof OracleError ? e.javaError : String(e)}`);
  });
  try {
    expectSameAsJava(value, back.json);
    expectSameBytes(back.bytes, ours, "Java's re-serialization");
  } catch (e) {
    throw new Error(`${message} v${v} (${what}): ${(e as Error).message}`);
  }
  return back.json;
}

// every case, with or without its call site (a deleted guard then fails here too), and every call site
const KEYS = [...new Set([...Object.keys(GUARDS), ...SITES.map((s) => `${s.message}: ${s.field}`)])].map(
  (key) => [key, SITES.find((s) => `${s.message}: ${s.field}` === key)?.where ?? 'no call site'] as const,
);

describe.each(KEYS)('%s (%s)', (key) => {
  const c = GUARDS[key];
  const message = key.split(':')[0];
  const field = key.slice(message.length + 2);
  if (c === undefined) {
    test.skip('no case (see the first test)', () => {});
    return;
  }
  const carried = versionsOf(c.carriedIn);
  const tested = c.testedIn ? versionsOf(c.testedIn) : () => true;
  const versions: number[] = [];
  for (let v = c.codec.minVersion; v <= c.codec.maxVersion; v++) if (tested(v)) versions.push(v);

  test(`refused outside v${c.carriedIn}, carried inside it, at v${versions[0]}-${versions[versions.length - 1]}; Java agrees`, async () => {
    const refusedAt: number[] = [];
    for (const v of versions) {
      const fresh = await baseValue(c, message, v);
      // the field at its default: encodes, and Java reads back the same value and bytes
      const base = fresh();
      const ours = encodeWith(c.codec, c.side, base, v);
      const javaBase = await expectJavaReads(message, v, base, ours, 'field at its default');

      const set = fresh();
      c.set(set as never, v);
      if (carried(v)) {
        await expectJavaReads(message, v, set, encodeWith(c.codec, c.side, set, v), `${field} set`);
        continue;
      }
      refusedAt.push(v);
      let thrown: unknown;
      try {
        encodeWith(c.codec, c.side, set, v);
      } catch (e) {
        thrown = e;
      }
      if (thrown === undefined) {
        throw new Error(`${message} v${v}: the value with ${field} set encoded without error; the guard is missing`);
      }
      expect(thrown).toBeInstanceOf(ProtocolEncodeError);
      expect((thrown as Error).message).toContain(`${message} v${v} cannot carry ${field}`);
      // Kafka's class refuses the same value at this version
      const json = projectForJava(toJavaJson(set), toJavaJson(base), javaBase);
      const java = await oracle.encode(message, v, json).catch((e: unknown) => e);
      if (!(java instanceof OracleError)) {
        throw new Error(
          `${message} v${v}: ours refuses ${field}, but Java writes it: ${Buffer.isBuffer(java) ? java.toString('hex') : String(java)}\n  JSON: ${JSON.stringify(json)}`,
        );
      }
    }
    // a case whose carriedIn covers every tested version would test no refusal
    expect(refusedAt.length).toBeGreaterThan(0);
  });
});

// ------------------------------------------------------------------ across versions

/**
 * The guards from the other side: a random message of one version (Kafka's generator, no
 * unknown tags) written at every other version of the codec's range, by Kafka (read at the
 * first, written at the second) and by us (decoded at the first, encoded at the second).
 * Kafka refuses where a non-ignorable field the target version lacks holds a non-default
 * value; we must refuse exactly there (a ProtocolEncodeError), and elsewhere write Kafka's
 * bytes (an ignorable field is dropped by both). A guard missing from protocol/ shows here as
 * "Kafka refuses, ours writes". Sources: the lowest and the highest version (fields removed
 * and fields added along the way).
 */
const CROSS_SEEDS = 8;
const crossCounts = { refusedByBoth: 0, writtenByBoth: 0 };

describe.each(loadApiCodecs().flatMap(({ codec }) => (['request', 'response'] as const).map((side) => [codec, side] as const)))(
  'across versions: %s %s',
  (codec, side) => {
    const message = `${codec.name}${side === 'request' ? 'Request' : 'Response'}`;
    test(`${message}: written at each other version, ours refuses where Kafka refuses and writes Kafka's bytes elsewhere`, async () => {
      const problems: string[] = [];
      for (const from of [...new Set([codec.minVersion, codec.maxVersion])]) {
        const seeds = Array.from({ length: CROSS_SEEDS }, (_, i) => 7000 + i);
        const randoms = await Promise.all(seeds.map((seed) => oracle.random(message, from, seed, { unknownTags: false })));
        for (let to = codec.minVersion; to <= codec.maxVersion; to++) {
          if (to === from) continue;
          const javas = await Promise.all(
            randoms.map((r) => oracle.convert(message, from, to, r.bytes).catch((e: unknown) => (e instanceof OracleError ? e : Promise.reject(e)))),
          );
          for (let i = 0; i < seeds.length; i++) {
            const ctx = `${message} seed ${seeds[i]} v${from} -> v${to}`;
            const value = decodeWith(codec, side, randoms[i].bytes, from);
            let ours: Buffer | Error;
            try {
              ours = encodeWith(codec, side, value, to);
            } catch (e) {
              ours = e as Error;
            }
            const java = javas[i];
            if (java instanceof OracleError) {
              if (ours instanceof Error) crossCounts.refusedByBoth++;
              if (!(ours instanceof Error)) problems.push(`${ctx}: Kafka refuses (${java.javaError}), ours writes it`);
              else if (!(ours instanceof ProtocolEncodeError)) problems.push(`${ctx}: Kafka refuses (${java.javaError}), ours throws a ${ours.name}: ${ours.message}`);
            } else if (ours instanceof Error) {
              problems.push(`${ctx}: ours refuses (${ours.message}), Kafka writes ${java.length} bytes`);
            } else if (ours.equals(java)) {
              crossCounts.writtenByBoth++;
            } else {
              try {
                expectSameBytes(ours, java, 'our bytes');
              } catch (e) {
                problems.push(`${ctx}: ${(e as Error).message}`);
              }
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });
  },
);

test('across versions: both outcomes were exercised (refused by both, written by both)', () => {
  expect(crossCounts.refusedByBoth).toBeGreaterThan(100);
  expect(crossCounts.writtenByBoth).toBeGreaterThan(1000);
});
