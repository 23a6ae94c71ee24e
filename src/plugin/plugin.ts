/**
 * The Kafka plugin: the Multiplexer's lifecycle for an application framework.
 *
 * - `init()` finds the config file as the Go plugin does (see {@link findPluginConfigFile}: the
 *   `configFile` option, else `KAFKA_CONFIG`, else `kafka.conf`; as given, else in the config
 *   directory, `CONFIG_DIR` or the working directory) and creates the Multiplexer. No file found:
 *   the plugin is disabled (`disabled === true`, one log line says where it looked) and every
 *   connection method throws {@link PluginDisabledError}. A file that is found but cannot be used
 *   is an error ({@link MuxConfigError}), never a disabled plugin.
 * - Between `init()` and `afterInit()` the application creates connections and subscribes.
 * - `afterInit()` starts the Multiplexer; `close()` closes it.
 * - `health()` asks a broker for metadata (no topic, never auto-creating one): `ok`, or
 *   `error` with the reason.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Admin } from '../client/admin.js';
import { Cluster } from '../cluster/cluster.js';
import { consoleLogger } from '../client/config.js';
import { clusterOptions } from '../client/options.js';
import type { Logger } from '../network/logger.js';
import type { AsyncPublisher, BytesConnection, BytesManualConnection, ErrorCallback, SuccessCallback, SyncPublisher } from '../mux/connections.js';
import { loadMuxConfigFile } from '../mux/config-file.js';
import { Multiplexer } from '../mux/multiplexer.js';
import { PluginDisabledError, PluginStateError } from './errors.js';
import type { ProtoAsyncPublisher, ProtoConnection, ProtoManualConnection, ProtoSerializer, ProtoSyncPublisher } from '../mux/proto.js';

/** The config file's default name, as the Go plugin's (`<plugin name>.conf` for the plugin "kafka"). */
export const DEFAULT_CONFIG_FILE = 'kafka.conf';

/**
 * Finds the plugin's config file as the Go layer's plugin config does: the name is the
 * `configFile` option, else `KAFKA_CONFIG`, else `kafka.conf`; it is used as given (relative to
 * the working directory) when that file exists, else looked for in the config directory (the
 * `configDir` option, else `CONFIG_DIR`, else the working directory). `file` is undefined when
 * neither exists; `tried` lists the paths looked at.
 */
export function findPluginConfigFile(options: Pick<KafkaPluginOptions, 'configFile' | 'configDir' | 'env' | 'cwd'> = {}): { file: string | undefined; tried: string[] } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const name = options.configFile ?? env.KAFKA_CONFIG ?? DEFAULT_CONFIG_FILE;
  if (name === '') return { file: undefined, tried: [] };
  const asGiven = path.resolve(cwd, name);
  if (existsSync(asGiven)) return { file: asGiven, tried: [asGiven] };
  const dir = path.resolve(cwd, options.configDir ?? env.CONFIG_DIR ?? '.');
  const inDir = path.resolve(dir, name);
  if (inDir !== asGiven && existsSync(inDir)) return { file: inDir, tried: [asGiven, inDir] };
  return { file: undefined, tried: inDir === asGiven ? [asGiven] : [asGiven, inDir] };
}

export interface KafkaPluginOptions {
  /** Name or path of the YAML config file; default: the KAFKA_CONFIG environment variable, else `kafka.conf`. */
  configFile?: string;
  /** Directory where a config file not found as given is looked for; default: CONFIG_DIR, else the working directory. */
  configDir?: string;
  /** Working directory relative paths are resolved against; default process.cwd(). */
  cwd?: string;
  /** Where the plugin logs (the "config not found" line); default: info and above to stderr. */
  logger?: Logger;
  /** The Multiplexer's name and group when the config file has no group_id (the Go plugin takes the service label there). Default 'kafka'. */
  name?: string;
  /** Environment to read KAFKA_CONFIG and CONFIG_DIR from; default process.env. */
  env?: Record<string, string | undefined>;
  /** Time the health check may take. Default 5000 ms. */
  healthTimeoutMs?: number;
}

/**
 * `ok`, with the Multiplexer's group lag when it consumes (the sum over its partitions of high
 * watermark minus position, from `Multiplexer.metrics()`), or `error` with the reason.
 */
export type HealthStatus = { status: 'ok'; lag?: number } | { status: 'error'; reason: string };

type State = 'new' | 'initialized' | 'started' | 'closed';

export class KafkaPlugin {
  private mux: Multiplexer | undefined;
  private state: State = 'new';
  private isDisabled = false;
  private fileInUse: string | undefined;
  /** Connections made through the plugin, by name, so publishers naming one reuse it. */
  private readonly protoConnections = new Map<string, ProtoConnection>();
  private readonly protoManualConnections = new Map<string, ProtoManualConnection>();
  readonly name: string;

  constructor(private readonly options: KafkaPluginOptions = {}) {
    this.name = options.name ?? 'kafka';
  }

  /**
   * A plugin around a Multiplexer the caller made (the Go layer's `FromExistingMux`, mainly
   * for tests): `init()` reads no config file, `afterInit()` starts the Multiplexer unless it
   * is started, `close()` closes it.
   */
  static fromExistingMux(mux: Multiplexer, options: KafkaPluginOptions = {}): KafkaPlugin {
    const plugin = new KafkaPlugin({ name: mux.name, ...options });
    plugin.mux = mux;
    return plugin;
  }

  /** True when no config file was found: nothing connects, every connection method throws (the Go plugin's `Disabled()`). */
  get disabled(): boolean {
    return this.isDisabled;
  }

  /** The config file in use: after init() the file found, before it the one that would be looked at first (undefined when none). */
  configFile(): string | undefined {
    if (this.state !== 'new') return this.fileInUse;
    return findPluginConfigFile(this.options).file;
  }

  /** Finds and reads the config file and creates the Multiplexer (or disables the plugin when none is found). */
  async init(): Promise<void> {
    if (this.state !== 'new') throw new PluginStateError('init()', this.state);
    if (this.mux !== undefined) {
      this.state = 'initialized';
      return;
    }
    const { file, tried } = findPluginConfigFile(this.options);
    if (file === undefined) {
      this.isDisabled = true;
      this.state = 'initialized';
      const logger = this.options.logger ?? consoleLogger('info');
      logger.info(`kafka config not found (looked at ${tried.join(', ') || 'nothing: the file name is empty'}): the Kafka plugin is disabled`);
      return;
    }
    // as the Go plugin: the file's group_id names the Multiplexer and its group, else the plugin's name
    const { config, groupId, serializer } = loadMuxConfigFile(file);
    this.mux = await Multiplexer.fromConfig(config, groupId ?? this.name, serializer !== undefined ? { serializer } : {});
    this.fileInUse = file;
    this.state = 'initialized';
  }

  /** Starts the Multiplexer: subscriptions made so far join the group. */
  async afterInit(): Promise<void> {
    if (this.state !== 'initialized') throw new PluginStateError('afterInit()', this.state);
    this.state = 'started';
    if (this.mux && !this.mux.isStarted()) await this.mux.start();
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

  /** An Admin on the plugin's config (see Multiplexer.admin); close it when done. Throws when disabled or before init. */
  admin(): Promise<Admin> {
    return this.require('admin()').admin();
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
      const lag = this.mux.metrics().consumer?.consumer.totalLag;
      return lag === undefined ? { status: 'ok' } : { status: 'ok', lag };
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

  /** The same as {@link newBytesConnection} (the Go plugin documents it as `NewConnection`). */
  newConnection(name: string): BytesConnection {
    return this.require('newConnection').newBytesConnection(name);
  }

  /** The Go plugin's `NewBytesConnectionToPartition`: a manual bytes connection. */
  newBytesConnectionToPartition(name: string): BytesManualConnection {
    return this.require('newBytesConnectionToPartition').newBytesManualConnection(name);
  }

  newBytesManualConnection(name: string): BytesManualConnection {
    return this.require('newBytesManualConnection').newBytesManualConnection(name);
  }

  /** A proto connection; the serializer defaults to the Multiplexer's (protojson with proto names, as the Go plugin's). */
  newProtoConnection(name: string, serializer?: ProtoSerializer): ProtoConnection {
    const conn = this.require('newProtoConnection').newProtoConnection(name, serializer);
    this.protoConnections.set(name, conn);
    return conn;
  }

  newProtoManualConnection(name: string, serializer?: ProtoSerializer): ProtoManualConnection {
    const conn = this.require('newProtoManualConnection').newProtoManualConnection(name, serializer);
    this.protoManualConnections.set(name, conn);
    return conn;
  }

  /** The Go plugin's `NewWatcher`: a proto connection to `watch`/`stopWatch` topics with. */
  newWatcher(name: string): ProtoConnection {
    return this.newProtoConnection(name);
  }

  /** The Go plugin's `NewPartitionWatcher`: a manual proto connection to `watchPartition`/`stopWatchPartition` with. */
  newPartitionWatcher(name: string): ProtoManualConnection {
    return this.newProtoManualConnection(name);
  }

  /** The plugin's proto connection `name`, made now if the plugin has none of that name. */
  private protoConnection(what: string, name: string): ProtoConnection {
    this.require(what);
    return this.protoConnections.get(name) ?? this.newProtoConnection(name);
  }

  private protoManualConnection(what: string, name: string): ProtoManualConnection {
    this.require(what);
    return this.protoManualConnections.get(name) ?? this.newProtoManualConnection(name);
  }

  private publisherConnection(what: string): BytesManualConnection {
    const mux = this.require(what);
    this.publishers ??= mux.newBytesManualConnection(`${this.name}:publishers`);
    return this.publishers;
  }
  private publishers: BytesManualConnection | undefined;

  /**
   * `newSyncPublisher(topic)`: a bytes publisher on the plugin's own connection.
   * `newSyncPublisher(connectionName, topic)`: the Go plugin's form, a proto publisher on the
   * plugin's proto connection of that name (made on first use, shared by later calls naming it).
   */
  newSyncPublisher(topic: string): SyncPublisher;
  newSyncPublisher(connectionName: string, topic: string): ProtoSyncPublisher;
  newSyncPublisher(a: string, b?: string): SyncPublisher | ProtoSyncPublisher {
    if (b === undefined) return this.publisherConnection('newSyncPublisher').newSyncPublisher(a);
    return this.protoConnection('newSyncPublisher', a).newSyncPublisher(b);
  }

  /** As {@link newSyncPublisher}; outcomes go to `onSuccess`/`onError`. */
  newAsyncPublisher(topic: string, onSuccess?: SuccessCallback, onError?: ErrorCallback): AsyncPublisher;
  newAsyncPublisher(connectionName: string, topic: string, onSuccess?: SuccessCallback, onError?: ErrorCallback): ProtoAsyncPublisher;
  newAsyncPublisher(
    a: string,
    b?: string | SuccessCallback,
    c?: SuccessCallback | ErrorCallback,
    d?: ErrorCallback,
  ): AsyncPublisher | ProtoAsyncPublisher {
    if (typeof b === 'string') return this.protoConnection('newAsyncPublisher', a).newAsyncPublisher(b, c as SuccessCallback | undefined, d);
    return this.publisherConnection('newAsyncPublisher').newAsyncPublisher(a, b, c as ErrorCallback | undefined);
  }

  /** `(topic, partition)`: bytes; `(connectionName, topic, partition)`: the Go plugin's proto publisher to a partition. */
  newSyncPublisherToPartition(topic: string, partition: number): SyncPublisher;
  newSyncPublisherToPartition(connectionName: string, topic: string, partition: number): ProtoSyncPublisher;
  newSyncPublisherToPartition(a: string, b: number | string, c?: number): SyncPublisher | ProtoSyncPublisher {
    if (typeof b === 'string') return this.protoManualConnection('newSyncPublisherToPartition', a).newSyncPublisherToPartition(b, c as number);
    return this.publisherConnection('newSyncPublisherToPartition').newSyncPublisherToPartition(a, b);
  }

  newAsyncPublisherToPartition(topic: string, partition: number, onSuccess?: SuccessCallback, onError?: ErrorCallback): AsyncPublisher;
  newAsyncPublisherToPartition(connectionName: string, topic: string, partition: number, onSuccess?: SuccessCallback, onError?: ErrorCallback): ProtoAsyncPublisher;
  newAsyncPublisherToPartition(
    a: string,
    b: number | string,
    c?: number | SuccessCallback,
    d?: SuccessCallback | ErrorCallback,
    e?: ErrorCallback,
  ): AsyncPublisher | ProtoAsyncPublisher {
    if (typeof b === 'string') {
      return this.protoManualConnection('newAsyncPublisherToPartition', a).newAsyncPublisherToPartition(b, c as number, d as SuccessCallback | undefined, e);
    }
    return this.publisherConnection('newAsyncPublisherToPartition').newAsyncPublisherToPartition(a, b, c as SuccessCallback | undefined, d as ErrorCallback | undefined);
  }
}
