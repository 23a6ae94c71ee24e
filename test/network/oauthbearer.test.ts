/**
 * The OAUTHBEARER client's bytes (RFC 7628 as Kafka's OAuthBearerClientInitialResponse reads
 * them), its answer to a server error, and the OIDC provider's cache, refresh and secrecy, with
 * a local token endpoint (the broker-side behaviour is in test/secure/oauthbearer.test.ts).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as util from 'node:util';
import { MIN_TOKEN_REMAINING_MS, OAuthTokenEndpointError, OidcTokenProvider } from '../../src/network/oauth.js';
import { createSaslClient, OAuthBearerClient } from '../../src/network/sasl.js';

test('initial response: gs2 header, auth kvpair, extensions, final separator', async () => {
  const c = createSaslClient({ mechanism: 'OAUTHBEARER', token: async () => ({ value: 'abc.def.ghi', lifetimeMs: 1000, extensions: { traceId: 'x y', b: '' } }) });
  expect(c.mechanism).toBe('OAUTHBEARER');
  const bytes = await c.initial();
  expect(bytes.toString('utf8')).toBe('n,,\x01auth=Bearer abc.def.ghi\x01traceId=x y\x01b=\x01\x01');
  expect(await c.next(Buffer.alloc(0))).toBeNull();
});

test('a server error: acknowledged with a lone 0x01, then reported with its status', async () => {
  const c = new OAuthBearerClient(async () => ({ value: 'tok', lifetimeMs: 1000 }));
  await c.initial();
  const ack = await c.next(Buffer.from('{"status":"invalid_token","scope":"kafka"}'));
  expect([...ack!]).toEqual([1]);
  expect(c.serverError).toBe('status invalid_token, scope kafka');
  await expect(c.next(Buffer.alloc(0))).rejects.toThrow('the broker refused the token: status invalid_token');
});

test('a server error that is not JSON is described by its size only', async () => {
  const c = new OAuthBearerClient(async () => ({ value: 'tok', lifetimeMs: 1000 }));
  await c.initial();
  await c.next(Buffer.from('\x00\xff garbage'));
  expect(c.serverError).toBe('an unparsable error message of 11 bytes');
});

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none' })}.${enc(claims)}.sig`;
}

async function endpoint(lifetimeS: () => number): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      hits.push(`${req.headers.authorization} ${body}`);
      if (req.headers.authorization !== `Basic ${Buffer.from('svc:s3cret').toString('base64')}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      const exp = Math.floor(Date.now() / 1000) + lifetimeS();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: jwt({ sub: 'svc-principal', exp, n: hits.length }), token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('OIDC provider: one request for concurrent callers, cached, principal from sub, secret hidden', async () => {
  const ep = await endpoint(() => 3600);
  try {
    const p = new OidcTokenProvider({ tokenEndpointUrl: ep.url, clientId: 'svc', clientSecret: 's3cret', scope: 'a b' });
    const [t1, t2] = await Promise.all([p.token(), p.token()]);
    const t3 = await p.token();
    expect(ep.hits.length).toBe(1);
    expect(ep.hits[0]).toContain('grant_type=client_credentials&scope=a+b');
    expect(t1.value).toBe(t2.value);
    expect(t3.value).toBe(t1.value);
    expect(t1.principal).toBe('svc-principal');
    expect(t1.lifetimeMs).toBeGreaterThan(3_590_000);
    for (const shown of [util.inspect(p, { depth: 5 }), JSON.stringify(p)]) expect(shown).not.toContain('s3cret');
  } finally {
    await ep.close();
  }
});

test('OIDC provider: a token with less than the minimum left is fetched again', async () => {
  // 2 s tokens: never more than MIN_TOKEN_REMAINING_MS left once fetched, so every call fetches
  const ep = await endpoint(() => Math.floor(MIN_TOKEN_REMAINING_MS / 1000));
  try {
    const p = new OidcTokenProvider({ tokenEndpointUrl: ep.url, clientId: 'svc', clientSecret: 's3cret' });
    await p.token();
    await p.token();
    expect(ep.hits.length).toBe(2);
  } finally {
    await ep.close();
  }
});

test('OIDC provider: refused (401) and unreachable endpoints are typed, without the secret', async () => {
  const ep = await endpoint(() => 3600);
  const refused = await new OidcTokenProvider({ tokenEndpointUrl: ep.url, clientId: 'svc', clientSecret: 'wrong-one' }).token().catch((e: unknown) => e);
  await ep.close();
  expect(refused).toBeInstanceOf(OAuthTokenEndpointError);
  expect([(refused as OAuthTokenEndpointError).status, (refused as OAuthTokenEndpointError).retriable]).toEqual([401, false]);
  expect(util.inspect(refused, { depth: 5 })).not.toContain('wrong-one');
  const unreachable = await new OidcTokenProvider({ tokenEndpointUrl: ep.url, clientId: 'svc', clientSecret: 'wrong-one', timeoutMs: 1000 }).token().catch((e: unknown) => e);
  expect(unreachable).toBeInstanceOf(OAuthTokenEndpointError);
  expect((unreachable as OAuthTokenEndpointError).retriable).toBe(true);
  expect((unreachable as Error).message).not.toContain('wrong-one');
});
