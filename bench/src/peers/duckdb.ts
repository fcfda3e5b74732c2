// DuckDB (C++ engine, Node API) as a peer that reads and writes the same Parquet files.

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export const DUCKDB_VERSION = '1.5.6-r.1';

let instance: DuckDBInstance | undefined;

export async function duck(): Promise<DuckDBConnection> {
  instance ??= await DuckDBInstance.create(':memory:', { threads: '2' });
  return instance.connect();
}

export function quote(path: string): string {
  return `'${path.replace(/'/g, "''")}'`;
}

/** Runs a statement and returns the first column of the first row (as a number when it is one). */
export async function scalar(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  const v = reader.getRows()[0]?.[0];
  return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}
