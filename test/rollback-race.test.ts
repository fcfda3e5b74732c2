// Races between a writer and the rollback of failed writes, replayed deterministically: a gated
// store holds one side at the exact request where the other must run. Whatever the interleaving,
// an acknowledged commit stays, and a writer whose instant was rolled back fails with
// ConflictError without publishing.

import { describe, expect, it } from 'vitest';

import { MemoryStore, type ObjectStore } from '@lake/storage';
import { ConflictError, createTable, openTable, rowsToJson, type HudiTable } from '@lake/core';
import { gatedStore, latch, type StoreMethod } from './support/gated-store.js';

let tables = 0;

async function seeded(type: 'cow' | 'mor'): Promise<MemoryStore> {
  const store = new MemoryStore(`rollback-race-${type}-${tables++}-${Date.now()}`);
  const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
  await t.insert(Array.from({ length: 6 }, (_, i) => ({ id: `k${i}`, dt: `d${i % 2}`, ts: 1, v: `v${i}` })));
  return store;
}

async function ids(store: ObjectStore): Promise<string[]> {
  const t = await openTable(store);
  const out: string[] = [];
  for await (const b of t.read({ withMeta: false })) for (const r of rowsToJson(b)) out.push(String(r.id));
  return out.sort();
}

/** A handle on `store` whose first request matching `when` waits for `gate` (and reports it reached it). */
async function heldAt(store: ObjectStore, when: (m: StoreMethod, key: string) => boolean, gate: Promise<void>): Promise<{ table: HudiTable; reached: Promise<void> }> {
  const reached = latch();
  let held = false;
  const table = await openTable(
    gatedStore(store, async (m, key) => {
      if (held || !when(m, key)) return;
      held = true;
      reached.open();
      await gate;
    }),
  );
  return { table, reached: reached.promise };
}

const newRows = [
  { id: 'n1', dt: 'd0', ts: 2, v: 'new' },
  { id: 'k1', dt: 'd1', ts: 2, v: 'updated' },
];
const completedCommit = /^\.hoodie\/\d{17}\.(commit|deltacommit)$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['cow', 'mor'] as const)('%s: rollback of failed writes against a live writer', (type) => {
  it('leaves alone a write that completes between its timeline read and its heartbeat check', async () => {
    const store = await seeded(type);
    const publish = latch();
    const writer = await heldAt(store, (m, key) => m === 'putIfAbsent' && completedCommit.test(key), publish.promise);
    const write = writer.table.upsert(newRows);
    await writer.reached;
    // The rollback reads the timeline (the write is pending), then looks at the heartbeat: at
    // that moment the write publishes and ends, deleting its heartbeat.
    let released = false;
    const rollbacker = await openTable(
      gatedStore(store, async (m, key) => {
        if (released || m !== 'head' || !key.startsWith('.hoodie/.heartbeat/')) return;
        released = true;
        publish.open();
        await write;
      }),
    );
    const rolledBack = await rollbacker.rollback();
    const acked = await write;
    expect(released).toBe(true);
    expect(rolledBack.map((r) => r.rolledBack)).not.toContain(acked.instant);
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'n1']);
    expect((await (await openTable(store)).timeline()).completedInstant(acked.instant)).toBeDefined();
  });

  it('makes a writer whose heartbeat expired while it paused fail with ConflictError instead of publishing', async () => {
    const store = await seeded(type);
    const resume = latch();
    // Held just before it claims its commit: all its files are written.
    const writer = await heldAt(store, (m, key) => m === 'putIfAbsent' && key.startsWith('.hoodie/.aux/lake/claims/'), resume.promise);
    const write = writer.table.upsert(newRows);
    await writer.reached;
    await sleep(5);
    const rolledBack = await (await openTable(store)).rollback(undefined, { heartbeatExpiryMs: 0 });
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0].wasCompleted).toBe(false);
    resume.open();
    const error = await write.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('WRITE_CONFLICT');
    // Nothing of it committed, and the table reads whole.
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
    const again = await (await openTable(store)).upsert(newRows);
    expect(again.inserted + again.updated).toBe(2);
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'n1']);
  });

  it('runs two rollbacks of the same dead write at once as one', async () => {
    const store = await seeded(type);
    const resume = latch();
    const writer = await heldAt(store, (m, key) => m === 'putIfAbsent' && key.startsWith('.hoodie/.aux/lake/claims/'), resume.promise);
    const write = writer.table.upsert(newRows);
    await writer.reached;
    await sleep(5);
    const [a, b] = await Promise.all([
      (await openTable(store)).rollback(undefined, { heartbeatExpiryMs: 0 }),
      (await openTable(store)).rollback(undefined, { heartbeatExpiryMs: 0 }),
    ]);
    expect(a.length + b.length).toBe(1);
    const timeline = await (await openTable(store)).timeline();
    expect(timeline.completed().filter((i) => i.action === 'rollback')).toHaveLength(1);
    expect(timeline.pending()).toHaveLength(0);
    resume.open();
    await expect(write).rejects.toBeInstanceOf(ConflictError);
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('rolls forward a write that decided to commit and died before publishing', async () => {
    const store = await seeded(type);
    const never = latch();
    const writer = await heldAt(store, (m, key) => m === 'putIfAbsent' && completedCommit.test(key), never.promise);
    const write = writer.table.upsert(newRows);
    await writer.reached;
    await sleep(5);
    const rolledBack = await (await openTable(store)).rollback(undefined, { heartbeatExpiryMs: 0 });
    expect(rolledBack).toHaveLength(0);
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'n1']);
    // The writer was only paused: its publish finds its own commit there and succeeds.
    never.open();
    const acked = await write;
    expect((await (await openTable(store)).timeline()).completedInstant(acked.instant)).toBeDefined();
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'n1']);
  });

  it('never rolls back a completed write lazily, however stale its heartbeat', async () => {
    const store = await seeded(type);
    const t = await openTable(store);
    const acked = await t.upsert(newRows);
    // A heartbeat file left behind by a writer that completed (say it failed to delete it).
    await store.put(`.hoodie/.heartbeat/${acked.instant}`, new Uint8Array([1]));
    await sleep(5);
    expect(await t.rollback(undefined, { heartbeatExpiryMs: 0 })).toHaveLength(0);
    expect(await ids(store)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'n1']);
  });
});
