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
  lanceDir: string;
  parquetFile: string;
}

/** Rows per write while loading: keeps each write's Arrow buffers well under 2 GiB. */
const LOAD_CHUNK = 1_000_000;

export async function buildLakeBase(rows: number, options: LakeOptions = {}, data?: Table): Promise<string> {
  const dir = await scratch(`base-lake-${options.type ?? 'cow'}-${rows}`);
  const { table } = await lakeCreate(dir, options);
  for (let at = 0; at < rows; at += LOAD_CHUNK) {
    const chunk = data && rows <= LOAD_CHUNK ? data : eventTable(at, Math.min(LOAD_CHUNK, rows - at));
    await table.insert(chunk);
  }
  return dir;
}

export async function buildBase(rows: number, data?: Table, options: { mor?: boolean } = {}): Promise<BaseTables> {
  const lakeDir = await buildLakeBase(rows, {}, data);
  const lakeMorDir = options.mor ? await buildLakeBase(rows, { type: 'mor' }, data) : undefined;
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
  return { rows, lakeDir, lakeMorDir, lanceDir, parquetFile: join(parquetDir, '*.parquet') };
}
