// The ad-events example's pipeline at a small scale: generated Firehose-style files with duplicate
// deliveries and malformed records, ingested insert-only into the three contract tables.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@lake/storage';
import { dateOf, fileSource, ingest } from '@lake/ingest';
import { generateAdEvents } from '../examples/ad-events/generate.js';
import { AD_KINDS, createAdTables, recordKeyOf } from '../examples/ad-events/tables.js';
import { tempDir } from '../packages/ingest/test/support.js';

describe('ad-events ingestion', () => {
  it('lands every valid event once and quarantines every malformed one', async () => {
    const tmp = await tempDir('lake-ad-events-test-');
    try {
      const generated = await generateAdEvents(tmp.path, { impressions: 2500, seed: 3, hours: 6 });
      const again = await generateAdEvents(join(tmp.path, 'again'), { impressions: 2500, seed: 3, hours: 6 });
      expect(again).toEqual(generated);
      const tables = await createAdTables(join(tmp.path, 'tables'));
      for (const kind of AD_KINDS) {
        const g = generated[kind];
        const s = await ingest(tables[kind], {
          source: fileSource(await openStore(join(tmp.path, 'raw', kind))),
          mode: 'insert-only',
          derive: { dt: dateOf('ts') },
          batch: { maxRows: 700 },
        });
        expect(s).toMatchObject({ read: g.lines, written: g.unique, quarantined: g.malformed, deduplicated: g.duplicates, updated: 0 });
        const ids: string[] = [];
        for await (const b of tables[kind].read({ columns: [recordKeyOf[kind], 'dt'] })) {
          for (let i = 0; i < b.numRows; i++) ids.push(String(b.getChild(recordKeyOf[kind])!.get(i)));
        }
        expect(ids).toHaveLength(g.unique);
        expect(new Set(ids).size).toBe(g.unique);
      }
      expect(generated.impressions.duplicates).toBeGreaterThan(0);
      expect(generated.impressions.malformed).toBeGreaterThan(0);
    } finally {
      await tmp.remove();
    }
  });
});
