// Half floats decode to the same number as their widening to binary32 does, for all 65536 bit
// patterns (the widening is exact, so Float32Array is an independent reference).

import { describe, expect, it } from 'vitest';
import { float16FromBits } from '../src/float16.js';

/** Widens binary16 bits to binary32 bits by moving fields, then reads them as a float. */
function viaFloat32(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  let exponent = (bits >> 10) & 0x1f;
  let fraction = bits & 0x3ff;
  let out: number;
  if (exponent === 0x1f) out = sign | 0x7f800000 | (fraction << 13);
  else if (exponent === 0) {
    if (fraction === 0) out = sign;
    else {
      // Normalize the subnormal: shift until the implicit bit appears.
      exponent = 1;
      while ((fraction & 0x400) === 0) {
        fraction <<= 1;
        exponent--;
      }
      out = sign | ((exponent - 15 + 127) << 23) | ((fraction & 0x3ff) << 13);
    }
  } else out = sign | ((exponent - 15 + 127) << 23) | (fraction << 13);
  return new Float32Array(new Uint32Array([out >>> 0]).buffer)[0]!;
}

describe('float16FromBits', () => {
  it('agrees with the binary32 widening on every bit pattern', () => {
    const differ: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) if (!Object.is(float16FromBits(bits), viaFloat32(bits))) differ.push(bits);
    expect(differ).toEqual([]);
  });

  it('decodes the landmarks', () => {
    expect(float16FromBits(0x3c00)).toBe(1);
    expect(float16FromBits(0xc000)).toBe(-2);
    expect(float16FromBits(0x7bff)).toBe(65504);
    expect(float16FromBits(0x0001)).toBe(2 ** -24);
    expect(float16FromBits(0xfc00)).toBe(-Infinity);
    expect(float16FromBits(0x7e00)).toBeNaN();
    expect(Object.is(float16FromBits(0x8000), -0)).toBe(true);
  });
});
