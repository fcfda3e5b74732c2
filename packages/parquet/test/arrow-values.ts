// Test support: builds Arrow columns from plain JS values with exact control over every buffer
// (microsecond timestamps, decimals), reads them back to the same plain form, and describes types
// including nullability and child names, so round trips can be compared exactly.

import {
  Binary,
  Bool,
  type Data,
  DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  makeData,
  Map_,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  Type,
  Utf8,
  type Vector,
} from 'apache-arrow';

/**
 * Plain values per type: ints/floats -> number, int64/timestamps/decimals -> bigint (raw unscaled
 * or epoch units), bool -> boolean, utf8 -> string, binary -> Uint8Array, date32 -> days (number),
 * list -> array, struct -> object, map -> array of [key, value] pairs; null for null.
 */
export type Plain = null | number | bigint | boolean | string | Uint8Array | Plain[] | { [k: string]: Plain };

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

function bitmap(values: readonly unknown[]): { bitmap: Uint8Array; nullCount: number } {
  const bm = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else bm[i >> 3] |= 1 << (i & 7);
  });
  return { bitmap: bm, nullCount };
}

/** A value of the type that stands in for a slot nobody reads (a non-nullable child of a null struct). */
function filler(type: DataType): Plain {
  switch (type.typeId) {
    case Type.Int:
      return (type as Int64).bitWidth === 64 ? 0n : 0;
    case Type.Float:
      return 0;
    case Type.Bool:
      return false;
    case Type.Utf8:
      return '';
    case Type.Binary:
      return new Uint8Array(0);
    case Type.Date:
      return 0;
    case Type.Timestamp:
    case Type.Decimal:
      return 0n;
    case Type.List:
    case Type.Map:
      return [];
    case Type.Struct:
      return Object.fromEntries((type as Struct).children.map((f) => [f.name, filler(f.type)]));
    default:
      throw new Error(`no filler for ${String(type)}`);
  }
}

function decimalWords(v: bigint): Uint32Array {
  const out = new Uint32Array(4);
  let x = BigInt.asUintN(128, v);
  for (let i = 0; i < 4; i++) {
    out[i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

function variableWidth(values: readonly Plain[], toBytes: (v: Plain) => Uint8Array): { offsets: Int32Array; data: Uint8Array } {
  const parts = values.map((v) => (v === null ? new Uint8Array(0) : toBytes(v)));
  const offsets = new Int32Array(values.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
  const data = new Uint8Array(offsets[values.length]);
  parts.forEach((p, i) => data.set(p, offsets[i]));
  return { offsets, data };
}

/** Builds Arrow data of `type` holding `values` (nulls only where the field is nullable). */
export function buildData(type: DataType, values: readonly Plain[]): Data {
  const { bitmap: nullBitmap, nullCount } = bitmap(values);
  const length = values.length;
  const base = { type, length, nullCount, nullBitmap } as const;
  switch (type.typeId) {
    case Type.Int: {
      const t = type as Int8 | Int16 | Int32 | Int64;
      const data = new t.ArrayType(length) as Int8Array | Int16Array | Int32Array | BigInt64Array;
      values.forEach((v, i) => {
        if (v !== null) (data as unknown as (number | bigint)[])[i] = v as number | bigint;
      });
      return makeData({ ...base, type: t, data } as never);
    }
    case Type.Float: {
      const t = type as Float32 | Float64;
      const data = new t.ArrayType(length);
      values.forEach((v, i) => v !== null && (data[i] = v as number));
      return makeData({ ...base, type: t, data });
    }
    case Type.Bool: {
      const data = new Uint8Array(Math.ceil(length / 8));
      values.forEach((v, i) => v === true && (data[i >> 3] |= 1 << (i & 7)));
      return makeData({ ...base, type: type as Bool, data });
    }
    case Type.Utf8: {
      const { offsets, data } = variableWidth(values, (v) => utf8.encode(v as string));
      return makeData({ ...base, type: type as Utf8, data, valueOffsets: offsets });
    }
    case Type.Binary: {
      const { offsets, data } = variableWidth(values, (v) => v as Uint8Array);
      return makeData({ ...base, type: type as Binary, data, valueOffsets: offsets });
    }
    case Type.Date: {
      const data = new Int32Array(length);
      values.forEach((v, i) => v !== null && (data[i] = v as number));
      return makeData({ ...base, type: type as DateDay, data });
    }
    case Type.Timestamp: {
      const data = new BigInt64Array(length);
      values.forEach((v, i) => v !== null && (data[i] = v as bigint));
      return makeData({ ...base, type: type as TimestampMicrosecond, data } as never);
    }
    case Type.Decimal: {
      const data = new Uint32Array(length * 4);
      values.forEach((v, i) => v !== null && data.set(decimalWords(v as bigint), i * 4));
      return makeData({ ...base, type: type as Decimal, data });
    }
    case Type.List:
    case Type.Map: {
      const childType = (type as List | Map_).children[0].type;
      const offsets = new Int32Array(length + 1);
      const flat: Plain[] = [];
      values.forEach((v, i) => {
        const items = v === null ? [] : (v as Plain[]);
        offsets[i + 1] = offsets[i] + items.length;
        if (type.typeId === Type.Map) for (const [k, val] of items as [Plain, Plain][]) flat.push({ key: k, value: val });
        else flat.push(...items);
      });
      const child = buildData(childType, flat);
      return makeData({ ...base, type: type as List, valueOffsets: offsets, child } as never);
    }
    case Type.Struct: {
      const s = type as Struct;
      const children = s.children.map((f) =>
        buildData(
          f.type,
          values.map((v) => (v === null ? (f.nullable ? null : filler(f.type)) : (v as Record<string, Plain>)[f.name])),
        ),
      );
      return makeData({ ...base, type: s, children });
    }
    default:
      throw new Error(`cannot build ${String(type)}`);
  }
}

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

function wordsToBigInt(words: Uint32Array): bigint {
  let x = 0n;
  for (let k = words.length - 1; k >= 0; k--) x = (x << 32n) | BigInt(words[k]);
  return BigInt.asIntN(words.length * 32, x);
}

/** Reads row `i` of `d` back to its plain form. */
function plainAt(d: Data, i: number): Plain {
  if (!isValid(d, i)) return null;
  const t = d.type;
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
      return (d.values as unknown as (number | bigint)[])[i];
    case Type.Bool: {
      const j = d.offset + i;
      return (d.values[j >> 3] & (1 << (j & 7))) !== 0;
    }
    case Type.Utf8:
    case Type.Binary: {
      const o = d.valueOffsets as Int32Array;
      const bytes = (d.values as Uint8Array).subarray(o[i], o[i + 1]);
      return t.typeId === Type.Utf8 ? utf8d.decode(bytes) : bytes.slice();
    }
    case Type.Decimal: {
      const stride = (t as Decimal).bitWidth / 32;
      return wordsToBigInt((d.values as Uint32Array).subarray(i * stride, (i + 1) * stride));
    }
    case Type.List:
    case Type.Map: {
      const o = d.valueOffsets as Int32Array;
      const child = d.children[0];
      const out: Plain[] = [];
      for (let j = o[i]; j < o[i + 1]; j++) {
        const item = plainAt(child, j);
        out.push(t.typeId === Type.Map ? [(item as Record<string, Plain>).key, (item as Record<string, Plain>).value] : item);
      }
      return out;
    }
    case Type.Struct:
      return Object.fromEntries((t as Struct).children.map((f, k) => [f.name, plainAt(d.children[k], i)]));
    default:
      throw new Error(`cannot read ${String(t)}`);
  }
}

export function plainValues(v: Vector): Plain[] {
  const out: Plain[] = [];
  for (const d of v.data) for (let i = 0; i < d.length; i++) out.push(plainAt(d, i));
  return out;
}

/** Type description with everything a faithful round trip must keep. */
export function describeField(f: Field): string {
  return `${f.name}${f.nullable ? '?' : ''}: ${describeType(f.type)}`;
}

function describeType(t: DataType): string {
  switch (t.typeId) {
    case Type.Int:
      return `${(t as Int32).isSigned ? 'int' : 'uint'}${(t as Int32).bitWidth}`;
    case Type.Float:
      return `float${[16, 32, 64][(t as Float32).precision]}`;
    case Type.Decimal:
      return `decimal${(t as Decimal).bitWidth}(${(t as Decimal).precision},${(t as Decimal).scale})`;
    case Type.Timestamp:
      return `timestamp(${(t as TimestampMicrosecond).unit},${(t as TimestampMicrosecond).timezone ?? ''})`;
    case Type.Date:
      return `date(${(t as DateDay).unit})`;
    case Type.List:
      return `list<${describeField((t as List).children[0])}>`;
    case Type.Map:
      return `map${(t as Map_).keysSorted ? '(sorted)' : ''}<${describeField((t as Map_).children[0])}>`;
    case Type.Struct:
      return `struct<${(t as Struct).children.map(describeField).join(', ')}>`;
    default:
      return String(t);
  }
}

export const PRIMITIVES = {
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  bool: () => new Bool(),
  utf8: () => new Utf8(),
  binary: () => new Binary(),
  date32: () => new DateDay(),
  timestampMs: () => new TimestampMillisecond(),
  timestampUs: () => new TimestampMicrosecond(),
  timestampMsUtc: () => new TimestampMillisecond('UTC'),
  timestampUsZone: () => new TimestampMicrosecond('Europe/Amsterdam'),
  decimal: () => new Decimal(5, 10, 128),
  decimalWide: () => new Decimal(2, 38, 128),
} as const;

export type PrimitiveName = keyof typeof PRIMITIVES;

export { Field };
