// Finds the stored rows of a file group that a write's keys update or delete by comparing record
// keys as UTF-8 bytes. Turning every stored key into a JS string to look it up in a Map costs a
// decode and a string per row, and the file group has many more stored rows than the write has
// keys; hashing the key bytes in place and comparing bytes only on a hash hit costs neither.

import type { Data, Utf8 } from 'apache-arrow';

const encoder = new TextEncoder();

/** FNV-1a over `bytes[start, end)`: cheap, and spreads short keys that differ in a digit well. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h | 0;
}

/**
 * The keys a write plans to change in one file group, each with the incoming row that changes
 * it. A key planned twice keeps its first place and its last row, as a Map would.
 */
export class StoredKeyMatcher {
  private readonly bytes: Uint8Array;
  private readonly offsets: Int32Array;
  private readonly hashes: Int32Array;
  private readonly rows: Int32Array;
  private readonly matched: Uint8Array;
  /** Open-addressed slots holding key numbers + 1 (0 is empty). */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(keys: readonly string[], planned: readonly number[]) {
    const first = new Map<string, number>();
    const distinct: string[] = [];
    const rows: number[] = [];
    for (const i of planned) {
      const key = keys[i];
      const at = first.get(key);
      if (at === undefined) {
        first.set(key, distinct.length);
        distinct.push(key);
        rows.push(i);
      } else {
        rows[at] = i;
      }
    }
    const n = distinct.length;
    this.rows = Int32Array.from(rows);
    this.matched = new Uint8Array(n);
    this.offsets = new Int32Array(n + 1);
    this.hashes = new Int32Array(n);
    let bytes = new Uint8Array(Math.max(16, distinct.reduce((s, k) => s + k.length, 0)));
    let at = 0;
    for (let k = 0; k < n; k++) {
      const key = distinct[k];
      for (;;) {
        const r = encoder.encodeInto(key, bytes.subarray(at));
        if (r.read === key.length) {
          at += r.written;
          break;
        }
        const grown = new Uint8Array(bytes.length * 2 + key.length * 3);
        grown.set(bytes.subarray(0, at));
        bytes = grown;
      }
      this.offsets[k + 1] = at;
      this.hashes[k] = hashBytes(bytes, this.offsets[k], at);
    }
    this.bytes = bytes;
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let k = 0; k < n; k++) {
      let s = this.hashes[k] & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = k + 1;
    }
  }

  /** The planned key number whose bytes equal `values[start, end)`, or -1. */
  private find(values: Uint8Array, start: number, end: number): number {
    const h = hashBytes(values, start, end);
    const len = end - start;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const slot = this.slots[s];
      if (slot === 0) return -1;
      const k = slot - 1;
      if (this.hashes[k] !== h) continue;
      const from = this.offsets[k];
      if (this.offsets[k + 1] - from !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (this.bytes[from + i] !== values[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return k;
    }
  }

  /**
   * For each row of a stored record-key column, the incoming row that changes it, or -1. A key
   * matches once: a later stored row with the same key (and a null key) is left alone.
   */
  match(column: Data<Utf8>): Int32Array {
    const out = new Int32Array(column.length).fill(-1);
    const offsets = column.valueOffsets;
    const values = column.values;
    const nulls = column.nullCount > 0;
    for (let r = 0; r < column.length; r++) {
      if (nulls && !column.getValid(r)) continue;
      const k = this.find(values, offsets[r], offsets[r + 1]);
      if (k === -1 || this.matched[k] === 1) continue;
      this.matched[k] = 1;
      out[r] = this.rows[k];
    }
    return out;
  }

  /** Incoming rows whose keys no stored row has matched yet, in planned order. */
  unmatched(): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.rows.length; k++) if (this.matched[k] === 0) out.push(this.rows[k]);
    return out;
  }
}
