/**
 * The examples run against the real broker through the built package, as a user runs them.
 * @needs-build
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brokerAddress } from '../helpers/broker.js';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

// the TypeScript examples are type-checked against the built package's declarations and compiled
beforeAll(async () => {
  await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'examples', 'ts', 'tsconfig.json')], {
    cwd: root,
  });
}, 120_000);

test.each([
  ['produce-and-fetch.mjs', /SyncProducer: .* offset \d+[\s\S]*AsyncProducer: record #2[\s\S]*fetched from offset/],
  ['multiplexer.mjs', /\[audit\][\s\S]*\[billing\][\s\S]*each connection received every message/],
])('examples/%s runs against the broker', async (file, expected) => {
  const { stdout } = await run(process.execPath, [join(root, 'examples', file)], {
    cwd: root,
    env: { ...process.env, KAFKAESQUE_BROKER: brokerAddress().bootstrap },
    timeout: 60_000,
  });
  expect(stdout).toMatch(expected);
}, 90_000);

test.each([
  ['sync-producer', /sync: .*@\d+ metadata=\{"requestId":"r-1"\}[\s\S]*pinned to partition 0/],
  ['async-producer', /async: 5 delivered/],
  ['group-consumer', /group: consuming[\s\S]*event 2[\s\S]*committed and closed/],
])('examples/ts/%s.ts compiles and runs against the broker', async (name, expected) => {
  const { stdout } = await run(process.execPath, [join(root, 'dist', 'examples', `${name}.js`), `example-${name}-${Date.now()}`], {
    cwd: root,
    env: { ...process.env, KAFKAESQUE_BROKER: brokerAddress().bootstrap },
    timeout: 60_000,
  });
  expect(stdout).toMatch(expected);
}, 90_000);
