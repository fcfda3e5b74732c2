// The file info block: a "PBUF" marker, then a length-delimited protobuf list of byte-string
// pairs. HBase keeps its own settings there (last key, key-value version, max tags length) and
// Hudi adds its own (the Avro schema, the min and max record keys, the bloom filter type).

import { HFileFormatError } from '../errors.js';
import { delimitedMessage, protoBytes, readProtoFields } from './protobuf.js';
import { utf8Decoder } from './hfile-bytes.js';

const PBUF = [0x50, 0x42, 0x55, 0x46];

/** File info keys this reader interprets. */
export const FileInfoKey = {
  LAST_KEY: 'hfile.LASTKEY',
  MAX_TAGS_LEN: 'hfile.MAX_TAGS_LEN',
  KEY_VALUE_VERSION: 'KEY_VALUE_VERSION',
  MAX_MEMSTORE_TS: 'MAX_MEMSTORE_TS_KEY',
  /** Hudi: the Avro schema of the values. */
  SCHEMA: 'schema',
  /** Hudi: the smallest and largest record keys. */
  MIN_RECORD_KEY: 'minRecordKey',
  MAX_RECORD_KEY: 'maxRecordKey',
  BLOOM_FILTER_TYPE: 'bloomFilterTypeCode',
} as const;

export function parseFileInfo(data: Uint8Array): Map<string, Uint8Array> {
  const what = 'HFile file info';
  for (let i = 0; i < PBUF.length; i++) {
    if (data[i] !== PBUF[i]) throw new HFileFormatError(`${what} does not start with the PBUF marker`);
  }
  const message = delimitedMessage(data.subarray(PBUF.length), what);
  const out = new Map<string, Uint8Array>();
  for (const f of readProtoFields(message, what)) {
    if (f.field !== 1) continue;
    let first: Uint8Array | undefined;
    let second: Uint8Array | undefined;
    for (const g of readProtoFields(protoBytes(f, what), what)) {
      if (g.field === 1) first = protoBytes(g, what);
      else if (g.field === 2) second = protoBytes(g, what);
    }
    if (!first || !second) throw new HFileFormatError(`${what} holds an entry without a key or value`);
    out.set(utf8Decoder.decode(first), second);
  }
  return out;
}
