// Decodes the pages of one column chunk of a flat (non-nested, non-repeated) column in
// JavaScript: data pages v1 and v2, PLAIN and dictionary encodings, RLE booleans, uncompressed or
// Snappy pages. Values land in the buffers an Arrow column is made of. Anything else (another
// codec or encoding, nested levels) raises PageDecodeError and the caller uses parquet-wasm.

import { snappyUncompress } from 'hyparquet/src/snappy.js';
import type { FlatChunk } from './flat-footer.js';
import { decodeHybrid, PageDecodeError } from './rle-hybrid.js';
import { readFieldHeader, readZigZagNumber, skipValue, ThriftType, type ThriftReader } from './thrift-compact.js';

const PageType = { DATA: 0, INDEX: 1, DICTIONARY: 2, DATA_V2: 3 } as const;
const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;
const Codec = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;

interface PageHeader {
  type: number;
  uncompressed: number;
  compressed: number;
  numValues: number;
  encoding: number;
  defEncoding: number;
  /** Data page v2 only: level byte lengths and whether the values are compressed. */
  defLength: number;
  repLength: number;
  valuesCompressed: boolean;
}

function readInts(r: ThriftReader, into: (id: number, value: number) => void, onBool?: (id: number, value: boolean) => void): void {
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.type === ThriftType.I32 || h.type === ThriftType.I64 || h.type === ThriftType.I16) into(h.id, readZigZagNumber(r));
    else if (onBool && (h.type === ThriftType.TRUE || h.type === ThriftType.FALSE)) onBool(h.id, h.type === ThriftType.TRUE);
    else skipValue(r, h.type);
  }
}

function readPageHeader(r: ThriftReader): PageHeader {
  const p: PageHeader = { type: -1, uncompressed: -1, compressed: -1, numValues: 0, encoding: -1, defEncoding: Encoding.RLE, defLength: 0, repLength: 0, valuesCompressed: true };
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.id <= 3 && h.type === ThriftType.I32) {
      const v = readZigZagNumber(r);
      if (h.id === 1) p.type = v;
      else if (h.id === 2) p.uncompressed = v;
      else p.compressed = v;
    } else if (h.id === 5 && h.type === ThriftType.STRUCT) {
      readInts(r, (id, v) => {
        if (id === 1) p.numValues = v;
        else if (id === 2) p.encoding = v;
        else if (id === 3) p.defEncoding = v;
      });
    } else if (h.id === 7 && h.type === ThriftType.STRUCT) {
      readInts(r, (id, v) => {
        if (id === 1) p.numValues = v;
        else if (id === 2) p.encoding = v;
      });
    } else if (h.id === 8 && h.type === ThriftType.STRUCT) {
      readInts(
        r,
        (id, v) => {
          if (id === 1) p.numValues = v;
          else if (id === 4) p.encoding = v;
          else if (id === 5) p.defLength = v;
          else if (id === 6) p.repLength = v;
        },
        (id, v) => {
          if (id === 7) p.valuesCompressed = v;
        },
      );
    } else skipValue(r, h.type);
  }
  if (p.type < 0 || p.compressed < 0 || p.uncompressed < 0 || p.numValues < 0) throw new PageDecodeError('page header lacks its type or sizes');
  return p;
}

function decompress(codec: number, body: Uint8Array, size: number): Uint8Array {
  if (codec === Codec.UNCOMPRESSED) {
    if (body.length !== size) throw new PageDecodeError('uncompressed page size does not match');
    return body;
  }
  if (codec !== Codec.SNAPPY) throw new PageDecodeError(`codec ${codec} is decoded by parquet-wasm`);
  const out = new Uint8Array(size);
  snappyUncompress(body, out);
  return out;
}

/** What the chunk's values become: variable bytes, a bitmap, or fixed-width 32-bit words. */
export type ValueLayout = { kind: 'bytes' } | { kind: 'bool' } | { kind: 'words'; lanes: 1 | 2 };

/** One decoded column chunk, in Arrow's buffers. */
export interface DecodedChunk {
  length: number;
  nullCount: number;
  /** Validity bitmap, when some value is null. */
  validity?: Uint8Array;
  /** Fixed-width values as 32-bit words (`lanes` per value), a bitmap for booleans, or bytes. */
  values: Int32Array | Uint8Array;
  offsets?: Int32Array;
}

/** Accumulates values at their rows, skipping null rows. */
class Sink {
  readonly words: Int32Array | undefined;
  readonly bits: Uint8Array | undefined;
  readonly offsets: Int32Array | undefined;
  data = new Uint8Array(256);
  dataEnd = 0;
  validity: Uint8Array | undefined;
  nullCount = 0;
  /** Data end after each byte value of the current page. */
  ends = new Int32Array(0);

  constructor(
    readonly layout: ValueLayout,
    readonly length: number,
  ) {
    if (layout.kind === 'words') this.words = new Int32Array(length * layout.lanes);
    else if (layout.kind === 'bool') this.bits = new Uint8Array((length + 7) >> 3);
    else this.offsets = new Int32Array(length + 1);
  }

  appendBytes(src: Uint8Array, start: number, end: number): void {
    const need = this.dataEnd + end - start;
    if (need > this.data.length) {
      const grown = new Uint8Array(Math.max(need, this.data.length * 2));
      grown.set(this.data.subarray(0, this.dataEnd));
      this.data = grown;
    }
    // short values (most keys and names) copy faster byte by byte than through a subarray view
    if (end - start <= 32) {
      const data = this.data;
      for (let i = start, at = this.dataEnd; i < end; i++, at++) data[at] = src[i];
    } else this.data.set(src.subarray(start, end), this.dataEnd);
    this.dataEnd = need;
  }

  /** Starts a page of `present` byte values. */
  startPage(present: number): void {
    if (this.ends.length < present) this.ends = new Int32Array(present);
  }

  markNull(row: number): void {
    this.validity ??= new Uint8Array((this.length + 7) >> 3).fill(0xff);
    this.validity[row >> 3] &= ~(1 << (row & 7));
    this.nullCount++;
  }
}

/** A dictionary page's values: words, or bytes with offsets. */
interface Dictionary {
  size: number;
  words?: Int32Array;
  /** Byte values: entry i is bytes[starts[i], starts[i] + lengths[i]) of the dictionary page. */
  bytes?: Uint8Array;
  starts?: Int32Array;
  lengths?: Int32Array;
}

/** PLAIN byte arrays: each a 4-byte little-endian length and its bytes. */
function plainByteArrays(page: Uint8Array, pos: number, count: number): { starts: Int32Array; lengths: Int32Array } {
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  let at = pos;
  for (let i = 0; i < count; i++) {
    if (at + 4 > page.length) throw new PageDecodeError('byte array length past the end of the page');
    const len = page[at] | (page[at + 1] << 8) | (page[at + 2] << 16) | (page[at + 3] << 24);
    at += 4;
    if (len < 0 || at + len > page.length) throw new PageDecodeError('byte array past the end of the page');
    starts[i] = at;
    lengths[i] = len;
    at += len;
  }
  return { starts, lengths };
}

function plainWords(page: Uint8Array, pos: number, count: number, lanes: number): Int32Array {
  const bytes = count * lanes * 4;
  if (pos + bytes > page.length) throw new PageDecodeError('values past the end of the page');
  // copied: the page bytes need not be 4-byte aligned
  return new Int32Array(page.slice(pos, pos + bytes).buffer);
}

function readDictionary(layout: ValueLayout, page: Uint8Array, count: number): Dictionary {
  if (layout.kind === 'words') return { size: count, words: plainWords(page, 0, count, layout.lanes) };
  if (layout.kind === 'bool') throw new PageDecodeError('dictionary-encoded booleans are decoded by parquet-wasm');
  // entries stay where they are in the page, which is ours (decompressed) or the file's
  return { size: count, bytes: page, ...plainByteArrays(page, 0, count) };
}

/** Writes the page's present values (`present` of them) at the rows `rows` names. */
function placeValues(sink: Sink, page: Uint8Array, pos: number, encoding: number, rows: Int32Array, present: number, dict: Dictionary | undefined): void {
  const layout = sink.layout;
  if (encoding === Encoding.RLE_DICTIONARY || encoding === Encoding.PLAIN_DICTIONARY) {
    if (!dict) throw new PageDecodeError('dictionary-encoded page without a dictionary');
    if (pos >= page.length && present > 0) throw new PageDecodeError('dictionary page indexes missing');
    const indexes = new Int32Array(present);
    if (present > 0) decodeHybrid(page, pos + 1, page.length, page[pos], present, indexes);
    for (let k = 0; k < present; k++) {
      const d = indexes[k];
      if (d < 0 || d >= dict.size) throw new PageDecodeError(`dictionary index ${d} out of range`);
      const row = rows[k];
      if (sink.words) {
        const lanes = (layout as { lanes: number }).lanes;
        for (let l = 0; l < lanes; l++) sink.words[row * lanes + l] = dict.words![d * lanes + l];
      } else {
        const start = dict.starts![d];
        sink.appendBytes(dict.bytes!, start, start + dict.lengths![d]);
        sink.ends[k] = sink.dataEnd;
      }
    }
    return;
  }
  if (layout.kind === 'bool') {
    const bits = sink.bits!;
    let flags: (k: number) => number;
    if (encoding === Encoding.PLAIN) {
      if (pos + ((present + 7) >> 3) > page.length) throw new PageDecodeError('booleans past the end of the page');
      flags = (k) => (page[pos + (k >> 3)] >> (k & 7)) & 1;
    } else if (encoding === Encoding.RLE) {
      const values = new Int32Array(present);
      if (pos + 4 > page.length) throw new PageDecodeError('RLE booleans lack their length');
      const len = page[pos] | (page[pos + 1] << 8) | (page[pos + 2] << 16) | (page[pos + 3] << 24);
      decodeHybrid(page, pos + 4, Math.min(page.length, pos + 4 + len), 1, present, values);
      flags = (k) => values[k];
    } else throw new PageDecodeError(`boolean encoding ${encoding} is decoded by parquet-wasm`);
    for (let k = 0; k < present; k++) if (flags(k)) bits[rows[k] >> 3] |= 1 << (rows[k] & 7);
    return;
  }
  if (encoding !== Encoding.PLAIN) throw new PageDecodeError(`encoding ${encoding} is decoded by parquet-wasm`);
  if (layout.kind === 'words') {
    const lanes = layout.lanes;
    const src = plainWords(page, pos, present, lanes);
    const words = sink.words!;
    for (let k = 0; k < present; k++) for (let l = 0; l < lanes; l++) words[rows[k] * lanes + l] = src[k * lanes + l];
    return;
  }
  const { starts, lengths } = plainByteArrays(page, pos, present);
  for (let k = 0; k < present; k++) {
    sink.appendBytes(page, starts[k], starts[k] + lengths[k]);
    sink.ends[k] = sink.dataEnd;
  }
}

/** Rows of a page that hold a value (definition level 1), marking the others null. */
function presentRows(sink: Sink, levels: Int32Array | undefined, firstRow: number, count: number): Int32Array {
  const rows = new Int32Array(count);
  let present = 0;
  for (let i = 0; i < count; i++) {
    if (levels && levels[i] === 0) sink.markNull(firstRow + i);
    else rows[present++] = firstRow + i;
  }
  return rows.subarray(0, present);
}

/**
 * Decodes a flat column chunk of `rows` rows. `optional` says whether it has definition levels
 * (max level 1); a required column has none.
 */
export function decodeFlatChunk(file: Uint8Array, chunk: FlatChunk, rows: number, optional: boolean, layout: ValueLayout): DecodedChunk {
  if (chunk.numValues !== rows) throw new PageDecodeError(`chunk holds ${chunk.numValues} values for ${rows} rows`);
  const end = chunk.start + chunk.length;
  if (chunk.start < 4 || end > file.length) throw new PageDecodeError('column chunk lies outside the file');
  const sink = new Sink(layout, rows);
  const r: ThriftReader = { bytes: file.subarray(0, end), pos: chunk.start };
  let dict: Dictionary | undefined;
  let row = 0;
  while (row < rows) {
    const h = readPageHeader(r);
    const bodyStart = r.pos;
    r.pos += h.compressed;
    if (r.pos > end) throw new PageDecodeError('page past the end of its chunk');
    const body = file.subarray(bodyStart, r.pos);
    if (h.type === PageType.DICTIONARY) {
      if (h.encoding !== Encoding.PLAIN && h.encoding !== Encoding.PLAIN_DICTIONARY) throw new PageDecodeError(`dictionary encoding ${h.encoding}`);
      dict = readDictionary(layout, decompress(chunk.codec, body, h.uncompressed), h.numValues);
      continue;
    }
    if (h.type !== PageType.DATA && h.type !== PageType.DATA_V2) continue;
    const count = h.numValues;
    if (row + count > rows) throw new PageDecodeError('pages hold more values than the chunk');
    let levels: Int32Array | undefined;
    let page: Uint8Array;
    let pos = 0;
    if (h.type === PageType.DATA) {
      page = decompress(chunk.codec, body, h.uncompressed);
      if (optional) {
        if (h.defEncoding !== Encoding.RLE) throw new PageDecodeError(`level encoding ${h.defEncoding}`);
        if (page.length < 4) throw new PageDecodeError('definition levels lack their length');
        const len = page[0] | (page[1] << 8) | (page[2] << 16) | (page[3] << 24);
        if (len < 0 || 4 + len > page.length) throw new PageDecodeError('definition levels past the end of the page');
        levels = new Int32Array(count);
        decodeHybrid(page, 4, 4 + len, 1, count, levels);
        pos = 4 + len;
      }
    } else {
      if (h.repLength !== 0) throw new PageDecodeError('repetition levels in a flat column');
      const levelBytes = h.defLength;
      if (levelBytes < 0 || levelBytes > body.length) throw new PageDecodeError('definition levels past the end of the page');
      if (optional) {
        levels = new Int32Array(count);
        decodeHybrid(body, 0, levelBytes, 1, count, levels);
      } else if (levelBytes !== 0) throw new PageDecodeError('definition levels in a required column');
      const values = body.subarray(levelBytes);
      page = h.valuesCompressed ? decompress(chunk.codec, values, h.uncompressed - levelBytes) : values;
    }
    const present = presentRows(sink, levels, row, count);
    sink.startPage(present.length);
    placeValues(sink, page, pos, h.encoding, present, present.length, dict);
    if (sink.offsets) {
      // each row's end in the data: a null row ends where the row before it did
      const offsets = sink.offsets;
      let k = 0;
      for (let i = row; i < row + count; i++) offsets[i + 1] = k < present.length && present[k] === i ? sink.ends[k++] : offsets[i];
    }
    row += count;
  }
  return { length: rows, nullCount: sink.nullCount, ...(sink.validity ? { validity: sink.validity } : {}), values: sink.words ?? sink.bits ?? sink.data.subarray(0, sink.dataEnd), ...(sink.offsets ? { offsets: sink.offsets } : {}) };
}
