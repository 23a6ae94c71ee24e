/**
 * Captures the fuzz corpus from the real broker: `node scripts/fuzz/capture.mjs` (which runs this
 * file through jest, so the broker is started as for `npm test`). Not a test of its own: the name
 * does not end in `.test.ts`, so `npm test` never runs it.
 *
 * It records every response frame a BrokerConnection receives while the real client works: a
 * topic created, records produced with every codec (idempotent and not, acks 1 and all), read
 * back by a classic group consumer, a KIP-848 consumer and a partition consumer (FindCoordinator,
 * JoinGroup, SyncGroup, Heartbeat, OffsetFetch, OffsetCommit, ListOffsets, Fetch, LeaveGroup,
 * ConsumerGroupHeartbeat), plus ApiVersions, Metadata, DescribeGroups, OffsetForLeaderEpoch and
 * CreatePartitions at every version (with error answers: unknown topics and groups, a name the
 * broker refuses, a partition count that does not grow, a replica assignment naming no broker) and
 * SaslHandshake/SaslAuthenticate answered on a plaintext listener. The workloads run three times:
 * at the newest versions both sides speak, at the oldest, and at the last non-flexible one, so
 * classic and compact encodings are both captured. Per API and version it keeps up to three frames (the smallest, the largest under 48 KiB, one in
 * between) and writes them to test/fixtures/fuzz/corpus/.
 */
import type { ApiCodec } from '../../protocol/api.js';
import { ApiVersions } from '../../protocol/messages/api-versions.js';
import { CreatePartitions } from '../../protocol/messages/create-partitions.js';
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { OffsetForLeaderEpoch } from '../../protocol/messages/offset-for-leader-epoch.js';
import { SaslAuthenticate } from '../../protocol/messages/sasl-authenticate.js';
import { SaslHandshake } from '../../protocol/messages/sasl-handshake.js';
import { ZERO_UUID } from '../../protocol/api.js';
import { Config, OffsetOldest, type ConfigOptions } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { type CorpusEntry, saveCorpus } from './corpus.js';

jest.setTimeout(240_000);

type Mode = 'newest' | 'oldest' | 'non-flexible';
const { bootstrap, host, port } = brokerAddress();
const frames: CorpusEntry[] = [];
const MAX_FRAME = 48 * 1024;

interface PendingLike {
  codec: ApiCodec<unknown, unknown>;
  version: number;
}
type ConnectionInternals = {
  pending: Map<number, PendingLike>;
  onFrame(frame: Buffer): void;
  versionFor(codec: ApiCodec<unknown, unknown>): number;
  brokerRange(apiKey: number): { minVersion: number; maxVersion: number } | undefined;
};
const proto = BrokerConnection.prototype as unknown as ConnectionInternals;
const originalOnFrame = proto.onFrame;
const originalVersionFor = proto.versionFor;
let mode: Mode = 'newest';
/** Topics and groups the workloads made, for the requests sent by hand afterwards. */
const made = { topics: [] as string[], groups: [] as string[] };

beforeAll(() => {
  proto.onFrame = function (this: ConnectionInternals, frame: Buffer) {
    const p = frame.length >= 4 ? this.pending.get(frame.readInt32BE(0)) : undefined;
    if (p !== undefined) frames.push({ apiKey: p.codec.apiKey, api: p.codec.name, version: p.version, frame: Buffer.from(frame) });
    originalOnFrame.call(this, frame);
  };
  proto.versionFor = function (this: ConnectionInternals, codec: ApiCodec<unknown, unknown>) {
    const newest = originalVersionFor.call(this, codec);
    const range = this.brokerRange(codec.apiKey)!;
    const lowest = Math.max(codec.minVersion, range.minVersion);
    if (mode === 'oldest') return lowest;
    if (mode === 'non-flexible') return Math.min(newest, Math.max(lowest, codec.firstFlexibleVersion - 1));
    return newest;
  };
});
afterAll(() => {
  proto.onFrame = originalOnFrame;
  proto.versionFor = originalVersionFor;
});

async function take(it: AsyncIterator<unknown>, n: number, timeoutMs: number, onEach?: (m: unknown) => void): Promise<number> {
  let got = 0;
  const deadline = Date.now() + timeoutMs;
  while (got < n && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<null>((r) => (timer = setTimeout(() => r(null), Math.max(1, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (next === null || next.done) break;
    onEach?.(next.value);
    got++;
  }
  return got;
}

async function workload(m: Mode): Promise<void> {
  mode = m;
  const admin = await Cluster.connect({ brokers: [bootstrap] });
  try {
    await clientWork(admin, m);
  } finally {
    await admin.close();
  }
}

async function clientWork(admin: Cluster, m: Mode): Promise<void> {
  const topic = await createTopic(admin, uniqueTopic(`fuzz-corpus-${m}`), 1);
  made.topics.push(topic);
  // zstd needs Produce v7+ and Fetch v10+ (KIP-110): not at the oldest versions
  const codecs = m === 'oldest' ? (['none', 'gzip', 'snappy', 'lz4'] as const) : (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const);
  let produced = 0;
  for (const [i, compression] of codecs.entries()) {
    const options: ConfigOptions = { brokers: [bootstrap], compression, lingerMs: 1 };
    if (i % 2 === 1) Object.assign(options, { idempotent: false, acks: 1 });
    const producer = await SyncProducer.create(new Config(options));
    try {
      const sends = [];
      for (let r = 0; r < 4; r++) {
        sends.push(
          producer.send({
            topic,
            key: r === 0 ? null : `key-${compression}-${r}`,
            value: r === 3 ? null : `value ${compression} ${r} `.repeat(1 + r * 3),
            headers: r === 2 ? [{ key: 'h', value: 'v' }, { key: 'n', value: null }] : [],
          }),
        );
      }
      await Promise.all(sends);
      produced += sends.length;
    } finally {
      await producer.close();
    }
  }

  const groupBase: ConfigOptions = { brokers: [bootstrap], topics: [topic], initialOffset: 'oldest', autoCommitIntervalMs: 100 };
  for (const groupProtocol of ['classic', 'consumer'] as const) {
    // KIP-848: the broker owns the session timeout and heartbeat interval
    const timing: ConfigOptions = groupProtocol === 'classic' ? { heartbeatIntervalMs: 100, sessionTimeoutMs: 6000 } : {};
    const group = uniqueTopic(`fuzz-${groupProtocol}`);
    made.groups.push(group);
    const consumer = await Consumer.create(new Config({ ...groupBase, ...timing, group, groupProtocol }));
    try {
      await take(consumer.messages(), produced, 20_000, (msg) => consumer.markOffset(msg as Parameters<Consumer['markOffset']>[0]));
      await new Promise((r) => setTimeout(r, 400)); // heartbeats and auto-commits
    } finally {
      await consumer.close();
    }
  }

  const consumer = await Consumer.create(new Config({ brokers: [bootstrap] }));
  try {
    const pc = await consumer.consumePartition(topic, 0, OffsetOldest);
    await take(pc.messages(), produced, 10_000);
    pc.close();
  } finally {
    await consumer.close();
  }
}

test('captures the corpus from the real broker', async () => {
  for (const m of ['newest', 'oldest', 'non-flexible'] as const) await workload(m);

  // ApiVersions and Metadata at every version, and answers carrying errors
  mode = 'newest';
  const conn = await BrokerConnection.connect({ host, port, clientId: 'kafkaesque-fuzz-capture' });
  try {
    const req = { clientSoftwareName: 'kafkaesque', clientSoftwareVersion: '0.1.0' };
    for (let v = ApiVersions.minVersion; v <= ApiVersions.maxVersion; v++) await conn.send(ApiVersions, req, { version: v });
    const range = conn.brokerRange(Metadata.apiKey)!;
    for (let v = Math.max(Metadata.minVersion, range.minVersion); v <= Math.min(Metadata.maxVersion, range.maxVersion); v++) {
      // v0-v3 always auto-create (the field is v4+): ask them only for a name the broker refuses
      const absent = v >= 4 ? [uniqueTopic('absent'), 'bad topic!'] : ['bad topic!'];
      for (const topics of [v === 0 ? [] : null, absent]) {
        await conn.send(
          Metadata,
          {
            topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
            allowAutoTopicCreation: v < 4,
            includeClusterAuthorizedOperations: v >= 8 && v <= 10,
            includeTopicAuthorizedOperations: v >= 8,
          },
          { version: v },
        );
      }
    }
    // APIs the client does not use in the workloads: every version both sides speak
    const versions = (codec: ApiCodec<unknown, unknown>): number[] => {
      const r = conn.brokerRange(codec.apiKey);
      const out: number[] = [];
      if (r === undefined) return out;
      for (let v = Math.max(codec.minVersion, r.minVersion); v <= Math.min(codec.maxVersion, r.maxVersion); v++) out.push(v);
      return out;
    };
    for (const v of versions(DescribeGroups)) {
      await conn.send(DescribeGroups, { groups: [...made.groups, 'no-such-group'], includeAuthorizedOperations: v >= 3 }, { version: v });
    }
    for (const v of versions(OffsetForLeaderEpoch)) {
      await conn.send(
        OffsetForLeaderEpoch,
        {
          replicaId: v >= 3 ? -1 : -2,
          topics: [...made.topics, 'no-such-topic'].map((topic) => ({
            topic,
            partitions: [0, 1].map((partition) => ({ partition, currentLeaderEpoch: -1, leaderEpoch: 0 })),
          })),
        },
        { version: v },
      );
    }
    // CreatePartitions: a topic grown (by count, and with an explicit assignment), answers that
    // carry errors and messages, and a validateOnly request; the workloads made each topic with
    // one partition
    const { brokers } = await conn.send(Metadata, {
      topics: [],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const brokerId = brokers[0]!.nodeId;
    const [grown, assigned, unchanged] = made.topics as [string, string, string];
    const counts = new Map(made.topics.map((t) => [t, 1]));
    const grow = (topic: string, by: number): number => counts.get(topic)! + by;
    for (const v of versions(CreatePartitions)) {
      const send = (topics: Array<{ name: string; count: number; assignments: Array<{ brokerIds: number[] }> | null }>, validateOnly = false) =>
        conn.send(CreatePartitions, { topics, timeoutMs: 30_000, validateOnly }, { version: v });
      await send([{ name: grown, count: grow(grown, 1), assignments: null }]);
      counts.set(grown, grow(grown, 1));
      await send([
        { name: assigned, count: grow(assigned, 2), assignments: [{ brokerIds: [brokerId] }, { brokerIds: [brokerId] }] },
        { name: unchanged, count: 1, assignments: null }, // INVALID_PARTITIONS: it already has 1
        { name: uniqueTopic('no-such-topic'), count: 3, assignments: null }, // UNKNOWN_TOPIC_OR_PARTITION
        { name: grown, count: grow(grown, 1), assignments: [{ brokerIds: [brokerId + 1000] }] }, // INVALID_REPLICA_ASSIGNMENT
      ]);
      counts.set(assigned, grow(assigned, 2));
      await send([{ name: unchanged, count: 8, assignments: null }], true);
    }
  } finally {
    conn.close();
  }
  // SASL on a plaintext listener: the broker answers with an error (ILLEGAL_SASL_STATE or an
  // empty mechanism list), which is what the corpus needs; it may close the connection after
  for (const [codec, request] of [
    [SaslHandshake, { mechanism: 'PLAIN' }],
    [SaslAuthenticate, { authBytes: Buffer.from('\0user\0password') }],
  ] as Array<[ApiCodec<unknown, unknown>, unknown]>) {
    for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
      const c = await BrokerConnection.connect({ host, port, clientId: 'kafkaesque-fuzz-capture' });
      try {
        await c.send(codec, request, { version: v, timeoutMs: 5_000 });
      } catch {
        // a close instead of an answer: nothing to keep
      } finally {
        c.close();
      }
    }
  }

  // per API and version: the smallest, the largest that is not huge, and one in between
  const groups = new Map<string, CorpusEntry[]>();
  for (const f of frames) {
    if (f.frame.length > MAX_FRAME) continue;
    const key = `${f.apiKey}:${f.version}`;
    const list = groups.get(key) ?? [];
    if (!list.some((e) => e.frame.equals(f.frame))) list.push(f);
    groups.set(key, list);
  }
  const keep: CorpusEntry[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => a.frame.length - b.frame.length);
    const picks = new Set([0, list.length - 1, Math.floor(list.length / 2)]);
    for (const i of picks) keep.push(list[i]!);
  }
  const files = saveCorpus(keep);
  const bytes = keep.reduce((n, e) => n + e.frame.length, 0);
  process.stderr.write(
    `fuzz corpus: ${keep.length} frames (${bytes} bytes) of ${frames.length} seen, ${groups.size} API versions, ` +
      `${files.length} files\n`,
  );
  expect(keep.length).toBeGreaterThan(20);
});
