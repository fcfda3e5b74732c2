// The fixed-size trailer at the end of an HFile v3: where the load-on-open section (root index,
// meta index, file info) starts, how many index levels and entries there are, and the codec.
// Version 3 stores the fields as a protobuf message after the trailer magic.

import { HFileFormatError } from '../errors.js';
import { delimitedMessage, protoBytes, protoNumber, readProtoFields } from './protobuf.js';
import { utf8Decoder } from './hfile-bytes.js';

/** HFile v3 pads its trailer to this many bytes. */
export const TRAILER_SIZE = 4096;

const TRAILER_MAGIC = new Uint8Array([0x54, 0x52, 0x41, 0x42, 0x4c, 0x4b, 0x22, 0x24]); // TRABLK"$

/** Hadoop compression codec ordinals as HBase's Compression.Algorithm numbers them. */
export const Codec = { LZO: 0, GZ: 1, NONE: 2, SNAPPY: 3, LZ4: 4, BZIP2: 5, ZSTD: 6 } as const;

export interface HFileTrailer {
  majorVersion: number;
  minorVersion: number;
  fileInfoOffset: number;
  loadOnOpenOffset: number;
  uncompressedDataIndexSize: number;
  totalUncompressedBytes: number;
  dataIndexCount: number;
  metaIndexCount: number;
  entryCount: number;
  /** 1: the root index points at data blocks; more: at intermediate or leaf index blocks. */
  dataIndexLevels: number;
  firstDataBlockOffset: number;
  lastDataBlockOffset: number;
  comparatorClassName: string;
  codec: number;
}

/** Parses the last TRAILER_SIZE bytes of a file of `fileSize` bytes. */
export function parseTrailer(bytes: Uint8Array, fileSize: number): HFileTrailer {
  if (bytes.length !== TRAILER_SIZE) {
    throw new HFileFormatError(`the file is ${fileSize} bytes, too short for an HFile v3 trailer of ${TRAILER_SIZE} bytes`);
  }
  for (let i = 0; i < TRAILER_MAGIC.length; i++) {
    if (bytes[i] !== TRAILER_MAGIC[i]) throw new HFileFormatError('no HFile trailer magic at the end of the file (truncated, or not an HFile)');
  }
  const versionWord = new DataView(bytes.buffer, bytes.byteOffset + TRAILER_SIZE - 4, 4).getUint32(0, false);
  const majorVersion = versionWord & 0x00ffffff;
  const minorVersion = versionWord >>> 24;
  if (majorVersion !== 3) {
    throw new HFileFormatError(`HFile major version ${majorVersion} is not supported (Hudi writes version 3)`);
  }
  const what = 'HFile trailer';
  const message = delimitedMessage(bytes.subarray(TRAILER_MAGIC.length, TRAILER_SIZE - 4), what);
  const t: HFileTrailer = {
    majorVersion,
    minorVersion,
    fileInfoOffset: 0,
    loadOnOpenOffset: 0,
    uncompressedDataIndexSize: 0,
    totalUncompressedBytes: 0,
    dataIndexCount: 0,
    metaIndexCount: 0,
    entryCount: 0,
    dataIndexLevels: 1,
    firstDataBlockOffset: 0,
    lastDataBlockOffset: 0,
    comparatorClassName: '',
    codec: Codec.NONE,
  };
  for (const f of readProtoFields(message, what)) {
    switch (f.field) {
      case 1: t.fileInfoOffset = protoNumber(f, what); break;
      case 2: t.loadOnOpenOffset = protoNumber(f, what); break;
      case 3: t.uncompressedDataIndexSize = protoNumber(f, what); break;
      case 4: t.totalUncompressedBytes = protoNumber(f, what); break;
      case 5: t.dataIndexCount = protoNumber(f, what); break;
      case 6: t.metaIndexCount = protoNumber(f, what); break;
      case 7: t.entryCount = protoNumber(f, what); break;
      case 8: t.dataIndexLevels = protoNumber(f, what); break;
      case 9: t.firstDataBlockOffset = protoNumber(f, what); break;
      case 10: t.lastDataBlockOffset = protoNumber(f, what); break;
      case 11: t.comparatorClassName = utf8Decoder.decode(protoBytes(f, what)); break;
      case 12: t.codec = protoNumber(f, what); break;
      case 13: throw new HFileFormatError('the HFile is encrypted, which is not supported');
      default: break; // fields added by later writers do not change how the rest reads
    }
  }
  const dataEnd = fileSize - TRAILER_SIZE;
  if (t.loadOnOpenOffset <= 0 || t.loadOnOpenOffset >= dataEnd) {
    throw new HFileFormatError(`the trailer puts the load-on-open section at ${t.loadOnOpenOffset}, outside the ${fileSize}-byte file`);
  }
  if (t.dataIndexLevels < 1 || t.dataIndexLevels > 16) throw new HFileFormatError(`the trailer declares ${t.dataIndexLevels} data index levels`);
  if (t.codec !== Codec.NONE && t.codec !== Codec.GZ) {
    const name = Object.entries(Codec).find(([, v]) => v === t.codec)?.[0] ?? `codec ${t.codec}`;
    throw new HFileFormatError(`HFile compression ${name} is not supported (only GZ and NONE are)`);
  }
  return t;
}
