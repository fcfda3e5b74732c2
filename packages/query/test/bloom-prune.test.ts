// Row-group pruning with Parquet bloom filters: `=` and `IN` on a column with filters read only
// the row groups whose filter may hold a value, where min/max statistics cannot help (every row
// group spans the whole range of user ids); results equal those of a scan without filters.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { createTable, rowsToTable, type HudiTable } from '@lake/core';
import { readParquet, readParquetMetadata, writeParquet } from '@lake/parquet';
import { MemoryStore } from '@lake/storage';
import { scan } from '../src/index.js';

const schema = new Schema([new Field('id', new Utf8(), false), new Field('user_id', new Utf8(), true), new Field('n', new Int32(), false)]);
const GROUPS = 10;
// Large enough that the file is not fetched whole by the first footer read (64 KiB): then the
// bytes a pruned scan saves show in `bytesRead`.
const ROWS = 8000;
let k = 0;

/** Row group g holds users 'a000'..'a099', 'z999' and one user of its own, 'm<g>' (inside every row group's min/max). */
function userOf(i: number): string | null {
  const g = Math.floor(i / (ROWS / GROUPS));
  if (i % 97 === 0) return null;
  if (i % 50 === 2) return 'z999';
  return i % 50 === 1 ? `m${g}` : `a${String(i % 100).padStart(3, '0')}`;
}

/** A one-file table whose base file is rewritten with 10 row groups, with or without user_id filters. */
async function build(bloom: boolean): Promise<HudiTable> {
  const store = new MemoryStore(`bloom-prune-${process.pid}-${k++}`);
  const table = await createTable(store, { recordKey: ['id'], schema });
  const rows = Array.from({ length: ROWS }, (_, i) => ({ id: `k${String(i).padStart(5, '0')}`, user_id: userOf(i), n: i }));
  await table.insert(rowsToTable(rows, schema));
  const [slice] = await table.fileSlices();
  const path = slice.baseFile!.path;
  const bytes = await store.get(path);
  const meta = readParquetMetadata(bytes);
  const metadata = Object.fromEntries(Object.entries(meta.keyValueMetadata).filter(([key]) => key !== 'ARROW:schema'));
  await store.put(path, writeParquet(readParquet(bytes), { rowGroupSize: ROWS / GROUPS, metadata, ...(bloom ? { bloomFilters: [{ column: 'user_id' }, { column: 'n' }] } : {}) }));
  return table;
}

async function run(table: HudiTable, where: string) {
  const s = scan(table).select('id').where(where);
  const ids = ((await s.toArrow()).getChild('id')!.toArray() as string[]).sort();
  return { ids, stats: s.stats() };
}

describe('bloom filter pruning', () => {
  it('reads only the row groups whose filter may hold the value, for = and IN, and says so', async () => {
    const withFilters = await build(true);
    const without = await build(false);

    const eq = await run(withFilters, "user_id = 'm3'");
    const eqFull = await run(without, "user_id = 'm3'");
    expect(eq.ids).toEqual(eqFull.ids);
    expect(eq.ids.length).toBeGreaterThan(0);
    expect(eqFull.stats.rowGroups.pruned).toBe(0);
    expect(eq.stats.rowGroups.prunedByBloomFilter).toBeGreaterThanOrEqual(GROUPS - 2);
    expect(eq.stats.bytesRead).toBeLessThan(eqFull.stats.bytesRead);

    const inList = await run(withFilters, "user_id IN ('m3', 'm8', 'nobody')");
    expect(inList.ids).toEqual((await run(without, "user_id IN ('m3', 'm8', 'nobody')")).ids);
    expect(inList.stats.rowGroups.prunedByBloomFilter).toBeGreaterThanOrEqual(GROUPS - 3);

    const none = await run(withFilters, "user_id = 'nobody'");
    expect(none.ids).toEqual([]);
    expect(none.stats.files.prunedByBloomFilter).toBe(1);

    // an OR with a predicate the filters cannot answer keeps every row group
    const orOther = await run(withFilters, "user_id = 'm3' OR n > 5");
    expect(orOther.stats.rowGroups.prunedByBloomFilter).toBe(0);
    // an integer column with filters
    const num = await run(withFilters, 'n = 1234');
    expect(num.ids).toEqual(['k01234']);
  });

  it('returns the rows a scan without filters returns, for any = / IN / OR / AND mix (property)', async () => {
    const withFilters = await build(true);
    const without = await build(false);
    const user = fc.oneof(fc.integer({ min: 0, max: GROUPS + 1 }).map((g) => `m${g}`), fc.integer({ min: 0, max: 120 }).map((i) => `a${String(i).padStart(3, '0')}`));
    const leaf = fc.oneof(
      user.map((u) => `user_id = '${u}'`),
      fc.array(user, { minLength: 1, maxLength: 4 }).map((us) => `user_id IN (${us.map((u) => `'${u}'`).join(', ')})`),
      fc.integer({ min: 0, max: ROWS + 5 }).map((n) => `n = ${n}`),
      fc.integer({ min: 0, max: ROWS }).map((n) => `n < ${n}`),
    );
    const expr = fc.oneof(leaf, fc.tuple(leaf, leaf, fc.constantFrom('AND', 'OR')).map(([a, b, op]) => `(${a}) ${op} (${b})`));
    await fc.assert(
      fc.asyncProperty(expr, async (where) => {
        expect((await run(withFilters, where)).ids).toEqual((await run(without, where)).ids);
      }),
      { numRuns: 40 },
    );
  });
});
