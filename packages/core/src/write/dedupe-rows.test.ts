// De-duplication through key hashes must keep exactly the rows a plain map over
// "(partition, key)" keeps, whatever the hashes: colliding hashes must never merge distinct keys.

import fc from 'fast-check';
import { vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { javaStringHashCodes } from '../index/key-hashes.js';
import { dedupeRows } from './dedupe-rows.js';
import { dedupeByKey, orderingReader } from './ordering.js';

const row = fc.record({
  key: fc.constantFrom('k1', 'k2', 'Aa', 'BB', '', '😀', 'p\u0000k'),
  partition: fc.constantFrom('', 'p', 'p\u0000', 'q/1'),
  order: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
});

/** The model: one map entry per (partition, key) string pair. */
function model(keys: string[], partitions: string[], ordering?: ReturnType<typeof orderingReader>): number[] {
  return Array.from(dedupeByKey(keys.map((k, i) => JSON.stringify([partitions[i], k])), ordering));
}

describe('dedupeRows', () => {
  it('keeps the rows the map-based model keeps, with real and with all-colliding hashes', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.boolean(), (rows, withOrdering) => {
        const keys = rows.map((r) => r.key);
        const partitions = rows.map((r) => r.partition);
        const ordering = withOrdering ? orderingReader(vectorFromArray(rows.map((r) => r.order))) : undefined;
        const expected = model(keys, partitions, ordering);
        expect(Array.from(dedupeRows(keys, partitions, javaStringHashCodes(keys), ordering))).toEqual(expected);
        // Every key hashing alike leaves only string comparison to tell keys apart.
        expect(Array.from(dedupeRows(keys, partitions, new Int32Array(keys.length), ordering))).toEqual(expected);
      }),
    );
  });

  it('keeps a key once per partition, the greatest ordering value and the later row on ties', () => {
    const keys = ['a', 'a', 'a', 'b', 'a'];
    const partitions = ['p', 'q', 'p', 'p', 'p'];
    const ts = orderingReader(vectorFromArray([3, 1, 5, 0, 5]));
    expect(Array.from(dedupeRows(keys, partitions, javaStringHashCodes(keys), ts))).toEqual([1, 3, 4]);
    expect(Array.from(dedupeRows(keys, partitions, javaStringHashCodes(keys)))).toEqual([1, 3, 4]);
    expect(Array.from(dedupeRows([], [], new Int32Array(0)))).toEqual([]);
  });
});
