/**
 * The kinds of values Config options take (unions, TLS and SASL shapes) and the constants users
 * pass: the vocabulary shared by the option table (config-table.ts), the generated option types
 * and the Config class. No logic.
 */
import type { CompressionName } from '../../protocol/compression/errors.js';
import type { CustomSaslClient, OAuthBearerTokenProvider, SaslTarget } from '../network/sasl.js';
import type { OidcOptions } from '../network/oauth.js';

/** sarama's `OffsetOldest`: start from the oldest offset still in the log (Java `earliest`). */
export const OffsetOldest = -2;
/** sarama's `OffsetNewest`: start from the log end, new messages only (Java `latest`). */
export const OffsetNewest = -1;
/** What a secret is shown as. */
export const REDACTED = '[redacted]';

export const INT32_MAX = 2_147_483_647;
export const MiB = 1024 * 1024;

/** `0` no acknowledgement, `1` the leader's, `-1`/`'all'` every in-sync replica's. */
export type Acks = 0 | 1 | -1 | 'all';
/** Key hash of the `'hash'` partitioner. */
export type HashFunction = 'murmur2' | 'fnv1a';
/**
 * Where the `'hash'` partitioner sends a record whose key is null: `'sticky'` (KIP-480, Java's),
 * `'hash-empty'` (hashed as the empty key, as the Go messaging layer's connections do), or
 * `'value-md5'` (the key becomes the hex MD5 of the value, on the wire too, as the Go layer's
 * client `SyncProducer.SendMsgByte`/`AsyncProducer.SendMsgByte` do).
 */
export type NullKey = 'sticky' | 'hash-empty' | 'value-md5';
export type { CompressionName };
export type { CustomSaslClient, SaslTarget, OAuthBearerToken, OAuthBearerTokenProvider } from '../network/sasl.js';
export type { OidcOptions } from '../network/oauth.js';
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
export type GroupProtocol = 'classic' | 'consumer';
/** `'RoundRobinAssigner'` is KafkaJS's protocol name (Java's round-robin algorithm), for groups shared with KafkaJS consumers. */
export type Assignor = 'range' | 'roundrobin' | 'cooperative-sticky' | 'RoundRobinAssigner';
/** The broker-side assignors of the KIP-848 `consumer` protocol (Kafka 4.x: group.consumer.assignors). */
export type ServerAssignor = 'uniform' | 'range';
export type InitialOffset = 'oldest' | 'newest';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';
/** PEM text or its bytes. */
export type PemInput = string | Buffer;

export interface TlsOptions {
  /** Trusted CA certificate(s), PEM; default: Node's bundled (system) CAs. Java: ssl.truststore.*. */
  ca?: PemInput | PemInput[];
  /** Client certificate chain, PEM, for mutual TLS. Java: ssl.keystore.* */
  cert?: PemInput;
  /** Client private key, PEM (secret: never shown). Java: ssl.keystore.* / ssl.key.password. */
  key?: PemInput;
  /** Passphrase of `key` (secret: never shown). Java: ssl.key.password. */
  passphrase?: string;
  /** Verify the broker's certificate and host name; default true. Java: ssl.endpoint.identification.algorithm=https. */
  rejectUnauthorized?: boolean;
  /** SNI and certificate host name; default: the broker's host when it is not an IP address. */
  servername?: string;
}

export interface SaslOptions {
  /** Java: sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512); either case is accepted. */
  mechanism: SaslMechanism | Uppercase<SaslMechanism>;
  /** Java: the username of sasl.jaas.config. */
  username: string;
  /** Java: the password of sasl.jaas.config (secret: never shown). */
  password: string;
}


/**
 * SASL/OAUTHBEARER (KIP-255): either `token`, a provider the client calls for every
 * (re-)authentication (Java: sasl.login.callback.handler.class), or `oidc`, the built-in
 * client-credentials provider (KIP-768). Exactly one of them.
 */
export interface OAuthBearerOptions {
  /** Java: sasl.mechanism=OAUTHBEARER; either case is accepted. */
  mechanism: 'oauthbearer' | 'OAUTHBEARER';
  /** Returns `{ value, lifetimeMs, principal?, extensions? }`; return a cached token while it is valid. */
  token?: OAuthBearerTokenProvider;
  /** The client-credentials grant against an OIDC token endpoint (secret: clientSecret never shown). */
  oidc?: OidcOptions;
}

/**
 * A SASL mechanism kafkaesque does not implement, written by the application (docs/security.md):
 * its name, as SaslHandshake sends it (RFC 4422: 1 to 20 of `A-Z 0-9 - _`; a built-in name such
 * as `PLAIN` is allowed and then this client replaces the built-in one), and `client`, called
 * with the broker's `{ host, port }` for every (re-)authentication, returning the exchange (`initial()`, then `next(server)` until
 * it returns null). Java: a custom `sasl.client.callback.handler.class` / SaslClient provider.
 */
export interface CustomSaslOptions {
  mechanism: string;
  client: (target: SaslTarget) => CustomSaslClient;
}

/** A custom mechanism as the public getter shows it: the name only (the client is the application's). */
export interface CustomSaslSettings {
  readonly mechanism: string;
  readonly provider: 'custom';
  readonly username?: undefined;
  readonly password?: undefined;
}

/** The OAUTHBEARER settings as the public getter shows them: the provider named, the client secret redacted. */
export interface OAuthBearerSettings {
  readonly mechanism: 'oauthbearer';
  /**
   * Absent (OAUTHBEARER has no user name or password): declared so that code written for
   * PLAIN/SCRAM settings, reading `config.sasl?.username`, still compiles and reads undefined.
   */
  readonly username?: undefined;
  readonly password?: undefined;
  readonly provider: 'token' | 'oidc';
  readonly oidc?: {
    readonly tokenEndpointUrl: string;
    readonly clientId: string;
    readonly clientSecret: typeof REDACTED;
    readonly scope?: string;
    readonly extensions?: Readonly<Record<string, string>>;
  };
}

/** The TLS settings as the public getter shows them: the key and passphrase redacted. */
export interface TlsSettings {
  readonly ca?: PemInput | readonly PemInput[];
  readonly cert?: PemInput;
  readonly key?: typeof REDACTED;
  readonly passphrase?: typeof REDACTED;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

/** The SASL settings as the public getter shows them: the password redacted. */
export interface SaslSettings {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: typeof REDACTED;
}

/** The SASL credentials, password included; from {@link Config.saslCredentials} only. */
export interface SaslCredentials {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}


/** One bootstrap broker, as {@link parseBrokerAddress} reads it. */
export interface BrokerAddress {
  host: string;
  port: number;
}

/** The TLS options after validation, secrets included (private to the client layer). */
export interface ResolvedTls {
  ca?: PemInput | PemInput[];
  cert?: PemInput;
  key?: PemInput;
  passphrase?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}
