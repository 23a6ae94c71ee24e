/** `kafkaesque topics`, `configs` and `cluster`: what Kafka's kafka-topics.sh and kafka-configs.sh do. */
import type { Admin, ConfigChange, ConfigResource } from '../index.js';
import { type CommandGroup, command, configFrom, type Io, keyValue, needOne, RefusedError, reportItems, table, UsageError, withAdmin, intOption } from './common.js';

/** Sets and deletes configs of one resource (configs set, topics alter-config). */
async function alterConfigs(resource: ConfigResource, changes: ConfigChange[], validateOnly: boolean, admin: Admin, io: Io): Promise<number> {
  const [r] = await admin.incrementalAlterConfigs([{ ...resource, changes }], { validateOnly });
  if (r!.error) throw new RefusedError(`${resource.type} ${resource.name}: ${r!.error.message}`);
  io.out(`${validateOnly ? 'valid' : 'updated'}: ${changes.map((c) => (c.op === 'set' ? `${c.name}=${c.value}` : `${c.name} (default)`)).join(', ')}`);
  return 0;
}

function changesOf(sets: string[], deletes: string[], what: string): ConfigChange[] {
  const changes: ConfigChange[] = [
    ...sets.map((kv) => {
      const [name, value] = keyValue(what, kv);
      return { name, op: 'set' as const, value };
    }),
    ...deletes.map((name) => ({ name, op: 'delete' as const })),
  ];
  if (changes.length === 0) throw new UsageError(`${what}: give key=value pairs to set or --delete key`);
  return changes;
}

export const topics: CommandGroup = {
  summary: 'topics and their partitions',
  subcommands: {
    list: command({
      synopsis: 'topics list [--internal]',
      summary: 'topic names, one per line',
      details: '      --internal            also internal topics (__consumer_offsets, ...)',
      options: { internal: { type: 'boolean' } },
      run: ({ values }, io) =>
        withAdmin(configFrom(values, io), async (admin) => {
          for (const t of await admin.listTopics({ listInternal: values.internal ?? false })) io.out(t.name);
          return 0;
        }),
    }),
    describe: command({
      synopsis: 'topics describe <topic>...',
      summary: 'id and partitions: leader, replicas, ISR, offline replicas',
      options: {},
      run: ({ values, positionals }, io) => {
        if (positionals.length === 0) throw new UsageError('topics describe: name at least one topic');
        return withAdmin(configFrom(values, io), async (admin) =>
          reportItems(await admin.describeTopics(positionals), (t) => t.name, (t) => {
            io.out(`topic ${t.name}  id ${t.topicId}  partitions ${t.partitions.length}${t.isInternal ? '  internal' : ''}`);
            const rows = [['partition', 'leader', 'replicas', 'isr', 'offline']];
            for (const p of t.partitions) rows.push([String(p.partition), String(p.leader), p.replicas.join(','), p.isr.join(','), p.offlineReplicas.join(',')]);
            for (const line of table(rows)) io.out(`  ${line}`);
          }, io),
        );
      },
    }),
    create: command({
      synopsis: 'topics create <topic> [options]',
      summary: "creates a topic (partitions and replication factor: the broker's defaults unless given)",
      details: `  -p, --partitions N          partitions
  -r, --replication-factor N  replicas of each partition
      --config-entry k=v      a topic config (repeat for more)
      --validate-only         ask the controller whether it would, create nothing`,
      options: {
        partitions: { type: 'string', short: 'p' },
        'replication-factor': { type: 'string', short: 'r' },
        'config-entry': { type: 'string', multiple: true },
        'validate-only': { type: 'boolean' },
      },
      run: ({ values, positionals }, io) => {
        const name = needOne(positionals, 'topics create', 'kafkaesque topics create <topic>');
        const configs = Object.fromEntries((values['config-entry'] ?? []).map((e) => keyValue('--config-entry', e)));
        const numPartitions = intOption('partitions', values.partitions, 1);
        const replicationFactor = intOption('replication-factor', values['replication-factor'], 1);
        return withAdmin(configFrom(values, io), async (admin) => {
          const [r] = await admin.createTopics(
            [{ name, ...(numPartitions !== undefined && { numPartitions }), ...(replicationFactor !== undefined && { replicationFactor }), configs }],
            { validateOnly: values['validate-only'] ?? false, waitForLeaders: true },
          );
          if (r!.error) throw new RefusedError(`${name}: ${r!.error.message}`);
          io.out(`${values['validate-only'] ? 'valid' : 'created'} topic ${name} (${r!.numPartitions} partitions, replication factor ${r!.replicationFactor}${r!.topicId ? `, id ${r!.topicId}` : ''})`);
          return 0;
        });
      },
    }),
    alter: command({
      synopsis: 'topics alter <topic> -p N',
      summary: 'raises the partition count to N (Kafka cannot lower it)',
      details: `  -p, --partitions N          the new total
      --validate-only         ask the controller whether it would, change nothing`,
      options: { partitions: { type: 'string', short: 'p' }, 'validate-only': { type: 'boolean' } },
      run: ({ values, positionals }, io) => {
        const name = needOne(positionals, 'topics alter', 'kafkaesque topics alter <topic> -p N');
        const total = intOption('partitions', values.partitions, 1);
        if (total === undefined) throw new UsageError('topics alter: give the new partition count with -p');
        return withAdmin(configFrom(values, io), async (admin) => {
          const [r] = await admin.createPartitions({ [name]: total }, { validateOnly: values['validate-only'] ?? false });
          if (r!.error) throw new RefusedError(`${name}: ${r!.error.message}`);
          io.out(`${values['validate-only'] ? 'valid: ' : ''}topic ${name} ${values['validate-only'] ? 'would have' : 'now has'} ${total} partitions`);
          return 0;
        });
      },
    }),
    'alter-config': command({
      synopsis: 'topics alter-config <topic> [--set k=v]... [--delete k]...',
      summary: "sets a topic's configs, or returns them to their default (as configs set --topic)",
      details: `      --set k=v               set a config (repeat for more)
      --delete k              remove an override: the broker's default applies again
      --validate-only         ask the broker whether it would, change nothing`,
      options: { set: { type: 'string', multiple: true }, delete: { type: 'string', multiple: true }, 'validate-only': { type: 'boolean' } },
      run: ({ values, positionals }, io) => {
        const name = needOne(positionals, 'topics alter-config', 'kafkaesque topics alter-config <topic> --set k=v');
        const changes = changesOf(values.set ?? [], values.delete ?? [], 'topics alter-config');
        return withAdmin(configFrom(values, io), (admin) => alterConfigs({ type: 'topic', name }, changes, values['validate-only'] ?? false, admin, io));
      },
    }),
    delete: command({
      synopsis: 'topics delete <topic>...',
      summary: 'deletes topics',
      options: {},
      run: ({ values, positionals }, io) => {
        if (positionals.length === 0) throw new UsageError('topics delete: name at least one topic');
        return withAdmin(configFrom(values, io), async (admin) =>
          reportItems(await admin.deleteTopics(positionals), (r) => r.name, (r) => io.out(`deleted topic ${r.name}`), io),
        );
      },
    }),
  },
};

const RESOURCE_OPTIONS = { topic: { type: 'string', short: 't' }, broker: { type: 'string' } } as const;

function resourceOf(values: { topic?: string; broker?: string }, sub: string): ConfigResource {
  if ((values.topic === undefined) === (values.broker === undefined)) throw new UsageError(`configs ${sub}: give --topic T or --broker N`);
  return values.topic !== undefined ? { type: 'topic', name: values.topic } : { type: 'broker', name: values.broker! };
}

export const configs: CommandGroup = {
  summary: 'topic and broker configs',
  subcommands: {
    get: command({
      synopsis: 'configs get (--topic T | --broker N) [--all]',
      summary: "a topic's overrides or a broker's dynamic configs, with their source",
      details: `  -t, --topic T               the topic's configs
      --broker N              broker N's configs
      --all                   every config, defaults included`,
      options: { ...RESOURCE_OPTIONS, all: { type: 'boolean' } },
      run: ({ values }, io) => {
        const resource = resourceOf(values, 'get');
        return withAdmin(configFrom(values, io), async (admin) => {
          const [d] = await admin.describeConfigs([resource]);
          if (d!.error) throw new RefusedError(`${resource.type} ${resource.name}: ${d!.error.message}`);
          // as kafka-configs.sh --describe: a topic's own overrides, a broker's dynamic configs
          const overrides = (e: { source: string }): boolean =>
            values.all === true || (resource.type === 'topic' ? e.source === 'dynamic-topic' : e.source.startsWith('dynamic-'));
          const rows = [['name', 'value', 'source'], ...d!.entries.filter(overrides).map((e) => [e.name, e.isSensitive ? '(sensitive)' : (e.value ?? '(null)'), e.source])];
          for (const line of table(rows)) io.out(line);
          return 0;
        });
      },
    }),
    set: command({
      synopsis: 'configs set (--topic T | --broker N) [k=v]... [--delete k]...',
      summary: 'sets configs, or returns them to their default',
      details: `  -t, --topic T               a topic's configs
      --broker N              broker N's dynamic configs
      k=v                     set a config
      --delete k              remove an override: the default applies again
      --validate-only         ask the broker whether it would, change nothing`,
      options: { ...RESOURCE_OPTIONS, delete: { type: 'string', multiple: true }, 'validate-only': { type: 'boolean' } },
      run: ({ values, positionals }, io) => {
        const resource = resourceOf(values, 'set');
        const changes = changesOf(positionals, values.delete ?? [], 'configs set');
        return withAdmin(configFrom(values, io), (admin) => alterConfigs(resource, changes, values['validate-only'] ?? false, admin, io));
      },
    }),
  },
};

export const cluster: CommandGroup = {
  summary: "the cluster's id, controller and brokers",
  subcommands: {
    describe: command({
      synopsis: 'cluster describe',
      summary: "the cluster's id, controller and brokers",
      options: {},
      run: ({ values }, io) =>
        withAdmin(configFrom(values, io), async (admin) => {
          const c = await admin.describeCluster();
          io.out(`cluster ${c.clusterId ?? '-'}  controller ${c.controllerId}`);
          for (const line of table([['node', 'host', 'port', 'rack'], ...c.brokers.map((b) => [String(b.nodeId), b.host, String(b.port), b.rack ?? '-'])])) io.out(`  ${line}`);
          return 0;
        }),
    }),
  },
};
