/**
 * The idempotent producer keeps each partition's records in the order they were sent, against
 * leaders that check sequence numbers as Kafka 4.x does. Two fake nodes (test/helpers/fake-kafka.ts,
 * FakeReplicas) share one log and the producers' state, and play a leadership move: what the
 * three-node controlled-shutdown test (test/cluster/controlled-shutdown.test.ts) once caught
 * as records stored after a later record of their key.
 */
import { Config } from '../../src/client/config.js';
import { AsyncProducer } from '../../src/client/producers.js';
import type { ProducerError } from '../../src/producer/errors.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { FakeKafka, FakeReplicas } from '../helpers/fake-kafka.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

let nodes: FakeKafka[] = [];
afterEach(async () => {
  for (const n of nodes) await n.stop();
  nodes = [];
});

/** Two nodes of one fake cluster, node 1 leading. */
async function cluster(): Promise<{ replicas: FakeReplicas; one: FakeKafka; two: FakeKafka }> {
  const replicas = new FakeReplicas(1);
  const one = new FakeKafka(1, replicas);
  const two = new FakeKafka(1, replicas);
  two.nodeId = 2;
  nodes = [one, two];
  for (const n of nodes) await n.start();
  const advertise = nodes.map((n) => ({ nodeId: n.nodeId, host: '127.0.0.1', port: n.port }));
  for (const n of nodes) n.advertise = advertise;
  return { replicas, one, two };
}

test('after a new producer id, a partition\'s first batch retried at a new leader is still written before the batches sent after it', async () => {
  const { replicas, one } = await cluster();
  // metadata refreshed every 50 ms: the producer learns of a leadership move while a batch is in flight
  const producer = await AsyncProducer.create(new Config({ brokers: [one.bootstrap], lingerMs: 5, retryBackoffMs: 50, retryBackoffMaxMs: 50, metadataMaxAgeMs: 50 }));
  const offsets = new Map<string, number>();
  const failures: ProducerError[] = [];
  producer.on('success', (m) => offsets.set(String(m.value), Number(m.offset)));
  producer.on('error', (e) => failures.push(e));
  const send = (n: number): void => void producer.sendMsgByte('t', 'k', `record-${n}`);
  try {
    send(0);
    await producer.flush();
    // record-1: node 1 answers OUT_OF_ORDER_SEQUENCE_NUMBER (the partition's oldest unacknowledged
    // batch, so the producer takes a new producer id: InitProducerId without a transactional id
    // always gives one), then keeps the retry under that new id unanswered
    one.produceScript.push(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'hold');
    send(1);
    await until('record-1 held under a new producer id', () => one.heldCount === 1 && replicas.producerIds.length === 2);
    // leadership moves to node 2, and the producer's metadata says so
    replicas.moveLeader(2);
    await sleep(300);
    // record-2 is sent while record-1 is still in flight to node 1
    send(2);
    await sleep(300);
    // node 1, no longer the leader, answers record-1 with NOT_LEADER_OR_FOLLOWER: retried at node 2
    one.releaseHeld();
    await producer.flush();
  } finally {
    await producer.close();
  }
  expect(failures.map((f) => f.message)).toEqual([]);
  const log = replicas.logs.get('t-0')!.map(String);
  expect(log).toEqual(['record-0', 'record-1', 'record-2']);
  expect(log.map((v) => offsets.get(v))).toEqual([0, 1, 2]);
});
