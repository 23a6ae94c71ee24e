/** Typed errors of the Multiplexer layer (src/mux). */
import { KafkaesqueError } from '../../protocol/errors.js';

/** A subscription made after `start()`: subscriptions are fixed when the group is joined. */
export class MuxStartedError extends KafkaesqueError {
  constructor(what: string) {
    super('ERR_MUX_STARTED', `${what}: the Multiplexer is already started; subscribe to topics before start()`);
  }
}

/** An operation on a Multiplexer (or one of its connections) after `close()`. */
export class MuxClosedError extends KafkaesqueError {
  constructor(what: string) {
    super('ERR_MUX_CLOSED', `${what}: the Multiplexer is closed`);
  }
}

/** A misuse of a connection: a bad argument, a partition consumed twice, a value that cannot be encoded. */
export class MuxUsageError extends KafkaesqueError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * A Multiplexer config file that cannot be used: unreadable, not YAML, an unknown key, or a
 * value the client configuration refuses. Names the file, the line (1-based, 0 when unknown)
 * and the key (a dotted path such as `tls.skip-verify`).
 */
export class MuxConfigError extends KafkaesqueError {
  readonly file: string;
  readonly line: number;
  readonly key: string;

  constructor(file: string, line: number, key: string, problem: string, options?: { cause?: unknown }) {
    const where = line > 0 ? `${file}:${line}` : file;
    super('ERR_MUX_CONFIG', `${where}: ${key ? `${key}: ` : ''}${problem}`, options);
    this.file = file;
    this.line = line;
    this.key = key;
  }
}

/** A handler failed; the message is not marked (the handler marks what it processed). */
export class HandlerError extends KafkaesqueError {
  constructor(
    readonly connection: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: bigint,
    cause: unknown,
  ) {
    super(
      'ERR_MUX_HANDLER',
      `connection '${connection}': the handler of ${topic}-${partition}@${offset} failed: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}
