// Installs the project's npm dependencies when node_modules is missing or older than
// package-lock.json (a fresh clone, or a pull that changed the lock file).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return null;
  }
}

export function ensureDependencies(root, say) {
  const lock = mtime(path.join(root, 'package-lock.json'));
  // npm writes node_modules/.package-lock.json on every install
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json')) ?? mtime(path.join(root, 'node_modules'));
  if (installed !== null && (lock === null || installed >= lock)) return;
  say(installed === null ? 'node_modules is missing: npm ci' : 'package-lock.json is newer than node_modules: npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    say(`npm ci failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
    process.exit(r.status || 1);
  }
}
