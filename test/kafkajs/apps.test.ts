// @needs-build: each application below runs as its own process on the built package.
// KafkaJS applications written after the usage KafkaJS's README and documentation show (in our
// own words; test/kafkajs/app/*.cjs and *.mjs) run unchanged with KafkaJS 2.2.4 and with
// `kafkaesque/kafkajs`: only the import line differs (asserted), both runs go against the real
// broker at the same time (each with its own topics and groups), and their printed outcomes must
// be equal, except where docs/kafkajs-migration.md "Known differences" says kafkaesque differs
// on purpose: those differences are asserted here as they are documented.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerAddress, uniqueTopic } from '../helpers/broker';

const root = join(__dirname, '..', '..');
type Lib = 'kafkajs' | 'kafkaesque/kafkajs';

/** The application's text for `lib`: KafkaJS's as written, ours with the import line changed. */
function sourceFor(file: string, lib: Lib): string {
  const source = readFileSync(join(__dirname, 'app', file), 'utf8');
  const from = file.endsWith('.mjs') ? "from 'kafkajs';" : "require('kafkajs');";
  const to = file.endsWith('.mjs') ? "from 'kafkaesque/kafkajs';" : "require('kafkaesque/kafkajs');";
  expect(source.split(from)).toHaveLength(2); // exactly one import of kafkajs
  const text = lib === 'kafkajs' ? source : source.replace(from, to);
  const a = source.split('\n');
  const b = text.split('\n');
  expect(b).toHaveLength(a.length);
  expect(b.filter((l, i) => l !== a[i])).toHaveLength(lib === 'kafkajs' ? 0 : 1);
  return text;
}

interface Run<T> {
  outcome: T;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

interface RunOptions {
  /** send this signal once the app prints `marker` on stderr */
  signal?: { name: NodeJS.Signals; marker: string };
  timeoutMs?: number;
}

/** Runs one application with one library in a directory whose node_modules holds both libraries. */
function runApp<T>(file: string, lib: Lib, opts: RunOptions = {}): Promise<Run<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'kjs-apps-'));
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  symlinkSync(join(root, 'node_modules', 'kafkajs'), join(nm, 'kafkajs'));
  symlinkSync(root, join(nm, 'kafkaesque'));
  writeFileSync(join(dir, file), sourceFor(file, lib));
  const prefix = uniqueTopic(`kjs-apps-${lib === 'kafkajs' ? 'kafkajs' : 'kafkaesque'}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, brokerAddress().bootstrap, prefix], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} with ${lib} did not finish in ${opts.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.signal && !signalled && stderr.includes(opts.signal.marker)) {
        signalled = true;
        child.kill(opts.signal.name);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      try {
        const last = stdout.trim().split('\n').pop() ?? '';
        resolve({ outcome: JSON.parse(last) as T, code, signal, stderr });
      } catch {
        reject(new Error(`${file} with ${lib} printed no outcome (code ${String(code)}, signal ${String(signal)}); stdout: ${stdout}; stderr: ${stderr}`));
      }
    });
  });
}

/** Runs the application with both libraries at once. */
async function runBoth<T>(file: string, opts: RunOptions = {}): Promise<{ theirs: Run<T>; ours: Run<T> }> {
  const started = Date.now();
  const timed = async (lib: Lib): Promise<Run<T>> => {
    const run = await runApp<T>(file, lib, opts);
    if (process.env.KJS_APPS_TIMING) process.stderr.write(`${file} ${lib}: ${Date.now() - started} ms\n`);
    return run;
  };
  const [theirs, ours] = await Promise.all([timed('kafkajs'), timed('kafkaesque/kafkajs')]);
  return { theirs, ours };
}

type Meta = { topic: string; partition: number; errorCode: number; baseOffset: string; logAppendTime: string; logStartOffset: string };

describe('getting-started.mjs: the README usage, as an ES module (import { Kafka } from ...)', () => {
  interface O {
    sent: { topic: boolean; partition: number; errorCode: number; baseOffset: string }[];
    seen: { topic: boolean; partition: number; offset: string; value: string; key: null; headers: Record<string, never> }[];
  }
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('getting-started.mjs');
  }, 90_000);

  test('both exit 0; the consumer reads the greetings from the beginning, with the same offsets and send results', () => {
    expect([r.theirs.code, r.ours.code]).toEqual([0, 0]);
    expect(r.ours.outcome.seen.map((s) => [s.offset, s.value])).toEqual([
      ['0', 'Hello KafkaJS user!'],
      ['1', 'Hello again'],
      ['2', 'Goodbye'],
    ]);
    expect(r.ours.outcome).toEqual(r.theirs.outcome);
  });
});

describe('producing.cjs: keys, headers, partitions, timestamps, sendBatch across topics, compression, a custom logCreator', () => {
  interface O {
    keyed: Meta[];
    placed: Meta[];
    batch: Meta[];
    codecs: Record<'Snappy' | 'LZ4' | 'ZSTD', string>;
    received: { topic: string; partition: number; offset: string; key: string | null; value: string | null; headers: Record<string, string | string[]>; timestamp: string }[];
    entries: { createdAt: number; namespace?: string; level: number; label: string; logger: string; message: string; extra: Record<string, unknown>; timestamp: string }[];
  }
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('producing.cjs');
  }, 90_000);
  // Known difference: logStartOffset is '-1' here (kafkaesque's producer does not expose it)
  const noLogStart = (m: Meta[]): Omit<Meta, 'logStartOffset'>[] => m.map(({ logStartOffset: _l, ...rest }) => rest);

  test('both exit 0; RecordMetadata of each send equal (topic, partition, errorCode, baseOffset, logAppendTime)', () => {
    expect([r.theirs.code, r.ours.code]).toEqual([0, 0]);
    // kafkaesque answers in topic and partition order; KafkaJS in the order its requests return
    const inOrder = (m: Meta[]): Meta[] => [...m].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    for (const k of ['keyed', 'placed', 'batch'] as const) {
      expect(r.ours.outcome[k]).toEqual(inOrder(r.ours.outcome[k]));
      expect(noLogStart(r.ours.outcome[k])).toEqual(noLogStart(inOrder(r.theirs.outcome[k])));
    }
    expect(r.ours.outcome.batch.map((m) => `${m.topic}-${m.partition}`)).toEqual(['audit-0', 'audit-1', 'orders-2']);
    // the documented difference: KafkaJS answers the partition's log start offset, kafkaesque '-1'
    expect(r.theirs.outcome.keyed.map((m) => m.logStartOffset)).toEqual(['0', '0', '0']);
    expect(r.ours.outcome.keyed.map((m) => m.logStartOffset)).toEqual(['-1', '-1', '-1']);
  });

  test('every message read back alike: key, value (null too), headers (Buffer, string, repeated), partition, timestamp', () => {
    const codecKeys = ['Snappy', 'LZ4', 'ZSTD'];
    const ours = r.ours.outcome.received.filter((m) => !codecKeys.includes(m.key ?? ''));
    expect(ours).toHaveLength(10);
    expect(ours).toEqual(r.theirs.outcome.received);
    expect(ours.find((m) => m.value === 'order 2')?.headers).toEqual({ tags: ['a', 'b'] });
    expect(ours.find((m) => m.value === 'to partition 2')).toMatchObject({ partition: 2, timestamp: '1700000000000' });
  });

  test('known difference: Snappy, LZ4 and ZSTD are built in (KafkaJS without registered codecs throws KafkaJSNotImplemented)', () => {
    expect(r.theirs.outcome.codecs).toEqual({
      Snappy: 'KafkaJSNotImplemented: Snappy compression not implemented',
      LZ4: 'KafkaJSNotImplemented: LZ4 compression not implemented',
      ZSTD: 'KafkaJSNotImplemented: ZSTD compression not implemented',
    });
    expect(r.ours.outcome.codecs).toEqual({ Snappy: 'sent', LZ4: 'sent', ZSTD: 'sent' });
    expect(r.ours.outcome.received.filter((m) => ['Snappy', 'LZ4', 'ZSTD'].includes(m.key ?? '')).map((m) => m.value)).toEqual(['Snappy audit', 'LZ4 audit', 'ZSTD audit']);
  });

  test("the logCreator gets the same entries from the client's, a namespace()'s, the admin's, producer's and consumer's loggers", () => {
    expect(r.theirs.outcome.entries.map((e) => [e.namespace, e.label, e.message])).toEqual([
      [undefined, 'INFO', 'app: starting'],
      ['billing', 'ERROR', 'app: a namespaced logger'],
      ['Admin', 'WARN', 'app: admin connected'],
      ['Producer', 'INFO', 'app: producer created'],
      ['Consumer', 'INFO', 'app: reading back'],
    ]);
    expect(r.ours.outcome.entries).toEqual(r.theirs.outcome.entries);
  });
});

describe('each-batch.cjs: eachBatch with resolveOffset, heartbeat, isRunning/isStale, commitOffsetsIfNecessary, uncommittedOffsets', () => {
  interface O {
    processed: { partition: number; offset: string; key: string; payment: number }[];
    problems: string[];
    sawBatches: boolean;
    uncommittedPartitionTypes: string[];
    committed: [number, string][];
    ends: [number, string][];
  }
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('each-batch.cjs');
  }, 90_000);

  test('both exit 0; every payment processed once on the same partition, the batch helpers agree with the messages, all committed', () => {
    expect([r.theirs.code, r.ours.code]).toEqual([0, 0]);
    const { uncommittedPartitionTypes: _a, ...ours } = r.ours.outcome;
    const { uncommittedPartitionTypes: _b, ...theirs } = r.theirs.outcome;
    expect(ours.problems).toEqual([]);
    expect(ours.processed.map((p) => p.payment)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(ours.committed).toEqual(ours.ends);
    expect(ours).toEqual(theirs);
  });

  test("known difference: uncommittedOffsets()' partitions are numbers, as KafkaJS's types say (KafkaJS 2.2.4 gives strings)", () => {
    expect(r.theirs.outcome.uncommittedPartitionTypes).toEqual(['string']);
    expect(r.ours.outcome.uncommittedPartitionTypes).toEqual(['number']);
  });
});

describe('flow-control.mjs: partitionsConsumedConcurrently, pause/resume inside eachMessage, paused(), seek, autoCommit: false + commitOffsets', () => {
  interface O {
    handled: Record<string, string[]>;
    failures: { error: string; restart: boolean }[];
    pausedSeen: { topic: string; partitions: number[] }[][];
    afterSeek: [number, string][];
    concurrent: boolean;
    committed: [number, string][];
  }
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('flow-control.mjs');
  }, 90_000);

  test('both exit 0; every job handled once in partition order after the throttled one was paused, failed and resumed', () => {
    expect([r.theirs.code, r.ours.code]).toEqual([0, 0]);
    const all = ['0', '1', '2', '3', '4', '5', '6', '7'];
    expect(r.ours.outcome.handled).toEqual({ 0: all, 1: all, 2: all });
    expect(r.ours.outcome.handled).toEqual(r.theirs.outcome.handled);
    expect(r.ours.outcome.concurrent).toBe(true);
    expect(r.ours.outcome.concurrent).toBe(r.theirs.outcome.concurrent);
  });

  test('paused() inside the handler and after resume; a seek back while running delivers those messages again', () => {
    expect(r.ours.outcome.pausedSeen).toEqual([[{ topic: 'jobs', partitions: [1] }], [{ topic: 'jobs', partitions: [1, 2] }], []]);
    expect(r.ours.outcome.pausedSeen).toEqual(r.theirs.outcome.pausedSeen);
    expect(r.ours.outcome.afterSeek).toEqual([
      [0, '6'],
      [0, '7'],
    ]);
    expect(r.ours.outcome.afterSeek).toEqual(r.theirs.outcome.afterSeek);
  });

  test("known difference: a handler's error is a CRASH event with restart: true (KafkaJS retries it without one)", () => {
    expect(r.theirs.outcome.failures).toEqual([]);
    expect(r.ours.outcome.failures).toEqual([{ error: 'dependency says: too many requests', restart: true }]);
  });

  test('with autoCommit: false, only what commitOffsets names is committed (partition 2: nothing)', () => {
    expect(r.theirs.outcome.committed).toEqual([
      [0, '8'],
      [1, '5'],
      [2, '-1'],
    ]);
    const at = (o: O, p: number): string | undefined => o.committed.find(([q]) => q === p)?.[1];
    expect(at(r.ours.outcome, 0)).toBe('8');
    expect(at(r.ours.outcome, 2)).toBe('-1');
  });

  test('known difference: commitOffsets does not move a committed offset backwards (KafkaJS does: partition 1 back to 5)', () => {
    expect(r.ours.outcome.committed.find(([p]) => p === 1)).toEqual([1, '8']);
  });
});

describe('transactions.cjs: an aborted transaction; consume-transform-produce with sendOffsets, commit and abort', () => {
  interface O {
    abortedDraft: boolean;
    attempts: Record<string, number>;
    committedView: string[];
    uncommittedView: string[];
    committed: [number, string][];
    inputEnds: [number, string][];
    outputEnds: [number, string][];
  }
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('transactions.cjs');
  }, 90_000);

  test('both exit 0; read_committed sees each word once, read_uncommitted the aborted ones too; offsets committed with the transactions', () => {
    expect([r.theirs.code, r.ours.code]).toEqual([0, 0]);
    expect(r.ours.outcome.committedView).toEqual(['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT', 'GOLF', 'POISON']);
    expect(r.ours.outcome.uncommittedView).toEqual([...r.ours.outcome.committedView, 'DRAFT 1', 'DRAFT 2', 'POISON'].sort());
    expect(r.ours.outcome.committed).toEqual(r.ours.outcome.inputEnds);
    expect(r.ours.outcome.attempts.poison).toBe(2);
    const sorted = (o: O): O => ({ ...o, attempts: Object.fromEntries(Object.entries(o.attempts).sort()) });
    expect(sorted(r.ours.outcome)).toEqual(sorted(r.theirs.outcome));
  });
});

describe('admin.mjs: topics, configs, partitions, offsets, groups (default and named ES imports)', () => {
  type O = Record<string, unknown>;
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('admin.mjs');
  }, 90_000);

  test('both exit 0; every admin answer equal', () => {
    expect([r.theirs.code, r.ours.code]).toEqual([0, 0]);
    const { afterReset: _a, ...ours } = r.ours.outcome;
    const { afterReset: _b, ...theirs } = r.theirs.outcome;
    expect(ours).toMatchObject({
      created: true,
      createdAgain: false,
      listed: [true, false],
      live: { state: 'Stable', protocol: 'RoundRobinAssigner', members: [{ clientId: 'inventory-admin', assignment: [0, 1, 2, 3] }] },
      described: [{ groupId: true, state: 'Empty', protocolType: 'consumer', members: 0, errorCode: 0 }],
      afterSet: [
        [0, '1'],
        [1, '3'],
        [2, '3'],
        [3, '2'],
      ],
      afterDeleteRecords: [
        [0, '0', '3'],
        [1, '2', '3'],
        [2, '0', '3'],
        [3, '0', '3'],
      ],
      listedAfterDeleteTopic: false,
    });
    expect(ours).toEqual(theirs);
  });

  test('known difference: resetOffsets commits the earliest offset itself (KafkaJS commits the sentinel -2)', () => {
    expect(r.theirs.outcome.afterReset).toEqual([0, 1, 2, 3].map((p) => [p, '-2']));
    expect(r.ours.outcome.afterReset).toEqual([0, 1, 2, 3].map((p) => [p, '0']));
  });
});

describe('instrumentation.cjs: instrumentation events, removeListener, and the signal traps of the examples (SIGTERM)', () => {
  interface O {
    seen: Record<string, { count: number; keys: string[] | null; shape: string }>;
    join: { groupId: boolean; memberId: string; memberAssignment: number[]; groupProtocol: string; duration: string }[];
    committed: Record<string, string>;
    crashes: { name: string; message: string; restart: boolean; groupId: boolean }[];
    restartAsked: string[];
    removedCalls: number;
    heartbeatListener: string;
    handled: [number, string][];
  }
  let r: { theirs: Run<O>; ours: Run<O> };
  beforeAll(async () => {
    r = await runBoth<O>('instrumentation.cjs', { signal: { name: 'SIGTERM', marker: 'all clicks counted' } });
  }, 90_000);
  const shapes = (o: O, leave: string[]): Record<string, string[] | null> =>
    Object.fromEntries(Object.entries(o.seen).filter(([t]) => !leave.includes(t)).map(([t, s]) => [t, s.keys]));

  test('SIGTERM: the trap disconnects, prints, re-raises; every click handled once (the failed one again)', () => {
    expect([r.theirs.signal, r.ours.signal]).toEqual(['SIGTERM', 'SIGTERM']);
    expect(r.ours.outcome.handled).toEqual([
      [0, '0'],
      [0, '1'],
      [0, '2'],
      [1, '0'],
      [1, '1'],
      [1, '2'],
    ]);
    expect(r.ours.outcome.handled).toEqual(r.theirs.outcome.handled);
  });

  test('the same events with the same payload keys (producer, admin, consumer), GROUP_JOIN payload, a removed listener never called', () => {
    const leave = ['consumer.crash', 'consumer.commit_offsets'];
    expect(Object.keys(shapes(r.ours.outcome, leave)).sort()).toEqual(
      [
        'admin.connect',
        'admin.disconnect',
        'producer.connect',
        'producer.disconnect',
        'consumer.connect',
        'consumer.group_join',
        'consumer.start_batch_process',
        'consumer.end_batch_process',
        'consumer.stop',
        'consumer.disconnect',
      ].sort(),
    );
    expect(shapes(r.ours.outcome, leave)).toEqual(shapes(r.theirs.outcome, leave));
    expect(Object.values(r.ours.outcome.seen).every((s) => s.shape === 'numbernumber')).toBe(true);
    expect(r.ours.outcome.join).toEqual([{ groupId: true, memberId: 'string', memberAssignment: [0, 1], groupProtocol: 'RoundRobinAssigner', duration: 'number' }]);
    expect(r.ours.outcome.join).toEqual(r.theirs.outcome.join);
    expect([r.theirs.outcome.removedCalls, r.ours.outcome.removedCalls]).toEqual([0, 0]);
    expect([r.theirs.outcome.restartAsked, r.ours.outcome.restartAsked]).toEqual([[], []]);
  });

  test('a HEARTBEAT listener registers in both; known differences: a failed handler is a CRASH (restart: true); periodic commits emit no COMMIT_OFFSETS', () => {
    expect(r.theirs.outcome.heartbeatListener).toBe('registered');
    expect(r.ours.outcome.heartbeatListener).toBe('registered');
    expect(r.theirs.outcome.crashes).toEqual([]);
    expect(r.ours.outcome.crashes).toEqual([{ name: 'KafkaJSNonRetriableError', message: 'click store unavailable', restart: true, groupId: true }]);
    expect(r.theirs.outcome.committed).toEqual({ 0: '3', 1: '3' });
    expect(r.ours.outcome.committed).toEqual({});
  });
});
