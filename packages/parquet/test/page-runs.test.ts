// A large chunk of a flat column is decoded in runs of its data pages (with the chunk's
// dictionary page): each run's rows are the rows of those pages, and together they are the column.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bool, Float64, Int32, Table, TimestampMicrosecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { readParquet, readParquetBatches, writeParquet } from '../src/index.js';
import { buildCompactFile } from '../src/compact-file.js';
import { footerFromBytes } from '../src/footer.js';
import { chunkRuns, runBytesOf } from '../src/page-runs.js';
import { decode } from '../src/wasm-codec.js';
import { PAGE_RUN_BYTES } from '../src/column-decode.js';

/** The encoder starts a new data page every 20,000 rows, so a longer column has several. */
const ROWS = 45_000;

const columnArb: fc.Arbitrary<{ type: () => DataType; values: (n: number, seed: number) => unknown[] }> = fc.constantFrom(
  { type: () => new Int32(), values: (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((i * 7919 + seed) % 1000) - 500) },
  { type: () => new Utf8(), values: (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((i + seed) % 7 === 0 ? null : `v${(i * 31 + seed) % 5000}`)) },
  { type: () => new Float64(), values: (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i % 11 === seed % 11 ? null : i / 3)) },
  { type: () => new Bool(), values: (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i + seed) % 3 === 0) },
  { type: () => new TimestampMicrosecond(), values: (n: number, seed: number) => Array.from({ length: n }, (_, i) => i * 1000 + seed) },
);

describe('decoding a column chunk in runs of pages', () => {
  it('gives each run the rows of its pages, all runs together the whole column', () => {
    fc.assert(
      fc.property(columnArb, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 5000 }), fc.constantFrom('snappy', 'none' as const), (column, seed, extra, compression) => {
        const n = ROWS + extra;
        const values = column.values(n, seed);
        const table = new Table({ c: vectorFromArray(values, column.type()) });
        const file = writeParquet(table, { compression });
        const footer = footerFromBytes(file);
        const chunk = footer.metadata.rowGroups[0].columns[0];
        const bytes = file.subarray(chunk.start, chunk.start + chunk.length);
        // a run per page at the smallest run size
        const runs = chunkRuns(bytes, 1)!;
        expect(runs.runs.length).toBeGreaterThan(1);
        expect(runs.runs.reduce((s, r) => s + r.rows, 0)).toBe(n);
        const selection = { rowGroups: [0], fields: [0], columns: [0] };
        const arrowSchema = footer.metadata.keyValueMetadata['ARROW:schema'];
        let at = 0;
        for (const run of runs.runs) {
          const part = decode(buildCompactFile({ footer, selection, chunk: () => runBytesOf(bytes, runs, run), run, arrowSchema }), {}, 'run');
          expect(part.numRows).toBe(run.rows);
          expect([...part.getChild('c')!]).toEqual([...table.getChild('c')!.slice(at, at + run.rows)]);
          at += run.rows;
        }
      }),
      { numRuns: 12 },
    );
  });

  it('reads a file whose column chunk is larger than a run the same as its values, whole and streamed', async () => {
    const n = 100_000;
    // about 100 bytes each, mostly distinct: the chunk outgrows a run, its dictionary falls back to plain pages
    const text = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : `${String(i).padStart(8, '0')}-${'x'.repeat(60 + (i % 40))}`));
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    const table = new Table({ id: vectorFromArray(Array.from(ids), new Int32()), text: vectorFromArray(text, new Utf8()) });
    const file = writeParquet(table, { compression: 'none' });
    const footer = footerFromBytes(file);
    const chunk = footer.metadata.rowGroups[0].columns[1];
    expect(chunk.length).toBeGreaterThan(PAGE_RUN_BYTES);
    expect(chunkRuns(file.subarray(chunk.start, chunk.start + chunk.length), PAGE_RUN_BYTES)?.runs.length).toBeGreaterThan(1);
    const back = readParquet(file);
    expect([...back.getChild('text')!]).toEqual(text);
    expect(back.getChild('id')!.toArray()).toEqual(ids);
    const streamed: unknown[] = [];
    for await (const batch of readParquetBatches(file)) streamed.push(...batch.getChild('text')!);
    expect(streamed).toEqual(text);
  });
});
