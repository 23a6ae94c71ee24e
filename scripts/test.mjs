#!/usr/bin/env node
// `npm test`: everything a fresh clone needs, then jest.
//   1. npm ci          when node_modules is missing or older than package-lock.json
//   2. tsc -p tsconfig.test.json --noEmit   (jest itself only transpiles)
//   3. npm run build   only when a selected test needs dist/: a test under test/package/,
//                      or any test file containing the marker "@needs-build"
//   4. jest [args]     extra arguments go to jest: `npm test -- test/broker -t status`
// The broker is started (or found running) by jest's global setup: test/setup/.
// Own options (not passed to jest): --mode <single|cluster|secure[,...]> sets
// KAFKAESQUE_BROKER_MODE; --skip-typecheck skips step 2.
// Exit code: jest's (or the first failing step's).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const say = (line) => process.stderr.write(`kafkaesque test: ${line}\n`);

function step(what, cmd, args, env = process.env) {
  say(what);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) {
    say(`${cmd} could not run: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    say(`${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

// ---- arguments
const jestArgs = [];
let skipTypecheck = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--mode') process.env.KAFKAESQUE_BROKER_MODE = argv[++i];
  else if (a.startsWith('--mode=')) process.env.KAFKAESQUE_BROKER_MODE = a.slice('--mode='.length);
  else if (a === '--skip-typecheck') skipTypecheck = true;
  else jestArgs.push(a);
}

// ---- 1. dependencies
ensureDependencies(root, say);

const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

// ---- 2. type check
if (!skipTypecheck) step('type check: tsc -p tsconfig.test.json --noEmit', process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.test.json', '--noEmit']);

// ---- 3. build, if a selected test needs dist/
const list = spawnSync(process.execPath, [bin('jest', 'bin/jest.js'), '--listTests', ...jestArgs.filter((a) => a !== '--ci')], {
  cwd: root,
  encoding: 'utf8',
  env: process.env,
});
const selected = list.status === 0 ? list.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : null;
const needsBuild = (file) => {
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (rel.startsWith('test/package/')) return true;
  try {
    return fs.readFileSync(file, 'utf8').includes('@needs-build');
  } catch {
    return false;
  }
};
// if jest could not list the tests, build to be safe (jest will report its own problem)
const builders = selected === null ? ['(unknown selection)'] : selected.filter(needsBuild);
if (builders.length) {
  step(`build (needed by ${builders.map((f) => path.relative(root, f)).join(', ')}): npm run build`, npm, ['run', 'build']);
}

// ---- 4. jest
say(`jest ${jestArgs.join(' ')}`.trim());
const child = spawn(process.execPath, [bin('jest', 'bin/jest.js'), ...jestArgs], { cwd: root, stdio: 'inherit', env: process.env });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('close', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
