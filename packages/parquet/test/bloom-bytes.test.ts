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
import { joinParquetPieces } from '../src/piece-join.js';
import { pieceRanges } from '../src/piece-plan.js';
import { encode } from '../src/wasm-codec.js';
import { checkOptions, planWrite } from '../src/write-plan.js';
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

/** Each row group's filter bytes of `column`, as the footer places them, and its rows. */
function placedFilters(file: Uint8Array, column: string): { bytes: Uint8Array; from: number; to: number }[] {
  const md = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  let row = 0;
  return md.row_groups.map((rg) => {
    const meta = rg.columns.find((c) => c.meta_data!.path_in_schema.join('.') === column)!.meta_data!;
    const offset = Number(meta.bloom_filter_offset);
    const from = row;
    row += Number(rg.num_rows);
    return { bytes: file.subarray(offset, offset + meta.bloom_filter_length!), from, to: row };
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
          fc.array(fc.option(text, { freq: 6 }), { minLength: 1, maxLength: 400, size: 'max' }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 20, max: 500 }),
          fc.nat({ max: 30 }),
          fc.constantFrom(0.01, 0.1),
          fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
          fc.option(fc.integer({ min: 200, max: 3000 }), { nil: undefined }),
          (strings, batches, rowGroupSize, cut, fpp, ndv, pieceBytes) => {
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
            // small pieces: the file is encoded in pieces and joined, the join placing the filters
            const file = writeParquet(table, { rowGroupSize, ...(pieceBytes ? { pieceBytes } : {}), bloomFilters: [{ column: 's', fpp, ...(ndv !== undefined ? { ndv } : {}) }] });
            const placed = placedFilters(file, 's');
            expect(placed.at(-1)!.to).toBe(rows.length);
            if (!pieceBytes) expect(placed).toHaveLength(Math.ceil(rows.length / rowGroupSize));
            for (const { bytes, from, to } of placed) expect(bytes).toEqual(referenceFilter(rows.slice(from, to), fpp, ndv));
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
    for (const { bytes, from, to } of placed) expect(bytes).toEqual(referenceFilter(ids.slice(from, to), 0.01));
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

describe('filters of a file encoded in pieces', () => {
  it('are placed by the join: the file each piece would make with its filters, joined (property)', () => {
    const pieceCounts: number[] = [];
    fc.assert(
      fc.property(fc.array(fc.option(text, { freq: 6 }), { minLength: 2, maxLength: 400, size: 'max' }), fc.integer({ min: 10, max: 200 }), fc.integer({ min: 200, max: 3000 }), (values, rowGroupSize, pieceBytes) => {
        const table = new Table({ s: vectorFromArray(values, new Utf8()), n: vectorFromArray(values.map((_, i) => i), new Int32()) });
        const options = { rowGroupSize, pieceBytes, metadata: { big: new TextEncoder().encode('k'.repeat(500)), small: 'v' }, bloomFilters: [{ column: 's' }, { column: 'n' }] };
        const checked = checkOptions(table.numRows, options);
        const ranges = pieceRanges(table, pieceBytes, rowGroupSize);
        pieceCounts.push(ranges.length);
        // each piece made whole with its own filters (the first with the metadata), then joined
        const pieces = ranges.map(([start, end], i) => {
          const { metadata: _m, ...rest } = checked;
          const plan = planWrite(table.slice(start, end), i === 0 ? checked : rest);
          return plan.finish(encode(plan.table, plan.settings));
        });
        expect(writeParquet(table, options)).toEqual(joinParquetPieces(pieces));
      }),
      { numRuns: 40 },
    );
    // many runs are joins of several pieces (about half on average; a third leaves room for chance)
    expect(pieceCounts.filter((n) => n > 1).length).toBeGreaterThan(12);
  });
});
