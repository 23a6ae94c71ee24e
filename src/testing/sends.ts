/**
 * What the test doubles share: the topics' partition counts, one offset sequence per
 * topic-partition (as a broker's log: sends and deliveries take the next offset of the same
 * partition), the record of every send, and the failures a test injects.
 *
 * Partitions are chosen by the producers' own {@link Partitioner}, so a mock puts a key where
 * the real producer with the same settings would.
 */
import { EventEmitter } from 'node:events';
import { KafkaesqueError } from '../../protocol/errors.js';
import type { MessageBytes, MessageHeader } from '../producer/message.js';
import { Partitioner, type PartitionerOptions } from '../producer/partitioner.js';
import { MockSendError, UnexpectedSendError } from './errors.js';
import type { SentMessage } from './types.js';

/**
 * Picks sends: every field given must equal the send's (bytes compared as bytes, a string as
 * its UTF-8 bytes), or a predicate.
 */
export type SendMatcher =
  | {
      topic?: string;
      partition?: number;
      key?: MessageBytes | null;
      value?: MessageBytes | null;
      connection?: string;
      producer?: 'sync' | 'async';
    }
  | ((message: SentMessage) => boolean);

/** Returned by `expectSend`: the expected send succeeds unless `andFail` says otherwise. */
export interface SendExpectation {
  /** The expected send fails with `error` (default a {@link MockSendError}). */
  andFail(error?: Error): SendExpectation;
  /** The expected send succeeds (the default). */
  andSucceed(): SendExpectation;
}

/**
 * How a mock places messages: the partition counts, and the producers' partitioner options
 * (`partitioner` defaults to `'hash'`, as Config.partitioner; `random` makes sticky and random
 * choices deterministic).
 */
export interface MockPartitioningOptions extends Partial<PartitionerOptions> {
  /** Partition count per topic; topics not named get `defaultPartitions`. */
  partitions?: Record<string, number>;
  /** Partition count of topics not in `partitions`. Default 1. */
  defaultPartitions?: number;
}

interface Rule {
  matcher: SendMatcher | undefined;
  error: Error;
  once: boolean;
}

interface Expectation {
  matcher: SendMatcher | undefined;
  error: Error | undefined;
}

/** @internal The state one mock (a Multiplexer and its producers, or one producer) keeps. */
export class MockLog {
  private readonly counts = new Map<string, number>();
  private readonly defaultPartitions: number;
  private readonly partitioner: Partitioner;
  private readonly next = new Map<string, bigint>();
  readonly acked: SentMessage[] = [];
  readonly failures: SentMessage[] = [];
  /** Sends of aborted transactions. */
  readonly aborted: SentMessage[] = [];
  /** Errors the next transaction commits fail with (failNextCommit). */
  readonly commitFailures: Error[] = [];
  private rules: Rule[] = [];
  private expectations: Expectation[] = [];
  private strict = false;
  private unexpected: UnexpectedSendError[] = [];

  constructor(options: MockPartitioningOptions) {
    this.defaultPartitions = checkCount('defaultPartitions', options.defaultPartitions ?? 1);
    for (const [topic, n] of Object.entries(options.partitions ?? {})) this.counts.set(topic, checkCount(`partitions.${topic}`, n));
    this.partitioner = new Partitioner({ ...options, partitioner: options.partitioner ?? 'hash' });
  }

  partitionCount(topic: string): number {
    return this.counts.get(topic) ?? this.defaultPartitions;
  }

  setPartitions(topic: string, count: number): void {
    this.counts.set(topic, checkCount(`partitions of '${topic}'`, count));
  }

  /** The partition of a message; throws PartitionerError as the real producer reports it. */
  choosePartition(topic: string, key: Buffer | null, explicit: number | undefined): number {
    return this.partitioner.partition(topic, key, this.partitionCount(topic), [], explicit);
  }

  /** The offset the next message of the partition gets. */
  logEnd(topic: string, partition: number): bigint {
    return this.next.get(`${topic}\u0000${partition}`) ?? 0n;
  }

  /** Takes the partition's next offset, or records `offset` (the log end moves past it). */
  append(topic: string, partition: number, offset?: bigint): bigint {
    const k = `${topic}\u0000${partition}`;
    const end = this.next.get(k) ?? 0n;
    const at = offset ?? end;
    if (at >= end) this.next.set(k, at + 1n);
    return at;
  }

  /** The injected outcome of a send: an error, or undefined for success. */
  outcome(send: SentMessage): Error | undefined {
    if (this.strict) {
      const e = this.expectations.shift();
      if (e === undefined) return this.reject(new UnexpectedSendError(send, 'every expected send has come (no expectation left)'));
      if (!matches(e.matcher, send)) {
        return this.reject(new UnexpectedSendError(send, `the next expected send is ${describeMatcher(e.matcher)}`));
      }
      return e.error;
    }
    const i = this.rules.findIndex((r) => matches(r.matcher, send));
    if (i < 0) return undefined;
    const rule = this.rules[i]!;
    if (rule.once) this.rules.splice(i, 1);
    return rule.error;
  }

  private reject(err: UnexpectedSendError): Error {
    this.unexpected.push(err);
    return err;
  }

  failNext(error: Error | undefined, matcher: SendMatcher | undefined): void {
    this.rules.push({ matcher, error: error ?? new MockSendError(), once: true });
  }

  failAll(error: Error | undefined, matcher: SendMatcher | undefined): () => void {
    const rule: Rule = { matcher, error: error ?? new MockSendError(), once: false };
    this.rules.push(rule);
    return () => {
      this.rules = this.rules.filter((r) => r !== rule);
    };
  }

  expect(matcher: SendMatcher | undefined): SendExpectation {
    this.strict = true;
    const e: Expectation = { matcher, error: undefined };
    this.expectations.push(e);
    const handle: SendExpectation = {
      andFail: (error?: Error) => {
        e.error = error ?? new MockSendError();
        return handle;
      },
      andSucceed: () => {
        e.error = undefined;
        return handle;
      },
    };
    return handle;
  }

  /** Throws when an expected send has not come or a send came unexpected. */
  verify(): void {
    const problems = [
      ...this.expectations.map((e) => `expected send not made: ${describeMatcher(e.matcher)}`),
      ...this.unexpected.map((e) => e.message),
    ];
    if (problems.length > 0) {
      throw new KafkaesqueError('ERR_MOCK_EXPECTATIONS', `the mock's send expectations are not met:\n  ${problems.join('\n  ')}`);
    }
  }

  /** Forgets the recorded sends, the injected failures and the expectations; offsets go on. */
  reset(): void {
    this.acked.length = 0;
    this.failures.length = 0;
    this.aborted.length = 0;
    this.commitFailures.length = 0;
    this.rules = [];
    this.expectations = [];
    this.unexpected = [];
    this.strict = false;
  }
}

/**
 * What a test reads and injects, the same on every mock (MockMultiplexer, MockSyncProducer,
 * MockAsyncProducer), over the MockLog it keeps or shares. An EventEmitter, as the Multiplexer
 * and the AsyncProducer are (MockSyncProducer has no events).
 */
export abstract class MockSends<Events extends Record<keyof Events, unknown[]>> extends EventEmitter<Events> {
  /** @internal */ abstract readonly log: MockLog;

  /** The sends this mock reads and fails: a producer's own, all of the Multiplexer's. */
  protected scope(matcher: SendMatcher | undefined): SendMatcher | undefined {
    return matcher;
  }

  /** The acknowledged sends (matching `matcher`), in send order. */
  sent(matcher?: SendMatcher): SentMessage[] {
    return select(this.log.acked, this.scope(matcher));
  }

  /** The failed sends (matching `matcher`), each with its `error`. */
  failed(matcher?: SendMatcher): SentMessage[] {
    return select(this.log.failures, this.scope(matcher));
  }

  /** The next send (matching `matcher`) fails with `error` (default a MockSendError). */
  failNextSend(error?: Error, matcher?: SendMatcher): void {
    this.log.failNext(error, this.scope(matcher));
  }

  /** Every send (matching `matcher`) fails with `error` until the returned function is called. */
  failSends(error?: Error, matcher?: SendMatcher): () => void {
    return this.log.failAll(error, this.scope(matcher));
  }

  /**
   * Strict mode, as sarama's mocks: from the first expectation on, each send must match the
   * next expectation in order; one that does not (or comes after the last) fails with
   * UnexpectedSendError. `verify()` throws if an expectation is unmet or a send was unexpected.
   */
  expectSend(matcher?: SendMatcher): SendExpectation {
    return this.log.expect(matcher);
  }

  /** Throws when an expected send has not come or a send came unexpected. */
  verify(): void {
    this.log.verify();
  }

  /** Forgets the recorded sends, injected failures and expectations (offsets go on). */
  reset(): void {
    this.log.reset();
  }

  /** Sets the partition count of `topic` (others have the default). */
  setPartitions(topic: string, count: number): void {
    this.log.setPartitions(topic, count);
  }
}

/** Sends of `list` matching `matcher` (all without one), as copies. */
export function select(list: readonly SentMessage[], matcher: SendMatcher | undefined): SentMessage[] {
  return list.filter((m) => matches(matcher, m)).map((m) => ({ ...m, headers: [...m.headers] }));
}

function matches(matcher: SendMatcher | undefined, m: SentMessage): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(m);
  return (
    (matcher.topic === undefined || matcher.topic === m.topic) &&
    (matcher.partition === undefined || matcher.partition === m.partition) &&
    (matcher.connection === undefined || matcher.connection === m.connection) &&
    (matcher.producer === undefined || matcher.producer === m.producer) &&
    (matcher.key === undefined || sameBytes(matcher.key, m.key)) &&
    (matcher.value === undefined || sameBytes(matcher.value, m.value))
  );
}

function sameBytes(want: MessageBytes | null, got: Buffer | null): boolean {
  if (want === null || got === null) return want === got;
  return toBuffer(want).equals(got);
}

/** The bytes of a key, value or header value (a string as UTF-8), null kept. */
export function toBuffer(v: MessageBytes): Buffer;
export function toBuffer(v: MessageBytes | null): Buffer | null;
export function toBuffer(v: MessageBytes | null): Buffer | null {
  if (v === null) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function toHeaders(headers: readonly MessageHeader[]): Array<{ key: string; value: Buffer | null }> {
  return headers.map((h) => ({ key: h.key, value: toBuffer(h.value) }));
}

function describeMatcher(matcher: SendMatcher | undefined): string {
  if (matcher === undefined) return 'any send';
  if (typeof matcher === 'function') return 'a send the predicate accepts';
  const parts = Object.entries(matcher)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v === null ? 'null' : typeof v === 'string' || typeof v === 'number' ? JSON.stringify(v) : `<${(v as Uint8Array).length} bytes>`}`);
  return parts.length === 0 ? 'any send' : `{ ${parts.join(', ')} }`;
}

function checkCount(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) {
    throw new KafkaesqueError('ERR_MOCK_OPTIONS', `${what}: a partition count must be an integer >= 1, got ${String(n)}`);
  }
  return n;
}
