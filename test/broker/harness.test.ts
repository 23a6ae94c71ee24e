/**
 * The broker harness itself (scripts/broker/): the broker the jest global setup provides is
 * really there and really Kafka, the CLI agrees with it, and the settings move together.
 * Runs in every mode (npm test: single; npm run test:cluster: the three-node cluster).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostPort } from '../helpers/broker.js';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'scripts', 'broker', 'cli.mjs');
const mode = (process.env.KAFKAESQUE_BROKER_MODE ?? 'single').split(',')[0]!;
const kafkaVersion = process.env.KAFKAESQUE_KAFKA_VERSION || '4.2.1';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An environment in which KAFKAESQUE_BROKER alone decides the addresses. */
function envWith(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KAFKAESQUE_BASE_BROKER;
  delete env.KAFKAESQUE_CONTROLLER_PORT;
  delete env.KAFKAESQUE_SECURE_PORT;
  delete env.KAFKAESQUE_CLUSTER_PORT;
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

interface Described {
  mode: string;
  kafkaVersion: string;
  bootstrap: string[];
  bootstrapServers: string;
  libsDir: string;
  runDir: string;
  listeners: Record<string, string[]>;
  nodes: Array<{ id: number; bootstrap: string; controller: string; logFile: string }>;
}

function describeMode(m: string, env?: NodeJS.ProcessEnv): Described {
  const r = runCli(['describe', '--mode', m], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Described;
}

const addresses = (process.env.KAFKAESQUE_BROKER ?? '127.0.0.1:9092').split(',');

function tcpConnect(address: string): Promise<void> {
  const { host, port } = hostPort(address);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.setTimeout(3000, () => {
      sock.destroy();
      reject(new Error(`timeout connecting to ${address}`));
    });
    sock.once('connect', () => {
      sock.end();
      resolve();
    });
    sock.once('error', reject);
  });
}

/** ApiVersions v0 with request header v1, by hand: api key -> [min, max] */
function apiVersions(address: string): Promise<{ errorCode: number; apis: Map<number, [number, number]> }> {
  const { host, port } = hostPort(address);
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('harness-test');
    const req = Buffer.alloc(14);
    req.writeInt32BE(10 + clientId.length, 0); // size
    req.writeInt16BE(18, 4); // api key ApiVersions
    req.writeInt16BE(0, 6); // version 0
    req.writeInt32BE(4242, 8); // correlation id
    req.writeInt16BE(clientId.length, 12);
    const sock = net.connect({ host, port }, () => sock.write(Buffer.concat([req, clientId])));
    let buf = Buffer.alloc(0);
    sock.setTimeout(3000, () => {
      sock.destroy();
      reject(new Error('timeout'));
    });
    sock.once('error', reject);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      sock.end();
      if (buf.readInt32BE(4) !== 4242) {
        reject(new Error('wrong correlation id'));
        return;
      }
      const apis = new Map<number, [number, number]>();
      const n = buf.readInt32BE(10);
      for (let i = 0, o = 14; i < n; i++, o += 6) apis.set(buf.readInt16BE(o), [buf.readInt16BE(o + 2), buf.readInt16BE(o + 4)]);
      resolve({ errorCode: buf.readInt16BE(8), apis });
    });
  });
}

describe(`the ${mode} test broker`, () => {
  test('accepts TCP connections on every address in KAFKAESQUE_BROKER', async () => {
    expect(addresses.length).toBe(mode === 'cluster' ? 3 : 1);
    await Promise.all(addresses.map((a) => tcpConnect(a)));
  });

  test('speaks Kafka: ApiVersions lists Produce, Fetch, Metadata and the KIP-848 heartbeat', async () => {
    const { errorCode, apis } = await apiVersions(addresses[0]!);
    expect(errorCode).toBe(0);
    for (const key of [0, 1, 3, 18, 68]) expect(apis.has(key)).toBe(true);
    // a 4.x broker: Fetch v0-3 are gone (KIP-896)
    expect(apis.get(1)![0]).toBeGreaterThanOrEqual(4);
  });

  test('`status` exits 0 and names the address', () => {
    const r = runCli(['status', '--mode', mode]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(addresses[0]);
  });

  test('describe() agrees with what the tests were given', () => {
    const d = describeMode(mode);
    expect(d.mode).toBe(mode);
    expect(d.bootstrapServers).toBe(process.env.KAFKAESQUE_BROKER);
    expect(d.bootstrap).toEqual(addresses);
    expect(d.listeners.PLAINTEXT).toEqual(addresses);
    expect(d.kafkaVersion).toBe(kafkaVersion);
    expect(d.libsDir).toBe(path.join(root, '.kafka', `kafka-${kafkaVersion}`, 'libs'));
    expect(d.runDir).toBe(path.join(root, '.kafka', 'run', mode));
    expect(d.nodes.map((n) => n.bootstrap)).toEqual(addresses);
    for (const n of d.nodes) {
      if (!process.env.KAFKAESQUE_CONTROLLER_PORT) expect(hostPort(n.controller).port).toBe(hostPort(n.bootstrap).port + 1);
    }
    const info = JSON.parse(process.env.KAFKAESQUE_BROKER_INFO ?? '{}') as Record<string, Described>;
    expect(info[mode]?.bootstrapServers).toBe(d.bootstrapServers);
  });

  test('knows every setting the harness gives it (when the harness started it)', () => {
    const r = runCli(['status', '--mode', mode, '--json']);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout) as { running: boolean; foreign: boolean; unknownKeys: string[] | null; nodes: Array<{ pid: number | null }> };
    expect(st.running || st.foreign).toBe(true);
    if (st.running) {
      // the broker ignores unknown keys silently; the harness compares with its config dump
      expect(st.unknownKeys).toEqual([]);
      expect(st.nodes.every((n) => typeof n.pid === 'number')).toBe(true);
      // and it ran from the jar cache
      expect(fs.existsSync(path.join(root, '.kafka', `kafka-${kafkaVersion}`, 'libs', `kafka-clients-${kafkaVersion}.jar`))).toBe(true);
    }
  });

  test('a second `start` is idempotent: same processes, exit code 0', () => {
    const before = JSON.parse(runCli(['status', '--mode', mode, '--json']).stdout) as { nodes: Array<{ pid: number | null }> };
    const r = runCli(['start', '--mode', mode]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/already (running|answers)/);
    const after = JSON.parse(runCli(['status', '--mode', mode, '--json']).stdout) as { nodes: Array<{ pid: number | null }> };
    expect(after.nodes.map((n) => n.pid)).toEqual(before.nodes.map((n) => n.pid));
  });
});

describe('harness settings', () => {
  test('KAFKAESQUE_BROKER alone moves every port of every mode', () => {
    const env = envWith({ KAFKAESQUE_BROKER: '127.0.0.1:19999' });
    const single = describeMode('single', env);
    expect(single.bootstrap).toEqual(['127.0.0.1:19999']);
    expect(single.listeners.CONTROLLER).toEqual(['127.0.0.1:20000']);
    const cluster = describeMode('cluster', env);
    expect(cluster.bootstrap).toEqual(['127.0.0.1:20109', '127.0.0.1:20119', '127.0.0.1:20129']);
    expect(cluster.listeners.CONTROLLER).toEqual(['127.0.0.1:20110', '127.0.0.1:20120', '127.0.0.1:20130']);
    const secure = describeMode('secure', env);
    expect(secure.listeners).toEqual({
      PLAINTEXT: ['127.0.0.1:20199'],
      CONTROLLER: ['127.0.0.1:20200'],
      SASL_PLAINTEXT: ['127.0.0.1:20201'],
      SSL: ['127.0.0.1:20202'],
      SASL_SSL: ['127.0.0.1:20203'],
      OAUTH_UNSECURED: ['127.0.0.1:20204'],
    });
  });

  test('the defaults: 127.0.0.1:9092, Kafka 4.2.1', () => {
    const d = describeMode('single', envWith({ KAFKAESQUE_BROKER: undefined, KAFKAESQUE_KAFKA_VERSION: undefined }));
    expect(d.bootstrapServers).toBe('127.0.0.1:9092');
    expect(d.listeners.CONTROLLER).toEqual(['127.0.0.1:9093']);
    expect(d.kafkaVersion).toBe('4.2.1');
  });

  test('a malformed KAFKAESQUE_BROKER is one clear error', () => {
    const r = runCli(['describe'], envWith({ KAFKAESQUE_BROKER: 'localhost' }));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('kafkaesque broker: KAFKAESQUE_BROKER must be host:port, got "localhost"');
  });
});

describe('harness errors', () => {
  test('no Java on PATH: one line, exit code 1, no stack trace', () => {
    const r = runCli(['check'], envWith({ PATH: path.join(os.tmpdir(), 'kafkaesque-no-such-dir'), JAVA_HOME: undefined }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kafkaesque broker: Java not found on PATH; install a JDK 17\+/);
  });

  test('no Maven on PATH when the jars are missing: one line, exit code 1', () => {
    const home = process.env.JAVA_HOME;
    const java =
      home && fs.existsSync(path.join(home, 'bin', 'java'))
        ? path.join(home, 'bin', 'java')
        : spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
    expect(java).not.toBe('');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkaesque-bin-'));
    try {
      fs.symlinkSync(fs.realpathSync(java), path.join(bin, 'java'));
      // a version never fetched, so the harness needs Maven
      const env = envWith({ PATH: bin, JAVA_HOME: undefined, KAFKAESQUE_KAFKA_VERSION: '4.0.0-nonexistent' });
      const r = runCli(['fetch'], env);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        'kafkaesque broker: Maven (mvn) not found on PATH; it is needed once to download the Kafka 4.0.0-nonexistent jars from Maven Central (install Maven 3.6+, e.g. apt-get install maven)',
      ]);
      expect(fs.existsSync(path.join(root, '.kafka', 'kafka-4.0.0-nonexistent'))).toBe(false);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
