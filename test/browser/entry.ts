// The engine packages as a browser bundle sees them: no local backend, no DuckDB, no Node
// built-ins. Parquet's WebAssembly is embedded in the bundle (esbuild's binary loader) and handed
// to initParquet, as a web application would hand it a fetched module or URL.

import { initParquet } from '@lake/parquet';
import { createTable, openTable } from '@lake/core';
import { col, scan } from '@lake/query';
import wasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm';

export async function run(): Promise<{ rows: unknown[]; expensive: number; runtime: string }> {
  await initParquet(wasm);
  const uri = `memory://browser-${Date.now()}`;
  const table = await createTable(uri, { recordKey: ['id'], orderingField: 'ts' });
  await table.upsert([
    { id: 'a', ts: 1, cost: 0.5 },
    { id: 'b', ts: 1, cost: 2.5 },
    { id: 'c', ts: 1, cost: 7 },
  ]);
  await table.upsert([{ id: 'b', ts: 2, cost: 3.5 }]);
  await table.delete(['a']);
  const reopened = await openTable(uri);
  const rows = (await reopened.read({ columns: ['id', 'cost'] }).collect()).toArray().map((r) => r.toJSON());
  rows.sort((x, y) => String(x.id).localeCompare(String(y.id)));
  let expensive = 0;
  for await (const batch of scan(reopened).where(col('cost').gt(3))) expensive += batch.numRows;
  return { rows, expensive, runtime: (globalThis as { navigator?: { userAgent: string } }).navigator?.userAgent ?? 'unknown' };
}

(globalThis as { lakeBrowser?: { run: typeof run } }).lakeBrowser = { run };
