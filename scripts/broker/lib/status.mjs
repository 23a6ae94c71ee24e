// The broker harness, status of a mode. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import { describe } from './layout.mjs';
import { isAlive, processMatches, readJson, readPid, writeFileAtomic } from './proc.mjs';
import { kafkaProbe } from './probe.mjs';

// ------------------------------------------------------------------------------------------
// Status
// ------------------------------------------------------------------------------------------

export function readState(d) {
  return readJson(d.stateFile) || {};
}

export function writeState(d, state) {
  writeFileAtomic(d.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export function nodeProcess(node) {
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
