// The footer of a file joined from pieces (see piece-join.ts): every piece's row groups with
// their offsets moved to where the join put their bytes, page locations inside offset indexes
// moved the same way, and the first piece's schema, key-values (or the caller's) and column orders.

import { ARROW_SCHEMA_KEY } from './arrow-schema-hint.js';
import { ParquetError } from './errors.js';
import type { FooterMetadata } from './footer-key-values.js';
import { keyValueListOf, readKeyValueList, writeKeyValue } from './key-value-structs.js';
import {
  COPY,
  DROP,
  finish,
  newWriter,
  readFieldHeader,
  readListHeader,
  readZigZag,
  rewriteStruct,
  skipValue,
  ThriftType,
  writeBytes,
  writeListHeader,
  writeZigZag,
  type FieldAction,
  type FieldInsert,
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A byte range of a piece (page index or bloom filter) and where it goes in the joined file. */
export interface Placed {
  offset: number;
  length: number;
  /** Its bytes, copied out of the piece (an offset index rewritten, so its length may change). */
  bytes?: Uint8Array;
  at?: number;
  /** A bloom filter made for the piece but not in it: its chunk gets offset and length fields. */
  added?: boolean;
}

/** Where one column chunk's side structures are. */
export interface ChunkExtras {
  columnIndex?: Placed;
  offsetIndex?: Placed;
  bloom?: Placed;
}

export interface Piece {
  thrift: Uint8Array;
  /** End of the row-group data: everything from byte 4 up to here moves as one block. */
  dataEnd: number;
  /** Added to every offset into the data block. */
  shift: number;
  rows: bigint;
  /** extras[rowGroup][column] */
  extras: ChunkExtras[][];
  schema: Uint8Array;
}

export function corrupt(what: string): ParquetError {
  return new ParquetError('PARQUET_WRITE_FAILED', `Cannot join the Parquet pieces just encoded: ${what}. The write was not made; retry it, and report the table's schema if it fails again.`);
}

/** An OffsetIndex with every page location's offset moved by `shift`. */
export function movedOffsetIndex(bytes: Uint8Array, shift: bigint): Uint8Array {
  const r: ThriftReader = { bytes, pos: 0 };
  const w = newWriter();
  rewriteStruct(r, w, (h): FieldAction => {
    if (h.id !== 1) return COPY;
    return {
      kind: 'rewrite',
      rewrite: (r2, w2) => {
        const list = readListHeader(r2);
        writeListHeader(w2, list.size, list.elementType);
        for (let i = 0; i < list.size; i++) {
          rewriteStruct(r2, w2, (p): FieldAction => (p.id === 1 ? { kind: 'int', value: readAhead(r2) + shift } : COPY));
        }
      },
    };
  });
  return finish(w);
}

/** The integer value the reader is at, without consuming it (rewriteStruct's 'int' consumes it). */
function readAhead(r: ThriftReader): bigint {
  const at = r.pos;
  const v = readZigZag(r);
  r.pos = at;
  return v;
}

function placedInt(value: number): FieldAction {
  return { kind: 'int', value: BigInt(value) };
}

/** bloom_filter_offset (14, i64) and bloom_filter_length (15, i32) of a filter added to a chunk. */
function bloomFields(bloom: Placed): FieldInsert[] {
  return [
    { id: 14, type: ThriftType.I64, write: (w) => writeZigZag(w, BigInt(bloom.at!)) },
    { id: 15, type: ThriftType.I32, write: (w) => writeZigZag(w, BigInt(bloom.bytes!.length)) },
  ];
}

/** Copies a ColumnChunk, moving its offsets. */
function writeChunk(r: ThriftReader, w: ThriftWriter, piece: Piece, e: ChunkExtras): void {
  const shift = BigInt(piece.shift);
  const moved: FieldAction = { kind: 'rewrite', rewrite: (r2, w2) => writeZigZag(w2, readZigZag(r2) + shift) };
  rewriteStruct(r, w, (h): FieldAction => {
    switch (h.id) {
      case 2: // file_offset: 0 where the writer leaves it unset
        return readAhead(r) === 0n ? COPY : moved;
      case 3:
        return {
          kind: 'rewrite',
          rewrite: (r2, w2) =>
            rewriteStruct(
              r2,
              w2,
              (m): FieldAction => {
                if (m.id === 9 || m.id === 10 || m.id === 11) return moved;
                if (e.bloom?.added && (m.id === 14 || m.id === 15)) return DROP;
                if (m.id === 14 && e.bloom) return placedInt(e.bloom.at!);
                return COPY;
              },
              e.bloom?.added ? bloomFields(e.bloom) : [],
            ),
        };
      case 4:
        return e.offsetIndex ? placedInt(e.offsetIndex.at!) : COPY;
      case 5:
        return e.offsetIndex ? placedInt(e.offsetIndex.bytes!.length) : COPY;
      case 6:
        return e.columnIndex ? placedInt(e.columnIndex.at!) : COPY;
      default:
        return COPY;
    }
  });
}

/** Copies the row groups of one piece, moving offsets and numbering them from `ordinal`. */
function writeRowGroups(piece: Piece, w: ThriftWriter, ordinal: number): number {
  const r: ThriftReader = { bytes: piece.thrift, pos: 0 };
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.id !== 4) {
      skipValue(r, h.type);
      continue;
    }
    const groups = readListHeader(r);
    for (let g = 0; g < groups.size; g++) {
      const chunks = piece.extras[g];
      rewriteStruct(r, w, (rh): FieldAction => {
        if (rh.id === 1) {
          return {
            kind: 'rewrite',
            rewrite: (r2, w2) => {
              const list = readListHeader(r2);
              writeListHeader(w2, list.size, list.elementType);
              for (let c = 0; c < list.size; c++) writeChunk(r2, w2, piece, chunks[c]);
            },
          };
        }
        if (rh.id === 5) return { kind: 'int', value: readAhead(r) + BigInt(piece.shift) };
        if (rh.id === 7) return placedInt(ordinal + g);
        return COPY;
      });
    }
    return groups.size;
  }
  return 0;
}

/**
 * The first piece's footer with every piece's row groups and the total row count; with
 * `metadata`, its key-value entries are those plus the piece's ARROW:schema.
 */
export function joinedFooter(pieces: Piece[], metadata?: FooterMetadata): Uint8Array {
  const groups = newWriter();
  let groupCount = 0;
  for (const p of pieces) groupCount += writeRowGroups(p, groups, groupCount);
  const rendered = finish(groups);
  const totalRows = pieces.reduce((n, p) => n + p.rows, 0n);
  const w = newWriter();
  rewriteStruct({ bytes: pieces[0].thrift, pos: 0 }, w, (h): FieldAction => {
    if (h.id === 3) return { kind: 'int', value: totalRows };
    if (h.id === 4) {
      return {
        kind: 'rewrite',
        rewrite: (r2, w2) => {
          skipValue(r2, ThriftType.LIST);
          writeListHeader(w2, groupCount, ThriftType.STRUCT);
          writeBytes(w2, rendered);
        },
      };
    }
    if (h.id === 5 && metadata) return DROP;
    return COPY;
  }, metadata ? [{ id: 5, type: ThriftType.LIST, write: (w2) => writeKeyValues(w2, metadata, arrowSchemaEntry(pieces[0].thrift)) }] : []);
  return finish(w);
}

/** The raw ARROW:schema KeyValue struct of a footer, if it has one. */
function arrowSchemaEntry(thrift: Uint8Array): Uint8Array | undefined {
  const r = keyValueListOf(thrift);
  const entry = r && readKeyValueList(r).find((kv) => kv.key && utf8Decoder.decode(kv.key) === ARROW_SCHEMA_KEY);
  return entry ? thrift.subarray(entry.start, entry.end) : undefined;
}

/** A key_value_metadata list: `metadata`'s entries, then the raw ARROW:schema entry. */
function writeKeyValues(w: ThriftWriter, metadata: FooterMetadata, arrowSchema: Uint8Array | undefined): void {
  const entries = Object.entries(metadata);
  writeListHeader(w, entries.length + (arrowSchema ? 1 : 0), ThriftType.STRUCT);
  for (const [key, value] of entries) writeKeyValue(w, utf8Encoder.encode(key), typeof value === 'string' ? utf8Encoder.encode(value) : value);
  if (arrowSchema) writeBytes(w, arrowSchema);
}

