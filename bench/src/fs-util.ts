// Scratch folders for benchmark tables and the sizes of what engines leave on disk.

import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
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

export async function copyDir(from: string, name: string): Promise<string> {
  const to = await scratch(name);
  await cp(from, to, { recursive: true });
  return to;
}

export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

/** Every file under a folder whose name ends with `suffix`. */
export async function filesEndingWith(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(suffix)) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}

export async function removeScratch(): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
