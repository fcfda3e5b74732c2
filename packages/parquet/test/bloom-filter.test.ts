// Split-block bloom filters written by writeParquet, checked with hyparquet (an independent
// Parquet reader with its own xxHash64 and SBBF code) and with lake's own probe.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Int32, Int64, Table, vectorFromArray, Utf8 } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { hashParquetValue, readBloomFilter, sbbfContains } from 'hyparquet/src/bloom.js';
import { bloomFilterBytes, bloomProbe, byteSourceFromBytes, loadColumnBloomFilters, openParquet, readParquet, readParquetMetadata, writeParquet } from '../src/index.js';

function events(users: string[], n: number): Table {
  return new Table({
    id: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()),
    user_id: vectorFromArray(Array.from({ length: n }, (_, i) => users[i % users.length]), new Utf8()),
    big: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_000_007n), new Int64()),
  });
}

/** hyparquet's answer for each row group: may the filter of `column` hold `value`? */
function hyparquetProbe(file: Uint8Array, column: string, value: unknown): boolean[] {
  const md = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  const element = md.schema.find((e) => e.name === column)!;
  return md.row_groups.map((rg) => {
    const chunk = rg.columns.find((c) => c.meta_data!.path_in_schema.join('.') === column)!;
    const offset = Number(chunk.meta_data!.bloom_filter_offset);
    const filter = readBloomFilter({ view: new DataView(file.buffer, file.byteOffset, file.byteLength), offset })!;
    expect(filter).toBeDefined();
    return sbbfContains(filter.blocks, hashParquetValue(value, element)!);
  });
}

describe('writeParquet bloomFilters', () => {
  it('puts a filter for the column in every row group, readable by hyparquet, without changing the data', () => {
    const users = Array.from({ length: 50 }, (_, i) => `u${i}`);
    const table = events(users, 1000);
    const plain = writeParquet(table, { rowGroupSize: 300 });
    const file = writeParquet(table, { rowGroupSize: 300, bloomFilters: [{ column: 'user_id' }, { column: 'big' }, { column: 'absent' }] });
    const md = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    expect(md.row_groups).toHaveLength(4);
    for (const rg of md.row_groups) {
      const byName = new Map(rg.columns.map((c) => [c.meta_data!.path_in_schema.join('.'), c.meta_data!]));
      expect(byName.get('user_id')!.bloom_filter_offset! > 0n).toBe(true);
      expect(byName.get('user_id')!.bloom_filter_length! > 0).toBe(true);
      expect(byName.get('big')!.bloom_filter_offset! > 0n).toBe(true);
      expect(byName.get('id')!.bloom_filter_offset).toBeUndefined();
    }
    expect(readParquet(file).toArray().map((r) => r.toJSON())).toEqual(readParquet(plain).toArray().map((r) => r.toJSON()));
    expect(readParquetMetadata(plain).rowGroups[0].columns[1].bloomFilter).toBeUndefined();
    // every present value is a "maybe" in every row group that holds it; an absent one a "no"
    expect(hyparquetProbe(file, 'user_id', 'u7')).toEqual([true, true, true, true]);
    expect(hyparquetProbe(file, 'user_id', 'nobody')).toEqual([false, false, false, false]);
    expect(hyparquetProbe(file, 'big', 5n * 1_000_000_007n)).toEqual([true, false, false, false]);
  });

  it("sizes filters as parquet-mr does: optimal bits for the ndv and fpp, a power of two, 32 B..128 MiB", () => {
    expect(bloomFilterBytes(1)).toBe(32);
    expect(bloomFilterBytes(0)).toBe(32);
    // -8 * 1e6 / ln(1 - 0.01^(1/8)) bits = 1,210,432 bytes -> 2 MiB
    expect(bloomFilterBytes(1_000_000, 0.01)).toBe(2 * 1024 * 1024);
    expect(bloomFilterBytes(10_000, 0.01)).toBe(16384);
    expect(bloomFilterBytes(1e12, 0.01)).toBe(128 * 1024 * 1024);
    const md = readParquetMetadata(writeParquet(events(['a'], 100), { bloomFilters: [{ column: 'user_id', ndv: 10_000, fpp: 0.01 }] }));
    // header + 16 KiB bitset
    expect(md.rowGroups[0].columns[1].bloomFilter!.length).toBeGreaterThan(16384);
    expect(md.rowGroups[0].columns[1].bloomFilter!.length).toBeLessThan(16384 + 32);
  });

  it('a reader serves filters from its footer read when they lie inside it, and fetches them otherwise', async () => {
    const file = writeParquet(events(['a', 'b'], 500), { rowGroupSize: 100, bloomFilters: [{ column: 'user_id' }] });
    const small = await openParquet(byteSourceFromBytes(file));
    expect(small.stats.requests).toBe(1);
    const fromTail = (await small.bloomFilters('user_id'))!;
    expect(small.stats.requests).toBe(1);
    expect(fromTail.filters).toHaveLength(5);
    expect(bloomProbe(fromTail, ['b'])(4)).toBe(true);
    expect(bloomProbe(fromTail, ['zz'])(4)).toBe(false);
    const meta = readParquetMetadata(file);
    const far = await openParquet(byteSourceFromBytes(file), { footerReadSize: meta.metadataLength + 8 });
    const fetched = (await far.bloomFilters('user_id'))!;
    expect(far.stats.requests).toBe(2);
    expect(fetched.filters.map((f) => f!.words)).toEqual(fromTail.filters.map((f) => f!.words));
    expect(await far.bloomFilters('id')).toBeUndefined();
  });

  it('rejects a false-positive probability outside (0, 1)', () => {
    expect(() => writeParquet(events(['a'], 3), { bloomFilters: [{ column: 'user_id', fpp: 1 }] })).toThrow(/between 0 and 1/);
  });

  it('never says "no" for a value of a sliced table (Arrow slices keep an offset into shared buffers) (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ s: fc.oneof(fc.string(), fc.constant(null)), i: fc.integer(), l: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }), { minLength: 2, maxLength: 120 }),
        fc.nat(),
        fc.nat(),
        async (rows, a, b) => {
          const from = a % rows.length;
          const to = from + 1 + (b % (rows.length - from));
          const whole = new Table({
            s: vectorFromArray(rows.map((r) => r.s), new Utf8()),
            i: vectorFromArray(rows.map((r) => r.i), new Int32()),
            l: vectorFromArray(rows.map((r) => r.l), new Int64()),
          });
          const file = writeParquet(whole.slice(from, to), { rowGroupSize: 16, bloomFilters: [{ column: 's' }, { column: 'i' }, { column: 'l' }] });
          const meta = readParquetMetadata(file);
          const filters = await Promise.all(['s', 'i', 'l'].map(async (c) => (await loadColumnBloomFilters(byteSourceFromBytes(file), meta, c))!));
          let row = from;
          for (const rg of meta.rowGroups) {
            for (let k = row; k < row + rg.numRows; k++) {
              if (rows[k].s !== null) expect(bloomProbe(filters[0], [rows[k].s])(rg.index)).toBe(true);
              expect(bloomProbe(filters[1], [rows[k].i])(rg.index)).toBe(true);
              expect(bloomProbe(filters[2], [rows[k].l])(rg.index)).toBe(true);
            }
            row += rg.numRows;
          }
          expect(row).toBe(to);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never says "no" for a value a row group holds, and agrees with hyparquet (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.constant(null)), { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.string(),
        async (strings, ints, rowGroupSize, probe) => {
          const n = Math.min(strings.length, ints.length);
          const table = new Table({ s: vectorFromArray(strings.slice(0, n), new Utf8()), i: vectorFromArray(ints.slice(0, n), new Int32()) });
          const file = writeParquet(table, { compression: 'snappy', rowGroupSize, bloomFilters: [{ column: 's', ndv: 4 }, { column: 'i', ndv: 4 }] });
          const meta = readParquetMetadata(file);
          const s = (await loadColumnBloomFilters(byteSourceFromBytes(file), meta, 's'))!;
          const i = (await loadColumnBloomFilters(byteSourceFromBytes(file), meta, 'i'))!;
          const rows = await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer });
          let row = 0;
          for (const rg of meta.rowGroups) {
            for (let k = row; k < row + rg.numRows; k++) {
              if (rows[k].s !== null) expect(bloomProbe(s, [rows[k].s])(rg.index)).toBe(true);
              expect(bloomProbe(i, [rows[k].i])(rg.index)).toBe(true);
            }
            row += rg.numRows;
          }
          // lake's probe and hyparquet's give the same answer for an arbitrary value
          const theirs = hyparquetProbe(file, 's', probe);
          expect(meta.rowGroups.map((rg) => bloomProbe(s, [probe])(rg.index))).toEqual(theirs);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('footers read without key-value metadata', () => {
  it('give the same row groups, statistics and filters, and the same column values, for far fewer bytes', async () => {
    const table = events(Array.from({ length: 40 }, (_, i) => `u${i}`), 3000);
    // a footer as big as a Hudi base file's, whose record-key bloom filter lives in the key-value metadata
    const big = 'x'.repeat(400_000);
    const file = writeParquet(table, { rowGroupSize: 500, metadata: { 'org.apache.hudi.bloomfilter': big }, bloomFilters: [{ column: 'user_id' }] });
    const full = await openParquet(byteSourceFromBytes(file));
    const lite = await openParquet(byteSourceFromBytes(file), { skipKeyValueMetadata: true });
    expect(lite.metadata.keyValueMetadata).toEqual({});
    expect(full.metadata.keyValueMetadata['org.apache.hudi.bloomfilter']).toBe(big);
    expect(lite.metadata.rowGroups).toEqual(full.metadata.rowGroups);
    expect(lite.stats.bytesRead).toBeLessThan(8_000);
    expect(full.stats.bytesRead).toBeGreaterThan(400_000);
    const rows = async (r: typeof full) => (await r.read({ columns: ['user_id', 'id'], rowGroups: [2, 4] })).toArray().map((x) => x.toJSON());
    expect(await rows(lite)).toEqual(await rows(full));
    const f = (await lite.bloomFilters('user_id'))!;
    expect(bloomProbe(f, ['u3'])(1)).toBe(true);
    expect(bloomProbe(f, ['nobody'])(1)).toBe(false);
    // row groups longer than the first prefix read: read on until they end
    const many = writeParquet(table, { rowGroupSize: 25, metadata: { 'org.apache.hudi.bloomfilter': big } });
    const manyLite = await openParquet(byteSourceFromBytes(many), { skipKeyValueMetadata: true });
    expect(readParquetMetadata(many).metadataLength).toBeGreaterThan(4096 + 400_000);
    expect(manyLite.metadata.rowGroups).toHaveLength(120);
    expect(manyLite.metadata.rowGroups).toEqual(readParquetMetadata(many).rowGroups);
    expect(manyLite.stats.requests).toBeGreaterThan(2);
    expect(manyLite.stats.bytesRead).toBeLessThan(100_000);
    // a footer smaller than the first prefix read is read whole, and still parsed without key-values
    const small = writeParquet(table, { rowGroupSize: 1000 });
    const smallLite = await openParquet(byteSourceFromBytes(small), { skipKeyValueMetadata: true });
    expect(smallLite.metadata.rowGroups).toEqual(readParquetMetadata(small).rowGroups);
  });

  it('a reader ignoring the key-value metadata fetches what a full reader fetches and reads the same rows', async () => {
    const table = events(Array.from({ length: 40 }, (_, i) => `u${i}`), 3000);
    const big = 'x'.repeat(400_000);
    for (const rowGroupSize of [500, 25]) {
      const file = writeParquet(table, { rowGroupSize, metadata: { 'org.apache.hudi.bloomfilter': big, note: 'n' } });
      const full = await openParquet(byteSourceFromBytes(file));
      const lite = await openParquet(byteSourceFromBytes(file), { ignoreKeyValueMetadata: true });
      expect(lite.metadata.keyValueMetadata).toEqual({});
      expect(lite.metadata.rowGroups).toEqual(full.metadata.rowGroups);
      expect(lite.stats).toEqual(full.stats);
      const rows = async (r: typeof full) => (await r.read({ columns: ['user_id', 'id'] })).toArray().map((x) => x.toJSON());
      expect(await rows(lite)).toEqual(await rows(full));
      expect(lite.stats).toEqual(full.stats);
    }
    // a small file is served by the one suffix read, data included
    const small = writeParquet(table, { rowGroupSize: 1000 });
    const smallLite = await openParquet(byteSourceFromBytes(small), { ignoreKeyValueMetadata: true });
    await smallLite.read({ columns: ['id'] });
    expect(smallLite.stats.requests).toBe(1);
  });
});

