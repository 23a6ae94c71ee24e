/**
 * What the three-node failure tests share: crashing, stopping and restarting single nodes
 * through the broker CLI (the harness is ESM; a jest test reaches it as a child process),
 * looking up leaders, the group coordinator, committed and end offsets with an admin Cluster
 * of its own, reading a topic back with an independent client (kcat, i.e. librdkafka), counting
 * lost, duplicated and reordered records in any reading, and writing each scenario's figures
 * where the engineer can quote them (test/cluster/results/last-run.json, committed).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZERO_UUID } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import { Admin } from '../../src/client/admin.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { findCoordinator as lookUpCoordinator } from '../../src/cluster/coordinator.js';
import type { Logger } from '../../src/index.js';
import { ensureKcat, runKcat } from '../helpers/kcat.js';
import { sleep } from '../helpers/wait.js';

const root = path.join(__dirname, '..', '..');
const cliPath = path.join(root, 'scripts', 'broker', 'cli.mjs');

/** The cluster's three addresses, as the jest global setup exported them. */
export function clusterBrokers(): string[] {
  const list = (process.env.KAFKAESQUE_BROKER ?? '').split(',').filter(Boolean);
  if (list.length !== 3) {
    throw new Error(`the cluster tests need the three-node cluster (npm run test:cluster); KAFKAESQUE_BROKER is '${process.env.KAFKAESQUE_BROKER}'`);
  }
  return list;
}

export { sleep };

/** Runs the broker CLI on the cluster; rejects with its output when it fails. */
export function brokerCli(args: string[], timeoutMs = 150_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliPath, ...args, '--mode', 'cluster'], { cwd: root, env: process.env, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`broker ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

/** kill -9 of one node (a crash). */
export const killNode = (id: number): Promise<string> => brokerCli(['stop', '--node', String(id), '--kill']);
/** SIGTERM: a controlled shutdown of one node (leadership moves away first). */
export const shutdownNode = (id: number): Promise<string> => brokerCli(['stop', '--node', String(id)]);
export const startNode = (id: number): Promise<string> => startRetrying(['start', '--node', String(id)]);
/** Every node crashes at once. */
export const killAll = (): Promise<string> => brokerCli(['stop', '--kill']);
/** Starts whatever nodes are down (nothing when all three run): the tests' cleanup. */
export const restoreCluster = (): Promise<string> => startRetrying(['start']);

/**
 * A start, again when a node could not bind its port (the cluster's ports were once in Linux's
 * ephemeral range, where another program's client socket could hold one; they are below it
 * now, the retry stays as a guard). Any other failure fails at once.
 */
async function startRetrying(args: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await brokerCli(args);
    } catch (err) {
      if (attempt >= 4 || !/Address already in use/.test((err as Error).message)) throw err;
      await sleep(3000);
    }
  }
}

/**
 * The hooks every cluster suite needs: before it, all three nodes up, an admin client (handed
 * to \`use\`) and the offsets topic fully replicated; after it (even when a test failed), every
 * client closed, the cluster whole again and the admin client closed.
 */
export function clusterSuite(use: (admin: Cluster) => void): void {
  let admin: Cluster | undefined;
  beforeAll(async () => {
    await restoreCluster();
    admin = await adminCluster();
    use(admin);
    await waitForFullIsr(admin, ['__consumer_offsets']);
  });
  afterAll(async () => {
    await closeAll();
    await restoreCluster();
    await admin?.close();
  });
}

export async function adminCluster(): Promise<Cluster> {
  return Cluster.connect({ brokers: clusterBrokers(), requestTimeoutMs: 10_000, connectTimeoutMs: 3000, retryBackoffMaxMs: 500 });
}

async function retrying<T>(what: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await sleep(Math.min(1000, 100 * 2 ** attempt));
    }
  }
}

/** The current leader of a partition, asking the cluster (not the cache). */
export async function leaderOf(admin: Cluster, topic: string, partition: number): Promise<number> {
  return retrying(`leader of ${topic}-${partition}`, async () => {
    await admin.refresh([topic]);
    const leader = admin.leaderFor(topic, partition);
    if (leader < 0) throw new Error('no leader');
    return leader;
  });
}

/** Partition -> leader node id, for every partition of a topic. */
export async function leaders(admin: Cluster, topic: string): Promise<Map<number, number>> {
  await admin.refresh([topic]);
  const out = new Map<number, number>();
  for (const p of admin.topic(topic)?.partitions ?? []) out.set(p.partition, p.leaderId);
  return out;
}

/** Waits until every partition of the topics has a leader and all three replicas in sync. */
export async function waitForFullIsr(admin: Cluster, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lagging = '';
    try {
      await admin.refresh(topics);
      for (const t of topics) {
        const info = admin.topic(t);
        if (info === undefined) lagging ||= `${t}: no metadata`;
        for (const p of info?.partitions ?? []) {
          if (p.leaderId < 0 || p.isr.length < 3) lagging ||= `${t}-${p.partition}: leader ${p.leaderId}, isr [${p.isr.join(',')}]`;
        }
      }
    } catch (err) {
      lagging = (err as Error).message;
    }
    if (lagging === '') return;
    if (Date.now() > deadline) throw new Error(`replicas not back in sync after ${timeoutMs / 1000} s: ${lagging}`);
    await sleep(250);
  }
}

/** The group's coordinator node id (FindCoordinator, the client's own lookup), retried while the group has none. */
export async function findCoordinator(admin: Cluster, group: string, timeoutMs = 30_000): Promise<number> {
  return lookUpCoordinator(admin, 'group', group, { baseMs: 100, maxMs: 1000, deadlineMs: Date.now() + timeoutMs, lastAttemptAtDeadline: true, retriable: () => true });
}

/** The group's committed offsets of a topic's partitions (-1: none), from its coordinator. */
export async function committedOffsets(admin: Cluster, group: string, topic: string, partitions: number): Promise<bigint[]> {
  const coordinator = await findCoordinator(admin, group, 10_000);
  const conn = await admin.connection(coordinator);
  const v = Math.min(9, conn.versionFor(OffsetFetch));
  if (v < 8) throw new Error(`OffsetFetch v${v}: the cluster tests expect a Kafka 4.x broker`);
  const partitionIndexes = Array.from({ length: partitions }, (_, i) => i);
  const res = await conn.send(OffsetFetch, {
    groupId: '',
    topics: [],
    requireStable: true,
    groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: [{ name: topic, topicId: ZERO_UUID, partitionIndexes }] }],
  }, { version: v });
  const g = res.groups[0]!;
  if (g.errorCode !== ErrorCode.NONE) throw new Error(`OffsetFetch ${group}: error code ${g.errorCode}`);
  const out = Array.from({ length: partitions }, () => -1n);
  for (const t of g.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) throw new Error(`OffsetFetch ${group} ${topic}-${p.partitionIndex}: error code ${p.errorCode}`);
      out[p.partitionIndex] = p.committedOffset;
    }
  }
  return out;
}

/** The end offset (high watermark) of every partition of a topic (Admin.listOffsets, asked of each leader). */
export async function endOffsets(admin: Cluster, topic: string, partitions: number): Promise<bigint[]> {
  const answers = await Admin.withCluster(admin).listOffsets(
    Array.from({ length: partitions }, (_, partition) => ({ topic, partition, spec: 'latest' as const })),
    { timeoutMs: 30_000 },
  );
  return answers.map((a) => {
    if (a.error) throw new Error(`end offset of ${topic}-${a.partition}: ${a.error.message}`);
    return a.offset;
  });
}

/** The tracked file holding each scenario's figures from its last run; docs/reliability.md quotes it. */
export const RESULTS_FILE = path.join(__dirname, 'results', 'last-run.json');

const asJson = (data: unknown): string => `${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;

/**
 * Prints one summary line, writes every figure to .kafka/test-results/cluster-<name>.json
 * (git-ignored: logs, per-partition detail) and the scenario's entry in RESULTS_FILE (tracked):
 * its scalar figures and its `readers` block (each reader's counts and their agreement), so
 * the last run's numbers can be committed and cited. Other scenarios' entries are kept, so a
 * run of one suite updates only its own.
 */
export function report(name: string, figures: Record<string, unknown>): void {
  const at = new Date().toISOString();
  const dir = path.join(root, '.kafka', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `cluster-${name}.json`), asJson({ scenario: name, at, ...figures }));

  const summary: Record<string, unknown> = { at };
  for (const [k, v] of Object.entries(figures)) if (k === 'readers' || typeof v !== 'object' || v === null) summary[k] = v;
  let results: { about?: string; scenarios?: Record<string, unknown> } = {};
  try {
    results = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')) as typeof results;
  } catch {
    // first run, or a file mangled by hand: start again
  }
  const scenarios: Record<string, unknown> = { ...results.scenarios, [name]: summary };
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  const text = asJson({
    about:
      'Written by the three-node tests (npm run test:cluster, test/cluster/): each scenario\'s figures from its last run, ' +
      'as counted by kafkaesque\'s consumer and by kcat reading the topic back. Cited by docs/reliability.md.',
    scenarios: Object.fromEntries(Object.keys(scenarios).sort().map((k) => [k, scenarios[k]])),
  });
  // an object holding only scalars (a reader's counts) on one line: the file stays a few KB
  fs.writeFileSync(RESULTS_FILE, text.replace(/\{\n\s+([^{}[\]]*?)\n\s*\}/g, (_m, body: string) => `{ ${body.split(/,\n\s+/).join(', ')} }`));

  const line = Object.entries(figures)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  process.stdout.write(`cluster ${name}: ${line}\n`);
}

// ---- readings: what a reader read, and what it tells about the log ---------------------------

/** A record's key and value as read (latin1 strings, so any byte compares exactly; null kept). */
export interface ReadRecord {
  key: string | null;
  value: string | null;
}

/**
 * What one reader read of a topic, by position (partition, offset). A position delivered again
 * (a rewind to the committed offset) is kept once and counted in `redelivered`; `changed` counts
 * the redeliveries whose key or value differed from the first (a log that changed under a reader).
 */
export class Reading {
  readonly partitions = new Map<number, Map<number, ReadRecord>>();
  redelivered = 0;
  changed = 0;
  private count = 0;

  add(partition: number, offset: bigint | number, key: Buffer | null, value: Buffer | null): void {
    let at = this.partitions.get(partition);
    if (at === undefined) this.partitions.set(partition, (at = new Map()));
    const record = { key: key === null ? null : key.toString('latin1'), value: value === null ? null : value.toString('latin1') };
    const o = Number(offset);
    const before = at.get(o);
    if (before === undefined) {
      at.set(o, record);
      this.count++;
    } else {
      this.redelivered++;
      if (before.key !== record.key || before.value !== record.value) this.changed++;
    }
  }

  /** Distinct positions read. */
  get size(): number {
    return this.count;
  }

  /** Distinct positions read in one partition. */
  sizeOf(partition: number): number {
    return this.partitions.get(partition)?.size ?? 0;
  }
}

/** The kcat output format: a header line with explicit key and value lengths (-1: null), then the raw bytes. */
const KCAT_FORMAT = '%p %o %K %S\\n%k%s\\n';

/**
 * Reads a topic from the beginning of every partition to its end with kcat (librdkafka's own
 * consumer, no group, CRCs checked): the independent reading the cluster tests hold kafkaesque's
 * against.
 */
export async function readWithKcat(topic: string): Promise<{ reading: Reading; ms: number; kcat: string }> {
  const info = await ensureKcat();
  const args = ['-C', '-b', clusterBrokers().join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'check.crcs=true', '-X', 'fetch.wait.max.ms=10', '-f', KCAT_FORMAT];
  const r = await runKcat(args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${String(r.code ?? r.signal)}:\n${r.stderr}`);
  const reading = new Reading();
  const out = r.stdout;
  let pos = 0;
  const bytes = (length: number): Buffer | null => {
    if (length < 0) return null;
    if (pos + length > out.length) throw new Error(`kcat output cut short at byte ${pos}`);
    const b = out.subarray(pos, pos + length);
    pos += length;
    return b;
  };
  while (pos < out.length) {
    const eol = out.indexOf(0x0a, pos);
    const header = eol < 0 ? '' : out.toString('latin1', pos, eol);
    const m = /^(\d+) (\d+) (-1|\d+) (-1|\d+)$/.exec(header);
    if (m === null) throw new Error(`kcat output: no record header at byte ${pos}: ${JSON.stringify(out.toString('latin1', pos, pos + 80))}`);
    pos = eol + 1;
    const key = bytes(Number(m[3]));
    const value = bytes(Number(m[4]));
    if (out[pos] !== 0x0a) throw new Error(`kcat output: no newline after the record at ${m[1]}@${m[2]}`);
    pos++;
    reading.add(Number(m[1]), Number(m[2]), key, value);
  }
  return { reading, ms: r.ms, kcat: `kcat ${info.version} (librdkafka ${info.librdkafkaVersion})` };
}

/** Where the producer was told a record went; offset -1 when it was acknowledged without one. */
export interface Acked {
  partition: number;
  offset: number;
}

/**
 * Which record a key and value are: its id (the producer's numbering), the order it belongs to
 * (`order`: usually its key) and its place in that order (`seq`: rises with every send).
 * undefined for a record the test never sent.
 */
export type Identify = (record: ReadRecord) => { id: number; order: string; seq: number } | undefined;

/** What one reading says about the log, counted the same way for every reader. */
export interface Tally {
  /** Distinct positions read. */
  read: number;
  /** Acknowledged by the producer, absent from the reading. */
  lost: number;
  /** The same record at a second position. */
  duplicated: number;
  /** A record stored after a later one of the same order (key), in one partition. */
  outOfOrder: number;
  /** Read at another partition or offset than the producer was told. */
  misplaced: number;
  /** Read, but never acknowledged (a send that failed, or expired, yet was written). */
  unacknowledged: number;
  /** Read, but not a record the test sent. */
  unknown: number;
}

export function tally(reading: Reading, acked: ReadonlyMap<number, Acked>, identify: Identify): Tally {
  const t: Tally = { read: reading.size, lost: 0, duplicated: 0, outOfOrder: 0, misplaced: 0, unacknowledged: 0, unknown: 0 };
  const firstAt = new Map<number, Acked>();
  // per order: [partition, offset, seq] triples, checked in log order below
  const orders = new Map<string, number[]>();
  for (const [partition, records] of reading.partitions) {
    for (const [offset, record] of records) {
      const r = identify(record);
      if (r === undefined) {
        t.unknown++;
        continue;
      }
      if (firstAt.has(r.id)) t.duplicated++;
      else firstAt.set(r.id, { partition, offset });
      const a = acked.get(r.id);
      if (a === undefined) t.unacknowledged++;
      else if (a.partition !== partition || (a.offset >= 0 && a.offset !== offset)) t.misplaced++;
      let list = orders.get(r.order);
      if (list === undefined) orders.set(r.order, (list = []));
      list.push(partition, offset, r.seq);
    }
  }
  for (const id of acked.keys()) if (!firstAt.has(id)) t.lost++;
  for (const list of orders.values()) {
    const idx = Array.from({ length: list.length / 3 }, (_, i) => i * 3);
    idx.sort((x, y) => list[x]! - list[y]! || list[x + 1]! - list[y + 1]!);
    for (let j = 1; j < idx.length; j++) {
      const [a, b] = [idx[j - 1]!, idx[j]!];
      if (list[a] === list[b] && list[b + 2]! <= list[a + 2]!) t.outOfOrder++;
    }
  }
  return t;
}

/** How two readings of one topic compare, position by position. */
export interface Agreement {
  /** Positions both read, and of those, the ones whose key or value differ. */
  both: number;
  differ: number;
  /** Positions only one of them read. */
  onlyFirst: number;
  onlySecond: number;
}

export function agreement(first: Reading, second: Reading): Agreement {
  const a: Agreement = { both: 0, differ: 0, onlyFirst: 0, onlySecond: 0 };
  for (const [partition, records] of first.partitions) {
    const other = second.partitions.get(partition);
    for (const [offset, r] of records) {
      const s = other?.get(offset);
      if (s === undefined) a.onlyFirst++;
      else {
        a.both++;
        if (s.key !== r.key || s.value !== r.value) a.differ++;
      }
    }
  }
  a.onlySecond = second.size - a.both;
  return a;
}

/** A Logger that counts messages (by level and text) so a test can show what the client went through. */
export function countingLogger(): Logger & { counts: Record<string, number>; last: string[] } {
  const counts: Record<string, number> = {};
  const last: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const k = `${level}: ${message.replace(/127\.0\.0\.1:\d+/g, 'broker')}`;
      counts[k] = (counts[k] ?? 0) + 1;
      if (level !== 'debug') {
        last.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
        if (last.length > 20) last.shift();
      }
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), counts, last };
}

/**
 * Reads the group's committed offsets from its coordinator every `everyMs` until stopped, and
 * records every partition whose committed offset went backwards (or disappeared).
 */
export function watchCommitted(admin: Cluster, group: string, topic: string, partitions: number, everyMs = 200) {
  const t0 = Date.now();
  const highest: bigint[] = Array.from({ length: partitions }, () => -1n);
  const backwards: Array<{ partition: number; from: string; to: string; atMs: number }> = [];
  let polls = 0;
  let errors = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const now = await committedOffsets(admin, group, topic, partitions);
        polls++;
        now.forEach((o, p) => {
          if (o < highest[p]!) backwards.push({ partition: p, from: String(highest[p]), to: String(o), atMs: Date.now() - t0 });
          else highest[p] = o;
        });
      } catch {
        errors++; // the coordinator moving: asked again next time
      }
      await sleep(everyMs);
    }
  })();
  return {
    highest,
    backwards,
    get polls() {
      return polls;
    },
    get errors() {
      return errors;
    },
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}

const closers: Array<() => Promise<unknown>> = [];

/** Registers a client to close in afterAll even when the test failed half-way (closing twice is harmless). */
export function closeAfter<T extends { close(): Promise<unknown> }>(client: T): T {
  closers.push(() => client.close());
  return client;
}

/** Closes what closeAfter registered (errors ignored: the test has already said what failed). */
export async function closeAll(): Promise<void> {
  await Promise.all(closers.splice(0).map((close) => close().catch(() => {})));
}
