// An incremental scan starting before the active timeline sees the rows of archived commits:
// their file groups come from the archived commit metadata.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

import { scan } from '../src/index.js';

describe('incremental scans over archived commits', () => {
  it('returns the rows archived commits wrote', async () => {
    const store = new MemoryStore('incremental-archive');
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], orderingField: 'ts', type: 'mor' });
    const instants: string[] = [];
    for (let c = 0; c < 3; c++) instants.push((await t.insert([{ id: `old${c}`, p: 'old', ts: c }])).instant);
    for (let c = 3; c < 9; c++) instants.push((await t.upsert([{ id: `k${c % 2}`, p: 'new', ts: c }])).instant);
    const ids = async () => (await scan(await openTable(store)).incremental(instants[0]).select('id').toArrow()).toArray().map((r) => String(r.id)).sort();
    const before = await ids();
    expect(before).toEqual(['k0', 'k1', 'old1', 'old2']);
    await t.archive({ maxCommits: 6, minCommits: 4, cleanerCommitsRetained: 2 });
    expect((await t.timeline()).completedWrites()[0].time > instants[2]).toBe(true);
    expect(await ids()).toEqual(before);
  });
});
