// The Go layer's Multiplexer, as its documentation starts it:
//
//   mx, err := mux.InitMultiplexer(pathToConfig, "name")
//   cn := mx.NewBytesConnection("c1")
//   cn.ConsumeTopic(handler, "test")
//   mx.Start()
//   offset, err := cn.SendSyncString("test", "key", "value")
//   cn.SendAsyncString("test", "key", "async message", "meta", succCallback, errCallback)
//   mx.Close()
//
// in TypeScript: Multiplexer.fromFile(pathToConfig, 'name') on a config file with `addrs: [...]`.
// Defaults are the Go layer's: a new group starts at the oldest offset, keys are hashed as sarama
// does, proto connections write protojson with proto field names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConsumerMessage, Multiplexer } from 'kafkaesque';

async function main(): Promise<void> {
  const broker = process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092';
  const topic = process.argv[2] ?? `kafkaesque-example-from-file-${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), 'kafkaesque-mux-'));
  const pathToConfig = join(dir, 'kafka.conf');
  // the Go layer's config file: the brokers' addresses (and optionally group_id, tls, ...)
  writeFileSync(pathToConfig, `addrs:\n  - "${broker}"\n`);
  try {
    const mx = await Multiplexer.fromFile(pathToConfig, `example-from-file-${Date.now()}`); // InitMultiplexer(pathToConfig, "name")
    const cn = mx.newBytesConnection('c1');

    const got: ConsumerMessage[] = [];
    let allThere!: () => void;
    const done = new Promise<void>((resolve) => (allThere = resolve));
    cn.consumeTopic((msg) => {
      console.log(`from-file: consumed ${msg.key?.toString()}=${msg.value?.toString()} (${msg.topic}/${msg.partition}@${msg.offset})`);
      cn.markOffset(msg); // committed with the group's next commit
      got.push(msg);
      if (got.length === 2) allThere();
    }, topic);
    await mx.start(); // subscriptions are fixed now; the group is joined

    const { partition, offset } = await cn.sendSyncString(topic, 'key', 'value');
    console.log(`from-file: sync sent key=value -> partition ${partition} offset ${offset}`);
    await cn.sendAsyncString(
      topic,
      'key',
      'async message',
      'meta',
      (m) => console.log(`from-file: async sent, metadata ${String(m.metadata)} -> partition ${m.partition} offset ${m.offset}`),
      (err) => console.error(`from-file: async failed, metadata ${String(err.msg.metadata)}: ${err.message}`),
    );
    await done;
    await mx.close(); // commits what was marked, flushes, closes
    console.log(`from-file: group ${mx.groupId}, initial offset ${mx.config.initialOffset}, key hash ${mx.config.hashFunction}; closed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
