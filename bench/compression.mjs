#!/usr/bin/env node
// Quick benchmark of the compression codecs: MB/s (of uncompressed bytes) to compress and to
// decompress a records section made of ~1 KiB JSON records, for a 16 KiB batch (the producer's
// default batch.size) and a 1 MiB batch.
//
//   node scripts/build.mjs && node bench/compression.mjs [seconds-per-case]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const codecs = require('../dist/protocol/compression/index.js');
const { CompressionType, compress, decompress, ensureCompressionReady } = codecs;

const seconds = Number(process.argv[2] ?? 1);

/** Deterministic ~1 KiB JSON records, varint-ish length prefixes, as in a Kafka records section. */
function recordsSection(size, seed = 7) {
  let s = seed >>> 0;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const words = 'order shipped paid created warehouse berlin lisbon oslo express standard gift priority'.split(' ');
  const parts = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const items = Array.from({ length: 8 + Math.floor(rnd() * 6) }, () => ({
      sku: `SKU-${Math.floor(rnd() * 20000)}`,
      qty: 1 + Math.floor(rnd() * 5),
      price: Math.round(rnd() * 10000) / 100,
      tag: words[Math.floor(rnd() * words.length)],
    }));
    const value = JSON.stringify({
      id: `ord-${1_000_000 + i}`,
      customer: Math.floor(rnd() * 1e6),
      ts: 1_700_000_000_000 + i * 13,
      status: words[Math.floor(rnd() * 4)],
      trace: Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0'),
      items,
    });
    const rec = Buffer.from(`\u0000${String.fromCharCode(value.length & 0x7f)}key-${i % 1000}${value}\u0000`);
    parts.push(rec);
    n += rec.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}

function measure(fn) {
  fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 5) {
    fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

await ensureCompressionReady();
console.log(`node ${process.version}; MB/s of uncompressed bytes; ${seconds}s per case`);
console.log('codec   batch     ratio   compress MB/s   decompress MB/s');
for (const size of [16 * 1024, 1024 * 1024]) {
  const data = recordsSection(size);
  for (const [name, type] of Object.entries(CompressionType)) {
    if (type === CompressionType.None) continue;
    const z = compress(type, data);
    const back = decompress(type, z, data.length);
    if (!back.equals(data)) throw new Error(`${name}: round trip failed`);
    const c = measure(() => compress(type, data));
    const d = measure(() => decompress(type, z, data.length));
    const mb = data.length / 1e6;
    console.log(
      `${name.toLowerCase().padEnd(7)} ${String(size / 1024).padStart(5)} KiB ${(data.length / z.length).toFixed(2).padStart(6)}` +
        `   ${(mb / (c / 1000)).toFixed(0).padStart(13)}   ${(mb / (d / 1000)).toFixed(0).padStart(15)}`,
    );
  }
}
