// Copy-on-write reads of hand-made tables: partition columns dropped from files come back from
// folder names, and files of archived (older than the active timeline) commits stay visible.

import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryStore } from '@lake/storage';
import { writeParquet } from '@lake/parquet';
import { describe, expect, it } from 'vitest';

import { openTable } from '../table/table.js';

const enc = new TextEncoder();
let n = 0;

function file(ids: number[]): Uint8Array {
  return writeParquet(
    new Table({
      _hoodie_commit_time: vectorFromArray(ids.map(() => '20250101000000001'), new Utf8()),
      _hoodie_record_key: vectorFromArray(ids.map(String), new Utf8()),
      id: vectorFromArray(ids, new Int32()),
    }),
    { compression: 'none' },
  );
}

describe('copy-on-write, hand-made', () => {
  it('restores dropped partition columns and keeps archived commits visible', async () => {
    const store = new MemoryStore(`cow-${process.pid}-${++n}`);
    const schema = { type: 'record', name: 'r', fields: [{ name: 'id', type: ['null', 'int'] }, { name: 'day', type: ['null', 'int'] }, { name: 'region', type: ['null', 'string'] }] };
    await store.put(
      '.hoodie/hoodie.properties',
      enc.encode(
        [
          'hoodie.table.name=t',
          'hoodie.table.version=6',
          'hoodie.table.recordkey.fields=id',
          'hoodie.table.partition.fields=day,region',
          'hoodie.datasource.write.hive_style_partitioning=true',
          'hoodie.datasource.write.drop.partition.columns=true',
          `hoodie.table.create.schema=${JSON.stringify(schema).replace(/:/g, '\\:')}`,
        ].join('\n'),
      ),
    );
    // Commit 1 was archived: only commit 5 is on the active timeline.
    await store.put('.hoodie/20250101000000005.commit', enc.encode('{}'));
    await store.put('day=7/region=eu/.hoodie_partition_metadata', new Uint8Array());
    await store.put('day=7/region=eu/g1-0_0-1-1_20250101000000001.parquet', file([1, 2]));
    await store.put('day=8/region=us/g2-0_0-1-1_20250101000000005.parquet', file([3]));
    // A write that failed after the timeline start never counts.
    await store.put('.hoodie/20250101000000006.commit.requested', new Uint8Array());
    await store.put('day=8/region=us/g2-0_0-1-1_20250101000000006.parquet', file([3, 4]));
    const t = await openTable(store);
    const rows = (await t.read({ withMeta: false }).collect()).toArray().map((r) => r.toJSON());
    expect(rows.map((r) => `${String(r.id)}:${String(r.day)}:${String(r.region)}`).sort()).toEqual(['1:7:eu', '2:7:eu', '3:8:us']);
    // Time travel before the archived commit's successor still shows it.
    expect((await t.read({ asOf: '20250101000000002' }).collect()).numRows).toBe(2);
  });
});
