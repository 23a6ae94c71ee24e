// @needs-build: the application below runs as its own process on the built package.
// A KafkaJS-style application (test/kafkajs/app/app.cjs) runs unchanged with KafkaJS 2.2.4 and
// with `kafkaesque/kafkajs` (only its require line differs): both put each key on the same
// partition, deliver every order once with its headers, and commit the same offsets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerAddress, uniqueTopic } from '../helpers/broker';

const root = join(__dirname, '..', '..');
const source = readFileSync(join(__dirname, 'app', 'app.cjs'), 'utf8');

interface Outcome {
  sentPartitions: number[];
  received: { t: string; partition: number; key: string; order: number; source: string; offset: string }[];
  committed: [number, string][];
  ends: [number, string, string][];
}

function runApp(lib: 'kafkajs' | 'kafkaesque/kafkajs'): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'kjs-app-'));
  try {
    // node_modules with both libraries: KafkaJS (a dev dependency), kafkaesque as this (built) package
    const nm = join(dir, 'node_modules');
    execFileSync('mkdir', ['-p', nm]);
    symlinkSync(join(root, 'node_modules', 'kafkajs'), join(nm, 'kafkajs'));
    symlinkSync(root, join(nm, 'kafkaesque'));
    const text = lib === 'kafkajs' ? source : source.replace("require('kafkajs')", "require('kafkaesque/kafkajs')");
    expect(text.split('\n').filter((l, i) => l !== source.split('\n')[i])).toHaveLength(lib === 'kafkajs' ? 0 : 1);
    writeFileSync(join(dir, 'app.cjs'), text);
    const out = execFileSync(process.execPath, ['app.cjs', uniqueTopic(`kjs-app-${lib.replace('/', '-')}`), uniqueTopic('kjs-app-g'), brokerAddress().bootstrap], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 90_000,
    });
    return JSON.parse(out) as Outcome;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the same application gives the same outcome with KafkaJS and with kafkaesque/kafkajs', () => {
  const theirs = runApp('kafkajs');
  const ours = runApp('kafkaesque/kafkajs');
  expect(ours.received).toHaveLength(40);
  expect(ours.received.map((r) => r.order)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  expect(ours.received.every((r) => r.source === 'app')).toBe(true);
  // the topics differ by name; everything else is equal
  const strip = (o: Outcome): unknown => ({ ...o, received: o.received.map(({ t: _t, ...r }) => r) });
  expect(strip(ours)).toEqual(strip(theirs));
  expect(ours.committed.reduce((n, [, off]) => n + Number(off), 0)).toBe(40);
}, 200_000);
