/** Typed errors of the consumer layer: fetching, group membership, partition assignment. */
import { KafkaesqueError } from '../../protocol/errors.js';

/** A partition-level failure the application should hear about. */
export class PartitionError extends KafkaesqueError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    cause: Error,
  ) {
    super(cause instanceof KafkaesqueError ? cause.code : 'ERR_FETCH', `${topic}-${partition}: ${cause.message}`, {
      retriable: cause instanceof KafkaesqueError && cause.retriable,
      cause,
    });
  }
}

/** A group-level failure: what the coordinator said, and what to do. */
export class GroupError extends KafkaesqueError {
  constructor(message: string, cause?: unknown, retriable = false) {
    super('ERR_GROUP', message, { cause, retriable });
  }
}

/** `assignorByName` was given a name no assignor here has (`knownAssignors`: the names it has). */
export class UnknownAssignorError extends KafkaesqueError {
  readonly assignorName: string;

  constructor(name: string, knownAssignors: readonly string[]) {
    super(
      'ERR_UNKNOWN_ASSIGNOR',
      `unknown partition assignor '${name}'; known assignors: ${knownAssignors.map((n) => `'${n}'`).join(', ')}`,
    );
    this.assignorName = name;
  }
}

/**
 * The assignor met input on which Java's assignor fails: Java throws the exception named in the
 * message (`javaBehaviour: 'throws'`), or Java never returns (`'hangs'`: an endless loop of the
 * sticky assignor's rebalancing, detected here by a repeated state).
 */
export class AssignmentError extends KafkaesqueError {
  readonly javaBehaviour: 'throws' | 'hangs';

  constructor(message: string, javaBehaviour: 'throws' | 'hangs' = 'throws') {
    super('ERR_ASSIGNMENT', message);
    this.javaBehaviour = javaBehaviour;
  }
}
