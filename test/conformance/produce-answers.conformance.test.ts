/**
 * readProduceAnswers (the producer's reading of a Produce response without an object per
 * partition) against Produce.decodeResponse, which produce.conformance proves field for field
 * against Kafka's ProduceResponseData: Kafka's own random responses (record errors, error
 * messages, current-leader tags, node endpoints and unknown tagged fields included) of every
 * version, and every truncation of some of them, must read the same.
 */
import { Produce, type ProduceAnswerVisitor, readProduceAnswers } from '../../protocol/messages/produce.js';
import { ProtocolDecodeError } from '../../protocol/errors.js';
import { Reader } from '../../protocol/reader.js';
import type { JavaOracle } from './oracle.js';
import { closeSharedOracle, sharedOracle } from './harness.js';

let oracle: JavaOracle;
beforeAll(async () => {
  oracle = await sharedOracle();
}, 120_000);
afterAll(async () => {
  await closeSharedOracle();
});

type Answer = [name: string, topicId: string, index: number, errorCode: number, baseOffset: bigint, logAppendTimeMs: bigint, errorMessage: string | null];

function visited(bytes: Buffer, version: number): { answers: Answer[]; throttleTimeMs: number } {
  const answers: Answer[] = [];
  let name = '';
  let topicId = '';
  const visitor: ProduceAnswerVisitor = {
    topic: (n, id) => {
      name = n;
      topicId = id;
    },
    partition: (index, errorCode, baseOffset, logAppendTimeMs, errorMessage) => answers.push([name, topicId, index, errorCode, baseOffset, logAppendTimeMs, errorMessage]),
  };
  const r = new Reader(bytes);
  const throttleTimeMs = readProduceAnswers(r, version, visitor);
  r.expectEnd('ProduceResponse');
  return { answers, throttleTimeMs };
}

function decoded(bytes: Buffer, version: number): { answers: Answer[]; throttleTimeMs: number } {
  const r = new Reader(bytes);
  const res = Produce.decodeResponse(r, version);
  r.expectEnd('ProduceResponse');
  const answers = res.responses.flatMap((t) =>
    t.partitionResponses.map((p): Answer => [t.name, t.topicId, p.index, p.errorCode, p.baseOffset, p.logAppendTimeMs, p.errorMessage]),
  );
  return { answers, throttleTimeMs: res.throttleTimeMs };
}

const versions = Array.from({ length: Produce.maxVersion - Produce.minVersion + 1 }, (_, i) => Produce.minVersion + i);

test.each(versions)('v%i: 25 of Kafka\'s random responses read as decodeResponse reads them', async (version) => {
  const seeds = Array.from({ length: 25 }, (_, i) => 7000 + i);
  const randoms = await Promise.all(seeds.map((s) => oracle.random('ProduceResponse', version, s)));
  let partitions = 0;
  for (const { bytes } of randoms) {
    const want = decoded(bytes, version);
    expect(visited(bytes, version)).toEqual(want);
    partitions += want.answers.length;
  }
  expect(partitions).toBeGreaterThan(0);
});

test.each(versions)('v%i: a truncated response is refused as decodeResponse refuses it', async (version) => {
  const { bytes } = await oracle.random('ProduceResponse', version, 4242);
  for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 40))) {
    const part = bytes.subarray(0, cut);
    expect(() => decoded(part, version)).toThrow(ProtocolDecodeError);
    expect(() => visited(part, version)).toThrow(ProtocolDecodeError);
  }
});
