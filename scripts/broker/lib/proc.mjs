// The broker harness, small process and file helpers (run, locks, pid files). scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HarnessError } from './settings.mjs';

// ------------------------------------------------------------------------------------------
// Small process / file helpers
// ------------------------------------------------------------------------------------------

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function readJson(file) {
  const t = readText(file);
  if (t === null) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

export function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

export function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

export function sha256(text) {
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
export function processMatches(pid, needle) {
  const cmdline = readText(`/proc/${pid}/cmdline`);
  if (cmdline !== null) return cmdline.split('\0').some((a) => a.includes(needle));
  const r = spawnSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(needle);
}

export function readPid(file) {
  const t = readText(file);
  const pid = t ? Number.parseInt(t.trim(), 10) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function findOnPath(name, env = process.env) {
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
export function run(cmd, args, { cwd, input, env, outFile } = {}) {
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

export function lastLines(text, n) {
  return (text || '').trimEnd().split('\n').slice(-n).join('\n');
}

/** Cross-process lock: a file created with O_EXCL holding the owner's pid. */
export async function withLock(file, timeoutMs, what, fn) {
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
