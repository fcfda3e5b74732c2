// Meta columns are built straight into Arrow buffers: every value, null and non-ASCII key intact.

import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { attachMetaColumns } from './meta-columns.js';

describe('attachMetaColumns', () => {
  it('keeps every key, including multi-byte ones, nulls, and constant columns', () => {
    const keys = ['a', 'ключ-ü', '🙂'.repeat(40), '', 'x'.repeat(1000)];
    const data = tableFromArrays({ v: Int32Array.from([1, 2, 3, 4, 5]) }).batches[0];
    const batch = attachMetaColumns(data, {
      commitTimes: ['20240101000000000', null, '20240101000000000', '20240101000000001', null],
      seqNos: keys.map(() => '20240101000000000_0_1'),
      recordKeys: keys,
      partitionPath: 'p=1',
      fileName: 'f.parquet',
    });
    expect(batch.schema.fields.map((f) => f.name).slice(0, 5)).toEqual([
      '_hoodie_commit_time',
      '_hoodie_commit_seqno',
      '_hoodie_record_key',
      '_hoodie_partition_path',
      '_hoodie_file_name',
    ]);
    expect(batch.getChild('_hoodie_record_key')?.toArray()).toEqual(keys);
    expect(batch.getChild('_hoodie_commit_time')?.toArray()).toEqual(['20240101000000000', null, '20240101000000000', '20240101000000001', null]);
    expect(batch.getChild('_hoodie_commit_time')?.nullCount).toBe(2);
    expect(new Set(batch.getChild('_hoodie_commit_seqno')?.toArray())).toEqual(new Set(['20240101000000000_0_1']));
    expect(batch.getChild('v')?.toArray()).toEqual(Int32Array.from([1, 2, 3, 4, 5]));
  });
});
