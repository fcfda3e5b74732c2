// Large selections are decoded one column at a time: same table as a whole-file decode, and
// parquet-wasm's linear memory (which never shrinks) grows by about one column, not the file.

import { describe, expect, it } from 'vitest';
import { Field, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table, Utf8, type Data } from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { closeParquetWorkers, openParquet, readParquet, writeParquetAsync } from '../src/index.js';
import { joinColumns } from '../src/column-decode.js';
import { buildData, type Plain } from './arrow-values.js';

// The file is written on a worker so that writing it does not grow this thread's wasm memory.
process.env.LAKE_PARQUET_WORKERS = '1';

/** Pseudo-random printable text of `n` chars (incompressible enough that the file is large). */
function noise(seed: number, n: number): string {
  let x = (Math.imul(seed + 1, 2654435761) ^ 0x5bd1e995) | 0;
  let s = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += String.fromCharCode(33 + ((x >>> 0) % 90));
  }
  return s;
}

function bigTable(rows: number): Table {
  const text = ['a', 'b', 'c', 'd', 'e'];
  const fields = [new Field('id', new Int64(), false), ...text.map((t) => new Field(t, new Utf8(), true)), new Field('n', new Int32(), true)];
  const columns: Plain[][] = [
    Array.from({ length: rows }, (_, i) => BigInt(i)),
    ...text.map((_, c) => Array.from({ length: rows }, (_, i) => (i % (11 + c) === 0 ? null : noise(i * 8 + c, 40)))),
    Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i * 3)),
  ];
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: fields.map((f, i) => buildData(f.type, columns[i])) });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

const rowsOf = (t: Table) => t.toArray().map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

describe('column-wise decode of large selections', () => {
  it('returns the same rows and schema, and grows wasm memory by far less than the whole-file decode would', async () => {
    const table = bigTable(60_000);
    const bytes = await writeParquetAsync(table, { compression: 'none', metadata: { k: 'v' } });
    await closeParquetWorkers();
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    const before = wasm.wasmMemory().buffer.byteLength;
    const read = readParquet(bytes);
    const grown = wasm.wasmMemory().buffer.byteLength - before;
    // one call on the whole file holds the file, its decoded data and their IPC copy at once
    // (about 3x the file); the widest column here is a fifth of the file
    expect(grown).toBeLessThan(bytes.length);
    expect(read.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual(
      table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`),
    );
    expect(read.numRows).toBe(table.numRows);
    expect(rowsOf(read)).toEqual(rowsOf(table));
    // a projection in another order, and batches of a fixed size, through the reader
    const reader = await openParquet(bytes);
    const projected = await reader.read({ columns: ['n', 'a'], batchSize: 1000 });
    expect(projected.schema.fields.map((f) => f.name)).toEqual(['n', 'a']);
    expect(projected.batches.every((b) => b.numRows <= 1000)).toBe(true);
    expect(rowsOf(projected)).toEqual(rowsOf(table.select(['n', 'a'])));
  });
});

describe('joinColumns', () => {
  it('joins columns cut at different rows into aligned batches without losing or reordering rows', () => {
    const ints = (vals: number[]) => buildData(new Int32(), vals) as Data;
    const schema = new Schema([new Field('x', new Int32(), false), new Field('y', new Int32(), false)]);
    const one = (name: string, parts: number[][]) => {
      const s = new Schema([schema.fields.find((f) => f.name === name)!]);
      return new Table(s, parts.map((p) => new RecordBatch(s, makeData({ type: new Struct(s.fields), length: p.length, nullCount: 0, children: [ints(p)] }))));
    };
    const x = one('x', [[0, 1, 2], [], [3, 4, 5, 6], [7]]);
    const y = one('y', [[10], [11, 12, 13, 14, 15], [16, 17]]);
    const joined = joinColumns(schema, [x, y]);
    expect(joined.numRows).toBe(8);
    expect(joined.toArray().map((r) => [r.x, r.y])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, i + 10]));
    expect(() => joinColumns(schema, [x, one('y', [[1]])])).toThrow(/rows/);
  });
});
