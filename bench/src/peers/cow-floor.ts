// The copy-on-write floor: raw parquet-wasm doing only the work a keyed copy-on-write write cannot
// avoid, decoding every base file the write replaced and encoding it again, with no merge, index
// or table format around it. lake's copy-on-write upserts and deletes are judged against it.

import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type { HudiTable } from '@lake/core';
import { readParquetMetadata } from '@lake/parquet';
import * as wasm from 'parquet-wasm';

import { scratch } from '../fs-util.js';
import { lakeOpen } from '../lake.js';
import { repeat } from '../measure.js';
import type { EngineRun, Target } from '../results.js';
import { ratioTarget } from '../results.js';
import { rawDecode, rawEncode } from './parquet-raw.js';

export const COW_FLOOR_ENGINE = 'parquet-wasm (cow floor)';

/** The latest base file of one file group, as a listing names it. */
export interface BaseFileRef {
  partitionPath: string;
  fileId: string;
  instantTime: string;
  /** Relative to the table root. */
  path: string;
}

/** The latest base file of every file group of the table. */
export async function baseFileRefs(table: HudiTable): Promise<BaseFileRef[]> {
  return (await table.fileSlices()).flatMap((s) =>
    s.baseFile ? [{ partitionPath: s.partitionPath, fileId: s.fileId, instantTime: s.baseFile.instantTime, path: s.baseFile.path }] : [],
  );
}

function groupKey(f: Pick<BaseFileRef, 'partitionPath' | 'fileId'>): string {
  return `${f.partitionPath}\u0000${f.fileId}`;
}

/**
 * The base files of `before` that a write rewrote: their file group has a base file of another
 * instant in `after`. File groups the write created (inserts into new groups) are not in `before`,
 * and groups it left alone keep their base file: neither is part of the floor. A group missing
 * from `after` was not rewritten into a new base file, so it has nothing to encode either.
 */
export function replacedBaseFiles(before: readonly BaseFileRef[], after: readonly BaseFileRef[]): BaseFileRef[] {
  const latest = new Map(after.map((f) => [groupKey(f), f.instantTime]));
  return before.filter((f) => {
    const now = latest.get(groupKey(f));
    return now !== undefined && now !== f.instantTime;
  });
}

/**
 * Rows per row group of a base file as lake wrote it (its first row group): lake sets no row-group
 * size for base files but encodes them in pieces of a few MiB of Arrow, each its own row group, so
 * the floor writes row groups of the same length rather than parquet-wasm's default of 1M rows.
 */
function firstRowGroupRows(file: Uint8Array): number | undefined {
  const groups = readParquetMetadata(file).rowGroups;
  return groups.length > 0 ? groups[0].numRows : undefined;
}

/** What one pass of the floor did. */
export interface FloorPass {
  rows: number;
  bytesRead: number;
  bytesWritten: number;
}

/**
 * One pass of the floor: read each file, decode every column, encode with lake's base-file settings
 * (Snappy, its row-group length from `rowGroupRows`, parquet-wasm's defaults otherwise, dictionary
 * encoding among them, which lake keeps too) and write the bytes into `outDir`.
 */
export async function rewriteFloor(tableDir: string, files: readonly BaseFileRef[], outDir: string, rowGroupRows: ReadonlyMap<string, number | undefined>): Promise<FloorPass> {
  const pass: FloorPass = { rows: 0, bytesRead: 0, bytesWritten: 0 };
  for (const f of files) {
    const bytes = await readFile(join(tableDir, f.path));
    const decoded = rawDecode(bytes);
    const encoded = rawEncode(decoded, wasm.Compression.SNAPPY, rowGroupRows.get(f.path));
    await writeFile(join(outDir, basename(f.path)), encoded);
    pass.rows += decoded.numRows;
    pass.bytesRead += bytes.byteLength;
    pass.bytesWritten += encoded.byteLength;
  }
  return pass;
}

/** The row-group length of each file, read before the timing starts. */
export async function rowGroupRowsOf(tableDir: string, files: readonly BaseFileRef[]): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (const f of files) out.set(f.path, firstRowGroupRows(await readFile(join(tableDir, f.path))));
  return out;
}

/**
 * Times the floor of rewriting `files` (paths under `tableDir`, the table before the write),
 * single-threaded in this process, each run into a new scratch folder; wall and CPU time.
 */
async function cowFloor(runs: number, tableDir: string, files: readonly BaseFileRef[]): Promise<EngineRun> {
  const rowGroupRows = await rowGroupRowsOf(tableDir, files);
  const m = await repeat(
    runs,
    () => scratch('cow-floor'),
    (out) => rewriteFloor(tableDir, files, out, rowGroupRows),
  );
  const pass = m.value;
  return {
    engine: COW_FLOOR_ENGINE,
    rows: pass.rows,
    ms: m.ms,
    cpuMs: m.cpuMs,
    peakRssDeltaMb: m.peakRssDeltaMb,
    peakHeapDeltaMb: m.peakHeapDeltaMb,
    bytesWritten: pass.bytesWritten,
    extra: { filesRewritten: files.length, rowsRewritten: pass.rows, bytesRead: pass.bytesRead },
  };
}

/**
 * The floor of a copy-on-write write that turned the table in `beforeDir` into the one in
 * `afterDir` (a copy the write ran on): the base files it replaced, rewritten raw.
 */
export async function measureCowFloor(runs: number, beforeDir: string, afterDir: string): Promise<EngineRun> {
  const before = await baseFileRefs((await lakeOpen(beforeDir)).table);
  const after = await baseFileRefs((await lakeOpen(afterDir)).table);
  const files = replacedBaseFiles(before, after);
  if (files.length === 0) return { engine: COW_FLOOR_ENGINE, rows: 0, ms: 0, peakRssDeltaMb: 0, peakHeapDeltaMb: 0, note: 'the write replaced no base file' };
  const run = await cowFloor(runs, beforeDir, files);
  run.extra = { ...run.extra, filesInTable: before.length };
  return run;
}

/** lake's copy-on-write write against its floor: the target on CPU time, wall time for information. */
export function cowFloorTargets(prefix: string, lake: EngineRun | undefined, floor: EngineRun | undefined): Target[] {
  return [
    ratioTarget(`${prefix}: lake COW / cow floor (CPU)`, lake, floor, 1.3, 'cpu'),
    ratioTarget(`${prefix}: lake COW / cow floor (wall)`, lake, floor, undefined, 'wall'),
  ];
}
