// Insert-only micro-batch ingestion writes each byte once: every batch opens new file groups
// instead of rewriting the partition's small file, so the data bytes written stay within 1.5x of
// the table's final data bytes (counted through a store wrapper); clustering then merges the small
// files into target-size ones, inline every N commits, with every row intact.

import { describe, expect, it } from 'vitest';
import { createTable, rowsToJson, type HudiTable } from '@lake/core';
import { fileSource, ingest } from '@lake/ingest';
import { FaultyStore, MemoryStore } from '@lake/storage';

/** Counts the bytes put under data paths (everything outside `.hoodie/`). */
class CountingStore extends FaultyStore {
  dataBytesWritten = 0;
  override async put(key: string, data: Uint8Array): Promise<void> {
    if (!key.startsWith('.hoodie')) this.dataBytesWritten += data.length;
    return super.put(key, data);
  }
  override async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    const done = await super.putIfAbsent(key, data);
    if (done && !key.startsWith('.hoodie')) this.dataBytesWritten += data.length;
    return done;
  }
}

const BATCHES = 12;
const PER_BATCH = 200;

async function sourceFiles(): Promise<MemoryStore> {
  const src = new MemoryStore('memory://src');
  let n = 0;
  for (let f = 0; f < BATCHES; f++) {
    const lines: string[] = [];
    for (let i = 0; i < PER_BATCH; i++, n++) {
      lines.push(JSON.stringify({ id: `e-${String(n).padStart(6, '0')}`, user: `u${n % 37}`, ts: 1764460800000 + n * 1000, cost: (n % 97) / 100, dt: n < (BATCHES * PER_BATCH) / 2 ? '2026-11-29' : '2026-11-30' }));
    }
    await src.put(`part-${String(f).padStart(4, '0')}.ndjson`, new TextEncoder().encode(lines.join('\n') + '\n'));
  }
  return src;
}

async function liveDataBytes(table: HudiTable): Promise<{ bytes: number; files: number }> {
  const slices = await table.fileSlices();
  let bytes = 0;
  let files = 0;
  for (const s of slices) {
    for (const f of [...(s.baseFile ? [s.baseFile] : []), ...s.logFiles]) {
      bytes += (await table.store.head(f.path))!.size;
      files++;
    }
  }
  return { bytes, files };
}

async function ids(table: HudiTable): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of table.read({ columns: ['id'], withMeta: false })) for (const row of rowsToJson(batch)) out.push(String(row.id));
  return out.sort();
}

const expectedIds = Array.from({ length: BATCHES * PER_BATCH }, (_, n) => `e-${String(n).padStart(6, '0')}`);

describe('insert-only ingestion', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`${type}: writes each data byte once across ${BATCHES} batches; clustering merges the files later`, async () => {
      const store = new CountingStore(new MemoryStore(`memory://amp-${type}`));
      const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
      await ingest(table, { source: fileSource(await sourceFiles(), { listIntervalMs: 0 }), mode: 'insert-only', batch: { maxRows: PER_BATCH } });

      const after = await liveDataBytes(table);
      expect(await ids(table)).toEqual(expectedIds);
      // One new base file per partition per batch, none rewritten.
      expect(after.files).toBe(BATCHES);
      expect(store.dataBytesWritten).toBeLessThanOrEqual(1.5 * after.bytes);

      const run = await table.clusterSmallFiles({ targetFileSizeBytes: 64 * 1024 * 1024 });
      expect(run?.fileGroups).toBe(BATCHES);
      const clustered = await liveDataBytes(table);
      expect(clustered.files).toBe(2);
      expect(await ids(table)).toEqual(expectedIds);
    });
  }

  it('clusters inline every N commits, so the files converge while batches keep coming', async () => {
    const store = new CountingStore(new MemoryStore('memory://amp-inline'));
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    const filesAfter: number[] = [];
    await ingest(table, {
      source: fileSource(await sourceFiles(), { listIntervalMs: 0 }),
      mode: 'insert-only',
      batch: { maxRows: PER_BATCH },
      writeOptions: { inlineClustering: { maxCommits: 4 } },
      onBatch: async () => {
        filesAfter.push((await liveDataBytes(table)).files);
      },
    });
    // Batches 4, 8 and 12 end with a clustering: each partition with two small files or more gets one.
    expect(filesAfter).toEqual([1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 2]);
    const timeline = await table.timeline();
    const clusterings = timeline.completedWrites().filter((i) => i.action === 'replacecommit');
    expect(clusterings).toHaveLength(3);
    expect(await ids(table)).toEqual(expectedIds);
  });
});
