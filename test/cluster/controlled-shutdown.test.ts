/**
 * A controlled shutdown (SIGTERM) of a partition leader in the middle of group consumption
 * (issue #8): the broker hands its leaderships over before it stops, and the group goes on
 * consuming those partitions from their new leaders while it is down. Meanwhile the group's
 * committed offsets, read from the coordinator several times a second, never go backwards.
 * Afterwards kcat (librdkafka) reads the topic back: what it reads and what the group read
 * must agree record for record, and neither may miss an acknowledged record, hold one twice or
 * hold a key's records out of order.
 */
import { AsyncProducer, Config, Consumer, type ProducerError } from '../../src/index.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import {
  type Acked,
  agreement,
  closeAfter,
  clusterBrokers,
  clusterSuite,
  endOffsets,
  findCoordinator,
  type Identify,
  leaders,
  Reading,
  readWithKcat,
  report,
  shutdownNode,
  sleep,
  startNode,
  tally,
  waitForFullIsr,
  watchCommitted,
} from './cluster-helpers.js';

const PARTITIONS = 6;
const KEYS = 997;
jest.setTimeout(180_000);

let admin: Cluster;
clusterSuite((c) => (admin = c));

test.each(['classic', 'consumer'] as const)('%s protocol: SIGTERM of a leader mid-consumption: the group consumes from the new leaders, committed offsets never go back', async (protocol) => {
  // classic: our heartbeat settings; KIP-848: the broker owns them (group.consumer.*)
  const membership = protocol === 'classic' ? { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 } : { groupProtocol: 'consumer' as const };
  const t0 = Date.now();
  const brokers = clusterBrokers();
  const topic = await createTopic(admin, uniqueTopic('shutdown'), PARTITIONS, 3);
  const group = uniqueTopic('shutdown-group');
  await waitForFullIsr(admin, [topic]);

  // ---- a producer (idempotent, the default) sending steadily (about 2,000 records/s) until told
  // to stop; record n is `record-n` under key `key-(n mod KEYS)`
  const acknowledged = new Map<number, Acked>();
  const failures: ProducerError[] = [];
  const producer = closeAfter(await AsyncProducer.create(new Config({ brokers, acks: 'all', lingerMs: 5, clientId: 'shutdown-producer' })));
  producer.on('success', (m) => acknowledged.set(m.metadata as number, { partition: m.partition, offset: Number(m.offset) }));
  producer.on('error', (e) => failures.push(e));
  let producing = true;
  let sent = 0;
  const production = (async () => {
    while (producing) {
      for (let j = 0; j < 100; j++) {
        const wait = producer.sendMsgByte(topic, `key-${sent % KEYS}`, `record-${sent}`, sent);
        sent++;
        if (wait) await wait;
      }
      await sleep(50);
    }
    await producer.flush();
  })();

  // ---- two group members, marking every message (auto-commit every second)
  const ours = new Reading(); // what the group read
  const receivedAt: number[][] = Array.from({ length: PARTITIONS }, () => []);
  let lastDelivery = Date.now();
  let maxGapMs = 0;
  let revocations = 0;
  const consumerErrors: unknown[] = [];
  const member = async (name: string): Promise<{ consumer: Consumer; loop: Promise<void> }> => {
    const consumer = closeAfter(await Consumer.create(
      new Config({ brokers, group, topics: [topic], initialOffset: 'oldest', ...membership, clientId: name }),
    ));
    consumer.on('revoked', () => revocations++);
    const loop = (async () => {
      try {
        for await (const m of consumer.messages()) {
          const now = Date.now();
          maxGapMs = Math.max(maxGapMs, now - lastDelivery);
          lastDelivery = now;
          ours.add(m.partition, m.offset, m.key, m.value);
          receivedAt[m.partition]!.push(now);
          consumer.markOffset(m);
        }
      } catch (err) {
        consumerErrors.push(err);
      }
    })();
    return { consumer, loop };
  };
  const a = await member('shutdown-a');
  const b = await member('shutdown-b');

  // ---- the poller: committed offsets must never go backwards
  const watch = watchCommitted(admin, group, topic, PARTITIONS);
  const highest = watch.highest;

  const total = (): number => ours.size;
  const until = async (what: string, cond: () => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  };
  await until('both members consuming', () => a.consumer.assignment().length + b.consumer.assignment().length === PARTITIONS && total() > 3000, 60_000);

  // ---- the victim: a broker leading some of the topic's partitions, not the group coordinator
  // (the coordinator's own failure is coordinator-failover.test.ts)
  const coordinator = await findCoordinator(admin, group);
  const before = await leaders(admin, topic);
  const byNode = new Map<number, number[]>();
  for (const [p, node] of before) (byNode.get(node) ?? byNode.set(node, []).get(node)!).push(p);
  const candidates = [...byNode].filter(([node]) => node !== coordinator).sort((x, y) => y[1].length - x[1].length);
  expect(candidates.length).toBeGreaterThan(0);
  const [victim, victimPartitions] = candidates[0]!;

  const shutdownAt = Date.now();
  await shutdownNode(victim);
  const downAt = Date.now();
  const readAtShutdown = total();
  await sleep(5000); // the group works on without the broker
  const during = await leaders(admin, topic);
  const readWhileDown = victimPartitions.map((p) => receivedAt[p]!.filter((t) => t > downAt).length);
  await startNode(victim);
  const upAt = Date.now();
  await sleep(3000);

  producing = false;
  await production;
  const acked = acknowledged.size;
  await until('every acknowledged record consumed', () => total() >= acked, 60_000).catch(() => {});
  const ends = await endOffsets(admin, topic, PARTITIONS);
  // auto-commit catches up with the marks within a second or two
  await until('committed offsets at the end offsets', () => highest.every((o, p) => o === ends[p]), 30_000).catch(() => {});
  await watch.stop();
  await Promise.all([a.consumer.close(), b.consumer.close()]);
  await Promise.all([a.loop, b.loop]);
  await producer.close();

  // the independent reading, and the same counts from both
  const kcat = await readWithKcat(topic);
  const identify: Identify = (r) => {
    const m = /^record-(\d+)$/.exec(r.value ?? '');
    const n = Number(m?.[1]);
    if (m === null || n >= sent || r.key !== `key-${n % KEYS}`) return undefined;
    return { id: n, order: r.key, seq: n };
  };
  const byKafkaesque = tally(ours, acknowledged, identify);
  const byKcat = tally(kcat.reading, acknowledged, identify);
  const same = agreement(ours, kcat.reading);
  const { lost } = byKafkaesque;
  const figures = {
    sent,
    acknowledged: acked,
    failed: failures.length,
    consumed: total(),
    lost,
    victim,
    coordinator,
    victimPartitions: victimPartitions.join(','),
    readWhileDown: readWhileDown.join(','),
    shutdownMs: downAt - shutdownAt,
    downMs: upAt - downAt,
    readAtShutdown,
    polls: watch.polls,
    pollErrors: watch.errors,
    backwards: watch.backwards.length,
    revocations,
    maxGapMs,
    durationMs: Date.now() - t0,
    readers: { independent: kcat.kcat, kcatMs: kcat.ms, kafkaesque: byKafkaesque, kcat: byKcat, agreement: same },
    leadersBefore: Object.fromEntries(before),
    leadersWhileDown: Object.fromEntries(during),
    committed: highest.map(String),
    endOffsets: ends.map(String),
    backwardsDetail: watch.backwards,
    consumerErrors: consumerErrors.map(String),
  };
  report(protocol === 'classic' ? 'controlled-shutdown' : 'controlled-shutdown-kip848', figures);

  expect(consumerErrors.map(String)).toEqual([]);
  expect(failures.map((f) => f.message)).toEqual([]);
  expect(watch.backwards).toEqual([]);
  expect(watch.polls).toBeGreaterThan(20);
  // the victim's partitions moved to other leaders and were consumed from them while it was down
  for (const p of victimPartitions) expect(during.get(p)).not.toBe(victim);
  for (const n of readWhileDown) expect(n).toBeGreaterThan(0);
  expect(acked).toBe(sent);
  expect(lost).toBe(0);
  expect(total()).toBe(acked);
  const clean = { read: acked, lost: 0, duplicated: 0, outOfOrder: 0, misplaced: 0, unacknowledged: 0, unknown: 0 };
  expect(byKafkaesque).toEqual(clean);
  expect(byKcat).toEqual(clean);
  expect(same).toEqual({ both: acked, differ: 0, onlyFirst: 0, onlySecond: 0 });
  expect(ours.changed).toBe(0);
  expect(highest).toEqual(ends);
  expect(maxGapMs).toBeLessThan(15_000);
});
