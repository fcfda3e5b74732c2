// Insert overwrite takes the same path as every other write: dead writers' leftovers are rolled
// back first, and inline compaction is honoured (merge-on-read) or refused (copy-on-write).

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, instantFileName, rowsToJson, type HudiTable } from '../src/format.js';

let n = 0;
const newStore = () => new MemoryStore(`insert-overwrite-${process.pid}-${++n}`);

async function rows(t: HudiTable): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of t.read({ withMeta: false })) out.push(...rowsToJson(b));
  return out.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** Leaves a write behind as a writer that died would: requested and inflight, no heartbeat. */
async function deadWrite(t: HudiTable, time: string, action: 'commit' | 'deltacommit'): Promise<void> {
  const instantFile = (state: 'requested' | 'inflight') => `.hoodie/${instantFileName({ time, action, state }, 1)}`;
  await t.store.put(instantFile('requested'), new Uint8Array());
  await t.store.put(instantFile('inflight'), new TextEncoder().encode('{"partitionToWriteStats":{}}'));
  const file = `p=x/${DEAD_FILE_ID}_0-1-0_${time}.parquet`;
  await t.store.put(`.hoodie/.temp/${time}/${file}.marker.CREATE`, new Uint8Array());
  await t.store.put(file, new Uint8Array([1, 2, 3]));
}

const DEAD_FILE_ID = '0b7a0a39-6d8e-4f5c-9e44-0d0c4fd2b6a1-0';

describe('insertOverwrite', () => {
  it.each([
    ['cow', 'commit'],
    ['mor', 'deltacommit'],
  ] as const)('%s: rolls back a dead writer first, as other writes do', async (type, action) => {
    const t = await createTable(newStore(), { recordKey: ['id'], partitionBy: ['p'], type, hiveStylePartitioning: true });
    await t.insert([{ id: 'a', p: 'x', v: 1 }]);
    const dead = '20200101000000000';
    await deadWrite(t, dead, action);
    expect((await t.timeline()).pending().map((i) => i.time)).toEqual([dead]);
    await t.insertOverwrite([{ id: 'b', p: 'x', v: 2 }]);
    const timeline = await t.timeline();
    expect(timeline.pending()).toEqual([]);
    expect(timeline.completed().some((i) => i.action === 'rollback')).toBe(true);
    expect(await rows(t)).toEqual([{ id: 'b', p: 'x', v: 2 }]);
    const left: string[] = [];
    for await (const o of t.store.list('p=x/')) left.push(o.key);
    expect(left.filter((k) => k.includes(DEAD_FILE_ID))).toEqual([]);
  });

  it('merge-on-read: compacts inline when asked to', async () => {
    const t = await createTable(newStore(), { recordKey: ['id'], partitionBy: ['p'], type: 'mor' });
    await t.insert([
      { id: 'a', p: 'x', v: 1 },
      { id: 'c', p: 'y', v: 1 },
    ]);
    await t.upsert([{ id: 'a', p: 'x', v: 2 }]);
    expect((await t.fileSlices()).some((s) => s.logFiles.length > 0)).toBe(true);
    await t.insertOverwrite([{ id: 'd', p: 'y', v: 3 }], { inlineCompaction: { maxDeltaCommits: 1 } });
    const timeline = await t.timeline();
    expect(timeline.completed().filter((i) => i.action === 'commit')).toHaveLength(1);
    expect((await t.fileSlices()).every((s) => s.logFiles.length === 0)).toBe(true);
    expect(await rows(t)).toEqual([
      { id: 'a', p: 'x', v: 2 },
      { id: 'd', p: 'y', v: 3 },
    ]);
  });

  it('copy-on-write: refuses inline compaction with a typed error and writes nothing', async () => {
    const t = await createTable(newStore(), { recordKey: ['id'] });
    await t.insert([{ id: 'a', v: 1 }]);
    const before = (await t.timeline()).instants.length;
    for (const write of [
      () => t.insertOverwrite([{ id: 'b', v: 2 }], { inlineCompaction: { maxDeltaCommits: 1 } }),
      () => t.upsert([{ id: 'b', v: 2 }], { inlineCompaction: { maxDeltaCommits: 1 } }),
    ]) {
      await expect(write()).rejects.toMatchObject({ code: 'INVALID_WRITE', message: expect.stringContaining('copy-on-write') });
    }
    expect((await t.timeline()).instants.length).toBe(before);
    expect(await rows(t)).toEqual([{ id: 'a', v: 1 }]);
  });

  it('merge-on-read: refuses a maxDeltaCommits that is not a positive integer', async () => {
    const t = await createTable(newStore(), { recordKey: ['id'], type: 'mor' });
    await expect(t.upsert([{ id: 'a', v: 1 }], { inlineCompaction: { maxDeltaCommits: 0 } })).rejects.toMatchObject({ code: 'INVALID_WRITE' });
    expect(await rows(t)).toEqual([]);
  });
});
