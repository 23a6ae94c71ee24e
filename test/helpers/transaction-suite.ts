/**
 * The transactional producer's behaviour, asserted against a real broker: committed records are
 * read by read_committed consumers and aborted ones never; offsets committed with a transaction;
 * a newer producer with the same transactional id fences the older one; the coordinator aborts a
 * transaction left open past its timeout and the producer recovers (KIP-588); calls out of order
 * are typed errors. Run by test/client/transactions.test.ts on the single broker (transactions V2,
 * Kafka 4.x's default) and by test/secure/transactions-v1.test.ts on the secured broker, which
 * keeps transactions V1: the same assertions hold for both generations of the protocol.
 */
import { Admin } from '../../src/client/admin.js';
import { Config, type ConfigOptions } from '../../src/client/config.js';
import { Consumer } from '../../src/client/consumer.js';
import { AsyncProducer, SyncProducer } from '../../src/client/producers.js';
import {
  TransactionAbortableError,
  TransactionAbortedError,
  TransactionFatalError,
  TransactionStateError,
} from '../../src/producer/errors.js';
import type { ProducerError } from '../../src/producer/errors.js';
import type { Logger } from '../../src/network/logger.js';
import { uniqueTopic } from './broker.js';
import { eventually, sleep } from './wait.js';

/** A logger that keeps the messages and fields logged at info, for the protocol choice. */
function infoLog(): Logger & { lines: Array<[string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, Record<string, unknown> | undefined]> = [];
  const noop = (): void => {};
  return { lines, debug: noop, warn: noop, error: noop, info: (m, f) => lines.push([m, f]) };
}

export function transactionSuite(base: ConfigOptions, generation: 'V1' | 'V2'): void {
  test(`the producer runs transactions ${generation}, as the cluster's transaction.version says`, async () => {
    const logger = infoLog();
    const p = await SyncProducer.create(new Config({ ...base, transactionalId: uniqueTopic('txn-gen-id'), logger }));
    try {
      await p.initTransactions();
      const assigned = logger.lines.find(([m]) => m === 'transactional producer id assigned');
      expect(assigned?.[1]).toMatchObject({ transactionsV2: generation === 'V2' });
    } finally {
      await p.close();
    }
  });

  let admin: Admin;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    admin = await Admin.create(base);
  });
  afterAll(async () => {
    for (const c of open.reverse()) await c.close().catch(() => {});
    await admin?.close();
  });

  function transactional(transactionalId: string, extra: Record<string, unknown> = {}): Config {
    return new Config({ ...base, transactionalId, lingerMs: 1, ...extra });
  }

  async function syncProducer(config: Config): Promise<SyncProducer> {
    const p = await SyncProducer.create(config);
    open.push(p);
    return p;
  }

  async function topic(partitions: number): Promise<string> {
    const name = uniqueTopic('txn');
    const [r] = await admin.createTopics([{ name, numPartitions: partitions }], { waitForLeaders: true });
    if (r!.error) throw r!.error;
    return name;
  }

  const SEAL = '<end>';
  const sealed = new Set<string>();

  /**
   * Every record's value in the topic, as a consumer with `isolation` reads it from the start. A
   * read_committed reader cannot tell from the records where the end is (transaction markers and
   * aborted records take offsets it never sees), so the topic's partitions are first sealed with a
   * plain record each, written after every transaction of the test ended, and read up to it.
   */
  async function readAll(name: string, partitions: number, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
    if (!sealed.has(name)) {
      sealed.add(name);
      const plain = await syncProducer(new Config({ ...base, lingerMs: 1 }));
      for (let p = 0; p < partitions; p++) await plain.sendMsgToPartition(name, p, null, SEAL);
    }
    const consumer = await Consumer.create(new Config({ ...base, isolationLevel: isolation }));
    open.push(consumer);
    const values: string[] = [];
    try {
      for (let p = 0; p < partitions; p++) {
        const pc = await consumer.consumePartition(name, p, 'oldest');
        for await (const m of pc.messages()) {
          const v = m.value!.toString();
          if (v === SEAL) break;
          values.push(v);
        }
        pc.close();
      }
    } finally {
      await consumer.close();
    }
    return values.sort();
  }

  test('Admin lists and describes transactions: an open one with its partitions, then completed; an unknown id is TRANSACTIONAL_ID_NOT_FOUND', async () => {
    const name = await topic(2);
    const id = uniqueTopic('txn-described');
    const p = await syncProducer(transactional(id));
    await p.initTransactions();
    p.beginTransaction();
    await p.sendMsgToPartition(name, 1, null, 'open');
    const [open] = await admin.describeTransactions([id]);
    expect(open).toMatchObject({ transactionalId: id, state: 'Ongoing', error: null, partitions: [{ topic: name, partition: 1 }] });
    expect(open!.startTimeMs).toBeGreaterThan(Date.now() - 60_000);
    const listed = await admin.listTransactions({ states: ['Ongoing'] });
    expect(listed.find((t) => t.transactionalId === id)).toMatchObject({ state: 'Ongoing', producerId: open!.producerId });
    await p.commitTransaction();
    // the coordinator answers the commit once it is decided (PrepareCommit) and completes it when the markers are written
    await eventually(async () => (await admin.describeTransactions([id]))[0]!.state === 'CompleteCommit', 15_000, 'CompleteCommit');
    const [done] = await admin.describeTransactions([id]);
    expect([done!.state, done!.partitions]).toEqual(['CompleteCommit', []]);
    expect((await admin.listTransactions({ states: ['Ongoing'] })).some((t) => t.transactionalId === id)).toBe(false);
    const [unknown] = await admin.describeTransactions([uniqueTopic('txn-never')]);
    expect(unknown!.error?.errorName).toBe('TRANSACTIONAL_ID_NOT_FOUND');
  });

  test('committed records are read by read_committed consumers, aborted ones never', async () => {
    const name = await topic(2);
    const p = await syncProducer(transactional(uniqueTopic('txn-id')));
    await p.initTransactions();

    p.beginTransaction();
    await p.sendMsgToPartition(name, 0, null, 'c1-a');
    await p.sendMsgToPartition(name, 1, null, 'c1-b');
    await p.commitTransaction();

    p.beginTransaction();
    await p.sendMsgToPartition(name, 0, null, 'aborted-a');
    await p.sendMsgToPartition(name, 1, null, 'aborted-b');
    await p.abortTransaction();

    await p.transaction(async (tx) => {
      await tx.sendMsgToPartition(name, 1, null, 'c2');
    });
    await expect(
      p.transaction(async (tx) => {
        await tx.sendMsgToPartition(name, 0, null, 'thrown-away');
        throw new Error('the application changed its mind');
      }),
    ).rejects.toThrow('the application changed its mind');

    expect(await readAll(name, 2, 'read_committed')).toEqual(['c1-a', 'c1-b', 'c2']);
    expect(await readAll(name, 2, 'read_uncommitted')).toEqual(['aborted-a', 'aborted-b', 'c1-a', 'c1-b', 'c2', 'thrown-away']);
  });

  test('an AsyncProducer transaction: commit flushes every send; abort drops what was not sent', async () => {
    const name = await topic(3);
    const p = await AsyncProducer.create(transactional(uniqueTopic('txn-async-id'), { lingerMs: 50 }));
    open.push(p);
    const errors: ProducerError[] = [];
    let delivered = 0;
    p.on('error', (e) => errors.push(e));
    p.on('success', () => delivered++);
    await p.initTransactions();
    p.beginTransaction();
    for (let i = 0; i < 30; i++) p.sendMsgByte(name, `k${i}`, `v${i}`);
    await p.commitTransaction();
    expect([delivered, errors.length]).toEqual([30, 0]);

    p.beginTransaction();
    for (let i = 0; i < 5; i++) p.sendMsgByte(name, `k${i}`, `dropped-${i}`);
    await p.abortTransaction(); // within the 50 ms linger: nothing was sent
    expect(errors.map((e) => e.cause instanceof TransactionAbortedError)).toEqual([true, true, true, true, true]);
    expect((await readAll(name, 3, 'read_committed')).length).toBe(30);
  });

  test('calls out of order are TransactionStateError; a producer without transactionalId has no transactions', async () => {
    const name = await topic(1);
    const p = await syncProducer(transactional(uniqueTopic('txn-order-id')));
    expect(() => p.beginTransaction()).toThrow(TransactionStateError);
    await expect(p.sendMsgByte(name, null, 'x')).rejects.toMatchObject({ cause: expect.any(TransactionStateError) });
    await p.initTransactions();
    await expect(p.initTransactions()).rejects.toThrow(TransactionStateError);
    await expect(p.sendMsgByte(name, null, 'outside')).rejects.toMatchObject({ code: 'ERR_TXN_STATE' });
    await expect(p.commitTransaction()).rejects.toThrow(TransactionStateError);
    await expect(p.abortTransaction()).rejects.toThrow(TransactionStateError);
    p.beginTransaction();
    expect(() => p.beginTransaction()).toThrow(TransactionStateError);
    await p.abortTransaction();

    const plain = await syncProducer(new Config({ ...base }));
    await expect(plain.initTransactions()).rejects.toThrow(/needs a transactional producer: set Config.transactionalId/);
    expect(() => new Config({ ...base, transactionalId: 't', idempotent: false })).toThrow(/transactionalId/);
    expect(() => new Config({ ...base, transactionalId: 't', acks: 1 })).toThrow(/transactionalId/);
  });

  test('a second producer with the same transactional id fences the first: its commit is fatal, the new one commits', async () => {
    const name = await topic(1);
    const id = uniqueTopic('txn-fence-id');
    const first = await syncProducer(transactional(id));
    await first.initTransactions();
    first.beginTransaction();
    await first.sendMsgByte(name, null, 'from the zombie');

    const second = await syncProducer(transactional(id));
    await second.initTransactions(); // bumps the epoch: the zombie's open transaction is aborted
    const failed = await first.commitTransaction().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(TransactionFatalError);
    expect((failed as TransactionFatalError).message).toMatch(/PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/);
    // fatal is for good: every later call says so
    expect(() => first.beginTransaction()).toThrow(TransactionFatalError);

    await second.transaction(async (tx) => {
      await tx.sendMsgByte(name, null, 'from the new instance');
    });
    expect(await readAll(name, 1, 'read_committed')).toEqual(['from the new instance']);
  });

  test('offsets sent with a transaction are committed with it; a stale generation is refused and the transaction abortable', async () => {
    const input = await topic(1);
    const output = await topic(1);
    const group = uniqueTopic('txn-group');
    const seed = await syncProducer(new Config({ ...base, lingerMs: 1 }));
    for (let i = 0; i < 4; i++) await seed.sendMsgToPartition(input, 0, null, `in-${i}`);

    const consumer = await Consumer.create(new Config({ ...base, group, topics: [input], initialOffset: 'oldest', autoCommit: false, isolationLevel: 'read_committed' }));
    open.push(consumer);
    const p = await syncProducer(transactional(uniqueTopic('txn-ctp-id')));
    await p.initTransactions();
    const it = consumer.messages();
    const firstTwo = [(await it.next()).value!, (await it.next()).value!];
    await p.transaction(async (tx) => {
      for (const m of firstTwo) await tx.sendMsgToPartition(output, 0, null, `out-${m.value!.toString()}`);
      await tx.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: firstTwo[1]!.offset + 1n }], consumer.groupMetadata());
    });
    expect((await admin.listGroupOffsets(group)).map((o) => [o.topic, o.partition, o.offset])).toEqual([[input, 0, 2n]]);

    // a member id the group does not have (a zombie's) is fenced by the group coordinator (KIP-447)
    const meta = consumer.groupMetadata();
    expect(meta.groupId).toBe(group);
    expect(meta.generationId).toBeGreaterThan(0);
    p.beginTransaction();
    await p.sendMsgToPartition(output, 0, null, 'never');
    const refused = await p.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 3n }], { ...meta, memberId: 'zombie', generationId: meta.generationId + 5 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TransactionAbortableError);
    expect((refused as Error).message).toMatch(/UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|FENCED/);
    await expect(p.commitTransaction()).rejects.toBeInstanceOf(TransactionAbortableError);
    await p.abortTransaction();
    expect((await admin.listGroupOffsets(group))[0]!.offset).toBe(2n);
    expect(await readAll(output, 1, 'read_committed')).toEqual(['out-in-0', 'out-in-1']);
    await consumer.close();
  });

  test(`a transaction left open past transactionTimeoutMs is aborted by the coordinator; the producer reports it and ${generation === 'V2' ? 'recovers by aborting (KIP-890)' : 'is fenced (a V1 coordinator fences it): a new producer with the id goes on'}`, async () => {
    const name = await topic(2);
    /** One producer's transaction left open for 4 s; then `late` (a commit, or one more send) meets the coordinator's abort. */
    const timedOut = async (partition: number, late: 'commit' | 'send'): Promise<void> => {
      const config = transactional(uniqueTopic(`txn-timeout-${late}`), { transactionTimeoutMs: 1000 });
      let p = await syncProducer(config);
      await p.initTransactions();
      p.beginTransaction();
      await p.sendMsgToPartition(name, partition, null, 'too slow');
      await sleep(4000); // the coordinator looks every second (the test broker's setting)
      if (late === 'send') {
        // the leader knows the coordinator's new epoch from its abort marker: the record is refused
        const refused = await p.sendMsgToPartition(name, partition, null, 'after the abort').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toMatchObject({ cause: { errorName: 'INVALID_PRODUCER_EPOCH' } });
      }
      const commit = await p.commitTransaction().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (generation === 'V2' || late === 'send') {
        expect(commit).toBeInstanceOf(TransactionAbortableError);
        if (late === 'commit') expect((commit as Error).message).toMatch(/transactionTimeoutMs/);
        const abort = p.abortTransaction();
        if (generation === 'V2') {
          await abort; // V2: the coordinator takes the abort of the old epoch as a retry, and answers with a new one
        } else {
          await expect(abort).rejects.toBeInstanceOf(TransactionFatalError);
        }
      } else {
        expect(commit).toBeInstanceOf(TransactionFatalError);
        expect((commit as Error).message).toMatch(/PRODUCER_FENCED.*|transactionTimeoutMs/);
      }
      if (generation === 'V1') {
        // fenced for good: a new producer with the same id takes over
        p = await syncProducer(config);
        await p.initTransactions();
      }
      await p.transaction(async (tx) => {
        await tx.sendMsgToPartition(name, partition, null, `in time (${late})`);
      });
    };
    await Promise.all([timedOut(0, 'commit'), timedOut(1, 'send')]);
    expect(await readAll(name, 2, 'read_committed')).toEqual(['in time (commit)', 'in time (send)']);
  });
}
