// The broker harness, JVM options and AppCDS. scripts/broker/harness.mjs is the public module; docs/broker.md the manual.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HARNESS_DIR } from './settings.mjs';
import { readJson, rmrf, sha256 } from './proc.mjs';
import { libsMarkerFile } from './maven.mjs';
import { policyJar } from './policy.mjs';

// ------------------------------------------------------------------------------------------
// JVM options, AppCDS
// ------------------------------------------------------------------------------------------

function cdsPaths(s, ji) {
  const marker = readJson(libsMarkerFile(s)) || {};
  // an archive is only used with the classpath it was recorded with: the policy jar is part of it
  const key = sha256(`${ji.realJava}\n${ji.version}\n${marker.fingerprint}\n${marker.fetchedAt}\n${path.basename(policyJar(s))}`).slice(0, 12);
  const dir = path.join(s.versionDir, 'cds');
  return { dir, archive: path.join(dir, `broker-${key}.jsa`) };
}

/** The file: URL of the secure mode's JWKS (layout.mjs, oauth). */
export function jwksUrl(d) {
  return pathToFileURL(d.oauth.jwks).href;
}

export function jvmArgs(s, d, node, ji, profile) {
  const args = [];
  let cdsTmp = null;
  if (profile === 'bench') {
    // what bin/kafka-server-start.sh uses
    args.push('-Xms1g', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent');
  } else {
    args.push(`-Xms${d.heap[0]}`, `-Xmx${d.heap[1]}`, '-XX:+UseG1GC', '-XX:TieredStopAtLevel=1');
    if (s.cds) {
      const { dir, archive } = cdsPaths(s, ji);
      if (fs.existsSync(archive)) args.push(`-XX:SharedArchiveFile=${archive}`);
      else {
        // no archive yet: this run records one when it exits (renamed into place by stop())
        fs.mkdirSync(dir, { recursive: true });
        cdsTmp = `${archive}.${d.mode}-${node.id}.tmp`;
        rmrf(cdsTmp);
        args.push(`-XX:ArchiveClassesAtExit=${cdsTmp}`);
      }
    }
  }
  args.push(
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(HARNESS_DIR, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${node.dir}`,
    ...s.jvmOpts,
  );
  if (d.oauth) {
    // Kafka 4.x reads OAuth URLs and files only when these system properties list them (empty by default)
    const url = jwksUrl(d);
    args.push(`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${url}`, `-Dorg.apache.kafka.sasl.oauthbearer.allowed.files=${d.oauth.jwks}`);
  }
  return { args, cdsTmp, cdsArchive: cdsTmp ? cdsPaths(s, ji).archive : null };
}
