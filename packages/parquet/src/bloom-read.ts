// Reading a column's bloom filters: one per row group, fetched in one coalesced pass (they sit
// together before the footer when lake wrote the file), so a search asks "could row group i hold
// this value?" before reading any data page.

import type { ByteSource } from './byte-source.js';
import { decodeBloomHeader } from './bloom-header.js';
import { probeHash } from './bloom-values.js';
import { corruptError } from './errors.js';
import type { ParquetColumn, ParquetFileMetadata } from './file-metadata.js';
import { bloomFromBitset, bloomMightContain, type SplitBlockBloom } from './split-block-bloom.js';

/** A column's filters, row group by row group; undefined where a row group has none (or an unusable one). */
export interface ColumnBloomFilters {
  column: ParquetColumn;
  filters: (SplitBlockBloom | undefined)[];
  /** Bytes asked of the source to load them (headers and bitsets; a source may serve some from memory). */
  bytesRead: number;
}

/** Headers are a dozen bytes; this much covers one without a second request. */
const HEADER_GUESS = 64;

/**
 * Loads the bloom filters of top-level column `name`; undefined when the file has no such column
 * or none of its row groups has a filter.
 */
export async function loadColumnBloomFilters(
  source: ByteSource,
  meta: ParquetFileMetadata,
  name: string,
  what = 'Parquet file',
): Promise<ColumnBloomFilters | undefined> {
  const column = meta.columns.find((c) => c.path.length === 1 && c.name === name);
  if (!column) return undefined;
  const chunks = meta.rowGroups.map((rg) => rg.columns[column.index]);
  const located = chunks.filter((c) => c.bloomFilter !== undefined);
  if (located.length === 0) return undefined;
  // one read covering every filter: they are contiguous when lake wrote the file
  const spans = located.map((c) => ({ start: c.bloomFilter!.offset, end: c.bloomFilter!.offset + (c.bloomFilter!.length ?? HEADER_GUESS) }));
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.min(source.size, Math.max(...spans.map((s) => s.end)));
  let bytesRead = 0;
  try {
    const block = await source.read(start, end - start);
    bytesRead += block.length;
    const filters = await Promise.all(
      chunks.map(async (c): Promise<SplitBlockBloom | undefined> => {
        if (!c.bloomFilter) return undefined;
        const at = c.bloomFilter.offset - start;
        let bytes = block.subarray(at, Math.min(block.length, at + (c.bloomFilter.length ?? HEADER_GUESS)));
        const header = decodeBloomHeader(bytes);
        if (!header) return undefined;
        const total = header.headerLength + header.numBytes;
        if (bytes.length < total) {
          if (c.bloomFilter.offset + total > source.size) return undefined;
          bytes = await source.read(c.bloomFilter.offset, total);
          bytesRead += bytes.length;
        }
        return bloomFromBitset(bytes.subarray(header.headerLength, total));
      }),
    );
    return { column, filters, bytesRead };
  } catch (e) {
    throw corruptError(`${what} (bloom filter of column ${name})`, e);
  }
}

/**
 * A test per row group: false only when the row group has a filter and it rules out every one
 * of `values` (a value the filter cannot be asked about makes every row group a "maybe").
 */
export function bloomProbe(filters: ColumnBloomFilters, values: readonly unknown[]): (rowGroup: number) => boolean {
  const hashes: bigint[] = [];
  for (const v of values) {
    const hash = probeHash(v, filters.column);
    if (hash === undefined) return () => true;
    hashes.push(hash);
  }
  return (rowGroup) => {
    const filter = filters.filters[rowGroup];
    return !filter || hashes.some((h) => bloomMightContain(filter, h));
  };
}
