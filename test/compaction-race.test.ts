// A compaction racing writers: a log file it listed (a pending write's, which then failed and was
// removed) is gone when it reads it. That is a conflict with the other process, reported as
// ConflictError with the compaction left pending, and the next run completes it.

import { describe, expect, it } from 'vitest';

import { MemoryStore } from '@lake/storage';
import { ConflictError, createTable, openTable, parseLogFileName, rowsToJson } from '@lake/core/format';
import { gatedStore, latch } from './support/gated-store.js';

async function logFiles(store: MemoryStore, partition: string): Promise<string[]> {
  const { objects } = await store.listDirectory(`${partition}/`);
  return objects.map((o) => o.key).filter((k) => parseLogFileName(k.slice(k.lastIndexOf('/') + 1)) !== undefined);
}

describe('compaction racing a writer', () => {
  it('fails with ConflictError, not NotFoundError, when a listed log file is removed before it is read', async () => {
    const store = new MemoryStore(`compaction-race-${Date.now()}`);
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await t.insert([{ id: 'a', dt: 'd0', ts: 1, v: 'one' }, { id: 'b', dt: 'd0', ts: 1, v: 'one' }]);
    await t.upsert([{ id: 'a', dt: 'd0', ts: 2, v: 'two' }]);
    const committedLogs = new Set(await logFiles(store, 'd0'));

    // A writer appends a log to the same slice and stops before committing.
    const never = latch();
    const reached = latch();
    const writer = await openTable(
      gatedStore(store, async (m, key) => {
        if (m === 'putIfAbsent' && key.startsWith('.hoodie/.aux/lake/claims/')) {
          reached.open();
          await never.promise;
        }
      }),
    );
    void writer.upsert([{ id: 'b', dt: 'd0', ts: 3, v: 'pending' }]).catch(() => undefined);
    await reached.promise;
    const pendingLog = (await logFiles(store, 'd0')).find((k) => !committedLogs.has(k));
    expect(pendingLog).toBeDefined();

    const scheduled = await t.scheduleCompaction();
    expect(scheduled).toBeDefined();
    // The pending write's log goes (its writer gave up, or a rollback removed it) just as the
    // compaction is about to read it.
    const compactor = await openTable(
      gatedStore(store, async (m, key) => {
        if (m === 'get' && key === pendingLog) await store.delete(key);
      }),
    );
    const error = await compactor.runCompaction(scheduled!.instant).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain(pendingLog);

    // Still pending; the next run completes it, with every committed record.
    const runs = await t.runCompaction();
    expect(runs.map((r) => r.instant)).toEqual([scheduled!.instant]);
    const rows: Record<string, unknown>[] = [];
    for await (const b of t.read({ withMeta: false })) rows.push(...rowsToJson(b));
    expect(rows.map((r) => `${String(r.id)}=${String(r.v)}`).sort()).toEqual(['a=two', 'b=one']);
    never.open();
  });
});
