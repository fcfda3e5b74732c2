// LanceDB (Rust engine with Node bindings) as a peer: the same Arrow data, handed over as Arrow
// IPC bytes because LanceDB 0.37 speaks apache-arrow 18 while lake speaks 21.

import * as lancedb from '@lancedb/lancedb';
import { tableFromIPC, type Table as Table18 } from 'apache-arrow';
import { tableToIPC, type Table as Table21 } from 'arrow21';

export const LANCEDB_VERSION = '0.37.1';

export type LanceTable = lancedb.Table;

/** The same rows as an apache-arrow 18 table. */
export function toLanceArrow(table: Table21): Table18 {
  return tableFromIPC(tableToIPC(table, 'stream'));
}

export async function lanceDb(dir: string): Promise<lancedb.Connection> {
  return lancedb.connect(dir);
}

export async function lanceCreate(dir: string, name: string, data: Table21): Promise<LanceTable> {
  const db = await lanceDb(dir);
  return db.createTable(name, toLanceArrow(data), { mode: 'overwrite' });
}

export async function lanceOpen(dir: string, name: string): Promise<LanceTable> {
  return (await lanceDb(dir)).openTable(name);
}

export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
