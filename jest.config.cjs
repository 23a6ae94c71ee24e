// Jest configuration of kafkaesque. `npm test` (scripts/test.mjs) type-checks first with
// `tsc -p tsconfig.test.json --noEmit`, so ts-jest only transpiles (isolatedModules).
//
// The tests run against a real Kafka broker: test/setup/global-setup.cjs uses the one that
// answers on KAFKAESQUE_BROKER (default 127.0.0.1:9092) or starts one with
// scripts/broker/harness.mjs, and global-teardown.cjs stops it if setup started it.
// KAFKAESQUE_BROKER_MODE (single | cluster | secure, or a comma list, default single,secure) picks
// the broker(s); test/cluster/ and test/secure/ only run when their mode is in that list.
// `npm run test:unit` uses jest.unit.config.cjs instead: no broker, only the tests that need none.
// keep in step with DEFAULT_TEST_MODES in scripts/broker/harness.mjs
const modes = (process.env.KAFKAESQUE_BROKER_MODE || 'single,secure').split(',').map((m) => m.trim());

const ignored = ['/node_modules/', '/dist/', '/\\.kafka/'];
if (!modes.includes('cluster')) ignored.push('<rootDir>/test/cluster/');
if (!modes.includes('secure')) ignored.push('<rootDir>/test/secure/');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ignored,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.kafka/'],
  transform: {
    // tsconfig.test.json sets isolatedModules: ts-jest only transpiles (type errors are
    // reported by the tsc step of `npm test`, not at test time)
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
  },
  // sources import with .js extensions (ESM style); resolve them to the .ts files
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/test/setup/global-setup.cjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.cjs',
  // 2 cores, shared with the broker. The cluster suites crash and restart brokers that every
  // suite of that run shares (test/broker checks all three nodes): one suite at a time there.
  maxWorkers: modes.includes('cluster') ? 1 : 2,
};
