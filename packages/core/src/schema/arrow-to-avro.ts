// Arrow schema -> the Avro schema Hudi's Spark writer records for the same table (commit metadata
// `schema`, `parquet.avro.schema` footer): Spark's SchemaConverters naming and nesting, nullable
// types as ["null", T] with default null, and optionally Hudi's five meta fields first.

import {
  DataType,
  Precision,
  TimeUnit,
  type Decimal,
  type Field,
  type Int,
  type Schema,
  type Timestamp,
} from 'apache-arrow';
import type { AvroJsonField as AvroField, AvroJsonRecord as AvroRecord, AvroJsonType as AvroType } from '../avro/avro-schema.js';
import { UnsupportedArrowTypeError } from '../errors.js';
import { META_FIELD_NAMES } from './table-schema.js';

/** Hudi's meta columns, in the order they lead every base file and log record. */
/** Hudi's meta fields, in file order. */
export const HOODIE_META_FIELDS = META_FIELD_NAMES;

const META_SET: ReadonlySet<string> = new Set(META_FIELD_NAMES);
const MAX_DECIMAL_PRECISION = 38;
const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ArrowToAvroOptions {
  /** `hoodie.table.name`; gives the record name `<name>_record` and namespace `hoodie.<name>`. */
  tableName: string;
  /** Put the five `_hoodie_*` fields first, as in base-file footers. Default false (commit metadata). */
  metaFields?: boolean;
}

/**
 * Hudi's record name and namespace for a table: invalid Avro name characters become "__" and a
 * leading invalid character is masked too (HoodieAvroUtils.sanitizeName).
 */
export function avroRecordNameAndNamespace(tableName: string): { name: string; namespace: string } {
  let name = tableName;
  if (name.length > 0 && /[^A-Za-z_]/.test(name[0])) name = name.replace(/[^A-Za-z_]/, '__');
  name = name.replace(/[^A-Za-z0-9_]/g, '__');
  return { name: `${name}_record`, namespace: `hoodie.${name}` };
}

/**
 * Converts a table's Arrow schema. Existing `_hoodie_*` columns are dropped and, with
 * `metaFields`, re-added in Hudi's canonical form (string, doc "", default null).
 */
export function arrowSchemaToAvro(schema: Schema, options: ArrowToAvroOptions): AvroRecord {
  const { name, namespace } = avroRecordNameAndNamespace(options.tableName);
  const childNamespace = `${namespace}.${name}`;
  const fields: AvroField[] = [];
  if (options.metaFields) {
    for (const meta of HOODIE_META_FIELDS) fields.push({ name: meta, type: ['null', 'string'], doc: '', default: null });
  }
  const ctx: Ctx = { enclosing: namespace };
  for (const f of schema.fields) {
    if (META_SET.has(f.name)) continue;
    fields.push(convertField(f, childNamespace, ctx, f.name));
  }
  return { type: 'record', name, namespace, fields };
}

/** Tracks the namespace Java Avro would consider current, to print `namespace` only when it changes. */
interface Ctx {
  enclosing: string;
}

function convertField(f: Field, namespace: string, ctx: Ctx, path: string): AvroField {
  checkName(f.name, path);
  const type = convertType(f.type, f.nullable, f.name, namespace, ctx, path);
  return f.nullable && !DataType.isNull(f.type) ? { name: f.name, type, default: null } : { name: f.name, type };
}

function checkName(name: string, path: string): void {
  if (!AVRO_NAME.test(name)) {
    throw new UnsupportedArrowTypeError(path, 'with this name', 'Avro field names must match [A-Za-z_][A-Za-z0-9_]*; rename the column');
  }
}

function nullable(type: AvroType, isNullable: boolean): AvroType {
  return isNullable && type !== 'null' ? ['null', type] : type;
}

// Spark's minBytesForPrecision: the fewest bytes whose signed range holds 10^precision.
function fixedSizeForPrecision(precision: number): number {
  let bytes = 1;
  while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) bytes++;
  return bytes;
}

// Named types carry their full name; Java Avro prints `namespace` only when it differs from the
// enclosing one, and names inside resolve against it.
function named<T extends { name: string; namespace?: string }>(
  build: (ns: string | undefined) => T,
  namespace: string,
  ctx: Ctx,
): T {
  return build(namespace === ctx.enclosing ? undefined : namespace);
}

function convertType(type: DataType, isNullable: boolean, recordName: string, namespace: string, ctx: Ctx, path: string): AvroType {
  const unsupported = (advice: string): never => {
    throw new UnsupportedArrowTypeError(path, String(type), advice);
  };
  if (DataType.isDictionary(type)) return convertType(type.dictionary, isNullable, recordName, namespace, ctx, path);
  if (DataType.isNull(type)) return 'null';
  if (DataType.isBool(type)) return nullable('boolean', isNullable);
  if (DataType.isInt(type)) {
    const t = type as Int;
    if (t.bitWidth < 32 || (t.bitWidth === 32 && t.isSigned)) return nullable('int', isNullable);
    if (t.bitWidth === 64 && !t.isSigned) return unsupported('unsigned 64-bit integers do not fit a long; cast to Int64 or Decimal(20, 0)');
    return nullable('long', isNullable);
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.HALF) return unsupported('cast half floats to Float32');
    return nullable(type.precision === Precision.SINGLE ? 'float' : 'double', isNullable);
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return nullable('string', isNullable);
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isBinaryView(type) || DataType.isFixedSizeBinary(type)) {
    return nullable('bytes', isNullable);
  }
  if (DataType.isDecimal(type)) {
    const d = type as Decimal;
    if (d.precision > MAX_DECIMAL_PRECISION) return unsupported(`Spark decimals hold at most ${MAX_DECIMAL_PRECISION} digits`);
    if (d.scale < 0 || d.scale > d.precision) return unsupported('the scale must be between 0 and the precision');
    const ns = `${namespace}.${recordName}`;
    const fixed = named(
      (n) => ({
        type: 'fixed' as const,
        name: 'fixed',
        ...(n === undefined ? {} : { namespace: n }),
        size: fixedSizeForPrecision(d.precision),
        logicalType: 'decimal',
        precision: d.precision,
        scale: d.scale,
      }),
      ns,
      ctx,
    );
    return nullable(fixed, isNullable);
  }
  if (DataType.isDate(type)) return nullable({ type: 'int', logicalType: 'date' }, isNullable);
  if (DataType.isTimestamp(type)) {
    const t = type as Timestamp;
    if (t.unit === TimeUnit.MICROSECOND) return nullable({ type: 'long', logicalType: 'timestamp-micros' }, isNullable);
    if (t.unit === TimeUnit.MILLISECOND) return nullable({ type: 'long', logicalType: 'timestamp-millis' }, isNullable);
    return unsupported('Spark timestamps are microseconds; cast the column to Timestamp(MICROSECOND, "UTC")');
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    const item = type.children[0];
    const items = convertType(item.type, item.nullable, recordName, namespace, ctx, `${path}[]`);
    return nullable({ type: 'array', items }, isNullable);
  }
  if (DataType.isMap(type)) {
    const [key, value] = type.children[0].type.children;
    if (!(DataType.isUtf8(key.type) || DataType.isLargeUtf8(key.type))) {
      return unsupported('Avro maps have string keys; convert the keys to strings or use a list of structs');
    }
    const values = convertType(value.type, value.nullable, recordName, namespace, ctx, `${path}{}`);
    return nullable({ type: 'map', values }, isNullable);
  }
  if (DataType.isStruct(type)) {
    const childNamespace = `${namespace}.${recordName}`;
    const record = named(
      (n) => {
        const inner: Ctx = { enclosing: namespace };
        const fields = type.children.map((c) => convertField(c, childNamespace, inner, `${path}.${c.name}`));
        return { type: 'record' as const, name: recordName, ...(n === undefined ? {} : { namespace: n }), fields };
      },
      namespace,
      ctx,
    );
    return nullable(record, isNullable);
  }
  if (DataType.isTime(type)) return unsupported('Spark has no time-of-day type; store it as Int64 microseconds or a string');
  if (DataType.isInterval(type) || DataType.isDuration(type)) return unsupported('store durations as Int64 with the unit in the column name');
  return unsupported('unions and other Arrow-only types have no Spark equivalent; split or convert the column');
}
