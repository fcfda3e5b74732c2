// Hudi's record-key bloom filters: SIMPLE (one Hadoop bloom filter) and DYNAMIC_V0
// (HoodieDynamicBoundedBloomFilter: rows of equal filters added every `numEntries` keys up to
// `maxEntries`), serialized byte-for-byte as Hudi does and Base64-encoded for Parquet footers.

import { BloomFilterConfigError, InvalidBloomFilterError, InvalidBloomKeyError } from '../errors.js';
import { decodeBase64, decodeBase64Ascii, encodeBase64, encodeBase64AsciiBytes } from '@lake/parquet';
import {
  DataReader,
  DataWriter,
  MURMUR_HASH,
  hasPositions,
  newRow,
  positions,
  readRow,
  readShape,
  setPositions,
  writeRow,
  writeShape,
  type FilterRow,
  type RowShape,
} from './bloom-filter-row.js';
import { javaUtf8Bytes } from './key-bytes.js';

export type BloomFilterTypeCode = 'SIMPLE' | 'DYNAMIC_V0';

export interface BloomFilter {
  readonly typeCode: BloomFilterTypeCode;
  add(key: string): void;
  /**
   * Adds the key whose UTF-8 bytes are `bytes[start..end)`: the same as `add` of that string for
   * valid UTF-8 (Java's getBytes(UTF_8) of a string without lone surrogates), without the string.
   */
  addUtf8(bytes: Uint8Array, start: number, end: number): void;
  mightContain(key: string): boolean;
  /** Base64 text as stored under `org.apache.hudi.bloomfilter`. */
  serialize(): string;
  /** The same text as its ASCII bytes, for writing into a footer without making a string. */
  serializeBytes(): Uint8Array;
}

export interface BloomFilterOptions {
  /** `hoodie.bloom.index.filter.type`. */
  type?: BloomFilterTypeCode;
  /** `hoodie.index.bloom.num_entries`: keys per filter (per row for DYNAMIC_V0). */
  numEntries?: number;
  /** `hoodie.index.bloom.fpp`: target false-positive probability. */
  fpp?: number;
  /** `hoodie.bloom.index.filter.dynamic.max.entries`: bound on keys for DYNAMIC_V0. */
  maxEntries?: number;
}

/** Hudi's defaults for the footer bloom filter (HoodieStorageConfig). */
export const BLOOM_FILTER_DEFAULTS: Required<BloomFilterOptions> = {
  type: 'DYNAMIC_V0',
  numEntries: 60_000,
  fpp: 0.000000001,
  maxEntries: 100_000,
};

/**
 * Keys added to record-key filters in this process (each a chain of Murmur hashes): for
 * diagnostics (tests, profiles), as `keyIndexWork` counts the key index's work.
 */
export const bloomFilterWork = { keysAdded: 0 };

const LOG2_SQUARED = Math.log(2) * Math.log(2);
const INT_MAX = 2 ** 31 - 1;

/** Number of bits for `numEntries` keys at false-positive rate `fpp`, as a Java int. */
export function bloomBitSize(numEntries: number, fpp: number): number {
  return javaInt(Math.ceil(numEntries * (-Math.log(fpp) / LOG2_SQUARED)));
}

export function bloomHashCount(bitSize: number, numEntries: number): number {
  return javaInt(Math.ceil((Math.log(2) * bitSize) / numEntries));
}

// Java's (int) cast of a double saturates instead of wrapping.
function javaInt(v: number): number {
  return v >= INT_MAX ? INT_MAX : Math.trunc(v);
}

function keyBytes(key: string): Uint8Array {
  if (typeof key !== 'string') throw new InvalidBloomKeyError(`expected a string, got ${typeof key}`);
  const bytes = javaUtf8Bytes(key);
  if (bytes.length === 0) throw new InvalidBloomKeyError('the key is empty');
  return bytes;
}

class SimpleFilter implements BloomFilter {
  readonly typeCode = 'SIMPLE';
  private readonly pos: Int32Array;

  constructor(private readonly row: FilterRow) {
    this.pos = new Int32Array(row.nbHash);
  }

  add(key: string): void {
    const bytes = keyBytes(key);
    this.addUtf8(bytes, 0, bytes.length);
  }

  addUtf8(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) throw new InvalidBloomKeyError('the key is empty');
    positions(this.row, bytes, this.pos, start, end);
    setPositions(this.row, this.pos);
    bloomFilterWork.keysAdded++;
  }

  mightContain(key: string): boolean {
    positions(this.row, keyBytes(key), this.pos);
    return hasPositions(this.row, this.pos);
  }

  serialize(): string {
    return encodeBase64(this.raw());
  }

  serializeBytes(): Uint8Array {
    return encodeBase64AsciiBytes(this.raw());
  }

  private raw(): Uint8Array {
    const out = new DataWriter();
    writeRow(out, this.row);
    return out.result();
  }
}

interface DynamicState {
  shape: RowShape;
  /** Keys per row before a new row is started. */
  nr: number;
  currentNbRecord: number;
  /** Not serialized by Hudi: a parsed filter has 0 here, which makes further adds cycle rows. */
  maxNr: number;
  matrix: FilterRow[];
}

/** Where a dynamic filter's adds go next once its rows are at the bound (round-robin over them). */
interface DynamicCursor {
  reachedMax: boolean;
  curMatrixIndex: number;
}

class DynamicFilter implements BloomFilter {
  readonly typeCode = 'DYNAMIC_V0';
  private reachedMax: boolean;
  private curMatrixIndex: number;
  private readonly pos: Int32Array;

  constructor(
    readonly s: DynamicState,
    cursor: DynamicCursor = { reachedMax: false, curMatrixIndex: 0 },
  ) {
    this.pos = new Int32Array(s.shape.nbHash);
    this.reachedMax = cursor.reachedMax;
    this.curMatrixIndex = cursor.curMatrixIndex;
  }

  // Mirrors InternalDynamicBloomFilter.getActiveStandardBF, including the round-robin over
  // rows once the bound is reached, so filters that grow past maxEntries still match Hudi's bytes.
  private activeRow(): FilterRow {
    const s = this.s;
    if (this.reachedMax) return s.matrix[this.curMatrixIndex++ % s.matrix.length];
    const full = s.currentNbRecord >= s.nr;
    if (full && s.matrix.length * s.nr < s.maxNr) {
      const row = newRow(s.shape);
      s.matrix.push(row);
      s.currentNbRecord = 0;
      return row;
    }
    if (full) {
      this.reachedMax = true;
      return s.matrix[0];
    }
    return s.matrix[s.matrix.length - 1];
  }

  add(key: string): void {
    const bytes = keyBytes(key);
    this.addUtf8(bytes, 0, bytes.length);
  }

  addUtf8(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) throw new InvalidBloomKeyError('the key is empty');
    const row = this.activeRow();
    positions(row, bytes, this.pos, start, end);
    setPositions(row, this.pos);
    this.s.currentNbRecord++;
    bloomFilterWork.keysAdded++;
  }

  mightContain(key: string): boolean {
    const bytes = keyBytes(key);
    // Every row shares one shape, so the positions are computed once.
    positions(this.s.shape, bytes, this.pos);
    for (const row of this.s.matrix) if (hasPositions(row, this.pos)) return true;
    return false;
  }

  serialize(): string {
    return encodeBase64(this.raw());
  }

  serializeBytes(): Uint8Array {
    return encodeBase64AsciiBytes(this.raw());
  }

  private raw(): Uint8Array {
    const out = new DataWriter();
    writeShape(out, this.s.shape);
    out.int(this.s.nr);
    out.int(this.s.currentNbRecord);
    out.int(this.s.matrix.length);
    for (const row of this.s.matrix) writeRow(out, row);
    return out.result();
  }
}

function checkOptions(o: Required<BloomFilterOptions>): void {
  if (o.type !== 'SIMPLE' && o.type !== 'DYNAMIC_V0') throw new BloomFilterConfigError(`Unknown bloom filter type "${String(o.type)}"`);
  if (!Number.isInteger(o.numEntries) || o.numEntries <= 0 || o.numEntries > INT_MAX) {
    throw new BloomFilterConfigError(`numEntries ${o.numEntries} is not a positive integer`);
  }
  if (!(o.fpp > 0 && o.fpp < 1)) throw new BloomFilterConfigError(`fpp ${o.fpp} is not between 0 and 1`);
  if (!Number.isInteger(o.maxEntries) || o.maxEntries <= 0 || o.maxEntries > INT_MAX) {
    throw new BloomFilterConfigError(`maxEntries ${o.maxEntries} is not a positive integer`);
  }
}

/** A new, empty filter sized like Hudi's BloomFilterFactory would size it. */
export function createBloomFilter(options: BloomFilterOptions = {}): BloomFilter {
  const o: Required<BloomFilterOptions> = {
    type: options.type ?? BLOOM_FILTER_DEFAULTS.type,
    numEntries: options.numEntries ?? BLOOM_FILTER_DEFAULTS.numEntries,
    fpp: options.fpp ?? BLOOM_FILTER_DEFAULTS.fpp,
    maxEntries: options.maxEntries ?? BLOOM_FILTER_DEFAULTS.maxEntries,
  };
  checkOptions(o);
  const vectorSize = bloomBitSize(o.numEntries, o.fpp);
  const shape: RowShape = { vectorSize, nbHash: bloomHashCount(vectorSize, o.numEntries), hashType: MURMUR_HASH };
  if (o.type === 'SIMPLE') return new SimpleFilter(newRow(shape));
  return new DynamicFilter({ shape, nr: o.numEntries, currentNbRecord: 0, maxNr: o.maxEntries, matrix: [newRow(shape)] });
}

/**
 * Reads a filter from its footer text. `typeCode` is the `hoodie_bloom_filter_type_code` footer
 * value; Hudi writes none for SIMPLE filters, so absent means SIMPLE.
 */
export function parseBloomFilter(serialized: string, typeCode?: string): BloomFilter {
  const code = checkTypeCode(typeCode);
  if (typeof serialized !== 'string') throw new InvalidBloomFilterError('the serialized filter is not a string');
  return fromBinary(decodeBase64(serialized.trim()), code);
}

/**
 * `parseBloomFilter` of footer text still held as its bytes (as the footer stores it): the
 * Base64 is decoded straight from them, no string of the filter's size is built. Text with
 * non-ASCII whitespace around it is read as `parseBloomFilter` reads it.
 */
export function parseBloomFilterBytes(serialized: Uint8Array, typeCode?: string): BloomFilter {
  const code = checkTypeCode(typeCode);
  return fromBinary(decodeBase64Ascii(serialized) ?? decodeBase64(new TextDecoder().decode(serialized).trim()), code);
}

function checkTypeCode(typeCode: string | undefined): BloomFilterTypeCode {
  const code = typeCode ?? 'SIMPLE';
  if (code !== 'SIMPLE' && code !== 'DYNAMIC_V0') {
    throw new InvalidBloomFilterError(`unknown bloom filter type code "${code}" (expected SIMPLE or DYNAMIC_V0)`);
  }
  return code;
}

function fromBinary(bytes: Uint8Array | undefined, code: BloomFilterTypeCode): BloomFilter {
  if (!bytes) throw new InvalidBloomFilterError('the text is not Base64');
  const input = new DataReader(bytes);
  if (code === 'SIMPLE') {
    const row = readRow(input);
    return new SimpleFilter(row);
  }
  const shape = readShape(input);
  const nr = input.int();
  const currentNbRecord = input.int();
  const rows = input.int();
  if (nr <= 0 || currentNbRecord < 0 || rows <= 0) {
    throw new InvalidBloomFilterError(`invalid dynamic filter header (rows ${rows}, per row ${nr}, current ${currentNbRecord})`);
  }
  const matrix: FilterRow[] = [];
  for (let i = 0; i < rows; i++) {
    const row = readRow(input);
    if (row.vectorSize !== shape.vectorSize || row.nbHash !== shape.nbHash) {
      throw new InvalidBloomFilterError(`row ${i} has a different shape than the filter`);
    }
    matrix.push(row);
  }
  return new DynamicFilter({ shape, nr, currentNbRecord, maxNr: 0, matrix });
}

/**
 * A copy of a parsed DYNAMIC_V0 filter that keys can be added to exactly as to the filter Hudi
 * had in memory when it wrote it: Hudi serializes neither the bound on keys nor where a filter at
 * its bound puts the next key, so the bound is taken as `maxEntries` (Hudi's default unless the
 * table set another) and the round-robin position is worked out from the keys the rows hold.
 * The copy owns its bits: the original (cached by the key index, maybe in use) is left as it is.
 * Undefined for a SIMPLE filter, whose one row would only grow more false positives.
 */
export function growableCopy(filter: BloomFilter, maxEntries: number = BLOOM_FILTER_DEFAULTS.maxEntries): BloomFilter | undefined {
  if (!(filter instanceof DynamicFilter)) return undefined;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0 || maxEntries > INT_MAX) {
    throw new BloomFilterConfigError(`maxEntries ${maxEntries} is not a positive integer`);
  }
  const s = filter.s;
  const matrix = s.matrix.map((row) => ({ ...row, bits: row.bits.slice() }));
  // At the bound, the key that found the last row full went to row 0 and set reachedMax; each
  // later key went to row curMatrixIndex++ % rows. Keys past the last row's `nr` count them.
  const atBound = matrix.length * s.nr >= maxEntries && s.currentNbRecord > s.nr;
  const cursor = atBound ? { reachedMax: true, curMatrixIndex: s.currentNbRecord - s.nr - 1 } : undefined;
  return new DynamicFilter({ shape: s.shape, nr: s.nr, currentNbRecord: s.currentNbRecord, maxNr: maxEntries, matrix }, cursor);
}

/** Keys a DYNAMIC_V0 filter takes per row and has taken (as Hudi counts them), or undefined for SIMPLE. */
export function dynamicFilterLoad(filter: BloomFilter): { perRow: number; rows: number; keys: number } | undefined {
  if (!(filter instanceof DynamicFilter)) return undefined;
  const s = filter.s;
  return { perRow: s.nr, rows: s.matrix.length, keys: (s.matrix.length - 1) * s.nr + s.currentNbRecord };
}
