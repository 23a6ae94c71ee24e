/**
 * Re-authentication (KIP-368) against the secure broker: its SASL_SSL listener gives PLAIN,
 * SCRAM-SHA-256 and OAUTHBEARER sessions of `oauth.reauthMs` (4 s;
 * listener.name.sasl_ssl.<mechanism>.connections.max.reauth.ms) and closes a connection that
 * sends a request after its session expired. Connections re-authenticate on the live socket
 * before that, with requests in flight and new ones held meanwhile: nothing fails and nothing
 * reconnects. OAUTHBEARER sessions also end with the token (on every listener), so a token
 * provider is asked again before expiry.
 */
import * as fs from 'node:fs';
import { Config, OffsetOldest } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { BrokerConnection } from '../../src/network/broker-connection.js';
import type { OAuthBearerToken, SaslOptions } from '../../src/network/sasl.js';
import type { ClientMetricsSnapshot } from '../../src/network/metrics.js';
import { Metadata } from '../../protocol/messages/metadata.js';
import { uniqueTopic, hostPort } from '../helpers/broker.js';
import { type OAuthInfo, startTokenEndpoint, TestIdp } from '../helpers/oauth.js';

interface SecureInfo {
  listeners: Record<'SASL_PLAINTEXT' | 'SASL_SSL', string[]>;
  users: Record<string, { password: string }>;
  certs: { ca: string };
  oauth: OAuthInfo;
}

const info = (JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, SecureInfo>).secure;
if (info === undefined) throw new Error('test/secure needs KAFKAESQUE_BROKER_MODE to include secure');
if (info.oauth === undefined) throw new Error('the secure broker has no oauth settings: restart it with this checkout (npm run broker -- restart --mode secure)');

const SASL_SSL = info.listeners.SASL_SSL[0]!;
const SASL_PLAINTEXT = info.listeners.SASL_PLAINTEXT[0]!;
const ca = fs.readFileSync(info.certs.ca, 'utf8');
const alicePw = info.users.alice!.password;
const REAUTH_MS = info.oauth.reauthMs;
const idp = new TestIdp(info.oauth);

jest.setTimeout(60_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function metadata(conn: BrokerConnection): Promise<unknown> {
  return conn.send(Metadata, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
}

/** A provider of fresh signed tokens for alice, counting its calls. */
function aliceTokens(lifetimeMs = 60_000): { calls: number; token: () => Promise<OAuthBearerToken> } {
  const p = {
    calls: 0,
    token: async (): Promise<OAuthBearerToken> => {
      p.calls++;
      return { value: idp.sign({ sub: 'alice', lifetimeMs }), lifetimeMs, principal: 'alice' };
    },
  };
  return p;
}

describe.each(['plain', 'scram-sha-256', 'oauthbearer'] as const)('%s on SASL_SSL (sessions of 4 s)', (mechanism) => {
  test('a busy connection re-authenticates before every expiry: no request fails, the connection stays', async () => {
    const tokens = aliceTokens();
    const sasl: SaslOptions = mechanism === 'oauthbearer' ? { mechanism, token: tokens.token } : { mechanism, username: 'alice', password: alicePw };
    const conn = await BrokerConnection.connect({ ...hostPort(SASL_SSL), tls: { ca }, sasl });
    try {
      expect(conn.sessionLifetimeMs).toBe(REAUTH_MS);
      // 14 s: 3 expiries at least. Four workers send back to back, so requests are in flight
      // and new ones come while each re-authentication runs (they must wait for its end).
      const until = Date.now() + 3.5 * REAUTH_MS;
      let answered = 0;
      const worker = async (): Promise<void> => {
        while (Date.now() < until) {
          await metadata(conn);
          answered++;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(conn.closed).toBe(false);
      expect(conn.reauthentications).toBeGreaterThanOrEqual(3);
      expect(answered).toBeGreaterThan(1000);
      if (mechanism === 'oauthbearer') expect(tokens.calls).toBe(1 + conn.reauthentications);
    } finally {
      conn.close();
    }
  });
});

test('SCRAM-SHA-512 on SASL_SSL has no session limit (the setting is per mechanism)', async () => {
  const conn = await BrokerConnection.connect({ ...hostPort(SASL_SSL), tls: { ca }, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: alicePw } });
  try {
    expect(conn.sessionLifetimeMs).toBe(0);
  } finally {
    conn.close();
  }
});

test('an idle connection re-authenticates too, then serves a request after its first session would have ended', async () => {
  const conn = await BrokerConnection.connect({ ...hostPort(SASL_SSL), tls: { ca }, sasl: { mechanism: 'plain', username: 'alice', password: alicePw } });
  try {
    await sleep(REAUTH_MS * 1.5);
    expect(conn.reauthentications).toBe(1);
    await metadata(conn);
    expect(conn.closed).toBe(false);
  } finally {
    conn.close();
  }
});

/** Connections opened/closed and SaslHandshakes sent, from a client's metrics. */
function counts(m: ClientMetricsSnapshot): { opened: number; closed: number; handshakes: number; failed: number } {
  const failed = Object.values(m.requests).reduce((n, r) => n + r.failed, 0);
  return { opened: m.connections.opened, closed: m.connections.closed, handshakes: m.requests.SaslHandshake?.count ?? 0, failed };
}

describe.each([
  ['PLAIN', (): SaslOptions => ({ mechanism: 'plain', username: 'alice', password: alicePw })],
  ['OAUTHBEARER', (): SaslOptions => ({ mechanism: 'oauthbearer', token: aliceTokens().token })],
] as const)('%s: a producer and a consumer busy across several expiries', (_name, sasl) => {
  test('every record produced and consumed in order, no request failed, no reconnection, each connection re-authenticated', async () => {
    const topic = uniqueTopic('reauth');
    const config = new Config({ brokers: [SASL_SSL], tls: { ca }, sasl: sasl() as never, lingerMs: 5 });
    const producer = await SyncProducer.create(config);
    const consumer = await Consumer.create(config);
    try {
      await producer.sendMsgByte(topic, 'k', 'warm-up'); // creates the topic, opens the leader connection
      const pc = await consumer.consumePartition(topic, 0, OffsetOldest);
      const received: string[] = [];
      const reading = (async () => {
        for await (const m of pc.messages()) received.push(m.value!.toString());
      })();
      const before = { producer: counts(producer.metrics()), consumer: counts(consumer.metrics()) };
      const sent: string[] = ['warm-up'];
      const until = Date.now() + 4 * REAUTH_MS; // 16 s
      for (let i = 0; Date.now() < until; i++) {
        await producer.sendMsgByte(topic, 'k', `r${i}`);
        sent.push(`r${i}`);
        await sleep(10);
      }
      const deadline = Date.now() + 10_000;
      while (received.length < sent.length && Date.now() < deadline) await sleep(50);
      pc.close();
      await reading;
      expect(received).toEqual(sent);
      for (const [who, m] of [['producer', producer.metrics()], ['consumer', consumer.metrics()]] as const) {
        const c = counts(m);
        // no connection opened or closed while busy: re-authentication kept them all
        expect({ who, opened: c.opened, closed: c.closed, failed: c.failed }).toEqual({ who, opened: before[who].opened, closed: 0, failed: 0 });
        // each connection: its first handshake plus at least 3 re-authentications in 16 s of 4 s sessions
        expect(c.handshakes).toBeGreaterThanOrEqual(c.opened * 4);
      }
      expect(sent.length).toBeGreaterThan(300);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
});

describe('token refresh (OIDC provider, KIP-768) on long-running connections', () => {
  test.each([
    ['SASL_PLAINTEXT: sessions end with the 5 s tokens', SASL_PLAINTEXT, undefined],
    ['SASL_SSL: 4 s sessions, 5 s tokens', SASL_SSL, { ca }],
  ] as const)('%s: the provider fetches new tokens before expiry, the client keeps producing on the same connections', async (_what, address, tlsOptions) => {
    const endpoint = await startTokenEndpoint(idp, { alice: 'alice-oidc-secret' }, 5000);
    try {
      const config = new Config({
        brokers: [address],
        ...(tlsOptions ? { tls: tlsOptions } : {}),
        sasl: { mechanism: 'oauthbearer', oidc: { tokenEndpointUrl: endpoint.url, clientId: 'alice', clientSecret: 'alice-oidc-secret' } },
      });
      const producer = await SyncProducer.create(config);
      try {
        const topic = uniqueTopic('refresh');
        await producer.sendMsgByte(topic, null, 'first');
        const opened = producer.metrics().connections.opened;
        const until = Date.now() + 13_000;
        while (Date.now() < until) {
          await producer.sendMsgByte(topic, null, 'x');
          await sleep(50);
        }
        const c = counts(producer.metrics());
        expect({ opened: c.opened, closed: c.closed, failed: c.failed }).toEqual({ opened, closed: 0, failed: 0 });
        // tokens of 5 s over 13 s+: a new one at least every ~4.25 s (refresh window 0.8-0.85)
        expect(endpoint.issued).toBeGreaterThanOrEqual(3);
        expect(c.handshakes).toBeGreaterThanOrEqual(c.opened * 3);
      } finally {
        await producer.close();
      }
    } finally {
      await endpoint.close();
    }
  });
});
