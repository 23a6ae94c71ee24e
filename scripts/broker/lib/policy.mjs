// The broker harness, the test broker's topic and config policies: scripts/broker/policy/KafkaesqueTestPolicy.java
// compiled against the fetched Kafka jars into a jar on the broker's classpath (the POLICY_VIOLATION
// tests need one; Kafka ships none). scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import fs from 'node:fs';
import path from 'node:path';
import { HARNESS_DIR, HarnessError, PREFIX, settings } from './settings.mjs';
import { lastLines, rmrf, run, sha256, withLock } from './proc.mjs';

export const POLICY_CLASS = 'KafkaesqueTestPolicy';
const POLICY_SOURCE = path.join(HARNESS_DIR, 'policy', `${POLICY_CLASS}.java`);

/**
 * Where the jar of the current source is: .kafka/kafka-<version>/policy/kafkaesque-test-policy-<key>.jar,
 * the key a hash of the source and the Kafka version, so an edited source or another Kafka
 * builds anew and an unchanged one never does.
 */
export function policyJar(s) {
  const key = sha256(`${fs.readFileSync(POLICY_SOURCE, 'utf8')}\n${s.kafkaVersion}`).slice(0, 12);
  return path.join(s.versionDir, 'policy', `kafkaesque-test-policy-${key}.jar`);
}

/** The broker's classpath (s: settings()): Kafka's jars and the policy jar. */
export function brokerClasspath(s) {
  return [path.join(s.libsDir, '*'), policyJar(s)].join(path.delimiter);
}

/** Compile the policy jar unless the current one exists (call after ensureLibs). Resolves its path. */
export async function ensurePolicyJar({ env = process.env, ji, log = () => {} }) {
  const s = settings(env);
  const jar = policyJar(s);
  if (fs.existsSync(jar)) return jar;
  const dir = path.dirname(jar);
  fs.mkdirSync(dir, { recursive: true });
  return withLock(path.join(dir, '.build.lock'), 120_000, 'compiling the test policy', async () => {
    if (fs.existsSync(jar)) return jar;
    // javac and jar come with a JDK, beside its java (a JRE has neither)
    const bin = path.dirname(ji.realJava);
    const tool = (name) => {
      const p = path.join(bin, process.platform === 'win32' ? `${name}.exe` : name);
      if (!fs.existsSync(p)) throw new HarnessError(`${name} not found beside ${ji.realJava}: the test broker's policy (${POLICY_SOURCE}) is compiled at start; install a JDK 17+, not only a JRE`);
      return p;
    };
    const javac = tool('javac');
    const jarTool = tool('jar');
    const tmp = fs.mkdtempSync(path.join(dir, `tmp-${process.pid}-`));
    try {
      const classes = path.join(tmp, 'classes');
      fs.mkdirSync(classes);
      const t0 = Date.now();
      // kafka-clients holds the policy interfaces (org.apache.kafka.server.policy)
      const c = await run(javac, ['-J-XX:TieredStopAtLevel=1', '--release', '17', '-nowarn', '-encoding', 'UTF-8', '-cp', path.join(s.libsDir, '*'), '-d', classes, POLICY_SOURCE]);
      if (c.code !== 0) throw new HarnessError(`javac failed on ${POLICY_SOURCE}: ${lastLines(c.stderr || c.stdout, 5)}`);
      const tmpJar = path.join(tmp, path.basename(jar));
      const j = await run(jarTool, ['-J-XX:TieredStopAtLevel=1', '--create', '--file', tmpJar, '-C', classes, '.']);
      if (j.code !== 0) throw new HarnessError(`jar failed packing the test policy: ${lastLines(j.stderr || j.stdout, 3)}`);
      fs.renameSync(tmpJar, jar);
      log(`${PREFIX} compiled the test broker's policy into ${path.relative(process.cwd(), jar) || jar} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      rmrf(tmp);
    }
    // jars of older sources: a broker still running keeps its open jar (as with the libs swap)
    for (const f of fs.readdirSync(dir)) {
      if (/^kafkaesque-test-policy-.*\.jar$/.test(f) && f !== path.basename(jar)) rmrf(path.join(dir, f));
    }
    return jar;
  });
}
