/**
 * Transactions written by kafkaesque, read by other clients with read_committed: kcat
 * (librdkafka) and Kafka's own console consumer read exactly the records of the committed
 * transactions, none of the aborted ones, and none twice. (The other direction, kafkaesque
 * reading what Java's transactional producer wrote, is test/client/read-committed.test.ts.)
 */
import { spawn } from 'node:child_process';
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { SyncProducer } from '../../src/client/producers.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { javaTool, javaToolArgs } from '../helpers/java-tool.js';
import { ensureKcat, runKcat } from '../helpers/kcat.js';

jest.setTimeout(120_000);
const { bootstrap } = brokerAddress();
const PARTITIONS = 3;

let topic: string;
const committed: string[] = [];
const aborted: string[] = [];

beforeAll(async () => {
  await ensureKcat();
  const admin = await Admin.create({ brokers: [bootstrap] });
  const producer = await SyncProducer.create(new Config({ brokers: [bootstrap], transactionalId: uniqueTopic('interop-txn-id'), lingerMs: 1 }));
  try {
    topic = uniqueTopic('interop-txn');
    const [created] = await admin.createTopics([{ name: topic, numPartitions: PARTITIONS }], { waitForLeaders: true });
    if (created!.error) throw created!.error;
    await producer.initTransactions();
    // ten transactions over three partitions, every third aborted
    for (let t = 0; t < 10; t++) {
      const abort = t % 3 === 1;
      producer.beginTransaction();
      for (let i = 0; i < 7; i++) {
        const value = `t${t}-r${i}`;
        await producer.sendMsgToPartition(topic, (t + i) % PARTITIONS, `k${i}`, value);
        (abort ? aborted : committed).push(value);
      }
      if (abort) await producer.abortTransaction();
      else await producer.commitTransaction();
    }
  } finally {
    await producer.close();
    await admin.close();
  }
  committed.sort();
});

test('kcat (librdkafka) with isolation.level=read_committed reads exactly the committed records', async () => {
  const args = ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-X', 'isolation.level=read_committed', '-X', 'fetch.wait.max.ms=10', '-f', '%s\n'];
  const r = await runKcat(args);
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${String(r.code ?? r.signal)}:\n${r.stderr}`);
  const read = r.stdout.toString().split('\n').filter(Boolean).sort();
  expect(read).toEqual(committed);
  expect(read.some((v) => aborted.includes(v))).toBe(false);
  // and read_uncommitted (librdkafka's default is read_committed) sees the aborted ones too
  const all = await runKcat(['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-X', 'isolation.level=read_uncommitted', '-X', 'fetch.wait.max.ms=10', '-f', '%s\n']);
  expect(all.stdout.toString().split('\n').filter(Boolean).length).toBe(committed.length + aborted.length);
});

test("Kafka's console consumer with --isolation-level read_committed reads exactly the committed records", async () => {
  const tool = javaTool();
  const args = javaToolArgs(tool, 'org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning', '--isolation-level', 'read_committed',
    '--max-messages', String(committed.length), '--timeout-ms', '20000',
  ]);
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(tool.java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const read = out.stdout.split('\n').filter(Boolean).sort();
  expect({ read, stderr: read.length === committed.length ? '' : out.stderr.slice(-500) }).toEqual({ read: committed, stderr: '' });
});
