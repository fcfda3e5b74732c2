// Record keys and ordering values of rows: from `_hoodie_record_key` when the table stores meta
// fields, otherwise formatted from the key fields the way Hudi's key generators do.

import { DataType, type Data } from 'apache-arrow';

import { valueAt } from '../arrow/value-at.js';

const NULL_KEY_PART = '__null__';
const EMPTY_KEY_PART = '__empty__';
const utf8 = new TextDecoder();
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Row texts of a Utf8 column whose bytes are all ASCII (record keys nearly always are): the
 * column is decoded once and rows are substrings of it, instead of one decode per row. Undefined
 * for other columns.
 */
function asciiStrings(data: Data): ((row: number) => string) | undefined {
  if (!DataType.isUtf8(data.type) || !data.valueOffsets || !data.values) return undefined;
  const offsets = data.valueOffsets as Int32Array;
  const start = offsets[0];
  const bytes = (data.values as Uint8Array).subarray(start, offsets[data.length]);
  const all = utf8.decode(bytes);
  // Any byte outside ASCII decodes to a character outside it (U+FFFD when invalid), so an
  // all-ASCII text means one character per byte and offsets that index the text.
  if (all.length !== bytes.length || NON_ASCII.test(all)) return undefined;
  return (row) => all.substring(offsets[row] - start, offsets[row + 1] - start);
}

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
  if (keyColumn) {
    const text = asciiStrings(keyColumn);
    if (text) return (row) => (keyColumn.getValid(row) ? text(row) : '');
    return (row) => String(valueAt(keyColumn, row) ?? '');
  }
  if (fieldColumns.length === 1) {
    const d = fieldColumns[0].data;
    const text = d && asciiStrings(d);
    if (d && text) {
      return (row) => {
        if (!d.getValid(row)) return NULL_KEY_PART;
        const s = text(row);
        return s === '' ? EMPTY_KEY_PART : s;
      };
    }
    return (row) => keyPart(d ? valueAt(d, row) : null);
  }
  return (row) => fieldColumns.map((f) => `${f.name}:${keyPart(f.data ? valueAt(f.data, row) : null)}`).join(',');
}
