/**
 * zstd (Kafka compression type 4).
 *
 * Backends, chosen once per process:
 * - `node:zlib` when it has zstd (`zlib.zstdCompressSync`/`zstdDecompressSync`, Node >= 22.15 and
 *   >= 23.8), with `maxOutputLength` capping the output;
 * - otherwise the zstd library compiled to WebAssembly that `@bokuweb/zstd-wasm` ships (its
 *   `zstd.wasm`, the reference C library built with emscripten). We do not use that package's
 *   JavaScript, whose `init()` is asynchronous: we compile and instantiate its `.wasm` ourselves
 *   with the synchronous `new WebAssembly.Module`/`Instance` (allowed in Node for any size, ~5 ms
 *   for this 250 KB module), so the codec API stays synchronous and needs no init call. The
 *   module's exports are minified; their mapping below is pinned to 0.0.27 (installed with
 *   --save-exact) and checked on load by a round trip.
 *
 * Candidates measured on Node 20.20 on this project's 2-core machine (shared, so +-20%), level 3,
 * 1 MiB of Kafka-like records (JSON order events with keys; ratio ~4.8), MB/s of uncompressed
 * bytes, two runs each; load = require + init until the first call can run:
 *
 * | package                    | kind          | API                                   | compress | decompress | load     | installed |
 * |----------------------------|---------------|---------------------------------------|----------|------------|----------|-----------|
 * | @bokuweb/zstd-wasm 0.0.27  | wasm          | async init(), then sync               | 119-142  | 680-686    | 10-15 ms | 1.2 MB    |
 * | ... its .wasm, as used here| wasm          | sync (own instantiation, reused ctx)  | 136-140  | 651-665    | ~5 ms    |           |
 * | @foxglove/wasm-zstd 1.0.1  | wasm          | async; decompress needs the size      | 196-217  | 666-791    | 5-8 ms   | 0.45 MB   |
 * | zstd-codec 0.1.5           | emscripten    | callback (async) init                 | 176-188  | 229-258    | 25-37 ms | 2.1 MB    |
 * | @oneidentity/zstd-js 1.0.3 | wasm + asm.js | async init                            | 157-215  | 752-802    | 66-90 ms | 65 MB     |
 * | @hpcc-js/wasm-zstd 1.12.5  | wasm (base64) | async load()                          | 36-49    | 11-13      | 55-90 ms | 0.66 MB   |
 * | fzstd 0.1.1                | pure JS       | sync, decompress only                 | -        | 187-205    | 3-4 ms   | 0.1 MB    |
 * | zstddec 0.3.4              | wasm          | async init, decompress only           | -        | 635-692    | 33-38 ms | 0.4 MB    |
 *
 * Why @bokuweb/zstd-wasm: both directions; its module exports the plain zstd API with real
 * error codes (ZSTD_isError, ZSTD_decompress_usingDict/compress_usingDict on reusable contexts),
 * so "output larger than the buffer" (our limit) is told apart from corrupt data. foxglove's
 * wrapper compresses faster but collapses every error to -1; zstd-codec's streaming decoder grows
 * its output without a cap; zstd-js is 65 MB and its simple decompress returned wrong bytes for a
 * frame another encoder wrote; hpcc is slow; fzstd and zstddec cannot compress. Native addons
 * (`@mongodb-js/zstd`, `zstd-napi`) were excluded: kafkaesque is pure TypeScript and they need a
 * prebuilt binary or a compiler at install time.
 *
 * Bounding the output: Java's zstd-jni (`ZstdOutputStreamNoFinalizer`) writes frames WITHOUT a
 * content size, so the decompressed size is usually unknown. Before decoding we walk the frames
 * (headers and block headers only): a frame that declares its content size contributes it
 * (checked against `maxBytes` before anything is allocated); otherwise each block contributes
 * its exact size (raw, RLE) or its maximum, min(window, 128 KiB) (compressed). The output buffer
 * is min(that bound, maxBytes); if decoding needs more, the data really exceeds the limit.
 *
 * Memory (wasm): during a call the module's heap holds the input and that output buffer; the
 * result is copied out. WebAssembly memory never shrinks, so an instance whose memory grew past
 * 96 MiB is dropped after the call and a fresh one (16 MiB) made on the next.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as zlib from 'node:zlib';
import { ProtocolEncodeError } from '../errors.js';
import { CompressionUnavailableError, DecompressionError, DecompressionLimitError } from './errors.js';

/** Kafka's zstd levels (`compression.zstd.level`): -131072..22, default 3. */
export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;
export const ZSTD_DEFAULT_LEVEL = 3;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 * 1024;
const WASM_PACKAGE = '@bokuweb/zstd-wasm';
const WASM_PACKAGE_VERSION = '0.0.27';

// ---------------------------------------------------------------------------------------------
// Frame walk: validates the frame structure and bounds the decompressed size.

function corrupt(reason: string, offset: number): DecompressionError {
  return new DecompressionError('zstd', `corrupt compressed data: ${reason}`, offset);
}

function u32(d: Uint8Array, p: number): number {
  return (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16)) + d[p + 3]! * 0x1000000;
}

/**
 * Walks every frame of `data` and returns an upper bound of its decompressed size (exact when
 * every frame declares its content size). Throws {@link DecompressionLimitError} as soon as the
 * declared sizes alone pass `maxBytes`, and {@link DecompressionError} for data that is not a
 * complete sequence of zstd frames.
 */
export function zstdDecompressedBound(data: Uint8Array, maxBytes: number): number {
  if (data.length === 0) throw corrupt('no data: an empty input is not a zstd frame', 0);
  let pos = 0;
  let declared = 0;
  let bound = 0;
  while (pos < data.length) {
    const frameStart = pos;
    if (data.length - pos < 4) throw corrupt('truncated frame magic', pos);
    const magic = u32(data, pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (data.length - pos < 8) throw corrupt('truncated skippable frame', pos);
      const size = u32(data, pos + 4);
      if (size > data.length - pos - 8) throw corrupt('skippable frame runs past the end of the data', pos);
      pos += 8 + size;
      continue;
    }
    if (magic !== ZSTD_MAGIC) {
      throw corrupt(`not a zstd frame: magic 0x${magic.toString(16).padStart(8, '0')} (expected 0xfd2fb528)`, pos);
    }
    pos += 4;
    if (pos >= data.length) throw corrupt('truncated frame header', pos);
    const fhd = data[pos]!;
    const fcsFlag = fhd >>> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    if (fhd & 0x08) throw corrupt('reserved frame header bit is set', pos);
    const hasChecksum = (fhd & 0x04) !== 0;
    const didSize = [0, 1, 2, 4][fhd & 3]!;
    const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
    const headerSize = 1 + (singleSegment ? 0 : 1) + didSize + fcsSize;
    if (data.length - pos < headerSize) throw corrupt('truncated frame header', pos);
    let windowSize = 0;
    if (!singleSegment) {
      const wd = data[pos + 1]!;
      const windowBase = 2 ** (10 + (wd >>> 3));
      windowSize = windowBase + (windowBase / 8) * (wd & 7);
    }
    let contentSize = -1;
    const fcsPos = pos + headerSize - fcsSize;
    if (fcsSize === 1) contentSize = data[fcsPos]!;
    else if (fcsSize === 2) contentSize = (data[fcsPos]! | (data[fcsPos + 1]! << 8)) + 256;
    else if (fcsSize === 4) contentSize = u32(data, fcsPos);
    else if (fcsSize === 8) contentSize = u32(data, fcsPos) + u32(data, fcsPos + 4) * 2 ** 32;
    if (contentSize >= 0) {
      declared += contentSize;
      if (declared > maxBytes) {
        throw new DecompressionLimitError('zstd', maxBytes, `the frames declare ${declared} bytes of content`, frameStart);
      }
      if (singleSegment) windowSize = contentSize;
    }
    pos += headerSize;
    const blockMax = Math.min(BLOCK_SIZE_MAX, windowSize);
    let frameBound = 0;
    for (;;) {
      if (data.length - pos < 3) throw corrupt('truncated block header', pos);
      const bh = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
      const last = (bh & 1) !== 0;
      const type = (bh >>> 1) & 3;
      const size = bh >>> 3;
      pos += 3;
      if (type === 3) throw corrupt('reserved block type', pos - 3);
      if (type === 1) {
        // RLE: one byte repeated `size` times.
        if (pos >= data.length) throw corrupt('truncated RLE block', pos);
        frameBound += size;
        pos += 1;
      } else {
        if (size > data.length - pos) throw corrupt(`block of ${size} bytes runs past the end of the data`, pos - 3);
        frameBound += type === 0 ? size : blockMax;
        pos += size;
      }
      if (last) break;
    }
    if (hasChecksum) {
      if (data.length - pos < 4) throw corrupt('truncated content checksum', pos);
      pos += 4;
    }
    bound += contentSize >= 0 ? contentSize : frameBound;
  }
  return bound;
}

// ---------------------------------------------------------------------------------------------
// Backends

interface ZstdBackend {
  readonly name: 'node:zlib' | 'wasm';
  /** Size of the WebAssembly linear memory (wasm backend only). */
  heapBytes?(): number;
  /**
   * Set when the WebAssembly instance must not be used again: it trapped, or its linear memory
   * (which can grow but never shrink) grew past {@link WASM_RECYCLE_BYTES}. It is then dropped,
   * and a fresh instance (~5 ms) is made on the next call.
   */
  retired?: boolean;
  compress(data: Uint8Array, level: number): Buffer;
  /** Called after {@link zstdDecompressedBound}; `bound` is its result. */
  decompress(data: Uint8Array, maxBytes: number, bound: number): Buffer;
}

interface NativeZstd {
  zstdCompressSync(data: Uint8Array, options: { params: Record<number, number>; pledgedSrcSize?: number }): Buffer;
  zstdDecompressSync(data: Uint8Array, options: { maxOutputLength: number }): Buffer;
  constants: { ZSTD_c_compressionLevel: number };
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

/** node:zlib's zstd, or null on Node versions without it. */
function nativeZstd(): NativeZstd | null {
  const z = zlib as unknown as Partial<NativeZstd>;
  if (
    typeof z.zstdCompressSync === 'function' &&
    typeof z.zstdDecompressSync === 'function' &&
    typeof z.constants?.ZSTD_c_compressionLevel === 'number'
  ) {
    return z as NativeZstd;
  }
  return null;
}

function nativeBackend(z: NativeZstd): ZstdBackend {
  return {
    name: 'node:zlib',
    compress(data, level) {
      return z.zstdCompressSync(data, {
        params: { [z.constants.ZSTD_c_compressionLevel]: level },
        pledgedSrcSize: data.length,
      });
    },
    decompress(data, maxBytes, bound) {
      try {
        const out = z.zstdDecompressSync(data, { maxOutputLength: Math.max(1, Math.min(maxBytes, bound)) });
        if (out.length > maxBytes) throw new DecompressionLimitError('zstd', maxBytes);
        return out;
      } catch (err) {
        if (err instanceof DecompressionError) throw err;
        if (errorCode(err) === 'ERR_BUFFER_TOO_LARGE') {
          if (bound > maxBytes) throw new DecompressionLimitError('zstd', maxBytes);
          throw corrupt('the data decompresses to more than its frames allow', 0);
        }
        throw new DecompressionError('zstd', `corrupt compressed data: ${errorMessage(err)}`, 0, { cause: err });
      }
    },
  };
}

// --- WebAssembly ------------------------------------------------------------------------------

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The zstd functions of the wasm module (names as in zstd.h). Pointers and sizes are i32. */
interface ZstdWasm {
  memory: WasmMemory;
  isError(code: number): number;
  compressBound(srcSize: number): number;
  createCCtx(): number;
  createDCtx(): number;
  compressUsingDict(cctx: number, dst: number, dstCap: number, src: number, srcSize: number, dict: number, dictSize: number, level: number): number;
  decompressUsingDict(dctx: number, dst: number, dstCap: number, src: number, srcSize: number, dict: number, dictSize: number): number;
  malloc(size: number): number;
  free(ptr: number): void;
}

/**
 * Minified export names of @bokuweb/zstd-wasm 0.0.27's `zstd.wasm`, read from its emscripten
 * glue (`dist/common/zstd.js`). `g` is `__wasm_call_ctors`.
 */
const WASM_EXPORTS = {
  memory: 'f',
  ctors: 'g',
  isError: 'h',
  compressBound: 'i',
  createCCtx: 'j',
  compressUsingDict: 'l',
  createDCtx: 'n',
  decompressUsingDict: 'q',
  malloc: 's',
  free: 't',
} as const;

/** zstd error codes (ZSTD_ErrorCode) for messages. */
const ZSTD_ERRORS: Record<number, string> = {
  1: 'generic error',
  10: 'unknown frame descriptor',
  12: 'unsupported frame version',
  14: 'unsupported frame parameter',
  16: 'frame requires too much memory (window too large)',
  20: 'corrupted block detected',
  22: 'content checksum mismatch',
  24: 'corrupt literals header',
  30: 'corrupt dictionary',
  32: 'the frame needs a dictionary (Kafka never uses one)',
  64: 'allocation failure',
  70: 'destination buffer is too small',
  72: 'source size is wrong (truncated or trailing data)',
};

const ZSTD_ERROR_DST_SIZE_TOO_SMALL = 70;

/**
 * WebAssembly memory never shrinks: after one large batch the instance would keep its peak size
 * for the life of the process. Past this size the instance is retired after the call.
 */
const WASM_RECYCLE_BYTES = 96 * 1024 * 1024;

function wasmPackageDir(): string {
  // The package's exports map only exposes its entry point; its zstd.wasm sits beside it.
  return dirname(require.resolve(WASM_PACKAGE));
}

function loadWasm(): ZstdWasm {
  const bytes = readFileSync(join(wasmPackageDir(), 'zstd.wasm'));
  const wasm = (globalThis as unknown as { WebAssembly?: WasmGlobal }).WebAssembly;
  if (!wasm) throw new Error('this JavaScript runtime has no WebAssembly');
  let memory: WasmMemory | undefined;
  const fail = (what: string) => (): never => {
    throw new Error(`zstd WebAssembly module called ${what}`);
  };
  const imports = {
    a: {
      a: fail('exit'),
      b: () => undefined, // _emscripten_runtime_keepalive_clear
      c: fail('abort'),
      d: () => 0, // _setitimer_js: no timers are used by the functions we call
      e: (requested: number): number => {
        // emscripten_resize_heap: grow linear memory to at least `requested` bytes (max 2 GiB).
        const mem = memory!;
        const want = requested >>> 0;
        const cur = mem.buffer.byteLength;
        if (want > 2 ** 31) return 0;
        for (const target of [Math.min(2 ** 31, Math.max(want, cur + cur / 4)), want]) {
          try {
            mem.grow(Math.ceil((target - cur) / 65536));
            return 1;
          } catch {
            // try the exact size next
          }
        }
        return 0;
      },
    },
  };
  const instance = new wasm.Instance(new wasm.Module(bytes), imports);
  const ex = instance.exports;
  const fn = (key: keyof typeof WASM_EXPORTS): ((...args: number[]) => number) => {
    const f = ex[WASM_EXPORTS[key]];
    if (typeof f !== 'function') throw new Error(`export ${WASM_EXPORTS[key]} (${key}) is missing`);
    return f as (...args: number[]) => number;
  };
  const mem = ex[WASM_EXPORTS.memory] as WasmMemory | undefined;
  // Duck-typed: under jest's vm contexts the memory's ArrayBuffer comes from another realm.
  if (typeof mem?.grow !== 'function' || typeof mem.buffer?.byteLength !== 'number') {
    throw new Error(`export ${WASM_EXPORTS.memory} (memory) is missing`);
  }
  memory = mem;
  fn('ctors')();
  const z: ZstdWasm = {
    memory: mem,
    isError: fn('isError'),
    compressBound: fn('compressBound'),
    createCCtx: fn('createCCtx'),
    createDCtx: fn('createDCtx'),
    compressUsingDict: fn('compressUsingDict'),
    decompressUsingDict: fn('decompressUsingDict'),
    malloc: fn('malloc'),
    free: fn('free') as (ptr: number) => void,
  };
  return z;
}

function wasmBackend(z: ZstdWasm): ZstdBackend {
  let cctx = 0;
  let dctx = 0;
  const heap = (): Uint8Array => new Uint8Array(z.memory.buffer);
  const errorName = (r: number): string => ZSTD_ERRORS[-r] ?? `zstd error ${-r}`;

  const self: ZstdBackend = {
    name: 'wasm',
    heapBytes: () => z.memory.buffer.byteLength,
    compress(data, level) {
      try {
        return compressImpl(data, level);
      } catch (err) {
        if (err instanceof ProtocolEncodeError) throw err;
        // A trap (WebAssembly.RuntimeError) leaves the instance's heap in an unknown state.
        self.retired = true;
        throw new ProtocolEncodeError(`zstd: the WebAssembly encoder failed: ${errorMessage(err)}`);
      } finally {
        if (z.memory.buffer.byteLength > WASM_RECYCLE_BYTES) self.retired = true;
      }
    },
    decompress(data, maxBytes, bound) {
      try {
        return decompressImpl(data, maxBytes, bound);
      } catch (err) {
        if (err instanceof DecompressionError) throw err;
        self.retired = true;
        throw new DecompressionError('zstd', `the WebAssembly decoder failed: ${errorMessage(err)}`, 0, {
          cause: err,
        });
      } finally {
        if (z.memory.buffer.byteLength > WASM_RECYCLE_BYTES) self.retired = true;
      }
    },
  };
  return self;

  function compressImpl(data: Uint8Array, level: number): Buffer {
    if (cctx === 0) cctx = z.createCCtx();
    const cap = z.compressBound(data.length);
    const src = z.malloc(Math.max(1, data.length));
    const dst = src === 0 ? 0 : z.malloc(cap);
    try {
      if (cctx === 0 || src === 0 || dst === 0) {
        throw new ProtocolEncodeError(`zstd: out of WebAssembly memory compressing ${data.length} bytes`);
      }
      heap().set(data, src);
      const r = z.compressUsingDict(cctx, dst, cap, src, data.length, 0, 0, level);
      if (z.isError(r)) throw new ProtocolEncodeError(`zstd: compression failed: ${errorName(r)}`);
      return Buffer.from(heap().subarray(dst, dst + r));
    } finally {
      if (dst) z.free(dst);
      if (src) z.free(src);
    }
  }

  function decompressImpl(data: Uint8Array, maxBytes: number, bound: number): Buffer {
    if (dctx === 0) dctx = z.createDCtx();
    const cap = Math.min(bound, maxBytes);
    const src = z.malloc(data.length);
    const dst = src === 0 ? 0 : z.malloc(Math.max(1, cap));
    try {
      if (dctx === 0 || src === 0 || dst === 0) {
        throw new DecompressionError('zstd', `out of WebAssembly memory decompressing into ${cap} bytes`);
      }
      heap().set(data, src);
      const r = z.decompressUsingDict(dctx, dst, cap, src, data.length, 0, 0);
      if (z.isError(r)) {
        if (-r === ZSTD_ERROR_DST_SIZE_TOO_SMALL) {
          if (bound > maxBytes) throw new DecompressionLimitError('zstd', maxBytes);
          throw corrupt('a block decompresses to more than the frame allows', 0);
        }
        throw corrupt(errorName(r), 0);
      }
      return Buffer.from(heap().subarray(dst, dst + r));
    } finally {
      if (dst) z.free(dst);
      if (src) z.free(src);
    }
  }
}

// --- selection --------------------------------------------------------------------------------

let backend: ZstdBackend | null = null;
let backendKind: 'auto' | 'node:zlib' | 'wasm' = 'auto';
let loadError: CompressionUnavailableError | null = null;

function loadWasmBackend(): ZstdBackend {
  try {
    const b = wasmBackend(loadWasm());
    // Self-test: a wrong export mapping (another package version) must not corrupt data silently.
    const sample = Buffer.from('kafkaesque zstd self-test kafkaesque zstd self-test 0123456789');
    const round = b.decompress(b.compress(sample, ZSTD_DEFAULT_LEVEL), sample.length, sample.length);
    if (!round.equals(sample)) throw new Error('round trip of the self-test produced different bytes');
    return b;
  } catch (err) {
    const reason = errorMessage(err);
    let version = 'unknown';
    try {
      const pkg = JSON.parse(readFileSync(join(wasmPackageDir(), '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
      version = String(pkg.version);
    } catch {
      // package not installed: reported below
    }
    throw new CompressionUnavailableError(
      'zstd',
      `this Node.js (${process.version}) has no built-in zstd and the WebAssembly zstd of ` +
        `${WASM_PACKAGE} could not be loaded (installed: ${version}, expected ${WASM_PACKAGE_VERSION}): ${reason}. ` +
        `Reinstall kafkaesque's dependencies (npm ci), or run on Node.js >= 22.15, which has zstd built in.`,
      { cause: err },
    );
  }
}

/**
 * Selects the zstd implementation: `auto` (node:zlib when it has zstd, else WebAssembly), or one
 * of them explicitly (tests use this to exercise both). Throws {@link CompressionUnavailableError}
 * when the requested one cannot be loaded.
 */
export function selectZstdBackend(kind: 'auto' | 'node:zlib' | 'wasm'): 'node:zlib' | 'wasm' {
  const native = kind === 'wasm' ? null : nativeZstd();
  if (native) {
    backend = nativeBackend(native);
  } else if (kind === 'node:zlib') {
    throw new CompressionUnavailableError('zstd', `node:zlib of Node.js ${process.version} has no zstd (added in 22.15)`);
  } else {
    backend = loadWasmBackend();
  }
  backendKind = kind;
  loadError = null;
  return backend.name;
}

/** The zstd implementation, loaded on first use; a load failure is remembered and rethrown. */
function zstdBackend(): ZstdBackend {
  if (backend && !backend.retired) return backend;
  backend = null;
  if (loadError) throw loadError;
  try {
    selectZstdBackend(backendKind);
  } catch (err) {
    if (err instanceof CompressionUnavailableError) loadError = err;
    throw err;
  }
  return backend!;
}

/** Size of the WebAssembly zstd instance's memory, or null when the wasm backend is not in use. */
export function zstdWasmHeapBytes(): number | null {
  return backend && !backend.retired && backend.heapBytes ? backend.heapBytes() : null;
}

/** Loads the zstd implementation now (instead of on first use); throws if it cannot be loaded. */
export function loadZstd(): 'node:zlib' | 'wasm' {
  return zstdBackend().name;
}

export function zstdCompress(data: Uint8Array, level: number = ZSTD_DEFAULT_LEVEL): Buffer {
  if (!(Number.isInteger(level) && level >= ZSTD_MIN_LEVEL && level <= ZSTD_MAX_LEVEL)) {
    throw new ProtocolEncodeError(`zstd: compression level ${level} is out of range: use ${ZSTD_MIN_LEVEL}..${ZSTD_MAX_LEVEL}`);
  }
  return zstdBackend().compress(data, level);
}

export function zstdDecompress(data: Uint8Array, maxBytes: number): Buffer {
  const bound = zstdDecompressedBound(data, maxBytes);
  return zstdBackend().decompress(data, maxBytes, bound);
}
