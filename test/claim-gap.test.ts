// A commit is claimed a moment before it is published. A writer that starts in between finds the
// claim older than its starting point and the commit missing from its snapshot; only the other
// write's intent, read when the writer starts, tells it what that commit changes. Whether the
// other write is alive or dead looks the same, so the writer settles it through the other's
// commit fence: not yet fenced, it is stood back for good; fenced, it commits and the writer
// conflicts (and publishes that commit from its fence, so a retry sees it).

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { ConflictError, createTable, openTable, rowsToJson } from '@lake/core';

import { holdAt } from './support/gated-store.js';
import { heldWriter } from './support/held-writer.js';

async function ids(store: MemoryStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const b of (await openTable(store)).read({ withMeta: false })) for (const r of rowsToJson(b)) out.set(String(r.id), String(r.v));
  return out;
}

describe('a write claimed but not yet published when another writer starts', () => {
  it('is stood back when it has not fenced its commit yet; the other writer commits', async () => {
    // Held after its claim, before its fence.
    const { store, slowWrite, resume } = await heldWriter((m, key) => m === 'putIfAbsent' && key.includes('/fences/'));
    await (await openTable(store)).upsert([{ id: 'k0', dt: 'd', ts: 3, v: 'fast' }]);
    resume();
    expect(await slowWrite).toBeInstanceOf(ConflictError);
    expect(await ids(store)).toEqual(new Map([['k0', 'fast']]));
  });

  it('commits when it fenced its commit; the other writer conflicts, and its retry sees it', async () => {
    // Held after its fence, before publishing.
    const { store, slowWrite, resume } = await heldWriter((m, key) => m === 'putIfAbsent' && key.endsWith('.commit'));
    const fast = await openTable(store);
    await expect(fast.upsert([{ id: 'k0', dt: 'd', ts: 3, v: 'fast' }])).rejects.toBeInstanceOf(ConflictError);
    // Published from its fence already: the retry updates the slow write's row.
    expect(await ids(store)).toEqual(new Map([['k0', 'slow']]));
    await fast.upsert([{ id: 'k0', dt: 'd', ts: 3, v: 'fast' }]);
    resume();
    expect(await slowWrite).toBe('committed');
    expect(await ids(store)).toEqual(new Map([['k0', 'fast']]));
  });

  it('conflicts when it published (and lifted its fence) after the writer read its intent', async () => {
    // Both insert one new key into a partition without file groups, so neither changes a file
    // group the other changed: only the intent tells the later writer of the earlier one.
    const store = new MemoryStore(`claim-gap-${Math.random()}`);
    await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    // The slow writer is held after its fence, before publishing.
    const slow = holdAt(store, (m, key) => m === 'putIfAbsent' && key.endsWith('.commit'));
    const slowWrite = (await openTable(slow.gated)).upsert([{ id: 'k9', dt: 'e', ts: 2, v: 'slow' }]).then(() => 'committed', (e: unknown) => e);
    await slow.reached;
    // The fast writer starts now (the slow one's claim is older, its commit not yet there) and is
    // held while it writes its file; meanwhile the slow one publishes and lifts its fence.
    const fast = holdAt(store, (m, key) => m === 'put' && key.endsWith('.parquet'));
    const fastWrite = (await openTable(fast.gated)).upsert([{ id: 'k9', dt: 'e', ts: 3, v: 'fast' }]).then(() => 'committed', (e: unknown) => e);
    await fast.reached;
    slow.resume();
    expect(await slowWrite).toBe('committed');
    fast.resume();
    expect(await fastWrite).toBeInstanceOf(ConflictError);
    expect(await ids(store)).toEqual(new Map([['k9', 'slow']]));
  });

  it('conflicts when it published and a rollback, about to back off, holds its fence meanwhile', async () => {
    const store = new MemoryStore(`claim-gap-${Math.random()}`);
    await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    const slow = holdAt(store, (m, key) => m === 'putIfAbsent' && key.endsWith('.commit'));
    const slowWrite = (await openTable(slow.gated)).upsert([{ id: 'k9', dt: 'e', ts: 2, v: 'slow' }]).then(() => 'committed', (e: unknown) => e);
    const slowInstant = await slow.reached;
    const fast = holdAt(store, (m, key) => m === 'put' && key.endsWith('.parquet'));
    const fastWrite = (await openTable(fast.gated)).upsert([{ id: 'k9', dt: 'e', ts: 3, v: 'fast' }]).then(() => 'committed', (e: unknown) => e);
    await fast.reached;
    slow.resume();
    expect(await slowWrite).toBe('committed');
    // A rollback that listed the slow write as pending took its fence once it was lifted; it
    // backs off when it finds the commit, but holds the fence while the fast writer commits.
    const fence = `.hoodie/.aux/lake/fences/${slowInstant}`;
    await store.put(fence, new TextEncoder().encode(JSON.stringify({ outcome: 'rollback', by: 'a rollback' })));
    fast.resume();
    expect(await fastWrite).toBeInstanceOf(ConflictError);
    await store.delete(fence);
    expect(await ids(store)).toEqual(new Map([['k9', 'slow']]));
  });
});

