// The comparable value domain of each column type, and fast readers of Arrow data into it:
// numbers for small ints, floats and dates (days), bigints for 64-bit ints, timestamps (in the
// column's unit) and decimals (unscaled), strings compared by code point (Parquet's UTF-8 order).

import { DataType, type Data, type Vector } from 'apache-arrow';
import { float16FromBits } from '@lake/parquet';

type Kind = 'int' | 'float' | 'bigint' | 'decimal' | 'date' | 'timestamp' | 'string' | 'bool' | 'other';

export type DomainValue = number | bigint | string | boolean;

export interface ColumnKind {
  kind: Kind;
  /** Decimal scale. */
  scale?: number;
  /** Timestamp unit as a power of ten of seconds: 0 s, 3 ms, 6 us, 9 ns. */
  unitDigits?: number;
}

export function columnKind(type: DataType): ColumnKind {
  if (DataType.isDictionary(type)) return columnKind(type.dictionary);
  if (DataType.isInt(type)) return { kind: type.bitWidth === 64 ? 'bigint' : 'int' };
  if (DataType.isFloat(type)) return { kind: 'float' };
  if (DataType.isDecimal(type)) return { kind: 'decimal', scale: type.scale };
  if (DataType.isDate(type)) return { kind: 'date' };
  if (DataType.isTimestamp(type)) return { kind: 'timestamp', unitDigits: [0, 3, 6, 9][type.unit] ?? 3 };
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return { kind: 'string' };
  if (DataType.isBool(type)) return { kind: 'bool' };
  return { kind: 'other' };
}

/** Orders strings by code point, which is the byte order of their UTF-8 encoding. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800-DFFF) encode code points above U+FFFF and must sort after U+E000-FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

export function compareDomain(a: DomainValue, b: DomainValue): number {
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  const y = b as number;
  return (a as number) < y ? -1 : (a as number) > y ? 1 : 0;
}

const decoder = new TextDecoder();

function utf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start < 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

export type Reader = (row: number) => DomainValue | null;

function validity(data: Data): ((row: number) => boolean) | undefined {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return undefined;
  const offset = data.offset;
  return (row) => ((bitmap[(offset + row) >> 3] >> ((offset + row) & 7)) & 1) === 1;
}

function signedWords(words: Uint32Array, at: number, count: number): bigint {
  let v = 0n;
  for (let k = count - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[at + k]);
  return BigInt.asIntN(count * 32, v);
}

/** A reader of one Arrow Data into the domain of its kind; nulls as null. */
export function readerOf(data: Data): Reader {
  const type = data.type as DataType;
  const valid = validity(data);
  const wrap = (get: (row: number) => DomainValue): Reader => (valid ? (r) => (valid(r) ? get(r) : null) : get);
  if (DataType.isDictionary(type)) {
    const dict = data.dictionary as Vector | undefined;
    const chunks = dict?.data ?? [];
    const inner = chunks.length === 1 ? readerOf(chunks[0] as Data) : (r: number) => genericValue(dict?.get(r));
    const indices = data.values as ArrayLike<number | bigint>;
    return wrap((r) => inner(Number(indices[r])) as DomainValue);
  }
  const values = data.values as unknown;
  if (DataType.isInt(type) || DataType.isFloat(type)) {
    const arr = values as ArrayLike<number | bigint>;
    if (DataType.isFloat(type) && type.precision === 0) {
      const halves = values as Uint16Array;
      return wrap((r) => float16FromBits(halves[r]));
    }
    return wrap((r) => arr[r]);
  }
  if (DataType.isDecimal(type)) {
    const words = values as Uint32Array;
    const stride = type.bitWidth / 32;
    return wrap((r) => signedWords(words, r * stride, stride));
  }
  if (DataType.isDate(type)) {
    const arr = values as ArrayLike<number | bigint>;
    // DateDay counts days; DateMillisecond counts milliseconds: both become (fractional) days.
    return type.unit === 0 ? wrap((r) => Number(arr[r])) : wrap((r) => Number(arr[r]) / 86_400_000);
  }
  if (DataType.isTimestamp(type)) {
    const arr = values as ArrayLike<number | bigint>;
    return wrap((r) => BigInt(arr[r]));
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    const bytes = values as Uint8Array;
    return wrap((r) => utf8(bytes, Number(offsets[r]), Number(offsets[r + 1])));
  }
  if (DataType.isBool(type)) {
    const bits = values as Uint8Array;
    const offset = data.offset;
    return wrap((r) => ((bits[(offset + r) >> 3] >> ((offset + r) & 7)) & 1) === 1);
  }
  return () => null;
}

function genericValue(v: unknown): DomainValue {
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** A stable text form of a domain value, for hashing and group keys (type-tagged so 1 and '1' differ). */
export function domainKey(v: DomainValue | null): string {
  if (v === null) return '\u0000';
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `n${Object.is(v, -0) ? 0 : v}`;
    case 'bigint':
      return `b${v}`;
    default:
      return v ? 't' : 'f';
  }
}
