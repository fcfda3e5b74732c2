// Avro binary primitives: zig-zag varints, little-endian floats, length-prefixed bytes, into a
// growable buffer. One datum after another; framing (log blocks, containers) is up to the caller.

import { GrowableBytes } from '../bytes/growable-bytes.js';

const utf8 = new TextEncoder();

/** Avro's binary encoding; `raw` (from GrowableBytes) writes fixed-size values. */
export class AvroWriter extends GrowableBytes {
  boolean(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  /** int or long, zig-zag encoded. */
  long(v: bigint | number): void {
    // Counts, lengths and union branches fit 32 bits: no BigInt arithmetic for them.
    if (typeof v === 'number' && (v | 0) === v) {
      this.int(v);
      return;
    }
    let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  /** Fast path for values that fit 32 bits. */
  int(v: number): void {
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    this.ensure(5);
    while (z >= 0x80) {
      this.buf[this.pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    this.buf[this.pos++] = z;
  }

  float(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Length-prefixed bytes (bytes, string). */
  bytes(b: Uint8Array): void {
    this.long(b.length);
    this.raw(b);
  }

  /** A string: its UTF-8 length, then its bytes; ASCII copied as it is checked, without an encoder call. */
  string(s: string): void {
    const start = this.pos;
    this.int(s.length);
    this.ensure(s.length);
    const at = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.pos = start;
        this.bytes(utf8.encode(s));
        return;
      }
      this.buf[at + i] = c;
    }
    this.pos = at + s.length;
  }

  /** Copy of everything written since `start`. */
  slice(start: number): Uint8Array {
    return this.buf.slice(start, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}
