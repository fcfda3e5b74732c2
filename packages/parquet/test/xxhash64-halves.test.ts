// The 32-bit xxHash64 that fills bloom filters must give the hash the WebAssembly reference
// gives (and the one other Parquet writers store) for every length: each of the short-input
// tails (8-, 4- and 1-byte steps) and the 32-byte stripe loop.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Binary, LargeUtf8, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { arrowColumnHashes } from '../src/bloom-values.js';
import type { ParquetColumn } from '../src/file-metadata.js';
import { xxhash64Into } from '../src/xxhash64-halves.js';
import { xxhash64Bytes, xxhash64Utf8 } from '../src/xxhash64.js';

function halvesHash(bytes: Uint8Array, from = 0, to = bytes.length): bigint {
  const out = new Uint32Array(4);
  xxhash64Into(bytes, from, to, out, 2);
  return (BigInt(out[3]) << 32n) | BigInt(out[2]);
}

describe('xxhash64Into', () => {
  it('matches the published xxHash64 values', () => {
    expect(halvesHash(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
    expect(halvesHash(new TextEncoder().encode('a'))).toBe(0xd24ec4f1a98c6e5bn);
    expect(halvesHash(new TextEncoder().encode('abc'))).toBe(0x44bc2cf5ad770999n);
  });

  it('equals the WebAssembly xxHash64 for every length up to 200 bytes', () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let len = 0; len <= 200; len++) expect(halvesHash(bytes, 0, len)).toBe(xxhash64Bytes(bytes.subarray(0, len)));
    const high = new Uint8Array(200).fill(0xff);
    for (let len = 0; len <= 200; len++) expect(halvesHash(high, 0, len)).toBe(xxhash64Bytes(high.subarray(0, len)));
  });

  it('equals the WebAssembly xxHash64 on any bytes at any offset (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 20 }), (bytes, skip) => {
        const from = Math.min(skip, bytes.length);
        expect(halvesHash(bytes, from, bytes.length)).toBe(xxhash64Bytes(bytes.subarray(from)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('hashes of a string or binary column', () => {
  const column = { name: 's', path: ['s'], index: 0, physicalType: 'BYTE_ARRAY' } as unknown as ParquetColumn;
  const values = ['u000000001', null, '', 'ünïcode', 'a'.repeat(70), 'u000000001'];

  function expectHashes(hashes: ReturnType<typeof arrowColumnHashes>, expected: (string | null)[]): void {
    expected.forEach((v, i) => {
      expect(hashes.valid[i]).toBe(v === null ? 0 : 1);
      if (v === null) return;
      const h = (BigInt(hashes.halves[2 * i + 1]) << 32n) | BigInt(hashes.halves[2 * i]);
      expect(h).toBe(xxhash64Utf8(v));
    });
  }

  for (const [name, type] of [['Utf8', new Utf8()], ['LargeUtf8', new LargeUtf8()]] as [string, DataType][]) {
    it(`${name}: each value's hash, nulls marked, in a slice too`, () => {
      const vector = vectorFromArray(values, type as Utf8);
      expectHashes(arrowColumnHashes(vector, column), values);
      expectHashes(arrowColumnHashes(vector.slice(2, 5), column), values.slice(2, 5));
    });
  }

  it('Binary: the raw bytes', () => {
    const bytes = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(40).fill(0xfe)];
    const hashes = arrowColumnHashes(vectorFromArray(bytes, new Binary()), column);
    bytes.forEach((b, i) => expect((BigInt(hashes.halves[2 * i + 1]) << 32n) | BigInt(hashes.halves[2 * i])).toBe(xxhash64Bytes(b)));
  });
});
