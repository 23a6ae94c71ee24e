/** `kafkaesque groups`: what Kafka's kafka-consumer-groups.sh does. */
import type { Admin, Config } from '../index.js';
import { type CommandGroup, command, configFrom, type Io, intOption, needOne, type Parsed, RefusedError, reportItems, table, timeOption, UsageError, withAdmin } from './common.js';

const RESET_OPTIONS = {
  topic: { type: 'string', short: 't', multiple: true },
  'all-topics': { type: 'boolean' },
  'to-earliest': { type: 'boolean' },
  'to-latest': { type: 'boolean' },
  'to-offset': { type: 'string' },
  'shift-by': { type: 'string' },
  'to-datetime': { type: 'string' },
  'dry-run': { type: 'boolean' },
  execute: { type: 'boolean' },
} as const;

const SCENARIOS = ['to-earliest', 'to-latest', 'to-offset', 'shift-by', 'to-datetime'] as const;

/** Group states in which Kafka's tool resets offsets: no member would overwrite them. */
const INACTIVE = new Set(['Empty', 'Dead']);

/**
 * `groups reset-offsets`, as kafka-consumer-groups.sh --reset-offsets: a plan by default (dry
 * run), committed with --execute; new offsets are kept within the log (between its start and
 * end), and the group must be inactive, as Kafka's tool requires.
 */
async function resetOffsets(group: string, values: Parsed<typeof RESET_OPTIONS>['values'], config: Config, io: Io): Promise<number> {
  const how = SCENARIOS.filter((k) => values[k] !== undefined && values[k] !== false);
  if (how.length !== 1) throw new UsageError('groups reset-offsets: give exactly one of --to-earliest, --to-latest, --to-offset N, --shift-by N, --to-datetime T');
  if ((values.topic === undefined) === (values['all-topics'] !== true)) {
    throw new UsageError('groups reset-offsets: name the topics with -t topic (or -t topic:0,1 for some partitions), or give --all-topics');
  }
  if (values.execute && values['dry-run']) throw new UsageError('groups reset-offsets: --dry-run or --execute, not both');
  const toOffset = intOption('to-offset', values['to-offset'], 0);
  const shift = intOption('shift-by', values['shift-by'], Number.MIN_SAFE_INTEGER);
  const at = values['to-datetime'] !== undefined ? timeOption('--to-datetime', values['to-datetime']) : undefined;
  const named = (values.topic ?? []).map((t) => {
    const [topic, list] = t.split(':') as [string, string | undefined];
    return { topic, partitions: list?.split(',').map((p) => intOption('topic partition', p, 0)!) };
  });
  return withAdmin(config, (admin) => planAndCommit(group, { named, toOffset, shift, at }, values, admin, io));
}

async function planAndCommit(
  group: string,
  { named, toOffset, shift, at }: { named: { topic: string; partitions: number[] | undefined }[]; toOffset?: number; shift?: number; at?: number },
  values: Parsed<typeof RESET_OPTIONS>['values'],
  admin: Admin,
  io: Io,
): Promise<number> {

  const [g] = await admin.describeGroups([group]);
  if (g!.error && g!.error.errorName !== 'GROUP_ID_NOT_FOUND') throw new RefusedError(`group ${group}: ${g!.error.message}`);
  if (!g!.error && !INACTIVE.has(g!.state)) {
    throw new RefusedError(`group ${group} is ${g!.state}: offsets can be reset only while it has no active members (stop its consumers first)`);
  }
  const committedOffsets = await admin.listGroupOffsets(group);
  const committed = new Map(committedOffsets.map((o) => [`${o.topic}:${o.partition}`, o.offset]));
  // --all-topics: those the group has committed offsets for, as Kafka's tool
  const wanted = values['all-topics'] ? [...new Set(committedOffsets.map((o) => o.topic))].map((topic) => ({ topic, partitions: undefined })) : named;
  if (wanted.length === 0) throw new RefusedError(`group ${group} has no committed offsets: name the topics with -t`);
  const described = await admin.describeTopics(wanted.map((w) => w.topic));
  const partitions: { topic: string; partition: number }[] = [];
  for (const [i, w] of wanted.entries()) {
    const t = described[i]!;
    if (t.error) throw new RefusedError(`${w.topic}: ${t.error.message}`);
    for (const partition of w.partitions ?? t.partitions.map((p) => p.partition)) {
      if (partition >= t.partitions.length) throw new UsageError(`topic ${w.topic} has ${t.partitions.length} partition(s); partition ${partition} does not exist`);
      partitions.push({ topic: w.topic, partition });
    }
  }
  const ask = async (spec: 'earliest' | 'latest' | { timestamp: number }) => {
    const r = await admin.listOffsets(partitions.map((p) => ({ ...p, spec })));
    for (const x of r) if (x.error) throw new RefusedError(`${x.topic}-${x.partition}: ${x.error.message}`);
    return r.map((x) => x.offset);
  };
  const [earliest, latest] = [await ask('earliest'), await ask('latest')];
  const byTime = at !== undefined ? await ask({ timestamp: at }) : undefined;
  const plan = partitions.map(({ topic, partition }, i) => {
    const lo = earliest[i]!;
    const hi = latest[i]!;
    let target: bigint;
    if (values['to-earliest']) target = lo;
    else if (values['to-latest']) target = hi;
    else if (toOffset !== undefined) target = BigInt(toOffset);
    // a partition without a committed offset shifts from the log start
    else if (shift !== undefined) target = (committed.get(`${topic}:${partition}`) ?? lo) + BigInt(shift);
    // no record at or after the time: the log end, as Kafka's tool
    else target = byTime![i]! >= 0n ? byTime![i]! : hi;
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
}

export const groups: CommandGroup = {
  summary: 'consumer groups',
  subcommands: {
    list: command({
      synopsis: 'groups list [--state S]... [--type T]...',
      summary: 'every group with its type, state and protocol',
      details: `      --state S               only groups in state S (Stable, Empty, ...; repeat for more)
      --type T                only groups of type T: classic, consumer or share (repeat for more)`,
      options: { state: { type: 'string', multiple: true }, type: { type: 'string', multiple: true } },
      run: ({ values }, io) =>
        withAdmin(configFrom(values, io), async (admin) => {
          const listed = await admin.listGroups({ states: values.state ?? [], types: values.type ?? [] });
          for (const line of table([['group', 'type', 'state', 'protocol'], ...listed.map((g) => [g.groupId, g.type || '-', g.state || '-', g.protocolType || '-'])])) io.out(line);
          return 0;
        }),
    }),
    describe: command({
      synopsis: 'groups describe <group>...',
      summary: 'type, state, assignor and members (with their partitions in KIP-848 groups)',
      options: {},
      run: ({ values, positionals }, io) => {
        if (positionals.length === 0) throw new UsageError('groups describe: name at least one group');
        return withAdmin(configFrom(values, io), async (admin) =>
          reportItems(await admin.describeGroups(positionals), (g) => g.groupId, (g) => {
            io.out(`group ${g.groupId}  type ${g.type}  state ${g.state}  protocol ${g.protocolType}${g.protocol ? `/${g.protocol}` : ''}  members ${g.members.length}`);
            if (g.members.length > 0) {
              const parts = (m: (typeof g.members)[number]): string => m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-';
              const rows = [['member', 'instance', 'client', 'host', 'partitions'], ...g.members.map((m) => [m.memberId, m.groupInstanceId ?? '-', m.clientId, m.clientHost, parts(m)])];
              for (const line of table(rows)) io.out(`  ${line}`);
            }
          }, io),
        );
      },
    }),
    offsets: command({
      synopsis: 'groups offsets <group>',
      summary: 'committed offsets',
      options: {},
      run: ({ values, positionals }, io) => {
        const group = needOne(positionals, 'groups offsets', 'kafkaesque groups offsets <group>');
        return withAdmin(configFrom(values, io), async (admin) => {
          const rows = [['topic', 'partition', 'offset', 'metadata']];
          for (const o of await admin.listGroupOffsets(group)) rows.push([o.topic, String(o.partition), String(o.offset), o.metadata ?? '']);
          for (const line of table(rows)) io.out(line);
          return 0;
        });
      },
    }),
    lag: command({
      synopsis: 'groups lag <group>',
      summary: 'committed offset, log end and lag per partition, and the total',
      options: {},
      run: ({ values, positionals }, io) => {
        const group = needOne(positionals, 'groups lag', 'kafkaesque groups lag <group>');
        return withAdmin(configFrom(values, io), async (admin) => {
          const lag = await admin.groupLag(group);
          const rows = [['topic', 'partition', 'committed', 'end', 'lag']];
          for (const p of lag.partitions) rows.push([p.topic, String(p.partition), String(p.committed), String(p.end), String(p.lag)]);
          for (const line of table(rows)) io.out(line);
          io.out(`total lag ${lag.total}`);
          return 0;
        });
      },
    }),
    'reset-offsets': command({
      synopsis: 'groups reset-offsets <group> (-t topic[:p,p]... | --all-topics) <scenario> [--execute]',
      summary: "moves a group's committed offsets; a dry run (prints the plan) unless --execute",
      details: `  -t, --topic T[:p,p]         a topic, or some of its partitions (repeat for more topics)
      --all-topics            every topic the group has committed offsets for
  one scenario:
      --to-earliest           the log start
      --to-latest             the log end
      --to-offset N           offset N
      --shift-by N            the committed offset + N (N may be negative)
      --to-datetime T         the first offset with a timestamp at or after T (an ISO date such as
                              2026-12-04T10:00:00Z, or ms since the epoch); the log end if none
      --dry-run               print the plan, commit nothing (the default)
      --execute               commit the plan
  New offsets stay between the log's start and end. As kafka-consumer-groups.sh, the group must
  be inactive (Empty, or unknown): stop its consumers first.`,
      options: RESET_OPTIONS,
      run: ({ values, positionals }, io) => {
        const group = needOne(positionals, 'groups reset-offsets', 'kafkaesque groups reset-offsets <group> -t <topic> --to-...');
        return resetOffsets(group, values, configFrom(values, io), io);
      },
    }),
    delete: command({
      synopsis: 'groups delete <group>...',
      summary: 'deletes groups without active members',
      options: {},
      run: ({ values, positionals }, io) => {
        if (positionals.length === 0) throw new UsageError('groups delete: name at least one group');
        return withAdmin(configFrom(values, io), async (admin) =>
          reportItems(await admin.deleteGroups(positionals), (r) => r.groupId, (r) => io.out(`deleted group ${r.groupId}`), io),
        );
      },
    }),
  },
};
