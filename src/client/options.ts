/** Translates a public Config into the options of the layers below (cluster, producer core). */
import { compressionTypeFromName } from '../../protocol/compression/index.js';
import type { Cluster, ClusterOptions } from '../cluster/cluster.js';
import { Partitioner } from '../producer/partitioner.js';
import type { ProducerCoreOptions } from '../producer/producer-core.js';
import { hideSaslPassword, type SaslOptions } from '../network/sasl.js';
import type { Config } from './config.js';

export function clusterOptions(config: Config): ClusterOptions {
  // TLS options (with the key) and SASL credentials come from the config's doors for secrets;
  // the password travels in a non-enumerable property (not shown by util.inspect)
  const tls = config.toConnectionOptions('', 0).tls;
  const creds = config.saslCredentials();
  const token = config.oauthBearerTokenProvider();
  const custom = config.customSaslMechanism();
  const sasl: SaslOptions | undefined =
    creds !== undefined ? hideSaslPassword(creds) : token !== undefined ? { mechanism: 'oauthbearer', token } : custom;
  return {
    brokers: config.brokers,
    clientId: config.clientId,
    connectTimeoutMs: config.connectTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    metadataMaxAgeMs: config.metadataMaxAgeMs,
    metadataRecoveryStrategy: config.metadataRecoveryStrategy,
    retryBackoffMs: config.retryBackoffMs,
    retryBackoffMaxMs: config.retryBackoffMaxMs,
    reconnectBackoffMs: config.reconnectBackoffMs,
    reconnectBackoffMaxMs: config.reconnectBackoffMaxMs,
    maxFrameBytes: config.maxFrameBytes,
    logger: config.logger,
    ...(config.clientInstance !== undefined ? { clientInstance: config.clientInstance } : {}),
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

export function producerCoreOptions(config: Config, cluster: Cluster): ProducerCoreOptions {
  return {
    cluster,
    partitioner: new Partitioner({
      partitioner: config.partitioner,
      hashFunction: config.hashFunction,
      ...(config.nullKey === 'hash-empty' ? { nullKey: 'hash-empty' as const } : {}),
      ...(config.partition !== undefined ? { partition: config.partition } : {}),
    }),
    acks: config.acks,
    compression: compressionTypeFromName(config.compression),
    ...(config.compressionLevel !== undefined ? { compressionLevel: config.compressionLevel } : {}),
    idempotent: config.idempotent,
    lingerMs: config.lingerMs,
    batchBytes: config.batchBytes,
    bufferBytes: config.bufferBytes,
    maxRequestBytes: config.maxRequestBytes,
    maxInFlight: config.maxInFlight,
    retries: config.retries,
    retryBackoffMs: config.retryBackoffMs,
    retryBackoffMaxMs: config.retryBackoffMaxMs,
    requestTimeoutMs: config.requestTimeoutMs,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    maxBlockMs: config.maxBlockMs,
    logger: config.logger,
    ...(config.transactionalId !== undefined ? { transactional: { transactionalId: config.transactionalId, transactionTimeoutMs: config.transactionTimeoutMs } } : {}),
  };
}
