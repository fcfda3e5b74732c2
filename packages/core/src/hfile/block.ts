// One HFile block: a 33-byte header (magic, sizes, previous offset, checksum settings), the
// possibly compressed payload, then checksums of header plus payload. Checksums are verified, so
// a flipped byte is reported as damage instead of decoding into wrong keys.

import { gunzipSync } from 'fflate';

import { HFileFormatError } from '../errors.js';
import { crc32, crc32c } from './checksums.js';
import { HFileCursor, utf8Decoder } from './hfile-bytes.js';
import { Codec } from './trailer.js';

export const BLOCK_HEADER_SIZE = 33;

export const BlockMagic = {
  DATA: 'DATABLK*',
  ENCODED_DATA: 'DATABLKE',
  LEAF_INDEX: 'IDXLEAF2',
  INTERMEDIATE_INDEX: 'IDXINTE2',
  ROOT_INDEX: 'IDXROOT2',
  META: 'METABLKc',
  FILE_INFO: 'FILEINF2',
  BLOOM_CHUNK: 'BLMFBLK2',
  BLOOM_META: 'BLMFMET2',
} as const;

export interface BlockHeader {
  magic: string;
  /** Bytes after the header: payload plus checksums. */
  onDiskSizeWithoutHeader: number;
  uncompressedSizeWithoutHeader: number;
  prevBlockOffset: number;
  checksumType: number;
  bytesPerChecksum: number;
  /** Header plus (compressed) payload, without checksums. */
  onDiskDataSizeWithHeader: number;
}

export interface HFileBlock {
  header: BlockHeader;
  /** Offset of the block in the file. */
  offset: number;
  /** The uncompressed payload. */
  data: Uint8Array;
}

export function parseBlockHeader(bytes: Uint8Array, offset: number): BlockHeader {
  const c = new HFileCursor(bytes, 0, bytes.length, `block header at offset ${offset}`);
  const magic = utf8Decoder.decode(c.take(8));
  const header: BlockHeader = {
    magic,
    onDiskSizeWithoutHeader: c.i32(),
    uncompressedSizeWithoutHeader: c.i32(),
    prevBlockOffset: c.i64(),
    checksumType: c.u8(),
    bytesPerChecksum: c.i32(),
    onDiskDataSizeWithHeader: c.i32(),
  };
  if (!Object.values(BlockMagic).includes(magic as (typeof BlockMagic)[keyof typeof BlockMagic])) {
    throw new HFileFormatError(`no block magic at offset ${offset} (found ${JSON.stringify(magic)})`);
  }
  if (
    header.onDiskSizeWithoutHeader < 0 ||
    header.uncompressedSizeWithoutHeader < 0 ||
    header.onDiskDataSizeWithHeader < BLOCK_HEADER_SIZE ||
    header.onDiskDataSizeWithHeader > BLOCK_HEADER_SIZE + header.onDiskSizeWithoutHeader
  ) {
    throw new HFileFormatError(`block at offset ${offset} declares inconsistent sizes`);
  }
  return header;
}

function verifyChecksums(bytes: Uint8Array, h: BlockHeader, offset: number): void {
  // 0 is Hadoop's NULL checksum: nothing to verify.
  if (h.checksumType === 0) return;
  if (h.checksumType !== 1 && h.checksumType !== 2) throw new HFileFormatError(`block at offset ${offset} uses unknown checksum type ${h.checksumType}`);
  if (h.bytesPerChecksum <= 0) throw new HFileFormatError(`block at offset ${offset} declares ${h.bytesPerChecksum} bytes per checksum`);
  const fn = h.checksumType === 1 ? crc32 : crc32c;
  const dataEnd = h.onDiskDataSizeWithHeader;
  const chunks = Math.ceil(dataEnd / h.bytesPerChecksum);
  const sums = new HFileCursor(bytes, dataEnd, BLOCK_HEADER_SIZE + h.onDiskSizeWithoutHeader, `checksums of the block at offset ${offset}`);
  for (let i = 0; i < chunks; i++) {
    const start = i * h.bytesPerChecksum;
    const expected = sums.i32() >>> 0;
    const actual = fn(bytes.subarray(start, Math.min(dataEnd, start + h.bytesPerChecksum)));
    if (expected !== actual) throw new HFileFormatError(`checksum mismatch in the block at offset ${offset} (chunk ${i})`);
  }
}

/**
 * Decodes a block from `bytes`, which hold exactly its on-disk size (header, payload, checksums),
 * and checks that its magic is one of `expected`.
 */
export function decodeBlock(bytes: Uint8Array, offset: number, codec: number, expected: readonly string[]): HFileBlock {
  const header = parseBlockHeader(bytes, offset);
  if (!expected.includes(header.magic)) {
    throw new HFileFormatError(`block at offset ${offset} is ${header.magic}, expected ${expected.join(' or ')}`);
  }
  if (bytes.length < BLOCK_HEADER_SIZE + header.onDiskSizeWithoutHeader) {
    throw new HFileFormatError(`block at offset ${offset} runs past the end of the file`);
  }
  verifyChecksums(bytes, header, offset);
  const payload = bytes.subarray(BLOCK_HEADER_SIZE, header.onDiskDataSizeWithHeader);
  let data: Uint8Array;
  if (codec === Codec.NONE) {
    data = payload;
  } else {
    try {
      data = gunzipSync(payload);
    } catch (e) {
      throw new HFileFormatError(`block at offset ${offset} does not decompress: ${(e as Error).message}`, { cause: e });
    }
  }
  if (data.length !== header.uncompressedSizeWithoutHeader) {
    throw new HFileFormatError(`block at offset ${offset} holds ${data.length} bytes, its header says ${header.uncompressedSizeWithoutHeader}`);
  }
  return { header, offset, data };
}
