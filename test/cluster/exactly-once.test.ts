/**
 * Exactly once under crashes (issue 17), on the three-node cluster. A consume-transform-produce
 * pipeline (test/cluster/fixtures/eos-pipeline.cjs: read the input with a group, write one
 * output record per input record and commit the input offsets, in one transaction per batch)
 * processes 100,000 records while the pipeline process itself is killed with SIGKILL and
 * restarted, and brokers are killed with SIGKILL (a partition leader, the transaction
 * coordinator) and restarted. Then kcat (librdkafka, read_committed) reads the output back:
 * every input record must be there exactly once (lost 0, duplicated 0), in input order per
 * partition. With classic and KIP-848 groups.
 *
 * @needs-build: the pipeline runs the built package in a child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Admin } from '../../src/client/admin.js';
import { Config } from '../../src/client/config.js';
import { SyncProducer } from '../../src/client/producers.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { findCoordinator as lookUpCoordinator } from '../../src/cluster/coordinator.js';
import { uniqueTopic } from '../helpers/broker.js';
import { clusterBrokers, clusterSuite, killNode, leaders, readWithKcat, report, sleep, startNode, waitForFullIsr } from './cluster-helpers.js';

jest.setTimeout(600_000);

const RECORDS = 100_000;
const PARTITIONS = 6;
const root = path.join(__dirname, '..', '..');

let cluster: Cluster;
clusterSuite((c) => (cluster = c));

/** Runs the pipeline, starting it again whenever it exits, until stopped. */
class Supervisor {
  starts = 0;
  exits: Array<number | string | null> = [];
  private child: ChildProcess | undefined;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly args: Record<string, unknown>) {}

  start(): void {
    if (this.stopped) return;
    this.starts++;
    const child = fork(path.join(__dirname, 'fixtures', 'eos-pipeline.cjs'), [JSON.stringify(this.args)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    // its log (milestones, the client's warnings, why it exited) goes to a file, not the test's output
    const log = this.args.log as string;
    fs.appendFileSync(log, `---- start ${this.starts} at ${new Date().toISOString()}\n`);
    child.stderr!.on('data', (d: Buffer) => fs.appendFileSync(log, d));
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exits.push(code ?? signal);
        resolve();
        if (!this.stopped) setTimeout(() => this.start(), 500);
      }),
    );
  }

  /** SIGKILL: a crash, no transaction completed, no LeaveGroup. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.kill();
  }
}

/**
 * The pipelines: on the client API with a classic and a KIP-848 group (100,000 records in
 * transactions of up to 500), and on the Multiplexer (conn.transaction, one transaction per
 * message: 3,000 records, each a transaction of its own, classic group).
 */
const PIPELINES = [
  ['classic', 'classic', 'client', RECORDS],
  ['consumer', 'consumer', 'client', RECORDS],
  ['mux', 'classic', 'mux', 3_000],
] as const;

test.each(PIPELINES)('%s: each of the records is processed exactly once while the pipeline and brokers are killed', async (name, protocol, mode, RECORDS) => {
  const brokers = clusterBrokers();
  const admin = await Admin.create({ brokers });
  const t0 = Date.now();
  const input = uniqueTopic(`eos-in-${name}`);
  const output = uniqueTopic(`eos-out-${name}`);
  const group = uniqueTopic(`eos-group-${name}`);
  const transactionalId = uniqueTopic(`eos-txn-${name}`);
  let supervisor: Supervisor | undefined;
  try {
    for (const name of [input, output]) {
      const [r] = await admin.createTopics([{ name, numPartitions: PARTITIONS, replicationFactor: 3 }], { waitForLeaders: true });
      if (r!.error) throw r!.error;
    }
    await waitForFullIsr(cluster, [input, output]);

    // ---- the input: record i of partition p is `p:i`
    const producer = await SyncProducer.create(new Config({ brokers, lingerMs: 5, clientId: 'eos-input' }));
    const perPartition = Array.from({ length: PARTITIONS }, () => 0);
    try {
      const sends: Promise<unknown>[] = [];
      for (let n = 0; n < RECORDS; n++) {
        const p = n % PARTITIONS;
        sends.push(producer.sendMsgToPartition(input, p, `key-${n % 997}`, `${p}:${perPartition[p]!++}`));
        if (sends.length >= 5000) await Promise.all(sends.splice(0));
      }
      await Promise.all(sends);
    } finally {
      await producer.close();
    }

    // ---- the pipeline, and the kills
    const log = path.join(root, '.kafka', 'test-results', `eos-pipeline-${name}.log`);
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, '');
    supervisor = new Supervisor({ dist: path.join(root, 'dist', 'src', 'index.js'), brokers, input, output, group, transactionalId, groupProtocol: protocol, mode, log });
    supervisor.start();
    const committed = async (): Promise<number> => {
      const offsets = await admin.listGroupOffsets(group, { timeoutMs: 10_000 }).catch(() => []);
      return offsets.filter((o) => o.topic === input && o.offset > 0n).reduce((sum, o) => sum + Number(o.offset), 0);
    };
    const until = async (what: string, fraction: number, timeoutMs = 180_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while ((await committed()) < fraction * RECORDS) {
        if (Date.now() > deadline) throw new Error(`${what}: ${await committed()} of ${RECORDS} committed after ${timeoutMs / 1000} s (pipeline exits: ${supervisor!.exits.join(',')}; its log: ${log})`);
        await sleep(200);
      }
    };
    const kills: string[] = [];
    const killBroker = async (why: string, node: number): Promise<void> => {
      kills.push(`${why} (node ${node})`);
      await killNode(node);
      await sleep(3000); // the pipeline works on without it
      await startNode(node);
    };

    await until('first progress', 0.1);
    kills.push('pipeline');
    await supervisor.kill(); // mid-transaction: the next instance fences and aborts it

    await until('after the first pipeline kill', 0.25);
    await killBroker('leader of input partition 0', (await leaders(cluster, input)).get(0)!);

    await until('after the leader kill', 0.45);
    const coordinator = await lookUpCoordinator(cluster, 'transaction', transactionalId, { baseMs: 100, maxMs: 1000, deadlineMs: Date.now() + 30_000 });
    await killBroker('transaction coordinator', coordinator);

    await until('after the coordinator kill', 0.65);
    kills.push('pipeline');
    await supervisor.kill();

    await until('after the second pipeline kill', 0.8);
    await killBroker('leader of output partition 3', (await leaders(cluster, output)).get(3)!);
    kills.push('pipeline');
    await supervisor.kill();

    await until('every record', 1);
    await supervisor.stop();
    const processedMs = Date.now() - t0;

    // ---- what a read_committed reader finds in the output
    const { reading } = await readWithKcat(output);
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const values = [...(reading.partitions.get(p)?.entries() ?? [])].sort((a, b) => a[0] - b[0]).map(([, r]) => r.value!);
      const seen = new Set<string>();
      let last = -1;
      for (const v of values) {
        expect(v.startsWith(`out:${p}:`)).toBe(true);
        if (seen.has(v)) duplicated++;
        seen.add(v);
        const i = Number(v.slice(`out:${p}:`.length));
        if (i < last) outOfOrder++;
        last = Math.max(last, i);
      }
      for (let i = 0; i < perPartition[p]!; i++) if (!seen.has(`out:${p}:${i}`)) lost++;
    }
    report(`exactly-once-${name}`, {
      recordsIn: RECORDS,
      recordsOut: reading.size,
      lost,
      duplicated,
      outOfOrder,
      kills: kills.length,
      killed: kills.join('; '),
      pipelineStarts: supervisor.starts,
      seconds: Math.round(processedMs / 1000),
    });
    expect({ lost, duplicated, outOfOrder, recordsOut: reading.size }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, recordsOut: RECORDS });
    expect(kills.length).toBeGreaterThanOrEqual(6);
  } finally {
    await supervisor?.stop();
    await admin.close();
  }
});
