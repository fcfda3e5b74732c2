// Bounds-checked big-endian reads over an HFile's bytes. Every overrun becomes an HFileFormatError
// naming what was being read, so a truncated or damaged file never surfaces as a RangeError.

import { HFileFormatError } from '../errors.js';

export class HFileCursor {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    readonly end = bytes.length,
    /** Names the structure being read, for error messages. */
    readonly what = 'HFile',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new HFileFormatError(`${this.what} ends early: needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, false);
    this.pos += 4;
    return v;
  }

  /** A signed 64-bit value that must fit a JS number (offsets and sizes do). */
  i64(): number {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, false);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new HFileFormatError(`${this.what} holds a 64-bit value ${v} out of range at offset ${this.pos - 8}`);
    }
    return Number(v);
  }

  /** The raw 64-bit value (cell timestamps can exceed a JS number's exact range). */
  bigI64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, false);
    this.pos += 8;
    return v;
  }

  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * Hadoop's WritableUtils variable-length long: one byte for -112..127, otherwise a length
   * marker byte followed by 1..8 big-endian bytes (negated for negative values).
   */
  vlong(): number {
    const first = (this.u8() << 24) >> 24;
    if (first >= -112) return first;
    const negative = first < -120;
    const size = negative ? -119 - first : -111 - first;
    let v = 0n;
    for (let i = 0; i < size - 1; i++) v = (v << 8n) | BigInt(this.u8());
    if (negative) v = ~v;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new HFileFormatError(`${this.what} holds a variable-length value out of range at offset ${this.pos}`);
    }
    return Number(v);
  }
}

/** Unsigned lexicographic byte order, as HBase compares row keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const utf8Encoder = new TextEncoder();
export const utf8Decoder = new TextDecoder('utf-8');
