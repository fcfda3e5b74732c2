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

  it('refuses a bad commit count before writing anything', async () => {
    const t = await createTable(new MemoryStore('memory://inline-bad'), { recordKey: ['id'], partitionBy: ['p'] });
    await expect(t.insert(batch(0), { inlineClustering: { maxCommits: 0 } })).rejects.toBeInstanceOf(InvalidWriteError);
    expect((await t.timeline()).instants).toEqual([]);
  });
});
