// Conforming columns to a requested type: dictionary-encoded strings decode to plain ones, nulls
// (which point at arbitrary dictionary entries) stay null.

import { Dictionary, Int32, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { conformData } from './conform.js';

describe('conformData', () => {
  it('decodes a dictionary column by gathering its entries', () => {
    const values = ['us', null, 'de', 'us', null, 'fr', 'de'];
    const dict = vectorFromArray(values, new Dictionary(new Utf8(), new Int32()));
    expect(dict.type.typeId).not.toBe(new Utf8().typeId);
    const plain = conformData(dict.data[0], new Utf8());
    expect(plain.type.typeId).toBe(new Utf8().typeId);
    expect(plain.nullCount).toBe(2);
    expect(vectorFromArray(values, new Utf8()).toArray()).toEqual(values);
    const out: (string | null)[] = [];
    for (let i = 0; i < plain.length; i++) out.push(plain.getValid(i) ? new TextDecoder().decode((plain.values as Uint8Array).subarray(plain.valueOffsets[i], plain.valueOffsets[i + 1])) : null);
    expect(out).toEqual(values);
  });

  it('decodes a sliced dictionary column from its offset', () => {
    const values = ['a', 'b', null, 'c', 'a'];
    const dict = vectorFromArray(values, new Dictionary(new Utf8(), new Int32())).slice(1, 4);
    const plain = conformData(dict.data[0], new Utf8());
    const out: (string | null)[] = [];
    for (let i = 0; i < plain.length; i++) out.push(plain.getValid(i) ? new TextDecoder().decode((plain.values as Uint8Array).subarray(plain.valueOffsets[i], plain.valueOffsets[i + 1])) : null);
    expect(out).toEqual(['b', null, 'c']);
  });
});
