// DuckDB over lake tables: registers a table snapshot as a DuckDB view. Slices without log
// files on local disk are read by DuckDB itself (read_parquet over the latest base files);
// otherwise the merged snapshot is streamed into temporary Parquet files DuckDB reads.
// Node-only (DuckDB is a native module): import it from `@lake/query/duckdb`.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Table, type RecordBatch } from 'apache-arrow';
import type { AsOf, HudiTable } from '@lake/core';
import { writeParquet } from '@lake/parquet';
import { LocalStore } from '@lake/storage';
import { InvalidQueryError } from './errors.js';
import { scan } from './scan.js';

export interface RegisterOptions {
  /** Register the snapshot as of this instant or moment; the latest when omitted. */
  asOf?: AsOf;
  /** Keep the `_hoodie_*` meta columns (default false: data columns only, in both modes). */
  withMeta?: boolean;
  /** Always materialize the merged snapshot, even where DuckDB could read the base files. */
  materialize?: boolean;
  /** Rows per temporary Parquet file when materializing (default 100 000). */
  rowsPerFile?: number;
}

export interface RegisteredTable {
  name: string;
  /** 'base-files': DuckDB reads the table's own Parquet files; 'materialized': temporary copies. */
  mode: 'base-files' | 'materialized';
  /** Parquet files behind the view. */
  files: string[];
  /** Drops the view and deletes temporary files. */
  drop(): Promise<void>;
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Registers `table` as the view `name` on the connection. */
export async function registerTable(connection: DuckDBConnection, name: string, table: HudiTable, options: RegisterOptions = {}): Promise<RegisteredTable> {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidQueryError('registerTable needs a view name.');
  const withMeta = options.withMeta ?? false;
  const base = withMeta ? scan(table).withMeta() : scan(table);
  const s = options.asOf !== undefined ? base.asOf(options.asOf) : base;
  const schema = await s.schema();
  const columns = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
  const slices = await table.fileSlices(options.asOf !== undefined ? { asOf: options.asOf } : {});
  const direct =
    !options.materialize &&
    table.store instanceof LocalStore &&
    !table.config.dropPartitionColumns &&
    slices.length > 0 &&
    slices.every((sl) => sl.logFiles.length === 0 && sl.baseFile?.extension === 'parquet');

  if (direct) {
    const root = (table.store as LocalStore).root;
    const files = slices.map((sl) => join(root, ...sl.baseFile!.path.split('/')));
    await connection.run(
      `CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT ${columns} FROM read_parquet([${files.map(quoteString).join(', ')}], union_by_name = true)`,
    );
    return { name, mode: 'base-files', files, drop: async () => void (await connection.run(`DROP VIEW IF EXISTS ${quoteIdent(name)}`)) };
  }

  const dir = await mkdtemp(join(tmpdir(), 'lake-duckdb-'));
  const files: string[] = [];
  const rowsPerFile = options.rowsPerFile ?? 100_000;
  let pending: RecordBatch[] = [];
  let pendingRows = 0;
  const flush = async (force: boolean): Promise<void> => {
    if (pendingRows === 0 && !(force && files.length === 0)) return;
    const path = join(dir, `part-${String(files.length).padStart(5, '0')}.parquet`);
    await writeFile(path, writeParquet(pending.length > 0 ? new Table(pending) : new Table(schema)));
    files.push(path);
    pending = [];
    pendingRows = 0;
  };
  try {
    for await (const batch of s) {
      pending.push(batch);
      pendingRows += batch.numRows;
      if (pendingRows >= rowsPerFile) await flush(false);
    }
    await flush(true);
    await connection.run(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT ${columns} FROM read_parquet([${files.map(quoteString).join(', ')}])`);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    name,
    mode: 'materialized',
    files,
    async drop() {
      await connection.run(`DROP VIEW IF EXISTS ${quoteIdent(name)}`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An in-memory DuckDB database and one connection to it. */
export interface DuckDBSession {
  connection: DuckDBConnection;
  /** Runs SQL and returns the rows as plain JS objects (BIGINT as bigint, DECIMAL as number). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Opens an in-memory DuckDB database (so callers need not depend on DuckDB's package). */
export async function openDuckDB(): Promise<DuckDBSession> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    connection,
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
