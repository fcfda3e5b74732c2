// Joins Parquet files encoded one after another from consecutive slices of one table ("pieces")
// into one file with one footer, so a large table is never encoded in one call: parquet-wasm's
// memory grows to the largest single encode and never shrinks. Column chunk bytes are copied as
// they are; what names a byte position is moved with them: chunk and page offsets in the footer,
// page locations inside the offset indexes, page index and bloom filter offsets. The layout is
// the encoder's own: all row groups' data, then column indexes, offset indexes and bloom filters,
// then the footer. Schema, key-value metadata and column orders come from the first piece.

import type { PieceBloomFilter } from './bloom-write.js';
import { trailerLength } from './footer.js';
import type { FooterMetadata } from './footer-key-values.js';
import { corrupt, joinedFooter, movedOffsetIndex, type ChunkExtras, type Piece, type Placed } from './piece-footer.js';
import { readFieldHeader, readListHeader, readZigZag, skipValue, ThriftType, type ThriftReader } from './thrift-compact.js';

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

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
  return { thrift, dataEnd, shift: 0, rows, extras, schema };
}

/** Joins pieces as they come: each one's data is copied into the file and the piece let go. */
export interface PieceJoin {
  /**
   * Adds a piece's data, and `filters` made for it (see computeBloomFilters) to place with the
   * file's other bloom filters: the piece is not rewritten to hold them first.
   */
  add(piece: Uint8Array, filters?: readonly PieceBloomFilter[]): void;
  /**
   * The joined file (a view of the buffer it was built in). `metadata`, when given, is its
   * key-value metadata (with the pieces' ARROW:schema) instead of the first piece's.
   */
  finish(metadata?: FooterMetadata): Uint8Array;
}

/**
 * A join into one buffer of about `expectedBytes` (it grows by half when the pieces need more):
 * the pieces are never all held at once beside the file they make.
 */
export function pieceJoin(expectedBytes: number): PieceJoin {
  let out = new Uint8Array(Math.max(64, Math.ceil(expectedBytes)));
  let pos = 4;
  const pieces: Piece[] = [];
  const ensure = (size: number) => {
    if (size <= out.length) return;
    const grown = new Uint8Array(Math.max(size, Math.ceil(out.length * 1.5)));
    grown.set(out.subarray(0, pos));
    out = grown;
  };
  return {
    add(file, filters = []) {
      const p = scanPiece(file);
      for (const f of filters) {
        const chunk = p.extras[f.rowGroup]?.[f.leaf];
        if (!chunk) throw corrupt(`a bloom filter is for column chunk ${f.leaf} of row group ${f.rowGroup}, which the piece lacks`);
        chunk.bloom = { offset: 0, length: f.bytes.length, bytes: f.bytes, added: true };
      }
      const schema = pieces[0]?.schema;
      if (schema && (p.schema.length !== schema.length || !p.schema.every((b, i) => b === schema[i]))) throw corrupt('the pieces have different schemas');
      p.shift = pos - 4;
      ensure(pos + p.dataEnd - 4);
      out.set(file.subarray(4, p.dataEnd), pos);
      pos += p.dataEnd - 4;
      // what the footer still needs is copied out, so the piece itself can go
      const shift = BigInt(p.shift);
      for (const e of p.extras.flat()) {
        if (e.columnIndex) e.columnIndex.bytes = file.slice(e.columnIndex.offset, e.columnIndex.offset + e.columnIndex.length);
        if (e.offsetIndex) e.offsetIndex.bytes = movedOffsetIndex(file.subarray(e.offsetIndex.offset, e.offsetIndex.offset + e.offsetIndex.length), shift);
        if (e.bloom && !e.bloom.added) e.bloom.bytes = file.slice(e.bloom.offset, e.bloom.offset + e.bloom.length);
      }
      p.thrift = p.thrift.slice();
      p.schema = p.schema.slice();
      pieces.push(p);
    },
    finish(metadata) {
      if (pieces.length === 0) throw corrupt('there are no pieces');
      // after the data: column indexes, offset indexes and bloom filters, as the encoder orders them
      const extras = pieces.flatMap((p) => p.extras.flat());
      const tail: Uint8Array[] = [];
      let at = pos;
      const place = (item: Placed | undefined) => {
        if (!item?.bytes) return;
        item.at = at;
        at += item.bytes.length;
        tail.push(item.bytes);
      };
      for (const e of extras) place(e.columnIndex);
      for (const e of extras) place(e.offsetIndex);
      for (const e of extras) place(e.bloom);
      const thrift = joinedFooter(pieces, metadata);
      const end = at + thrift.length + 8;
      ensure(end);
      for (const t of tail) {
        out.set(t, pos);
        pos += t.length;
      }
      out.set(thrift, pos);
      new DataView(out.buffer, out.byteOffset).setUint32(pos + thrift.length, thrift.length, true);
      out.set(MAGIC, pos + thrift.length + 4);
      out.set(MAGIC, 0);
      return out.subarray(0, end);
    },
  };
}

/**
 * One Parquet file holding the row groups of `pieces` in order. Every piece must come from the
 * same writer and Arrow schema; the first one's key-value metadata is the file's.
 */
export function joinParquetPieces(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const join = pieceJoin(pieces.reduce((n, p) => n + p.length, 0));
  for (const p of pieces) join.add(p);
  return join.finish();
}
