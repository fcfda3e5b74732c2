// A commit is claimed a moment before it is published. A writer that starts in between finds the
// claim older than its starting point and the commit missing from its snapshot; only the claim's
// intent, read when the writer starts, tells it what that commit changes.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { ConflictError, createTable, openTable } from '@lake/core';

import { claimCommit, latestClaim } from '../src/commit/claims.js';
import { encodeNewKeys } from '../src/commit/new-key-fingerprints.js';

async function table() {
  const store = new MemoryStore(`claim-gap-${Math.random()}`);
  const t = await createTable(store, { name: 't', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' });
  await t.upsert([{ id: 1, dt: 'd', ts: 1, v: 'a' }]);
  const [slice] = await t.fileSlices();
  return { store, t, group: `d/${slice.fileId}` };
}

describe('a commit claimed but not yet published when a writer starts', () => {
  it('conflicts with the writer when it changes the same file group', async () => {
    const { store, t, group } = await table();
    // Claimed, not published: its commit is in no snapshot yet.
    await claimCommit(store, await latestClaim(store), { instant: '29990101000000000', action: 'commit', fileGroups: [group] });
    await expect(t.upsert([{ id: 1, dt: 'd', ts: 2, v: 'b' }])).rejects.toBeInstanceOf(ConflictError);
  });

  it('conflicts with the writer when it inserts the same new key', async () => {
    const { store, t } = await table();
    await claimCommit(store, await latestClaim(store), { instant: '29990101000000000', action: 'commit', fileGroups: [], newKeys: encodeNewKeys(['d'], ['7'], [0]) });
    await expect(t.upsert([{ id: 7, dt: 'd', ts: 2, v: 'b' }])).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not hold back a writer that changes something else', async () => {
    const { store, t } = await table();
    await claimCommit(store, await latestClaim(store), { instant: '29990101000000000', action: 'commit', fileGroups: ['d/other'], newKeys: encodeNewKeys(['d'], ['8'], [0]) });
    await expect(t.upsert([{ id: 1, dt: 'd', ts: 2, v: 'b' }, { id: 9, dt: 'd', ts: 2, v: 'c' }])).resolves.toMatchObject({ updated: 1, inserted: 1 });
    expect((await (await openTable(store)).read().collect()).numRows).toBe(2);
  });
});
