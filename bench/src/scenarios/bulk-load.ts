// Scenario 1: bulk load of N generated rows into an empty table on local disk.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Table } from 'arrow21';
import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { dirBytes, scratch } from '../fs-util.js';
import { lakeCreate } from '../lake.js';
import { repeat, requestDelta, sampleOf, type RequestDelta } from '../measure.js';
import { duck, quote } from '../peers/duckdb.js';
import { lanceDb, toLanceArrow } from '../peers/lance.js';
import { rawEncode } from '../peers/parquet-raw.js';
import type { ScenarioResult } from '../results.js';

export async function bulkLoad(cfg: BenchConfig, data: Table): Promise<ScenarioResult> {
  const rows = data.numRows;
  const result: ScenarioResult = { id: 'bulk-load', title: 'Bulk load into an empty table', size: `${formatCount(rows)} rows`, runs: [], targets: [], notes: [] };

  let lakeBytes = 0;
  let lakeReq: RequestDelta | undefined;
  const lake = await repeat(
    cfg.runs,
    async () => lakeCreate(await scratch('load-lake')),
    async ({ table, store }) => {
      const before = { ...store.requests };
      const r = await table.insert(data);
      lakeReq = requestDelta(before, store.requests);
      lakeBytes = r.bytesWritten;
      return r;
    },
  );
  result.runs.push({ engine: 'lake', rows, ...sampleOf(lake), requests: lakeReq, bytesWritten: lakeBytes, extra: { files: lake.value.filesWritten } });

  const lanceData = toLanceArrow(data);
  let lanceDir = '';
  const lance = await repeat(
    cfg.runs,
    async () => (lanceDir = await scratch('load-lance')),
    async (dir) => (await lanceDb(dir)).createTable('ad_events', lanceData),
  );
  result.runs.push({ engine: 'lancedb', rows, ...sampleOf(lance), bytesWritten: await dirBytes(lanceDir) });

  let rawBytes = 0;
  const raw = await repeat(
    cfg.runs,
    async () => join(await scratch('load-raw'), 'events.parquet'),
    async (path) => {
      const bytes = rawEncode(data);
      rawBytes = bytes.length;
      await writeFile(path, bytes);
    },
  );
  result.runs.push({ engine: 'parquet-wasm', rows, ...sampleOf(raw), bytesWritten: rawBytes });

  // DuckDB cannot take Arrow from this process; it loads the same rows from a Parquet file.
  const src = join(await scratch('load-duck-src'), 'events.parquet');
  await writeFile(src, rawEncode(data));
  let duckOut = '';
  const conn = await duck();
  const dk = await repeat(
    cfg.runs,
    async () => (duckOut = join(await scratch('load-duck'), 'events.parquet')),
    async (out) => conn.run(`COPY (SELECT * FROM read_parquet(${quote(src)})) TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy)`),
  );
  result.runs.push({ engine: 'duckdb', rows, ...sampleOf(dk), bytesWritten: await dirBytes(join(duckOut, '..')), extra: { input: 'parquet file' } });
  return result;
}
