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

/**
 * The group's partition assignor failed: it threw, ran past rebalanceTimeoutMs, or returned an assignment the group cannot
 * use (a member or topic the group does not have, a partition out of range, a COOPERATIVE move
 * straight from one owner to another), or bad subscription userData. The rebalance fails; the
 * fix is in the assignor (`assignorName`), or in choosing another one in `Config.assignors`.
 */
export class AssignorError extends KafkaesqueError {
  readonly assignorName: string;

  constructor(assignorName: string, problem: string, cause?: unknown) {
    super(
      'ERR_ASSIGNOR',
      `partition assignor '${assignorName}' ${problem}${cause instanceof Error ? `: ${cause.message}` : ''}; the rebalance failed: fix the assignor or choose another in Config.assignors`,
      { cause },
    );
    this.assignorName = assignorName;
  }
}
