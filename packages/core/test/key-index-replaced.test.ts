// What the key index caches of a base file (its key column, its footer's bloom filter) is of no
// use once a write has replaced the file by a new version: lookups go by the latest slices. A
// copy-on-write upsert leaves nothing cached of the files it rewrote, and the next write still
// finds every key (in the new versions); a clustering and a compaction leave nothing cached of
// the files they replaced.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, existingRecordRows, rowsToTable } from '../src/format.js';
import { keyIndexHeldBytes, keyIndexWork } from '../src/index/key-index.js';
import { writtenBaseFile } from '../src/file-group/written-base-files.js';

/** Counts GETs of base files. */
class CountingStore extends MemoryStore {
  baseFileGets = 0;
  override get(key: string, range?: { offset: number; length?: number }): Promise<Uint8Array> {
    if (key.endsWith('.parquet')) this.baseFileGets++;
    return super.get(key, range);
  }
}

const rows = (ids: readonly number[], ts: number) => ids.map((id) => ({ id: `k${String(id).padStart(4, '0')}`, ts, v: `v${id}-${ts}` }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** Bytes of one cached key column of `rows` keys of 5 bytes: offsets and key bytes. */
const keyColumnBytes = (rows: number) => 4 * (rows + 1) + 5 * rows;

describe('key index caches and replaced base files', () => {
  it('forget the files a copy-on-write upsert rewrote', async () => {
    const t = await createTable(new MemoryStore(`key-index-replaced-${process.pid}`), { recordKey: ['id'], orderingField: 'ts', type: 'cow' });
    const noTopUp = { sizing: { smallFileLimitBytes: 0 } };
    // three file groups with disjoint key ranges
    for (const batch of [range(0, 100), range(100, 200), range(200, 300)]) await t.insert(rows(batch, 1), noTopUp);
    const groups = (await t.fileSlices()).map((s) => s.baseFile!.path);
    expect(groups).toHaveLength(3);
    const before = keyIndexHeldBytes().keyColumns;
    const scanned = keyIndexWork.keyColumnsScanned;
    // updates in the first two groups: their key columns are read, then both groups rewritten
    await t.upsert(rows([...range(10, 20), ...range(110, 120)], 2), noTopUp);
    expect(keyIndexWork.keyColumnsScanned - scanned).toBeGreaterThanOrEqual(2);
    const after = (await t.fileSlices()).map((s) => s.baseFile!.path);
    expect(after.filter((p) => !groups.includes(p))).toHaveLength(2);
    // at most the third group's column (read only if its bloom filter let a key through) stays
    expect(keyIndexHeldBytes().keyColumns - before).toBeLessThanOrEqual(keyColumnBytes(100));

    // the next upsert reads the new versions' key columns and updates in place
    await t.upsert(rows([...range(15, 25), ...range(115, 125)], 3), noTopUp);
    const v = [...(await t.read({ columns: ['v'], withMeta: false }).collect()).getChild('v')!].map(String);
    expect(v).toHaveLength(300);
    expect(v.filter((x) => x.endsWith('-3'))).toHaveLength(20);
    expect(v.filter((x) => x.endsWith('-2'))).toHaveLength(10);
  });

  it('are forgotten only once merged: a writer rewrites the files it wrote from memory, not the store', async () => {
    const store = new CountingStore(`key-index-written-${process.pid}`);
    const t = await createTable(store, { recordKey: ['id'], orderingField: 'ts', type: 'cow' });
    await t.upsert(rows(range(0, 100), 1));
    const [first] = (await t.fileSlices()).map((s) => s.baseFile!.path);
    expect(writtenBaseFile(store, first)).toBeDefined();
    store.baseFileGets = 0;
    await t.upsert(rows(range(10, 20), 2));
    expect(store.baseFileGets).toBe(0);
    expect(writtenBaseFile(store, first)).toBeUndefined();
    const v = [...(await t.read({ columns: ['v'], withMeta: false }).collect()).getChild('v')!].map(String);
    expect(v.filter((x) => x.endsWith('-2'))).toHaveLength(10);
  });

  it('forget the files a clustering stitched together and a compaction superseded', async () => {
    for (const type of ['cow', 'mor'] as const) {
      const t = await createTable(new MemoryStore(`key-index-services-${type}-${process.pid}`), { recordKey: ['id'], orderingField: 'ts', type });
      const noTopUp = { sizing: { smallFileLimitBytes: 0 } };
      for (const batch of [range(0, 100), range(100, 200), range(200, 300)]) await t.insert(rows(batch, 1), noTopUp);
      const before = keyIndexHeldBytes().keyColumns;
      const hit = rowsToTable(rows([5, 105, 205], 2));
      if (type === 'mor') {
        // A merge-on-read upsert reads the key columns and writes logs: the base files stay, and so does their cache.
        await t.upsert(hit);
        expect(keyIndexHeldBytes().keyColumns - before).toBeGreaterThanOrEqual(3 * keyColumnBytes(100));
        await t.compact();
        expect(keyIndexHeldBytes().keyColumns).toBeLessThanOrEqual(before);
      }
      // What an insert-only ingestion asks before each batch: the three files' key columns are read.
      expect([...(await existingRecordRows(t, hit))].sort()).toEqual([0, 1, 2]);
      expect(keyIndexHeldBytes().keyColumns - before).toBeGreaterThanOrEqual(3 * keyColumnBytes(100));
      const stitched = (await t.fileSlices()).map((f) => f.baseFile!.path);
      // The inserts' files are held as this process wrote them (compaction's output is not).
      if (type === 'cow') expect(stitched.every((p) => writtenBaseFile(t.store, p) !== undefined)).toBe(true);
      const run = await t.clusterSmallFiles();
      expect(run?.fileGroups).toBe(3);
      expect(keyIndexHeldBytes().keyColumns).toBeLessThanOrEqual(before);
      // Nor are the bytes this process wrote of them kept.
      expect(stitched.filter((p) => writtenBaseFile(t.store, p) !== undefined)).toEqual([]);
      const v = [...(await t.read({ columns: ['v'], withMeta: false }).collect()).getChild('v')!].map(String);
      expect(v).toHaveLength(300);
      expect(v.filter((x) => x.endsWith('-2'))).toHaveLength(type === 'mor' ? 3 : 0);
    }
  });
});
