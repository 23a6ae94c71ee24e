#!/usr/bin/env node
/**
 * `kafkaesque`, the command line (issue 16, item 2). Built on the
 * public API only (`../index.js`): Admin, producers, Consumer and the YAML config file.
 *
 * Exit codes: 0 ok, 1 Kafka refused something (a per-item error, a failed send), 2 a usage
 * error. Errors are one line on stderr; `--debug` adds the stack and the client's debug log.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  Admin,
  AsyncProducer,
  Config,
  ConfigError,
  type ConfigOptions,
  Consumer,
  type ConsumerMessage,
  loadMuxConfigFile,
  type StartOffset,
  MuxConfigError,
  type AclBinding,
  type AclFilter,
  type AclOperation,
  type ConfigChange,
  type ConfigResource,
  type ProducerError,
} from '../index.js';

/** A usage error: exit code 2. */
class UsageError extends Error {}

/** Kafka refused something: exit code 1 (the message says what). */
class RefusedError extends Error {}

interface Io {
  out: (line: string) => void;
  /** Writes to stdout as is (a consume --format says where its lines end). */
  write: (text: string) => void;
  err: (line: string) => void;
  stdin: NodeJS.ReadableStream;
  /** Whether stderr is a terminal (progress lines only then). */
  tty: boolean;
  env: NodeJS.ProcessEnv;
}

const GLOBAL_OPTIONS = {
  brokers: { type: 'string', short: 'b' },
  config: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const HELP: Record<string, string> = {
  '': `kafkaesque <command> [options]

Commands:
  topics list|describe|create|alter|alter-config|delete   topics and their partitions
  configs get|set                       topic and broker configs
  groups list|describe|offsets|lag|reset-offsets|delete   consumer groups
  acls list|add|remove                  access control lists (a broker with an authorizer)
  transactions list|describe            transactional ids and their open transactions
  cluster describe                      the cluster's id, controller and brokers
  produce <topic>                       send lines from stdin (or --file)
  consume <topic>                       print records

Options for every command:
  -b, --brokers host:port[,host:port]   bootstrap brokers (default 127.0.0.1:9092)
      --config FILE                     the plugin's YAML config file (addrs: [...]); also $KAFKA_CONFIG
      --debug                           stack traces and the client's debug log on stderr
  -h, --help                            help for a command: kafkaesque topics --help

Exit codes: 0 ok, 1 Kafka refused something, 2 usage error.`,
  topics: `kafkaesque topics list [--internal]
kafkaesque topics describe <topic>...
kafkaesque topics create <topic> [-p partitions] [-r replication-factor] [--config-entry k=v]... [--validate-only]
kafkaesque topics alter <topic> -p <new total partitions>
kafkaesque topics alter-config <topic> [--set k=v]... [--delete k]... [--validate-only]
kafkaesque topics delete <topic>...`,
  configs: `kafkaesque configs get (--topic T | --broker N) [--all]      overrides only, unless --all
kafkaesque configs set (--topic T | --broker N) [k=v]... [--delete k]... [--validate-only]`,
  groups: `kafkaesque groups list [--state S]... [--type classic|consumer|share]...
kafkaesque groups describe <group>...   state, assignor and members (classic groups)
kafkaesque groups offsets <group>         committed offsets
kafkaesque groups lag <group>             committed offset, log end and lag per partition
kafkaesque groups reset-offsets <group> -t topic[:p,p] (--to-earliest|--to-latest|--to-offset N|--shift-by N|--to-datetime T) [--execute]
                                          a dry run unless --execute; the group must have no active members
kafkaesque groups delete <group>...       deletes groups without active members`,
  cluster: 'kafkaesque cluster describe',
  transactions: `kafkaesque transactions list [--state S]... [--producer-id N]... [--older-than MS]   every coordinator's transactional ids
kafkaesque transactions describe <transactional-id>...   state, producer id and epoch, timeout, open transaction's start and partitions`,
  acls: `kafkaesque acls list [resource] [--principal P] [--operation O]   the ACLs matching (all without filters)
kafkaesque acls add <resource> (--allow-principal P | --deny-principal P)... --operation O... [--host H]
kafkaesque acls remove <resource> [--principal P] [--operation O]...   the ACLs matching, as listed first
  resource: --topic T | --group G | --cluster | --transactional-id X   [--resource-pattern-type literal|prefixed|match|any]
  operations: all, read, write, create, delete, alter, describe, cluster-action, describe-configs,
              alter-configs, idempotent-write, create-tokens, describe-tokens, two-phase-commit`,
  produce: `kafkaesque produce <topic> [options]    one record per line of stdin (or --file)
  -K, --key-separator SEP   split each line into key SEP value (no separator in a line: no key)
  -p, --partition N         send every record to partition N
  -H, --header k=v          a header on every record (repeat for more)
  -z, --compression C       none, gzip, snappy, lz4 or zstd
      --acks A              0, 1 or all (default all)
      --file F              read lines from F instead of stdin`,
  consume: `kafkaesque consume <topic> [options]
  -g, --group G             consume as a member of group G (offsets committed)
  -p, --partition N         consume one partition without a group (default: all, from --offset)
  -o, --offset O            without a group: earliest (default), latest, an offset, or s@T: the first
                            record at or after time T (ms since the epoch); e@T (may be given too):
                            stop before the first record at or after T
  -c, --count N             stop after N records
  -e, --exit                without a group: stop at the end of the partitions as they were at start
  -f, --format FMT          kcat's -f (default '%s\\n'): %t topic, %p partition, %o offset, %k key, %s value, %T timestamp, %h headers, \\n \\t
      --json                one JSON object per record`,
};

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  // `--shift-by -1`: a negative number is the option's value, not an option
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--shift-by' && /^-\d+$/.test(args[i + 1] ?? '')) joined.push(`--shift-by=${args[++i]!}`);
    else joined.push(args[i]!);
  }
  try {
    return parseArgs({ args: joined, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}

/** The client Config: the YAML file's (--config or $KAFKA_CONFIG) with --brokers over it. */
function configFrom(values: { brokers?: string; config?: string; debug?: boolean }, io: Io, extra: ConfigOptions = {}): Config {
  const file = values.config ?? (io.env.KAFKA_CONFIG || undefined);
  const base = file !== undefined ? loadMuxConfigFile(file).config : new Config();
  return new Config(base).set({
    ...(values.brokers !== undefined ? { brokers: values.brokers } : {}),
    ...(values.debug ? { debug: true } : {}),
    ...extra,
  });
}

function intOption(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name}: an integer from ${min} up, got '${v}'`);
  return Number(v);
}

function needOne(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`${what}: name exactly one (${usage})`);
  return positionals[0]!;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/**
 * Prints each per-item result: a failed item's error on stderr, a good one through `ok`.
 * Returns the exit code: 1 when any item failed.
 */
function reportItems<R extends { error: Error | null }>(results: readonly R[], name: (r: R) => string, ok: (r: R) => void, io: Io): number {
  let code = 0;
  for (const r of results) {
    if (r.error) {
      io.err(`${name(r)}: ${r.error.message}`);
      code = 1;
    } else ok(r);
  }
  return code;
}

async function withAdmin<T>(config: Config, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = await Admin.create(config);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

// ------------------------------------------------------------------ commands

async function topics(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    internal: { type: 'boolean' },
    partitions: { type: 'string', short: 'p' },
    'replication-factor': { type: 'string', short: 'r' },
    'config-entry': { type: 'string', multiple: true },
    'validate-only': { type: 'boolean' },
    set: { type: 'string', multiple: true },
    delete: { type: 'string', multiple: true },
  });
  if (values.help || sub === undefined) return help('topics', io);
  const config = configFrom(values, io);
  switch (sub) {
    case 'list':
      return withAdmin(config, async (admin) => {
        for (const t of await admin.listTopics({ listInternal: values.internal ?? false })) io.out(t.name);
        return 0;
      });
    case 'describe': {
      if (positionals.length === 0) throw new UsageError('topics describe: name at least one topic');
      return withAdmin(config, async (admin) =>
        reportItems(await admin.describeTopics(positionals), (t) => t.name, (t) => {
          io.out(`topic ${t.name}  id ${t.topicId}  partitions ${t.partitions.length}${t.isInternal ? '  internal' : ''}`);
          const rows = [['partition', 'leader', 'replicas', 'isr', 'offline']];
          for (const p of t.partitions) rows.push([String(p.partition), String(p.leader), p.replicas.join(','), p.isr.join(','), p.offlineReplicas.join(',')]);
          for (const line of table(rows)) io.out(`  ${line}`);
        }, io),
      );
    }
    case 'create': {
      const name = needOne(positionals, 'topics create', 'kafkaesque topics create <topic>');
      const configs: Record<string, string> = {};
      for (const entry of values['config-entry'] ?? []) {
        const i = entry.indexOf('=');
        if (i <= 0) throw new UsageError(`--config-entry: key=value, got '${entry}'`);
        configs[entry.slice(0, i)] = entry.slice(i + 1);
      }
      const numPartitions = intOption('partitions', values.partitions, 1);
      const replicationFactor = intOption('replication-factor', values['replication-factor'], 1);
      return withAdmin(config, async (admin) => {
        const [r] = await admin.createTopics(
          [{ name, ...(numPartitions !== undefined && { numPartitions }), ...(replicationFactor !== undefined && { replicationFactor }), configs }],
          { validateOnly: values['validate-only'] ?? false, waitForLeaders: true },
        );
        if (r!.error) throw new RefusedError(`${name}: ${r!.error.message}`);
        io.out(`${values['validate-only'] ? 'valid' : 'created'} topic ${name} (${r!.numPartitions} partitions, replication factor ${r!.replicationFactor}${r!.topicId ? `, id ${r!.topicId}` : ''})`);
        return 0;
      });
    }
    case 'alter': {
      const name = needOne(positionals, 'topics alter', 'kafkaesque topics alter <topic> -p N');
      const total = intOption('partitions', values.partitions, 1);
      if (total === undefined) throw new UsageError('topics alter: give the new partition count with -p');
      return withAdmin(config, async (admin) => {
        const [r] = await admin.createPartitions({ [name]: total }, { validateOnly: values['validate-only'] ?? false });
        if (r!.error) throw new RefusedError(`${name}: ${r!.error.message}`);
        io.out(`topic ${name} now has ${total} partitions`);
        return 0;
      });
    }
    case 'alter-config': {
      const name = needOne(positionals, 'topics alter-config', 'kafkaesque topics alter-config <topic> --set k=v --delete k');
      return alterConfigs({ type: 'topic', name }, configChanges('topics alter-config', values.set ?? [], values.delete ?? []), values['validate-only'] ?? false, config, io);
    }
    case 'delete': {
      if (positionals.length === 0) throw new UsageError('topics delete: name at least one topic');
      return withAdmin(config, async (admin) =>
        reportItems(await admin.deleteTopics(positionals), (r) => r.name, (r) => io.out(`deleted topic ${r.name}`), io),
      );
    }
    default:
      throw new UsageError(`topics: unknown subcommand '${sub}' (list, describe, create, alter, delete)`);
  }
}

async function groups(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    topic: { type: 'string', short: 't' },
    'to-earliest': { type: 'boolean' },
    'to-latest': { type: 'boolean' },
    'to-offset': { type: 'string' },
    'shift-by': { type: 'string' },
    'to-datetime': { type: 'string' },
    execute: { type: 'boolean' },
    state: { type: 'string', multiple: true },
    type: { type: 'string', multiple: true },
  });
  if (values.help || sub === undefined) return help('groups', io);
  const config = configFrom(values, io);
  if (sub === 'list') {
    return withAdmin(config, async (admin) => {
      const groups = await admin.listGroups({ states: values.state ?? [], types: values.type ?? [] });
      for (const line of table([['group', 'type', 'state', 'protocol'], ...groups.map((g) => [g.groupId, g.type || '-', g.state || '-', g.protocolType || '-'])])) io.out(line);
      return 0;
    });
  }
  if (positionals.length === 0) throw new UsageError(`groups ${sub}: name a group`);
  switch (sub) {
    case 'describe':
      return withAdmin(config, async (admin) =>
        reportItems(await admin.describeGroups(positionals), (g) => g.groupId, (g) => {
          io.out(`group ${g.groupId}  type ${g.type}  state ${g.state}  protocol ${g.protocolType}${g.protocol ? `/${g.protocol}` : ''}  members ${g.members.length}`);
          if (g.members.length > 0) {
            const parts = (m: (typeof g.members)[number]): string => m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-';
            const rows = [['member', 'instance', 'client', 'host', 'partitions'], ...g.members.map((m) => [m.memberId, m.groupInstanceId ?? '-', m.clientId, m.clientHost, parts(m)])];
            for (const line of table(rows)) io.out(`  ${line}`);
          }
        }, io),
      );
    case 'offsets':
      return withAdmin(config, async (admin) => {
        const group = needOne(positionals, 'groups offsets', 'kafkaesque groups offsets <group>');
        const rows = [['topic', 'partition', 'offset', 'metadata']];
        for (const o of await admin.listGroupOffsets(group)) rows.push([o.topic, String(o.partition), String(o.offset), o.metadata ?? '']);
        for (const line of table(rows)) io.out(line);
        return 0;
      });
    case 'lag':
      return withAdmin(config, async (admin) => {
        const group = needOne(positionals, 'groups lag', 'kafkaesque groups lag <group>');
        const lag = await admin.groupLag(group);
        const rows = [['topic', 'partition', 'committed', 'end', 'lag']];
        for (const p of lag.partitions) rows.push([p.topic, String(p.partition), String(p.committed), String(p.end), String(p.lag)]);
        for (const line of table(rows)) io.out(line);
        io.out(`total lag ${lag.total}`);
        return 0;
      });
    case 'delete':
      return withAdmin(config, async (admin) =>
        reportItems(await admin.deleteGroups(positionals), (r) => r.groupId, (r) => io.out(`deleted group ${r.groupId}`), io),
      );
    case 'reset-offsets':
      return resetOffsets(needOne(positionals, 'groups reset-offsets', 'kafkaesque groups reset-offsets <group> -t <topic> --to-...'), values, config, io);
    default:
      throw new UsageError(`groups: unknown subcommand '${sub}' (list, describe, offsets, lag, reset-offsets, delete)`);
  }
}

/**
 * `groups reset-offsets`, as Kafka's kafka-consumer-groups.sh --reset-offsets: a plan by
 * default (dry run), committed with --execute; new offsets are kept within the log (between
 * its start and end), as Kafka's tool keeps them.
 */
async function resetOffsets(
  group: string,
  values: { topic?: string; 'to-earliest'?: boolean; 'to-latest'?: boolean; 'to-offset'?: string; 'shift-by'?: string; 'to-datetime'?: string; execute?: boolean },
  config: Config,
  io: Io,
): Promise<number> {
  const how = (['to-earliest', 'to-latest', 'to-offset', 'shift-by', 'to-datetime'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
  if (how.length !== 1) throw new UsageError('groups reset-offsets: give exactly one of --to-earliest, --to-latest, --to-offset N, --shift-by N, --to-datetime T');
  if (values.topic === undefined) throw new UsageError('groups reset-offsets: name the topic with -t topic (or topic:0,1 for some partitions)');
  const [topic, list] = values.topic.split(':') as [string, string | undefined];
  const toOffset = values['to-offset'] !== undefined ? intOption('to-offset', values['to-offset'], 0) : undefined;
  const shift = values['shift-by'] !== undefined ? intOption('shift-by', values['shift-by'], Number.MIN_SAFE_INTEGER) : undefined;
  const at = values['to-datetime'] !== undefined ? Date.parse(values['to-datetime']) : undefined;
  if (at !== undefined && Number.isNaN(at)) throw new UsageError(`--to-datetime: a date such as 2026-12-04T10:00:00Z, got '${values['to-datetime']}'`);
  return withAdmin(config, async (admin) => {
    const [t] = await admin.describeTopics([topic]);
    if (t!.error) throw new RefusedError(`${topic}: ${t!.error.message}`);
    const partitions = list !== undefined ? list.split(',').map((p) => intOption('topic partition', p, 0)!) : t!.partitions.map((p) => p.partition);
    const ask = (spec: 'earliest' | 'latest' | { timestamp: number }) => admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec })));
    const [earliest, latest] = [await ask('earliest'), await ask('latest')];
    const byTime = at !== undefined ? await ask({ timestamp: at }) : undefined;
    const committed = new Map((await admin.listGroupOffsets(group)).filter((o) => o.topic === topic).map((o) => [o.partition, o.offset]));
    const plan = partitions.map((partition, i) => {
      const lo = earliest[i]!.offset;
      const hi = latest[i]!.offset;
      let target: bigint;
      if (values['to-earliest']) target = lo;
      else if (values['to-latest']) target = hi;
      else if (toOffset !== undefined) target = BigInt(toOffset);
      else if (shift !== undefined) target = (committed.get(partition) ?? lo) + BigInt(shift);
      else target = byTime![i]!.offset >= 0n ? byTime![i]!.offset : hi;
      return { topic, partition, offset: target < lo ? lo : target > hi ? hi : target };
    });
    for (const line of table([['group', 'topic', 'partition', 'new-offset'], ...plan.map((p) => [group, p.topic, String(p.partition), String(p.offset)])])) io.out(line);
    if (!values.execute) {
      io.err('dry run: nothing committed (add --execute to commit these offsets)');
      return 0;
    }
    const results = await admin.alterGroupOffsets(group, plan);
    const failed = results.filter((r) => r.error !== null);
    if (failed.length > 0) throw new RefusedError(`${failed.length} partition(s) not reset; first: ${failed[0]!.error!.message}`);
    io.err(`committed ${plan.length} offset(s) for group ${group}`);
    return 0;
  });
}

async function configs(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    topic: { type: 'string', short: 't' },
    broker: { type: 'string' },
    all: { type: 'boolean' },
    delete: { type: 'string', multiple: true },
    'validate-only': { type: 'boolean' },
  });
  if (values.help || sub === undefined) return help('configs', io);
  if ((values.topic === undefined) === (values.broker === undefined)) throw new UsageError(`configs ${sub}: give --topic T or --broker N`);
  const resource = values.topic !== undefined ? { type: 'topic' as const, name: values.topic } : { type: 'broker' as const, name: values.broker! };
  const config = configFrom(values, io);
  switch (sub) {
    case 'get':
      return withAdmin(config, async (admin) => {
        const [d] = await admin.describeConfigs([resource]);
        if (d!.error) throw new RefusedError(`${resource.type} ${resource.name}: ${d!.error.message}`);
        // as kafka-configs.sh --describe: a topic's own overrides, a broker's dynamic configs
        const overrides = (e: { source: string }): boolean =>
          values.all === true || (resource.type === 'topic' ? e.source === 'dynamic-topic' : e.source.startsWith('dynamic-'));
        const rows = [['name', 'value', 'source'], ...d!.entries.filter(overrides).map((e) => [e.name, e.isSensitive ? '(sensitive)' : (e.value ?? '(null)'), e.source])];
        for (const line of table(rows)) io.out(line);
        return 0;
      });
    case 'set':
      return alterConfigs(resource, configChanges('configs set', positionals, values.delete ?? []), values['validate-only'] ?? false, config, io);
    default:
      throw new UsageError(`configs: unknown subcommand '${sub}' (get, set)`);
  }
}

/** `k=v` pairs to set and keys to return to their default, as IncrementalAlterConfigs changes. */
function configChanges(what: string, sets: readonly string[], deletes: readonly string[]): ConfigChange[] {
  const changes: ConfigChange[] = [
    ...sets.map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`${what}: key=value, got '${kv}'`);
      return { name: kv.slice(0, i), op: 'set' as const, value: kv.slice(i + 1) };
    }),
    ...deletes.map((name) => ({ name, op: 'delete' as const })),
  ];
  if (changes.length === 0) throw new UsageError(`${what}: give key=value pairs to set or --delete key`);
  return changes;
}

async function alterConfigs(resource: ConfigResource, changes: ConfigChange[], validateOnly: boolean, config: Config, io: Io): Promise<number> {
  return withAdmin(config, async (admin) => {
    const [r] = await admin.incrementalAlterConfigs([{ ...resource, changes }], { validateOnly });
    if (r!.error) throw new RefusedError(`${resource.type} ${resource.name}: ${r!.error.message}`);
    io.out(`${validateOnly ? 'valid' : 'updated'}: ${changes.map((c) => (c.op === 'set' ? `${c.name}=${c.value}` : `${c.name} (default)`)).join(', ')}`);
    return 0;
  });
}

const ACL_OPERATIONS: readonly AclOperation[] = [
  'all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster-action',
  'describe-configs', 'alter-configs', 'idempotent-write', 'create-tokens', 'describe-tokens', 'two-phase-commit',
];

/** One ACL as kafka-acls.sh --list shows it. */
function aclLine(a: AclBinding): string {
  return `${a.resourceType}:${a.patternType}:${a.resourceName}  ${a.principal}  ${a.permission} ${a.operation}  from ${a.host}`;
}

/**
 * `acls list|add|remove`, as kafka-acls.sh: a resource (--topic, --group, --cluster,
 * --transactional-id) with a pattern type, principals allowed or denied, operations, a host.
 */
async function acls(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {
    topic: { type: 'string' },
    group: { type: 'string' },
    cluster: { type: 'boolean' },
    'transactional-id': { type: 'string' },
    'resource-pattern-type': { type: 'string' },
    'allow-principal': { type: 'string', multiple: true },
    'deny-principal': { type: 'string', multiple: true },
    principal: { type: 'string' },
    operation: { type: 'string', multiple: true },
    host: { type: 'string' },
  });
  if (values.help || sub === undefined) return help('acls', io);
  const resources = [
    values.topic !== undefined ? { resourceType: 'topic' as const, resourceName: values.topic } : undefined,
    values.group !== undefined ? { resourceType: 'group' as const, resourceName: values.group } : undefined,
    values.cluster ? { resourceType: 'cluster' as const, resourceName: 'kafka-cluster' } : undefined,
    values['transactional-id'] !== undefined ? { resourceType: 'transactional-id' as const, resourceName: values['transactional-id'] } : undefined,
  ].filter((r) => r !== undefined);
  if (resources.length > 1) throw new UsageError(`acls ${sub}: name one resource (--topic, --group, --cluster or --transactional-id)`);
  const resource = resources[0];
  const patternType = values['resource-pattern-type'] ?? (sub === 'add' ? 'literal' : undefined);
  if (patternType !== undefined && !['literal', 'prefixed', 'match', 'any'].includes(patternType)) {
    throw new UsageError(`--resource-pattern-type: literal, prefixed, match or any, got '${patternType}'`);
  }
  const operations = (values.operation ?? []).map((o) => {
    const op = o.toLowerCase().replace(/_/g, '-') as AclOperation;
    if (!ACL_OPERATIONS.includes(op)) throw new UsageError(`--operation: one of ${ACL_OPERATIONS.join(', ')}; got '${o}'`);
    return op;
  });
  const config = configFrom(values, io);
  const filters = (): AclFilter[] => {
    const base: AclFilter = {
      ...(resource !== undefined ? resource : {}),
      ...(patternType !== undefined ? { patternType: patternType as AclFilter['patternType'] } : {}),
      ...(values.principal !== undefined ? { principal: values.principal } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
    };
    return operations.length === 0 ? [base] : operations.map((operation) => ({ ...base, operation }));
  };
  switch (sub) {
    case 'list':
      return withAdmin(config, async (admin) => {
        const seen = new Set<string>();
        for (const f of filters()) {
          for (const a of await admin.describeAcls(f)) {
            const line = aclLine(a);
            if (!seen.has(line)) io.out(line);
            seen.add(line);
          }
        }
        return 0;
      });
    case 'add': {
      if (resource === undefined) throw new UsageError('acls add: name the resource (--topic T, --group G, --cluster or --transactional-id X)');
      if (patternType === 'match' || patternType === 'any') throw new UsageError('acls add: the pattern type of a new ACL is literal or prefixed');
      const principals = [
        ...(values['allow-principal'] ?? []).map((principal) => ({ principal, permission: 'allow' as const })),
        ...(values['deny-principal'] ?? []).map((principal) => ({ principal, permission: 'deny' as const })),
      ];
      if (principals.length === 0) throw new UsageError('acls add: give --allow-principal User:x or --deny-principal User:x');
      if (operations.length === 0) throw new UsageError('acls add: give --operation (read, write, describe, all, ...)');
      const bindings: AclBinding[] = principals.flatMap((p) =>
        operations.map((operation) => ({ ...resource, patternType: patternType as AclBinding['patternType'], principal: p.principal, host: values.host ?? '*', operation, permission: p.permission })),
      );
      return withAdmin(config, async (admin) => reportItems(await admin.createAcls(bindings), (r) => aclLine(r.binding), (r) => io.out(`added ${aclLine(r.binding)}`), io));
    }
    case 'remove':
      if (resource === undefined && values.principal === undefined) throw new UsageError('acls remove: name a resource or --principal (to remove every ACL, name them)');
      return withAdmin(config, async (admin) =>
        reportItems(await admin.deleteAcls(filters()), () => 'acls remove', (r) => {
          for (const a of r.deleted) io.out(`removed ${aclLine(a)}`);
        }, io),
      );
    default:
      throw new UsageError(`acls: unknown subcommand '${sub}' (list, add, remove)`);
  }
}

/** `transactions list|describe`, as kafka-transactions.sh: finding and inspecting (hanging) transactions. */
async function transactions(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    state: { type: 'string', multiple: true },
    'producer-id': { type: 'string', multiple: true },
    'older-than': { type: 'string' },
  });
  if (values.help || sub === undefined) return help('transactions', io);
  const config = configFrom(values, io);
  switch (sub) {
    case 'list': {
      const producerIds = (values['producer-id'] ?? []).map((v) => BigInt(intOption('producer-id', v, 0)!));
      const olderThan = intOption('older-than', values['older-than'], 0);
      return withAdmin(config, async (admin) => {
        const list = await admin.listTransactions({ states: values.state ?? [], producerIds, ...(olderThan !== undefined && { durationMs: olderThan }) });
        const rows = [['transactional-id', 'producer-id', 'state', 'coordinator'], ...list.map((t) => [t.transactionalId, String(t.producerId), t.state, String(t.coordinator)])];
        for (const line of table(rows)) io.out(line);
        return 0;
      });
    }
    case 'describe':
      if (positionals.length === 0) throw new UsageError('transactions describe: name at least one transactional id');
      return withAdmin(config, async (admin) =>
        reportItems(await admin.describeTransactions(positionals), (t) => t.transactionalId, (t) => {
          const since = t.startTimeMs >= 0 ? `  started ${new Date(t.startTimeMs).toISOString()}` : '';
          io.out(`transactional-id ${t.transactionalId}  state ${t.state}  producer ${t.producerId} epoch ${t.producerEpoch}  timeout ${t.transactionTimeoutMs} ms  coordinator ${t.coordinator}${since}`);
          for (const p of t.partitions) io.out(`  ${p.topic}-${p.partition}`);
        }, io),
      );
    default:
      throw new UsageError(`transactions: unknown subcommand '${sub}' (list, describe)`);
  }
}

async function cluster(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {});
  if (values.help || sub === undefined) return help('cluster', io);
  if (sub !== 'describe') throw new UsageError(`cluster: unknown subcommand '${sub}' (describe)`);
  return withAdmin(configFrom(values, io), async (admin) => {
    const c = await admin.describeCluster();
    io.out(`cluster ${c.clusterId ?? '-'}  controller ${c.controllerId}`);
    for (const line of table([['node', 'host', 'port', 'rack'], ...c.brokers.map((b) => [String(b.nodeId), b.host, String(b.port), b.rack ?? '-'])])) io.out(`  ${line}`);
    return 0;
  });
}

/** A progress line on stderr, at most every 500 ms, only on a terminal. */
function progress(io: Io, what: string): { tick(n: number): void; done(n: number): void } {
  const start = Date.now();
  let last = 0;
  const line = (n: number): string => `${what}: ${n} records, ${Math.round(n / Math.max(0.001, (Date.now() - start) / 1000))}/s`;
  return {
    tick(n) {
      if (!io.tty || Date.now() - last < 500) return;
      last = Date.now();
      process.stderr.write(`\r${line(n)}`);
    },
    done(n) {
      if (io.tty && last > 0) process.stderr.write(`\r${line(n)}\n`);
    },
  };
}

async function produce(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    'key-separator': { type: 'string', short: 'K' },
    partition: { type: 'string', short: 'p' },
    header: { type: 'string', short: 'H', multiple: true },
    compression: { type: 'string', short: 'z' },
    acks: { type: 'string' },
    file: { type: 'string' },
  });
  if (values.help) return help('produce', io);
  const topic = needOne(positionals, 'produce', 'kafkaesque produce <topic>');
  const partition = intOption('partition', values.partition, 0);
  const headers = (values.header ?? []).map((h) => {
    const i = h.indexOf('=');
    if (i <= 0) throw new UsageError(`--header: key=value, got '${h}'`);
    return { key: h.slice(0, i), value: h.slice(i + 1) };
  });
  const extra: ConfigOptions = {};
  if (values.compression !== undefined) extra.compression = values.compression as ConfigOptions['compression'];
  if (values.acks !== undefined) extra.acks = (/^-?\d$/.test(values.acks) ? Number(values.acks) : values.acks) as ConfigOptions['acks'];
  let config: Config;
  try {
    config = configFrom(values, io, extra);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const input = values.file !== undefined ? fs.createReadStream(values.file) : io.stdin;
  const producer = await AsyncProducer.create(config);
  let sent = 0;
  let failed = 0;
  let firstError: ProducerError | undefined;
  const meter = progress(io, `produce ${topic}`);
  const sep = values['key-separator'];
  try {
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
      let key: string | null = null;
      let value = line;
      if (sep !== undefined && sep !== '') {
        const i = line.indexOf(sep);
        if (i >= 0) {
          key = line.slice(0, i);
          value = line.slice(i + sep.length);
        }
      }
      const wait = producer.send(
        { topic, key, value, headers, ...(partition !== undefined && { partition }) },
        {
          onError: (e) => {
            failed++;
            firstError ??= e;
          },
        },
      );
      if (wait) await wait; // the send buffer is full: wait for room (backpressure)
      meter.tick(++sent);
    }
    await producer.flush();
  } finally {
    await producer.close();
  }
  meter.done(sent);
  if (failed > 0) throw new RefusedError(`${failed} of ${sent} records were not delivered; first: ${firstError!.message}`);
  io.err(`produced ${sent} records to ${topic}`);
  return 0;
}

/** kcat's -f: %t %p %o %k %s %T %h, and \n \t. */
function formatter(fmt: string): (m: ConsumerMessage) => string {
  return (m) =>
    fmt.replace(/\\n|\\t|%[tposkThS%]/g, (tok) => {
      switch (tok) {
        case '\\n':
          return '\n';
        case '\\t':
          return '\t';
        case '%t':
          return m.topic;
        case '%p':
          return String(m.partition);
        case '%o':
          return String(m.offset);
        case '%k':
          return m.key?.toString() ?? '';
        case '%s':
          return m.value?.toString() ?? '';
        case '%S':
          return String(m.value?.length ?? -1);
        case '%T':
          return String(m.timestamp);
        case '%h':
          return m.headers.map((h) => `${h.key}=${h.value?.toString() ?? ''}`).join(',');
        default:
          return '%';
      }
    });
}

async function consume(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    group: { type: 'string', short: 'g' },
    partition: { type: 'string', short: 'p' },
    offset: { type: 'string', short: 'o', multiple: true },
    count: { type: 'string', short: 'c' },
    exit: { type: 'boolean', short: 'e' },
    format: { type: 'string', short: 'f' },
    json: { type: 'boolean' },
  });
  if (values.help) return help('consume', io);
  const topic = needOne(positionals, 'consume', 'kafkaesque consume <topic>');
  const count = intOption('count', values.count, 1);
  const partition = intOption('partition', values.partition, 0);
  if (values.group !== undefined && (values.partition !== undefined || values.offset !== undefined || values.exit)) {
    throw new UsageError('consume: --partition, --offset and --exit are for consuming without a group');
  }
  // kcat's -o: where to start (earliest, latest, an offset, s@T), and e@T where to stop
  let offset = 'earliest';
  let endAt: number | undefined;
  for (const o of values.offset ?? []) {
    if (/^e@\d+$/.test(o)) endAt = Number(o.slice(2));
    else if (/^(earliest|latest|\d+|s@\d+)$/.test(o)) offset = o;
    else throw new UsageError(`--offset: earliest, latest, an offset, s@<ms> or e@<ms>, got '${o}'`);
  }
  const print = values.json
    ? (m: ConsumerMessage) =>
        JSON.stringify({
          topic: m.topic,
          partition: m.partition,
          offset: String(m.offset),
          timestamp: m.timestamp,
          key: m.key?.toString() ?? null,
          value: m.value?.toString() ?? null,
          headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value?.toString() ?? null])),
        })
    : formatter(values.format ?? '%s\\n');
  const emit = values.json ? (m: ConsumerMessage) => io.out(print(m)) : (m: ConsumerMessage) => io.write(print(m));
  const meter = progress(io, `consume ${topic}`);
  let n = 0;
  const config = configFrom(values, io, values.group !== undefined ? { group: values.group, topics: [topic], initialOffset: 'oldest' } : {});
  const consumer = await Consumer.create(config);
  try {
    if (values.group !== undefined) {
      for await (const m of consumer.messages()) {
        emit(m);
        consumer.markOffset(m);
        meter.tick(++n);
        if (count !== undefined && n >= count) break;
      }
      await consumer.commitOffsets();
    } else {
      const { partitions, starts, ends } = await withAdmin(config, async (admin) => {
        const ps = partition !== undefined ? [partition] : await partitionsOf(admin, topic);
        const logEnds = values.exit || offset.startsWith('s@') || endAt !== undefined ? await endOffsets(admin, topic, ps) : undefined;
        // s@T / e@T: the first offset at or after T (the log end when no record is that late)
        const byTime = async (t: number): Promise<bigint[]> => (await offsetsAt(admin, topic, ps, t)).map((o, i) => (o >= 0n ? o : logEnds![i]!));
        const starts: StartOffset[] = offset.startsWith('s@')
          ? await byTime(Number(offset.slice(2)))
          : ps.map(() => (offset === 'earliest' ? 'oldest' : offset === 'latest' ? 'newest' : BigInt(offset)));
        let ends = values.exit ? logEnds : undefined;
        if (endAt !== undefined) {
          const stops = await byTime(endAt);
          ends = stops.map((e, i) => (ends !== undefined && ends[i]! < e ? ends[i]! : e));
        }
        return { partitions: ps, starts, ends };
      });
      const streams = await Promise.all(partitions.map((p, i) => consumer.consumePartition(topic, p, starts[i]!)));
      // one partition after another would starve the others: read them side by side
      await Promise.all(
        streams.map(async (s, i) => {
          const end = ends?.[i];
          const start = starts[i]!;
          if (end !== undefined && (start === 'newest' || (typeof start === 'bigint' ? start : 0n) >= end)) {
            s.close();
            return;
          }
          for await (const m of s) {
            if (count !== undefined && n >= count) break;
            emit(m);
            meter.tick(++n);
            if (end !== undefined && m.offset + 1n >= end) break;
          }
          s.close();
        }),
      );
    }
  } finally {
    await consumer.close();
  }
  meter.done(n);
  return 0;
}

async function partitionsOf(admin: Admin, topic: string): Promise<number[]> {
  const [t] = await admin.describeTopics([topic]);
  if (t!.error) throw new RefusedError(`${topic}: ${t!.error.message}`);
  return t!.partitions.map((p) => p.partition);
}

/** Per partition the first offset at or after `timestamp` (-1n when no record is that late). */
async function offsetsAt(admin: Admin, topic: string, partitions: number[], timestamp: number): Promise<bigint[]> {
  const r = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec: { timestamp } })));
  for (const x of r) if (x.error) throw new RefusedError(`${topic}-${x.partition}: ${x.error.message}`);
  return r.map((x) => x.offset);
}

async function endOffsets(admin: Admin, topic: string, partitions: number[]): Promise<bigint[]> {
  const r = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec: 'latest' as const })));
  for (const x of r) if (x.error) throw new RefusedError(`${topic}-${x.partition}: ${x.error.message}`);
  return r.map((x) => x.offset);
}

function help(command: string, io: Io): number {
  io.out(HELP[command] ?? HELP['']!);
  return 0;
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = { topics, groups, configs, acls, transactions, cluster, produce, consume };

/** Runs one command line; returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') return help('', io);
    const fn = COMMANDS[command];
    if (fn === undefined) throw new UsageError(`unknown command '${command}' (topics, groups, configs, acls, transactions, cluster, produce, consume; --help)`);
    // `kafkaesque topics --help`: the command's help, before any subcommand is looked for
    if (rest[0] === '--help' || rest[0] === '-h') return help(command, io);
    return await fn(rest, io);
  } catch (err) {
    const e = err as Error;
    io.err(`kafkaesque: ${debug && e.stack ? e.stack : e.message}`);
    if (err instanceof UsageError) return 2;
    // a Config option or config file the user gave is wrong: a usage error too
    if (err instanceof ConfigError || err instanceof MuxConfigError) return 2;
    return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(`${line}\n`),
    stdin: process.stdin,
    tty: process.stderr.isTTY === true,
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`kafkaesque: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
