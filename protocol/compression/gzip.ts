/**
 * gzip (Kafka compression type 1): a standard gzip stream (RFC 1952), as Java's
 * `GZIPOutputStream` writes it. Concatenated members are read as one stream, like Java's
 * `GZIPInputStream`; bytes after the last member that are not another member are ignored by
 * both. Backed by `node:zlib`; `maxOutputLength` stops inflation as soon as the output passes
 * the limit, so a bomb costs at most the limit plus one 16 KiB zlib chunk.
 */
import * as zlib from 'node:zlib';
import { ProtocolEncodeError } from '../errors.js';
import { DecompressionError, DecompressionLimitError } from './errors.js';

/** Kafka's gzip levels: 1 (fastest) to 9 (smallest); Kafka's default (-1) is zlib's 6. */
export const GZIP_MIN_LEVEL = 1;
export const GZIP_MAX_LEVEL = 9;
export const GZIP_DEFAULT_LEVEL = -1;

export function gzipCompress(data: Uint8Array, level: number = GZIP_DEFAULT_LEVEL): Buffer {
  if (level !== GZIP_DEFAULT_LEVEL && !(Number.isInteger(level) && level >= GZIP_MIN_LEVEL && level <= GZIP_MAX_LEVEL)) {
    throw new ProtocolEncodeError(
      `gzip: compression level ${level} is out of range: use ${GZIP_MIN_LEVEL}..${GZIP_MAX_LEVEL}, or ${GZIP_DEFAULT_LEVEL} for the default`,
    );
  }
  return zlib.gzipSync(data, { level });
}

/** `err.code` when it is a string. (No `instanceof` on Node's errors: they may come from another realm.) */
function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

export function gzipDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (data.length === 0) {
    throw new DecompressionError('gzip', 'no data: an empty input is not a gzip stream');
  }
  try {
    // maxOutputLength must be >= 1; a zero limit is honoured by the length check below.
    const out = zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    if (out.length > maxBytes) throw new DecompressionLimitError('gzip', maxBytes);
    return out;
  } catch (err) {
    if (err instanceof DecompressionError) throw err;
    if (errorCode(err) === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecompressionLimitError('gzip', maxBytes);
    }
    throw new DecompressionError('gzip', `corrupt compressed data: ${errorMessage(err)}`, 0, { cause: err });
  }
}
