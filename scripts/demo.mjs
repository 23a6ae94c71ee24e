#!/usr/bin/env node
// `npm run demo`: install what is missing, build, start a local broker if none answers, and run
// the example that shows the client working end to end. A broker the demo started is stopped
// afterwards unless --keep-broker is given.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`kafkaesque demo: ${line}\n`);
const keep = process.argv.includes('--keep-broker');

ensureDependencies(root, say);
run('build: npm run build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);

const harness = await import('./broker/harness.mjs');
let started = false;
try {
  say('starting a local Kafka broker (first run downloads it from Maven Central)');
  const r = await harness.ensureRunning({ mode: 'single', log: (line) => say(line) });
  started = r.started;
} catch (err) {
  say(err.message);
  process.exit(1);
}
const bootstrap = harness.describe('single').bootstrap[0];
say(`broker ready on ${bootstrap}`);
let status = 0;
for (const example of ['produce-and-fetch.mjs', 'multiplexer.mjs']) {
  say(`running examples/${example}`);
  const r = spawnSync(process.execPath, [path.join(root, 'examples', example)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, KAFKAESQUE_BROKER: bootstrap },
  });
  if (r.status !== 0) status = r.status ?? 1;
}
if (started && !keep) {
  say('stopping the broker the demo started (run with --keep-broker to leave it running)');
  await harness.stop({ mode: 'single' });
}
process.exit(status);

function run(what, cmd, args) {
  say(what);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    say(`${what} failed`);
    process.exit(r.status || 1);
  }
}
