// Spark-written tables whose hoodie.properties lists metadata-table partitions (Spark with Hudi
// 0.14+ by default): lake reads them, and refuses to write them, since it would leave the
// metadata table out of date. Also: Spark's own checksum line is accepted as lake checks it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { MetadataTableEnabledError, checkTableChecksum, openTable, parseProperties } from '@lake/core/format';
import { cleanupFixtures, fixture, fixtures, memoryCopy } from './support/fixtures.js';

afterAll(() => cleanupFixtures());

const enc = new TextEncoder();
const dec = new TextDecoder();
const COW6 = 'sample_table/cow/v6_simplekeygen_nonhivestyle';

describe('Spark-written tables', () => {
  it('every fixture carries a checksum lake accepts', () => {
    for (const f of fixtures()) {
      const props = parseProperties(readFileSync(join(f.root, '.hoodie', 'hoodie.properties'), 'utf8'));
      expect(checkTableChecksum(props), f.id).toBe('valid');
    }
  });

  it('a table with metadata-table partitions is read, but a write is refused and writes nothing', async () => {
    const store = await memoryCopy(fixture(COW6).root, (files) => {
      const text = dec.decode(files.get('.hoodie/hoodie.properties'));
      files.set('.hoodie/hoodie.properties', enc.encode(text.replace('hoodie.table.checksum=', 'hoodie.table.metadata.partitions=column_stats,files\nhoodie.table.checksum=')));
    });
    const t = await openTable(store);
    expect(t.config.metadataPartitions).toEqual(['column_stats', 'files']);
    const rows = (await t.read({ withMeta: false }).collect()).numRows;
    expect(rows).toBeGreaterThan(0);
    const before: string[] = [];
    for await (const o of store.list('')) before.push(o.key);
    const err = await t.delete(['nonexistent-key']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataTableEnabledError);
    const after: string[] = [];
    for await (const o of store.list('')) after.push(o.key);
    expect(after.sort()).toEqual(before.sort());
    expect((await (await openTable(store)).read({ withMeta: false }).collect()).numRows).toBe(rows);
  });
});
