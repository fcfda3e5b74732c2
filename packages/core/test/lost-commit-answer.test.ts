// The store takes the completed instant and then the answer is lost (or the store fails to say):
// the writer must never delete the files of a commit that landed.

import { describe, expect, it } from 'vitest';
import { FaultyStore, MemoryStore } from '@lake/storage';

import { createTable, openTable } from '../src/index.js';

let n = 0;

describe('a lost answer to the commit', () => {
  it.each(['cow', 'mor'] as const)('%s: the write counts as committed and its files stay', async (type) => {
    const store = new FaultyStore(new MemoryStore(`lost-commit-${process.pid}-${++n}`));
    const t = await createTable(store, { recordKey: ['id'], type });
    await t.insert([{ id: 'a', v: 1 }]);
    store.rule = { failOn: (op, key) => op === 'putIfAbsent' && /\.(commit|deltacommit)$/.test(key), when: 'after' };
    const res = await t.upsert([{ id: 'a', v: 2 }, { id: 'b', v: 2 }]);
    store.rule = undefined;
    expect(res.inserted + res.updated).toBe(2);
    const rows = (await (await openTable(store.inner)).read({ withMeta: false }).collect()).toArray().map((r) => r.toJSON());
    expect(rows.sort((x, y) => String(x.id).localeCompare(String(y.id)))).toEqual([
      { id: 'a', v: 2n },
      { id: 'b', v: 2n },
    ]);
  });

  it('when the store cannot say, nothing is deleted and the write fails; the table stays readable', async () => {
    const store = new FaultyStore(new MemoryStore(`lost-commit-${process.pid}-${++n}`));
    const t = await createTable(store, { recordKey: ['id'] });
    await t.insert([{ id: 'a', v: 1 }]);
    let committing = false;
    store.rule = {
      failOn: (op, key) => {
        if (op === 'putIfAbsent' && key.endsWith('.commit')) committing = true;
        return committing && (op === 'putIfAbsent' || op === 'get');
      },
      when: 'after',
    };
    await expect(t.upsert([{ id: 'a', v: 2 }])).rejects.toThrow();
    store.rule = undefined;
    // The commit landed; its files must still be there.
    const rows = (await (await openTable(store.inner)).read({ withMeta: false }).collect()).toArray().map((r) => r.toJSON());
    expect(rows).toEqual([{ id: 'a', v: 2n }]);
  });
});
