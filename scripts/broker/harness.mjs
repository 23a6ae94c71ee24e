// kafkaesque broker harness: a real Apache Kafka broker (KRaft, no Docker, no ZooKeeper)
// for the tests, the examples and the benchmarks. Plain Node ESM, Node built-ins only.
//
//   npm run broker -- start [--mode single|cluster|secure] [--profile test|bench] [--fresh]
//   npm run broker -- status | stop | describe | logs | check | fetch | tool <MainClass> ...
//
// What it does (see docs/broker.md for the long version and measured timings):
//  1. Jars. The broker is an ordinary set of Maven Central artifacts. The first start copies
//     scripts/broker/pom.xml (version filled in) to .kafka/kafka-<version>/pom.xml and runs
//     `mvn -q -B -f <that pom> package`, which copies every runtime jar into
//     .kafka/kafka-<version>/libs/. A marker (.kafka/kafka-<version>/fetched.json) makes
//     later starts skip Maven entirely.
//  2. Config. scripts/broker/templates/<mode>.properties + common.properties, with ${...}
//     values filled in, are written to .kafka/run/<mode>/[nodeN/]server.properties.
//  3. Format. `kafka.tools.StorageTool format` runs when the data directory is new or the
//     settings changed since the last format (a fingerprint in .kafka/run/<mode>/state.json).
//     Secure mode also gets a test CA, certificates and SCRAM users at this point.
//  4. Start. `java ... kafka.Kafka server.properties`, detached, output to broker.log, pid
//     in broker.pid. Ready = the log says "Kafka Server started" AND the client port answers
//     a Kafka ApiVersions request (AND, for the cluster, every node's Metadata lists all
//     three brokers). Then the log's "KafkaConfig values:" dump is checked for every key we
//     set: the broker silently ignores unknown keys.
//  5. Stop. SIGTERM (controlled shutdown), wait, SIGKILL after a timeout.
//
// Settings, in one place (settings() below):
//   KAFKAESQUE_KAFKA_VERSION  Kafka version, default 4.2.1
//   KAFKAESQUE_BROKER         host:port of the single node, default 127.0.0.1:9092; what the
//                             tests connect to. The other ports derive from it:
//                               controller = port+1 (KAFKAESQUE_CONTROLLER_PORT overrides)
//                               secure     = port+200 .. port+204 (KAFKAESQUE_SECURE_PORT overrides)
//                               cluster    = port+100+10*N (N = 1, 2, 3), controller +1
//                                            (KAFKAESQUE_CLUSTER_PORT replaces port here);
//                                            kept below Linux's ephemeral range (32768+), where
//                                            another program's outgoing socket can hold a port
//   KAFKAESQUE_BROKER_PROFILE test (default: C1 JIT + AppCDS, small heap) | bench (JVM defaults)
//   KAFKAESQUE_BROKER_JVM_OPTS extra JVM options for the broker
//   KAFKAESQUE_BROKER_CDS=0   no AppCDS archive in the test profile
//   KAFKAESQUE_BROKER_START_TIMEOUT_MS / _STOP_TIMEOUT_MS   default 120000 / 30000
//   KAFKAESQUE_MAVEN_REPO_LOCAL  passed to mvn as -Dmaven.repo.local (e.g. a CI cache)
//   KAFKAESQUE_BROKER_MODE    modes the jest globalSetup ensures (comma list, default single)
//   KAFKAESQUE_BASE_BROKER    internal: the single-node address, kept by globalSetup when it
//                             points KAFKAESQUE_BROKER at a cluster's bootstrap list
//
// Library API (all async functions return plain data):
//   settings(env?)                 resolved settings
//   describe(mode, env?)           addresses, listeners, users, certificates, files of a mode
//   start({ mode, profile, fresh, nodes, log })   -> { alreadyRunning, foreign, seconds, ... }
//   stop({ mode, nodes, kill, log })               -> { stopped: [ids], killed: [ids], ... }
//   status(mode)                   -> { running, foreign, nodes: [{ id, pid, alive, answering }] }
//   ensureRunning({ mode, log })   start unless a broker already answers -> { started }
//   ensureLibs({ version, log })   fetch the jars when needed -> libs directory
//   runTool(mainClass, args, opts) run a Kafka CLI class (TopicCommand, AclCommand, ...)
//   kafkaProbe(host, port)         true when a Kafka broker answers ApiVersions there
//   HarnessError                   an expected failure; .message is one human-readable line

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_DIR = path.dirname(fileURLToPath(import.meta.url));
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

const STARTED_LINE = 'Kafka Server started';
const PLUGIN_KEYS = ['super.users', 'allow.everyone.if.no.acl.found'];
const PREFIX = 'kafkaesque broker:';

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

function checkMode(mode) {
  if (!MODES.includes(mode)) throw new HarnessError(`unknown mode "${mode}" (expected ${MODES.join(', ')})`);
  return mode;
}

// ------------------------------------------------------------------------------------------
// Layout of each mode: nodes, ports, files, users, certificates
// ------------------------------------------------------------------------------------------

const USERS = {
  admin: { password: 'admin-secret', superUser: true, acls: 'super user (super.users=User:admin)' },
  alice: { password: 'alice-secret', superUser: false, acls: 'All on topic *, group *, transactional-id *, cluster' },
  bob: { password: 'bob-secret', superUser: false, acls: 'none (every request is denied)' },
};
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
const CERT_NAMES = ['broker', ...Object.keys(USERS)];

function addr(host, port) {
  if (port > 65535) throw new HarnessError(`port ${port} is out of range: choose a lower port in KAFKAESQUE_BROKER`);
  return `${host}:${port}`;
}

function nodeFiles(dir) {
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    propertiesFile: path.join(dir, 'server.properties'),
    logFile: path.join(dir, 'broker.log'),
    pidFile: path.join(dir, 'broker.pid'),
  };
}

/**
 * Everything a test or a script needs to know about a mode, as plain data. Pure: reads and
 * writes no file, starts nothing.
 */
export function describe(mode = 'single', env = process.env) {
  checkMode(mode);
  const s = settings(env);
  const runDir = path.join(s.runRoot, mode);
  const base = {
    mode,
    kafkaVersion: s.kafkaVersion,
    profile: s.profile,
    runDir,
    stateFile: path.join(runDir, 'state.json'),
    libsDir: s.libsDir,
    classpath: path.join(s.libsDir, '*'),
    users: {},
    certs: null,
    clientConfigs: {},
  };
  if (mode === 'single') {
    const client = addr(s.host, s.port);
    const controller = addr(s.host, s.controllerPort);
    const node = { id: 1, host: s.host, port: s.port, bootstrap: client, controller, ...nodeFiles(runDir) };
    node.ports = [s.port, s.controllerPort];
    return {
      ...base,
      bootstrap: [client],
      bootstrapServers: client,
      listeners: { PLAINTEXT: [client], CONTROLLER: [controller] },
      nodes: [node],
      heap: ['256m', '768m'],
    };
  }
  if (mode === 'cluster') {
    const nodes = [1, 2, 3].map((id) => {
      const port = s.clusterPort + 100 + id * 10;
      const dir = path.join(runDir, `node${id}`);
      return {
        id,
        host: s.host,
        port,
        bootstrap: addr(s.host, port),
        controller: addr(s.host, port + 1),
        ports: [port, port + 1],
        ...nodeFiles(dir),
      };
    });
    const bootstrap = nodes.map((n) => n.bootstrap);
    return {
      ...base,
      bootstrap,
      bootstrapServers: bootstrap.join(','),
      listeners: { PLAINTEXT: bootstrap, CONTROLLER: nodes.map((n) => n.controller) },
      voters: nodes.map((n) => `${n.id}@${n.controller}`).join(','),
      nodes,
      heap: ['256m', '512m'],
      minInsyncReplicas: 2,
      replicationFactor: 3,
    };
  }
  // secure
  const p = s.securePort;
  const listeners = {
    PLAINTEXT: [addr(s.host, p)],
    CONTROLLER: [addr(s.host, p + 1)],
    SASL_PLAINTEXT: [addr(s.host, p + 2)],
    SSL: [addr(s.host, p + 3)],
    SASL_SSL: [addr(s.host, p + 4)],
  };
  const node = {
    id: 1,
    host: s.host,
    port: p,
    bootstrap: listeners.PLAINTEXT[0],
    controller: listeners.CONTROLLER[0],
    ports: [p, p + 1, p + 2, p + 3, p + 4],
    ...nodeFiles(runDir),
  };
  const certsDir = path.join(runDir, 'certs');
  const pw = DEFAULTS.storePassword;
  const certFiles = (name) => ({
    cert: path.join(certsDir, `${name}-cert.pem`),
    key: path.join(certsDir, `${name}-key.pem`),
    keystore: path.join(certsDir, `${name}.p12`),
  });
  const users = {};
  for (const [name, u] of Object.entries(USERS)) {
    users[name] = { name, principal: `User:${name}`, password: u.password, mechanisms: SASL_MECHANISMS, superUser: u.superUser, acls: u.acls };
  }
  const clientsDir = path.join(runDir, 'clients');
  const clientConfigs = {};
  for (const name of Object.keys(USERS)) {
    for (const c of ['plain', 'scram-sha-256', 'scram-sha-512', 'sasl-ssl', 'mtls']) {
      clientConfigs[`${name}-${c}`] = path.join(clientsDir, `${name}-${c}.properties`);
    }
  }
  clientConfigs.admin = path.join(clientsDir, 'admin.properties'); // = admin-plain
  return {
    ...base,
    bootstrap: listeners.PLAINTEXT,
    bootstrapServers: listeners.PLAINTEXT[0],
    listeners,
    nodes: [node],
    heap: ['256m', '768m'],
    users,
    certs: {
      dir: certsDir,
      password: pw,
      storeType: 'PKCS12',
      ca: path.join(certsDir, 'ca.pem'),
      truststore: path.join(certsDir, 'truststore.p12'),
      broker: { ...certFiles('broker'), subject: 'CN=localhost', subjectAltNames: brokerSans(s.host) },
      clients: Object.fromEntries(Object.keys(USERS).map((n) => [n, { ...certFiles(n), subject: `CN=${n}`, principal: `User:${n}` }])),
    },
    clientsDir,
    clientConfigs,
    superUsers: ['User:admin'],
    anonymousAllowed: false,
  };
}

function brokerSans(host) {
  const sans = ['dns:localhost', 'ip:127.0.0.1'];
  const extra = net.isIP(host) ? `ip:${host}` : `dns:${host}`;
  if (!sans.includes(extra)) sans.push(extra);
  return sans;
}

// ------------------------------------------------------------------------------------------
// Small process / file helpers
// ------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readJson(file) {
  const t = readText(file);
  if (t === null) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** pid alive (and not a zombie)? */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  const stat = readText(`/proc/${pid}/stat`);
  if (stat) {
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  }
  return true;
}

/** Does the command line of pid contain needle? (guards against a recycled pid) */
function processMatches(pid, needle) {
  const cmdline = readText(`/proc/${pid}/cmdline`);
  if (cmdline !== null) return cmdline.split('\0').some((a) => a.includes(needle));
  const r = spawnSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(needle);
}

function readPid(file) {
  const t = readText(file);
  const pid = t ? Number.parseInt(t.trim(), 10) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function findOnPath(name, env = process.env) {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of (env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const f = path.join(dir, name + ext);
      try {
        if (fs.statSync(f).isFile()) {
          fs.accessSync(f, fs.constants.X_OK);
          return f;
        }
      } catch {
        /* not here */
      }
    }
  }
  return null;
}

/** Run a program, collect its output. Resolves { code, signal, stdout, stderr }. */
function run(cmd, args, { cwd, input, env, outFile } = {}) {
  return new Promise((resolve, reject) => {
    let child;
    const out = outFile ? fs.openSync(outFile, 'a') : null;
    try {
      child = spawn(cmd, args, {
        cwd,
        env: env || process.env,
        stdio: [input === undefined ? 'ignore' : 'pipe', out ?? 'pipe', out ?? 'pipe'],
      });
    } catch (e) {
      if (out !== null) fs.closeSync(out);
      reject(e);
      return;
    }
    if (out !== null) fs.closeSync(out);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
  });
}

function lastLines(text, n) {
  return (text || '').trimEnd().split('\n').slice(-n).join('\n');
}

/** Cross-process lock: a file created with O_EXCL holding the owner's pid. */
async function withLock(file, timeoutMs, what, fn) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const owner = readPid(file);
      if (!owner || !isAlive(owner)) {
        // stale: its owner died. Remove it only if it still holds the same content.
        if (readPid(file) === owner) fs.rmSync(file, { force: true });
        continue;
      }
      if (owner === process.pid) throw new Error(`lock ${file} re-entered`);
      if (Date.now() > deadline) {
        throw new HarnessError(`another harness process (pid ${owner}) is busy with ${what}; gave up waiting (${file})`);
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  }
}

// ------------------------------------------------------------------------------------------
// Kafka wire probes (tiny: ApiVersions v0 and Metadata v4, non-flexible)
// ------------------------------------------------------------------------------------------

/** Resolves true when something accepts a TCP connection on host:port. */
export function tcpCheck(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

let correlation = 1;

/** One request/response on a fresh connection; resolves the response body (after the header). */
export function kafkaRequest(host, port, apiKey, apiVersion, body = Buffer.alloc(0), timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kafkaesque-harness');
    const corr = correlation++ & 0x7fffffff;
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(corr, 4);
    header.writeInt16BE(clientId.length, 8);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + clientId.length + body.length, 0);
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const fail = (e) => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`timeout talking to ${host}:${port}`)));
    sock.once('error', fail);
    sock.once('close', () => reject(new Error(`connection to ${host}:${port} closed`)));
    sock.once('connect', () => sock.write(Buffer.concat([size, header, clientId, body])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readInt32BE(0);
      if (buf.length < 4 + len) return;
      sock.destroy();
      const got = buf.readInt32BE(4);
      if (got !== corr) reject(new Error(`correlation id ${got} != ${corr}`));
      else resolve(buf.subarray(8, 4 + len));
    });
  });
}

/** ApiVersions v0 -> { errorCode, apis: Map<key, [min, max]> } */
export async function apiVersions(host, port, timeoutMs = 2000) {
  const b = await kafkaRequest(host, port, 18, 0, Buffer.alloc(0), timeoutMs);
  const errorCode = b.readInt16BE(0);
  const n = b.readInt32BE(2);
  const apis = new Map();
  for (let i = 0, o = 6; i < n; i++, o += 6) apis.set(b.readInt16BE(o), [b.readInt16BE(o + 2), b.readInt16BE(o + 4)]);
  return { errorCode, apis };
}

/** True when a Kafka broker answers ApiVersions on host:port. */
export async function kafkaProbe(host, port, timeoutMs = 2000) {
  try {
    const r = await apiVersions(host, port, timeoutMs);
    return r.errorCode === 0 && r.apis.has(3);
  } catch {
    return false;
  }
}

/** Metadata v4 with no topics -> { brokers: [{ id, host, port }], controllerId, clusterId } */
export async function metadataBrokers(host, port, timeoutMs = 2000) {
  const req = Buffer.from([0, 0, 0, 0, 0]); // topics: empty array; allow_auto_topic_creation: false
  const b = await kafkaRequest(host, port, 3, 4, req, timeoutMs);
  let o = 4; // throttle_time_ms
  const n = b.readInt32BE(o);
  o += 4;
  const brokers = [];
  const str = () => {
    const len = b.readInt16BE(o);
    o += 2;
    if (len < 0) return null;
    const s = b.toString('utf8', o, o + len);
    o += len;
    return s;
  };
  for (let i = 0; i < n; i++) {
    const id = b.readInt32BE(o);
    o += 4;
    const h = str();
    const p = b.readInt32BE(o);
    o += 4;
    str(); // rack
    brokers.push({ id, host: h, port: p });
  }
  const clusterId = str();
  const controllerId = b.readInt32BE(o);
  return { brokers, clusterId, controllerId };
}

// ------------------------------------------------------------------------------------------
// Java, Maven, jars
// ------------------------------------------------------------------------------------------

const JAVA_MISSING =
  'Java not found on PATH; install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless, brew install openjdk@17) or set JAVA_HOME';
let javaCache = null;

/** Locate and check the JDK: { java, keytool, major, version, home }. Throws HarnessError. */
export function javaInfo(env = process.env) {
  const key = `${env.JAVA_HOME || ''}|${env.PATH || ''}`;
  if (javaCache && javaCache.key === key) return javaCache.info;
  let java = null;
  if (env.JAVA_HOME) {
    const j = path.join(env.JAVA_HOME, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (fs.existsSync(j)) java = j;
  }
  java ??= findOnPath('java', env);
  if (!java) throw new HarnessError(JAVA_MISSING);
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', env });
  const text = `${r.stderr || ''}${r.stdout || ''}`;
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(text);
  if (r.error || r.status !== 0 || !m) {
    throw new HarnessError(`Java at ${java} does not run (${r.error?.message || lastLines(text, 1) || `exit ${r.status}`}); install a JDK 17+`);
  }
  const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
  if (major < 17) {
    throw new HarnessError(`Java ${major} found at ${java}; Kafka 4.x needs Java 17 or newer (install a JDK 17+ or set JAVA_HOME)`);
  }
  const real = fs.realpathSync(java);
  const keytool = path.join(path.dirname(real), process.platform === 'win32' ? 'keytool.exe' : 'keytool');
  const info = { java, keytool, major, version: text.split('\n')[0].trim(), home: path.dirname(path.dirname(real)), realJava: real };
  javaCache = { key, info };
  return info;
}

/** Locate Maven. Throws HarnessError. */
export function mvnPath(env = process.env, kafkaVersion = DEFAULTS.kafkaVersion) {
  const mvn = findOnPath('mvn', env);
  if (!mvn) {
    throw new HarnessError(
      `Maven (mvn) not found on PATH; it is needed once to download the Kafka ${kafkaVersion} jars from Maven Central (install Maven 3.6+, e.g. apt-get install maven)`,
    );
  }
  return mvn;
}

function pomTemplate() {
  return fs.readFileSync(path.join(HARNESS_DIR, 'pom.xml'), 'utf8');
}

function libsMarkerFile(s) {
  return path.join(s.versionDir, 'fetched.json');
}

function libsFingerprint(s) {
  return sha256(`${pomTemplate()}\n${s.kafkaVersion}\n${s.log4jVersion}`).slice(0, 16);
}

/** The marker of a complete libs folder, or null. */
export function libsState(env = process.env) {
  const s = settings(env);
  const marker = readJson(libsMarkerFile(s));
  if (!marker || marker.fingerprint !== libsFingerprint(s) || !Array.isArray(marker.jars) || marker.jars.length === 0) return null;
  for (const jar of marker.jars) if (!fs.existsSync(path.join(s.libsDir, jar))) return null;
  return marker;
}

/** Make sure .kafka/kafka-<version>/libs holds the broker's jars; fetch them with mvn if not. */
export async function ensureLibs({ env = process.env, log = () => {}, force = false } = {}) {
  const s = settings(env);
  if (!force && libsState(env)) return s.libsDir;
  javaInfo(env); // Maven runs on Java: report a missing JDK as such
  const mvn = mvnPath(env, s.kafkaVersion);
  fs.mkdirSync(s.versionDir, { recursive: true });
  return withLock(path.join(s.versionDir, '.fetch.lock'), 20 * 60_000, `fetching Kafka ${s.kafkaVersion}`, async () => {
    if (!force && libsState(env)) return s.libsDir;
    const tmp = path.join(s.versionDir, `libs.tmp-${process.pid}`);
    rmrf(tmp);
    const pom = pomTemplate()
      .replace('@KAFKA_VERSION@', s.kafkaVersion)
      .replace('@LOG4J_VERSION@', s.log4jVersion)
      .replace('@LIBS_DIR@', tmp.split(path.sep).join('/'));
    const pomFile = path.join(s.versionDir, 'pom.xml');
    fs.writeFileSync(pomFile, pom);
    const fetchLog = path.join(s.versionDir, 'fetch.log');
    fs.writeFileSync(fetchLog, '');
    const args = ['-q', '-B', '-f', pomFile, 'package'];
    if (s.mavenRepoLocal) args.push(`-Dmaven.repo.local=${s.mavenRepoLocal}`);
    log(`${PREFIX} fetching Kafka ${s.kafkaVersion} jars from Maven Central (mvn ${args.join(' ')}); first time only`);
    const t0 = Date.now();
    let r;
    try {
      r = await run(mvn, args, { cwd: s.versionDir, outFile: fetchLog });
    } catch (e) {
      throw new HarnessError(`Maven at ${mvn} does not run (${e.message})`);
    }
    const seconds = (Date.now() - t0) / 1000;
    if (r.code !== 0) {
      rmrf(tmp);
      const out = readText(fetchLog) || '';
      const firstError = out.split('\n').find((l) => /\[ERROR\]/.test(l))?.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\s*\[ERROR\]\s*/, '') || `exit code ${r.code}`;
      throw new HarnessError(`mvn could not fetch Kafka ${s.kafkaVersion}: ${firstError.slice(0, 300)} (full output: ${fetchLog})`);
    }
    const jars = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.endsWith('.jar')).sort() : [];
    for (const must of [`kafka_2.13-${s.kafkaVersion}.jar`, `kafka-clients-${s.kafkaVersion}.jar`, `log4j-slf4j-impl-${s.log4jVersion}.jar`]) {
      if (!jars.includes(must)) {
        rmrf(tmp);
        throw new HarnessError(`mvn finished but ${must} is missing from the fetched jars (see ${fetchLog})`);
      }
    }
    // swap the new folder in (a broker already running keeps its open jars)
    const old = path.join(s.versionDir, `libs.old-${process.pid}`);
    if (fs.existsSync(s.libsDir)) fs.renameSync(s.libsDir, old);
    fs.renameSync(tmp, s.libsDir);
    rmrf(old);
    rmrf(path.join(s.versionDir, 'target'));
    writeFileAtomic(
      libsMarkerFile(s),
      JSON.stringify({ version: s.kafkaVersion, log4jVersion: s.log4jVersion, fingerprint: libsFingerprint(s), fetchedAt: new Date().toISOString(), seconds, jars }, null, 2),
    );
    log(`${PREFIX} fetched ${jars.length} jars into ${path.relative(process.cwd(), s.libsDir) || s.libsDir} in ${seconds.toFixed(1)} s`);
    return s.libsDir;
  });
}

/**
 * Run a Kafka command-line class (org.apache.kafka.tools.TopicCommand, kafka.admin.ConfigCommand,
 * ...) with the broker's jars. Logging: warnings only, on stderr.
 * opts.stdio 'inherit' streams the output; otherwise resolves { code, stdout, stderr }.
 */
export async function runTool(mainClass, args = [], { env = process.env, stdio, input, heap = '512m', log } = {}) {
  const s = settings(env);
  const { java } = javaInfo(env);
  await ensureLibs({ env, log });
  // C1 only starts short admin tools faster; the perf tools get the full JIT
  const c1 = /Performance|Latency/.test(mainClass) ? [] : ['-XX:TieredStopAtLevel=1'];
  const jvm = [`-Xmx${heap}`, ...c1, `-Dlog4j2.configurationFile=${path.join(HARNESS_DIR, 'tools-log4j2.properties')}`, '-cp', path.join(s.libsDir, '*'), mainClass, ...args];
  if (stdio === 'inherit') {
    return new Promise((resolve, reject) => {
      const c = spawn(java, jvm, { stdio: 'inherit', env });
      c.on('error', reject);
      c.on('close', (code, signal) => resolve({ code: code ?? 1, signal }));
    });
  }
  return run(java, jvm, { input, env });
}

// ------------------------------------------------------------------------------------------
// Configuration files
// ------------------------------------------------------------------------------------------

function fill(template, values, file) {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, k) => {
    if (!(k in values)) throw new Error(`${file}: no value for \${${k}}`);
    return String(values[k]);
  });
}

function template(name) {
  return fs.readFileSync(path.join(HARNESS_DIR, 'templates', name), 'utf8');
}

const slash = (p) => p.split(path.sep).join('/');

/** The server.properties text of each node of a mode, keyed by node id. */
export function renderProperties(d) {
  const common = template('common.properties');
  const out = {};
  for (const node of d.nodes) {
    const values = {
      DATA_DIR: slash(node.dataDir),
      NUM_PARTITIONS: DEFAULTS.numPartitions,
      INTERNAL_PARTITIONS: DEFAULTS.internalPartitions,
      REPLICATION_FACTOR: d.mode === 'cluster' ? 3 : 1,
      MIN_ISR: d.mode === 'cluster' ? 2 : 1,
      NODE_ID: node.id,
      CLIENT_ADDR: node.bootstrap,
      CONTROLLER_ADDR: node.controller,
      HOST: node.host,
    };
    let own;
    if (d.mode === 'single') own = fill(template('single.properties'), values, 'single.properties');
    else if (d.mode === 'cluster') own = fill(template('cluster-node.properties'), { ...values, VOTERS: d.voters }, 'cluster-node.properties');
    else {
      const plainUsers = Object.entries(d.users).map(([n, u]) => `user_${n}="${u.password}"`).join(' ');
      own = fill(
        template('secure.properties'),
        {
          ...values,
          PLAINTEXT_ADDR: d.listeners.PLAINTEXT[0],
          SASL_PLAINTEXT_ADDR: d.listeners.SASL_PLAINTEXT[0],
          SSL_ADDR: d.listeners.SSL[0],
          SASL_SSL_ADDR: d.listeners.SASL_SSL[0],
          ADMIN_PASSWORD: d.users.admin.password,
          PLAIN_USERS: plainUsers,
          CERTS_DIR: slash(d.certs.dir),
          STORE_PASSWORD: d.certs.password,
        },
        'secure.properties',
      );
    }
    out[node.id] = `${own}\n${fill(common, values, 'common.properties')}`;
  }
  return out;
}

/** Keys set in a properties text (continuation lines are not used by our templates). */
export function propertyKeys(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
    .map((l) => l.slice(0, l.indexOf('=')).trim());
}

/** Keys of the first "KafkaConfig values:" dump of a broker log, or null if there is none yet. */
export function loggedConfigKeys(logText) {
  const i = logText.indexOf('KafkaConfig values:');
  if (i < 0) return null;
  const keys = new Set();
  for (const line of logText.slice(i).split('\n').slice(1)) {
    const m = /^\t([\w.-]+) = /.exec(line);
    if (!m) break;
    keys.add(m[1]);
  }
  return keys;
}

/** Keys we set that the broker does not know (it ignores them without a word). */
function unknownKeys(propsText, logText) {
  const known = loggedConfigKeys(logText);
  if (!known) return null;
  // per-listener overrides (listener.name.<l>.<key>) are not in the dump, nor are the keys
  // only the authorizer reads (they work: the secure-mode ACL checks prove it)
  return propertyKeys(propsText).filter((k) => !k.startsWith('listener.name.') && !PLUGIN_KEYS.includes(k) && !known.has(k));
}

function clientConfigText(d, user, kind) {
  const u = d.users[user];
  const lines = [];
  const jaas = (mech) =>
    mech === 'PLAIN'
      ? `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${u.password}";`
      : `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${u.password}";`;
  const trust = [`ssl.truststore.type=PKCS12`, `ssl.truststore.location=${slash(d.certs.truststore)}`, `ssl.truststore.password=${d.certs.password}`];
  if (kind === 'mtls') {
    const c = d.certs.clients[user];
    lines.push(`# ${user} over SSL (${d.listeners.SSL[0]}) with a client certificate (CN=${user})`, 'security.protocol=SSL', ...trust);
    lines.push('ssl.keystore.type=PKCS12', `ssl.keystore.location=${slash(c.keystore)}`, `ssl.keystore.password=${d.certs.password}`, `ssl.key.password=${d.certs.password}`);
  } else if (kind === 'sasl-ssl') {
    lines.push(`# ${user} over SASL_SSL (${d.listeners.SASL_SSL[0]}), SCRAM-SHA-512`, 'security.protocol=SASL_SSL', ...trust);
    lines.push('sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${jaas('SCRAM')}`);
  } else {
    const mech = kind.toUpperCase();
    lines.push(`# ${user} over SASL_PLAINTEXT (${d.listeners.SASL_PLAINTEXT[0]}), ${mech}`, 'security.protocol=SASL_PLAINTEXT');
    lines.push(`sasl.mechanism=${mech}`, `sasl.jaas.config=${jaas(mech)}`);
  }
  return `${lines.join('\n')}\n`;
}

function writeClientConfigs(d) {
  fs.mkdirSync(d.clientsDir, { recursive: true });
  for (const [key, file] of Object.entries(d.clientConfigs)) {
    const [user, kind] = key === 'admin' ? ['admin', 'plain'] : [key.slice(0, key.indexOf('-')), key.slice(key.indexOf('-') + 1)];
    fs.writeFileSync(file, clientConfigText(d, user, kind));
  }
}

// ------------------------------------------------------------------------------------------
// Certificates (secure mode): a test CA signs the broker and one client cert per user
// ------------------------------------------------------------------------------------------

async function ensureCerts(d, ji, log) {
  const dir = d.certs.dir;
  const want = { v: 1, sans: d.certs.broker.subjectAltNames, names: CERT_NAMES };
  const meta = readJson(path.join(dir, 'meta.json'));
  const files = ['ca.pem', 'truststore.p12', ...CERT_NAMES.flatMap((n) => [`${n}.p12`, `${n}-key.pem`, `${n}-cert.pem`])];
  if (meta && JSON.stringify(meta.want) === JSON.stringify(want) && files.every((f) => fs.existsSync(path.join(dir, f)))) return false;
  log(`${PREFIX} creating a test CA and certificates in ${dir}`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  const pw = d.certs.password;
  const kt = async (args, input) => {
    // keytool is a short JVM run: the C1 JIT alone halves its time
    const r = await run(ji.keytool, ['-J-XX:TieredStopAtLevel=1', ...args], { cwd: dir, input });
    if (r.code !== 0) throw new HarnessError(`keytool ${args[0]} failed: ${lastLines(r.stderr || r.stdout, 3)}`);
    return r.stdout;
  };
  const store = (name) => ['-keystore', `${name}.p12`, '-storetype', 'PKCS12', '-storepass', pw];
  await kt(['-genkeypair', '-alias', 'ca', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-dname', 'CN=kafkaesque test CA', '-ext', 'bc:c', '-ext', 'KU=keyCertSign,cRLSign', ...store('ca'), '-keypass', pw]);
  await kt(['-exportcert', '-alias', 'ca', ...store('ca'), '-rfc', '-file', 'ca.crt']);
  await Promise.all(
    CERT_NAMES.map(async (name) => {
      const broker = name === 'broker';
      const cn = broker ? 'localhost' : name;
      const san = broker ? ['-ext', `SAN=${d.certs.broker.subjectAltNames.join(',')}`] : [];
      await kt(['-genkeypair', '-alias', name, '-keyalg', 'RSA', '-keysize', '2048', '-validity', '3650', '-dname', `CN=${cn}`, ...store(name), '-keypass', pw]);
      const csr = await kt(['-certreq', '-alias', name, ...store(name)]);
      const eku = broker ? 'EKU=serverAuth,clientAuth' : 'EKU=clientAuth';
      const crt = await kt(['-gencert', '-alias', 'ca', ...store('ca'), '-rfc', '-validity', '3650', ...san, '-ext', 'KU=digitalSignature,keyEncipherment', '-ext', eku], csr);
      fs.writeFileSync(path.join(dir, `${name}.crt`), crt);
    }),
  );
  const r = await run(ji.java, [path.join(HARNESS_DIR, 'CertTool.java'), dir, pw, ...CERT_NAMES], { cwd: dir });
  if (r.code !== 0) throw new HarnessError(`CertTool.java failed: ${lastLines(r.stderr || r.stdout, 3)}`);
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ want, createdAt: new Date().toISOString() }, null, 2));
  return true;
}

// ------------------------------------------------------------------------------------------
// JVM options, AppCDS
// ------------------------------------------------------------------------------------------

function cdsPaths(s, ji) {
  const marker = readJson(libsMarkerFile(s)) || {};
  const key = sha256(`${ji.realJava}\n${ji.version}\n${marker.fingerprint}\n${marker.fetchedAt}`).slice(0, 12);
  const dir = path.join(s.versionDir, 'cds');
  return { dir, archive: path.join(dir, `broker-${key}.jsa`) };
}

function jvmArgs(s, d, node, ji, profile) {
  const args = [];
  let cdsTmp = null;
  if (profile === 'bench') {
    // what bin/kafka-server-start.sh uses
    args.push('-Xms1g', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent');
  } else {
    args.push(`-Xms${d.heap[0]}`, `-Xmx${d.heap[1]}`, '-XX:+UseG1GC', '-XX:TieredStopAtLevel=1');
    if (s.cds) {
      const { dir, archive } = cdsPaths(s, ji);
      if (fs.existsSync(archive)) args.push(`-XX:SharedArchiveFile=${archive}`);
      else {
        // no archive yet: this run records one when it exits (renamed into place by stop())
        fs.mkdirSync(dir, { recursive: true });
        cdsTmp = `${archive}.${d.mode}-${node.id}.tmp`;
        rmrf(cdsTmp);
        args.push(`-XX:ArchiveClassesAtExit=${cdsTmp}`);
      }
    }
  }
  args.push(
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(HARNESS_DIR, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${node.dir}`,
    ...s.jvmOpts,
  );
  return { args, cdsTmp, cdsArchive: cdsTmp ? cdsPaths(s, ji).archive : null };
}

// ------------------------------------------------------------------------------------------
// Status
// ------------------------------------------------------------------------------------------

function readState(d) {
  return readJson(d.stateFile) || {};
}

function writeState(d, state) {
  writeFileAtomic(d.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

function nodeProcess(node) {
  const pid = readPid(node.pidFile);
  const alive = !!pid && isAlive(pid) && processMatches(pid, node.propertiesFile);
  return { pid: alive ? pid : null, stalePid: pid && !alive ? pid : null };
}

/**
 * Is the broker of this mode running? running = every node's process (from its pid file) is
 * alive and its client port answers ApiVersions. foreign = every node answers but no process
 * of ours is behind it (someone else started it; we use it but never stop it).
 */
export async function status(mode = 'single', { env = process.env } = {}) {
  const d = describe(mode, env);
  const state = readState(d);
  const nodes = await Promise.all(
    d.nodes.map(async (n) => {
      const { pid } = nodeProcess(n);
      const answering = await kafkaProbe(n.host, n.port, 1500);
      return { id: n.id, address: n.bootstrap, pid, alive: !!pid, answering, logFile: n.logFile };
    }),
  );
  const running = nodes.every((n) => n.alive && n.answering);
  const foreign = !running && nodes.every((n) => n.answering && !n.alive);
  const settingsChanged = nodes.some((n) => n.alive) && !!state.fingerprint && state.bootstrapServers !== d.bootstrapServers;
  return {
    mode,
    running,
    foreign,
    settingsChanged,
    runningAddress: settingsChanged ? state.bootstrapServers : undefined,
    bootstrapServers: d.bootstrapServers,
    kafkaVersion: state.kafkaVersion || d.kafkaVersion,
    profile: state.profile || null,
    startedAt: state.startedAt || null,
    unknownKeys: state.unknownKeys ?? null,
    nodes,
  };
}

// ------------------------------------------------------------------------------------------
// Start
// ------------------------------------------------------------------------------------------

function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

async function format(d, props, ji, s, { fresh, log }) {
  const state = readState(d);
  const fingerprint = sha256(`${s.kafkaVersion}\n${JSON.stringify(props)}`).slice(0, 16);
  const formatted = d.nodes.every((n) => fs.existsSync(path.join(n.dataDir, 'meta.properties')));
  if (formatted && !fresh && state.fingerprint === fingerprint) return { state, formatted: false };
  if (formatted && !fresh) log(`${PREFIX} ${d.mode}: settings changed since the last format; starting from empty data`);
  for (const n of d.nodes) rmrf(n.dataDir);
  const clusterId = newClusterId();
  const extra = [];
  if (d.mode !== 'cluster') extra.push('--standalone'); // dynamic quorum, controller.quorum.bootstrap.servers
  if (d.mode === 'secure') {
    for (const [name, u] of Object.entries(d.users)) {
      for (const mech of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) extra.push('--add-scram', `${mech}=[name=${name},password=${u.password}]`);
    }
  }
  const results = await Promise.all(
    d.nodes.map((n) =>
      run(ji.java, [
        '-Xmx256m',
        '-XX:TieredStopAtLevel=1',
        `-Dlog4j2.configurationFile=${path.join(HARNESS_DIR, 'tools-log4j2.properties')}`,
        '-cp',
        path.join(s.libsDir, '*'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        n.propertiesFile,
        ...extra,
      ]),
    ),
  );
  results.forEach((r, i) => {
    if (r.code !== 0) {
      throw new HarnessError(`${d.mode}: formatting ${d.nodes[i].dataDir} failed: ${lastLines(r.stderr || r.stdout, 3)}`);
    }
  });
  const next = { mode: d.mode, kafkaVersion: s.kafkaVersion, fingerprint, clusterId, formattedAt: new Date().toISOString(), aclsApplied: false };
  writeState(d, next);
  return { state: next, formatted: true };
}

function spawnNode(d, node, ji, s, profile) {
  fs.mkdirSync(node.dir, { recursive: true });
  if (fs.existsSync(node.logFile)) fs.renameSync(node.logFile, `${node.logFile}.1`);
  const { args, cdsTmp, cdsArchive } = jvmArgs(s, d, node, ji, profile);
  const fd = fs.openSync(node.logFile, 'w');
  const argv = [...args, '-cp', path.join(s.libsDir, '*'), 'kafka.Kafka', node.propertiesFile];
  fs.writeSync(fd, `# ${new Date().toISOString()} kafkaesque harness: ${ji.java} ${argv.join(' ')}\n`);
  let child;
  try {
    child = spawn(ji.java, argv, { cwd: node.dir, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  const info = { node, pid: child.pid, exit: null, cdsTmp, cdsArchive };
  child.on('exit', (code, signal) => (info.exit = { code, signal }));
  child.on('error', (e) => (info.exit = { code: -1, signal: null, error: e }));
  child.unref();
  fs.writeFileSync(node.pidFile, `${child.pid}\n`);
  return info;
}

/** Wait for "Kafka Server started" in each log, then for each client port to answer. */
async function waitReady(d, started, timeoutMs, expected = d.nodes) {
  const deadline = Date.now() + timeoutMs;
  const offsets = new Map();
  const pending = new Set(started);
  while (pending.size) {
    for (const st of [...pending]) {
      if (st.exit || !isAlive(st.pid)) {
        const why = st.exit ? (st.exit.signal ? `signal ${st.exit.signal}` : `exit code ${st.exit.code}`) : 'it died';
        throw new HarnessError(`${d.mode}: broker node ${st.node.id} stopped during start-up (${why}); see ${st.node.logFile}`, {
          log: interestingLines(readText(st.node.logFile)),
        });
      }
      // read the log incrementally
      const fd = fs.openSync(st.node.logFile, 'r');
      try {
        const from = offsets.get(st) || 0;
        const size = fs.fstatSync(fd).size;
        if (size > from) {
          const buf = Buffer.alloc(size - from);
          fs.readSync(fd, buf, 0, buf.length, from);
          const text = buf.toString('utf8');
          const nl = text.lastIndexOf('\n');
          if (nl >= 0) {
            offsets.set(st, from + Buffer.byteLength(text.slice(0, nl + 1)));
            if (text.slice(0, nl + 1).includes(STARTED_LINE)) st.logSaysStarted = true;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      if (st.logSaysStarted && (await kafkaProbe(st.node.host, st.node.port, 1000))) pending.delete(st);
    }
    if (!pending.size) break;
    if (Date.now() > deadline) {
      const st = [...pending][0];
      throw new HarnessError(
        `${d.mode}: broker node ${st.node.id} not ready after ${Math.round(timeoutMs / 1000)} s (${st.logSaysStarted ? 'log says started but the port does not answer' : 'no "Kafka Server started" in the log'}); see ${st.node.logFile}`,
        { log: interestingLines(readText(st.node.logFile)) },
      );
    }
    await sleep(100);
  }
  if (d.mode === 'cluster' && started.length) {
    // every running node's metadata must list every running (so unfenced) broker
    const ids = expected.map((n) => n.id).join(',');
    for (const n of expected) {
      for (;;) {
        let got = '';
        try {
          got = (await metadataBrokers(n.host, n.port, 1500)).brokers.map((b) => b.id).sort().join(',');
        } catch {
          /* retry */
        }
        if (got === ids) break;
        if (Date.now() > deadline) throw new HarnessError(`cluster: node ${n.id} sees brokers [${got}], not [${ids}], after the start timeout`);
        await sleep(200);
      }
    }
  }
}

function interestingLines(text) {
  const lines = (text || '').split('\n');
  const errors = lines.filter((l) => /\b(ERROR|FATAL)\b|Exception|Error:/.test(l)).slice(-8);
  return (errors.length ? errors : lines.slice(-15)).join('\n');
}

/**
 * Start the broker of a mode (idempotent). Options:
 *   mode     single | cluster | secure
 *   profile  test (C1 JIT + AppCDS, small heap) | bench (JVM defaults, 1 GiB heap)
 *   fresh    wipe the data and format again
 *   nodes    only these node ids (cluster failover tests: restart a stopped node)
 *   log      progress lines (default: none)
 * Resolves { mode, alreadyRunning, foreign, seconds, formatted, pids, describe, unknownKeys }.
 */
export async function start({ mode = 'single', env = process.env, profile, fresh = false, nodes: only, log = () => {} } = {}) {
  const s = settings(env);
  const d = describe(mode, env);
  profile ??= s.profile;
  if (!PROFILES.includes(profile)) throw new HarnessError(`profile must be one of ${PROFILES.join(', ')}`);
  fs.mkdirSync(d.runDir, { recursive: true });
  return withLock(path.join(d.runDir, '.lock'), s.startTimeoutMs + s.stopTimeoutMs, `the ${mode} broker`, async () => {
    const t0 = Date.now();
    const st = await status(mode, { env });
    const aliveIds = st.nodes.filter((n) => n.alive).map((n) => n.id);
    if (!only && aliveIds.length && !st.running && !st.settingsChanged) {
      // part of a cluster runs (e.g. after a failover test): start the missing nodes only
      if (fresh) throw new HarnessError(`${mode}: node ${aliveIds.join(', ')} still running; stop first for --fresh`);
      only = d.nodes.map((n) => n.id).filter((id) => !aliveIds.includes(id));
    }
    const targets = d.nodes.filter((n) => !only || only.includes(n.id));
    if (st.settingsChanged) {
      throw new HarnessError(
        `the ${mode} broker of this checkout is running on ${st.runningAddress}, not ${d.bootstrapServers}; stop it first (npm run broker -- stop --mode ${mode})`,
      );
    }
    if (st.running || (only && targets.every((n) => st.nodes.find((x) => x.id === n.id).alive))) {
      return { mode, alreadyRunning: true, foreign: false, profile: st.profile, pids: st.nodes.map((n) => n.pid), describe: d, unknownKeys: st.unknownKeys };
    }
    if (st.foreign && !fresh) {
      return { mode, alreadyRunning: true, foreign: true, profile: null, pids: [], describe: d, unknownKeys: null };
    }
    // a process of ours alive but not answering: hung, or shutting down. Not ours to guess.
    const hung = st.nodes.filter((n) => n.alive && !n.answering && targets.some((t) => t.id === n.id));
    if (hung.length) {
      throw new HarnessError(`${mode}: broker node ${hung[0].id} (pid ${hung[0].pid}) is alive but does not answer on ${hung[0].address}; stop it first (npm run broker -- stop --mode ${mode})`);
    }
    if (only && !d.nodes.every((n) => fs.existsSync(path.join(n.dataDir, 'meta.properties')))) {
      throw new HarnessError(`${mode}: not formatted yet; start the whole ${mode} first`);
    }
    // ports must be free
    for (const n of targets) {
      for (const p of n.ports) {
        if (await tcpCheck(n.host, p, 500)) {
          throw new HarnessError(`${n.host}:${p} is already in use by another program (needed by the ${mode} broker); free it or set KAFKAESQUE_BROKER to another host:port`);
        }
      }
    }
    const ji = javaInfo(env);
    await ensureLibs({ env, log });
    const props = renderProperties(d);
    for (const n of d.nodes) {
      fs.mkdirSync(n.dir, { recursive: true });
      fs.writeFileSync(n.propertiesFile, props[n.id]);
    }
    if (mode === 'secure') {
      await ensureCerts(d, ji, log);
      writeClientConfigs(d);
    }
    let state = readState(d);
    let formatted = false;
    if (!only) ({ state, formatted } = await format(d, props, ji, s, { fresh, log }));
    const tStart = Date.now();
    log(`${PREFIX} starting ${mode} (Kafka ${s.kafkaVersion}, profile ${profile}) on ${targets.map((n) => n.bootstrap).join(',')}`);
    const started = targets.map((n) => spawnNode(d, n, ji, s, profile));
    try {
      const expected = d.nodes.filter((n) => targets.includes(n) || aliveIds.includes(n.id));
      await waitReady(d, started, s.startTimeoutMs, expected);
    } catch (e) {
      for (const x of started) if (isAlive(x.pid)) process.kill(x.pid, 'SIGKILL');
      for (const x of started) rmrf(x.node.pidFile);
      throw e;
    }
    const readySeconds = (Date.now() - tStart) / 1000;
    state = readState(d);
    state.nodes ??= {};
    for (const x of started) state.nodes[x.node.id] = { pid: x.pid, cdsTmp: x.cdsTmp, cdsArchive: x.cdsArchive };
    const unknown = [];
    for (const x of started) {
      const u = unknownKeys(props[x.node.id], readText(x.node.logFile) || '');
      if (u) unknown.push(...u.filter((k) => !unknown.includes(k)));
    }
    if (unknown.length) log(`${PREFIX} WARNING: the broker does not know these settings (ignored): ${unknown.join(', ')}`);
    Object.assign(state, {
      kafkaVersion: s.kafkaVersion,
      profile,
      bootstrapServers: d.bootstrapServers,
      startedAt: new Date().toISOString(),
      unknownKeys: unknown,
      java: ji.version,
      readySeconds,
    });
    writeState(d, state);
    if (mode === 'secure' && !state.aclsApplied) {
      log(`${PREFIX} secure: granting alice All on topics, groups, transactional ids and the cluster`);
      const r = await runTool(
        'org.apache.kafka.tools.AclCommand',
        ['--bootstrap-server', d.listeners.SASL_PLAINTEXT[0], '--command-config', d.clientConfigs.admin, '--add', '--allow-principal', 'User:alice', '--operation', 'All', '--topic', '*', '--group', '*', '--transactional-id', '*', '--cluster'],
        { env },
      );
      if (r.code !== 0) throw new HarnessError(`secure: AclCommand failed: ${lastLines(r.stderr || r.stdout, 3)}`);
      state.aclsApplied = true;
      writeState(d, state);
    }
    const seconds = (Date.now() - t0) / 1000;
    return {
      mode,
      alreadyRunning: false,
      foreign: false,
      profile,
      seconds,
      readySeconds,
      formatted,
      startedNodes: started.map((x) => x.node.id),
      pids: started.map((x) => x.pid),
      describe: d,
      unknownKeys: unknown,
    };
  });
}

/** Start the broker of a mode unless one already answers there. Resolves { started, ... }. */
export async function ensureRunning(opts = {}) {
  const r = await start(opts);
  return { ...r, started: !r.alreadyRunning };
}

// ------------------------------------------------------------------------------------------
// Stop
// ------------------------------------------------------------------------------------------

/**
 * Stop the broker of a mode: SIGTERM (controlled shutdown) to every node at once, wait, and
 * SIGKILL whatever is left after the stop timeout. kill: true sends SIGKILL at once (a crash,
 * for fault tests). nodes: only these node ids. Resolves { stopped, killed, notRunning, foreign }.
 */
export async function stop({ mode = 'single', env = process.env, nodes: only, kill = false, log = () => {}, timeoutMs } = {}) {
  const s = settings(env);
  const d = describe(mode, env);
  if (!fs.existsSync(d.runDir)) return { mode, stopped: [], killed: [], notRunning: true, foreign: false };
  timeoutMs ??= s.stopTimeoutMs;
  return withLock(path.join(d.runDir, '.lock'), s.startTimeoutMs + timeoutMs, `the ${mode} broker`, async () => {
    const targets = d.nodes.filter((n) => !only || only.includes(n.id));
    const procs = targets.map((n) => ({ n, ...nodeProcess(n) })).filter((x) => x.pid);
    for (const x of targets) if (!procs.find((p) => p.n === x)) rmrf(x.pidFile);
    if (!procs.length) {
      const foreign = (await Promise.all(targets.map((n) => kafkaProbe(n.host, n.port, 1000)))).some(Boolean);
      return { mode, stopped: [], killed: [], notRunning: true, foreign };
    }
    const t0 = Date.now();
    const killed = [];
    const noQuorum = [];
    const sigkill = (x, why) => {
      if (!isAlive(x.pid)) return;
      if (why) log(`${PREFIX} ${mode}: node ${x.n.id} (pid ${x.pid}) ${why}; SIGKILL`);
      process.kill(x.pid, 'SIGKILL');
      if (!killed.includes(x.n.id)) killed.push(x.n.id);
    };
    const waitGone = async (list, until) => {
      while (list.some((x) => isAlive(x.pid)) && Date.now() < until) await sleep(100);
      return !list.some((x) => isAlive(x.pid));
    };
    if (kill) {
      for (const x of procs) sigkill(x);
    } else {
      // A combined node finishes its controlled shutdown only while a majority of the voters
      // is alive (its own controller counts). With L nodes alive, L - majority + 1 of them can
      // stop cleanly (at the same time); the others would wait for a quorum for minutes:
      // they are killed once the graceful ones are gone (a crash; the next start recovers).
      const majority = Math.floor(d.nodes.length / 2) + 1;
      const alive = d.nodes.filter((n) => (procs.find((x) => x.n === n) ? true : !!nodeProcess(n).pid)).length;
      const graceful = procs.slice(0, Math.max(1, alive - majority + 1));
      const rest = procs.slice(graceful.length);
      for (const x of graceful) process.kill(x.pid, 'SIGTERM');
      if (!(await waitGone(graceful, Date.now() + timeoutMs))) {
        for (const x of graceful) sigkill(x, `still running after ${timeoutMs / 1000} s`);
      }
      for (const x of rest) {
        if (isAlive(x.pid)) noQuorum.push(x.n.id);
        sigkill(x);
      }
    }
    await waitGone(procs, Date.now() + 10_000);
    const state = readState(d);
    for (const x of procs) {
      rmrf(x.n.pidFile);
      const ns = state.nodes?.[x.n.id];
      if (ns?.cdsTmp) {
        // the JVM wrote its class-data archive on a clean exit: keep it for the next starts
        try {
          if (!kill && !killed.includes(x.n.id) && fs.statSync(ns.cdsTmp).size > 0) {
            fs.renameSync(ns.cdsTmp, ns.cdsArchive);
            // archives of older jar sets or JDKs are of no use any more
            const dir = path.dirname(ns.cdsArchive);
            for (const f of fs.readdirSync(dir)) {
              if (/^broker-.*\.jsa$/.test(f) && path.join(dir, f) !== ns.cdsArchive) rmrf(path.join(dir, f));
            }
          }
        } catch {
          /* no archive written */
        }
        rmrf(ns.cdsTmp);
        ns.cdsTmp = null;
      }
    }
    if (fs.existsSync(d.stateFile)) {
      state.stoppedAt = new Date().toISOString();
      state.stopSeconds = (Date.now() - t0) / 1000;
      writeState(d, state);
    }
    return {
      mode,
      stopped: procs.map((x) => x.n.id),
      killed: kill ? procs.map((x) => x.n.id) : killed.filter((id) => !noQuorum.includes(id)),
      // last voters standing: killed on purpose (no quorum left for a controlled shutdown)
      noQuorum,
      notRunning: false,
      foreign: false,
      seconds: (Date.now() - t0) / 1000,
    };
  });
}

/** Stop every mode's broker started from this checkout. */
export async function stopAll(opts = {}) {
  const out = [];
  for (const mode of MODES) out.push(await stop({ ...opts, mode }));
  return out;
}
