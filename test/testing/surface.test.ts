/**
 * The mocks have the public surface of the real classes: checked at compile time (this file is
 * type-checked with the tests: `tsc -p tsconfig.test.json`), and at run time by calling every
 * method of the real connection classes through a MockMultiplexer. A method added to a
 * connection class without an entry here fails the run-time check, naming the method.
 */
import * as protobuf from 'protobufjs';
import { OffsetOldest } from '../../src/client/config.js';
import type { ConsumerMessage } from '../../src/client/consumer.js';
import type { AsyncProducer, SyncProducer } from '../../src/client/producers.js';
import { BytesConnection, BytesManualConnection, type ConnectionTransaction, SendingConnection } from '../../src/mux/connections.js';
import type { Multiplexer } from '../../src/mux/multiplexer.js';
import { ProtoConnection, ProtoManualConnection, type ProtoMessage } from '../../src/mux/proto.js';
import {
  type AsyncProducerLike,
  MockAsyncProducer,
  MockMultiplexer,
  MockSyncProducer,
  type MultiplexerLike,
  type SyncProducerLike,
} from '../../src/testing/index.js';

// ------------------------------------------------------------------ compile time

function compileTimeChecks(): void {
  const mock = new MockMultiplexer();
  // the connections are the real classes, so code typed against them takes them as they are
  const bytes: BytesConnection = mock.newBytesConnection('b');
  const conn: BytesConnection = mock.newConnection('c');
  const manual: BytesManualConnection = mock.newBytesManualConnection('m');
  const proto: ProtoConnection = mock.newProtoConnection('p');
  const protoManual: ProtoManualConnection = mock.newProtoManualConnection('pm');
  const narrow: Pick<BytesConnection, 'sendSyncByte' | 'sendAsyncString' | 'consumeTopic' | 'markOffset' | 'commitOffsets'> = mock.newBytesConnection('n');
  // every public member of the Multiplexer but its internals, and of the producers
  const mux: MultiplexerLike = mock;
  const sync: SyncProducerLike = new MockSyncProducer();
  const async: AsyncProducerLike = new MockAsyncProducer();
  const muxSync: SyncProducerLike = mock.syncProducer;
  const muxAsync: AsyncProducerLike = mock.asyncProducer;
  // ... which the real classes have too
  const realMux = (m: Multiplexer): MultiplexerLike => m;
  const realSync = (p: SyncProducer): SyncProducerLike => p;
  const realAsync = (p: AsyncProducer): AsyncProducerLike => p;
  // a narrower view still takes the mock
  const sendOnly: Pick<SyncProducerLike, 'sendMsgByte'> = new MockSyncProducer();
  const events: Pick<AsyncProducerLike, 'on' | 'sendMsgByte'> = new MockAsyncProducer();
  // the types are real, not any
  // @ts-expect-error a byte value must be a Buffer or Uint8Array
  void bytes.sendSyncByte('t', null, 42);
  // @ts-expect-error deliver needs a value
  void mock.deliver('t', { key: 'k' });
  // @ts-expect-error sent() records have a bigint offset
  const offset: number = mock.sent()[0]!.offset;
  void [conn, manual, proto, protoManual, narrow, mux, sync, async, muxSync, muxAsync, realMux, realSync, realAsync, sendOnly, events, offset];
}
void compileTimeChecks;

// ------------------------------------------------------------------ run time

const Order = protobuf.parse(`syntax = "proto3"; message Order { string id = 1; }`).root.lookupType('Order');

/** The public methods and accessors of a class (with those it inherits), `constructor` excepted. */
function methodsOf(cls: { prototype: object }): string[] {
  const names = new Set<string>();
  for (let p: object | null = cls.prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  }
  return [...names].sort();
}

interface Env {
  mock: MockMultiplexer;
  got: Array<ConsumerMessage | ProtoMessage>;
  handler: (m: ConsumerMessage | ProtoMessage) => void;
}

type Exercise<C> = (c: C, env: Env) => Promise<void>;

function env(): Env {
  const got: Array<ConsumerMessage | ProtoMessage> = [];
  return { mock: new MockMultiplexer({ defaultPartitions: 2 }), got, handler: (m) => void got.push(m) };
}

/** The last send came from connection `name` to partition `partition` of `t`. */
function lastSend(e: Env, name: string, partition?: number): void {
  const s = e.mock.sent().at(-1);
  expect(s).toMatchObject({ topic: 't', connection: name, ...(partition === undefined ? {} : { partition }) });
}

// what every connection sends as raw bytes or strings
type RawSending = Pick<
  SendingConnection,
  | 'sendSyncByte'
  | 'sendSyncString'
  | 'sendSyncByteToPartition'
  | 'sendSyncStringToPartition'
  | 'sendAsyncByte'
  | 'sendAsyncString'
  | 'sendAsyncByteToPartition'
  | 'sendAsyncStringToPartition'
> & { readonly name: string };

const rawSends: Record<string, Exercise<RawSending>> = {
  sendSyncByte: async (c, e) => void (await c.sendSyncByte('t', 'k', Buffer.from('v')), lastSend(e, c.name)),
  sendSyncString: async (c, e) => void (await c.sendSyncString('t', 'k', 'v'), lastSend(e, c.name)),
  sendSyncByteToPartition: async (c, e) => void (await c.sendSyncByteToPartition('t', 1, null, Buffer.from('v')), lastSend(e, c.name, 1)),
  sendSyncStringToPartition: async (c, e) => void (await c.sendSyncStringToPartition('t', 1, null, 'v'), lastSend(e, c.name, 1)),
  sendAsyncByte: async (c, e) => {
    const ok = jest.fn();
    c.sendAsyncByte('t', 'k', Buffer.from('v'), 'meta', ok);
    await e.mock.flush();
    expect(ok).toHaveBeenCalledTimes(1);
    lastSend(e, c.name);
  },
  sendAsyncString: async (c, e) => {
    const ok = jest.fn();
    c.sendAsyncString('t', 'k', 'v', 'meta', ok);
    await e.mock.flush();
    expect(ok).toHaveBeenCalledTimes(1);
    lastSend(e, c.name);
  },
  sendAsyncByteToPartition: async (c, e) => {
    const ok = jest.fn();
    c.sendAsyncByteToPartition('t', 1, null, Buffer.from('v'), 'meta', ok);
    await e.mock.flush();
    expect(ok).toHaveBeenCalledTimes(1);
    lastSend(e, c.name, 1);
  },
  sendAsyncStringToPartition: async (c, e) => {
    const ok = jest.fn();
    c.sendAsyncStringToPartition('t', 1, null, 'v', 'meta', ok);
    await e.mock.flush();
    expect(ok).toHaveBeenCalledTimes(1);
    lastSend(e, c.name, 1);
  },
};

const bytesSends: Record<string, Exercise<SendingConnection>> = {
  ...rawSends,
  sendSyncMessage: async (c, e) => void (await c.sendSyncMessage('t', 'k', 'v'), lastSend(e, c.name)),
  sendSyncMessageToPartition: async (c, e) => void (await c.sendSyncMessageToPartition('t', 1, 'k', 'v'), lastSend(e, c.name, 1)),
  sendAsyncMessage: async (c, e) => {
    c.sendAsyncMessage('t', 'k', 'v');
    await e.mock.flush();
    lastSend(e, c.name);
  },
  sendAsyncMessageToPartition: async (c, e) => {
    c.sendAsyncMessageToPartition('t', 1, 'k', 'v');
    await e.mock.flush();
    lastSend(e, c.name, 1);
  },
  newSyncPublisher: async (c, e) => void (await c.newSyncPublisher('t').put('k', 'v'), lastSend(e, c.name)),
  newSyncPublisherToPartition: async (c, e) => void (await c.newSyncPublisherToPartition('t', 1).put('k', 'v'), lastSend(e, c.name, 1)),
  newAsyncPublisher: async (c, e) => {
    void c.newAsyncPublisher('t').put('k', 'v');
    await e.mock.flush();
    lastSend(e, c.name);
  },
  newAsyncPublisherToPartition: async (c, e) => {
    void c.newAsyncPublisherToPartition('t', 1).put('k', 'v');
    await e.mock.flush();
    lastSend(e, c.name, 1);
  },
};

const order = (): protobuf.Message<object> => Order.create({ id: 'o' });
const protoSends: Record<string, Exercise<ProtoConnection | ProtoManualConnection>> = {
  ...rawSends,
  name: async (c) => expect(typeof c.name).toBe('string'),
  sendSyncMessage: async (c, e) => void (await c.sendSyncMessage('t', 'k', order()), lastSend(e, c.name)),
  sendSyncMessageToPartition: async (c, e) => void (await c.sendSyncMessageToPartition('t', 1, 'k', order()), lastSend(e, c.name, 1)),
  sendAsyncMessage: async (c, e) => {
    c.sendAsyncMessage('t', 'k', order());
    await e.mock.flush();
    lastSend(e, c.name);
  },
  sendAsyncMessageToPartition: async (c, e) => {
    c.sendAsyncMessageToPartition('t', 1, 'k', order());
    await e.mock.flush();
    lastSend(e, c.name, 1);
  },
  newSyncPublisher: async (c, e) => void (await c.newSyncPublisher('t').put('k', order()), lastSend(e, c.name)),
  newSyncPublisherToPartition: async (c, e) => void (await c.newSyncPublisherToPartition('t', 1).put('k', order()), lastSend(e, c.name, 1)),
  newAsyncPublisher: async (c, e) => {
    void c.newAsyncPublisher('t').put('k', order());
    await e.mock.flush();
    lastSend(e, c.name);
  },
  newAsyncPublisherToPartition: async (c, e) => {
    void c.newAsyncPublisherToPartition('t', 1).put('k', order());
    await e.mock.flush();
    lastSend(e, c.name, 1);
  },
};

/** Group consumption, the same whether the handler gets ConsumerMessages or ProtoMessages. */
interface GroupConsuming {
  consumeTopic(handler: (m: never) => void, ...topics: string[]): void;
  stopConsuming(topic: string): void;
  markOffset(m: Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void;
  markPartitionOffset(topic: string, partition: number, offset: bigint | number, metadata?: string): void;
  commitOffsets(): Promise<void>;
  readonly name: string;
  transaction<T>(fn: (tx: Pick<ConnectionTransaction, 'sendSyncString' | 'markPartitionOffset'>) => Promise<T>): Promise<T>;
}

const groupConsumption: Record<string, Exercise<GroupConsuming>> = {
  consumeTopic: async (c, e) => {
    c.consumeTopic(e.handler, 't');
    await e.mock.start();
    await e.mock.deliver('t', { value: Order.encode(order()).finish(), partition: 0 });
    expect(e.got).toHaveLength(1);
  },
  stopConsuming: async (c, e) => {
    c.consumeTopic(e.handler, 't');
    await e.mock.start();
    c.stopConsuming('t');
    await e.mock.deliver('t', { value: 'v' });
    expect(e.got).toHaveLength(0);
  },
  markOffset: async (c, e) => {
    c.consumeTopic(e.handler, 't');
    await e.mock.start();
    c.markOffset({ topic: 't', partition: 1, offset: 4n });
    expect(e.mock.marked()).toEqual([{ topic: 't', partition: 1, offset: 5n, metadata: undefined }]);
  },
  transaction: async (c, e) => {
    c.consumeTopic(e.handler, 't');
    await e.mock.start();
    const result = await c.transaction(async (tx) => {
      await tx.sendSyncString('t', 'k', 'v');
      tx.markPartitionOffset('t', 1, 4);
      return 7;
    });
    expect(result).toBe(7);
    lastSend(e, c.name);
    expect(e.mock.sent().at(-1)!.transactional).toBe(true);
    expect(e.mock.committed()).toEqual([{ topic: 't', partition: 1, offset: 5n, metadata: undefined }]);
  },
  markPartitionOffset: async (c, e) => {
    c.consumeTopic(e.handler, 't');
    await e.mock.start();
    c.markPartitionOffset('t', 1, 4, 'md');
    expect(e.mock.marked()).toEqual([{ topic: 't', partition: 1, offset: 5n, metadata: 'md' }]);
  },
  commitOffsets: async (c, e) => {
    c.consumeTopic(e.handler, 't');
    await e.mock.start();
    c.markPartitionOffset('t', 0, 0);
    await c.commitOffsets();
    expect(e.mock.committed()).toEqual([{ topic: 't', partition: 0, offset: 1n, metadata: undefined }]);
  },
};

interface PartitionConsuming {
  consumePartition(handler: (m: never) => void, topic: string, partition: number, offset: 'oldest' | number | bigint | 'newest'): Promise<void>;
  stopConsumingPartition(topic: string, partition: number, offset?: 'oldest' | number | bigint | 'newest'): void;
  readonly name: string;
  transaction<T>(fn: (tx: Pick<SendingConnection, 'sendSyncString'>) => Promise<T>): Promise<T>;
}

const partitionConsumption: Record<string, Exercise<PartitionConsuming>> = {
  transaction: async (c, e) => {
    const result = await c.transaction(async (tx) => {
      await tx.sendSyncString('t', 'k', 'v');
      return 7;
    });
    expect(result).toBe(7);
    lastSend(e, c.name);
    expect(e.mock.sent().at(-1)!.transactional).toBe(true);
  },
  consumePartition: async (c, e) => {
    await c.consumePartition(e.handler, 't', 1, 1);
    await e.mock.start();
    for (let i = 0; i < 3; i++) await e.mock.deliver('t', { value: Order.encode(order()).finish(), partition: 1 });
    expect(e.got.map((m) => m.offset)).toEqual([1n, 2n]);
  },
  stopConsumingPartition: async (c, e) => {
    await c.consumePartition(e.handler, 't', 1, OffsetOldest);
    await e.mock.start();
    c.stopConsumingPartition('t', 1, 'oldest');
    await e.mock.deliver('t', { value: 'v', partition: 1 });
    expect(e.got).toHaveLength(0);
  },
};

/** The Go layer's watcher names: the same exercises under the alias. */
function watcherAliases<C>(group: Record<string, Exercise<C>>, partition: Record<string, Exercise<C>>): Record<string, Exercise<C>> {
  const call = (c: C, method: string, ...args: unknown[]): unknown => (c as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
  return {
    watch: async (c, e) => void (call(c, 'watch', e.handler, 't'), await e.mock.start(), await e.mock.deliver('t', { value: Order.encode(order()).finish() }), expect(e.got).toHaveLength(1)),
    stopWatch: async (c, e) => {
      call(c, 'watch', e.handler, 't');
      await e.mock.start();
      call(c, 'stopWatch', 't');
      await e.mock.deliver('t', { value: 'v' });
      expect(e.got).toHaveLength(0);
    },
    watchPartition: async (c, e) => {
      await call(c, 'watchPartition', e.handler, 't', 1, 1);
      await e.mock.start();
      for (let i = 0; i < 3; i++) await e.mock.deliver('t', { value: Order.encode(order()).finish(), partition: 1 });
      expect(e.got.map((m) => m.offset)).toEqual([1n, 2n]);
    },
    stopWatchPartition: async (c, e) => {
      await call(c, 'watchPartition', e.handler, 't', 1, OffsetOldest);
      await e.mock.start();
      call(c, 'stopWatchPartition', 't', 1, 'oldest');
      await e.mock.deliver('t', { value: 'v', partition: 1 });
      expect(e.got).toHaveLength(0);
    },
    ...group,
    ...partition,
  };
}

const tables: Array<[string, { prototype: object }, (mock: MockMultiplexer) => unknown, Record<string, Exercise<never>>]> = [
  ['BytesConnection', BytesConnection, (m) => m.newBytesConnection('bytes'), { ...bytesSends, ...watcherAliases(groupConsumption, {}) }],
  ['BytesManualConnection', BytesManualConnection, (m) => m.newBytesManualConnection('manual'), { ...bytesSends, ...watcherAliases({}, partitionConsumption) }],
  ['ProtoConnection', ProtoConnection, (m) => m.newProtoConnection('proto'), { ...protoSends, ...watcherAliases(groupConsumption, {}) }],
  ['ProtoManualConnection', ProtoManualConnection, (m) => m.newProtoManualConnection('proto-manual'), { ...protoSends, ...watcherAliases({}, partitionConsumption) }],
];

describe.each(tables)('every public method of %s works over a MockMultiplexer', (_name, cls, make, exercises) => {
  test('each method has an exercise here (a new method needs one)', () => {
    const missing = methodsOf(cls).filter((m) => !(m in exercises));
    expect(missing).toEqual([]);
  });

  test.each(methodsOf(cls))('%s', async (method) => {
    const e = env();
    await (exercises[method] as Exercise<unknown>)(make(e.mock), e);
  });
});
