/**
 * The compression codecs of Kafka record batches (magic 2): attribute bits 0-2 select none (0),
 * gzip (1), snappy (2), lz4 (3) or zstd (4) for the records section. Each codec reads every
 * framing the Java producer and librdkafka write and writes what Java consumers read; see the
 * codec modules for the formats.
 *
 * Everything is synchronous. Every decompression takes a `maxBytes` limit and throws
 * {@link DecompressionLimitError} as soon as the output would pass it (before allocating it,
 * when the data declares its size): a decompression bomb is refused, never expanded. Corrupt
 * input throws {@link DecompressionError}, never another error type.
 */
import { ProtocolEncodeError } from '../errors.js';
import { CompressionUnavailableError, DecompressionError, DecompressionLimitError, type CompressionName } from './errors.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { loadZstd, zstdCompress, zstdDecompress } from './zstd.js';

export { CompressionUnavailableError, DecompressionError, DecompressionLimitError, type CompressionName };

/** Kafka's compression type ids, as in the record batch attributes (bits 0-2). */
export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionTypeId = 0 | 1 | 2 | 3 | 4;

/**
 * Default `maxDecompressedBytes`: 64 MiB, well above any batch a broker accepts by default
 * (`message.max.bytes` 1 MiB compressed; records expand a few times) and below what a consumer
 * would want one batch to cost.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The Kafka name of a compression type id (`compression.type` spelling). */
export function compressionName(type: CompressionTypeId): CompressionName {
  const name = NAMES[type];
  if (name === undefined) throw new ProtocolEncodeError(`unknown compression type ${String(type)}: Kafka defines 0..4`);
  return name;
}

/** The id of a `compression.type` name (case-insensitive); throws listing the allowed names. */
export function compressionTypeFromName(name: string): CompressionTypeId {
  const i = NAMES.indexOf(name.trim().toLowerCase() as CompressionName);
  if (i < 0) {
    throw new ProtocolEncodeError(`unknown compression type ${JSON.stringify(name)}: use one of ${NAMES.join(', ')}`);
  }
  return i as CompressionTypeId;
}

/**
 * Compresses `data` with codec `type`. `level` is Kafka's per-codec level: gzip 1..9 (default -1,
 * zlib's 6), lz4 1..17 (accepted and ignored: we always use the fast compressor, as Java does at
 * its default 9), zstd -131072..22 (default 3); snappy and none have no levels and ignore it.
 * `None` returns a copy.
 */
export function compress(type: CompressionTypeId, data: Uint8Array, level?: number): Buffer {
  switch (type) {
    case CompressionType.None:
      return Buffer.from(data);
    case CompressionType.Gzip:
      return gzipCompress(data, level);
    case CompressionType.Snappy:
      return snappyCompress(data);
    case CompressionType.Lz4:
      return lz4Compress(data, level);
    case CompressionType.Zstd:
      return zstdCompress(data, level);
    default:
      throw new ProtocolEncodeError(`unknown compression type ${String(type)}: Kafka defines 0..4 (${NAMES.join(', ')})`);
  }
}

/**
 * Decompresses `data` (a records section compressed with codec `type`). Throws
 * {@link DecompressionLimitError} when the output would exceed `maxBytes` (never allocating more
 * than about `maxBytes` plus one codec block), {@link DecompressionError} when the data is corrupt
 * or `type` is unknown. `None` returns a copy.
 */
export function decompress(type: CompressionTypeId, data: Uint8Array, maxBytes: number): Buffer {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
  switch (type) {
    case CompressionType.None:
      if (data.length > maxBytes) throw new DecompressionLimitError('none', maxBytes, `the records section has ${data.length} bytes`);
      return Buffer.from(data);
    case CompressionType.Gzip:
      return gzipDecompress(data, maxBytes);
    case CompressionType.Snappy:
      return snappyDecompress(data, maxBytes);
    case CompressionType.Lz4:
      return lz4Decompress(data, maxBytes);
    case CompressionType.Zstd:
      return zstdDecompress(data, maxBytes);
    default:
      throw new DecompressionError('unknown', `unknown compression type ${String(type)} in the batch attributes: Kafka defines 0..4`);
  }
}

/**
 * Loads every codec implementation now rather than on first use (today only zstd has anything to
 * load: the WebAssembly module on Node < 22.15, instantiated synchronously in about 5 ms). Never
 * required — `compress`/`decompress` load what they need on first use — but it surfaces a broken
 * installation at startup. Rejects with {@link CompressionUnavailableError}.
 */
export async function ensureCompressionReady(): Promise<void> {
  loadZstd();
}
