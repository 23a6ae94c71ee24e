/**
 * The validators of Config options: each checks one given value and returns it normalized, or
 * throws {@link ConfigError} naming the option, what it got (secrets described by kind only)
 * and what it accepts. Rows of the option table (config-table.ts) call them.
 */
import * as net from 'node:net';
import * as util from 'node:util';
import type { CompressionName } from '../../protocol/compression/errors.js';
import { GZIP_MAX_LEVEL, GZIP_MIN_LEVEL, GZIP_DEFAULT_LEVEL } from '../../protocol/compression/gzip.js';
import { LZ4_MAX_LEVEL, LZ4_MIN_LEVEL } from '../../protocol/compression/lz4.js';
import { ZSTD_MAX_LEVEL, ZSTD_MIN_LEVEL } from '../../protocol/compression/zstd.js';
import { isValidTopicName, TOPIC_NAME_RULE } from '../cluster/topic-partition.js';
import type { Logger } from '../network/logger.js';
import type { BrokerAddress, CustomSaslClient, SaslTarget, OAuthBearerSettings, PemInput, ResolvedTls, SaslCredentials, SaslMechanism } from './config-kinds.js';
import { REDACTED } from './config-kinds.js';
import { checkOAuthBearerToken, type OAuthBearerTokenProvider } from '../network/sasl.js';
import { OidcTokenProvider, type OidcOptions } from '../network/oauth.js';
import { ConfigError } from './errors.js';
import type { PartitionAssignor } from '../consumer/assignors/types.js';

/** A value as an error message shows it: short, never more than ~100 characters. */
export function describe(v: unknown): string {
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (Buffer.isBuffer(v)) return `a Buffer of ${v.length} bytes`;
  const s = util.inspect(v, { depth: 1, breakLength: Infinity, maxArrayLength: 8, maxStringLength: 60, compact: true });
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/** A secret value as an error message shows it: its kind only. */
export function describeSecret(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (Buffer.isBuffer(v)) return 'a Buffer';
  if (typeof v === 'string') return v.length === 0 ? 'an empty string' : 'a string';
  const t = typeof v;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

export function got(v: unknown): string {
  return `got ${describe(v)}`;
}

export function fail(field: string, v: unknown, allowed: string): never {
  throw new ConfigError(field, got(v), allowed);
}

/** Levenshtein distance, for the "did you mean" of unknown option names. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The known name closest to `name` (case-insensitive), when close enough to be a typo. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function checkKeys(prefix: string, o: object, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    // the value of an unknown key is never shown: it may be a misspelt secret
    throw new ConfigError(
      prefix + key,
      'unknown option',
      known.join(', '),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
  }
}

// ------------------------------------------------------------------ validators

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function integer(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(field, v, `an integer from ${min} to ${max}`);
  }
  return v;
}

export function bool(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(field, v, 'true or false');
  return v;
}

export function quoteList(values: readonly unknown[]): string {
  const q = values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x)));
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

export function oneOf<T>(field: string, v: unknown, values: readonly T[]): T {
  if (!values.includes(v as T)) fail(field, v, quoteList(values));
  return v as T;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A string a Kafka request carries (INT16 length): at most 32767 UTF-8 bytes. */
export function wireString(field: string, v: unknown, nonEmpty: boolean): string {
  const allowed = `a ${nonEmpty ? 'non-empty ' : ''}string of at most 32767 UTF-8 bytes`;
  if (typeof v !== 'string' || (nonEmpty && v.length === 0) || utf8Length(v) > 32767) fail(field, v, allowed);
  return v;
}

export const TOPIC_RULE = TOPIC_NAME_RULE;

export function listOf(field: string, v: unknown, what: string, rule: string): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim());
  if (Array.isArray(v)) {
    const out: string[] = [];
    v.forEach((x, i) => {
      if (typeof x !== 'string') fail(`${field}[${i}]`, x, `a ${what}: ${rule}`);
      out.push(...x.split(',').map((s) => s.trim()));
    });
    return out;
  }
  return fail(field, v, `an array of ${what}s, or one comma-separated string`);
}

export function topicList(field: string, v: unknown): string[] {
  const names = listOf(field, v, 'topic name', TOPIC_RULE);
  if (typeof v === 'string' && v.trim() === '') return [];
  names.forEach((n, i) => {
    if (!isValidTopicName(n)) fail(`${field}[${i}]`, n, TOPIC_RULE);
  });
  return [...new Set(names)];
}

const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const BROKER_RULE = "'host:port' with a port from 1 to 65535 ('[::1]:9092' for an IPv6 address)";

/**
 * Parses one broker address, `host:port` or `[ipv6]:port`. Throws {@link ConfigError} (for
 * `field`) on anything else: no port, a port outside 1-65535, an IPv6 address without
 * brackets, a malformed host name.
 */
export function parseBrokerAddress(address: string, field = 'brokers'): BrokerAddress {
  const a = address.trim();
  let host: string;
  let portText: string;
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    if (end < 0 || a[end + 1] !== ':') fail(field, address, BROKER_RULE);
    host = a.slice(1, end);
    portText = a.slice(end + 2);
    if (!net.isIPv6(host)) fail(field, address, BROKER_RULE);
  } else {
    const colon = a.lastIndexOf(':');
    if (colon < 0) throw new ConfigError(field, `${got(address)} (no port)`, BROKER_RULE);
    host = a.slice(0, colon);
    portText = a.slice(colon + 1);
    if (host.includes(':')) {
      throw new ConfigError(field, `${got(address)} (an IPv6 address must be in brackets)`, BROKER_RULE);
    }
    if (!net.isIPv4(host) && !HOSTNAME.test(host)) fail(field, address, BROKER_RULE);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigError(field, `${got(address)} (port ${describe(portText)})`, BROKER_RULE);
  }
  return { host, port };
}

function formatBroker(b: BrokerAddress): string {
  return net.isIPv6(b.host) ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
}

export function brokerList(v: unknown): string[] {
  const list = listOf('brokers', v, 'broker address', BROKER_RULE);
  const out = list.map((addr, i) => formatBroker(parseBrokerAddress(addr, `brokers[${i}]`)));
  if (out.length === 0) fail('brokers', v, 'at least one broker address');
  return [...new Set(out)];
}

// ---- TLS and SASL (the secret-bearing options: values described by kind only)

const TLS_KEYS = ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
const TLS_ALLOWED = `true, false, or an object with ${TLS_KEYS.join(', ')}`;
const PEM_ALLOWED = 'PEM string or Buffer';

function pem(field: string, v: unknown, secret: boolean): PemInput {
  if (typeof v === 'string' && v.length > 0) return v;
  if (Buffer.isBuffer(v) && v.length > 0) return Buffer.from(v); // a copy: later changes to the caller's Buffer do not reach us
  if (secret) throw new ConfigError(field, `got ${describeSecret(v)}`, `a non-empty ${PEM_ALLOWED}`);
  return fail(field, v, `a non-empty ${PEM_ALLOWED}`);
}

export function resolveTls(v: unknown): ResolvedTls | false {
  if (v === false) return false;
  if (v === true) return { rejectUnauthorized: true };
  if (!isPlainObject(v)) throw new ConfigError('tls', `got ${describeSecret(v)}`, TLS_ALLOWED);
  checkKeys('tls.', v, TLS_KEYS);
  const out: ResolvedTls = { rejectUnauthorized: true };
  if (v.ca !== undefined) {
    out.ca = Array.isArray(v.ca)
      ? (v.ca as unknown[]).map((c, i) => pem(`tls.ca[${i}]`, c, false))
      : pem('tls.ca', v.ca, false);
  }
  if (v.cert !== undefined) out.cert = pem('tls.cert', v.cert, false);
  if (v.key !== undefined) out.key = pem('tls.key', v.key, true);
  if (v.passphrase !== undefined) {
    if (typeof v.passphrase !== 'string') {
      throw new ConfigError('tls.passphrase', `got ${describeSecret(v.passphrase)}`, 'a string');
    }
    out.passphrase = v.passphrase;
  }
  if (v.rejectUnauthorized !== undefined) out.rejectUnauthorized = bool('tls.rejectUnauthorized', v.rejectUnauthorized);
  if (v.servername !== undefined) {
    if (typeof v.servername !== 'string' || !HOSTNAME.test(v.servername)) fail('tls.servername', v.servername, 'a host name');
    out.servername = v.servername;
  }
  if ((out.cert === undefined) !== (out.key === undefined)) {
    const missing = out.cert === undefined ? 'tls.cert' : 'tls.key';
    throw new ConfigError(missing, 'missing', `a ${PEM_ALLOWED}: a client certificate needs both tls.cert and tls.key`);
  }
  if (out.passphrase !== undefined && out.key === undefined) {
    throw new ConfigError('tls.passphrase', 'given without tls.key', 'only with tls.key (the passphrase of that key)');
  }
  return out;
}

const SASL_MECHANISMS: readonly (SaslMechanism | 'oauthbearer')[] = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'];
const SASL_KEYS = ['mechanism', 'username', 'password'] as const;

/** OAUTHBEARER as the client resolves it: the provider to call, and the OIDC provider behind it when built in. */
export interface OAuthBearerCredentials {
  readonly mechanism: 'oauthbearer';
  readonly token: OAuthBearerTokenProvider;
  readonly oidc: OidcTokenProvider | undefined;
  /** The OIDC options without the secret, for the read-back view. */
  readonly oidcView: OAuthBearerSettings['oidc'];
}

const OAUTH_KEYS = ['mechanism', 'token', 'oidc'] as const;
const OIDC_KEYS = [
  'tokenEndpointUrl',
  'clientId',
  'clientSecret',
  'scope',
  'extensions',
  'subClaimName',
  'refreshWindowFactor',
  'refreshWindowJitter',
  'timeoutMs',
  'tls',
] as const;

function resolveOAuthBearer(v: Record<string, unknown>): OAuthBearerCredentials {
  checkKeys('sasl.', v, OAUTH_KEYS);
  if ((v.token === undefined) === (v.oidc === undefined)) {
    throw new ConfigError('sasl', v.token === undefined ? 'neither token nor oidc' : 'both token and oidc', 'for OAUTHBEARER exactly one of sasl.token (a provider function) and sasl.oidc');
  }
  if (v.token !== undefined) {
    if (typeof v.token !== 'function') throw new ConfigError('sasl.token', `got ${describeSecret(v.token)}`, 'a function returning a Promise of { value, lifetimeMs, principal?, extensions? }');
    return { mechanism: 'oauthbearer', token: v.token as OAuthBearerTokenProvider, oidc: undefined, oidcView: undefined };
  }
  const o = v.oidc;
  if (!isPlainObject(o)) throw new ConfigError('sasl.oidc', `got ${describeSecret(o)}`, `an object with ${OIDC_KEYS.join(', ')}`);
  checkKeys('sasl.oidc.', o, OIDC_KEYS);
  const url = o.tokenEndpointUrl;
  if (typeof url !== 'string' || !/^https?:\/\/./.test(url) || !URL.canParse(url)) fail('sasl.oidc.tokenEndpointUrl', url, 'an http:// or https:// URL');
  if (typeof o.clientId !== 'string' || o.clientId.length === 0) fail('sasl.oidc.clientId', o.clientId, 'a non-empty string');
  if (typeof o.clientSecret !== 'string' || o.clientSecret.length === 0) {
    throw new ConfigError('sasl.oidc.clientSecret', `got ${describeSecret(o.clientSecret)}`, 'a non-empty string');
  }
  if (o.scope !== undefined && typeof o.scope !== 'string') fail('sasl.oidc.scope', o.scope, 'a string');
  if (o.extensions !== undefined) {
    if (!isPlainObject(o.extensions)) fail('sasl.oidc.extensions', o.extensions, 'an object of string values');
    try {
      checkOAuthBearerToken({ value: 'x', lifetimeMs: 1, extensions: o.extensions });
    } catch (err) {
      throw new ConfigError('sasl.oidc.extensions', (err as Error).message.replace(/^OAUTHBEARER: /, ''), 'names [A-Za-z]+ other than auth, values of printable ASCII');
    }
  }
  const fraction = (k: 'refreshWindowFactor' | 'refreshWindowJitter', lo: number, hi: number): void => {
    const x = o[k];
    if (x !== undefined && !(typeof x === 'number' && x >= lo && x <= hi)) fail(`sasl.oidc.${k}`, x, `a number from ${lo} to ${hi}`);
  };
  fraction('refreshWindowFactor', 0.5, 1); // Java's bounds
  fraction('refreshWindowJitter', 0, 0.25);
  if (o.timeoutMs !== undefined && !(Number.isInteger(o.timeoutMs) && (o.timeoutMs as number) > 0)) fail('sasl.oidc.timeoutMs', o.timeoutMs, 'a positive integer');
  if (o.tls !== undefined && !isPlainObject(o.tls)) fail('sasl.oidc.tls', o.tls, 'https request options (e.g. { ca })');
  const provider = new OidcTokenProvider(o as unknown as OidcOptions);
  const oidcView = {
    tokenEndpointUrl: url as string,
    clientId: o.clientId,
    clientSecret: REDACTED as typeof REDACTED,
    ...(o.scope !== undefined && { scope: o.scope }),
    ...(o.extensions !== undefined && { extensions: Object.freeze({ ...(o.extensions as Record<string, string>) }) }),
  };
  return { mechanism: 'oauthbearer', token: provider.token, oidc: provider, oidcView: Object.freeze(oidcView) };
}

/** A custom mechanism as the client resolves it: `custom` tells it from the built-in ones. */
export interface CustomSaslCredentials {
  readonly custom: true;
  readonly mechanism: string;
  readonly client: (target: SaslTarget) => CustomSaslClient;
}

const CUSTOM_KEYS = ['mechanism', 'client'] as const;
/** RFC 4422 section 3.1: a mechanism name is 1 to 20 of upper-case letters, digits, hyphen and underscore. */
const MECHANISM_NAME = /^[A-Z0-9_-]{1,20}$/;

function resolveCustomSasl(v: Record<string, unknown>): CustomSaslCredentials {
  checkKeys('sasl.', v, CUSTOM_KEYS);
  if (typeof v.client !== 'function') {
    throw new ConfigError('sasl.client', `got ${describeSecret(v.client)}`, 'a function returning the exchange ({ initial(), next(server) })');
  }
  if (typeof v.mechanism !== 'string' || !MECHANISM_NAME.test(v.mechanism)) {
    fail('sasl.mechanism', v.mechanism, 'with sasl.client, a SASL mechanism name (RFC 4422: 1 to 20 of A-Z 0-9 - _), as the broker lists it in sasl.enabled.mechanisms');
  }
  return { custom: true, mechanism: v.mechanism as string, client: v.client as (target: SaslTarget) => CustomSaslClient };
}

export function resolveSasl(v: unknown): SaslCredentials | OAuthBearerCredentials | CustomSaslCredentials {
  if (!isPlainObject(v)) {
    throw new ConfigError('sasl', `got ${describeSecret(v)}`, `an object with ${SASL_KEYS.join(', ')} (or mechanism oauthbearer with token or oidc, or a custom mechanism with client)`);
  }
  if (v.client !== undefined) return resolveCustomSasl(v);
  if (typeof v.mechanism === 'string' && v.mechanism.toLowerCase() === 'oauthbearer') return resolveOAuthBearer(v);
  checkKeys('sasl.', v, SASL_KEYS);
  const m = typeof v.mechanism === 'string' ? v.mechanism.toLowerCase() : v.mechanism;
  const mechanism = oneOf('sasl.mechanism', m, SASL_MECHANISMS) as SaslMechanism;
  if (typeof v.username !== 'string' || v.username.length === 0) fail('sasl.username', v.username, 'a non-empty string');
  if (typeof v.password !== 'string' || v.password.length === 0) {
    throw new ConfigError('sasl.password', `got ${describeSecret(v.password)}`, 'a non-empty string');
  }
  return { mechanism, username: v.username, password: v.password };
}

export function resolveLogger(v: unknown): Logger {
  const allowed = 'an object with debug, info, warn and error methods (the Logger interface)';
  // described by kind and missing methods only: a logger object may hold anything
  if (v === null || typeof v !== 'object') throw new ConfigError('logger', `got ${describeSecret(v)}`, allowed);
  const missing = (['debug', 'info', 'warn', 'error'] as const).filter((m) => typeof (v as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) throw new ConfigError('logger', `got an object without ${missing.join(', ')}`, allowed);
  return v as Logger;
}

/**
 * A Logger writing one line per entry to stderr, from `level` up:
 * `2025-01-01T00:00:00.000Z kafkaesque DEBUG message {fields}`. What `debug: true` uses.
 */
export function consoleLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'debug'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const write = (lvl: (typeof order)[number]) => (message: string, fields?: Record<string, unknown>): void => {
    if (order.indexOf(lvl) < min) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${util.inspect(fields, { breakLength: Infinity, depth: 4 })}` : '';
    process.stderr.write(`${new Date().toISOString()} kafkaesque ${lvl.toUpperCase()} ${message}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export function compressionLevel(compression: CompressionName, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  switch (compression) {
    case 'gzip':
      if (v === GZIP_DEFAULT_LEVEL) return v;
      return integer('compressionLevel', v, GZIP_MIN_LEVEL, GZIP_MAX_LEVEL);
    case 'lz4':
      return integer('compressionLevel', v, LZ4_MIN_LEVEL, LZ4_MAX_LEVEL);
    case 'zstd':
      return integer('compressionLevel', v, ZSTD_MIN_LEVEL, ZSTD_MAX_LEVEL);
    default:
      throw new ConfigError(
        'compressionLevel',
        `${got(v)} with compression '${compression}'`,
        "a level only with compression 'gzip' (1-9), 'lz4' (1-17) or 'zstd' (-131072 to 22)",
      );
  }
}
/**
 * `Config.assignors`: a non-empty array of built-in assignor names and custom
 * {@link PartitionAssignor} objects, each protocol name once. A custom assignor's shape is
 * checked here, so a wrong one fails at construction, not at the first rebalance.
 */
export function assignorList<N extends string>(field: string, v: unknown, names: readonly N[]): (N | PartitionAssignor)[] {
  const allowed = `a non-empty array of ${quoteList(names)} or PartitionAssignor objects ({ name, assign(), rebalanceProtocols?, subscriptionUserData?(), onAssignment?() })`;
  if (!Array.isArray(v) || v.length === 0) fail(field, v, allowed);
  const out = v.map((a: unknown, i): N | PartitionAssignor => {
    const f = `${field}[${i}]`;
    if (typeof a === 'string') return oneOf(f, a, names);
    if (a === null || typeof a !== 'object' || Array.isArray(a)) fail(f, a, `${quoteList(names)} or a PartitionAssignor object`);
    const o = a as Record<string, unknown>;
    wireString(`${f}.name`, o.name, true);
    if (typeof o.assign !== 'function') fail(`${f}.assign`, o.assign, 'a function (partitionsPerTopic, members, generationId, metadata) returning a Map of member id to partitions, or a Promise of one');
    for (const k of ['subscriptionUserData', 'onAssignment'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'function') fail(`${f}.${k}`, o[k], 'a function, or nothing');
    }
    if (o.rebalanceProtocols !== undefined) {
      const p = o.rebalanceProtocols;
      const ok = Array.isArray(p) && p.length > 0 && p.every((x) => x === 'EAGER' || x === 'COOPERATIVE') && new Set(p).size === p.length;
      if (!ok) fail(`${f}.rebalanceProtocols`, p, "a non-empty array of 'EAGER' and 'COOPERATIVE', each at most once, or nothing (EAGER)");
    }
    return a as PartitionAssignor;
  });
  const protocolNames = out.map((a) => (typeof a === 'string' ? a : a.name));
  const dup = protocolNames.find((n, i) => protocolNames.indexOf(n) !== i);
  if (dup !== undefined) throw new ConfigError(field, `got '${dup}' twice`, 'each assignor name at most once (a custom assignor needs a name of its own)');
  return out;
}
