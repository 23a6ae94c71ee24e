/**
 * Incremental fetch sessions (KIP-227), one per broker.
 *
 * The first request of a session is a full fetch with SessionId 0 and SessionEpoch 0, which
 * asks the broker to create a session; the broker answers with its id. Later requests carry
 * that id and the next epoch, and list only the partitions that are new or whose fetch
 * parameters changed (usually: the offset moved because data came back); partitions the
 * session holds but the client no longer wants are listed as forgotten. The broker answers
 * only for partitions with something new. An error on the session (FETCH_SESSION_ID_NOT_FOUND,
 * INVALID_FETCH_SESSION_EPOCH) or a failed request starts a new session with a full fetch;
 * there is no "always full" mode, which would fill the broker's session cache.
 */
import { ErrorCode } from '../../protocol/error-codes.js';

/** Epoch of a request that creates a session (a full fetch). */
export const INITIAL_EPOCH = 0;
/** Session id of "no session". */
export const INVALID_SESSION_ID = 0;

/** What the broker's session holds for a partition; a change means the partition is re-sent. */
export interface FetchPartitionParams {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  currentLeaderEpoch: number;
  partitionMaxBytes: number;
}

export interface SessionRequest {
  sessionId: number;
  sessionEpoch: number;
  /** Partitions to send (all of them in a full fetch). */
  toSend: FetchPartitionParams[];
  /** Partitions the session holds that the client no longer wants. */
  toForget: Array<{ topic: string; topicId: string; partition: number }>;
  /** Every partition the session will hold after this request. */
  next: Map<string, FetchPartitionParams>;
  full: boolean;
}


function sameParams(a: FetchPartitionParams, b: FetchPartitionParams): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.partitionMaxBytes === b.partitionMaxBytes &&
    a.topicId === b.topicId
  );
}

export class FetchSession {
  sessionId = INVALID_SESSION_ID;
  nextEpoch = INITIAL_EPOCH;
  /** What the broker holds for this session (as of the last successful response). */
  private session = new Map<string, FetchPartitionParams>();

  /** The request for `wanted` partitions: a full fetch when no session exists, else incremental. */
  build(wanted: Map<string, FetchPartitionParams>): SessionRequest {
    if (this.nextEpoch === INITIAL_EPOCH) {
      return {
        sessionId: INVALID_SESSION_ID,
        sessionEpoch: INITIAL_EPOCH,
        toSend: [...wanted.values()],
        toForget: [],
        next: wanted,
        full: true,
      };
    }
    const toSend: FetchPartitionParams[] = [];
    for (const [key, p] of wanted) {
      const held = this.session.get(key);
      if (held === undefined || !sameParams(held, p)) toSend.push(p);
    }
    const toForget: SessionRequest['toForget'] = [];
    for (const [key, p] of this.session) {
      if (!wanted.has(key)) toForget.push({ topic: p.topic, topicId: p.topicId, partition: p.partition });
    }
    return { sessionId: this.sessionId, sessionEpoch: this.nextEpoch, toSend, toForget, next: wanted, full: false };
  }

  /**
   * Updates the session after a response: `errorCode` is the response's top-level error,
   * `sessionId` the id it carries. Returns false when the session had to be reset.
   */
  handleResponse(request: SessionRequest, errorCode: number, sessionId: number): boolean {
    if (errorCode !== ErrorCode.NONE) {
      this.reset();
      return false;
    }
    if (request.full) {
      if (sessionId === INVALID_SESSION_ID) {
        // the broker did not create a session (its cache is full): stay sessionless
        this.reset();
        return true;
      }
      this.sessionId = sessionId;
      this.nextEpoch = 1;
    } else {
      this.nextEpoch = this.nextEpoch === 0x7fffffff ? 1 : this.nextEpoch + 1;
    }
    this.session = new Map(request.next);
    return true;
  }

  /** Forgets the session: the next request is a full fetch that creates a new one. */
  reset(): void {
    this.sessionId = INVALID_SESSION_ID;
    this.nextEpoch = INITIAL_EPOCH;
    this.session = new Map();
  }

  /** Partitions the broker's session holds. */
  get size(): number {
    return this.session.size;
  }
}
