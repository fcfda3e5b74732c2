// Avro schema JSON as TypeScript types. Object keys are created in the order Java Avro prints
// them (type, name, namespace, ..., fields), so JSON.stringify gives the text Hudi stores.

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroField {
  name: string;
  type: AvroType;
  doc?: string;
  default?: unknown;
}

export interface AvroRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

export interface AvroFixed {
  type: 'fixed';
  name: string;
  namespace?: string;
  size: number;
  logicalType?: string;
  precision?: number;
  scale?: number;
}

export interface AvroEnum {
  type: 'enum';
  name: string;
  namespace?: string;
  symbols: string[];
}

export interface AvroArray {
  type: 'array';
  items: AvroType;
}

export interface AvroMap {
  type: 'map';
  values: AvroType;
}

/** A primitive annotated with a logical type, e.g. {type:'int', logicalType:'date'}. */
export interface AvroAnnotated {
  type: AvroPrimitive;
  logicalType?: string;
  precision?: number;
  scale?: number;
}

/** A union, a named-type reference (string), or any of the above. */
export type AvroType = AvroPrimitive | string | AvroRecord | AvroFixed | AvroEnum | AvroArray | AvroMap | AvroAnnotated | AvroType[];

/** The first non-null branch of a `["null", T]` union, or the type itself. */
export function nonNullBranch(type: AvroType): AvroType {
  if (Array.isArray(type)) return type.find((t) => t !== 'null') ?? 'null';
  return type;
}

export function isNullable(type: AvroType): boolean {
  return Array.isArray(type) && type.includes('null');
}
