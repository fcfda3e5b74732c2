// Avro schema JSON (the text form Hudi stores) as TypeScript types. Object keys are created in the order Java Avro prints
// them (type, name, namespace, ..., fields), so JSON.stringify gives the text Hudi stores.

export type AvroJsonPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroJsonField {
  name: string;
  type: AvroJsonType;
  doc?: string;
  default?: unknown;
}

export interface AvroJsonRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroJsonField[];
}

export interface AvroJsonFixed {
  type: 'fixed';
  name: string;
  namespace?: string;
  size: number;
  logicalType?: string;
  precision?: number;
  scale?: number;
}

export interface AvroJsonEnum {
  type: 'enum';
  name: string;
  namespace?: string;
  symbols: string[];
}

export interface AvroJsonArray {
  type: 'array';
  items: AvroJsonType;
}

export interface AvroJsonMap {
  type: 'map';
  values: AvroJsonType;
}

/** A primitive annotated with a logical type, e.g. {type:'int', logicalType:'date'}. */
export interface AvroJsonAnnotated {
  type: AvroJsonPrimitive;
  logicalType?: string;
  precision?: number;
  scale?: number;
}

/** A union, a named-type reference (string), or any of the above. */
export type AvroJsonType = AvroJsonPrimitive | string | AvroJsonRecord | AvroJsonFixed | AvroJsonEnum | AvroJsonArray | AvroJsonMap | AvroJsonAnnotated | AvroJsonType[];

/** The first non-null branch of a `["null", T]` union, or the type itself. */
export function nonNullBranch(type: AvroJsonType): AvroJsonType {
  if (Array.isArray(type)) return type.find((t) => t !== 'null') ?? 'null';
  return type;
}

export function isNullable(type: AvroJsonType): boolean {
  return Array.isArray(type) && type.includes('null');
}
