// Reconciles an incoming write's Arrow schema with the table's, the way Hudi's schema evolution on
// write allows: reordered columns, missing nullable columns (filled with nulls), new columns
// (appended, nullable), and Avro's type promotions. Anything else is a SchemaMismatchError.

import {
  DataType,
  Field,
  List,
  Map_,
  RecordBatch,
  Schema,
  Struct,
  TimeUnit,
  makeData,
  makeVector,
  util,
  vectorFromArray,
  type Data,
  type Decimal,
  type Float,
  type Int,
  type Timestamp,
} from 'apache-arrow';
import { conformData, sameLayout } from '../read/conform.js';
import { SchemaMismatchError } from '../errors.js';
import { HOODIE_META_FIELDS } from './arrow-to-avro.js';

export interface SchemaReconcileOptions {
  /**
   * Let a write widen a table column (int -> long, float -> double, ...). Files written before keep
   * the narrower type and are read with promotion. Default true, as Hudi allows.
   */
  allowTypeWidening?: boolean;
}

export interface ColumnChange {
  column: string;
  from: string;
  to: string;
}

export interface SchemaReconciliation {
  /** The table schema after this write; equal to the table's when nothing evolves. */
  readonly schema: Schema;
  readonly changed: boolean;
  /** Columns (dotted paths) the write adds; they are nullable in `schema`. */
  readonly addedColumns: string[];
  /** Table columns the write lacks; `align` fills them with nulls. */
  readonly missingColumns: string[];
  /** Table columns whose type the write widens, or makes nullable. */
  readonly widenedColumns: ColumnChange[];
  /** A batch of the incoming schema rearranged to `schema`: column order, null columns, casts. */
  align(batch: RecordBatch): RecordBatch;
}

/** Avro-level view of an Arrow type: what Hudi compares. */
type Kind =
  | { k: 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes' | 'date' }
  | { k: 'decimal'; precision: number; scale: number }
  | { k: 'timestamp'; unit: 'millis' | 'micros' }
  | { k: 'list' | 'map' | 'struct' | 'other' };

function kindOf(type: DataType): Kind {
  if (DataType.isDictionary(type)) return kindOf(type.dictionary);
  if (DataType.isNull(type)) return { k: 'null' };
  if (DataType.isBool(type)) return { k: 'boolean' };
  if (DataType.isInt(type)) {
    const t = type as Int;
    return t.bitWidth < 32 || (t.bitWidth === 32 && t.isSigned) ? { k: 'int' } : { k: 'long' };
  }
  if (DataType.isFloat(type)) return { k: (type as Float).precision === 1 ? 'float' : 'double' };
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return { k: 'string' };
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isBinaryView(type) || DataType.isFixedSizeBinary(type)) return { k: 'bytes' };
  if (DataType.isDate(type)) return { k: 'date' };
  if (DataType.isDecimal(type)) return { k: 'decimal', precision: (type as Decimal).precision, scale: (type as Decimal).scale };
  if (DataType.isTimestamp(type)) {
    const u = (type as Timestamp).unit;
    if (u === TimeUnit.MILLISECOND) return { k: 'timestamp', unit: 'millis' };
    if (u === TimeUnit.MICROSECOND) return { k: 'timestamp', unit: 'micros' };
    return { k: 'other' };
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) return { k: 'list' };
  if (DataType.isMap(type)) return { k: 'map' };
  if (DataType.isStruct(type)) return { k: 'struct' };
  return { k: 'other' };
}

/** A short Avro/Spark-flavoured type name for messages. */
export function describeType(type: DataType): string {
  const kind = kindOf(type);
  switch (kind.k) {
    case 'decimal':
      return `decimal(${kind.precision},${kind.scale})`;
    case 'timestamp':
      return `timestamp-${kind.unit}`;
    case 'list':
      return `array<${describeType(type.children[0].type)}>`;
    case 'map':
      return `map<${describeType(type.children[0].type.children[0].type)},${describeType(type.children[0].type.children[1].type)}>`;
    case 'struct':
      return `struct<${type.children.map((c) => `${c.name}:${describeType(c.type)}`).join(',')}>`;
    case 'other':
      return String(type);
    default:
      return kind.k;
  }
}

// Avro schema resolution's promotions (writer -> reader), plus millis -> micros timestamps.
const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
  'timestamp-millis': ['timestamp-micros'],
};

function simpleName(kind: Kind): string {
  if (kind.k === 'timestamp') return `timestamp-${kind.unit}`;
  return kind.k;
}

function promotes(from: Kind, to: Kind): boolean {
  return (PROMOTIONS[simpleName(from)] ?? []).includes(simpleName(to));
}

function sameKind(a: Kind, b: Kind): boolean {
  if (a.k !== b.k) return false;
  if (a.k === 'decimal' && b.k === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  if (a.k === 'timestamp' && b.k === 'timestamp') return a.unit === b.unit;
  return true;
}

interface Ctx {
  options: Required<SchemaReconcileOptions>;
  added: string[];
  missing: string[];
  widened: ColumnChange[];
}

const META: ReadonlySet<string> = new Set(HOODIE_META_FIELDS);

/** Reconciles `incoming` with `table`. Hudi meta columns are ignored on both sides and left out. */
export function reconcileSchemas(table: Schema, incoming: Schema, options: SchemaReconcileOptions = {}): SchemaReconciliation {
  const ctx: Ctx = { options: { allowTypeWidening: options.allowTypeWidening ?? true }, added: [], missing: [], widened: [] };
  const tableFields = table.fields.filter((f) => !META.has(f.name));
  const incomingFields = incoming.fields.filter((f) => !META.has(f.name));
  const fields = mergeFields(tableFields, incomingFields, '', ctx);
  const schema = new Schema(fields, table.metadata);
  const changed = ctx.added.length > 0 || ctx.widened.length > 0;
  return {
    schema,
    changed,
    addedColumns: ctx.added,
    missingColumns: ctx.missing,
    widenedColumns: ctx.widened,
    align: (batch) => alignBatch(batch, schema),
  };
}

function mergeFields(tableFields: readonly Field[], incomingFields: readonly Field[], prefix: string, ctx: Ctx): Field[] {
  const byName = new Map(incomingFields.map((f) => [f.name, f]));
  const tableNames = new Set(tableFields.map((f) => f.name));
  const lower = new Map(tableFields.map((f) => [f.name.toLowerCase(), f.name]));
  for (const f of incomingFields) {
    const clash = lower.get(f.name.toLowerCase());
    if (!tableNames.has(f.name) && clash !== undefined && !byName.has(clash)) {
      throw new SchemaMismatchError(
        prefix + f.name,
        `column "${prefix + clash}"`,
        `column "${prefix + f.name}"`,
        'Column names differ only in case, which Spark treats as the same column; rename the incoming column to match the table.',
      );
    }
  }
  const out: Field[] = [];
  for (const t of tableFields) {
    const path = prefix + t.name;
    const i = byName.get(t.name);
    if (!i) {
      if (!t.nullable) {
        throw new SchemaMismatchError(
          path,
          `${describeType(t.type)} NOT NULL`,
          'no such column',
          'The table requires this column; add it to the data you write.',
        );
      }
      ctx.missing.push(path);
      out.push(t);
      continue;
    }
    const type = mergeType(t.type, i.type, path, ctx);
    const nullable = t.nullable || i.nullable;
    if (nullable && !t.nullable) ctx.widened.push({ column: path, from: `${describeType(t.type)} NOT NULL`, to: describeType(type) });
    out.push(type === t.type && nullable === t.nullable ? t : new Field(t.name, type, nullable, t.metadata));
  }
  for (const i of incomingFields) {
    if (tableNames.has(i.name)) continue;
    ctx.added.push(prefix + i.name);
    // Rows written before have no value here, so the column must accept nulls.
    out.push(new Field(i.name, i.type, true, i.metadata));
  }
  return out;
}

function mergeType(t: DataType, i: DataType, path: string, ctx: Ctx): DataType {
  const tk = kindOf(t);
  const ik = kindOf(i);
  const mismatch = (advice?: string): never => {
    throw new SchemaMismatchError(
      path,
      describeType(t),
      describeType(i),
      advice ?? 'Cast the column to the table type before writing, or write it under a new column name.',
    );
  };
  if (tk.k === 'other') return mismatch('The table type is not one Hudi can store.');
  if (ik.k === 'other') return mismatch('Convert the column to a type Hudi can store (see arrowSchemaToAvro).');
  if (tk.k === 'struct' && ik.k === 'struct') {
    const fields = mergeFields(t.children, i.children, `${path}.`, ctx);
    const unchanged = fields.length === t.children.length && fields.every((f, n) => f === t.children[n]);
    return unchanged ? t : new Struct(fields);
  }
  if (tk.k === 'list' && ik.k === 'list') {
    const ti = t.children[0];
    const ii = i.children[0];
    const item = mergeType(ti.type, ii.type, `${path}[]`, ctx);
    const nullable = ti.nullable || ii.nullable;
    return item === ti.type && nullable === ti.nullable && DataType.isList(t) ? t : new List(new Field(ti.name, item, nullable, ti.metadata));
  }
  if (tk.k === 'map' && ik.k === 'map') {
    const te = t.children[0];
    const [tkf, tvf] = te.type.children as Field[];
    const [ikf, ivf] = i.children[0].type.children as Field[];
    if (!sameKind(kindOf(tkf.type), kindOf(ikf.type))) return mismatch('Map keys must keep their type.');
    const value = mergeType(tvf.type, ivf.type, `${path}{}`, ctx);
    const nullable = tvf.nullable || ivf.nullable;
    if (value === tvf.type && nullable === tvf.nullable) return t;
    const entries = new Struct<{ key: DataType; value: DataType }>([tkf, new Field(tvf.name, value, nullable, tvf.metadata)] as never);
    return new Map_(new Field(te.name, entries, false), (t as Map_).keysSorted);
  }
  if (sameKind(tk, ik)) return t;
  if (promotes(ik, tk)) return t;
  if (promotes(tk, ik)) {
    if (!ctx.options.allowTypeWidening) return mismatch('Widening table columns is turned off; cast the column to the table type.');
    ctx.widened.push({ column: path, from: describeType(t), to: describeType(i) });
    return i;
  }
  if (tk.k === 'decimal' && ik.k === 'decimal') return mismatch('Decimal precision and scale must match the table; cast the column.');
  return mismatch();
}

// ---------------------------------------------------------------------------------------------

function alignBatch(batch: RecordBatch, schema: Schema): RecordBatch {
  const n = batch.numRows;
  const children = schema.fields.map((f) => {
    const idx = batch.schema.fields.findIndex((x) => x.name === f.name);
    if (idx < 0) return nullData(f.type, n);
    return castData(batch.data.children[idx], batch.schema.fields[idx].type, f.type, f.name);
  });
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new RecordBatch(schema, struct);
}

function nullData(type: DataType, n: number): Data {
  return vectorFromArray(new Array<null>(n).fill(null), type).data[0];
}

/** Validity bits of `data` re-based to offset 0, or undefined when it has no nulls. */
function validity(data: Data): Uint8Array | undefined {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return undefined;
  if (data.offset === 0) return data.nullBitmap;
  const out = new Uint8Array(Math.ceil(data.length / 8));
  for (let i = 0; i < data.length; i++) if (data.getValid(i)) out[i >> 3] |= 1 << (i & 7);
  return out;
}

// A plain boolean: util.compareTypes is a type guard that would narrow `to` away below.
function sameArrowType(a: DataType, b: DataType): boolean {
  return util.compareTypes(a, b);
}

function castData(data: Data, from: DataType, to: DataType, path: string): Data {
  if (sameArrowType(from, to)) return data;
  const fk = kindOf(from);
  const tk = kindOf(to);
  const n = data.length;
  const nullBitmap = validity(data);
  const base = { length: n, nullCount: nullBitmap ? data.nullCount : 0, nullBitmap };
  if (tk.k === 'struct' && fk.k === 'struct') {
    const children = to.children.map((f: Field) => {
      const idx = from.children.findIndex((c) => c.name === f.name);
      if (idx < 0) return nullData(f.type, n);
      // Struct children are sliced with their parent, so index i matches row i.
      return castData(data.children[idx], from.children[idx].type, f.type, `${path}.${f.name}`);
    });
    return makeData({ type: to as Struct, ...base, children });
  }
  if ((tk.k === 'list' || tk.k === 'map') && fk.k === tk.k && !DataType.isFixedSizeList(from) && !DataType.isLargeList(from)) {
    const child = castData(data.children[0], from.children[0].type, to.children[0].type, `${path}[]`);
    return makeData({ type: to as List, ...base, valueOffsets: data.valueOffsets as Int32Array, child });
  }
  if (DataType.isInt(to) || DataType.isFloat(to)) {
    const values = data.values as ArrayLike<number | bigint>;
    if (DataType.isInt(from) || DataType.isFloat(from)) {
      if (DataType.isInt(to) && (to as Int).bitWidth === 64) {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) out[i] = BigInt(values[i]);
        return makeData({ type: to as Int, ...base, data: out });
      }
      const out = DataType.isFloat(to) && (to as Float).precision === 1 ? new Float32Array(n) : DataType.isFloat(to) ? new Float64Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(values[i]);
      return makeData({ type: to as Int, ...base, data: out as Int32Array });
    }
  }
  if (tk.k === 'timestamp' && fk.k === 'timestamp' && fk.unit === 'millis' && tk.unit === 'micros') {
    const src = data.values as BigInt64Array;
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = src[i] * 1000n;
    return makeData({ type: to as Timestamp, ...base, data: out });
  }
  if (tk.k === 'string' && fk.k === 'bytes' && DataType.isBinary(from)) {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (!data.getValid(i)) continue;
      try {
        decoder.decode(bytes.subarray(offsets[i], offsets[i + 1]));
      } catch {
        throw new SchemaMismatchError(path, 'string', 'bytes', `Row ${i} is not valid UTF-8, so it cannot be stored in a string column.`);
      }
    }
  }
  // Same memory layout (a time zone added or dropped, a decimal's label): keep the buffers.
  if (sameLayout(from, to) && !DataType.isUtf8(to) && !DataType.isBinary(to)) return conformData(data, to);
  // Anything else (Utf8 <-> Binary, ...): rebuild through values, nulls kept as nulls.
  const vector = makeVector(data);
  const values = Array.from({ length: n }, (_, i) => (data.getValid(i) ? vector.get(i) : null));
  const converted = tk.k === 'bytes' && fk.k === 'string' ? values.map((v) => (typeof v === 'string' ? new TextEncoder().encode(v) : v)) : tk.k === 'string' && fk.k === 'bytes' ? values.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v)) : values;
  return vectorFromArray(converted, to).data[0];
}
