// Produce with SyncProducer and AsyncProducer, then read the records back with a Fetch over
// BrokerConnection (the Consumer does this for you: see examples/ts/group-consumer.ts). Uses the published package name: run
// `npm run build` first (npm run demo does).
//
//   node examples/produce-and-fetch.mjs [topic]
//
// The broker address comes from KAFKAESQUE_BROKER (default 127.0.0.1:9092).
import { AsyncProducer, BrokerConnection, Config, KafkaProtocolError, SyncProducer, protocol } from 'kafkaesque';

const bootstrap = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
const topic = process.argv[2] ?? 'kafkaesque-demo';
const config = new Config({ brokers: [bootstrap], clientId: 'kafkaesque-demo', compression: 'gzip' });

// 1. SyncProducer: each send resolves once the broker has the record (acks=all, idempotent).
const sync = await SyncProducer.create(config);
const first = await sync.sendMsgByte(topic, 'greeting', 'hello from kafkaesque', { note: 'sync' });
console.log(`SyncProducer: ${topic}/${first.partition} offset ${first.offset} (metadata ${JSON.stringify(first.metadata)})`);
const second = await sync.send({
  topic,
  key: 'greeting',
  value: 'hallo von kafkaesque',
  headers: [{ key: 'lang', value: 'de' }],
});
console.log(`SyncProducer: ${topic}/${second.partition} offset ${second.offset}`);
await sync.close();

// 2. AsyncProducer: sends return at once; outcomes arrive as events.
const async = await AsyncProducer.create(config);
async.on('success', (m) => console.log(`AsyncProducer: ${m.metadata} -> ${m.topic}/${m.partition} offset ${m.offset}`));
async.on('error', (e) => console.error(`AsyncProducer: ${e.msg.metadata} failed: ${e.message}`));
for (let i = 0; i < 3; i++) async.sendMsgByte(topic, null, `async record ${i}`, `record #${i}`);
await async.flush();
await async.close();

// 3. Read them back: Metadata for the topic id and leader, then one Fetch from the first offset.
const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(':')), Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1))];
const conn = await BrokerConnection.connect({ host, port, clientId: 'kafkaesque-demo' });
const md = await conn.send(protocol.Metadata, {
  topics: [{ topicId: protocol.ZERO_UUID, name: topic }],
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
});
const t = md.topics[0];
if (t.errorCode !== 0) throw KafkaProtocolError.fromCode(t.errorCode, `metadata of ${topic}`);
console.log(`topic ${topic} (id ${t.topicId}), cluster ${md.clusterId}, partition 0 leader ${t.partitions[0].leaderId}`);
const fetched = await conn.send(protocol.Fetch, {
  ...protocol.fetchRequestDefaults(),
  maxWaitMs: 100,
  topics: [
    {
      topic,
      topicId: t.topicId,
      partitions: [
        {
          partition: first.partition,
          currentLeaderEpoch: -1,
          fetchOffset: first.offset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: 1 << 20,
          replicaDirectoryId: protocol.ZERO_UUID,
          highWatermark: 9223372036854775807n,
        },
      ],
    },
  ],
});
const fp = fetched.responses[0].partitions[0];
if (fp.errorCode !== 0) throw KafkaProtocolError.fromCode(fp.errorCode, `fetch from ${topic}`);
const { batches } = protocol.decodeRecordSet(fp.records, { maxDecompressedBytes: 64 << 20 });
console.log(`fetched from offset ${first.offset} (high watermark ${fp.highWatermark}):`);
for (const r of batches.flatMap((b) => b.records).slice(0, 5)) {
  const headers = r.headers.map((h) => `${h.key}=${h.value}`).join(',');
  console.log(`  offset ${r.offset}  key=${r.key ?? 'null'}  value="${r.value}"  headers[${headers}]`);
}
conn.close();
