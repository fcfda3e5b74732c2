// The KeyValue structs of a footer's key_value_metadata list ({ 1: string key, 2: optional string
// value }), read as byte views and written from bytes: the one reading and writing of them that
// the footer readers, the key-value splice and the piece join share. A leaf: thrift only.

import { readBinary, readFieldHeader, readListHeader, skipValue, ThriftType, writeBinary, writeFieldHeader, writeStop, type ThriftReader, type ThriftWriter } from './thrift-compact.js';

/** One element of the list: its key and value bytes (views), and where it lies in the input. */
export interface KeyValueStruct {
  key?: Uint8Array;
  value?: Uint8Array;
  start: number;
  end: number;
}

/** Reads the list at `r` (its header included); elements that are not structs have no key. */
export function readKeyValueList(r: ThriftReader): KeyValueStruct[] {
  const { size, elementType } = readListHeader(r);
  const out: KeyValueStruct[] = [];
  for (let i = 0; i < size; i++) {
    const entry: KeyValueStruct = { start: r.pos, end: r.pos };
    if (elementType !== ThriftType.STRUCT) skipValue(r, elementType);
    else {
      let field = 0;
      for (let f = readFieldHeader(r, field); f; f = readFieldHeader(r, field)) {
        field = f.id;
        if (f.id === 1 && f.type === ThriftType.BINARY) entry.key = readBinary(r);
        else if (f.id === 2 && f.type === ThriftType.BINARY) entry.value = readBinary(r);
        else skipValue(r, f.type);
      }
    }
    entry.end = r.pos;
    out.push(entry);
  }
  return out;
}

/** Writes one KeyValue struct; without `value`, the optional field is left out. */
export function writeKeyValue(w: ThriftWriter, key: Uint8Array, value: Uint8Array | undefined): void {
  writeFieldHeader(w, ThriftType.BINARY, 1, 0);
  writeBinary(w, key);
  if (value !== undefined) {
    writeFieldHeader(w, ThriftType.BINARY, 2, 1);
    writeBinary(w, value);
  }
  writeStop(w);
}

/** FileMetaData field 5: list<KeyValue>. */
export const KEY_VALUE_METADATA = 5;

/** A reader placed at the key-value list of thrift FileMetaData bytes; undefined when it has none. */
export function keyValueListOf(thrift: Uint8Array): ThriftReader | undefined {
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    if (h.id === KEY_VALUE_METADATA && h.type === ThriftType.LIST) return r;
    last = h.id;
    skipValue(r, h.type);
  }
  return undefined;
}
