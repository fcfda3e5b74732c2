// Joins Parquet files encoded one after another from consecutive slices of one table ("pieces")
// into one file with one footer, so a large table is never encoded in one call: parquet-wasm's
// memory grows to the largest single encode and never shrinks. Column chunk bytes are copied as
// they are; what names a byte position is moved with them: chunk and page offsets in the footer,
// page locations inside the offset indexes, page index and bloom filter offsets. The layout is
// the encoder's own: all row groups' data, then column indexes, offset indexes and bloom filters,
// then the footer. Schema, key-value metadata and column orders come from the first piece.

import { ParquetError } from './errors.js';
import { trailerLength } from './footer.js';
import {
  COPY,
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
  type ThriftReader,
  type ThriftWriter,
} from './thrift-compact.js';

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/** A byte range of a piece (page index or bloom filter) and where it goes in the joined file. */
interface Placed {
  offset: number;
  length: number;
  /** The bytes to write (an offset index is rewritten, so its length may change). */
  bytes?: Uint8Array;
  at?: number;
}

/** Where one column chunk's side structures are. */
interface ChunkExtras {
  columnIndex?: Placed;
  offsetIndex?: Placed;
  bloom?: Placed;
}

interface Piece {
  file: Uint8Array;
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

function corrupt(what: string): ParquetError {
  return new ParquetError('PARQUET_WRITE_FAILED', `Cannot join the Parquet pieces just encoded: ${what}. The write was not made; retry it, and report the table's schema if it fails again.`);
}

/** The raw bytes of one value of type `type` at the reader's position. */
function rawValue(r: ThriftReader, type: number): Uint8Array {
  const start = r.pos;
  skipValue(r, type);
  return r.bytes.subarray(start, r.pos);
}

function readInt(r: ThriftReader, type: number): number {
  if (type !== ThriftType.I32 && type !== ThriftType.I64) throw corrupt('an offset field is not an integer');
  return Number(readZigZag(r));
}

/** Fields 14 and 15 of a ColumnMetaData, and the end of its pages. */
function scanColumnMeta(r: ThriftReader, extras: ChunkExtras): number {
  let last = 0;
  let bloomOffset: number | undefined;
  let bloomLength: number | undefined;
  let dataOffset = 0;
  let dictOffset: number | undefined;
  let size = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.id === 7) size = readInt(r, h.type);
    else if (h.id === 9) dataOffset = readInt(r, h.type);
    else if (h.id === 11) dictOffset = readInt(r, h.type);
    else if (h.id === 14) bloomOffset = readInt(r, h.type);
    else if (h.id === 15) bloomLength = readInt(r, h.type);
    else skipValue(r, h.type);
  }
  if (bloomOffset !== undefined && bloomOffset > 0) {
    if (bloomLength === undefined) throw corrupt('a bloom filter has no length');
    extras.bloom = { offset: bloomOffset, length: bloomLength };
  }
  const start = dictOffset !== undefined && dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset;
  return start + size;
}

/** Reads a piece's footer for what moves: page index and bloom ranges, the data's end, the schema. */
function scanPiece(file: Uint8Array): Piece {
  const thriftLength = trailerLength(file, file.length, 'a Parquet piece just encoded');
  const footerStart = file.length - 8 - thriftLength;
  const thrift = file.subarray(footerStart, footerStart + thriftLength);
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  const extras: ChunkExtras[][] = [];
  let rows: bigint | undefined;
  let schema: Uint8Array | undefined;
  let dataEnd = 4;
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.id === 2) schema = rawValue(r, h.type);
    else if (h.id === 3) rows = readZigZag(r);
    else if (h.id === 4) {
      const groups = readListHeader(r);
      for (let g = 0; g < groups.size; g++) {
        const chunks: ChunkExtras[] = [];
        extras.push(chunks);
        let lastG = 0;
        for (let gh = readFieldHeader(r, lastG); gh; gh = readFieldHeader(r, lastG)) {
          lastG = gh.id;
          if (gh.id !== 1) {
            skipValue(r, gh.type);
            continue;
          }
          const list = readListHeader(r);
          for (let c = 0; c < list.size; c++) {
            const e: ChunkExtras = {};
            chunks.push(e);
            let lastC = 0;
            let ciOffset: number | undefined;
            let ciLength: number | undefined;
            let oiOffset: number | undefined;
            let oiLength: number | undefined;
            for (let ch = readFieldHeader(r, lastC); ch; ch = readFieldHeader(r, lastC)) {
              lastC = ch.id;
              if (ch.id === 3) dataEnd = Math.max(dataEnd, scanColumnMeta(r, e));
              else if (ch.id === 4) oiOffset = readInt(r, ch.type);
              else if (ch.id === 5) oiLength = readInt(r, ch.type);
              else if (ch.id === 6) ciOffset = readInt(r, ch.type);
              else if (ch.id === 7) ciLength = readInt(r, ch.type);
              else skipValue(r, ch.type);
            }
            if (ciOffset !== undefined && ciLength !== undefined) e.columnIndex = { offset: ciOffset, length: ciLength };
            if (oiOffset !== undefined && oiLength !== undefined) e.offsetIndex = { offset: oiOffset, length: oiLength };
          }
        }
      }
    } else skipValue(r, h.type);
  }
  if (rows === undefined || schema === undefined) throw corrupt('a piece has no row count or schema');
  for (const e of extras.flat()) {
    for (const p of [e.columnIndex, e.offsetIndex, e.bloom]) {
      if (p && (p.offset < dataEnd || p.offset + p.length > footerStart)) throw corrupt('a page index or bloom filter lies outside its piece');
    }
  }
  return { file, thrift, dataEnd, shift: 0, rows, extras, schema };
}

/** An OffsetIndex with every page location's offset moved by `shift`. */
function movedOffsetIndex(bytes: Uint8Array, shift: bigint): Uint8Array {
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
            rewriteStruct(r2, w2, (m): FieldAction => {
              if (m.id === 9 || m.id === 10 || m.id === 11) return moved;
              if (m.id === 14 && e.bloom) return placedInt(e.bloom.at!);
              return COPY;
            }),
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
 * One Parquet file holding the row groups of `pieces` in order. Every piece must come from the
 * same writer and Arrow schema; the first one's key-value metadata is the file's.
 */
export function joinParquetPieces(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 0) throw corrupt('there are no pieces');
  if (pieces.length === 1) return pieces[0];
  const scanned = pieces.map(scanPiece);
  const schema = scanned[0].schema;
  for (const p of scanned) {
    if (p.schema.length !== schema.length || !p.schema.every((b, i) => b === schema[i])) throw corrupt('the pieces have different schemas');
  }
  // the data blocks, end to end after the magic
  let at = 4;
  for (const p of scanned) {
    p.shift = at - 4;
    at += p.dataEnd - 4;
  }
  // then column indexes, offset indexes and bloom filters, as the encoder orders them
  const extras = scanned.flatMap((p) => p.extras.flat().map((e) => ({ p, e })));
  const tail: Uint8Array[] = [];
  const place = (p: Piece, item: Placed | undefined, rewrite?: (b: Uint8Array) => Uint8Array) => {
    if (!item) return;
    const raw = p.file.subarray(item.offset, item.offset + item.length);
    item.bytes = rewrite ? rewrite(raw) : raw;
    item.at = at;
    at += item.bytes.length;
    tail.push(item.bytes);
  };
  for (const { p, e } of extras) place(p, e.columnIndex);
  for (const { p, e } of extras) place(p, e.offsetIndex, (b) => movedOffsetIndex(b, BigInt(p.shift)));
  for (const { p, e } of extras) place(p, e.bloom);

  const groups = newWriter();
  let groupCount = 0;
  for (const p of scanned) groupCount += writeRowGroups(p, groups, groupCount);
  const rendered = finish(groups);
  const totalRows = scanned.reduce((n, p) => n + p.rows, 0n);
  const w = newWriter();
  rewriteStruct({ bytes: scanned[0].thrift, pos: 0 }, w, (h): FieldAction => {
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
    return COPY;
  });
  const thrift = finish(w);

  const out = new Uint8Array(at + thrift.length + 8);
  out.set(MAGIC, 0);
  for (const p of scanned) out.set(p.file.subarray(4, p.dataEnd), p.shift + 4);
  let pos = scanned[scanned.length - 1].shift + scanned[scanned.length - 1].dataEnd;
  for (const t of tail) {
    out.set(t, pos);
    pos += t.length;
  }
  out.set(thrift, pos);
  new DataView(out.buffer).setUint32(pos + thrift.length, thrift.length, true);
  out.set(MAGIC, pos + thrift.length + 4);
  return out;
}
