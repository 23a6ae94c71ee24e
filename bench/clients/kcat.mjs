// kcat 1.7.1 (librdkafka) adapter. CPU seconds and peak RSS are those of the kcat process
// (GNU time around it). Producer: `kcat -P -l file` (one record per line of the data file, so
// values never contain '\n'); consumer: balanced group (-G), from the earliest offset, -c N.
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caseArg, done, runTimed, loadValues } from './_common.mjs';

const c = caseArg();

if (c.workload === 'produce') {
  // The full input file (records lines, cycling through the same values as the other clients),
  // written before kcat starts.
  const values = loadValues(c.dataFile);
  const file = path.join(tmpdir(), `kbench-kcat-${process.pid}.txt`);
  const nl = Buffer.from('\n');
  const parts = [];
  for (let i = 0; i < c.records; i++) parts.push(values[i % values.length], nl);
  writeFileSync(file, Buffer.concat(parts));
  const r = await runTimed('kcat', [
    '-P', '-b', c.broker, '-t', c.topic,
    '-X', 'acks=all',
    '-X', 'enable.idempotence=true',
    '-X', `linger.ms=${c.lingerMs}`,
    '-X', `batch.size=${c.batchBytes}`,
    '-X', `compression.codec=${c.compression}`,
    '-X', `max.in.flight.requests.per.connection=${c.maxInFlight}`,
    '-l', file,
  ]);
  rmSync(file, { force: true });
  if (r.code !== 0) throw new Error(`kcat -P failed (${r.code}): ${r.stderr.slice(-1500)}`);
  done({ records: c.records, seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, idempotent: true, note: 'wall time of the kcat process (includes start-up)' });
} else if (c.workload === 'consume') {
  let lines = 0;
  const r = await runTimed(
    'kcat',
    ['-b', c.broker, '-G', c.group, '-X', 'auto.offset.reset=earliest', '-c', String(c.records), '-q', '-f', '%o\n', c.topic],
    {
      onStdout: (d) => {
        for (let i = 0; i < d.length; i++) if (d[i] === 10) lines++;
      },
    },
  );
  if (r.code !== 0) throw new Error(`kcat -G failed (${r.code}): ${r.stderr.slice(-1500)}`);
  done({ records: lines, seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, rssMb: r.rssMb, note: 'wall time of the kcat process (includes start-up and group join)' });
} else {
  throw new Error(`kcat adapter: workload ${c.workload} not supported`);
}
