// Range reads on a real S3-protocol server: a two-column scan fetches the footer and those
// columns' chunks only, a fraction of each object, counted by the store's request counters.

import { describe, expect, it } from 'vitest';
import { Field, Float64, Schema, Utf8 } from 'apache-arrow';
import { createTable, rowsToTable } from '@lake/core';
import { count, scan, sum } from '@lake/query';
import { withS3rver } from './support/s3rver.js';

const s3 = withS3rver();

const schema = new Schema([
  new Field('impression_id', new Utf8(), false),
  new Field('campaign_id', new Utf8(), false),
  new Field('cost', new Float64(), false),
  new Field('payload', new Utf8(), false),
  new Field('dt', new Utf8(), false),
]);

describe('scans on S3', () => {
  it('a 2-column projection fetches a fraction of the objects with range requests', async () => {
    const store = s3.makeStore();
    const table = await createTable(store, { recordKey: ['impression_id'], partitionBy: ['dt'], schema });
    let seed = 12345;
    const noise = (): string => {
      let out = '';
      for (let k = 0; k < 8; k++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        out += seed.toString(36);
      }
      return out;
    };
    const rows = Array.from({ length: 60_000 }, (_, i) => ({
      impression_id: `imp-${i}`,
      campaign_id: `c-${i % 7}`,
      cost: (i % 50) / 100,
      // a wide, poorly compressible column the projection leaves alone
      payload: noise(),
      dt: i % 2 === 0 ? '2024-01-01' : '2024-01-02',
    }));
    await table.insert(rowsToTable(rows, schema));
    const objectBytes = (await table.fileSlices()).reduce((n, s) => n + (s.baseFile?.size ?? 0), 0);

    const before = { ...store.requests };
    const s = scan(table).select('campaign_id', 'cost');
    const out = await s.groupBy('campaign_id').agg({ n: count(), cost: sum('cost') });
    const fetched = store.requests.bytesRead - before.bytesRead;
    expect((out.getChild('n')!.toArray() as Float64Array).reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThan(objectBytes / 3);
    // every data GET was a range request: more GETs than objects, fewer bytes than the objects
    expect(store.requests.GET - before.GET).toBeGreaterThan((await table.fileSlices()).length);

    const full = scan(table).select('payload');
    let n = 0;
    for await (const b of full) n += b.numRows;
    expect(n).toBe(rows.length);
    expect(full.stats().bytesRead).toBeGreaterThan(fetched * 2);
  });
});
