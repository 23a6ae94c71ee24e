// Record batch encode/decode throughput, beside the floor measured in the same run: a
// Buffer.copy of the same bytes plus CRC-32C over them with the same CRC code (the CRC is the
// real ceiling of both directions).
//
//   npm run bench:records            (builds first)
//   node bench/records.mjs [--seconds 1.5] [--codecs none,gzip,...]
//
// Prints a Markdown table; each figure is the median of 5 timed rounds after a warm-up.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { cliArgs } from './args.mjs';
import { medianRate } from './measure.mjs';

const require = createRequire(import.meta.url);
const p = require('../dist/protocol/index.js');

const { arg } = cliArgs();
const seconds = Number(arg('seconds', '1'));
const codecs = arg('codecs', 'none,gzip,snappy,lz4,zstd').split(',');
await p.ensureCompressionReady();

/** Records of `size` value bytes with 16-byte keys; values are text-like so codecs have work. */
function makeRecords(count, size) {
  const words = 'kafka record value payload offset partition broker consumer producer '.repeat(40);
  const records = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = (i * 7) % 200;
    records[i] = {
      key: Buffer.from(`key-${String(i).padStart(12, '0')}`),
      value: Buffer.from(words.slice(start, start + size)),
      timestamp: 1_700_000_000_000 + i,
    };
  }
  return records;
}

const measure = (fn) => medianRate(fn, seconds);

// warm the CRC and copy paths so the first floor row is not measured cold
{
  const warm = Buffer.alloc(1 << 20, 1);
  const end = performance.now() + 500;
  while (performance.now() < end) p.crc32c(Buffer.from(warm));
}

const rows = [];
for (const size of [100, 1024]) {
  // ~1 MiB batches, as a producer with batch.size 1 MiB or a fetch of one partition would see
  const count = Math.floor((1024 * 1024) / (size + 30));
  const records = makeRecords(count, size);
  const w = new p.Writer(2 * 1024 * 1024);
  p.encodeRecordBatch(w, { records });
  const plain = Buffer.from(w.finish());

  // the floor: copy + CRC-32C of the same bytes
  const target = Buffer.allocUnsafe(plain.length);
  const floor = measure(() => {
    plain.copy(target);
    p.crc32c(target);
  });
  rows.push({ size, codec: 'floor (copy + CRC-32C)', count, bytes: plain.length, encode: floor, decode: floor, ratio: 1 });

  for (const name of codecs) {
    const compression = p.compressionTypeFromName(name);
    w.reset();
    p.encodeRecordBatch(w, { records, compression });
    const batch = Buffer.from(w.finish());
    const check = p.decodeRecordSet(batch, { maxDecompressedBytes: 64 << 20 });
    if (check.error || check.batches[0].records.length !== count) throw new Error(`bad round trip for ${name}`);
    const encode = measure(() => {
      w.reset();
      p.encodeRecordBatch(w, { records, compression });
    });
    const decode = measure(() => p.decodeRecordSet(batch, { maxDecompressedBytes: 64 << 20 }));
    rows.push({ size, codec: name, count, bytes: plain.length, encode, decode, ratio: plain.length / batch.length });
  }
}

const mb = (batchesPerSec, bytes) => ((batchesPerSec * bytes) / 1e6).toFixed(0);
const mrec = (batchesPerSec, count) => ((batchesPerSec * count) / 1e6).toFixed(2);
console.log(`Record batch v2, ~1 MiB batches, Node ${process.version}, median of 5 rounds\n`);
console.log('| record | codec | ratio | encode MB/s | encode M rec/s | decode MB/s | decode M rec/s |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.size} B | ${r.codec} | ${r.ratio.toFixed(1)}x | ${mb(r.encode, r.bytes)} | ${mrec(r.encode, r.count)} | ${mb(r.decode, r.bytes)} | ${mrec(r.decode, r.count)} |`,
  );
}
console.log('\nMB/s counts uncompressed batch bytes; the floor row copies and checksums the same bytes once.');
