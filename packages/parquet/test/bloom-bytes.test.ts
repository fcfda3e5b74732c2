// The filters a write places are exactly the bytes the format's definition gives for the data:
// each row group's values hashed one by one with the reference xxHash64 (xxhash-wasm), the
// filter sized for the distinct values estimated from those hashes and filled by the one-value
// insert, behind its BloomFilterHeader. However lake computes them (hashing whole columns at
// once, placing them while rewriting the footer), the bytes stay these.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Binary, Int32, LargeUtf8, RecordBatch, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { readParquet, writeParquet } from '../src/index.js';
import { addBloomFilters } from '../src/bloom-write.js';
import { appendFooterKeyValues } from '../src/footer-key-values.js';
import { estimateDistinct } from '../src/bloom-build.js';
import { encodeBloomHeader } from '../src/bloom-header.js';
import { bloomBitset, bloomFilterBytes, bloomInsert, newBloom } from '../src/split-block-bloom.js';
import { xxhash64Bytes, xxhash64Utf8 } from '../src/xxhash64.js';

type Value = string | Uint8Array | null;

/** The filter (header and bitset) the format's definition gives for one row group's values. */
function referenceFilter(values: Value[], fpp: number, ndv?: number): Uint8Array {
  const hashes = values.map((v) => (v === null ? 0n : typeof v === 'string' ? xxhash64Utf8(v) : xxhash64Bytes(v)));
  const halves = new Uint32Array(2 * values.length);
  hashes.forEach((h, i) => {
    halves[2 * i] = Number(h & 0xffffffffn);
    halves[2 * i + 1] = Number(h >> 32n);
  });
  const valid = Uint8Array.from(values, (v) => (v === null ? 0 : 1));
  const filter = newBloom(bloomFilterBytes(ndv ?? estimateDistinct(halves, valid, 0, values.length), fpp));
  hashes.forEach((h, i) => valid[i] && bloomInsert(filter, h));
  const bitset = bloomBitset(filter);
  const header = encodeBloomHeader(bitset.length);
  const out = new Uint8Array(header.length + bitset.length);
  out.set(header);
  out.set(bitset, header.length);
  return out;
}

/** Each row group's filter bytes of `column`, as the footer places them. */
function placedFilters(file: Uint8Array, column: string): Uint8Array[] {
  const md = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  return md.row_groups.map((rg) => {
    const meta = rg.columns.find((c) => c.meta_data!.path_in_schema.join('.') === column)!.meta_data!;
    const offset = Number(meta.bloom_filter_offset);
    return file.subarray(offset, offset + meta.bloom_filter_length!);
  });
}

const TYPES: [string, () => DataType, boolean][] = [
  ['Utf8', () => new Utf8(), false],
  ['LargeUtf8', () => new LargeUtf8(), false],
  ['Binary', () => new Binary(), true],
];

// user ids and the like: a few distinct values repeated, some long, some empty, some not ASCII
const text = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((n) => `u${String(n).padStart(9, '0')}`),
  fc.string({ maxLength: 50 }),
  fc.constantFrom('', 'ünïcode', 'x'.repeat(40)),
);

describe('placed bloom filters', () => {
  for (const [name, type, binary] of TYPES) {
    it(`${name}: every row group's filter is the reference filter of its values, in batches and slices (property)`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.option(text, { freq: 6 }), { minLength: 1, maxLength: 400 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 20, max: 500 }),
          fc.nat({ max: 30 }),
          fc.constantFrom(0.01, 0.1),
          fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
          (strings, batches, rowGroupSize, cut, fpp, ndv) => {
            const values: Value[] = strings.map((s) => (s === null ? null : binary ? new TextEncoder().encode(s) : s));
            // the rows in several batches, then a slice of them (Arrow keeps a slice's offset into shared buffers)
            const per = Math.ceil(values.length / batches);
            const parts: RecordBatch[] = [];
            for (let at = 0; at < values.length; at += per) {
              parts.push(new Table({ s: vectorFromArray(values.slice(at, at + per), type() as Utf8) }).batches[0]);
            }
            const from = Math.min(cut, values.length - 1);
            const table = new Table(parts).slice(from);
            const rows = values.slice(from);
            const file = writeParquet(table, { rowGroupSize, bloomFilters: [{ column: 's', fpp, ...(ndv !== undefined ? { ndv } : {}) }] });
            const placed = placedFilters(file, 's');
            expect(placed).toHaveLength(Math.ceil(rows.length / rowGroupSize));
            placed.forEach((bytes, rg) => {
              expect(bytes).toEqual(referenceFilter(rows.slice(rg * rowGroupSize, (rg + 1) * rowGroupSize), fpp, ndv));
            });
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('a column of 40,000 user ids over 3 row groups: the reference filters', () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => `u${String((i * 7919) % 9000).padStart(9, '0')}`);
    const file = writeParquet(new Table({ user_id: vectorFromArray(ids, new Utf8()) }), { rowGroupSize: 15_000, bloomFilters: [{ column: 'user_id' }] });
    const placed = placedFilters(file, 'user_id');
    expect(placed).toHaveLength(3);
    placed.forEach((bytes, rg) => expect(bytes).toEqual(referenceFilter(ids.slice(rg * 15_000, (rg + 1) * 15_000), 0.01)));
  });
});

describe('placing filters and footer key-values in one rewrite', () => {
  it('gives the file that adding the key-values and then the filters gives (property)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(text, { freq: 5 }), fc.integer()), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 10, max: 400 }),
        fc.uniqueArray(fc.constantFrom('hudi.bloom', 'a', 'b', 'kept'), { maxLength: 3 }),
        fc.boolean(),
        fc.subarray(['s', 'n', 'absent']),
        (rows, rowGroupSize, keys, withText, columns) => {
          const table = new Table({
            s: vectorFromArray(rows.map(([v]) => v), new Utf8()),
            n: vectorFromArray(rows.map(([, n]) => n), new Int32()),
          });
          // a file as the encoder leaves it, with or without text key-values (one may be replaced)
          const file = writeParquet(table, { rowGroupSize, ...(withText ? { metadata: { kept: 'text', a: 'old' } } : {}) });
          const entries = keys.map((k, i): [string, Uint8Array] => [k, enc.encode(`${k}=`.repeat(10 + 30 * i))]);
          const filters = columns.map((column) => ({ column }));
          const once = addBloomFilters(file, table, filters, entries);
          expect(once).toEqual(addBloomFilters(appendFooterKeyValues(file, entries), table, filters));
          expect(readParquet(once).numRows).toBe(rows.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
