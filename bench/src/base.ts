// The loaded tables that upserts, deletes and scans start from: the same rows in a lake table,
// a LanceDB table and one Parquet file (DuckDB's copy), built once per size and copied per run.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Table } from 'arrow21';
import { eventTable } from './data.js';
import { scratch } from './fs-util.js';
import { lakeCreate, type LakeOptions } from './lake.js';
import { lanceDb, toLanceArrow } from './peers/lance.js';
import { rawEncode } from './peers/parquet-raw.js';

export interface BaseTables {
  rows: number;
  lakeDir: string;
  /** The same rows as a merge-on-read table, when this build of lake writes those. */
  lakeMorDir?: string;
  /** The same rows as a merge-on-read table with Hudi's bucket index (built with `lakeMorDir`). */
  lakeBucketDir?: string;
  lanceDir: string;
  parquetFile: string;
}

/** Rows per write while loading: keeps each write's Arrow buffers well under 2 GiB. */
const LOAD_CHUNK = 1_000_000;
/**
 * Tables larger than one chunk are loaded 100k rows per insert, each into a new file group (no
 * small-file top-ups), which gives the layout one big load would (~100k-row file groups) without
 * rewriting files while loading. One insert of more rows than about 120k into a single new file
 * group overflows the stack in the write client (`push(...rows)`), so bigger inserts are avoided.
 */
const LARGE_LOAD_CHUNK = 100_000;

/**
 * Buckets of the bucket-indexed table: about 250k rows each (one file group per bucket, near the
 * ~100k-row file groups of the bloom-indexed tables' large loads), at least two so that both
 * cores encode.
 */
export function benchBuckets(rows: number): number {
  return Math.max(2, Math.ceil(rows / 250_000));
}

export async function buildLakeBase(rows: number, options: LakeOptions = {}, data?: Table): Promise<string> {
  const dir = await scratch(`base-lake-${options.type ?? 'cow'}${options.buckets !== undefined ? '-bucket' : ''}-${rows}`);
  const { table } = await lakeCreate(dir, options);
  if (rows <= LOAD_CHUNK) {
    await table.insert(data ?? eventTable(0, rows));
    return dir;
  }
  for (let at = 0; at < rows; at += LARGE_LOAD_CHUNK) {
    await table.insert(eventTable(at, Math.min(LARGE_LOAD_CHUNK, rows - at)), { sizing: { smallFileLimitBytes: 0 } });
  }
  // A bucket table takes every later chunk as log blocks in its buckets' file groups: compacted,
  // it starts from base files as the other tables do.
  if (options.buckets !== undefined && options.type === 'mor') await table.compact();
  return dir;
}

export async function buildBase(rows: number, data?: Table, options: { mor?: boolean } = {}): Promise<BaseTables> {
  const lakeDir = await buildLakeBase(rows, {}, data);
  const lakeMorDir = options.mor ? await buildLakeBase(rows, { type: 'mor' }, data) : undefined;
  const lakeBucketDir = options.mor ? await buildLakeBase(rows, { type: 'mor', buckets: benchBuckets(rows) }, data) : undefined;
  const lanceDir = await scratch(`base-lance-${rows}`);
  const db = await lanceDb(lanceDir);
  const parquetDir = await scratch(`base-parquet-${rows}`);
  let lanceTable;
  for (let at = 0; at < rows; at += LOAD_CHUNK) {
    const chunk = data && rows <= LOAD_CHUNK ? data : eventTable(at, Math.min(LOAD_CHUNK, rows - at));
    if (!lanceTable) lanceTable = await db.createTable('ad_events', toLanceArrow(chunk));
    else await lanceTable.add(toLanceArrow(chunk));
    await writeFile(join(parquetDir, `part-${String(at / LOAD_CHUNK).padStart(3, '0')}.parquet`), rawEncode(chunk));
  }
  return { rows, lakeDir, lakeMorDir, lakeBucketDir, lanceDir, parquetFile: join(parquetDir, '*.parquet') };
}
