// A manual connection: sends to a chosen partition and consumes single partitions from a chosen
// offset, outside any consumer group (nothing is committed). Replays a partition from the oldest
// offset, then from an explicit offset.
import { Config, type ConsumerMessage, Multiplexer, OffsetOldest, type StartOffset } from 'kafkaesque';

async function main(): Promise<void> {
  const brokers = [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'];
  const topic = process.argv[2] ?? `kafkaesque-example-manual-${Date.now()}`;
  const partition = 0;
  const mx = await Multiplexer.fromConfig(new Config({ brokers }), `example-manual-${Date.now()}`);
  mx.on('error', (err) => console.error(`manual: ${err.message}`));
  const conn = mx.newBytesManualConnection('replay');

  const offsets: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    const { offset } = await conn.sendSyncStringToPartition(topic, partition, `sensor-${i % 2}`, `reading ${i}`);
    offsets.push(offset);
  }
  const last = await conn.sendSyncByteToPartition(topic, partition, 'sensor-0', Buffer.from('reading 4'));
  offsets.push(last.offset);
  console.log(`manual: sent 5 readings to ${topic}/${partition}, offsets ${offsets[0]}..${last.offset}`);

  /** Consumes the partition from `from` until the last reading, then stops that subscription. */
  const replay = async (from: StartOffset, label: string): Promise<string[]> => {
    const values: string[] = [];
    let reachedEnd!: () => void;
    const end = new Promise<void>((resolve) => (reachedEnd = resolve));
    await conn.consumePartition(
      (m: ConsumerMessage) => {
        values.push(m.value!.toString());
        if (m.offset === last.offset) reachedEnd();
      },
      topic,
      partition,
      from,
    );
    await end;
    conn.stopConsumingPartition(topic, partition, from); // the same start offset names the subscription
    console.log(`manual: from ${label}: ${values.join(', ')}`);
    return values;
  };

  await mx.start(); // consumePartition before start() works too: consumption then begins here
  await replay(OffsetOldest, 'OffsetOldest');
  await replay(offsets[3]!, `offset ${offsets[3]}`);

  await mx.close();
  console.log('manual: closed');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
