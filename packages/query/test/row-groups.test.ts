// Row-group pruning: a base file rewritten with many row groups (as large writers produce)
// has only the row groups whose statistics can match fetched and decoded.

import { describe, expect, it } from 'vitest';
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { createTable, rowsToTable } from '@lake/core';
import { readParquet, readParquetMetadata, writeParquet } from '@lake/parquet';
import { MemoryStore } from '@lake/storage';
import { col, scan } from '../src/index.js';

const schema = new Schema([new Field('id', new Utf8(), false), new Field('n', new Int32(), false), new Field('x', new Float64(), true)]);

describe('row-group pruning', () => {
  it('reads only the row groups whose min/max can match', async () => {
    const store = new MemoryStore(`row-groups-${process.pid}`);
    const table = await createTable(store, { recordKey: ['id'], schema });
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: `k${String(i).padStart(5, '0')}`, n: i, x: i % 3 === 0 ? null : i / 2 }));
    await table.insert(rowsToTable(rows, schema));
    const [slice] = await table.fileSlices();
    const path = slice.baseFile!.path;
    // rewrite the base file in place with 1000-row groups, keeping its footer metadata
    const bytes = await store.get(path);
    const meta = readParquetMetadata(bytes);
    const data = readParquet(bytes);
    const metadata = Object.fromEntries(Object.entries(meta.keyValueMetadata).filter(([k]) => k !== 'ARROW:schema'));
    await store.put(path, writeParquet(data, { rowGroupSize: 1000, metadata }));
    expect(readParquetMetadata(await store.get(path)).rowGroups).toHaveLength(10);

    const full = scan(table).select('id', 'x');
    const all = await full.toArrow();
    expect(all.numRows).toBe(rows.length);

    const s = scan(table).select('id', 'x').where(col('n').between(2500, 3499));
    const out = await s.toArrow();
    expect(Array.from(out.getChild('id')!.toArray() as ArrayLike<string>)).toEqual(rows.slice(2500, 3500).map((r) => r.id));
    expect(out.toArray().map((r) => r.x)).toEqual(rows.slice(2500, 3500).map((r) => r.x));
    const st = s.stats();
    expect(st.rowGroups).toEqual({ total: 10, pruned: 8, prunedByBloomFilter: 0 });
    expect(st.rows).toEqual({ scanned: 2000, matched: 1000 });
    expect(st.bytesRead).toBeLessThan(full.stats().bytesRead);

    // null counts and ranges together: only the first row group has n < 1000 (and nulls in x)
    const nulls = scan(table).where('x is null and n < 1000');
    expect((await nulls.toArrow()).numRows).toBe(334);
    expect(nulls.stats().rowGroups.pruned).toBe(9);

    // nothing matches: the whole file is skipped by its statistics
    const none = scan(table).where('n > 20000');
    expect((await none.toArrow()).numRows).toBe(0);
    expect(none.stats().files).toMatchObject({ total: 1, pruned: 1, prunedByStats: 1 });
    expect(none.stats().rows.scanned).toBe(0);
  });
});
