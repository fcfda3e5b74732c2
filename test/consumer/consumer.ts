// Type-checks against the shipped declarations with a strict consumer's settings
// (noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck off).
import { createTable, openTable, LakeError, TableNotFoundError, type LakeErrorCode, type WriteResult } from '@lake/core';
import { readParquetMetadata } from '@lake/parquet';
import { MemoryStore, openStore, type ObjectStore } from '@lake/storage';
import { col, count, scan } from '@lake/query';
import { ingest } from '@lake/ingest';
import { runCli } from '@lake/cli';

export async function demo(dir: string): Promise<number> {
  const table = await createTable(dir, { recordKey: ['id'], partitionBy: ['dt'] });
  const result: WriteResult = await table.upsert([{ id: 'a', dt: '2024-01-01', cost: 1.5 }]);
  const first = result.partitions[0];
  const rows = await (await openTable(dir)).read({ columns: ['id'] }).collect();
  const n: number = (await scan(table).where(col('cost').gt(1)).agg({ n: count() })).numRows;
  const store: ObjectStore = new MemoryStore();
  void store;
  void openStore;
  void readParquetMetadata;
  void ingest;
  void runCli;
  return rows.numRows + n + (first?.length ?? 0);
}

export function codeOf(e: unknown): LakeErrorCode | 'OTHER' {
  if (e instanceof TableNotFoundError) return 'TABLE_NOT_FOUND';
  if (e instanceof LakeError) return e.code as LakeErrorCode;
  return 'OTHER';
}
