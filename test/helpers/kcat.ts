/**
 * kcat (librdkafka's command-line client) for the interop tests.
 *
 * `ensureKcat()` finds `kcat` (or its old name `kafkacat`) on PATH. When it is missing and this
 * process runs as root on a machine with apt-get, it installs Debian's `kcat` package once —
 * under a lock file, so parallel jest workers neither race apt nor install twice — and logs
 * one line with the time it took. Otherwise it throws `kcat not found: install Debian's kcat
 * package`: the interop tests fail loudly, they never skip.
 *
 * `runKcat()` runs it with stdout captured as raw bytes (kcat writes keys and values verbatim).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleep } from './wait.js';

export const KCAT_MISSING = "kcat not found: install Debian's kcat package";

export interface KcatInfo {
  /** Absolute path of the binary. */
  path: string;
  /** kcat's own version, e.g. "1.7.1". */
  version: string;
  /** librdkafka's version, e.g. "2.0.2". */
  librdkafkaVersion: string;
  /** librdkafka's builtin.features, e.g. ["gzip", "snappy", "lz4", "zstd", ...]. */
  features: string[];
  /** The whole `-V` line naming the version. */
  versionLine: string;
  /** Seconds apt-get took when this process installed kcat, else null (found, or installed by another process). */
  installedInSeconds: number | null;
}

export interface KcatResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Wall-clock milliseconds. */
  ms: number;
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function findKcat(): string | null {
  return findOnPath('kcat') ?? findOnPath('kafkacat');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}


/**
 * Runs `fn` holding a cross-process lock: a file created with O_EXCL that holds the owner's
 * pid. A lock whose owner died is taken over.
 */
async function withLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let stale: boolean;
      try {
        const owner = Number(fs.readFileSync(file, 'utf8').trim());
        // the owner may not have written its pid yet: wait, unless the file is old
        stale = Number.isInteger(owner) && owner > 0 ? !isAlive(owner) : Date.now() - fs.statSync(file).mtimeMs > 10_000;
      } catch {
        continue; // released between our open and our read
      }
      if (stale) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${KCAT_MISSING} (timed out waiting for another process installing it, lock ${file})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Installs Debian's kcat once across processes; the seconds apt-get took, or null when another process did it. */
async function installWithApt(): Promise<number | null> {
  const lock = path.join(os.tmpdir(), 'kafkaesque-kcat-install.lock');
  return withLock(lock, 15 * 60_000, async () => {
    if (findKcat()) return null; // another worker installed it while we waited
    const started = Date.now();
    const r = await run('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq kcat'], 10 * 60_000);
    const seconds = (Date.now() - started) / 1000;
    if (r.code !== 0 || !findKcat()) {
      const tail = r.output.trimEnd().split('\n').slice(-15).join('\n');
      throw new Error(`${KCAT_MISSING} (apt-get install kcat failed, exit ${String(r.code)}):\n${tail}`);
    }
    process.stderr.write(`kafkaesque interop: kcat was missing; installed Debian's kcat package with apt-get in ${seconds.toFixed(1)} s\n`);
    return seconds;
  });
}

let cached: Promise<KcatInfo> | null = null;

/** Finds (or installs, see the module comment) kcat and reads its `-V`. Throws when it cannot. */
export function ensureKcat(): Promise<KcatInfo> {
  cached ??= (async () => {
    let installedInSeconds: number | null = null;
    let bin = findKcat();
    if (!bin) {
      const root = typeof process.getuid === 'function' && process.getuid() === 0;
      if (!root || !findOnPath('apt-get')) throw new Error(KCAT_MISSING);
      installedInSeconds = await installWithApt();
      bin = findKcat();
      if (!bin) throw new Error(KCAT_MISSING);
    }
    const v = spawnSync(bin, ['-V'], { encoding: 'utf8' });
    const text = `${v.stdout ?? ''}${v.stderr ?? ''}`;
    const line = text.split('\n').find((l) => /^Version /.test(l.trim()))?.trim() ?? '';
    const m = /^Version (\S+) .*librdkafka (\S+) builtin\.features=([^)\s]*)/.exec(line);
    if (v.error || !m) throw new Error(`${bin} -V did not print a version line with librdkafka's features:\n${text}`);
    return {
      path: bin,
      version: m[1]!,
      librdkafkaVersion: m[2]!,
      features: m[3]!.split(',').filter(Boolean),
      versionLine: line,
      installedInSeconds,
    };
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

/** Runs kcat with `args`; stdout is kept as raw bytes. Kills it after `timeoutMs`. */
export async function runKcat(args: readonly string[], { input, timeoutMs = 30_000 }: { input?: Buffer; timeoutMs?: number } = {}): Promise<KcatResult> {
  const { path: bin } = await ensureKcat();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr, ms: Date.now() - started });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
