/**
 * What the three-node failure tests share: crashing, stopping and restarting single nodes
 * through the broker CLI (the harness is ESM; a jest test reaches it as a child process),
 * looking up leaders, the group coordinator, committed and end offsets with an admin Cluster
 * of its own, and writing each scenario's figures where the engineer can quote them.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZERO_UUID } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { CoordinatorKeyType, FindCoordinator } from '../../protocol/messages/find-coordinator.js';
import { LATEST_TIMESTAMP, ListOffsets } from '../../protocol/messages/list-offsets.js';
import { OffsetFetch } from '../../protocol/messages/offset-fetch.js';
import { Cluster } from '../../src/cluster/cluster.js';
import type { Logger } from '../../src/index.js';

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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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

/** The group's coordinator node id (FindCoordinator), retried while the group has none. */
export async function findCoordinator(admin: Cluster, group: string, timeoutMs = 30_000): Promise<number> {
  return retrying(
    `FindCoordinator ${group}`,
    async () => {
      await admin.refresh();
      const brokers = admin.brokerList();
      const conn = await admin.connection(brokers[Math.floor(Math.random() * brokers.length)]!.nodeId);
      const v = conn.versionFor(FindCoordinator);
      const res = await conn.send(FindCoordinator, { key: v < 4 ? group : '', keyType: CoordinatorKeyType.GROUP, coordinatorKeys: v >= 4 ? [group] : [] });
      const c = v >= 4 ? res.coordinators[0]! : { errorCode: res.errorCode, nodeId: res.nodeId };
      if (c.errorCode !== ErrorCode.NONE) throw new Error(`error code ${c.errorCode}`);
      return c.nodeId;
    },
    timeoutMs,
  );
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

/** The end offset (high watermark) of every partition of a topic. */
export async function endOffsets(admin: Cluster, topic: string, partitions: number): Promise<bigint[]> {
  const out: bigint[] = [];
  for (let p = 0; p < partitions; p++) {
    out.push(
      await retrying(`end offset of ${topic}-${p}`, async () => {
        const conn = await admin.connection(await leaderOf(admin, topic, p));
        const res = await conn.send(ListOffsets, {
          replicaId: -1,
          isolationLevel: 0,
          timeoutMs: 10_000,
          topics: [{ name: topic, partitions: [{ partitionIndex: p, currentLeaderEpoch: -1, timestamp: LATEST_TIMESTAMP }] }],
        });
        const r = res.topics[0]!.partitions[0]!;
        if (r.errorCode !== ErrorCode.NONE) {
          admin.markStale();
          throw new Error(`ListOffsets error code ${r.errorCode}`);
        }
        return r.offset;
      }),
    );
  }
  return out;
}

/**
 * Prints one summary line and writes the figures to .kafka/test-results/cluster-<name>.json
 * (git-ignored), so a run's numbers can be quoted.
 */
export function report(name: string, figures: Record<string, unknown>): void {
  const dir = path.join(root, '.kafka', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  const data = { scenario: name, at: new Date().toISOString(), ...figures };
  fs.writeFileSync(path.join(dir, `cluster-${name}.json`), `${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  const line = Object.entries(figures)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  process.stdout.write(`cluster ${name}: ${line}\n`);
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
