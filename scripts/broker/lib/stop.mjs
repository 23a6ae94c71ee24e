// The broker harness, stopping a mode. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import fs from 'node:fs';
import path from 'node:path';
import { MODES, PREFIX, settings } from './settings.mjs';
import { describe } from './layout.mjs';
import { isAlive, rmrf, sleep, withLock } from './proc.mjs';
import { kafkaProbe } from './probe.mjs';
import { nodeProcess, readState, writeState } from './status.mjs';

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
