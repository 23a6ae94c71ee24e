/**
 * The group coordinator moving, with a scripted coordinator (no broker). Both behaviours were
 * found by test/cluster/produce-consume-validate.test.ts, which crashes the coordinator of a
 * real three-node cluster:
 *  - offset commits (src/consumer/group-base.ts) reach the coordinator in the order they were
 *    made, even when the earlier one waits longer for the new coordinator (committed offsets
 *    went back by thousands of records for a second), and what counts as committed is what
 *    was sent, not a mark made while the commit was on its way;
 *  - a classic member (src/consumer/group-classic.ts) whose heartbeat is answered
 *    NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS looks the
 *    coordinator up again and keeps its partitions, as Java does; it used to rejoin, revoking
 *    every partition (eager) and reading the uncommitted tail again.
 */
import type { Cluster } from '../../src/cluster/cluster.js';
import { NOOP_LOGGER } from '../../src/network/logger.js';
import type { BrokerConnection } from '../../src/network/broker-connection.js';
import type { Fetcher } from '../../src/consumer/fetcher.js';
import { assignorByName } from '../../src/consumer/assignors/index.js';
import { GroupMemberBase, type GroupOptions } from '../../src/consumer/group-base.js';
import { ClassicGroupMember } from '../../src/consumer/group-classic.js';

const options: GroupOptions = {
  groupId: 'g',
  groupInstanceId: null,
  topics: ['t'],
  assignors: [],
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 1000,
  maxPollIntervalMs: 60_000,
  autoCommit: false,
  autoCommitIntervalMs: 1000,
  retryBackoffMs: 10,
  retryBackoffMaxMs: 10,
  resetPolicy: -2n,
};

/** A member whose coordinator lookups wait until the test releases them, one by one. */
class ScriptedMember extends GroupMemberBase {
  readonly sent: bigint[] = [];
  /** Coordinator lookups waiting for the test: ok() finds it, fail() does not. */
  readonly lookups: Array<{ ok: () => void; fail: (err: Error) => void }> = [];
  /** Resolves the next OffsetCommit response when called (null: answer at once). */
  holdResponse: Promise<void> | null = null;

  constructor() {
    const cluster = { logger: NOOP_LOGGER, topic: () => undefined, topicNameById: () => undefined } as unknown as Cluster;
    super(cluster, {} as Fetcher, options);
    this.owned.set('t\u00000', { topic: 't', partition: 0 });
  }

  async start(): Promise<void> {}
  protected async stopMembership(): Promise<void> {}
  protected async leaveOnClose(): Promise<void> {}
  polled(): void {}
  protected commitIdentity(): { generation: number; memberId: string; instanceId: string | null } {
    return { generation: 1, memberId: 'm', instanceId: null };
  }

  protected override coordinatorConnection(): Promise<BrokerConnection> {
    const conn = {
      versionFor: () => 9,
      send: async (_codec: unknown, req: { topics: Array<{ partitions: Array<{ committedOffset: bigint }> }> }) => {
        this.sent.push(req.topics[0]!.partitions[0]!.committedOffset);
        if (this.holdResponse) await this.holdResponse;
        return { topics: [{ name: 't', topicId: '', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] };
      },
    } as unknown as BrokerConnection;
    return new Promise((resolve, reject) => this.lookups.push({ ok: () => resolve(conn), fail: reject }));
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a commit made while an earlier one still looks for the coordinator goes out after it', async () => {
  const m = new ScriptedMember();
  expect(m.assignment()).toEqual([{ topic: 't', partition: 0 }]);
  m.mark('t', 0, 10n, null);
  const first = m.commitMarked();
  await tick();
  m.mark('t', 0, 20n, null);
  const second = m.commitMarked();
  await tick();
  // only the first asked for the coordinator; the second waits its turn
  expect(m.lookups).toHaveLength(1);
  m.lookups.shift()!.ok();
  await first;
  await tick();
  expect(m.lookups).toHaveLength(1);
  m.lookups.shift()!.ok();
  await second;
  expect(m.sent).toEqual([10n, 20n]);
});

test('a mark made while a commit is on its way is committed by the next commit', async () => {
  const m = new ScriptedMember();
  let answer!: () => void;
  m.holdResponse = new Promise((r) => (answer = r));
  m.mark('t', 0, 10n, null);
  const first = m.commitMarked();
  await tick();
  m.lookups.shift()!.ok();
  await tick();
  expect(m.sent).toEqual([10n]);
  m.mark('t', 0, 20n, null); // while the OffsetCommit of 10 awaits its answer
  answer();
  await first;
  m.holdResponse = null;
  const second = m.commitMarked();
  await tick();
  m.lookups.shift()?.ok();
  await second;
  expect(m.sent).toEqual([10n, 20n]);
});

test('a failed commit does not stop the ones after it', async () => {
  const m = new ScriptedMember();
  m.mark('t', 0, 10n, null);
  const first = m.commitMarked();
  await tick();
  m.mark('t', 0, 20n, null);
  const second = m.commitMarked();
  await tick();
  m.lookups.shift()!.fail(new Error('no coordinator'));
  await expect(first).rejects.toThrow('no coordinator');
  await tick();
  m.lookups.shift()!.ok();
  await second;
  expect(m.sent).toEqual([20n]);
});

test('commitMarkedRetrying (commitOffsets, close): a retriable failure is retried until the coordinator answers; a final one is not', async () => {
  const { KafkaProtocolError } = await import('../../protocol/errors.js');
  const { errorCodeInfo, ErrorCode } = await import('../../protocol/error-codes.js');
  const m = new ScriptedMember();
  m.mark('t', 0, 10n, null);
  const done = m.commitMarkedRetrying(5_000);
  // the coordinator is gone twice (NOT_COORDINATOR is retriable), then found
  for (let i = 0; i < 2; i++) {
    while (m.lookups.length === 0) await new Promise((r) => setTimeout(r, 5));
    m.lookups.shift()!.fail(new KafkaProtocolError(errorCodeInfo(ErrorCode.NOT_COORDINATOR), 'OffsetCommit'));
  }
  while (m.lookups.length === 0) await new Promise((r) => setTimeout(r, 5));
  m.lookups.shift()!.ok();
  await done;
  expect(m.sent).toEqual([10n]);

  // REBALANCE_IN_PROGRESS is final for a commit (Java: RebalanceInProgressException): no retry
  m.mark('t', 0, 20n, null);
  const refused = m.commitMarkedRetrying(5_000);
  while (m.lookups.length === 0) await new Promise((r) => setTimeout(r, 5));
  m.lookups.shift()!.fail(new KafkaProtocolError(errorCodeInfo(ErrorCode.REBALANCE_IN_PROGRESS), 'OffsetCommit'));
  await expect(refused).rejects.toThrow(/REBALANCE_IN_PROGRESS/);
  await tick();
  expect(m.lookups).toHaveLength(0);
});

describe('classic member, heartbeat answered by a coordinator that moved', () => {
  for (const [name, code] of [
    ['NOT_COORDINATOR', 16],
    ['COORDINATOR_NOT_AVAILABLE', 15],
    ['COORDINATOR_LOAD_IN_PROGRESS', 14],
  ] as const) {
    test(`${name}: looks the coordinator up again, keeps its partitions, does not rejoin`, async () => {
      const cluster = { logger: NOOP_LOGGER, topic: () => undefined, topicNameById: () => undefined } as unknown as Cluster;
      const member = new ClassicGroupMember(cluster, { unassign: () => {} } as unknown as Fetcher, { ...options, assignors: [assignorByName('range')] });
      const internals = member as unknown as {
        memberId: string;
        generationId: number;
        coordinator: number | undefined;
        needsJoin: boolean;
        owned: Map<string, { topic: string; partition: number }>;
        coordinatorConnection: () => Promise<BrokerConnection>;
        heartbeat: () => Promise<void>;
      };
      internals.memberId = 'm';
      internals.generationId = 3;
      internals.needsJoin = false;
      internals.coordinator = 2;
      internals.owned.set('t\u00000', { topic: 't', partition: 0 });
      const apis: string[] = [];
      internals.coordinatorConnection = async () =>
        ({
          versionFor: () => 4,
          send: async (codec: { name: string }) => {
            apis.push(codec.name);
            if (codec.name === 'Heartbeat') return { errorCode: code };
            throw new Error(`unexpected ${codec.name}`);
          },
        }) as unknown as BrokerConnection;
      const revoked = jest.fn();
      member.on('revoked', revoked);
      await internals.heartbeat();
      await tick();
      expect(apis).toEqual(['Heartbeat']);
      expect(internals.coordinator).toBeUndefined(); // found again by the next request
      expect(internals.needsJoin).toBe(false);
      expect(revoked).not.toHaveBeenCalled();
      expect(member.assignment()).toEqual([{ topic: 't', partition: 0 }]);
    });
  }
});
