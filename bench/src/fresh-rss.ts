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

export interface FreshOp {
  engine: 'lake' | 'lancedb';
  op: 'upsert' | 'delete';
  /** The table folder (a copy: the write changes it). */
  dir: string;
  /** Rows in the table, from which the upsert batch or delete keys are generated as the scenario does. */
  existing: number;
  /** Rows to upsert or keys to delete. */
  count: number;
}

export interface FreshResult {
  /** Peak resident set of the child over its whole life, in MB. */
  peakRssMb: number;
  /** Resident set just before the write (runtime, modules and input loaded), in MB. */
  baselineRssMb: number;
  ms: number;
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

/**
 * Adds the fresh-process peak (and the resident set before the write) to each named run of a
 * scenario, measuring on a copy of each engine's table.
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
    const fresh = await freshPeakRss({ ...op, engine: run.engine === 'lancedb' ? 'lancedb' : 'lake', dir: await copy(dir) });
    run.extra = { ...run.extra, freshPeakRssMb: Math.round(fresh.peakRssMb), freshBaselineRssMb: Math.round(fresh.baselineRssMb) };
  }
}
