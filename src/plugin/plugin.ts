/**
 * The Kafka plugin: the Multiplexer's lifecycle for an application framework.
 *
 * - `init()` reads the config file (the `configFile` option, else the `KAFKA_CONFIG`
 *   environment variable) and creates the Multiplexer. No config file: the plugin is disabled
 *   (`disabled === true`) and every connection method throws {@link PluginDisabledError}. A
 *   file that cannot be used is an error ({@link MuxConfigError}), never a disabled plugin.
 * - Between `init()` and `afterInit()` the application creates connections and subscribes.
 * - `afterInit()` starts the Multiplexer; `close()` closes it.
 * - `health()` asks a broker for metadata (no topic, never auto-creating one): `ok`, or
 *   `error` with the reason.
 */
import { Cluster } from '../cluster/cluster.js';
import { clusterOptions } from '../client/options.js';
import { KafkaesqueError } from '../../protocol/errors.js';
import type { AsyncPublisher, BytesConnection, BytesManualConnection, ErrorCallback, SuccessCallback, SyncPublisher } from '../mux/connections.js';
import { Multiplexer } from '../mux/multiplexer.js';
import type { ProtoConnection, ProtoManualConnection, ProtoSerializer } from '../mux/proto.js';

export class PluginDisabledError extends KafkaesqueError {
  constructor(what: string) {
    super('ERR_PLUGIN_DISABLED', `${what}: the Kafka plugin is disabled (no config file: set the configFile option or KAFKA_CONFIG)`);
  }
}

export class PluginStateError extends KafkaesqueError {
  constructor(what: string, state: string) {
    super('ERR_PLUGIN_STATE', `${what}: the Kafka plugin is ${state}`);
  }
}

export interface KafkaPluginOptions {
  /** Path of the YAML config file; default: the KAFKA_CONFIG environment variable. */
  configFile?: string;
  /** Name of the Multiplexer (the default group id). Default 'kafka'. */
  name?: string;
  /** Environment to read KAFKA_CONFIG from; default process.env. */
  env?: Record<string, string | undefined>;
  /** Time the health check may take. Default 5000 ms. */
  healthTimeoutMs?: number;
}

export type HealthStatus = { status: 'ok' } | { status: 'error'; reason: string };

type State = 'new' | 'initialized' | 'started' | 'closed';

export class KafkaPlugin {
  private mux: Multiplexer | undefined;
  private state: State = 'new';
  private isDisabled = false;
  readonly name: string;

  constructor(private readonly options: KafkaPluginOptions = {}) {
    this.name = options.name ?? 'kafka';
  }

  /** True when no config file was given: nothing connects, every connection method throws. */
  get disabled(): boolean {
    return this.isDisabled;
  }

  /** The config file in use (undefined when disabled or before init). */
  configFile(): string | undefined {
    const f = this.options.configFile ?? (this.options.env ?? process.env).KAFKA_CONFIG;
    return f === undefined || f === '' ? undefined : f;
  }

  /** Reads the config file and creates the Multiplexer (or disables the plugin). */
  async init(): Promise<void> {
    if (this.state !== 'new') throw new PluginStateError('init()', this.state);
    const file = this.configFile();
    if (file === undefined) {
      this.isDisabled = true;
      this.state = 'initialized';
      return;
    }
    this.mux = await Multiplexer.fromFile(file, this.name);
    this.state = 'initialized';
  }

  /** Starts the Multiplexer: subscriptions made so far join the group. */
  async afterInit(): Promise<void> {
    if (this.state !== 'initialized') throw new PluginStateError('afterInit()', this.state);
    this.state = 'started';
    if (this.mux) await this.mux.start();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.mux?.close();
  }

  /** The Multiplexer (throws when disabled or before init). */
  multiplexer(): Multiplexer {
    return this.require('multiplexer()');
  }

  private require(what: string): Multiplexer {
    if (this.isDisabled) throw new PluginDisabledError(what);
    if (this.state === 'closed') throw new PluginStateError(what, 'closed');
    if (this.mux === undefined) throw new PluginStateError(what, 'not initialized: call init() first');
    return this.mux;
  }

  /** A metadata request to the brokers (no topics, no auto-creation). */
  async health(): Promise<HealthStatus> {
    if (this.isDisabled) return { status: 'error', reason: 'the Kafka plugin is disabled (no config file)' };
    if (this.mux === undefined || this.state === 'closed') return { status: 'error', reason: `the Kafka plugin is ${this.state === 'closed' ? 'closed' : 'not initialized'}` };
    const timeoutMs = this.options.healthTimeoutMs ?? 5000;
    const config = this.mux.config;
    let timer: NodeJS.Timeout | undefined;
    let cluster: Cluster | undefined;
    try {
      const check = (async () => {
        cluster = await Cluster.connect({
          ...clusterOptions(config),
          allowAutoTopicCreation: false,
          connectTimeoutMs: Math.min(config.connectTimeoutMs, timeoutMs),
          requestTimeoutMs: Math.min(config.requestTimeoutMs, timeoutMs),
        });
        if (cluster.brokerList().length === 0) throw new Error('the cluster reports no brokers');
      })();
      await Promise.race([
        check,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no metadata within ${timeoutMs} ms`)), timeoutMs))),
      ]);
      return { status: 'ok' };
    } catch (err) {
      return { status: 'error', reason: (err as Error).message };
    } finally {
      clearTimeout(timer);
      const c = cluster as Cluster | undefined;
      if (c) await c.close().catch(() => {});
    }
  }

  newBytesConnection(name: string): BytesConnection {
    return this.require('newBytesConnection').newBytesConnection(name);
  }

  newBytesManualConnection(name: string): BytesManualConnection {
    return this.require('newBytesManualConnection').newBytesManualConnection(name);
  }

  newProtoConnection(name: string, serializer?: ProtoSerializer): ProtoConnection {
    return this.require('newProtoConnection').newProtoConnection(name, serializer);
  }

  newProtoManualConnection(name: string, serializer?: ProtoSerializer): ProtoManualConnection {
    return this.require('newProtoManualConnection').newProtoManualConnection(name, serializer);
  }

  private publisherConnection(what: string): BytesManualConnection {
    const mux = this.require(what);
    this.publishers ??= mux.newBytesManualConnection(`${this.name}:publishers`);
    return this.publishers;
  }
  private publishers: BytesManualConnection | undefined;

  newSyncPublisher(topic: string): SyncPublisher {
    return this.publisherConnection('newSyncPublisher').newSyncPublisher(topic);
  }

  newAsyncPublisher(topic: string, onSuccess?: SuccessCallback, onError?: ErrorCallback): AsyncPublisher {
    return this.publisherConnection('newAsyncPublisher').newAsyncPublisher(topic, onSuccess, onError);
  }

  newSyncPublisherToPartition(topic: string, partition: number): SyncPublisher {
    return this.publisherConnection('newSyncPublisherToPartition').newSyncPublisherToPartition(topic, partition);
  }

  newAsyncPublisherToPartition(topic: string, partition: number, onSuccess?: SuccessCallback, onError?: ErrorCallback): AsyncPublisher {
    return this.publisherConnection('newAsyncPublisherToPartition').newAsyncPublisherToPartition(topic, partition, onSuccess, onError);
  }
}
