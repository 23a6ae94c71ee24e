/**
 * Errors of the compression codecs. Kept apart from `index.ts` so each codec module can throw
 * them without importing the dispatcher (no import cycle).
 */
import { KafkaesqueError, ProtocolDecodeError } from '../errors.js';

/** The codec names, as Kafka's `compression.type` spells them. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * Compressed data that does not decompress: truncated, a checksum or length that does not match,
 * a block or frame header no Kafka producer writes. Names the codec and the problem; `offset` is
 * the byte within the compressed input where it was found (0 when the codec library does not say).
 */
export class DecompressionError extends ProtocolDecodeError {
  override readonly code: string = 'ERR_DECOMPRESSION';
  /** The codec that was decoding (`unknown` for a compression type id Kafka does not define). */
  readonly codec: CompressionName | 'unknown';

  constructor(codec: CompressionName | 'unknown', reason: string, offset = 0, options?: { cause?: unknown }) {
    super(`${codec}: ${reason}`, offset);
    this.codec = codec;
    if (options?.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true });
    }
  }
}

/**
 * The decompressed data would be larger than the caller's limit. Raised before the output is
 * allocated whenever the compressed data declares its size, and otherwise as soon as the output
 * passes the limit: a decompression bomb is refused, never expanded.
 */
export class DecompressionLimitError extends DecompressionError {
  override readonly code: string = 'ERR_DECOMPRESSION_LIMIT';
  /** The limit (bytes) that would have been exceeded. */
  readonly limit: number;

  constructor(codec: CompressionName, limit: number, detail = '', offset = 0) {
    super(
      codec,
      `decompressed data would exceed the limit of ${limit} bytes${detail ? ` (${detail})` : ''}; ` +
        `raise the maxDecompressedBytes setting if record batches this large are expected, ` +
        `otherwise the batch is corrupt or hostile`,
      offset,
    );
    this.limit = limit;
  }
}

/**
 * A codec that cannot run in this process: its implementation failed to load (for zstd on
 * Node < 22.15, the WebAssembly module shipped by `@bokuweb/zstd-wasm`).
 */
export class CompressionUnavailableError extends KafkaesqueError {
  /** The codec that could not be loaded. */
  readonly codec: CompressionName;

  constructor(codec: CompressionName, message: string, options?: { cause?: unknown }) {
    super('ERR_COMPRESSION_UNAVAILABLE', `${codec}: ${message}`, options);
    this.codec = codec;
  }
}
