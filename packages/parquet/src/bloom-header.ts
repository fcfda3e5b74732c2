// The thrift (compact protocol) BloomFilterHeader that precedes a bitset in a Parquet file:
// numBytes, then the algorithm, hash and compression unions, each with its only defined
// member (BLOCK, XXHASH, UNCOMPRESSED), an empty struct.

import { finish, newWriter, readFieldHeader, readZigZag, skipValue, ThriftType, writeByte, writeFieldHeader, writeStop, writeZigZag, type ThriftReader } from './thrift-compact.js';

export function encodeBloomHeader(numBytes: number): Uint8Array {
  const w = newWriter();
  writeFieldHeader(w, ThriftType.I32, 1, 0);
  writeZigZag(w, BigInt(numBytes));
  for (let id = 2; id <= 4; id++) {
    writeFieldHeader(w, ThriftType.STRUCT, id, id - 1);
    // union { 1: empty struct }
    writeFieldHeader(w, ThriftType.STRUCT, 1, 0);
    writeStop(w);
    writeStop(w);
  }
  writeByte(w, ThriftType.STOP);
  return finish(w);
}

export interface BloomHeader {
  numBytes: number;
  /** Size of the header itself: the bitset starts this many bytes after it. */
  headerLength: number;
}

/**
 * Parses a BloomFilterHeader; undefined when it names an algorithm, hash or compression other
 * than the ones the format defines today (a reader then cannot use the filter).
 */
export function decodeBloomHeader(bytes: Uint8Array): BloomHeader | undefined {
  const r: ThriftReader = { bytes, pos: 0 };
  let numBytes: number | undefined;
  let known = 0;
  let last = 0;
  for (;;) {
    const h = readFieldHeader(r, last);
    if (!h) break;
    last = h.id;
    if (h.id === 1 && h.type === ThriftType.I32) numBytes = Number(readZigZag(r));
    else if (h.id >= 2 && h.id <= 4 && h.type === ThriftType.STRUCT) {
      const member = readFieldHeader(r, 0);
      if (member?.id === 1) known++;
      if (member) {
        skipValue(r, member.type);
        skipValue(r, ThriftType.STRUCT); // the rest of the union
      }
    } else skipValue(r, h.type);
  }
  if (numBytes === undefined || numBytes < 32 || numBytes % 32 !== 0 || known !== 3) return undefined;
  return { numBytes, headerLength: r.pos };
}
