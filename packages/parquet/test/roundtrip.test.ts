// Property: any table of the types Hudi tables use, nested and nullable at random, comes back from
// Parquet with the same Arrow types and the same values, whole, projected and streamed.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RecordBatch, Table } from 'apache-arrow';
import { readParquet, readParquetBatches, writeParquet, type Compression } from '../src/index.js';
import { tableArb, toArrowTable, type GeneratedTable } from './arbitraries.js';
import { describeField, plainValues, type Plain } from './arrow-values.js';

function columnsOf(table: Table): Plain[][] {
  return table.schema.fields.map((_, i) => plainValues(table.getChildAt(i)!));
}

function expectSameTable(actual: Table, generated: GeneratedTable, fieldIndexes?: number[]): void {
  const expectedTable = toArrowTable(generated);
  const keep = fieldIndexes ?? generated.fields.map((_, i) => i);
  expect(actual.schema.fields.map(describeField)).toEqual(keep.map((i) => describeField(expectedTable.schema.fields[i])));
  expect(actual.numRows).toBe(generated.columns[0]?.length ?? 0);
  expect(columnsOf(actual)).toEqual(keep.map((i) => generated.columns[i]));
}

const writeSettings = fc.record({
  compression: fc.constantFrom<Compression>('zstd', 'snappy', 'gzip', 'none'),
  rowGroupSize: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});

describe('Arrow -> Parquet -> Arrow round trip', () => {
  it('keeps types and values of random nested, nullable schemas', () => {
    fc.assert(
      fc.property(tableArb(), writeSettings, (generated, settings) => {
        const bytes = writeParquet(toArrowTable(generated), settings);
        expectSameTable(readParquet(bytes), generated);
      }),
      { numRuns: 80 },
    );
  });

  it('keeps them under projection, in the order asked for', () => {
    fc.assert(
      fc.property(
        tableArb({ maxFields: 5 }).chain((g) =>
          fc.tuple(fc.constant(g), fc.shuffledSubarray(g.fields.map((_, i) => i), { minLength: 1 })),
        ),
        ([generated, picked]) => {
          const bytes = writeParquet(toArrowTable(generated), { rowGroupSize: 3 });
          const table = readParquet(bytes, { columns: picked.map((i) => generated.fields[i].name) });
          expectSameTable(table, generated, picked);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('streams the same rows in order, row group by row group', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb({ maxRows: 20 }), fc.integer({ min: 1, max: 4 }), async (generated, batchSize) => {
        const bytes = writeParquet(toArrowTable(generated), { rowGroupSize: 6 });
        const batches: RecordBatch[] = [];
        for await (const batch of readParquetBatches(bytes, { batchSize })) {
          expect(batch.numRows).toBeLessThanOrEqual(batchSize);
          batches.push(batch);
        }
        const streamed = generated.fields.map((_, i) => batches.flatMap((b) => plainValues(b.getChildAt(i)!)));
        expect(streamed).toEqual(generated.columns);
      }),
      { numRuns: 30 },
    );
  });

  it('falls back to the Parquet annotations when a file has no ARROW:schema entry', () => {
    const generated: GeneratedTable = {
      fields: [
        { name: 'b', nullable: true, type: { kind: 'prim', name: 'int8' } },
        { name: 's', nullable: false, type: { kind: 'prim', name: 'int16' } },
        { name: 'z', nullable: true, type: { kind: 'prim', name: 'timestampUsZone' } },
        { name: 'd', nullable: true, type: { kind: 'prim', name: 'decimal' } },
      ],
      columns: [[1, null, -128], [300, -2, 0], [1n, null, 3n], [12345n, -1n, null]],
    };
    const bytes = writeParquet(toArrowTable(generated));
    // rename the footer key in place (same length), so the footer stays valid but has no hint
    const key = new TextEncoder().encode('ARROW:schema');
    const at = bytes.findIndex((_, i) => key.every((k, j) => bytes[i + j] === k));
    expect(at).toBeGreaterThan(0);
    bytes[at + key.length - 1] = 'X'.charCodeAt(0);
    for (const table of [readParquet(bytes), readParquet(bytes, { columns: ['z', 'b'] })]) {
      const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, describeField(f)]));
      expect(types.b).toBe('b?: int8');
      expect(types.z).toBe('z?: timestamp(2,UTC)');
      expect(plainValues(table.getChild('b')!)).toEqual([1, null, -128]);
      expect(plainValues(table.getChild('z')!)).toEqual([1n, null, 3n]);
    }
    const all = readParquet(bytes);
    expect(describeField(all.schema.fields[1])).toBe('s: int16');
    expect(describeField(all.schema.fields[3])).toBe('d?: decimal128(10,5)');
  });
});
