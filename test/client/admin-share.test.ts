/**
 * listGroups lists share groups (KIP-932) although kafkaesque does not consume as one: Kafka's
 * own ConsoleShareConsumer (the broker's kafka-tools jar) makes one, and the listing shows it
 * with its type and state, filtered by type.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Admin } from '../../src/client/admin.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { javaTool, javaToolArgs } from '../helpers/java-tool.js';
import { eventually } from '../helpers/wait.js';

jest.setTimeout(120_000);
const { bootstrap } = brokerAddress();

test('a share group made by Kafka\'s ConsoleShareConsumer is listed as type share, and filtered by type', async () => {
  const admin = await Admin.create({ brokers: [bootstrap] });
  const topic = uniqueTopic('admin-share');
  const group = uniqueTopic('admin-share-group');
  let child: ChildProcess | undefined;
  let stderr = '';
  try {
    await admin.createTopics([{ name: topic, numPartitions: 1 }], { waitForLeaders: true });
    const tool = javaTool();
    child = spawn(tool.java, javaToolArgs(tool, 'org.apache.kafka.tools.consumer.ConsoleShareConsumer', ['--bootstrap-server', bootstrap, '--topic', topic, '--group', group]), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually(async () => (await admin.listGroups({ types: ['share'] })).some((g) => g.groupId === group), 60_000, `share group ${group} listed (tool stderr: ${stderr.slice(-300)})`);
    const listed = (await admin.listGroups()).find((g) => g.groupId === group);
    expect(listed).toMatchObject({ groupId: group, type: 'share', protocolType: 'share' });
    expect(['Stable', 'Empty']).toContain(listed!.state);
    expect((await admin.listGroups({ types: ['classic', 'consumer'] })).some((g) => g.groupId === group)).toBe(false);
  } finally {
    child?.kill('SIGKILL');
    await admin.close();
  }
});
