// Columns named in `withoutDictionary` are written as plain pages, the others keep their
// dictionary, on the calling thread and on a worker alike, and the values read back unchanged.

import { afterAll, describe, expect, it } from 'vitest';
import { Table, vectorFromArray } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { closeParquetWorkers, readParquet, writeParquet, writeParquetAsync } from '../src/index.js';

afterAll(() => closeParquetWorkers());

function dictionaryColumns(file: Uint8Array): Record<string, boolean> {
  const meta = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  const out: Record<string, boolean> = {};
  for (const chunk of meta.row_groups[0].columns) {
    const m = chunk.meta_data!;
    out[m.path_in_schema.join('.')] = m.dictionary_page_offset !== undefined || m.encodings.some((e) => e.includes('DICTIONARY'));
  }
  return out;
}

describe('withoutDictionary', () => {
  // Enough rows that the pooled writer sends the table to a worker.
  const rows = 40_000;
  const table = new Table({
    key: vectorFromArray(Array.from({ length: rows }, (_, i) => `key-${i}`)),
    country: vectorFromArray(Array.from({ length: rows }, (_, i) => ['US', 'DE', 'FR'][i % 3])),
  });

  it('writes the named columns without a dictionary and keeps every value', async () => {
    const plain = writeParquet(table, { compression: 'snappy' });
    expect(dictionaryColumns(plain)).toEqual({ key: true, country: true });
    for (const file of [writeParquet(table, { compression: 'snappy', withoutDictionary: ['key'] }), await writeParquetAsync(table, { compression: 'snappy', withoutDictionary: ['key'] })]) {
      expect(dictionaryColumns(file)).toEqual({ key: false, country: true });
      const back = readParquet(file);
      expect(back.getChild('key')?.toArray()).toEqual(table.getChild('key')?.toArray());
      expect(back.getChild('country')?.toArray()).toEqual(table.getChild('country')?.toArray());
    }
  });
});
