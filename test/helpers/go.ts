/**
 * The Go interop program (test/interop/go): the real IBM/sarama and protojson that the
 * cn-infra messaging layer stands on, built by the tests with `go build`.
 *
 * `buildGoInterop()` builds it once per source state into `.gointerop/` (under a lock file, so
 * parallel jest workers neither race nor build twice); the Go module proxy serves sarama and
 * google.golang.org/protobuf. Without Go on PATH it throws one line saying so: the Go interop
 * tests fail, they never skip.
 *
 * `runGo()` runs a subcommand with `stdin` written to it and stdout/stderr captured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from './wait.js';

export const GO_MISSING = 'go not found: the Go interop tests need Go 1.24 or later on PATH (https://go.dev/dl, or Debian\'s golang package)';

const root = path.resolve(__dirname, '..', '..');
export const GO_SOURCE = path.join(root, 'test', 'interop', 'go');
/** The schema both sides read: protobufjs here, protocompile in the Go program. */
export const INTEROP_PROTO = path.join(root, 'test', 'fixtures', 'proto', 'interop.proto');

function findGo(): string {
  const candidates = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'go')), '/usr/local/go/bin/go'];
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // next
    }
  }
  throw new Error(GO_MISSING);
}

function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(GO_SOURCE).sort()) {
    if (f.endsWith('.go') || f === 'go.mod' || f === 'go.sum') h.update(f).update(fs.readFileSync(path.join(GO_SOURCE, f)));
  }
  return h.digest('hex').slice(0, 16);
}


/** Builds the Go program (once per source state) and returns the binary's path. */
export async function buildGoInterop(): Promise<string> {
  const go = findGo();
  const outDir = path.join(root, '.gointerop');
  fs.mkdirSync(outDir, { recursive: true });
  const bin = path.join(outDir, `gointerop-${sourceHash()}`);
  if (fs.existsSync(bin)) return bin;
  const lock = `${bin}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(bin)) return bin;
      if (Date.now() > deadline) throw new Error(`go build: ${lock} held for 5 minutes (remove it if no build runs)`);
      await sleep(200);
    }
  }
  try {
    if (fs.existsSync(bin)) return bin;
    const started = Date.now();
    const r = spawnSync(go, ['build', '-o', `${bin}.tmp`, '.'], {
      cwd: GO_SOURCE,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      timeout: 280_000,
    });
    if (r.status !== 0) throw new Error(`go build in ${GO_SOURCE} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim()}`);
    fs.renameSync(`${bin}.tmp`, bin);
    process.stderr.write(`gointerop built in ${((Date.now() - started) / 1000).toFixed(1)} s with ${go}\n`);
    return bin;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface GoResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin args...`, writes `stdin` to it, and resolves with what it printed (rejects on a timeout). */
export function runGo(bin: string, args: string[], stdin = '', timeoutMs = 120_000): Promise<GoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} ${args.join(' ')}: no exit within ${timeoutMs} ms; stderr: ${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}
