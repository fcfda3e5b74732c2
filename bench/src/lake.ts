// lake tables on local disk for the scenarios: create, load, open, and base-file listings.

import { createTable, openTable, type HudiTable } from '@lake/core';
import { LocalStore } from '@lake/storage';
import type { Table } from 'arrow21';

export const KEY = 'impression_id';

export interface LakeOptions {
  type?: 'cow' | 'mor';
  /** Hudi's simple bucket index with this many buckets (default: the bloom index). */
  buckets?: number;
}

export async function lakeCreate(dir: string, options: LakeOptions = {}): Promise<{ table: HudiTable; store: LocalStore }> {
  const store = new LocalStore(dir);
  const table = await createTable(store, {
    name: 'ad_events',
    recordKey: [KEY],
    orderingField: 'ts',
    type: options.type ?? 'cow',
    ...(options.buckets !== undefined ? { index: { kind: 'bucket' as const, buckets: options.buckets } } : {}),
  });
  return { table, store };
}

export async function lakeOpen(dir: string): Promise<{ table: HudiTable; store: LocalStore }> {
  const store = new LocalStore(dir);
  return { table: await openTable(store), store };
}

/** Loads rows into a new table with one insert per `batchRows` rows. */
export async function lakeLoad(dir: string, data: Table, options: LakeOptions = {}): Promise<HudiTable> {
  const { table } = await lakeCreate(dir, options);
  await table.insert(data);
  return table;
}

/** The latest base files of the table (one per file group), relative paths. */
export async function lakeBaseFiles(table: HudiTable): Promise<string[]> {
  return (await table.fileSlices()).flatMap((s) => (s.baseFile ? [s.baseFile.path] : []));
}
