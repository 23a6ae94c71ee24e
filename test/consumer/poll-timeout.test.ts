/**
 * Leaving the group when the application stops taking messages (max.poll.interval.ms) and
 * joining again when it comes back, for both protocols, with a scripted coordinator (no broker).
 * The behaviour lives once in src/consumer/group-base.ts (leaveIfPollTimedOut, pollResumed);
 * each protocol only sends its own leave and join.
 */
import { encodeAssignment } from '../../protocol/messages/consumer-protocol.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { assignorByName } from '../../src/consumer/assignors/index.js';
import type { Fetcher } from '../../src/consumer/fetcher.js';
import type { GroupOptions, GroupState } from '../../src/consumer/group-base.js';
import { ClassicGroupMember } from '../../src/consumer/group-classic.js';
import { ConsumerProtocolMember } from '../../src/consumer/group-consumer.js';
import type { BrokerConnection } from '../../src/network/broker-connection.js';
import { NOOP_LOGGER } from '../../src/network/logger.js';
import { sleep, until } from '../helpers/wait.js';

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const options: GroupOptions = {
  groupId: 'g',
  groupInstanceId: null,
  topics: ['t'],
  assignors: [assignorByName('range')],
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 20,
  maxPollIntervalMs: 150,
  autoCommit: false,
  autoCommitIntervalMs: 1000,
  retryBackoffMs: 10,
  retryBackoffMaxMs: 10,
  resetPolicy: -2n,
};
const cluster = {
  logger: NOOP_LOGGER,
  topic: () => ({ name: 't', topicId: TOPIC_ID, partitions: [{ partition: 0 }], availablePartitions: [0] }),
  topicNameById: () => 't',
  topicMetadata: async () => ({ name: 't', topicId: TOPIC_ID, partitions: [{ partition: 0 }], availablePartitions: [0] }),
  refresh: async () => undefined,
} as unknown as Cluster;
const fetcher = { assign: () => {}, unassign: () => {} } as unknown as Fetcher;

type Sent = { api: string; request: Record<string, unknown> };

function connection(sent: Sent[], answer: (api: string, request: Record<string, unknown>) => unknown): BrokerConnection {
  return {
    versionFor: () => 9,
    send: async (codec: { name: string }, request: Record<string, unknown>) => {
      sent.push({ api: codec.name, request });
      return answer(codec.name, request);
    },
  } as unknown as BrokerConnection;
}

const commitAnswer = (request: Record<string, unknown>): unknown => ({
  topics: (request.topics as Array<{ name: string; partitions: Array<{ partitionIndex: number }> }>).map((t) => ({
    name: t.name,
    topicId: '',
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })),
  })),
});
const offsetFetchAnswer = (request: Record<string, unknown>): unknown => ({
  groups: (request.groups as Array<{ topics: Array<{ name: string; partitionIndexes: number[] }> }>).map((g) => ({
    errorCode: 0,
    topics: g.topics.map((t) => ({ name: t.name, topicId: '', partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: 5n, errorCode: 0 })) })),
  })),
});

test('classic: a member whose application stops polling commits, gives up its partitions, leaves; it joins again on the next poll', async () => {
  const sent: Sent[] = [];
  const conn = connection(sent, (api, request) => {
    switch (api) {
      case 'OffsetCommit':
        return commitAnswer(request);
      case 'LeaveGroup':
        return { throttleTimeMs: 0, errorCode: 0, members: [] };
      case 'JoinGroup':
        return { errorCode: 0, generationId: 4, protocolName: 'range', leader: 'other', memberId: 'm2', skipAssignment: false, members: [] };
      case 'SyncGroup':
        return { errorCode: 0, assignment: encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }], userData: null }) };
      case 'OffsetFetch':
        return offsetFetchAnswer(request);
      case 'Heartbeat':
        return { errorCode: 0 };
      default:
        throw new Error(`unexpected ${api}`);
    }
  });
  const member = new ClassicGroupMember(cluster, fetcher, options);
  const internals = member as unknown as {
    generationId: number;
    needsJoin: boolean;
    state: GroupState;
    owned: Map<string, { topic: string; partition: number }>;
    coordinatorConnection: () => Promise<BrokerConnection>;
    heartbeat: () => Promise<void>;
  };
  member.memberId = 'm';
  internals.generationId = 3;
  internals.needsJoin = false;
  internals.state = 'stable';
  internals.owned.set('t\u00000', { topic: 't', partition: 0 });
  internals.coordinatorConnection = async () => conn;
  const revoked = jest.fn();
  member.on('revoked', revoked);
  member.mark('t', 0, 7n, null);

  await sleep(options.maxPollIntervalMs + 20);
  await internals.heartbeat();
  expect(sent.map((s) => s.api)).toEqual(['OffsetCommit', 'LeaveGroup']);
  expect(revoked).toHaveBeenCalledWith([{ topic: 't', partition: 0 }]);
  expect(member.assignment()).toEqual([]);
  expect(internals.state).toBe('stale');
  expect([member.memberId, internals.generationId]).toEqual(['', -1]);

  // while stale, no heartbeat, no join
  await internals.heartbeat();
  expect(sent).toHaveLength(2);

  member.polled();
  await until(() => member.assignment().length === 1, 5000, 'the partition back');
  expect(sent.slice(2).map((s) => s.api)).toEqual(['JoinGroup', 'SyncGroup', 'OffsetFetch']);
  expect(internals.state).toBe('stable');
  expect([member.memberId, internals.generationId]).toEqual(['m2', 4]);
});

test('KIP-848: a member whose application stops polling leaves with epoch -1; it joins again with epoch 0 and its full state on the next poll', async () => {
  const sent: Sent[] = [];
  let epoch = 0;
  const conn = connection(sent, (api, request) => {
    if (api === 'ConsumerGroupHeartbeat') {
      const leaving = (request.memberEpoch as number) < 0;
      const joining = request.memberEpoch === 0;
      if (!leaving) epoch++;
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        memberId: null,
        memberEpoch: leaving ? request.memberEpoch : epoch,
        heartbeatIntervalMs: 20,
        assignment: joining ? { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0] }] } : null,
      };
    }
    if (api === 'OffsetCommit') return commitAnswer(request);
    if (api === 'OffsetFetch') return offsetFetchAnswer(request);
    throw new Error(`unexpected ${api}`);
  });
  const member = new ConsumerProtocolMember(cluster, fetcher, options);
  const internals = member as unknown as { state: GroupState; coordinatorConnection: () => Promise<BrokerConnection> };
  internals.coordinatorConnection = async () => conn;
  try {
    member.waiting = true; // an application waiting for messages is not stuck
    await member.start();
    expect(member.assignment()).toEqual([{ topic: 't', partition: 0 }]);
    await until(() => internals.state === 'stable', 5000, 'stable');
    member.mark('t', 0, 9n, null);

    // the application stops taking messages: after maxPollIntervalMs the member leaves
    member.waiting = false;
    await until(() => internals.state === 'stale', 5000, 'stale');
    await until(() => sent.some((s) => s.api === 'ConsumerGroupHeartbeat' && s.request.memberEpoch === -1), 5000, 'the leave');
    expect(member.assignment()).toEqual([]);
    expect(sent.some((s) => s.api === 'OffsetCommit')).toBe(true);
    const afterLeave = sent.length;
    await sleep(100);
    expect(sent.length).toBe(afterLeave); // no heartbeat while stale

    member.polled();
    await until(() => member.assignment().length === 1, 5000, 'the partition back');
    const rejoin = sent.slice(afterLeave).find((s) => s.api === 'ConsumerGroupHeartbeat')!;
    expect(rejoin.request.memberEpoch).toBe(0);
    expect(rejoin.request.subscribedTopicNames).toEqual(['t']);
  } finally {
    member.polled();
    await member.close();
  }
  expect(internals.state).toBe('closed');
});
