export {
  KafkaPlugin,
  DEFAULT_CONFIG_FILE,
  findPluginConfigFile,
  type KafkaPluginOptions,
  type HealthStatus,
} from './plugin.js';
export { PluginDisabledError, PluginStateError } from './errors.js';
