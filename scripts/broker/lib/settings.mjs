// The broker harness, settings: where things are, the defaults, HarnessError. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** scripts/broker: this file is in scripts/broker/lib. */
export const HARNESS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(HARNESS_DIR, '..', '..');
export const MODES = ['single', 'cluster', 'secure'];
export const PROFILES = ['test', 'bench'];

export const DEFAULTS = Object.freeze({
  kafkaVersion: '4.2.1',
  log4jVersion: '2.25.4',
  broker: '127.0.0.1:9092',
  profile: 'test',
  startTimeoutMs: 120_000,
  stopTimeoutMs: 30_000,
  numPartitions: 1,
  internalPartitions: 3,
  storePassword: 'changeit',
});

export const STARTED_LINE = 'Kafka Server started';
export const PLUGIN_KEYS = ['super.users', 'allow.everyone.if.no.acl.found'];
export const PREFIX = 'kafkaesque broker:';

/** An expected failure (missing Java, failed fetch, port in use...): print .message, no stack. */
export class HarnessError extends Error {
  constructor(message, details) {
    super(message);
    this.name = 'HarnessError';
    if (details) this.details = details;
  }
}


// ------------------------------------------------------------------------------------------
// Settings
// ------------------------------------------------------------------------------------------

function parseHostPort(text, what) {
  const m = /^\s*\[?([^\]\s]*?)\]?:(\d+)\s*$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !(port > 0 && port < 65536)) {
    throw new HarnessError(`${what} must be host:port, got "${text}"`);
  }
  return { host: m[1], port };
}

function intEnv(env, name, fallback) {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new HarnessError(`${name} must be a positive integer, got "${v}"`);
  return n;
}

/** Every setting of the harness, from the environment. */
export function settings(env = process.env) {
  const raw = env.KAFKAESQUE_BASE_BROKER || env.KAFKAESQUE_BROKER || DEFAULTS.broker;
  const first = raw.split(',')[0];
  const { host, port } = parseHostPort(first, 'KAFKAESQUE_BROKER');
  const controllerPort = intEnv(env, 'KAFKAESQUE_CONTROLLER_PORT', port + 1);
  const securePort = intEnv(env, 'KAFKAESQUE_SECURE_PORT', port + 200);
  const clusterPort = intEnv(env, 'KAFKAESQUE_CLUSTER_PORT', port);
  const kafkaVersion = (env.KAFKAESQUE_KAFKA_VERSION || DEFAULTS.kafkaVersion).trim();
  if (!/^\d+\.\d+\.\d+([.-][\w.-]+)?$/.test(kafkaVersion)) {
    throw new HarnessError(`KAFKAESQUE_KAFKA_VERSION must look like 4.2.1, got "${kafkaVersion}"`);
  }
  const profile = env.KAFKAESQUE_BROKER_PROFILE || DEFAULTS.profile;
  if (!PROFILES.includes(profile)) {
    throw new HarnessError(`KAFKAESQUE_BROKER_PROFILE must be one of ${PROFILES.join(', ')}, got "${profile}"`);
  }
  const kafkaHome = path.join(REPO_ROOT, '.kafka');
  const versionDir = path.join(kafkaHome, `kafka-${kafkaVersion}`);
  return {
    kafkaVersion,
    log4jVersion: env.KAFKAESQUE_LOG4J_VERSION || DEFAULTS.log4jVersion,
    host,
    port,
    controllerPort,
    securePort,
    clusterPort,
    bootstrap: `${host}:${port}`,
    profile,
    jvmOpts: (env.KAFKAESQUE_BROKER_JVM_OPTS || '').split(/\s+/).filter(Boolean),
    cds: env.KAFKAESQUE_BROKER_CDS !== '0',
    startTimeoutMs: intEnv(env, 'KAFKAESQUE_BROKER_START_TIMEOUT_MS', DEFAULTS.startTimeoutMs),
    stopTimeoutMs: intEnv(env, 'KAFKAESQUE_BROKER_STOP_TIMEOUT_MS', DEFAULTS.stopTimeoutMs),
    mavenRepoLocal: env.KAFKAESQUE_MAVEN_REPO_LOCAL || null,
    repoRoot: REPO_ROOT,
    kafkaHome,
    versionDir,
    libsDir: path.join(versionDir, 'libs'),
    runRoot: path.join(kafkaHome, 'run'),
  };
}

/** The modes the jest globalSetup ensures: KAFKAESQUE_BROKER_MODE, a comma list; first = primary. */
/** Brokers `npm test` runs against unless KAFKAESQUE_BROKER_MODE says otherwise: the secured node too, so CI runs the security tests. */
export const DEFAULT_TEST_MODES = 'single,secure';

export function testModes(env = process.env) {
  const modes = (env.KAFKAESQUE_BROKER_MODE || DEFAULT_TEST_MODES).split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of modes) checkMode(m);
  return modes.length ? [...new Set(modes)] : ['single'];
}

export function checkMode(mode) {
  if (!MODES.includes(mode)) throw new HarnessError(`unknown mode "${mode}" (expected ${MODES.join(', ')})`);
  return mode;
}
