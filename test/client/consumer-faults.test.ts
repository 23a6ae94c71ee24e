/**
 * The consumer against bytes a real broker never sends on demand: a fetch response whose middle
 * record batch is corrupt (CRC mismatch, as a flipped bit on the wire or disk gives). Through a
 * fake broker (test/helpers/fake-broker.ts) answering Metadata, ListOffsets and Fetch with our own
 * codecs. The consumer must deliver the good batches before it, report the bad one as a typed
 * PartitionError naming the partition and the batch, never skip past it (no silent loss), and
 * go on once the same offsets come back whole.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { Fetch } from '../../protocol/messages/fetch.js';
import { ListOffsets } from '../../protocol/messages/list-offsets.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { CorruptRecordBatchError, encodeRecordBatch } from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { Config } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage } from '../../src/client/consumer.js';
import { PartitionError } from '../../src/consumer/errors.js';
import { FakeBroker, type FakeRequest, writeResponse } from '../helpers/fake-broker.js';

jest.setTimeout(30_000);
const TOPIC = 'faulty';
const TOPIC_ID = 'AQIDBAUGBwgJCgsMDQ4PEA';

/** Three batches of three records: offsets 0-2, 3-5, 6-8. */
function batches(): Buffer[] {
  return [0, 3, 6].map((base) => {
    const w = new Writer();
    encodeRecordBatch(w, {
      baseOffset: BigInt(base),
      records: [0, 1, 2].map((i) => ({ key: null, value: `v${base + i}`, timestamp: 1_700_000_000_000 })),
    });
    return Buffer.from(w.finish());
  });
}

class FaultyLog {
  readonly batches = batches();
  fetches = 0;
  broker!: FakeBroker;

  /** Flips one byte inside batch `i`'s records: its CRC-32C no longer matches. */
  corrupt(i: number): void {
    const b = Buffer.from(this.batches[i]!);
    b[b.length - 3]! ^= 0x40;
    this.batches[i] = b;
  }

  repair(): void {
    this.batches.splice(0, 3, ...batches());
  }

  private from(offset: bigint): Buffer {
    // like the broker: the batches whose last offset is at or after the fetch offset
    return Buffer.concat(this.batches.filter((_, i) => BigInt(i * 3 + 2) >= offset));
  }

  async start(): Promise<string> {
    this.broker = await FakeBroker.start({ onRequest: (r) => this.handle(r) });
    return `127.0.0.1:${this.broker.port}`;
  }

  private handle({ header, body, socket }: FakeRequest): void {
    const v = header.requestApiVersion;
    const id = header.correlationId;
    const port = this.broker.port;
    switch (header.requestApiKey) {
      case Metadata.apiKey: {
        const req = Metadata.decodeRequest(body, v);
        writeResponse(socket, Metadata, v, id, {
          throttleTimeMs: 0,
          brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }],
          clusterId: 'fake-cluster-0000000000',
          controllerId: 1,
          topics: (req.topics ?? []).map((t) => ({
            errorCode: t.name === TOPIC ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            name: t.name,
            topicId: t.name === TOPIC ? TOPIC_ID : 'AAAAAAAAAAAAAAAAAAAAAA',
            isInternal: false,
            partitions:
              t.name === TOPIC
                ? [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }]
                : [],
            topicAuthorizedOperations: -2147483648,
          })),
          clusterAuthorizedOperations: -2147483648,
          errorCode: 0,
        });
        return;
      }
      case ListOffsets.apiKey: {
        const req = ListOffsets.decodeRequest(body, v);
        writeResponse(socket, ListOffsets, v, id, {
          throttleTimeMs: 0,
          topics: req.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              errorCode: 0,
              timestamp: -1n,
              offset: p.timestamp === -2n ? 0n : 9n, // earliest 0, latest 9
              leaderEpoch: 0,
            })),
          })),
        });
        return;
      }
      case Fetch.apiKey: {
        this.fetches++;
        const req = Fetch.decodeRequest(body, v);
        const responses = req.topics.map((t) => ({
          topic: t.topic,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => {
            const records = p.fetchOffset < 9n ? this.from(p.fetchOffset) : Buffer.alloc(0);
            return {
              partitionIndex: p.partition,
              errorCode: 0,
              highWatermark: 9n,
              lastStableOffset: 9n,
              logStartOffset: 0n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records,
            };
          }),
        }));
        const answer = (): void =>
          writeResponse(socket, Fetch, v, id, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses, nodeEndpoints: [] });
        // nothing new: wait like a broker's maxWaitMs, so the client does not spin
        if (responses.every((t) => t.partitions.every((p) => p.records.length === 0))) setTimeout(answer, Math.min(req.maxWaitMs, 200));
        else answer();
        return;
      }
      default:
        socket.destroy();
    }
  }
}

let log: FaultyLog;
let consumer: Consumer | undefined;
afterEach(async () => {
  await consumer?.close();
  consumer = undefined;
  await log.broker.stop();
});

async function next(it: AsyncIterator<ConsumerMessage>): Promise<ConsumerMessage | Error> {
  try {
    const r = await it.next();
    return r.done ? new Error('iteration ended') : r.value;
  } catch (err) {
    return err as Error;
  }
}

test('a corrupt batch in a fetch: earlier records delivered, a typed PartitionError, nothing skipped, recovery once whole', async () => {
  log = new FaultyLog();
  log.corrupt(1);
  const bootstrap = await log.start();
  consumer = await Consumer.create(new Config({ brokers: [bootstrap], fetchMaxWaitMs: 100, retryBackoffMaxMs: 200 }));
  const pc = await consumer.consumePartition(TOPIC, 0, 'oldest');
  let it = pc.messages();

  const first: string[] = [];
  for (let i = 0; i < 3; i++) {
    const m = await next(it);
    expect(m).not.toBeInstanceOf(Error);
    first.push((m as ConsumerMessage).value!.toString());
  }
  expect(first).toEqual(['v0', 'v1', 'v2']);

  const err = (await next(it)) as PartitionError;
  expect(err).toBeInstanceOf(PartitionError);
  expect(err.message).toMatch(/faulty-0/);
  expect(err.partition).toBe(0);
  expect(err.cause).toBeInstanceOf(CorruptRecordBatchError);
  expect((err.cause as CorruptRecordBatchError).baseOffset).toBe(3n);

  // still corrupt: asking again reports it again; the good batch after it is never delivered
  it = pc.messages();
  const again = (await next(it)) as PartitionError;
  expect(again).toBeInstanceOf(PartitionError);
  expect((again.cause as CorruptRecordBatchError).baseOffset).toBe(3n);

  // the bytes come back whole (a transient fault): consumption resumes at offset 3, in order
  log.repair();
  it = pc.messages();
  const rest: Array<[bigint, string]> = [];
  for (let i = 0; i < 6; i++) {
    const m = await next(it);
    expect(m).not.toBeInstanceOf(Error);
    rest.push([(m as ConsumerMessage).offset, (m as ConsumerMessage).value!.toString()]);
  }
  expect(rest).toEqual([3n, 4n, 5n, 6n, 7n, 8n].map((o) => [o, `v${o}`]));
});
