/** Adapters from our ApiCodec objects to the conformance harness's encode/decode functions. */
import type { ApiCodec } from '../../protocol/api.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import { conformanceSuite, type ConformanceOptions } from './harness.js';

type Extra<T> = Omit<ConformanceOptions<T>, 'message' | 'encode' | 'decode'>;

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
