/**
 * kafkaesque/kafkajs's ACL methods (createAcls, describeAcls, deleteAcls with KafkaJS's numeric
 * enums) on the secured broker (StandardAuthorizer, super user `admin`; `bob` has no ACLs), with
 * KafkaJS 2.2.4 on the same broker as the oracle: the same calls must give the same answers, and
 * the ACLs made through one must be seen and deleted through the other. In test/secure/ so that
 * jest runs it whenever the secure broker is in KAFKAESQUE_BROKER_MODE (as `npm test` has it).
 */
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  logLevel,
  ResourcePatternTypes,
  type AclEntry,
} from '../../src/kafkajs/index';
import { uniqueTopic } from '../helpers/broker.js';
import { eventually } from '../helpers/wait.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaJS = require('kafkajs') as { Kafka: new (config: object) => { admin(): any } }; // eslint-disable-line @typescript-eslint/no-explicit-any
/* eslint-disable @typescript-eslint/no-explicit-any -- the oracle's answers are compared with ours, untyped */

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT', string[]>;
  users: Record<string, { password: string }>;
}
const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');

jest.setTimeout(60_000);
const config = (user: string) => ({
  clientId: 'kjs-acl-test',
  brokers: [info.listeners.SASL_PLAINTEXT[0]!],
  sasl: { mechanism: 'plain' as const, username: user, password: info.users[user]!.password },
  logLevel: logLevel.NOTHING,
});
const admin = new Kafka(config('admin')).admin();
const bob = new Kafka(config('bob')).admin();
const oracle = new KafkaJS.Kafka(config('admin')).admin();
const oracleBob = new KafkaJS.Kafka(config('bob')).admin();

beforeAll(async () => {
  await Promise.all([admin.connect(), bob.connect(), oracle.connect(), oracleBob.connect()]);
});
afterAll(async () => {
  await Promise.all([admin.disconnect(), bob.disconnect(), oracle.disconnect(), oracleBob.disconnect()]);
});

const rejection = (p: Promise<unknown>): Promise<any> =>
  p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
/** describeAcls' resources in one order (the broker's order is its own). */
const sorted = (r: { resources: any[] }): any[] =>
  r.resources
    .map((x) => ({ ...x, acls: [...x.acls].sort((a: any, b: any) => a.operation - b.operation || a.permissionType - b.permissionType) }))
    .sort((a, b) => `${a.resourceType}/${a.resourceName}/${a.resourcePatternType}`.localeCompare(`${b.resourceType}/${b.resourceName}/${b.resourcePatternType}`));
const ANY = { resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY };

test('createAcls, describeAcls and deleteAcls with KafkaJS enums: the same answers as KafkaJS 2.2.4, and bob is let in and shut out', async () => {
  const topic = uniqueTopic('kjs-acl');
  const prefix = `${uniqueTopic('kjs-acl-p')}-`;
  const group = uniqueTopic('kjs-acl-g');
  expect(await admin.createTopics({ topics: [{ topic }] })).toBe(true);
  const bobs = (resourceType: number, resourceName: string, resourcePatternType: number, operation: number, permissionType: number): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType,
    principal: 'User:bob',
    host: '*',
    operation,
    permissionType,
  });
  const acl = [
    bobs(AclResourceTypes.TOPIC, topic, ResourcePatternTypes.LITERAL, AclOperationTypes.DESCRIBE, AclPermissionTypes.ALLOW),
    bobs(AclResourceTypes.TOPIC, prefix, ResourcePatternTypes.PREFIXED, AclOperationTypes.WRITE, AclPermissionTypes.DENY),
    bobs(AclResourceTypes.GROUP, group, ResourcePatternTypes.LITERAL, AclOperationTypes.READ, AclPermissionTypes.ALLOW),
  ];

  // bob may not see the topic yet
  const before = await rejection(bob.fetchTopicMetadata({ topics: [topic] }));
  expect([before.name, before.type]).toEqual(['KafkaJSProtocolError', 'TOPIC_AUTHORIZATION_FAILED']);

  expect(await admin.createAcls({ acl })).toBe(true);
  const bobFilter = { ...ANY, principal: 'User:bob' };
  const mine = (r: { resources: any[] }) => ({ resources: r.resources.filter((x) => [topic, prefix, group].includes(x.resourceName)) });
  // the authorizer applies new ACLs a moment after CreateAcls answers
  await eventually(async () => mine(await admin.describeAcls(bobFilter)).resources.length === 3, 15_000, 'three ACLs described');

  const described = sorted(mine(await admin.describeAcls(bobFilter)));
  expect(described).toEqual(
    sorted({
      resources: acl.map((a) => ({
        resourceType: a.resourceType,
        resourceName: a.resourceName,
        resourcePatternType: a.resourcePatternType,
        acls: [{ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType }],
      })),
    }),
  );
  // the same filters through KafkaJS: the same resources
  for (const filter of [
    bobFilter,
    { ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL },
    { ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: `${prefix}x`, resourcePatternType: ResourcePatternTypes.MATCH, principal: 'User:bob' },
    { ...ANY, resourceType: AclResourceTypes.GROUP, resourceName: group, operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.ALLOW },
    { ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:nobody' },
  ]) {
    const ours = await admin.describeAcls(filter);
    expect([filter, sorted(mine(ours))]).toEqual([filter, sorted(mine(await oracle.describeAcls(filter)))]);
  }
  expect(sorted(mine(await admin.describeAcls({ ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: `${prefix}x`, resourcePatternType: ResourcePatternTypes.MATCH, principal: 'User:bob' })))).toEqual([
    { resourceType: AclResourceTypes.TOPIC, resourceName: prefix, resourcePatternType: ResourcePatternTypes.PREFIXED, acls: [{ principal: 'User:bob', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.DENY }] },
  ]);

  // the ACL lets bob describe the topic
  await eventually(async () => (await bob.fetchTopicMetadata({ topics: [topic] }).then(() => true, () => false)), 15_000, 'bob may describe the topic');

  // deleteAcls: per filter the ACLs deleted, each with errorCode 0
  const deleted = await admin.deleteAcls({ filters: [{ ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: topic, principal: 'User:bob' }, { ...ANY, resourceType: AclResourceTypes.GROUP, resourceName: group }] });
  expect(deleted.filterResponses).toEqual([
    { errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, ...acl[0] }] },
    { errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, ...acl[2] }] },
  ]);
  await eventually(async () => (await bob.fetchTopicMetadata({ topics: [topic] }).then(() => false, (e: any) => e.type === 'TOPIC_AUTHORIZATION_FAILED')), 15_000, 'bob shut out');

  // made through KafkaJS, seen and deleted through kafkaesque/kafkajs, and the reverse: the same answers
  expect(await oracle.createAcls({ acl: [acl[0], acl[2]] })).toBe(true);
  await eventually(async () => mine(await admin.describeAcls(bobFilter)).resources.length === 3, 15_000, 'ACLs made by KafkaJS described');
  const ours = await admin.deleteAcls({ filters: [{ ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: topic, principal: 'User:bob' }] });
  expect(await admin.createAcls({ acl: [acl[0]] })).toBe(true);
  await eventually(async () => mine(await oracle.describeAcls(bobFilter)).resources.length === 3, 15_000, 'ACL made again described by KafkaJS');
  const theirs = await oracle.deleteAcls({ filters: [{ ...ANY, resourceType: AclResourceTypes.TOPIC, resourceName: topic, principal: 'User:bob' }] });
  expect(ours.filterResponses).toEqual(theirs.filterResponses);
  await admin.deleteAcls({ filters: [{ ...bobFilter, resourceName: prefix }, { ...bobFilter, resourceName: group }] });
  await eventually(async () => mine(await admin.describeAcls(bobFilter)).resources.length === 0, 15_000, 'every ACL of the test deleted');
});

test('bob may not manage ACLs: CLUSTER_AUTHORIZATION_FAILED as KafkaJSProtocolError, as KafkaJS; bad arguments refused before any request, as KafkaJS', async () => {
  const entry: AclEntry = {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: uniqueTopic('kjs-acl-bob'),
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:bob',
    host: '*',
    operation: AclOperationTypes.ALL,
    permissionType: AclPermissionTypes.ALLOW,
  };
  for (const [what, call] of [
    ['describeAcls', (x: any) => x.describeAcls(ANY)],
    ['createAcls', (x: any) => x.createAcls({ acl: [entry] })],
    ['deleteAcls', (x: any) => x.deleteAcls({ filters: [{ ...ANY, resourceName: entry.resourceName }] })],
  ] as const) {
    const [o, t] = [await rejection(call(bob)), await rejection(call(oracleBob))];
    expect([what, o.name, o.type, o.code, o.retriable]).toEqual([what, t.name, t.type, t.code, t.retriable]);
    expect(o).toBeInstanceOf(KafkaJSProtocolError);
    expect(o.type).toBe('CLUSTER_AUTHORIZATION_FAILED');
  }

  for (const [what, call] of [
    ['createAcls: not an array', (x: any) => x.createAcls({ acl: 'x' })],
    ['createAcls: empty', (x: any) => x.createAcls({ acl: [] })],
    ['createAcls: principal', (x: any) => x.createAcls({ acl: [{ ...entry, principal: 1 }] })],
    ['createAcls: host', (x: any) => x.createAcls({ acl: [{ ...entry, host: undefined }] })],
    ['createAcls: resourceName', (x: any) => x.createAcls({ acl: [{ ...entry, resourceName: null }] })],
    ['createAcls: operation', (x: any) => x.createAcls({ acl: [{ ...entry, operation: 99 }] })],
    ['createAcls: pattern type', (x: any) => x.createAcls({ acl: [{ ...entry, resourcePatternType: 99 }] })],
    ['createAcls: permission', (x: any) => x.createAcls({ acl: [{ ...entry, permissionType: 99 }] })],
    ['createAcls: resource type', (x: any) => x.createAcls({ acl: [{ ...entry, resourceType: 99 }] })],
    ['describeAcls: no operation', (x: any) => x.describeAcls({ ...ANY, operation: undefined })],
    ['describeAcls: principal', (x: any) => x.describeAcls({ ...ANY, principal: 5 })],
    ['describeAcls: resource type', (x: any) => x.describeAcls({ ...ANY, resourceType: 42 })],
    ['deleteAcls: not an array', (x: any) => x.deleteAcls({ filters: 'x' })],
    ['deleteAcls: empty', (x: any) => x.deleteAcls({ filters: [] })],
    ['deleteAcls: host', (x: any) => x.deleteAcls({ filters: [{ ...ANY, host: 1 }] })],
    ['deleteAcls: permission', (x: any) => x.deleteAcls({ filters: [{ ...ANY, permissionType: 9 }] })],
  ] as const) {
    const [o, t] = [await rejection(call(admin)), await rejection(call(oracle))];
    expect([what, o.name]).toEqual([what, t.name]);
    expect(o).toBeInstanceOf(KafkaJSNonRetriableError);
  }
  // what kafkaesque refuses before asking (the broker refuses it too, after a request): an ACL
  // must name a concrete resource type, operation, pattern and permission
  for (const bad of [{ resourceType: AclResourceTypes.ANY }, { operation: AclOperationTypes.ANY }, { resourcePatternType: ResourcePatternTypes.MATCH }, { permissionType: AclPermissionTypes.ANY }]) {
    await expect(admin.createAcls({ acl: [{ ...entry, ...bad }] })).rejects.toThrow(KafkaJSNonRetriableError);
    await expect(oracle.createAcls({ acl: [{ ...entry, ...bad }] })).rejects.toThrow();
  }
});
