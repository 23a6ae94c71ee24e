/** Request header v1-v2 and response header v0-v1 against Kafka's RequestHeaderData / ResponseHeaderData. */
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
} from '../../protocol/header.js';
import { Reader } from '../../protocol/reader.js';
import { Writer } from '../../protocol/writer.js';
import { conformanceSuite } from './harness.js';

conformanceSuite({
  message: 'RequestHeader',
  versions: [1, 2],
  encode: (h, v) => {
    const w = new Writer();
    encodeRequestHeader(w, h, v as 1 | 2);
    return Buffer.from(w.finish());
  },
  decode: (bytes, v) => decodeRequestHeader(new Reader(bytes), v as 1 | 2),
});

conformanceSuite({
  message: 'ResponseHeader',
  versions: [0, 1],
  encode: (h, v) => {
    const w = new Writer();
    encodeResponseHeader(w, h, v as 0 | 1);
    return Buffer.from(w.finish());
  },
  decode: (bytes, v) => decodeResponseHeader(new Reader(bytes), v as 0 | 1),
});
