// A full footer parse decodes every key-value entry into a JavaScript string, and a Hudi base
// file's footer carries its record-key bloom filter there: hundreds of KiB of Base64 text that
// most readers never look at (the key index reads it as bytes, see footer-key-values.ts). The
// footer is parsed with such values emptied, and each is decoded only when asked for.

import {
  COPY,
  finish,
  newWriter,
  readBinary,
  readFieldHeader,
  readListHeader,
  rewriteStruct,
  skipValue,
  ThriftType,
  writeBinary,
  writeBytes,
  writeFieldHeader,
  writeListHeader,
  writeStop,
  type FieldAction,
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';

/** Values longer than this are taken out of the parse. */
const LARGE_FOOTER_VALUE = 16 * 1024;

/** FileMetaData field 5: list<KeyValue>. */
const KEY_VALUE_METADATA = 5;
const decoder = new TextDecoder();

/**
 * The thrift footer with every key-value value over LARGE_FOOTER_VALUE bytes emptied, and those
 * values by key; `thrift` itself when it has none.
 */
export function withoutLargeValues(thrift: Uint8Array): { thrift: Uint8Array; large: Map<string, Uint8Array> } {
  const large = new Map<string, Uint8Array>();
  if (thrift.length <= LARGE_FOOTER_VALUE) return { thrift, large };
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  const w = newWriter();
  rewriteStruct(r, w, (h): FieldAction => {
    if (h.id !== KEY_VALUE_METADATA || h.type !== ThriftType.LIST) return COPY;
    return { kind: 'rewrite', rewrite: (r2, w2) => copyKeyValues(r2, w2, large) };
  });
  return large.size === 0 ? { thrift, large } : { thrift: finish(w), large };
}

function copyKeyValues(r: ThriftReader, w: ThriftWriter, large: Map<string, Uint8Array>): void {
  const { size, elementType } = readListHeader(r);
  writeListHeader(w, size, elementType);
  for (let i = 0; i < size; i++) {
    if (elementType !== ThriftType.STRUCT) {
      const start = r.pos;
      skipValue(r, elementType);
      writeBytes(w, r.bytes.subarray(start, r.pos));
      continue;
    }
    let key: Uint8Array | undefined;
    let value: Uint8Array | undefined;
    let field = 0;
    for (let f = readFieldHeader(r, field); f; f = readFieldHeader(r, field)) {
      field = f.id;
      if (f.id === 1 && f.type === ThriftType.BINARY) key = readBinary(r);
      else if (f.id === 2 && f.type === ThriftType.BINARY) value = readBinary(r);
      else skipValue(r, f.type);
    }
    let last = 0;
    if (key !== undefined) {
      writeFieldHeader(w, ThriftType.BINARY, 1, last);
      writeBinary(w, key);
      last = 1;
    }
    if (value !== undefined) {
      const kept = value.length > LARGE_FOOTER_VALUE && key !== undefined;
      if (kept) large.set(decoder.decode(key), value);
      writeFieldHeader(w, ThriftType.BINARY, 2, last);
      writeBinary(w, kept ? new Uint8Array(0) : value);
    }
    writeStop(w);
  }
}

/** Puts the large values back into `keyValues` as properties decoded on first read. */
export function restoreLargeValues(keyValues: Record<string, string>, large: Map<string, Uint8Array>): void {
  for (const [key, bytes] of large) {
    let text: string | undefined;
    Object.defineProperty(keyValues, key, {
      enumerable: true,
      configurable: true,
      get: () => (text ??= decoder.decode(bytes)),
    });
  }
}
