// A footer's key-value metadata alone, values as raw bytes. A Hudi base file's footer carries its
// record-key bloom filter there as Base64 text (about 580 KB by default): a full footer parse
// turns it into a JavaScript string (a UTF-8 decode) only for the reader to decode the Base64
// again, and parses the schema and every column chunk's statistics it does not need. Here the
// thrift fields before the list are skipped and each value is handed out as the bytes it is.

import type { ByteSource } from './byte-source.js';
import { corruptError } from './errors.js';
import { DEFAULT_FOOTER_READ, readFooterTail } from './footer.js';
import { readBinary, readFieldHeader, readListHeader, skipValue, ThriftType, type ThriftReader } from './thrift-compact.js';

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
