// `npm run test:unit`: the tests that need no broker, no JVM and no build (see
// test/setup/unit-tests.cjs for which), without the global setup that starts a broker. Jest only
// transpiles: run `npx tsc -p tsconfig.test.json --noEmit` for types (`npm test` does).
const base = require('./jest.config.cjs');
const { unitTests } = require('./test/setup/unit-tests.cjs');

const { globalSetup, globalTeardown, testMatch, ...rest } = base;

/** @type {import('jest').Config} */
module.exports = {
  ...rest,
  // exact paths: jest's testMatch takes globs, and these are files
  testMatch: unitTests(__dirname).map((f) => f.split('\\').join('/')),
  maxWorkers: 2,
};
