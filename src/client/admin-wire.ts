/**
 * How Admin's values map onto Kafka's codes: config sources and operations, ACL resource types,
 * patterns, operations and permissions, SCRAM mechanisms, quota entities, per-item outcomes.
 */
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import { ErrorCode } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from '../../protocol/messages/list-offsets.js';
import type {
  AclBinding,
  AclFilter,
  AclOperation,
  AclResourceType,
  ConfigChange,
  ConfigResourceType,
  ConfigSource,
  OffsetSpec,
  QuotaEntity,
  ScramMechanism,
  TopicPartition,
} from './admin-types.js';

export const CONFIG_SOURCES: readonly ConfigSource[] = [
  'unknown', 'dynamic-topic', 'dynamic-broker', 'dynamic-default-broker', 'static-broker', 'default', 'dynamic-broker-logger', 'client-metrics', 'group',
];

export const sourceName = (n: number): ConfigSource => CONFIG_SOURCES[n] ?? 'unknown';

export const RESOURCE_TYPE: Record<ConfigResourceType, number> = { topic: 2, broker: 4, 'broker-logger': 8 };

export const OPS: Record<ConfigChange['op'], number> = { set: 0, delete: 1, append: 2, subtract: 3 };

export const RESOURCE_TYPES: readonly (AclResourceType | null)[] = [null, null, 'topic', 'group', 'cluster', 'transactional-id', 'delegation-token', 'user'];

export const PATTERN_TYPES = { any: 1, match: 2, literal: 3, prefixed: 4 } as const;

export const OPERATIONS: readonly (AclOperation | null)[] = [
  null, null, 'all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster-action',
  'describe-configs', 'alter-configs', 'idempotent-write', 'create-tokens', 'describe-tokens', 'two-phase-commit',
];

export const PERMISSIONS = { any: 1, deny: 2, allow: 3 } as const;

/** The operations of Kafka's authorized-operations bit set (bit n: the operation of code n, KIP-430). */
export function operationsOf(bits: number): AclOperation[] {
  return OPERATIONS.filter((op, code): op is AclOperation => op !== null && (bits & (1 << code)) !== 0);
}

export const ANY = 1;

export function code<T>(table: readonly (T | null)[], value: T, what: string): number {
  const i = table.indexOf(value);
  if (i < 0) throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `unknown ACL ${what} '${String(value)}'`);
  return i;
}

export function aclBinding(resourceType: number, resourceName: string, patternType: number, a: { principal: string; host: string; operation: number; permissionType: number }): AclBinding {
  return {
    resourceType: RESOURCE_TYPES[resourceType] ?? 'topic',
    resourceName,
    patternType: patternType === PATTERN_TYPES.prefixed ? 'prefixed' : 'literal',
    principal: a.principal,
    host: a.host,
    operation: OPERATIONS[a.operation] ?? 'all',
    permission: a.permissionType === PERMISSIONS.deny ? 'deny' : 'allow',
  };
}

export function aclFilterFields(f: AclFilter) {
  return {
    resourceTypeFilter: f.resourceType === undefined ? ANY : code(RESOURCE_TYPES, f.resourceType, 'resource type'),
    resourceNameFilter: f.resourceName ?? null,
    patternTypeFilter: PATTERN_TYPES[f.patternType ?? 'any'],
    principalFilter: f.principal ?? null,
    hostFilter: f.host ?? null,
    operation: f.operation === undefined ? ANY : code(OPERATIONS, f.operation, 'operation'),
    permissionType: PERMISSIONS[f.permission ?? 'any'],
  };
}

export const SCRAM: Record<ScramMechanism, { code: number; hash: string; bytes: number }> = {
  'scram-sha-256': { code: 1, hash: 'sha256', bytes: 32 },
  'scram-sha-512': { code: 2, hash: 'sha512', bytes: 64 },
};

export const scramName = (code: number): ScramMechanism | 'unknown' => (code === 1 ? 'scram-sha-256' : code === 2 ? 'scram-sha-512' : 'unknown');

export const pbkdf2 = promisify(crypto.pbkdf2);

export const entityOf = (data: readonly { entityType: string; entityName: string | null }[]): QuotaEntity =>
  Object.fromEntries(data.map((e) => [e.entityType, e.entityName]));

export const entityData = (e: QuotaEntity) => Object.entries(e).map(([entityType, entityName]) => ({ entityType, entityName }));

export function outcome(code: number, context: string, message: string | null = null): KafkaProtocolError | null {
  return code === ErrorCode.NONE ? null : KafkaProtocolError.fromCode(code, context, message);
}

/** Partitions grouped by topic, in first-seen order. */
export function byTopic(partitions: readonly TopicPartition[]): [string, number[]][] {
  const m = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    let list = m.get(topic);
    if (list === undefined) m.set(topic, (list = []));
    list.push(partition);
  }
  return [...m];
}

export function timestampOf(spec: OffsetSpec): bigint {
  if (spec === 'earliest') return EARLIEST_TIMESTAMP;
  if (spec === 'latest') return LATEST_TIMESTAMP;
  if (spec === 'max-timestamp') return MAX_TIMESTAMP;
  if (!Number.isSafeInteger(spec.timestamp) || spec.timestamp < 0) {
    throw new KafkaesqueError('ERR_INVALID_ARGUMENT', `listOffsets: a timestamp must be a safe integer >= 0 (ms since the epoch), got ${String(spec.timestamp)}`);
  }
  return BigInt(spec.timestamp);
}
