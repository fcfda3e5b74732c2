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
  finishInto,
  newWriter,
  readFieldHeader,
  rewriteStruct,
  skipValue,
  ThriftType,
  writeBytes,
  writeListHeader,
  writtenLength,
  type FieldAction,
  type FieldHeader,
  type FieldInsert,
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';
import { KEY_VALUE_METADATA, keyValueListOf, readKeyValueList, writeKeyValue } from './key-value-structs.js';

const TRAILER = 8;

const decoder = new TextDecoder();

/** The key-value entries of thrift FileMetaData bytes: key -> value bytes (a view into `thrift`; empty when a value is absent). */
export function footerKeyValueBytes(thrift: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const r = keyValueListOf(thrift);
  if (!r) return out;
  for (const kv of readKeyValueList(r)) if (kv.key) out.set(decoder.decode(kv.key), kv.value ?? new Uint8Array(0));
  // the fields after the list are walked too: a footer cut short is refused, not read short
  for (let h = readFieldHeader(r, KEY_VALUE_METADATA), last = KEY_VALUE_METADATA; h; h = readFieldHeader(r, last)) {
    last = h.id;
    skipValue(r, h.type);
  }
  return out;
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

/**
 * How a footer rewrite adds `entries` to the key-value metadata of FileMetaData `thrift`:
 * `decide` rewrites the list (keys already present are replaced) and `inserts` adds it to a
 * footer that has none. Shared by the key-value splice below and the bloom filter placement,
 * which does both in one rewrite.
 */
export function keyValueRewrite(thrift: Uint8Array, entries: ReadonlyArray<readonly [string, Uint8Array]>): { decide: (h: FieldHeader) => FieldAction | undefined; inserts: FieldInsert[] } {
  const added = new Set(entries.map(([key]) => key));
  const writeList = (w: ThriftWriter, kept: Uint8Array[]): void => {
    writeListHeader(w, kept.length + entries.length, ThriftType.STRUCT);
    for (const element of kept) writeBytes(w, element);
    for (const [key, value] of entries) writeKeyValue(w, encoder.encode(key), value);
  };
  return {
    decide: (h) =>
      h.id !== KEY_VALUE_METADATA || h.type !== ThriftType.LIST
        ? undefined
        : {
            kind: 'rewrite',
            rewrite: (r2, w2) => writeList(w2, readKeyValueList(r2).filter((kv) => !kv.key || !added.has(decoder.decode(kv.key))).map((kv) => r2.bytes.subarray(kv.start, kv.end))),
          },
    // a footer without key-value metadata gets the list as a new field
    inserts: keyValueListOf(thrift) ? [] : [{ id: KEY_VALUE_METADATA, type: ThriftType.LIST, write: (w) => writeList(w, []) }],
  };
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
  const thrift = file.subarray(dataEnd, dataEnd + thriftLength);
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  const w = newWriter();
  try {
    const kv = keyValueRewrite(thrift, entries);
    rewriteStruct(r, w, (h) => kv.decide(h) ?? COPY, kv.inserts);
  } catch (e) {
    throw corruptError(`${what} (footer)`, e);
  }
  // the footer is written straight into the file, not built apart and copied
  const length = writtenLength(w);
  const out = new Uint8Array(dataEnd + length + TRAILER);
  out.set(file.subarray(0, dataEnd));
  finishInto(w, out, dataEnd);
  new DataView(out.buffer).setUint32(dataEnd + length, length, true);
  out.set(MAGIC, dataEnd + length + 4);
  return out;
}
