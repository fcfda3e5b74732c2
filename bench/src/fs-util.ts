// Scratch folders for benchmark tables and the sizes of what engines leave on disk.

import { cp, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.env.LAKE_BENCH_DIR ?? join(tmpdir(), `lake-bench-${process.pid}`);
let counter = 0;

/** A new, empty folder under the run's scratch root. */
export async function scratch(name: string): Promise<string> {
  const dir = join(root, `${String(counter++).padStart(3, '0')}-${name}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * A copy of `from` in a new scratch folder, flushed to disk before it is returned: a timed write
 * right after the copy would otherwise share the disk with the kernel writing back hundreds of MB
 * of the copy, and the writes it makes would be throttled for it (both engines' copies alike).
 */
export async function copyDir(from: string, name: string): Promise<string> {
  const to = await scratch(name);
  await cp(from, to, { recursive: true });
  for (const f of await filesUnder(to)) {
    const handle = await open(f.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return to;
}

function missing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Every file under `dir` with its size. A write's leftovers (its heartbeat, its fence) are
 * removed just after it returns, and the store removes folders a delete leaves empty: what
 * vanishes during the walk is not counted.
 */
async function filesUnder(dir: string): Promise<{ path: string; size: number }[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (missing(error)) return [];
    throw error;
  }
  const out: { path: string; size: number }[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else if (e.isFile()) {
      try {
        out.push({ path, size: (await stat(path)).size });
      } catch (error) {
        if (!missing(error)) throw error;
      }
    }
  }
  return out;
}

export async function dirBytes(dir: string): Promise<number> {
  return (await filesUnder(dir)).reduce((n, f) => n + f.size, 0);
}

/** Every file under a folder whose name ends with `suffix`. */
export async function filesEndingWith(dir: string, suffix: string): Promise<string[]> {
  return (await filesUnder(dir))
    .map((f) => f.path)
    .filter((p) => p.endsWith(suffix))
    .sort();
}

export async function removeScratch(): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
