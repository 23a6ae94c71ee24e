/**
 * The group coordinator crashes (issue #8): the broker FindCoordinator names for the group is
 * killed with SIGKILL while a member consumes. The member finds the new coordinator and goes on
 * without a rebalance (it keeps its partitions, as Java's member does on NOT_COORDINATOR), so it
 * reads nothing again and skips nothing; the commits made before the crash survive it, and a new
 * member of the group starts exactly where the group's last commit (made to the new
 * coordinator) left off. Afterwards kcat (librdkafka) reads the topic back: it must hold every
 * record once, in order, and agree record for record with what the two members read.
 */
import { Config, Consumer, type ConsumerMessage, SyncProducer } from '../../src/index.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import {
  type Acked,
  agreement,
  closeAfter,
  clusterBrokers,
  clusterSuite,
  committedOffsets,
  countingLogger,
  endOffsets,
  findCoordinator,
  type Identify,
  killNode,
  Reading,
  readWithKcat,
  report,
  restoreCluster,
  sleep,
  tally,
  waitForFullIsr,
} from './cluster-helpers.js';

const PARTITIONS = 3;
const PER_PARTITION = 2000;
jest.setTimeout(180_000);

let admin: Cluster;
clusterSuite((c) => (admin = c));

/**
 * Takes messages until `enough()` says so or `timeoutMs` passes; each message goes to `take`.
 * A `next()` still pending at the timeout is kept for the following call, so no message is lost.
 */
function reader(it: AsyncIterator<ConsumerMessage>) {
  let pending: Promise<IteratorResult<ConsumerMessage>> | undefined;
  return async (take: (m: ConsumerMessage) => void, enough: () => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!enough() && Date.now() < deadline) {
      pending ??= it.next();
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([pending, new Promise<null>((r) => (timer = setTimeout(() => r(null), Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
      if (next === null) return;
      pending = undefined;
      if (next.done) return;
      take(next.value);
    }
  };
}

/**
 * One commitOffsets() call during the failover: it must resolve by itself, retrying what the
 * coordinator move makes fail (NOT_COORDINATOR, a reset connection), as Java's commitSync does
 * within default.api.timeout.ms.
 */
async function commitTimed(consumer: Consumer): Promise<{ ms: number }> {
  const started = Date.now();
  await consumer.commitOffsets();
  return { ms: Date.now() - started };
}

/** Sends `<tag>-<partition>-<i>` (no key) to each partition; records where each was acknowledged, by value. */
async function produce(producer: SyncProducer, topic: string, perPartition: number, tag: string, acknowledged: Map<string, Acked>): Promise<void> {
  const sends: Array<Promise<unknown>> = [];
  for (let p = 0; p < PARTITIONS; p++) {
    for (let i = 0; i < perPartition; i++) {
      const value = `${tag}-${p}-${i}`;
      sends.push(producer.sendMsgToPartition(topic, p, null, value).then((m) => acknowledged.set(value, { partition: m.partition, offset: Number(m.offset) })));
    }
  }
  await Promise.all(sends);
}

test.each(['classic', 'consumer'] as const)('%s protocol: the coordinator crashes: the group finds the new one and resumes from its committed offsets', async (protocol) => {
  // classic: our heartbeat settings; KIP-848: the broker owns them (group.consumer.*)
  const membership = protocol === 'classic' ? { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500 } : { groupProtocol: 'consumer' as const };
  const t0 = Date.now();
  const brokers = clusterBrokers();
  const topic = await createTopic(admin, uniqueTopic('coord'), PARTITIONS, 3);
  const group = uniqueTopic('coord-group');
  await waitForFullIsr(admin, [topic]);
  const producer = closeAfter(await SyncProducer.create(new Config({ brokers, acks: 'all', lingerMs: 2 })));
  let killed: number | undefined;
  const acknowledged = new Map<string, Acked>();
  try {
    await produce(producer, topic, PER_PARTITION, 'a', acknowledged);

    const log = countingLogger();
    // commits only when told to: what was marked and not committed is the tail that may come again
    const config = new Config({
      brokers,
      group,
      topics: [topic],
      initialOffset: 'oldest',
      autoCommit: false,
      ...membership,
      logger: log,
    });
    const consumer = closeAfter(await Consumer.create(config));
    // the first assignment may come before these listeners (during create): what counts is that
    // none comes after the crash, and nothing is ever revoked
    let assigned = 0; // partitions handed to the member, each time
    let revocations = 0;
    consumer.on('assigned', (tps) => (assigned += tps.length));
    consumer.on('revoked', () => revocations++);
    const ours = new Reading(); // what the two members read
    const consume = reader(consumer.messages());
    const delivered: bigint[][] = Array.from({ length: PARTITIONS }, () => []);
    const seen: Array<Set<bigint>> = Array.from({ length: PARTITIONS }, () => new Set());
    const take = (m: ConsumerMessage): void => {
      ours.add(m.partition, m.offset, m.key, m.value);
      delivered[m.partition]!.push(m.offset);
      seen[m.partition]!.add(m.offset);
      consumer.markOffset(m);
    };
    const distinct = (): number => seen.reduce((n, s) => n + s.size, 0);

    // half of it, committed; then a tail that is marked but not committed
    await consume(take, () => distinct() >= (PARTITIONS * PER_PARTITION) / 2, 30_000);
    await consumer.commitOffsets();
    const committedBefore = await committedOffsets(admin, group, topic, PARTITIONS);
    await consume(take, () => distinct() >= (PARTITIONS * PER_PARTITION) / 2 + 500, 30_000);
    const deliveredBeforeKill = delivered.map((d) => d.length);

    // ---- the crash
    const coordinator = await findCoordinator(admin, group);
    const assignedBeforeKill = assigned;
    const killAt = Date.now();
    await killNode(coordinator);
    killed = coordinator;
    // while the admin client checks that the commits made before the crash are there at the
    // new coordinator, the member reads on (the dead broker's partitions move) and commits
    const atFailover = (async () => {
      for (const deadline = Date.now() + 30_000; ; ) {
        try {
          return { offsets: await committedOffsets(admin, group, topic, PARTITIONS), ms: Date.now() - killAt };
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(250);
        }
      }
    })();
    atFailover.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    await consume(take, () => distinct() >= (PARTITIONS * PER_PARTITION) / 2 + 800, 60_000);
    const midCommit = await commitTimed(consumer);
    const midCommitMs = Date.now() - killAt;
    await consume(take, () => distinct() >= PARTITIONS * PER_PARTITION, 90_000);
    const readAllMs = Date.now() - killAt;
    const finalCommit = await commitTimed(consumer);
    const { offsets: committedAtFailover, ms: failoverMs } = await atFailover;
    const newCoordinator = await findCoordinator(admin, group);
    const committedAfter = await committedOffsets(admin, group, topic, PARTITIONS);
    const ends = await endOffsets(admin, topic, PARTITIONS);

    // every delivery after the crash that repeats an offset lies in the uncommitted tail
    const reread = delivered.map((d, p) => {
      let n = 0;
      let below = 0;
      const firstTime = new Set<bigint>();
      d.forEach((o, i) => {
        if (firstTime.has(o)) {
          n++;
          if (i < deliveredBeforeKill[p]! || o < committedBefore[p]!) below++;
        }
        firstTime.add(o);
      });
      return { partition: p, reread: n, belowCommitted: below };
    });
    // nothing skipped: every offset up to the end was delivered
    const skipped = seen.map((s, p) => {
      let n = 0;
      for (let o = 0n; o < ends[p]!; o++) if (!s.has(o)) n++;
      return n;
    });
    const tail = seen.map((_, p) => deliveredBeforeKill[p]! - Math.max(0, Number(committedBefore[p]!)));
    const rebalances = { assignedAfterKill: assigned - assignedBeforeKill, revocations }; // before close(), whose leaving revokes

    await consumer.close();

    // ---- a new member, with the old coordinator still down, starts at the group's commit
    await produce(producer, topic, 100, 'b', acknowledged);
    const second = closeAfter(await Consumer.create(new Config({ brokers, group, topics: [topic], initialOffset: 'oldest', ...membership })));
    const after: ConsumerMessage[] = [];
    const consume2 = reader(second.messages());
    const take2 = (m: ConsumerMessage): void => {
      ours.add(m.partition, m.offset, m.key, m.value);
      after.push(m);
    };
    await consume2(take2, () => after.length >= PARTITIONS * 100, 60_000);
    await consume2(take2, () => false, 1500); // and nothing more
    await second.close();

    // the independent reading (the old coordinator still down), and the same counts from both
    const kcat = await readWithKcat(topic);
    const ids = new Map([...acknowledged.keys()].map((v, id) => [v, id]));
    const ackedById = new Map([...acknowledged.values()].map((a, id) => [id, a]));
    const identify: Identify = (r) => {
      const m = /^([ab])-(\d+)-(\d+)$/.exec(r.value ?? '');
      const id = ids.get(r.value ?? '');
      if (m === null || id === undefined || r.key !== null) return undefined;
      return { id, order: `${m[1]}-${m[2]}`, seq: Number(m[3]) };
    };
    const byKafkaesque = tally(ours, ackedById, identify);
    const byKcat = tally(kcat.reading, ackedById, identify);
    const same = agreement(ours, kcat.reading);

    const figures = {
      records: PARTITIONS * PER_PARTITION,
      coordinator,
      newCoordinator,
      committedBeforeKill: committedBefore.map(String).join(','),
      committedAtFailover: committedAtFailover.map(String).join(','),
      failoverMs,
      uncommittedTail: tail.join(','),
      reread: reread.map((r) => r.reread).join(','),
      rereadBelowCommitted: reread.reduce((n, r) => n + r.belowCommitted, 0),
      skipped: skipped.reduce((a, b) => a + b, 0),
      midCommitCallMs: midCommit.ms,
      midCommitMs,
      readAllMs,
      finalCommitCallMs: finalCommit.ms,
      committedAfter: committedAfter.map(String).join(','),
      endOffsets: ends.map(String).join(','),
      secondMemberRead: after.length,
      secondMemberFirst: after.length ? `${after[0]!.partition}@${after[0]!.offset}` : null,
      ...rebalances,
      readers: { independent: kcat.kcat, kcatMs: kcat.ms, kafkaesque: byKafkaesque, kcat: byKcat, agreement: same },
      durationMs: Date.now() - t0,
      log: log.counts,
    };
    report(protocol === 'classic' ? 'coordinator-failover' : 'coordinator-failover-kip848', figures);

    expect(newCoordinator).not.toBe(coordinator);
    committedAtFailover.forEach((o, p) => expect(o).toBeGreaterThanOrEqual(committedBefore[p]!));
    expect(skipped).toEqual([0, 0, 0]);
    // no rebalance (nothing revoked, nothing assigned again), so nothing read again, not even
    // the uncommitted tail
    expect(rebalances).toEqual({ assignedAfterKill: 0, revocations: 0 });
    expect(reread.map((r) => r.reread)).toEqual([0, 0, 0]);
    expect(committedAfter).toEqual(ends);
    // the second member: exactly the 100 new records of each partition, from the committed offsets
    expect(after).toHaveLength(PARTITIONS * 100);
    for (let p = 0; p < PARTITIONS; p++) {
      expect(after.filter((m) => m.partition === p).map((m) => m.offset)).toEqual(Array.from({ length: 100 }, (_, i) => ends[p]! + BigInt(i)));
    }
    // both readings: every acknowledged record once, in send order per partition, the same records
    const records = PARTITIONS * (PER_PARTITION + 100);
    const clean = { read: records, lost: 0, duplicated: 0, outOfOrder: 0, misplaced: 0, unacknowledged: 0, unknown: 0 };
    expect(acknowledged.size).toBe(records);
    expect(byKafkaesque).toEqual(clean);
    expect(byKcat).toEqual(clean);
    expect(same).toEqual({ both: records, differ: 0, onlyFirst: 0, onlySecond: 0 });
  } finally {
    await producer.close();
    if (killed !== undefined) await restoreCluster();
  }
});
