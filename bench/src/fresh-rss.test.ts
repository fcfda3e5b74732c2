import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { eventTable } from './data.js';
import { freshChildBundle, freshPeakRss } from './fresh-rss.js';
import { lakeLoad, lakeOpen } from './lake.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Bare module names a chunk imports statically, and the chunks it imports statically. */
async function staticImports(file: string): Promise<{ packages: string[]; chunks: string[] }> {
  const text = await readFile(file, 'utf8');
  const packages: string[] = [];
  const chunks: string[] = [];
  for (const m of text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)) {
    if (m[1].startsWith('./')) chunks.push(join(dirname(file), m[1]));
    else packages.push(m[1]);
  }
  return { packages, chunks };
}

describe('fresh-process memory of a write', () => {
  it('loads only the measured engine: no LanceDB module is imported before the lake write starts', async () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const pending = [await freshChildBundle()];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const found = await staticImports(file);
      for (const p of found.packages) packages.add(p);
      pending.push(...found.chunks);
    }
    expect(seen.size).toBeGreaterThan(1);
    expect([...packages].filter((p) => p.includes('lancedb'))).toEqual([]);
  });

  it('runs the upsert in a child process and reports its memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fresh-rss-'));
    dirs.push(dir);
    await lakeLoad(dir, eventTable(0, 2_000), { type: 'mor' });
    const result = await freshPeakRss({ engine: 'lake', op: 'upsert', dir, existing: 2_000, count: 400 });
    expect(result.baselineRssMb).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThanOrEqual(result.baselineRssMb);
    // half of the batch is new keys: the table grew by them
    const { table } = await lakeOpen(dir);
    let rows = 0;
    for await (const batch of table.read({ columns: ['impression_id'], withMeta: false })) rows += batch.numRows;
    expect(rows).toBe(2_200);
  });
});
