// A table encoded in pieces (pieceBytes) and joined into one file: the joined file is the very
// file a single encode with the same row groups makes, byte for byte, and its footer, page
// indexes and bloom filters are valid on their own (checked with hyparquet, an independent reader).

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata, readOffsetIndex, type FileMetaData } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { hashParquetValue, readBloomFilter, sbbfContains } from 'hyparquet/src/bloom.js';
import { closeParquetWorkers, parquetStreamWriter, readParquet, readParquetMetadata, writeParquet, writeParquetAsync, type Compression, type WriteOptions } from '../src/index.js';
import { pieceRanges } from '../src/piece-plan.js';
import { joinParquetPieces } from '../src/piece-join.js';
import { tableArb, toArrowTable } from './arbitraries.js';
import { plainValues } from './arrow-values.js';

const WHOLE = Number.MAX_SAFE_INTEGER;

function metadataOf(file: Uint8Array): FileMetaData {
  return parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
}

function view(file: Uint8Array, offset: number) {
  return { view: new DataView(file.buffer, file.byteOffset, file.byteLength), offset };
}

/** Every offset the footer names lands where it should, checked against the file's own bytes. */
function expectValidFooter(file: Uint8Array, rows: number): void {
  const md = metadataOf(file);
  expect(Number(md.num_rows)).toBe(rows);
  expect(md.row_groups.reduce((n, rg) => n + Number(rg.num_rows), 0)).toBe(rows);
  const footerAt = footerStart(file);
  let dataEnd = 4;
  md.row_groups.forEach((rg, g) => {
    expect(rg.ordinal).toBe(g);
    rg.columns.forEach((chunk) => {
      const meta = chunk.meta_data!;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      // row groups follow each other, chunks inside them too
      expect(start).toBe(dataEnd);
      dataEnd = end;
      let pageCount: number | undefined;
      if (chunk.offset_index_offset !== undefined) {
        const index = readOffsetIndex(view(file, Number(chunk.offset_index_offset)));
        const pages = index.page_locations;
        pageCount = pages.length;
        expect(Number(pages[0].offset)).toBe(Number(meta.data_page_offset));
        const last = pages[pages.length - 1];
        expect(Number(last.offset) + last.compressed_page_size).toBe(end);
        for (let p = 1; p < pages.length; p++) expect(Number(pages[p].offset)).toBe(Number(pages[p - 1].offset) + pages[p - 1].compressed_page_size);
        expect(Number(chunk.offset_index_offset)).toBeGreaterThanOrEqual(dataEnd);
      }
      if (chunk.column_index_offset !== undefined) {
        // raw: the typed reader cannot convert the empty bounds of all-null pages
        const index = deserializeTCompactProtocol(view(file, Number(chunk.column_index_offset))) as { field_1: boolean[] };
        expect(Number(chunk.column_index_offset) + chunk.column_index_length!).toBeLessThanOrEqual(footerAt);
        expect(index.field_1.length).toBe(pageCount);
      }
    });
  });
}

function footerStart(file: Uint8Array): number {
  return file.length - 8 - new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
}

/**
 * What a file holds, wherever its parts lie: the row groups' data bytes (which start every file
 * at the same place), the footer with the page indexes and bloom filters it points to in place of
 * their offsets, and its key-value entries sorted (the encoder keeps them in a hash map, so two
 * encodes of one table may list them in different orders). Page index bytes no chunk points to
 * (a decimal leaf's, dropped with its byte-wise bounds) are not part of it.
 */
function contents(file: Uint8Array) {
  const md = metadataOf(file);
  const at = (offset: bigint | undefined, length: number | undefined) =>
    offset === undefined || length === undefined ? undefined : Array.from(file.subarray(Number(offset), Number(offset) + length));
  let dataEnd = 4;
  const rowGroups = md.row_groups.map((rg) => ({
    ...rg,
    columns: rg.columns.map(({ column_index_offset, column_index_length, offset_index_offset, offset_index_length, ...chunk }) => {
      const { bloom_filter_offset, bloom_filter_length, ...meta } = chunk.meta_data!;
      dataEnd = Math.max(dataEnd, Number(meta.dictionary_page_offset ?? meta.data_page_offset) + Number(meta.total_compressed_size));
      return {
        ...chunk,
        meta_data: meta,
        columnIndex: at(column_index_offset, column_index_length),
        offsetIndex: at(offset_index_offset, offset_index_length),
        bloom: at(bloom_filter_offset, bloom_filter_length),
      };
    }),
  }));
  const keyValues = [...(md.key_value_metadata ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return { data: file.subarray(0, dataEnd), footer: { ...md, metadata_length: 0, row_groups: rowGroups, key_value_metadata: keyValues } };
}

function expectSameFile(actual: Uint8Array, expected: Uint8Array): void {
  expect(contents(actual)).toEqual(contents(expected));
}

const settingsArb = fc.record({
  compression: fc.constantFrom<Compression>('snappy', 'zstd', 'none'),
  rowGroupSize: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  pieceBytes: fc.integer({ min: 1, max: 400 }),
  metadata: fc.option(fc.dictionary(fc.constantFrom('a', 'hoodie_min_record_key', 'x.y'), fc.string({ maxLength: 30 })), { nil: undefined }),
});

afterAll(() => closeParquetWorkers());

describe('writing a table in pieces', () => {
  it('makes the file one encode with the same row groups makes, and reads back the same rows', () => {
    fc.assert(
      fc.property(tableArb({ maxRows: 30 }), settingsArb, (generated, settings) => {
        const table = toArrowTable(generated);
        const ranges = pieceRanges(table, settings.pieceBytes, settings.rowGroupSize);
        const pieced = writeParquet(table, settings);
        const rowGroupSize = ranges.length > 1 ? Math.min(settings.rowGroupSize ?? WHOLE, ranges[0][1]) : settings.rowGroupSize;
        const whole = writeParquet(table, { ...settings, pieceBytes: WHOLE, ...(rowGroupSize !== undefined ? { rowGroupSize } : {}) });
        expectSameFile(pieced, whole);
        const back = readParquet(pieced);
        expect(back.numRows).toBe(table.numRows);
        back.schema.fields.forEach((_, i) => expect(plainValues(back.getChildAt(i)!)).toEqual(generated.columns[i]));
        expectValidFooter(pieced, table.numRows);
      }),
      { numRuns: 60 },
    );
  });

  it('cuts a table over pieceBytes into several row groups, and one within it not at all', () => {
    const n = 3000;
    const table = new Table({
      key: vectorFromArray(Array.from({ length: n }, (_, i) => `key-${String(i).padStart(6, '0')}`), new Utf8()),
      v: vectorFromArray(Array.from({ length: n }, (_, i) => (i * 7919) % 1000), new Int32()),
    });
    expect(metadataOf(writeParquet(table, {})).row_groups).toHaveLength(1);
    const file = writeParquet(table, { pieceBytes: 16 * 1024 });
    const md = metadataOf(file);
    expect(md.row_groups.length).toBeGreaterThan(2);
    // each row group's statistics are those of its own rows
    const meta = readParquetMetadata(file);
    let row = 0;
    for (const rg of meta.rowGroups) {
      const values = Array.from({ length: rg.numRows }, (_, i) => (row + i) * 7919 % 1000);
      const keys = Array.from({ length: rg.numRows }, (_, i) => `key-${String(row + i).padStart(6, '0')}`);
      expect(rg.columns[1].statistics?.min).toBe(Math.min(...values));
      expect(rg.columns[1].statistics?.max).toBe(Math.max(...values));
      expect(rg.columns[0].statistics?.min).toBe(keys[0]);
      expect(rg.columns[0].statistics?.max).toBe(keys[keys.length - 1]);
      row += rg.numRows;
    }
    expect(row).toBe(n);
    expectValidFooter(file, n);
  });

  it('cuts into pieces of one size, never full pieces and a small remainder', () => {
    const n = 1000;
    const table = new Table({ v: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()) });
    const bytes = 4 * n;
    const lengths = (pieceBytes: number, rowGroupSize?: number) => pieceRanges(table, pieceBytes, rowGroupSize).map(([s, e]) => e - s);
    // up to one and a half pieces' bytes: one piece
    expect(lengths(bytes)).toEqual([n]);
    expect(lengths(Math.ceil(bytes / 1.4))).toEqual([n]);
    // 1.6 pieces: two equal ones, not a full piece and 0.6 of one
    expect(lengths(Math.ceil(bytes / 1.6))).toEqual([500, 500]);
    expect(lengths(Math.ceil(bytes / 3.2))).toEqual([334, 334, 332]);
    // whole row groups per piece where a row group is smaller than a piece
    expect(lengths(Math.ceil(bytes / 3.2), 100)).toEqual([300, 300, 300, 100]);
    for (const pieceBytes of [7, 50, 333, 1200, 3999]) {
      const cut = lengths(pieceBytes);
      expect(cut.reduce((a, b) => a + b, 0)).toBe(n);
      // all but the last of one length; the last short of it by fewer rows than there are pieces
      expect(new Set(cut.slice(0, -1)).size).toBeLessThanOrEqual(1);
      expect(cut[0] - cut[cut.length - 1]).toBeLessThan(cut.length);
    }
  });

  it('keeps bloom filters and footer metadata in a pieced file, on a worker as well', async () => {
    const n = 2000;
    const users = Array.from({ length: n }, (_, i) => `user-${i % 613}`);
    const table = new Table({
      user_id: vectorFromArray(users, new Utf8()),
      id: vectorFromArray(Array.from({ length: n }, (_, i) => i), new Int32()),
    });
    const options: WriteOptions = { pieceBytes: 8 * 1024, bloomFilters: [{ column: 'user_id' }], metadata: { 'hoodie_min_record_key': 'user-0' } };
    const file = await writeParquetAsync(table, options);
    expectSameFile(file, writeParquet(table, options));
    const md = metadataOf(file);
    expect(md.row_groups.length).toBeGreaterThan(2);
    expect(md.key_value_metadata?.find((kv) => kv.key === 'hoodie_min_record_key')?.value).toBe('user-0');
    const element = md.schema.find((e) => e.name === 'user_id')!;
    let row = 0;
    for (const rg of md.row_groups) {
      const chunk = rg.columns[0];
      const filter = readBloomFilter(view(file, Number(chunk.meta_data!.bloom_filter_offset)))!;
      for (let i = row; i < row + Number(rg.num_rows); i++) expect(sbbfContains(filter.blocks, hashParquetValue(users[i], element)!)).toBe(true);
      row += Number(rg.num_rows);
    }
    expectValidFooter(file, n);
    expect(readParquet(file).getChild('user_id')!.toArray()).toEqual(users);
  });

  it('refuses pieces of different schemas', () => {
    const a = writeParquet(new Table({ x: vectorFromArray([1, 2], new Int32()) }));
    const b = writeParquet(new Table({ y: vectorFromArray([1, 2], new Int32()) }));
    expect(() => joinParquetPieces([a, b])).toThrow(expect.objectContaining({ code: 'PARQUET_WRITE_FAILED' }));
  });

  it('writes batches streamed in, on a worker or not, as the rows they hold with the metadata given at the end', async () => {
    await fc.assert(
      fc.asyncProperty(
        tableArb({ maxRows: 40 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 600 }),
        fc.boolean(),
        async (generated, cuts, pieceBytes, onWorker) => {
          const table = toArrowTable(generated);
          const writer = parquetStreamWriter(table.schema, { pieceBytes, onWorker, compression: 'snappy' });
          const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, table.numRows)), table.numRows])].sort((a, b) => a - b);
          for (let i = 1; i < bounds.length; i++) for (const b of table.slice(bounds[i - 1], bounds[i]).batches) await writer.write(b);
          const file = await writer.finish({ rows: String(table.numRows) });
          expect(readParquetMetadata(file).keyValueMetadata['rows']).toBe(String(table.numRows));
          const back = readParquet(file);
          expect(back.numRows).toBe(table.numRows);
          back.schema.fields.forEach((_, i) => expect(plainValues(back.getChildAt(i)!)).toEqual(generated.columns[i]));
          expectValidFooter(file, table.numRows);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sizes the row groups of a streamed file that is one piece as writeParquet does, bloom filters included', async () => {
    const n = 70_000;
    const table = new Table({ id: vectorFromArray(Array.from({ length: n }, (_, i) => i % 5000), new Int32()) });
    const options = { bloomFilters: [{ column: 'id' }], compression: 'snappy' as const };
    const writer = parquetStreamWriter(table.schema, options);
    for (const b of table.batches) await writer.write(b);
    const streamed = metadataOf(await writer.finish());
    const whole = metadataOf(writeParquet(table, options));
    expect(whole.row_groups.length).toBe(2);
    expect(streamed.row_groups.map((rg) => rg.num_rows)).toEqual(whole.row_groups.map((rg) => rg.num_rows));
  });
});
