// Peak memory of one keyed write measured in a fresh child process. Measuring inside the bench
// process only sees growth above what the bench already holds (its generated data, other
// engines' caches), which understates what a service running the write alone needs.
// The child runs as plain JavaScript, bundled from the sources once per bench process, as a
// deployed service runs: a TypeScript loader (tsx keeps every module's source and source map)
// adds about 35 MB to the resident set that is no engine's cost.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

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

/**
 * Packages loaded from node_modules as they are: native and WebAssembly modules find their
 * binaries next to their own files. Everything else is bundled, each import resolved from its
 * importer (the packages do not all use one apache-arrow version).
 */
const EXTERNAL = ['@lancedb/lancedb', 'parquet-wasm', '@duckdb/node-api'];

let bundled: Promise<string> | undefined;

/**
 * fresh-child.ts and the lake sources it imports as ES modules (in bench/.tmp, where its
 * externals resolve), each engine's in a chunk of its own that only its runs load.
 */
export function freshChildBundle(): Promise<string> {
  bundled ??= (async () => {
    const outdir = join(here, '..', '.tmp', 'fresh-child');
    await build({
      entryPoints: { 'fresh-child': join(here, 'fresh-child.ts') },
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@lake/source'],
      external: EXTERNAL,
      // bundled CommonJS dependencies call require(); an ES module has none of its own
      banner: { js: "import { createRequire as __lakeCreateRequire } from 'node:module'; const require = __lakeCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    // Started through a module of its own: a bundled module's import.meta.url is its chunk's, so
    // a bundled "run when started directly" check (the ad-events generator has one) would take
    // the chunk for the program started.
    const launcher = join(outdir, 'launch.mjs');
    await writeFile(launcher, "import './fresh-child.mjs';\n");
    return launcher;
  })();
  return bundled;
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
