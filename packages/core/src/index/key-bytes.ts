// UTF-8 bytes of a record key as Java's String.getBytes(UTF_8) produces them: a lone surrogate
// becomes '?' (Java's replacement byte) rather than U+FFFD, so odd keys hash like Hudi's.

const encoder = new TextEncoder();
const SURROGATE = /[\uD800-\uDFFF]/;

let ascii = new Uint8Array(256);

/**
 * The key's bytes. ASCII keys (the common case) are written into a buffer that is reused by the
 * next call: use the result before calling again.
 */
export function javaUtf8Bytes(key: string): Uint8Array {
  const n = key.length;
  if (ascii.length < n) ascii = new Uint8Array(Math.max(n, ascii.length * 2));
  let i = 0;
  for (; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) break;
    ascii[i] = c;
  }
  if (i === n) return ascii.subarray(0, n);
  if (!SURROGATE.test(key)) return encoder.encode(key);
  let fixed = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < key.length) {
      const d = key.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        fixed += key[i] + key[i + 1];
        i++;
        continue;
      }
    }
    fixed += c >= 0xd800 && c <= 0xdfff ? '?' : key[i];
  }
  return encoder.encode(fixed);
}
