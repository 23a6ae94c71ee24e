/**
 * Every API codec of protocol/messages/ against Kafka's own idea of that API (issue 13,
 * item 3): the API key and name, the version range, and the request/response header version
 * of every version (which is where the first flexible version shows).
 *
 * The codecs are found by loading every file of protocol/messages/, so a new API file is
 * checked without touching this test. The range is compared with the generated
 * `<Name>RequestData` / `<Name>ResponseData` LOWEST/HIGHEST_SUPPORTED_VERSION (and the
 * `ApiKeys` oldest/latest versions). A codec whose range differs on purpose must say why in
 * RANGE_DIFFERENCES below; an entry that no longer matches a difference fails too.
 */
import { loadApiCodecs } from './codecs.js';
import type { ApiInfo } from './oracle.js';
import { sharedOracle, closeSharedOracle } from './harness.js';

/**
 * Where our [minVersion, maxVersion] deliberately differs from the generated Data classes'
 * range in Kafka 4.2.1, and why. Keyed by API name.
 */
const RANGE_DIFFERENCES: Record<string, { ours: [number, number]; kafka: [number, number]; reason: string }> = {
  InitProducerId: {
    ours: [0, 5],
    kafka: [0, 6],
    reason:
      'v6 (KIP-939, two-phase commit) is latestVersionUnstable in Kafka 4.2.1: brokers do not advertise it unless ' +
      'unstable.api.versions.enable=true. The codec encodes and decodes v6 (proven in init-producer-id.conformance.test.ts) ' +
      'but maxVersion stops at the highest stable version so the client never negotiates it.',
  },
};

const CODECS = loadApiCodecs();

let apis: Map<number, ApiInfo>;
beforeAll(async () => {
  const oracle = await sharedOracle();
  apis = new Map((await oracle.apis()).map((a) => [a.apiKey, a]));
}, 180_000);
afterAll(closeSharedOracle);

test('every API file of protocol/messages/ exports one codec, and no two share an API key', () => {
  expect(CODECS.length).toBeGreaterThanOrEqual(19);
  const keys = CODECS.map((c) => c.codec.apiKey);
  expect(new Set(keys).size).toBe(keys.length);
});

describe.each(CODECS.map(({ file, codec }) => [codec.name, file, codec] as const))('%s (protocol/messages/%s)', (name, _file, codec) => {
  test("API key and name are Kafka's", () => {
    const api = apis.get(codec.apiKey);
    expect(api).toBeDefined();
    expect(api!.name).toBe(codec.name);
  });

  test("version range is Kafka's, or the difference is explained", () => {
    const api = apis.get(codec.apiKey)!;
    // the generated request and response classes agree with each other and with ApiKeys
    expect([api.responseDataLowest, api.responseDataHighest]).toEqual([api.requestDataLowest, api.requestDataHighest]);
    expect(api.oldestVersion).toBe(api.requestDataLowest);
    expect(api.latestVersion).toBe(api.requestDataHighest);
    // never negotiate a version a broker only advertises with unstable.api.versions.enable
    expect(codec.maxVersion).toBeLessThanOrEqual(api.latestStableVersion);
    const ours: [number, number] = [codec.minVersion, codec.maxVersion];
    const kafka: [number, number] = [api.requestDataLowest, api.requestDataHighest];
    const allowed = RANGE_DIFFERENCES[name];
    if (allowed === undefined) {
      if (ours[0] !== kafka[0] || ours[1] !== kafka[1]) {
        throw new Error(
          `${name}: ours v${ours[0]}-${ours[1]}, Kafka 4.2.1 v${kafka[0]}-${kafka[1]} (stable up to v${api.latestStableVersion}); ` +
            'fix the codec, or add a RANGE_DIFFERENCES entry saying why it differs',
        );
      }
      return;
    }
    expect({ ours, kafka }).toEqual({ ours: allowed.ours, kafka: allowed.kafka });
    expect(ours).not.toEqual(kafka); // a stale entry fails: the difference must still exist
    expect(allowed.reason.length).toBeGreaterThan(20);
    // whatever the reason, we never claim a version Kafka does not have
    expect(ours[0]).toBeGreaterThanOrEqual(kafka[0]);
    expect(ours[1]).toBeLessThanOrEqual(kafka[1]);
  });

  test("request and response header versions (first flexible version) are Kafka's at every version", () => {
    const api = apis.get(codec.apiKey)!;
    const ours: string[] = [];
    const java: string[] = [];
    for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
      const i = v - api.oldestVersion;
      ours.push(`v${v}: request header v${codec.requestHeaderVersion(v)}, response header v${codec.responseHeaderVersion(v)}`);
      java.push(`v${v}: request header v${api.requestHeaderVersions[i]}, response header v${api.responseHeaderVersions[i]}`);
    }
    expect(ours).toEqual(java);
    const firstFlexible = api.requestHeaderVersions.findIndex((h) => h === 2);
    expect(codec.firstFlexibleVersion).toBe(firstFlexible < 0 ? Infinity : api.oldestVersion + firstFlexible);
  });
});

test('RANGE_DIFFERENCES names only codecs that exist', () => {
  const names = new Set(CODECS.map((c) => c.codec.name));
  expect(Object.keys(RANGE_DIFFERENCES).filter((n) => !names.has(n))).toEqual([]);
});
