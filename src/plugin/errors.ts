/** Typed errors of the Kafka plugin (src/plugin). */
import { KafkaesqueError } from '../../protocol/errors.js';

/** A connection method of a plugin that found no config file (the Go plugin's Disabled()). */
export class PluginDisabledError extends KafkaesqueError {
  constructor(what: string) {
    super(
      'ERR_PLUGIN_DISABLED',
      `${what}: the Kafka plugin is disabled (no config file found: put kafka.conf in CONFIG_DIR or the working directory, or set the configFile option or KAFKA_CONFIG)`,
    );
  }
}

/** `init()` or `afterInit()` called out of order, or a connection method before `init()` or after `close()`. */
export class PluginStateError extends KafkaesqueError {
  constructor(what: string, state: string) {
    super('ERR_PLUGIN_STATE', `${what}: the Kafka plugin is ${state}`);
  }
}
