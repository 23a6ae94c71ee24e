/**
 * Record batches through the real broker: produce with each codec over BrokerConnection, then
 * Fetch and ListOffsets them back. The broker validates every batch (CRC, decompression,
 * record layout) on append, so an accepted Produce is itself a conformance check.
 */
import { ZERO_UUID } from '../../protocol/api.js';
import { CompressionType, type CompressionTypeId, ensureCompressionReady } from '../../protocol/compression/index.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { Fetch, fetchRequestDefaults } from '../../protocol/messages/fetch.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, ListOffsets } from '../../protocol/messages/list-offsets.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { Produce } from '../../protocol/messages/produce.js';
import { decodeRecordSet, encodeRecordBatch, type RecordInput } from '../../protocol/records.js';
import { Writer } from '../../protocol/writer.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';

const INT64_MAX = 9223372036854775807n;
let conn: BrokerConnection;

beforeAll(async () => {
  await ensureCompressionReady();
  const { host, port } = brokerAddress();
  conn = await BrokerConnection.connect({ host, port, clientId: 'kafkaesque-records-test' });
});
afterAll(() => conn?.close());

async function createTopic(): Promise<{ name: string; topicId: string }> {
  const name = uniqueTopic('records');
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await conn.send(Metadata, {
      topics: [{ topicId: ZERO_UUID, name }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const t = res.topics[0]!;
    if (t.errorCode === 0 && t.partitions[0]?.leaderId === 1) return { name, topicId: t.topicId };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`topic ${name} was not created`);
}

function records(n: number): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 0 ? null : `key-${i}`,
    value: i % 7 === 0 ? null : `value-${i}-`.repeat(1 + (i % 5)),
    headers: i % 4 === 0 ? [{ key: 'h', value: `${i}` }, { key: 'empty', value: null }] : [],
    timestamp: 1_700_000_000_000 + i,
  }));
}

describe.each(Object.entries(CompressionType))('a batch compressed with %s', (_, id) => {
  test('is accepted by the broker and fetched back unchanged', async () => {
    const topic = await createTopic();
    const sent = records(200);
    const w = new Writer();
    encodeRecordBatch(w, { records: sent, compression: id as CompressionTypeId });
    const produce = await conn.send(Produce, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic.name, topicId: topic.topicId, partitionData: [{ index: 0, records: w.finish() }] }],
    });
    const pr = produce.responses[0]!.partitionResponses[0]!;
    expect(pr.errorCode).toBe(ErrorCode.NONE);
    expect(pr.baseOffset).toBe(0n);

    const offsets = await conn.send(ListOffsets, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 5000,
      topics: [
        {
          name: topic.name,
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: LATEST_TIMESTAMP },
          ],
        },
      ],
    });
    expect(offsets.topics[0]!.partitions[0]!.offset).toBe(200n);

    const fetched = await conn.send(Fetch, {
      ...fetchRequestDefaults(),
      maxWaitMs: 100,
      topics: [
        {
          topic: topic.name,
          topicId: topic.topicId,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
              replicaDirectoryId: ZERO_UUID,
              highWatermark: INT64_MAX,
            },
          ],
        },
      ],
    });
    const p = fetched.responses[0]!.partitions[0]!;
    expect(p.errorCode).toBe(ErrorCode.NONE);
    expect(p.highWatermark).toBe(200n);
    const set = decodeRecordSet(p.records!, { maxDecompressedBytes: 1 << 24 });
    expect(set.error).toBeUndefined();
    expect(set.batches[0]!.compression).toBe(id);
    const got = set.batches.flatMap((b) => b.records);
    expect(got).toHaveLength(200);
    got.forEach((r, i) => {
      const s = sent[i]!;
      expect(r.offset).toBe(BigInt(i));
      expect(r.timestamp).toBe(s.timestamp);
      expect(r.key?.toString() ?? null).toBe(s.key);
      expect(r.value?.toString() ?? null).toBe(s.value);
      expect(r.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual(
        (s.headers ?? []).map((h) => [h.key, h.value]),
      );
    });
  });
});

test('ListOffsets finds the earliest and latest offsets of an empty partition', async () => {
  const topic = await createTopic();
  for (const timestamp of [EARLIEST_TIMESTAMP, LATEST_TIMESTAMP]) {
    for (let v = ListOffsets.minVersion; v <= ListOffsets.maxVersion; v++) {
      const res = await conn.send(
        ListOffsets,
        {
          replicaId: -1,
          isolationLevel: 0,
          timeoutMs: 5000,
          topics: [{ name: topic.name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
        },
        { version: v },
      );
      expect(res.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 0n });
    }
  }
});

test('a record batch the broker cannot parse is refused with CORRUPT_MESSAGE or INVALID_RECORD', async () => {
  const topic = await createTopic();
  const w = new Writer();
  encodeRecordBatch(w, { records: records(3) });
  const bad = Buffer.from(w.finish());
  bad[bad.length - 1] ^= 0xff; // breaks the CRC
  const res = await conn.send(Produce, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic.name, topicId: topic.topicId, partitionData: [{ index: 0, records: bad }] }],
  });
  expect([ErrorCode.CORRUPT_MESSAGE, ErrorCode.INVALID_RECORD]).toContain(
    res.responses[0]!.partitionResponses[0]!.errorCode,
  );
});
