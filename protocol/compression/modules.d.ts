// Type declarations for the untyped runtime dependencies the codecs use.

declare module 'snappyjs' {
  /**
   * Compresses `uncompressed` into one raw snappy block (varint length preamble, then the
   * element stream). Returns the same kind of array it was given (Buffer for a Buffer).
   */
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
