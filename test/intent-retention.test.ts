// How long commit records stay under `.hoodie/.aux/lake/`, raced against the writers that need
// them. An intent stays a hold after its commit published, and a writer whose start took longer
// than that hold does not trust the intents it read; an intent of a write still pending stays
// however old; a claim stays while a live writer (or table service) that started before it has
// yet to claim; what writers that are gone left is removed by rules that never remove an intent
// a writer may need.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore, type ObjectStore } from '@lake/storage';
import { ConflictError, createTable, openTable, rowsToJson } from '@lake/core';
import { intentTiming, KEPT_NEWEST_CLAIMS, LEFTOVER_INTENT_AGE_MS, pruneCommitRecords } from '@lake/core/format';

import { AgedStore } from './support/aged-store.js';
import { holdAt } from './support/gated-store.js';
import { heldWriter } from './support/held-writer.js';

const INTENTS = '.hoodie/.aux/lake/instants/';
const CLAIMS = '.hoodie/.aux/lake/claims/';
const defaultHold = intentTiming.holdMs;
afterEach(() => {
  intentTiming.holdMs = defaultHold;
});

/** Every row's value by key, and how many rows each key has. */
async function rows(store: ObjectStore): Promise<{ values: Map<string, string>; copies: Map<string, number> }> {
  const values = new Map<string, string>();
  const copies = new Map<string, number>();
  for await (const b of (await openTable(store)).read({ withMeta: false })) {
    for (const r of rowsToJson(b)) {
      values.set(String(r.id), String(r.v));
      copies.set(String(r.id), (copies.get(String(r.id)) ?? 0) + 1);
    }
  }
  return { values, copies };
}


const settled = (p: Promise<unknown>) => p.then(() => 'committed' as const, (e: unknown) => e);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two writers each inserting the new key k9 into a partition without file groups (only the
 * intent tells the later one of the earlier): the slow one is held after its fence, before it
 * publishes; the fast one starts then and is held before it lists the intents.
 */
async function newKeyRace() {
  const store = new MemoryStore(`intent-retention-${Math.random()}`);
  await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
  const slow = holdAt(store, (m, key) => m === 'putIfAbsent' && key.endsWith('.commit'));
  const slowWrite = settled((await openTable(slow.gated)).upsert([{ id: 'k9', dt: 'e', ts: 2, v: 'slow' }]));
  const slowInstant = await slow.reached;
  const fast = holdAt(store, (m, key) => m === 'listDirectory' && key === INTENTS);
  const fastWrite = settled((await openTable(fast.gated)).upsert([{ id: 'k9', dt: 'e', ts: 3, v: 'fast' }]));
  await fast.reached;
  slow.resume();
  expect(await slowWrite).toBe('committed');
  return { store, slowInstant, fastWrite, resumeFast: fast.resume };
}

describe('an intent and the hold after its publish', () => {
  it('stays after its commit published: a writer that lists intents just then still reads it', async () => {
    const { store, slowInstant, fastWrite, resumeFast } = await newKeyRace();
    // Its hold has not passed: the intent is still there, whatever the writer's after-ack work did.
    await sleep(20);
    expect((await store.head(`${INTENTS}${slowInstant}`))?.size).toBeGreaterThan(0);
    resumeFast();
    expect(await fastWrite).toBeInstanceOf(ConflictError);
    expect((await rows(store)).copies.get('k9')).toBe(1);
  });

  it('goes once the hold has passed; a writer whose start took longer fails rather than insert the key again', async () => {
    intentTiming.holdMs = 300;
    const { store, slowInstant, fastWrite, resumeFast } = await newKeyRace();
    await sleep(450);
    expect(await store.head(`${INTENTS}${slowInstant}`)).toBeUndefined();
    resumeFast();
    const outcome = await fastWrite;
    expect(outcome).toBeInstanceOf(ConflictError);
    expect(String((outcome as Error).message)).toMatch(/from listing the timeline to reading the intents/);
    const { values, copies } = await rows(store);
    expect(copies.get('k9')).toBe(1);
    expect(values.get('k9')).toBe('slow');
    // Its retry starts afresh and updates the row.
    await (await openTable(store)).upsert([{ id: 'k9', dt: 'e', ts: 3, v: 'fast' }]);
    expect((await rows(store)).values.get('k9')).toBe('fast');
  });

  it('is timed on a monotonic clock: a wall clock stepped back does not stretch the window of a slow start', async () => {
    intentTiming.holdMs = 300;
    const { store, slowInstant, fastWrite, resumeFast } = await newKeyRace();
    await sleep(450);
    expect(await store.head(`${INTENTS}${slowInstant}`)).toBeUndefined();
    // The wall clock steps an hour back (NTP, a resumed VM): measured by it, the start took no time.
    const wall = Date.now.bind(Date);
    const stepped = vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000);
    try {
      resumeFast();
      const outcome = await fastWrite;
      expect(outcome).toBeInstanceOf(ConflictError);
    } finally {
      stepped.mockRestore();
    }
    expect((await rows(store)).copies.get('k9')).toBe(1);
  });

  it('is read half a hold after the start by a write still planning, so a long plan does not fail it', async () => {
    intentTiming.holdMs = 2_000;
    const store = new MemoryStore(`intent-retention-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'first' }]);
    // Held while it lists its partition (its snapshot); it updates k0 and inserts the new key n1.
    const slow = holdAt(store, (m, key) => m === 'listDirectory' && key === 'd/');
    const slowWrite = settled((await openTable(slow.gated)).upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'slow' }, { id: 'n1', dt: 'd', ts: 2, v: 'new' }]));
    await slow.reached;
    // A write completes meanwhile: listed only after the hold, it would leave the held write unsure of its new keys.
    await (await openTable(store)).insert([{ id: 'z', dt: 'z', ts: 1, v: 'z' }]);
    await sleep(2_500);
    slow.resume();
    expect(await slowWrite).toBe('committed');
    expect((await rows(store)).values.get('n1')).toBe('new');
  });

  it('goes when the writer closes its table, not before its hold has passed; claims are pruned with it', async () => {
    intentTiming.holdMs = 1_500;
    const removedAt = new Map<string, number>();
    class Recording extends MemoryStore {
      override async delete(key: string): Promise<void> {
        removedAt.set(key, intentTiming.now());
        return super.delete(key);
      }
      override async deleteMany(keys: string[]): Promise<void> {
        for (const k of keys) removedAt.set(k, intentTiming.now());
        return super.deleteMany(keys);
      }
    }
    const store = new Recording(`intent-retention-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    // Upserts into one file group: writes that record an intent.
    for (let i = 0; i < KEPT_NEWEST_CLAIMS + 3; i++) await table.upsert([{ id: `k${i}`, dt: 'd', ts: 1, v: 'v' }]);
    const started = intentTiming.now();
    await table.upsert([{ id: 'last', dt: 'd', ts: 1, v: 'v' }]);
    const intents = (await store.listDirectory(INTENTS)).objects.map((o) => o.key);
    expect(intents.length).toBeGreaterThan(0);
    await table.close();
    expect((await store.listDirectory(INTENTS)).objects).toEqual([]);
    expect((await store.listDirectory(CLAIMS)).objects.length).toBe(KEPT_NEWEST_CLAIMS);
    // The last commit's intent went no sooner than the hold after its write began.
    const last = intents.sort().at(-1) ?? '';
    expect((removedAt.get(last) ?? 0) - started).toBeGreaterThanOrEqual(intentTiming.holdMs);
    // The table stays usable, and a close with nothing to settle returns at once.
    await table.upsert([{ id: 'last', dt: 'd', ts: 2, v: 'w' }]);
    expect((await rows(store)).values.get('last')).toBe('w');
    await (await openTable(store)).close();
  });

  it('of a write still pending stays however old: a writer starting after its claim stands that write back', async () => {
    const store = new AgedStore(`intent-retention-${Math.random()}`);
    // Every intent looks older than the age after which leftovers are removed.
    store.ages.push({ matches: (key) => key.startsWith(INTENTS), ms: LEFTOVER_INTENT_AGE_MS + 60_000 });
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'first' }]);
    // Held after its claim, before its fence.
    const slow = holdAt(store, (m, key) => m === 'putIfAbsent' && key.includes('/fences/'));
    const slowWrite = settled((await openTable(slow.gated)).upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'slow' }]));
    await slow.reached;
    // Many commits meanwhile, each followed by pruning.
    const other = await openTable(store);
    for (let i = 0; i < 50; i++) await other.insert([{ id: `z${i}`, dt: 'z', ts: 1, v: 'z' }]);
    await (await openTable(store)).upsert([{ id: 'k0', dt: 'd', ts: 3, v: 'fast' }]);
    slow.resume();
    expect(await slowWrite).toBeInstanceOf(ConflictError);
    expect((await rows(store)).values.get('k0')).toBe('fast');
  }, 60_000);
});

describe('claims while a writer that started before them has yet to claim', () => {
  for (const [when, point] of [
    ['with its intent recorded', (m: string, key: string) => m === 'put' && key.endsWith('.parquet')],
    ['before its intent (planning)', (m: string, key: string) => m === 'put' && key.startsWith('.hoodie/.temp/')],
  ] as const) {
    it(`stay for a write held ${when} while others commit and prune`, async () => {
      const { store, slowWrite, resume } = await heldWriter(point);
      const other = await openTable(store);
      for (let i = 0; i < 3 * KEPT_NEWEST_CLAIMS; i++) await other.insert([{ id: `z${i}`, dt: 'z', ts: 1, v: 'z' }]);
      await pruneCommitRecords({ store, config: other.config });
      resume();
      expect(await slowWrite).toBe('committed');
      expect((await rows(store)).values.get('k0')).toBe('slow');
      // At rest, the newest few are left.
      await other.insert([{ id: 'last', dt: 'z', ts: 1, v: 'z' }]);
      // Once that write removed its instant key and heartbeat (after its acknowledgement).
      await sleep(50);
      await pruneCommitRecords({ store, config: other.config });
      expect((await store.listDirectory(CLAIMS)).objects).toHaveLength(KEPT_NEWEST_CLAIMS);
    }, 60_000);
  }

  it('stay for a compaction held while it writes its file, as writes commit and prune', async () => {
    const store = new MemoryStore(`intent-retention-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'base' }]);
    await table.upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'log' }]);
    const held = holdAt(store, (m, key) => m === 'put' && key.endsWith('.parquet'));
    const compaction = (await openTable(held.gated)).compact({ strategy: { kind: 'num-commits', minDeltaCommits: 1 } });
    await held.reached;
    const other = await openTable(store);
    for (let i = 0; i < 3 * KEPT_NEWEST_CLAIMS; i++) await other.insert([{ id: `z${i}`, dt: 'z', ts: 1, v: 'z' }]);
    held.resume();
    expect(await compaction).toHaveLength(1);
    expect((await rows(store)).values.get('k0')).toBe('log');
  }, 60_000);
});

describe('an instant key a table service shares with a writer', () => {
  it('is left to the writer that holds it: a compaction of the same millisecond neither replaces nor removes its intent', async () => {
    const store = new MemoryStore(`intent-retention-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'base' }]);
    await table.upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'log' }]);
    const scheduled = await table.scheduleCompaction({ strategy: { kind: 'num-commits', minDeltaCommits: 1 } });
    // A writer in another process picked the same millisecond and recorded its intent there.
    const key = `${INTENTS}${scheduled!.instant}`;
    const intent = new TextEncoder().encode(JSON.stringify({ instant: scheduled!.instant, action: 'deltacommit', fileGroups: ['e/x'], start: 0 }));
    await store.put(key, intent);
    expect(await table.runCompaction(scheduled!.instant)).toHaveLength(1);
    expect(new TextDecoder().decode(await store.get(key))).toBe(new TextDecoder().decode(intent));
  });
});

describe('what writers that are gone left', () => {
  it('is removed only when no writer can need it', async () => {
    const store = new AgedStore(`intent-retention-${Math.random()}`);
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    await table.insert([{ id: 'a', dt: 'd', ts: 1, v: 'a' }]);
    await table.insert([{ id: 'b', dt: 'd', ts: 1, v: 'b' }]);
    const [oldDone, freshDone] = (await table.timeline()).completed().map((i) => i.time);
    const later = (n: number) => String(BigInt(freshDone) + BigInt(n));
    const pending = later(1000);
    const rolledBack = later(2000);
    const young = later(3000);
    const abandoned = later(4000);
    const beating = later(5000);
    await store.put(`.hoodie/${pending}.commit.requested`, new Uint8Array());
    const intent = (instant: string) => new TextEncoder().encode(JSON.stringify({ instant, action: 'commit', fileGroups: ['d/x'], start: 0 }));
    for (const i of [oldDone, freshDone, pending, rolledBack, young]) await store.put(`${INTENTS}${i}`, intent(i));
    await store.put(`${INTENTS}${abandoned}`, new Uint8Array());
    await store.put(`${INTENTS}${beating}`, new Uint8Array());
    await store.put(`.hoodie/.heartbeat/${beating}`, new Uint8Array());
    const aged = new Set([oldDone, freshDone, pending, rolledBack, abandoned, beating].map((i) => `${INTENTS}${i}`));
    const old = LEFTOVER_INTENT_AGE_MS + 60_000;
    store.ages.push({ matches: (key) => aged.has(key) || key === `.hoodie/${oldDone}.commit`, ms: old });
    await pruneCommitRecords({ store, config: table.config });
    const left = (await store.listDirectory(INTENTS)).objects.map((o) => o.key.slice(INTENTS.length)).sort();
    // Removed: a completed commit's intent once its completed file is that old; a rolled-back
    // write's; an empty key of a writer gone. Kept: a commit completed lately, a pending write's,
    // a young intent, and a live writer's key.
    expect(left).toEqual([freshDone, pending, young, beating].sort());
  });
});
