// Test support: Parquet base files written by Spark (parquet-mr) inside the Hudi fixture
// zips, read into memory by zip path and file name.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE_ROOT = process.env.LAKE_HUDI_FIXTURES ?? resolve(repoRoot, 'test/fixtures/hudi');

/** Parquet files of a fixture zip, by path inside the table (zip top folder and __MACOSX dropped). */
export function sparkParquetFiles(zip: string): Map<string, Uint8Array> {
  const path = join(FIXTURE_ROOT, zip);
  if (!existsSync(path)) throw new Error(`Hudi fixture ${path} not found; the repository ships them in test/fixtures/hudi (or set LAKE_HUDI_FIXTURES to a copy).`);
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(path))))) {
    if (name.startsWith('__MACOSX/') || !name.endsWith('.parquet') || name.includes('/.hoodie/')) continue;
    out.set(name.slice(name.indexOf('/') + 1), bytes);
  }
  return out;
}
