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
  ['tracing.mjs', /kafkaesque:producer:send \(send\) ok[\s\S]*offset: 0n[\s\S]*tracing: 8 channels seen, 2 records handled/],
  ['kafkajs.mjs', /sent: partition \d from offset 0[\s\S]*joined .* as leader: true[\s\S]*received customer-\d \{"item":"\w+"\} \(partition \d, offset \d, source example\)[\s\S]*consumed apples, pears, plums; committed and disconnected/],
])('examples/%s runs against the broker', async (file, expected) => {
  const { stdout } = await run(process.execPath, [join(root, 'examples', file)], {
    cwd: root,
    env: { ...process.env, KAFKAESQUE_BROKER: brokerAddress().bootstrap },
    timeout: 60_000,
  });
  expect(stdout).toMatch(expected);
}, 90_000);

/** Runs a compiled TypeScript example with a topic of its own; resolves with what it printed. */
async function runExample(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'dist', 'examples', `${name}.js`), `example-${name}-${Date.now()}`], {
    cwd: root,
    env: { ...process.env, KAFKAESQUE_BROKER: brokerAddress().bootstrap },
    timeout: 60_000,
  });
  return stdout;
}

test.each([
  ['sync-producer', /sync: .*@\d+ metadata=\{"requestId":"r-1"\}[\s\S]*pinned to partition 0/],
  ['async-producer', /async: 5 delivered/],
  ['group-consumer', /group: consuming[\s\S]*event 2[\s\S]*committed and closed/],
])('examples/ts/%s.ts compiles and runs against the broker', async (name, expected) => {
  expect(await runExample(name)).toMatch(expected);
}, 90_000);

test('examples/ts/transactions.ts: the aborted transaction is never read; the Multiplexer writes one invoice per order across an aborted try', async () => {
  const out = await runExample('transactions');
  expect(out).toMatch(/^transactions: aborted: insufficient funds$/m);
  expect(out).toMatch(/^transactions: ledger reads \["debit 10","credit 10"\]$/m);
  expect(out).toMatch(/^transactions: handler failed, the order comes again: the tax service timed out$/m);
  expect(out).toMatch(/^transactions: 5 invoices, 5 distinct, order-3 handled 2 times$/m);
}, 90_000);

test('examples/ts/admin.ts: creates a topic (a second time refused per item), describes it, and reads a group\'s lag', async () => {
  const out = await runExample('admin');
  expect(out).toMatch(/^admin: create \S+: ok, id [\w-]{22}$/m);
  expect(out).toMatch(/^admin: create again: TOPIC_ALREADY_EXISTS$/m);
  expect(out).toMatch(/^admin: \S+ has 2 partitions, leaders \d+,\d+$/m);
  expect(out).toMatch(/^admin: lag \S+-0 committed 3 end 5 lag 2$/m);
  expect(out).toMatch(/^admin: total lag 2$/m);
}, 90_000);

test('examples/ts/multiplexer.ts: both connections get every message; the commit is where a restart resumes', async () => {
  const out = await runExample('multiplexer');
  for (const conn of ['billing', 'audit']) {
    const got = [...out.matchAll(new RegExp(`^mux: \\[${conn}\\] \\S+/0@(\\d) (\\S+)$`, 'gm'))].map((m) => `${m[1]} ${m[2]}`);
    expect(got).toEqual(['0 order-1=created', '1 order-1=paid', '2 order-2=created', '3 order-2=paid']);
  }
  expect(out).toMatch(/^mux: async sent order-2=created -> partition 0 offset 2$/m);
  expect(out).toMatch(/^mux: async sent order-2=paid -> partition 0 offset 3$/m);
  // the four marked messages were committed: the restarted group starts after them, not at the oldest
  expect(out).toMatch(/^mux: restarted group resumed at offset 4 with order-1=shipped$/m);
  expect(out).toMatch(/^mux: closed$/m);
}, 90_000);

test('examples/ts/proto-connection.ts: binary and canonical-JSON values decode to the fields sent', async () => {
  const out = await runExample('proto-connection');
  expect(out).toMatch(
    /^proto binary: \S+-bin@0 key=order-1 \{"id":"order-1","quantity":3,"status":"STATUS_PAID","tags":\["gift"\],"placedAtMs":"1700000000000"\}$/m,
  );
  expect(out).toMatch(/^proto json: \S+-json@0 key=order-2 \{"id":"order-2","quantity":1,"status":"STATUS_SHIPPED","placedAtMs":"1700000000001"\}$/m);
  // protojson's form: lowerCamelCase names, enums by name, int64 as a string, defaults omitted
  expect(out).toMatch(/^proto json on the wire: \{"id":"order-2","quantity":1,"status":"STATUS_SHIPPED","placedAtMs":"1700000000001"\}$/m);
  expect(out).toMatch(/^proto: closed$/m);
}, 90_000);

test('examples/ts/manual-connection.ts: replays a partition from OffsetOldest and from an explicit offset', async () => {
  const out = await runExample('manual-connection');
  expect(out).toMatch(/^manual: sent 5 readings to \S+\/0, offsets 0\.\.4$/m);
  expect(out).toMatch(/^manual: from OffsetOldest: reading 0, reading 1, reading 2, reading 3, reading 4$/m);
  expect(out).toMatch(/^manual: from offset 3: reading 3, reading 4$/m);
  expect(out).toMatch(/^manual: closed$/m);
}, 90_000);

test('examples/ts/plugin.ts: a configured plugin is healthy; without a file it is disabled; a bad file is an error', async () => {
  const out = await runExample('plugin');
  expect(out).toMatch(/^plugin: initialized from \S+kafka\.yaml \(disabled: false\)$/m);
  expect(out).toMatch(/^plugin: received order-1=paid at offset 0$/m);
  expect(out).toMatch(/^plugin: health ok$/m);
  expect(out).toMatch(/^plugin: without a config file, disabled: true$/m);
  expect(out).toMatch(/^plugin: PluginDisabledError \(ERR_PLUGIN_DISABLED\): newBytesConnection: the Kafka plugin is disabled/m);
  expect(out).toMatch(/^plugin: disabled health error$/m);
  expect(out).toMatch(/^plugin: MuxConfigError at line 2, key 'ack'$/m);
}, 90_000);

test('examples/ts/multiplexer-from-file.ts: Multiplexer.fromFile as the Go layer\'s InitMultiplexer(pathToConfig, name), with the Go defaults', async () => {
  const out = await runExample('multiplexer-from-file');
  expect(out).toMatch(/^from-file: sync sent key=value -> partition 0 offset 0$/m);
  expect(out).toMatch(/^from-file: async sent, metadata meta -> partition 0 offset 1$/m);
  expect(out).toMatch(/^from-file: consumed key=value \(\S+\/0@0\)$/m);
  expect(out).toMatch(/^from-file: consumed key=async message \(\S+\/0@1\)$/m);
  expect(out).toMatch(/^from-file: group example-from-file-\d+, initial offset oldest, key hash fnv1a; closed$/m);
}, 90_000);

test('examples/ts/plugin-proto.ts: kafka.conf from CONFIG_DIR, a watcher and a named publisher, protojson with proto names on the wire', async () => {
  const out = await runExample('plugin-proto');
  expect(out).toMatch(/^plugin-proto: config kafka\.conf from CONFIG_DIR$/m);
  expect(out).toMatch(/^plugin-proto: published o-1 -> partition 0 offset 0$/m);
  expect(out).toMatch(
    /^plugin-proto: watched o-1 \{"orderId":"o-1","totalCents":"1250","shipTo":\{"streetName":"Main St","houseNumber":7\},"giftTags":\["red"\]\}$/m,
  );
  expect(out).toMatch(
    /^plugin-proto: on the wire \{"order_id":"o-1","total_cents":"1250","ship_to":\{"street_name":"Main St","house_number":7\},"gift_tags":\["red"\]\}$/m,
  );
  expect(out).toMatch(/^plugin-proto: closed$/m);
}, 90_000);

test('examples/ts/testing.ts: a service unit-tested with kafkaesque/testing (no broker): sends read back, an injected failure, the unmarked order not committed', async () => {
  const out = await runExample('testing');
  expect(out).toMatch(/^testing: sent order-1 widget:reserved -> partition \d offset 0$/m);
  expect(out).toMatch(/^testing: sent order-2 widget:out-of-stock -> partition \d offset 1$/m);
  expect(out).toMatch(/^testing: send failed for order-3: the send failed: a failure injected by the mock$/m);
  expect(out).toMatch(/^testing: committed orders\/\d@2$/m);
}, 90_000);
