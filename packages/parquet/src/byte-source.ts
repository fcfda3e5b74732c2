// Random access to the bytes of one file, wherever it lives, so a reader can fetch only the footer
// and the column chunks it needs. Counts what it fetches so callers can report range-read efficiency.

import { NotFoundError, type ObjectStore } from '@lake/storage';
import { ParquetError } from './errors.js';

export interface ByteSource {
  /** Total size of the file in bytes. */
  readonly size: number;
  /** Reads `length` bytes starting at `offset`; both within [0, size]. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Requests issued through a source and the bytes they returned. */
export interface ReadStats {
  requests: number;
  bytesRead: number;
}

export function byteSourceFromBytes(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/**
 * A source over one object of a store, read with ranged GETs. Without `size` it issues one HEAD
 * to learn it (pass the size from a listing to save that request).
 */
export async function byteSourceFromStore(store: ObjectStore, key: string, size?: number): Promise<ByteSource> {
  let objectSize = size;
  if (objectSize === undefined) {
    const meta = await store.head(key);
    if (!meta) throw new NotFoundError(key, store.uri);
    objectSize = meta.size;
  }
  return {
    size: objectSize,
    read: (offset, length) => store.get(key, { offset, length }),
  };
}

/** Wraps a source to count requests and bytes, and to reject short or out-of-range reads. */
export function countingByteSource(source: ByteSource): { source: ByteSource; stats: ReadStats } {
  const stats: ReadStats = { requests: 0, bytesRead: 0 };
  return {
    stats,
    source: {
      size: source.size,
      async read(offset, length) {
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
          throw new ParquetError(
            'PARQUET_CORRUPT',
            `The footer points at bytes ${offset}..${offset + length} of a ${source.size}-byte file. The file is truncated or its footer is corrupt.`,
          );
        }
        if (length === 0) return new Uint8Array(0);
        stats.requests++;
        const bytes = await source.read(offset, length);
        stats.bytesRead += bytes.length;
        if (bytes.length !== length) {
          throw new ParquetError(
            'PARQUET_CORRUPT',
            `Asked for ${length} bytes at offset ${offset} and got ${bytes.length}: the file is shorter than its stated size ${source.size}. ` +
              'It may have been truncated or replaced while being read.',
          );
        }
        return bytes;
      },
    },
  };
}
