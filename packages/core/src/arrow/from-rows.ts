// Plain JavaScript rows -> Arrow, for callers that hold objects (NDJSON, CSV, code) rather than
// Arrow tables. Conversions are the inverse of lake's JSON rendering, so rendered rows written
// back give the same values: decimals from exact strings, timestamps from ISO-8601 at full
// precision, 64-bit integers from numbers or digit strings, binary from base64.

import {
  Binary, Bool, DataType, Field, Float64, Int64, List, Schema, Struct, Table, RecordBatch, Type, Utf8, makeData,
  type Data,
} from 'apache-arrow';
import { decodeBase64Forgiving } from '@lake/parquet';
import { SchemaError } from '../errors.js';

export type Row = Record<string, unknown>;

const utf8Encoder = new TextEncoder();

function fail(path: string, value: unknown, expected: string): never {
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : JSON.stringify(value)?.slice(0, 40) ?? String(value);
  throw new SchemaError(`Column "${path}": ${shown} is not a valid ${expected}. Fix the input value or the column's type.`);
}

function validity(values: readonly unknown[]): { bitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  });
  return nullCount === 0 ? { bitmap: undefined, nullCount } : { bitmap, nullCount };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toBigInt(value: unknown, path: string, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return fail(path, value, what);
}

function toNumber(value: unknown, path: string, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (value === 'NaN') return NaN;
  return fail(path, value, what);
}

/** Parses a decimal string/number to its unscaled integer at `scale`, rejecting lost digits. */
export function parseDecimal(value: unknown, scale: number, path: string): bigint {
  const text = typeof value === 'number' ? value.toString() : typeof value === 'bigint' ? value.toString() : value;
  if (typeof text !== 'string') return fail(path, value, 'decimal');
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return fail(path, value, 'decimal');
  const [, sign, whole, frac = '', exp = '0'] = match;
  let digits = whole + frac;
  let shift = scale - frac.length + Number(exp);
  if (shift >= 0) digits += '0'.repeat(shift);
  else {
    const dropped = digits.slice(digits.length + shift);
    if (/[1-9]/.test(dropped)) fail(path, value, `decimal with scale ${scale} (it has more fractional digits)`);
    digits = digits.slice(0, digits.length + shift);
    shift = 0;
  }
  const unscaled = BigInt(digits === '' ? '0' : digits);
  return sign === '-' ? -unscaled : unscaled;
}

const unitPerSecond = [1n, 1000n, 1000000n, 1000000000n];

/** Parses an ISO-8601 timestamp, Date or epoch number to an epoch count in `unit`. */
export function parseTimestamp(value: unknown, unit: number, path: string): bigint {
  const perSecond = unitPerSecond[unit] ?? 1000000n;
  if (value instanceof Date) return BigInt(value.getTime()) * perSecond / 1000n;
  if (typeof value === 'number' || typeof value === 'bigint') return toBigInt(value, path, 'timestamp');
  if (typeof value !== 'string') return fail(path, value, 'timestamp');
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!match) {
    if (/^-?\d+$/.test(value.trim())) return BigInt(value.trim());
    return fail(path, value, 'ISO-8601 timestamp');
  }
  const [, date, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const millis = Date.parse(`${date}T${hh}:${mm}:${ss}${offset}`);
  if (Number.isNaN(millis)) return fail(path, value, 'ISO-8601 timestamp');
  const seconds = BigInt(Math.floor(millis / 1000));
  const fraction = BigInt((frac + '000000000').slice(0, 9));
  return seconds * perSecond + (fraction * perSecond) / 1000000000n;
}

/** Parses `YYYY-MM-DD`, a Date or a day count to days since the epoch. */
function parseDate(value: unknown, path: string): number {
  if (value instanceof Date) return Math.floor(value.getTime() / 86400000);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const millis = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value);
    if (!Number.isNaN(millis)) return Math.floor(millis / 86400000);
  }
  return fail(path, value, 'date (YYYY-MM-DD)');
}

function decodeBinary(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    return decodeBase64Forgiving(value) ?? fail(path, value, 'base64 binary value');
  }
  return fail(path, value, 'binary value (base64 string)');
}

function wordsOf(value: bigint, words: number): Uint32Array {
  const out = new Uint32Array(words);
  let v = BigInt.asUintN(words * 32, value);
  for (let i = 0; i < words; i++) {
    out[i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return out;
}

function mapEntries(value: unknown, path: string): [unknown, unknown][] {
  if (value instanceof Map) return [...value.entries()];
  if (Array.isArray(value)) return value as [unknown, unknown][];
  if (typeof value === 'object' && value !== null) return Object.entries(value);
  return fail(path, value, 'map (object)');
}

/** Builds one Arrow Data of `type` from JS values (null/undefined are nulls). */
function buildData(type: DataType, values: readonly unknown[], path = 'value'): Data {
  const { bitmap, nullCount } = validity(values);
  const length = values.length;
  const base = { type, length, nullCount, nullBitmap: bitmap } as const;
  const present = (fn: (v: unknown) => void) => values.forEach((v) => v !== null && v !== undefined && fn(v));
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never);
    case Type.Bool: {
      const bits = new Uint8Array(Math.ceil(length / 8));
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        const b = v === true || v === 'true' ? true : v === false || v === 'false' ? false : fail(path, v, 'boolean');
        if (b) bits[i >> 3] |= 1 << (i & 7);
      });
      return makeData({ ...base, data: bits } as never);
    }
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (bitWidth === 64) {
        const out = isSigned ? new BigInt64Array(length) : new BigUint64Array(length);
        // Integer numbers go in as two 32-bit halves: no BigInt per value.
        const halves = LITTLE_ENDIAN ? new Int32Array(out.buffer, out.byteOffset, length * 2) : undefined;
        for (let i = 0; i < length; i++) {
          const v = values[i];
          if (v === null || v === undefined) continue;
          if (halves && typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63) {
            const high = Math.floor(v / 4294967296);
            halves[2 * i] = v - high * 4294967296;
            halves[2 * i + 1] = high;
          } else out[i] = toBigInt(v, path, '64-bit integer');
        }
        return makeData({ ...base, data: out } as never);
      }
      const Ctor = { 8: isSigned ? Int8Array : Uint8Array, 16: isSigned ? Int16Array : Uint16Array, 32: isSigned ? Int32Array : Uint32Array }[bitWidth as 8 | 16 | 32];
      const out = new Ctor(length);
      const limit = 2 ** (isSigned ? bitWidth - 1 : bitWidth);
      values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        const n = toNumber(v, path, `${bitWidth}-bit integer`);
        if (!Number.isInteger(n) || n >= limit || n < (isSigned ? -limit : 0)) fail(path, v, `${bitWidth}-bit integer`);
        out[i] = n;
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      const out = precision === 1 ? new Float32Array(length) : new Float64Array(length);
      values.forEach((v, i) => {
        if (v !== null && v !== undefined) out[i] = toNumber(v, path, 'number');
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Decimal: {
      const { scale, bitWidth } = type as unknown as { scale: number; bitWidth: number };
      const words = bitWidth / 32;
      const out = new Uint32Array(length * words);
      values.forEach((v, i) => {
        if (v !== null && v !== undefined) out.set(wordsOf(parseDecimal(v, scale, path), words), i * words);
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Date: {
      const unit = (type as unknown as { unit: number }).unit;
      if (unit === 0) {
        const out = new Int32Array(length);
        values.forEach((v, i) => {
          if (v !== null && v !== undefined) out[i] = parseDate(v, path);
        });
        return makeData({ ...base, data: out } as never);
      }
      const out = new BigInt64Array(length);
      values.forEach((v, i) => {
        if (v !== null && v !== undefined) out[i] = BigInt(parseDate(v, path)) * 86400000n;
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Timestamp: {
      const unit = (type as unknown as { unit: number }).unit;
      const out = new BigInt64Array(length);
      values.forEach((v, i) => {
        if (v !== null && v !== undefined) out[i] = parseTimestamp(v, unit, path);
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      // One growing buffer for every value (not one array per value): ingestion converts
      // hundreds of thousands of strings per second, and per-value arrays are mostly GC work.
      const offsets = new Int32Array(length + 1);
      let buf = new Uint8Array(Math.max(64, length * 16));
      let total = 0;
      const room = (n: number) => {
        if (total + n <= buf.length) return;
        const next = new Uint8Array(Math.max(buf.length * 2, total + n));
        next.set(buf.subarray(0, total));
        buf = next;
      };
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) {
          if (type.typeId === Type.Utf8) {
            const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
            // At most three UTF-8 bytes per UTF-16 unit.
            room(text.length * 3);
            let j = 0;
            for (; j < text.length; j++) {
              const c = text.charCodeAt(j);
              if (c >= 0x80) break;
              buf[total + j] = c;
            }
            total += j === text.length ? j : utf8Encoder.encodeInto(text, buf.subarray(total)).written;
          } else {
            const bytes = decodeBinary(v, path);
            room(bytes.length);
            buf.set(bytes, total);
            total += bytes.length;
          }
        }
        offsets[i + 1] = total;
      }
      return makeData({ ...base, valueOffsets: offsets, data: buf.slice(0, total) } as never);
    }
    case Type.List: {
      const offsets = new Int32Array(length + 1);
      const items: unknown[] = [];
      values.forEach((v, i) => {
        if (v !== null && v !== undefined) {
          if (!Array.isArray(v)) fail(path, v, 'list (array)');
          items.push(...(v as unknown[]));
        }
        offsets[i + 1] = items.length;
      });
      return makeData({ ...base, valueOffsets: offsets, child: buildData(type.children[0].type, items, `${path}[]`) } as never);
    }
    case Type.Map: {
      const offsets = new Int32Array(length + 1);
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      values.forEach((v, i) => {
        if (v !== null && v !== undefined) {
          for (const [k, x] of mapEntries(v, path)) {
            keys.push(k);
            vals.push(x);
          }
        }
        offsets[i + 1] = keys.length;
      });
      const entryType = type.children[0].type as Struct;
      const entries = makeData({
        type: entryType,
        length: keys.length,
        nullCount: 0,
        children: [
          buildData(entryType.children[0].type, keys, `${path}.key`),
          buildData(entryType.children[1].type, vals, `${path}.value`),
        ],
      });
      return makeData({ ...base, valueOffsets: offsets, child: entries } as never);
    }
    case Type.Struct: {
      present((v) => {
        if (typeof v !== 'object' || Array.isArray(v)) fail(path, v, 'struct (object)');
      });
      const children = type.children.map((f: Field) =>
        buildData(f.type, values.map((v) => (v === null || v === undefined ? null : (v as Row)[f.name])), `${path}.${f.name}`),
      );
      return makeData({ ...base, children } as never);
    }
    default:
      throw new SchemaError(`Column "${path}": Arrow type ${String(type)} cannot be built from JSON values.`);
  }
}

/** Guesses an Arrow type from JS values: integers -> Int64, other numbers -> Float64, and so on. */
export function inferType(values: readonly unknown[], path = 'value'): DataType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return new Utf8();
  if (present.every((v) => typeof v === 'boolean')) return new Bool();
  if (present.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) return new Int64();
  if (present.every((v) => typeof v === 'number' || typeof v === 'bigint')) return new Float64();
  if (present.every((v) => v instanceof Uint8Array)) return new Binary();
  if (present.every((v) => Array.isArray(v))) {
    return new List(new Field('element', inferType(present.flatMap((v) => v as unknown[]), `${path}[]`), true));
  }
  if (present.every((v) => typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array))) {
    const names = [...new Set(present.flatMap((v) => Object.keys(v as Row)))];
    return new Struct(names.map((n) => new Field(n, inferType(present.map((v) => (v as Row)[n]), `${path}.${n}`), true)));
  }
  return new Utf8();
}

/**
 * Infers a schema from rows, columns in first-seen order, all nullable, each column typed by
 * `typeOf` from its values (by default the type every value fits).
 */
export function inferSchema(rows: readonly Row[], typeOf: (values: readonly unknown[], column: string) => DataType = inferType): Schema {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const name of Object.keys(row)) {
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  return new Schema(names.map((n) => new Field(n, typeOf(rows.map((r) => r[n]), n), true)));
}

/**
 * Converts rows to an Arrow table with `schema` (inferred when omitted). Fields of the schema a
 * row lacks are null; row fields the schema lacks are an error naming the column.
 */
export function rowsToTable(rows: readonly Row[], schema: Schema = inferSchema(rows)): Table {
  const known = new Set(schema.fields.map((f) => f.name));
  for (const row of rows) {
    for (const name of Object.keys(row)) {
      if (!known.has(name)) {
        throw new SchemaError(`Unknown column "${name}": the table has ${[...known].join(', ')}. Remove it, or add it as a nullable column.`);
      }
    }
  }
  const children = schema.fields.map((f) => {
    const data = buildData(f.type, rows.map((r) => r[f.name]), f.name);
    if (!f.nullable && data.nullCount > 0) {
      throw new SchemaError(`Column "${f.name}" is required but ${data.nullCount} row(s) have no value.`);
    }
    return data;
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, data)]);
}
