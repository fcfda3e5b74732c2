// Reading: projection, row-group selection, footer metadata, compression codecs, streaming in
// bounded batches, and range reads that fetch only the chunks a projection needs.

import { describe, expect, it } from 'vitest';
import { Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table, Utf8 } from 'apache-arrow';
import { LatencyStore, MemoryStore } from '@lake/storage';
import {
  byteSourceFromBytes,
  byteSourceFromStore,
  initParquet,
  openParquet,
  readParquet,
  readParquetBatches,
  readParquetMetadata,
  readParquetMetadataFrom,
  writeParquet,
  type ByteSource,
  type Compression,
} from '../src/index.js';
import { buildData, plainValues, type Plain } from './arrow-values.js';

/** A table with an id column, `width` float columns and a repetitive text column. */
function wideTable(rows: number, width = 3): Table {
  const fields = [
    new Field('id', new Int64(), false),
    ...Array.from({ length: width }, (_, i) => new Field(`v${i}`, new Float64(), true)),
    new Field('text', new Utf8(), true),
  ];
  const columns: Plain[][] = [
    Array.from({ length: rows }, (_, i) => BigInt(i)),
    ...Array.from({ length: width }, (_, c) => Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : i * 1.5 + c))),
    Array.from({ length: rows }, (_, i) => `row ${i % 10} of a fairly repetitive text column`),
  ];
  const data = makeData({
    type: new Struct(fields),
    length: rows,
    nullCount: 0,
    children: fields.map((f, i) => buildData(f.type, columns[i])),
  });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

function ids(t: Table | RecordBatch): bigint[] {
  return plainValues(t.getChild('id')!) as bigint[];
}

function range(from: number, to: number): bigint[] {
  return Array.from({ length: to - from }, (_, i) => BigInt(from + i));
}

/** A source that records every read. */
function recordingSource(bytes: Uint8Array): ByteSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: bytes.length,
    reads,
    async read(offset, length) {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length);
    },
  };
}

describe('initParquet', () => {
  it('is a no-op under Node, where the module loads on import', async () => {
    await initParquet();
    expect(readParquet(writeParquet(wideTable(3))).numRows).toBe(3);
  });
});

describe('writeParquet options', () => {
  it('splits rows into row groups of the requested size', () => {
    const meta = readParquetMetadata(writeParquet(wideTable(25), { rowGroupSize: 10 }));
    expect(meta.rowGroups.map((g) => g.numRows)).toEqual([10, 10, 5]);
    expect(meta.numRows).toBe(25);
  });

  it('round-trips footer key-value metadata, next to the Arrow schema', () => {
    const metadata = { 'hoodie_min_record_key': 'a', 'org.apache.hudi.bloomfilter': 'x'.repeat(100_000), empty: '' };
    const bytes = writeParquet(wideTable(3), { metadata });
    const meta = readParquetMetadata(bytes);
    expect(meta.keyValueMetadata).toMatchObject(metadata);
    expect(Object.keys(meta.keyValueMetadata).sort()).toEqual(['ARROW:schema', ...Object.keys(metadata)].sort());
    // footer entries are not copied into the decoded schema (a bloom filter would ride on every batch)
    expect([...readParquet(bytes).schema.metadata.keys()]).toEqual([]);
  });

  it('keeps the Arrow schema metadata of the table', () => {
    const t = wideTable(2);
    const schema = new Schema(t.schema.fields, new Map([['owner', 'lake']]));
    const table = new Table([new RecordBatch(schema, t.batches[0].data)]);
    expect(readParquet(writeParquet(table)).schema.metadata.get('owner')).toBe('lake');
  });

  it.each<Compression>(['zstd', 'snappy', 'gzip', 'none'])('writes readable files with %s', (compression) => {
    const table = wideTable(500);
    const bytes = writeParquet(table, { compression });
    const meta = readParquetMetadata(bytes);
    const codec = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', none: 'UNCOMPRESSED' }[compression];
    expect(meta.rowGroups[0].columns.every((c) => c.codec === codec)).toBe(true);
    expect(ids(readParquet(bytes))).toEqual(range(0, 500));
  });

  it('compresses with zstd by default, smaller than uncompressed', () => {
    const table = wideTable(5000);
    const zstd = writeParquet(table);
    const none = writeParquet(table, { compression: 'none' });
    expect(readParquetMetadata(zstd).rowGroups[0].columns[0].codec).toBe('ZSTD');
    expect(zstd.length).toBeLessThan(none.length);
  });

  it('rejects bad options with typed errors', () => {
    const t = wideTable(1);
    expect(() => writeParquet(t, { rowGroupSize: 0 })).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
    expect(() => writeParquet(t, { compression: 'lz4' as Compression })).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
    expect(() => writeParquet(t, { metadata: { 'ARROW:schema': 'x' } })).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
  });

  it('writes and reads an empty table with its schema', () => {
    const empty = new Table(wideTable(1).schema);
    const bytes = writeParquet(empty);
    expect(readParquetMetadata(bytes).rowGroups).toEqual([]);
    const back = readParquet(bytes);
    expect(back.numRows).toBe(0);
    expect(back.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(empty.schema.fields.map((f) => `${f.name}:${f.type}`));
  });
});

describe('readParquet selection', () => {
  const bytes = writeParquet(wideTable(100, 4), { rowGroupSize: 30 });

  it('projects columns in the order asked for', () => {
    const t = readParquet(bytes, { columns: ['text', 'id'] });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['text', 'id']);
    expect(ids(t)).toEqual(range(0, 100));
    expect(t.getChild('text')!.get(13)).toBe('row 3 of a fairly repetitive text column');
  });

  it('reads only the selected row groups, in file order', () => {
    const t = readParquet(bytes, { rowGroups: [3, 1] });
    expect(ids(t)).toEqual([...range(30, 60), ...range(90, 100)]);
  });

  it('combines projection and row-group selection', () => {
    const t = readParquet(bytes, { columns: ['v2'], rowGroups: [2] });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['v2']);
    expect(plainValues(t.getChild('v2')!)).toEqual(Array.from({ length: 30 }, (_, k) => ((60 + k) % 7 === 0 ? null : (60 + k) * 1.5 + 2)));
  });

  it('reads zero row groups as an empty table with the projected schema', () => {
    const t = readParquet(bytes, { columns: ['id', 'v0'], rowGroups: [] });
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['id', 'v0']);
  });

  it('rejects unknown columns and row groups with typed errors', () => {
    expect(() => readParquet(bytes, { columns: ['id', 'nope'] })).toThrow(
      expect.objectContaining({ code: 'PARQUET_COLUMN_NOT_FOUND', message: expect.stringContaining('"nope"') }),
    );
    expect(() => readParquet(bytes, { rowGroups: [4] })).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
    expect(() => readParquet(bytes, { rowGroups: [-1] })).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
    expect(() => readParquet(bytes, { columns: [] })).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
  });
});

describe('readParquetBatches', () => {
  it('yields every row in order, in batches no bigger than batchSize', async () => {
    const bytes = writeParquet(wideTable(1000), { rowGroupSize: 300 });
    const seen: bigint[] = [];
    const sizes: number[] = [];
    for await (const batch of readParquetBatches(bytes, { batchSize: 128, columns: ['id'] })) {
      sizes.push(batch.numRows);
      seen.push(...ids(batch));
    }
    expect(seen).toEqual(range(0, 1000));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(128);
    // batches never straddle row groups: 300 = 128 + 128 + 44
    expect(sizes.slice(0, 3)).toEqual([128, 128, 44]);
  });

  it('reads a whole selection in batches of the asked size, or refuses a bad size', async () => {
    const bytes = writeParquet(wideTable(1000), { rowGroupSize: 300 });
    const reader = await openParquet(bytes);
    const big = await reader.read({ columns: ['id'], batchSize: 1 << 20 });
    // At most one batch per row group (the decoder may join them), not 1024-row slices.
    expect(big.batches.length).toBeLessThanOrEqual(4);
    expect(ids(big)).toEqual(range(0, 1000));
    const small = await reader.read({ columns: ['id'], batchSize: 128 });
    expect(Math.max(...small.batches.map((b) => b.numRows))).toBeLessThanOrEqual(128);
    await expect(reader.read({ batchSize: 0 })).rejects.toMatchObject({ code: 'PARQUET_INVALID_ARGUMENT' });
  });

  it('stops fetching when the consumer stops', async () => {
    const bytes = writeParquet(wideTable(1000), { rowGroupSize: 100, compression: 'none' });
    const source = recordingSource(bytes);
    const stream = readParquetBatches(source, { columns: ['v1'], prefetch: false, footerReadSize: 1024 });
    for await (const batch of stream) {
      expect(batch.numRows).toBeGreaterThan(0);
      break;
    }
    // the footer (one or two reads) and the first row group's chunk, nothing more
    expect(source.reads.length).toBeLessThanOrEqual(3);
    expect(stream.stats.requests).toBe(source.reads.length);
  });
});

describe('range reads through a ByteSource', () => {
  const table = wideTable(20_000, 12);
  const bytes = writeParquet(table, { rowGroupSize: 5000, compression: 'none' });

  it('fetch only the footer and the projected column chunks', async () => {
    const source = recordingSource(bytes);
    const stream = readParquetBatches(source, { columns: ['v5'] });
    let rows = 0;
    for await (const batch of stream) rows += batch.numRows;
    expect(rows).toBe(20_000);
    const meta = readParquetMetadata(bytes);
    const chunkBytes = meta.rowGroups.reduce((n, g) => n + g.columns[6].length, 0);
    expect(stream.stats.bytesRead).toBe(source.reads.reduce((n, [, l]) => n + l, 0));
    expect(stream.stats.bytesRead).toBeLessThan(bytes.length / 5);
    expect(stream.stats.bytesRead).toBeLessThanOrEqual(chunkBytes + 64 * 1024);
  });

  it('read the same values as a whole-file read', async () => {
    const file = await openParquet(recordingSource(bytes));
    const ranged = await file.read({ columns: ['id', 'v11'], rowGroups: [1, 3] });
    const whole = readParquet(bytes, { columns: ['id', 'v11'], rowGroups: [1, 3] });
    expect(plainValues(ranged.getChild('v11')!)).toEqual(plainValues(whole.getChild('v11')!));
    expect(ids(ranged)).toEqual([...range(5000, 10000), ...range(15000, 20000)]);
  });

  it('find a footer bigger than the first suffix read with one more request', async () => {
    const withBigFooter = writeParquet(wideTable(10), { metadata: { big: 'y'.repeat(200_000) } });
    const source = recordingSource(withBigFooter);
    const meta = await readParquetMetadataFrom(source, { footerReadSize: 4096 });
    expect(meta.keyValueMetadata.big).toHaveLength(200_000);
    expect(source.reads.length).toBe(2);
    expect(source.reads[0]).toEqual([withBigFooter.length - 4096, 4096]);
  });

  it('serve small files from the first read alone', async () => {
    const small = writeParquet(wideTable(50));
    const source = recordingSource(small);
    const file = await openParquet(source);
    const t = await file.read();
    expect(ids(t)).toEqual(range(0, 50));
    expect(source.reads).toEqual([[0, small.length]]);
  });

  it('read objects of a store with ranged GETs', async () => {
    MemoryStore.drop('parquet-range');
    const store = new MemoryStore('parquet-range');
    await store.put('t/part-0.parquet', bytes);
    const before = store.requests.bytesRead;
    const source = await byteSourceFromStore(store, 't/part-0.parquet');
    expect(source.size).toBe(bytes.length);
    const file = await openParquet(source, { name: 't/part-0.parquet' });
    const t = await file.read({ columns: ['id'] });
    expect(ids(t)).toEqual(range(0, 20_000));
    expect(file.stats.bytesRead).toBe(store.requests.bytesRead - before);
    expect(file.stats.bytesRead).toBeLessThan(bytes.length / 5);
    expect(file.arrowSchema(['v3', 'id']).fields.map((f) => `${f.name}:${f.type}`)).toEqual(['v3:Float64', 'id:Int64']);
  });

  it('fetch the row groups of a batch read ahead together, within the prefetch window', async () => {
    MemoryStore.drop('parquet-prefetch');
    const memory = new MemoryStore('parquet-prefetch');
    await memory.put('t/part-0.parquet', bytes);
    const roundTrips = async (prefetch: boolean) => {
      const store = new LatencyStore(memory, { latencyMs: 0 });
      const stream = readParquetBatches(await byteSourceFromStore(store, 't/part-0.parquet'), { columns: ['v5'], prefetch });
      store.mark();
      let rows = 0;
      for await (const batch of stream) rows += batch.numRows;
      expect(rows).toBe(20_000);
      return store.mark();
    };
    // 4 row groups, each column chunk far from the next: the footer, then one request per group.
    const ahead = await roundTrips(true);
    expect(ahead.requests).toBe(5);
    // the footer, then all four groups at once (40 KB each, within the 4 MiB window)
    expect(ahead.roundTrips).toBe(2);
    expect(ahead.maxInFlight).toBe(4);
    const oneByOne = await roundTrips(false);
    expect(oneByOne).toMatchObject({ requests: 5, roundTrips: 5, maxInFlight: 1 });
  });

  it('report a missing object as NOT_FOUND', async () => {
    const store = new MemoryStore('parquet-range-missing');
    await expect(byteSourceFromStore(store, 'nope.parquet')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('treat an in-memory file like any other source', async () => {
    const file = await openParquet(byteSourceFromBytes(bytes));
    expect(file.metadata.rowGroups).toHaveLength(4);
    expect(file.metadata.fields).toEqual(['id', ...Array.from({ length: 12 }, (_, i) => `v${i}`), 'text']);
    expect(file.metadata.columns[0]).toMatchObject({ name: 'id', physicalType: 'INT64', repetition: 'REQUIRED' });
  });
});

describe('nested projections', () => {
  it('keep whole nested top-level fields', () => {
    const inner = new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]);
    const fields = [new Field('id', new Int32(), false), new Field('s', inner, true), new Field('tail', new Utf8(), true)];
    const cols: Plain[][] = [
      [1, 2, 3],
      [{ a: 1, b: 'x' }, null, { a: null, b: 'z' }],
      ['p', 'q', null],
    ];
    const data = makeData({ type: new Struct(fields), length: 3, nullCount: 0, children: fields.map((f, i) => buildData(f.type, cols[i])) });
    const bytes = writeParquet(new Table([new RecordBatch(new Schema(fields), data)]));
    const t = readParquet(bytes, { columns: ['s'] });
    expect(plainValues(t.getChild('s')!)).toEqual(cols[1]);
    expect(readParquetMetadata(bytes).fields).toEqual(['id', 's', 'tail']);
  });
});
