// Produce a record batch and fetch it back through BrokerConnection, the highest layer that
// exists today. Uses the published package name: run `npm run build` first (npm run demo does).
//
//   node examples/produce-and-fetch.mjs [topic]
//
// The broker address comes from KAFKAESQUE_BROKER (default 127.0.0.1:9092).
import { BrokerConnection, KafkaProtocolError, protocol } from 'kafkaesque';

const { Metadata, Produce, Fetch, ListOffsets, ApiVersions, Writer, encodeRecordBatch, decodeRecordSet, ZERO_UUID } =
  protocol;
const bootstrap = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(':')), Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1))];
const topic = process.argv[2] ?? 'kafkaesque-demo';

const conn = await BrokerConnection.connect({ host, port, clientId: 'kafkaesque-demo' });
console.log(`connected to ${conn.broker}; negotiated versions:`);
for (const api of [ApiVersions, Metadata, Produce, Fetch, ListOffsets]) {
  const range = conn.brokerRange(api.apiKey);
  console.log(`  ${api.name.padEnd(12)} v${conn.versionFor(api)}  (broker v${range.minVersion}-v${range.maxVersion}, kafkaesque v${api.minVersion}-v${api.maxVersion})`);
}

// 1. Metadata, letting the broker auto-create the topic; retry while it is being created.
let partition;
let topicId; // Produce v13+ and Fetch v13+ address topics by id (KIP-516)
for (let attempt = 0; ; attempt++) {
  const md = await conn.send(Metadata, {
    topics: [{ topicId: ZERO_UUID, name: topic }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const t = md.topics[0];
  if (t.errorCode === 0 && t.partitions.length > 0 && t.partitions[0].leaderId >= 0) {
    console.log(`topic ${topic} (id ${t.topicId}): ${t.partitions.length} partition(s), cluster ${md.clusterId}`);
    for (const p of t.partitions) console.log(`  partition ${p.partitionIndex}: leader ${p.leaderId}, epoch ${p.leaderEpoch}, isr [${p.isrNodes}]`);
    partition = t.partitions[0];
    topicId = t.topicId;
    break;
  }
  if (attempt > 50) throw KafkaProtocolError.fromCode(t.errorCode, `metadata for ${topic}`);
  await new Promise((r) => setTimeout(r, 100));
}

// 2. Produce one batch of three records (acks=all) to partition 0.
const w = new Writer();
encodeRecordBatch(w, {
  records: [
    { key: 'greeting', value: 'hello from kafkaesque', headers: [{ key: 'lang', value: 'en' }] },
    { key: 'greeting', value: 'hallo von kafkaesque', headers: [{ key: 'lang', value: 'de' }] },
    { key: null, value: 'a record without a key' },
  ],
  compression: protocol.CompressionType.Gzip,
});
const produced = await conn.send(Produce, {
  transactionalId: null,
  acks: -1,
  timeoutMs: 10_000,
  topicData: [{ name: topic, topicId, partitionData: [{ index: partition.partitionIndex, records: w.finish() }] }],
});
const pr = produced.responses[0].partitionResponses[0];
if (pr.errorCode !== 0) throw KafkaProtocolError.fromCode(pr.errorCode, `produce to ${topic}`);
console.log(`produced 3 records (gzip) at offsets ${pr.baseOffset}..${pr.baseOffset + 2n}`);

// 3. Fetch them back from that offset.
const fetched = await conn.send(
  Fetch,
  {
    ...protocol.fetchRequestDefaults(),
    maxWaitMs: 1000,
    topics: [{ topic, topicId, partitions: [{ partition: partition.partitionIndex, currentLeaderEpoch: -1, fetchOffset: pr.baseOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: ZERO_UUID, highWatermark: 9223372036854775807n }] }],
  },
);
const fp = fetched.responses[0].partitions[0];
if (fp.errorCode !== 0) throw KafkaProtocolError.fromCode(fp.errorCode, `fetch from ${topic}`);
const { batches } = decodeRecordSet(fp.records, { maxDecompressedBytes: 64 << 20 });
for (const r of batches.flatMap((b) => b.records).slice(0, 3)) {
  const headers = r.headers.map((h) => `${h.key}=${h.value}`).join(',');
  console.log(`  offset ${r.offset}  key=${r.key ?? 'null'}  value="${r.value}"  headers[${headers}]  at ${new Date(r.timestamp).toISOString()}`);
}
console.log(`high watermark ${fp.highWatermark}`);
conn.close();
