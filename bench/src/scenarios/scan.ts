// Scenario 4: a full scan of two columns, a scan with a selective filter (0.1% of rows), and
// time travel to the table's first version; lake against raw parquet-wasm decoding of the same
// base-file bytes, LanceDB and DuckDB over the same Parquet files.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Table } from 'arrow21';
import type { BaseTables } from '../base.js';
import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { upsertTable } from '../data.js';
import { scan } from '@lake/query';
import { copyDir, scratch } from '../fs-util.js';
import { lakeBaseFiles, lakeOpen } from '../lake.js';
import { repeat, requestDelta, sampleOf, type RequestDelta } from '../measure.js';
import { duck, quote, scalar } from '../peers/duckdb.js';
import { lanceOpen, toLanceArrow } from '../peers/lance.js';
import { rawDecode, rawEncode } from '../peers/parquet-raw.js';
import type { ScenarioResult } from '../results.js';
import { ratioTarget, runOf } from '../results.js';

const COLUMNS = ['impression_id', 'cost'];
const CAMPAIGN = 7;

function countMatching(t: Table): number {
  const c = t.getChild('campaign_id');
  if (!c) return 0;
  let n = 0;
  for (const data of c.data) {
    const values = data.values as Int32Array;
    for (let i = 0; i < data.length; i++) if (values[i] === CAMPAIGN) n++;
  }
  return n;
}

export async function scans(cfg: BenchConfig, base: BaseTables): Promise<ScenarioResult[]> {
  const repeatRead = <T>(op: () => Promise<T>) => repeat(cfg.runs, async () => undefined, op, { warmup: true });
  const conn = await duck();
  const { table, store } = await lakeOpen(base.lakeDir);
  const baseFiles = (await lakeBaseFiles(table)).map((p) => join(base.lakeDir, p));
  const lance = await lanceOpen(base.lanceDir, 'ad_events');
  const fileList = `[${baseFiles.map(quote).join(', ')}]`;

  const full: ScenarioResult = { id: 'scan-full', title: 'Full scan of 2 columns', size: `${formatCount(base.rows)} rows`, runs: [], targets: [], notes: [] };
  let req: RequestDelta | undefined;
  const lakeFull = await repeatRead(async () => {
    const before = { ...store.requests };
    let rows = 0;
    for await (const b of table.read({ columns: COLUMNS, withMeta: false })) rows += b.numRows;
    req = requestDelta(before, store.requests);
    return rows;
  });
  full.runs.push({ engine: 'lake', rows: lakeFull.value, ...sampleOf(lakeFull), requests: req });
  const rawFull = await repeatRead(async () => {
    let rows = 0;
    for (const f of baseFiles) rows += rawDecode(await readFile(f), COLUMNS).numRows;
    return rows;
  });
  full.runs.push({ engine: 'parquet-wasm', rows: rawFull.value, ...sampleOf(rawFull), extra: { input: 'lake base files, columns option' } });
  // parquet-wasm 0.8 decodes every column chunk even when asked for two; lake reads only the
  // chunks it needs. The fair floor is decoding files that hold just those two columns.
  const projectedFiles: string[] = [];
  const projDir = await scratch('scan-projected');
  for (const [i, f] of baseFiles.entries()) {
    const path = join(projDir, `p${i}.parquet`);
    await writeFile(path, rawEncode(rawDecode(await readFile(f)).select(COLUMNS)));
    projectedFiles.push(path);
  }
  const rawProjected = await repeatRead(async () => {
    let rows = 0;
    for (const f of projectedFiles) rows += rawDecode(await readFile(f)).numRows;
    return rows;
  });
  full.runs.push({ engine: 'parquet-wasm (2-col files)', rows: rawProjected.value, ...sampleOf(rawProjected), extra: { input: 'the 2 columns re-encoded alone' } });
  const lanceFull = await repeatRead(async () => (await lance.query().select(COLUMNS).toArrow()).numRows);
  full.runs.push({ engine: 'lancedb', rows: lanceFull.value, ...sampleOf(lanceFull) });
  const duckFull = await repeatRead(async () => scalar(conn, `SELECT count(impression_id) + 0 * sum(cost) FROM read_parquet(${fileList})`));
  full.runs.push({ engine: 'duckdb', rows: duckFull.value, ...sampleOf(duckFull), extra: { input: 'lake base files', query: 'count + sum' } });
  full.targets.push(ratioTarget('full scan: lake / raw parquet-wasm decode of the 2 columns', runOf(full, 'lake'), runOf(full, 'parquet-wasm (2-col files)'), 1.2));

  const filtered: ScenarioResult = { id: 'scan-filter', title: `Scan with a selective filter (campaign_id = ${CAMPAIGN})`, size: `${formatCount(base.rows)} rows`, runs: [], targets: [], notes: [] };
  const withFilter = [...COLUMNS, 'campaign_id'];
  let scanStats: Record<string, number | string> = {};
  const lakeFilter = await repeatRead(async () => {
    const before = { ...store.requests };
    let rows = 0;
    const q = scan(table).select(...COLUMNS).where(`campaign_id = ${CAMPAIGN}`);
    for await (const b of q) rows += b.numRows;
    req = requestDelta(before, store.requests);
    const st = q.stats();
    scanStats = { filesPruned: `${st.files.pruned}/${st.files.total}`, rowGroupsPruned: `${st.rowGroups.pruned}/${st.rowGroups.total}`, rowsScanned: st.rows.scanned };
    return rows;
  });
  filtered.runs.push({ engine: 'lake', rows: lakeFilter.value, ...sampleOf(lakeFilter), requests: req, extra: { api: '@lake/query scan().where()', ...scanStats } });
  const rawFilter = await repeatRead(async () => {
    let rows = 0;
    for (const f of baseFiles) rows += countMatching(rawDecode(await readFile(f), withFilter));
    return rows;
  });
  filtered.runs.push({ engine: 'parquet-wasm', rows: rawFilter.value, ...sampleOf(rawFilter) });
  const lanceFilter = await repeatRead(async () =>
    (await lance.query().where(`campaign_id = ${CAMPAIGN}`).select(COLUMNS).toArrow()).numRows,
  );
  filtered.runs.push({ engine: 'lancedb', rows: lanceFilter.value, ...sampleOf(lanceFilter) });
  const duckFilter = await repeatRead(async () =>
    scalar(conn, `SELECT count(impression_id) + 0 * sum(cost) FROM read_parquet(${fileList}) WHERE campaign_id = ${CAMPAIGN}`),
  );
  filtered.runs.push({ engine: 'duckdb', rows: duckFilter.value, ...sampleOf(duckFilter) });
  filtered.notes.push('rows = matching rows; rows/s in the table is matching rows per second');

  // Time travel: one upsert on top of the loaded table, then read the first version.
  const travel: ScenarioResult = { id: 'time-travel', title: 'Time travel to the first version (2 columns)', size: `${formatCount(base.rows)} rows`, runs: [], targets: [], notes: [] };
  const batch = upsertTable(base.rows, Math.min(10_000, Math.floor(cfg.upsertRows / 10)));
  const lakeCopy = await lakeOpen(await copyDir(base.lakeDir, 'travel-lake'));
  const first = (await lakeCopy.table.timeline()).completedWrites()[0].time;
  await lakeCopy.table.upsert(batch);
  const lakeTravel = await repeatRead(async () => {
    const before = { ...lakeCopy.store.requests };
    let rows = 0;
    for await (const b of lakeCopy.table.read({ columns: COLUMNS, withMeta: false, asOf: first })) rows += b.numRows;
    req = requestDelta(before, lakeCopy.store.requests);
    return rows;
  });
  travel.runs.push({ engine: 'lake', rows: lakeTravel.value, ...sampleOf(lakeTravel), requests: req });
  const lanceCopy = await lanceOpen(await copyDir(base.lanceDir, 'travel-lance'), 'ad_events');
  const firstVersion = (await lanceCopy.listVersions())[0].version;
  await lanceCopy.mergeInsert('impression_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(toLanceArrow(batch));
  const lanceTravel = await repeatRead(async () => {
    await lanceCopy.checkout(firstVersion);
    const n = (await lanceCopy.query().select(COLUMNS).toArrow()).numRows;
    await lanceCopy.checkoutLatest();
    return n;
  });
  travel.runs.push({ engine: 'lancedb', rows: lanceTravel.value, ...sampleOf(lanceTravel) });
  return [full, filtered, travel];
}
