// Cells (HBase KeyValues) of an HFile data block: key length, value length, the key (row length,
// row, family length, family, qualifier, timestamp, type), the value, then, when the file says
// so, tags and the memstore timestamp as a variable-length long.

import { HFileFormatError } from '../errors.js';
import { HFileCursor, utf8Decoder } from './hfile-bytes.js';

export interface HFileCell {
  /** The row key; for Hudi, the record key's UTF-8 bytes. */
  row: Uint8Array;
  family: Uint8Array;
  qualifier: Uint8Array;
  timestamp: bigint;
  /** HBase cell type (4 = Put). */
  type: number;
  value: Uint8Array;
}

/** What the file info says follows each value. */
export interface CellLayout {
  includesTags: boolean;
  includesMemstoreTS: boolean;
}

/** The row key of a cell as a string (Hudi record keys are UTF-8). */
export function rowString(cell: HFileCell): string {
  return utf8Decoder.decode(cell.row);
}

/** Every cell of a data block's payload, in order. */
export function parseCells(data: Uint8Array, layout: CellLayout, what: string): HFileCell[] {
  const c = new HFileCursor(data, 0, data.length, what);
  const out: HFileCell[] = [];
  while (c.remaining > 0) {
    const keyLength = c.i32();
    const valueLength = c.i32();
    // row length (2) + family length (1) + timestamp (8) + type (1)
    if (keyLength < 12 || valueLength < 0) throw new HFileFormatError(`${what}: cell ${out.length} has key length ${keyLength}, value length ${valueLength}`);
    const keyEnd = c.pos + keyLength;
    c.need(keyLength);
    const rowLength = c.u16();
    const row = c.take(rowLength);
    const familyLength = c.u8();
    const family = c.take(familyLength);
    const qualifierLength = keyEnd - 9 - c.pos;
    if (qualifierLength < 0) throw new HFileFormatError(`${what}: cell ${out.length} has a row and family longer than its key`);
    const qualifier = c.take(qualifierLength);
    const timestamp = c.bigI64();
    const type = c.u8();
    const value = c.take(valueLength);
    if (layout.includesTags) c.take(c.u16());
    if (layout.includesMemstoreTS) c.vlong();
    out.push({ row, family, qualifier, timestamp, type, value });
  }
  return out;
}
