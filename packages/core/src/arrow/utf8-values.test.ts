import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Utf8, vectorFromArray } from 'apache-arrow';

import { utf8Values } from './utf8-values.js';

describe('utf8Values', () => {
  it('yields the non-null values of every column in order, sliced columns included', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 5 }), { nil: null }), { maxLength: 20 }), { maxLength: 4 }), fc.nat({ max: 3 }), (columns, cut) => {
        const data = columns.map((values) => vectorFromArray([...Array.from({ length: cut }, () => 'x'), ...values], new Utf8()).data[0].slice(cut, values.length));
        expect([...utf8Values(data)]).toEqual(columns.flat().filter((v) => v !== null));
      }),
    );
  });
});
