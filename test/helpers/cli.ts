/**
 * Runs the built `kafkaesque` bin (dist/src/cli/main.js, as `npx kafkaesque` runs it) as a
 * subprocess, the way a user types it. `npm run build` first.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const CLI_BIN = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/** `kafkaesque ...args` with `input` on stdin; KAFKA_CONFIG is cleared unless `env` sets it. */
export function kafkaesque(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, KAFKA_CONFIG: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}
