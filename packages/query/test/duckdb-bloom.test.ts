// DuckDB reads the bloom filters lake writes: parquet_bloom_probe says a row group may hold a
// value it holds, and not one it lacks (DuckDB has its own Parquet reader, xxHash64 and SBBF).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Int64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParquet } from '@lake/parquet';

const dir = mkdtempSync(join(tmpdir(), 'lake-duckdb-bloom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function probe(file: string, column: string, value: string): Promise<boolean[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT row_group_id, bloom_filter_excludes FROM parquet_bloom_probe('${file}', '${column}', ${value}) ORDER BY row_group_id`);
    return reader.getRowObjects().map((r) => !r.bloom_filter_excludes);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('bloom filters read by DuckDB', () => {
  it('parquet_bloom_probe: present values may be there, absent ones are excluded, per row group', async () => {
    const n = 3000;
    // row group k (1000 rows) holds users k*100 .. k*100+99
    const table = new Table({
      user_id: vectorFromArray(Array.from({ length: n }, (_, i) => `u${Math.floor(i / 1000) * 100 + (i % 100)}`), new Utf8()),
      n32: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()),
      n64: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i) << 33n), new Int64()),
    });
    const file = join(dir, 'events.parquet');
    writeFileSync(file, writeParquet(table, { rowGroupSize: 1000, compression: 'snappy', bloomFilters: [{ column: 'user_id' }, { column: 'n32' }, { column: 'n64' }] }));
    expect(await probe(file, 'user_id', "'u42'")).toEqual([true, false, false]);
    expect(await probe(file, 'user_id', "'u142'")).toEqual([false, true, false]);
    expect(await probe(file, 'user_id', "'nobody'")).toEqual([false, false, false]);
    expect(await probe(file, 'n32', '2500')).toEqual([false, false, true]);
    expect(await probe(file, 'n32', '-7')).toEqual([false, false, false]);
    expect(await probe(file, 'n64', `${1500n << 33n}::BIGINT`)).toEqual([false, true, false]);
  });
});
