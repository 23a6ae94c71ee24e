/**
 * The command line's help and usage errors, which it answers before it connects to anything:
 * every command and subcommand answers --help and -h with its usage (exit 0), naming each of its
 * options; a wrong command line is one line on stderr and exit 2. Run in-process through the
 * bin's own `run` (one node start per case would cost half a second each); test/cli/cli.test.ts
 * drives the built bin as a subprocess.
 */
import { Readable } from 'node:stream';
import { type Command, type CommandGroup } from '../../src/cli/common.js';
import { COMMANDS, run } from '../../src/cli/main.js';

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function kafkaesque(args: string[]): Promise<Outcome> {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (line) => (out += `${line}\n`),
    write: (text) => (out += text),
    err: (line) => (err += `${line}\n`),
    errWrite: (text) => (err += text),
    stdin: Readable.from([]),
    tty: false,
    env: {},
  });
  return { code, out, err };
}

const isGroup = (c: Command | CommandGroup): c is CommandGroup => 'subcommands' in c;

/** Every command and subcommand: [its words, its definition]. */
const ALL: [string[], Command][] = Object.entries(COMMANDS).flatMap(([name, c]) =>
  isGroup(c) ? Object.entries(c.subcommands).map(([sub, s]): [string[], Command] => [[name, sub], s]) : [[[name], c]],
);

test('the overview lists every command; each group lists its subcommands', async () => {
  const o = await kafkaesque(['--help']);
  expect([o.code, o.err]).toEqual([0, '']);
  for (const [name, c] of Object.entries(COMMANDS)) {
    expect(o.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    if (!isGroup(c)) continue;
    for (const flag of ['--help', '-h']) {
      const g = await kafkaesque([name, flag]);
      expect([g.code, g.err]).toEqual([0, '']);
      expect(g.out).toMatch(new RegExp(`^kafkaesque ${name} <subcommand>`));
      for (const sub of Object.keys(c.subcommands)) expect(g.out).toMatch(new RegExp(`^  ${name} ${sub}\\b`, 'm'));
    }
  }
});

test.each(ALL.map(([words, c]) => [words.join(' '), words, c] as const))('%s --help and -h: its usage and every option, exit 0', async (_name, words, c) => {
  for (const flag of ['--help', '-h']) {
    // help wins over anything else on the line, even what would be a usage error
    const h = await kafkaesque([...words, flag, '--no-such-option']);
    expect([h.code, h.err]).toEqual([0, '']);
    expect(h.out.split('\n')[0]).toBe(`kafkaesque ${c.synopsis}`);
    expect(c.synopsis.startsWith(words.join(' '))).toBe(true);
    for (const option of [...Object.keys(c.options), 'brokers', 'config', 'timeout', 'debug']) expect(h.out).toContain(`--${option}`);
  }
});

// a broker that refuses connections: a case that got as far as connecting would exit 1, not 2
const b = ['--brokers', '127.0.0.1:1'];

test.each([
  [[], /name a command/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['topics'], /topics: name a subcommand: list, describe/],
  [['topics', 'nope'], /unknown subcommand 'nope'/],
  [['topics', 'list', '--nope'], /Unknown option '--nope'/],
  [['topics', 'create'], /topics create: name exactly one/],
  [['topics', 'create', 't', '-p', 'x'], /--partitions: an integer from 1 up, got 'x'/],
  [['topics', 'alter-config', 't'], /give key=value pairs to set or --delete key/],
  [['topics', 'alter-config', 't', '--set', 'novalue'], /key=value, got 'novalue'/],
  [['configs', 'get'], /give --topic T or --broker N/],
  [['groups', 'reset-offsets', 'g', '-t', 't'], /exactly one of --to-earliest/],
  [['groups', 'reset-offsets', 'g', '--to-earliest'], /-t topic .* or give --all-topics/],
  [['groups', 'reset-offsets', 'g', '-t', 't', '--to-earliest', '--execute', '--dry-run'], /--dry-run or --execute, not both/],
  [['groups', 'reset-offsets', 'g', '-t', 't', '--to-datetime', 'soon'], /--to-datetime: milliseconds since the epoch or a date/],
  [['groups', 'reset-offsets', 'g', '-t', 't:x', '--to-earliest'], /an integer from 0 up, got 'x'/],
  [['acls', 'add', '--topic', 't', '--operation', 'read'], /name a principal with --allow-principal/],
  [['acls', 'add', '--topic', 't', '--allow-principal', 'bob', '--operation', 'read'], /a principal such as User:alice, got 'bob'/],
  [['acls', 'add', '--group', 'g', '--allow-principal', 'User:bob', '--operation', 'write'], /a group has no operation write \(it has read, describe, delete, describe-configs, alter-configs, all\)/],
  [['acls', 'add', '--topic', 't', '--allow-principal', 'User:bob', '--operation', 'frob'], /--operation: one of all, read/],
  [['acls', 'add', '--topic', 't', '--allow-principal', 'User:bob', '--operation', 'read', '--resource-pattern-type', 'match'], /literal, prefixed; got 'match'/],
  [['acls', 'add', '--allow-principal', 'User:bob', '--operation', 'read'], /acls add: name a resource/],
  [['acls', 'remove', '--topic', 't'], /every ACL of the resource.*--force/],
  [['acls', 'list', '--resource-pattern-type', 'weird'], /--resource-pattern-type: one of literal, prefixed, any, match/],
  [['consume', 't', '-o', 'sometime'], /-o: beginning\|earliest, end\|latest/],
  [['consume', 't', '-o', '1', '-o', '2'], /one start position/],
  [['consume', 't', '-o', 's@yesterday'], /-o s@T: milliseconds since the epoch or a date/],
  [['consume', 't', '-g', 'g', '-o', '1'], /are for consuming without a group/],
  [['consume', 't', '--to', 'x'], /--to: an offset N .* or e@T/],
  [['consume', 't', '--json', '-f', '%s'], /--format or --json, not both/],
  [['produce', 't', '-H', 'nokv'], /--header: key=value, got 'nokv'/],
  [['produce', 't', '-z', 'brotli'], /compression/],
  [['produce', 't', '--file', '/no/such/file'], /--file: no such file/],
  [['topics', 'list', '--config', '/no/such/file.yaml'], /no\/such\/file\.yaml/],
  [['topics', 'list', '--timeout', '0'], /--timeout: an integer from 1 up/],
] as const)('usage error: %j exits 2 with one line', async (args, message) => {
  const r = await kafkaesque([...args, ...b]);
  expect([r.code, r.out]).toEqual([2, '']);
  expect(r.err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^kafkaesque: /)]);
  expect(r.err).toMatch(message);
});

test('a negative number is the value of the option before it', async () => {
  // parsed, then refused for being below the minimum: proof that -5 reached --partitions
  const r = await kafkaesque(['topics', 'create', 't', '-p', '-5', ...b]);
  expect([r.code, r.err]).toEqual([2, expect.stringContaining("--partitions: an integer from 1 up, got '-5'")]);
});

test('the options for every command may come before the command and the subcommand', async () => {
  const early = await kafkaesque(['--brokers', '127.0.0.1:1', 'topics', '--timeout=500', 'create']);
  expect([early.code, early.err]).toEqual([2, expect.stringContaining('topics create: name exactly one')]);
  // it went as far as connecting, to the address given before the command
  const refused = await kafkaesque(['-b', '127.0.0.1:1', 'topics', 'list']);
  expect([refused.code, refused.err.trimEnd()]).toEqual([1, expect.stringMatching(/^kafkaesque: cannot connect to broker 127\.0\.0\.1:1\b[^\n]*$/)]);
});
