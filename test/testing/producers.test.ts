/** MockSyncProducer and MockAsyncProducer (kafkaesque/testing): no broker is used. */
import { InvalidMessageError, ProducerClosedError, ProducerError } from '../../src/producer/errors.js';
import { ProducerMessage } from '../../src/producer/message.js';
import { javaPartitionForKey, saramaPartitionForKey } from '../../src/producer/partitioner.js';
import { MockAsyncProducer, MockSendError, MockSyncProducer, UnexpectedSendError } from '../../src/testing/index.js';

describe('MockSyncProducer', () => {
  test('places keys as the client layer does by default (murmur2, Java) and numbers each partition 0, 1, 2...', async () => {
    const p = new MockSyncProducer({ partitions: { events: 8 } });
    const counts = new Map<number, bigint>();
    for (let i = 0; i < 30; i++) {
      const key = `user-${i}`;
      const m = await p.sendMsgByte('events', key, `v${i}`, { i });
      const partition = javaPartitionForKey(Buffer.from(key), 8);
      const offset = counts.get(partition) ?? 0n;
      counts.set(partition, offset + 1n);
      expect(m).toBeInstanceOf(ProducerMessage);
      expect([m.partition, m.offset, m.metadata]).toEqual([partition, offset, { i }]);
    }
    expect(p.sent()).toHaveLength(30);
    expect(p.sent({ key: 'user-3' })).toEqual([
      expect.objectContaining({ topic: 'events', key: Buffer.from('user-3'), value: Buffer.from('v3'), metadata: { i: 3 }, connection: undefined, producer: 'sync' }),
    ]);
  });

  test('sendMsgToPartition and send (headers, timestamp) are recorded as sent', async () => {
    const p = new MockSyncProducer({ defaultPartitions: 3, hashFunction: 'fnv1a' });
    expect((await p.sendMsgToPartition('t', 2, null, 'x')).partition).toBe(2);
    const m = await p.send({ topic: 't', key: 'k', value: Buffer.from([1, 2]), headers: [{ key: 'h', value: 'hv' }], timestamp: 1234 });
    expect(m.partition).toBe(saramaPartitionForKey(Buffer.from('k'), 3));
    const last = p.sent().at(-1)!;
    expect(last.headers).toEqual([{ key: 'h', value: Buffer.from('hv') }]);
    expect(last.timestamp).toBe(1234);
    expect(last.value).toEqual(Buffer.from([1, 2]));
  });

  test('keyless records stick to one partition per topic (KIP-480), chosen with the random source given', async () => {
    const p = new MockSyncProducer({ defaultPartitions: 4, random: () => 0.6 });
    const parts = new Set<number>();
    for (let i = 0; i < 5; i++) parts.add((await p.sendMsgByte('t', null, 'v')).partition);
    expect([...parts]).toEqual([2]);
    const empty = new MockSyncProducer({ defaultPartitions: 4, nullKey: 'hash-empty' });
    expect((await empty.sendMsgByte('t', null, 'v')).partition).toBe(javaPartitionForKey(Buffer.alloc(0), 4));
  });

  test('an invalid message rejects with InvalidMessageError and is not recorded', async () => {
    const p = new MockSyncProducer();
    await expect(p.sendMsgByte('bad topic!', null, 'v')).rejects.toBeInstanceOf(InvalidMessageError);
    await expect(p.send({ topic: 't', value: 42 as unknown as string })).rejects.toBeInstanceOf(InvalidMessageError);
    expect(p.sent()).toEqual([]);
    expect(p.failed()).toEqual([]);
  });

  test('injected failures reject with a ProducerError carrying the message and the cause', async () => {
    const p = new MockSyncProducer();
    p.failNextSend();
    const err = (await p.sendMsgByte('t', 'k', 'v', 'meta').catch((e: unknown) => e)) as ProducerError;
    expect(err).toBeInstanceOf(ProducerError);
    expect(err.cause).toBeInstanceOf(MockSendError);
    expect(err.msg.metadata).toBe('meta');
    expect(err.code).toBe('ERR_MOCK_SEND');
    const undo = p.failSends(new Error('no leader'), { topic: 'down' });
    await expect(p.sendMsgByte('down', null, 'v')).rejects.toThrow(/no leader/);
    await expect(p.sendMsgByte('up', null, 'v')).resolves.toMatchObject({ offset: 0n });
    undo();
    await expect(p.sendMsgByte('down', null, 'v')).resolves.toMatchObject({ offset: 0n });
    expect(p.failed().map((f) => f.topic)).toEqual(['t', 'down']);
  });

  test('expectSend / verify, as sarama\'s ExpectSendMessageAndSucceed / AndFail', async () => {
    const p = new MockSyncProducer();
    p.expectSend({ topic: 'a' }).andSucceed();
    p.expectSend({ value: 'second' }).andFail();
    await p.sendMsgByte('a', null, 'first');
    await expect(p.sendMsgByte('a', null, 'second')).rejects.toBeInstanceOf(ProducerError);
    p.verify();
    const late = (await p.sendMsgByte('a', null, 'third').catch((e: unknown) => e)) as ProducerError;
    expect(late.cause).toBeInstanceOf(UnexpectedSendError);
    expect(() => p.verify()).toThrow(/no expectation left/);
  });

  test('close: isClosed, closed resolves, later sends fail with ProducerClosedError', async () => {
    const p = new MockSyncProducer();
    expect(p.isClosed()).toBe(false);
    await p.close();
    await p.closed;
    expect(p.isClosed()).toBe(true);
    const err = (await p.sendMsgByte('t', null, 'v').catch((e: unknown) => e)) as ProducerError;
    expect(err.cause).toBeInstanceOf(ProducerClosedError);
  });
});

describe('MockAsyncProducer', () => {
  test('emits success with the message and calls the per-call callbacks, never before send returns', async () => {
    const p = new MockAsyncProducer({ partitions: { t: 2 } });
    const events: ProducerMessage[] = [];
    p.on('success', (m) => events.push(m));
    const onSuccess = jest.fn();
    expect(p.sendMsgByte('t', 'k', 'v', { id: 1 }, { onSuccess })).toBeUndefined();
    p.sendMsgToPartition('t', 1, null, 'w');
    p.send({ topic: 't', value: 'x', partition: 1, metadata: 'm' }, { onSuccess });
    expect(events).toHaveLength(0);
    await p.flush();
    expect(events.map((m) => [m.partition, m.offset, m.metadata])).toEqual([
      [javaPartitionForKey(Buffer.from('k'), 2), 0n, { id: 1 }],
      [1, javaPartitionForKey(Buffer.from('k'), 2) === 1 ? 1n : 0n, undefined],
      [1, javaPartitionForKey(Buffer.from('k'), 2) === 1 ? 2n : 1n, 'm'],
    ]);
    expect(onSuccess.mock.calls.map(([m]: [ProducerMessage]) => m)).toEqual([events[0], events[2]]);
    expect(p.sent().map((s) => s.producer)).toEqual(['async', 'async', 'async']);
  });

  test('a failure calls onError and emits error (only when listened to: no throw without a listener)', async () => {
    const p = new MockAsyncProducer();
    const boom = new Error('boom');
    p.failNextSend(boom);
    p.sendMsgByte('t', null, 'unobserved');
    await p.flush();
    p.failNextSend(boom);
    const events: ProducerError[] = [];
    p.on('error', (e) => events.push(e));
    const onError = jest.fn();
    p.sendMsgByte('t', null, 'observed', 'meta', { onError });
    await p.flush();
    expect(events).toHaveLength(1);
    expect(onError).toHaveBeenCalledWith(events[0]);
    expect(events[0]!.cause).toBe(boom);
    expect(events[0]!.msg.metadata).toBe('meta');
    expect(p.failed().map((f) => f.value!.toString())).toEqual(['unobserved', 'observed']);
  });

  test('an invalid message throws at once, as the real AsyncProducer', () => {
    const p = new MockAsyncProducer();
    expect(() => p.sendMsgByte('', null, 'v')).toThrow(InvalidMessageError);
    expect(p.sent()).toEqual([]);
  });

  test('flush rejects with what a callback threw', async () => {
    const p = new MockAsyncProducer();
    p.sendMsgByte('t', null, 'v', undefined, {
      onSuccess: () => {
        throw new Error('assertion in a callback');
      },
    });
    await expect(p.flush()).rejects.toThrow('assertion in a callback');
    await expect(p.flush()).resolves.toBeUndefined();
  });

  test('close flushes, then later sends fail with ProducerClosedError', async () => {
    const p = new MockAsyncProducer();
    const onSuccess = jest.fn();
    p.sendMsgByte('t', null, 'v', undefined, { onSuccess });
    await p.close();
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(p.isClosed()).toBe(true);
    await p.closed;
    const onError = jest.fn();
    p.sendMsgByte('t', null, 'late', undefined, { onError });
    await p.flush();
    expect(onError.mock.calls[0][0].cause).toBeInstanceOf(ProducerClosedError);
  });

  test('strict expectations apply to async sends too', async () => {
    const p = new MockAsyncProducer();
    p.expectSend({ topic: 'a' }).andFail(new Error('x'));
    const onError = jest.fn();
    p.sendMsgByte('a', null, 'v', undefined, { onError });
    await p.flush();
    expect(onError).toHaveBeenCalledTimes(1);
    p.verify();
    p.reset();
    expect(p.failed()).toEqual([]);
  });
});
