/**
 * conn.transaction(...) on the real Multiplexer, over kafkaesque/testing's in-memory parts: what
 * a transaction commits (sends and marks together), what an abort undoes (sends in aborted(),
 * marks dropped, the connection's partitions delivered again from its last mark), and the misuses
 * that are typed errors. The same code runs against the broker in test/mux/transactions.test.ts.
 */
import * as protobuf from 'protobufjs';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import { ConnectionTransaction } from '../../src/mux/connections.js';
import { HandlerError, MuxUsageError } from '../../src/mux/errors.js';
import { ProtoTransaction, type ProtoMessage } from '../../src/mux/proto.js';
import { ProducerError, TransactionFatalError } from '../../src/producer/errors.js';
import { MockMultiplexer, MockSendError } from '../../src/testing/index.js';

const Order = protobuf.parse(`
  syntax = "proto3";
  package shop;
  message Order { string id = 1; int32 quantity = 2; }
`).root.lookupType('shop.Order');

/** A started mock whose connection 'etl' copies topic 'in' to 'out' in a transaction per message. */
async function pipeline(handle?: (m: ConsumerMessage, tx: ConnectionTransaction, attempt: number) => Promise<void>): Promise<{ mock: MockMultiplexer; errors: Error[]; seen: bigint[] }> {
  const mock = new MockMultiplexer({ partitions: { in: 2, out: 1 } });
  const errors: Error[] = [];
  mock.on('error', (err) => errors.push(err));
  const seen: bigint[] = [];
  const attempts = new Map<string, number>();
  const etl = mock.newBytesConnection('etl');
  etl.consumeTopic(async (m) => {
    seen.push(m.offset);
    const k = `${m.partition}@${m.offset}`;
    const attempt = (attempts.get(k) ?? 0) + 1;
    attempts.set(k, attempt);
    await etl.transaction(async (tx) => {
      await tx.sendSyncString('out', m.key, `${m.value!.toString()}!`);
      if (handle) await handle(m, tx, attempt);
      tx.markOffset(m);
    });
  }, 'in');
  await mock.start();
  return { mock, errors, seen };
}

const values = (list: Array<{ value: Buffer | null }>): string[] => list.map((m) => m.value!.toString());

describe('conn.transaction', () => {
  test('commits its sends and its marks together: the group commits offset + 1, the sends are recorded as transactional', async () => {
    const { mock, errors } = await pipeline();
    await mock.deliver('in', { value: 'a', partition: 0 });
    await mock.deliver('in', { value: 'b', partition: 1 });
    await mock.deliver('in', { value: 'c', partition: 0 });
    expect(errors).toEqual([]);
    expect(values(mock.sent({ topic: 'out' }))).toEqual(['a!', 'b!', 'c!']);
    expect(mock.sent({ topic: 'out' }).every((m) => m.transactional === true && m.connection === 'etl')).toBe(true);
    expect(mock.aborted()).toEqual([]);
    // committed by the transactions themselves, before any commitOffsets()
    expect(mock.committed().map((c) => [c.partition, c.offset])).toEqual([
      [0, 2n],
      [1, 1n],
    ]);
    // and the connection's marks (so the group's own commits agree)
    expect(mock.marked('etl').map((c) => [c.partition, c.offset])).toEqual([
      [0, 2n],
      [1, 1n],
    ]);
    await mock.close();
  });

  test('a function that throws aborts: its sends are in aborted(), nothing is committed, and the message comes again', async () => {
    const { mock, errors, seen } = await pipeline(async (m, _tx, attempt) => {
      if (m.value!.toString() === 'b' && attempt === 1) throw new Error('transform failed');
    });
    await mock.deliver('in', { value: 'a', partition: 0 });
    await mock.deliver('in', { value: 'b', partition: 0 });
    await mock.deliver('in', { value: 'c', partition: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(HandlerError);
    expect(errors[0]!.message).toMatch(/in-0@1 failed: transform failed/);
    expect(values(mock.aborted())).toEqual(['b!']);
    expect(values(mock.sent({ topic: 'out' }))).toEqual(['a!', 'b!', 'c!']);
    // 'b' (offset 1) was handled twice, everything else once, in order
    expect(seen).toEqual([0n, 1n, 1n, 2n]);
    expect(mock.committed().map((c) => [c.partition, c.offset])).toEqual([[0, 3n]]);
    await mock.close();
  });

  test('a failed commit aborts and delivers again from the last mark, messages handled after it included', async () => {
    const mock = new MockMultiplexer({ partitions: { in: 1 } });
    const errors: Error[] = [];
    mock.on('error', (err) => errors.push(err));
    const seen: string[] = [];
    const conn = mock.newBytesConnection('batcher');
    let batch: ConsumerMessage[] = [];
    // a batching handler: one transaction every 3 messages, marking the last
    conn.consumeTopic(async (m) => {
      seen.push(m.value!.toString());
      batch.push(m);
      if (batch.length < 3) return;
      const done = batch;
      batch = [];
      await conn.transaction(async (tx) => {
        for (const b of done) await tx.sendSyncString('out', null, b.value!.toString().toUpperCase());
        tx.markOffset(done[done.length - 1]!);
      });
    }, 'in');
    await mock.start();
    await mock.deliver('in', { value: 'a' });
    await mock.deliver('in', { value: 'b' });
    mock.failNextCommit();
    await mock.deliver('in', { value: 'c' }); // the first batch's commit fails: a, b, c come again
    expect(errors.map((e) => (e as HandlerError).code)).toEqual(['ERR_MUX_HANDLER']);
    expect(errors[0]!.message).toMatch(/ERR_TXN_ABORTABLE|the mock was told to fail this commit/);
    expect(seen).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(values(mock.aborted())).toEqual(['A', 'B', 'C']);
    expect(values(mock.sent({ topic: 'out' }))).toEqual(['A', 'B', 'C']);
    expect(mock.committed()).toEqual([{ topic: 'in', partition: 0, offset: 3n, metadata: undefined }]);
    await mock.close();
  });

  test('a failed send fails the transaction (its ProducerError is what the function sees)', async () => {
    const { mock, errors, seen } = await pipeline();
    mock.failNextSend(new MockSendError(), { topic: 'out' });
    await mock.deliver('in', { value: 'a', partition: 1 });
    expect(errors).toHaveLength(1);
    expect((errors[0] as HandlerError).cause).toBeInstanceOf(ProducerError);
    expect(seen).toEqual([0n, 0n]);
    expect(values(mock.sent({ topic: 'out' }))).toEqual(['a!']);
    expect(mock.committed()).toEqual([{ topic: 'in', partition: 1, offset: 1n, metadata: undefined }]);
    await mock.close();
  });

  test('async sends in a transaction call back before it commits; a callback that throws fails it', async () => {
    const mock = new MockMultiplexer();
    const errors: Error[] = [];
    mock.on('error', (err) => errors.push(err));
    const conn = mock.newBytesConnection('c');
    const order: string[] = [];
    let failCallback = true;
    conn.consumeTopic(async (m) => {
      await conn.transaction(async (tx) => {
        tx.sendAsyncString('out', null, 'x', 'meta', (ok) => {
          order.push(`success ${String(ok.metadata)} @${ok.offset}`);
          if (failCallback) {
            failCallback = false;
            throw new Error('callback broke');
          }
        });
        tx.markOffset(m);
      });
      order.push('committed');
    }, 'in');
    await mock.start();
    await mock.deliver('in', { value: 'v' });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/callback broke/)]);
    expect(order).toEqual(['success meta @0', 'success meta @1', 'committed']);
    expect(mock.aborted()).toHaveLength(1);
    expect(mock.sent({ topic: 'out' })).toHaveLength(1);
    await mock.close();
  });

  test('one transaction at a time: two connections’ transactions do not interleave', async () => {
    const mock = new MockMultiplexer();
    const log: string[] = [];
    for (const name of ['one', 'two']) {
      const conn = mock.newBytesConnection(name);
      conn.consumeTopic(async (m) => {
        await conn.transaction(async (tx) => {
          log.push(`${name} begin`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.sendSyncString('out', null, name);
          tx.markOffset(m);
          log.push(`${name} end`);
        });
      }, name === 'one' ? 'a' : 'b');
    }
    await mock.start();
    await Promise.all([mock.deliver('a', { value: '1' }), mock.deliver('b', { value: '2' })]);
    expect(log).toHaveLength(4);
    expect([log[0]!.split(' ')[0], log[1]!.split(' ')[0]]).toEqual([log[0]!.split(' ')[0], log[0]!.split(' ')[0]]);
    expect(log.filter((_l, i) => i % 2 === 1).every((l) => l.endsWith('end'))).toBe(true);
    await mock.close();
  });

  test('misuse is a typed error: a topic other connections consume, sends or marks after the end, nesting', async () => {
    const mock = new MockMultiplexer();
    const errors: Error[] = [];
    mock.on('error', (err) => errors.push(err));
    const a = mock.newBytesConnection('a');
    const b = mock.newBytesConnection('b');
    let kept: ConnectionTransaction | undefined;
    let nested: unknown;
    a.consumeTopic(async (m) => {
      await a.transaction(async (tx) => {
        kept = tx;
        nested = await tx.transaction(async () => 1).catch((err: unknown) => err);
        tx.markOffset(m); // 'shared' is consumed by b too
      });
    }, 'shared');
    b.consumeTopic(() => undefined, 'shared');
    await mock.start();
    await mock.deliver('shared', { value: 'v' });
    expect(nested).toBeInstanceOf(MuxUsageError);
    expect((nested as MuxUsageError).code).toBe('ERR_MUX_TXN_NESTED');
    // aborted, so delivered again at once; the third try waits (backoff after consecutive aborts)
    expect(errors).toHaveLength(2);
    for (const e of errors) expect((e as HandlerError).cause).toEqual(expect.objectContaining({ code: 'ERR_MUX_TXN_SHARED_TOPIC' }));
    expect(errors[0]!.message).toMatch(/also consumed by connection 'b'/);
    await expect(kept!.sendSyncString('out', null, 'late')).rejects.toThrow(expect.objectContaining({ code: 'ERR_MUX_TXN_DONE' }));
    expect(() => kept!.sendAsyncString('out', null, 'late')).toThrow(expect.objectContaining({ code: 'ERR_MUX_TXN_DONE' }));
    expect(() => kept!.markOffset({ topic: 'shared', partition: 0, offset: 0n })).toThrow(expect.objectContaining({ code: 'ERR_MUX_TXN_DONE' }));
    // a connection that does not consume the topic
    await expect(a.transaction((tx) => tx.markPartitionOffset('elsewhere', 0, 1))).rejects.toThrow(expect.objectContaining({ code: 'ERR_MUX_NOT_SUBSCRIBED' }));
    await expect(a.transaction('no function' as never)).rejects.toThrow(MuxUsageError);
    expect(mock.committed()).toEqual([]);
    await mock.close();
  });

  test('a fatal error (fenced) fails every later transaction and is reported on the Multiplexer', async () => {
    const { mock, errors } = await pipeline();
    const fenced = new TransactionFatalError('commitTransaction', new Error('PRODUCER_FENCED'));
    mock.failNextCommit(fenced);
    await mock.deliver('in', { value: 'a', partition: 0 });
    await mock.deliver('in', { value: 'b', partition: 1 });
    expect(errors.filter((e) => e === fenced)).toHaveLength(1);
    expect(errors.filter((e) => e instanceof HandlerError).every((e) => (e as HandlerError).cause === fenced)).toBe(true);
    expect(mock.sent({ topic: 'out' })).toEqual([]);
    expect(mock.committed()).toEqual([]);
    await mock.close();
  });

  test('a proto connection runs transactions with proto sends and ProtoMessage marks', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newProtoConnection('orders');
    conn.consumeTopic(async (m: ProtoMessage) => {
      await conn.transaction(async (tx) => {
        expect(tx).toBeInstanceOf(ProtoTransaction);
        const order = m.getValue<{ id: string; quantity: number }>(Order);
        await tx.sendSyncMessage('shipped', null, { type: Order, value: { id: order.id, quantity: order.quantity * 2 } });
        tx.markOffset(m);
      });
    }, 'orders');
    await mock.start();
    await mock.deliver('orders', { value: { type: Order, value: { id: 'o1', quantity: 2 } } });
    const [sent] = mock.sent({ topic: 'shipped' });
    expect(JSON.parse(sent!.value!.toString())).toEqual({ id: 'o1', quantity: 4 });
    expect(mock.committed()).toEqual([{ topic: 'orders', partition: 0, offset: 1n, metadata: undefined }]);
    await mock.close();
  });

  test('a manual connection runs transactions of sends only', async () => {
    const mock = new MockMultiplexer();
    const conn = mock.newBytesManualConnection('m');
    const result = await conn.transaction(async (tx) => {
      await tx.sendSyncString('t', null, 'one');
      await tx.sendSyncString('t', null, 'two');
      return 'done';
    });
    expect(result).toBe('done');
    expect(values(mock.sent({ topic: 't' }))).toEqual(['one', 'two']);
    await expect(conn.transaction(async (tx) => void (await tx.sendSyncString('t', null, 'three'), tx.markPartitionOffset('t', 0, 0)))).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_MUX_NOT_SUBSCRIBED' }),
    );
    expect(values(mock.aborted())).toEqual(['three']);
    await mock.close();
  });
});
