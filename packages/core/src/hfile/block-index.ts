// Block indexes of an HFile. The root level (in the load-on-open section) lists, per child, its
// offset, on-disk size and first key; in a multi-level index the children are intermediate or
// leaf index blocks in the "non-root" layout (entry count, an offset table, then the entries),
// and only the last level points at data blocks. The meta index is a root-level index whose keys
// are meta block names.

import { HFileFormatError } from '../errors.js';
import { HFileCursor } from './hfile-bytes.js';

export interface IndexEntry {
  /** Offset of the child block in the file. */
  offset: number;
  /** The child's on-disk size including header and checksums. */
  onDiskSize: number;
  /** The index key: a whole cell key (data index) or a plain name (meta index). */
  key: Uint8Array;
}

/** Reads `count` root-layout entries (the rest of the block, e.g. mid-key data, is ignored). */
export function parseRootIndex(data: Uint8Array, count: number, what: string): IndexEntry[] {
  const c = new HFileCursor(data, 0, data.length, what);
  const out: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const offset = c.i64();
    const onDiskSize = c.i32();
    const keyLength = c.vlong();
    if (keyLength < 0) throw new HFileFormatError(`${what}: entry ${i} has key length ${keyLength}`);
    out.push({ offset, onDiskSize, key: c.take(keyLength) });
  }
  return out;
}

/** Reads the entries of an intermediate or leaf index block. */
export function parseNonRootIndex(data: Uint8Array, what: string): IndexEntry[] {
  const c = new HFileCursor(data, 0, data.length, what);
  const count = c.i32();
  if (count < 0 || 4 + (count + 1) * 4 > data.length) throw new HFileFormatError(`${what}: implausible entry count ${count}`);
  const secondary: number[] = [];
  for (let i = 0; i <= count; i++) secondary.push(c.i32());
  const base = c.pos;
  const out: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const start = base + secondary[i]!;
    const end = base + secondary[i + 1]!;
    if (end - start < 12 || end > data.length) throw new HFileFormatError(`${what}: entry ${i} has bad bounds ${start}..${end}`);
    const e = new HFileCursor(data, start, end, what);
    const offset = e.i64();
    const onDiskSize = e.i32();
    out.push({ offset, onDiskSize, key: e.take(end - e.pos) });
  }
  return out;
}

/** The row of a cell key: a 2-byte length, then the row bytes (family, qualifier etc. follow). */
export function rowOfCellKey(key: Uint8Array, what: string): Uint8Array {
  if (key.length < 2) throw new HFileFormatError(`${what}: a cell key of ${key.length} bytes has no row length`);
  const rowLength = (key[0]! << 8) | key[1]!;
  if (2 + rowLength > key.length) throw new HFileFormatError(`${what}: a cell key's row length ${rowLength} runs past the key`);
  return key.subarray(2, 2 + rowLength);
}
