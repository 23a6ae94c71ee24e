/** Adapters from our ApiCodec objects to the conformance harness's encode/decode functions. */
import * as fs from 'fs';
import * as path from 'path';
import type { ApiCodec } from '../../protocol/api.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import { conformanceSuite, type ConformanceOptions } from './harness.js';

type Extra<T> = Omit<ConformanceOptions<T>, 'message' | 'encode' | 'decode'>;

/** Our encoding of a request or response (`side`) at `version`, as bytes. */
export function encodeWith<Req, Res>(codec: ApiCodec<Req, Res>, side: 'request' | 'response', value: Req | Res, version: number): Buffer {
  const w = new Writer();
  if (side === 'request') codec.encodeRequest(w, value as Req, version);
  else codec.encodeResponse(w, value as Res, version);
  return Buffer.from(w.finish());
}

/** Our decoding of a whole request or response (`side`) at `version`; trailing bytes are an error. */
export function decodeWith<Req, Res>(codec: ApiCodec<Req, Res>, side: 'request' | 'response', bytes: Buffer, version: number): Req | Res {
  return side === 'request'
    ? decodeAll(bytes, (r) => codec.decodeRequest(r, version))
    : decodeAll(bytes, (r) => codec.decodeResponse(r, version));
}

export const MESSAGES_DIR = path.resolve(__dirname, '..', '..', 'protocol', 'messages');

/** Files of protocol/messages/ that hold shared pieces, not an API. */
export const NOT_API_FILES = new Map<string, string>([
  ['common.ts', 'structs shared by several APIs (LeaderIdAndEpoch, NodeEndpoint, tagged-field helpers)'],
  ['consumer-protocol.ts', 'the consumer protocol embedded in JoinGroup/SyncGroup bytes; its versions are checked in consumer-protocol.conformance.test.ts'],
]);

/**
 * Every ApiCodec of protocol/messages/, found by loading each file (so a new API file is
 * picked up without a list to update). Each API file must export exactly one codec.
 */
export function loadApiCodecs(): Array<{ file: string; codec: ApiCodec<unknown, unknown> }> {
  const out: Array<{ file: string; codec: ApiCodec<unknown, unknown> }> = [];
  for (const file of fs.readdirSync(MESSAGES_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(MESSAGES_DIR, file)) as Record<string, unknown>;
    const codecs = Object.values(mod).filter(
      (x): x is ApiCodec<unknown, unknown> =>
        typeof x === 'object' &&
        x !== null &&
        typeof (x as ApiCodec<unknown, unknown>).apiKey === 'number' &&
        typeof (x as ApiCodec<unknown, unknown>).encodeRequest === 'function',
    );
    if (NOT_API_FILES.has(file)) {
      if (codecs.length > 0) throw new Error(`${file} is listed in NOT_API_FILES but exports the codec(s) ${codecs.map((c) => c.name).join(', ')}`);
      continue;
    }
    if (codecs.length !== 1) {
      throw new Error(`protocol/messages/${file} exports ${codecs.length} ApiCodec objects; expected exactly one (or list the file in NOT_API_FILES)`);
    }
    out.push({ file, codec: codecs[0] });
  }
  return out;
}

function decodeAll<T>(bytes: Buffer, read: (r: Reader) => T): T {
  const r = new Reader(bytes);
  const value = read(r);
  r.expectEnd('message');
  return value;
}

/** Declares conformance suites for both halves of an API: `<Name>Request` and `<Name>Response`. */
export function apiConformance<Req, Res>(
  codec: ApiCodec<Req, Res>,
  extra: { request?: Extra<Req>; response?: Extra<Res> } = {},
): void {
  conformanceSuite<Req>({
    message: `${codec.name}Request`,
    versions: [codec.minVersion, codec.maxVersion],
    encode: (value, v) => {
      const w = new Writer();
      codec.encodeRequest(w, value, v);
      return Buffer.from(w.finish());
    },
    decode: (bytes, v) => decodeAll(bytes, (r) => codec.decodeRequest(r, v)),
    ...extra.request,
  });
  conformanceSuite<Res>({
    message: `${codec.name}Response`,
    versions: [codec.minVersion, codec.maxVersion],
    encode: (value, v) => {
      const w = new Writer();
      codec.encodeResponse(w, value, v);
      return Buffer.from(w.finish());
    },
    decode: (bytes, v) => decodeAll(bytes, (r) => codec.decodeResponse(r, v)),
    ...extra.response,
  });
}
