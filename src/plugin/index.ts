export {
  KafkaPlugin,
  PluginDisabledError,
  PluginStateError,
  DEFAULT_CONFIG_FILE,
  findPluginConfigFile,
  type KafkaPluginOptions,
  type HealthStatus,
} from './plugin.js';
