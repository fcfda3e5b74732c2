// Finding and parsing a Parquet footer, from whole-file bytes or from a ByteSource with a suffix
// read (one request for most files, two when the footer is bigger than the first read).

import { parquetMetadata } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import type { ByteSource } from './byte-source.js';
import { corruptError, ParquetError } from './errors.js';
import { restoreLargeValues, withoutLargeValues } from './footer-large-values.js';
import { toFileMetadata, type ParquetFileMetadata, type RawStatistics } from './file-metadata.js';

const MAGIC = 0x31524150; // "PAR1" little-endian
const ENCRYPTED_MAGIC = 0x45524150; // "PARE"
const TRAILER = 8; // 4-byte footer length + magic

export const DEFAULT_FOOTER_READ = 64 * 1024;

/** A parsed footer plus the bytes it came from, kept to rebuild smaller files for decoding. */
export interface Footer {
  fileSize: number;
  /** The thrift FileMetaData bytes. */
  thrift: Uint8Array;
  /** The last bytes of the file as fetched (footer included); reads inside it need no request. */
  tail: Uint8Array;
  tailOffset: number;
  metadata: ParquetFileMetadata;
}

export function trailerLength(tail: Uint8Array, fileSize: number, what: string): number {
  if (fileSize < 12) {
    throw new ParquetError('PARQUET_CORRUPT', `Cannot read ${what}: ${fileSize} bytes is too short for a Parquet file (at least 12). The object is empty or truncated.`);
  }
  const v = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const magic = v.getUint32(tail.length - 4, true);
  if (magic === ENCRYPTED_MAGIC) {
    throw new ParquetError('PARQUET_UNSUPPORTED', `Cannot read ${what}: the file has an encrypted footer, and encrypted Parquet is not supported.`);
  }
  if (magic !== MAGIC) {
    throw new ParquetError(
      'PARQUET_CORRUPT',
      `Cannot read ${what}: it does not end with the Parquet magic "PAR1". It is not a Parquet file, or it was truncated.`,
    );
  }
  const length = v.getUint32(tail.length - TRAILER, true);
  if (length + TRAILER + 4 > fileSize) {
    throw new ParquetError(
      'PARQUET_CORRUPT',
      `Cannot read ${what}: its footer claims ${length} bytes but the file has only ${fileSize}. The file is truncated or corrupt.`,
    );
  }
  return length;
}

/** Parses the thrift footer (with its 8-byte trailer) and checks the chunk ranges fit the file. */
export function parseFooter(footerWithTrailer: Uint8Array, fileSize: number, what: string): ParquetFileMetadata {
  const thriftLength = footerWithTrailer.length - TRAILER;
  let metadata: ParquetFileMetadata;
  try {
    const { thrift, large } = withoutLargeValues(footerWithTrailer.subarray(0, thriftLength));
    const parsed = large.size === 0 ? footerWithTrailer : withTrailer(thrift);
    const meta = parquetMetadata(parsed, { geoparquet: false });
    const raw = deserializeTCompactProtocol({ view: new DataView(thrift.buffer, thrift.byteOffset, thrift.length), offset: 0 });
    // the length of the footer as stored, not of the copy parsed
    metadata = { ...toFileMetadata(meta, rawStatistics(raw)), metadataLength: thriftLength };
    restoreLargeValues(metadata.keyValueMetadata, large);
  } catch (e) {
    throw corruptError(`${what} (footer)`, e);
  }
  const dataEnd = fileSize - TRAILER - thriftLength;
  for (const rg of metadata.rowGroups) {
    for (const c of rg.columns) {
      if (c.start < 4 || c.start + c.length > dataEnd) {
        throw new ParquetError(
          'PARQUET_CORRUPT',
          `Cannot read ${what}: column chunk ${c.name} of row group ${rg.index} claims bytes ${c.start}..${c.start + c.length}, ` +
            `outside the data region 4..${dataEnd}. The footer is corrupt.`,
        );
      }
    }
  }
  return metadata;
}

/** Thrift footer bytes followed by their length and the magic, as the footer parser takes them. */
function withTrailer(thrift: Uint8Array): Uint8Array {
  const out = new Uint8Array(thrift.length + TRAILER);
  out.set(thrift);
  const v = new DataView(out.buffer);
  v.setUint32(thrift.length, thrift.length, true);
  v.setUint32(thrift.length + 4, MAGIC, true);
  return out;
}

function rawStatistics(raw: Record<string, unknown>): RawStatistics {
  const groups = Array.isArray(raw.field_4) ? (raw.field_4 as Record<string, unknown>[]) : [];
  return groups.map((rg) => {
    const chunks = Array.isArray(rg?.field_1) ? (rg.field_1 as Record<string, unknown>[]) : [];
    return chunks.map((chunk) => {
      const md = chunk?.field_3 as Record<string, unknown> | undefined;
      const stats = md?.field_12;
      return stats && typeof stats === 'object' ? (stats as Record<string, unknown>) : undefined;
    });
  });
}

/** Reads the footer of a file held in memory. */
export function footerFromBytes(bytes: Uint8Array, what = 'Parquet bytes'): Footer {
  if (!(bytes instanceof Uint8Array)) {
    throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Expected the Parquet file as a Uint8Array, got ${typeof bytes}.`);
  }
  const length = trailerLength(bytes, bytes.length, what);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== MAGIC) {
    throw new ParquetError('PARQUET_CORRUPT', `Cannot read ${what}: it does not start with the Parquet magic "PAR1". It is not a Parquet file.`);
  }
  const start = bytes.length - TRAILER - length;
  const footer = bytes.subarray(start);
  return {
    fileSize: bytes.length,
    thrift: footer.subarray(0, length),
    tail: bytes,
    tailOffset: 0,
    metadata: parseFooter(footer, bytes.length, what),
  };
}

/** The bytes at the end of a file that hold its footer: `tail` starts at `tailOffset`, the thrift footer is its last `length + 8` bytes minus the trailer. */
export interface FooterTail {
  tail: Uint8Array;
  tailOffset: number;
  length: number;
}

/**
 * Fetches the end of a file through a source, footer included: one suffix read of
 * `initialReadSize` bytes (the whole file when it is smaller), then one more read if the footer
 * is longer than that.
 */
export async function readFooterTail(source: ByteSource, initialReadSize: number, what: string): Promise<FooterTail> {
  const size = source.size;
  if (!Number.isSafeInteger(size) || size < 12) {
    throw new ParquetError('PARQUET_CORRUPT', `Cannot read ${what}: ${size} bytes is too short for a Parquet file (at least 12). The object is empty or truncated.`);
  }
  const first = Math.min(size, Math.max(initialReadSize, TRAILER));
  let tailOffset = size - first;
  let tail = await source.read(tailOffset, first);
  const length = trailerLength(tail, size, what);
  const needed = length + TRAILER;
  if (needed > tail.length) {
    const more = await source.read(size - needed, needed - tail.length);
    const joined = new Uint8Array(needed);
    joined.set(more, 0);
    joined.set(tail, more.length);
    tail = joined;
    tailOffset = size - needed;
  }
  if (tailOffset === 0) {
    const v = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    if (v.getUint32(0, true) !== MAGIC) {
      throw new ParquetError('PARQUET_CORRUPT', `Cannot read ${what}: it does not start with the Parquet magic "PAR1". It is not a Parquet file.`);
    }
  }
  return { tail, tailOffset, length };
}

/**
 * Reads the footer through a source: one suffix read of `initialReadSize` bytes (the whole file
 * when it is smaller), then one more read if the footer is longer than that.
 */
export async function readFooter(source: ByteSource, initialReadSize = DEFAULT_FOOTER_READ, what = 'Parquet file'): Promise<Footer> {
  const { tail, tailOffset, length } = await readFooterTail(source, initialReadSize, what);
  const footer = tail.subarray(tail.length - length - TRAILER);
  return {
    fileSize: source.size,
    thrift: footer.subarray(0, length),
    tail,
    tailOffset,
    metadata: parseFooter(footer, source.size, what),
  };
}
