/**
 * Protobuf connections: the bytes connections' operations with protobufjs messages. A value is
 * a protobufjs message (created by `Type.create`/`fromObject`, or a generated class: anything
 * with `$type`), or a plain object together with its `Type`. Handlers receive a
 * {@link ProtoMessage} whose `getValue(Type)` decodes the value.
 *
 * Serializers: {@link jsonSerializer} (the Multiplexer's default, as the Go plugin's: protobuf's
 * JSON mapping exactly as Go's protojson writes it with the proto field names, well-known types
 * included; both naming styles read at every depth), {@link protoJsonSerializer} for other
 * options (lowerCamelCase output), and {@link binarySerializer} (protobuf wire format).
 */
import type * as protobuf from 'protobufjs';
import type { RecordHeader } from '../../protocol/records.js';
import type { ConsumerMessage, StartOffset } from '../client/consumer.js';
import type { BytesConnection, BytesManualConnection, ConnectionTransaction, ErrorCallback, Key, SendingConnection, SendResult, SuccessCallback } from './connections.js';
import { MuxUsageError } from './errors.js';
import { fromProtoJson, toProtoJson, type ProtoJsonOptions } from './protojson.js';

/** A protobufjs message (it knows its Type) or a plain object with its Type. */
export type ProtoValue = protobuf.Message<object> | { type: protobuf.Type; value: object };

export interface ProtoSerializer {
  readonly name: string;
  encode(type: protobuf.Type, value: object): Buffer;
  decode<T extends object = Record<string, unknown>>(type: protobuf.Type, bytes: Buffer): T;
}

export const binarySerializer: ProtoSerializer = {
  name: 'binary',
  encode(type, value) {
    const err = type.verify(value);
    if (err !== null && !(value instanceof (type.ctor as unknown as Function))) {
      throw new MuxUsageError('ERR_MUX_PROTO', `${type.fullName}: ${err}`);
    }
    const bytes = type.encode(value instanceof (type.ctor as unknown as Function) ? value : type.fromObject(value)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  decode<T extends object>(type: protobuf.Type, bytes: Buffer): T {
    return type.decode(bytes) as unknown as T;
  },
};

/**
 * A JSON serializer: protobuf's JSON mapping exactly as Go's protojson writes and reads it (see
 * src/mux/protojson.ts). `useProtoNames` (default true) writes the .proto file's field names, as
 * cn-infra's `keyval.SerializerJSON`; false writes lowerCamelCase (protojson's own default).
 * Both names are accepted on decode, at every depth.
 */
export function protoJsonSerializer(options: ProtoJsonOptions = {}): ProtoSerializer {
  const opts: ProtoJsonOptions = { ...options };
  return {
    name: opts.useProtoNames === false ? 'json-camel' : 'json',
    encode(type, value) {
      return Buffer.from(toProtoJson(type, value, opts), 'utf8');
    },
    decode<T extends object>(type: protobuf.Type, bytes: Buffer): T {
      return fromProtoJson<T>(type, bytes, opts) as unknown as T;
    },
  };
}

/** The Go plugin's serializer (cn-infra `keyval.SerializerJSON`): protojson with proto field names. The Multiplexer's default. */
export const jsonSerializer: ProtoSerializer = protoJsonSerializer({ useProtoNames: true });

function toBytes(serializer: ProtoSerializer, value: ProtoValue): Buffer {
  if (value !== null && typeof value === 'object' && 'type' in value && 'value' in value && (value as { type: unknown }).type !== undefined) {
    const v = value as { type: protobuf.Type; value: object };
    if (typeof v.type?.encode === 'function') return serializer.encode(v.type, v.value);
  }
  const type = (value as { $type?: protobuf.Type } | null)?.$type;
  if (type === undefined) {
    throw new MuxUsageError('ERR_MUX_PROTO', 'a proto value must be a protobufjs message (with $type) or { type, value }');
  }
  return serializer.encode(type, value);
}

/** A consumed message whose value is a protobuf message. */
export class ProtoMessage {
  constructor(
    /** The message as consumed (value undecoded). */
    readonly raw: ConsumerMessage,
    private readonly serializer: ProtoSerializer,
  ) {}

  get topic(): string {
    return this.raw.topic;
  }
  get partition(): number {
    return this.raw.partition;
  }
  get offset(): bigint {
    return this.raw.offset;
  }
  get key(): Buffer | null {
    return this.raw.key;
  }
  get headers(): RecordHeader[] {
    return this.raw.headers;
  }
  get timestamp(): number {
    return this.raw.timestamp;
  }

  /** Decodes the value as `type` (with the connection's serializer). */
  getValue<T extends object = Record<string, unknown>>(type: protobuf.Type): T {
    if (this.raw.value === null) throw new MuxUsageError('ERR_MUX_PROTO', `${this.topic}-${this.partition}@${this.offset} has no value`);
    return this.serializer.decode<T>(type, this.raw.value);
  }
}

export type ProtoHandler = (message: ProtoMessage) => void | Promise<void>;

export interface ProtoSyncPublisher {
  readonly topic: string;
  put(key: Key, data: ProtoValue): Promise<SendResult>;
}

export interface ProtoAsyncPublisher {
  readonly topic: string;
  put(key: Key, data: ProtoValue, metadata?: unknown): void | Promise<void>;
}

class ProtoSending<C extends SendingConnection> {
  constructor(
    /** @internal */ readonly bytes: C,
    readonly serializer: ProtoSerializer,
  ) {}

  get name(): string {
    return this.bytes.name;
  }

  /**
   * Runs `fn` in a Kafka transaction: its sends through `tx` (proto or bytes) and its marks are
   * committed together, or not at all (see BytesConnection.transaction).
   */
  transaction<T>(fn: (tx: ProtoTransaction) => T | Promise<T>): Promise<T> {
    return this.bytes.transaction((tx) => fn(new ProtoTransaction(tx, this.serializer)));
  }

  // Raw bytes through a proto connection (no serializer), as on every connection.
  sendSyncByte(topic: string, key: Key, value: Buffer | Uint8Array): Promise<SendResult> {
    return this.bytes.sendSyncByte(topic, key, value);
  }

  sendSyncString(topic: string, key: Key, value: string): Promise<SendResult> {
    return this.bytes.sendSyncString(topic, key, value);
  }

  sendSyncByteToPartition(topic: string, partition: number, key: Key, value: Buffer | Uint8Array): Promise<SendResult> {
    return this.bytes.sendSyncByteToPartition(topic, partition, key, value);
  }

  sendSyncStringToPartition(topic: string, partition: number, key: Key, value: string): Promise<SendResult> {
    return this.bytes.sendSyncStringToPartition(topic, partition, key, value);
  }

  sendAsyncByte<M = unknown>(topic: string, key: Key, value: Buffer | Uint8Array, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.bytes.sendAsyncByte(topic, key, value, metadata, onSuccess, onError);
  }

  sendAsyncString<M = unknown>(topic: string, key: Key, value: string, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.bytes.sendAsyncString(topic, key, value, metadata, onSuccess, onError);
  }

  sendAsyncByteToPartition<M = unknown>(topic: string, partition: number, key: Key, value: Buffer | Uint8Array, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.bytes.sendAsyncByteToPartition(topic, partition, key, value, metadata, onSuccess, onError);
  }

  sendAsyncStringToPartition<M = unknown>(topic: string, partition: number, key: Key, value: string, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.bytes.sendAsyncStringToPartition(topic, partition, key, value, metadata, onSuccess, onError);
  }

  sendSyncMessage(topic: string, key: Key, value: ProtoValue): Promise<SendResult> {
    return this.bytes.sendSyncMessage(topic, key, toBytes(this.serializer, value));
  }

  sendSyncMessageToPartition(topic: string, partition: number, key: Key, value: ProtoValue): Promise<SendResult> {
    return this.bytes.sendSyncMessageToPartition(topic, partition, key, toBytes(this.serializer, value));
  }

  sendAsyncMessage<M = unknown>(topic: string, key: Key, value: ProtoValue, metadata?: M, onSuccess?: SuccessCallback<M>, onError?: ErrorCallback): void | Promise<void> {
    return this.bytes.sendAsyncMessage(topic, key, toBytes(this.serializer, value), metadata, onSuccess, onError);
  }

  sendAsyncMessageToPartition<M = unknown>(
    topic: string,
    partition: number,
    key: Key,
    value: ProtoValue,
    metadata?: M,
    onSuccess?: SuccessCallback<M>,
    onError?: ErrorCallback,
  ): void | Promise<void> {
    return this.bytes.sendAsyncMessageToPartition(topic, partition, key, toBytes(this.serializer, value), metadata, onSuccess, onError);
  }

  newSyncPublisher(topic: string): ProtoSyncPublisher {
    return { topic, put: (key, data) => this.sendSyncMessage(topic, key, data) };
  }

  newAsyncPublisher(topic: string, onSuccess?: SuccessCallback, onError?: ErrorCallback): ProtoAsyncPublisher {
    return { topic, put: (key, data, metadata) => this.sendAsyncMessage(topic, key, data, metadata, onSuccess, onError) };
  }

  newSyncPublisherToPartition(topic: string, partition: number): ProtoSyncPublisher {
    return { topic, put: (key, data) => this.sendSyncMessageToPartition(topic, partition, key, data) };
  }

  newAsyncPublisherToPartition(topic: string, partition: number, onSuccess?: SuccessCallback, onError?: ErrorCallback): ProtoAsyncPublisher {
    return { topic, put: (key, data, metadata) => this.sendAsyncMessageToPartition(topic, partition, key, data, metadata, onSuccess, onError) };
  }
}

/** A protobuf connection consuming through the group. */
export class ProtoConnection extends ProtoSending<BytesConnection> {
  consumeTopic(handler: ProtoHandler, ...topics: string[]): void {
    this.bytes.consumeTopic((m) => handler(new ProtoMessage(m, this.serializer)), ...topics);
  }

  stopConsuming(topic: string): void {
    this.bytes.stopConsuming(topic);
  }

  /** The Go layer's `ProtoWatcher.Watch`: the same as {@link consumeTopic}. */
  watch(handler: ProtoHandler, ...topics: string[]): void {
    this.consumeTopic(handler, ...topics);
  }

  /** The Go layer's `ProtoWatcher.StopWatch`: the same as {@link stopConsuming}. */
  stopWatch(topic: string): void {
    this.stopConsuming(topic);
  }

  markOffset(message: ProtoMessage | Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    this.bytes.markOffset(message instanceof ProtoMessage ? message.raw : message, metadata);
  }

  /** Marks `offset` of `topic`-`partition` processed by this connection (the Go layer's `MarkPartitionOffset`). */
  markPartitionOffset(topic: string, partition: number, offset: bigint | number, metadata?: string): void {
    this.bytes.markPartitionOffset(topic, partition, offset, metadata);
  }

  commitOffsets(): Promise<void> {
    return this.bytes.commitOffsets();
  }
}

/** A protobuf connection consuming single partitions. */
export class ProtoManualConnection extends ProtoSending<BytesManualConnection> {
  consumePartition(handler: ProtoHandler, topic: string, partition: number, offset: StartOffset): Promise<void> {
    return this.bytes.consumePartition((m) => handler(new ProtoMessage(m, this.serializer)), topic, partition, offset);
  }

  /** Stops the subscription started from `offset` (see BytesManualConnection.stopConsumingPartition). */
  stopConsumingPartition(topic: string, partition: number, offset?: StartOffset): void {
    this.bytes.stopConsumingPartition(topic, partition, offset);
  }

  /** The Go layer's `ProtoPartitionWatcher.WatchPartition`: the same as {@link consumePartition}. */
  watchPartition(handler: ProtoHandler, topic: string, partition: number, offset: StartOffset): Promise<void> {
    return this.consumePartition(handler, topic, partition, offset);
  }

  /** The Go layer's `ProtoPartitionWatcher.StopWatchPartition`: the same as {@link stopConsumingPartition}. */
  stopWatchPartition(topic: string, partition: number, offset: StartOffset): void {
    this.stopConsumingPartition(topic, partition, offset);
  }
}

/** A transaction of a proto connection: its sends (proto or bytes) and marks commit together. */
export class ProtoTransaction extends ProtoSending<ConnectionTransaction> {
  /** Marks `message` processed by this transaction (committed with it, or never). */
  markOffset(message: ProtoMessage | Pick<ConsumerMessage, 'topic' | 'partition' | 'offset'>, metadata?: string): void {
    this.bytes.markOffset(message instanceof ProtoMessage ? message.raw : message, metadata);
  }

  markPartitionOffset(topic: string, partition: number, offset: bigint | number, metadata?: string): void {
    this.bytes.markPartitionOffset(topic, partition, offset, metadata);
  }

  /** Transactions do not nest: MuxUsageError (`ERR_MUX_TXN_NESTED`). */
  override transaction<T>(_fn: (tx: ProtoTransaction) => T | Promise<T>): Promise<T> {
    return this.bytes.transaction(() => undefined as T);
  }
}
