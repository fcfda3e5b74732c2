// Table services and writers that overlap in time. A write claims its commit a moment before it
// publishes; a compaction or clustering run that starts in between finds the write neither in its
// snapshot nor among the claims made after its start, and only the write's intent tells it. A
// clustering in turn is claimed a moment before it is published, and a writer starting in between
// learns of it from its intent. Either way exactly one of the two commits, and whatever a writer
// was told is committed stays visible.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { ConflictError, createTable, openTable, rowsToJson } from '@lake/core';

import { gatedStore, latch } from './support/gated-store.js';

async function values(store: MemoryStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const b of (await openTable(store)).read({ withMeta: false })) for (const r of rowsToJson(b)) out.set(String(r.id), String(r.v));
  return out;
}

/** A store over `store` whose first request matching `point` waits until `resume` is called. */
function holdAt(store: MemoryStore, point: (method: string, key: string) => boolean) {
  const resume = latch();
  const reached = latch();
  let held = false;
  const gated = gatedStore(store, async (m, key) => {
    if (held || !point(m, key)) return;
    held = true;
    reached.open();
    await resume.promise;
  });
  return { gated, reached: reached.promise, resume: () => resume.open() };
}

const settled = (p: Promise<unknown>) => p.then(() => 'committed' as const, (e: unknown) => e);

describe('table services and writers that overlap', () => {
  it('a compaction started after a write claimed stands the write back (or stays pending); no acknowledged update is lost', async () => {
    const store = new MemoryStore(`service-intents-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'base' }]);
    await table.upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'log' }]);
    // The write is held after its claim, before its fence: its log names the slice being compacted.
    const writer = holdAt(store, (m, key) => m === 'putIfAbsent' && key.includes('/fences/'));
    const write = settled((await openTable(writer.gated)).upsert([{ id: 'k0', dt: 'd', ts: 3, v: 'held' }]));
    await writer.reached;
    const compactions = settled((await openTable(store)).compact({ strategy: { kind: 'num-commits', minDeltaCommits: 1 } }));
    const compacted = await compactions;
    writer.resume();
    const written = await write;
    const now = await values(store);
    if (written === 'committed') expect(now.get('k0')).toBe('held');
    else {
      expect(written).toBeInstanceOf(ConflictError);
      expect(now.get('k0')).toBe('log');
    }
    // With the write stood back, the compaction went through.
    if (written !== 'committed') expect(compacted).toBe('committed');
  });

  it('a writer started after a clustering claimed stands the clustering back; its update stays visible', async () => {
    const store = new MemoryStore(`service-intents-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    // Two small files in one partition: a clustering stitches them together.
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'first' }], { sizing: { smallFileLimitBytes: 0 } });
    await table.insert([{ id: 'k1', dt: 'd', ts: 1, v: 'first' }], { sizing: { smallFileLimitBytes: 0 } });
    // The clustering is held after its claim, before its fence.
    const clusterer = holdAt(store, (m, key) => m === 'putIfAbsent' && key.includes('/fences/'));
    const clustering = settled((await openTable(clusterer.gated)).clusterSmallFiles());
    await clusterer.reached;
    const written = await settled((await openTable(store)).upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'updated' }]));
    clusterer.resume();
    const clustered = await clustering;
    expect(written).toBe('committed');
    expect(clustered).toBeInstanceOf(ConflictError);
    expect(await values(store)).toEqual(new Map([['k0', 'updated'], ['k1', 'first']]));
    // The next run clusters the files, with the update.
    expect(await (await openTable(store)).clusterSmallFiles()).toBeDefined();
    expect(await values(store)).toEqual(new Map([['k0', 'updated'], ['k1', 'first']]));
  });

  it('a clustering run leaves a pending clustering alone while its run still beats', async () => {
    const store = new MemoryStore(`service-intents-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'first' }], { sizing: { smallFileLimitBytes: 0 } });
    await table.insert([{ id: 'k1', dt: 'd', ts: 1, v: 'first' }], { sizing: { smallFileLimitBytes: 0 } });
    // The first run is held after its claim, before its fence, its new file written.
    const first = holdAt(store, (m, key) => m === 'putIfAbsent' && key.includes('/fences/'));
    const slow = settled((await openTable(first.gated)).clusterSmallFiles());
    await first.reached;
    // A second run starts meanwhile: it must not remove the first run's files.
    const second = await settled((await openTable(store)).clusterSmallFiles());
    first.resume();
    const outcomes = [await slow, second];
    // Both planned the same two files: one commits, the other conflicts.
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'committed')).toBeInstanceOf(ConflictError);
    expect(await values(store)).toEqual(new Map([['k0', 'first'], ['k1', 'first']]));
    expect((await (await openTable(store)).fileSlices()).length).toBe(1);
  });

  it('a second run of a compaction leaves it to the run that has it, and that run completes it', async () => {
    const store = new MemoryStore(`service-intents-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'base' }, { id: 'k1', dt: 'd', ts: 1, v: 'base' }]);
    await table.upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'log' }]);
    const scheduled = await table.scheduleCompaction({ strategy: { kind: 'num-commits', minDeltaCommits: 1 } });
    expect(scheduled).toBeDefined();
    // The first run is held as it writes its merged base file.
    const first = holdAt(store, (m, key) => m === 'put' && key.endsWith(`_${scheduled!.instant}.parquet`));
    const running = settled((await openTable(first.gated)).compact());
    await first.reached;
    expect(await (await openTable(store)).compact()).toEqual([]);
    first.resume();
    expect(await running).toBe('committed');
    expect(await values(store)).toEqual(new Map([['k0', 'log'], ['k1', 'base']]));
    const slices = await (await openTable(store)).fileSlices();
    expect(slices.every((s) => s.baseFile?.instantTime === scheduled!.instant && s.logFiles.length === 0)).toBe(true);
  });
});
