// A merge-on-read key deleted through a log stays in its base file until compaction; inserted
// again it sits in a second base file. Writes must go to the live copy, and existence checks
// must not count the dead one.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, existingRecordRows, rowsToTable, type HudiTable } from '../src/format.js';

let n = 0;
const dt = (id: number) => `d${id % 3}`;
const rows = (xs: [number, number, string][]) => xs.map(([id, ts, v]) => ({ id, dt: dt(id), ts, v }));

async function ids(t: HudiTable): Promise<string[]> {
  const snap = await t.read().collect();
  return [...snap.getChild('id')!].map(String).sort();
}

async function deletedThenReinserted(): Promise<HudiTable> {
  const t = await createTable(new MemoryStore(`live-keys-${process.pid}-${n++}`), { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
  const first = await t.insert(rows([[10, 3, 'c'], [5, 1, 'd'], [2, 4, 'a'], [11, 4, 'd'], [0, 2, 'd']]));
  await t.delete(['12', '10']);
  const again = await t.insert(rows([[7, 2, 'd'], [13, 2, 'b'], [10, 2, 'b']]));
  // Readers in between fill the per-process caches, as a long-running service's would.
  await t.read({ asOf: first.instant }).collect();
  await t.readIncremental({ start: first.instant, end: again.instant }).collect();
  // Key 10 is now in two base files of partition d1; only the newer one is live.
  const d1 = (await t.fileSlices()).filter((s) => s.partitionPath === 'd1' && s.baseFile);
  expect(d1).toHaveLength(2);
  return t;
}

describe('keys deleted in a log and inserted again', () => {
  it('are upserted in their live file group, whatever the ordering value', async () => {
    for (const ts of [0, 9]) {
      const t = await deletedThenReinserted();
      await t.upsert(rows([[5, 1, 'c'], [10, ts, 'u']]));
      expect(await ids(t)).toEqual(['0', '10', '11', '13', '2', '5', '7']);
      const ten = (await t.read().collect()).toArray().find((r) => String(r.id) === '10');
      // The re-inserted version (ts 2) wins over a smaller ordering value, loses to a greater one.
      expect(ten?.v).toBe(ts > 2 ? 'u' : 'b');
      await t.delete(['10']);
      expect(await ids(t)).toEqual(['0', '11', '13', '2', '5', '7']);
      await t.compact();
      expect(await ids(t)).toEqual(['0', '11', '13', '2', '5', '7']);
    }
  });

  it('count as absent while deleted and present once inserted again', async () => {
    const t = await createTable(new MemoryStore(`live-keys-${process.pid}-${n++}`), { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await t.insert(rows([[10, 3, 'c'], [4, 1, 'x']]));
    await t.delete(['10']);
    const batch = rowsToTable(rows([[10, 5, 'n'], [4, 5, 'n'], [99, 5, 'n']]));
    expect([...(await existingRecordRows(t, batch))].sort()).toEqual([1]);
    await t.insert(rows([[10, 5, 'n']]));
    expect([...(await existingRecordRows(t, batch))].sort()).toEqual([0, 1]);
  });
});
