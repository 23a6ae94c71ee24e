/**
 * The public configuration of the client: `new Config({ ... })`, or Go-style chainable setters
 * (`new Config().setBrokers('a:9092,b:9092').setTopics('t1,t2').setAcks('all')`), the API of
 * the sarama-based Go messaging layer kafkaesque carries over.
 *
 * Every value is validated when it is given (constructor and setters alike) and a bad one
 * throws {@link ConfigError} naming the option and what it accepts, before anything changes.
 * Defaults are the Java client's (each option's doc names its Java property); the few
 * deliberate differences are marked "unlike Java".
 *
 * Explicit versus defaulted. As in Java, some rules depend on whether the user set an option
 * or left it to its default. A `Config` therefore keeps the options the user gave (an
 * `undefined` value counts as not given) and derives the effective values from them; a
 * setter changes the given options and derives everything again, so `setAcks(1)` turns a
 * defaulted idempotence off and a later `setAcks('all')` turns it back on.
 *
 * Idempotence (Java 4.2 `ProducerConfig.postProcessAndValidateIdempotenceConfigs`):
 * - `idempotent` defaults to true;
 * - when idempotence is enabled (given or defaulted), `maxInFlight` above 5 is an error, even
 *   when `acks`/`retries` would turn a defaulted idempotence off (Java 4.x checks the three
 *   independently and throws for this one; set `idempotent: false` to send more);
 * - `acks` other than -1, or `retries: 0`: an error when the user gave `idempotent: true`,
 *   otherwise idempotence is silently turned off (Java logs it at INFO; so do we, at debug).
 *
 * The options themselves (types, validators, defaults, Java names, documentation) are described
 * once, in the table of config-table.ts; this file holds the rules between options and the class.
 *
 * Secrets (the SASL password, the TLS private key and its passphrase) live in private fields.
 * The public getters, `util.inspect`, `JSON.stringify`, `String()` and every error message show
 * them as `[redacted]`; only {@link Config.toConnectionOptions} (for the TLS key) and
 * {@link Config.saslCredentials} hand them out.
 */
import type * as tls from 'node:tls';
import * as util from 'node:util';
import type { BrokerConnectionOptions } from '../network/broker-connection.js';
import { type Logger, NOOP_LOGGER } from '../network/logger.js';
import type { PartitionerFunction, PartitionerName } from '../producer/partitioner.js';
import {
  checkKeys,
  consoleLogger,
  describeSecret,
  got,
  integer,
  isPlainObject,
  parseBrokerAddress,
  resolveLogger,
  resolveSasl,
  resolveTls,
  wireString,
  type CustomSaslCredentials,
  type OAuthBearerCredentials,
} from './config-check.js';
import {
  type BrokerAddress,
  INT32_MAX,
  type PemInput,
  REDACTED,
  type ResolvedTls,
  type SaslCredentials,
  type SaslOptions,
  type OAuthBearerOptions,
  type OAuthBearerTokenProvider,
  type CustomSaslOptions,
  type CustomSaslClient,
  type SaslTarget,
  type TlsOptions,
  type TlsSettings,
  type Acks,
} from './config-kinds.js';
import type { ConfigOptions, ConfigValues } from './config-options.generated.js';
import { CONFIG_TABLE, OPTION_NAMES, VALUE_NAMES, type OptionRow } from './config-table.js';
import { ConfigError } from './errors.js';
import type { CompressionName } from '../../protocol/compression/errors.js';

export { ConfigError };
export * from './config-kinds.js';
export type { ConfigOptions, ConfigValues } from './config-options.generated.js';
export { CONFIG_DEFAULTS, CONFIG_TABLE, type OptionRow, type ConfigSection } from './config-table.js';
export { consoleLogger, parseBrokerAddress };
export { isValidTopicName } from '../cluster/topic-partition.js';
export type { MetadataRecoveryStrategy } from '../cluster/cluster.js';

// ------------------------------------------------------------------ resolution

interface Resolved {
  values: ConfigValues;
  tls: ResolvedTls | false;
  sasl: SaslCredentials | OAuthBearerCredentials | CustomSaslCredentials | undefined;
}

const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

/** Options must be a plain object of known keys; anything else is described by its kind only (it may hold secrets). */
function checkOptionsObject(o: unknown): asserts o is ConfigOptions {
  if (!isPlainObject(o)) {
    throw new ConfigError('(options)', `got ${describeSecret(o)}`, 'a plain object of options (see ConfigOptions)');
  }
  checkKeys('', o, OPTION_NAMES);
}

/**
 * Validates the options the user gave and derives every effective value. Throws ConfigError.
 * Each row of the table is resolved in order (its `check` on a given value, else its
 * default); the rows without `check` and the rules between options follow here.
 */
function resolve(o: ConfigOptions): Resolved {
  checkOptionsObject(o);
  const given = (k: keyof ConfigOptions): boolean => o[k] !== undefined;
  const v: Record<string, unknown> = {};
  let tls: ResolvedTls | false = false;
  let sasl: SaslCredentials | OAuthBearerCredentials | CustomSaslCredentials | undefined;
  for (const k of OPTION_NAMES) {
    const row: OptionRow = CONFIG_TABLE[k];
    if (row.check !== undefined) {
      v[k] = given(k) ? row.check(k, o[k], v) : row.default;
      continue;
    }
    switch (k) {
      case 'tls':
        tls = given('tls') ? resolveTls(o.tls) : false;
        break;
      case 'sasl':
        sasl = given('sasl') ? resolveSasl(o.sasl) : undefined;
        break;
      case 'logger':
        v.logger = given('logger') ? resolveLogger(o.logger) : v.debug ? consoleLogger('debug') : NOOP_LOGGER;
        break;
      case 'group':
        if (given('group') && given('groupId') && o.group !== o.groupId) {
          throw new ConfigError('groupId', `${got(o.groupId)} while group is ${got(o.group)}`, 'the same value as group, or only one of them');
        }
        v.group = given('group') ? wireString('group', o.group, true) : given('groupId') ? wireString('groupId', o.groupId, true) : undefined;
        break;
      case 'groupId':
        break; // resolved with group
      case 'rebalanceTimeoutMs':
        // Java sends max.poll.interval.ms as the JoinGroup rebalance timeout
        v.rebalanceTimeoutMs = given(k) ? integer(k, o[k], 1, INT32_MAX) : v.maxPollIntervalMs;
        break;
      default:
        throw new ConfigError(k, 'has no validator', 'an option the table describes fully (internal error: report it)');
    }
  }
  const values0 = v as unknown as ConfigValues;
  const { logger, retryBackoffMs, reconnectBackoffMs, partition, maxInFlight, retries, acks, lingerMs, requestTimeoutMs } = values0;
  const { fetchMaxBytes, maxFrameBytes, group, groupInstanceId, groupProtocol, serverAssignor, heartbeatIntervalMs, sessionTimeoutMs } = values0;
  // the values the rules below may still change
  let { retryBackoffMaxMs, reconnectBackoffMaxMs, partitioner, idempotent, deliveryTimeoutMs, autoCommit } = values0;
  const idempotentGiven = given('idempotent');

  // ---------------------------------------------------------------- rules between options

  // Backoff caps: a defaulted cap below the base rises to the base (a fixed backoff); two
  // given values that contradict each other are an error. (Unlike Java, which only warns and
  // lets the cap win for retries, and sets reconnect.backoff.max.ms = reconnect.backoff.ms
  // whenever only the latter is given.)
  if (retryBackoffMaxMs < retryBackoffMs) {
    if (given('retryBackoffMaxMs')) {
      throw new ConfigError('retryBackoffMaxMs', got(retryBackoffMaxMs), `at least retryBackoffMs (${retryBackoffMs})`);
    }
    retryBackoffMaxMs = retryBackoffMs;
  }
  if (reconnectBackoffMaxMs < reconnectBackoffMs) {
    if (given('reconnectBackoffMaxMs')) {
      throw new ConfigError('reconnectBackoffMaxMs', got(reconnectBackoffMaxMs), `at least reconnectBackoffMs (${reconnectBackoffMs})`);
    }
    reconnectBackoffMaxMs = reconnectBackoffMs;
  }

  // The manual partitioner: `partition` implies it; contradicting it is an error.
  if (partition !== undefined) {
    if (!given('partitioner')) partitioner = 'manual';
    else if (partitioner !== 'manual') {
      throw new ConfigError(
        'partition',
        `${got(partition)} with partitioner ${typeof partitioner === 'function' ? 'a function' : `'${partitioner}'`}`,
        "a partition only with partitioner 'manual' (or with no partitioner, which then becomes 'manual')",
      );
    }
  }

  // Idempotence: ProducerConfig.postProcessAndValidateIdempotenceConfigs (Kafka 4.2).
  if (idempotent) {
    const why = idempotentGiven ? 'idempotent is true' : "idempotent is true by default; set idempotent: false to allow more";
    if (maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      throw new ConfigError('maxInFlight', `${got(maxInFlight)} while ${why}`, `an integer from 1 to ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} with the idempotent producer`);
    }
    const off: string[] = [];
    if (retries === 0) {
      if (idempotentGiven) {
        throw new ConfigError('retries', `got 0 while idempotent is true`, `an integer from 1 to ${INT32_MAX} with the idempotent producer (or set idempotent: false)`);
      }
      off.push('retries is 0');
    }
    if (acks !== -1) {
      if (idempotentGiven) {
        throw new ConfigError('acks', `got ${acks} while idempotent is true`, "-1 or 'all' with the idempotent producer (or set idempotent: false)");
      }
      off.push(`acks is ${acks}, not 'all'`);
    }
    if (off.length > 0) {
      idempotent = false;
      logger.debug(`Config: idempotence disabled because ${off.join(' and ')}`);
    }
  }

  // A transactional id needs idempotence (ProducerConfig: "Cannot set a transactional.id without also enabling idempotence")
  if (values0.transactionalId !== undefined && !idempotent) {
    const why = idempotentGiven ? 'idempotent is false' : `idempotence is off (${retries === 0 ? 'retries is 0' : `acks is ${acks}, not 'all'`})`;
    throw new ConfigError('transactionalId', `set while ${why}`, "a transactional id only with the idempotent producer (idempotent true, acks 'all', retries > 0)");
  }

  // delivery.timeout.ms >= linger.ms + request.timeout.ms (KafkaProducer.configureDeliveryTimeout):
  // an error when given, raised to the sum when defaulted.
  const lingerAndRequest = Math.min(lingerMs + requestTimeoutMs, INT32_MAX);
  if (deliveryTimeoutMs < lingerAndRequest) {
    if (given('deliveryTimeoutMs')) {
      throw new ConfigError(
        'deliveryTimeoutMs',
        got(deliveryTimeoutMs),
        `at least lingerMs + requestTimeoutMs (${lingerMs} + ${requestTimeoutMs} = ${lingerAndRequest})`,
      );
    }
    deliveryTimeoutMs = lingerAndRequest;
  }

  // A fetch response must fit in a frame the connection accepts.
  if (fetchMaxBytes > maxFrameBytes) {
    if (given('fetchMaxBytes')) {
      throw new ConfigError('fetchMaxBytes', got(fetchMaxBytes), `at most maxFrameBytes (${maxFrameBytes}): a larger fetch response would be refused`);
    }
    throw new ConfigError('maxFrameBytes', got(maxFrameBytes), `at least fetchMaxBytes (${fetchMaxBytes}): a full fetch response must fit in a frame`);
  }

  // Group rules (ConsumerConfig): no group means no auto-commit (an error when asked for);
  // static membership needs a group.
  if (group === undefined) {
    if (autoCommit && given('autoCommit')) {
      throw new ConfigError('autoCommit', 'got true without a group', 'true only with a group (set group, or autoCommit: false)');
    }
    autoCommit = false;
    if (groupInstanceId !== undefined) {
      throw new ConfigError('groupInstanceId', `${got(groupInstanceId)} without a group`, 'a static member id only with a group');
    }
  }
  // ConsumerConfig.CONSUMER_PROTOCOL_UNSUPPORTED_CONFIGS: the broker owns these under KIP-848.
  if (groupProtocol === 'consumer') {
    const brokerSide: [keyof ConfigOptions, string][] = [
      ['assignors', 'group.consumer.assignors'],
      ['sessionTimeoutMs', 'group.consumer.session.timeout.ms'],
      ['heartbeatIntervalMs', 'group.consumer.heartbeat.interval.ms'],
    ];
    for (const [k, brokerConfig] of brokerSide) {
      if (given(k)) {
        throw new ConfigError(k, `${got(o[k])} with groupProtocol 'consumer'`, `nothing: the broker controls it (${brokerConfig}); use groupProtocol 'classic' to set it`);
      }
    }
  } else if (serverAssignor !== undefined) {
    throw new ConfigError('serverAssignor', `${got(serverAssignor)} with groupProtocol 'classic'`, "groupProtocol 'consumer' (a classic group uses the client-side `assignors`)");
  } else if (heartbeatIntervalMs >= sessionTimeoutMs) {
    // Heartbeat: "Heartbeat must be set lower than the session timeout"
    throw new ConfigError('heartbeatIntervalMs', got(heartbeatIntervalMs), `less than sessionTimeoutMs (${sessionTimeoutMs}), typically a third of it or less`);
  }

  const tlsView: false | TlsSettings = tls === false
    ? false
    : {
        ...(tls.ca !== undefined && { ca: tls.ca }),
        ...(tls.cert !== undefined && { cert: tls.cert }),
        ...(tls.key !== undefined && { key: REDACTED }),
        ...(tls.passphrase !== undefined && { passphrase: REDACTED }),
        rejectUnauthorized: tls.rejectUnauthorized,
        ...(tls.servername !== undefined && { servername: tls.servername }),
      };

  const values = {
    ...v,
    retryBackoffMaxMs, reconnectBackoffMaxMs, partitioner, idempotent, deliveryTimeoutMs, autoCommit,
    tls: tlsView,
    sasl:
      sasl === undefined
        ? undefined
        : 'custom' in sasl
          ? { mechanism: sasl.mechanism, provider: 'custom' }
        : sasl.mechanism === 'oauthbearer'
          ? { mechanism: 'oauthbearer', provider: sasl.oidc ? 'oidc' : 'token', ...(sasl.oidcView && { oidc: sasl.oidcView }) }
          : { mechanism: sasl.mechanism, username: sasl.username, password: REDACTED },
  } as unknown as ConfigValues;
  // Frozen: the values and their arrays and views (Buffers cannot be frozen; the user's logger
  // and partitioner function are theirs and stay as they are).
  Object.freeze(values.brokers);
  Object.freeze(values.topics);
  Object.freeze(values.assignors);
  if (tls !== false && Array.isArray(tls.ca)) Object.freeze(tls.ca);
  if (tlsView !== false) Object.freeze(tlsView);
  if (values.sasl) Object.freeze(values.sasl);
  return { values: Object.freeze(values), tls: tls && Object.freeze(tls), sasl: sasl && Object.freeze(sasl) };
}

// ------------------------------------------------------------------ the Config class

function pemSummary(p: PemInput): string {
  return Buffer.isBuffer(p) ? `[Buffer: ${p.length} bytes]` : `[PEM: ${p.length} chars]`;
}

// The values are exposed as read-only properties (getters on the prototype, defined below);
// this declaration merge gives them their types and docs.
export interface Config extends ConfigValues {}

/**
 * The validated client configuration. Read any effective value as a property
 * (`config.acks`, `config.brokers`); change options with the chainable setters or
 * {@link Config.set}, which validate like the constructor and change nothing when they throw.
 * The values themselves are frozen.
 */
export class Config {
  /** The options the user gave (secrets included): the input of every re-derivation. */
  #options: ConfigOptions;
  #values: ConfigValues;
  #tls: ResolvedTls | false;
  #sasl: SaslCredentials | OAuthBearerCredentials | CustomSaslCredentials | undefined;

  static {
    for (const key of VALUE_NAMES) {
      Object.defineProperty(Config.prototype, key, {
        get(this: Config) {
          return this.#values[key];
        },
        enumerable: false,
        configurable: false,
      });
    }
  }

  /**
   * Validates `options` (see {@link ConfigOptions}); throws {@link ConfigError}. Given another
   * Config, copies the options it was given (an independent copy: setters on one do not change
   * the other).
   */
  constructor(options: ConfigOptions | Config = {}) {
    const copy: ConfigOptions = options instanceof Config ? { ...options.#options } : isPlainObject(options) ? { ...options } : options;
    const r = resolve(copy);
    this.#options = Object.freeze(copy);
    this.#values = r.values;
    this.#tls = r.tls;
    this.#sasl = r.sasl;
    if (new.target === Config) Object.freeze(this);
  }

  /**
   * Whether `option` was given (in the constructor, a copied Config or a setter), as opposed to
   * taking its default. The Multiplexer uses it to apply the Go layer's defaults only where the
   * Config leaves an option unset.
   */
  isSet(option: keyof ConfigOptions): boolean {
    if (option === 'group' || option === 'groupId') return this.#options.group !== undefined || this.#options.groupId !== undefined;
    return this.#options[option] !== undefined;
  }

  /** Applies several options at once (same rules as the constructor); returns this. */
  set(options: ConfigOptions): this {
    checkOptionsObject(options);
    const next: ConfigOptions = { ...this.#options, ...options };
    // group and groupId are one setting: the newer spelling replaces the older
    if (options.group !== undefined && options.groupId === undefined) delete next.groupId;
    if (options.groupId !== undefined && options.group === undefined) delete next.group;
    const r = resolve(next);
    this.#options = Object.freeze(next);
    this.#values = r.values;
    this.#tls = r.tls;
    this.#sasl = r.sasl;
    return this;
  }

  /** Bootstrap brokers: `setBrokers('a:9092', 'b:9092')`, `setBrokers('a:9092,b:9092')` or an array. */
  setBrokers(...addresses: (string | readonly string[])[]): this {
    return this.set({ brokers: addresses.flat() });
  }

  /** Topics to consume: `setTopics('t1,t2')`, `setTopics('t1', 't2')` or an array. */
  setTopics(...topics: (string | readonly string[])[]): this {
    return this.set({ topics: topics.flat() });
  }

  setGroup(group: string): this {
    return this.set({ group });
  }

  /** The consumer group id (the same as `group`). */
  get groupId(): string | undefined {
    return this.group;
  }

  /** A fixed partition; selects the 'manual' partitioner unless another one was given (then: ConfigError). */
  setPartition(partition: number): this {
    return this.set({ partition });
  }

  setPartitioner(partitioner: PartitionerName | PartitionerFunction): this {
    return this.set({ partitioner });
  }

  setAcks(acks: Acks): this {
    return this.set({ acks });
  }

  setInitialOffset(initialOffset: NonNullable<ConfigOptions['initialOffset']>): this {
    return this.set({ initialOffset });
  }

  setTLS(tls: boolean | TlsOptions): this {
    return this.set({ tls });
  }

  setDebug(debug: boolean): this {
    return this.set({ debug });
  }

  setClientId(clientId: string): this {
    return this.set({ clientId });
  }

  /** The compression codec, and optionally its level (a level given earlier is dropped when none is given). */
  setCompression(compression: CompressionName, level?: number): this {
    return this.set({ compression, compressionLevel: level });
  }

  setSASL(sasl: SaslOptions | OAuthBearerOptions | CustomSaslOptions): this {
    return this.set({ sasl });
  }

  setLogger(logger: Logger): this {
    return this.set({ logger });
  }

  /** The bootstrap brokers as host and port. */
  brokerAddresses(): BrokerAddress[] {
    return this.#values.brokers.map((b) => parseBrokerAddress(b));
  }

  /** The SASL credentials, password included, for the authentication layer; never log them. */
  saslCredentials(): SaslCredentials | undefined {
    const s = this.#sasl;
    return s === undefined || 'custom' in s || s.mechanism === 'oauthbearer' ? undefined : s;
  }

  /** With a custom `sasl.client`: the mechanism name and the factory every connection calls; else undefined. */
  customSaslMechanism(): { mechanism: string; client: (target: SaslTarget) => CustomSaslClient } | undefined {
    const s = this.#sasl;
    return s !== undefined && 'custom' in s ? { mechanism: s.mechanism, client: s.client } : undefined;
  }

  /**
   * With `sasl.mechanism` oauthbearer: the token provider every connection calls (the built-in
   * OIDC provider's, whose token cache all connections of this Config share); else undefined.
   */
  oauthBearerTokenProvider(): OAuthBearerTokenProvider | undefined {
    const s = this.#sasl;
    return s !== undefined && !('custom' in s) && s.mechanism === 'oauthbearer' ? s.token : undefined;
  }

  /** What {@link BrokerConnection.connect} takes for one broker, TLS options included (key and passphrase too). */
  toConnectionOptions(host: string, port: number): BrokerConnectionOptions {
    const v = this.#values;
    const opts: BrokerConnectionOptions = {
      host,
      port,
      clientId: v.clientId,
      connectTimeoutMs: v.connectTimeoutMs,
      requestTimeoutMs: v.requestTimeoutMs,
      maxFrameBytes: v.maxFrameBytes,
      logger: v.logger,
    };
    const t = this.#tls;
    if (t !== false) {
      const tlsOpts: tls.ConnectionOptions = { rejectUnauthorized: t.rejectUnauthorized };
      if (t.ca !== undefined) tlsOpts.ca = t.ca;
      if (t.cert !== undefined) tlsOpts.cert = t.cert;
      if (t.key !== undefined) tlsOpts.key = t.key;
      if (t.passphrase !== undefined) tlsOpts.passphrase = t.passphrase;
      if (t.servername !== undefined) tlsOpts.servername = t.servername;
      opts.tls = tlsOpts;
    }
    return opts;
  }

  /** The effective values as plain JSON data, secrets redacted, PEM data summarized. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of VALUE_NAMES) {
      const v = this.#values[key];
      if (key === 'logger') {
        out.logger = this.#options.logger !== undefined ? 'custom' : this.#values.debug ? 'console (debug)' : 'none';
      } else if (key === 'assignors') {
        out.assignors = (v as ConfigValues['assignors']).map((a) => (typeof a === 'string' ? a : `[PartitionAssignor: ${a.name}]`));
      } else if (key === 'partitioner' && typeof v === 'function') {
        out.partitioner = `[Function${v.name ? `: ${v.name}` : ''}]`;
      } else if (key === 'tls' && v !== false) {
        const t = v as TlsSettings;
        out.tls = {
          ...t,
          ...(t.ca !== undefined && { ca: Array.isArray(t.ca) ? t.ca.map(pemSummary) : pemSummary(t.ca as PemInput) }),
          ...(t.cert !== undefined && { cert: pemSummary(t.cert) }),
        };
      } else if (v !== undefined) {
        out[key] = v;
      }
    }
    return out;
  }

  /** `Config {"brokers":[...],...}`, secrets redacted. */
  toString(): string {
    return `Config ${JSON.stringify(this.toJSON())}`;
  }

  get [Symbol.toStringTag](): string {
    return 'Config';
  }

  [util.inspect.custom](_depth: number, options: util.InspectOptionsStylized, inspect: typeof util.inspect = util.inspect): string {
    return `Config ${inspect(this.toJSON(), { ...options, depth: 4 })}`;
  }
}
