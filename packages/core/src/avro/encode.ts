// Arrow rows -> Avro binary datums for a given Avro schema (as used by Hudi's Avro log blocks).
// Columns are matched to record fields by name; values are read from Arrow buffers directly so
// longs, timestamps and decimals keep full precision.

import { DataType, TimeUnit, makeVector, type Data, type Decimal, type RecordBatch, type Timestamp, type Vector } from 'apache-arrow';
import { AvroEncodeError } from '../errors.js';
import type { AvroJsonField, AvroJsonRecord, AvroJsonType } from './avro-schema.js';
import { AvroWriter } from './avro-writer.js';

type Encode = (row: number, out: AvroWriter) => void;

/** Encodes each row of `batch` as one Avro datum of `schema`. */
export function encodeAvroRecords(batch: RecordBatch, schema: AvroJsonRecord): Uint8Array[] {
  const named = new Map<string, AvroJsonType>();
  const encode = recordEncoder(schema, batch.data, '', named, undefined);
  const out = new AvroWriter();
  const rows: Uint8Array[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const start = out.pos;
    encode(i, out);
    rows.push(out.slice(start));
    if (out.pos > 1 << 20) out.reset();
  }
  return rows;
}

const utf8 = new TextEncoder();
const MS_PER_DAY = 86_400_000n;

function fail(path: string, why: string): never {
  throw new AvroEncodeError(`Cannot encode column "${path}" as Avro: ${why}.`);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/** Resolves named references and remembers named definitions, following Avro's namespace rules. */
function resolve(type: AvroJsonType, named: Map<string, AvroJsonType>, ns: string | undefined, path: string): AvroJsonType {
  if (typeof type === 'string') {
    if (['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'].includes(type)) return type;
    const ref = named.get(fullName(type, ns)) ?? named.get(type);
    if (!ref) fail(path, `the schema refers to unknown type "${type}"`);
    return ref;
  }
  if (!Array.isArray(type) && (type.type === 'record' || type.type === 'fixed' || type.type === 'enum')) {
    const t = type as { name: string; namespace?: string };
    named.set(fullName(t.name, t.namespace ?? ns), type);
  }
  return type;
}

function namespaceOf(type: AvroJsonType, ns: string | undefined): string | undefined {
  if (typeof type === 'object' && !Array.isArray(type) && 'name' in type) {
    const full = fullName(type.name, type.namespace ?? ns);
    return full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
  }
  return ns;
}

function recordEncoder(schema: AvroJsonRecord, data: Data, path: string, named: Map<string, AvroJsonType>, ns: string | undefined): Encode {
  const own = namespaceOf(schema, ns);
  const columns = data.type.children;
  const fields = schema.fields.map((f: AvroJsonField) => {
    const idx = columns.findIndex((c: { name: string }) => c.name === f.name);
    const fieldPath = path ? `${path}.${f.name}` : f.name;
    if (idx < 0) {
      const t = resolve(f.type, named, own, fieldPath);
      const nullIndex = Array.isArray(t) ? t.indexOf('null') : -1;
      if (nullIndex < 0 && t !== 'null') fail(fieldPath, 'the data has no such column and the field is not nullable');
      return (_row: number, out: AvroWriter) => {
        if (nullIndex >= 0) out.int(nullIndex);
      };
    }
    return valueEncoder(f.type, data.children[idx], fieldPath, named, own);
  });
  return (row, out) => {
    for (const f of fields) f(row, out);
  };
}

function valueEncoder(type0: AvroJsonType, data: Data, path: string, named: Map<string, AvroJsonType>, ns: string | undefined): Encode {
  const type = resolve(type0, named, ns, path);
  if (Array.isArray(type)) {
    const nullIndex = type.indexOf('null');
    const branchIndex = type.findIndex((b) => b !== 'null');
    if (branchIndex < 0) return (_r, out) => out.int(0);
    const inner = valueEncoder(type[branchIndex], data, path, named, ns);
    return (row, out) => {
      if (!data.getValid(row)) {
        if (nullIndex < 0) fail(path, `row ${row} is null but the schema does not allow null`);
        out.int(nullIndex);
        return;
      }
      out.int(branchIndex);
      inner(row, out);
    };
  }
  const inner = nonNullEncoder(type, data, path, named, ns);
  return (row, out) => {
    if (!data.getValid(row) && type !== 'null') fail(path, `row ${row} is null but the schema does not allow null`);
    inner(row, out);
  };
}

function nonNullEncoder(type: AvroJsonType, data: Data, path: string, named: Map<string, AvroJsonType>, ns: string | undefined): Encode {
  const arrow = data.type as DataType;
  const t = typeof type === 'string' ? { type } : (type as Exclude<AvroJsonType, string | AvroJsonType[]>);
  const logical = 'logicalType' in t ? t.logicalType : undefined;
  const mismatch = (): never => fail(path, `Arrow type ${String(arrow)} does not fit Avro ${JSON.stringify(type)}`);
  let vector: Vector | undefined;
  const get = (row: number): unknown => (vector ??= makeVector(data)).get(row);
  switch (t.type) {
    case 'null':
      return () => {};
    case 'boolean':
      if (!DataType.isBool(arrow)) return mismatch();
      return (row, out) => out.boolean(get(row) as boolean);
    case 'int':
      if (DataType.isDate(arrow)) return (row, out) => out.int(Number(epochDay(data, row)));
      if (!DataType.isInt(arrow)) return mismatch();
      return (row, out) => out.int(Number(get(row)));
    case 'long':
      if (DataType.isTimestamp(arrow)) {
        const scale = timestampScale((arrow as Timestamp).unit, logical);
        const values = data.values as BigInt64Array;
        return (row, out) => out.long(scale(values[row]));
      }
      if (DataType.isDate(arrow)) return (row, out) => out.long(epochDay(data, row));
      if (!DataType.isInt(arrow)) return mismatch();
      return (row, out) => out.long(get(row) as bigint | number);
    case 'float':
    case 'double':
      if (!DataType.isFloat(arrow) && !DataType.isInt(arrow)) return mismatch();
      return t.type === 'float' ? (row, out) => out.float(Number(get(row))) : (row, out) => out.double(Number(get(row)));
    case 'string':
      if (DataType.isUtf8(arrow) && data.valueOffsets) {
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        return (row, out) => out.bytes(bytes.subarray(offsets[row], offsets[row + 1]));
      }
      if (!DataType.isUtf8(arrow) && !DataType.isLargeUtf8(arrow) && !DataType.isUtf8View(arrow) && !DataType.isDictionary(arrow)) return mismatch();
      return (row, out) => out.bytes(utf8.encode(String(get(row))));
    case 'bytes':
      if (logical === 'decimal') {
        if (!DataType.isDecimal(arrow)) return mismatch();
        return (row, out) => out.bytes(twosComplement(unscaled(data, row), undefined));
      }
      if (!DataType.isBinary(arrow) && !DataType.isLargeBinary(arrow) && !DataType.isFixedSizeBinary(arrow) && !DataType.isBinaryView(arrow)) return mismatch();
      return (row, out) => out.bytes(get(row) as Uint8Array);
    case 'fixed': {
      const size = (t as { size: number }).size;
      if (logical === 'decimal') {
        if (!DataType.isDecimal(arrow)) return mismatch();
        return (row, out) => out.raw(twosComplement(unscaled(data, row), size, path));
      }
      if (!DataType.isFixedSizeBinary(arrow) && !DataType.isBinary(arrow)) return mismatch();
      return (row, out) => {
        const b = get(row) as Uint8Array;
        if (b.length !== size) fail(path, `row ${row} has ${b.length} bytes, the fixed type needs ${size}`);
        out.raw(b);
      };
    }
    case 'enum': {
      const symbols = (t as { symbols: string[] }).symbols;
      return (row, out) => {
        const idx = symbols.indexOf(String(get(row)));
        if (idx < 0) fail(path, `row ${row} value "${String(get(row))}" is not one of the enum symbols`);
        out.int(idx);
      };
    }
    case 'array': {
      if (!DataType.isList(arrow) && !DataType.isLargeList(arrow)) return mismatch();
      const offsets = data.valueOffsets as Int32Array;
      const items = valueEncoder((t as { items: AvroJsonType }).items, data.children[0], `${path}[]`, named, ns);
      return (row, out) => {
        const start = Number(offsets[row]);
        const end = Number(offsets[row + 1]);
        if (end > start) {
          out.long(end - start);
          for (let k = start; k < end; k++) items(k, out);
        }
        out.int(0);
      };
    }
    case 'map': {
      if (!DataType.isMap(arrow)) return mismatch();
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0];
      const key = nonNullEncoder('string', entries.children[0], `${path}{key}`, named, ns);
      const value = valueEncoder((t as { values: AvroJsonType }).values, entries.children[1], `${path}{}`, named, ns);
      return (row, out) => {
        const start = offsets[row];
        const end = offsets[row + 1];
        if (end > start) {
          out.long(end - start);
          for (let k = start; k < end; k++) {
            key(k, out);
            value(k, out);
          }
        }
        out.int(0);
      };
    }
    case 'record':
      if (!DataType.isStruct(arrow)) return mismatch();
      return recordEncoder(t as AvroJsonRecord, data, path, named, ns);
    default:
      return mismatch();
  }
}

function epochDay(data: Data, row: number): bigint {
  const v = (data.values as Int32Array | BigInt64Array)[row];
  if (typeof v === 'number') return BigInt(v);
  return v >= 0n ? v / MS_PER_DAY : -((-v + MS_PER_DAY - 1n) / MS_PER_DAY);
}

function timestampScale(unit: TimeUnit, logical: string | undefined): (v: bigint) => bigint {
  const perSecond = [1n, 1_000n, 1_000_000n, 1_000_000_000n][unit];
  const target = logical === 'timestamp-millis' || logical === 'local-timestamp-millis' ? 1_000n : logical === 'timestamp-nanos' ? 1_000_000_000n : 1_000_000n;
  if (perSecond === target) return (v) => v;
  if (perSecond < target) return (v) => v * (target / perSecond);
  // Floor toward negative infinity, as Java's Math.floorDiv does for time conversions.
  const d = perSecond / target;
  return (v) => (v >= 0n ? v / d : -((-v + d - 1n) / d));
}

function unscaled(data: Data, row: number): bigint {
  const bitWidth = (data.type as Decimal).bitWidth;
  const words = bitWidth / 32;
  const w = data.values as Uint32Array;
  let v = 0n;
  for (let k = words - 1; k >= 0; k--) v = (v << 32n) | BigInt(w[row * words + k]);
  return BigInt.asIntN(bitWidth, v);
}

/** Big-endian two's complement, minimal length or sign-extended to `size`. */
function twosComplement(v: bigint, size: number | undefined, path = ''): Uint8Array {
  let n = 1;
  while (v < -(1n << BigInt(8 * n - 1)) || v >= 1n << BigInt(8 * n - 1)) n++;
  const len = size ?? n;
  if (n > len) fail(path, `decimal unscaled value ${v} needs ${n} bytes, the fixed type has ${len}`);
  const out = new Uint8Array(len);
  let x = BigInt.asUintN(8 * len, v);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
