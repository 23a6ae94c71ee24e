/**
 * `kafkaesque acls list|add|remove` against the secured broker, reached through a YAML config
 * file with its `sasl` keys (the plugin's file, as `--config` takes it): alice, who may manage
 * ACLs, adds one for bob, lists it and removes it; bob may not list ACLs (exit 1, one line).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');

jest.setTimeout(60_000);
const BIN = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-cli-acls-'));

/** The YAML config file of a user: the broker's SASL_PLAINTEXT listener, PLAIN. */
function configFile(user: string): string {
  const file = path.join(dir, `${user}.yaml`);
  fs.writeFileSync(file, `addrs: [${info.listeners.SASL_PLAINTEXT[0]}]\nsasl:\n  enabled: true\n  mechanism: PLAIN\n  user: ${user}\n  password: ${info.users[user]!.password}\n`);
  return file;
}

function kafkaesque(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KAFKA_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('alice adds an ACL for bob, lists it and removes it; bob may not list ACLs', async () => {
  const alice = ['--config', configFile('alice')];
  const topic = uniqueTopic('cli-acl');
  const added = await kafkaesque(['acls', 'add', '--topic', topic, '--allow-principal', 'User:bob', '--operation', 'read', '--operation', 'describe', ...alice]);
  expect([added.code, added.err]).toEqual([0, '']);
  expect(added.out.trim().split('\n')).toEqual([
    `added topic:literal:${topic}  User:bob  allow read  from *`,
    `added topic:literal:${topic}  User:bob  allow describe  from *`,
  ]);
  // the authorizer applies new ACLs a moment after CreateAcls answers
  let listed = '';
  await eventually(async () => (listed = (await kafkaesque(['acls', 'list', '--topic', topic, ...alice])).out).trim().split('\n').length === 2, 15_000);
  expect(listed.trim().split('\n').sort()).toEqual([`topic:literal:${topic}  User:bob  allow describe  from *`, `topic:literal:${topic}  User:bob  allow read  from *`]);
  expect((await kafkaesque(['acls', 'list', '--topic', topic, '--principal', 'User:bob', '--operation', 'read', ...alice])).out.trim()).toBe(`topic:literal:${topic}  User:bob  allow read  from *`);

  const denied = await kafkaesque(['acls', 'list', ...['--config', configFile('bob')]]);
  expect([denied.code, denied.err.trim().split('\n').length, denied.err]).toEqual([1, 1, expect.stringMatching(/CLUSTER_AUTHORIZATION_FAILED/)]);

  const removed = await kafkaesque(['acls', 'remove', '--topic', topic, '--operation', 'read', ...alice]);
  expect([removed.code, removed.out.trim()]).toEqual([0, `removed topic:literal:${topic}  User:bob  allow read  from *`]);
  await eventually(async () => (await kafkaesque(['acls', 'list', '--topic', topic, ...alice])).out.trim().split('\n').length === 1, 15_000);
  expect((await kafkaesque(['acls', 'add', '--topic', topic, ...alice])).code).toBe(2); // no principal, no operation
});
