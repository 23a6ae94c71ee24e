/**
 * KAFKAESQUE_ERROR_CODES (protocol/errors.ts) is the whole list of codes kafkaesque raises: every
 * `'ERR_...'` string in src/ and protocol/ is listed, every listed code is raised somewhere, and
 * the table in docs/client.md is the list. Strings are found with TypeScript's parser, so a code
 * named in a comment neither counts as raised nor needs listing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT, tsSources } from '../helpers/sources.js';
import { KAFKA_ERROR_CODE_PREFIX, KAFKAESQUE_ERROR_CODES } from '../../protocol/errors.js';

const root = REPO_ROOT;
const sources = tsSources;

interface Found {
  code: string;
  where: string;
  /** `x === 'ERR_...'`: a code read off someone else's error (Node's), not raised. */
  compared: boolean;
}

function codeStrings(): Found[] {
  const found: Found[] = [];
  for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'protocol'))]) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) && node.text.startsWith('ERR_')) {
        const parent = node.parent;
        const compared =
          ts.isBinaryExpression(parent) &&
          [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(parent.operatorToken.kind);
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        found.push({ code: node.text, where: `${path.relative(root, file)}:${line}`, compared });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

const listed = Object.keys(KAFKAESQUE_ERROR_CODES);
const found = codeStrings();
const raised = found.filter((f) => !f.compared);

test('the sources raise codes (the scan finds them)', () => {
  expect(raised.length).toBeGreaterThan(50);
  expect(raised.map((f) => f.code)).toEqual(expect.arrayContaining(['ERR_NO_LEADER', 'ERR_MUX_HANDLER', 'ERR_DECOMPRESSION']));
});

test('every code raised in src/ and protocol/ is in KAFKAESQUE_ERROR_CODES', () => {
  // a string ending in '_' is a prefix: only Kafka's error names are raised that way
  const prefixes = raised.filter((f) => f.code.endsWith('_'));
  expect(prefixes.map((f) => f.code)).toEqual([KAFKA_ERROR_CODE_PREFIX]);
  const missing = raised.filter((f) => !f.code.endsWith('_') && !listed.includes(f.code)).map((f) => `${f.code} (${f.where})`);
  expect(missing).toEqual([]);
});

test('every code in KAFKAESQUE_ERROR_CODES is raised somewhere', () => {
  const codes = new Set(raised.map((f) => f.code));
  expect(listed.filter((c) => !codes.has(c))).toEqual([]);
});

test('codes compared against are not kafkaesque codes (they are Node\'s)', () => {
  const compared = found.filter((f) => f.compared);
  expect(compared.map((f) => f.code)).toEqual(expect.arrayContaining(['ERR_BUFFER_TOO_LARGE']));
  expect(compared.filter((f) => listed.includes(f.code) || f.code.startsWith(KAFKA_ERROR_CODE_PREFIX))).toEqual([]);
});

test('every listed code says what it means and what to do, in one line', () => {
  for (const [code, text] of Object.entries(KAFKAESQUE_ERROR_CODES)) {
    expect([code, /^ERR_[A-Z0-9_]+[A-Z0-9]$/.test(code)]).toEqual([code, true]);
    expect([code, text.includes(';') && !text.includes('\n') && !text.includes('|')]).toEqual([code, true]);
  }
});

/** The table docs/client.md must carry between its markers, made from the list. */
function expectedTable(): string {
  const rows = Object.entries(KAFKAESQUE_ERROR_CODES).map(([code, text]) => `| \`${code}\` | ${text} |`);
  rows.push(
    `| \`${KAFKA_ERROR_CODE_PREFIX}<NAME>\` | a broker's error code, by Kafka's name (\`KafkaProtocolError\`, e.g. \`${KAFKA_ERROR_CODE_PREFIX}NOT_LEADER_OR_FOLLOWER\`); \`retriable\` and \`invalidMetadata\` say what to do |`,
  );
  return ['| code | what it means; what to do |', '| --- | --- |', ...rows].join('\n');
}

test('docs/client.md lists the codes as KAFKAESQUE_ERROR_CODES does', () => {
  const doc = fs.readFileSync(path.join(root, 'docs', 'client.md'), 'utf8');
  const m = /<!-- error codes: start[^>]*-->\n([\s\S]*?)\n<!-- error codes: end -->/.exec(doc);
  expect(m).not.toBeNull();
  // on failure, paste the expected text between the markers
  expect(m![1]).toBe(expectedTable());
});
