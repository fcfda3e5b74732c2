// Model test of a writer against two rollbacks that take every pending write for dead (as if its
// writer had paused past the heartbeat expiry), with fast-check choosing the order in which every
// store request of the three completes. Whatever the order: a write that was acknowledged is in
// the table, one that failed did so with ConflictError and left nothing visible, and the table
// always reads whole.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MemoryStore } from '@lake/storage';
import { ConflictError, createTable, openTable, rowsToJson } from '@lake/core';
import { gatedStore } from './support/gated-store.js';

let n = 0;

async function contents(store: MemoryStore): Promise<string[]> {
  const out: string[] = [];
  for await (const b of (await openTable(store)).read({ withMeta: false })) for (const r of rowsToJson(b)) out.push(`${String(r.id)}=${String(r.v)}`);
  return out.sort();
}

describe.each(['cow', 'mor'] as const)('%s: a writer and two rollbacks in any order', (type) => {
  it('never lose an acknowledged write nor publish a rolled-back one', async () => {
    await fc.assert(
      // Each rollback starts once the writer has made that many store requests (a write makes
      // about 30-60), so every phase of the write gets rollbacks arriving in the middle of it.
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), async (s, start1, start2) => {
        const store = new MemoryStore(`interleavings-${type}-${n++}-${Date.now()}`);
        const seed = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
        await seed.insert([{ id: 'a', dt: 'd0', ts: 1, v: 'old' }, { id: 'b', dt: 'd1', ts: 1, v: 'old' }]);
        const before = await contents(store);
        let requests = 0;
        const waiting: { at: number; go: () => void }[] = [];
        const after = (at: number) => new Promise<void>((go) => (at <= requests ? go() : waiting.push({ at, go })));
        const scheduled = (counted: boolean) =>
          gatedStore(store, (m, key) => {
            if (counted) {
              requests++;
              for (const w of waiting.filter((w) => w.at <= requests)) w.go();
            }
            return s.schedule(Promise.resolve(), `${m} ${key}`);
          });
        const [writer, r1, r2] = await s.waitFor(Promise.all([openTable(scheduled(true)), openTable(scheduled(false)), openTable(scheduled(false))]));
        requests = 0;
        const write = writer.upsert([{ id: 'a', dt: 'd0', ts: 2, v: 'new' }, { id: 'c', dt: 'd1', ts: 2, v: 'new' }]);
        // A writer done before a rollback's turn lets it start anyway.
        void write.finally(() => waiting.forEach((w) => w.go())).catch(() => undefined);
        const [written, rb1, rb2] = await s.waitFor(
          Promise.allSettled([
            write,
            after(start1).then(() => r1.rollback(undefined, { heartbeatExpiryMs: -1 })),
            after(start2).then(() => r2.rollback(undefined, { heartbeatExpiryMs: -1 })),
          ]),
        );
        expect(rb1.status, String((rb1 as PromiseRejectedResult).reason)).toBe('fulfilled');
        expect(rb2.status, String((rb2 as PromiseRejectedResult).reason)).toBe('fulfilled');
        const changed = ['a=new', 'b=old', 'c=new'];
        if (written.status === 'fulfilled') expect(await contents(store)).toEqual(changed);
        else {
          expect(written.reason).toBeInstanceOf(ConflictError);
          expect(await contents(store)).toEqual(before);
        }
        // Whatever is left pending is settled by one more rollback, and nothing acknowledged moves.
        await (await openTable(store)).rollback(undefined, { heartbeatExpiryMs: -1 });
        const settled = await (await openTable(store)).timeline();
        expect(settled.pending()).toEqual([]);
        expect(await contents(store)).toEqual(written.status === 'fulfilled' ? changed : before);
      }),
      { numRuns: Number(process.env.INTERLEAVING_RUNS ?? 8) },
    );
  }, 300_000);
});
