// Reading one JS value out of a row of an Arrow Data chunk, straight from its buffers: the one
// reader that merging, record keys, ordering values and JSON rendering share. Values keep full
// precision: 64-bit integers and decimals as bigint, timestamps as their raw epoch number.

import { DataType, makeVector, type Data, type Field } from 'apache-arrow';

type AnyTyped = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const utf8 = new TextDecoder();

/** The bytes of row `i` of a variable-width (Utf8, Binary and their Large forms) column, as a view. */
export function bytesAt(data: Data, i: number): Uint8Array {
  const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint>;
  return (data.values as Uint8Array).subarray(Number(offsets[i]), Number(offsets[i + 1]));
}

/** Row `i` of a Bool column (validity not checked). */
export function boolAt(data: Data, i: number): boolean {
  const bit = data.offset + i;
  return ((data.values as Uint8Array)[bit >> 3] & (1 << (bit & 7))) !== 0;
}

/** Two's-complement little-endian 32-bit words (a decimal's unscaled value) as a signed bigint. */
export function signedWords(words: Uint32Array): bigint {
  let result = 0n;
  for (let i = words.length - 1; i >= 0; i--) result = (result << 32n) | BigInt(words[i]);
  if (words[words.length - 1] & 0x80000000) result -= 1n << BigInt(words.length * 32);
  return result;
}

/** Reads row `i` of any Arrow Data as a value appendValue understands. */
export function valueAt(data: Data, i: number): unknown {
  if (!data.getValid(i)) return null;
  const t = data.type;
  if (DataType.isDictionary(t)) return makeVector(data).get(i);
  if (DataType.isStruct(t)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    t.children.forEach((f: Field, k: number) => (out[f.name] = valueAt(data.children[k], i)));
    return out;
  }
  if (DataType.isList(t) || DataType.isMap(t) || DataType.isLargeList(t)) {
    const offsets = data.valueOffsets as ArrayLike<number | bigint>;
    const start = Number(offsets[i]);
    const end = Number(offsets[i + 1]);
    const items: unknown[] = [];
    for (let j = start; j < end; j++) items.push(valueAt(data.children[0], j));
    if (DataType.isMap(t)) return items.map((e) => [(e as Record<string, unknown>).key, (e as Record<string, unknown>).value]);
    return items;
  }
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return utf8.decode(bytesAt(data, i));
  if (DataType.isBinary(t) || DataType.isLargeBinary(t)) return bytesAt(data, i).slice();
  if (DataType.isBool(t)) return boolAt(data, i);
  if (DataType.isDecimal(t)) {
    const words = (data.values as Uint32Array).subarray(i * 4, i * 4 + 4);
    return signedWords(words);
  }
  if (DataType.isFixedSizeBinary(t)) {
    const w = t.byteWidth;
    return (data.values as Uint8Array).slice(i * w, i * w + w);
  }
  if (DataType.isNull(t)) return null;
  const values = data.values as AnyTyped;
  if (values && typeof values.length === 'number' && data.stride === 1) return values[i];
  return makeVector(data).get(i);
}

/**
 * A reader of one column's rows, as valueAt reads them: straight from the typed array for flat
 * fixed-width numbers (integers, floats, timestamps, dates: what ordering fields nearly always
 * are), without valueAt's per-row dispatch on the type.
 */
export function valueReader(data: Data): (i: number) => unknown {
  const t = data.type;
  const values = data.values as AnyTyped | undefined;
  const flat = DataType.isInt(t) || DataType.isFloat(t) || DataType.isTimestamp(t) || DataType.isDate(t);
  if (!flat || !values || typeof values.length !== 'number' || data.stride !== 1) return (i) => valueAt(data, i);
  if (data.nullCount === 0) return (i) => values[i];
  return (i) => (data.getValid(i) ? values[i] : null);
}

