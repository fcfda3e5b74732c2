// A source whose last commit was archived (other sources kept the table busy) resumes from the
// checkpoint the archived commit recorded, not from the start.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

import { checkpointMetadata, lastCommittedCheckpoint } from '../src/checkpoint.js';

describe('checkpoints of archived commits', () => {
  it('are found in the archived timeline', async () => {
    const store = new MemoryStore('checkpoint-archive');
    const t = await createTable(store, { recordKey: ['id'], partitionBy: [], type: 'mor' });
    await t.insert([{ id: 'a0', v: 0 }], { extraMetadata: checkpointMetadata('source-a', { key: 'a.ndjson', record: 7 }) });
    for (let i = 1; i <= 8; i++) await t.insert([{ id: `b${i}`, v: i }], { extraMetadata: checkpointMetadata('source-b', { key: 'b.ndjson', record: i }) });
    await t.archive({ maxCommits: 6, minCommits: 4, cleanerCommitsRetained: 2 });
    const reopened = await openTable(store);
    expect((await reopened.timeline()).completedWrites()).toHaveLength(4);
    expect((await lastCommittedCheckpoint(reopened, 'source-a'))?.checkpoint).toEqual({ key: 'a.ndjson', record: 7 });
    expect((await lastCommittedCheckpoint(reopened, 'source-b'))?.checkpoint).toEqual({ key: 'b.ndjson', record: 8 });
    expect(await lastCommittedCheckpoint(reopened, 'source-c')).toBeUndefined();
  });
});
