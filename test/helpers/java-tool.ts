/**
 * The JDK and the broker's jars, to run Kafka's own Java tools (console consumers, share
 * consumers) from a test: located by scripts/broker/harness.mjs in a child node process (it is
 * an ES module, and ensureLibs() may download the jars the first time).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface JavaTool {
  java: string;
  libsDir: string;
  log4jConfig: string;
}

export function javaTool(): JavaTool {
  const harness = pathToFileURL(path.join(REPO_ROOT, 'scripts', 'broker', 'harness.mjs')).href;
  const script =
    `const h = await import(${JSON.stringify(harness)});` +
    `const j = h.javaInfo(); const libsDir = await h.ensureLibs({ log: (l) => console.error(l) });` +
    `console.log(JSON.stringify({ java: j.java, libsDir, log4jConfig: h.HARNESS_DIR + '/tools-log4j2.properties' }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: process.env,
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  if (r.status !== 0) throw new Error(`could not locate Java and the Kafka jars via harness.mjs (exit ${String(r.status)}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as JavaTool;
}

/** The JVM arguments that run `mainClass` of the broker's jars: small heap, quick start. */
export function javaToolArgs(tool: JavaTool, mainClass: string, args: string[], jvmOptions: string[] = []): string[] {
  return ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', ...jvmOptions, `-Dlog4j2.configurationFile=${tool.log4jConfig}`, '-cp', path.join(tool.libsDir, '*'), mainClass, ...args];
}
