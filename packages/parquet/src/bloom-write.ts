// Adds split-block bloom filters to a Parquet file the encoder produced (parquet-wasm's writer
// properties have no bloom filter settings): one filter per row group for each chosen column,
// written as a BloomFilterHeader and its bitset between the last data and the footer, and named
// from the column chunk's metadata (bloom_filter_offset, bloom_filter_length). Data pages and
// page indexes keep their offsets; the footer is not parsed (its outline — top-level columns and
// row counts — is read off the thrift bytes) and is copied with the two fields set per chunk.

import type { Table } from 'apache-arrow';
import { corruptError, ParquetError } from './errors.js';
import { trailerLength } from './footer.js';
import { footerOutline, type FooterOutline } from './footer-outline.js';
import { arrowColumnHashes } from './bloom-values.js';
import { bloomBitset, DEFAULT_BLOOM_FPP } from './split-block-bloom.js';
import { appendFooterKeyValues, keyValueRewrite } from './footer-key-values.js';
import { buildRowGroupBloom, estimateDistinct } from './bloom-build.js';
import { encodeBloomHeader } from './bloom-header.js';
import {
  COPY,
  finishInto,
  newWriter,
  readFieldHeader,
  rewriteStruct,
  rewriteStructList,
  skipValue,
  ThriftType,
  writeBytes,
  writeFieldHeader,
  writeStop,
  writeZigZag,
  writtenLength,
  type FieldAction,
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';

/** A column to give a bloom filter, and how to size it. */
export interface BloomFilterColumn {
  /** Top-level column name. */
  column: string;
  /** Expected distinct values per row group (default: estimated from the row group's values). */
  ndv?: number;
  /** False-positive probability (default 0.01). */
  fpp?: number;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/** One row group's filter for one column chunk: BloomFilterHeader and bitset. */
export interface PieceBloomFilter {
  rowGroup: number;
  /** The column chunk's index in its row group. */
  leaf: number;
  bytes: Uint8Array;
}

/**
 * Bloom filters for `columns` of encoded `file` (those the file has; others are ignored, as
 * parquet-mr does), in the order they are placed: by row group, then as `columns` lists them.
 * `table` holds the rows the file was encoded from, in the same order. Only the footer's
 * outline is read from the file.
 */
export function computeBloomFilters(file: Uint8Array, table: Table, columns: readonly BloomFilterColumn[]): PieceBloomFilter[] {
  const thriftLength = trailerLength(file, file.length, 'the Parquet file just encoded');
  const dataEnd = file.length - 8 - thriftLength;
  const outline = outlineOf(file.subarray(dataEnd, dataEnd + thriftLength));
  const rows = outline.rowGroupRows.reduce((a, b) => a + b, 0);
  if (rows !== table.numRows) {
    throw new ParquetError('PARQUET_WRITE_FAILED', `The encoded file has ${rows} rows, the table ${table.numRows}; cannot place bloom filters.`);
  }
  const byGroup: PieceBloomFilter[][] = outline.rowGroupRows.map(() => []);
  for (const spec of columns) {
    const leaf = outline.columns.find((c) => c.name === spec.column);
    const vector = table.getChild(spec.column);
    if (!leaf || !vector) continue;
    const { halves, valid } = arrowColumnHashes(vector, leaf);
    let row = 0;
    for (const [rg, numRows] of outline.rowGroupRows.entries()) {
      const end = row + numRows;
      // sized for the values the row group holds, not its rows: repeated values cost nothing
      const ndv = spec.ndv ?? estimateDistinct(halves, valid, row, end);
      const filter = buildRowGroupBloom(halves, valid, row, end, ndv, spec.fpp ?? DEFAULT_BLOOM_FPP);
      row = end;
      const header = encodeBloomHeader(filter.words.length * 4);
      const bytes = new Uint8Array(header.length + filter.words.length * 4);
      bytes.set(header);
      bytes.set(bloomBitset(filter), header.length);
      byGroup[rg].push({ rowGroup: rg, leaf: leaf.index, bytes });
    }
  }
  return byGroup.flat();
}

/**
 * `file` with bloom filters for `columns` and with `entries` added to its key-value metadata as
 * appendFooterKeyValues adds them (see computeBloomFilters and placeBloomFilters).
 */
export function addBloomFilters(
  file: Uint8Array,
  table: Table,
  columns: readonly BloomFilterColumn[],
  entries: ReadonlyArray<readonly [string, Uint8Array]> = [],
): Uint8Array {
  return placeBloomFilters(file, computeBloomFilters(file, table, columns), entries);
}

/**
 * `file` with `filters` written between its last data and its footer, and `entries` added to its
 * key-value metadata. The file is copied once: data, filters and the rewritten footer go
 * straight into the new file.
 */
export function placeBloomFilters(file: Uint8Array, filters: readonly PieceBloomFilter[], entries: ReadonlyArray<readonly [string, Uint8Array]> = []): Uint8Array {
  if (filters.length === 0) return appendFooterKeyValues(file, entries);
  // the key-values (a Hudi record-key bloom filter can be hundreds of KiB) are copied, not decoded
  const thriftLength = trailerLength(file, file.length, 'the Parquet file just encoded');
  const dataEnd = file.length - 8 - thriftLength;
  const placed = new Map<string, { offset: bigint; length: number }>();
  let at = dataEnd;
  for (const f of filters) {
    placed.set(`${f.rowGroup}/${f.leaf}`, { offset: BigInt(at), length: f.bytes.length });
    at += f.bytes.length;
  }
  const w = rewriteFooter(file.subarray(dataEnd, dataEnd + thriftLength), placed, entries);
  const thriftOut = writtenLength(w);
  const out = new Uint8Array(at + thriftOut + 8);
  out.set(file.subarray(0, dataEnd));
  let pos = dataEnd;
  for (const f of filters) {
    out.set(f.bytes, pos);
    pos += f.bytes.length;
  }
  pos = finishInto(w, out, pos);
  new DataView(out.buffer).setUint32(pos, thriftOut, true);
  out.set(MAGIC, pos + 4);
  return out;
}

function outlineOf(thrift: Uint8Array): FooterOutline {
  try {
    return footerOutline(thrift);
  } catch (e) {
    throw new ParquetError('PARQUET_WRITE_FAILED', `The Parquet file just encoded has a footer lake cannot read (${(e as Error).message}); cannot place bloom filters.`);
  }
}

/** The footer with the filters' offsets and lengths set, and `entries` added to its key-values. */
function rewriteFooter(thrift: Uint8Array, placed: Map<string, { offset: bigint; length: number }>, entries: ReadonlyArray<readonly [string, Uint8Array]>): ThriftWriter {
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  const w = newWriter();
  const all = () => true;
  const kv = entries.length > 0 ? keyValueRewrite(thrift, entries) : undefined;
  try {
    rewriteStruct(
      r,
      w,
      (h): FieldAction => {
        if (h.id !== 4) return kv?.decide(h) ?? COPY;
        let rg = 0;
        return {
          kind: 'rewrite',
          rewrite: (r2, w2) => {
            // the kept count is checked against the list's own size
            const count = peekListSize(r2);
            rewriteStructList(r2, w2, all, (_i, r3, w3) => rewriteRowGroup(r3, w3, rg++, placed), count);
          },
        };
      },
      kv?.inserts ?? [],
    );
  } catch (e) {
    throw corruptError(`the Parquet file just encoded (footer)`, e);
  }
  return w;
}

function rewriteRowGroup(r: ThriftReader, w: ThriftWriter, rg: number, placed: Map<string, { offset: bigint; length: number }>): void {
  rewriteStruct(r, w, (h): FieldAction => {
    if (h.id !== 1) return COPY;
    return {
      kind: 'rewrite',
      rewrite: (r2, w2) => {
        const count = peekListSize(r2);
        rewriteStructList(r2, w2, () => true, (col, r3, w3) => {
          const filter = placed.get(`${rg}/${col}`);
          if (!filter) return copyRaw(r3, w3);
          rewriteStruct(r3, w3, (c): FieldAction =>
            c.id === 3 ? { kind: 'rewrite', rewrite: (r4, w4) => withBloomFields(r4, w4, filter.offset, filter.length) } : COPY,
          );
        }, count);
      },
    };
  });
}

function peekListSize(r: ThriftReader): number {
  const b = r.bytes[r.pos];
  if (b >> 4 !== 0x0f) return b >> 4;
  let size = 0;
  let shift = 0;
  for (let p = r.pos + 1; ; p++) {
    const byte = r.bytes[p];
    size |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return size;
    shift += 7;
  }
}

function copyRaw(r: ThriftReader, w: ThriftWriter): void {
  const start = r.pos;
  skipValue(r, ThriftType.STRUCT);
  writeBytes(w, r.bytes.subarray(start, r.pos));
}

/**
 * Copies a ColumnMetaData struct, setting bloom_filter_offset (14, i64) and bloom_filter_length
 * (15, i32) in field order and dropping any old values of them.
 */
function withBloomFields(r: ThriftReader, w: ThriftWriter, offset: bigint, length: number): void {
  let lastIn = 0;
  let lastOut = 0;
  let written = false;
  const writeBloom = () => {
    writeFieldHeader(w, ThriftType.I64, 14, lastOut);
    writeZigZag(w, offset);
    writeFieldHeader(w, ThriftType.I32, 15, 14);
    writeZigZag(w, BigInt(length));
    lastOut = 15;
    written = true;
  };
  for (;;) {
    const h = readFieldHeader(r, lastIn);
    if (!h) break;
    lastIn = h.id;
    if (h.id === 14 || h.id === 15) {
      skipValue(r, h.type);
      continue;
    }
    if (!written && h.id > 15) writeBloom();
    writeFieldHeader(w, h.type, h.id, lastOut);
    const start = r.pos;
    skipValue(r, h.type);
    writeBytes(w, r.bytes.subarray(start, r.pos));
    lastOut = h.id;
  }
  if (!written) writeBloom();
  writeStop(w);
}
