// The broker harness, Java, Maven and the jars; running Kafka tools. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS, HARNESS_DIR, HarnessError, PREFIX, settings } from './settings.mjs';
import { findOnPath, lastLines, readJson, readText, rmrf, run, sha256, withLock, writeFileAtomic } from './proc.mjs';

// ------------------------------------------------------------------------------------------
// Java, Maven, jars
// ------------------------------------------------------------------------------------------

const JAVA_MISSING =
  'Java not found on PATH; install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless, brew install openjdk@17) or set JAVA_HOME';
let javaCache = null;

/** Locate and check the JDK: { java, keytool, major, version, home }. Throws HarnessError. */
export function javaInfo(env = process.env) {
  const key = `${env.JAVA_HOME || ''}|${env.PATH || ''}`;
  if (javaCache && javaCache.key === key) return javaCache.info;
  let java = null;
  if (env.JAVA_HOME) {
    const j = path.join(env.JAVA_HOME, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (fs.existsSync(j)) java = j;
  }
  java ??= findOnPath('java', env);
  if (!java) throw new HarnessError(JAVA_MISSING);
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', env });
  const text = `${r.stderr || ''}${r.stdout || ''}`;
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(text);
  if (r.error || r.status !== 0 || !m) {
    throw new HarnessError(`Java at ${java} does not run (${r.error?.message || lastLines(text, 1) || `exit ${r.status}`}); install a JDK 17+`);
  }
  const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
  if (major < 17) {
    throw new HarnessError(`Java ${major} found at ${java}; Kafka 4.x needs Java 17 or newer (install a JDK 17+ or set JAVA_HOME)`);
  }
  const real = fs.realpathSync(java);
  const keytool = path.join(path.dirname(real), process.platform === 'win32' ? 'keytool.exe' : 'keytool');
  const info = { java, keytool, major, version: text.split('\n')[0].trim(), home: path.dirname(path.dirname(real)), realJava: real };
  javaCache = { key, info };
  return info;
}

/** Locate Maven. Throws HarnessError. */
export function mvnPath(env = process.env, kafkaVersion = DEFAULTS.kafkaVersion) {
  const mvn = findOnPath('mvn', env);
  if (!mvn) {
    throw new HarnessError(
      `Maven (mvn) not found on PATH; it is needed once to download the Kafka ${kafkaVersion} jars from Maven Central (install Maven 3.6+, e.g. apt-get install maven)`,
    );
  }
  return mvn;
}

function pomTemplate() {
  return fs.readFileSync(path.join(HARNESS_DIR, 'pom.xml'), 'utf8');
}

export function libsMarkerFile(s) {
  return path.join(s.versionDir, 'fetched.json');
}

function libsFingerprint(s) {
  return sha256(`${pomTemplate()}\n${s.kafkaVersion}\n${s.log4jVersion}`).slice(0, 16);
}

/** The marker of a complete libs folder, or null. */
export function libsState(env = process.env) {
  const s = settings(env);
  const marker = readJson(libsMarkerFile(s));
  if (!marker || marker.fingerprint !== libsFingerprint(s) || !Array.isArray(marker.jars) || marker.jars.length === 0) return null;
  for (const jar of marker.jars) if (!fs.existsSync(path.join(s.libsDir, jar))) return null;
  return marker;
}

/** Make sure .kafka/kafka-<version>/libs holds the broker's jars; fetch them with mvn if not. */
export async function ensureLibs({ env = process.env, log = () => {}, force = false } = {}) {
  const s = settings(env);
  if (!force && libsState(env)) return s.libsDir;
  javaInfo(env); // Maven runs on Java: report a missing JDK as such
  const mvn = mvnPath(env, s.kafkaVersion);
  fs.mkdirSync(s.versionDir, { recursive: true });
  return withLock(path.join(s.versionDir, '.fetch.lock'), 20 * 60_000, `fetching Kafka ${s.kafkaVersion}`, async () => {
    if (!force && libsState(env)) return s.libsDir;
    const tmp = path.join(s.versionDir, `libs.tmp-${process.pid}`);
    rmrf(tmp);
    const pom = pomTemplate()
      .replace('@KAFKA_VERSION@', s.kafkaVersion)
      .replace('@LOG4J_VERSION@', s.log4jVersion)
      .replace('@LIBS_DIR@', tmp.split(path.sep).join('/'));
    const pomFile = path.join(s.versionDir, 'pom.xml');
    fs.writeFileSync(pomFile, pom);
    const fetchLog = path.join(s.versionDir, 'fetch.log');
    fs.writeFileSync(fetchLog, '');
    const args = ['-q', '-B', '-f', pomFile, 'package'];
    if (s.mavenRepoLocal) args.push(`-Dmaven.repo.local=${s.mavenRepoLocal}`);
    log(`${PREFIX} fetching Kafka ${s.kafkaVersion} jars from Maven Central (mvn ${args.join(' ')}); first time only`);
    const t0 = Date.now();
    let r;
    try {
      r = await run(mvn, args, { cwd: s.versionDir, outFile: fetchLog });
    } catch (e) {
      throw new HarnessError(`Maven at ${mvn} does not run (${e.message})`);
    }
    const seconds = (Date.now() - t0) / 1000;
    if (r.code !== 0) {
      rmrf(tmp);
      const out = readText(fetchLog) || '';
      const firstError = out.split('\n').find((l) => /\[ERROR\]/.test(l))?.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\s*\[ERROR\]\s*/, '') || `exit code ${r.code}`;
      throw new HarnessError(`mvn could not fetch Kafka ${s.kafkaVersion}: ${firstError.slice(0, 300)} (full output: ${fetchLog})`);
    }
    const jars = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.endsWith('.jar')).sort() : [];
    for (const must of [`kafka_2.13-${s.kafkaVersion}.jar`, `kafka-clients-${s.kafkaVersion}.jar`, `log4j-slf4j-impl-${s.log4jVersion}.jar`]) {
      if (!jars.includes(must)) {
        rmrf(tmp);
        throw new HarnessError(`mvn finished but ${must} is missing from the fetched jars (see ${fetchLog})`);
      }
    }
    // swap the new folder in (a broker already running keeps its open jars)
    const old = path.join(s.versionDir, `libs.old-${process.pid}`);
    if (fs.existsSync(s.libsDir)) fs.renameSync(s.libsDir, old);
    fs.renameSync(tmp, s.libsDir);
    rmrf(old);
    rmrf(path.join(s.versionDir, 'target'));
    writeFileAtomic(
      libsMarkerFile(s),
      JSON.stringify({ version: s.kafkaVersion, log4jVersion: s.log4jVersion, fingerprint: libsFingerprint(s), fetchedAt: new Date().toISOString(), seconds, jars }, null, 2),
    );
    log(`${PREFIX} fetched ${jars.length} jars into ${path.relative(process.cwd(), s.libsDir) || s.libsDir} in ${seconds.toFixed(1)} s`);
    return s.libsDir;
  });
}

/**
 * Run a Kafka command-line class (org.apache.kafka.tools.TopicCommand, kafka.admin.ConfigCommand,
 * ...) with the broker's jars. Logging: warnings only, on stderr.
 * opts.stdio 'inherit' streams the output; otherwise resolves { code, stdout, stderr }.
 */
export async function runTool(mainClass, args = [], { env = process.env, stdio, input, heap = '512m', log } = {}) {
  const s = settings(env);
  const { java } = javaInfo(env);
  await ensureLibs({ env, log });
  // C1 only starts short admin tools faster; the perf tools get the full JIT
  const c1 = /Performance|Latency/.test(mainClass) ? [] : ['-XX:TieredStopAtLevel=1'];
  const jvm = [`-Xmx${heap}`, ...c1, `-Dlog4j2.configurationFile=${path.join(HARNESS_DIR, 'tools-log4j2.properties')}`, '-cp', path.join(s.libsDir, '*'), mainClass, ...args];
  if (stdio === 'inherit') {
    return new Promise((resolve, reject) => {
      const c = spawn(java, jvm, { stdio: 'inherit', env });
      c.on('error', reject);
      c.on('close', (code, signal) => resolve({ code: code ?? 1, signal }));
    });
  }
  return run(java, jvm, { input, env });
}
