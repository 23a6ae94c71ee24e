/**
 * Group heartbeats keep going while an OffsetCommit waits for the coordinator, with a scripted
 * coordinator (no broker). Found by bench/consumer-scale.mjs: a KIP-848 group of 3 over 10,000
 * partitions on a loaded three-node cluster lost its members one after another ("fenced from the
 * group because the member session expired", then "failed to transition from epoch 8 within
 * 60000ms"), and their partitions went unconsumed for up to 27 s. Two causes, both fixed:
 *  - the KIP-848 member reconciled inside its heartbeat, so while the commit of a revoked
 *    partition was on its way no heartbeat went out at all (src/consumer/group-consumer.ts);
 *  - heartbeats shared the coordinator's connection with OffsetCommit, and a broker answers one
 *    connection's requests in order, so a commit held while __consumer_offsets replicates held
 *    every heartbeat behind it (they now have a connection of their own, lane 'heartbeat').
 * The fake connections below answer in order per lane, as a broker does.
 */
import type { Cluster, ConnectionLane } from '../../src/cluster/cluster.js';
import type { Fetcher } from '../../src/consumer/fetcher.js';
import type { GroupOptions } from '../../src/consumer/group-base.js';
import { ClassicGroupMember } from '../../src/consumer/group-classic.js';
import { ConsumerProtocolMember } from '../../src/consumer/group-consumer.js';
import { assignorByName } from '../../src/consumer/assignors/index.js';
import type { BrokerConnection } from '../../src/network/broker-connection.js';
import { NOOP_LOGGER } from '../../src/network/logger.js';
import { sleep } from '../helpers/wait.js';

const options: GroupOptions = {
  groupId: 'g',
  groupInstanceId: null,
  topics: ['t'],
  assignors: [],
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 20,
  maxPollIntervalMs: 60_000,
  autoCommit: false,
  autoCommitIntervalMs: 1000,
  retryBackoffMs: 10,
  retryBackoffMaxMs: 10,
  resetPolicy: -2n,
};

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const cluster = {
  logger: NOOP_LOGGER,
  topic: () => ({ name: 't', topicId: TOPIC_ID, partitions: [], availablePartitions: [] }),
  topicNameById: () => 't',
  topicMetadata: async () => ({}),
  refresh: async () => undefined,
} as unknown as Cluster;
const fetcher = { assign: () => {}, unassign: () => {} } as unknown as Fetcher;

/** One fake connection per lane, answering its requests one at a time, in order (as a broker does). */
class Coordinator {
  readonly sent: Array<{ api: string; lane: ConnectionLane; request: unknown }> = [];
  /** While set, OffsetCommit waits for it. */
  commitGate: Promise<void> | null = null;
  private readonly queues = new Map<ConnectionLane, Promise<unknown>>();

  constructor(private readonly answer: (api: string, request: unknown) => unknown) {}

  connection(lane: ConnectionLane): BrokerConnection {
    return {
      versionFor: () => 9,
      send: (codec: { name: string }, request: unknown) => {
        const run = async (): Promise<unknown> => {
          this.sent.push({ api: codec.name, lane, request });
          if (codec.name === 'OffsetCommit' && this.commitGate) await this.commitGate;
          return this.answer(codec.name, request);
        };
        const prev = this.queues.get(lane) ?? Promise.resolve();
        const next = prev.then(run, run);
        this.queues.set(lane, next.catch(() => {}));
        return next;
      },
    } as unknown as BrokerConnection;
  }

  count(api: string): number {
    return this.sent.filter((s) => s.api === api).length;
  }
}

const commitAnswer = (request: unknown): unknown => ({
  topics: (request as { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number }> }> }).topics.map((t) => ({
    name: t.name,
    topicId: '',
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })),
  })),
});
const offsetFetchAnswer = (request: unknown): unknown => ({
  groups: (request as { groups: Array<{ topics: Array<{ name: string; partitionIndexes: number[] }> }> }).groups.map((g) => ({
    errorCode: 0,
    topics: g.topics.map((t) => ({ name: t.name, topicId: '', partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, errorCode: 0 })) })),
  })),
});
const until = async (what: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
};

test('KIP-848: a member keeps heartbeating while the commit of a revoked partition waits, then acknowledges the revocation', async () => {
  let heartbeats = 0;
  let moveAway = false;
  const coordinator = new Coordinator((api, request) => {
    if (api === 'ConsumerGroupHeartbeat') {
      heartbeats++;
      // first: partitions 0 and 1; once the test says so, partition 0 only (1 moves away)
      let assignment: number[] | null = heartbeats === 1 ? [0, 1] : null;
      if (moveAway) {
        assignment = [0];
        moveAway = false;
      }
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        memberId: null,
        memberEpoch: heartbeats,
        heartbeatIntervalMs: 20,
        assignment: assignment === null ? null : { topicPartitions: [{ topicId: TOPIC_ID, partitions: assignment }] },
      };
    }
    if (api === 'OffsetCommit') return commitAnswer(request);
    if (api === 'OffsetFetch') return offsetFetchAnswer(request);
    throw new Error(`unexpected ${api}`);
  });
  const member = new ConsumerProtocolMember(cluster, fetcher, options);
  const internals = member as unknown as { coordinatorConnection: (lane?: ConnectionLane) => Promise<BrokerConnection> };
  internals.coordinatorConnection = async (lane = 'group') => coordinator.connection(lane);
  let release!: () => void;
  coordinator.commitGate = new Promise((r) => (release = r));
  try {
    await member.start();
    expect(member.assignment().map((tp) => tp.partition).sort()).toEqual([0, 1]);
    member.mark('t', 1, 5n, null); // so that releasing partition 1 commits first
    moveAway = true;
    await until(() => coordinator.count('OffsetCommit') === 1);
    const during = heartbeats;
    await sleep(300); // the commit hangs; heartbeats must not
    expect(heartbeats - during).toBeGreaterThanOrEqual(5);
    expect(member.assignment().map((tp) => tp.partition).sort()).toEqual([0, 1]); // not released before its commit
    const after = coordinator.sent.length;
    release();
    await until(() => member.assignment().length === 1);
    // a heartbeat then says partition 1 is gone
    await until(() =>
      coordinator.sent.slice(after).some((s) => {
        const r = s.request as { topicPartitions: Array<{ partitions: number[] }> | null };
        return s.api === 'ConsumerGroupHeartbeat' && r.topicPartitions !== null && r.topicPartitions[0]?.partitions.join() === '0';
      }),
    );
    expect(coordinator.sent.filter((s) => s.api === 'ConsumerGroupHeartbeat').every((s) => s.lane === 'heartbeat')).toBe(true);
  } finally {
    release();
    await member.close();
  }
});

test('classic: heartbeats do not wait behind an OffsetCommit the coordinator holds', async () => {
  const coordinator = new Coordinator((api, request) => {
    if (api === 'Heartbeat') return { errorCode: 0 };
    if (api === 'OffsetCommit') return commitAnswer(request);
    throw new Error(`unexpected ${api}`);
  });
  const member = new ClassicGroupMember(cluster, fetcher, { ...options, assignors: [assignorByName('range')] });
  const internals = member as unknown as {
    memberId: string;
    generationId: number;
    needsJoin: boolean;
    owned: Map<string, { topic: string; partition: number }>;
    coordinatorConnection: (lane?: ConnectionLane) => Promise<BrokerConnection>;
    heartbeat: () => Promise<void>;
  };
  internals.memberId = 'm';
  internals.generationId = 3;
  internals.needsJoin = false;
  internals.owned.set('t\u00000', { topic: 't', partition: 0 });
  internals.coordinatorConnection = async (lane = 'group') => coordinator.connection(lane);
  let release!: () => void;
  coordinator.commitGate = new Promise((r) => (release = r));
  member.mark('t', 0, 7n, null);
  const commit = member.commitMarked(); // held by the coordinator
  await until(() => coordinator.count('OffsetCommit') === 1);
  for (let i = 0; i < 3; i++) {
    // each heartbeat is answered while the commit still waits
    await Promise.race([internals.heartbeat(), sleep(1000).then(() => Promise.reject(new Error('heartbeat waited behind the commit')))]);
  }
  expect(coordinator.count('Heartbeat')).toBe(3);
  release();
  await commit;
});
