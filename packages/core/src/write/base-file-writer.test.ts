// Base files are encoded on a Parquet worker unless the caller says its thread is free; either
// way the file holds the same rows and the footer keys Hudi reads.

import { afterAll, describe, expect, it, vi } from 'vitest';
import { tableFromArrays } from 'apache-arrow';

vi.mock('@lake/parquet', async (original) => {
  const actual = await original<typeof import('@lake/parquet')>();
  return { ...actual, writeParquetAsync: vi.fn(actual.writeParquetAsync) };
});

// Test files share a module registry: load the writer afresh so that it sees the spied module.
vi.resetModules();
const parquet = await import('@lake/parquet');
const { encodeBaseFileAsync } = await import('./base-file-writer.js');

afterAll(() => parquet.closeParquetWorkers());

describe('encodeBaseFileAsync', () => {
  it('uses the worker pool by default and the calling thread with onWorker false, for the same file', async () => {
    const batch = tableFromArrays({ _hoodie_record_key: ['a', 'b', 'c'], v: Int32Array.from([1, 2, 3]) }).batches[0];
    const encoding = { tableName: 't' };
    const pooled = vi.mocked(parquet.writeParquetAsync);
    const onWorker = await encodeBaseFileAsync([batch], batch.schema, ['a', 'b', 'c'], encoding);
    expect(pooled).toHaveBeenCalledTimes(1);
    const inline = await encodeBaseFileAsync([batch], batch.schema, ['a', 'b', 'c'], encoding, { onWorker: false });
    expect(pooled).toHaveBeenCalledTimes(1);
    for (const bytes of [onWorker, inline]) {
      const meta = parquet.readParquetMetadata(bytes).keyValueMetadata;
      expect(meta['hoodie_min_record_key']).toBe('a');
      expect(meta['hoodie_max_record_key']).toBe('c');
      expect(Object.keys(meta).sort()).toEqual(Object.keys(parquet.readParquetMetadata(onWorker).keyValueMetadata).sort());
      expect(parquet.readParquet(bytes).getChild('v')?.toArray()).toEqual(Int32Array.from([1, 2, 3]));
    }
  });
});
