#!/usr/bin/env node
/**
 * `kafkaesque`, the command line (issue 16). Built on the public API only (`../index.js`):
 * Admin, producers, Consumer and the YAML config file. One file per command group.
 *
 * Exit codes: 0 ok, 1 Kafka refused something (a per-item error, a failed send), 2 a usage
 * error. Errors are one line on stderr; `--debug` adds the stack and the client's debug log.
 */
import { ConfigError, MuxConfigError } from '../index.js';
import { acls } from './acls.js';
import { type Command, type CommandGroup, commandHelp, GLOBAL_HELP, GLOBAL_OPTIONS, groupHelp, type Io, parse, UsageError } from './common.js';
import { groups } from './groups.js';
import { consume, produce } from './records.js';
import { cluster, configs, topics } from './topics.js';
import { transactions } from './transactions.js';

export const COMMANDS: Record<string, Command | CommandGroup> = { topics, configs, groups, acls, transactions, cluster, produce, consume };

function overview(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    'subcommands' in c ? [`${name} ${Object.keys(c.subcommands).join('|')}`, c.summary] : [c.synopsis, c.summary],
  );
  const width = Math.max(...lines.map(([s]) => s!.length));
  return [
    'kafkaesque <command> [options]',
    '',
    'Commands:',
    ...lines.map(([s, what]) => `  ${s!.padEnd(width)}  ${what}`),
    '',
    GLOBAL_HELP,
    '',
    'kafkaesque <command> --help for its options. Exit codes: 0 ok, 1 Kafka refused something, 2 usage error.',
  ].join('\n');
}

/** --help or -h among the arguments (before a `--`, after which everything is an operand). */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

async function runCommand(c: Command, args: string[], io: Io): Promise<number> {
  if (asksHelp(args)) {
    io.out(commandHelp(c));
    return 0;
  }
  return c.run(parse(args, c.options), io);
}

/**
 * The options for every command that come before the command's (or subcommand's) name, split
 * off so that they may go anywhere: `kafkaesque -b host:9092 topics list`.
 */
function leadingGlobals(args: string[]): [globals: string[], rest: string[]] {
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : Object.entries(GLOBAL_OPTIONS).find(([, o]) => 'short' in o && a === `-${o.short}`)?.[0];
    if (name === undefined || name === 'help' || !(name in GLOBAL_OPTIONS)) break;
    i += GLOBAL_OPTIONS[name as keyof typeof GLOBAL_OPTIONS].type === 'string' && !a.includes('=') ? 2 : 1;
  }
  return [args.slice(0, i), args.slice(i)];
}

/** Runs one command line; returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [globals, [name, ...afterName]] = leadingGlobals(argv);
  const debug = argv.includes('--debug');
  try {
    if (name === '--help' || name === '-h' || name === 'help') {
      io.out(overview());
      return 0;
    }
    const names = Object.keys(COMMANDS).join(', ');
    if (name === undefined) throw new UsageError(`name a command: ${names} (kafkaesque --help)`);
    const c = COMMANDS[name];
    if (c === undefined) throw new UsageError(`unknown command '${name}' (${names}; kafkaesque --help)`);
    if (!('subcommands' in c)) return await runCommand(c, [...afterName, ...globals], io);
    const [moreGlobals, [subName, ...afterSub]] = leadingGlobals(afterName);
    const args = [...afterSub, ...globals, ...moreGlobals];
    const subs = Object.keys(c.subcommands).join(', ');
    if (subName === '--help' || subName === '-h') {
      io.out(groupHelp(name, c));
      return 0;
    }
    if (subName === undefined) throw new UsageError(`${name}: name a subcommand: ${subs} (kafkaesque ${name} --help)`);
    const sub = c.subcommands[subName];
    if (sub === undefined) throw new UsageError(`${name}: unknown subcommand '${subName}' (${subs}; kafkaesque ${name} --help)`);
    return await runCommand(sub, args, io);
  } catch (err) {
    const e = err as Error;
    // one line, whatever a broker's error message holds
    io.err(`kafkaesque: ${debug && e.stack ? e.stack : e.message.replace(/\s*\n\s*/g, ' ')}`);
    // a Config option or config file the user gave is wrong: a usage error too
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof MuxConfigError) return 2;
    return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(`${line}\n`),
    errWrite: (text) => process.stderr.write(text),
    stdin: process.stdin,
    tty: process.stderr.isTTY === true,
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`kafkaesque: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
