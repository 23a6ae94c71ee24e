#!/usr/bin/env node
// Captures the fuzz corpus (test/fixtures/fuzz/corpus/) from a real broker: runs
// test/fuzz/capture.ts through `npm test`'s runner (dependencies, broker start and stop), which
// records the response frames the client receives while it produces, consumes and joins groups.
// Run it again after a codec gains an API or a version; commit the changed corpus files.
//   node scripts/fuzz/capture.mjs            (single broker, default address or KAFKAESQUE_BROKER)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const r = spawnSync(
  process.execPath,
  [path.join(root, 'scripts', 'test.mjs'), '--mode', 'single', '--testMatch', '<rootDir>/test/fuzz/capture.ts', '--runInBand', '--forceExit'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
