// The footer outline a writer places bloom filters by must name the same top-level leaves (and
// leaf indexes) and row counts as a full parse of the footer, nested columns and several row
// groups included; a file with nested columns before a filtered one still gets its filter on the
// right column chunk.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Field, Int32, Int64, List, Struct, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { bloomProbe, byteSourceFromBytes, loadColumnBloomFilters, readParquetMetadata, writeParquet } from '../src/index.js';
import { footerOutline } from '../src/footer-outline.js';
import { trailerLength } from '../src/footer.js';

function thriftOf(file: Uint8Array): Uint8Array {
  const length = trailerLength(file, file.length, 'test file');
  return file.subarray(file.length - 8 - length, file.length - 8);
}

function nestedTable(rows: number, seed: number): Table {
  const ids = Array.from({ length: rows }, (_, i) => i * 7 + seed);
  return new Table({
    point: vectorFromArray(
      ids.map((i) => ({ x: i, tag: `t${i % 5}` })),
      new Struct([new Field('x', new Int32()), new Field('tag', new Utf8())]),
    ),
    id: vectorFromArray(ids, new Int32()),
    tags: vectorFromArray(ids.map((i) => [i, i + 1]), new List(new Field('item', new Int32()))),
    user: vectorFromArray(ids.map((i) => `u${i % 13}`), new Utf8()),
    big: vectorFromArray(ids.map((i) => BigInt(i)), new Int64()),
  });
}

describe('footerOutline', () => {
  it('agrees with a full parse on columns, leaf indexes and row counts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), fc.nat(), (rows, rowGroupSize, seed) => {
        const file = writeParquet(nestedTable(rows, seed), { rowGroupSize, metadata: { note: 'x'.repeat(seed % 500) } });
        const meta = readParquetMetadata(file);
        const outline = footerOutline(thriftOf(file));
        expect(outline.rowGroupRows).toEqual(meta.rowGroups.map((g) => g.numRows));
        expect(outline.columns).toEqual(
          meta.columns.filter((c) => c.path.length === 1).map((c) => ({ name: c.name, physicalType: c.physicalType, index: c.index })),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('puts the filter of a column listed after nested ones on that column', async () => {
    const table = nestedTable(200, 3);
    const file = writeParquet(table, { rowGroupSize: 64, bloomFilters: [{ column: 'user' }, { column: 'big' }] });
    const meta = readParquetMetadata(file);
    const user = (await loadColumnBloomFilters(byteSourceFromBytes(file), meta, 'user'))!;
    const big = (await loadColumnBloomFilters(byteSourceFromBytes(file), meta, 'big'))!;
    let row = 0;
    for (const rg of meta.rowGroups) {
      for (let i = row; i < row + rg.numRows; i++) {
        expect(bloomProbe(user, [String(table.getChild('user')!.get(i))])(rg.index)).toBe(true);
        expect(bloomProbe(big, [table.getChild('big')!.get(i) as bigint])(rg.index)).toBe(true);
      }
      row += rg.numRows;
    }
    // the chunks of the nested columns carry none
    for (const rg of meta.rowGroups) for (const c of rg.columns) expect(c.bloomFilter !== undefined).toBe(c.name === 'user' || c.name === 'big');
  });

  it('rejects bytes that are not a footer', () => {
    expect(() => footerOutline(new Uint8Array([0x19, 0xfc, 0x01]))).toThrow();
  });
});
