// kafkaesque broker harness: a real Apache Kafka broker (KRaft, no Docker, no ZooKeeper)
// for the tests, the examples and the benchmarks. Plain Node ESM, Node built-ins only.
//
//   npm run broker -- start [--mode single|cluster|secure] [--profile test|bench] [--fresh]
//   npm run broker -- status | stop | describe | logs | check | fetch | tool <MainClass> ...
//
// What it does (see docs/broker.md for the long version and measured timings):
//  1. Jars. The broker is an ordinary set of Maven Central artifacts. The first start copies
//     scripts/broker/pom.xml (version filled in) to .kafka/kafka-<version>/pom.xml and runs
//     `mvn -q -B -f <that pom> package`, which copies every runtime jar into
//     .kafka/kafka-<version>/libs/. A marker (.kafka/kafka-<version>/fetched.json) makes
//     later starts skip Maven entirely. javac then compiles scripts/broker/policy/*.java (the
//     test broker's topic and config policy: tests meet POLICY_VIOLATION) into a jar beside
//     libs/, once per source; it goes on the broker's classpath.
//  2. Config. scripts/broker/templates/<mode>.properties + common.properties, with ${...}
//     values filled in, are written to .kafka/run/<mode>/[nodeN/]server.properties.
//  3. Format. `kafka.tools.StorageTool format` runs when the data directory is new or the
//     settings changed since the last format (a fingerprint in .kafka/run/<mode>/state.json).
//     Secure mode also gets a test CA, certificates and SCRAM users at this point.
//  4. Start. `java ... kafka.Kafka server.properties`, detached, output to broker.log, pid
//     in broker.pid. Ready = the log says "Kafka Server started" AND the client port answers
//     a Kafka ApiVersions request (AND, for the cluster, every node's Metadata lists all
//     three brokers). Then the log's "KafkaConfig values:" dump is checked for every key we
//     set: the broker silently ignores unknown keys.
//  5. Stop. SIGTERM (controlled shutdown), wait, SIGKILL after a timeout.
//
// Settings, in one place (settings() below):
//   KAFKAESQUE_KAFKA_VERSION  Kafka version, default 4.2.1
//   KAFKAESQUE_BROKER         host:port of the single node, default 127.0.0.1:9092; what the
//                             tests connect to. The other ports derive from it:
//                               controller = port+1 (KAFKAESQUE_CONTROLLER_PORT overrides)
//                               secure     = port+200 .. port+204 (KAFKAESQUE_SECURE_PORT overrides)
//                               cluster    = port+100+10*N (N = 1, 2, 3), controller +1
//                                            (KAFKAESQUE_CLUSTER_PORT replaces port here);
//                                            kept below Linux's ephemeral range (32768+), where
//                                            another program's outgoing socket can hold a port
//   KAFKAESQUE_BROKER_PROFILE test (default: C1 JIT + AppCDS, small heap) | bench (JVM defaults)
//   KAFKAESQUE_BROKER_JVM_OPTS extra JVM options for the broker
//   KAFKAESQUE_BROKER_CDS=0   no AppCDS archive in the test profile
//   KAFKAESQUE_BROKER_START_TIMEOUT_MS / _STOP_TIMEOUT_MS   default 120000 / 30000
//   KAFKAESQUE_MAVEN_REPO_LOCAL  passed to mvn as -Dmaven.repo.local (e.g. a CI cache)
//   KAFKAESQUE_BROKER_MODE    modes the jest globalSetup ensures (comma list, default single)
//   KAFKAESQUE_BASE_BROKER    internal: the single-node address, kept by globalSetup when it
//                             points KAFKAESQUE_BROKER at a cluster's bootstrap list
//
// Library API (all async functions return plain data):
//   settings(env?)                 resolved settings
//   describe(mode, env?)           addresses, listeners, users, certificates, files of a mode
//   start({ mode, profile, fresh, nodes, log })   -> { alreadyRunning, foreign, seconds, ... }
//   stop({ mode, nodes, kill, log })               -> { stopped: [ids], killed: [ids], ... }
//   status(mode)                   -> { running, foreign, nodes: [{ id, pid, alive, answering }] }
//   ensureRunning({ mode, log })   start unless a broker already answers -> { started }
//   ensureLibs({ version, log })   fetch the jars when needed -> libs directory
//   runTool(mainClass, args, opts) run a Kafka CLI class (TopicCommand, AclCommand, ...)
//   kafkaProbe(host, port)         true when a Kafka broker answers ApiVersions there
//   HarnessError                   an expected failure; .message is one human-readable line

//
// The code lives in scripts/broker/lib/, one module per concern (settings, layout, proc, probe,
// maven, config-files, certs, policy, jvm, status, start, stop); this module is the public API.

export { HARNESS_DIR, REPO_ROOT, MODES, PROFILES, DEFAULTS, HarnessError, settings, DEFAULT_TEST_MODES, testModes } from './lib/settings.mjs';
export { describe } from './lib/layout.mjs';
export { isAlive } from './lib/proc.mjs';
export { tcpCheck, kafkaRequest, apiVersions, kafkaProbe, metadataBrokers } from './lib/probe.mjs';
export { javaInfo, mvnPath, libsState, ensureLibs, runTool } from './lib/maven.mjs';
export { renderProperties, propertyKeys, loggedConfigKeys } from './lib/config-files.mjs';
export { status } from './lib/status.mjs';
export { start, ensureRunning } from './lib/start.mjs';
export { stop, stopAll } from './lib/stop.mjs';
