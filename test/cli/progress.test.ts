/**
 * The progress line of produce and consume: on a terminal (a pseudo-terminal made by util-linux
 * `script`), records, records/s and MB/s on stderr, rewritten with `\r` every 500 ms and erased
 * at the end; piped, none. Each run lasts over a second: its input, or its records, come late.
 */
import { execFile } from 'node:child_process';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { CLI_BIN, kafkaesque } from '../helpers/cli.js';

jest.setTimeout(60_000);
const { bootstrap } = brokerAddress();

/** Runs a shell command line in `sh`, or under a pseudo-terminal: what it wrote (stdout and stderr merged on the terminal). */
function shell(line: string, pty: boolean): Promise<{ code: number; out: string; err: string }> {
  const [file, args] = pty ? ['/usr/bin/script', ['-qfec', line, '/dev/null']] : ['/bin/sh', ['-c', line]];
  return new Promise((resolve) => {
    const child = execFile(file, args, { env: { ...process.env, KAFKA_CONFIG: '' }, timeout: 30_000 }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
    child.stdin?.end();
  });
}

const cli = (args: string): string => `'${process.execPath}' '${CLI_BIN}' ${args} --brokers ${bootstrap}`;

test('piped: no progress line; on a terminal: records, rates, refreshed with \\r, erased at the end', async () => {
  const topic = uniqueTopic('cli-progress');
  expect((await kafkaesque(['topics', 'create', topic, '-p', '1', '--brokers', bootstrap])).code).toBe(0);

  // the second line comes 1.2 s after the first: time for two progress lines, had stderr been a terminal
  const piped = await shell(`(echo zero; sleep 1.2; echo one) | ${cli(`produce ${topic}`)}`, false);
  expect([piped.code, piped.err]).toEqual([0, `produced 2 records to ${topic}\n`]);

  // consume waits 1.5 s for offset 3 while produce waits for its last line: both show progress
  const tty = await shell(`${cli(`consume ${topic} -o 2 -c 2`)} & (echo two; sleep 1.5; echo three) | ${cli(`produce ${topic}`)}; wait`, true);
  expect(tty.code).toBe(0);
  const out = tty.out;
  const line = (what: string, n: number): RegExp => new RegExp(`\\r${what} ${topic}: ${n} records, \\d+ records/s, \\d+\\.\\d\\d MB/s\\x1b\\[K`);
  expect(out).toMatch(line('produce', 1));
  expect(out).toMatch(line('consume', 1));
  // what consume printed, and produce's summary after its progress line was erased: the two
  // processes share the terminal, so whole lines consume printed (a record, or its own progress
  // line, which ends by erasing the rest of the line) may come between the erase and the summary
  expect(out).toMatch(/two\r\n[^]*three\r\n/);
  expect(out).toMatch(new RegExp(`\\x1b\\[K(?:[^\\x1b\\r\\n]*\\r\\n)*produced 2 records to ${topic}\\r\\n`));
  expect(out).toContain('\r\x1b[K');
  // every progress line is rewritten in place: none ends a line
  expect(out).not.toMatch(/records\/s[^\r]*\n/);
});
