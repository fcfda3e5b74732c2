// A parsed DYNAMIC_V0 filter, copied to grow, takes further keys exactly as the filter Hudi had
// in memory would: the same bytes as one filter given every key in order, across new rows and
// past the bound (round-robin over full rows).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BLOOM_FILTER_DEFAULTS, createBloomFilter, growableCopy, parseBloomFilter, type BloomFilterOptions } from './bloom-filter.js';
import { createRecordKeyFooter } from './bloom-footer.js';
import { reusedRecordKeyFooter } from './bloom-reuse.js';

const key = (i: number) => `key-${i}`;
const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => key(from + i));

/** The filter after `first` was written and parsed back, then copied and given `then`. */
function grown(options: BloomFilterOptions, first: readonly string[], then: readonly string[]): string {
  const written = createBloomFilter(options);
  for (const k of first) written.add(k);
  const copy = growableCopy(parseBloomFilter(written.serialize(), 'DYNAMIC_V0'), options.maxEntries)!;
  for (const k of then) copy.add(k);
  return copy.serialize();
}

function direct(options: BloomFilterOptions, all: readonly string[]): string {
  const filter = createBloomFilter(options);
  for (const k of all) filter.add(k);
  return filter.serialize();
}

describe('growableCopy', () => {
  it('matches a filter given every key in order, for any split, row size and bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: 0, max: 90 }),
        (numEntries, maxEntries, before, after) => {
          const options: BloomFilterOptions = { type: 'DYNAMIC_V0', numEntries, maxEntries, fpp: 0.01 };
          const all = keys(0, before + after);
          expect(grown(options, all.slice(0, before), all.slice(before))).toBe(direct(options, all));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes Hudi's default bound for a parsed filter: new rows, then round-robin, as Hudi's", () => {
    // rows of 1,000 keys: the default bound of 100,000 keys is reached after 100 rows
    const options: BloomFilterOptions = { type: 'DYNAMIC_V0', numEntries: 1_000 };
    const all = keys(0, BLOOM_FILTER_DEFAULTS.maxEntries + 1_500);
    for (const split of [500, 99_990, 100_600]) {
      const written = createBloomFilter(options);
      for (const k of all.slice(0, split)) written.add(k);
      const copy = growableCopy(parseBloomFilter(written.serialize(), 'DYNAMIC_V0'))!;
      for (const k of all.slice(split)) copy.add(k);
      expect(copy.serialize() === direct(options, all), `split at ${split}`).toBe(true);
    }
  });

  it('leaves the parsed filter as it was', () => {
    const written = createBloomFilter({ numEntries: 10, fpp: 0.01 });
    for (const k of keys(0, 5)) written.add(k);
    const parsed = parseBloomFilter(written.serialize(), 'DYNAMIC_V0');
    const before = parsed.serialize();
    const copy = growableCopy(parsed)!;
    for (const k of keys(5, 40)) copy.add(k);
    expect(parsed.serialize()).toBe(before);
    expect(copy.serialize()).not.toBe(before);
  });

  it('gives nothing for a SIMPLE filter', () => {
    expect(growableCopy(createBloomFilter({ type: 'SIMPLE', numEntries: 10 }))).toBeUndefined();
  });
});

describe('reusedRecordKeyFooter', () => {
  const stored = (numEntries: number, count: number) => {
    const footer = createRecordKeyFooter({ numEntries, fpp: 0.01 });
    for (const k of keys(100, 100 + count)) footer.add(k);
    const bloom = parseBloomFilter(footer.filter.serialize(), 'DYNAMIC_V0');
    return { bloom, range: { min: footer.minKey!, max: footer.maxKey! } };
  };

  it('widens the range by the added keys and keeps every stored key', () => {
    const old = stored(1_000, 50);
    const footer = reusedRecordKeyFooter(old, { type: 'DYNAMIC_V0', addedKeys: 2, rebuildEntries: 1_000 })!;
    expect([footer.minKey, footer.maxKey]).toEqual([key(100), key(149)]);
    footer.add('a-first');
    footer.add('z-last');
    expect([footer.minKey, footer.maxKey]).toEqual(['a-first', 'z-last']);
    for (const k of [...keys(100, 150), 'a-first', 'z-last']) expect(footer.filter.mightContain(k)).toBe(true);
  });

  it('rebuilds for SIMPLE filters, files without a range, another type, or small rows past the bound', () => {
    const simple = createBloomFilter({ type: 'SIMPLE', numEntries: 10 });
    const reuse = { type: 'DYNAMIC_V0' as const, addedKeys: 1, rebuildEntries: 1_000 };
    expect(reusedRecordKeyFooter({ bloom: simple, range: { min: 'a', max: 'b' } }, reuse)).toBeUndefined();
    expect(reusedRecordKeyFooter({ bloom: stored(1_000, 10).bloom }, reuse)).toBeUndefined();
    expect(reusedRecordKeyFooter(undefined, reuse)).toBeUndefined();
    expect(reusedRecordKeyFooter(stored(1_000, 10), { ...reuse, type: 'SIMPLE' })).toBeUndefined();
    // rows of 1,000 keys hold 100,000 before overloading: beyond, a rebuild with bigger rows
    expect(reusedRecordKeyFooter(stored(1_000, 10), { ...reuse, addedKeys: 99_990 })).toBeDefined();
    expect(reusedRecordKeyFooter(stored(1_000, 10), { ...reuse, addedKeys: 99_991, rebuildEntries: 60_000 })).toBeUndefined();
    // rows of Hudi's full size: a rebuild would have the same rows, so reuse even past the bound
    expect(reusedRecordKeyFooter(stored(60_000, 10), { ...reuse, addedKeys: 200_000, rebuildEntries: 60_000 })).toBeDefined();
  });
});
