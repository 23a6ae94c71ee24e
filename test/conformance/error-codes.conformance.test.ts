/**
 * Conformance: our error-code table (protocol/error-codes.ts) against the `Errors` enum of the
 * Kafka jars the JVM oracle runs on (Kafka 4.2.1).
 *
 * Checks every Java code is in our table with the same name and retriable flag, and that our
 * table has no codes Java does not know. `invalidMetadata` is not reported by the oracle; it is
 * spot-checked in test/protocol/error-codes.test.ts.
 */
import { ERROR_CODES, errorCodeInfo } from '../../protocol/error-codes.js';
import { JavaOracle } from './oracle.js';

type JavaError = Awaited<ReturnType<JavaOracle['errors']>>[number];

jest.setTimeout(120_000);

describe('error codes vs. Java org.apache.kafka.common.protocol.Errors', () => {
  let oracle: JavaOracle | undefined;
  let javaErrors: JavaError[] = [];

  beforeAll(async () => {
    oracle = await JavaOracle.start();
    javaErrors = [...(await oracle.errors())].sort((a, b) => a.code - b.code);
  });

  afterAll(async () => {
    await oracle?.close();
  });

  it('the oracle reports a plausible Errors enum', () => {
    expect(javaErrors.length).toBeGreaterThan(100);
    expect(javaErrors.find((e) => e.code === 0)).toMatchObject({ name: 'NONE', retriable: false });
    expect(new Set(javaErrors.map((e) => e.code)).size).toBe(javaErrors.length);
  });

  it('every Java code is in our table with the same name and retriable flag', () => {
    const ourByCode = new Map(ERROR_CODES.map((e) => [e.code, e]));
    const mismatches: string[] = [];
    for (const j of javaErrors) {
      const ours = ourByCode.get(j.code);
      if (ours === undefined) {
        mismatches.push(`missing code ${j.code} (${j.name}, retriable=${j.retriable})`);
        continue;
      }
      if (ours.name !== j.name) mismatches.push(`code ${j.code}: name ${ours.name}, Java says ${j.name}`);
      if (ours.retriable !== j.retriable) {
        mismatches.push(`code ${j.code} ${j.name}: retriable=${ours.retriable}, Java says ${j.retriable}`);
      }
      expect(errorCodeInfo(j.code)).toBe(ours);
    }
    expect(mismatches).toEqual([]);
  });

  it('our table has no codes Java does not know', () => {
    const javaCodes = new Set(javaErrors.map((e) => e.code));
    const extra = ERROR_CODES.filter((e) => !javaCodes.has(e.code)).map((e) => `${e.code} ${e.name}`);
    expect(extra).toEqual([]);
    expect(ERROR_CODES).toHaveLength(javaErrors.length);
  });

  it('our messages are our own words, not copies of Kafka\'s', () => {
    const javaMessages = new Map(javaErrors.map((e) => [e.code, e.message]));
    const copied = ERROR_CODES.filter((e) => e.message === javaMessages.get(e.code)).map((e) => e.name);
    expect(copied).toEqual([]);
  });
});
