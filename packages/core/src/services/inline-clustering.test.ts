import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { InvalidWriteError } from '../errors.js';
import { createTable } from '../table/create-table.js';

const batch = (n: number) => [{ id: `a${n}`, p: 'x', v: n }, { id: `b${n}`, p: 'x', v: n }];

describe('inline clustering', () => {
  it('follows hoodie.clustering.inline and hoodie.clustering.inline.max.commits', async () => {
    const t = await createTable(new MemoryStore('memory://inline-props'), {
      recordKey: ['id'],
      partitionBy: ['p'],
      properties: { 'hoodie.clustering.inline': 'true', 'hoodie.clustering.inline.max.commits': '2' },
    });
    for (let n = 0; n < 5; n++) await t.insert(batch(n));
    const actions = (await t.timeline()).completedWrites().map((i) => i.action);
    // Two writes, a clustering; two more, a clustering; one more.
    expect(actions).toEqual(['commit', 'commit', 'replacecommit', 'commit', 'commit', 'replacecommit', 'commit']);
    expect((await t.fileSlices()).length).toBe(2);
    expect((await t.read({ withMeta: false }).collect()).numRows).toBe(10);
  });

  it('lists the timeline after a write only when the write may have made clustering due', async () => {
    class Counting extends MemoryStore {
      timelineLists = 0;
      override listDirectory(prefix: string) {
        if (prefix === '.hoodie/') this.timelineLists++;
        return super.listDirectory(prefix);
      }
    }
    const lists = async (inline: boolean) => {
      const store = new Counting(`memory://inline-lists-${inline}`);
      const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'] });
      await t.insert(batch(0));
      const before = store.timelineLists;
      await t.insert(batch(1), inline ? { inlineClustering: { maxCommits: 4 } } : {});
      return store.timelineLists - before;
    };
    // Two writes of four: not due, which the timeline the write started from tells.
    expect(await lists(true)).toBe(await lists(false));
  });

  it('refuses a bad commit count before writing anything', async () => {
    const t = await createTable(new MemoryStore('memory://inline-bad'), { recordKey: ['id'], partitionBy: ['p'] });
    await expect(t.insert(batch(0), { inlineClustering: { maxCommits: 0 } })).rejects.toBeInstanceOf(InvalidWriteError);
    expect((await t.timeline()).instants).toEqual([]);
  });
});
