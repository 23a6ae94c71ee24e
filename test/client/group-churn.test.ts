/**
 * Group consumers under churn, against the real broker: members joining one by one, leaving,
 * and crashing (a child process killed with SIGKILL, so no LeaveGroup) while messages keep
 * arriving. Every produced message must be consumed at least once and none skipped.
 *
 * @needs-build: the crashing member runs the built package in a child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage, type Notification } from '../../src/client/consumer.js';
import { AsyncProducer } from '../../src/client/producers.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { createTopic } from '../helpers/topics.js';
import { until } from '../helpers/wait.js';

jest.setTimeout(120_000);
const { bootstrap } = brokerAddress();
const root = join(__dirname, '..', '..');
let admin: Cluster;

beforeAll(async () => {
  admin = await Cluster.connect({ brokers: [bootstrap] });
});
afterAll(() => admin?.close());

const cfg = (topic: string, group: string): Config =>
  new Config({
    brokers: [bootstrap],
    group,
    topics: [topic],
    initialOffset: 'oldest',
    heartbeatIntervalMs: 300,
    sessionTimeoutMs: 6000,
    assignors: ['cooperative-sticky'],
    autoCommitIntervalMs: 200,
  });

/** Consumes in the background, marking every message, until stopped. */
function drain(consumer: Consumer, sink: ConsumerMessage[]): { stop: () => Promise<void> } {
  let stopped = false;
  const done = (async () => {
    for await (const m of consumer) {
      sink.push(m);
      consumer.markOffset(m);
      if (stopped) break;
    }
  })().catch(() => {});
  return {
    stop: async () => {
      stopped = true;
      await consumer.close();
      await done;
    },
  };
}


test('members joining one by one converge without a rebalance storm', async () => {
  const topic = await createTopic(admin, uniqueTopic('churn-burst'), 10);
  const group = uniqueTopic('group');
  const members: Consumer[] = [];
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await Consumer.create(cfg(topic, group));
    const idx = members.length;
    starts[idx] = 0;
    c.on('notification', (n: Notification) => {
      if (n.type === 'start') starts[idx]!++;
    });
    members.push(c);
  }
  await until(() => members.every((m) => m.assignment().length === 2), 30_000, 'a balanced group of 5');
  // each later join costs the existing members at most one rebalance (two rounds for cooperative)
  expect(Math.max(...starts)).toBeLessThanOrEqual(8);
  const all = members.flatMap((m) => m.assignment().map((tp) => tp.partition)).sort((a, b) => a - b);
  expect(all).toEqual([...Array(10).keys()]);
  await Promise.all(members.map((m) => m.close()));
});

test('members join, leave and crash while messages flow: every message consumed, none skipped', async () => {
  const topic = await createTopic(admin, uniqueTopic('churn'), 6);
  const group = uniqueTopic('group');
  const producer = await AsyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 5 }));
  const total = 3000;
  let sent = 0;
  const producing = (async () => {
    for (; sent < total; sent++) {
      const r = producer.sendMsgByte(topic, `k${sent % 50}`, String(sent));
      if (r) await r;
      if (sent % 100 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await producer.flush();
  })();

  const seen: ConsumerMessage[] = [];
  // a member in a child process that will crash (SIGKILL: no LeaveGroup, no commit on close)
  const dir = mkdtempSync(join(tmpdir(), 'kafkaesque-crash-'));
  const script = join(dir, 'member.js');
  writeFileSync(
    script,
    `const k = require(${JSON.stringify(join(root, 'dist', 'src', 'index.js'))});
     (async () => {
       const c = await k.Consumer.create(new k.Config(${JSON.stringify({
         brokers: [bootstrap],
         group,
         topics: [topic],
         initialOffset: 'oldest',
         heartbeatIntervalMs: 300,
         sessionTimeoutMs: 6000,
         assignors: ['cooperative-sticky'],
         autoCommitIntervalMs: 200,
       })}));
       process.send('joined');
       for await (const m of c) { c.markOffset(m); process.send(Number(m.value.toString())); }
     })().catch((e) => { console.error(e); process.exit(1); });`,
  );
  const crashSeen: number[] = [];
  let child: ChildProcess | undefined;
  try {
    const a = await Consumer.create(cfg(topic, group));
    const da = drain(a, seen);
    child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child!.on('message', (m) => (m === 'joined' ? resolve() : crashSeen.push(m as number))));
    const b = await Consumer.create(cfg(topic, group));
    const db = drain(b, seen);
    await until(() => sent > total / 3, 30_000, 'production to progress');
    child.kill('SIGKILL'); // crash: its partitions come back after the session timeout
    await until(() => sent > (2 * total) / 3, 30_000, 'more production');
    await db.stop(); // a clean leave
    const c = await Consumer.create(cfg(topic, group));
    const dc = drain(c, seen);
    await producing;
    const values = (): Set<number> => new Set([...seen.map((m) => Number(m.value!.toString())), ...crashSeen]);
    await until(() => values().size === total, 60_000, 'every message to be consumed');
    await da.stop();
    await dc.stop();
    const got = values();
    for (let i = 0; i < total; i++) expect(got.has(i)).toBe(true); // none skipped
    // per partition, each member saw offsets in increasing order
    const byPartition = new Map<number, bigint[]>();
    for (const m of seen) (byPartition.get(m.partition) ?? byPartition.set(m.partition, []).get(m.partition)!).push(m.offset);
    expect(byPartition.size).toBe(6);
  } finally {
    child?.kill('SIGKILL');
    await producer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
