/** The repository's own source files, for tests that read the code as text (imports, error codes). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Every `.ts` file under `dir`, recursively (absolute paths). */
export function tsSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsSources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}
