/**
 * The secure broker's identity provider for tests: RS256 JWTs signed with the key whose public
 * half the broker reads as its JWKS (scripts/broker/lib/layout.mjs, oauth), and an OAuth 2
 * client-credentials token endpoint (a node:http server) that hands them out.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OAuthInfo {
  privateKey: string;
  kid: string;
  audience: string;
  issuer: string;
  reauthMs: number;
}

export interface JwtClaims {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  /** Seconds since the epoch. */
  exp?: number;
  iat?: number;
  scope?: string;
  [claim: string]: unknown;
}

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

export class TestIdp {
  readonly info: OAuthInfo;
  readonly #key: crypto.KeyObject;

  constructor(info: OAuthInfo) {
    this.info = info;
    this.#key = crypto.createPrivateKey(fs.readFileSync(info.privateKey, 'utf8'));
  }

  /** A signed JWT: sub, aud and iss of the broker's expectations unless overridden; exp in `lifetimeMs`. */
  sign(overrides: JwtClaims & { lifetimeMs?: number } = {}, key: crypto.KeyObject = this.#key): string {
    const now = Math.floor(Date.now() / 1000);
    const { lifetimeMs = 60_000, ...rest } = overrides;
    const claims: JwtClaims = {
      sub: 'alice',
      aud: this.info.audience,
      iss: this.info.issuer,
      iat: now,
      exp: Math.floor((Date.now() + lifetimeMs) / 1000),
      ...rest,
    };
    const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: this.info.kid })}.${b64url(claims)}`;
    const signature = crypto.sign('sha256', Buffer.from(input), key).toString('base64url');
    return `${input}.${signature}`;
  }
}

export interface TokenEndpoint {
  url: string;
  /** Requests the endpoint answered with a token. */
  issued: number;
  /** The Authorization headers and bodies it received. */
  requests: { authorization: string | undefined; body: string }[];
  close(): Promise<void>;
}

/**
 * A client-credentials token endpoint: checks HTTP Basic `clientId:clientSecret` (401
 * `invalid_client` otherwise) and grant_type, answers `{ access_token, token_type, expires_in }`
 * with a JWT for `sub` = the client id.
 */
export async function startTokenEndpoint(
  idp: TestIdp,
  clients: Record<string, string>,
  tokenLifetimeMs = 60_000,
): Promise<TokenEndpoint> {
  const state: TokenEndpoint = { url: '', issued: 0, requests: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      state.requests.push({ authorization: req.headers.authorization, body });
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const form = new URLSearchParams(body);
      const auth = req.headers.authorization ?? '';
      const [id, secret] = auth.startsWith('Basic ')
        ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent)
        : [];
      if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' });
      if (id === undefined || clients[id] === undefined || clients[id] !== secret) return send(401, { error: 'invalid_client' });
      state.issued++;
      const scope = form.get('scope') ?? undefined;
      const token = idp.sign({ sub: id, lifetimeMs: tokenLifetimeMs, ...(scope ? { scope } : {}) });
      send(200, { access_token: token, token_type: 'Bearer', expires_in: Math.floor(tokenLifetimeMs / 1000) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
