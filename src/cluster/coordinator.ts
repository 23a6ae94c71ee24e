/**
 * Finding a coordinator (FindCoordinator, KIP-98 / KIP-699): the broker that owns a group's
 * offsets or a transactional id's transactions. Asked of the known brokers in turn: one that
 * answers COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS is asked again after backoff,
 * as Java's FindCoordinator handling does; what the caller does on NOT_COORDINATOR later is its
 * own (it looks the coordinator up again).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { KafkaesqueError, KafkaProtocolError } from '../../protocol/errors.js';
import { CoordinatorKeyType, FindCoordinator, findCoordinatorRequest, findCoordinatorResult } from '../../protocol/messages/find-coordinator.js';
import type { Cluster } from './cluster.js';
import { retry, type RetryOptions } from './retry.js';

export type CoordinatorKind = 'group' | 'transaction';

/** The node id of the coordinator of `key` (a group id or a transactional id). */
export async function findCoordinator(cluster: Cluster, kind: CoordinatorKind, key: string, retries: Omit<RetryOptions, 'retriable'> & { retriable?: RetryOptions['retriable'] }): Promise<number> {
  const keyType = kind === 'group' ? CoordinatorKeyType.GROUP : CoordinatorKeyType.TRANSACTION;
  return retry(
    async (attempt) => {
      if (cluster.brokerList().length === 0) await cluster.refresh();
      const brokers = cluster.brokerList();
      const any = brokers[attempt % Math.max(1, brokers.length)];
      if (any === undefined) throw new KafkaesqueError('ERR_NO_BROKER', `no broker known to find the ${kind} coordinator of '${key}'`, { retriable: true });
      const conn = await cluster.connection(any.nodeId);
      const version = conn.versionFor(FindCoordinator);
      const res = await conn.send(FindCoordinator, findCoordinatorRequest(version, keyType, key), { version });
      const found = findCoordinatorResult(version, res);
      if (found === undefined) throw new KafkaesqueError('ERR_NO_BROKER', `FindCoordinator: no answer for ${kind} '${key}'`, { retriable: true });
      if (found.errorCode !== ErrorCode.NONE) throw KafkaProtocolError.fromCode(found.errorCode, `FindCoordinator for ${kind} '${key}'`);
      if (!cluster.brokerList().some((b) => b.nodeId === found.nodeId)) await cluster.refresh();
      return found.nodeId;
    },
    { retriable: (err) => err instanceof KafkaesqueError && err.retriable, ...retries },
  );
}
