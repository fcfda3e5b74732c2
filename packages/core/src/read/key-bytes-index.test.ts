import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { KeyBytesIndex } from './key-bytes-index.js';

const enc = new TextEncoder();

describe('KeyBytesIndex', () => {
  it('finds exactly the indexed keys by their UTF-8 bytes, inside a larger buffer too', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 20, unit: 'grapheme' }), { maxLength: 200 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 50 }), (keys, others) => {
        const index = new KeyBytesIndex(new Map(keys.map((k, i) => [k, i])));
        const slots = new Map(keys.map((k, i) => [k, i]));
        for (const probe of [...keys, ...others]) {
          const bytes = enc.encode(`<<${probe}>>`);
          expect(index.find(bytes, 2, bytes.length - 2)).toBe(slots.get(probe) ?? -1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
