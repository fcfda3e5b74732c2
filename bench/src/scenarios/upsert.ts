// Scenario 2: upsert a batch (half updates of random existing keys, half new keys) into a
// loaded table, lake copy-on-write (and merge-on-read when supported) against LanceDB's
// mergeInsert and a DuckDB rewrite of the Parquet file.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Table } from 'arrow21';
import type { BaseTables } from '../base.js';
import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { upsertTable } from '../data.js';
import { copyDir, dirBytes, scratch } from '../fs-util.js';
import { lakeBaseFiles, lakeOpen } from '../lake.js';
import { addFreshPeaks, freshRatioTarget } from '../fresh-rss.js';
import { repeat, requestDelta, sampleOf, type RequestDelta } from '../measure.js';
import { duck, quote } from '../peers/duckdb.js';
import { lanceOpen, toLanceArrow } from '../peers/lance.js';
import { COW_FLOOR_ENGINE, cowFloorTargets, measureCowFloor } from '../peers/cow-floor.js';
import { rawEncode } from '../peers/parquet-raw.js';
import type { EngineRun, ScenarioResult } from '../results.js';
import { ratioTarget, runOf } from '../results.js';
import { morSupport } from './mor-support.js';

const MB = 1024 * 1024;

function arrowBytes(t: Table): number {
  return t.batches.reduce((n, b) => n + b.data.byteLength, 0);
}

/** One lake variant's upsert, and the folder of its last run's table (as the write left it). */
async function lakeUpsert(engine: string, runs: number, baseDir: string, batch: Table, tableRows: number): Promise<{ run: EngineRun; dir: string }> {
  let req: RequestDelta | undefined;
  let totalFiles = 0;
  let lastDir = '';
  const m = await repeat(
    runs,
    async () => {
      const dir = await copyDir(baseDir, 'upsert-lake');
      lastDir = dir;
      const opened = await lakeOpen(dir);
      totalFiles = (await lakeBaseFiles(opened.table)).length;
      return { ...opened, dir };
    },
    async ({ table, store }) => {
      const before = { ...store.requests };
      const r = await table.upsert(batch);
      req = requestDelta(before, store.requests);
      return r;
    },
  );
  const r = m.value;
  // Rows the rewritten file groups held, assuming rows spread evenly over file groups.
  const touchedRows = totalFiles > 0 ? Math.round((tableRows * Math.min(r.filesWritten, totalFiles)) / totalFiles) : 0;
  const run: EngineRun = {
    engine,
    rows: batch.numRows,
    ...sampleOf(m),
    requests: req,
    bytesWritten: r.bytesWritten,
    extra: { inserted: r.inserted, updated: r.updated, filesWritten: r.filesWritten, filesInTable: totalFiles, touchedRowsEstimate: touchedRows },
  };
  return { run, dir: lastDir };
}

export async function upsert(cfg: BenchConfig, base: BaseTables, label: string): Promise<ScenarioResult> {
  const rows = cfg.upsertRows;
  const batch = upsertTable(base.rows, rows);
  const result: ScenarioResult = {
    id: `upsert-${formatCount(base.rows)}`,
    title: `Upsert (50% updates, 50% new) into a ${formatCount(base.rows)}-row table`,
    size: `${formatCount(rows)} rows into ${formatCount(base.rows)}`,
    runs: [],
    targets: [],
    notes: [],
  };
  const runs = base.rows > 2_000_000 ? 1 : cfg.runs;

  const cow = await lakeUpsert('lake', runs, base.lakeDir, batch, base.rows);
  const lake = cow.run;
  result.runs.push(lake);
  // The floor of the same write, timed right after it: the file groups it rewrote, decoded and encoded raw.
  const floor = await measureCowFloor(runs, base.lakeDir, cow.dir);

  if (base.lakeMorDir) {
    result.runs.push((await lakeUpsert('lake (mor)', runs, base.lakeMorDir, batch, base.rows)).run);
    if (base.lakeBucketDir) result.runs.push((await lakeUpsert('lake (mor, bucket)', runs, base.lakeBucketDir, batch, base.rows)).run);
  } else {
    const mor = await morSupport();
    const why = mor.supported ? 'skipped at this size: it needs a second table loaded as merge-on-read' : `not supported yet (${mor.reason})`;
    result.runs.push({ engine: 'lake (mor)', rows, ms: 0, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, note: why });
  }
  result.runs.push(floor);

  const lanceBatch = toLanceArrow(batch);
  let lanceDir = '';
  let lanceBefore = 0;
  const lance = await repeat(
    runs,
    async () => {
      lanceDir = await copyDir(base.lanceDir, 'upsert-lance');
      lanceBefore = await dirBytes(lanceDir);
      return lanceOpen(lanceDir, 'ad_events');
    },
    async (t) => t.mergeInsert('impression_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(lanceBatch),
  );
  result.runs.push({ engine: 'lancedb', rows, ...sampleOf(lance), bytesWritten: (await dirBytes(lanceDir)) - lanceBefore });

  const updFile = join(await scratch('upsert-duck-in'), 'batch.parquet');
  await writeFile(updFile, rawEncode(batch));
  const conn = await duck();
  let out = '';
  const dk = await repeat(
    runs,
    async () => (out = join(await scratch('upsert-duck'), 'events.parquet')),
    async (o) =>
      conn.run(
        `COPY (SELECT b.* FROM read_parquet(${quote(base.parquetFile)}) b ANTI JOIN read_parquet(${quote(updFile)}) u USING (impression_id)
          UNION ALL SELECT * FROM read_parquet(${quote(updFile)})) TO ${quote(o)} (FORMAT parquet, COMPRESSION snappy)`,
      ),
  );
  result.runs.push({ engine: 'duckdb', rows, ...sampleOf(dk), bytesWritten: await dirBytes(join(out, '..')), extra: { method: 'rewrite whole file' } });

  // Peak memory of each engine's upsert alone in a fresh process: what a service sizes for.
  await addFreshPeaks(result.runs, { lake: base.lakeDir, 'lake (mor)': base.lakeMorDir, 'lake (mor, bucket)': base.lakeBucketDir, lancedb: base.lanceDir }, { op: 'upsert', existing: base.rows, count: rows }, (d) =>
    copyDir(d, 'upsert-fresh'),
  );

  result.targets.push(ratioTarget(`upsert ${label}: lake / LanceDB`, runOf(result, 'lake'), runOf(result, 'lancedb'), 1.0));
  result.targets.push(...cowFloorTargets(`upsert ${label}`, lake, runOf(result, COW_FLOOR_ENGINE)));
  const morRun = runOf(result, 'lake (mor)');
  if (morRun && !morRun.note) result.targets.push(ratioTarget(`upsert ${label}: lake MOR / LanceDB`, morRun, runOf(result, 'lancedb'), 1.0));
  const bucketRun = runOf(result, 'lake (mor, bucket)');
  if (bucketRun) {
    result.targets.push(ratioTarget(`upsert ${label}: lake MOR bucket index / LanceDB`, bucketRun, runOf(result, 'lancedb'), 0.5));
    result.targets.push(freshRatioTarget(`upsert ${label}: lake MOR bucket index / LanceDB, each alone in its own warm process`, bucketRun, runOf(result, 'lancedb'), 0.5));
  }
  // Memory: the batch plus the decoded rows of the file groups it touched, with 2x headroom.
  const touched = Number(lake.extra?.touchedRowsEstimate ?? 0);
  const perRow = arrowBytes(batch) / Math.max(1, batch.numRows);
  const bound = (2 * (arrowBytes(batch) + touched * perRow)) / MB;
  result.targets.push({
    name: `upsert ${label}: lake peak RSS <= 2 x (batch + touched file groups)`,
    goal: `<= ${bound.toFixed(0)} MB`,
    actual: `${lake.peakRssDeltaMb.toFixed(0)} MB above the bench process`,
    met: lake.peakRssDeltaMb <= bound,
  });
  // The same write alone in a fresh process, above what the process held before it (runtime,
  // modules, the batch): the growth a service sees; and its whole peak, reported beside LanceDB's.
  const fresh = lake.extra;
  if (fresh?.freshPeakRssMb !== undefined) {
    const growth = Number(fresh.freshPeakRssMb) - Number(fresh.freshBaselineRssMb);
    const lanceFresh = runOf(result, 'lancedb')?.extra?.freshPeakRssMb;
    result.targets.push({
      name: `upsert ${label}: lake peak RSS in a fresh process, growth <= 2 x (batch + touched file groups)`,
      goal: `<= ${bound.toFixed(0)} MB`,
      actual: `${growth.toFixed(0)} MB growth, ${fresh.freshPeakRssMb} MB peak (LanceDB ${lanceFresh ?? '?'} MB peak)`,
      met: growth <= bound,
    });
  }
  return result;
}
