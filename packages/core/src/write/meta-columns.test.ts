// Meta columns are built straight into Arrow buffers: every value, null and non-ASCII key intact.

import fc from 'fast-check';
import { Field, Int32, makeVector, Schema, tableFromArrays, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { attachMetaColumns, carriedRows, carriedSchema, commitSeqNo, constantColumn, seqNoColumn, withFileMetaColumns, withMetaColumns } from './meta-columns.js';

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

describe('withMetaColumns', () => {
  it('gives each part the meta values of its own rows and the data schema, in order', () => {
    const data = new Schema([new Field('v', new Int32(), false), new Field('w', new Utf8(), true)]);
    // the second part's columns come in another order, as rows taken from an incoming batch may
    const a = tableFromArrays({ v: Int32Array.from([1, 2]), w: ['a', 'b'] }).batches[0];
    const b = tableFromArrays({ w: ['c', null, 'e'], v: Int32Array.from([3, 4, 5]) }).batches[0];
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const out = withMetaColumns([a, b], data, {
      commitTimes: ['t1', 't1', 't2', 't2', 't2'],
      seqNos: keys.map((k) => `s-${k}`),
      recordKeys: keys,
      partitionPath: 'p=1',
      fileName: 'f.parquet',
    });
    expect(out.map((o) => o.numRows)).toEqual([2, 3]);
    const rows = out.flatMap((o) => o.toArray().map((r) => ({ ...r })));
    expect(rows.map((r) => [r._hoodie_record_key, r._hoodie_commit_seqno, r._hoodie_commit_time, r.v, r.w])).toEqual([
      ['k1', 's-k1', 't1', 1, 'a'],
      ['k2', 's-k2', 't1', 2, 'b'],
      ['k3', 's-k3', 't2', 3, 'c'],
      ['k4', 's-k4', 't2', 4, null],
      ['k5', 's-k5', 't2', 5, 'e'],
    ]);
    expect(out[1].schema.fields.map((f) => f.name).slice(5)).toEqual(['v', 'w']);
    expect(() => withMetaColumns([a], data, { commitTimes: [], seqNos: [], recordKeys: [], partitionPath: '', fileName: 'f' })).toThrow(RangeError);
  });
});

describe('meta column values', () => {
  it('keep any strings and nulls, ASCII or not, whole or in part', () => {
    const value = fc.oneof(fc.string({ unit: 'binary' }), fc.string(), fc.constant(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.option(value, { nil: null })), { minLength: 1, maxLength: 30 }), (rows) => {
        const keys = rows.map((r) => r[0]);
        const times = rows.map((r) => r[1]);
        const data = tableFromArrays({ v: Int32Array.from(keys, (_, i) => i) }).batches[0];
        const batch = attachMetaColumns(data, { commitTimes: times, seqNos: keys, recordKeys: keys, partitionPath: 'p', fileName: 'f' });
        // Lone surrogates cannot be UTF-8: they are stored as U+FFFD, as TextEncoder writes them.
        const utf8 = (s: string | null) => (s === null ? null : new TextDecoder().decode(new TextEncoder().encode(s)));
        expect(batch.getChild('_hoodie_record_key')?.toArray()).toEqual(keys.map(utf8));
        expect(batch.getChild('_hoodie_commit_seqno')?.toArray()).toEqual(keys.map(utf8));
        expect(batch.getChild('_hoodie_commit_time')?.toArray()).toEqual(times.map(utf8));
      }),
    );
  });

  it('builds the sequence numbers commitSeqNo gives, row by row, from any first number', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{17}$/),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom(0, 1, 9, 10, 11, 99, 100, 101, 1234),
        fc.constantFrom(0, 1, 5, 9, 10, 95, 99, 100, 8192, 99_990),
        (instant, writer, count, first) => {
          const column = makeVector(seqNoColumn(instant, writer, count, first));
          expect(column.length).toBe(count);
          expect(column.toArray()).toEqual(Array.from({ length: count }, (_, n) => commitSeqNo(instant, writer, first + n)));
        },
      ),
    );
  });

  it('takes prebuilt columns of the batch length, and refuses others', () => {
    const data = tableFromArrays({ v: Int32Array.from([1, 2, 3]) }).batches[0];
    const batch = attachMetaColumns(data, { commitTimes: constantColumn('t', 3), seqNos: seqNoColumn('t', 2, 3), recordKeys: ['a', 'b', 'c'], partitionPath: '', fileName: 'f' });
    expect(batch.getChild('_hoodie_commit_time')?.toArray()).toEqual(['t', 't', 't']);
    expect(batch.getChild('_hoodie_commit_seqno')?.toArray()).toEqual(['t_2_0', 't_2_1', 't_2_2']);
    expect(makeVector(constantColumn('xyz', 5)).toArray()).toEqual(['xyz', 'xyz', 'xyz', 'xyz', 'xyz']);
    expect(makeVector(constantColumn('', 4)).toArray()).toEqual(['', '', '', '']);
    expect(() => attachMetaColumns(data, { commitTimes: constantColumn('t', 2), seqNos: ['1', '2', '3'], recordKeys: ['a', 'b', 'c'], partitionPath: '', fileName: 'f' })).toThrow(RangeError);
  });
});

describe('carriedRows and withFileMetaColumns', () => {
  it('make the same base-file batch as attachMetaColumns, for any length and partition or file name', () => {
    const data = new Schema([new Field('v', new Int32(), false)]);
    fc.assert(
      fc.property(fc.nat({ max: 70 }), fc.string({ unit: 'grapheme', maxLength: 9 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 9 }), (n, partitionPath, fileName) => {
        const batch = tableFromArrays({ v: Int32Array.from({ length: n }, (_, i) => i) }).batches[0] ?? tableFromArrays({ v: new Int32Array(0) }).batches[0];
        const recordKeys = Array.from({ length: n }, (_, i) => `k${i}`);
        const seqNos = recordKeys.map((k) => `s-${k}`);
        const carried = carriedRows(batch, data, { commitTime: 't', seqNos, recordKeys });
        expect(carried.schema.fields.map((f) => f.name)).toEqual(carriedSchema(data).fields.map((f) => f.name));
        const got = withFileMetaColumns(carried, partitionPath, fileName);
        const want = attachMetaColumns(batch, { commitTimes: recordKeys.map(() => 't'), seqNos, recordKeys, partitionPath, fileName });
        expect(got.schema.fields.map((f) => f.name)).toEqual(want.schema.fields.map((f) => f.name));
        expect(got.getChild('_hoodie_partition_path')?.toArray()).toEqual(recordKeys.map(() => partitionPath));
        expect(got.getChild('_hoodie_file_name')?.toArray()).toEqual(recordKeys.map(() => fileName));
        for (const f of want.schema.fields) expect(got.getChild(f.name)?.toArray()).toEqual(want.getChild(f.name)?.toArray());
      }),
      { numRuns: 100 },
    );
  });
});
