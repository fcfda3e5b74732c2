// Scenario 3: delete by record key (a list of keys) and erase one user (a non-key column), lake
// against LanceDB's delete and a DuckDB rewrite. Erasure also checks that lake rewrote only the
// files that held the user.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { HudiTable, WriteResult } from '@lake/core';
import type { BaseTables } from '../base.js';
import type { BenchConfig } from '../config.js';
import { formatCount } from '../config.js';
import { randomKeys, userId, EVENTS_PER_USER } from '../data.js';
import { copyDir, scratch } from '../fs-util.js';
import { lakeBaseFiles, lakeOpen } from '../lake.js';
import { addFreshPeaks, freshRatioTarget } from '../fresh-rss.js';
import { repeat, requestDelta, sampleOf, type RequestDelta } from '../measure.js';
import { duck, quote, scalar } from '../peers/duckdb.js';
import { lanceOpen, sqlList } from '../peers/lance.js';
import { rawDecode } from '../peers/parquet-raw.js';
import { COW_FLOOR_ENGINE, cowFloorTargets, measureCowFloor } from '../peers/cow-floor.js';
import type { EngineRun, ScenarioResult } from '../results.js';
import { ratioTarget, runOf } from '../results.js';
import { morSupport } from './mor-support.js';

interface EraseOutcome {
  deleted: number;
  filesWritten: number;
  bytesWritten?: number;
}

type Erase = (column: string, value: string) => Promise<EraseOutcome>;

/**
 * lake's erasure (`table.erase`: keyed delete, compaction of touched merge-on-read groups, purge
 * of older file versions holding the user, verification over every data file) when this build
 * has it, else a predicate delete over the snapshot.
 */
function eraser(table: HudiTable): { how: string; run: Erase } {
  const erase = (table as unknown as { erase?: unknown }).erase;
  if (typeof erase === 'function') {
    type Report = { rowsErased: number; filesRewritten: string[] };
    const call = erase as (request: { column: string; values: string[] }) => Promise<Report>;
    return {
      how: 'table.erase',
      run: async (column, value) => {
        const report = await call.call(table, { column, values: [value] });
        return { deleted: report.rowsErased, filesWritten: report.filesRewritten.length };
      },
    };
  }
  return {
    how: 'table.deleteWhere',
    run: async (column, value) => {
      const r: WriteResult = await table.deleteWhere((row) => row[column] === value);
      return { deleted: r.deleted, filesWritten: r.filesWritten, bytesWritten: r.bytesWritten };
    },
  };
}

function lakeVariants(base: BaseTables): [string, string | undefined][] {
  return [
    ['lake', base.lakeDir],
    ['lake (mor)', base.lakeMorDir],
  ];
}

/** The tables deletes by key run on: the bloom-indexed ones and the bucket-indexed merge-on-read one. */
function keyedVariants(base: BaseTables): [string, string | undefined][] {
  return [...lakeVariants(base), ['lake (mor, bucket)', base.lakeBucketDir]];
}

async function filesHolding(dir: string, table: HudiTable, column: string, value: string): Promise<number> {
  let n = 0;
  for (const path of await lakeBaseFiles(table)) {
    const t = rawDecode(await readFile(join(dir, path)), [column]);
    const col = t.getChild(column);
    if (col && [...col].some((v) => v === value)) n++;
  }
  return n;
}

/** Delete by key, and unless `keysOnly`, erasure of one user; ids carry the size when `suffix` is given. */
export async function deletes(cfg: BenchConfig, base: BaseTables, options: { keysOnly?: boolean; suffix?: string } = {}): Promise<ScenarioResult[]> {
  const keys = randomKeys(base.rows, cfg.deleteKeys);
  const conn = await duck();

  const byKey: ScenarioResult = {
    id: `delete-keys${options.suffix ?? ''}`,
    title: 'Delete by record key',
    size: `${formatCount(keys.length)} keys from ${formatCount(base.rows)}`,
    runs: [],
    targets: [],
    notes: [],
  };
  let req: RequestDelta | undefined;
  let written: WriteResult | undefined;
  let floor: EngineRun | undefined;
  for (const [engine, dir] of keyedVariants(base)) {
    if (!dir) {
      const mor = await morSupport();
      const note = mor.supported ? 'skipped at this size: it needs a second table loaded as merge-on-read' : `not supported yet (${mor.reason})`;
      byKey.runs.push({ engine, rows: keys.length, ms: 0, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, note });
      continue;
    }
    let lastDir = '';
    const lake = await repeat(
      cfg.runs,
      async () => lakeOpen((lastDir = await copyDir(dir, 'delete-lake'))),
      async ({ table, store }) => {
        const before = { ...store.requests };
        written = await table.delete(keys);
        req = requestDelta(before, store.requests);
      },
    );
    byKey.runs.push({
      engine,
      rows: keys.length,
      ...sampleOf(lake),
      requests: req,
      bytesWritten: written?.bytesWritten,
      extra: { deleted: written?.deleted ?? 0, filesWritten: written?.filesWritten ?? 0 },
    });
    // The floor of the copy-on-write delete, timed right after it: the file groups it rewrote, decoded and encoded raw.
    if (engine === 'lake') floor = await measureCowFloor(cfg.runs, dir, lastDir);
  }
  if (floor) byKey.runs.push(floor);
  const keyList = sqlList(keys);
  const lance = await repeat(
    cfg.runs,
    async () => lanceOpen(await copyDir(base.lanceDir, 'delete-lance'), 'ad_events'),
    async (t) => t.delete(`impression_id IN (${keyList})`),
  );
  byKey.runs.push({ engine: 'lancedb', rows: keys.length, ...sampleOf(lance) });
  const dk = await repeat(
    cfg.runs,
    async () => join(await scratch('delete-duck'), 'events.parquet'),
    async (out) =>
      conn.run(
        `COPY (SELECT b.* FROM read_parquet(${quote(base.parquetFile)}) b ANTI JOIN (SELECT unnest([${keyList}]) AS impression_id) k USING (impression_id))
          TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy)`,
      ),
  );
  byKey.runs.push({ engine: 'duckdb', rows: keys.length, ...sampleOf(dk), extra: { method: 'rewrite whole file' } });
  await addFreshPeaks(byKey.runs, { lake: base.lakeDir, 'lake (mor)': base.lakeMorDir, 'lake (mor, bucket)': base.lakeBucketDir, lancedb: base.lanceDir }, { op: 'delete', existing: base.rows, count: keys.length }, (d) =>
    copyDir(d, 'delete-fresh'),
  );
  byKey.targets.push(ratioTarget(`delete by key${options.suffix ? ` ${formatCount(base.rows)}` : ''}: lake / LanceDB`, runOf(byKey, 'lake'), runOf(byKey, 'lancedb'), 1.0));
  byKey.targets.push(...cowFloorTargets(`delete by key ${formatCount(base.rows)}`, runOf(byKey, 'lake'), runOf(byKey, COW_FLOOR_ENGINE)));
  const morDelete = runOf(byKey, 'lake (mor)');
  if (morDelete && !morDelete.note) byKey.targets.push(ratioTarget(`delete by key${options.suffix ? ` ${formatCount(base.rows)}` : ''}: lake MOR / LanceDB`, morDelete, runOf(byKey, 'lancedb'), 1.0));
  const bucketDelete = runOf(byKey, 'lake (mor, bucket)');
  if (bucketDelete && !bucketDelete.note) {
    byKey.targets.push(ratioTarget(`delete by key${options.suffix ? ` ${formatCount(base.rows)}` : ''}: lake MOR bucket index / LanceDB`, bucketDelete, runOf(byKey, 'lancedb'), 0.5));
    byKey.targets.push(
      freshRatioTarget(`delete by key${options.suffix ? ` ${formatCount(base.rows)}` : ''}: lake MOR bucket index / LanceDB, each alone in its own warm process`, bucketDelete, runOf(byKey, 'lancedb'), 0.5),
    );
  }

  if (options.keysOnly) return [byKey];

  // The user of the middle event: about EVENTS_PER_USER rows, close together in time.
  const user = userId(Math.floor(base.rows / 2 / EVENTS_PER_USER));
  const userRows = await scalar(conn, `SELECT count(*) FROM read_parquet(${quote(base.parquetFile)}) WHERE user_id = '${user}'`);
  const erase: ScenarioResult = {
    id: 'erase-user',
    title: 'Erase one user (non-key column)',
    size: `${userRows} rows of ${user} in ${formatCount(base.rows)}`,
    runs: [],
    targets: [],
    notes: [],
  };
  let erased: EraseOutcome | undefined;
  let how = '';
  let holding = 0;
  let filesInTable = 0;
  let cowWritten: EraseOutcome | undefined;
  for (const [engine, lakeDir] of lakeVariants(base)) {
    if (!lakeDir) continue;
    const cow = engine === 'lake';
    const sample = await repeat(
      cfg.runs,
      async () => {
        const dir = await copyDir(lakeDir, cow ? 'erase-lake' : 'erase-lake-mor');
        const opened = await lakeOpen(dir);
        if (cow) {
          holding = await filesHolding(dir, opened.table, 'user_id', user);
          filesInTable = (await lakeBaseFiles(opened.table)).length;
        }
        return opened;
      },
      async ({ table, store }) => {
        const e = eraser(table);
        how = e.how;
        const before = { ...store.requests };
        erased = await e.run('user_id', user);
        req = requestDelta(before, store.requests);
      },
    );
    erase.runs.push({
      engine,
      rows: userRows,
      ...sampleOf(sample),
      requests: req,
      bytesWritten: erased?.bytesWritten ?? req?.bytesWritten,
      extra: cow
        ? { api: how, deleted: erased?.deleted ?? 0, filesRewritten: erased?.filesWritten ?? 0, filesHoldingUser: holding, filesInTable }
        : { api: how, deleted: erased?.deleted ?? 0, filesWritten: erased?.filesWritten ?? 0 },
    });
    if (cow) cowWritten = erased;
  }
  const lanceErase = await repeat(
    cfg.runs,
    async () => lanceOpen(await copyDir(base.lanceDir, 'erase-lance'), 'ad_events'),
    async (t) => t.delete(`user_id = '${user}'`),
  );
  erase.runs.push({ engine: 'lancedb', rows: userRows, ...sampleOf(lanceErase) });
  const dkErase = await repeat(
    cfg.runs,
    async () => join(await scratch('erase-duck'), 'events.parquet'),
    async (out) => conn.run(`COPY (SELECT * FROM read_parquet(${quote(base.parquetFile)}) WHERE user_id <> '${user}') TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy)`),
  );
  erase.runs.push({ engine: 'duckdb', rows: userRows, ...sampleOf(dkErase), extra: { method: 'rewrite whole file' } });
  const rewritten = cowWritten?.filesWritten ?? 0;
  erase.targets.push({
    name: 'erasure (copy-on-write) rewrites only files that held the user',
    goal: `<= ${holding} of ${filesInTable} files`,
    actual: `${rewritten} rewritten, ${cowWritten?.deleted ?? 0}/${userRows} rows deleted`,
    met: rewritten <= holding && (cowWritten?.deleted ?? 0) === userRows,
  });
  return [byKey, erase];
}
