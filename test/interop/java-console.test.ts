/**
 * Interop with the Java client through the real broker: kafkaesque produces one batch per codec
 * (none, gzip, snappy, lz4, zstd; encodeRecordBatch) and Kafka's own console consumer
 * (org.apache.kafka.tools.consumer.ConsoleConsumer from the broker's kafka-tools jar, i.e. the
 * Java KafkaConsumer and its lz4-java / snappy-java / zstd-jni codecs) reads them back.
 *
 * One JVM reads all five topics (`--include <regex>`; a JVM costs ~1-2 s): the formatter prints
 * timestamp, partition, offset, headers, key and value with separators that never occur in the
 * data, each record ends with a unique line separator, and the create time (a different base per
 * codec) tells which topic a record came from. Per codec, the records' output must equal, byte
 * for byte, what the records we sent predict (DefaultMessageFormatter writes keys, values and
 * header values as raw bytes).
 */
import { spawn } from 'node:child_process';
import { ensureCompressionReady } from '../../protocol/compression/index.js';
import type { RecordInput } from '../../protocol/records.js';
import type { BrokerConnection } from '../../src/network/broker-connection.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { type JavaTool, javaTool, javaToolArgs } from '../helpers/java-tool.js';
import {
  Bytes,
  CODECS,
  connect,
  createTopic,
  expectSameBytes,
  interopRecords,
  plain,
  produceBatch,
  type PlainRecord,
  type TopicRef,
} from '../helpers/interop.js';

const CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';

// formatter separators: none occurs in the records (interopRecords checks)
const SEP = '<<SEP>>';
const HEADERS_SEP = '<<HS>>';
const NULL_LITERAL = '<<NULL>>';
const EOR = '\n<<EOR>>\n';

/** Create times: codec i's records are T0 + i * WINDOW + j (one is T0 + i * WINDOW - 3). */
const T0 = 1_700_000_000_000;
const WINDOW = 100_000;

interface ConsoleRun {
  args: string[];
  code: number | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

function runConsoleConsumer(tool: JavaTool, args: string[], timeoutMs: number): Promise<ConsoleRun> {
  const jvm = javaToolArgs(tool, CONSOLE_CONSUMER, args, [
    // header keys go through PrintStream.print(String): make that UTF-8 on every JDK
    '-Dfile.encoding=UTF-8',
    '-Dsun.stdout.encoding=UTF-8',
    '-Dstdout.encoding=UTF-8',
  ]);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool.java, jvm, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ args: jvm, code, stdout: Buffer.concat(out), stderr, ms: Date.now() - started });
    });
  });
}

/** What DefaultMessageFormatter prints for one record with the properties used below. */
function consoleRecord(out: Bytes, offset: number, r: PlainRecord): void {
  out.add(`CreateTime:${r.timestamp}`, SEP, 'Partition:0', SEP, `Offset:${offset}`, SEP);
  if (r.headers.length === 0) out.add('NO_HEADERS');
  r.headers.forEach((h, i) => {
    out.add(i > 0 ? HEADERS_SEP : '', `${h.key}:`, h.value ?? NULL_LITERAL);
  });
  out.add(SEP, r.key ?? NULL_LITERAL, SEP, r.value ?? NULL_LITERAL, EOR);
}

let conn: BrokerConnection;
let run: ConsoleRun;
const produced: Array<{ name: string; topic: TopicRef; base: number; records: RecordInput[] }> = [];
/** Each record's output, by codec index, in the order the consumer printed them. */
const printed = new Map<number, Buffer[]>();

beforeAll(async () => {
  const t0 = Date.now();
  const tool = javaTool();
  await ensureCompressionReady();
  conn = await connect('kafkaesque-interop-java');
  const prefix = uniqueTopic('interop-java');
  for (const [i, c] of CODECS.entries()) {
    const topic = await createTopic(conn, `${prefix}-${c.name}`);
    const base = T0 + i * WINDOW;
    const records = interopRecords(base, 0xbeef + i, [SEP, HEADERS_SEP, NULL_LITERAL, EOR]);
    await produceBatch(conn, topic, records, c.id);
    produced.push({ name: c.name, topic, base, records });
  }
  const t1 = Date.now();
  const total = produced.reduce((n, p) => n + p.records.length, 0);
  const args = [
    '--bootstrap-server', brokerAddress().bootstrap,
    '--include', `${prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}-.*`,
    '--from-beginning',
    '--max-messages', String(total),
    '--timeout-ms', '20000',
    '--formatter-property', 'print.timestamp=true',
    '--formatter-property', 'print.partition=true',
    '--formatter-property', 'print.offset=true',
    '--formatter-property', 'print.headers=true',
    '--formatter-property', 'print.key=true',
    '--formatter-property', 'print.value=true',
    '--formatter-property', `key.separator=${SEP}`,
    '--formatter-property', `headers.separator=${HEADERS_SEP}`,
    '--formatter-property', `null.literal=${NULL_LITERAL}`,
    '--formatter-property', `line.separator=${EOR}`,
  ];
  run = await runConsoleConsumer(tool, args, 60_000);
  process.stderr.write(
    `kafkaesque interop (Java console consumer): produced 5 batches in ${t1 - t0} ms (incl. locating Java), ` +
      `ConsoleConsumer read ${total} records in ${run.ms} ms (exit ${String(run.code)})\n`,
  );
  // split the output into records, and the records by codec (the create-time window)
  const text = run.stdout;
  const eor = Buffer.from(EOR);
  let pos = 0;
  while (pos < text.length) {
    const end = text.indexOf(eor, pos);
    const chunk = text.subarray(pos, end < 0 ? text.length : end + eor.length);
    pos += chunk.length;
    const m = /^CreateTime:(\d+)/.exec(chunk.subarray(0, 40).toString('latin1'));
    const codec = m ? Math.round((Number(m[1]) - T0) / WINDOW) : -1;
    printed.set(codec, [...(printed.get(codec) ?? []), chunk]);
  }
}, 120_000);

afterAll(() => conn?.close());

test(`${CONSOLE_CONSUMER} reads every record kafkaesque produced, and exits cleanly`, () => {
  const total = produced.reduce((n, p) => n + p.records.length, 0);
  const detail = `java ${run.args.join(' ')}\nexit ${String(run.code)}; stderr:\n${run.stderr}`;
  if (run.code !== 0) throw new Error(`the console consumer failed: ${detail}`);
  expect(run.stderr).toMatch(new RegExp(`Processed a total of ${total} messages`));
  expect(printed.get(-1)).toBeUndefined(); // every chunk starts with a create time
  expect([...printed.values()].reduce((n, l) => n + l.length, 0)).toBe(total);
});

describe.each(CODECS.map((c, i) => [c.name, i] as const))('a kafkaesque batch compressed with %s', (name, i) => {
  test('is printed by the Java console consumer exactly as sent', () => {
    const p = produced[i]!;
    const expected = new Bytes();
    p.records.forEach((r, j) => consoleRecord(expected, j, plain(r, p.base)));
    expectSameBytes(Buffer.concat(printed.get(i) ?? []), expected.finish(), `ConsoleConsumer output for the ${name} batch (${p.topic.name})`);
  });
});
