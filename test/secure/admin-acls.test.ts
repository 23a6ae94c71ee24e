/**
 * Admin on the secured broker (StandardAuthorizer, super user `admin`): ACLs created, described
 * and deleted, and what a user without them (`bob`; the harness grants `alice` everything) is
 * refused, as typed per-item errors.
 */
import { Admin } from '../../src/client/admin.js';
import { uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');

jest.setTimeout(60_000);
const as = (user: string): Promise<Admin> =>
  Admin.create({ brokers: info.listeners.SASL_PLAINTEXT[0]!, sasl: { mechanism: 'plain', username: user, password: info.users[user]!.password } });

let admin: Admin;
let bob: Admin;
beforeAll(async () => {
  admin = await as('admin');
  bob = await as('bob');
});
afterAll(async () => {
  await bob?.close();
  await admin?.close();
});


test('a user without ACLs is refused per item; an ACL lets her in; deleting it shuts her out again', async () => {
  const topic = uniqueTopic('acl-topic');
  expect((await admin.createTopics([{ name: topic, numPartitions: 1 }]))[0]!.error).toBeNull();

  // bob may not create topics, nor see this one
  const [created] = await bob.createTopics([{ name: uniqueTopic('acl-bob'), numPartitions: 1 }]);
  expect(created!.error?.errorName).toBe('TOPIC_AUTHORIZATION_FAILED');
  expect((await bob.describeTopics([topic]))[0]!.error?.errorName).toBe('TOPIC_AUTHORIZATION_FAILED');

  const binding = { resourceType: 'topic' as const, resourceName: topic, patternType: 'literal' as const, principal: 'User:bob', host: '*', operation: 'describe' as const, permission: 'allow' as const };
  const [made] = await admin.createAcls([binding]);
  expect(made!.error).toBeNull();
  // the authorizer applies a new ACL a moment after CreateAcls answers
  await eventually(async () => (await admin.describeAcls({ resourceType: 'topic', resourceName: topic })).length === 1, 15_000);
  expect(await admin.describeAcls({ resourceType: 'topic', resourceName: topic })).toEqual([binding]);
  expect(await admin.describeAcls({ resourceType: 'topic', resourceName: topic, principal: 'User:nobody' })).toEqual([]);
  await eventually(async () => (await bob.describeTopics([topic]))[0]!.error === null, 15_000);
  // what each may do to it (KIP-430): bob only describe, alice everything a topic has
  expect((await bob.describeTopics([topic], { includeAuthorizedOperations: true }))[0]!.authorizedOperations).toEqual(['describe']);
  expect((await admin.describeTopics([topic], { includeAuthorizedOperations: true }))[0]!.authorizedOperations).toEqual(
    expect.arrayContaining(['read', 'write', 'create', 'delete', 'alter', 'describe', 'describe-configs', 'alter-configs']),
  );
  expect((await admin.describeTopics([topic]))[0]!.authorizedOperations).toBeNull();

  const [removed] = await admin.deleteAcls([{ resourceType: 'topic', resourceName: topic }]);
  expect([removed!.error, removed!.deleted]).toEqual([null, [binding]]);
  await eventually(async () => (await bob.describeTopics([topic]))[0]!.error?.errorName === 'TOPIC_AUTHORIZATION_FAILED', 15_000);

  // and bob may not manage ACLs herself
  await expect(bob.describeAcls()).rejects.toMatchObject({ errorName: 'CLUSTER_AUTHORIZATION_FAILED' });
});

test('SCRAM credentials: a user made with alterUserScramCredentials signs in; deleted, she cannot', async () => {
  const user = `carol-${Date.now()}`;
  const signIn = async (): Promise<boolean> => {
    try {
      const c = await Admin.create({ brokers: info.listeners.SASL_PLAINTEXT[0]!, sasl: { mechanism: 'scram-sha-256', username: user, password: 'carol-secret' }, reconnectBackoffMaxMs: 50 });
      await c.close();
      return true;
    } catch {
      return false;
    }
  };
  expect(await signIn()).toBe(false);
  const [made] = await admin.alterUserScramCredentials([{ user, mechanism: 'scram-sha-256', password: 'carol-secret', iterations: 8192 }]);
  expect(made!.error).toBeNull();
  const [described] = await admin.describeUserScramCredentials([user]);
  expect([described!.error, described!.credentials]).toEqual([null, [{ mechanism: 'scram-sha-256', iterations: 8192 }]]);
  await eventually(signIn, 15_000);

  const [gone] = await admin.alterUserScramCredentials([{ user, mechanism: 'scram-sha-256', delete: true }]);
  expect(gone!.error).toBeNull();
  await eventually(async () => !(await signIn()), 15_000);
  const [none] = await admin.describeUserScramCredentials([user]);
  expect(none!.error?.errorName).toBe('RESOURCE_NOT_FOUND');
  // bob may not
  const [refused] = await bob.alterUserScramCredentials([{ user, mechanism: 'scram-sha-512', password: 'x' }]);
  expect(refused!.error?.errorName).toBe('CLUSTER_AUTHORIZATION_FAILED');
});
