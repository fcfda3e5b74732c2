// Standard Base64 (RFC 4648, padded): bloom filters in Parquet footers (as java.util.Base64
// writes them), the ARROW:schema footer entry, binary values in JSON rows. Written out here
// because the engine runs where Node's Buffer does not exist; where it does, its native codec
// does the work (a footer filter is about 580 kB of text).

interface NodeBuffer {
  from(text: string, encoding: 'base64'): Uint8Array;
  from(bytes: ArrayBuffer, offset: number, length: number): { toString(encoding: 'base64'): string };
}
const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return encodeBase64Portable(bytes);
}

/** Decodes padded or unpadded Base64; returns undefined when the text is not Base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!NodeBuffer) return decodeBase64Portable(text);
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (text.length - end > 2 || end % 4 === 1 || text.includes('-') || text.includes('_')) return undefined;
  const decoded = NodeBuffer.from(text, 'base64');
  // Node skips or stops at characters outside the alphabet: then fewer bytes come out.
  if (decoded.byteLength !== Math.floor((end * 3) / 4)) return undefined;
  // Small results live in Node's shared pool: hand out bytes of their own.
  return decoded.byteOffset === 0 && decoded.buffer.byteLength === decoded.byteLength
    ? new Uint8Array(decoded.buffer, 0, decoded.byteLength)
    : new Uint8Array(decoded);
}

/**
 * Decodes as `atob` does (WHATWG forgiving-base64): ASCII whitespace anywhere is skipped and
 * padding, when present, must complete the last quantum. For text from people and other
 * writers; undefined when the text is not Base64.
 */
export function decodeBase64Forgiving(text: string): Uint8Array | undefined {
  let t = text.replace(/[\t\n\f\r ]/g, '');
  if (t.length % 4 === 0) t = t.endsWith('==') ? t.slice(0, -2) : t.endsWith('=') ? t.slice(0, -1) : t;
  if (t.includes('=')) return undefined;
  return decodeBase64(t);
}

const ALPHABET_BYTES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const asciiDecoder = new TextDecoder();

/**
 * Standard padded Base64 as ASCII bytes, for text that goes on as bytes (a footer value): no
 * JavaScript string is made. Several times faster than Node's Buffer encoder on Node 20.
 */
export function encodeBase64AsciiBytes(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const whole = n - (n % 3);
  let j = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[j] = ALPHABET_BYTES[v >>> 18];
    out[j + 1] = ALPHABET_BYTES[(v >>> 12) & 63];
    out[j + 2] = ALPHABET_BYTES[(v >>> 6) & 63];
    out[j + 3] = ALPHABET_BYTES[v & 63];
    j += 4;
  }
  if (n > whole) {
    const v = (bytes[whole] << 16) | (n - whole === 2 ? bytes[whole + 1] << 8 : 0);
    out[j] = ALPHABET_BYTES[v >>> 18];
    out[j + 1] = ALPHABET_BYTES[(v >>> 12) & 63];
    out[j + 2] = n - whole === 2 ? ALPHABET_BYTES[(v >>> 6) & 63] : 61;
    out[j + 3] = 61;
  }
  return out;
}

/** `encodeBase64` without Node's Buffer (browsers, workers). */
export function encodeBase64Portable(bytes: Uint8Array): string {
  // ASCII bytes to a string: any single-byte decoder does; TextDecoder exists where Buffer does not
  return asciiDecoder.decode(encodeBase64AsciiBytes(bytes));
}

// Per byte value: its 6 bits, or -1 outside the alphabet.
const BYTE_LOOKUP = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) BYTE_LOOKUP[ALPHABET.charCodeAt(i)] = i;

function isAsciiSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/**
 * `decodeBase64(text.trim())` for Base64 text still held as its ASCII bytes (a Parquet footer
 * value): no string is built from them. Undefined when the bytes are not Base64.
 */
export function decodeBase64Ascii(ascii: Uint8Array): Uint8Array | undefined {
  let start = 0;
  let end = ascii.length;
  while (start < end && isAsciiSpace(ascii[start])) start++;
  while (end > start && isAsciiSpace(ascii[end - 1])) end--;
  const padded = end;
  while (end > start && ascii[end - 1] === 61) end--;
  const n = end - start;
  if (padded - end > 2 || n % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let o = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const a = BYTE_LOOKUP[ascii[i]];
    const b = BYTE_LOOKUP[ascii[i + 1]];
    const c = BYTE_LOOKUP[ascii[i + 2]];
    const d = BYTE_LOOKUP[ascii[i + 3]];
    if ((a | b | c | d) < 0) return undefined;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  let acc = 0;
  let bits = 0;
  for (; i < end; i++) {
    const v = BYTE_LOOKUP[ascii[i]];
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

/** `decodeBase64` without Node's Buffer (browsers, workers). */
export function decodeBase64Portable(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (text.length - end > 2 || end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}
