/** The selection of `npm run test:unit` (test/setup/unit-tests.cjs): what needs no broker, JVM or build. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS helper of the jest configs
const { unitTests } = require('./unit-tests.cjs') as { unitTests: (root: string) => string[] };

// the markers are spelled in pieces, so that this file does not carry them itself (it is a unit test)
const HELPERS = '../helpers/';
const BROKER_VAR = ['KAFKAESQUE', 'BROKER'].join('_');
const BUILD_MARKER = '@needs' + '-build';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-tests-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

test('a test is a unit test unless its folder or its text says it needs a broker, a JVM or a build', () => {
  const root = tree({
    'test/protocol/codec.test.ts': "import { Reader } from '../../protocol/reader.js';",
    'test/client/fake.test.ts': "import { FakeKafka } from '../helpers/fake-kafka.js';",
    'test/client/real.test.ts': `import { brokerAddress } from '${HELPERS}broker.js';`,
    'test/client/env.test.ts': `const b = process.env.${BROKER_VAR};`,
    'test/mux/built.test.ts': `// ${BUILD_MARKER}\n`,
    'test/consumer/kcat.test.ts': `import { kcat } from '${HELPERS}kcat';`,
    'test/conformance/fetch.conformance.test.ts': '',
    'test/cluster/crash.test.ts': '',
    'test/package/pack.test.ts': '',
    'test/helpers/random.ts': '',
  });
  try {
    expect(unitTests(root).map((f) => path.relative(root, f).split(path.sep).join('/'))).toEqual([
      'test/client/fake.test.ts',
      'test/protocol/codec.test.ts',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('in this repository it picks the codec, partitioner and fake-broker tests, and none under the broker folders', () => {
  const root = path.resolve(__dirname, '..', '..');
  const picked = unitTests(root).map((f) => path.relative(root, f).split(path.sep).join('/'));
  expect(picked).toEqual(expect.arrayContaining(['test/protocol/batch-builder.test.ts', 'test/producer/partitioner.test.ts', 'test/client/producer-batches.test.ts', 'test/setup/unit-tests.test.ts']));
  expect(picked.filter((f) => /^test\/(broker|cluster|secure|interop|conformance|package|examples)\//.test(f))).toEqual([]);
  expect(picked).not.toContain('test/client/producer.test.ts');
});
