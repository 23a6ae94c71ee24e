// What bench/run.mjs and bench/scale.mjs share: the broker they measure against, and running the
// client drivers (bench/clients/<client>.mjs), one child process per run, in its own process
// group, ended with the runner on Ctrl-C.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------- driver runs
// The running driver's process group: ended with the runner (Ctrl-C), since it is detached.
let runningDriver = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (runningDriver) {
      try {
        process.kill(-runningDriver.pid, 'SIGKILL');
      } catch {}
    }
    process.exit(130);
  });
}

/**
 * Runs bench/clients/<client>.mjs with case `c` in its own process group (a timeout ends what the
 * driver started too: a JVM, kcat); the JavaScript drivers under GNU time for CPU and peak RSS
 * (Java and kcat time themselves). Resolves { code, signal, timedOut, stdout, stderr,
 * wallSeconds, cpuSeconds?, rssMb? }.
 */
export function runDriver(client, c, timeoutS) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '..');
  const script = path.join(here, 'clients', `${client}.mjs`);
  const selfTimed = client === 'java' || client === 'kcat';
  const cmd = selfTimed ? process.execPath : '/usr/bin/time';
  const timeFile = path.join(os.tmpdir(), `kbench-time-${process.pid}-${Date.now()}`);
  const args = selfTimed ? [script, JSON.stringify(c)] : ['-f', '%U %S %M', '-o', timeFile, process.execPath, script, JSON.stringify(c)];
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    runningDriver = child;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      runningDriver = null;
      const r = { code, signal, timedOut, stdout, stderr, wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
      if (!selfTimed) {
        try {
          const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
          r.cpuSeconds = u + s;
          r.rssMb = m / 1024;
        } catch {}
        rmSync(timeFile, { force: true });
      }
      resolve(r);
    });
  });
}

/**
 * The broker to measure against: `brokerArg` (host:port) as given, else the harness's single node
 * with the bench profile, started if none runs. Returns its address and what the table says of it
 * (version, profile, whether it was reused).
 */
export async function resolveRunBroker(brokerArg, log) {
  const harness = await import('../scripts/broker/harness.mjs');
  const described = harness.describe('single');
  let broker = brokerArg;
  let brokerInfo = { bootstrap: broker, version: 'unknown', profile: 'unknown (external)' };
  if (broker === null) {
    const r = await harness.ensureRunning({ mode: 'single', profile: 'bench', log });
    broker = described.bootstrap[0];
    const st = await harness.status('single');
    brokerInfo = { bootstrap: broker, version: st.kafkaVersion ?? r.describe?.kafkaVersion, profile: st.profile ?? r.profile, reused: !r.started };
    if (!r.started && st.profile !== 'bench') log(`note: reusing a running broker with the "${st.profile}" profile (restart it with --profile bench for publishable numbers)`);
  } else if (described.bootstrap.includes(broker)) {
    // the harness's own single node: say which version and profile it runs
    const st = await harness.status('single').catch(() => null);
    if (st?.running) brokerInfo = { bootstrap: broker, version: st.kafkaVersion, profile: st.profile, reused: true };
  }
  return { harness, described, broker, brokerInfo };
}
