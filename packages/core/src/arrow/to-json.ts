// Converts Arrow values to plain JSON values (for printing, predicates on rows, NDJSON output) without losing information: exact decimals, ISO
// dates and timestamps at full precision, 64-bit integers as numbers only when exact, binary as
// base64, nested types as JSON arrays and objects.

import { DataType, Type, type Data, type RecordBatch, type Table, type Vector } from 'apache-arrow';
import { encodeBase64, float16FromBits } from '@lake/parquet';
import { boolAt, bytesAt, signedWords } from './value-at.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const utf8 = new TextDecoder();

function bigintToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function numberToJson(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function pad(n: number | bigint, width: number): string {
  return n.toString().padStart(width, '0');
}

export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

const unitDigits = [0, 3, 6, 9]; // TimeUnit.SECOND, MILLISECOND, MICROSECOND, NANOSECOND

/** Renders an epoch value in the given unit as ISO-8601, keeping sub-millisecond digits. */
export function formatTimestamp(value: bigint, unit: number, timezone: string | null | undefined): string {
  const digits = unitDigits[unit] ?? 6;
  const perSecond = 10n ** BigInt(digits);
  let seconds = value / perSecond;
  let fraction = value % perSecond;
  if (fraction < 0n) {
    fraction += perSecond;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const frac = digits > 0 ? `.${pad(fraction, digits)}` : '';
  // Without a time zone the value is a wall-clock time, so it carries no offset.
  return `${iso}${frac}${timezone ? 'Z' : ''}`;
}

function formatTimeOfDay(value: bigint, unit: number): string {
  const digits = unitDigits[unit] ?? 6;
  const perSecond = 10n ** BigInt(digits);
  const total = value / perSecond;
  const h = total / 3600n;
  const m = (total / 60n) % 60n;
  const s = total % 60n;
  const frac = digits > 0 ? `.${pad(value % perSecond, digits)}` : '';
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${frac}`;
}

/** The value at `index` of one Arrow Data chunk, as JSON. Indexes follow arrow-js' own accessors. */
export function dataValueToJson(data: Data, index: number): JsonValue {
  if (!data.getValid(index)) return null;
  const type = data.type as DataType;
  switch (type.typeId) {
    case Type.Null:
      return null;
    case Type.Bool:
      return boolAt(data, index);
    case Type.Int: {
      const value = (data.values as ArrayLike<number | bigint>)[index];
      return typeof value === 'bigint' ? bigintToJson(value) : value;
    }
    case Type.Float: {
      const values = data.values as ArrayLike<number>;
      const raw = values[index];
      // Half floats are stored as uint16 bits.
      if ((type as unknown as { precision: number }).precision === 0) return numberToJson(float16FromBits(raw));
      return numberToJson(raw);
    }
    case Type.Decimal: {
      const { scale, bitWidth } = type as unknown as { scale: number; bitWidth: number };
      const words = bitWidth / 32;
      const values = data.values as Uint32Array;
      return formatDecimal(signedWords(values.subarray(index * words, (index + 1) * words)), scale);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return utf8.decode(bytesAt(data, index));
    case Type.Binary:
    case Type.LargeBinary:
      return encodeBase64(bytesAt(data, index));
    case Type.FixedSizeBinary: {
      const width = (type as unknown as { byteWidth: number }).byteWidth;
      return encodeBase64((data.values as Uint8Array).subarray(index * width, (index + 1) * width));
    }
    case Type.Date: {
      const unit = (type as unknown as { unit: number }).unit;
      // DateUnit.DAY (0) stores days; DateUnit.MILLISECOND stores milliseconds.
      const raw = (data.values as ArrayLike<number | bigint>)[index];
      return unit === 0 ? formatDate(Number(raw)) : new Date(Number(raw)).toISOString().slice(0, 10);
    }
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: number; timezone: string | null };
      const raw = (data.values as ArrayLike<number | bigint>)[index];
      return formatTimestamp(BigInt(raw), unit, timezone);
    }
    case Type.Time: {
      const unit = (type as unknown as { unit: number }).unit;
      return formatTimeOfDay(BigInt((data.values as ArrayLike<number | bigint>)[index]), unit);
    }
    case Type.List:
    case Type.LargeList: {
      const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint>;
      const child = data.children[0];
      const out: JsonValue[] = [];
      for (let i = Number(offsets[index]); i < Number(offsets[index + 1]); i++) out.push(dataValueToJson(child, i));
      return out;
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const child = data.children[0];
      const out: JsonValue[] = [];
      for (let i = index * size; i < (index + 1) * size; i++) out.push(dataValueToJson(child, i));
      return out;
    }
    case Type.Struct: {
      const out: { [key: string]: JsonValue } = {};
      type.children.forEach((field, k) => {
        out[field.name] = dataValueToJson(data.children[k], index);
      });
      return out;
    }
    case Type.Map: {
      const offsets = data.valueOffsets as unknown as ArrayLike<number>;
      const entries = data.children[0];
      const keys = entries.children[0];
      const values = entries.children[1];
      const pairs: [JsonValue, JsonValue][] = [];
      for (let i = offsets[index]; i < offsets[index + 1]; i++) {
        pairs.push([dataValueToJson(keys, i), dataValueToJson(values, i)]);
      }
      // String-keyed maps read naturally as objects; other key types stay as [key, value] pairs.
      if (pairs.every(([key]) => typeof key === 'string')) return Object.fromEntries(pairs);
      return pairs;
    }
    case Type.Dictionary: {
      const key = (data.values as ArrayLike<number | bigint>)[index];
      const dictionary = data.dictionary;
      if (!dictionary) return null;
      return vectorValueToJson(dictionary, Number(key));
    }
    default:
      return String((data as unknown as { toString(): string }).toString());
  }
}

/** The value at a row of a (possibly multi-chunk) vector, as JSON. */
export function vectorValueToJson(vector: Vector, row: number): JsonValue {
  let index = row;
  for (const data of vector.data) {
    if (index < data.length) return dataValueToJson(data, index);
    index -= data.length;
  }
  throw new RangeError(`row ${row} is out of range for a vector of ${vector.length} rows`);
}

/** Rows of a batch or table as plain objects, in schema order. */
export function* rowsToJson(source: RecordBatch | Table): Generator<{ [key: string]: JsonValue }> {
  const columns = source.schema.fields.map((field, i) => ({ name: field.name, vector: source.getChildAt(i) }));
  for (let row = 0; row < source.numRows; row++) {
    const out: { [key: string]: JsonValue } = {};
    for (const { name, vector } of columns) out[name] = vector ? vectorValueToJson(vector, row) : null;
    yield out;
  }
}
