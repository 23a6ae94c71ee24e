/**
 * `kafkaesque acls` on the secured broker, reached the way a user would: a YAML --config file
 * (the plugin's keys: addrs, tls.ca-file, sasl) over SASL_SSL. As alice (All on the cluster)
 * an ACL for bob is added, listed and removed; as bob (no ACLs) Kafka refuses: exit 1, one line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { uniqueTopic } from '../helpers/broker.js';
import { kafkaesque } from '../helpers/cli.js';

interface SecureInfo {
  listeners: Record<'SASL_SSL', string[]>;
  users: Record<string, { password: string }>;
  certs: { ca: string };
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');

jest.setTimeout(60_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-cli-acls-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The plugin's YAML config file for `user` over SASL_SSL. */
function configFor(user: string): string {
  const file = path.join(dir, `${user}.yaml`);
  fs.writeFileSync(
    file,
    `addrs: [${info.listeners.SASL_SSL[0]}]
tls:
  ca-file: ${info.certs.ca}
sasl:
  mechanism: SCRAM-SHA-512
  user: ${user}
  password: ${info.users[user]!.password}
`,
  );
  return file;
}

test('as alice: add an ACL for bob, list it, remove it; as bob: refused, exit 1, one line', async () => {
  const alice = ['--config', configFor('alice')];
  const topic = uniqueTopic('cli-acl');

  const added = await kafkaesque(['acls', 'add', '--topic', topic, '--allow-principal', 'User:bob', '--operation', 'Read', '--operation', 'describe', ...alice]);
  expect([added.code, added.err, added.out.trim().split('\n')]).toEqual([
    0,
    '',
    [`added: allow User:bob read on topic ${topic} (literal) from host *`, `added: allow User:bob describe on topic ${topic} (literal) from host *`],
  ]);

  const listed = await kafkaesque(['acls', 'list', '--topic', topic, ...alice]);
  expect([listed.code, listed.out.trim().split('\n')]).toEqual([
    0,
    [
      expect.stringMatching(/^resource-type\s+resource-name\s+pattern\s+principal\s+host\s+operation\s+permission$/),
      expect.stringMatching(new RegExp(`^topic\\s+${topic}\\s+literal\\s+User:bob\\s+\\*\\s+(read|describe)\\s+allow$`)),
      expect.stringMatching(new RegExp(`^topic\\s+${topic}\\s+literal\\s+User:bob\\s+\\*\\s+(read|describe)\\s+allow$`)),
    ],
  ]);
  // the KAFKA_CONFIG variable is the same file as --config; a principal filter narrows the list
  const viaEnv = await kafkaesque(['acls', 'list', '--topic', topic, '--principal', 'User:nobody'], '', { KAFKA_CONFIG: alice[1] });
  expect([viaEnv.code, viaEnv.out.trim().split('\n').length]).toEqual([0, 1]);

  const removed = await kafkaesque(['acls', 'remove', '--topic', topic, '--allow-principal', 'User:bob', '--operation', 'read', ...alice]);
  expect([removed.code, removed.out]).toEqual([0, `removed: allow User:bob read on topic ${topic} (literal) from host *\n`]);
  const rest = await kafkaesque(['acls', 'remove', '--topic', topic, '--force', ...alice]);
  expect(rest.out).toBe(`removed: allow User:bob describe on topic ${topic} (literal) from host *\n`);
  expect((await kafkaesque(['acls', 'list', '--topic', topic, ...alice])).out.trim().split('\n')).toHaveLength(1);

  const bob = await kafkaesque(['acls', 'list', '--config', configFor('bob')]);
  expect([bob.code, bob.out, bob.err.trimEnd().split('\n')]).toEqual([1, '', [expect.stringMatching(/^kafkaesque: describeAcls: CLUSTER_AUTHORIZATION_FAILED/)]]);
});
