// Which test files are unit tests: those that need no broker, no JVM and no build, so that
// `npm run test:unit` (jest.unit.config.cjs) runs them without jest's global setup, in seconds.
//
// A file is NOT a unit test when it lives in a folder whose tests all need one of those (real
// brokers, Kafka's Java classes as oracle, the built package), or when its text names what
// only a broker run has: the broker helpers, the broker's address variable, the broker harness,
// or the "@needs-build" marker. A new test that reaches a broker some other way fails under
// `npm run test:unit` (no broker is started there): it is never skipped silently.
const fs = require('node:fs');
const path = require('node:path');

const NOT_UNIT_DIRS = ['broker', 'cluster', 'secure', 'interop', 'conformance', 'package', 'examples'];
const NEEDS_BROKER = /helpers\/(broker|interop|kcat|topics|go)(\.js)?'|KAFKAESQUE_BROKER|@needs-build|scripts\/broker/;

function testFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Absolute paths of the unit test files under `root`/test. */
function unitTests(root) {
  const testDir = path.join(root, 'test');
  return testFiles(testDir)
    .filter((f) => !NOT_UNIT_DIRS.includes(path.relative(testDir, f).split(path.sep)[0]))
    .filter((f) => !NEEDS_BROKER.test(fs.readFileSync(f, 'utf8')))
    .sort();
}

module.exports = { unitTests };
