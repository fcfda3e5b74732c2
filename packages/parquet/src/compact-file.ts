// Builds a small, valid Parquet file holding only some row groups and top-level columns of a
// bigger one: the needed chunks laid end to end after "PAR1", then the original footer rewritten
// (schema pruned, offsets moved, ARROW:schema projected). The decoder receives and copies into its
// memory only the bytes a read needs, and decodes only the projected columns (parquet-wasm's own
// `columns` option is ignored by its synchronous reader, so projection has to happen here).

import { ParquetError } from './errors.js';
import { ARROW_SCHEMA_KEY } from './arrow-schema-hint.js';
import type { Footer } from './footer.js';
import {
  COPY,
  DROP,
  finish,
  newWriter,
  readFieldHeader,
  readListHeader,
  readZigZag,
  rewriteStruct,
  rewriteStructList,
  skipValue,
  ThriftDecodeError,
  ThriftType,
  writeBinary,
  writeBytes,
  writeFieldHeader,
  writeListHeader,
  writeStop,
  writeZigZag,
  type FieldAction,
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';

/** Which row groups and which top-level fields a read needs. */
export interface ChunkSelection {
  /** Row group indexes, ascending, no duplicates. */
  rowGroups: number[];
  /** Top-level field indexes, ascending, no duplicates. */
  fields: number[];
  /** Leaf column indexes under those fields, ascending. */
  columns: number[];
}

export interface ChunkRange {
  rowGroup: number;
  column: number;
  start: number;
  length: number;
}

/** The byte ranges of the selected chunks, in file order within each row group. */
export function selectedRanges(footer: Footer, selection: Pick<ChunkSelection, 'rowGroups' | 'columns'>): ChunkRange[] {
  const out: ChunkRange[] = [];
  for (const rg of selection.rowGroups) {
    const group = footer.metadata.rowGroups[rg];
    for (const col of selection.columns) {
      const chunk = group.columns[col];
      out.push({ rowGroup: rg, column: col, start: chunk.start, length: chunk.length });
    }
  }
  return out;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
const utf8Encoder = new TextEncoder();

export interface CompactFileInput {
  footer: Footer;
  selection: ChunkSelection;
  /** Bytes of a selected chunk (exactly its `length` bytes from its `start`). */
  chunk: (rowGroup: number, column: number) => Uint8Array;
  /**
   * Value for the ARROW:schema entry (already projected to the selected fields), or undefined
   * to leave the file without one.
   */
  arrowSchema?: string;
  /**
   * Some data pages of the one selected chunk (one row group, one flat column) rather than all
   * of it: `chunk` then returns the dictionary page, if any, followed by those pages.
   */
  run?: PageRun;
}

/** A run of consecutive data pages of a flat column chunk (see page-runs.ts). */
export interface PageRun {
  /** Rows of the run's pages (a flat column has one value per row). */
  rows: number;
  /** Where the first data page starts in the run's bytes: after the dictionary page, if any. */
  dataOffset: number;
  /** Uncompressed bytes of the run's pages, headers included. */
  uncompressedSize: number;
}

export function buildCompactFile({ footer, selection, chunk, arrowSchema, run }: CompactFileInput): Uint8Array {
  const meta = footer.metadata;
  const keptGroups = new Set(selection.rowGroups);
  const keptFields = new Set(selection.fields);
  const keptColumns = new Set(selection.columns);
  // where each selected chunk moves: new offset minus old offset
  const shift = new Map<string, bigint>();
  if (run && (selection.rowGroups.length !== 1 || selection.columns.length !== 1)) throw new Error('a page run is read from one column chunk');
  const body: Uint8Array[] = [MAGIC];
  let at = MAGIC.length;
  let runBytes = 0;
  for (const range of selectedRanges(footer, selection)) {
    const bytes = chunk(range.rowGroup, range.column);
    if (run) runBytes = bytes.length;
    else if (bytes.length !== range.length) throw new Error(`chunk ${range.rowGroup}/${range.column} has ${bytes.length} bytes, expected ${range.length}`);
    shift.set(`${range.rowGroup}/${range.column}`, BigInt(at - range.start));
    body.push(bytes);
    at += bytes.length;
  }
  const numRows = run ? BigInt(run.rows) : selection.rowGroups.reduce((n, rg) => n + BigInt(meta.rowGroups[rg].numRows), 0n);

  const rewriteColumnChunk = (r: ThriftReader, w: ThriftWriter, rg: number, col: number): void => {
    const delta = shift.get(`${rg}/${col}`);
    if (delta === undefined) throw new Error(`chunk ${rg}/${col} was not placed`);
    const moved: FieldAction = { kind: 'rewrite', rewrite: (r2, w2) => writeZigZag(w2, readZigZag(r2) + delta) };
    rewriteStruct(r, w, (h): FieldAction => {
      switch (h.id) {
        case 2:
          return moved;
        case 3:
          return {
            kind: 'rewrite',
            rewrite: (r2, w2) =>
              rewriteStruct(r2, w2, (m): FieldAction => {
                if (run) {
                  const start = BigInt(MAGIC.length);
                  // the run's own counts and offsets; the chunk's statistics and page counts do not describe it
                  if (m.id === 5) return { kind: 'int', value: BigInt(run.rows) };
                  if (m.id === 6) return { kind: 'int', value: BigInt(run.uncompressedSize) };
                  if (m.id === 7) return { kind: 'int', value: BigInt(runBytes) };
                  if (m.id === 9) return { kind: 'int', value: start + BigInt(run.dataOffset) };
                  if (m.id === 11) return run.dataOffset > 0 ? { kind: 'int', value: start } : DROP;
                  if (m.id === 10 || m.id === 12 || m.id === 13 || m.id >= 14) return DROP;
                  return COPY;
                }
                // data, index and dictionary page offsets move with the chunk
                if (m.id === 9 || m.id === 10 || m.id === 11) return moved;
                // bloom filters were not copied
                if (m.id === 14 || m.id === 15) return DROP;
                return COPY;
              }),
          };
        // page indexes (offset and column index) were not copied
        case 4:
        case 5:
        case 6:
        case 7:
          return DROP;
        case 8:
        case 9:
          throw new ParquetError('PARQUET_UNSUPPORTED', 'The footer marks columns as encrypted; encrypted Parquet is not supported (if the file is not encrypted, its footer is corrupt).');
        default:
          return COPY;
      }
    });
  };

  const rewriteRowGroup = (r: ThriftReader, w: ThriftWriter, rg: number): void => {
    rewriteStruct(r, w, (h): FieldAction => {
      switch (h.id) {
        case 1:
          return {
            kind: 'rewrite',
            rewrite: (r2, w2) => rewriteStructList(r2, w2, (j) => keptColumns.has(j), (j, r3, w3) => rewriteColumnChunk(r3, w3, rg, j), keptColumns.size),
          };
        case 3:
          return run ? { kind: 'int', value: BigInt(run.rows) } : COPY;
        // sorting columns name leaf indexes that no longer hold; offset, size and ordinal describe the old file
        case 4:
        case 5:
        case 7:
          return DROP;
        case 6:
          return run ? DROP : COPY;
        default:
          return COPY;
      }
    });
  };

  let thrift: Uint8Array;
  try {
    const r: ThriftReader = { bytes: footer.thrift, pos: 0 };
    const w = newWriter();
    rewriteStruct(r, w, (h): FieldAction => {
      switch (h.id) {
        case 2:
          return { kind: 'rewrite', rewrite: (r2, w2) => rewriteSchema(r2, w2, keptFields) };
        case 3:
          return { kind: 'int', value: numRows };
        case 4:
          return {
            kind: 'rewrite',
            rewrite: (r2, w2) => rewriteStructList(r2, w2, (i) => keptGroups.has(i), (i, r3, w3) => rewriteRowGroup(r3, w3, i), keptGroups.size),
          };
        case 5:
          return { kind: 'rewrite', rewrite: (r2, w2) => rewriteKeyValues(r2, w2, arrowSchema) };
        case 7:
          // one column order per leaf
          return {
            kind: 'rewrite',
            rewrite: (r2, w2) => rewriteStructList(r2, w2, (j) => keptColumns.has(j), (_j, r3, w3) => copyStruct(r3, w3), keptColumns.size),
          };
        case 8:
        case 9:
          throw new ParquetError('PARQUET_UNSUPPORTED', 'The footer says the file is encrypted; encrypted Parquet is not supported (if it is not, its footer is corrupt).');
        default:
          return COPY;
      }
    });
    thrift = finish(w);
  } catch (e) {
    if (e instanceof ParquetError) throw e;
    throw new ParquetError('PARQUET_CORRUPT', `The Parquet footer is corrupt: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }

  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(0, thrift.length, true);
  trailer.set(MAGIC, 4);
  const out = new Uint8Array(at + thrift.length + trailer.length);
  let pos = 0;
  for (const part of [...body, thrift, trailer]) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

function copyStruct(r: ThriftReader, w: ThriftWriter): void {
  const start = r.pos;
  skipValue(r, ThriftType.STRUCT);
  writeBytes(w, r.bytes.subarray(start, r.pos));
}

interface RawElement {
  bytes: Uint8Array;
  numChildren: number;
}

/** Keeps the root and the subtrees of the kept top-level fields of the flat schema list. */
function rewriteSchema(r: ThriftReader, w: ThriftWriter, keptFields: Set<number>): void {
  const { size, elementType } = readListHeader(r);
  if (size === 0 || elementType !== ThriftType.STRUCT) throw new ThriftDecodeError('schema is not a non-empty list of structs');
  const elements: RawElement[] = [];
  for (let i = 0; i < size; i++) {
    const start = r.pos;
    let numChildren = 0;
    let last = 0;
    for (;;) {
      const h = readFieldHeader(r, last);
      if (!h) break;
      last = h.id;
      if (h.id === 5 && h.type === ThriftType.I32) numChildren = Number(readZigZag(r));
      else skipValue(r, h.type);
    }
    elements.push({ bytes: r.bytes.subarray(start, r.pos), numChildren });
  }
  const subtreeEnd = (i: number, depth: number): number => {
    if (depth > 100 || i >= elements.length) throw new ThriftDecodeError('schema tree is malformed');
    let next = i + 1;
    for (let c = 0; c < elements[i].numChildren; c++) next = subtreeEnd(next, depth + 1);
    return next;
  };
  const kept: Uint8Array[] = [];
  let element = 1;
  for (let field = 0; field < elements[0].numChildren; field++) {
    const end = subtreeEnd(element, 0);
    if (keptFields.has(field)) for (let i = element; i < end; i++) kept.push(elements[i].bytes);
    element = end;
  }
  writeListHeader(w, kept.length + 1, ThriftType.STRUCT);
  rewriteStruct({ bytes: elements[0].bytes, pos: 0 }, w, (h) => (h.id === 5 ? { kind: 'int', value: BigInt(keptFields.size) } : COPY));
  for (const k of kept) writeBytes(w, k);
}

/**
 * Replaces the key-value list with ARROW:schema alone (or nothing): the decoder needs that entry
 * to restore Arrow types, while the rest (a Hudi bloom filter can be megabytes) would only be
 * copied into the schema metadata of every decoded batch. Callers read the full list from the
 * metadata reader instead.
 */
function rewriteKeyValues(r: ThriftReader, w: ThriftWriter, arrowSchema: string | undefined): void {
  skipValue(r, ThriftType.LIST);
  if (arrowSchema === undefined) {
    writeListHeader(w, 0, ThriftType.STRUCT);
    return;
  }
  writeListHeader(w, 1, ThriftType.STRUCT);
  // KeyValue { 1: key binary, 2: value binary }
  writeFieldHeader(w, ThriftType.BINARY, 1, 0);
  writeBinary(w, utf8Encoder.encode(ARROW_SCHEMA_KEY));
  writeFieldHeader(w, ThriftType.BINARY, 2, 1);
  writeBinary(w, utf8Encoder.encode(arrowSchema));
  writeStop(w);
}
