// Corruption is never silent: a truncated or damaged log block of a completed write is reported by
// reads, and compaction and erasure refuse the slice (they would make the loss permanent) unless
// forced. A torn block of a write that never completed (a crashed writer) is reported as such and
// does not stop table services.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, instantFileName, rowsToJson, type FileSlice, type HudiTable } from '../src/format.js';
import { formatLogFileName } from '../src/file-group/log-file.js';
import { deleteBlock } from '../src/log/log-writer.js';

let n = 0;
const newStore = () => new MemoryStore(`corrupt-log-${process.pid}-${++n}`);

async function ids(t: HudiTable, options: { asOf?: string } = {}): Promise<{ ids: string[]; corrupt: { path: string; committed: boolean }[] }> {
  const stream = t.read({ withMeta: false, ...options });
  const out: string[] = [];
  for await (const b of stream) for (const r of rowsToJson(b)) out.push(String(r.id));
  return { ids: out.sort(), corrupt: stream.corruptLogBlocks.map((c) => ({ path: c.path, committed: c.committed })) };
}

/** A merge-on-read table holding a and b in a base file, with `a` deleted through a log file. */
async function tableWithDeleteLog(): Promise<{ t: HudiTable; log: string }> {
  const t = await createTable(newStore(), { recordKey: ['id'], type: 'mor' });
  await t.insert([
    { id: 'a', v: 1 },
    { id: 'b', v: 2 },
  ]);
  await t.delete(['a']);
  const slice = (await t.fileSlices())[0];
  expect(slice.logFiles).toHaveLength(1);
  return { t, log: slice.logFiles[0].path };
}

async function truncate(t: HudiTable, path: string, keep: number): Promise<void> {
  const bytes = await t.store.get(path);
  await t.store.put(path, bytes.slice(0, keep));
}

describe('a corrupt log block of a completed write', () => {
  it.each([
    ['truncated inside its content (header intact)', (size: number) => size - 20],
    ['truncated inside its header', () => 12],
  ])('%s: reads report it, compaction and erasure refuse it unless forced', async (_, keep) => {
    const { t, log } = await tableWithDeleteLog();
    expect((await ids(t)).ids).toEqual(['b']);
    const size = (await t.store.get(log)).length;
    await truncate(t, log, keep(size));

    // The committed delete cannot be read: the record shows again, and the read says why.
    const read = await ids(t);
    expect(read.ids).toEqual(['a', 'b']);
    expect(read.corrupt).toEqual([{ path: log, committed: true }]);

    // Compaction would make the loss permanent: refused, nothing rewritten.
    await expect(t.compact()).rejects.toMatchObject({ code: 'CORRUPT_LOG_BLOCK', files: [log] });
    expect((await t.timeline()).completed().filter((i) => i.action === 'commit')).toEqual([]);
    expect((await t.fileSlices())[0].logFiles.map((f) => f.path)).toContain(log);
    await expect(t.erase({ column: 'v', values: [2] })).rejects.toMatchObject({ code: 'CORRUPT_LOG_BLOCK' });
    expect((await ids(t)).ids).toEqual(['a', 'b']);

    // Forced, the operator accepts the loss.
    const runs = await t.compact({ force: true });
    expect(runs).toHaveLength(1);
    const after = await ids(t);
    expect(after).toEqual({ ids: ['a', 'b'], corrupt: [] });
    await t.erase({ column: 'v', values: [2], force: true });
    expect((await ids(t)).ids).toEqual(['a']);
  });

  it('a write that would rewrite the slice into a base file is refused too', async () => {
    const t = await createTable(newStore(), { recordKey: ['id'], orderingField: 'ts', type: 'mor' });
    await t.insert([
      { id: 'a', ts: 5 },
      { id: 'b', ts: 5 },
      { id: 'c', ts: 5 },
    ]);
    await t.delete(['a']);
    await t.delete(['c']);
    const logs = (await t.fileSlices())[0].logFiles.map((f) => f.path).sort();
    await truncate(t, logs[1], 12);
    expect((await ids(t)).ids).toEqual(['b', 'c']);
    // Re-inserting a deleted key with a smaller ordering value rewrites the group (see
    // log-deletes.ts), which would drop the unreadable delete of c for good.
    await expect(t.upsert([{ id: 'a', ts: 1 }])).rejects.toMatchObject({ code: 'CORRUPT_LOG_BLOCK' });
    expect((await t.fileSlices())[0].logFiles.map((f) => f.path).sort()).toEqual(logs);
  });
});

describe('a torn log block of a write that never completed', () => {
  /** What a writer that died mid-append leaves: a pending instant and a log file cut short. */
  async function crashedAppend(t: HudiTable, slice: FileSlice, keep: (block: Uint8Array) => number): Promise<string> {
    const time = '20990101000000000';
    for (const state of ['requested', 'inflight'] as const) {
      await t.store.put(`.hoodie/${instantFileName({ time, action: 'deltacommit', state }, 1)}`, new Uint8Array());
    }
    const block = deleteBlock([{ recordKey: 'b', partitionPath: '' }], '{"type":"record","name":"r","fields":[]}', time);
    const name = formatLogFileName({ fileId: slice.fileId, instantTime: slice.baseInstantTime, version: 9, writeToken: '1-2-3' });
    await t.store.put(name, block.slice(0, keep(block)));
    return name;
  }

  it.each([
    ['its header survived', (b: Uint8Array) => b.length - 10],
    ['its header is torn', () => 10],
  ])('%s: reads report it as uncommitted, compaction goes ahead', async (_, keep) => {
    const { t } = await tableWithDeleteLog();
    const slice = (await t.fileSlices())[0];
    const torn = await crashedAppend(t, slice, keep);
    const read = await ids(t);
    expect(read).toEqual({ ids: ['b'], corrupt: [{ path: torn, committed: false }] });
    expect(await t.compact({ strategy: { kind: 'num-commits', minDeltaCommits: 1 } })).toHaveLength(1);
    expect((await ids(t)).ids).toEqual(['b']);
  });
});
