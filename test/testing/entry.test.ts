/** The core entry point does not carry the test doubles: nothing it imports reaches src/testing. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(__dirname, '..', '..');

/** The source files `entry` imports, directly or not (relative imports; `.js` resolved to `.ts`). */
function importGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      const path = existsSync(target) ? target : `${target}.ts`;
      if (existsSync(path)) todo.push(path);
    }
  }
  return seen;
}

test('src/index.ts does not import src/testing', () => {
  const files = [...importGraph(join(root, 'src', 'index.ts'))].map((f) => relative(root, f));
  expect(files.length).toBeGreaterThan(20);
  expect(files).toContain(join('src', 'mux', 'connections.ts'));
  expect(files.filter((f) => f.startsWith(join('src', 'testing')))).toEqual([]);
});

test('src/testing/index.ts reaches the code it doubles (the real connection classes, not copies)', () => {
  const files = [...importGraph(join(root, 'src', 'testing', 'index.ts'))].map((f) => relative(root, f));
  expect(files).toEqual(expect.arrayContaining([join('src', 'mux', 'connections.ts'), join('src', 'mux', 'proto.ts'), join('src', 'producer', 'partitioner.ts')]));
});
