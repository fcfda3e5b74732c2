// Column types the catalog holds, from the table's Arrow schema (itself read from the table's
// Avro schema): Hive type names as Hudi's Hive/Glue sync writes them (lower case, no spaces,
// timestamps as bigint unless Hive timestamps are asked for), and the Spark SQL schema JSON Hudi
// stores in `spark.sql.sources.schema.part.*` so Spark reads the table as a Hudi data source.

import { DataType, type Field, type Schema, type Struct, type List, type Map_ } from 'apache-arrow';

import { GlueSyncConfigError } from './errors.js';

export interface HiveTypeOptions {
  /** Hudi's `hoodie.datasource.hive_sync.support_timestamp`: timestamps as `timestamp`, not `bigint`. */
  supportTimestamp?: boolean;
}

function unsupported(field: string, type: DataType): never {
  throw new GlueSyncConfigError(`column ${field} has type ${String(type)}, which has no Hive type; drop or cast the column`);
}

/** The Hive type name of an Arrow type, as Hudi's sync derives it from the Parquet schema. */
export function hiveType(type: DataType, field: string, options: HiveTypeOptions = {}): string {
  if (DataType.isDictionary(type)) return hiveType(type.dictionary, field, options);
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'string';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isInt(type)) return type.bitWidth === 64 ? 'bigint' : 'int';
  if (DataType.isFloat(type)) return type.precision === 2 ? 'double' : 'float';
  if (DataType.isDecimal(type)) return `decimal(${type.precision},${type.scale})`;
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return options.supportTimestamp ? 'timestamp' : 'bigint';
  // Avro time-millis is an int, time-micros a long.
  if (DataType.isTime(type)) return type.bitWidth === 64 ? 'bigint' : 'int';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return 'binary';
  if (DataType.isList(type)) return `array<${hiveType((type as List).children[0].type, field, options)}>`;
  if (DataType.isMap(type)) {
    const entries = (type as Map_).children[0].type as Struct;
    return `map<string,${hiveType(entries.children[1].type, field, options)}>`;
  }
  if (DataType.isStruct(type)) {
    const members = (type as Struct).children.map((c) => `${c.name}:${hiveType(c.type, `${field}.${c.name}`, options)}`);
    // Hive rejects '-' inside struct types; Hudi's sync writes '_' instead.
    return `struct<${members.join(',')}>`.replaceAll('-', '_');
  }
  return unsupported(field, type);
}

type SparkType = string | { [k: string]: SparkType | boolean | SparkField[] };
interface SparkField {
  name: string;
  type: SparkType;
  nullable: boolean;
  metadata: Record<string, string>;
}

function sparkType(type: DataType, field: string): SparkType {
  if (DataType.isDictionary(type)) return sparkType(type.dictionary, field);
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'string';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isInt(type)) return type.bitWidth === 64 ? 'long' : 'integer';
  if (DataType.isFloat(type)) return type.precision === 2 ? 'double' : 'float';
  if (DataType.isDecimal(type)) return `decimal(${type.precision},${type.scale})`;
  if (DataType.isDate(type)) return 'date';
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isTime(type)) return type.bitWidth === 64 ? 'long' : 'integer';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return 'binary';
  if (DataType.isList(type)) {
    const element = (type as List).children[0];
    return { type: 'array', elementType: sparkType(element.type, field), containsNull: element.nullable };
  }
  if (DataType.isMap(type)) {
    const value = ((type as Map_).children[0].type as Struct).children[1];
    return { type: 'map', keyType: 'string', valueType: sparkType(value.type, field), valueContainsNull: value.nullable };
  }
  if (DataType.isStruct(type)) return { type: 'struct', fields: (type as Struct).children.map((c) => sparkField(c, `${field}.${c.name}`)) };
  return unsupported(field, type);
}

function sparkField(f: Field, path: string): SparkField {
  return { name: f.name, type: sparkType(f.type, path), nullable: f.nullable, metadata: {} };
}

/** Spark's StructType JSON of the table: data columns first, partition columns last. */
export function sparkSchemaJson(schema: Schema, partitionFields: readonly string[]): string {
  const isPartition = new Set(partitionFields);
  const ordered = [...schema.fields.filter((f) => !isPartition.has(f.name)), ...schema.fields.filter((f) => isPartition.has(f.name))];
  return JSON.stringify({ type: 'struct', fields: ordered.map((f) => sparkField(f, f.name)) });
}
