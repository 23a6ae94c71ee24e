/** `kafkaesque produce` and `consume`: what kcat's -P and -C do (and Kafka's console producer and consumer). */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { type Admin, AsyncProducer, type ConfigOptions, Consumer, type ConsumerMessage, type OffsetSpec, type PartitionConsumer, type ProducerError } from '../index.js';
import { type Command, command, configFrom, intOption, keyValue, needOne, Progress, RefusedError, timeOption, UsageError, withAdmin } from './common.js';

export const produce: Command = command({
  synopsis: 'produce <topic> [options]',
  summary: 'sends one record per line of stdin (or --file)',
  details: `  -K, --key-separator SEP   split each line into key SEP value (no separator in a line: no key)
  -p, --partition N         send every record to partition N (default: the partitioner's choice by key)
  -H, --header k=v          a header on every record (repeat for more)
  -z, --compression C       none, gzip, snappy, lz4 or zstd
      --acks A              0, 1 or all (default all)
      --file F              read lines from F instead of stdin
  On a terminal, a progress line on stderr; at the end, the count on stderr.`,
  options: {
    'key-separator': { type: 'string', short: 'K' },
    partition: { type: 'string', short: 'p' },
    header: { type: 'string', short: 'H', multiple: true },
    compression: { type: 'string', short: 'z' },
    acks: { type: 'string' },
    file: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const topic = needOne(positionals, 'produce', 'kafkaesque produce <topic>');
    const partition = intOption('partition', values.partition, 0);
    const headers = (values.header ?? []).map((h) => {
      const [key, value] = keyValue('--header', h);
      return { key, value };
    });
    const extra: ConfigOptions = {};
    if (values.compression !== undefined) extra.compression = values.compression as ConfigOptions['compression'];
    if (values.acks !== undefined) extra.acks = (/^-?\d$/.test(values.acks) ? Number(values.acks) : values.acks) as ConfigOptions['acks'];
    const config = configFrom(values, io, extra);
    if (values.file !== undefined && !fs.existsSync(values.file)) throw new UsageError(`--file: no such file '${values.file}'`);
    const input = values.file !== undefined ? fs.createReadStream(values.file) : io.stdin;
    const producer = await AsyncProducer.create(config);
    let failed = 0;
    let firstError: ProducerError | undefined;
    const meter = new Progress(io, `produce ${topic}`);
    const sep = values['key-separator'];
    try {
      for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
        let key: string | null = null;
        let value = line;
        if (sep !== undefined && sep !== '') {
          const i = line.indexOf(sep);
          if (i >= 0) {
            key = line.slice(0, i);
            value = line.slice(i + sep.length);
          }
        }
        const wait = producer.send(
          { topic, key, value, headers, ...(partition !== undefined && { partition }) },
          {
            onError: (e) => {
              failed++;
              firstError ??= e;
            },
          },
        );
        if (wait) await wait; // the send buffer is full: wait for room (backpressure)
        meter.add(Buffer.byteLength(value) + (key === null ? 0 : Buffer.byteLength(key)));
      }
      await producer.flush();
    } finally {
      meter.done();
      await producer.close();
    }
    if (failed > 0) throw new RefusedError(`${failed} of ${meter.records} records were not delivered; first: ${firstError!.message}`);
    io.err(`produced ${meter.records} records to ${topic}`);
    return 0;
  },
});

/** kcat's -f: %t %p %o %k %s %S %T %h, and \n \t. */
function formatter(fmt: string): (m: ConsumerMessage) => string {
  return (m) =>
    fmt.replace(/\\n|\\t|%[tposkThS%]/g, (tok) => {
      switch (tok) {
        case '\\n':
          return '\n';
        case '\\t':
          return '\t';
        case '%t':
          return m.topic;
        case '%p':
          return String(m.partition);
        case '%o':
          return String(m.offset);
        case '%k':
          return m.key?.toString() ?? '';
        case '%s':
          return m.value?.toString() ?? '';
        case '%S':
          return String(m.value?.length ?? -1);
        case '%T':
          return String(m.timestamp);
        case '%h':
          return m.headers.map((h) => `${h.key}=${h.value?.toString() ?? ''}`).join(',');
        default:
          return '%';
      }
    });
}

/** Where a partition starts (kcat's -o): the log start or end, an offset, N before the end, or a time. */
type Start = 'earliest' | 'latest' | { offset: bigint } | { fromEnd: bigint } | { timestamp: number };
/** Where it stops (exclusive): an offset, the first offset at or after a time, or the end as of the start. */
type End = { offset: bigint } | { timestamp: number } | 'latest';

/** Reads `-o` (repeatable: one start, one `e@` end) and `--to`, as kcat's -o. */
function positions(offsets: string[], to: string | undefined, exit: boolean): { start: Start; ends: End[] } {
  let start: Start | undefined;
  const ends: End[] = exit ? ['latest'] : [];
  const bad = (v: string): UsageError =>
    new UsageError(`-o: beginning|earliest, end|latest, an offset N, -N (N before the end), s@T (the first record at or after time T) or e@T (stop before time T), got '${v}'`);
  for (const o of offsets) {
    let s: Start;
    if (o === 'beginning' || o === 'earliest') s = 'earliest';
    else if (o === 'end' || o === 'latest') s = 'latest';
    else if (/^\d+$/.test(o)) s = { offset: BigInt(o) };
    else if (/^-\d+$/.test(o)) s = { fromEnd: -BigInt(o) };
    else if (o.startsWith('s@')) s = { timestamp: timeOption('-o s@T', o.slice(2)) };
    else if (o.startsWith('e@')) {
      ends.push({ timestamp: timeOption('-o e@T', o.slice(2)) });
      continue;
    } else throw bad(o);
    if (start !== undefined) throw new UsageError(`-o: one start position, got '${offsets.join("' and '")}'`);
    start = s;
  }
  if (to !== undefined) {
    if (/^\d+$/.test(to)) ends.push({ offset: BigInt(to) });
    else if (to.startsWith('e@')) ends.push({ timestamp: timeOption('--to e@T', to.slice(2)) });
    else throw new UsageError(`--to: an offset N (stop before it) or e@T (stop before the first record at or after time T), got '${to}'`);
  }
  return { start: start ?? 'earliest', ends };
}

/** Each partition's start and end (exclusive, or none) offsets, asked of the brokers once at the start. */
async function resolve(admin: Admin, topic: string, partitions: number[], start: Start, ends: End[]): Promise<{ from: bigint; to: bigint | undefined }[]> {
  const ask = async (spec: OffsetSpec): Promise<bigint[]> => {
    const r = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, spec })));
    for (const x of r) if (x.error) throw new RefusedError(`${topic}-${x.partition}: ${x.error.message}`);
    return r.map((x) => x.offset);
  };
  const lo = await ask('earliest');
  const hi = await ask('latest');
  // no record at or after the time: the log end
  const atTime = async (timestamp: number): Promise<bigint[]> => (await ask({ timestamp })).map((o, i) => (o >= 0n ? o : hi[i]!));
  let from: bigint[];
  if (start === 'earliest') from = lo;
  else if (start === 'latest') from = hi;
  else if ('offset' in start) {
    // Kafka answers a fetch outside the log with OFFSET_OUT_OF_RANGE; say so before, with the range
    const outside = partitions.findIndex((_, i) => start.offset < lo[i]! || start.offset > hi[i]!);
    if (outside >= 0) {
      throw new RefusedError(`${topic}-${partitions[outside]}: offset ${start.offset} is outside the log (${lo[outside]} to ${hi[outside]}); give one in it, or beginning, end, -N or s@T`);
    }
    from = partitions.map(() => start.offset);
  }
  else if ('fromEnd' in start) from = hi.map((h, i) => (h - start.fromEnd > lo[i]! ? h - start.fromEnd : lo[i]!));
  else from = await atTime(start.timestamp);
  const bounds: bigint[][] = [];
  for (const e of ends) bounds.push(e === 'latest' ? hi : 'offset' in e ? partitions.map(() => e.offset) : await atTime(e.timestamp));
  return partitions.map((_, i) => ({
    from: from[i]!,
    to: bounds.length === 0 ? undefined : bounds.map((b) => b[i]!).reduce((a, b) => (b < a ? b : a)),
  }));
}

export const consume: Command = command({
  synopsis: 'consume <topic> [options]',
  summary: 'prints records: as a group member, or from partitions between offsets or times',
  details: `  -g, --group G             consume as a member of group G (offsets committed; it starts where G left off)
  -p, --partition N         without a group: partition N only (default: every partition)
  -o, --offset O            without a group, where to start (default beginning), as kcat's -o:
                              beginning|earliest, end|latest, an offset N, -N (N records before the end),
                              s@T (the first record with a timestamp at or after T);
                            and e@T: stop before the first record at or after T (may be given with a start)
                            T: ms since the epoch or an ISO date such as 2026-12-04T10:00:00Z
      --to N | e@T          without a group: stop before offset N, or as e@T
  -e, --exit                without a group: stop at the end of the partitions as they were at the start
  -c, --count N             stop after N records
  -f, --format FMT          kcat's -f (default '%s\\n'): %t topic, %p partition, %o offset, %k key,
                            %s value, %S value size, %T timestamp (ms), %h headers (k=v,...), \\n \\t
      --json                one JSON object per record
  On a terminal, a progress line on stderr.`,
  options: {
    group: { type: 'string', short: 'g' },
    partition: { type: 'string', short: 'p' },
    offset: { type: 'string', short: 'o', multiple: true },
    to: { type: 'string' },
    count: { type: 'string', short: 'c' },
    exit: { type: 'boolean', short: 'e' },
    format: { type: 'string', short: 'f' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    const topic = needOne(positionals, 'consume', 'kafkaesque consume <topic>');
    const count = intOption('count', values.count, 1);
    const partition = intOption('partition', values.partition, 0);
    if (values.group !== undefined && (values.partition !== undefined || values.offset !== undefined || values.to !== undefined || values.exit)) {
      throw new UsageError('consume: --partition, --offset, --to and --exit are for consuming without a group (a group starts where it left off)');
    }
    if (values.json && values.format !== undefined) throw new UsageError('consume: --format or --json, not both');
    const { start, ends } = positions(values.offset ?? [], values.to, values.exit ?? false);
    const print = values.json
      ? (m: ConsumerMessage) =>
          `${JSON.stringify({
            topic: m.topic,
            partition: m.partition,
            offset: String(m.offset),
            timestamp: m.timestamp,
            key: m.key?.toString() ?? null,
            value: m.value?.toString() ?? null,
            headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value?.toString() ?? null])),
          })}\n`
      : formatter(values.format ?? '%s\\n');
    const meter = new Progress(io, `consume ${topic}`);
    const take = (m: ConsumerMessage): void => {
      io.write(print(m));
      meter.add((m.key?.length ?? 0) + (m.value?.length ?? 0));
    };
    const config = configFrom(values, io, values.group !== undefined ? { group: values.group, topics: [topic], initialOffset: 'oldest' } : {});
    const consumer = await Consumer.create(config);
    // Ctrl-C, or a supervisor's SIGTERM, is how a run without an end stops: close() ends the
    // iterations below and commits the group's offsets, and the progress line is erased
    let interrupted = false;
    const interrupt = (): void => {
      interrupted = true;
      void consumer.close();
    };
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    try {
      if (values.group !== undefined) {
        for await (const m of consumer.messages()) {
          take(m);
          consumer.markOffset(m);
          if (count !== undefined && meter.records >= count) break;
        }
        if (!interrupted) await consumer.commitOffsets();
        return 0;
      }
      const bounds = await withAdmin(config, async (admin) => {
        const [t] = await admin.describeTopics([topic]);
        if (t!.error) throw new RefusedError(`${topic}: ${t!.error.message}`);
        if (partition !== undefined && partition >= t!.partitions.length) {
          throw new RefusedError(`topic ${topic} has ${t!.partitions.length} partition(s); partition ${partition} does not exist`);
        }
        const ps = partition !== undefined ? [partition] : t!.partitions.map((p) => p.partition);
        return (await resolve(admin, topic, ps, start, ends)).map((b, i) => ({ ...b, partition: ps[i]! }));
      });
      const live = bounds.filter((b) => b.to === undefined || b.from < b.to);
      const streams: PartitionConsumer[] = await Promise.all(live.map((b) => consumer.consumePartition(topic, b.partition, b.from)));
      const stopAll = (): void => streams.forEach((s) => s.close());
      // one partition after another would starve the others: read them side by side
      await Promise.all(
        streams.map(async (s, i) => {
          const to = live[i]!.to;
          for await (const m of s) {
            if (to !== undefined && m.offset >= to) break;
            take(m);
            if (count !== undefined && meter.records >= count) stopAll();
            if (to !== undefined && m.offset + 1n >= to) break;
          }
          s.close();
        }),
      );
      return 0;
    } finally {
      process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
      meter.done();
      await consumer.close();
    }
  },
});
