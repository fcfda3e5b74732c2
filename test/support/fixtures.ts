// Spark-written Hudi fixture tables for tests: unzips every zip under the shared fixtures folder
// into a temporary folder once per test process, and copies a table into a MemoryStore when a
// test wants to alter files without touching disk.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

import { MemoryStore } from '@lake/storage';
import { SUPPORTED_TABLE_VERSIONS } from '@lake/core/format';

// fflate is a dependency of @lake/core, not of the repository root: resolve it from there.
const requireFromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { unzipSync } = requireFromCore('fflate') as { unzipSync(data: Uint8Array): Record<string, Uint8Array> };

// Shipped with the repository (see test/fixtures/hudi/NOTICE); LAKE_HUDI_FIXTURES points elsewhere.
export const FIXTURES_DIR = process.env.LAKE_HUDI_FIXTURES ?? fileURLToPath(new URL('../fixtures/hudi', import.meta.url));

export interface Fixture {
  /** e.g. `sample_table/cow/v6_nonpartitioned`. */
  id: string;
  /** e.g. `sample_table/cow`. */
  group: string;
  /** The zip's base name, e.g. `v6_nonpartitioned`. */
  name: string;
  /** Folder holding `.hoodie/` after unzipping. */
  root: string;
  /** `hoodie.table.version` of the table. */
  version: number;
}

let cache: { dir: string; list: Fixture[] } | undefined;

function zipsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...zipsUnder(p));
    else if (entry.endsWith('.zip')) out.push(p);
  }
  return out.sort();
}

function findTableRoot(dir: string): string | undefined {
  const entries = readdirSync(dir);
  if (entries.includes('.hoodie') && statSync(join(dir, '.hoodie', 'hoodie.properties'), { throwIfNoEntry: false })) return dir;
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory() && e !== '__MACOSX') {
      const found = findTableRoot(p);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Every fixture table lake reads (its table version is one lake supports), unzipped (once per
 * process) into a temporary folder. `allFixtures()` adds the others.
 */
export function fixtures(): Fixture[] {
  return allFixtures().filter((f) => (SUPPORTED_TABLE_VERSIONS as readonly number[]).includes(f.version));
}

/** Every fixture table, whatever its table version. */
export function allFixtures(): Fixture[] {
  if (cache) return cache.list;
  const dir = mkdtempSync(join(tmpdir(), 'lake-hudi-fixtures-'));
  const list: Fixture[] = [];
  for (const zip of zipsUnder(FIXTURES_DIR)) {
    const rel = relative(FIXTURES_DIR, zip).split(sep).join('/');
    const id = rel.slice(0, -'.zip'.length);
    const group = id.slice(0, id.lastIndexOf('/'));
    const name = id.slice(id.lastIndexOf('/') + 1);
    const target = join(dir, id);
    const files = unzipSync(new Uint8Array(readFileSync(zip)));
    for (const [path, bytes] of Object.entries(files)) {
      if (path.startsWith('__MACOSX/') || path.endsWith('/')) continue;
      const out = join(target, path);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, bytes);
    }
    const root = findTableRoot(target);
    if (!root) throw new Error(`No .hoodie/hoodie.properties in ${zip}`);
    const props = readFileSync(join(root, '.hoodie', 'hoodie.properties'), 'utf8');
    const version = Number(/^hoodie\.table\.version=(\d+)/m.exec(props)?.[1] ?? NaN);
    list.push({ id, group, name, root, version });
  }
  cache = { dir, list };
  return list;
}

export function fixture(id: string): Fixture {
  const f = fixtures().find((x) => x.id === id);
  if (!f) throw new Error(`No fixture ${id}; have ${fixtures().map((x) => x.id).join(', ')}`);
  return f;
}

/** Every file under a folder, as store keys ('/'-separated, relative) and bytes. */
export function readTree(root: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p).split(sep).join('/'), new Uint8Array(readFileSync(p)));
    }
  };
  walk(root);
  return out;
}

let storeCounter = 0;

/** A fresh MemoryStore holding a copy of the table (optionally altered by `edit`). */
export async function memoryCopy(root: string, edit?: (files: Map<string, Uint8Array>) => void): Promise<MemoryStore> {
  const files = readTree(root);
  edit?.(files);
  const store = new MemoryStore(`fixture-${process.pid}-${++storeCounter}`);
  for (const [key, bytes] of files) await store.put(key, bytes);
  return store;
}

/** Removes the unzipped copies. */
export function cleanupFixtures(): void {
  if (cache) rmSync(cache.dir, { recursive: true, force: true });
  cache = undefined;
}

/** Data files under a table folder (`.hoodie/` skipped) whose names `accept` takes, sorted. */
export function dataFilesUnder(root: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) {
        if (e !== '.hoodie') walk(p);
      } else if (accept(e)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}
