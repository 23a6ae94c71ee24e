/**
 * The Multiplexer's YAML config file, mapped onto the client's {@link Config} (so every value is
 * validated once, by Config). Keys (all optional):
 *
 * ```yaml
 * addrs: [127.0.0.1:9092]       # bootstrap brokers, host:port (default 127.0.0.1:9092)
 * group_id: orders              # consumer group (default: the Multiplexer's name)
 * client_id: orders-service     # Kafka client.id
 * tls:
 *   enabled: true
 *   skip-verify: false          # true: do not verify the broker's certificate
 *   cert-file: client.pem       # client certificate (mutual TLS); relative to the config file
 *   key-file: client.key
 *   ca-file: ca.pem
 *   server-name: kafka.example  # SNI / certificate host name
 * sasl:
 *   enabled: true
 *   mechanism: SCRAM-SHA-512    # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER
 *   user: alice                 # PLAIN and SCRAM
 *   password: secret
 *   oidc:                       # OAUTHBEARER: OAuth client credentials (docs/security.md)
 *     token_endpoint_url: https://idp.example/oauth2/token
 *     client_id: orders-service
 *     client_secret: secret
 *     scope: kafka              # optional
 * compression: zstd             # none, gzip, snappy, lz4, zstd
 * compression_level: 3
 * acks: all                     # 0, 1, -1 or all
 * partitioner: hash             # hash, random, round-robin (or roundrobin), manual
 * initial_offset: oldest        # oldest (default, the Go Multiplexer's) or newest: where a group without committed offsets starts
 * hash_function: fnv1a          # fnv1a (default: sarama's, the Go layer's) or murmur2 (the Java client's)
 * null_key: hash-empty          # keyless records: hash-empty (default, the Go layer's), sticky (Java's) or value-md5
 * serializer: json              # proto connections: json (default: protojson with proto names, the Go plugin's) or binary
 * transactional_id: orders-1    # conn.transaction(...)'s producer (docs/transactions.md); unique per process
 * isolation_level: read_committed  # read_uncommitted (default) or read_committed: skip aborted transactions' records
 * ```
 *
 * Keys the file leaves out take the Go layer's defaults (the Multiplexer applies them), not the
 * client layer's Java defaults.
 *
 * Every problem (unreadable file, YAML syntax, an unknown key, a wrong type, a value Config
 * refuses, an unreadable TLS file) is a {@link MuxConfigError} naming the file, the line and
 * the key. Nothing falls back silently.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { Config, ConfigError, type ConfigOptions, type TlsOptions } from '../client/config.js';
import { MuxConfigError } from './errors.js';
import { binarySerializer, jsonSerializer, type ProtoSerializer } from './proto.js';

/** What a config file gives: the validated Config and the group id when the file names one. */
export interface MuxFileConfig {
  config: Config;
  groupId: string | undefined;
  /** The proto serializer the file names (`serializer:`), if any. */
  serializer: ProtoSerializer | undefined;
}

type Kind = 'string' | 'boolean' | 'number' | 'string-list' | 'section';

/**
 * The keys a file may hold, by dotted path, with the option each becomes (for error mapping).
 * A key that sets a Config option is also that option's `yaml` in the option table
 * (src/client/config-table.ts); test/client/config-table.test.ts holds the two together.
 */
export const CONFIG_FILE_KEYS: Readonly<Record<string, { kind: Kind; option?: string }>> = {
  addrs: { kind: 'string-list', option: 'brokers' },
  group_id: { kind: 'string', option: 'group' },
  client_id: { kind: 'string', option: 'clientId' },
  tls: { kind: 'section', option: 'tls' },
  'tls.enabled': { kind: 'boolean' },
  'tls.skip-verify': { kind: 'boolean', option: 'tls.rejectUnauthorized' },
  'tls.cert-file': { kind: 'string', option: 'tls.cert' },
  'tls.key-file': { kind: 'string', option: 'tls.key' },
  'tls.ca-file': { kind: 'string', option: 'tls.ca' },
  'tls.server-name': { kind: 'string', option: 'tls.servername' },
  sasl: { kind: 'section', option: 'sasl' },
  'sasl.enabled': { kind: 'boolean' },
  'sasl.mechanism': { kind: 'string', option: 'sasl.mechanism' },
  'sasl.user': { kind: 'string', option: 'sasl.username' },
  'sasl.password': { kind: 'string', option: 'sasl.password' },
  'sasl.oidc': { kind: 'section', option: 'sasl.oidc' },
  'sasl.oidc.token_endpoint_url': { kind: 'string', option: 'sasl.oidc.tokenEndpointUrl' },
  'sasl.oidc.client_id': { kind: 'string', option: 'sasl.oidc.clientId' },
  'sasl.oidc.client_secret': { kind: 'string', option: 'sasl.oidc.clientSecret' },
  'sasl.oidc.scope': { kind: 'string', option: 'sasl.oidc.scope' },
  compression: { kind: 'string', option: 'compression' },
  compression_level: { kind: 'number', option: 'compressionLevel' },
  acks: { kind: 'string', option: 'acks' },
  partitioner: { kind: 'string', option: 'partitioner' },
  initial_offset: { kind: 'string', option: 'initialOffset' },
  hash_function: { kind: 'string', option: 'hashFunction' },
  null_key: { kind: 'string', option: 'nullKey' },
  serializer: { kind: 'string' },
  transactional_id: { kind: 'string', option: 'transactionalId' },
  isolation_level: { kind: 'string', option: 'isolationLevel' },
};

interface Entry {
  value: unknown;
  line: number;
}

/** Reads and validates a Multiplexer config file. */
export function loadMuxConfigFile(file: string): MuxFileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MuxConfigError(file, 0, '', `cannot read the config file (${(err as Error).message})`, { cause: err });
  }
  return parseMuxConfig(text, file);
}

/** Parses config file text; `file` names it in errors and anchors relative TLS paths. */
export function parseMuxConfig(text: string, file: string): MuxFileConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: Node | null | undefined | unknown): number => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0].line ?? lineCounter.linePos(e.pos[0]).line;
    throw new MuxConfigError(file, line, '', `invalid YAML: ${e.message.split('\n')[0]}`, { cause: e });
  }
  const entries = new Map<string, Entry>();
  const root = doc.contents;
  if (root !== null && !(isScalar(root) && (root.value === null || root.value === undefined))) {
    if (!isMap(root)) throw new MuxConfigError(file, lineOf(root), '', 'the file must be a mapping of keys to values');
    walk(root, '', file, lineOf, entries);
  }
  return build(entries, file);
}

function walk(map: YAMLMap, prefix: string, file: string, lineOf: (n: unknown) => number, out: Map<string, Entry>): void {
  for (const pair of map.items as Pair[]) {
    const keyNode = pair.key;
    const line = lineOf(keyNode) || lineOf(pair.value);
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      throw new MuxConfigError(file, line, prefix ? `${prefix}.?` : '?', 'keys must be plain strings');
    }
    const key = prefix ? `${prefix}.${keyNode.value}` : keyNode.value;
    const schema = CONFIG_FILE_KEYS[key];
    if (schema === undefined) {
      const known = Object.keys(CONFIG_FILE_KEYS)
        .filter((k) => (prefix ? k.startsWith(`${prefix}.`) : !k.includes('.')))
        .map((k) => (prefix ? k.slice(prefix.length + 1) : k));
      throw new MuxConfigError(file, line, key, `unknown key; known keys${prefix ? ` of ${prefix}` : ''}: ${known.join(', ')}`);
    }
    const node = pair.value as Node | null;
    const vline = lineOf(node) || line;
    if (schema.kind === 'section') {
      if (node === null || (isScalar(node) && node.value === null)) continue;
      if (!isMap(node)) throw new MuxConfigError(file, vline, key, 'must be a mapping');
      out.set(key, { value: true, line });
      walk(node, key, file, lineOf, out);
      continue;
    }
    if (schema.kind === 'string-list') {
      if (isSeq(node)) {
        const list: string[] = [];
        for (const item of node.items) {
          if (!isScalar(item) || typeof item.value !== 'string') {
            throw new MuxConfigError(file, lineOf(item) || vline, key, 'every entry must be a string host:port');
          }
          list.push(item.value);
        }
        out.set(key, { value: list, line: vline });
      } else if (isScalar(node) && typeof node.value === 'string') {
        out.set(key, { value: node.value.split(',').map((s) => s.trim()), line: vline });
      } else {
        throw new MuxConfigError(file, vline, key, 'must be a list of host:port strings');
      }
      continue;
    }
    if (!isScalar(node)) throw new MuxConfigError(file, vline, key, `must be a ${schema.kind}`);
    const v = node.value;
    if (schema.kind === 'boolean' && typeof v !== 'boolean') throw new MuxConfigError(file, vline, key, `must be true or false, got ${JSON.stringify(v)}`);
    if (schema.kind === 'number' && typeof v !== 'number') throw new MuxConfigError(file, vline, key, `must be a number, got ${JSON.stringify(v)}`);
    if (schema.kind === 'string' && typeof v !== 'string' && !(key === 'acks' && typeof v === 'number')) {
      throw new MuxConfigError(file, vline, key, `must be a string, got ${JSON.stringify(v)}`);
    }
    out.set(key, { value: v, line: vline });
  }
}

function build(entries: Map<string, Entry>, file: string): MuxFileConfig {
  const get = <T>(k: string): T | undefined => entries.get(k)?.value as T | undefined;
  const lineFor = (k: string): number => entries.get(k)?.line ?? 0;
  const dir = path.dirname(path.resolve(file));
  const options: ConfigOptions = {};
  const brokers = get<string[]>('addrs');
  options.brokers = brokers ?? ['127.0.0.1:9092'];
  if (entries.has('client_id')) options.clientId = get<string>('client_id');
  if (entries.has('compression')) options.compression = get<ConfigOptions['compression']>('compression');
  if (entries.has('compression_level')) options.compressionLevel = get<number>('compression_level');
  if (entries.has('acks')) {
    const a = get<string | number>('acks');
    options.acks = (typeof a === 'string' && /^-?\d+$/.test(a) ? Number(a) : a) as ConfigOptions['acks'];
  }
  if (entries.has('partitioner')) {
    const p = get<string>('partitioner');
    options.partitioner = (p === 'roundrobin' ? 'round-robin' : p) as ConfigOptions['partitioner'];
  }
  if (entries.has('initial_offset')) options.initialOffset = get<ConfigOptions['initialOffset']>('initial_offset');
  if (entries.has('hash_function')) options.hashFunction = get<ConfigOptions['hashFunction']>('hash_function');
  if (entries.has('null_key')) options.nullKey = get<ConfigOptions['nullKey']>('null_key');
  if (entries.has('transactional_id')) options.transactionalId = get<string>('transactional_id');
  if (entries.has('isolation_level')) options.isolationLevel = get<ConfigOptions['isolationLevel']>('isolation_level');
  let serializer: ProtoSerializer | undefined;
  if (entries.has('serializer')) {
    const name = get<string>('serializer');
    if (name === 'json') serializer = jsonSerializer;
    else if (name === 'binary') serializer = binarySerializer;
    else throw new MuxConfigError(file, lineFor('serializer'), 'serializer', `unknown serializer ${JSON.stringify(name)}; use json (protojson with proto field names, the Go plugin's) or binary (protobuf wire format)`);
  }

  const readPem = (k: string): Buffer | undefined => {
    const p = get<string>(k);
    if (p === undefined) return undefined;
    try {
      return readFileSync(path.resolve(dir, p));
    } catch (err) {
      throw new MuxConfigError(file, lineFor(k), k, `cannot read ${p} (${(err as Error).message})`, { cause: err });
    }
  };
  const tlsKeys = ['tls.skip-verify', 'tls.cert-file', 'tls.key-file', 'tls.ca-file', 'tls.server-name'];
  const tlsEnabled = get<boolean>('tls.enabled') ?? (entries.has('tls') && tlsKeys.some((k) => entries.has(k)));
  if (tlsEnabled) {
    const t: TlsOptions = { rejectUnauthorized: !(get<boolean>('tls.skip-verify') ?? false) };
    const cert = readPem('tls.cert-file');
    const key = readPem('tls.key-file');
    const ca = readPem('tls.ca-file');
    if (cert) t.cert = cert;
    if (key) t.key = key;
    if (ca) t.ca = ca;
    const sn = get<string>('tls.server-name');
    if (sn !== undefined) t.servername = sn;
    options.tls = t;
  }
  const saslEnabled = get<boolean>('sasl.enabled') ?? (entries.has('sasl') && entries.has('sasl.mechanism'));
  const mechanism = get<string>('sasl.mechanism');
  if (saslEnabled && mechanism?.toLowerCase() === 'oauthbearer') {
    for (const k of ['sasl.user', 'sasl.password']) {
      if (entries.has(k)) throw new MuxConfigError(file, lineFor(k), k, 'OAUTHBEARER takes no user or password; give sasl.oidc (token_endpoint_url, client_id, client_secret, scope)');
    }
    if (!entries.has('sasl.oidc')) {
      throw new MuxConfigError(file, lineFor('sasl.mechanism'), 'sasl.oidc', 'OAUTHBEARER needs sasl.oidc (token_endpoint_url, client_id, client_secret, scope)');
    }
    options.sasl = {
      mechanism: 'oauthbearer',
      oidc: {
        tokenEndpointUrl: get<string>('sasl.oidc.token_endpoint_url') as string,
        clientId: get<string>('sasl.oidc.client_id') as string,
        clientSecret: get<string>('sasl.oidc.client_secret') as string,
        ...(entries.has('sasl.oidc.scope') ? { scope: get<string>('sasl.oidc.scope') as string } : {}),
      },
    };
  } else if (saslEnabled) {
    options.sasl = {
      mechanism: (get<string>('sasl.mechanism') ?? 'PLAIN') as 'plain',
      username: get<string>('sasl.user') as string,
      password: get<string>('sasl.password') as string,
    };
  }
  try {
    return { config: new Config(options), groupId: get<string>('group_id'), serializer };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // the Config option at fault → the file key that gave it
    const field = err.field;
    let key = '';
    for (const [k, s] of Object.entries(CONFIG_FILE_KEYS)) {
      if (s.option !== undefined && (field === s.option || field.startsWith(`${s.option}[`) || field.startsWith(`${s.option}.`))) {
        if (entries.has(k) && (key === '' || k.length > key.length)) key = k;
      }
    }
    if (key === '' && field.startsWith('sasl')) key = 'sasl';
    if (key === '' && field.startsWith('tls')) key = 'tls';
    const problem = err.message.replace(/^Config\.\S+: /, '');
    throw new MuxConfigError(file, lineFor(key), key || field, problem, { cause: err });
  }
}
