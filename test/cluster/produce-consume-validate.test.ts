/**
 * Produce, consume, validate, while partition leaders crash (issue #8).
 *
 * An idempotent producer (acks=all) sends 200,000 keyed records to a topic replicated three
 * times (min.insync.replicas=2) while, several times over, the leader of a partition is killed
 * with SIGKILL and restarted. A group consumer reads at the same time. Each value carries its
 * key's sequence number, so afterwards we count, per partition: records acknowledged and never
 * read (lost), records stored at two offsets (duplicated), and records stored before a lower
 * sequence of the same key (out of order). All three must be zero, counted once in what
 * kafkaesque's consumer read and once in what kcat (librdkafka) reads back from the beginning
 * of every partition afterwards; the two readings must agree record for record. Exactly KILLS
 * leaders are killed, all while the producer sends.
 */
import { AsyncProducer, Config, Consumer, type ConsumerMessage, type ProducerError } from '../../src/index.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import {
  type Acked,
  agreement,
  closeAfter,
  clusterBrokers,
  clusterSuite,
  countingLogger,
  findCoordinator,
  type Identify,
  killNode,
  leaderOf,
  Reading,
  readWithKcat,
  report,
  sleep,
  startNode,
  tally,
  waitForFullIsr,
  watchCommitted,
} from './cluster-helpers.js';

const PARTITIONS = 6;
const KEYS = 1000;
const PER_KEY = 200; // KEYS × PER_KEY = 200,000 records
const TOTAL = KEYS * PER_KEY;
const CHUNKS = 40; // sent one chunk per CHUNK_MS at most: production spans the kills
const CHUNK_MS = 1000;
const KILLS = 4;
const PADDING = 'x'.repeat(60);

jest.setTimeout(300_000);

let admin: Cluster;
clusterSuite((c) => (admin = c));

test.each(['classic', 'consumer'] as const)('%s protocol: 200,000 keyed records survive repeated leader crashes: none lost, duplicated or out of order', async (protocol) => {
  // classic: our heartbeat settings; KIP-848: the broker owns them (group.consumer.*)
  const membership = protocol === 'classic' ? { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 } : { groupProtocol: 'consumer' as const };
  const t0 = Date.now();
  const brokers = clusterBrokers();
  const topic = await createTopic(admin, uniqueTopic('pcv'), PARTITIONS, 3);
  const group = uniqueTopic('pcv-group');
  await waitForFullIsr(admin, [topic]);

  // per record (id = key * PER_KEY + seq): where the producer was told it went
  const acknowledged = new Map<number, Acked>();
  const keyPartition = new Int16Array(KEYS).fill(-1);
  const ours = new Reading(); // what kafkaesque's consumer read
  const failures: ProducerError[] = [];
  let acked = 0;
  let redelivered = 0;
  let keysMoved = 0; // a key acknowledged on two partitions
  const lastDelivered = new Map<number, number>(); // highest offset delivered, per partition
  const previous = new Map<number, number>(); // offset delivered last, per partition
  const rewinds: Array<{ partition: number; from: number; to: number; atMs: number }> = [];
  const rebalances: Array<{ event: string; partitions: string; atMs: number }> = [];

  const producerLog = countingLogger();
  const consumerLog = countingLogger();
  const producer = closeAfter(await AsyncProducer.create(
    new Config({ brokers, acks: 'all', idempotent: true, lingerMs: 5, clientId: 'pcv-producer', logger: producerLog }),
  ));
  producer.on('success', (m) => {
    const i = m.metadata as number;
    acknowledged.set(i, { partition: m.partition, offset: Number(m.offset) });
    const key = Math.floor(i / PER_KEY);
    if (keyPartition[key]! < 0) keyPartition[key] = m.partition;
    else if (keyPartition[key] !== m.partition) keysMoved++;
    acked++;
  });
  producer.on('error', (e) => failures.push(e));

  const consumer = closeAfter(await Consumer.create(
    new Config({ brokers, group, topics: [topic], initialOffset: 'oldest', ...membership, clientId: 'pcv-consumer', logger: consumerLog }),
  ));
  consumer.on('revoked', (tps) => rebalances.push({ event: 'revoked', partitions: tps.map((tp) => tp.partition).join(','), atMs: Date.now() - t0 }));
  consumer.on('assigned', (tps) => rebalances.push({ event: 'assigned', partitions: tps.map((tp) => tp.partition).join(','), atMs: Date.now() - t0 }));
  const onMessage = (m: ConsumerMessage): void => {
    const offset = Number(m.offset);
    const last = lastDelivered.get(m.partition) ?? -1;
    if (offset <= last) {
      // delivered again: a rewind to the committed offset (a rebalance)
      if (previous.get(m.partition) !== offset - 1 && rewinds.length < 20) rewinds.push({ partition: m.partition, from: last, to: offset, atMs: Date.now() - t0 });
      redelivered++;
    }
    previous.set(m.partition, offset);
    lastDelivered.set(m.partition, Math.max(last, offset));
    ours.add(m.partition, m.offset, m.key, m.value);
  };
  // the group's committed offsets, read all along: they must never go backwards
  const watch = watchCommitted(admin, group, topic, PARTITIONS, 250);
  let consumerError: unknown;
  const reading = (async () => {
    try {
      for await (const m of consumer.messages()) {
        onMessage(m);
        consumer.markOffset(m);
      }
    } catch (err) {
      consumerError = err;
    }
  })();

  // the killer: crash the leader of partition k, let the cluster fail over, bring it back
  let kills = 0;
  let coordinatorKills = 0;
  const killed: Array<{ node: number; partition: number; coordinator: boolean; atMs: number; downMs: number }> = [];
  let producing = true;
  const killing = (async () => {
    await sleep(3000);
    for (let k = 0; k < KILLS && producing; k++) {
      const partition = k % PARTITIONS;
      const node = await leaderOf(admin, topic, partition);
      const coordinator = (await findCoordinator(admin, group)) === node;
      const at = Date.now();
      await killNode(node);
      await sleep(2000);
      await startNode(node);
      killed.push({ node, partition, coordinator, atMs: at - t0, downMs: Date.now() - at });
      kills++;
      if (coordinator) coordinatorKills++;
      // before the next crash every replica is back, or a second crash could take the ISR below 2
      await waitForFullIsr(admin, [topic, '__consumer_offsets'], 90_000);
      await sleep(1500);
    }
  })();
  killing.catch(() => {}); // awaited below; not an unhandled rejection meanwhile

  // the producer: key-major order inside each chunk, so every key's sequence spans the run
  let sent = 0;
  const perChunk = TOTAL / CHUNKS;
  for (let c = 0; c < CHUNKS; c++) {
    // spread the kills over the run: chunk c waits for kill ⌊c × (KILLS + 1) / CHUNKS⌋, so every
    // kill is over before the last fifth of the records is sent: all KILLS happen mid-production
    const chunkStart = Date.now();
    while (kills < Math.floor((c * (KILLS + 1)) / CHUNKS) && Date.now() - chunkStart < 120_000) await sleep(50);
    for (let j = 0; j < perChunk; j++) {
      const n = c * perChunk + j;
      const seq = Math.floor(n / KEYS);
      const key = n % KEYS;
      const i = key * PER_KEY + seq;
      const wait = producer.sendMsgByte(topic, `key-${key}`, `${key}:${seq}:${PADDING}`, i);
      sent++;
      if (wait) await wait;
    }
    const spent = Date.now() - chunkStart;
    if (spent < CHUNK_MS) await sleep(CHUNK_MS - spent);
  }
  await producer.flush();
  producing = false;
  await killing;
  const producedMs = Date.now() - t0;

  // wait for the consumer to read every acknowledged record
  const deadline = Date.now() + 120_000;
  while (ours.size < acked && Date.now() < deadline && consumerError === undefined) await sleep(200);
  // auto-commit catches up with the marks within a second or two
  const commitDeadline = Date.now() + 15_000;
  while (Date.now() < commitDeadline && watch.highest.some((o, p) => o !== BigInt(lastDelivered.get(p) ?? -2) + 1n)) await sleep(200);
  await watch.stop();
  await consumer.close();
  await reading;
  await producer.close();

  // the independent reading: kcat, from the beginning of every partition to its end
  const kcat = await readWithKcat(topic);
  const identify: Identify = (r) => {
    const m = /^(\d+):(\d+):(x*)$/.exec(r.value ?? '');
    if (m === null || r.key !== `key-${m[1]}` || m[3] !== PADDING || Number(m[1]) >= KEYS || Number(m[2]) >= PER_KEY) return undefined;
    return { id: Number(m[1]) * PER_KEY + Number(m[2]), order: r.key, seq: Number(m[2]) };
  };
  const byKafkaesque = tally(ours, acknowledged, identify);
  const byKcat = tally(kcat.reading, acknowledged, identify);
  const same = agreement(ours, kcat.reading);
  const { lost, duplicated, outOfOrder, misplaced } = byKafkaesque;

  const perPartition = Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, read: ours.sizeOf(p), readByKcat: kcat.reading.sizeOf(p) }));
  const figures = {
    sent,
    acknowledged: acked,
    failed: failures.length,
    consumed: ours.size,
    lost,
    duplicated,
    outOfOrder,
    misplaced,
    keysMoved,
    redelivered,
    kills,
    coordinatorKills,
    producerRetries: producerLog.counts['debug: retrying a batch'] ?? 0,
    producedMs,
    durationMs: Date.now() - t0,
    rebalanceEvents: rebalances.length,
    commitPolls: watch.polls,
    commitsBackwards: watch.backwards.length,
    committedAtEnd: watch.highest.map(String).join(','),
    readers: { independent: kcat.kcat, kcatMs: kcat.ms, kafkaesque: byKafkaesque, kcat: byKcat, agreement: same },
    killed,
    rewinds,
    commitsBackwardsDetail: watch.backwards,
    rebalances,
    perPartition,
    producerLog: producerLog.counts,
    consumerLog: consumerLog.counts,
    firstFailure: failures[0]?.message ?? null,
    consumerError: consumerError === undefined ? null : String(consumerError),
  };
  report(protocol === 'classic' ? 'produce-consume-validate' : 'produce-consume-validate-kip848', figures);

  expect(consumerError).toBeUndefined();
  expect(kills).toBe(KILLS);
  expect(sent).toBe(TOTAL);
  expect(failures.map((f) => f.message)).toEqual([]);
  expect(acked).toBe(TOTAL);
  expect(keysMoved).toBe(0);
  const clean = { read: TOTAL, lost: 0, duplicated: 0, outOfOrder: 0, misplaced: 0, unacknowledged: 0, unknown: 0 };
  expect(byKafkaesque).toEqual(clean);
  // kcat reads the same log: nothing lost, duplicated or reordered there either, and record for
  // record what kafkaesque read (same partition, offset, key and value)
  expect(byKcat).toEqual(clean);
  expect(same).toEqual({ both: TOTAL, differ: 0, onlyFirst: 0, onlySecond: 0 });
  expect(ours.changed).toBe(0);
  // one member has no reason to rebalance: a coordinator's crash must not make it revoke its
  // partitions and read the uncommitted tail again
  expect(rebalances).toEqual([]);
  expect(redelivered).toBe(0);
  expect(watch.backwards).toEqual([]);
  expect(watch.polls).toBeGreaterThan(50);
  // the group committed everything it read
  expect(watch.highest).toEqual(perPartition.map((pp) => BigInt(pp.read)));
  expect(perPartition.map((pp) => pp.readByKcat)).toEqual(perPartition.map((pp) => pp.read));
});
