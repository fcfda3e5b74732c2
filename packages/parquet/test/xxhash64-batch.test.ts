// The WebAssembly xxHash64 that hashes a column's values in runs must give each value the hash
// the xxhash-wasm reference gives it, whatever the lengths (every tail of the algorithm), the
// offsets' width and where a run is cut (by rows, or by bytes around a value larger than a run).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { xxhash64Ranges } from '../src/xxhash64-batch.js';
import { xxhash64Bytes } from '../src/xxhash64.js';

/** The values laid end to end after `lead` unrelated bytes, with their offsets. */
function layout(values: Uint8Array[], lead: number): { bytes: Uint8Array; offsets: Int32Array } {
  const offsets = new Int32Array(values.length + 1);
  offsets[0] = lead;
  values.forEach((v, i) => (offsets[i + 1] = offsets[i] + v.length));
  const bytes = new Uint8Array(offsets[values.length] + 3).fill(0xa5);
  values.forEach((v, i) => bytes.set(v, offsets[i]));
  return { bytes, offsets };
}

function hashesOf(halves: Uint32Array, at: number, n: number): bigint[] {
  return Array.from({ length: n }, (_, i) => (BigInt(halves[2 * (at + i) + 1]) << 32n) | BigInt(halves[2 * (at + i)]));
}

function expectReference(values: Uint8Array[], lead: number, first: number, wide: boolean): void {
  const { bytes, offsets } = layout(values, lead);
  const halves = new Uint32Array(2 * (first + values.length)).fill(7);
  xxhash64Ranges(bytes, wide ? BigInt64Array.from(offsets, BigInt) : offsets, values.length, halves, first);
  expect(hashesOf(halves, first, values.length)).toEqual(values.map((v) => xxhash64Bytes(v)));
  // rows before `first` are not touched
  expect(Array.from(halves.subarray(0, 2 * first)).every((w) => w === 7)).toBe(true);
}

describe('xxhash64Ranges', () => {
  it('matches the published xxHash64 values', () => {
    const enc = new TextEncoder();
    const { bytes, offsets } = layout([new Uint8Array(0), enc.encode('a'), enc.encode('abc')], 0);
    const halves = new Uint32Array(6);
    xxhash64Ranges(bytes, offsets, 3, halves, 0);
    expect(hashesOf(halves, 0, 3)).toEqual([0xef46db3751d8e999n, 0xd24ec4f1a98c6e5bn, 0x44bc2cf5ad770999n]);
  });

  it('equals the reference for every length up to 200 bytes, 32- and 64-bit offsets', () => {
    const values = Array.from({ length: 201 }, (_, len) => Uint8Array.from({ length: len }, (_, i) => (i * 131 + len) & 0xff));
    expectReference(values, 0, 0, false);
    expectReference(values, 5, 3, true);
    expectReference(values.map((v) => v.fill(0xff)), 1, 0, false);
  });

  it('equals the reference on any values at any offsets (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 90 }), { maxLength: 60 }), fc.nat({ max: 9 }), fc.nat({ max: 4 }), fc.boolean(), (values, lead, first, wide) => {
        expectReference(values, lead, first, wide);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts long columns into runs by rows and by bytes without losing a value', () => {
    // 40,000 short values (runs cut by rows), then values of 0.7 and 1.5 MiB (runs cut by bytes,
    // one value larger than a run) among short ones
    const short = Array.from({ length: 40_000 }, (_, i) => new TextEncoder().encode(`u${String(i).padStart(9, '0')}`));
    const big = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed) & 0xff);
    const values = [...short, big(700_000, 3), short[1], big(1_500_000, 5), big(700_000, 7), short[2]];
    expectReference(values, 2, 1, false);
    expectReference(values, 0, 0, true);
  });
});
