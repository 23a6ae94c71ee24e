/**
 * Tests of the Java conformance oracle itself (test/conformance/java/Oracle.java via
 * oracle.ts) and of the generic conformance harness (harness.ts), using tiny hand-written
 * codecs for the headers and ApiVersionsRequest.
 */
import { JavaOracle, JsonValue, OracleError, messageVersionsSync } from './oracle.js';
import {
  CodecUnderTest,
  conformanceSuite,
  expectSameAsJava,
  expectSameBytes,
  prefixLengths,
  runConformanceCase,
  runConformanceCases,
  runTruncationCheck,
  sharedOracle,
  toJavaJson,
} from './harness.js';

jest.setTimeout(180_000);

const CORE: Record<string, [number, number]> = {
  ApiVersionsRequest: [0, 4],
  ApiVersionsResponse: [0, 4],
  MetadataRequest: [0, 13],
  MetadataResponse: [0, 13],
  RequestHeader: [1, 2],
  ResponseHeader: [0, 1],
};
const GENERIC: Record<string, [number, number]> = {
  ProduceRequest: [3, 13],
  FetchResponse: [4, 18],
};

function versionsOf(range: [number, number]): number[] {
  return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
}

/** Every string value anywhere in a JSON tree. */
function strings(j: JsonValue, out: string[] = []): string[] {
  if (typeof j === 'string') out.push(j);
  else if (Array.isArray(j)) j.forEach((x) => strings(x, out));
  else if (j && typeof j === 'object') Object.values(j).forEach((x) => strings(x, out));
  return out;
}

function hasNull(j: JsonValue): boolean {
  if (j === null) return true;
  if (Array.isArray(j)) return j.some(hasNull);
  if (typeof j === 'object') return Object.values(j).some(hasNull);
  return false;
}

let oracle: JavaOracle;
beforeAll(async () => {
  oracle = await sharedOracle();
});

// ------------------------------------------------------------------ versions

describe('versions', () => {
  // Every API codec's range is compared with Kafka's in api-ranges.conformance.test.ts; here
  // the oracle's two ways of asking (the versions op, the cached list) must agree.
  test.each(Object.keys({ ...CORE, ...GENERIC }))('%s', async (message) => {
    expect(await oracle.versions(message)).toEqual(messageVersionsSync(message));
  });
  test.each(Object.entries({ RequestHeader: CORE.RequestHeader, ResponseHeader: CORE.ResponseHeader }))(
    '%s (not an API)',
    async (message, [lo, hi]) => {
      expect(await oracle.versions(message)).toEqual({ lowest: lo, highest: hi });
    },
  );

  test('any generated *Data class is reachable by reflection', async () => {
    const list = await oracle.list();
    expect(Object.keys(list).length).toBeGreaterThan(150);
    expect(list.JoinGroupRequest).toEqual(await oracle.versions('JoinGroupRequest'));
    expect(await oracle.versions('JoinGroupRequestData')).toEqual(list.JoinGroupRequest);
  });

  test('unknown message and unsupported version are OracleErrors', async () => {
    await expect(oracle.versions('NoSuchThing')).rejects.toThrow(OracleError);
    await expect(oracle.random('MetadataRequest', 14, 1)).rejects.toThrow(/UnsupportedVersion/);
    await expect(oracle.random('ProduceRequest', 2, 1)).rejects.toThrow(/supports versions 3-13/);
    expect(() => messageVersionsSync('NoSuchThing')).toThrow(/unknown Kafka message/);
  });
});

// ------------------------------------------------------------------ random / decode / encode round trips

describe('random messages round-trip through Java decode and encode', () => {
  const all = { ...CORE, ...GENERIC };
  for (const [message, range] of Object.entries(all)) {
    test(`${message}, every version`, async () => {
      for (const v of versionsOf(range)) {
        for (const seed of [1, 2, 3, 4, 5, 6]) {
          const records = seed % 2 === 0 ? 'batches' : 'empty';
          const r = await oracle.random(message, v, seed, { records });
          const d = await oracle.decode(message, v, r.bytes);
          expect(d.bytes.toString('hex')).toBe(r.bytes.toString('hex'));
          expect(d.json).toEqual(r.json);
          // JSON never carries unknown tagged fields, so encode-from-JSON is compared
          // with a message generated without them.
          const plain = await oracle.random(message, v, seed, { records, unknownTags: false });
          expect(plain.stats.unknownTags).toBe(0);
          const e = await oracle.encode(message, v, plain.json);
          expect(e.toString('hex')).toBe(plain.bytes.toString('hex'));
        }
      }
    });
  }

  test('random is deterministic per (message, version, seed) and varies with the seed', async () => {
    for (const [message, range] of Object.entries(all)) {
      const v = range[1];
      const a = await oracle.random(message, v, 42);
      const b = await oracle.random(message, v, 42);
      expect(b.bytes.equals(a.bytes)).toBe(true);
      expect(b.json).toEqual(a.json);
      const distinct = new Set<string>();
      for (let s = 0; s < 8; s++) distinct.add((await oracle.random(message, v, s)).bytes.toString('hex'));
      expect(distinct.size).toBeGreaterThan(message === 'ResponseHeader' ? 4 : 6);
    }
    // same seed, different version: different content
    const x = await oracle.random('MetadataResponse', 12, 7);
    const y = await oracle.random('MetadataResponse', 13, 7);
    expect(x.bytes.equals(y.bytes)).toBe(false);
  });

  test('a fresh JVM generates the same bytes for the same seed', async () => {
    const other = await JavaOracle.start();
    try {
      for (const [m, v] of [['MetadataResponse', 12], ['FetchResponse', 17], ['RequestHeader', 2]] as const) {
        expect((await other.random(m, v, 99)).bytes.equals((await oracle.random(m, v, 99)).bytes)).toBe(true);
      }
    } finally {
      await other.close();
    }
  });

  test('ProduceRequest and FetchResponse records are null or empty by default, real batches on request', async () => {
    const seen = new Set<string>();
    for (let s = 0; s < 40; s++) {
      const p = await oracle.random('ProduceRequest', 9, s);
      for (const t of (p.json as { topicData: { partitionData: { records: string | null }[] }[] }).topicData) {
        for (const pd of t.partitionData) seen.add(pd.records === null ? 'null' : pd.records === '' ? 'empty' : 'data');
      }
    }
    expect(seen).toEqual(new Set(['null', 'empty']));
    let batches = 0;
    for (let s = 0; s < 20; s++) {
      const f = await oracle.random('FetchResponse', 16, s, { records: 'batches' });
      for (const t of (f.json as { responses: { partitions: { records: string | null }[] }[] }).responses) {
        for (const p of t.partitions) {
          if (p.records && p.records.length > 0) {
            batches++;
            // the JSON carries the real records bytes (the converter alone would write "")
            const raw = Buffer.from(p.records, 'base64');
            expect(f.bytes.includes(raw)).toBe(true);
            expect(raw.readInt8(16)).toBe(2); // magic byte of a v2 record batch
          }
        }
      }
    }
    expect(batches).toBeGreaterThan(3);
  });
});

// ------------------------------------------------------------------ coverage of the generator

describe('the random generator covers the interesting cases', () => {
  test('MetadataResponse: nulls, empty/non-empty arrays, unicode, unknown tags', async () => {
    const totals = { nulls: 0, emptyArrays: 0, nonEmptyArrays: 0, unknownTags: 0, nonAsciiStrings: 0, emptyStrings: 0 };
    const allStrings: string[] = [];
    let jsonNulls = 0;
    for (const v of versionsOf(CORE.MetadataResponse)) {
      for (let s = 0; s < 25; s++) {
        const r = await oracle.random('MetadataResponse', v, s);
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.stats[k];
        strings(r.json, allStrings);
        if (hasNull(r.json)) jsonNulls++;
        if (v < 9) expect(r.stats.unknownTags).toBe(0); // not a flexible version
      }
    }
    for (const [k, n] of Object.entries(totals)) expect([k, n > 0]).toEqual([k, true]);
    expect(jsonNulls).toBeGreaterThan(0);
    const joined = allStrings.join('');
    for (const ch of ['𝄞', 'ü', '字', '\u0000', '"']) expect(joined).toContain(ch);
    expect(allStrings).toContain('');
    // long strings (> 127 bytes: multi-byte compact length varints)
    expect(allStrings.some((s) => Buffer.byteLength(s) > 127)).toBe(true);
  });

  test('int64 extremes are JSON strings; UUIDs include zero; bytes are base64', async () => {
    const i64 = new Set<string>();
    const uuids = new Set<string>();
    for (let s = 0; s < 60; s++) {
      const r = await oracle.random('FetchResponse', 13, s);
      for (const t of (r.json as { responses: { topicId: string; partitions: Record<string, JsonValue>[] }[] }).responses) {
        uuids.add(t.topicId);
        for (const p of t.partitions) {
          for (const k of ['highWatermark', 'lastStableOffset', 'logStartOffset']) {
            expect(typeof p[k]).toBe('string');
            i64.add(p[k] as string);
          }
        }
      }
    }
    expect(i64).toContain('-9223372036854775808');
    expect(i64).toContain('9223372036854775807');
    expect(i64).toContain('9007199254740993'); // not representable as a JS number
    expect(uuids).toContain('AAAAAAAAAAAAAAAAAAAAAA');
    for (const u of uuids) expect(u).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // bytes field: SaslAuthenticateRequest.authBytes
    const sasl = await oracle.random('SaslAuthenticateRequest', 2, 3);
    const authBytes = (sasl.json as { authBytes: string }).authBytes;
    expect(authBytes).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
    expect(sasl.bytes.includes(Buffer.from(authBytes, 'base64'))).toBe(true);
  });

  test('known tagged fields are sometimes present (ApiVersionsResponse v3, FetchRequest v12+)', async () => {
    const keys = new Set<string>();
    let known = 0;
    for (let s = 0; s < 30; s++) {
      const r = await oracle.random('ApiVersionsResponse', 3, s);
      known += r.stats.knownTags;
      Object.keys(r.json as object).forEach((k) => keys.add(k));
    }
    expect(known).toBeGreaterThan(0);
    // tagged fields appear in JSON only when they differ from their default
    expect(keys).toContain('supportedFeatures');
    expect(keys).toContain('finalizedFeaturesEpoch');
    const f = await Promise.all(Array.from({ length: 30 }, (_, s) => oracle.random('FetchRequest', 13, s)));
    expect(f.some((r) => 'clusterId' in (r.json as object))).toBe(true);
    expect(f.some((r) => !('clusterId' in (r.json as object)))).toBe(true);
  });

  test('nullable structs (int8 marker) are generated both null and present', async () => {
    const states = new Set<string>();
    for (let s = 0; s < 40; s++) {
      const r = await oracle.random('ConsumerGroupHeartbeatResponse', 0, s);
      states.add((r.json as { assignment: unknown }).assignment === null ? 'null' : 'present');
    }
    expect(states).toEqual(new Set(['null', 'present']));
  });

  test('RequestHeader v2 keeps a non-compact nullable clientId (Kafka quirk)', async () => {
    const schema = await oracle.schema('RequestHeader', 2);
    expect(schema).toContain('client_id:NULLABLE_STRING');
    expect(schema).toContain('_tagged_fields');
  });
});

// ------------------------------------------------------------------ decode / encode edge cases

describe('decode and encode', () => {
  test('parse failures are OracleErrors and the JVM survives them', async () => {
    const r = await oracle.random('MetadataResponse', 12, 5);
    const err = await oracle.decode('MetadataResponse', 12, r.bytes.subarray(0, r.bytes.length - 1)).catch((e) => e);
    expect(err).toBeInstanceOf(OracleError);
    expect((err as OracleError).javaError).toMatch(/^[\w.$]+(Exception|Error): /);
    // trailing bytes are reported too
    await expect(oracle.decode('MetadataResponse', 12, Buffer.concat([r.bytes, Buffer.from([0])]))).rejects.toThrow(
      /TrailingBytesException: 1 unread byte/,
    );
    await expect(oracle.decode('MetadataRequest', 12, Buffer.from('ffffffff', 'hex'))).rejects.toThrow(OracleError);
    await expect(oracle.encode('MetadataRequest', 12, { topics: 'nope' })).rejects.toThrow(/expected a JSON array/);
    await expect(oracle.encode('MetadataRequest', 12, {})).rejects.toThrow(/mandatory/);
    expect(await oracle.versions('MetadataRequest')).toEqual({ lowest: 0, highest: 13 });
  });

  test('int64 accepted as strings beyond 2^53 and as numbers; TS values (bigint, Buffer) accepted', async () => {
    const base = await oracle.random('FetchResponse', 16, 11, { unknownTags: false });
    const json = JSON.parse(JSON.stringify(base.json));
    json.responses = [
      {
        topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: '9223372036854775807',
            lastStableOffset: '-9223372036854775808',
            logStartOffset: 9007199254740991,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: null,
          },
        ],
      },
    ];
    const bytes = await oracle.encode('FetchResponse', 16, json);
    const back = await oracle.decode('FetchResponse', 16, bytes);
    const p = (back.json as { responses: { partitions: Record<string, JsonValue>[] }[] }).responses[0].partitions[0];
    expect(p.highWatermark).toBe('9223372036854775807');
    expect(p.lastStableOffset).toBe('-9223372036854775808');
    expect(p.logStartOffset).toBe('9007199254740991');

    // Our TS conventions can be passed straight in: bigint int64, Buffer bytes, unknownTaggedFields ignored.
    const tsValue = {
      mechanism: 'PLAIN',
    };
    const hs = await oracle.encode('SaslHandshakeRequest', 1, tsValue);
    expect(hs.toString('hex')).toBe('0005504c41494e');
    const auth = await oracle.encode('SaslAuthenticateRequest', 2, {
      authBytes: Buffer.from([0, 1, 2, 250]) as unknown as JsonValue,
      unknownTaggedFields: [],
    });
    expect(auth.toString('hex')).toBe('05000102fa00');
    const lo = await oracle.encode('ListOffsetsRequest', 1, {
      replicaId: -1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2n as unknown as JsonValue }] }],
    });
    const loBack = await oracle.decode('ListOffsetsRequest', 1, lo);
    expect(JSON.stringify(loBack.json)).toContain('"timestamp":"-2"');
  });

  test('float64 accepts integral JSON numbers', async () => {
    // Find a message with a float64 field through the list: none of the core APIs have one,
    // so exercise the normaliser through a generated random message round trip instead.
    const list = await oracle.list();
    const withDouble: string[] = [];
    for (const m of Object.keys(list)) {
      const s = await oracle.schema(m, list[m].highest);
      if (s.includes('FLOAT64')) withDouble.push(m);
    }
    for (const m of withDouble) {
      const v = list[m].highest;
      for (let seed = 0; seed < 10; seed++) {
        const r = await oracle.random(m, v, seed, { unknownTags: false });
        // JSON.parse(JSON.stringify(...)) turns 1.0 into 1, as our codec's JSON would
        const e = await oracle.encode(m, v, JSON.parse(JSON.stringify(r.json)));
        expect(e.toString('hex')).toBe(r.bytes.toString('hex'));
      }
    }
  });

  test('the shape of the JSON (fields per version, tagged-field defaults omitted)', async () => {
    // MetadataRequest v0 has only topics; v4 adds allowAutoTopicCreation; v10 adds topicId.
    const v0 = await oracle.decode('MetadataRequest', 0, Buffer.from('00000000', 'hex'));
    expect(v0.json).toEqual({ topics: [] });
    const v4 = await oracle.decode('MetadataRequest', 4, Buffer.from('ffffffff01', 'hex'));
    expect(v4.json).toEqual({ topics: null, allowAutoTopicCreation: true });
    // ApiVersionsResponse v3 with no tagged fields: tagged keys are absent from the JSON.
    const avr = await oracle.decode('ApiVersionsResponse', 3, Buffer.from('0000010000000000', 'hex'));
    expect(avr.json).toEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
  });
});

// ------------------------------------------------------------------ errors

describe('errors', () => {
  test('every Errors value with code, retriable flag, exception and message', async () => {
    const errors = await oracle.errors();
    expect(errors.length).toBeGreaterThan(100);
    const byName = new Map(errors.map((e) => [e.name, e]));
    expect(byName.get('NONE')).toEqual({ code: 0, name: 'NONE', retriable: false, exception: null, message: null });
    expect(byName.get('UNKNOWN_SERVER_ERROR')).toMatchObject({ code: -1, retriable: false, exception: 'UnknownServerException' });
    expect(byName.get('NOT_LEADER_OR_FOLLOWER')).toMatchObject({ code: 6, retriable: true, exception: 'NotLeaderOrFollowerException' });
    expect(byName.get('UNKNOWN_TOPIC_OR_PARTITION')).toMatchObject({ code: 3, retriable: true });
    expect(byName.get('TOPIC_AUTHORIZATION_FAILED')).toMatchObject({ code: 29, retriable: false });
    expect(typeof byName.get('CORRUPT_MESSAGE')!.message).toBe('string');
    expect(new Set(errors.map((e) => e.code)).size).toBe(errors.length);
  });
});

// ------------------------------------------------------------------ the process

describe('the oracle process', () => {
  test('pipelined requests are matched to their replies', async () => {
    const seeds = Array.from({ length: 200 }, (_, i) => i);
    const sequential: string[] = [];
    for (const s of seeds.slice(0, 20)) sequential.push((await oracle.random('MetadataRequest', 13, s)).bytes.toString('hex'));
    const piped = await Promise.all(
      seeds.map((s) =>
        s % 3 === 0
          ? oracle.versions('MetadataResponse').then((v) => `v${v.highest}`)
          : oracle.random('MetadataRequest', 13, s).then((r) => r.bytes.toString('hex')),
      ),
    );
    seeds.slice(0, 20).forEach((s) => {
      expect(piped[s]).toBe(s % 3 === 0 ? 'v13' : sequential[s]);
    });
  });

  test('if the JVM dies, pending and later calls reject with a clear error', async () => {
    const doomed = await JavaOracle.start();
    const pending = doomed.random('MetadataResponse', 13, 1);
    process.kill(doomed.pid!, 'SIGKILL');
    const settled = await pending.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    // the request may have been answered before the kill landed
    if (settled !== 'resolved') expect(settled).toMatch(/Java oracle JVM exited \(code null, signal SIGKILL\)/);
    await expect(doomed.versions('MetadataRequest')).rejects.toThrow(/JVM exited/);
    await doomed.close();
  });
});

// ------------------------------------------------------------------ timing

describe('timing', () => {
  test('25 cases x all versions of MetadataResponse through the oracle', async () => {
    const t0 = process.hrtime.bigint();
    let n = 0;
    let bytes = 0;
    for (const v of versionsOf(CORE.MetadataResponse)) {
      const rs = await Promise.all(Array.from({ length: 25 }, (_, s) => oracle.random('MetadataResponse', v, s)));
      const ds = await Promise.all(rs.map((r) => oracle.decode('MetadataResponse', v, r.bytes)));
      ds.forEach((d, i) => expect(d.bytes.equals(rs[i].bytes)).toBe(true));
      n += rs.length;
      bytes += rs.reduce((a, r) => a + r.bytes.length, 0);
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // eslint-disable-next-line no-console
    console.log(`oracle timing: ${n} MetadataResponse cases (random + decode, ${bytes} bytes) in ${ms.toFixed(0)} ms`);
    expect(n).toBe(14 * 25);
  });
});

// ------------------------------------------------------------------ the harness, with tiny hand-written codecs

type Tagged = { tag: number; data: Buffer }[];

class W {
  private parts: Buffer[] = [];
  i8(v: number) { const b = Buffer.alloc(1); b.writeInt8(v); this.parts.push(b); }
  i16(v: number) { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); }
  i32(v: number) { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); }
  uv(v: number) {
    const out: number[] = [];
    while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
    out.push(v);
    this.parts.push(Buffer.from(out));
  }
  raw(b: Buffer) { this.parts.push(b); }
  nullableString(s: string | null) {
    if (s === null) return this.i16(-1);
    const b = Buffer.from(s, 'utf8');
    this.i16(b.length);
    this.raw(b);
  }
  compactString(s: string) { const b = Buffer.from(s, 'utf8'); this.uv(b.length + 1); this.raw(b); }
  tags(t: Tagged | undefined) {
    const sorted = [...(t ?? [])].sort((a, b) => a.tag - b.tag);
    this.uv(sorted.length);
    for (const { tag, data } of sorted) { this.uv(tag); this.uv(data.length); this.raw(data); }
  }
  finish() { return Buffer.concat(this.parts); }
}

class R {
  private off = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number) { if (this.off + n > this.buf.length) throw new RangeError(`need ${n} byte(s) at ${this.off}, have ${this.buf.length - this.off}`); }
  i16() { this.need(2); const v = this.buf.readInt16BE(this.off); this.off += 2; return v; }
  i32() { this.need(4); const v = this.buf.readInt32BE(this.off); this.off += 4; return v; }
  u8() { this.need(1); return this.buf[this.off++]; }
  uv() {
    let v = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
    throw new RangeError('varint too long');
  }
  bytes(n: number) { this.need(n); const b = Buffer.from(this.buf.subarray(this.off, this.off + n)); this.off += n; return b; }
  nullableString() { const n = this.i16(); return n < 0 ? null : this.bytes(n).toString('utf8'); }
  compactString() { const n = this.uv() - 1; if (n < 0) throw new RangeError('null compact string'); return this.bytes(n).toString('utf8'); }
  tags(): Tagged { const n = this.uv(); const out: Tagged = []; for (let i = 0; i < n; i++) { const tag = this.uv(); out.push({ tag, data: this.bytes(this.uv()) }); } return out; }
  end() { if (this.off !== this.buf.length) throw new RangeError(`${this.buf.length - this.off} trailing byte(s)`); }
}

interface RequestHeader { requestApiKey: number; requestApiVersion: number; correlationId: number; clientId: string | null; unknownTaggedFields?: Tagged }
const requestHeader: CodecUnderTest<RequestHeader> = {
  message: 'RequestHeader',
  encode(h, v) {
    const w = new W();
    w.i16(h.requestApiKey); w.i16(h.requestApiVersion); w.i32(h.correlationId); w.nullableString(h.clientId);
    if (v >= 2) w.tags(h.unknownTaggedFields);
    return w.finish();
  },
  decode(b, v) {
    const r = new R(b);
    const h: RequestHeader = { requestApiKey: r.i16(), requestApiVersion: r.i16(), correlationId: r.i32(), clientId: r.nullableString() };
    if (v >= 2) h.unknownTaggedFields = r.tags();
    r.end();
    return h;
  },
};

interface ResponseHeader { correlationId: number; unknownTaggedFields?: Tagged }
const responseHeader: CodecUnderTest<ResponseHeader> = {
  message: 'ResponseHeader',
  encode(h, v) { const w = new W(); w.i32(h.correlationId); if (v >= 1) w.tags(h.unknownTaggedFields); return w.finish(); },
  decode(b, v) {
    const r = new R(b);
    const h: ResponseHeader = { correlationId: r.i32() };
    if (v >= 1) h.unknownTaggedFields = r.tags();
    r.end();
    return h;
  },
};

interface ApiVersionsRequest { clientSoftwareName: string; clientSoftwareVersion: string; unknownTaggedFields?: Tagged }
const apiVersionsRequest: CodecUnderTest<ApiVersionsRequest> = {
  message: 'ApiVersionsRequest',
  encode(m, v) {
    const w = new W();
    if (v >= 3) { w.compactString(m.clientSoftwareName); w.compactString(m.clientSoftwareVersion); w.tags(m.unknownTaggedFields); }
    return w.finish();
  },
  decode(b, v) {
    const r = new R(b);
    // fields absent in a version keep their defaults
    const m: ApiVersionsRequest = { clientSoftwareName: '', clientSoftwareVersion: '' };
    if (v >= 3) { m.clientSoftwareName = r.compactString(); m.clientSoftwareVersion = r.compactString(); m.unknownTaggedFields = r.tags(); }
    r.end();
    return m;
  },
};

conformanceSuite({ ...requestHeader, casesPerVersion: 25 });
conformanceSuite({ ...responseHeader });
conformanceSuite({ ...apiVersionsRequest, versions: [0, 4] });

describe('harness helpers', () => {
  test('toJavaJson converts our TS conventions', () => {
    expect(
      toJavaJson({
        a: 1n,
        b: -9223372036854775808n,
        c: Buffer.from([0xfb, 0xff, 1, 2]),
        d: null,
        e: [{ f: 'x', unknownTaggedFields: [{ tag: 1, data: Buffer.alloc(1) }] }],
        g: undefined,
        unknownTaggedFields: [],
      }),
    ).toEqual({ a: '1', b: '-9223372036854775808', c: '+/8BAg==', d: null, e: [{ f: 'x' }] });
  });

  test('expectSameAsJava compares only Java keys and reports paths', () => {
    const ours = { topics: [{ name: 'a', partitions: [{ index: 1, offset: 5n }] }], extraDefault: 0, unknownTaggedFields: [] };
    expectSameAsJava(ours, { topics: [{ name: 'a', partitions: [{ index: 1, offset: '5' }] }] });
    expect(() => expectSameAsJava(ours, { topics: [{ name: 'a', partitions: [{ index: 1, offset: '6' }] }] })).toThrow(
      '$.topics[0].partitions[0].offset: ours is string "5", Java has "6"',
    );
    expect(() => expectSameAsJava(ours, { topics: [{ name: 'a', missing: 1 }] })).toThrow('$.topics[0].missing: missing in ours');
    expect(() => expectSameAsJava(ours, { topics: [] })).toThrow('$.topics: ours has 1 element(s), Java has 0');
    expect(() => expectSameAsJava({ x: 'null' }, { x: null })).toThrow('$.x');
    // uint32 as a number matches Java's LongNode string
    expectSameAsJava({ u: 4294967295 }, { u: '4294967295' });
    expect(() => expectSameAsJava({ i: '5' }, { i: 5 })).toThrow('$.i');
  });

  test('expectSameBytes reports the first differing offset with context', () => {
    expectSameBytes(Buffer.from('0102', 'hex'), Buffer.from('0102', 'hex'));
    expect(() => expectSameBytes(Buffer.from('000102030405', 'hex'), Buffer.from('000102ff0405', 'hex'))).toThrow(
      /offset 3 \(0x3\).*\n.*ours: 00 01 02 \[03\] 04 05\n.*java: 00 01 02 \[ff\] 04 05/,
    );
    expect(() => expectSameBytes(Buffer.from('0001', 'hex'), Buffer.from('000102', 'hex'))).toThrow(/offset 2 .*\n.*\[--\]/);
  });

  test('prefixLengths is deterministic and includes the edges', () => {
    expect(prefixLengths(5, 48, 1)).toEqual([0, 1, 2, 3, 4]);
    const p = prefixLengths(1000, 48, 7);
    expect(p).toHaveLength(48);
    expect(p).toEqual(prefixLengths(1000, 48, 7));
    for (const e of [0, 1, 2, 997, 998, 999]) expect(p).toContain(e);
  });

  test('a codec with a compact clientId in RequestHeader v2 is caught', async () => {
    const buggy: CodecUnderTest<RequestHeader> = {
      message: 'RequestHeader',
      encode(h, v) {
        if (v < 2) return requestHeader.encode(h, v);
        const w = new W();
        w.i16(h.requestApiKey); w.i16(h.requestApiVersion); w.i32(h.correlationId);
        if (h.clientId === null) w.uv(0); else w.compactString(h.clientId);
        w.tags(h.unknownTaggedFields);
        return w.finish();
      },
      decode: requestHeader.decode,
    };
    await runConformanceCase(oracle, buggy, 1, 1); // v1 is fine
    await expect(runConformanceCases(oracle, buggy, 2, [1, 2, 3])).rejects.toThrow(
      /RequestHeader v2 seed \d+ .*: our encoding differ from Java's at offset 8 \(0x8\)/,
    );
  });

  test('a decoder that gets a field wrong is caught with its path', async () => {
    const buggy: CodecUnderTest<ResponseHeader> = {
      ...responseHeader,
      decode: (b, v) => ({ ...responseHeader.decode(b, v), correlationId: 7 }),
    };
    await expect(runConformanceCase(oracle, buggy, 0, 3)).rejects.toThrow(/\$\.correlationId: ours is number 7, Java has/);
  });

  test('an encoder that drops unknown tagged fields is caught', async () => {
    const buggy: CodecUnderTest<ResponseHeader> = {
      ...responseHeader,
      encode: (h, v) => responseHeader.encode({ correlationId: h.correlationId }, v),
    };
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    await expect(runConformanceCases(oracle, buggy, 1, seeds)).rejects.toThrow(/our encoding differ from Java's at offset 4/);
  });

  test('a lenient decoder that accepts truncated input is caught', async () => {
    const lenient: CodecUnderTest<ResponseHeader> = {
      ...responseHeader,
      decode: (b) => ({ correlationId: b.length >= 4 ? b.readInt32BE(0) : 0 }),
    };
    await expect(runTruncationCheck(oracle, lenient, 0, [1])).rejects.toThrow(/decoding a 0-byte prefix of a 4-byte message did not throw/);
    await runTruncationCheck(oracle, responseHeader, 1, [1, 2, 3]);
  });
});
