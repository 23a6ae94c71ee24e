/**
 * conn.transaction(...) against the real broker: a Multiplexer connection copies an input topic
 * to an output topic with one transaction per message (output record and input offset together).
 * Some transactions fail on their first try, after their output was written: read_committed
 * readers never see those records, the messages come again, and the output holds every input
 * record exactly once; the offsets the transactions committed are where a restarted
 * Multiplexer goes on. A second Multiplexer with the same transactionalId fences the first.
 */
import { clientScope } from '../helpers/topics.js';
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { Consumer, type ConsumerMessage } from '../../src/client/consumer.js';
import { SyncProducer } from '../../src/client/producers.js';
import { HandlerError } from '../../src/mux/errors.js';
import { Multiplexer } from '../../src/mux/multiplexer.js';
import { TransactionFatalError } from '../../src/producer/errors.js';
import { brokerAddress, uniqueTopic } from '../helpers/broker.js';
import { eventually, until } from '../helpers/wait.js';

jest.setTimeout(120_000);
const { bootstrap } = brokerAddress();
const scope = clientScope([bootstrap], 'mux-txn');

function config(extra: ConfigOptions = {}): Config {
  return new Config({ brokers: [bootstrap], heartbeatIntervalMs: 300, sessionTimeoutMs: 6000, autoCommitIntervalMs: 200, lingerMs: 1, isolationLevel: 'read_committed', ...extra });
}

const topic = scope.topic;

async function produce(name: string, values: string[]): Promise<void> {
  const p = await SyncProducer.create(config());
  try {
    await Promise.all(values.map((v, i) => p.sendMsgToPartition(name, i % 2, `k${i}`, v)));
  } finally {
    await p.close();
  }
}

const SEAL = '<seal>';

/** Every value of `name`'s partitions as `isolation` reads them, up to a seal record written last (non-transactionally). */
async function readAll(name: string, partitions: number, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
  const sealer = await SyncProducer.create(config());
  try {
    for (let p = 0; p < partitions; p++) await sealer.sendMsgToPartition(name, p, null, SEAL);
  } finally {
    await sealer.close();
  }
  const consumer = await Consumer.create(config({ isolationLevel: isolation }));
  try {
    const out: string[] = [];
    await Promise.all(
      Array.from({ length: partitions }, async (_, p) => {
        const pc = await consumer.consumePartition(name, p, 'oldest');
        for await (const m of pc.messages()) {
          const v = m.value!.toString();
          if (v === SEAL) break;
          out.push(v);
        }
        pc.close();
      }),
    );
    return out.sort();
  } finally {
    await consumer.close();
  }
}

async function committed(group: string, name: string): Promise<bigint> {
  const offsets = await scope.admin().listGroupOffsets(group);
  return offsets.filter((o) => o.topic === name && o.offset > 0n).reduce((sum, o) => sum + o.offset, 0n);
}

/** A Multiplexer whose connection 'etl' copies `input` to `output`, one transaction per message; `failFirst(value)` fails the first try after the send. */
async function pipeline(group: string, transactionalId: string, input: string, output: string, failFirst: (value: string) => boolean = () => false) {
  const mux = await Multiplexer.fromConfig(config({ transactionalId }), group);
  scope.track(mux);
  const errors: Error[] = [];
  mux.on('error', (err) => errors.push(err));
  const tries = new Map<string, number>();
  const etl = mux.newBytesConnection('etl');
  etl.consumeTopic(async (m: ConsumerMessage) => {
    const value = m.value!.toString();
    const n = (tries.get(value) ?? 0) + 1;
    tries.set(value, n);
    await etl.transaction(async (tx) => {
      await tx.sendSyncStringToPartition(output, m.partition, m.key?.toString() ?? null, `out:${value}`);
      if (n === 1 && failFirst(value)) throw new Error(`first try of ${value} fails`);
      tx.markOffset(m);
    });
  }, input);
  await mux.start();
  return { mux, errors, tries };
}

test('one transaction per message: output exactly once across aborted tries and a restart, offsets committed with it', async () => {
  const [input, output] = [await topic(2), await topic(2)];
  const group = uniqueTopic('mux-txn-group');
  const transactionalId = uniqueTopic('mux-txn-id');
  const first = Array.from({ length: 60 }, (_, i) => `a${i}`);
  await produce(input, first);

  const run1 = await pipeline(group, transactionalId, input, output, (v) => Number(v.slice(1)) % 10 === 3);
  await eventually(async () => (await committed(group, input)) === 60n, 60_000, 'the first 60 committed');
  await run1.mux.close();
  // each failing message ran twice, the others once
  const failing = first.filter((v) => Number(v.slice(1)) % 10 === 3);
  expect(failing).toHaveLength(6);
  expect([...run1.tries].filter(([, n]) => n !== 1).map(([v, n]) => [v, n]).sort()).toEqual(failing.map((v) => [v, 2]).sort());
  expect(run1.errors.every((e) => e instanceof HandlerError && /first try of a\d*3 fails/.test(e.message))).toBe(true);
  expect(run1.errors).toHaveLength(6);

  // a restart goes on from the offsets the transactions committed: only the new records
  const second = Array.from({ length: 20 }, (_, i) => `b${i}`);
  await produce(input, second);
  const run2 = await pipeline(group, transactionalId, input, output);
  await eventually(async () => (await committed(group, input)) === 80n, 60_000, 'all 80 committed');
  await run2.mux.close();
  expect([...run2.tries.keys()].sort()).toEqual([...second].sort());

  const expected = [...first, ...second].map((v) => `out:${v}`).sort();
  expect(await readAll(output, 2, 'read_committed')).toEqual(expected);
  // the aborted tries were written, and aborted: a read_uncommitted reader sees them too
  const uncommitted = await readAll(output, 2, 'read_uncommitted');
  expect(uncommitted).toHaveLength(expected.length + failing.length);
});

test('a second Multiplexer with the same transactionalId fences the first: its transactions fail fatally and commit nothing', async () => {
  const [input, output] = [await topic(2), await topic(2)];
  const group = uniqueTopic('mux-txn-fence');
  const transactionalId = uniqueTopic('mux-txn-fence-id');
  await produce(input, ['x0', 'x1']);
  const zombie = await pipeline(group, transactionalId, input, output);
  await eventually(async () => (await committed(group, input)) === 2n, 60_000, 'the first two committed');

  // the new instance takes the transactional id over (initTransactions bumps the epoch)
  const successor = await SyncProducer.create(config({ transactionalId }));
  scope.track(successor);
  await successor.initTransactions();

  await produce(input, ['x2', 'x3']);
  await until(() => zombie.errors.some((e) => e instanceof TransactionFatalError), 60_000, 'the zombie is fenced');
  const fatal = zombie.errors.find((e) => e instanceof TransactionFatalError)!;
  expect((fatal as TransactionFatalError).code).toBe('ERR_TXN_FATAL');
  // every later transaction fails with the same error, nothing more is committed
  await produce(input, ['x4']);
  await until(() => zombie.errors.filter((e) => e instanceof HandlerError).length >= 2, 30_000, 'later transactions fail too');
  // the transaction that met the fence failed on its send (INVALID_PRODUCER_EPOCH) and then on its
  // abort (PRODUCER_FENCED); the ones after it fail with the fatal error at once
  const failed = zombie.errors.filter((e): e is HandlerError => e instanceof HandlerError);
  expect(failed.every((e) => /PRODUCER_FENCED/.test(e.message))).toBe(true);
  expect(failed.at(-1)!.cause).toBe(fatal);
  expect(await committed(group, input)).toBe(2n);
  await zombie.mux.close();
  expect(await readAll(output, 2, 'read_committed')).toEqual(['out:x0', 'out:x1']);
});

test('without Config.transactionalId, conn.transaction is a typed error naming the option', async () => {
  const mux = await Multiplexer.fromConfig(config(), uniqueTopic('mux-txn-none'));
  scope.track(mux);
  const conn = mux.newBytesConnection('c');
  await expect(conn.transaction(async () => 1)).rejects.toThrow(expect.objectContaining({ code: 'ERR_MUX_NO_TRANSACTIONAL_ID', message: expect.stringMatching(/Config\.transactionalId/) }));
  await mux.close();
});

test('Consumer.seek moves an owned partition back and forth; a partition not owned is ERR_NOT_ASSIGNED', async () => {
  const name = await topic(1);
  const p = await SyncProducer.create(config());
  for (let i = 0; i < 10; i++) await p.sendMsgToPartition(name, 0, null, `v${i}`);
  await p.close();
  const consumer = await Consumer.create(config({ group: uniqueTopic('seek-group'), topics: [name], initialOffset: 'oldest' }));
  scope.track(consumer);
  const it = consumer.messages()[Symbol.asyncIterator]();
  const next = async (): Promise<string> => (await it.next()).value!.value!.toString();
  expect([await next(), await next(), await next()]).toEqual(['v0', 'v1', 'v2']);
  consumer.seek(name, 0, 7);
  expect([await next(), await next()]).toEqual(['v7', 'v8']);
  consumer.seek(name, 0, 1n);
  expect([await next(), await next()]).toEqual(['v1', 'v2']);
  expect(() => consumer.seek(name, 1, 0)).toThrow(expect.objectContaining({ code: 'ERR_NOT_ASSIGNED' }));
  expect(() => consumer.seek(name, 0, -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  await consumer.close();
});
