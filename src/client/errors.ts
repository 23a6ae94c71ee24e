/** Typed errors of the client layer. None of them carries credentials or payload bytes. */
import { KafkaesqueError } from '../../protocol/errors.js';

/**
 * An invalid client configuration: a wrong type, a value out of range or not in an enum, an
 * unknown option name, or options that contradict each other (e.g. `idempotent: true` with
 * `acks: 1`). Raised by `new Config(...)` and by every `Config` setter, before anything is
 * changed. The message names the option and what is allowed, e.g.
 * `Config.acks: got 2; allowed: 0, 1, -1 or 'all'`; it never contains a secret (the SASL
 * password, the TLS key or passphrase): those are described by their type only.
 */
export class ConfigError extends KafkaesqueError {
  /** The option at fault, as a path: `acks`, `brokers[1]`, `sasl.password`, `tls.ca`. */
  readonly field: string;
  /** What the option accepts, in words: `0, 1, -1 or 'all'`, `an integer from 0 to 2147483647`. */
  readonly allowed: string;

  /**
   * @param field the option path
   * @param problem what is wrong (`got 2`, `unknown option`)
   * @param allowed what would be accepted
   * @param hint replaces the `allowed: ...` part of the message when a more specific advice
   *   exists (e.g. `did you mean 'lingerMs'?`); `allowed` is still set on the error
   */
  constructor(field: string, problem: string, allowed: string, hint?: string) {
    super('ERR_CONFIG', `Config.${field}: ${problem}; ${hint ?? `allowed: ${allowed}`}`);
    this.field = field;
    this.allowed = allowed;
  }
}

/** `consumePartition` called after the consumer's `close()`. */
export class ConsumerClosedError extends KafkaesqueError {
  constructor() {
    super('ERR_CONSUMER_CLOSED', 'the consumer is closed; create a new one to consume again');
  }
}

/**
 * A start offset that is none of OffsetOldest, OffsetNewest, 'oldest', 'newest' or an offset
 * >= 0. A plain KafkaesqueError (code ERR_INVALID_OFFSET), shared by the Consumer and its test
 * double so both say the same.
 */
export function invalidStartOffset(offset: unknown): KafkaesqueError {
  return new KafkaesqueError(
    'ERR_INVALID_OFFSET',
    `start offset must be OffsetOldest (-2), OffsetNewest (-1), 'oldest', 'newest' or an offset >= 0, got ${String(offset)}`,
  );
}
