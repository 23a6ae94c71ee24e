/**
 * Authentication against the secure broker (npm run broker -- start --mode secure; see
 * docs/broker.md): SASL PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL,
 * mutual TLS on the SSL listener, wrong credentials and a wrong CA as typed errors without a
 * retry storm, ACLs (bob has none; then Read on one topic, no group) as typed errors for topics,
 * the cluster and groups, a produce+consume round trip as alice,
 * and passwords that never show in util.inspect or error messages.
 */
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import * as util from 'node:util';
import { Admin } from '../../src/client/admin.js';
import { Config, OffsetOldest } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { clusterOptions } from '../../src/client/options.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { AuthenticationError, ConnectionError } from '../../src/network/errors.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import { uniqueTopic, hostPort } from '../helpers/broker.js';
import { metadataOk } from '../helpers/sasl.js';
import { eventually } from '../helpers/wait.js';

interface SecureInfo {
  listeners: Record<'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL', string[]>;
  users: Record<string, { password: string }>;
  certs: { ca: string; clients: Record<string, { cert: string; key: string }> };
}

const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');

const SASL_PLAINTEXT = info.listeners.SASL_PLAINTEXT[0]!;
const SASL_SSL = info.listeners.SASL_SSL[0]!;
const SSL = info.listeners.SSL[0]!;
const ca = fs.readFileSync(info.certs.ca, 'utf8');
const alicePw = info.users.alice!.password;
const bobPw = info.users.bob!.password;
const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

describe.each([
  ['SASL_PLAINTEXT', SASL_PLAINTEXT, undefined],
  ['SASL_SSL', SASL_SSL, { ca }],
] as const)('%s', (_listener, address, tlsOptions) => {
  test.each(MECHANISMS)('%s as alice: BrokerConnection authenticates', async (mechanism) => {
    const conn = await BrokerConnection.connect({
      ...hostPort(address),
      ...(tlsOptions ? { tls: tlsOptions } : {}),
      sasl: { mechanism, username: 'alice', password: alicePw },
    });
    try {
      await metadataOk(conn);
      expect(util.inspect(conn, { depth: 10 })).not.toContain(alicePw);
    } finally {
      conn.close();
    }
  });

  test.each(MECHANISMS)('%s with a wrong password: AuthenticationError, connection closed', async (mechanism) => {
    const started = Date.now();
    const err = await BrokerConnection.connect({
      ...hostPort(address),
      ...(tlsOptions ? { tls: tlsOptions } : {}),
      sasl: { mechanism, username: 'alice', password: 'not-alices-password' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    const e = err as AuthenticationError;
    expect(e.code).toBe('ERR_AUTHENTICATION');
    expect(e.retriable).toBe(false);
    expect(e.mechanism).toBe(mechanism.toUpperCase());
    expect(e.message).toContain(mechanism.toUpperCase());
    expect(e.message).toContain("'alice'");
    expect(e.message).not.toContain('not-alices-password');
    expect(util.inspect(e)).not.toContain('not-alices-password');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

test('an unknown user fails as AuthenticationError too (SCRAM)', async () => {
  const err = await BrokerConnection.connect({
    ...hostPort(SASL_PLAINTEXT),
    sasl: { mechanism: 'scram-sha-512', username: 'mallory', password: 'whatever-pw' },
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).not.toContain('whatever-pw');
});

test('SASL credentials against the PLAINTEXT listener fail typed, never silently anonymous', async () => {
  const err = await BrokerConnection.connect({
    ...hostPort(info.listeners.PLAINTEXT[0]!),
    sasl: { mechanism: 'plain', username: 'alice', password: alicePw },
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).not.toContain(alicePw);
});

test('mTLS with alice client certificate on the SSL listener', async () => {
  const conn = await BrokerConnection.connect({
    ...hostPort(SSL),
    tls: {
      ca,
      cert: fs.readFileSync(info.certs.clients.alice!.cert),
      key: fs.readFileSync(info.certs.clients.alice!.key),
    },
  });
  try {
    await metadataOk(conn);
    // the client's private key is not kept where util.inspect would show it
    expect(util.inspect(conn, { depth: 10, showHidden: true })).not.toContain('PRIVATE KEY');
  } finally {
    conn.close();
  }
  // and through the public Config
  const producer = await SyncProducer.create(
    new Config({
      brokers: [SSL],
      tls: { ca, cert: fs.readFileSync(info.certs.clients.alice!.cert), key: fs.readFileSync(info.certs.clients.alice!.key) },
      lingerMs: 1,
    }),
  );
  try {
    const r = await producer.sendMsgByte(uniqueTopic('mtls'), null, 'via mTLS');
    expect(r.offset).toBe(0n);
  } finally {
    await producer.close();
  }
});

test('a wrong CA fails the TLS handshake with a typed ConnectionError', async () => {
  const wrongCa = tls.rootCertificates[0]!; // a real CA, but not the one that signed the broker
  const started = Date.now();
  const err = await BrokerConnection.connect({
    ...hostPort(SASL_SSL),
    tls: { ca: wrongCa },
    sasl: { mechanism: 'plain', username: 'alice', password: alicePw },
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectionError);
  expect((err as Error).message).toMatch(/certificate/i);
  expect((err as Error).message).not.toContain(alicePw);
  // through the client: a typed ConnectionError, quickly
  const viaClient = await SyncProducer.create(
    new Config({ brokers: [SASL_SSL], tls: { ca: wrongCa }, sasl: { mechanism: 'plain', username: 'alice', password: alicePw } }),
  ).catch((e: unknown) => e);
  expect(viaClient).toBeInstanceOf(ConnectionError);
  expect((viaClient as Error).message).not.toContain(alicePw);
  expect(Date.now() - started).toBeLessThan(5000);
});

test('wrong password through the client: AuthenticationError at once, one connection attempt, no retry storm', async () => {
  const spy = jest.spyOn(BrokerConnection, 'connect');
  try {
    const started = Date.now();
    const config = new Config({
      brokers: [SASL_PLAINTEXT],
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'wrong-password-xyz' },
    });
    const err = await SyncProducer.create(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('ERR_AUTHENTICATION');
    expect((err as Error).message).not.toContain('wrong-password-xyz');
    expect(util.inspect(err, { depth: 10 })).not.toContain('wrong-password-xyz');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(Date.now() - started).toBeLessThan(3000);

    const consumerErr = await Consumer.create(config).catch((e: unknown) => e);
    expect(consumerErr).toBeInstanceOf(AuthenticationError);
    expect(spy).toHaveBeenCalledTimes(2);
  } finally {
    spy.mockRestore();
  }
});

test('bob (no ACLs), idempotent producer: CLUSTER_AUTHORIZATION_FAILED (IdempotentWrite) at create, typed', async () => {
  const started = Date.now();
  const err = await SyncProducer.create(
    new Config({ brokers: [SASL_PLAINTEXT], sasl: { mechanism: 'scram-sha-512', username: 'bob', password: bobPw } }),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KafkaProtocolError);
  expect((err as KafkaProtocolError).errorName).toBe('CLUSTER_AUTHORIZATION_FAILED');
  expect((err as Error).message).not.toContain(bobPw);
  expect(Date.now() - started).toBeLessThan(3000);
});

test('bob (no ACLs) producing: TOPIC_AUTHORIZATION_FAILED, typed, not retried', async () => {
  const producer = await SyncProducer.create(
    new Config({
      brokers: [SASL_PLAINTEXT],
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: bobPw },
      idempotent: false,
      maxBlockMs: 10_000,
    }),
  );
  try {
    const started = Date.now();
    const err = await producer.sendMsgByte(uniqueTopic('bob'), null, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const e = err as Error & { retriable?: boolean; cause?: unknown };
    expect(e.retriable).toBe(false);
    expect(e.cause).toBeInstanceOf(KafkaProtocolError);
    expect((e.cause as KafkaProtocolError).errorName).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(e.message).not.toContain(bobPw);
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    await producer.close();
  }
});

test('secrets never show: util.inspect of Config, ClusterOptions and Cluster', async () => {
  const config = new Config({ brokers: [SASL_SSL], tls: { ca }, sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: alicePw } });
  expect(util.inspect(config, { depth: 10 })).not.toContain(alicePw);
  expect(JSON.stringify(config)).not.toContain(alicePw);
  const options = clusterOptions(config);
  expect((options.sasl as { password?: string } | undefined)?.password).toBe(alicePw); // handed to the connection layer...
  expect(util.inspect(options, { depth: 10 })).not.toContain(alicePw); // ...but not shown
  const cluster = await Cluster.connect(options);
  try {
    expect(cluster.brokerList().length).toBe(1);
    expect(util.inspect(cluster, { depth: 10 })).not.toContain(alicePw);
  } finally {
    await cluster.close();
  }
});

test('alice over SASL_SSL (SCRAM-SHA-512): produce with SyncProducer, read back with a partition Consumer', async () => {
  const config = new Config({
    brokers: [SASL_SSL],
    tls: { ca },
    sasl: { mechanism: 'scram-sha-512', username: 'alice', password: alicePw },
    lingerMs: 1,
  });
  const topic = uniqueTopic('sasl-ssl');
  const producer = await SyncProducer.create(config);
  try {
    const r = await producer.sendMsgByte(topic, 'k', 'hello, authenticated');
    expect(r.partition).toBe(0);
    expect(r.offset).toBe(0n);
  } finally {
    await producer.close();
  }
  const consumer = await Consumer.create(config);
  try {
    const pc = await consumer.consumePartition(topic, 0, OffsetOldest);
    const it = pc.messages();
    const timer = setTimeout(() => pc.close(), 10_000);
    const first = await it.next();
    clearTimeout(timer);
    expect(first.done).toBe(false);
    expect(first.value!.key!.toString()).toBe('k');
    expect(first.value!.value!.toString()).toBe('hello, authenticated');
    expect(first.value!.offset).toBe(0n);
    pc.close();
  } finally {
    await consumer.close();
  }
});

test('bob with Read on a topic but no group ACL: a group consumer fails with GROUP_AUTHORIZATION_FAILED, typed, at once', async () => {
  // alice (All on topics) creates the topic; admin gives bob Read on it only
  const topic = uniqueTopic('bob-read');
  const producer = await SyncProducer.create(
    new Config({ brokers: [SASL_PLAINTEXT], sasl: { mechanism: 'scram-sha-512', username: 'alice', password: alicePw } }),
  );
  await producer.sendMsgByte(topic, null, 'x');
  await producer.close();
  const admin = await Admin.create({ brokers: [SASL_PLAINTEXT], sasl: { mechanism: 'plain', username: 'admin', password: info.users.admin!.password } });
  try {
    const acl = { resourceType: 'topic', resourceName: topic, patternType: 'literal', principal: 'User:bob', host: '*', permission: 'allow' } as const;
    const made = await admin.createAcls([
      { ...acl, operation: 'read' },
      { ...acl, operation: 'describe' },
    ]);
    expect(made.map((r) => r.error)).toEqual([null, null]);
    // CreateAcls answers once the controller has them; the broker's authorizer applies them after
    await eventually(async () => (await admin.describeAcls({ resourceType: 'topic', resourceName: topic, principal: 'User:bob' })).length === 2, 15_000, "bob's ACLs on the broker");
  } finally {
    await admin.close();
  }

  const started = Date.now();
  const err = await Consumer.create(
    new Config({
      brokers: [SASL_PLAINTEXT],
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: bobPw },
      group: uniqueTopic('bob-group'),
      topics: [topic],
    }),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  const e = err as Error & { retriable?: boolean; cause?: unknown };
  const protocolError = e instanceof KafkaProtocolError ? e : e.cause;
  expect(protocolError).toBeInstanceOf(KafkaProtocolError);
  expect((protocolError as KafkaProtocolError).errorName).toBe('GROUP_AUTHORIZATION_FAILED');
  expect(e.message).toMatch(/GROUP_AUTHORIZATION_FAILED/);
  expect(e.message).not.toContain(bobPw);
  expect(Date.now() - started).toBeLessThan(5000);

  // the topic itself is readable by bob without a group: a partition consumer reads it
  const solo = await Consumer.create(new Config({ brokers: [SASL_PLAINTEXT], sasl: { mechanism: 'scram-sha-512', username: 'bob', password: bobPw } }));
  try {
    const pc = await solo.consumePartition(topic, 0, OffsetOldest);
    const first = await pc.messages().next();
    expect(first.value?.value?.toString()).toBe('x');
  } finally {
    await solo.close();
  }
}, 90_000);
