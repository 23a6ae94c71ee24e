/**
 * What every `kafkaesque` command shares: its errors (and so its exit codes), option parsing,
 * the client Config from the YAML file and --brokers, tables, and the progress line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Admin, Config, type ConfigOptions, loadMuxConfigFile } from '../index.js';

/** A usage error: exit code 2. The message says what was wrong with the command line. */
export class UsageError extends Error {}

/** Kafka refused something: exit code 1 (the message says what). */
export class RefusedError extends Error {}

export interface Io {
  out: (line: string) => void;
  /** Writes to stdout as is (a consume --format says where its lines end). */
  write: (text: string) => void;
  err: (line: string) => void;
  /** Writes to stderr as is (the progress line rewrites itself with `\r`). */
  errWrite: (text: string) => void;
  stdin: NodeJS.ReadableStream;
  /** Whether stderr is a terminal (progress lines only then). */
  tty: boolean;
  env: NodeJS.ProcessEnv;
}

export const GLOBAL_OPTIONS = {
  brokers: { type: 'string', short: 'b' },
  config: { type: 'string' },
  timeout: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const GLOBAL_HELP = `Options for every command:
  -b, --brokers host:port[,host:port]   bootstrap brokers (default 127.0.0.1:9092, or the config file's addrs)
      --config FILE                     the plugin's YAML config file (addrs, tls, sasl, ...); default $KAFKA_CONFIG
      --timeout MS                      connect and request timeout (default: the client's, 10000 and 30000)
      --debug                           stack traces and the client's debug log on stderr
  -h, --help                            this help`;

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs gives for a command's options plus the global ones. */
export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof GLOBAL_OPTIONS; allowPositionals: true; strict: true }>
>;

/** One command (`produce`) or subcommand (`topics create`). */
export interface Command<O extends Options = Options> {
  /** How it is called, after `kafkaesque `: `topics create <topic> [options]`. */
  synopsis: string;
  /** What it does, one line (its group's help lists it). */
  summary: string;
  /** Its options and notes, for its --help. */
  details?: string;
  options: O;
  run(p: Parsed<O>, io: Io): Promise<number>;
}

/** Declares a command; its `run` sees its options typed. */
export function command<O extends Options>(c: Command<O>): Command {
  return c as unknown as Command;
}

/** A command with subcommands (`topics`). */
export interface CommandGroup {
  summary: string;
  subcommands: Record<string, Command>;
}

export function commandHelp(c: Command): string {
  return [`kafkaesque ${c.synopsis}`, `  ${c.summary}`, ...(c.details ? ['', c.details] : []), '', GLOBAL_HELP].join('\n');
}

export function groupHelp(name: string, g: CommandGroup): string {
  const subs = Object.entries(g.subcommands);
  const width = Math.max(...subs.map(([, c]) => c.synopsis.length));
  return [
    `kafkaesque ${name} <subcommand> [options]: ${g.summary}`,
    '',
    ...subs.map(([, c]) => `  ${c.synopsis.padEnd(width)}  ${c.summary}`),
    '',
    `kafkaesque ${name} <subcommand> --help for its options.`,
  ].join('\n');
}

export function parse<O extends Options>(args: string[], options: O): Parsed<O> {
  // a negative number is the option's value (`--shift-by -1`, `-o -10`), not an option
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const spec = a.startsWith('--') ? options[a.slice(2)] : Object.values(options).find((o) => a === `-${o.short}`);
    if (spec?.type === 'string' && /^-\d+$/.test(args[i + 1] ?? '')) {
      const long = a.startsWith('--') ? a : `--${Object.keys(options).find((k) => options[k] === spec)!}`;
      joined.push(`${long}=${args[++i]!}`);
    } else joined.push(a);
  }
  try {
    return parseArgs({ args: joined, options: { ...options, ...GLOBAL_OPTIONS }, allowPositionals: true, strict: true }) as Parsed<O>;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}

/** The client Config: the YAML file's (--config or $KAFKA_CONFIG) with --brokers and --timeout over it. */
export function configFrom(values: { brokers?: string; config?: string; timeout?: string; debug?: boolean }, io: Io, extra: ConfigOptions = {}): Config {
  const file = values.config ?? (io.env.KAFKA_CONFIG || undefined);
  const base = file !== undefined ? loadMuxConfigFile(file).config : new Config();
  const timeout = intOption('timeout', values.timeout, 1);
  return new Config(base).set({
    ...(values.brokers !== undefined ? { brokers: values.brokers } : {}),
    ...(timeout !== undefined ? { connectTimeoutMs: timeout, requestTimeoutMs: timeout } : {}),
    ...(values.debug ? { debug: true } : {}),
    ...extra,
  });
}

export function intOption(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) throw new UsageError(`--${name}: an integer from ${min} up, got '${v}'`);
  return Number(v);
}

/** A time given as milliseconds since the epoch or as an ISO 8601 date (`2026-12-04T10:00:00Z`). */
export function timeOption(name: string, v: string): number {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new UsageError(`${name}: milliseconds since the epoch or a date such as 2026-12-04T10:00:00Z, got '${v}'`);
  return ms;
}

/** `key=value` → [key, value]; the value may contain `=`. */
export function keyValue(what: string, kv: string): [string, string] {
  const i = kv.indexOf('=');
  if (i <= 0) throw new UsageError(`${what}: key=value, got '${kv}'`);
  return [kv.slice(0, i), kv.slice(i + 1)];
}

export function needOne(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`${what}: name exactly one (${usage})`);
  return positionals[0]!;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/**
 * Prints each per-item result: a failed item's error on stderr, a good one through `ok`.
 * Returns the exit code: 1 when any item failed.
 */
export function reportItems<R extends { error: Error | null }>(results: readonly R[], name: (r: R) => string, ok: (r: R) => void, io: Io): number {
  let code = 0;
  for (const r of results) {
    if (r.error) {
      io.err(`${name(r)}: ${r.error.message}`);
      code = 1;
    } else ok(r);
  }
  return code;
}

export async function withAdmin<T>(config: Config, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = await Admin.create(config);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/**
 * The progress line of a produce or consume run: records so far, records/s and MB/s (keys and
 * values), rewritten in place every 500 ms on stderr, and erased at the end. Only when stderr
 * is a terminal: piped or redirected, a run prints none.
 */
export class Progress {
  records = 0;
  private bytes = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly io: Io,
    private readonly what: string,
  ) {
    if (io.tty) {
      this.timer = setInterval(() => this.show(), 500);
      this.timer.unref();
    }
  }

  add(bytes: number): void {
    this.records++;
    this.bytes += bytes;
  }

  private show(): void {
    const s = Math.max(0.001, (Date.now() - this.started) / 1000);
    // \x1b[K erases what a longer previous line left to the right
    this.io.errWrite(`\r${this.what}: ${this.records} records, ${Math.round(this.records / s)} records/s, ${(this.bytes / 1e6 / s).toFixed(2)} MB/s\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.shown) this.io.errWrite('\r\x1b[K');
  }
}
