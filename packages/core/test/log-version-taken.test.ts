// A log version another writer took first: the writer moves on to the next version, and the marker
// it wrote for the taken one (it names the other writer's file) must not stay behind, or a rollback
// of this writer's failed write would delete the other writer's log file.

import { describe, expect, it } from 'vitest';
import { MemoryStore, type ObjectStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

const foreign = new TextEncoder().encode('another writer\'s log file');

/** `inner`, where the first log file put finds its name taken, and the commit fence cannot be told. */
function racingStore(inner: MemoryStore, taken: string[]): ObjectStore {
  const lost = () => new Error('connection reset');
  return {
    get uri() {
      return inner.uri;
    },
    get requests() {
      return inner.requests;
    },
    get: (k, r) => (k.includes('/fences/') ? Promise.reject(lost()) : inner.get(k, r)),
    head: (k) => inner.head(k),
    put: (k, d) => inner.put(k, d),
    async putIfAbsent(k, d) {
      if (k.includes('/fences/')) throw lost();
      if (taken.length === 0 && /\.log\.\d+_/.test(k)) {
        taken.push(k);
        await inner.put(k, foreign);
      }
      return inner.putIfAbsent(k, d);
    },
    conditionalPutEnforced: () => inner.conditionalPutEnforced(),
    list: (p) => inner.list(p),
    listDirectory: (p) => inner.listDirectory(p),
    delete: (k) => inner.delete(k),
    deleteMany: (ks) => inner.deleteMany(ks),
  };
}

describe('a log version taken by another writer', () => {
  it('leaves no marker naming the other writer\'s file, so a rollback keeps that file', async () => {
    const store = new MemoryStore(`log-version-taken-${Math.random()}`);
    const table = await createTable(store, { name: 't', type: 'mor', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' });
    await table.upsert([{ id: 'a', dt: 'd', ts: 1, v: 'x' }, { id: 'b', dt: 'd', ts: 1, v: 'x' }]);
    const taken: string[] = [];
    const writer = await openTable(racingStore(store, taken));
    // Its fence's outcome cannot be told, so it leaves everything in place, markers included.
    const failed = await writer.upsert([{ id: 'a', dt: 'd', ts: 2, v: 'y' }]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(Error);
    expect(taken).toHaveLength(1);
    const pending = (await (await openTable(store)).timeline()).pending().map((i) => i.time);
    expect(pending).toHaveLength(1);
    await (await openTable(store)).rollback(pending[0], { force: true });
    expect(new TextDecoder().decode(await store.get(taken[0]))).toBe('another writer\'s log file');
  });
});
