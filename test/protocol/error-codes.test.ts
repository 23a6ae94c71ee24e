import { ERROR_CODES, ErrorCode, errorCodeInfo } from '../../protocol/error-codes.js';
import type { ErrorCodeInfo, ErrorName } from '../../protocol/error-codes.js';

// Expected values below come from Kafka 4.2.1's `Errors` enum (kafka-clients-4.2.1.jar):
// `exception() instanceof RetriableException` / `InvalidMetadataException`.
// test/conformance/error-codes.conformance.test.ts re-checks codes, names and retriable flags
// against the live JVM; the invalidMetadata flag is only checked here.

const INVALID_METADATA_IN_KAFKA_4_2_1: readonly ErrorName[] = [
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REPLICA_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
  'KAFKA_STORAGE_ERROR',
  'LISTENER_NOT_FOUND',
  'FENCED_LEADER_EPOCH',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'ELIGIBLE_LEADERS_NOT_AVAILABLE',
  'ELECTION_NOT_NEEDED',
  'UNKNOWN_TOPIC_ID',
  'INCONSISTENT_TOPIC_ID',
];

function info(name: ErrorName): ErrorCodeInfo {
  return errorCodeInfo(ErrorCode[name]);
}

describe('ERROR_CODES table', () => {
  it('covers Kafka 4.2.1: 135 codes from -1 to 133 with no gaps', () => {
    expect(ERROR_CODES).toHaveLength(135);
    expect(ERROR_CODES[0]!.code).toBe(-1);
    expect(ERROR_CODES[ERROR_CODES.length - 1]!.code).toBe(133);
    ERROR_CODES.forEach((e, i) => expect(e.code).toBe(i - 1));
  });

  it('has unique codes in ascending order', () => {
    for (let i = 1; i < ERROR_CODES.length; i++) {
      expect(ERROR_CODES[i]!.code).toBeGreaterThan(ERROR_CODES[i - 1]!.code);
    }
    expect(new Set(ERROR_CODES.map((e) => e.code)).size).toBe(ERROR_CODES.length);
  });

  it('has unique names in Kafka enum style', () => {
    expect(new Set(ERROR_CODES.map((e) => e.name)).size).toBe(ERROR_CODES.length);
    for (const e of ERROR_CODES) expect(e.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('codes fit in an int16', () => {
    for (const e of ERROR_CODES) {
      expect(Number.isInteger(e.code)).toBe(true);
      expect(e.code).toBeGreaterThanOrEqual(-32768);
      expect(e.code).toBeLessThanOrEqual(32767);
    }
  });

  it('has a non-empty, single-line message for every code', () => {
    for (const e of ERROR_CODES) {
      expect(e.message.trim().length).toBeGreaterThan(10);
      expect(e.message).not.toMatch(/\n/);
      expect(e.message).toMatch(/[.)]$/);
    }
  });

  it('marks every invalidMetadata code as retriable', () => {
    for (const e of ERROR_CODES) {
      if (e.invalidMetadata) expect(e.retriable).toBe(true);
    }
  });

  it('has exactly the invalidMetadata codes of Kafka 4.2.1', () => {
    const ours = ERROR_CODES.filter((e) => e.invalidMetadata).map((e) => e.name);
    expect([...ours].sort()).toEqual([...INVALID_METADATA_IN_KAFKA_4_2_1].sort());
  });

  it('has 32 retriable codes, as in Kafka 4.2.1', () => {
    expect(ERROR_CODES.filter((e) => e.retriable)).toHaveLength(32);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
    for (const e of ERROR_CODES) expect(Object.isFrozen(e)).toBe(true);
  });
});

describe('ErrorCode', () => {
  it('agrees with ERROR_CODES in both directions', () => {
    const fromTable = Object.fromEntries(ERROR_CODES.map((e) => [e.name, e.code]));
    expect({ ...ErrorCode }).toEqual(fromTable);
    expect(Object.keys(ErrorCode)).toHaveLength(ERROR_CODES.length);
  });

  it('maps well-known names to their wire codes', () => {
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.TOPIC_AUTHORIZATION_FAILED).toBe(29);
    expect(ErrorCode.UNKNOWN_PRODUCER_ID).toBe(59);
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100);
    expect(ErrorCode.SHARE_SESSION_LIMIT_REACHED).toBe(133);
  });
});

describe('errorCodeInfo', () => {
  it('returns the table entry for a known code', () => {
    const e = errorCodeInfo(6);
    expect(e.code).toBe(6);
    expect(e.name).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(e).toBe(ERROR_CODES.find((x) => x.code === 6));
  });

  it('finds every code in the table, including -1 and 0', () => {
    for (const e of ERROR_CODES) expect(errorCodeInfo(e.code)).toBe(e);
    expect(errorCodeInfo(-1).name).toBe('UNKNOWN_SERVER_ERROR');
    expect(errorCodeInfo(0).name).toBe('NONE');
  });

  it.each([134, 999, 32767, -2, -32768])('returns a synthetic entry for unknown code %d', (code) => {
    const e = errorCodeInfo(code);
    expect(e).toEqual({
      code,
      name: `UNKNOWN_ERROR_CODE_${code}`,
      retriable: false,
      invalidMetadata: false,
      message: expect.stringContaining('does not know'),
    });
    expect(e.message).toContain(String(code));
  });

  it('treats non-integer input as unknown', () => {
    expect(errorCodeInfo(1.5).name).toBe('UNKNOWN_ERROR_CODE_1.5');
    expect(errorCodeInfo(Number.NaN).name).toBe('UNKNOWN_ERROR_CODE_NaN');
  });
});

describe('flags that matter for a client (Kafka 4.2.1)', () => {
  // [name, retriable, invalidMetadata]
  const cases: ReadonlyArray<readonly [ErrorName, boolean, boolean]> = [
    ['NONE', false, false],
    ['UNKNOWN_SERVER_ERROR', false, false],
    ['OFFSET_OUT_OF_RANGE', false, false],
    ['CORRUPT_MESSAGE', true, false],
    ['UNKNOWN_TOPIC_OR_PARTITION', true, true],
    ['LEADER_NOT_AVAILABLE', true, true],
    ['NOT_LEADER_OR_FOLLOWER', true, true],
    ['REQUEST_TIMED_OUT', true, false],
    ['BROKER_NOT_AVAILABLE', false, false],
    ['REPLICA_NOT_AVAILABLE', true, true],
    ['MESSAGE_TOO_LARGE', false, false],
    ['NETWORK_EXCEPTION', true, true],
    ['COORDINATOR_LOAD_IN_PROGRESS', true, false],
    ['COORDINATOR_NOT_AVAILABLE', true, false],
    ['NOT_COORDINATOR', true, false],
    ['NOT_ENOUGH_REPLICAS', true, false],
    ['NOT_ENOUGH_REPLICAS_AFTER_APPEND', true, false],
    ['ILLEGAL_GENERATION', false, false],
    ['UNKNOWN_MEMBER_ID', false, false],
    ['REBALANCE_IN_PROGRESS', false, false],
    ['TOPIC_AUTHORIZATION_FAILED', false, false],
    ['GROUP_AUTHORIZATION_FAILED', false, false],
    ['CLUSTER_AUTHORIZATION_FAILED', false, false],
    ['UNSUPPORTED_VERSION', false, false],
    ['NOT_CONTROLLER', true, false],
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', false, false],
    ['DUPLICATE_SEQUENCE_NUMBER', false, false],
    ['INVALID_PRODUCER_EPOCH', false, false],
    ['CONCURRENT_TRANSACTIONS', true, false],
    ['KAFKA_STORAGE_ERROR', true, true],
    ['SASL_AUTHENTICATION_FAILED', false, false],
    ['UNKNOWN_PRODUCER_ID', false, false],
    ['FETCH_SESSION_ID_NOT_FOUND', true, false],
    ['INVALID_FETCH_SESSION_EPOCH', true, false],
    ['FENCED_LEADER_EPOCH', true, true],
    ['UNKNOWN_LEADER_EPOCH', true, false],
    ['OFFSET_NOT_AVAILABLE', true, false],
    ['MEMBER_ID_REQUIRED', false, false],
    ['FENCED_INSTANCE_ID', false, false],
    ['UNSTABLE_OFFSET_COMMIT', true, false],
    ['THROTTLING_QUOTA_EXCEEDED', true, false],
    ['PRODUCER_FENCED', false, false],
    ['UNKNOWN_TOPIC_ID', true, true],
    ['INCONSISTENT_TOPIC_ID', true, true],
    ['FETCH_SESSION_TOPIC_ID_ERROR', true, false],
    ['FENCED_MEMBER_EPOCH', false, false],
    ['STALE_MEMBER_EPOCH', false, false],
    ['TRANSACTION_ABORTABLE', false, false],
    ['REBOOTSTRAP_REQUIRED', false, false],
    ['SHARE_SESSION_LIMIT_REACHED', true, false],
  ];

  it.each(cases)('%s: retriable=%s invalidMetadata=%s', (name, retriable, invalidMetadata) => {
    const e = info(name);
    expect(e.name).toBe(name);
    expect(e.retriable).toBe(retriable);
    expect(e.invalidMetadata).toBe(invalidMetadata);
  });
});
