/**
 * The Config option table (src/client/config-table.ts) is the one description of every option.
 * This test renders from it the option types (src/client/config-options.generated.ts) and the
 * option tables of docs/configuration.md, and fails when a file differs from its rendering.
 * `npm run gen:config` runs it with KAFKAESQUE_WRITE_GENERATED=1, which writes the files instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_DEFAULTS, CONFIG_TABLE, Config, type ConfigSection, type OptionRow } from '../../src/client/config.js';
import { CONFIG_FILE_KEYS, parseMuxConfig } from '../../src/mux/config-file.js';

const ROOT = path.join(__dirname, '..', '..');
const TYPES_FILE = path.join(ROOT, 'src', 'client', 'config-options.generated.ts');
const DOCS_FILE = path.join(ROOT, 'docs', 'configuration.md');
const WRITE = process.env.KAFKAESQUE_WRITE_GENERATED === '1';

const rows = Object.entries(CONFIG_TABLE) as [string, OptionRow][];
const MiB = 1024 * 1024;

/** Where each type name the rows use comes from. */
const TYPE_SOURCES: Record<string, string> = {
  CompressionName: '../../protocol/compression/errors.js',
  Logger: '../network/logger.js',
  MetadataRecoveryStrategy: '../cluster/cluster.js',
  PartitionerName: '../producer/partitioner.js',
  PartitionerFunction: '../producer/partitioner.js',
  PartitionAssignor: '../consumer/assignors/types.js',
};
const KINDS_SOURCE = './config-kinds.js';

function defaultText(row: OptionRow): string {
  if (row.defaultText !== undefined) return row.defaultText;
  const d = row.default;
  if (d === undefined) return 'none';
  if (typeof d === 'string') return `\`'${d}'\``;
  if (typeof d === 'boolean') return `\`${d}\``;
  if (typeof d === 'number') return d >= MiB && d % MiB === 0 ? `${d} (${d / MiB} MiB)` : String(d);
  if (Array.isArray(d)) return `\`[${d.map((x) => `'${String(x)}'`).join(', ')}]\``;
  throw new Error(`no text for the default ${String(d)}`);
}

function jsDoc(row: OptionRow): string {
  return `/** ${row.doc} Default: ${defaultText(row)}. Java: ${row.java}. */`;
}

function renderTypes(): string {
  const used = new Set<string>();
  for (const [, row] of rows) {
    for (const t of `${row.input} ${row.value ?? ''}`.match(/\b[A-Z][A-Za-z]+\b/g) ?? []) used.add(t);
  }
  const bySource = new Map<string, string[]>();
  for (const name of [...used].sort()) {
    const source = TYPE_SOURCES[name] ?? KINDS_SOURCE;
    bySource.set(source, [...(bySource.get(source) ?? []), name]);
  }
  const imports = [...bySource.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, names]) => `import type { ${names.join(', ')} } from '${source}';`);
  const section = (s: ConfigSection, lines: string[], last: string | undefined): void => {
    if (s !== last) lines.push(`${lines.length > 0 && !lines[lines.length - 1]!.endsWith('{') ? '\n' : ''}  // ---- ${s}`);
  };
  const options: string[] = [];
  const values: string[] = [];
  let lastO: ConfigSection | undefined;
  let lastV: ConfigSection | undefined;
  for (const [name, row] of rows) {
    section(row.section, options, lastO);
    lastO = row.section;
    options.push(`  ${jsDoc(row)}`, `  ${name}?: ${row.input};`);
    if (row.value !== undefined) {
      section(row.section, values, lastV);
      lastV = row.section;
      values.push(`  ${jsDoc(row)}`, `  readonly ${name}: ${row.value};`);
    }
  }
  return [
    '// Generated from src/client/config-table.ts by `npm run gen:config`: edit the table, not this file.',
    ...imports,
    '',
    '/** Everything `new Config()` accepts; every option is optional. */',
    'export interface ConfigOptions {',
    ...options,
    '}',
    '',
    '/** The effective (validated, normalized, defaulted) values a Config exposes as read-only properties. */',
    'export interface ConfigValues {',
    ...values,
    '}',
    '',
  ].join('\n');
}

const DOCS_BEGIN = '<!-- options: generated from src/client/config-table.ts by `npm run gen:config` -->';
const DOCS_END = '<!-- end of generated options -->';
const TITLES: Record<ConfigSection, string> = { connection: 'Connection', producer: 'Producer', consumer: 'Consumer' };

function renderDocs(): string {
  const out: string[] = [DOCS_BEGIN];
  for (const s of ['connection', 'producer', 'consumer'] as const) {
    out.push('', `### ${TITLES[s]}`, '', '| option | type | default | Java | YAML key | notes |', '| --- | --- | --- | --- | --- | --- |');
    for (const [name, row] of rows) {
      if (row.section !== s) continue;
      out.push(`| \`${name}\` | ${row.accepts} | ${defaultText(row)} | ${row.java} | ${row.yaml ? `\`${row.yaml}\`` : ''} | ${row.doc} |`);
    }
  }
  out.push('', DOCS_END);
  return out.join('\n');
}

function spliceDocs(text: string): string {
  const begin = text.indexOf(DOCS_BEGIN);
  const end = text.indexOf(DOCS_END);
  if (begin < 0 || end < begin) throw new Error(`${DOCS_FILE} lacks the markers of the generated option tables`);
  return text.slice(0, begin) + renderDocs() + text.slice(end + DOCS_END.length);
}

describe('the Config option table', () => {
  test('src/client/config-options.generated.ts is rendered from the table', () => {
    const want = renderTypes();
    if (WRITE) fs.writeFileSync(TYPES_FILE, want);
    expect(fs.readFileSync(TYPES_FILE, 'utf8')).toBe(want);
  });

  test("docs/configuration.md's option tables are rendered from the table", () => {
    const text = fs.readFileSync(DOCS_FILE, 'utf8');
    const want = spliceDocs(text);
    if (WRITE) fs.writeFileSync(DOCS_FILE, want);
    expect(fs.readFileSync(DOCS_FILE, 'utf8')).toBe(want);
  });

  test('every row has one line of documentation and a Java column', () => {
    for (const [name, row] of rows) {
      expect([name, row.doc.includes('\n'), row.doc.endsWith('.')]).toEqual([name, false, true]);
      expect([name, row.java.length > 0]).toEqual([name, true]);
    }
  });

  test('a default Config reads back every fixed default of the table', () => {
    const c = new Config({ group: 'g' }); // autoCommit's default holds with a group
    for (const [name, d] of Object.entries(CONFIG_DEFAULTS)) {
      expect([name, c[name as keyof typeof CONFIG_DEFAULTS]]).toEqual([name, d]);
    }
    // the derived ones
    expect(c.rebalanceTimeoutMs).toBe(c.maxPollIntervalMs);
    expect(new Config().autoCommit).toBe(false); // no group
  });

  test('each YAML key of a row sets that option through the Multiplexer config file', () => {
    const samples: Record<string, [string, (c: Config) => unknown, unknown]> = {
      addrs: ['addrs: [b1:9092, b2:9093]', (c) => c.brokers, ['b1:9092', 'b2:9093']],
      client_id: ['client_id: svc', (c) => c.clientId, 'svc'],
      compression: ['compression: lz4', (c) => c.compression, 'lz4'],
      compression_level: ['compression: zstd\ncompression_level: 7', (c) => c.compressionLevel, 7],
      acks: ['acks: 1', (c) => c.acks, 1],
      partitioner: ['partitioner: random', (c) => c.partitioner, 'random'],
      initial_offset: ['initial_offset: newest', (c) => c.initialOffset, 'newest'],
      hash_function: ['hash_function: murmur2', (c) => c.hashFunction, 'murmur2'],
      null_key: ['null_key: sticky', (c) => c.nullKey, 'sticky'],
      transactional_id: ['transactional_id: orders-1', (c) => c.transactionalId, 'orders-1'],
      isolation_level: ['isolation_level: read_committed', (c) => c.isolationLevel, 'read_committed'],
      tls: ['tls:\n  enabled: true', (c) => c.tls !== false, true],
      sasl: ['sasl:\n  mechanism: PLAIN\n  user: u\n  password: p', (c) => (c.sasl && 'username' in c.sasl ? c.sasl.username : undefined), 'u'],
    };
    const yamlRows = rows.filter(([, row]) => row.yaml !== undefined);
    for (const [name, row] of yamlRows) {
      if (name === 'group') {
        // group_id is the plugin's group (and Multiplexer name), returned apart from the Config
        expect(parseMuxConfig('group_id: orders', 'kafka.yaml').groupId).toBe('orders');
        continue;
      }
      const sample = samples[row.yaml!];
      expect([name, sample !== undefined]).toEqual([name, true]);
      const [text, read, want] = sample!;
      expect([name, read(parseMuxConfig(text, 'kafka.yaml').config)]).toEqual([name, want]);
    }
    expect(yamlRows.map(([, r]) => r.yaml).sort()).toEqual([...Object.keys(samples), 'group_id'].sort());
    // and the file's keys that set a Config option are exactly the rows' YAML keys
    const fileKeys = Object.entries(CONFIG_FILE_KEYS)
      .filter(([key, k]) => !key.includes('.') && k.option !== undefined && Object.hasOwn(CONFIG_TABLE, k.option))
      .map(([key, k]) => `${key}=${k.option!}`);
    expect(fileKeys.sort()).toEqual(yamlRows.map(([name, r]) => `${r.yaml!}=${name}`).sort());
  });
});
