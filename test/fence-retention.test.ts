// The fence a writer takes to stand another write back outlives both writes; the cleaner removes
// it once it is a day old and the write it vetoed is no longer pending. The vetoed writer never
// comes back after that: a writer whose heartbeat lapsed does not even try to fence.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { ConflictError, openTable, rowsToJson } from '@lake/core';
import { cleanTable, fenceCommit, HEARTBEAT_EXPIRY_MS, startHeartbeat } from '@lake/core/format';

import { heldWriter } from './support/held-writer.js';

const FENCES = '.hoodie/.aux/lake/fences/';
const DAY = 24 * 60 * 60_000;

async function fences(store: MemoryStore): Promise<string[]> {
  return (await store.listDirectory(FENCES)).objects.map((o) => o.key.slice(FENCES.length));
}

/** A committed write lifts its own fence on the next turn of the event loop (see commit/after-ack.ts). */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

async function rows(store: MemoryStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const b of (await openTable(store)).read({ withMeta: false })) for (const r of rowsToJson(b)) out.set(String(r.id), String(r.v));
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('fences of settled writes', () => {
  it('are removed by the cleaner once a day old and no longer pending, and not before', async () => {
    // A writer held after its claim, before its fence; another writer of the same key stands it back.
    const { store, slowWrite, resume } = await heldWriter((m, key) => m === 'putIfAbsent' && key.includes('/fences/'));
    await (await openTable(store)).upsert([{ id: 'k0', dt: 'd', ts: 3, v: 'fast' }]);
    resume();
    expect(await slowWrite).toBeInstanceOf(ConflictError);
    await nextTurn();
    // only the veto is left: the committed writes lifted theirs
    const [vetoed, ...others] = await fences(store);
    expect(vetoed).toBeDefined();
    expect(others).toEqual([]);

    const table = await openTable(store);
    // still pending (its rollback has not run yet): kept, however old
    expect((await table.timeline()).pending().map((i) => i.time)).toContain(vetoed);
    await cleanTable(table, { now: new Date(Date.now() + 2 * DAY) });
    expect(await fences(store)).toContain(vetoed);
    // a write a few minutes later (once the veto no longer keeps rollbacks away) rolls the
    // stood-back write back; its fence is now settled but fresh: kept
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3 * 60_000);
    await table.upsert([{ id: 'k1', dt: 'd', ts: 1, v: 'other' }]);
    await nextTurn();
    expect((await table.timeline()).pending()).toEqual([]);
    await cleanTable(table, {});
    expect(await fences(store)).toContain(vetoed);
    // a day later it goes; the table reads the same
    await cleanTable(table, { now: new Date(Date.now() + 2 * DAY) });
    expect(await fences(store)).toEqual([]);
    expect(await rows(store)).toEqual(
      new Map([
        ['k0', 'fast'],
        ['k1', 'other'],
      ]),
    );
  });

  it('are never needed by a writer whose heartbeat lapsed: it stands back without fencing', async () => {
    const store = new MemoryStore(`fence-lapse-${Math.random()}`);
    const instant = '20250101000000000';
    const heartbeat = await startHeartbeat(store, instant);
    const body = new TextEncoder().encode('{}');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + HEARTBEAT_EXPIRY_MS + 1_000);
    expect((await fenceCommit(store, instant, body)).outcome).toBe('lost');
    expect(await fences(store)).toEqual([]);
    vi.useRealTimers();
    await heartbeat.stop();
    // a heartbeat renewed in time fences as before
    const fresh = await startHeartbeat(store, '20250101000000001');
    expect((await fenceCommit(store, '20250101000000001', body)).outcome).toBe('won');
    await fresh.stop();
  });
});
