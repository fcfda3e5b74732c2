// Avro schema -> Arrow schema, with the types Spark shows for a Hudi table: fixed/bytes decimals
// as Decimal128, date as Date32, timestamp-micros as Timestamp(us, UTC), nullable unions as
// nullable fields. Base files and log blocks both map through here so their batches agree.

import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  Null,
  Schema,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  Timestamp,
  TimeUnit,
  Utf8,
  type DataType,
} from 'apache-arrow';

import { SchemaError } from '../errors.js';
import type { AvroType } from '../avro/avro-schema.js';

/** Child field names used for nested Arrow types, following Arrow's conventions. */
const LIST_ITEM_NAME = 'element';
const MAP_ENTRIES_NAME = 'entries';

/** The Arrow field for an Avro field: nullable exactly when the Avro type admits null. */
export function avroFieldToArrow(name: string, type: AvroType): Field {
  return arrowField(name, type, new Set());
}

/** The Arrow schema of an Avro record type. */
export function avroToArrowSchema(record: AvroType): Schema {
  if (record.kind !== 'record') throw new SchemaError(`A table schema must be an Avro record, got ${record.kind}`);
  return new Schema(record.fields.map((f) => avroFieldToArrow(f.name, f.type)));
}

function arrowField(name: string, type: AvroType, seen: Set<AvroType>): Field {
  if (type.kind === 'union') {
    const nonNull = type.branches.filter((b) => b.kind !== 'null');
    const nullable = nonNull.length < type.branches.length;
    if (nonNull.length === 0) return new Field(name, new Null(), true);
    if (nonNull.length === 1) return new Field(name, arrowType(nonNull[0], seen), nullable);
    // Spark's convention for general unions: a struct with one nullable member per branch.
    const members = nonNull.map((b, i) => new Field(`member${i}`, arrowType(b, seen), true));
    return new Field(name, new Struct(members), nullable);
  }
  return new Field(name, arrowType(type, seen), type.kind === 'null');
}

function decimalOf(type: { precision?: number; scale?: number }, what: string): Decimal {
  const precision = type.precision;
  if (precision === undefined || precision < 1 || precision > 38) {
    throw new SchemaError(`Avro decimal ${what} has precision ${String(precision)}; 1..38 is supported`);
  }
  return new Decimal(type.scale ?? 0, precision, 128);
}

/** The Arrow type of an Avro type (unions handled by the caller). */
export function arrowType(type: AvroType, seen: Set<AvroType> = new Set()): DataType {
  switch (type.kind) {
    case 'null':
      return new Null();
    case 'boolean':
      return new Bool();
    case 'int':
      if (type.logicalType === 'date') return new DateDay();
      if (type.logicalType === 'time-millis') return new TimeMillisecond();
      return new Int32();
    case 'long':
      switch (type.logicalType) {
        case 'timestamp-micros':
          return new Timestamp(TimeUnit.MICROSECOND, 'UTC');
        case 'timestamp-millis':
          return new Timestamp(TimeUnit.MILLISECOND, 'UTC');
        case 'local-timestamp-micros':
          return new Timestamp(TimeUnit.MICROSECOND);
        case 'local-timestamp-millis':
          return new Timestamp(TimeUnit.MILLISECOND);
        case 'time-micros':
          return new TimeMicrosecond();
        default:
          return new Int64();
      }
    case 'float':
      return new Float32();
    case 'double':
      return new Float64();
    case 'bytes':
      return type.logicalType === 'decimal' ? decimalOf(type, 'bytes') : new Binary();
    case 'string':
      return new Utf8();
    case 'fixed':
      return type.logicalType === 'decimal' ? decimalOf(type, type.name) : new FixedSizeBinary(type.size);
    case 'enum':
      return new Utf8();
    case 'array':
      return new List(arrowField(LIST_ITEM_NAME, type.items, seen));
    case 'map': {
      const value = arrowField('value', type.values, seen);
      const entries = new Struct([new Field('key', new Utf8(), false), value]);
      return new Map_(new Field(MAP_ENTRIES_NAME, entries, false), false);
    }
    case 'record': {
      if (seen.has(type)) throw new SchemaError(`Avro record ${type.name} is recursive; Arrow cannot represent it`);
      const inner = new Set(seen).add(type);
      return new Struct(type.fields.map((f) => arrowField(f.name, f.type, inner)));
    }
    case 'union': {
      const f = arrowField('union', type, seen);
      return f.type;
    }
  }
}
