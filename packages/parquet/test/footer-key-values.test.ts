// The key-value metadata read off the thrift bytes (values as bytes) must be what a full footer
// parse gives, for any keys and values, through one suffix read or two, and a cut footer must be
// refused as corrupt rather than read short.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Int32, Table, vectorFromArray } from 'apache-arrow';
import { byteSourceFromBytes, parquetStreamWriter, readFooterKeyValues, readParquet, readParquetMetadata, writeParquet } from '../src/index.js';
import { footerKeyValueBytes } from '../src/footer-key-values.js';
import { trailerLength } from '../src/footer.js';

const decoder = new TextDecoder();
const table = (rows: number) => new Table({ id: vectorFromArray(Array.from({ length: rows }, (_, i) => i), new Int32()) });

function decoded(values: Map<string, Uint8Array>): Record<string, string> {
  return Object.fromEntries([...values].map(([k, v]) => [k, decoder.decode(v)]));
}

describe('readFooterKeyValues', () => {
  it('gives the values a full footer parse gives (property)', async () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== 'ARROW:schema');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.string({ maxLength: 300 }), { maxKeys: 6 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 8, max: 4096 }), async (metadata, rows, readSize) => {
        const file = writeParquet(table(rows), { metadata });
        const full = readParquetMetadata(file).keyValueMetadata;
        expect(decoded(await readFooterKeyValues(byteSourceFromBytes(file), 'test file', readSize))).toEqual(full);
      }),
      { numRuns: 60 },
    );
  });

  it('hands a large value out as its bytes', async () => {
    const big = 'QUJD'.repeat(150_000);
    const file = writeParquet(table(3), { metadata: { 'org.apache.hudi.bloomfilter': big, k: 'v' } });
    const values = await readFooterKeyValues(byteSourceFromBytes(file));
    expect(values.get('org.apache.hudi.bloomfilter')?.byteLength).toBe(big.length);
    expect(decoder.decode(values.get('org.apache.hudi.bloomfilter'))).toBe(big);
    expect(decoder.decode(values.get('k'))).toBe('v');
  });

  it('refuses a footer cut short', () => {
    const file = writeParquet(table(3), { metadata: { k: 'v'.repeat(100) } });
    const length = trailerLength(file, file.length, 'test file');
    const thrift = file.subarray(file.length - 8 - length, file.length - 8);
    expect(() => footerKeyValueBytes(thrift.subarray(0, thrift.length - 20))).toThrow();
  });
});

describe('footer values given as bytes', () => {
  it('are placed in the footer as the same text a string value would give (property)', async () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== 'ARROW:schema');
    const value = fc.oneof(fc.string({ maxLength: 200 }), fc.constant('QUJD'.repeat(10_000)));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 4 }), fc.dictionary(key, value, { maxKeys: 4 }), fc.boolean(), async (asText, asBytes, withBloom) => {
        const encoder = new TextEncoder();
        const bytes = Object.fromEntries(Object.entries(asBytes).map(([k, v]) => [k, encoder.encode(v)]));
        const options = withBloom ? { bloomFilters: [{ column: 'id' }] } : {};
        const mixed = writeParquet(table(40), { metadata: { ...asText, ...bytes }, ...options });
        const plain = writeParquet(table(40), { metadata: { ...asText, ...asBytes }, ...options });
        // a key given both ways is written once, as bytes
        const expected = readParquetMetadata(plain).keyValueMetadata;
        expect(readParquetMetadata(mixed).keyValueMetadata).toEqual(expected);
        expect(decoded(await readFooterKeyValues(byteSourceFromBytes(mixed)))).toEqual(expected);
        expect(readParquetMetadata(mixed).rowGroups.map((g) => g.numRows)).toEqual(readParquetMetadata(plain).rowGroups.map((g) => g.numRows));
        expect((await readParquet(mixed)).toArray().map((r) => r.toJSON())).toEqual((await readParquet(plain)).toArray().map((r) => r.toJSON()));
      }),
      { numRuns: 25 },
    );
  });

  it('keep the data pages where they were', () => {
    const big = new TextEncoder().encode('QUJD'.repeat(100_000));
    const file = writeParquet(table(500), { metadata: { 'org.apache.hudi.bloomfilter': big, small: 'x' } });
    const meta = readParquetMetadata(file);
    expect(meta.metadataLength).toBe(trailerLength(file, file.length, 'test'));
    expect(meta.metadataLength).toBeGreaterThan(big.length);
    expect(meta.keyValueMetadata['org.apache.hudi.bloomfilter']).toBe('QUJD'.repeat(100_000));
    expect(Object.keys(meta.keyValueMetadata).sort()).toEqual(['ARROW:schema', 'org.apache.hudi.bloomfilter', 'small']);
    const without = writeParquet(table(500), { metadata: { small: 'x' } });
    expect(meta.rowGroups).toEqual(readParquetMetadata(without).rowGroups);
    const stored = footerKeyValueBytes(file.subarray(file.length - 8 - meta.metadataLength, file.length - 8)).get('org.apache.hudi.bloomfilter')!;
    expect(Buffer.compare(stored, big)).toBe(0);
  });
});

describe('footer values given as bytes, in a file written in pieces', () => {
  it('reach the joined footer from writeParquet and from the stream writer', async () => {
    const big = 'QUJD'.repeat(50_000);
    const bytes = new TextEncoder().encode(big);
    const rows = table(20_000);
    // pieces of about 16 KB: several per file
    const pieced = writeParquet(rows, { pieceBytes: 16_000, metadata: { 'org.apache.hudi.bloomfilter': bytes, small: 's' } });
    const meta = readParquetMetadata(pieced);
    expect(meta.rowGroups.length).toBeGreaterThan(1);
    expect(meta.keyValueMetadata['org.apache.hudi.bloomfilter']).toBe(big);
    expect(meta.keyValueMetadata.small).toBe('s');
    const writer = parquetStreamWriter(rows.schema, { pieceBytes: 16_000 });
    for (const batch of rows.batches) for (let at = 0; at < batch.numRows; at += 3000) await writer.write(batch.slice(at, at + 3000));
    const streamed = await writer.finish({ 'org.apache.hudi.bloomfilter': bytes, small: 's' });
    const streamedMeta = readParquetMetadata(streamed);
    expect(streamedMeta.rowGroups.length).toBeGreaterThan(1);
    expect(streamedMeta.keyValueMetadata['org.apache.hudi.bloomfilter']).toBe(big);
    expect(decoder.decode((await readFooterKeyValues(byteSourceFromBytes(streamed))).get('small'))).toBe('s');
    expect((await readParquet(streamed)).numRows).toBe(20_000);
  });
});
