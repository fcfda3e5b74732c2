// How lake sizes and fills the filters it writes and cuts files with filters into row groups:
// filters sized for the distinct values a row group holds, the fill loop agreeing with the
// one-value insert, and files cut so a "maybe" reads a part of a column.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { bloomFilterBytes, bloomProbe, byteSourceFromBytes, loadColumnBloomFilters, readParquetMetadata, writeParquet } from '../src/index.js';
import { bloomRowGroupRows, buildRowGroupBloom, estimateDistinct } from '../src/bloom-build.js';
import { bloomInsert, newBloom } from '../src/split-block-bloom.js';
import { xxhash64Utf8 } from '../src/xxhash64.js';

function hashesOf(values: string[]): { halves: Uint32Array; valid: Uint8Array; hashes: bigint[] } {
  const hashes = values.map((v) => xxhash64Utf8(v));
  const halves = new Uint32Array(values.length * 2);
  hashes.forEach((h, i) => {
    halves[2 * i] = Number(h & 0xffffffffn);
    halves[2 * i + 1] = Number(h >> 32n);
  });
  return { halves, valid: new Uint8Array(values.length).fill(1), hashes };
}

describe('bloom filter sizing and filling', () => {
  it('estimates the distinct values of a row group within 10% (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (distinct, repeat, seed) => {
        const values = Array.from({ length: distinct * repeat }, (_, i) => `v${seed}-${i % distinct}`);
        const { halves, valid } = hashesOf(values);
        const est = estimateDistinct(halves, valid, 0, values.length);
        expect(est).toBeLessThanOrEqual(values.length);
        expect(Math.abs(est - distinct)).toBeLessThanOrEqual(Math.max(5, distinct * 0.1));
      }),
      { numRuns: Number(process.env.NDV_RUNS ?? 40) },
    );
  });

  it('counts only non-null rows of the range asked for', () => {
    const { halves, valid } = hashesOf(['a', 'b', 'c', 'd']);
    valid[1] = 0;
    expect(estimateDistinct(halves, valid, 1, 4)).toBe(2);
    expect(estimateDistinct(halves, valid, 1, 2)).toBe(0);
  });

  it('fills a filter exactly as inserting its values one by one does (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 2000 }), (values, ndv) => {
        const { halves, valid, hashes } = hashesOf(values);
        valid[0] = 0;
        const built = buildRowGroupBloom(halves, valid, 0, values.length, ndv, 0.01);
        const model = newBloom(bloomFilterBytes(ndv, 0.01));
        hashes.forEach((h, i) => i > 0 && bloomInsert(model, h));
        expect(built.words).toEqual(model.words);
      }),
      { numRuns: 60 },
    );
  });

  it('sizes a filter for the distinct values, not the rows: a repeated column gets a small filter', () => {
    const n = 100_000;
    const table = new Table({ country: vectorFromArray(Array.from({ length: n }, (_, i) => `c${i % 20}`), new Utf8()) });
    const md = readParquetMetadata(writeParquet(table, { rowGroupSize: n, bloomFilters: [{ column: 'country' }] }));
    // 20 values: the 32-byte minimum (sized by rows it would be 128 KiB)
    expect(md.rowGroups[0].columns[0].bloomFilter!.length).toBeLessThan(100);
    const unique = new Table({ id: vectorFromArray(Array.from({ length: n }, (_, i) => `id-${i}`), new Utf8()) });
    const umd = readParquetMetadata(writeParquet(unique, { rowGroupSize: n, bloomFilters: [{ column: 'id' }] }));
    expect(umd.rowGroups[0].columns[0].bloomFilter!.length).toBeGreaterThan(bloomFilterBytes(n));
  });

  it('cuts a file with filters into up to 8 even row groups of 32,768 to 131,072 rows', () => {
    expect(bloomRowGroupRows(1000)).toBe(1000);
    expect(bloomRowGroupRows(33_000)).toBe(33_000);
    expect(bloomRowGroupRows(65_535)).toBe(65_535);
    expect(bloomRowGroupRows(65_536)).toBe(32_768);
    expect(bloomRowGroupRows(100_000)).toBe(33_334);
    expect(bloomRowGroupRows(1_000_000)).toBe(125_000);
    expect(bloomRowGroupRows(3_000_000)).toBe(130_435);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), (rows) => {
        const per = bloomRowGroupRows(rows);
        const groups = Math.ceil(rows / per);
        expect(per).toBeLessThanOrEqual(131_072);
        if (rows >= 32_768) expect(per).toBeGreaterThanOrEqual(32_768);
        if (rows <= 8 * 131_072) expect(groups).toBeLessThanOrEqual(8);
      }),
    );
  });

  it('writes several row groups by default when a column has a filter, so a value is found in one of them', async () => {
    const n = 8 * 32_768;
    const table = new Table({
      id: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()),
      user_id: vectorFromArray(Array.from({ length: n }, (_, i) => `u${i}`), new Utf8()),
    });
    expect(readParquetMetadata(writeParquet(table)).rowGroups).toHaveLength(1);
    expect(readParquetMetadata(writeParquet(table, { rowGroupSize: n, bloomFilters: [{ column: 'user_id' }] })).rowGroups).toHaveLength(1);
    const file = writeParquet(table, { bloomFilters: [{ column: 'user_id' }] });
    const meta = readParquetMetadata(file);
    expect(meta.rowGroups.map((g) => g.numRows)).toEqual(Array(8).fill(32_768));
    const filters = (await loadColumnBloomFilters(byteSourceFromBytes(file), meta, 'user_id'))!;
    const maybe = bloomProbe(filters, ['u100000']);
    expect(maybe(3)).toBe(true);
    expect(meta.rowGroups.filter((g) => maybe(g.index)).length).toBeLessThanOrEqual(2);
  });
});
