/**
 * SASL/OAUTHBEARER (KIP-255, KIP-768) against the secure broker, whose listeners validate RS256
 * JWTs with Kafka's OAuthBearerValidatorCallbackHandler (JWKS from the harness, aud and iss
 * checked, principal = sub): a valid token authenticates and its principal is what the ACLs
 * see; expired, wrong-audience and wrongly signed tokens are typed AuthenticationErrors; the
 * built-in OIDC client-credentials provider gets its token from a token endpoint (refused and
 * unreachable endpoints are typed errors), and no secret or token shows anywhere.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { Config, OffsetOldest } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import { AuthenticationError } from '../../src/network/errors.js';
import { OAuthTokenEndpointError } from '../../src/network/oauth.js';
import type { OAuthBearerToken } from '../../src/network/sasl.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import { uniqueTopic, hostPort } from '../helpers/broker.js';
import { metadataOk } from '../helpers/sasl.js';
import { kafkaesque } from '../helpers/cli.js';
import { parseMuxConfig } from '../../src/mux/config-file.js';
import { MuxConfigError } from '../../src/mux/errors.js';
import { type OAuthInfo, startTokenEndpoint, TestIdp } from '../helpers/oauth.js';

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT' | 'SASL_SSL', string[]>;
  certs: { ca: string };
  oauth: OAuthInfo;
}

const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');
if (info.oauth === undefined) throw new Error('the secure broker has no oauth settings: restart it with this checkout (npm run broker -- restart --mode secure)');

const SASL_PLAINTEXT = info.listeners.SASL_PLAINTEXT[0]!;
const idp = new TestIdp(info.oauth);

/** A provider that hands out `jwt` (or a new one per call) and counts its calls. */
function provider(make: () => string, lifetimeMs = 60_000): { calls: number; token: () => Promise<OAuthBearerToken> } {
  const p = {
    calls: 0,
    token: async (): Promise<OAuthBearerToken> => {
      p.calls++;
      return { value: make(), lifetimeMs };
    },
  };
  return p;
}

function connect(token: () => Promise<OAuthBearerToken>): Promise<BrokerConnection> {
  return BrokerConnection.connect({ ...hostPort(SASL_PLAINTEXT), sasl: { mechanism: 'oauthbearer', token } });
}

test('a valid signed token authenticates: BrokerConnection, the provider called once, the token never shown', async () => {
  const jwt = idp.sign();
  const p = provider(() => jwt);
  const conn = await connect(p.token);
  try {
    await metadataOk(conn);
    expect(p.calls).toBe(1);
    expect(util.inspect(conn, { depth: 10 })).not.toContain(jwt);
    // no connections.max.reauth.ms on SASL_PLAINTEXT: the session still ends with the token (KIP-368)
    expect(conn.sessionLifetimeMs).toBeGreaterThan(50_000);
    expect(conn.sessionLifetimeMs).toBeLessThanOrEqual(60_000);
  } finally {
    conn.close();
  }
});

test.each([
  ['expired', () => idp.sign({ lifetimeMs: -120_000 })],
  ['wrong audience', () => idp.sign({ aud: 'some-other-service' })],
  ['wrong issuer', () => idp.sign({ iss: 'https://evil.example' })],
  ['signed by another key', () => idp.sign({}, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)],
])('%s token: AuthenticationError with the broker status, connection closed, token not shown', async (_what, make) => {
  const jwt = make();
  const started = Date.now();
  const err = await connect(provider(() => jwt).token).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthenticationError);
  const e = err as AuthenticationError;
  expect(e.mechanism).toBe('OAUTHBEARER');
  expect(e.errorCode).toBe(58); // SASL_AUTHENTICATION_FAILED
  expect(e.retriable).toBe(false);
  expect(e.message).toContain('the broker refused the token: status invalid_token');
  expect(e.message).not.toContain(jwt);
  expect(util.inspect(e, { depth: 10 })).not.toContain(jwt);
  expect(Date.now() - started).toBeLessThan(5000);
});

test('a token that is not a bearer token, or bad extensions: refused by the client before sending, typed', async () => {
  for (const [token, what] of [
    [{ value: 'has spaces in it', lifetimeMs: 1000 }, 'b64token'],
    [{ value: idp.sign(), lifetimeMs: 1000, extensions: { auth: 'x' } }, "'auth' is reserved"],
    [{ value: idp.sign(), lifetimeMs: 1000, extensions: { 'bad-key': 'x' } }, 'is not [A-Za-z]+'],
    [{ value: idp.sign(), lifetimeMs: 1000, extensions: { good: 'caf\u00e9' } }, 'outside printable ASCII'],
  ] as const) {
    const err = await connect(async () => token as OAuthBearerToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain(what);
  }
});

test('extensions are sent and accepted (the validator ignores unknown extensions)', async () => {
  const conn = await connect(async () => ({ value: idp.sign(), lifetimeMs: 60_000, extensions: { traceId: 'abc-123', tenant: 'blue' } }));
  try {
    await metadataOk(conn);
  } finally {
    conn.close();
  }
});

test('a provider that throws: AuthenticationError naming the provider failure', async () => {
  const err = await connect(async () => {
    throw new Error('vault unavailable');
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).toContain('the token provider failed: vault unavailable');
});

test('produce and consume as alice with a token; bob (sub=bob, no ACLs) is refused by the ACLs', async () => {
  const topic = uniqueTopic('oauth');
  const alice = provider(() => idp.sign({ sub: 'alice' }));
  const config = new Config({ brokers: [SASL_PLAINTEXT], sasl: { mechanism: 'oauthbearer', token: alice.token } });
  expect(config.sasl).toEqual({ mechanism: 'oauthbearer', provider: 'token' });
  const producer = await SyncProducer.create(config);
  try {
    await producer.sendMsgByte(topic, 'k', 'v1');
    await producer.sendMsgByte(topic, 'k', 'v2');
  } finally {
    await producer.close();
  }
  const consumer = await Consumer.create(config);
  try {
    const pc = await consumer.consumePartition(topic, 0, OffsetOldest);
    const it = pc.messages();
    const timer = setTimeout(() => pc.close(), 10_000);
    const got: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await it.next();
      if (r.done) break;
      got.push(r.value.value!.toString());
    }
    clearTimeout(timer);
    pc.close();
    expect(got).toEqual(['v1', 'v2']);
  } finally {
    await consumer.close();
  }
  expect(alice.calls).toBeGreaterThanOrEqual(1);

  const bob = await SyncProducer.create(
    new Config({ brokers: [SASL_PLAINTEXT], idempotent: false, sasl: { mechanism: 'oauthbearer', token: provider(() => idp.sign({ sub: 'bob' })).token } }),
  );
  try {
    const err = await bob.sendMsgByte(topic, null, 'x').catch((e: unknown) => e);
    expect((err as { cause?: unknown }).cause).toBeInstanceOf(KafkaProtocolError);
    expect(((err as { cause: KafkaProtocolError }).cause).errorName).toBe('TOPIC_AUTHORIZATION_FAILED');
  } finally {
    await bob.close();
  }
});

describe('OIDC client credentials (KIP-768)', () => {
  test('the provider gets a token from the endpoint, caches it, and the client produces', async () => {
    const endpoint = await startTokenEndpoint(idp, { alice: 'alice-oidc-secret' });
    try {
      const config = new Config({
        brokers: [SASL_PLAINTEXT],
        sasl: { mechanism: 'OAUTHBEARER', oidc: { tokenEndpointUrl: endpoint.url, clientId: 'alice', clientSecret: 'alice-oidc-secret', scope: 'kafka' } },
      });
      expect(config.sasl).toEqual({
        mechanism: 'oauthbearer',
        provider: 'oidc',
        oidc: { tokenEndpointUrl: endpoint.url, clientId: 'alice', clientSecret: '[redacted]', scope: 'kafka' },
      });
      const producer = await SyncProducer.create(config);
      try {
        await producer.sendMsgByte(uniqueTopic('oidc'), null, 'x');
      } finally {
        await producer.close();
      }
      // one token for every connection of the client (bootstrap, then the leader)
      expect(endpoint.issued).toBe(1);
      expect(new URLSearchParams(endpoint.requests[0]!.body).get('scope')).toBe('kafka');
      expect(new URLSearchParams(endpoint.requests[0]!.body).get('grant_type')).toBe('client_credentials');
      for (const shown of [util.inspect(config, { depth: 10 }), JSON.stringify(config), util.inspect(config.oauthBearerTokenProvider(), { depth: 10 })]) {
        expect(shown).not.toContain('alice-oidc-secret');
      }
    } finally {
      await endpoint.close();
    }
  });

  test('a wrong client secret: OAuthTokenEndpointError (HTTP 401 invalid_client), not retriable, secret not shown', async () => {
    const endpoint = await startTokenEndpoint(idp, { alice: 'alice-oidc-secret' });
    try {
      const config = new Config({
        brokers: [SASL_PLAINTEXT],
        sasl: { mechanism: 'oauthbearer', oidc: { tokenEndpointUrl: endpoint.url, clientId: 'alice', clientSecret: 'not-the-secret-42' } },
      });
      const err = await SyncProducer.create(config).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthTokenEndpointError);
      const e = err as OAuthTokenEndpointError;
      expect([e.status, e.retriable, e.clientId]).toEqual([401, false, 'alice']);
      expect(e.message).toContain('HTTP 401: invalid_client');
      expect(e.message).toContain('Check sasl.oidc (clientId, clientSecret, scope)');
      expect(e.message).not.toContain('not-the-secret-42');
      expect(util.inspect(e, { depth: 10 })).not.toContain('not-the-secret-42');
    } finally {
      await endpoint.close();
    }
  });

  test('an unreachable token endpoint: OAuthTokenEndpointError, retriable, says to check the URL', async () => {
    const endpoint = await startTokenEndpoint(idp, {});
    const url = endpoint.url;
    await endpoint.close(); // nothing listens there now
    const config = new Config({
      brokers: [SASL_PLAINTEXT],
      connectTimeoutMs: 3000,
      sasl: { mechanism: 'oauthbearer', oidc: { tokenEndpointUrl: url, clientId: 'alice', clientSecret: 'alice-oidc-secret', timeoutMs: 2000 } },
    });
    const provider = config.oauthBearerTokenProvider()!;
    const err = await provider().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthTokenEndpointError);
    expect((err as OAuthTokenEndpointError).retriable).toBe(true);
    expect((err as Error).message).toContain('unreachable');
    expect((err as Error).message).toContain('Check that sasl.oidc.tokenEndpointUrl is right');
  });

  test('configuration errors are ConfigErrors that never show the secret', () => {
    const bad = (oidc: unknown): string => {
      try {
        new Config({ brokers: [SASL_PLAINTEXT], sasl: { mechanism: 'oauthbearer', oidc } as never });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ tokenEndpointUrl: 'ftp://x', clientId: 'a', clientSecret: 's3cr3t-value' })).toContain('sasl.oidc.tokenEndpointUrl');
    expect(bad({ tokenEndpointUrl: 'http://x/t', clientId: 'a', clientSecret: '' })).toContain('sasl.oidc.clientSecret');
    const ext = bad({ tokenEndpointUrl: 'http://x/t', clientId: 'a', clientSecret: 's3cr3t-value', extensions: { auth: 'x' } });
    expect(ext).toContain('sasl.oidc.extensions');
    expect(ext).not.toContain('s3cr3t-value');
    expect(() => new Config({ sasl: { mechanism: 'oauthbearer' } })).toThrow('exactly one of sasl.token');
  });
});

describe('the YAML config file (plugin, Multiplexer, CLI --config): sasl.oidc', () => {
  const yaml = (url: string, secret: string, extra = ''): string =>
    `addrs: [${SASL_PLAINTEXT}]\nsasl:\n  mechanism: OAUTHBEARER\n${extra}  oidc:\n    token_endpoint_url: ${url}\n    client_id: alice\n    client_secret: ${secret}\n    scope: kafka\n`;

  test('the keys make an OIDC provider; the CLI lists topics with it', async () => {
    const endpoint = await startTokenEndpoint(idp, { alice: 'alice-yaml-secret' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-oauth-'));
    try {
      const { config } = parseMuxConfig(yaml(endpoint.url, 'alice-yaml-secret'), 'oauth.yaml');
      expect(config.sasl).toEqual({
        mechanism: 'oauthbearer',
        provider: 'oidc',
        oidc: { tokenEndpointUrl: endpoint.url, clientId: 'alice', clientSecret: '[redacted]', scope: 'kafka' },
      });
      const file = path.join(dir, 'oauth.yaml');
      fs.writeFileSync(file, yaml(endpoint.url, 'alice-yaml-secret'));
      const topic = uniqueTopic('oauth-cli');
      const made = await kafkaesque(['topics', 'create', topic, '--config', file]);
      expect([made.code, made.err]).toEqual([0, '']);
      const listed = await kafkaesque(['topics', 'list', '--config', file]);
      expect(listed.code).toBe(0);
      expect(listed.out.split('\n')).toContain(topic);
      expect(endpoint.issued).toBeGreaterThanOrEqual(2); // one per CLI process

      fs.writeFileSync(file, yaml(endpoint.url, 'wrong-yaml-secret'));
      const refused = await kafkaesque(['topics', 'list', '--config', file]);
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain('invalid_client');
      expect(refused.err + refused.out).not.toContain('wrong-yaml-secret');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await endpoint.close();
    }
  });

  test('mistakes are MuxConfigErrors naming the key and line', () => {
    const err = (text: string): MuxConfigError => {
      try {
        parseMuxConfig(text, 'oauth.yaml');
      } catch (e) {
        return e as MuxConfigError;
      }
      throw new Error('accepted');
    };
    const noOidc = err(`addrs: [${SASL_PLAINTEXT}]\nsasl:\n  mechanism: OAUTHBEARER\n`);
    expect(noOidc).toBeInstanceOf(MuxConfigError);
    expect(noOidc.message).toContain('OAUTHBEARER needs sasl.oidc');
    const withUser = err(yaml('http://127.0.0.1:1/t', 'x', '  user: alice\n'));
    expect(withUser.message).toContain('OAUTHBEARER takes no user or password');
    const badUrl = err(yaml('ftp://idp/t', 'hidden-secret-1'));
    expect(badUrl.message).toContain('sasl.oidc.token_endpoint_url');
    expect(badUrl.message).not.toContain('hidden-secret-1');
  });
});
