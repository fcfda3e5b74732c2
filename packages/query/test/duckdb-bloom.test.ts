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

  it('a file encoded in pieces, its filters placed by the join: the same answers', async () => {
    const n = 3000;
    const table = new Table({
      user_id: vectorFromArray(Array.from({ length: n }, (_, i) => `user-${Math.floor(i / 1000) * 100 + (i % 100)}-${'x'.repeat(20)}`), new Utf8()),
      n32: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()),
    });
    const file = join(dir, 'pieces.parquet');
    // about 110 kB of Arrow data in pieces of at most 50 kB, cut at whole row groups: 3 pieces
    writeFileSync(file, writeParquet(table, { rowGroupSize: 1000, pieceBytes: 50_000, compression: 'snappy', bloomFilters: [{ column: 'user_id' }, { column: 'n32' }] }));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const groups = (await conn.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${file}')`)).getRowObjects()[0].n;
    conn.closeSync();
    db.closeSync();
    expect(Number(groups)).toBe(3);
    const x = 'x'.repeat(20);
    expect(await probe(file, 'user_id', `'user-42-${x}'`)).toEqual([true, false, false]);
    expect(await probe(file, 'user_id', `'user-242-${x}'`)).toEqual([false, false, true]);
    expect(await probe(file, 'user_id', "'nobody'")).toEqual([false, false, false]);
    expect(await probe(file, 'n32', '1500')).toEqual([false, true, false]);
  });
});
