// The group consumer at cluster scale (issue 14, item 3, and item 2's consumer memory): a group
// of 3 members over one topic of 10,000 partitions on the three-node cluster, for the classic
// protocol (cooperative-sticky) and KIP-848 (groupProtocol 'consumer'):
//
//   join       time from creating the 3 members to every partition assigned, each exactly once
//              (checked every 20 ms for the whole run: a partition owned by two live members at
//              any check is reported as a double assignment)
//   rebalance  time from closing one member to the other two owning every partition again
//   fairness   a kafkaesque AsyncProducer ('round-robin' partitioner) writes to every partition
//              at a fixed rate; every second each partition's log end offset (ListOffsets) is set
//              against the next offset the application has taken: lag max/p99/median, and the
//              longest time any partition waited with unread records and no progress (starvation)
//   fetch      with records going to a few partitions only, the size of each Fetch request the
//              members send (KIP-227 incremental sessions: they should not list 10,000 partitions)
//   metadata   every Metadata request the members send, checked to name the subscribed topic only
//              (an unrelated topic exists on the cluster)
//   memory     one consumer reading the whole topic from the oldest offset after a 5 s stall (so
//              the fetcher fills up to its bound): peak heapUsed, external, arrayBuffers and RSS
//              next to prefetchBytes (16 and 64 MiB), and the fetcher's peak undelivered bytes
//
// The 3 members run in ONE Node process (one per protocol case), so their rebalances can be timed
// on one clock and their ownership compared without IPC; they share its event loop (and the
// machine's 2 cores with the brokers), so the times include each other's work. The producers and
// the memory case run in processes of their own. Fetch and Metadata requests are observed by
// wrapping BrokerConnection.prototype.send in the member process (this script only): the request
// is encoded once more to count its bytes (request header included) and its partitions.
//
//   npm run bench:consumer-scale                    (builds kafkaesque first; starts the cluster)
//   node bench/consumer-scale.mjs [--partitions 10000] [--quick] [--mode cluster|single]
//        [--broker host:port[,host:port]] [--rf 1] [--protocols classic,consumer]
//        [--prefill-mib 64] [--size 1024] [--rate 5000] [--fairness-s 25] [--few 5]
//        [--prefetch-mib 16,64] [--dist dist] [--keep-topics] [--out bench/results]
//   --quick: 1,000 partitions, 15 s of fairness. --dist: another build of kafkaesque (a folder
//   laid out like dist/). --keep-topics: do not delete the topics afterwards.
//
// KRaft refuses a CreateTopics that would write more than 10,000 metadata records in one
// operation ("excessively large batch operation"), and a topic of 10,000 partitions is 10,001
// records: the topic is created with 5,000 partitions and grown by CreatePartitions in steps of
// 5,000. Replication factor 1 by default (--rf), with min.insync.replicas=1 on the topics when
// the factor is below 3 (the cluster's default is 2). Writes bench/results/consumer-scale.{json,md}; prints the Markdown, progress on stderr.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliArgs } from './args.mjs';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const here = path.dirname(self);
const root = path.resolve(here, '..');
const { arg, flag } = cliArgs();
const log = (s) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

const distDir = path.resolve(root, arg('dist', process.env.KAFKAESQUE_DIST ?? 'dist'));
const loadKafkaesque = () => require(path.join(distDir, 'src/index.js'));


// ------------------------------------------------------------------------------------ helpers

function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function summary(values) {
  return { count: values.length, min: quantile(values, 0), p50: quantile(values, 0.5), p90: quantile(values, 0.9), p99: quantile(values, 0.99), max: quantile(values, 1) };
}

function hostPort(address) {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** Runs this script as a child with case `c`; resolves its last stdout line as JSON. */
function runChild(c, timeoutS) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', self, '--dist', distDir, '--child', JSON.stringify(c)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`child ${c.kind} ${c.protocol ?? ''} exited with ${code ?? signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutS} s?)` : ''}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`child ${c.kind}: no JSON report (${last})`));
      }
    });
  });
}

/**
 * Leaders and latest offsets of a topic, by ListOffsets to each leader (one request per leader),
 * on connections of its own (not the consumers').
 */
class Offsets {
  static async open(k, brokers, topic) {
    const o = new Offsets();
    o.k = k;
    o.topic = topic;
    o.conns = new Map();
    const boot = await k.BrokerConnection.connect({ ...hostPort(brokers[0]), requestTimeoutMs: 60_000 });
    try {
      for (let attempt = 0; ; attempt++) {
        const md = await boot.send(k.protocol.Metadata, {
          topics: [{ topicId: k.protocol.ZERO_UUID, name: topic }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        });
        const t = md.topics.find((x) => x.name === topic);
        o.byLeader = new Map();
        o.partitions = t?.partitions.length ?? 0;
        let ok = t !== undefined && t.errorCode === 0 && t.partitions.length > 0;
        for (const p of t?.partitions ?? []) {
          if (p.leaderId < 0) ok = false;
          (o.byLeader.get(p.leaderId) ?? o.byLeader.set(p.leaderId, []).get(p.leaderId)).push(p.partitionIndex);
        }
        if (ok) {
          o.topicId = t.topicId;
          o.addr = new Map(md.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
          break;
        }
        if (attempt > 60) throw new Error(`no leaders for ${topic}`);
        await sleep(1000);
      }
    } finally {
      boot.close();
    }
    return o;
  }

  async conn(leader) {
    let c = this.conns.get(leader);
    if (c === undefined || c.closed) {
      c = await this.k.BrokerConnection.connect({ ...hostPort(this.addr.get(leader)), requestTimeoutMs: 60_000 });
      this.conns.set(leader, c);
    }
    return c;
  }

  /** Float64Array of the latest offset (high watermark) of every partition. */
  async latest() {
    const out = new Float64Array(this.partitions);
    await Promise.all(
      [...this.byLeader].map(async ([leader, parts]) => {
        const c = await this.conn(leader);
        const res = await c.send(this.k.protocol.ListOffsets, {
          replicaId: -1,
          isolationLevel: 0,
          timeoutMs: 30_000,
          topics: [{ name: this.topic, partitions: parts.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n })) }],
        });
        for (const t of res.topics) for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new Error(`ListOffsets ${this.topic}-${p.partitionIndex}: error ${p.errorCode}`);
          out[p.partitionIndex] = Number(p.offset);
        }
      }),
    );
    return out;
  }

  /**
   * Sessionless Fetch (SessionId 0, SessionEpoch -1: no session is created) of every partition
   * from offset 0 to each leader, at once; resolves the slowest answer's milliseconds.
   */
  async probeFetch() {
    const { Fetch, ZERO_UUID } = this.k.protocol;
    const t0 = performance.now();
    await Promise.all(
      [...this.byLeader].map(async ([leader, parts]) => {
        const c = await this.conn(leader);
        await c.send(Fetch, {
          clusterId: null,
          replicaId: -1,
          replicaState: { replicaId: -1, replicaEpoch: -1n },
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1024 * 1024,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{ topic: this.topic, topicId: this.topicId, partitions: parts.map((p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 64 * 1024, replicaDirectoryId: ZERO_UUID, highWatermark: 9223372036854775807n })) }],
          forgottenTopicsData: [],
          rackId: '',
        });
      }),
    );
    return performance.now() - t0;
  }

  close() {
    for (const c of this.conns.values()) c.close();
  }
}

/**
 * Before each case: probe-fetch every partition until every leader answers within 1 s, three
 * times in a row (at most 3 minutes). Right after one case the brokers answered the next case's
 * first fetches 15-25 s late (whichever protocol ran second), which is no figure of the client.
 */
async function settle(k, brokers, topic) {
  const o = await Offsets.open(k, brokers, topic);
  const t0 = performance.now();
  const probes = [];
  try {
    for (let fast = 0; fast < 3 && performance.now() - t0 < 180_000; ) {
      const ms = await o.probeFetch();
      probes.push(Math.round(ms));
      fast = ms < 1000 ? fast + 1 : 0;
      if (fast < 3) await sleep(1000);
    }
  } finally {
    o.close();
  }
  return { ms: Math.round(performance.now() - t0), probes };
}

// ------------------------------------------------------------------------------------ parent

async function parent() {
  const quick = flag('quick');
  const mode = arg('mode', 'cluster');
  const opts = {
    partitions: Number(arg('partitions', quick ? '1000' : '10000')),
    protocols: arg('protocols', 'classic,consumer').split(',').filter(Boolean),
    prefillMiB: Number(arg('prefill-mib', '64')),
    size: Number(arg('size', '1024')),
    rate: Number(arg('rate', '5000')),
    fairnessS: Number(arg('fairness-s', quick ? '15' : '25')),
    few: Number(arg('few', '5')),
    prefetchMiB: arg('prefetch-mib', '16,64').split(',').filter(Boolean).map(Number),
    out: path.resolve(root, arg('out', 'bench/results')),
  };
  if (!existsSync(path.join(distDir, 'src/index.js'))) {
    throw new Error(`no build at ${distDir}: run \`node scripts/build.mjs\` (npm run bench:consumer-scale does)`);
  }
  const k = loadKafkaesque();

  // the broker: --broker as given, else the harness's cluster (or single node), started if needed
  let brokers;
  let brokerInfo;
  const given = arg('broker', null);
  if (given !== null) {
    brokers = given.split(',');
    brokerInfo = { mode: 'external', bootstrap: brokers };
  } else {
    const harness = await import('../scripts/broker/harness.mjs');
    const r = await harness.ensureRunning({ mode, log });
    const st = await harness.status(mode);
    brokers = harness.describe(mode).bootstrap;
    brokerInfo = { mode, bootstrap: brokers, version: st.kafkaVersion, profile: st.profile, reused: !r.started };
    if (mode === 'single') log('note: single mode puts every partition on the one node at 127.0.0.1:9092, which other benchmarks may be using');
  }
  // RF 1 by default: on the harness's cluster (3 nodes of 512 MiB heap on 2 cores) RF 3 put two
  // of the three brokers out of memory (OutOfMemoryError), and RF 2 shrank the ISR of thousands
  // of partitions under the producer, with coordinator answers taking seconds (docs/consumer-scale.md)
  const rf = Number(arg('rf', '1'));
  const perPartition = Math.max(1, Math.round((opts.prefillMiB * MiB) / (opts.partitions * opts.size)));
  const stamp = Date.now().toString(36);
  const topic = `cscale-${opts.partitions}-${stamp}`;
  const other = `cscale-unrelated-${stamp}`;
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${os.platform()} ${os.release()}` },
    broker: brokerInfo,
    options: { ...opts, replicationFactor: rf, minInsyncReplicas: rf < 3 ? 1 : 'broker default', recordsPerPartition: perPartition, topic, unrelatedTopic: other },
    setup: {},
    groups: [],
    memory: [],
  };

  const admin = await k.BrokerConnection.connect({ ...hostPort(brokers[0]), requestTimeoutMs: 600_000 });
  try {
    // ---- topics
    const tCreate = performance.now();
    // the cluster's min.insync.replicas is 2: with fewer replicas acks=all writes would all fail
    // (NOT_ENOUGH_REPLICAS), and with 2 they fail whenever a follower falls out of the ISR
    const minIsr = rf < 3 ? [{ name: 'min.insync.replicas', value: '1' }] : [];
    const first = Math.min(opts.partitions, 5000);
    const created = await admin.send(k.protocol.CreateTopics, {
      topics: [
        { name: topic, numPartitions: first, replicationFactor: rf, assignments: [], configs: minIsr },
        { name: other, numPartitions: 3, replicationFactor: rf, assignments: [], configs: minIsr },
      ],
      timeoutMs: 600_000,
      validateOnly: false,
    });
    for (const t of created.topics) if (t.errorCode !== 0) throw new Error(`CreateTopics ${t.name}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
    for (let count = first; count < opts.partitions; ) {
      count = Math.min(count + 5000, opts.partitions);
      const r = await admin.send(k.protocol.CreatePartitions, { topics: [{ name: topic, count, assignments: null }], timeoutMs: 600_000, validateOnly: false });
      for (const t of r.results) if (t.errorCode !== 0) throw new Error(`CreatePartitions ${t.name} to ${count}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
    }
    result.setup.createSeconds = (performance.now() - tCreate) / 1000;
    log(`created ${topic} (${opts.partitions} partitions, RF ${rf}) and ${other} in ${result.setup.createSeconds.toFixed(1)} s`);

    // ---- prefill: perPartition records of `size` random bytes to every partition (also proves
    // every partition writable: a partition whose record failed is written again)
    const tFill = performance.now();
    const producer = await k.AsyncProducer.create(new k.Config({ brokers, lingerMs: 20, batchBytes: 65536, deliveryTimeoutMs: 120_000 }));
    const pool = randomBytes(opts.size * 64);
    let pending = [];
    for (let p = 0; p < opts.partitions; p++) for (let i = 0; i < perPartition; i++) pending.push(p);
    let rounds = 0;
    let wait;
    while (pending.length > 0) {
      if (++rounds > 10) throw new Error(`prefill: ${pending.length} records still failing after 10 rounds`);
      const failed = [];
      const done = [];
      let i = 0;
      for (const p of pending) {
        const off = (i++ % 64) * opts.size;
        done.push(
          new Promise((resolve) => {
            const r = producer.sendMsgToPartition(topic, p, null, pool.subarray(off, off + opts.size), undefined, {
              onSuccess: () => resolve(),
              onError: () => (failed.push(p), resolve()),
            });
            if (r) wait = r;
          }),
        );
        if (wait) {
          await wait; // the send buffer is full
          wait = undefined;
        }
      }
      await Promise.all(done);
      pending = failed;
    }
    await producer.sendMsgByte(other, null, Buffer.from('unrelated'));
    await producer.close();
    result.setup.prefillSeconds = (performance.now() - tFill) / 1000;
    result.setup.prefillRounds = rounds;
    log(`prefilled ${perPartition} × ${opts.size} B per partition (${((perPartition * opts.size * opts.partitions) / MiB).toFixed(0)} MiB) in ${result.setup.prefillSeconds.toFixed(1)} s`);
  } finally {
    admin.close();
  }

  // ---- the group cases, one process each
  for (const protocol of opts.protocols) {
    const settled = await settle(k, brokers, topic);
    result.setup.settle = [...(result.setup.settle ?? []), { before: `group ${protocol}`, ...settled }];
    log(`group case: ${protocol} (brokers settled after ${settled.ms} ms: probe fetches ${settled.probes.join(', ')} ms)`);
    try {
      result.groups.push(await runChild({ kind: 'group', protocol, brokers, topic, other, ...opts }, 1800));
    } catch (err) {
      result.groups.push({ protocol, error: err.message });
    }
  }
  // ---- memory against prefetchBytes, one process each (classic protocol: the fetcher is the same)
  for (const prefetchMiB of opts.prefetchMiB) {
    const settled = await settle(k, brokers, topic);
    result.setup.settle = [...(result.setup.settle ?? []), { before: `memory ${prefetchMiB} MiB`, ...settled }];
    log(`memory case: prefetchBytes ${prefetchMiB} MiB (brokers settled after ${settled.ms} ms: probe fetches ${settled.probes.join(', ')} ms)`);
    try {
      result.memory.push(await runChild({ kind: 'memory', brokers, topic, prefetchBytes: prefetchMiB * MiB, partitions: opts.partitions }, 900));
    } catch (err) {
      result.memory.push({ prefetchBytes: prefetchMiB * MiB, error: err.message });
    }
  }

  if (!flag('keep-topics')) {
    log(`deleting ${topic} and ${other}`);
    const harness = await import('../scripts/broker/harness.mjs');
    for (const t of [topic, other]) {
      await harness.runTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', brokers.join(','), '--delete', '--topic', t], { log }).catch((e) => log(`delete ${t}: ${e.message}`));
    }
  }

  mkdirSync(opts.out, { recursive: true });
  writeFileSync(path.join(opts.out, 'consumer-scale.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(path.join(opts.out, 'consumer-scale.md'), md);
  process.stdout.write(md);
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const ms = (x) => (x === undefined || x === null ? 'not reached' : `${fmt(x)} ms`);
const mib = (b) => `${fmt(b / MiB, 1)}`;

function markdown(r) {
  const o = r.options;
  const lines = [];
  lines.push(`# Consumer at scale (bench/consumer-scale.mjs)`);
  lines.push('');
  lines.push(
    `${r.when}: topic of ${fmt(o.partitions)} partitions, replication factor ${o.replicationFactor}, on ${r.broker.mode} ${r.broker.bootstrap.join(',')} (Kafka ${r.broker.version ?? '?'}, ${r.broker.profile ?? '?'} profile); ` +
      `prefill ${o.recordsPerPartition} × ${fmt(o.size)} B random values per partition; ${r.machine.cpus} cores (${r.machine.cpuModel}) shared by the brokers and the clients, Node ${r.machine.node}. ` +
      `Topic created in ${fmt(r.setup.createSeconds, 1)} s, prefilled in ${fmt(r.setup.prefillSeconds, 1)} s.`,
  );
  lines.push('');
  lines.push('## Group of 3 members: join, rebalance, ownership');
  lines.push('');
  lines.push('"Own every partition": each partition owned by exactly one live member and every member owning its share (at least ⌊partitions / members⌋); in brackets, the first check at which every partition had an owner (possibly all with one member). Ownership is checked every 20 ms for the whole run.');
  lines.push('');
  lines.push('| protocol | 3 members own every partition after | each owns | double assignments seen | close() of one member took | 2 members own every partition after (from close) | each owns | prefill consumed after |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const g of r.groups) {
    if (g.error) {
      lines.push(`| ${g.protocol} | ERROR: ${g.error} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${g.label} | ${ms(g.join.ms)} (${ms(g.join.coveredMs)}) | ${g.join.counts?.join(' / ') ?? ''} | ${g.doubleAssigned.checks > 0 ? `${g.doubleAssigned.partitions} partitions in ${g.doubleAssigned.checks} checks` : `none (${fmt(g.ownershipChecks)} checks)`} | ${ms(g.rebalance.closeMs)} | ${ms(g.rebalance.ms)} (${ms(g.rebalance.coveredMs)}) | ${g.rebalance.counts?.join(' / ') ?? ''} | ${ms(g.prefill.ms)} |`,
    );
  }
  lines.push('');
  lines.push(`## Fetch fairness (producer: ${fmt(o.rate)} records/s of 256 B, 'round-robin' partitioner, ${o.fairnessS} s)`);
  lines.push('');
  lines.push('Lag = a partition\'s latest offset (ListOffsets) minus the next offset the application has taken, sampled every second. "Longest wait": the longest time a partition had unread records without the application taking any of them.');
  lines.push('');
  lines.push('| protocol | produced | lag max (worst sample) | lag p99 (worst sample) | lag median (median sample) | partitions that got records | of them never consumed in the window | longest wait | all lag 0 after producer stopped |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const g of r.groups) {
    if (g.error || !g.fairness) continue;
    const f = g.fairness;
    lines.push(
      `| ${g.label} | ${fmt(f.produced)} | ${fmt(f.worstMax)} | ${fmt(f.worstP99)} | ${fmt(f.medianP50, 1)} | ${fmt(f.partitionsWritten)} | ${fmt(f.starved)} | ${fmt(f.longestWaitMs)} ms | ${ms(f.drainMs)} |`,
    );
  }
  lines.push('');
  lines.push(`## Fetch request sizes (bytes on the wire, request header included)`);
  lines.push('');
  lines.push(`"Few": records to ${o.few} partitions only, 100 records/s, 10 s; every Fetch the 3 members sent in that window. "Full": the session-opening fetches (epoch 0), which list every partition the member fetches from that broker.`);
  lines.push('');
  lines.push('| protocol | full fetches: count, max bytes, max partitions | few: fetches | bytes p50 / p99 / max | partitions listed p50 / max | forgotten max | during fairness: bytes p50 / max |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const g of r.groups) {
    if (g.error || !g.fetch) continue;
    const f = g.fetch;
    lines.push(
      `| ${g.label} | ${fmt(f.full.count)}, ${fmt(f.full.bytes.max)} B, ${fmt(f.full.partitions.max)} | ${fmt(f.few.bytes.count)} | ${fmt(f.few.bytes.p50)} / ${fmt(f.few.bytes.p99)} / ${fmt(f.few.bytes.max)} | ${fmt(f.few.partitions.p50)} / ${fmt(f.few.partitions.max)} | ${fmt(f.few.forgotten.max)} | ${fmt(f.busy.bytes.p50)} / ${fmt(f.busy.bytes.max)} |`,
    );
  }
  lines.push('');
  lines.push('## Metadata requests');
  lines.push('');
  lines.push('| protocol | Metadata requests | topics named (union) | any "all topics" request | only the subscribed topic |');
  lines.push('|---|---|---|---|---|');
  for (const g of r.groups) {
    if (g.error || !g.metadata) continue;
    const m = g.metadata;
    lines.push(`| ${g.label} | ${m.requests} | ${m.topicsNamed.join(', ') || '(none)'} | ${m.allTopicsRequests > 0 ? `yes (${m.allTopicsRequests})` : 'no'} | ${m.onlySubscribed ? 'yes' : 'NO'} |`);
  }
  lines.push('');
  lines.push('## Group requests and membership churn');
  lines.push('');
  lines.push('Latency of the members\' group requests (ms, p50 / p99 / max, from send to answer; count in brackets), and how many times a member lost (was revoked) at least a third of the topic after the group first settled and before the planned close: a member fenced, or a rebalance that took everything from it.');
  lines.push('');
  lines.push('| protocol | OffsetCommit | heartbeats | OffsetFetch | ListOffsets | members that lost ≥ ⅓ of the partitions at once |');
  lines.push('|---|---|---|---|---|---|');
  for (const g of r.groups) {
    if (g.error || !g.requestLatencyMs) continue;
    const l = (api) => (g.requestLatencyMs[api] ? `${fmt(g.requestLatencyMs[api].p50)} / ${fmt(g.requestLatencyMs[api].p99)} / ${fmt(g.requestLatencyMs[api].max)} (${g.requestLatencyMs[api].count})` : 'none');
    const lost = g.events.filter((e) => e.revoked !== undefined && e.t > (g.join.ms ?? 0) && e.t < (g.closeAt ?? Infinity) && e.revoked >= Math.floor(o.partitions / 3)).length;
    lines.push(`| ${g.label} | ${l('OffsetCommit')} | ${l(g.protocol === 'classic' ? 'Heartbeat' : 'ConsumerGroupHeartbeat')} | ${l('OffsetFetch')} | ${l('ListOffsets')} | ${lost} |`);
  }
  lines.push('');
  lines.push('## Memory against prefetchBytes (one classic member reading the whole topic from the oldest offset after a 5 s stall)');
  lines.push('');
  lines.push('"At rest": after the 5 s stall, after a full GC (node --expose-gc), before the application reads: what the consumer holds. "Peak": sampled every 20 ms over the whole run, reading included (garbage not yet collected counts).');
  lines.push('');
  lines.push('| prefetchBytes MiB | topic MiB | undelivered at rest / peak MiB | heapUsed at rest / peak MiB | external at rest / peak MiB | RSS at rest / peak MiB | baseline heap / RSS MiB | records | read in |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const m of r.memory) {
    if (m.error) {
      lines.push(`| ${mib(m.prefetchBytes)} | ERROR: ${m.error} | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${mib(m.prefetchBytes)} | ${mib(m.topicBytes)} | ${mib(m.afterStall.prefetched)} / ${mib(m.peak.prefetched)} | ${mib(m.afterStall.heapUsed)} / ${mib(m.peak.heapUsed)} | ${mib(m.afterStall.external)} / ${mib(m.peak.external)} | ${mib(m.afterStall.rss)} / ${mib(m.peak.rss)} | ${mib(m.baseline.heapUsed)} / ${mib(m.baseline.rss)} | ${fmt(m.records)}${m.complete ? '' : ' (INCOMPLETE)'} | ${fmt(m.seconds, 1)} s |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

// ------------------------------------------------------------------------------- observation

/**
 * Wraps BrokerConnection.prototype.send so that every Fetch and Metadata request of this process
 * is recorded: its size on the wire (encoded once more here) and its partitions or topics.
 */
function observeRequests(k) {
  const seen = { fetch: [], metadata: [], latency: {} };
  const { Fetch, Metadata, Writer } = k.protocol;
  const timed = new Set(['OffsetCommit', 'OffsetFetch', 'Heartbeat', 'ConsumerGroupHeartbeat', 'JoinGroup', 'SyncGroup', 'ListOffsets']);
  const proto = k.BrokerConnection.prototype;
  const send = proto.send;
  proto.send = function (codec, request, options) {
    if (timed.has(codec.name)) {
      const t0 = performance.now();
      const p = send.call(this, codec, request, options);
      const record = () => (seen.latency[codec.name] ??= []).push(performance.now() - t0);
      p.then(record, record);
      return p;
    }
    if (codec === Fetch || codec === Metadata) {
      try {
        const version = options?.version ?? this.versionFor(codec);
        const w = new Writer(1024);
        codec.encodeRequest(w, request, version);
        const clientId = this.opts?.clientId ?? 'kafkaesque';
        // size prefix, api key, version, correlation id, client id (INT16 + bytes), tag buffer (header v2)
        const bytes = 4 + 2 + 2 + 4 + 2 + Buffer.byteLength(clientId) + (codec.requestHeaderVersion(version) >= 2 ? 1 : 0) + w.length;
        if (codec === Fetch) {
          let partitions = 0;
          let forgotten = 0;
          for (const t of request.topics) partitions += t.partitions.length;
          for (const t of request.forgottenTopicsData) forgotten += t.partitions.length;
          const f = { t: Date.now(), broker: this.broker, bytes, version, sessionId: request.sessionId, epoch: request.sessionEpoch, partitions, forgotten, maxBytes: request.maxBytes };
          seen.fetch.push(f);
          const t0 = performance.now();
          const p = send.call(this, codec, request, options);
          p.then(
            (res) => {
              f.ms = performance.now() - t0;
              f.errorCode = res.errorCode;
              f.answered = 0;
              f.recordBytes = 0;
              for (const t of res.responses) for (const pd of t.partitions) {
                f.answered++;
                f.recordBytes += pd.records?.length ?? 0;
              }
            },
            (err) => ((f.ms = performance.now() - t0), (f.error = err.message)),
          );
          return p;
        } else {
          seen.metadata.push({ t: Date.now(), bytes, topics: request.topics === null ? null : request.topics.map((x) => x.name) });
        }
      } catch {
        // observation only: never in the way of the request
      }
    }
    return send.call(this, codec, request, options);
  };
  return seen;
}

// ------------------------------------------------------------------------------ group child

async function groupCase(c) {
  const k = loadKafkaesque();
  await k.protocol.ensureCompressionReady?.();
  const seen = observeRequests(k);
  const N = c.partitions;
  const label = c.protocol === 'classic' ? 'classic, cooperative-sticky' : 'consumer (KIP-848)';
  const out = { protocol: c.protocol, label, settings: {} };
  const group = `cscale-${c.protocol}-${process.pid}-${Date.now().toString(36)}`;
  const base = {
    brokers: c.brokers,
    group,
    topics: [c.topic],
    initialOffset: 'oldest',
    groupProtocol: c.protocol,
    rebalanceTimeoutMs: 60_000,
    // KIP-848: the broker sets the session timeout and heartbeat interval
    ...(c.protocol === 'classic' ? { assignors: ['cooperative-sticky'], sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300 } : {}),
  };
  out.settings = { ...base, brokers: undefined, group: undefined, note: c.protocol === 'consumer' ? 'heartbeat interval set by the broker (group.consumer.heartbeat.interval.ms=500 in the harness)' : undefined };

  // what the application has taken: the next offset per partition
  const taken = new Float64Array(N);
  let records = 0;
  const members = [];
  const loops = [];
  const consume = (consumer) =>
    (async () => {
      for await (const m of consumer.messages()) {
        const next = Number(m.offset) + 1;
        if (next > taken[m.partition]) taken[m.partition] = next;
        records++;
        consumer.markOffset(m);
      }
    })().catch((err) => log(`${c.protocol}: consumer loop: ${err.message}`));

  // ownership, checked every 20 ms for the whole run
  const live = new Set();
  const owners = new Uint8Array(N);
  const double = { checks: 0, partitions: 0, examples: [] };
  let checks = 0;
  const ownership = () => {
    owners.fill(0);
    let dup = 0;
    let owned = 0;
    for (const m of live) {
      for (const tp of m.assignment()) {
        if (tp.topic !== c.topic) continue;
        if (owners[tp.partition]++ === 1) {
          dup++;
          if (double.examples.length < 10) double.examples.push(tp.partition);
        }
        owned++;
      }
    }
    checks++;
    if (dup > 0) {
      double.checks++;
      double.partitions = Math.max(double.partitions, dup);
    }
    let covered = 0;
    for (let p = 0; p < N; p++) if (owners[p] > 0) covered++;
    return { covered, dup, owned, counts: [...live].map((m) => m.assignment().length) };
  };
  // done: every partition owned exactly once AND balanced (each live member owns at least
  // floor(N / members)); `coveredMs` is the first check where every partition had an owner
  const waitOwned = async (t0, limitMs) => {
    let coveredMs = null;
    for (;;) {
      const s = ownership();
      const exact = s.covered === N && s.dup === 0 && s.owned === N;
      if (exact && coveredMs === null) coveredMs = performance.now() - t0;
      if (exact && s.counts.every((n) => n >= Math.floor(N / s.counts.length))) return { ms: performance.now() - t0, coveredMs, counts: s.counts };
      if (performance.now() - t0 > limitMs) return { ms: null, coveredMs, counts: s.counts, covered: s.covered };
      await sleep(20);
    }
  };
  const checker = setInterval(ownership, 20);

  /** Up to `max` partitions behind `end`: their owner and what its fetcher knows of them. */
  const diagnose = (end, max) => {
    const found = [];
    for (let p = 0; p < N && found.length < max; p++) {
      if (end[p] - taken[p] <= 0) continue;
      const owner = members.findIndex((m) => live.has(m) && m.assignment().some((tp) => tp.partition === p));
      const st = owner >= 0 ? members[owner].fetcher.partitions.get(`${c.topic}\u0000${p}`) : undefined;
      found.push({
        partition: p,
        lag: end[p] - taken[p],
        taken: taken[p],
        end: end[p],
        owner,
        fetcher: st && { position: String(st.position), buffered: st.buffered !== undefined, paused: st.paused, backoffMs: Math.max(0, st.backoffUntil - Date.now()), errors: st.errors, resolving: st.resolving, highWatermark: String(st.highWatermark) },
        inflight: owner >= 0 ? [...members[owner].fetcher.inflight] : undefined,
      });
    }
    return found;
  };

  // ---- join
  const offsets = await Offsets.open(k, c.brokers, c.topic);
  const prefillEnd = await offsets.latest();
  const t0 = performance.now();
  const created = [];
  const events = [];
  await Promise.all(
    [0, 1, 2].map(async (i) => {
      const consumer = await k.Consumer.create(new k.Config({ ...base, clientId: `cscale-${i}` }));
      consumer.on('assigned', (tps) => events.push({ t: Math.round(performance.now() - t0), member: i, assigned: tps.length }));
      consumer.on('revoked', (tps) => events.push({ t: Math.round(performance.now() - t0), member: i, revoked: tps.length }));
      consumer.on('error', (err) => events.push({ t: Math.round(performance.now() - t0), member: i, error: err.message }));
      created[i] = performance.now() - t0;
      members[i] = consumer;
      live.add(consumer);
      loops[i] = consume(consumer);
    }),
  );
  out.join = { ...(await waitOwned(t0, 300_000)), createResolvedMs: created };
  log(`${c.protocol}: 3 members own all ${N} partitions after ${out.join.ms?.toFixed(0)} ms (${out.join.counts.join('/')})`);

  // ---- the prefill, consumed
  const progress = [];
  for (let lastSample = 0; ; ) {
    let left = 0;
    for (let p = 0; p < N; p++) if (taken[p] < prefillEnd[p]) left++;
    if (left === 0) {
      out.prefill = { ms: performance.now() - t0, records, progress };
      break;
    }
    if (performance.now() - lastSample >= 1000) {
      // partitions left, every second; and who holds the slow ones after 10 s
      lastSample = performance.now();
      progress.push({ t: Math.round(lastSample - t0), partitionsLeft: left, records });
      if (lastSample - t0 > 10_000 && out.prefillStuck === undefined) out.prefillStuck = diagnose(prefillEnd, 10);
    }
    if (performance.now() - t0 > 600_000) {
      out.prefill = { ms: null, partitionsLeft: left, records };
      break;
    }
    await sleep(50);
  }
  log(`${c.protocol}: prefill consumed after ${out.prefill.ms?.toFixed(0)} ms`);

  // ---- fairness: a producer writes to every partition; lag sampled every second
  {
    const fetchFrom = seen.fetch.length;
    const start = await offsets.latest();
    const startTaken = Float64Array.from(taken);
    const waitingSince = new Float64Array(N).fill(-1);
    const lastTaken = Float64Array.from(taken);
    let longestWait = 0;
    const samples = [];
    const producerDone = runChild({ kind: 'produce', brokers: c.brokers, topic: c.topic, rate: c.rate, seconds: c.fairnessS, size: 256, partitions: null }, c.fairnessS + 300);
    let finished = false;
    let produced = null;
    producerDone.then((r) => ((finished = true), (produced = r)), (e) => ((finished = true), (produced = { error: e.message })));
    const tStart = performance.now();
    let drainMs = null;
    let tStop = null;
    let end = start;
    for (;;) {
      await sleep(1000);
      const now = performance.now();
      end = await offsets.latest();
      const lags = new Float64Array(N);
      for (let p = 0; p < N; p++) {
        const lag = Math.max(0, end[p] - taken[p]);
        lags[p] = lag;
        if (lag === 0) waitingSince[p] = -1;
        else if (waitingSince[p] < 0 || taken[p] > lastTaken[p]) waitingSince[p] = now;
        else longestWait = Math.max(longestWait, now - waitingSince[p]);
        lastTaken[p] = taken[p];
      }
      const sorted = lags.sort();
      const sample = { t: Math.round(now - tStart), max: sorted[N - 1], p99: sorted[Math.floor(0.99 * N)], p50: sorted[Math.floor(0.5 * N)], lagging: N - sorted.findIndex((x) => x > 0) };
      if (sorted[N - 1] === 0) sample.lagging = 0;
      samples.push(sample);
      if (finished && tStop === null) tStop = now;
      if (tStop !== null && sample.max === 0) {
        drainMs = now - tStop;
        break;
      }
      if (tStop !== null && now - tStop > 120_000) break;
    }
    let written = 0;
    let starved = 0;
    const starvedExamples = [];
    for (let p = 0; p < N; p++) {
      if (end[p] > start[p]) {
        written++;
        if (taken[p] === startTaken[p]) {
          starved++;
          if (starvedExamples.length < 10) starvedExamples.push(p);
        }
      }
    }
    // partitions still behind at the end: who owns them and what the owner's fetcher knows
    const stuck = diagnose(end, 20);
    const during = samples.filter((s) => s.t <= (tStop ?? Infinity) - tStart);
    out.fairness = {
      produced: produced?.records ?? null,
      producerErrors: produced?.errors ?? produced?.error ?? null,
      producerFirstError: produced?.firstError ?? null,
      producerSeconds: produced?.seconds ?? null,
      partitionsWritten: written,
      starved,
      starvedExamples,
      longestWaitMs: longestWait,
      worstMax: Math.max(...during.map((s) => s.max)),
      worstP99: Math.max(...during.map((s) => s.p99)),
      medianP50: quantile(during.map((s) => s.p50), 0.5),
      drainMs,
      stuck,
      samples,
    };
    const busy = seen.fetch.slice(fetchFrom);
    out.fetchBusy = { bytes: summary(busy.map((f) => f.bytes)), partitions: summary(busy.map((f) => f.partitions)) };
    log(`${c.protocol}: fairness: worst max lag ${out.fairness.worstMax}, longest wait ${longestWait.toFixed(0)} ms, starved ${starved}`);
  }

  // ---- incremental fetch with few partitions receiving records
  {
    await sleep(2000);
    const from = seen.fetch.length;
    const parts = Array.from({ length: c.few }, (_, i) => Math.floor((i * N) / c.few));
    const r = await runChild({ kind: 'produce', brokers: c.brokers, topic: c.topic, rate: 100, seconds: 10, size: 256, partitions: parts }, 180);
    await sleep(1000);
    const few = seen.fetch.slice(from);
    const full = seen.fetch.filter((f) => f.epoch === 0);
    out.fetch = {
      fewPartitions: parts,
      fewProduced: r.records,
      full: { count: full.length, bytes: summary(full.map((f) => f.bytes)), partitions: summary(full.map((f) => f.partitions)) },
      few: { bytes: summary(few.map((f) => f.bytes)), partitions: summary(few.map((f) => f.partitions)), forgotten: summary(few.map((f) => f.forgotten)), fullInWindow: few.filter((f) => f.epoch === 0).length },
      busy: out.fetchBusy,
      total: seen.fetch.length,
    };
    delete out.fetchBusy;
    log(`${c.protocol}: few-partition fetches: ${few.length}, bytes p50 ${out.fetch.few.bytes.p50} max ${out.fetch.few.bytes.max}; full fetches max ${out.fetch.full.bytes.max} B`);
  }

  // ---- one member leaves
  {
    const leaving = members[2];
    const t1 = performance.now();
    out.closeAt = Math.round(t1 - t0);
    live.delete(leaving);
    await leaving.close();
    const closeMs = performance.now() - t1;
    out.rebalance = { ...(await waitOwned(t1, 300_000)), closeMs };
    log(`${c.protocol}: after close, 2 members own all ${N} partitions after ${out.rebalance.ms?.toFixed(0)} ms (${out.rebalance.counts.join('/')})`);
    await sleep(2000); // any late double assignment would show here
  }

  clearInterval(checker);
  out.doubleAssigned = double;
  out.ownershipChecks = checks;
  const topicsNamed = new Set();
  let allTopics = 0;
  for (const m of seen.metadata) {
    if (m.topics === null) allTopics++;
    else for (const t of m.topics) topicsNamed.add(t);
  }
  out.metadata = {
    requests: seen.metadata.length,
    topicsNamed: [...topicsNamed],
    allTopicsRequests: allTopics,
    emptyListRequests: seen.metadata.filter((m) => m.topics !== null && m.topics.length === 0).length,
    onlySubscribed: allTopics === 0 && [...topicsNamed].every((t) => t === c.topic),
    unrelatedTopic: c.other,
  };
  out.records = records;
  out.events = events;
  out.firstFetches = seen.fetch.slice(0, 40);
  out.requestLatencyMs = Object.fromEntries(Object.entries(seen.latency).map(([api, v]) => [api, summary(v)]));
  await Promise.all([members[0].close(), members[1].close()]);
  await Promise.all(loops);
  offsets.close();
  return out;
}

// ----------------------------------------------------------------------------- memory child

async function memoryCase(c) {
  const k = loadKafkaesque();
  const seen = observeRequests(k);
  const offsets = await Offsets.open(k, c.brokers, c.topic);
  const end = await offsets.latest();
  offsets.close();
  let total = 0;
  for (const x of end) total += x;
  const peak = { heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0, prefetched: 0 };
  let consumer;
  const sample = () => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
    peak.rss = Math.max(peak.rss, m.rss);
    if (consumer) peak.prefetched = Math.max(peak.prefetched, consumer.fetcher.prefetchedBytes);
  };
  const b = process.memoryUsage();
  const timer = setInterval(sample, 20);
  consumer = await k.Consumer.create(
    new k.Config({ brokers: c.brokers, group: `cscale-mem-${process.pid}-${Date.now().toString(36)}`, topics: [c.topic], initialOffset: 'oldest', prefetchBytes: c.prefetchBytes, autoCommit: false }),
  );
  await sleep(5000); // the application stalls: the fetcher fills up to its bound
  global.gc?.(); // what is held at rest, garbage collected
  const afterStall = { prefetched: consumer.fetcher.prefetchedBytes, ...process.memoryUsage() };
  let records = 0;
  let bytes = 0;
  const t0 = performance.now();
  let complete = false;
  for await (const m of consumer.messages()) {
    records++;
    bytes += m.value?.length ?? 0;
    if (records === total) {
      complete = true;
      break;
    }
    if (performance.now() - t0 > 600_000) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  sample();
  clearInterval(timer);
  await consumer.close();
  return {
    prefetchBytes: c.prefetchBytes,
    topicBytes: bytes,
    records,
    expected: total,
    complete,
    seconds,
    baseline: { heapUsed: b.heapUsed, external: b.external, rss: b.rss },
    afterStall,
    peak,
    maxRssKiB: process.resourceUsage().maxRSS,
    firstFetches: seen.fetch.slice(0, 30),
  };
}

// --------------------------------------------------------------------------- producer child

async function produceCase(c) {
  const k = loadKafkaesque();
  const producer = await k.AsyncProducer.create(
    new k.Config({ brokers: c.brokers, partitioner: 'round-robin', lingerMs: 5, batchBytes: 65536, deliveryTimeoutMs: 60_000 }),
  );
  let ok = 0;
  let errors = 0;
  let firstError = null;
  producer.on('success', () => ok++);
  producer.on('error', (e) => {
    errors++;
    firstError ??= e.cause?.message ?? e.message ?? String(e);
  });
  const value = randomBytes(c.size);
  const t0 = performance.now();
  let sent = 0;
  let i = 0;
  while (performance.now() - t0 < c.seconds * 1000) {
    // send what the rate allows so far, in 10 ms steps
    const due = Math.floor(((performance.now() - t0) / 1000) * c.rate);
    while (sent < due) {
      const r = c.partitions === null ? producer.sendMsgByte(c.topic, null, value) : producer.sendMsgToPartition(c.topic, c.partitions[i++ % c.partitions.length], null, value);
      sent++;
      if (r) await r;
    }
    await sleep(10);
  }
  const seconds = (performance.now() - t0) / 1000;
  await producer.close();
  return { records: ok, errors, firstError, sent, seconds };
}

// ------------------------------------------------------------------------------------- main
// (last, so that every class and constant above is initialised before it runs)
if (arg('child', null) !== null) {
  const c = JSON.parse(arg('child'));
  const kinds = { group: groupCase, memory: memoryCase, produce: produceCase };
  const out = await kinds[c.kind](c);
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
} else {
  await parent();
}
