// Record keys and ordering values of rows: from `_hoodie_record_key` when the table stores meta
// fields, otherwise formatted from the key fields the way Hudi's key generators do.

import type { Data } from 'apache-arrow';

import { valueAt } from './column-builder.js';

export const NULL_KEY_PART = '__null__';
export const EMPTY_KEY_PART = '__empty__';

function keyPart(v: unknown): string {
  if (v === null || v === undefined) return NULL_KEY_PART;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  const s = String(v);
  return s === '' ? EMPTY_KEY_PART : s;
}

/**
 * Reads keys of a row set: `keyColumn` is `_hoodie_record_key` when present; otherwise the
 * key fields' columns build `v` (one field) or `f1:v1,f2:v2` (several), as Hudi does.
 */
export function recordKeyReader(keyColumn: Data | undefined, fieldColumns: { name: string; data: Data | undefined }[]): (row: number) => string {
  if (keyColumn) return (row) => String(valueAt(keyColumn, row) ?? '');
  if (fieldColumns.length === 1) {
    const d = fieldColumns[0].data;
    return (row) => keyPart(d ? valueAt(d, row) : null);
  }
  return (row) => fieldColumns.map((f) => `${f.name}:${keyPart(f.data ? valueAt(f.data, row) : null)}`).join(',');
}

/** Total order over ordering values: null lowest, numbers and bigints numerically, then text, bytes. */
export function compareOrdering(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    if (x !== y) return x < y ? -1 : 1;
    // Equal as doubles but maybe not exactly: settle on the exact integers where possible.
    if (Number.isInteger(x) && Number.isInteger(y)) {
      const bx = typeof a === 'bigint' ? a : BigInt(a);
      const by = typeof b === 'bigint' ? b : BigInt(b);
      return bx < by ? -1 : bx > by ? 1 : 0;
    }
    return 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
