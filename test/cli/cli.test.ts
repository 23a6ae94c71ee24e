/**
 * The `kafkaesque` command line, driven as a subprocess the way a user types it (the built
 * dist/src/cli/main.js, as `npx kafkaesque` runs it), against the real broker.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';

jest.setTimeout(90_000);
const { bootstrap } = brokerAddress();
const BIN = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function kafkaesque(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KAFKA_CONFIG: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input ?? '');
  });
}

const b = ['--brokers', bootstrap];

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
