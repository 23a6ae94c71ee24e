// The broker harness, starting a mode. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HARNESS_DIR, HarnessError, PREFIX, PROFILES, STARTED_LINE, settings } from './settings.mjs';
import { describe } from './layout.mjs';
import { isAlive, lastLines, readText, rmrf, run, sha256, sleep, withLock } from './proc.mjs';
import { kafkaProbe, metadataBrokers, tcpCheck } from './probe.mjs';
import { ensureLibs, javaInfo, runTool } from './maven.mjs';
import { ensureOAuthKeys, renderProperties, unknownKeys, writeClientConfigs } from './config-files.mjs';
import { ensureCerts } from './certs.mjs';
import { jvmArgs } from './jvm.mjs';
import { brokerClasspath, ensurePolicyJar } from './policy.mjs';
import { readState, status, writeState } from './status.mjs';

// ------------------------------------------------------------------------------------------
// Start
// ------------------------------------------------------------------------------------------

function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

/**
 * Cluster features set at format time, per mode. The secured broker keeps transactions V1
 * (transaction.version=1, the protocol of Kafka before 4.0) so that the client's V1 transactions
 * run against a real coordinator; the others have Kafka 4.x's default, V2 (KIP-890).
 */
const FEATURES = { secure: ['transaction.version=1'] };

async function format(d, props, ji, s, { fresh, log }) {
  const state = readState(d);
  const features = FEATURES[d.mode] ?? [];
  const fingerprint = sha256(`${s.kafkaVersion}\n${JSON.stringify(props)}${features.length > 0 ? `\n${features.join(',')}` : ''}`).slice(0, 16);
  const formatted = d.nodes.every((n) => fs.existsSync(path.join(n.dataDir, 'meta.properties')));
  if (formatted && !fresh && state.fingerprint === fingerprint) return { state, formatted: false };
  if (formatted && !fresh) log(`${PREFIX} ${d.mode}: settings changed since the last format; starting from empty data`);
  for (const n of d.nodes) rmrf(n.dataDir);
  const clusterId = newClusterId();
  const extra = [];
  if (d.mode !== 'cluster') extra.push('--standalone'); // dynamic quorum, controller.quorum.bootstrap.servers
  for (const f of features) extra.push('--feature', f);
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
        // the broker's own classpath: the formatter loads the classes server.properties names
        '-cp',
        brokerClasspath(s),
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
  const argv = [...args, '-cp', brokerClasspath(s), 'kafka.Kafka', node.propertiesFile];
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
      // a broker started before the templates changed keeps its old settings until restarted
      const props = renderProperties(d);
      if (d.nodes.some((n) => readText(n.propertiesFile) !== props[n.id])) {
        log(`${PREFIX} WARNING: the running ${mode} broker was started with other settings than scripts/broker/templates/ give now; restart it to apply them (npm run broker -- restart --mode ${mode})`);
      }
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
    await ensurePolicyJar({ env, ji, log });
    const props = renderProperties(d);
    for (const n of d.nodes) {
      fs.mkdirSync(n.dir, { recursive: true });
      fs.writeFileSync(n.propertiesFile, props[n.id]);
    }
    if (mode === 'secure') {
      await ensureCerts(d, ji, log);
      ensureOAuthKeys(d);
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
