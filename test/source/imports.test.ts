/**
 * The import graph of src/ and protocol/: no cycles (type-only imports count: they tie two
 * modules together as much for a reader), and each layer imports only from the layers below it
 * (docs/DESIGN.md, "Layers"). Imports are read with TypeScript's own pre-processor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT, tsSources } from '../helpers/sources.js';

const root = REPO_ROOT;
const sources = tsSources;

/**
 * Rank of each layer: a module may import from a layer of lower rank (and its own). Layers of
 * equal rank are siblings that do not import each other: the producer and the consumer, the
 * plugin and the test doubles (kafkaesque/testing).
 */
const RANK: Record<string, number> = {
  protocol: 0,
  network: 1,
  cluster: 2,
  producer: 3,
  consumer: 3,
  client: 4,
  mux: 5,
  plugin: 6,
  testing: 6,
  // kafkaesque/otel: the optional OpenTelemetry integration, on the tracing channels only
  otel: 6,
  'index.ts': 7,
  // the command line uses the public door only
  cli: 8,
  // kafkaesque/kafkajs: KafkaJS's API on the public door only
  kafkajs: 8,
};

/** `protocol` for protocol/..., else the folder (or file) under src/. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'protocol' ? 'protocol' : parts[1];
}

/** file -> the files it imports (relative imports, `.js` resolved to `.ts`), paths relative to the root. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const abs of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'protocol'))]) {
    const file = path.relative(root, abs).split(path.sep).join('/');
    const deps: string[] = [];
    for (const ref of ts.preProcessFile(fs.readFileSync(abs, 'utf8'), true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(abs), ref.fileName.replace(/\.js$/, '.ts'));
      deps.push(path.relative(root, target).split(path.sep).join('/'));
    }
    graph.set(file, deps);
  }
  return graph;
}

const graph = importGraph();

test('every relative import names a source file', () => {
  const unresolved: string[] = [];
  for (const [file, deps] of graph) for (const d of deps) if (!graph.has(d)) unresolved.push(`${file} -> ${d}`);
  expect(unresolved).toEqual([]);
  expect(graph.size).toBeGreaterThan(80);
});

/** Import cycles (Tarjan's strongly connected components of two or more files, and self-imports). */
function findCycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (g.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Imports from a layer not below the importer's (or from a folder no layer is named after). */
function upwardImports(g: ReadonlyMap<string, readonly string[]>): string[] {
  const upward: string[] = [];
  for (const [file, deps] of g) {
    const from = layerOf(file);
    if (RANK[from] === undefined) upward.push(`${file}: no layer '${from}'`);
    for (const d of deps) {
      const to = layerOf(d);
      if (to !== from && !(RANK[to] < RANK[from])) upward.push(`${file} (${from}) -> ${d} (${to})`);
    }
  }
  return upward;
}

test('no import cycles in src/ and protocol/', () => {
  expect(findCycles(graph)).toEqual([]);
});

test('each layer imports only from the layers below it', () => {
  expect(upwardImports(graph)).toEqual([]);
});

test('the checks find a cycle and an upward import when there is one', () => {
  const made = new Map<string, string[]>([
    ['src/mux/a.ts', ['src/mux/b.ts', 'src/client/c.ts']],
    ['src/mux/b.ts', ['src/mux/a.ts']],
    ['src/client/c.ts', ['src/mux/b.ts', 'protocol/errors.ts']],
    ['src/producer/d.ts', ['src/consumer/e.ts', 'src/producer/d.ts']],
    ['src/consumer/e.ts', []],
    ['protocol/errors.ts', []],
  ]);
  expect(findCycles(made)).toEqual([['src/client/c.ts', 'src/mux/a.ts', 'src/mux/b.ts'], ['src/producer/d.ts']]);
  expect(upwardImports(made)).toEqual([
    'src/client/c.ts (client) -> src/mux/b.ts (mux)',
    'src/producer/d.ts (producer) -> src/consumer/e.ts (consumer)',
  ]);
});
