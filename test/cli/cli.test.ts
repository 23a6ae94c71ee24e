/**
 * The `kafkaesque` command line, driven as a subprocess the way a user types it (the built
 * dist/src/cli/main.js, as `npx kafkaesque` runs it), against the real broker. Help and usage
 * errors of every command: test/cli/usage.test.ts; the progress line: test/cli/progress.test.ts;
 * ACLs on the secured broker: test/secure/cli-acls.test.ts.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { CLI_BIN, kafkaesque } from '../helpers/cli.js';
import { eventually, sleep, until } from '../helpers/wait.js';
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';

jest.setTimeout(90_000);
const { bootstrap } = brokerAddress();

const b = ['--brokers', bootstrap];
let admin: Admin;
beforeAll(async () => {
  admin = await Admin.create({ brokers: bootstrap });
});
afterAll(() => admin?.close());

test('--help, and usage errors exit 2 with one line', async () => {
  const h = await kafkaesque(['--help']);
  expect(h.code).toBe(0);
  expect(h.out).toMatch(/^kafkaesque <command>/);
  const unknown = await kafkaesque(['frobnicate']);
  expect([unknown.code, unknown.err.trim().split('\n').length]).toEqual([2, 1]);
  expect(unknown.err).toMatch(/unknown command 'frobnicate'/);
  const missing = await kafkaesque(['topics', 'create', ...b]);
  expect(missing.code).toBe(2);
  const badOption = await kafkaesque(['topics', 'list', '--nope', ...b]);
  expect([badOption.code, badOption.err]).toEqual([2, expect.stringMatching(/Unknown option '--nope'/)]);
  expect((await kafkaesque(['produce', '--help'])).out).toMatch(/--key-separator/);
  const group = await kafkaesque(['topics', '--help']);
  expect([group.code, group.out]).toEqual([0, expect.stringMatching(/^kafkaesque topics <subcommand>[^]*^  topics alter-config /m)]);
  const sub = await kafkaesque(['groups', 'reset-offsets', '-h']);
  expect([sub.code, sub.out]).toEqual([0, expect.stringMatching(/^kafkaesque groups reset-offsets <group>[^]*--to-datetime/)]);
});

test('a broker that does not answer: one line after --timeout, exit 1; --debug adds the stack', async () => {
  // accepts connections and never answers
  const silent = net.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const at = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  try {
    const started = Date.now();
    const r = await kafkaesque(['topics', 'list', '--brokers', at, '--timeout', '1000']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect([r.code, r.out, r.err.trimEnd().split('\n')]).toEqual([1, '', [expect.stringMatching(/^kafkaesque: .*no response within 1000 ms/)]]);
    const debug = await kafkaesque(['topics', 'list', '--brokers', at, '--timeout', '500', '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/no response within 500 ms[^]*\n\s+at /);
  } finally {
    silent.close();
  }
  const unknown = await kafkaesque(['consume', uniqueTopic('cli-none'), '-e', ...b]);
  expect([unknown.code, unknown.err.trimEnd().split('\n')]).toEqual([1, [expect.stringMatching(/^kafkaesque: .*UNKNOWN_TOPIC_OR_PARTITION/)]]);
});

test('topics create, list, describe, alter; a refusal exits 1 with one line and no stack', async () => {
  const topic = uniqueTopic('cli-topic');
  const created = await kafkaesque(['topics', 'create', topic, '-p', '3', '--config-entry', 'retention.ms=3600000', ...b]);
  expect([created.code, created.out]).toEqual([0, expect.stringMatching(new RegExp(`^created topic ${topic} \\(3 partitions, replication factor 1, id [\\w-]{22}\\)`))]);
  const again = await kafkaesque(['topics', 'create', topic, ...b]);
  expect(again.code).toBe(1);
  expect(again.err.trim().split('\n')).toEqual([expect.stringContaining('TOPIC_ALREADY_EXISTS')]);
  expect((await kafkaesque(['topics', 'list', ...b])).out.split('\n')).toContain(topic);
  const described = await kafkaesque(['topics', 'describe', topic, ...b]);
  expect(described.out).toMatch(new RegExp(`topic ${topic}  id [\\w-]{22}  partitions 3`));
  expect(described.out.trim().split('\n')).toHaveLength(5); // the topic, a header, 3 partitions
  expect((await kafkaesque(['topics', 'alter', topic, '-p', '4', ...b])).out).toMatch(/now has 4 partitions/);
  expect((await kafkaesque(['configs', 'set', '--topic', topic, 'retention.ms=7200000', '--delete', 'cleanup.policy', ...b])).out).toMatch(
    /^updated: retention.ms=7200000, cleanup.policy \(default\)/,
  );
  const got = await kafkaesque(['configs', 'get', '--topic', topic, ...b]);
  expect(got.out.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/^retention\.ms\s+7200000\s+dynamic-topic$/)]);
  expect((await kafkaesque(['topics', 'alter-config', topic, '--set', 'segment.ms=600000', '--delete', 'retention.ms', ...b])).out).toBe(
    'updated: segment.ms=600000, retention.ms (default)\n',
  );
  const altered = await kafkaesque(['configs', 'get', '--topic', topic, ...b]);
  expect(altered.out.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/^segment\.ms\s+600000\s+dynamic-topic$/)]);
  const badConfig = await kafkaesque(['configs', 'set', '--topic', topic, 'no.such.thing=1', ...b]);
  expect([badConfig.code, badConfig.err]).toEqual([1, expect.stringContaining('INVALID_CONFIG')]);
  expect((await kafkaesque(['configs', 'get', ...b])).code).toBe(2);
  const missing = await kafkaesque(['topics', 'describe', uniqueTopic('cli-none'), ...b]);
  expect([missing.code, missing.err]).toEqual([1, expect.stringContaining('UNKNOWN_TOPIC_OR_PARTITION')]);
  expect((await kafkaesque(['cluster', 'describe', ...b])).out).toMatch(/^cluster [\w-]{22}  controller -?\d+/);
  expect((await kafkaesque(['topics', 'delete', topic, ...b])).out.trim()).toBe(`deleted topic ${topic}`);
});

test('produce lines with keys and headers, consume them back (format, JSON), then as a group, and its lag', async () => {
  const topic = uniqueTopic('cli-records');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '1', ...b])).code).toBe(0);
  const lines = ['k1:one', 'k2:two', 'no key here', 'k1:three', 'k3:four'].join('\n');
  const produced = await kafkaesque(['produce', topic, '-K', ':', '-H', 'source=cli', ...b], lines);
  expect([produced.code, produced.err.trim()]).toEqual([0, `produced 5 records to ${topic}`]);

  const read = await kafkaesque(['consume', topic, '-e', '-f', '%o %k=%s %h\\n', ...b]);
  expect(read.code).toBe(0);
  expect(read.out.split('\n').filter(Boolean)).toEqual(['0 k1=one source=cli', '1 k2=two source=cli', '2 =no key here source=cli', '3 k1=three source=cli', '4 k3=four source=cli']);
  const json = await kafkaesque(['consume', topic, '-e', '--json', '-o', '3', ...b]);
  expect(json.out.trim().split('\n').map((l) => JSON.parse(l) as { offset: string; key: string | null; value: string })).toEqual([
    expect.objectContaining({ offset: '3', key: 'k1', value: 'three', headers: { source: 'cli' } }),
    expect.objectContaining({ offset: '4', key: 'k3', value: 'four' }),
  ]);

  const group = uniqueTopic('cli-group');
  const asGroup = await kafkaesque(['consume', topic, '-g', group, '-c', '3', ...b]);
  expect([asGroup.code, asGroup.out.trim().split('\n')]).toEqual([0, ['one', 'two', 'no key here']]);
  const lag = await kafkaesque(['groups', 'lag', group, ...b]);
  expect(lag.code).toBe(0);
  expect(lag.out.trim().split('\n')).toEqual([
    expect.stringMatching(/^topic\s+partition\s+committed\s+end\s+lag$/),
    expect.stringMatching(new RegExp(`^${topic}\\s+0\\s+3\\s+5\\s+2$`)),
    'total lag 2',
  ]);
  const described = await kafkaesque(['groups', 'describe', group, ...b]);
  expect(described.out).toMatch(new RegExp(`^group ${group}  type classic  state Empty  protocol consumer`));

  // reset-offsets: a dry run changes nothing; --execute commits; targets stay within the log
  const dry = await kafkaesque(['groups', 'reset-offsets', group, '-t', topic, '--to-earliest', ...b]);
  expect([dry.code, dry.out.trim().split('\n')[1], dry.err]).toEqual([0, expect.stringMatching(new RegExp(`^${group}\\s+${topic}\\s+0\\s+0$`)), expect.stringContaining('dry run')]);
  expect((await kafkaesque(['groups', 'lag', group, ...b])).out).toMatch(/total lag 2/);
  expect((await kafkaesque(['groups', 'reset-offsets', group, '-t', topic, '--shift-by', '-1', '--execute', ...b])).code).toBe(0);
  expect((await kafkaesque(['groups', 'lag', group, ...b])).out).toMatch(/total lag 3/);
  const clamped = await kafkaesque(['groups', 'reset-offsets', group, '-t', `${topic}:0`, '--to-offset', '99', '--execute', ...b]);
  expect(clamped.out).toMatch(new RegExp(`${topic}\\s+0\\s+5`));
  expect((await kafkaesque(['groups', 'lag', group, ...b])).out).toMatch(/total lag 0/);
  expect((await kafkaesque(['groups', 'reset-offsets', group, '-t', topic, ...b])).code).toBe(2);
  const listed = await kafkaesque(['groups', 'list', '--state', 'Empty', ...b]);
  expect(listed.out).toMatch(new RegExp(`^${group}\\s+classic\\s+Empty\\s+consumer$`, 'm'));
  expect((await kafkaesque(['groups', 'delete', group, ...b])).out.trim()).toBe(`deleted group ${group}`);
  expect((await kafkaesque(['groups', 'list', ...b])).out).not.toContain(group);
});

test('consume between offsets and times (kcat -o s@T, e@T, -N; --to), a count over partitions; reset-offsets to a time, all topics, not while active', async () => {
  const topic = uniqueTopic('cli-times');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '2', ...b])).code).toBe(0);
  expect((await kafkaesque(['produce', topic, '-p', '0', ...b], 'a0\na1\na2\na3\na4\n')).code).toBe(0);
  await sleep(20);
  // records sent from here on have a timestamp at or after `t` (the producer's clock is this machine's)
  const t = Date.now();
  await sleep(20);
  expect((await kafkaesque(['produce', topic, '-p', '0', ...b], 'b5\nb6\nb7\n')).code).toBe(0);
  expect((await kafkaesque(['produce', topic, '-p', '1', ...b], 'c0\nc1\n')).code).toBe(0);
  const read = async (...args: string[]): Promise<string[]> => {
    const r = await kafkaesque(['consume', topic, '-f', '%p:%o:%s\\n', ...args, ...b]);
    expect([r.code, r.err]).toEqual([0, '']);
    return r.out.split('\n').filter(Boolean).sort();
  };
  expect(await read('-e', '-o', `s@${t}`)).toEqual(['0:5:b5', '0:6:b6', '0:7:b7', '1:0:c0', '1:1:c1']);
  // an ISO date, and e@T alone: stops before the first record at or after T (partition 1 has none before)
  expect(await read('-o', `e@${new Date(t).toISOString()}`)).toEqual(['0:0:a0', '0:1:a1', '0:2:a2', '0:3:a3', '0:4:a4']);
  expect(await read('-e', '-o', '-2')).toEqual(['0:6:b6', '0:7:b7', '1:0:c0', '1:1:c1']);
  expect(await read('-p', '0', '-o', '2', '--to', '4')).toEqual(['0:2:a2', '0:3:a3']);
  // partition 1 has offsets 0 and 1 only
  const outside = await kafkaesque(['consume', topic, '-o', '3', ...b]);
  expect([outside.code, outside.err]).toEqual([1, `kafkaesque: ${topic}-1: offset 3 is outside the log (0 to 2); give one in it, or beginning, end, -N or s@T\n`]);
  expect(await read('-o', `s@${t}`, '-o', 'e@9999999999999', '-p', '1')).toEqual(['1:0:c0', '1:1:c1']);
  // e@T after every record: the end as of the start
  expect(await read('-o', 'end', '-o', 'e@9999999999999')).toEqual([]);
  // no -e: a count ends the run, though partition 1 (2 records) has nothing more to give
  expect((await read('-c', '3')).length).toBe(3);

  const group = uniqueTopic('cli-reset');
  const noOffsets = await kafkaesque(['groups', 'reset-offsets', group, '--all-topics', '--to-earliest', ...b]);
  expect([noOffsets.code, noOffsets.err]).toEqual([1, expect.stringContaining(`group ${group} has no committed offsets`)]);
  const byTime = await kafkaesque(['groups', 'reset-offsets', group, '-t', topic, '--to-datetime', String(t), '--execute', ...b]);
  expect([byTime.code, byTime.out.trim().split('\n').slice(1)]).toEqual([
    0,
    [expect.stringMatching(new RegExp(`^${group}\\s+${topic}\\s+0\\s+5$`)), expect.stringMatching(new RegExp(`^${group}\\s+${topic}\\s+1\\s+0$`))],
  ]);
  expect((await kafkaesque(['groups', 'lag', group, ...b])).out).toMatch(/total lag 5/);
  const latest = await kafkaesque(['groups', 'reset-offsets', group, '--all-topics', '--to-latest', '--execute', ...b]);
  expect([latest.code, latest.err]).toEqual([0, `committed 2 offset(s) for group ${group}\n`]);
  expect((await kafkaesque(['groups', 'lag', group, ...b])).out).toMatch(/total lag 0/);

  // a member in the group: Kafka's tool refuses, and so does this one
  const member = await Consumer.create(new Config({ brokers: bootstrap, group, topics: [topic] }));
  try {
    const it = member.messages()[Symbol.asyncIterator]();
    void it.next();
    await eventually(async () => (await admin.describeGroups([group]))[0]!.state === 'Stable', 30_000, 'the member joined');
    const active = await kafkaesque(['groups', 'reset-offsets', group, '--all-topics', '--to-earliest', ...b]);
    expect([active.code, active.err.trimEnd()]).toEqual([1, `kafkaesque: group ${group} is Stable: offsets can be reset only while it has no active members (stop its consumers first)`]);
  } finally {
    await member.close();
  }
});

test('Ctrl-C ends a group consume without an end: exit 0, the offsets of what it printed committed', async () => {
  const topic = uniqueTopic('cli-interrupt');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '1', ...b])).code).toBe(0);
  expect((await kafkaesque(['produce', topic, ...b], 'a\nb\nc\n')).code).toBe(0);
  const group = uniqueTopic('cli-interrupt-group');
  const child = spawn(process.execPath, [CLI_BIN, 'consume', topic, '-g', group, ...b], { env: { ...process.env, KAFKA_CONFIG: '' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await until(() => out === 'a\nb\nc\n', 30_000, 'the three records printed');
  child.kill('SIGINT');
  expect([await exited, err]).toEqual([0, '']);
  expect((await kafkaesque(['groups', 'lag', group, ...b])).out).toMatch(new RegExp(`^${topic}\\s+0\\s+3\\s+3\\s+0$`, 'm'));
});
