// The writer's shortcuts (32-bit longs without BigInt, ASCII strings without an encoder call)
// must write the bytes of the general encodings for every value.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AvroWriter } from './avro-writer.js';

function written(write: (w: AvroWriter) => void): number[] {
  const w = new AvroWriter(4);
  write(w);
  return Array.from(w.slice(0));
}

describe('AvroWriter', () => {
  it('writes a number as long exactly as its BigInt', () => {
    const edges = [0, 1, -1, 63, 64, -64, -65, 0x7fffffff, -0x80000000, 0x80000000, -0x80000001, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const v of edges) expect(written((w) => w.long(v))).toEqual(written((w) => w.long(BigInt(v))));
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger()), (v) => {
        expect(written((w) => w.long(v))).toEqual(written((w) => w.long(BigInt(v))));
      }),
    );
    // -1 zig-zags to 1; 2^31 needs five bytes.
    expect(written((w) => w.long(-1))).toEqual([1]);
    expect(written((w) => w.long(0x80000000))).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
  });

  it('writes a string as the length-prefixed UTF-8 bytes, ASCII or not, after other data', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii', maxLength: 300 })), { maxLength: 8 }), (strings) => {
        const expected = written((w) => strings.forEach((s) => w.bytes(new TextEncoder().encode(s))));
        expect(written((w) => strings.forEach((s) => w.string(s)))).toEqual(expected);
      }),
    );
  });
});
