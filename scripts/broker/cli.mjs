#!/usr/bin/env node
// kafkaesque broker CLI (npm run broker -- <command>). The work is done by harness.mjs;
// see the comment at its top and docs/broker.md.
import fs from 'node:fs';
import path from 'node:path';
import * as h from './harness.mjs';

const PREFIX = 'kafkaesque broker:';

const HELP = `usage: npm run broker -- <command> [options]

commands
  start     start the broker of a mode (does nothing if it already runs)
  stop      stop it: SIGTERM (controlled shutdown), SIGKILL after the stop timeout
  restart   stop, then start
  status    running or not (exit code 0 running, 3 not running)
  describe  addresses, listeners, users, certificates and files of a mode, as JSON
  logs      print the end of a node's broker.log (--path: print its path only)
  check     check Java, Maven and the jar cache
  fetch     download the Kafka jars into .kafka/kafka-<version>/libs (start does it too)
  tool      run a Kafka command-line class with the broker's jars, e.g.
              npm run broker -- tool topics --bootstrap-server 127.0.0.1:9092 --list
            aliases: ${Object.keys(toolAliases()).join(', ')}

options
  --mode single|cluster|secure   default single (KAFKAESQUE_BROKER_MODE is for jest only)
  --profile test|bench           JVM flags: test = C1 JIT + AppCDS, small heap (default);
                                 bench = the JVM defaults of bin/kafka-server-start.sh
  --fresh                        start: wipe the data directory and format again
  --node N[,M]                   cluster: start/stop only these nodes (failover tests)
  --kill                         stop: SIGKILL at once (a crash) instead of SIGTERM
  --all                          stop/status: every mode
  --json                         status: machine-readable output
  -n LINES                       logs: how many lines (default 40)

environment
  KAFKAESQUE_KAFKA_VERSION (4.2.1)  KAFKAESQUE_BROKER (127.0.0.1:9092)  KAFKAESQUE_BROKER_PROFILE
  KAFKAESQUE_BROKER_JVM_OPTS  KAFKAESQUE_BROKER_CDS=0  KAFKAESQUE_MAVEN_REPO_LOCAL
  KAFKAESQUE_BROKER_START_TIMEOUT_MS (120000)  KAFKAESQUE_BROKER_STOP_TIMEOUT_MS (30000)`;

function toolAliases() {
  return {
    topics: 'org.apache.kafka.tools.TopicCommand',
    acls: 'org.apache.kafka.tools.AclCommand',
    configs: 'kafka.admin.ConfigCommand',
    groups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    storage: 'kafka.tools.StorageTool',
    'producer-perf': 'org.apache.kafka.tools.ProducerPerformance',
    'consumer-perf': 'org.apache.kafka.tools.ConsumerPerformance',
    'e2e-latency': 'org.apache.kafka.tools.EndToEndLatency',
    'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
    'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  };
}

function parseArgs(argv) {
  const o = { _: [], mode: 'single', nodes: null, lines: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new h.HarnessError(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--mode':
        o.mode = value();
        break;
      case '--profile':
        o.profile = value();
        break;
      case '--node':
      case '--nodes':
        o.nodes = [...(o.nodes || []), ...value().split(',').map((n) => Number(n))];
        if (o.nodes.some((n) => !Number.isInteger(n) || n < 1)) throw new h.HarnessError('--node takes node ids such as 2 or 1,3');
        break;
      case '-n':
      case '--lines':
        o.lines = Number(value());
        break;
      case '--fresh':
      case '--kill':
      case '--all':
      case '--json':
      case '--path':
      case '--quiet':
        o[flag.slice(2)] = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        if (a.startsWith('-')) throw new h.HarnessError(`unknown option ${a} (npm run broker -- help)`);
        o._.push(a);
    }
  }
  if (!h.MODES.includes(o.mode)) throw new h.HarnessError(`unknown mode "${o.mode}" (expected ${h.MODES.join(', ')})`);
  if (o.profile && !h.PROFILES.includes(o.profile)) throw new h.HarnessError(`unknown profile "${o.profile}" (expected ${h.PROFILES.join(', ')})`);
  return o;
}

const rel = (p) => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};
const progress = (line) => process.stderr.write(`${line}\n`);

async function cmdStart(o) {
  const r = await h.start({ mode: o.mode, profile: o.profile, fresh: !!o.fresh, nodes: o.nodes, log: o.quiet ? () => {} : progress });
  const d = r.describe;
  if (r.foreign) {
    console.log(`${PREFIX} a Kafka broker already answers on ${d.bootstrapServers} (not started by this harness); using it`);
    return 0;
  }
  const pids = r.pids.filter(Boolean).join(', ');
  if (r.alreadyRunning) {
    console.log(`${PREFIX} ${o.mode} already running on ${d.bootstrapServers} (pid ${pids}, profile ${r.profile ?? '?'})`);
    if (o.profile && r.profile && o.profile !== r.profile) {
      console.log(`${PREFIX} note: it runs with profile ${r.profile}, not ${o.profile}; restart it to switch`);
    }
    return 0;
  }
  const partial = r.startedNodes.length < d.nodes.length;
  const nodes = d.nodes.filter((n) => r.startedNodes.includes(n.id));
  const what = partial ? `${o.mode} node ${r.startedNodes.join(', ')}` : o.mode;
  console.log(
    `${PREFIX} ${what} started on ${nodes.map((n) => n.bootstrap).join(',')} in ${r.seconds.toFixed(1)} s (Kafka ${d.kafkaVersion}, profile ${r.profile}, pid ${pids}); log ${rel(nodes[0].logFile)}`,
  );
  if (o.mode === 'secure') {
    for (const [name, addrs] of Object.entries(d.listeners)) console.log(`  ${name.padEnd(15)} ${addrs.join(',')}`);
    console.log(`  users: ${Object.keys(d.users).join(', ')} (password <name>-secret); certs ${rel(d.certs.dir)}; Java client configs ${rel(d.clientsDir)}`);
  }
  return 0;
}

async function cmdStop(o) {
  const modes = o.all ? h.MODES : [o.mode];
  for (const mode of modes) {
    const r = await h.stop({ mode, nodes: o.nodes, kill: !!o.kill, log: progress });
    const d = h.describe(mode);
    if (r.notRunning) {
      if (r.foreign) console.log(`${PREFIX} ${mode}: a broker answers on ${d.bootstrapServers} but was not started by this harness; not stopping it`);
      else if (!o.all) console.log(`${PREFIX} ${mode} not running`);
      continue;
    }
    const how = o.kill ? 'killed (SIGKILL)' : r.killed.length ? `stopped (node ${r.killed.join(', ')} did not stop in time: SIGKILL)` : 'stopped';
    const nodes = d.nodes.length > 1 ? ` node ${r.stopped.join(', ')}` : '';
    const lastVoters = r.noQuorum?.length ? ` (node ${r.noQuorum.join(', ')} killed: no controller quorum left for its controlled shutdown)` : '';
    console.log(`${PREFIX} ${mode}${nodes} ${how} in ${r.seconds.toFixed(1)} s${lastVoters}`);
  }
  return 0;
}

async function cmdStatus(o) {
  const modes = o.all ? h.MODES : [o.mode];
  const all = [];
  for (const mode of modes) all.push(await h.status(mode));
  if (o.json) {
    console.log(JSON.stringify(o.all ? all : all[0], null, 2));
  } else {
    for (const st of all) {
      if (st.running) {
        console.log(`${PREFIX} ${st.mode} running`);
        for (const n of st.nodes) {
          console.log(`  node ${n.id}  pid ${n.pid}  ${n.address}  Kafka ${st.kafkaVersion}  profile ${st.profile}  log ${rel(n.logFile)}`);
        }
        if (st.unknownKeys?.length) console.log(`  warning: settings unknown to the broker: ${st.unknownKeys.join(', ')}`);
      } else if (st.foreign) {
        console.log(`${PREFIX} ${st.mode}: a broker answers on ${st.bootstrapServers} (not started by this harness: no pid, version unknown)`);
      } else if (st.settingsChanged) {
        console.log(`${PREFIX} ${st.mode} running on ${st.runningAddress}, not on ${st.bootstrapServers} (settings changed)`);
      } else {
        const partial = st.nodes.filter((n) => n.alive || n.answering);
        if (partial.length) {
          console.log(`${PREFIX} ${st.mode} partly running`);
          for (const n of st.nodes) {
            const state = n.alive ? `pid ${n.pid}  ${n.answering ? 'answering' : 'NOT answering'}` : n.answering ? 'answering, no pid (not ours)' : 'down';
            console.log(`  node ${n.id}  ${n.address}  ${state}`);
          }
        } else {
          console.log(`${PREFIX} ${st.mode} not running (${st.bootstrapServers})`);
        }
      }
    }
  }
  return all.some((st) => st.running || st.foreign) ? 0 : 3;
}

async function cmdLogs(o) {
  const d = h.describe(o.mode);
  const node = d.nodes.find((n) => n.id === (o.nodes?.[0] ?? 1));
  if (!node) throw new h.HarnessError(`${o.mode} has no node ${o.nodes[0]}`);
  if (o.path) {
    console.log(node.logFile);
    return 0;
  }
  if (!fs.existsSync(node.logFile)) throw new h.HarnessError(`no log yet: ${node.logFile}`);
  const lines = fs.readFileSync(node.logFile, 'utf8').trimEnd().split('\n');
  console.log(lines.slice(-o.lines).join('\n'));
  return 0;
}

async function cmdCheck() {
  const s = h.settings();
  const ji = h.javaInfo();
  console.log(`${PREFIX} java     ${ji.java} (${ji.version})`);
  console.log(`${PREFIX} keytool  ${fs.existsSync(ji.keytool) ? ji.keytool : 'not found (needed by --mode secure)'}`);
  const marker = h.libsState();
  if (marker) {
    console.log(`${PREFIX} jars     ${rel(s.libsDir)}: Kafka ${marker.version}, ${marker.jars.length} jars, fetched ${marker.fetchedAt}`);
  } else {
    console.log(`${PREFIX} jars     not fetched yet for Kafka ${s.kafkaVersion} (the first start fetches them)`);
    console.log(`${PREFIX} mvn      ${h.mvnPath(undefined, s.kafkaVersion)}`);
  }
  return 0;
}

async function cmdTool(argv) {
  if (!argv.length) throw new h.HarnessError('tool needs a class name or an alias, e.g. tool topics --bootstrap-server 127.0.0.1:9092 --list');
  const main = toolAliases()[argv[0]] || argv[0];
  const r = await h.runTool(main, argv.slice(1), { stdio: 'inherit', log: progress });
  return r.code;
}

async function main(argv) {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'help';
  if (command === 'tool') return cmdTool(argv.slice(1));
  const o = parseArgs(argv.slice(1));
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'start':
      return cmdStart(o);
    case 'stop':
      return cmdStop(o);
    case 'restart':
      await cmdStop(o);
      return cmdStart(o);
    case 'status':
      return cmdStatus(o);
    case 'describe':
      console.log(JSON.stringify(h.describe(o.mode), null, 2));
      return 0;
    case 'logs':
      return cmdLogs(o);
    case 'check':
      return cmdCheck();
    case 'fetch':
      console.log(await h.ensureLibs({ log: progress, force: !!o.fresh }));
      return 0;
    case 'help':
      console.log(HELP);
      return 0;
    default:
      throw new h.HarnessError(`unknown command "${command}" (npm run broker -- help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof h.HarnessError) {
      console.error(`${PREFIX} ${e.message}`);
      if (e.details?.log) console.error(e.details.log.replace(/^/gm, '  | '));
    } else {
      console.error(`${PREFIX} unexpected error: ${e?.stack || e}`);
    }
    process.exitCode = 1;
  },
);
