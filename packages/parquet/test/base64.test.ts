// The one Base64 codec of the engine: Node's codec and the portable one agree with btoa/atob, and
// the forgiving decoder accepts and refuses exactly what atob does.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Ascii, decodeBase64Forgiving, decodeBase64Portable, encodeBase64, encodeBase64AsciiBytes, encodeBase64Portable } from '../src/base64.js';

function atobBytes(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

describe('base64', () => {
  it('round-trips Base64 of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(btoa(String.fromCharCode(...bytes)));
        expect(encodeBase64Portable(bytes)).toBe(text);
        expect(new TextDecoder().decode(encodeBase64AsciiBytes(bytes))).toBe(text);
        expect(decodeBase64(text)).toEqual(bytes);
        expect(decodeBase64Portable(text)).toEqual(bytes);
        expect(decodeBase64(text.replace(/=+$/, ''))).toEqual(bytes);
      }),
    );
  });

  it('refuses text that is not Base64, with or without Node', () => {
    for (const bad of ['ab!d', 'abcde', 'ab==c', 'a===', 'QQ==\n', 'QQ\n==', 'ab-_']) {
      expect(decodeBase64(bad)).toBeUndefined();
      expect(decodeBase64Portable(bad)).toBeUndefined();
    }
  });

  it('decodes forgivingly exactly as atob does', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', '=', ' ', '\n', '\t', '\r', '\f', '-', '!', 'é'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((cs) => cs.join(''));
    const wellFormed = fc.uint8Array({ maxLength: 40 }).chain((bytes) =>
      fc.tuple(fc.constant(encodeBase64(bytes)), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean()).map(([b64, cuts, unpad]) => {
        let t = unpad ? b64.replace(/=+$/, '') : b64;
        for (const c of cuts) t = t.slice(0, c % (t.length + 1)) + ' \n'[c % 2] + t.slice(c % (t.length + 1));
        return t;
      }),
    );
    fc.assert(
      fc.property(fc.oneof(text, wellFormed), (t) => {
        expect(decodeBase64Forgiving(t)).toEqual(atobBytes(t));
      }),
      { numRuns: 2000 },
    );
    for (const t of ['QQ=', 'QUJD=', 'QQ==\n', ' Q U J D ', 'QQ=a', '']) expect(decodeBase64Forgiving(t)).toEqual(atobBytes(t));
  });

  it('decodes Base64 held as ASCII bytes exactly as the text decoder does on the trimmed text', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', '=', ' ', '\n', '\t', '\r', '\v', '\f', '-', '_', '!'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((cs) => cs.join(''));
    const wellFormed = fc
      .tuple(fc.uint8Array({ maxLength: 60 }), fc.constantFrom('', ' ', '\n', ' \t'), fc.constantFrom('', '\n', ' \r\n'), fc.boolean())
      .map(([bytes, before, after, unpad]) => before + (unpad ? encodeBase64(bytes).replace(/=+$/, '') : encodeBase64(bytes)) + after);
    const ascii = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));
    fc.assert(
      fc.property(fc.oneof(text, wellFormed), (t) => {
        const expected = decodeBase64(t.trim());
        expect(decodeBase64Ascii(ascii(t))).toEqual(expected);
        expect(decodeBase64Portable(t.trim())).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
    // A filter's size: the word-at-a-time loop and the tail agree over the whole length.
    const bytes = new Uint8Array(600_001).map((_, i) => (i * 131) & 0xff);
    const out = decodeBase64Ascii(new TextEncoder().encode(encodeBase64(bytes)));
    expect(out?.length).toBe(bytes.length);
    expect(out?.every((b, i) => b === bytes[i])).toBe(true);
  });
});
