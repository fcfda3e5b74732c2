// Bad input: truncated, corrupt or foreign bytes fail with a ParquetError, never a raw decoder
// exception, and a decoder panic does not stop later reads from working.

import { describe, expect, it } from 'vitest';
import { Field, Int32, List, makeData, RecordBatch, Schema, Struct, Table, Utf8 } from 'apache-arrow';
import {
  openParquet,
  ParquetError,
  readParquet,
  readParquetBatches,
  readParquetMetadata,
  readParquetMetadataFrom,
  writeParquet,
  byteSourceFromBytes,
} from '../src/index.js';
import { buildData, plainValues, type Plain } from './arrow-values.js';

function sampleTable(rows = 500): Table {
  const fields = [
    new Field('a', new Int32(), false),
    new Field('l', new List(new Field('item', new Int32(), true)), true),
    new Field('s', new Utf8(), true),
  ];
  const cols: Plain[][] = [
    Array.from({ length: rows }, (_, i) => i),
    Array.from({ length: rows }, (_, i) => (i % 3 ? [i, null, i] : null)),
    Array.from({ length: rows }, (_, i) => (i % 5 ? `str${i}` : null)),
  ];
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: fields.map((f, i) => buildData(f.type, cols[i])) });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

const good = writeParquet(sampleTable(), { compression: 'none' });

function expectCorrupt(run: () => unknown): ParquetError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ParquetError);
    expect((e as ParquetError).code).toBe('PARQUET_CORRUPT');
    expect((e as ParquetError).message).toMatch(/Parquet/);
    return e as ParquetError;
  }
  throw new Error('expected the read to fail');
}

function expectGoodReadWorks(): void {
  const t = readParquet(good);
  expect(t.numRows).toBe(500);
  expect(plainValues(t.getChild('a')!).slice(0, 3)).toEqual([0, 1, 2]);
}

let seed = 7;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

describe('bad input', () => {
  it('rejects empty, tiny and non-Parquet bytes', () => {
    expectCorrupt(() => readParquet(new Uint8Array(0)));
    expectCorrupt(() => readParquet(new Uint8Array([0x50, 0x41, 0x52, 0x31])));
    expectCorrupt(() => readParquet(new TextEncoder().encode('{"not": "parquet", "just": "some json text"}')));
    expect(() => readParquet('PAR1' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }));
  });

  it('rejects every truncation of a file', () => {
    for (const keep of [good.length - 1, good.length - 8, good.length - 500, good.length >> 1, 12, 9]) {
      const e = expectCorrupt(() => readParquet(good.subarray(0, keep)));
      expect(e.message.length).toBeGreaterThan(40);
    }
    expectCorrupt(() => readParquetMetadata(good.subarray(1)));
  });

  it('rejects a footer whose length points outside the file', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(bad.length - 8, bad.length + 100, true);
    expect(expectCorrupt(() => readParquet(bad)).message).toMatch(/footer claims/);
  });

  it('turns every random corruption into a ParquetError (or a successful read)', () => {
    seed = 11;
    for (let k = 0; k < 400; k++) {
      const bad = good.slice();
      const flips = 1 + Math.floor(random() * 5);
      for (let j = 0; j < flips; j++) bad[4 + Math.floor(random() * (bad.length - 12))] = Math.floor(random() * 256);
      try {
        readParquet(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(ParquetError);
        expect(['PARQUET_CORRUPT', 'PARQUET_UNSUPPORTED']).toContain((e as ParquetError).code);
      }
    }
    expectGoodReadWorks();
  });

  it('reports a decoder panic as PARQUET_CORRUPT and keeps reading afterwards', () => {
    // one byte in the last data page of column s makes the Rust decoder panic (found by fuzzing)
    const chunk = readParquetMetadata(good).rowGroups[0].columns[2];
    const candidates: Uint8Array[] = [];
    const known = good.slice();
    known[chunk.start + 3949] = 61;
    candidates.push(known);
    seed = 7;
    for (let k = 0; k < 3000; k++) {
      const bad = good.slice();
      const flips = 1 + Math.floor(random() * 5);
      for (let j = 0; j < flips; j++) bad[4 + Math.floor(random() * (bad.length - 12))] = Math.floor(random() * 256);
      candidates.push(bad);
    }
    let panicked: ParquetError | undefined;
    for (const bad of candidates) {
      try {
        readParquet(bad);
      } catch (e) {
        if (e instanceof ParquetError && (e.cause as Error | undefined)?.name === 'RuntimeError') {
          panicked = e;
          break;
        }
      }
    }
    expect(panicked, 'no corruption made the decoder panic').toBeDefined();
    expect(panicked!.code).toBe('PARQUET_CORRUPT');
    expect(panicked!.message).toMatch(/decoder aborted/);
    for (let i = 0; i < 20; i++) expectGoodReadWorks();
    expect(readParquet(writeParquet(sampleTable(10))).numRows).toBe(10);
  });

  it('rejects corrupt files read through a source, without fetching what the footer cannot justify', async () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(bad.length - 8, 0xfffffff0, true);
    await expect(readParquetMetadataFrom(byteSourceFromBytes(bad))).rejects.toMatchObject({ code: 'PARQUET_CORRUPT' });
    await expect(openParquet(byteSourceFromBytes(new Uint8Array(5)))).rejects.toMatchObject({ code: 'PARQUET_CORRUPT' });
    const stream = readParquetBatches(byteSourceFromBytes(good.subarray(0, good.length - 3)));
    await expect((async () => {
      for await (const batch of stream) void batch;
    })()).rejects.toBeInstanceOf(ParquetError);
  });

  it('reports a source that returns fewer bytes than asked', async () => {
    const short = { size: good.length, read: async (offset: number, length: number) => good.slice(offset, offset + Math.max(0, length - 1)) };
    await expect(openParquet(short)).rejects.toMatchObject({ code: 'PARQUET_CORRUPT', message: expect.stringMatching(/got/) });
  });

  it('reports a corrupt page through the streaming reader too', async () => {
    const chunk = readParquetMetadata(good).rowGroups[0].columns[0];
    const bad = good.slice();
    bad.fill(0xff, chunk.start, chunk.start + 64);
    const run = async () => {
      for await (const batch of readParquetBatches(bad, { columns: ['a'] })) void batch;
    };
    await expect(run()).rejects.toMatchObject({ code: 'PARQUET_CORRUPT' });
    expectGoodReadWorks();
  });
});
