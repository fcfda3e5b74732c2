// Reads a (possibly nested, dot-separated) key field out of an Arrow batch as the Java values a
// Hudi key generator sees after Spark -> Avro conversion: Integer, Long, Float, Double, Boolean,
// String, LocalDate (epoch day) or BigDecimal. Timestamps stay raw longs in their stored unit.

import { DataType, DateUnit, Precision, makeVector, type Data, type Decimal, type Int, type Vector } from 'apache-arrow';
import { KeyGeneratorConfigError } from '../errors.js';
import { javaBigDecimalToString, javaDoubleToString, javaFloatToString, javaLocalDateToString } from './java-text.js';

export type KeyValue =
  | { kind: 'int'; value: number }
  | { kind: 'long'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'double'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'date'; epochDay: number }
  | { kind: 'decimal'; unscaled: bigint; scale: number };

/** What key generators read from: an Arrow Table or RecordBatch. */
export interface KeySource {
  readonly numRows: number;
  getChild(name: string): Vector | null;
}

export interface FieldColumn {
  readonly path: string;
  readonly type: DataType;
  readonly length: number;
  /** Value of row `row`, or null. */
  value(row: number): KeyValue | null;
  /** Value of row `row` rendered as Java's toString would, or null. */
  text(row: number): string | null;
  /** `text` of every row, in order: one pass over each chunk rather than a lookup per row. */
  texts(): (string | null)[];
}

interface Chunk {
  data: Data;
  /** Validity of enclosing structs, per row of this chunk (undefined: all valid). */
  parentValid?: Uint8Array;
}

const MS_PER_DAY = 86_400_000n;

export function renderKeyValue(v: KeyValue): string {
  switch (v.kind) {
    case 'int':
      return String(v.value);
    case 'long':
      return v.value.toString();
    case 'float':
      return javaFloatToString(v.value);
    case 'double':
      return javaDoubleToString(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'string':
      return v.value;
    case 'date':
      return javaLocalDateToString(v.epochDay);
    case 'decimal':
      return javaBigDecimalToString(v.unscaled, v.scale);
  }
}

/** Resolves `path` (e.g. `id` or `address.city`) in `source`; throws a config error naming it if absent. */
export function fieldColumn(source: KeySource, path: string, role: string): FieldColumn {
  const parts = path.split('.');
  const top = source.getChild(parts[0]);
  if (!top) throw missing(path, role, parts[0]);
  let type: DataType = top.type;
  let chunks: Chunk[] = top.data.map((data) => ({ data }));
  for (let p = 1; p < parts.length; p++) {
    if (!DataType.isStruct(type)) {
      throw new KeyGeneratorConfigError(`The ${role} field "${path}" goes through "${parts.slice(0, p).join('.')}", which is not a struct.`);
    }
    const idx = type.children.findIndex((c) => c.name === parts[p]);
    if (idx < 0) throw missing(path, role, parts[p]);
    type = type.children[idx].type;
    chunks = chunks.map(({ data, parentValid }) => {
      const valid = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) valid[i] = (!parentValid || parentValid[i]) && data.getValid(i) ? 1 : 0;
      return { data: data.children[idx], parentValid: valid };
    });
  }
  const reader = valueReader(type, path, role);
  // Map a row number to its chunk once per call; rows are usually visited in order.
  const starts: number[] = [];
  let total = 0;
  for (const c of chunks) {
    starts.push(total);
    total += c.data.length;
  }
  let cursor = 0;
  const locate = (row: number): [Chunk, number] => {
    if (row < starts[cursor] || row >= starts[cursor] + chunks[cursor].data.length) {
      cursor = 0;
      while (cursor < chunks.length - 1 && row >= starts[cursor + 1]) cursor++;
    }
    return [chunks[cursor], row - starts[cursor]];
  };
  const value = (row: number): KeyValue | null => {
    const [chunk, i] = locate(row);
    if (chunk.parentValid && !chunk.parentValid[i]) return null;
    if (!chunk.data.getValid(i)) return null;
    return reader(chunk, i);
  };
  // Text columns render as themselves: their keys are read straight from each chunk's strings,
  // with no value object per row (keys are read for every row of every write).
  const strings = isTextType(type) ? chunks.map(() => undefined as ((i: number) => string) | undefined) : undefined;
  const text = strings
    ? (row: number): string | null => {
        const [chunk, i] = locate(row);
        if (chunk.parentValid && !chunk.parentValid[i]) return null;
        if (!chunk.data.getValid(i)) return null;
        return (strings[cursor] ??= stringReader(chunk.data))(i);
      }
    : (row: number): string | null => {
        const v = value(row);
        return v === null ? null : renderKeyValue(v);
      };
  const texts = (): (string | null)[] => {
    const out = new Array<string | null>(total);
    if (!strings) {
      for (let row = 0; row < total; row++) out[row] = text(row);
      return out;
    }
    let row = 0;
    for (const { data, parentValid } of chunks) {
      const read = stringReader(data);
      const allValid = !parentValid && data.nullCount === 0;
      for (let i = 0; i < data.length; i++, row++) out[row] = allValid || ((!parentValid || parentValid[i]) && data.getValid(i)) ? read(i) : null;
    }
    return out;
  };
  return { path, type, length: total, value, text, texts };
}

function missing(path: string, role: string, part: string): KeyGeneratorConfigError {
  return new KeyGeneratorConfigError(`The ${role} field "${path}" is not in the data (no column "${part}"). Check the field name and its case.`);
}

type Reader = (chunk: Chunk, i: number) => KeyValue;

function isTextType(type: DataType): boolean {
  return DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type) || (DataType.isDictionary(type) && DataType.isUtf8(type.dictionary));
}

/**
 * The strings of a text column chunk. Keys are read for every row of every write, and decoding
 * each value on its own costs a decoder call and a copy per row; ASCII text (most keys) is decoded
 * once per chunk instead, its characters standing at its byte offsets, and each value is a
 * substring of it.
 */
function stringReader(data: Data): (i: number) => string {
  if (DataType.isUtf8(data.type) && data.length > 0) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const start = offsets[0];
    const end = offsets[data.length];
    let ascii = true;
    for (let k = start; k < end; k++) {
      if (bytes[k] > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const text = new TextDecoder().decode(bytes.subarray(start, end));
      return (i) => text.substring(offsets[i] - start, offsets[i + 1] - start);
    }
  }
  const vector = makeVector(data);
  return (i) => vector.get(i) as string;
}

function valueReader(type: DataType, path: string, role: string): Reader {
  const unsupported = (why: string): never => {
    throw new KeyGeneratorConfigError(`The ${role} field "${path}" has type ${String(type)}, which ${why}. Use a string, number, boolean, date or decimal column.`);
  };
  if (DataType.isInt(type)) {
    const t = type as Int;
    if (t.bitWidth === 64) {
      if (!t.isSigned) return unsupported('Hudi tables cannot store (unsigned 64-bit)');
      return ({ data }, i) => ({ kind: 'long', value: (data.values as BigInt64Array)[i] });
    }
    // Unsigned 32-bit ints become Avro longs; the rest fit an Avro int.
    if (t.bitWidth === 32 && !t.isSigned) return ({ data }, i) => ({ kind: 'long', value: BigInt((data.values as Uint32Array)[i]) });
    return ({ data }, i) => ({ kind: 'int', value: (data.values as Int32Array)[i] });
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.HALF) return unsupported('Hudi tables cannot store (half float)');
    const kind = type.precision === Precision.SINGLE ? 'float' : 'double';
    return ({ data }, i) => ({ kind, value: (data.values as Float64Array)[i] });
  }
  if (DataType.isBool(type)) {
    return ({ data }, i) => {
      const bit = data.offset + i;
      return { kind: 'boolean', value: (data.values[bit >> 3] & (1 << (bit & 7))) !== 0 };
    };
  }
  if (isTextType(type)) {
    const readers = new WeakMap<Data, (i: number) => string>();
    return ({ data }, i) => {
      let read = readers.get(data);
      if (!read) readers.set(data, (read = stringReader(data)));
      return { kind: 'string', value: read(i) };
    };
  }
  if (DataType.isDate(type)) {
    if (type.unit === DateUnit.DAY) return ({ data }, i) => ({ kind: 'date', epochDay: (data.values as Int32Array)[i] });
    return ({ data }, i) => {
      const ms = (data.values as BigInt64Array)[i];
      // Floor division: days before the epoch round down, like LocalDate.
      const days = ms >= 0n ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1n) / MS_PER_DAY);
      return { kind: 'date', epochDay: Number(days) };
    };
  }
  if (DataType.isTimestamp(type)) {
    return ({ data }, i) => ({ kind: 'long', value: (data.values as BigInt64Array)[i] });
  }
  if (DataType.isDecimal(type)) {
    const d = type as Decimal;
    const words = d.bitWidth / 32;
    return ({ data }, i) => {
      const w = data.values as Uint32Array;
      let v = 0n;
      for (let k = words - 1; k >= 0; k--) v = (v << 32n) | BigInt(w[i * words + k]);
      return { kind: 'decimal', unscaled: BigInt.asIntN(d.bitWidth, v), scale: d.scale };
    };
  }
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return unsupported('Hudi renders as a buffer description rather than its contents');
  }
  return unsupported('cannot be a key or partition value');
}
