/** `kafkaesque acls`: what Kafka's kafka-acls.sh does, on Admin.createAcls, describeAcls and deleteAcls. */
import type { AclBinding, AclFilter, AclOperation, AclResourceType } from '../index.js';
import { type CommandGroup, command, configFrom, RefusedError, table, UsageError, withAdmin } from './common.js';

const RESOURCE_OPTIONS = {
  topic: { type: 'string', short: 't', multiple: true },
  group: { type: 'string', short: 'g', multiple: true },
  cluster: { type: 'boolean' },
  'transactional-id': { type: 'string', multiple: true },
  'resource-pattern-type': { type: 'string' },
  operation: { type: 'string', multiple: true },
  host: { type: 'string', multiple: true },
} as const;

const RESOURCE_HELP = `  -t, --topic T                  a topic (repeat for more; * for every topic)
  -g, --group G                  a group (repeat for more)
      --cluster                  the cluster
      --transactional-id X       a transactional id (repeat for more)`;

/**
 * The operations each resource type has (Kafka's AclEntry.supportedOperations, as of Kafka 4:
 * group configs since KIP-848, two-phase commit since KIP-939), so that an ACL that could never
 * apply is a usage error here rather than a silent no-op on the broker.
 */
const SUPPORTED: Partial<Record<AclResourceType, readonly AclOperation[]>> = {
  topic: ['read', 'write', 'create', 'describe', 'delete', 'alter', 'describe-configs', 'alter-configs', 'all'],
  group: ['read', 'describe', 'delete', 'describe-configs', 'alter-configs', 'all'],
  cluster: ['create', 'cluster-action', 'describe-configs', 'alter-configs', 'idempotent-write', 'alter', 'describe', 'all'],
  'transactional-id': ['describe', 'write', 'two-phase-commit', 'all'],
};
const OPERATIONS: readonly AclOperation[] = [
  'all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster-action',
  'describe-configs', 'alter-configs', 'idempotent-write', 'create-tokens', 'describe-tokens', 'two-phase-commit',
];

/** kafka-acls.sh spells them Read, DescribeConfigs, IdempotentWrite; Admin in kebab case: both are taken. */
function operationOf(name: string): AclOperation {
  const squash = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  const op = OPERATIONS.find((o) => squash(o) === squash(name));
  if (op === undefined) throw new UsageError(`--operation: one of ${OPERATIONS.join(', ')}; got '${name}'`);
  return op;
}

function principalOf(option: string, p: string): string {
  // Kafka's principals are Type:name (User:alice); User:* is every user
  if (!/^[^:]+:.+$/.test(p)) throw new UsageError(`${option}: a principal such as User:alice, got '${p}'`);
  return p;
}

type ResourceValues = { topic?: string[]; group?: string[]; cluster?: boolean; 'transactional-id'?: string[] };

function resourcesOf(values: ResourceValues): { resourceType: AclResourceType; resourceName: string }[] {
  return [
    ...(values.topic ?? []).map((resourceName) => ({ resourceType: 'topic' as const, resourceName })),
    ...(values.group ?? []).map((resourceName) => ({ resourceType: 'group' as const, resourceName })),
    ...(values.cluster ? [{ resourceType: 'cluster' as const, resourceName: 'kafka-cluster' }] : []),
    ...(values['transactional-id'] ?? []).map((resourceName) => ({ resourceType: 'transactional-id' as const, resourceName })),
  ];
}

function patternTypeOf(v: string | undefined, allowed: readonly string[]): NonNullable<AclFilter['patternType']> {
  // kafka-acls.sh's default: literal
  const p = (v ?? 'literal').toLowerCase();
  if (!allowed.includes(p)) throw new UsageError(`--resource-pattern-type: one of ${allowed.join(', ')}; got '${v}'`);
  return p as NonNullable<AclFilter['patternType']>;
}

function describe(b: AclBinding): string {
  return `${b.permission} ${b.principal} ${b.operation} on ${b.resourceType} ${b.resourceName} (${b.patternType}) from host ${b.host}`;
}

const key = (b: AclBinding): string => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permission]);

/** Every combination of the lists (kafka-acls.sh makes one ACL per resource, principal, host and operation). */
function product<T extends object>(lists: Partial<T>[][]): Partial<T>[] {
  return lists.reduce<Partial<T>[]>((acc, list) => acc.flatMap((a) => list.map((x) => ({ ...a, ...x }))), [{}]);
}

export const acls: CommandGroup = {
  summary: 'access control lists (the brokers need an authorizer)',
  subcommands: {
    list: command({
      synopsis: 'acls list [resource...] [--principal P]... [--operation O]...',
      summary: 'the ACLs, one per line (of the resources named, else all)',
      details: `${RESOURCE_HELP}
      --resource-pattern-type T  literal (default), prefixed, any (either, for the name given) or
                                 match (every ACL that applies to the name: literal, prefixed, *)
      --principal P              only those of principal P (User:alice; repeat for more)
      --operation O              only those for operation O (repeat for more)
      --host H                   only those for host H`,
      options: { ...RESOURCE_OPTIONS, principal: { type: 'string', multiple: true } },
      run: ({ values }, io) => {
        const resources = resourcesOf(values);
        const patternType = patternTypeOf(values['resource-pattern-type'], ['literal', 'prefixed', 'any', 'match']);
        const filters = product<AclFilter>([
          resources.length > 0 ? resources.map((r) => ({ ...r, patternType })) : [{}],
          (values.principal ?? [undefined]).map((p) => (p === undefined ? {} : { principal: principalOf('--principal', p) })),
          (values.operation ?? [undefined]).map((o) => (o === undefined ? {} : { operation: operationOf(o) })),
          (values.host ?? [undefined]).map((host) => (host === undefined ? {} : { host })),
        ]);
        return withAdmin(configFrom(values, io), async (admin) => {
          const found = new Map<string, AclBinding>();
          for (const f of filters) for (const b of await admin.describeAcls(f)) found.set(key(b), b);
          const rows = [['resource-type', 'resource-name', 'pattern', 'principal', 'host', 'operation', 'permission']];
          for (const b of found.values()) rows.push([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permission]);
          for (const line of table(rows)) io.out(line);
          return 0;
        });
      },
    }),
    add: command({
      synopsis: 'acls add <resource>... (--allow-principal P | --deny-principal P)... --operation O...',
      summary: 'adds an ACL for every resource, principal, host and operation given',
      details: `${RESOURCE_HELP}
      --resource-pattern-type T  literal (default: the name exactly) or prefixed (every name starting so)
      --allow-principal P        allow principal P (User:alice, User:*; repeat for more)
      --deny-principal P         deny principal P (a deny wins over an allow)
      --operation O              read, write, create, delete, alter, describe, cluster-action,
                                 describe-configs, alter-configs, idempotent-write, all, ... (repeat for more)
      --host H                   from host H only (default *: any host)`,
      options: { ...RESOURCE_OPTIONS, 'allow-principal': { type: 'string', multiple: true }, 'deny-principal': { type: 'string', multiple: true } },
      run: ({ values }, io) => {
        const resources = resourcesOf(values);
        if (resources.length === 0) throw new UsageError('acls add: name a resource: --topic, --group, --cluster or --transactional-id');
        const principals = [
          ...(values['allow-principal'] ?? []).map((p) => ({ principal: principalOf('--allow-principal', p), permission: 'allow' as const })),
          ...(values['deny-principal'] ?? []).map((p) => ({ principal: principalOf('--deny-principal', p), permission: 'deny' as const })),
        ];
        if (principals.length === 0) throw new UsageError('acls add: name a principal with --allow-principal or --deny-principal');
        const operations = (values.operation ?? []).map(operationOf);
        if (operations.length === 0) throw new UsageError('acls add: name an operation with --operation');
        for (const r of resources) {
          const supported = SUPPORTED[r.resourceType]!;
          for (const operation of operations) {
            if (!supported.includes(operation)) throw new UsageError(`acls add: a ${r.resourceType} has no operation ${operation} (it has ${supported.join(', ')})`);
          }
        }
        const patternType = patternTypeOf(values['resource-pattern-type'], ['literal', 'prefixed']) as AclBinding['patternType'];
        const bindings = product<AclBinding>([
          resources.map((r) => ({ ...r, patternType })),
          principals,
          (values.host ?? ['*']).map((host) => ({ host })),
          operations.map((operation) => ({ operation })),
        ]) as AclBinding[];
        return withAdmin(configFrom(values, io), async (admin) => {
          let code = 0;
          for (const r of await admin.createAcls(bindings)) {
            if (r.error) {
              io.err(`${describe(r.binding)}: ${r.error.message}`);
              code = 1;
            } else io.out(`added: ${describe(r.binding)}`);
          }
          return code;
        });
      },
    }),
    remove: command({
      synopsis: 'acls remove <resource>... [--allow-principal P | --deny-principal P]... [--operation O]... [--force]',
      summary: 'removes the ACLs that match, and prints each one removed',
      details: `${RESOURCE_HELP}
      --resource-pattern-type T  literal (default), prefixed, any (either, for the name given) or
                                 match (every ACL that applies to the name: careful)
      --allow-principal P        only P's allow ACLs (repeat for more)
      --deny-principal P         only P's deny ACLs
      --operation O              only those for operation O (repeat for more)
      --host H                   only those for host H (default: any host)
      --force                    needed to remove every ACL of a resource (no principal nor operation given)`,
      options: {
        ...RESOURCE_OPTIONS,
        'allow-principal': { type: 'string', multiple: true },
        'deny-principal': { type: 'string', multiple: true },
        force: { type: 'boolean' },
      },
      run: ({ values }, io) => {
        const resources = resourcesOf(values);
        if (resources.length === 0) throw new UsageError('acls remove: name a resource: --topic, --group, --cluster or --transactional-id');
        const principals: Partial<AclFilter>[] = [
          ...(values['allow-principal'] ?? []).map((p) => ({ principal: principalOf('--allow-principal', p), permission: 'allow' as const })),
          ...(values['deny-principal'] ?? []).map((p) => ({ principal: principalOf('--deny-principal', p), permission: 'deny' as const })),
        ];
        const operations = (values.operation ?? []).map((o) => ({ operation: operationOf(o) }));
        // kafka-acls.sh asks before it removes every ACL of a resource; a script cannot answer, so --force
        if (principals.length === 0 && operations.length === 0 && !values.force) {
          throw new UsageError('acls remove: this would remove every ACL of the resource; narrow it with --allow-principal, --deny-principal or --operation, or add --force');
        }
        const patternType = patternTypeOf(values['resource-pattern-type'], ['literal', 'prefixed', 'any', 'match']);
        const filters = product<AclFilter>([
          resources.map((r) => ({ ...r, patternType })),
          principals.length > 0 ? principals : [{}],
          operations.length > 0 ? operations : [{}],
          (values.host ?? [undefined]).map((host) => (host === undefined ? {} : { host })),
        ]);
        return withAdmin(configFrom(values, io), async (admin) => {
          const results = await admin.deleteAcls(filters);
          const failed = results.find((r) => r.error !== null);
          const removed = new Map(results.flatMap((r) => r.deleted).map((b) => [key(b), b]));
          for (const b of removed.values()) io.out(`removed: ${describe(b)}`);
          if (failed) throw new RefusedError(`acls remove: ${failed.error!.message}`);
          if (removed.size === 0) io.err('no ACL matched');
          return 0;
        });
      },
    }),
  },
};
