/**
 * Client side of the SASL mechanisms kafkaesque speaks: PLAIN (RFC 4616) and SCRAM-SHA-256 /
 * SCRAM-SHA-512 (RFC 5802, RFC 7677), without channel binding (gs2 header `n,,`), as Kafka's
 * brokers expect them. The bytes travel in SaslAuthenticate requests (see BrokerConnection).
 *
 * Secrets: the password lives in a private field of the mechanism client (and, in a
 * {@link SaslOptions} made by {@link hideSaslPassword}, in a non-enumerable property), so
 * neither util.inspect, JSON.stringify nor an error message shows it. SCRAM verifies the
 * server's signature: a broker that does not know the credentials cannot fake a success.
 */
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import { KafkaesqueError } from '../../protocol/errors.js';
import { SaslMechanismError } from './errors.js';

const pbkdf2 = promisify(crypto.pbkdf2);

export type SaslMechanismName = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** SASL credentials as BrokerConnection and Cluster take them. */
export type SaslOptions = PasswordSaslOptions | OAuthBearerSaslOptions | CustomSaslOptions;

/** PLAIN and SCRAM: a username and a password. */
export interface PasswordSaslOptions {
  mechanism: SaslMechanismName | Uppercase<SaslMechanismName>;
  username: string;
  password: string;
}

/**
 * A bearer token for SASL/OAUTHBEARER (KIP-255), as Java's OAuthBearerToken: the compact JWT
 * (or any token the broker's validator accepts), how long it stays valid, and the extensions
 * sent with it (KIP-342).
 */
export interface OAuthBearerToken {
  /** The token itself (secret: never logged or shown). */
  value: string;
  /** Milliseconds from now until the token expires, as far as the client knows. */
  lifetimeMs: number;
  /** The principal the token names (its `sub`), for log lines and errors. */
  principal?: string;
  /** SASL extensions (KIP-342): keys `[A-Za-z]+` other than `auth`, values of printable ASCII. */
  extensions?: Record<string, string>;
}

/**
 * Returns the token to authenticate with. Called for every authentication, re-authentications
 * (KIP-368) included: return a cached token while it is valid, a fresh one before it expires
 * (the built-in {@link OidcTokenProvider} does).
 */
export type OAuthBearerTokenProvider = () => Promise<OAuthBearerToken>;

/** OAUTHBEARER: a token provider. */
export interface OAuthBearerSaslOptions {
  mechanism: 'oauthbearer' | 'OAUTHBEARER';
  token: OAuthBearerTokenProvider;
}

/**
 * The client side of a mechanism kafkaesque does not implement, written by the application:
 * the same exchange as {@link SaslMechanismClient} (`initial()` the first client message,
 * `next(server)` the answer to each server message or null when done). A fresh one is made
 * for every (re-)authentication. Anything it throws fails the authentication
 * (AuthenticationError, its message included: keep secrets out of it).
 */
export interface CustomSaslClient {
  /** The name shown in log lines and errors (not a secret); default `(custom mechanism)`. */
  readonly username?: string;
  initial(): Promise<Buffer> | Buffer;
  next(server: Buffer): Promise<Buffer | null> | Buffer | null;
}

/** The broker a custom mechanism's client is made for. */
export interface SaslTarget {
  host: string;
  port: number;
}

/** A custom mechanism: its name as SaslHandshake sends it (as given), and the factory of its client. */
export interface CustomSaslOptions {
  mechanism: string;
  client: (target: SaslTarget) => CustomSaslClient;
}

export function isCustomSasl(o: SaslOptions): o is CustomSaslOptions {
  return typeof (o as Partial<CustomSaslOptions>).client === 'function';
}

export function isOAuthBearer(o: SaslOptions): o is OAuthBearerSaslOptions {
  return !isCustomSasl(o) && o.mechanism.toLowerCase() === 'oauthbearer';
}

/** The name a SASL option set is known by in messages: the username, or the token's principal. */
export function saslIdentity(o: SaslOptions): string {
  return isCustomSasl(o) ? '(custom mechanism)' : isOAuthBearer(o) ? '(oauthbearer token)' : o.username;
}

/** The mechanism's name on the wire (SaslHandshake): `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`. */
export function kafkaMechanismName(mechanism: string): string {
  return mechanism.toUpperCase();
}

/** The mechanism name SaslHandshake sends for `o`: a custom mechanism's as given, a built-in one's upper-cased. */
export function saslHandshakeName(o: SaslOptions): string {
  return isCustomSasl(o) ? o.mechanism : kafkaMechanismName(o.mechanism);
}

/**
 * A copy of `o` whose password is a non-enumerable property: still readable as `o.password`,
 * but not shown by util.inspect or JSON.stringify, and not copied by object spread.
 */
export function hideSaslPassword<T extends SaslOptions>(o: T): T {
  if (isOAuthBearer(o) || isCustomSasl(o)) return o; // a function: nothing to show
  const out = { mechanism: o.mechanism, username: o.username } as T;
  Object.defineProperty(out, 'password', { value: o.password, enumerable: false, writable: false, configurable: false });
  return out;
}

/**
 * One client-side SASL exchange. `initial()` is the first client message; `next(server)`
 * answers each server message with the next client message, or null when the exchange is
 * complete (for SCRAM: after the server signature verified).
 */
export interface SaslMechanismClient {
  /** The Kafka name of the mechanism, for SaslHandshake. */
  readonly mechanism: string;
  readonly username: string;
  initial(): Promise<Buffer>;
  next(server: Buffer): Promise<Buffer | null>;
}

/** Creates the client of a mechanism for the credentials. */
export function createSaslClient(o: SaslOptions, target: SaslTarget = { host: '', port: 0 }): SaslMechanismClient {
  if (isCustomSasl(o)) return new CustomMechanismClient(o.mechanism, () => o.client(target));
  if (isOAuthBearer(o)) return new OAuthBearerClient(o.token);
  const m = o.mechanism.toLowerCase();
  switch (m) {
    case 'plain':
      return new PlainClient(o.username, o.password);
    case 'scram-sha-256':
      return new ScramClient('sha256', o.username, o.password);
    case 'scram-sha-512':
      return new ScramClient('sha512', o.username, o.password);
    default:
      throw new SaslMechanismError(`unknown SASL mechanism '${o.mechanism}' (plain, scram-sha-256, scram-sha-512, oauthbearer)`);
  }
}

/** PLAIN (RFC 4616): one message, `authzid NUL authcid NUL passwd`, with an empty authzid. */
export class PlainClient implements SaslMechanismClient {
  readonly mechanism = 'PLAIN';
  readonly username: string;
  readonly #password: string;
  #sent = false;

  constructor(username: string, password: string) {
    this.username = username;
    this.#password = password;
  }

  initial(): Promise<Buffer> {
    this.#sent = true;
    return Promise.resolve(Buffer.from(`\u0000${this.username}\u0000${this.#password}`, 'utf8'));
  }

  next(_server: Buffer): Promise<Buffer | null> {
    if (!this.#sent) return Promise.reject(new SaslMechanismError('PLAIN: server message before the client message'));
    return Promise.resolve(null);
  }
}

export type ScramHash = 'sha1' | 'sha256' | 'sha512';

const HASH_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 };
/** Kafka's ScramMechanism minimum iteration count; fewer would weaken the salted password. */
const MIN_ITERATIONS = 4096;
/** Upper bound against a hostile broker making the client burn CPU. */
const MAX_ITERATIONS = 1_000_000;

/** `=` and `,` in a SCRAM saslname are written `=3D` and `=2C` (RFC 5802 section 5.1). */
function saslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return crypto.createHmac(hash, key).update(data).digest();
}

function parseAttributes(message: string, what: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) throw new SaslMechanismError(`malformed ${what}: attribute '${part.slice(0, 16)}'`);
    attrs.set(part[0]!, part.slice(2));
  }
  return attrs;
}

/**
 * SCRAM (RFC 5802) client without channel binding:
 *   client-first  n,,n=<user>,r=<client nonce>
 *   server-first  r=<client nonce + server nonce>,s=<salt>,i=<iterations>
 *   client-final  c=biws,r=<nonce>,p=<client proof>
 *   server-final  v=<server signature>    (verified here)
 * `sha1` is there for RFC 5802's test vector only; Kafka offers SHA-256 and SHA-512.
 */
export class ScramClient implements SaslMechanismClient {
  readonly mechanism: string;
  readonly username: string;
  readonly #hash: ScramHash;
  #password: string | undefined;
  readonly #clientNonce: string;
  #clientFirstBare = '';
  #expectedServerSignature: Buffer | undefined;
  #state: 'initial' | 'first-sent' | 'final-sent' | 'done' = 'initial';

  /** `nonce` is for test vectors; by default 24 random bytes in base64 (never a comma). */
  constructor(hash: ScramHash, username: string, password: string, nonce?: string) {
    this.#hash = hash;
    this.mechanism = `SCRAM-${hash.toUpperCase().replace('SHA', 'SHA-')}`;
    this.username = username;
    this.#password = password;
    this.#clientNonce = nonce ?? crypto.randomBytes(24).toString('base64');
  }

  initial(): Promise<Buffer> {
    if (this.#state !== 'initial') return Promise.reject(new SaslMechanismError('SCRAM: exchange already started'));
    this.#clientFirstBare = `n=${saslName(this.username)},r=${this.#clientNonce}`;
    this.#state = 'first-sent';
    return Promise.resolve(Buffer.from(`n,,${this.#clientFirstBare}`, 'utf8'));
  }

  async next(server: Buffer): Promise<Buffer | null> {
    switch (this.#state) {
      case 'first-sent':
        return this.#clientFinal(server.toString('utf8'));
      case 'final-sent':
        this.#verifyServerFinal(server.toString('utf8'));
        this.#state = 'done';
        return null;
      default:
        throw new SaslMechanismError(`SCRAM: unexpected server message in state ${this.#state}`);
    }
  }

  async #clientFinal(serverFirst: string): Promise<Buffer> {
    const attrs = parseAttributes(serverFirst, 'SCRAM server-first message');
    if (attrs.has('m')) throw new SaslMechanismError('SCRAM: the server requires an unsupported extension (m=)');
    if (attrs.has('e')) throw new SaslMechanismError(`SCRAM: the server refused: ${attrs.get('e')}`);
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterText = attrs.get('i');
    if (nonce === undefined || salt === undefined || iterText === undefined) {
      throw new SaslMechanismError('SCRAM: server-first message lacks r, s or i');
    }
    if (!nonce.startsWith(this.#clientNonce) || nonce.length <= this.#clientNonce.length) {
      throw new SaslMechanismError('SCRAM: the server nonce does not extend the client nonce');
    }
    const iterations = /^[0-9]{1,9}$/.test(iterText) ? Number(iterText) : NaN;
    if (!(iterations >= MIN_ITERATIONS && iterations <= MAX_ITERATIONS)) {
      throw new SaslMechanismError(`SCRAM: iteration count ${iterText.slice(0, 12)} outside ${MIN_ITERATIONS}-${MAX_ITERATIONS}`);
    }
    const password = this.#password;
    if (password === undefined) throw new SaslMechanismError('SCRAM: exchange already used');
    this.#password = undefined; // not needed once salted
    const saltedPassword = await pbkdf2(
      Buffer.from(password, 'utf8'),
      Buffer.from(salt, 'base64'),
      iterations,
      HASH_BYTES[this.#hash],
      this.#hash,
    );
    const clientKey = hmac(this.#hash, saltedPassword, 'Client Key');
    const storedKey = crypto.createHash(this.#hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`; // biws = base64('n,,')
    const authMessage = `${this.#clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.#hash, storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
    const serverKey = hmac(this.#hash, saltedPassword, 'Server Key');
    this.#expectedServerSignature = hmac(this.#hash, serverKey, authMessage);
    this.#state = 'final-sent';
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  #verifyServerFinal(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal, 'SCRAM server-final message');
    const error = attrs.get('e');
    if (error !== undefined) throw new SaslMechanismError(`SCRAM: the server refused: ${error}`);
    const v = attrs.get('v');
    if (v === undefined) throw new SaslMechanismError('SCRAM: server-final message lacks v');
    const got = Buffer.from(v, 'base64');
    const expected = this.#expectedServerSignature!;
    if (got.length !== expected.length || !crypto.timingSafeEqual(got, expected)) {
      throw new SaslMechanismError('SCRAM: the server signature does not verify (the broker does not know these credentials)');
    }
  }
}

/** Kafka's rules for SASL extensions (OAuthBearerClientInitialResponse, RFC 7628 section 3.1). */
const EXTENSION_KEY = /^[A-Za-z]+$/;
// VCHAR / SP / HTAB / CR / LF
const EXTENSION_VALUE = /^[\x21-\x7E \t\r\n]*$/;
/** Token characters of RFC 6750 b64token (`1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Checks a token as the broker would parse it; throws SaslMechanismError naming what is wrong (never the token). */
export function checkOAuthBearerToken(t: unknown): OAuthBearerToken {
  if (t === null || typeof t !== 'object') throw new SaslMechanismError('OAUTHBEARER: the token provider returned no token object');
  const token = t as OAuthBearerToken;
  if (typeof token.value !== 'string' || !B64TOKEN.test(token.value)) {
    throw new SaslMechanismError('OAUTHBEARER: the token provider returned a value that is not a bearer token (RFC 6750 b64token characters)');
  }
  if (typeof token.lifetimeMs !== 'number' || !Number.isFinite(token.lifetimeMs)) {
    throw new SaslMechanismError('OAUTHBEARER: the token provider returned no finite lifetimeMs');
  }
  for (const [k, v] of Object.entries(token.extensions ?? {})) {
    if (k === 'auth') throw new SaslMechanismError("OAUTHBEARER: the extension name 'auth' is reserved (RFC 7628)");
    if (!EXTENSION_KEY.test(k)) throw new SaslMechanismError(`OAUTHBEARER: extension name '${k.slice(0, 32)}' is not [A-Za-z]+`);
    if (typeof v !== 'string' || !EXTENSION_VALUE.test(v)) {
      throw new SaslMechanismError(`OAUTHBEARER: the value of extension '${k}' has characters outside printable ASCII, space, tab, CR and LF`);
    }
  }
  return token;
}

/**
 * OAUTHBEARER (RFC 7628) as Kafka speaks it (KIP-255): one client message
 *   n,,\x01auth=Bearer <token>\x01[key=value\x01]...\x01
 * (gs2 header without authzid, then the kvpairs). The broker answers with an empty message on
 * success; on failure with a JSON error (`{"status":"invalid_token",...}`) to which the client
 * sends a lone \x01, after which the broker reports SASL_AUTHENTICATION_FAILED.
 */
export class OAuthBearerClient implements SaslMechanismClient {
  readonly mechanism = 'OAUTHBEARER';
  username = '(oauthbearer token)';
  /** The broker's JSON error, when it refused the token (shown in the AuthenticationError). */
  serverError: string | undefined;
  /** The token's lifetime as the provider gave it (ms from when it was fetched). */
  tokenLifetimeMs: number | undefined;
  readonly #provider: OAuthBearerTokenProvider;
  #state: 'initial' | 'sent' | 'failed' | 'done' = 'initial';

  constructor(provider: OAuthBearerTokenProvider) {
    this.#provider = provider;
  }

  async initial(): Promise<Buffer> {
    if (this.#state !== 'initial') throw new SaslMechanismError('OAUTHBEARER: exchange already started');
    let raw: unknown;
    try {
      raw = await this.#provider();
    } catch (err) {
      // a typed error of the provider (OAuthTokenEndpointError: refused or unreachable) goes to the caller as is
      if (err instanceof SaslMechanismError || err instanceof KafkaesqueError) throw err;
      const e = new SaslMechanismError(`OAUTHBEARER: the token provider failed: ${(err as Error)?.message ?? String(err)}`);
      (e as { cause?: unknown }).cause = err;
      throw e;
    }
    const token = checkOAuthBearerToken(raw);
    if (token.principal !== undefined) this.username = token.principal;
    this.tokenLifetimeMs = token.lifetimeMs;
    const ext = Object.entries(token.extensions ?? {}).map(([k, v]) => `${k}=${v}\x01`).join('');
    this.#state = 'sent';
    return Buffer.from(`n,,\x01auth=Bearer ${token.value}\x01${ext}\x01`, 'utf8');
  }

  next(server: Buffer): Promise<Buffer | null> {
    if (this.#state === 'sent') {
      if (server.length === 0) {
        this.#state = 'done';
        return Promise.resolve(null);
      }
      // the broker's error (RFC 7628 section 3.2.2): acknowledge it with \x01, the broker then fails the exchange
      this.serverError = describeServerError(server);
      this.#state = 'failed';
      return Promise.resolve(Buffer.from([1]));
    }
    if (this.#state === 'failed') {
      return Promise.reject(new SaslMechanismError(`OAUTHBEARER: the broker refused the token: ${this.serverError}`));
    }
    return Promise.reject(new SaslMechanismError(`OAUTHBEARER: unexpected server message in state ${this.#state}`));
  }
}

/** The status (and scope) of an RFC 7628 server error message, for an error message; bounded. */
function describeServerError(server: Buffer): string {
  const text = server.subarray(0, 4096).toString('utf8');
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const parts = [`status ${typeof j.status === 'string' ? j.status.slice(0, 100) : '?'}`];
    if (typeof j.scope === 'string') parts.push(`scope ${j.scope.slice(0, 200)}`);
    return parts.join(', ');
  } catch {
    return `an unparsable error message of ${server.length} bytes`;
  }
}

/**
 * Drives an application's {@link CustomSaslClient}: makes it when the exchange starts, and turns
 * whatever it throws (or a message that is not a Buffer) into a SaslMechanismError, which
 * BrokerConnection reports as an AuthenticationError.
 */
export class CustomMechanismClient implements SaslMechanismClient {
  readonly mechanism: string;
  username = '(custom mechanism)';
  readonly #factory: () => CustomSaslClient;
  #client: CustomSaslClient | undefined;

  constructor(mechanism: string, factory: () => CustomSaslClient) {
    this.mechanism = mechanism;
    this.#factory = factory;
  }

  #fail(err: unknown, step: string): SaslMechanismError {
    if (err instanceof SaslMechanismError) return err;
    const e = new SaslMechanismError(`${this.mechanism} (custom mechanism) failed in ${step}: ${(err as Error)?.message ?? String(err)}`);
    (e as { cause?: unknown }).cause = err;
    return e;
  }

  #check(out: unknown, step: string, allowNull: boolean): Buffer | null {
    if (Buffer.isBuffer(out) || (allowNull && out === null)) return out as Buffer | null;
    if (out instanceof Uint8Array) return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    throw new SaslMechanismError(`${this.mechanism} (custom mechanism): ${step} returned ${out === null ? 'null' : typeof out}, not a Buffer${allowNull ? ' or null' : ''}`);
  }

  async initial(): Promise<Buffer> {
    if (this.#client !== undefined) throw new SaslMechanismError(`${this.mechanism} (custom mechanism): exchange already started`);
    let out: unknown;
    try {
      const client = this.#factory();
      if (client === null || typeof client !== 'object' || typeof client.initial !== 'function' || typeof client.next !== 'function') {
        throw new SaslMechanismError(`${this.mechanism} (custom mechanism): sasl.client() returned no object with initial() and next()`);
      }
      this.#client = client;
      if (typeof client.username === 'string') this.username = client.username;
      out = await client.initial();
    } catch (err) {
      throw this.#fail(err, 'initial()');
    }
    return this.#check(out, 'initial()', false)!;
  }

  async next(server: Buffer): Promise<Buffer | null> {
    const client = this.#client;
    if (client === undefined) throw new SaslMechanismError(`${this.mechanism} (custom mechanism): server message before the client message`);
    let out: unknown;
    try {
      out = await client.next(server);
    } catch (err) {
      throw this.#fail(err, 'next()');
    }
    return this.#check(out, 'next()', true);
  }
}
