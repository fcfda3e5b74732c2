// A write that loses a conflict to a concurrent commit runs again when asked to (Hudi's
// hoodie.write.num.retries.on.conflict.failures): two writers topping up the same small file
// group both commit, in turn. Without retries the loser gets ConflictError and commits nothing.

import { describe, expect, it } from 'vitest';

import { MemoryStore } from '@lake/storage';
import { ConflictError, InvalidWriteError, createTable, openTable, rowsToJson } from '@lake/core';
import { retryOnConflict } from '@lake/core/format';
import { gatedStore, latch } from './support/gated-store.js';

let n = 0;

async function collide(conflictRetries: number): Promise<{ loser: Promise<unknown>; store: MemoryStore }> {
  const store = new MemoryStore(`conflict-retry-${n++}-${Date.now()}`);
  const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
  await t.insert([{ id: 'k0', dt: 'd0', ts: 1, v: 'first' }]);
  const resume = latch();
  const reached = latch();
  let held = false;
  const slow = await openTable(
    gatedStore(store, async (m, key) => {
      // Held just before it records its intent to claim: the other writer cannot know of it yet.
      if (held || m !== 'put' || !key.startsWith('.hoodie/.aux/lake/instants/')) return;
      held = true;
      reached.open();
      await resume.promise;
    }),
  );
  // Both insert a new key into d0, so both top up its one small file group.
  const loser = slow.upsert([{ id: 'a', dt: 'd0', ts: 2, v: 'slow' }], { conflictRetries });
  await reached.promise;
  await (await openTable(store)).upsert([{ id: 'b', dt: 'd0', ts: 2, v: 'fast' }]);
  resume.open();
  return { loser: loser.then(() => 'committed', (e: unknown) => e), store };
}

async function ids(store: MemoryStore): Promise<string[]> {
  const out: string[] = [];
  for await (const b of (await openTable(store)).read({ withMeta: false })) for (const r of rowsToJson(b)) out.push(String(r.id));
  return out.sort();
}

describe('retries on conflict', () => {
  it('without retries the write that lost the conflict fails and commits nothing', async () => {
    const { loser, store } = await collide(0);
    expect(await loser).toBeInstanceOf(ConflictError);
    expect(await ids(store)).toEqual(['b', 'k0']);
  });

  it('with retries it runs again after the other commit, and both commits stay', async () => {
    const { loser, store } = await collide(2);
    expect(await loser).toBe('committed');
    expect(await ids(store)).toEqual(['a', 'b', 'k0']);
  });

  it('retries only ConflictError, and at most the given number of times', async () => {
    let calls = 0;
    const conflict = () => {
      calls++;
      return Promise.reject(new ConflictError('1', '2', ['p/f']));
    };
    await expect(retryOnConflict(2, conflict, () => 0)).rejects.toBeInstanceOf(ConflictError);
    expect(calls).toBe(3);
    calls = 0;
    const other = () => {
      calls++;
      return Promise.reject(new InvalidWriteError('bad'));
    };
    await expect(retryOnConflict(5, other, () => 0)).rejects.toBeInstanceOf(InvalidWriteError);
    expect(calls).toBe(1);
  });
});
