// Peak memory of one keyed write measured in a fresh child process. Measuring inside the bench
// process only sees growth above what the bench already holds (its generated data, other
// engines' caches), which understates what a service running the write alone needs.
// The child runs as plain JavaScript, bundled from the sources once per bench process, as a
// deployed service runs: a TypeScript loader (tsx keeps every module's source and source map)
// adds about 35 MB to the resident set that is no engine's cost (see child-bundle.ts).

import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childBundle } from './child-bundle.js';
import type { Target } from './results.js';

export interface FreshOp {
  engine: 'lake' | 'lancedb';
  op: 'upsert' | 'delete';
  /** The table folder (a copy: the write changes it). */
  dir: string;
  /** Rows in the table, from which the upsert batch or delete keys are generated as the scenario does. */
  existing: number;
  /** Rows to upsert or keys to delete. */
  count: number;
  /** More copies of the table, on which the write is repeated in the same (then warm) process. */
  repeatDirs?: string[];
}

export interface FreshResult {
  /** Peak resident set of the child over its whole life, in MB. */
  peakRssMb: number;
  /** Resident set just before the write (runtime, modules and input loaded), in MB. */
  baselineRssMb: number;
  /** The first write of the process. */
  ms: number;
  /** Median time of the write repeated on `repeatDirs`, when given. */
  warmMs?: number;
}

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** fresh-child.ts and the lake sources it imports, as plain JavaScript (see child-bundle.ts). */
export function freshChildBundle(): Promise<string> {
  return childBundle(join(here, 'fresh-child.ts'), 'fresh-child');
}

export async function freshPeakRss(op: FreshOp): Promise<FreshResult> {
  const { stdout } = await run(process.execPath, [await freshChildBundle(), JSON.stringify(op)], {
    cwd: join(here, '..'),
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as FreshResult;
}

/** Writes each engine repeats in its own process after the first, for `freshWarmMs`. */
const WARM_REPEATS = 3;

/**
 * Adds to each named run of a scenario what its write costs alone in a fresh process, measured on
 * copies of each engine's table: the peak resident set (and the resident set before the write),
 * the first write's time (`freshMs`), and the median of the same write repeated in that process
 * once warm (`freshWarmMs`): each engine with only its own modules and data loaded, as a service
 * doing this work runs it.
 */
export async function addFreshPeaks(
  runs: { engine: string; extra?: Record<string, number | string>; note?: string }[],
  tables: Record<string, string | undefined>,
  op: Omit<FreshOp, 'engine' | 'dir'>,
  copy: (dir: string) => Promise<string>,
): Promise<void> {
  for (const run of runs) {
    const dir = tables[run.engine];
    if (!dir || run.note) continue;
    const repeatDirs: string[] = [];
    for (let i = 0; i < WARM_REPEATS; i++) repeatDirs.push(await copy(dir));
    const fresh = await freshPeakRss({ ...op, engine: run.engine === 'lancedb' ? 'lancedb' : 'lake', dir: await copy(dir), repeatDirs });
    run.extra = {
      ...run.extra,
      freshPeakRssMb: Math.round(fresh.peakRssMb),
      freshBaselineRssMb: Math.round(fresh.baselineRssMb),
      freshMs: Math.round(fresh.ms),
      ...(fresh.warmMs !== undefined ? { freshWarmMs: Math.round(fresh.warmMs) } : {}),
    };
  }
}

/**
 * Lake's time over a peer's from the writes each made alone in its own warm process
 * (`freshWarmMs`, see addFreshPeaks), as a target.
 */
export function freshRatioTarget(
  name: string,
  lake: { extra?: Record<string, number | string> } | undefined,
  peer: { extra?: Record<string, number | string> } | undefined,
  limit: number,
): Target {
  const l = Number(lake?.extra?.freshWarmMs);
  const p = Number(peer?.extra?.freshWarmMs);
  if (!Number.isFinite(l) || !Number.isFinite(p) || p <= 0) return { name, goal: `<= ${limit.toFixed(1)}x`, actual: 'n/a' };
  const r = l / p;
  return { name, goal: `<= ${limit.toFixed(1)}x`, actual: `${r.toFixed(2)}x (${l} ms / ${p} ms)`, met: r <= limit };
}
