// A base file written batch by batch, on a Parquet worker or in the calling thread, holds the
// rows given with their meta columns and the footer keys Hudi reads; one large enough to be
// encoded in pieces holds the same.

import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { closeParquetWorkers, readParquet, readParquetMetadata } from '@lake/parquet';
import { baseFileStream, recordKeyFilterEntries, type BaseFileEncoding } from './base-file-writer.js';
import { BLOOM_FILTER_DEFAULTS, createBloomFilter } from '../index/bloom-filter.js';
import { readFooterBloomFilter } from '../index/bloom-footer.js';
import { attachMetaColumns } from './meta-columns.js';
import { META_FIELD_NAMES, prependMetaFields } from '../schema/table-schema.js';

afterAll(() => closeParquetWorkers());

/** Batches of `sizes` rows with meta columns: key k<i>, every third row committed at the first instant. */
function batches(sizes: number[]): { batches: RecordBatch[]; keys: string[]; times: string[] } {
  const out: RecordBatch[] = [];
  const keys: string[] = [];
  const times: string[] = [];
  let row = 0;
  for (const size of sizes) {
    const ids = Array.from({ length: size }, (_, i) => row + i);
    const data = tableFromArrays({ v: Int32Array.from(ids), s: ids.map((i) => `value-${i}`) }).batches[0];
    const k = ids.map((i) => `k${String(i).padStart(5, '0')}`);
    const t = ids.map((i) => (i % 3 === 0 ? '20260101000000000' : '20260102000000000'));
    out.push(attachMetaColumns(data, { recordKeys: k, commitTimes: t, seqNos: t.map((x, i) => `${x}_0_${ids[i]}`), partitionPath: 'p=1', fileName: 'f1.parquet' }));
    keys.push(...k);
    times.push(...t);
    row += size;
  }
  return { batches: out, keys, times };
}

async function write(sizes: number[], encoding: BaseFileEncoding, onWorker: boolean) {
  const input = batches(sizes);
  const schema = prependMetaFields(tableFromArrays({ v: Int32Array.from([0]), s: ['x'] }).schema);
  const file = baseFileStream(schema, encoding, { onWorker });
  for (const b of input.batches) await file.write(b);
  return { ...input, bytes: await file.finish(input.keys) };
}

describe('baseFileStream', () => {
  it('writes the same rows and footer keys on a worker and in the calling thread', async () => {
    const files = [await write([2, 1], { tableName: 't' }, true), await write([2, 1], { tableName: 't' }, false)];
    for (const { bytes, keys, times } of files) {
      const kv = readParquetMetadata(bytes).keyValueMetadata;
      expect(kv['hoodie_min_record_key']).toBe(keys[0]);
      expect(kv['hoodie_max_record_key']).toBe(keys[2]);
      expect(kv['writer.model.name']).toBe('avro');
      const avroFields = (JSON.parse(kv['parquet.avro.schema']) as { fields: { name: string }[] }).fields.map((f) => f.name);
      expect(avroFields).toEqual([...META_FIELD_NAMES, 'v', 's']);
      expect(Object.keys(kv).sort()).toEqual(Object.keys(readParquetMetadata(files[0].bytes).keyValueMetadata).sort());
      const table = readParquet(bytes);
      expect(table.schema.fields.map((f) => f.name)).toEqual([...META_FIELD_NAMES, 'v', 's']);
      expect(table.getChild('v')?.toArray()).toEqual(Int32Array.from([0, 1, 2]));
      expect(table.getChild('_hoodie_record_key')?.toArray()).toEqual(keys);
      expect(table.getChild('_hoodie_commit_time')?.toArray()).toEqual(times);
    }
  });

  it('gives every row of a file encoded in pieces its own values, whatever the batches, with the footer keys of all rows', async () => {
    const sizes = [700, 1, 1500, 3, 796];
    const n = sizes.reduce((a, b) => a + b, 0);
    for (const onWorker of [false, true]) {
      const { bytes, keys, times } = await write(sizes, { tableName: 't', pieceBytes: 8 * 1024 }, onWorker);
      const md = readParquetMetadata(bytes);
      expect(md.rowGroups.length).toBe(3);
      expect(md.numRows).toBe(n);
      expect(md.keyValueMetadata['hoodie_min_record_key']).toBe(keys[0]);
      expect(md.keyValueMetadata['hoodie_max_record_key']).toBe(keys[n - 1]);
      expect(md.keyValueMetadata['org.apache.hudi.bloomfilter']?.length).toBeGreaterThan(0);
      expect(md.keyValueMetadata['ARROW:schema']?.length).toBeGreaterThan(0);
      const table = readParquet(bytes);
      expect(table.getChild('_hoodie_record_key')?.toArray()).toEqual(keys);
      expect(table.getChild('_hoodie_commit_time')?.toArray()).toEqual(times);
      expect(new Set(table.getChild('_hoodie_file_name')?.toArray())).toEqual(new Set(['f1.parquet']));
      expect(table.getChild('v')?.toArray()).toEqual(Int32Array.from({ length: n }, (_, i) => i));
      expect(table.getChild('s')?.toArray()).toEqual(Array.from({ length: n }, (_, i) => `value-${i}`));
    }
  });

  it('sizes the record-key filter for the keys of the file, as Hudi would build it for that many entries', async () => {
    for (const sizes of [[3], [900, 600], [2500]]) {
      const { bytes, keys } = await write(sizes, { tableName: 't' }, false);
      const kv = readParquetMetadata(bytes).keyValueMetadata;
      const expected = createBloomFilter({ numEntries: Math.max(1_000, keys.length) });
      for (const k of keys) expected.add(k);
      expect(kv['org.apache.hudi.bloomfilter']).toBe(expected.serialize());
      expect(kv['hoodie_bloom_filter_type_code']).toBe('DYNAMIC_V0');
      const filter = readFooterBloomFilter(kv);
      expect(keys.every((k) => filter?.mightContain(k))).toBe(true);
      // Sized for its keys at Hudi's 1e-9 false-positive rate: none of 20,000 other keys matches.
      expect(Array.from({ length: 20_000 }, (_, i) => `other-${i}`).filter((k) => filter?.mightContain(k))).toEqual([]);
      // Far smaller than a filter for Hudi's default 60,000 entries (~430 KiB of Base64).
      expect(kv['org.apache.hudi.bloomfilter'].length).toBeLessThan(createBloomFilter().serialize().length / 20);
    }
  });

  it('gives files of more keys than the default Hudi\'s own shape', () => {
    expect(recordKeyFilterEntries(0)).toBe(1_000);
    expect(recordKeyFilterEntries(42_000)).toBe(42_000);
    expect(recordKeyFilterEntries(60_000)).toBe(BLOOM_FILTER_DEFAULTS.numEntries);
    expect(recordKeyFilterEntries(250_000)).toBe(BLOOM_FILTER_DEFAULTS.numEntries);
  });
});
