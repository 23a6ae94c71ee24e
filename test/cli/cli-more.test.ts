/**
 * The command line, the rest of issue 16's list: --help for every command and subcommand,
 * `topics alter-config`, `consume -o s@T / e@T` (kcat's time bounds), the progress line on a
 * terminal (a real pseudo-terminal, util-linux `script`) and none when piped, and one-line
 * errors without a stack trace. Driven as a subprocess, against the real broker.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';

jest.setTimeout(90_000);
const { bootstrap } = brokerAddress();
const BIN = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const b = ['--brokers', bootstrap];

function kafkaesque(args: string[], input?: string): Promise<{ code: number | null; out: string; err: string }> {
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

const SUBCOMMANDS: Record<string, string[]> = {
  topics: ['list', 'describe', 'create', 'alter', 'alter-config', 'delete'],
  groups: ['list', 'describe', 'offsets', 'lag', 'reset-offsets', 'delete'],
  configs: ['get', 'set'],
  acls: ['list', 'add', 'remove'],
  transactions: ['list', 'describe'],
  cluster: ['describe'],
  produce: [],
  consume: [],
};

test('every command and subcommand answers --help (and -h) with its usage on stdout, exit 0', async () => {
  const runs: Array<[string, Promise<{ code: number | null; out: string; err: string }>]> = [];
  for (const [command, subs] of Object.entries(SUBCOMMANDS)) {
    runs.push([`${command} --help`, kafkaesque([command, '--help'])]);
    runs.push([`${command} -h`, kafkaesque([command, '-h'])]);
    for (const sub of subs) runs.push([`${command} ${sub} --help`, kafkaesque([command, sub, '--help'])]);
  }
  for (const [what, run] of runs) {
    const r = await run;
    const command = what.split(' ')[0]!;
    expect({ what, code: r.code, err: r.err, usage: r.out.startsWith(`kafkaesque ${command}`) }).toEqual({ what, code: 0, err: '', usage: true });
    for (const sub of SUBCOMMANDS[command]!) expect(r.out).toContain(`kafkaesque ${command} ${sub}`);
  }
});

test('topics alter-config sets and deletes a topic config; a bad one exits 1 with one line', async () => {
  const topic = uniqueTopic('cli-alter-config');
  expect((await kafkaesque(['topics', 'create', topic, ...b])).code).toBe(0);
  const set = await kafkaesque(['topics', 'alter-config', topic, '--set', 'retention.ms=3600000', '--set', 'cleanup.policy=compact', ...b]);
  expect([set.code, set.out.trim()]).toEqual([0, 'updated: retention.ms=3600000, cleanup.policy=compact']);
  const got = await kafkaesque(['configs', 'get', '--topic', topic, ...b]);
  expect(got.out).toMatch(/retention\.ms\s+3600000\s+dynamic-topic/);
  expect((await kafkaesque(['topics', 'alter-config', topic, '--delete', 'retention.ms', ...b])).code).toBe(0);
  expect((await kafkaesque(['configs', 'get', '--topic', topic, ...b])).out).not.toMatch(/retention\.ms/);
  const bad = await kafkaesque(['topics', 'alter-config', topic, '--set', 'no.such.config=1', ...b]);
  expect([bad.code, bad.err.trim().split('\n').length, bad.err]).toEqual([1, 1, expect.stringMatching(/INVALID_CONFIG/)]);
  expect((await kafkaesque(['topics', 'alter-config', topic, ...b])).code).toBe(2);
});

test('consume -o s@T starts at the first record at or after T; -o e@T stops before the first at or after T', async () => {
  const topic = uniqueTopic('cli-time');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '1', ...b])).code).toBe(0);
  // three records a second apart in time: their create times are set explicitly through the API
  const { SyncProducer, Config } = await import('../../src/index.js');
  const p = await SyncProducer.create(new Config({ brokers: [bootstrap], lingerMs: 1 }));
  const t0 = Date.now() - 60_000;
  try {
    for (let i = 0; i < 5; i++) await p.send({ topic, value: `at-${i}`, partition: 0, timestamp: t0 + i * 1000 });
  } finally {
    await p.close();
  }
  const from = await kafkaesque(['consume', topic, '-o', `s@${t0 + 1500}`, '-e', ...b]);
  expect([from.code, from.out]).toEqual([0, 'at-2\nat-3\nat-4\n']);
  const between = await kafkaesque(['consume', topic, '-o', `s@${t0 + 1000}`, '-o', `e@${t0 + 3000}`, ...b]);
  expect([between.code, between.out]).toEqual([0, 'at-1\nat-2\n']);
  const none = await kafkaesque(['consume', topic, '-o', `s@${Date.now() + 3_600_000}`, '-e', ...b]);
  expect([none.code, none.out]).toEqual([0, '']);
  expect((await kafkaesque(['consume', topic, '-o', 'x@1', ...b])).code).toBe(2);
});

test('a long produce on a terminal shows a progress line with rates on stderr; piped, none', async () => {
  const topic = uniqueTopic('cli-progress');
  expect((await kafkaesque(['topics', 'create', topic, ...b])).code).toBe(0);
  // `script` runs the command on a pseudo-terminal: stderr is a TTY, as when a user types it
  const lines = Array.from({ length: 300_000 }, (_, i) => `record ${i}`).join('\n');
  const file = path.join(require('node:os').tmpdir(), `kafkaesque-progress-${process.pid}.txt`);
  require('node:fs').writeFileSync(file, lines);
  const cmd = [process.execPath, BIN, 'produce', topic, '--file', file, ...b].map((a) => `'${a}'`).join(' ');
  const tty = execFileSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
  expect(tty).toMatch(/\rproduce [\w-]+: \d+ records, \d+\/s/);
  expect(tty).toMatch(/produced 300000 records/);
  const piped = await kafkaesque(['produce', topic, '--file', file, ...b]);
  expect(piped.code).toBe(0);
  expect(piped.err).not.toMatch(/records, \d+\/s/);
  expect(piped.err.trim()).toBe(`produced 300000 records to ${topic}`);
});

test('errors are one line without a stack (unreachable broker, unknown topic); --debug adds the stack', async () => {
  const unreachable = await kafkaesque(['topics', 'list', '--brokers', '127.0.0.1:1']);
  expect(unreachable.code).toBe(1);
  expect(unreachable.err.trim().split('\n')).toHaveLength(1);
  expect(unreachable.err).toMatch(/^kafkaesque: .*127\.0\.0\.1:1/);
  const unknown = await kafkaesque(['topics', 'describe', uniqueTopic('cli-nope'), ...b]);
  expect([unknown.code, unknown.err.trim().split('\n').length, unknown.err]).toEqual([1, 1, expect.stringMatching(/UNKNOWN_TOPIC_OR_PARTITION/)]);
  expect(unknown.err).not.toMatch(/\n\s+at /);
  const debug = await kafkaesque(['topics', 'list', '--brokers', '127.0.0.1:1', '--debug']);
  expect(debug.err).toMatch(/\n\s+at /);
});

test('transactions list and describe show an open transaction with its partition, then its completion', async () => {
  const topic = uniqueTopic('cli-txn');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '2', ...b])).code).toBe(0);
  const { SyncProducer, Config } = await import('../../src/index.js');
  const id = uniqueTopic('cli-txn-id');
  const p = await SyncProducer.create(new Config({ brokers: [bootstrap], transactionalId: id, lingerMs: 1 }));
  try {
    await p.initTransactions();
    p.beginTransaction();
    await p.sendMsgToPartition(topic, 1, null, 'open');
    const described = await kafkaesque(['transactions', 'describe', id, ...b]);
    expect(described.code).toBe(0);
    expect(described.out).toMatch(new RegExp(`^transactional-id ${id}  state Ongoing  producer \\d+ epoch \\d+  timeout 60000 ms  coordinator \\d+  started \\d{4}-`));
    expect(described.out.trim().split('\n')[1]).toBe(`  ${topic}-1`);
    const listed = await kafkaesque(['transactions', 'list', '--state', 'Ongoing', ...b]);
    expect(listed.out.split('\n').some((l) => l.startsWith(`${id} `) && l.includes('Ongoing'))).toBe(true);
    await p.commitTransaction();
    // the commit is answered when decided (PrepareCommit), complete once its markers are written
    const deadline = Date.now() + 15_000;
    let after = '';
    while (!/state CompleteCommit/.test(after) && Date.now() < deadline) after = (await kafkaesque(['transactions', 'describe', id, ...b])).out;
    expect(after).toMatch(/state CompleteCommit/);
    const unknown = await kafkaesque(['transactions', 'describe', uniqueTopic('cli-txn-never'), ...b]);
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringMatching(/TRANSACTIONAL_ID_NOT_FOUND/)]);
  } finally {
    await p.close();
  }
});
