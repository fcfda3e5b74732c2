// Record keys and ordering values of rows: from `_hoodie_record_key` when the table stores meta
// fields, otherwise formatted from the key fields the way Hudi's key generators do.

import type { Data } from 'apache-arrow';

import { valueAt } from '../arrow/value-at.js';

const NULL_KEY_PART = '__null__';
const EMPTY_KEY_PART = '__empty__';

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
