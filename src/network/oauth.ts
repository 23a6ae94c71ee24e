/**
 * The built-in OAUTHBEARER token provider: OAuth 2 client credentials (RFC 6749 section 4.4)
 * against an OIDC token endpoint, as Java's OAuthBearerLoginCallbackHandler does it (KIP-768):
 * POST grant_type=client_credentials (+ scope) with HTTP Basic client authentication, a JWT
 * access token back. The token is cached and fetched again once `refreshWindowFactor` of its
 * lifetime has passed, give or take `refreshWindowJitter` (Java's sasl.login.refresh.window.factor
 * 0.8 and sasl.login.refresh.window.jitter 0.05), so re-authentications (KIP-368) get a fresh
 * token before the old one expires.
 *
 * Secrets: the client secret lives in a private field; util.inspect, JSON.stringify and every
 * error message show neither it nor the token.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { KafkaesqueError } from '../../protocol/errors.js';
import type { OAuthBearerToken } from './sasl.js';

export interface OidcOptions {
  /** The token endpoint, http(s). Java: sasl.oauthbearer.token.endpoint.url. */
  tokenEndpointUrl: string;
  /** Java: clientId of sasl.jaas.config. */
  clientId: string;
  /** Java: clientSecret of sasl.jaas.config (secret: never shown). */
  clientSecret: string;
  /** Requested scope. Java: scope of sasl.jaas.config. */
  scope?: string;
  /** SASL extensions sent with the token (KIP-342). Java: extension_<name> of sasl.jaas.config. */
  extensions?: Record<string, string>;
  /** The claim that names the principal. Default `sub`. Java: sasl.oauthbearer.sub.claim.name. */
  subClaimName?: string;
  /** Fraction of the lifetime after which a new token is fetched. Default 0.8. Java: sasl.login.refresh.window.factor. */
  refreshWindowFactor?: number;
  /** Random extra fraction (0..jitter) added to the factor. Default 0.05. Java: sasl.login.refresh.window.jitter. */
  refreshWindowJitter?: number;
  /** Time allowed for one token request. Default 10 s. Java: sasl.login.connect.timeout.ms + read.timeout.ms. */
  timeoutMs?: number;
  /** TLS options for an https endpoint (e.g. `ca`). */
  tls?: https.RequestOptions;
}

/**
 * The token endpoint could not be used: unreachable, or it refused the client (HTTP 4xx/5xx, no
 * access_token). `status` is the HTTP status when there was one. Retriable only when the
 * endpoint was unreachable or answered 5xx; a 400/401 means the client id, secret or scope are
 * wrong. The message names the endpoint and the client id, never the secret.
 */
export class OAuthTokenEndpointError extends KafkaesqueError {
  readonly tokenEndpointUrl: string;
  readonly clientId: string;
  readonly status: number | undefined;
  constructor(tokenEndpointUrl: string, clientId: string, detail: string, status: number | undefined, retriable: boolean, cause?: unknown) {
    super(
      'ERR_OAUTH_TOKEN_ENDPOINT',
      `OAuth token request of client '${clientId}' to ${tokenEndpointUrl} failed: ${detail}. ` +
        (status !== undefined && status >= 400 && status < 500
          ? 'Check sasl.oidc (clientId, clientSecret, scope) against the identity provider.'
          : 'Check that sasl.oidc.tokenEndpointUrl is right and the identity provider is reachable.'),
      { retriable, cause },
    );
    this.tokenEndpointUrl = tokenEndpointUrl;
    this.clientId = clientId;
    this.status = status;
  }
}

/**
 * A cached token is replaced once less than this is left of it, whatever the refresh window
 * says: the session it starts ends with it, and the broker refuses a re-authentication less
 * than 1 s after the previous one (Kafka's KafkaChannel), so a session of a token about to
 * expire could not be renewed in time.
 */
export const MIN_TOKEN_REMAINING_MS = 2000;

/** Largest token response read; an endpoint sending more is refused (no unbounded buffering). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The JSON claims of a compact JWT's payload, or undefined when it is not a JWT. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class OidcTokenProvider {
  readonly tokenEndpointUrl: string;
  readonly clientId: string;
  readonly scope: string | undefined;
  /** Token requests sent so far (for tests and metrics). */
  requests = 0;
  readonly #secret: string;
  readonly #opts: Required<Pick<OidcOptions, 'subClaimName' | 'refreshWindowFactor' | 'refreshWindowJitter' | 'timeoutMs'>> &
    Pick<OidcOptions, 'extensions' | 'tls'>;
  #cached: { token: OAuthBearerToken; expiresAt: number; refreshAt: number } | undefined;
  #inFlight: Promise<OAuthBearerToken> | undefined;

  constructor(o: OidcOptions) {
    const url = new URL(o.tokenEndpointUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`sasl.oidc.tokenEndpointUrl must be http or https, got ${url.protocol}`);
    }
    this.tokenEndpointUrl = o.tokenEndpointUrl;
    this.clientId = o.clientId;
    this.scope = o.scope;
    this.#secret = o.clientSecret;
    this.#opts = {
      subClaimName: o.subClaimName ?? 'sub',
      refreshWindowFactor: o.refreshWindowFactor ?? 0.8,
      refreshWindowJitter: o.refreshWindowJitter ?? 0.05,
      timeoutMs: o.timeoutMs ?? 10_000,
      extensions: o.extensions,
      tls: o.tls,
    };
  }

  /** The provider function for `sasl.token`. */
  readonly token = (): Promise<OAuthBearerToken> => {
    const now = Date.now();
    const c = this.#cached;
    if (c !== undefined && now < c.refreshAt) return Promise.resolve({ ...c.token, lifetimeMs: c.expiresAt - now });
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#fetch().finally(() => (this.#inFlight = undefined));
    }
    return this.#inFlight;
  };

  toJSON(): Record<string, unknown> {
    return { tokenEndpointUrl: this.tokenEndpointUrl, clientId: this.clientId, scope: this.scope, clientSecret: '[redacted]' };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `OidcTokenProvider ${JSON.stringify(this.toJSON())}`;
  }

  async #fetch(): Promise<OAuthBearerToken> {
    const fail = (detail: string, status: number | undefined, retriable: boolean, cause?: unknown): OAuthTokenEndpointError =>
      new OAuthTokenEndpointError(this.tokenEndpointUrl, this.clientId, detail, status, retriable, cause);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.scope !== undefined) form.set('scope', this.scope);
    const basic = Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(this.#secret)}`).toString('base64');
    const started = Date.now();
    const { status, body } = await this.#post(form.toString(), basic).catch((err: Error) => {
      throw fail(`unreachable: ${err.message}`, undefined, true, err);
    });
    let json: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed !== null && typeof parsed === 'object') json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (status < 200 || status >= 300) {
      const error = typeof json?.error === 'string' ? `: ${json.error.slice(0, 100)}` : '';
      throw fail(`HTTP ${status}${error}`, status, status >= 500);
    }
    const accessToken = json?.access_token;
    if (typeof accessToken !== 'string' || accessToken.length === 0) {
      throw fail('the response has no access_token', status, false);
    }
    const claims = jwtClaims(accessToken);
    let lifetimeMs: number;
    if (typeof claims?.exp === 'number') lifetimeMs = claims.exp * 1000 - started;
    else if (typeof json?.expires_in === 'number') lifetimeMs = json.expires_in * 1000;
    else throw fail('the access token has no exp claim and the response no expires_in', status, false);
    if (lifetimeMs <= 0) throw fail('the access token is already expired', status, false);
    const sub = claims?.[this.#opts.subClaimName];
    const token: OAuthBearerToken = {
      value: accessToken,
      lifetimeMs,
      ...(typeof sub === 'string' ? { principal: sub } : {}),
      ...(this.#opts.extensions ? { extensions: { ...this.#opts.extensions } } : {}),
    };
    const factor = this.#opts.refreshWindowFactor + Math.random() * this.#opts.refreshWindowJitter;
    const expiresAt = started + lifetimeMs;
    this.#cached = { token, expiresAt, refreshAt: Math.min(started + lifetimeMs * Math.min(factor, 1), expiresAt - MIN_TOKEN_REMAINING_MS) };
    this.requests++;
    return { ...token };
  }

  #post(body: string, basic: string): Promise<{ status: number; body: string }> {
    const url = new URL(this.tokenEndpointUrl);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: 'POST',
          ...(url.protocol === 'https:' ? this.#opts.tls : {}),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            authorization: `Basic ${basic}`,
            'content-length': Buffer.byteLength(body),
          },
          timeout: this.#opts.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#opts.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
