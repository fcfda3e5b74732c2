// Finds the stored rows of a file group that a write's keys update or delete by comparing record
// keys as UTF-8 bytes. Turning every stored key into a JS string to look it up in a Map costs a
// decode and a string per row, and the file group has many more stored rows than the write has
// keys; hashing the key bytes in place and comparing bytes only on a hash hit costs neither.

import type { Data, Utf8 } from 'apache-arrow';

import { KeySlots } from '../read/key-slots.js';

/**
 * The keys a write plans to change in one file group, each with the incoming row that changes
 * it. A key planned twice keeps its first place and its last row, as a Map would.
 */
export class StoredKeyMatcher {
  /** Key number (first-planned order) of each distinct planned key, found by its UTF-8 bytes. */
  private readonly keys = new KeySlots();
  private readonly rows: number[] = [];
  private readonly matched: Uint8Array;

  constructor(keys: readonly string[], planned: readonly number[]) {
    for (const i of planned) this.rows[this.keys.internString(keys[i])] = i;
    this.matched = new Uint8Array(this.rows.length);
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
      const k = this.keys.find(values, offsets[r], offsets[r + 1]);
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
