/**
 * Every broker of the cluster crashes, and comes back 15 s later (issue #8). While they are
 * down, what cannot wait any longer fails with a typed timeout error, on time (not a hang):
 * records whose deliveryTimeoutMs runs out during the outage fail with DeliveryTimeoutError,
 * a send to a topic whose metadata was never fetched fails with MetadataTimeoutError after
 * maxBlockMs. When the brokers are back, the same producers and the same group consumer go on
 * by themselves: records sent during the outage with a longer delivery timeout are delivered,
 * new sends succeed, and the consumer reads all of it once, and none of what expired. Afterwards
 * kcat (librdkafka) reads the topic back: the same records, none lost, none twice, none of the
 * expired ones, each producer's records of a key in the order they were sent.
 */
import {
  AsyncProducer,
  Config,
  Consumer,
  DeliveryTimeoutError,
  MetadataTimeoutError,
  ProducerError,
  type ProducerMessage,
  SyncProducer,
} from '../../src/index.js';
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
  type Identify,
  killAll,
  Reading,
  readWithKcat,
  report,
  restoreCluster,
  sleep,
  tally,
  waitForFullIsr,
} from './cluster-helpers.js';

const PARTITIONS = 3;
const OUTAGE_MS = 15_000;
const SHORT_DELIVERY_TIMEOUT_MS = 6000; // shorter than the outage: these records expire
const MAX_BLOCK_MS = 4000;
jest.setTimeout(180_000);

let admin: Cluster;
clusterSuite((c) => (admin = c));

interface Outcome {
  value: string;
  key: string;
  sentAt: number;
  doneAt?: number;
  error?: ProducerError;
  /** Where it was acknowledged. */
  at?: Acked;
}

test('all brokers down, then back: timeouts are typed and on time, producers and consumer resume by themselves', async () => {
  const t0 = Date.now();
  const brokers = clusterBrokers();
  const topic = await createTopic(admin, uniqueTopic('outage'), PARTITIONS, 3);
  const group = uniqueTopic('outage-group');
  await waitForFullIsr(admin, [topic]);

  const shortLog = countingLogger();
  const short = closeAfter(await AsyncProducer.create(
    new Config({
      brokers,
      acks: 'all',
      lingerMs: 5,
      requestTimeoutMs: 3000,
      deliveryTimeoutMs: SHORT_DELIVERY_TIMEOUT_MS,
      maxBlockMs: MAX_BLOCK_MS,
      connectTimeoutMs: 2000,
      clientId: 'outage-short',
      logger: shortLog,
    }),
  ));
  // the default delivery timeout (120 s) outlasts the outage
  const patient = closeAfter(await SyncProducer.create(new Config({ brokers, acks: 'all', lingerMs: 5, clientId: 'outage-patient' })));
  const consumerLog = countingLogger();
  const consumer = closeAfter(await Consumer.create(
    new Config({ brokers, group, topics: [topic], initialOffset: 'oldest', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, clientId: 'outage-consumer', logger: consumerLog }),
  ));
  const received: Array<{ value: string; partition: number; offset: bigint; at: number }> = [];
  const ours = new Reading(); // what the consumer read
  let consumerError: unknown;
  const reading = (async () => {
    try {
      for await (const m of consumer.messages()) {
        received.push({ value: m.value!.toString(), partition: m.partition, offset: m.offset, at: Date.now() });
        ours.add(m.partition, m.offset, m.key, m.value);
        consumer.markOffset(m);
      }
    } catch (err) {
      consumerError = err;
    }
  })();
  const until = async (what: string, cond: () => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  };

  const sendShort = (value: string, key: string, to = topic): Outcome => {
    const o: Outcome = { value, key, sentAt: Date.now() };
    const wait = short.sendMsgByte(to, key, value, undefined, {
      onSuccess: (m) => {
        o.doneAt = Date.now();
        o.at = { partition: m.partition, offset: Number(m.offset) };
      },
      onError: (e) => {
        o.doneAt = Date.now();
        o.error = e;
      },
    });
    if (wait) wait.catch(() => {});
    return o;
  };
  const sendPatient = (value: string, key: string): Outcome & { done: Promise<ProducerMessage> } => {
    const o = { value, key, sentAt: Date.now() } as Outcome & { done: Promise<ProducerMessage> };
    o.done = patient.sendMsgByte(topic, key, value).then(
      (m) => {
        o.doneAt = Date.now();
        o.at = { partition: m.partition, offset: Number(m.offset) };
        return m;
      },
      (e: ProducerError) => {
        o.doneAt = Date.now();
        o.error = e;
        throw e;
      },
    );
    o.done.catch(() => {});
    return o;
  };

  let killed = false;
  try {
    // ---- before: both producers deliver, the consumer reads it all (and commits)
    const before = [
      ...Array.from({ length: 60 }, (_, i) => sendShort(`before-short-${i}`, `k${i}`)),
      ...Array.from({ length: 60 }, (_, i) => sendPatient(`before-patient-${i}`, `k${i}`)),
    ];
    await until('delivered before the outage', () => before.every((o) => o.doneAt !== undefined), 30_000);
    expect(before.filter((o) => o.error).map((o) => o.error!.message)).toEqual([]);
    await until('read before the outage', () => received.length >= before.length, 30_000);
    await sleep(1500); // auto-commit (every second) has the marks

    // ---- every broker crashes
    await killAll();
    killed = true;
    const downAt = Date.now();
    const expiring = Array.from({ length: 60 }, (_, i) => sendShort(`expiring-${i}`, `k${i}`));
    const unknownTopic = sendShort('new-topic-record', 'k', uniqueTopic('outage-new'));
    const waiting = Array.from({ length: 60 }, (_, i) => sendPatient(`during-${i}`, `k${i}`));
    // the short-lived records fail while the brokers are still down, each on time
    await until('expired records reported', () => expiring.every((o) => o.doneAt !== undefined) && unknownTopic.doneAt !== undefined, SHORT_DELIVERY_TIMEOUT_MS + 8000);
    const expiredBy = Date.now() - downAt;
    expect(expiredBy).toBeLessThan(OUTAGE_MS);
    const patientDoneDuringOutage = waiting.filter((o) => o.doneAt !== undefined).length;
    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));

    // ---- the brokers come back
    const restartAt = Date.now();
    await restoreCluster();
    killed = false;
    const upAt = Date.now();
    const after = Array.from({ length: 60 }, (_, i) => sendShort(`after-${i}`, `k${i}`));
    await until('sent after the outage', () => after.every((o) => o.doneAt !== undefined), 60_000);
    await Promise.allSettled(waiting.map((o) => o.done));
    const expected = [...before, ...waiting, ...after].map((o) => o.value);
    await until('read after the outage', () => received.length >= expected.length, 60_000).catch(() => {});
    const readAllAt = Date.now();
    await sleep(1500); // anything read twice or expired would show up now

    const values = received.map((r) => r.value);
    const duplicates = values.length - new Set(values).size;
    const expiredRead = values.filter((v) => v.startsWith('expiring-') || v === 'new-topic-record').length;
    const missing = expected.filter((v) => !values.includes(v));
    const lateErrors = expiring.map((o) => o.doneAt! - o.sentAt);

    // the independent reading, and the same counts from both: a record's id is its place in
    // `sent`, which is each producer's send order for a key (short: before, expiring, after;
    // patient: before, during)
    const kcat = await readWithKcat(topic);
    const sent = [...before, ...expiring, ...waiting, ...after];
    const ids = new Map(sent.map((o, id) => [o.value, id]));
    const ackedById = new Map<number, Acked>();
    sent.forEach((o, id) => {
      if (o.at !== undefined && !o.error) ackedById.set(id, o.at);
    });
    const identify: Identify = (r) => {
      const id = ids.get(r.value ?? '');
      if (id === undefined || r.key !== sent[id]!.key) return undefined;
      const by = /^(before-patient|during)-/.test(r.value!) ? 'patient' : 'short';
      return { id, order: `${by}/${r.key}`, seq: id };
    };
    const byKafkaesque = tally(ours, ackedById, identify);
    const byKcat = tally(kcat.reading, ackedById, identify);
    const same = agreement(ours, kcat.reading);
    const figures = {
      outageMs: restartAt - downAt,
      restartMs: upAt - restartAt,
      expired: expiring.filter((o) => o.error).length,
      expiredCause: [...new Set(expiring.map((o) => o.error?.cause.constructor.name ?? 'none'))].join(','),
      expiredAfterMs: `${Math.min(...lateErrors)}-${Math.max(...lateErrors)}`,
      unknownTopicCause: unknownTopic.error?.cause.constructor.name ?? 'none',
      unknownTopicAfterMs: unknownTopic.doneAt! - unknownTopic.sentAt,
      patientDoneDuringOutage,
      patientDelivered: waiting.filter((o) => o.doneAt !== undefined && !o.error).length,
      patientDeliveredAfterUpMs: Math.max(...waiting.map((o) => (o.doneAt ?? Infinity) - upAt)),
      afterDelivered: after.filter((o) => o.doneAt !== undefined && !o.error).length,
      afterFirstAckMs: Math.min(...after.map((o) => o.doneAt! - upAt)),
      consumed: received.length,
      expected: expected.length,
      missing: missing.length,
      duplicates,
      expiredRead,
      readAllAfterUpMs: readAllAt - upAt,
      readers: { independent: kcat.kcat, kcatMs: kcat.ms, kafkaesque: byKafkaesque, kcat: byKcat, agreement: same },
      durationMs: Date.now() - t0,
      consumerError: consumerError === undefined ? null : String(consumerError),
      errors: [...expiring, unknownTopic, ...waiting, ...after].filter((o) => o.error).slice(0, 3).map((o) => o.error!.message),
      shortLog: shortLog.counts,
      consumerLog: consumerLog.counts,
    };
    report('all-brokers-down', figures);

    // typed timeouts, on time
    for (const o of expiring) {
      expect(o.error).toBeInstanceOf(ProducerError);
      expect(o.error!.cause).toBeInstanceOf(DeliveryTimeoutError);
      expect(o.doneAt! - o.sentAt).toBeLessThan(SHORT_DELIVERY_TIMEOUT_MS + 3000);
    }
    expect(unknownTopic.error).toBeInstanceOf(ProducerError);
    expect(unknownTopic.error!.cause).toBeInstanceOf(MetadataTimeoutError);
    expect(unknownTopic.doneAt! - unknownTopic.sentAt).toBeLessThan(MAX_BLOCK_MS + 3000);
    // nothing else failed, and the patient records waited for the brokers
    expect(patientDoneDuringOutage).toBe(0);
    expect([...waiting, ...after].filter((o) => o.error).map((o) => o.error!.message)).toEqual([]);
    // the consumer: everything delivered once, nothing that expired, no error
    expect(consumerError).toBeUndefined();
    expect(missing).toEqual([]);
    expect(duplicates).toBe(0);
    expect(expiredRead).toBe(0);
    // both readings: every acknowledged record once, in order, none that expired, the same records
    const clean = { read: expected.length, lost: 0, duplicated: 0, outOfOrder: 0, misplaced: 0, unacknowledged: 0, unknown: 0 };
    expect(ackedById.size).toBe(expected.length);
    expect(byKafkaesque).toEqual(clean);
    expect(byKcat).toEqual(clean);
    expect(same).toEqual({ both: expected.length, differ: 0, onlyFirst: 0, onlySecond: 0 });
  } finally {
    if (killed) await restoreCluster();
    await consumer.close();
    await reading;
    await Promise.all([short.close(), patient.close()]);
  }
});
