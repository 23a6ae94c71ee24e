export { KafkaPlugin, PluginDisabledError, PluginStateError, type KafkaPluginOptions, type HealthStatus } from './plugin.js';
