/**
 * CRC-32C (Castagnoli), the checksum of record batch v2, computed by the `crc-32` package's
 * table-driven implementation. Returns the unsigned 32-bit value as stored in the batch.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const impl = require('crc-32/crc32c') as { buf(data: Uint8Array, seed?: number): number };

export function crc32c(data: Uint8Array): number {
  return impl.buf(data) >>> 0;
}
