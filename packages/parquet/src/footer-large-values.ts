// A full footer parse decodes every key-value entry into a JavaScript string, and a Hudi base
// file's footer carries its record-key bloom filter there: hundreds of KiB of Base64 text that
// most readers never look at (the key index reads it as bytes, see footer-key-values.ts). The
// footer is parsed with such values emptied, and each is decoded only when asked for.

import { COPY, finish, newWriter, rewriteStruct, ThriftType, writeBytes, writeListHeader, type FieldAction, type ThriftReader, type ThriftWriter } from './thrift-compact.js';
import { KEY_VALUE_METADATA, readKeyValueList, writeKeyValue } from './key-value-structs.js';

/** Values longer than this are taken out of the parse. */
const LARGE_FOOTER_VALUE = 16 * 1024;

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
  const list = readKeyValueList(r);
  writeListHeader(w, list.length, ThriftType.STRUCT);
  for (const kv of list) {
    if (!kv.key) {
      writeBytes(w, r.bytes.subarray(kv.start, kv.end));
      continue;
    }
    const set = kv.value !== undefined && kv.value.length > LARGE_FOOTER_VALUE;
    if (set) large.set(decoder.decode(kv.key), kv.value!);
    writeKeyValue(w, kv.key, set ? new Uint8Array(0) : kv.value);
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
