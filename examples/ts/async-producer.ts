// AsyncProducer: sends return at once; each outcome arrives as an event (and per-call callbacks).
import { AsyncProducer, Config, type ProducerError, type ProducerMessage } from 'kafkaesque';

async function main(): Promise<void> {
  const topic = process.argv[2] ?? 'kafkaesque-example-async';
  const producer = await AsyncProducer.create(new Config({ brokers: [process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092'] }));
  let delivered = 0;
  producer.on('success', (m: ProducerMessage) => {
    delivered++;
    console.log(`async: ${String(m.metadata)} -> ${m.topic}/${m.partition}@${m.offset}`);
  });
  producer.on('error', (e: ProducerError) => console.error(`async: ${String(e.msg.metadata)} failed: ${e.cause.message}`));
  for (let i = 0; i < 5; i++) {
    const wait = producer.sendMsgByte(topic, `key-${i}`, `value ${i}`, `message #${i}`);
    if (wait) await wait; // the send buffer is full: slow down to the brokers' pace
  }
  await producer.flush();
  console.log(`async: ${delivered} delivered`);
  await producer.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
