// A footer's key-value metadata alone, values as raw bytes, read and added. A Hudi base file's footer carries its
// record-key bloom filter there as Base64 text (about 580 KB by default): a full footer parse
// turns it into a JavaScript string (a UTF-8 decode) only for the reader to decode the Base64
// again, and parses the schema and every column chunk's statistics it does not need. Here the
// thrift fields before the list are skipped and each value is handed out as the bytes it is.

import type { ByteSource } from './byte-source.js';
import { corruptError } from './errors.js';
import { DEFAULT_FOOTER_READ, readFooterTail, trailerLength } from './footer.js';
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

const TRAILER = 8;
/** FileMetaData field 5: list<KeyValue>, KeyValue being { 1: string key, 2: optional string value }. */
const KEY_VALUE_METADATA = 5;

const decoder = new TextDecoder();

/** The key-value entries of thrift FileMetaData bytes: key -> value bytes (a view into `thrift`; empty when a value is absent). */
export function footerKeyValueBytes(thrift: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  let last = 0;
  for (;;) {
    const h = readFieldHeader(r, last);
    if (!h) return out;
    last = h.id;
    if (h.id !== KEY_VALUE_METADATA || h.type !== ThriftType.LIST) {
      skipValue(r, h.type);
      continue;
    }
    const { size, elementType } = readListHeader(r);
    for (let i = 0; i < size; i++) {
      if (elementType !== ThriftType.STRUCT) {
        skipValue(r, elementType);
        continue;
      }
      let key: string | undefined;
      let value: Uint8Array = new Uint8Array(0);
      let field = 0;
      for (let f = readFieldHeader(r, field); f; f = readFieldHeader(r, field)) {
        field = f.id;
        if (f.id === 1 && f.type === ThriftType.BINARY) key = decoder.decode(readBinary(r));
        else if (f.id === 2 && f.type === ThriftType.BINARY) value = readBinary(r);
        else skipValue(r, f.type);
      }
      if (key !== undefined) out.set(key, value);
    }
  }
}

/**
 * Reads only the footer's key-value metadata through a source (the same one or two suffix reads
 * as a full footer read), values as bytes.
 */
export async function readFooterKeyValues(source: ByteSource, what = 'Parquet file', initialReadSize = DEFAULT_FOOTER_READ): Promise<Map<string, Uint8Array>> {
  const { tail, length } = await readFooterTail(source, initialReadSize, what);
  const start = tail.length - length - TRAILER;
  try {
    return footerKeyValueBytes(tail.subarray(start, start + length));
  } catch (e) {
    throw corruptError(`${what} (footer)`, e);
  }
}

/** Footer key-value entries to write: text, or the UTF-8 bytes of a large text. */
export type FooterMetadata = Record<string, string | Uint8Array>;

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
const encoder = new TextEncoder();

/** Writes one KeyValue struct: { 1: key, 2: value }. */
function writeKeyValue(w: ThriftWriter, key: string, value: Uint8Array): void {
  writeFieldHeader(w, ThriftType.BINARY, 1, 0);
  writeBinary(w, encoder.encode(key));
  writeFieldHeader(w, ThriftType.BINARY, 2, 1);
  writeBinary(w, value);
  writeStop(w);
}

/**
 * `file` (a whole Parquet file) with `entries` added to its footer's key-value metadata, each
 * value given as its UTF-8 bytes. For values too large to go through the encoder as strings (a
 * Hudi bloom filter is hundreds of KiB of Base64): they are copied into the footer, never turned
 * into a JavaScript string. Data pages keep their offsets; keys already present are replaced.
 */
export function appendFooterKeyValues(file: Uint8Array, entries: ReadonlyArray<readonly [string, Uint8Array]>): Uint8Array {
  if (entries.length === 0) return file;
  const what = 'the Parquet file just encoded';
  const thriftLength = trailerLength(file, file.length, what);
  const dataEnd = file.length - TRAILER - thriftLength;
  const added = new Set(entries.map(([key]) => key));
  const r: ThriftReader = { bytes: file.subarray(dataEnd, dataEnd + thriftLength), pos: 0 };
  const w = newWriter();
  const writeList = (kept: Uint8Array[]): void => {
    writeListHeader(w, kept.length + entries.length, ThriftType.STRUCT);
    for (const element of kept) writeBytes(w, element);
    for (const [key, value] of entries) writeKeyValue(w, key, value);
  };
  try {
    rewriteStruct(
      r,
      w,
      (h): FieldAction => {
        if (h.id !== KEY_VALUE_METADATA || h.type !== ThriftType.LIST) return COPY;
        return { kind: 'rewrite', rewrite: (r2) => writeList(keptKeyValues(r2, added)) };
      },
      // a footer without key-value metadata gets the list as a new field
      footerHasKeyValues(file.subarray(dataEnd, dataEnd + thriftLength)) ? [] : [{ id: KEY_VALUE_METADATA, type: ThriftType.LIST, write: () => writeList([]) }],
    );
  } catch (e) {
    throw corruptError(`${what} (footer)`, e);
  }
  const thrift = finish(w);
  const out = new Uint8Array(dataEnd + thrift.length + TRAILER);
  out.set(file.subarray(0, dataEnd));
  out.set(thrift, dataEnd);
  new DataView(out.buffer).setUint32(dataEnd + thrift.length, thrift.length, true);
  out.set(MAGIC, dataEnd + thrift.length + 4);
  return out;
}

/** The encoded KeyValue structs of the list at `r` whose key is not in `replaced`. */
function keptKeyValues(r: ThriftReader, replaced: Set<string>): Uint8Array[] {
  const { size, elementType } = readListHeader(r);
  const kept: Uint8Array[] = [];
  for (let i = 0; i < size; i++) {
    const start = r.pos;
    if (elementType !== ThriftType.STRUCT) {
      skipValue(r, elementType);
      continue;
    }
    let key: string | undefined;
    let field = 0;
    for (let f = readFieldHeader(r, field); f; f = readFieldHeader(r, field)) {
      field = f.id;
      if (f.id === 1 && f.type === ThriftType.BINARY) key = decoder.decode(readBinary(r));
      else skipValue(r, f.type);
    }
    if (key === undefined || !replaced.has(key)) kept.push(r.bytes.subarray(start, r.pos));
  }
  return kept;
}

function footerHasKeyValues(thrift: Uint8Array): boolean {
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    if (h.id === KEY_VALUE_METADATA && h.type === ThriftType.LIST) return true;
    last = h.id;
    skipValue(r, h.type);
  }
  return false;
}
